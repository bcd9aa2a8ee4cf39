"""Running one source end to end: read, parse, load, record the run."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from directory.models import Source

from .models import ImportRun
from .pipeline.loader import Loader, Report
from .registry import get_source
from .sources.base import SourceUnavailable


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
    so one broken listing stops only itself.
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
            run.save()
        # No local name for the raw bytes: the adapter may drop them once decoded.
        items = adapter.parse(adapter.read(run.location), run.location)
        if progress is not None:
            items = progress(items)
        if dry_run:
            try:
                with transaction.atomic():
                    report = _load(adapter, items)
                    raise DryRunRollback
            except DryRunRollback:
                pass
        else:
            report = _load(adapter, items)
    except SourceUnavailable as error:
        run.outcome = ImportRun.Outcome.FAILED
        run.message = str(error)
        report.errors.append({"record": "source", "reason": str(error)})
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


def _load(adapter, items) -> Report:
    source, _created = Source.objects.get_or_create(slug=adapter.slug, defaults=adapter.source_defaults())
    return Loader(source).load(items)
