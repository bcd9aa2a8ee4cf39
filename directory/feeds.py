"""An Atom feed of newly listed organisations, newest first by when they were first published."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Entry
from .text import html_to_text, strip_control_deep, summarise

FEED_SIZE = 50


class CleanAtom1Feed(Atom1Feed):
    """Atom without the characters XML 1.0 cannot carry. The models keep them out of the catalogue;
    this holds when a row still has one, which would otherwise fail the whole feed for everyone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_clean(args), **_clean(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*_clean(args), **_clean(kwargs))


def _clean(values):
    return strip_control_deep(values, multiline=True)


class NewEntriesFeed(Feed):
    """Served by the directory page (route `feed/`), which it is given so links follow its URL."""

    feed_type = CleanAtom1Feed

    def __init__(self, directory_page):
        super().__init__()
        self.directory_page = directory_page
        self.base_url = ""

    def get_object(self, request, *args, **kwargs):
        self.base_url = self.directory_page.get_url(request) or "/"
        return self.directory_page

    def title(self, page):
        return _("Newly listed co-operatives · %(site)s") % {"site": page.title}

    def subtitle(self, page):
        return _("Organisations newly published in the directory, newest first.")

    def link(self, page):
        return self.base_url

    def author_name(self, page):
        return _("Co-op Portal editors")

    def items(self, page):
        return (
            Entry.objects.published()
            .filter(first_published_at__isnull=False)
            .select_related("category")
            .prefetch_related("activities")
            .order_by("-first_published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, entry):
        return entry.name

    def item_description(self, entry):
        return entry.summary or summarise(html_to_text(entry.description))

    def item_link(self, entry):
        return self.base_url + self.directory_page.reverse_subpage("entry", kwargs={"slug": entry.slug})

    def item_pubdate(self, entry):
        return entry.first_published_at

    def item_updateddate(self, entry):
        return entry.last_published_at or entry.first_published_at

    def item_categories(self, entry):
        terms = [entry.category.name] if entry.category else []
        return terms + [activity.name for activity in entry.activities.all()]
