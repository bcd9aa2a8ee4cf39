import json

from django.core.management.base import BaseCommand, CommandError

from directory.models import Entry
from importers.crawler import crawl


class Command(BaseCommand):
    help = (
        "Visit entries' websites (published first, least recently checked first), record what "
        "each says about itself, fill empty fields from it and flag sites that stopped answering "
        "and entries nothing has confirmed for a year."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="visit at most this many websites")
        parser.add_argument(
            "--entry", action="append", metavar="SLUG", help="visit only this entry (may be repeated)"
        )
        parser.add_argument("--json", action="store_true", help="print the report as one JSON object")

    def handle(self, *args, **options):
        limit, slugs = options["limit"], options["entry"] or []
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        if slugs:
            known = set(Entry.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            missing = [slug for slug in slugs if slug not in known]
            if missing:
                raise CommandError(f"no entry with the slug {', '.join(missing)}")
            without = Entry.objects.filter(slug__in=slugs, website="").values_list("slug", flat=True)
            for slug in without:
                self.stderr.write(f"{slug} has no website: nothing to visit")
        report = crawl(limit=limit, slugs=slugs)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
            return
        self.stdout.write(
            f"{report.checked} websites checked: {report.ok} answered, {report.failed} failed; "
            f"{len(report.filled)} entries filled in, {report.indexed} reindexed"
        )
        for check in report.checks:
            if not check["ok"]:
                self.stdout.write(self.style.WARNING(f"  {check['entry']}: {check['url']}: {check['error']}"))
        for slug, fields in report.filled.items():
            self.stdout.write(f"  {slug}: filled {', '.join(fields)}")
        for slug in report.flagged_unreachable:
            self.stdout.write(self.style.ERROR(f"  {slug}: flagged, website unreachable"))
        for slug in report.flagged_stale:
            self.stdout.write(self.style.ERROR(f"  {slug}: flagged, not confirmed for a year"))
        for slug in report.unflagged:
            self.stdout.write(f"  {slug}: flag lifted")
