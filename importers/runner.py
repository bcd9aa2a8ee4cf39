"""Running one source end to end: read, parse, load, record the run."""

from __future__ import annotations

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
    dry_run: bool = False,
    progress=None,
) -> tuple[Report, ImportRun]:
    """Import one source. A dry run does everything, reports, and writes nothing."""
    adapter = get_source(slug)
    location = adapter.location(file=file, url=url)
    run = ImportRun(source=slug, location=location[:2000], dry_run=dry_run)
    if not dry_run:
        run.save()
    report = Report(source=slug)
    try:
        data = adapter.read(location)
        items = adapter.parse(data, location)
        if progress is not None:
            items = progress(items)
        if dry_run:
            try:
                with transaction.atomic():
                    source, _ = Source.objects.get_or_create(slug=slug, defaults=adapter.source_defaults())
                    report = Loader(source).load(items)
                    raise DryRunRollback
            except DryRunRollback:
                pass
        else:
            source, _ = Source.objects.get_or_create(slug=slug, defaults=adapter.source_defaults())
            report = Loader(source).load(items)
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
