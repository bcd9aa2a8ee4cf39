"""What a directory entry is: the entry itself, its tags and its translations."""

from __future__ import annotations

from typing import NamedTuple

from anyascii import anyascii
from django.apps import apps
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from ..forms import EntryForm
from ..taxonomies import Activity, Category, LegalForm, MemberClass, OrganisationType
from ..text import html_to_text, safe_links, validate_links, validate_web_url
from .mixins import CleanText


class EntryQuerySet(models.QuerySet):
    def published(self):
        # Spelt `live IN (true)`, not `live=True`: Django writes the latter as a bare
        # `WHERE live`, which SQLite answers with a scan and a sort of the whole table
        # instead of using the (live, name) index for name-ordered pages.
        return self.filter(live__in=[True])

    def for_listing(self):
        """Everything a listing shows, in a fixed number of queries."""
        return self.select_related("category", "organisation_type").prefetch_related(
            "activities", "member_classes", "translations"
        )


class Status(models.TextChoices):
    # The values of the Murmurations organisations schema's "status" field.
    ACTIVE = "active", _("Active")
    IN_PLANNING = "in_planning", _("In planning")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class GeographicScope(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")


LANGUAGE_CODE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


class EntryTag(TaggedItemBase):
    content_object = ParentalKey("directory.Entry", related_name="tagged_items", on_delete=models.CASCADE)


class Entry(
    CleanText,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """An organisation in the catalogue: a platform co-op, a co-op, or one of their supporters.

    Entries are snippets rather than pages so importers can write thousands at once.
    """

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=False)
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True, validators=[validate_web_url])
    links = models.JSONField(
        _("other links"),
        default=list,
        blank=True,
        validators=[validate_links],
        help_text=_('A list of {"label": ..., "url": ...} objects.'),
    )
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = RichTextField(
        _("description"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4", "blockquote"],
    )

    organisation_type = models.ForeignKey(
        OrganisationType,
        verbose_name=_("organisation type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    activities = ParentalManyToManyField(
        Activity, verbose_name=_("activities"), blank=True, related_name="entries"
    )
    member_classes = ParentalManyToManyField(
        MemberClass,
        verbose_name=_("member classes"),
        blank=True,
        related_name="entries",
        help_text=_("Who owns and governs it."),
    )
    legal_form = models.ForeignKey(
        LegalForm,
        verbose_name=_("legal form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1700), MaxValueValidator(2100)],
    )
    members_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    workers_count = models.PositiveIntegerField(_("workers"), null=True, blank=True)

    geographic_scope = models.CharField(
        _("geographic scope"), max_length=20, choices=GeographicScope.choices, blank=True
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    locality = models.CharField(_("locality"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True, db_index=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO 639-1 codes, e.g. en, fr.")
    )

    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo_url = models.URLField(_("logo address"), max_length=2000, blank=True, validators=[validate_web_url])
    source_code_url = models.URLField(
        _("open-source repository"), max_length=500, blank=True, validators=[validate_web_url]
    )
    tools = models.JSONField(_("tools used"), default=list, blank=True)
    tags = ClusterTaggableManager(through=EntryTag, blank=True)

    # Contact details are personal data: private unless the co-op chose to show a field (the
    # *_public flags), and never in the API or exports. Imports leave every flag off.
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_name_public = models.BooleanField(_("show the contact name on the public page"), default=False)
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Private unless shown on the public page below.")
    )
    contact_email_public = models.BooleanField(_("show the contact email on the public page"), default=False)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_phone_public = models.BooleanField(_("show the contact phone on the public page"), default=False)
    # The language the summary and description are written in, when known: the fallback text
    # carries it as a lang attribute on pages in other languages.
    text_language = models.CharField(
        _("language of the summary and description"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(LANGUAGE_CODE_PATTERN, _("An ISO 639-1 code, e.g. en, fr."))],
        help_text=_("ISO 639-1 code, e.g. en, fr. Translations go in the Translations tab."),
    )

    needs_review = models.BooleanField(_("needs review"), default=False, db_index=True)
    review_note = models.TextField(_("review note"), blank=True)
    # Which source last set each field, so an import only rewrites what it owns.
    field_origins = models.JSONField(default=dict, blank=True, editable=False)

    created_at = models.DateTimeField(_("added"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EntryQuerySet.as_manager()
    base_form_class = EntryForm
    text_json_fields = ("other_names", "links", "languages", "tools")

    def drop_unsafe_addresses(self):
        super().drop_unsafe_addresses()
        if self.links:
            self.links = safe_links(self.links)

    # Imports index once per run (search.indexing), not row by row.
    search_auto_update = True

    search_fields = [
        index.SearchField("name", boost=5),
        index.AutocompleteField("name"),
        index.SearchField("other_names_text", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("description"),
        index.SearchField("locality"),
        index.SearchField("region"),
        index.SearchField("tools_text"),
        index.SearchField("folded_text"),
        index.RelatedFields("activities", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("live"),
        index.FilterField("status"),
        index.FilterField("country"),
        index.FilterField("category_id"),
        index.FilterField("organisation_type_id"),
        index.FilterField("needs_review"),
        index.FilterField("name"),
        index.FilterField("founded_year"),
        index.FilterField("created_at"),
    ]

    content_panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("other_names"),
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("organisation_type"), FieldPanel("category")]),
                FieldPanel("activities"),
                FieldPanel("member_classes"),
                FieldRowPanel([FieldPanel("legal_form"), FieldPanel("status")]),
                FieldRowPanel(
                    [
                        FieldPanel("founded_year"),
                        FieldPanel("members_count"),
                        FieldPanel("workers_count"),
                    ]
                ),
                FieldPanel("tags"),
            ],
            heading=_("Classification"),
        ),
    ]
    place_panels = [
        FieldPanel("geographic_scope"),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("locality"), FieldPanel("region"), FieldPanel("country")]),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("languages"),
    ]
    links_panels = [
        FieldPanel("website"),
        FieldPanel("links"),
        FieldPanel("source_code_url"),
        FieldPanel("tools"),
        FieldPanel("logo"),
        FieldPanel("logo_url"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_name_public")]),
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_email_public")]),
                FieldRowPanel([FieldPanel("contact_phone"), FieldPanel("contact_phone_public")]),
            ],
            heading=_("Contact (private unless shown)"),
        ),
    ]
    translation_panels = [
        FieldPanel("text_language"),
        InlinePanel("translations", heading=_("Translations of the summary and description")),
    ]
    review_panels = [FieldPanel("needs_review"), FieldPanel("review_note"), FieldPanel("unlock_fields")]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Entry")),
            ObjectList(place_panels, heading=_("Place")),
            ObjectList(links_panels, heading=_("Links and contact")),
            ObjectList(translation_panels, heading=_("Translations")),
            ObjectList(review_panels, heading=_("Review")),
        ]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        indexes = [models.Index(fields=["live", "name"])]

    def __str__(self):
        return self.name

    # Search index helpers -------------------------------------------------
    def other_names_text(self):
        return " ".join(self.other_names or [])

    def tools_text(self):
        return " ".join(self.tools or [])

    def folded_text(self):
        """Names, places, summary and description without accents, so "Tierra Comun" finds "Tierra Común"
        on PostgreSQL too (its full-text search keeps accents; SQLite's folds them)."""

        text = " ".join(
            [
                self.name,
                *(self.other_names or []),
                self.locality,
                self.region,
                self.summary,
                html_to_text(self.description),
            ]
        )
        folded = anyascii(text)
        return folded if folded != text else ""

    # Public URLs and preview ---------------------------------------------
    def get_url(self, request=None):
        # By name from the registry: the page (models/pages.py) imports this module.
        page = apps.get_model("directory", "DirectoryPage").objects.live().first()
        if page is None:
            return None
        return page.url + page.reverse_subpage("entry", kwargs={"slug": self.slug})

    def get_preview_template(self, request, mode_name):
        return "directory/entry_detail.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["entry"] = self
        context["sources"] = self.source_records.select_related("source")
        return context

    @cached_property
    def public_links(self):
        # Only web addresses, even if a row holds something else (written before validation).
        return safe_links(self.links)

    @property
    def public_contacts(self) -> list[tuple[str, str, str]]:
        """(kind, label, value) of the contact details the co-op chose to show, and only those."""
        shown = []
        if self.contact_name and self.contact_name_public:
            shown.append(("name", _("Contact"), self.contact_name))
        if self.contact_email and self.contact_email_public:
            shown.append(("email", _("Email"), self.contact_email))
        if self.contact_phone and self.contact_phone_public:
            shown.append(("phone", _("Phone"), self.contact_phone))
        return shown

    # Translations ---------------------------------------------------------
    def text_in(self, language: str) -> LocalisedText:
        """The summary and description in `language`, each falling back to the original."""
        language = (language or "").split("-")[0].lower()
        found = None
        # .all() so a listing's prefetch (for_listing) serves every card without a query.
        for item in self.translations.all():
            if item.language == language:
                found = item
                break
        original_lang = self.text_language or None
        # The original needs a lang attribute only when it is known and not the page's language.
        fallback_lang = original_lang if original_lang and original_lang != language else None
        summary, summary_lang = self.summary, fallback_lang
        description, description_lang = self.description, fallback_lang
        if found and found.summary.strip():
            summary, summary_lang = found.summary, None
        if found and found.description.strip():
            description, description_lang = found.description, None
        return LocalisedText(summary, description, summary_lang, description_lang)

    @property
    def localised(self) -> LocalisedText:
        """The text in the active language (templates: ``entry.localised.summary``)."""
        return self.text_in(translation.get_language() or settings.LANGUAGE_CODE)


class LocalisedText(NamedTuple):
    summary: str
    description: str
    summary_lang: str | None  # set when the text is the original in another, known language
    description_lang: str | None


class EntryTranslation(CleanText, models.Model):
    """The summary and description of an entry in one of the interface's languages."""

    entry = ParentalKey(Entry, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = RichTextField(
        _("description"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4", "blockquote"],
    )

    panels = [FieldPanel("language"), FieldPanel("summary"), FieldPanel("description")]

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        unique_together = [("entry", "language")]

    def __str__(self):
        return f"{self.entry_id}:{self.language}"
