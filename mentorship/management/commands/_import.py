"""What the two import commands share."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from mentorship import spreadsheets

from ._cohort import find_cohort


class ImportCommand(BaseCommand):
    importer = None

    def add_arguments(self, parser):
        parser.add_argument("--file", required=True, help="the CSV file (UTF-8)")
        parser.add_argument(
            "--mapping", help="a YAML or JSON column mapping; default: headings are field names"
        )
        parser.add_argument("--cohort", help="cohort id or PROGRAMME-SLUG/COHORT-SLUG to add people to")
        parser.add_argument(
            "--as",
            dest="as_user",
            help="username of the staff member importing: rows reach only their incubators' people "
            "(default: the cohort's incubator's people; without a cohort, every mentorship person's)",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        cohort = find_cohort(options["cohort"]) if options["cohort"] else None
        user = None
        if options.get("as_user"):
            user = get_user_model().objects.filter(username=options["as_user"]).first()
            if user is None:
                raise CommandError(f"no user {options['as_user']!r}")
        try:
            mapping = spreadsheets.load_mapping_file(options["mapping"]) if options["mapping"] else None
            try:
                with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                    report = self.importer(handle, mapping, cohort=cohort, user=user)
            except (OSError, UnicodeDecodeError) as error:
                raise spreadsheets.StructureError(f"cannot read {options['file']}: {error}") from None
        except spreadsheets.StructureError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(spreadsheets.report_json(report))
            return
        self.stdout.write(
            f"{report.kind}: {report.created} created, {report.updated} updated, {report.skipped} skipped"
        )
        for error in report.errors:
            self.stderr.write(f"line {error['line']}: {error['reason']}")
        for warning in report.warnings:
            self.stderr.write(f"line {warning['line']}: {warning['reason']}")
