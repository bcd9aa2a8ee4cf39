"""Expire proposals past their answer date and propose each venture its next choice (run it from cron)."""

from django.core.management.base import BaseCommand

from mentorship.services import expire_proposals


class Command(BaseCommand):
    help = "Expire sent proposals past their answer date; the venture's next choice is proposed."

    def handle(self, *args, **options):
        count = expire_proposals()
        self.stdout.write(f"{count} proposal(s) expired")
