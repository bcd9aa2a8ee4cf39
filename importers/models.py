"""What the importers record about their runs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("OK")
        PARTIAL = "partial", _("Partial: some records skipped")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("source"), max_length=50, db_index=True)
    location = models.CharField(_("read from"), max_length=2000, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    dry_run = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")

    def __str__(self):
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class HomepageCheck(models.Model):
    """One visit to an entry's website by the homepage crawler, and what the site said."""

    entry = models.ForeignKey("directory.Entry", on_delete=models.CASCADE, related_name="homepage_checks")
    url = models.URLField(_("address visited"), max_length=2000)
    checked_at = models.DateTimeField(_("checked"), db_index=True)
    ok = models.BooleanField(_("reachable"), default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(_("final address"), max_length=2000, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # What the page says about itself.
    title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=20, blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    feed_url = models.URLField(max_length=2000, blank=True)
    murmurations_url = models.URLField(max_length=2000, blank=True)
    organisation = models.JSONField(
        default=dict, blank=True, help_text=_("JSON-LD Organization fields found on the page")
    )

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("homepage check")

    def __str__(self):
        return f"{self.url} {'ok' if self.ok else 'failed'} {self.checked_at:%Y-%m-%d}"


class DuplicateCandidate(models.Model):
    """Two entries that may be one organisation, waiting for an editor's decision.

    The decision is kept: a pair kept apart is never proposed or merged again.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        MERGED = "merged", _("Merged")
        DISTINCT = "distinct", _("Kept apart")

    entry = models.ForeignKey("directory.Entry", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("directory.Entry", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("similarity"))
    reason = models.CharField(max_length=300, blank=True)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score"]
        verbose_name = _("possible duplicate")
        constraints = [
            models.UniqueConstraint(fields=["entry", "other"], name="unique_duplicate_pair"),
        ]

    def __str__(self):
        return f"{self.entry} ≟ {self.other}"
