"""The blocks guides and case studies are written with.

Text, quotes, call-outs and images, plus cards for the portal's own things: a directory entry, a mentor,
a programme. The card blocks load what their cards show in bulk (one query per block type on a page, not
one per card) and show nothing for what is not public: an unpublished entry, a mentor who is not listed.
"""

from __future__ import annotations

import copy

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

#: Rich text features of a guide's body: headings start at h2 (the page title is the h1).
TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class PublicSnippetChooserBlock(SnippetChooserBlock):
    """A snippet chosen by an editor, fetched in bulk through `public_queryset()`.

    What the queryset leaves out (unpublished, unlisted) becomes None and renders as nothing.
    """

    def public_queryset(self):
        return self.model_class._default_manager.all()

    def bulk_to_python(self, values):
        objects = self.public_queryset().in_bulk([value for value in values if value is not None])
        result, seen = [], set()
        for value in values:
            obj = objects.get(value)
            if obj is not None and value in seen:
                obj = copy.copy(obj)
            result.append(obj)
            seen.add(value)
        return result

    def to_python(self, value):
        if value is None:
            return None
        return self.public_queryset().filter(pk=value).first()


class EntryBlock(PublicSnippetChooserBlock):
    def __init__(self, **kwargs):
        super().__init__("directory.Entry", **kwargs)

    def public_queryset(self):
        return self.model_class.objects.published().for_listing()

    class Meta:
        icon = "site"
        label = _("Directory entry")
        template = "portal/blocks/entry.html"


class MentorBlock(PublicSnippetChooserBlock):
    def __init__(self, **kwargs):
        super().__init__("mentorship.MentorProfile", **kwargs)

    def public_queryset(self):
        return self.model_class.objects.listed().select_related("home_coop").prefetch_related("topics")

    class Meta:
        icon = "user"
        label = _("Mentor")
        template = "portal/blocks/mentor.html"


class ProgrammeBlock(PublicSnippetChooserBlock):
    def __init__(self, **kwargs):
        super().__init__("mentorship.Programme", **kwargs)

    def public_queryset(self):
        return self.model_class.objects.public().select_related("incubator")

    class Meta:
        icon = "group"
        label = _("Programme")
        template = "portal/blocks/programme.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "portal/blocks/quote.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("info", _("Information")), ("tip", _("Tip")), ("warning", _("Warning"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("Call-out")
        template = "portal/blocks/callout.html"


class FigureBlock(ImageBlock):
    class Meta:
        label = _("Image")
        template = "portal/blocks/image.html"


class ArticleBodyBlock(blocks.StreamBlock):
    """The body of a guide or a case study."""

    text = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES, template="portal/blocks/text.html")
    quote = QuoteBlock()
    callout = CalloutBlock()
    image = FigureBlock()
    entry = EntryBlock()
    mentor = MentorBlock()
    programme = ProgrammeBlock()


def plain_words(stream) -> int:
    """How many words of prose a body holds (text, quotes and call-outs), for the reading time.

    Reads the raw data, so the cards' snippets are not fetched.
    """
    words = 0
    for child in getattr(stream, "raw_data", None) or []:
        value = child.get("value")
        if child.get("type") == "text":
            words += len(strip_tags(value or "").split())
        elif child.get("type") == "quote":
            words += len(str((value or {}).get("quote", "")).split())
        elif child.get("type") == "callout":
            words += len(strip_tags((value or {}).get("text", "")).split())
    return words
