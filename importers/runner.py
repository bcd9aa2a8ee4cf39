"""Running one source end to end: read, parse, load, record the run."""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from directory.models import Source

from .models import ImportRun, this_host
from .pipeline.loader import Loader, Report
from .registry import get_source
from .sources.base import SourceUnavailable

logger = logging.getLogger(__name__)


class DryRunRollback(Exception):
    pass


def run_import(
    slug: str,
    *,
    file: str | None = None,
    url: str | None = None,
    config: str | None = None,
    dry_run: bool = False,
    progress=None,
) -> tuple[Report, ImportRun]:
    """Import one source. A dry run does everything, reports, and writes nothing.

    A source that cannot be read at all ends as a failed run; it never raises,
    so one broken listing stops only itself. Any other error also ends the run as
    failed (then raises): no run stays "running" after its process has left it. The
    run records its process and a heartbeat per batch, so a run whose process was
    killed is marked failed later (`ImportRun.objects.mark_stopped`), at the latest
    when the next run of its source starts.
    """
    run = ImportRun(source=slug, dry_run=dry_run)
    report = Report(source=slug)
    try:
        adapter = get_source(slug, config=config)
        run.source = report.source = adapter.slug
        live_only = not adapter.snapshot and adapter.url
        if settings.PORTAL_SNAPSHOTS and not (file or url) and live_only:
            raise SourceUnavailable(
                f"{adapter.slug} has no snapshot in PORTAL_SNAPSHOTS; it is read live only"
            )
        run.location = adapter.location(file=file, url=url)[:2000]
        if not dry_run:
            ImportRun.objects.mark_stopped(source=run.source)
            run.pid, run.host, run.heartbeat_at = os.getpid(), this_host(), timezone.now()
            run.save()
        # No local name for the raw bytes: the adapter may drop them once decoded.
        items = adapter.parse(adapter.read(run.location), run.location)
        if progress is not None:
            items = progress(items)
        if dry_run:
            try:
                with transaction.atomic():
                    report = _load(adapter, items, index=False)
                    raise DryRunRollback
            except DryRunRollback:
                pass
        else:
            report = _load(adapter, items, on_batch=lambda so_far: _heartbeat(run, so_far))
    except SourceUnavailable as error:
        run.outcome = ImportRun.Outcome.FAILED
        run.message = str(error)
        report.errors.append({"record": "source", "reason": str(error)})
    except BaseException as error:
        # A bug, the database gone, Ctrl-C: the run ends failed, then the error goes on.
        if not dry_run and run.pk:
            run.outcome = ImportRun.Outcome.FAILED
            run.finished_at = timezone.now()
            run.message = gettext("The run stopped on an error: %(error)s") % {"error": repr(error)[:500]}
            try:
                run.save(update_fields=["outcome", "finished_at", "message"])
            except DatabaseError:
                logger.exception("could not record the failure of import run %s", run.pk)
        raise
    else:
        run.outcome = ImportRun.Outcome.PARTIAL if report.errors else ImportRun.Outcome.OK
    run.finished_at = timezone.now()
    run.created, run.updated, run.unchanged, run.skipped = (
        report.created,
        report.updated,
        report.unchanged,
        report.skipped,
    )
    run.errors, run.warnings = report.errors, report.warnings
    if not dry_run:
        run.save()
    return report, run


def _load(adapter, items, *, index: bool = True, on_batch=None) -> Report:
    source, _created = Source.objects.get_or_create(slug=adapter.slug, defaults=adapter.source_defaults())
    return Loader(source, on_batch=on_batch).load(items, index=index)


def _heartbeat(run: ImportRun, report: Report) -> None:
    """After each batch: the run is alive, and how far it got (shown if it dies here)."""
    now = timezone.now()
    try:
        ImportRun.objects.filter(pk=run.pk).update(
            heartbeat_at=now,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            skipped=report.skipped,
        )
    except DatabaseError as error:  # a missed beat is no reason to stop the import
        logger.warning("could not record import run %s's heartbeat: %s", run.pk, error)
    run.heartbeat_at = now
