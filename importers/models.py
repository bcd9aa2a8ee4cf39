"""What the importers record about their runs."""

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
