"""Finding a cohort from the command line: its id, or "programme-slug/cohort-slug"."""

from django.core.management.base import CommandError

from mentorship.models import Cohort


def find_cohort(value: str) -> Cohort:
    if value.isdigit():
        cohort = Cohort.objects.filter(pk=int(value)).first()
    else:
        programme, _slash, slug = value.partition("/")
        cohort = Cohort.objects.filter(programme__slug=programme, slug=slug).first()
    if cohort is None:
        raise CommandError(f"no cohort {value!r}: give its id or PROGRAMME-SLUG/COHORT-SLUG")
    return cohort
