import json
import sys

from django.core.management.base import BaseCommand, CommandError

from importers.models import ImportRun
from importers.registry import DEFAULT_ORDER, SOURCES
from importers.runner import run_import


class Command(BaseCommand):
    help = (
        "Import a public listing of co-ops into the catalogue. Reads the live listing, "
        "or PORTAL_SNAPSHOTS/<folder>/... when that is set, or --file / --url."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", choices=sorted(SOURCES), help="which listing")
        parser.add_argument("--all", action="store_true", help="every configured source, in order")
        parser.add_argument("--file", help="read this local file instead")
        parser.add_argument("--url", help="read this address instead")
        parser.add_argument("--config", help="html and csv sources: the listing's config or mapping file")
        parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object per source")

    def handle(self, *args, **options):
        if options["all"]:
            if options["source"] or options["file"] or options["url"] or options["config"]:
                raise CommandError("--all takes no source, --file, --url or --config")
            jobs = DEFAULT_ORDER
        elif options["source"]:
            jobs = [(options["source"], options["config"])]
        else:
            raise CommandError("name a source or give --all")

        failed = False
        for slug, config in jobs:
            progress = None
            if not options["json"] and sys.stderr.isatty():
                from tqdm import tqdm

                def progress(items, slug=slug):
                    return tqdm(items, desc=slug, unit=" records", file=sys.stderr)

            report, run = run_import(
                slug,
                file=options["file"],
                url=options["url"],
                config=config,
                dry_run=options["dry_run"],
                progress=progress,
            )
            failed |= run.outcome == ImportRun.Outcome.FAILED
            if options["json"]:
                self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            else:
                self.print_summary(report, run, options["dry_run"])
        if failed:
            raise CommandError("a source could not be read (see above)")

    def print_summary(self, report, run, dry_run):
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(
            f"{prefix}{report.source}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.skipped} skipped "
            f"({run.outcome}; read from {run.location})"
        )
        for error in report.errors:
            self.stdout.write(self.style.ERROR(f"  error: {error['record']}: {error['reason']}"))
        if report.warnings:
            self.stdout.write(self.style.WARNING(f"  {len(report.warnings)} warnings (fields left empty):"))
            for warning in report.warnings[:20]:
                self.stdout.write(f"    {warning['record']}: {warning['reason']}")
            if len(report.warnings) > 20:
                self.stdout.write(f"    ... and {len(report.warnings) - 20} more (see the run in the admin)")
