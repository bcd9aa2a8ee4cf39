"""The hard rules a pair must keep, and the places a mentor has left in a cohort."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorship.models import Application, Cohort, MentorProfile, Proposal


def free_places(mentor: MentorProfile, cohort: Cohort, *, ignore_proposal=None) -> int:
    """Places the mentor can still be offered in the cohort: their slots minus open mentorships and
    proposals awaiting an answer (a sent proposal holds its place until it is answered)."""
    sent = Proposal.objects.filter(mentor=mentor, application__cohort=cohort, status=Proposal.Status.SENT)
    if ignore_proposal is not None:
        sent = sent.exclude(pk=ignore_proposal.pk)
    return mentor.slots_for(cohort) - mentor.load_in(cohort) - sent.count()


def rule_breaks(application: Application, mentor: MentorProfile, *, ignore_proposal=None) -> list[str]:
    """The hard rules a hand-made pair breaks, in words: empty when staff may propose it."""
    cohort = application.cohort
    problems = []
    if not cohort.mentors.filter(pk=mentor.pk).exists():
        problems.append(_("%(mentor)s does not take part in this cohort.") % {"mentor": mentor})
    venture = application.venture
    if not {c.casefold() for c in mentor.languages or []} & {c.casefold() for c in venture.languages or []}:
        problems.append(
            _("%(mentor)s shares no language with %(venture)s.") % {"mentor": mentor, "venture": venture}
        )
    if free_places(mentor, cohort, ignore_proposal=ignore_proposal) <= 0:
        problems.append(_("%(mentor)s has no free place in this cohort.") % {"mentor": mentor})
    coop_ids = set(venture.founder_coops.values_list("pk", flat=True))
    if venture.entry_id:
        coop_ids.add(venture.entry_id)
    if mentor.home_coop_id and mentor.home_coop_id in coop_ids:
        problems.append(_("%(mentor)s belongs to the venture's or a founder's co-op.") % {"mentor": mentor})
    if mentor.excluded_ventures.filter(pk=venture.pk).exists():
        problems.append(
            _("%(mentor)s has a conflict of interest with %(venture)s.")
            % {"mentor": mentor, "venture": venture}
        )
    return problems
