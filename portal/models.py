"""Editorial pages. The knowledge library (guides, case studies) grows here."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from directory.models import DirectoryPage, Entry

        context = super().get_context(request, *args, **kwargs)
        published = Entry.objects.published()
        context["entry_count"] = published.count()
        context["country_count"] = published.exclude(country="").values("country").distinct().count()
        context["recent_entries"] = published.for_listing().order_by("-created_at", "name")[:6]
        context["directory"] = DirectoryPage.objects.live().first()
        return context
