"""Where entries come from: the public listings, each entry's records in them, and the ids
other registers give it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from ..text import validate_web_url
from .entries import Entry
from .mixins import CleanText


class Source(CleanText, models.Model):
    """A public listing the catalogue draws on, with the terms its data comes under."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    homepage = models.URLField(_("homepage"), max_length=500, blank=True, validators=[validate_web_url])
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    attribution = models.CharField(_("attribution"), max_length=300, blank=True)
    trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_(
            "New entries from a trusted source are published at once; others wait in the review queue."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("homepage"),
        FieldPanel("licence"),
        FieldPanel("attribution"),
        FieldPanel("trusted"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")

    def __str__(self):
        return self.name


class EntryIdentifier(CleanText, models.Model):
    """An id another register gives the organisation, shared across listings.

    Schemes: ``cuk`` (Co-operatives UK organisation id, also used by ESSGlobal files),
    ``gb-coh`` (Companies House number), ``gb-fca`` (FCA mutuals register number),
    ``murmurations`` (node id), ``website`` is not one: domains are matched separately.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.SlugField(_("scheme"), max_length=40)
    value = models.CharField(_("value"), max_length=200)

    class Meta:
        verbose_name = _("identifier")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="unique_identifier"),
        ]

    def __str__(self):
        return f"{self.scheme}:{self.value}"


class SourceRecord(models.Model):
    """One listing of an entry in one source: the provenance of its data."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="source_records")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="records")
    external_id = models.CharField(_("id in the source"), max_length=255)
    record_url = models.URLField(
        _("address in the source"), max_length=2000, blank=True, validators=[validate_web_url]
    )
    raw = models.JSONField(_("raw record"), default=dict)
    content_hash = models.CharField(max_length=64)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("source record")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="unique_record_per_source"),
        ]

    def __str__(self):
        return f"{self.source.slug}:{self.external_id}"
