"""What the public proposes: a new co-op or a change to an entry, waiting for an editor."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from .entries import Entry
from .mixins import CleanText


class Submission(CleanText, models.Model):
    """A proposal from the public: a new co-op, or a change to an entry, waiting for an editor.

    The submitter's name and email are personal data: editors see them, nothing public does.
    """

    class Kind(models.TextChoices):
        NEW = "new", _("New entry")
        CHANGE = "change", _("Change to an entry")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    text_json_fields = ("data",)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    entry_name = models.CharField(_("entry name"), max_length=255, blank=True)
    data = models.JSONField(_("proposed fields"), default=dict, blank=True)
    message = models.TextField(_("message to the editors"), blank=True)
    submitter_name = models.CharField(_("submitter's name"), max_length=200)
    submitter_email = models.EmailField(_("submitter's email"))
    consent = models.BooleanField(_("consent to be contacted and to publish"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Decision.choices, default=Decision.PENDING, db_index=True
    )
    language = models.CharField(_("language of the form"), max_length=10, blank=True)
    # An HMAC of the address (for the rate limit and to spot floods), never the address itself.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Editors decide with the Review view's accept / reject; the edit form only shows what was sent.
    panels = [
        FieldPanel("status"),
        FieldPanel("submitter_name", read_only=True),
        FieldPanel("submitter_email", read_only=True),
        FieldPanel("message", read_only=True),
        FieldPanel("data", read_only=True),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.entry_name or self.data.get('name', '')}"
