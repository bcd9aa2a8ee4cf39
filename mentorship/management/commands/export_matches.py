"""Export match results as CSV: a run's proposals (`--run ID`) or a cohort's mentorships (`--cohort`)."""

from django.core.management.base import BaseCommand, CommandError

from mentorship import spreadsheets
from mentorship.models import MatchRun

from ._cohort import find_cohort


class Command(BaseCommand):
    help = "Write a run's proposals or a cohort's mentorships as CSV (venture, mentor, score, rank...)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--run", type=int, help="a match run's id: its proposals")
        group.add_argument("--cohort", help="cohort id or PROGRAMME-SLUG/COHORT-SLUG: its mentorships")
        parser.add_argument("--output", help="file to write; default: standard output")

    def handle(self, *args, **options):
        if options["run"] is not None:
            run = MatchRun.objects.filter(pk=options["run"]).first()
            if run is None:
                raise CommandError(f"no match run {options['run']}")
            write = lambda out: spreadsheets.export_run(run, out)  # noqa: E731
        else:
            cohort = find_cohort(options["cohort"])
            write = lambda out: spreadsheets.export_mentorships(cohort, out)  # noqa: E731
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                count = write(out)
            self.stderr.write(f"{count} rows written to {options['output']}")
        else:
            write(self.stdout)
