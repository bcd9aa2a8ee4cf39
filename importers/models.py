"""What the importers record about their runs."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# A running run that has not written its heartbeat (once per batch) for this long is taken as
# stopped, wherever its process ran (PORTAL_IMPORT_STALE_AFTER, in seconds).
STALE_AFTER = 30 * 60


def this_host() -> str:
    return socket.gethostname()[:255]


def process_started(pid: int) -> datetime | None:
    """When process `pid` of this machine started (Linux /proc), or None when unknown."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The command (field 2) may hold spaces and parentheses: count from the last ")".
            fields = stat.read().rsplit(")", 1)[1].split()
        with open("/proc/stat") as stat:
            boot = next(int(line.split()[1]) for line in stat if line.startswith("btime "))
        ticks = int(fields[19])  # field 22, starttime, in clock ticks since boot
        return datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), tz=UTC)
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def process_alive(pid: int, since: datetime | None = None) -> bool:
    """Whether process `pid` of this machine is alive and (when known) started before `since`."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    started = process_started(pid)
    # A process started after the run began is another one that got the number.
    return not (since and started and started > since + timedelta(seconds=30))


class ImportRunQuerySet(models.QuerySet):
    def mark_stopped(self, source: str | None = None) -> int:
        """Mark failed the runs still "running" whose process is gone; return how many.

        A run is gone when it ran on this machine and its process no longer exists, or,
        wherever it ran, its heartbeat is older than PORTAL_IMPORT_STALE_AFTER.
        Called when the Imports list or the dashboard is shown and before a run of a source starts.
        """
        running = self.filter(outcome=ImportRun.Outcome.RUNNING)
        if source is not None:
            running = running.filter(source=source)
        now = timezone.now()
        stale_after = timedelta(seconds=getattr(settings, "PORTAL_IMPORT_STALE_AFTER", STALE_AFTER))
        host = this_host()
        stopped = []
        for run in running.only("pk", "pid", "host", "started_at", "heartbeat_at"):
            last_heard = run.heartbeat_at or run.started_at
            if now - last_heard > stale_after:
                stopped.append(run)
            elif run.pid and run.host == host and not process_alive(run.pid, since=run.started_at):
                stopped.append(run)
        for run in stopped:
            last_heard = run.heartbeat_at or run.started_at
            message = gettext("The process stopped before the run finished (last heard of %(time)s).") % {
                "time": timezone.localtime(last_heard).strftime("%Y-%m-%d %H:%M:%S")
            }
            # Only if it is still running: the run may have finished meanwhile.
            ImportRun.objects.filter(pk=run.pk, outcome=ImportRun.Outcome.RUNNING).update(
                outcome=ImportRun.Outcome.FAILED, finished_at=last_heard, message=message
            )
        return len(stopped)


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
    # Where the run's process is, and when it was last heard of (after each batch): a run
    # whose process is gone is marked failed instead of "running" forever (mark_stopped).
    pid = models.PositiveIntegerField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(_("last heard of"), null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

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
