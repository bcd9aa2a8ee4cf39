"""A matching run: made as a draft with its proposals, reviewed by staff (a proposal's mentor changed or
the proposal removed), then approved (its proposals sent) or discarded."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import matching
from mentorship.models import Application, MatchRun, Mentorship, Proposal

from .engine import jsonable, mentor_queryset, mentor_to_engine, score_pair, venture_to_engine, weights_for
from .errors import CapacityError, WorkflowError
from .notifications import notify_mentors
from .proposals import send_proposal
from .rules import free_places, rule_breaks


def matchable_applications(cohort):
    """Applications that still need a mentor: matchable status, no open mentorship, nothing pending."""
    return (
        cohort.applications.filter(status__in=Application.MATCHABLE)
        .exclude(
            venture__mentorships__cohort=cohort, venture__mentorships__status__in=Mentorship.OPEN_STATUSES
        )
        .exclude(proposals__status=Proposal.Status.SENT)
        .select_related("venture", "venture__sector")
        .prefetch_related("venture__needs", "venture__founder_coops", "preferences")
        .distinct()
    )


def _pending_counts(cohort) -> dict[int, int]:
    """Per mentor: open mentorships plus proposals sent and not yet answered, in this cohort."""
    counts: dict[int, int] = defaultdict(int)
    for row in (
        Mentorship.objects.filter(cohort=cohort, status__in=Mentorship.OPEN_STATUSES)
        .values("mentor_id")
        .annotate(n=Count("id"))
    ):
        counts[row["mentor_id"]] += row["n"]
    for row in (
        Proposal.objects.filter(application__cohort=cohort, status=Proposal.Status.SENT)
        .values("mentor_id")
        .annotate(n=Count("id"))
    ):
        counts[row["mentor_id"]] += row["n"]
    return counts


def run_matching(cohort, *, algorithm="optimal", user=None, weight_overrides=None):
    """Match the cohort's matchable applications with its mentors; return a draft MatchRun with proposals."""
    if algorithm not in matching.ALGORITHMS:
        raise WorkflowError(
            _("Unknown algorithm %(algorithm)s; choose one of %(choices)s.")
            % {"algorithm": algorithm, "choices": ", ".join(matching.ALGORITHMS)}
        )
    applications = list(matchable_applications(cohort))
    if not applications:
        raise WorkflowError(_("No application in this cohort is waiting for a mentor."))
    mentors = list(mentor_queryset(cohort))
    if not mentors:
        raise WorkflowError(_("This cohort has no mentors yet: add mentors to the cohort first."))
    pending = _pending_counts(cohort)
    engine_mentors = [
        mentor_to_engine(m, cohort, m.slots_for(cohort) - pending.get(m.pk, 0)) for m in mentors
    ]
    mentor_ids = {m.pk for m in mentors}
    engine_ventures = [venture_to_engine(a, mentor_ids) for a in applications]
    weights = weights_for(cohort, weight_overrides)
    min_score = cohort.programme.min_score
    result = matching.match(
        engine_mentors, engine_ventures, weights, algorithm=algorithm, min_score=min_score
    )

    application_of = {a.venture_id: a for a in applications}
    with transaction.atomic():
        run = MatchRun.objects.create(
            cohort=cohort,
            algorithm=algorithm,
            weights=jsonable(result.weights.as_dict()),
            min_score=min_score,
            input_hash=result.input_hash,
            metrics=jsonable(dict(result.metrics)),
            unmatched_reasons={
                str(application_of[venture_id].pk): reason
                for venture_id, reason in result.unmatched_reasons.items()
            },
            run_by=user if user is not None and user.is_authenticated else None,
        )
        Proposal.objects.bulk_create(
            [
                Proposal(
                    match_run=run,
                    application=application_of[p.venture_id],
                    mentor_id=p.mentor_id,
                    score=p.score,
                    breakdown=jsonable(dict(p.breakdown)),
                    explanation=p.explanation,
                    rank=p.rank,
                    status=Proposal.Status.DRAFT,
                    created_by=run.run_by,
                )
                for p in result.proposals
            ]
        )
    return run


def _draft_run(match_run) -> MatchRun:
    run = MatchRun.objects.select_for_update().get(pk=match_run.pk)
    if run.status != MatchRun.Status.DRAFT:
        raise WorkflowError(
            _("This run was already %(status)s.") % {"status": run.get_status_display().lower()}
        )
    return run


def change_proposal_mentor(proposal, mentor, *, user=None):
    """Staff put another mentor on a draft proposal; the pair is re-checked against the hard rules."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update().select_related("application__cohort").get(pk=proposal.pk)
        )
        if proposal.status != Proposal.Status.DRAFT:
            raise WorkflowError(_("Only draft proposals can be edited."))
        if proposal.mentor_id == mentor.pk:
            return proposal
        problems = rule_breaks(proposal.application, mentor)
        # Draft proposals of the same run also take places once approved.
        if proposal.match_run_id:
            drafts = Proposal.objects.filter(
                match_run_id=proposal.match_run_id, mentor=mentor, status=Proposal.Status.DRAFT
            ).exclude(pk=proposal.pk)
            if drafts.count() >= free_places(mentor, proposal.cohort) and not problems:
                problems.append(
                    _("%(mentor)s has no free place left once this run's other proposals are counted.")
                    % {"mentor": mentor}
                )
            if Proposal.objects.filter(
                match_run_id=proposal.match_run_id, application=proposal.application, mentor=mentor
            ).exists():
                problems.append(_("%(mentor)s is already proposed to this venture.") % {"mentor": mentor})
        if problems:
            raise WorkflowError(" ".join(problems))
        proposal.mentor = mentor
        for field, value in score_pair(proposal.application, mentor).items():
            setattr(proposal, field, value)
        proposal.created_by = user
        proposal.save()
    return proposal


def remove_proposal(proposal, *, user=None):
    """Staff take a draft proposal out of a run before approval."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Proposal.Status.DRAFT:
            raise WorkflowError(_("Only draft proposals can be removed."))
        proposal.delete()


def discard_run(match_run, *, user=None):
    with transaction.atomic():
        run = _draft_run(match_run)
        run.proposals.filter(status=Proposal.Status.DRAFT).update(status=Proposal.Status.WITHDRAWN)
        run.status = MatchRun.Status.DISCARDED
        run.save(update_fields=["status"])
    return run


def approve_run(match_run, *, user):
    """Approve a draft run: its draft proposals are sent and the mentors notified by email."""
    now = timezone.now()
    with transaction.atomic():
        run = _draft_run(match_run)
        proposals = list(
            run.proposals.filter(status=Proposal.Status.DRAFT).select_related(
                "mentor__user", "application__venture", "application__cohort__programme"
            )
        )
        # Re-check places: proposals sent since the run (e.g. by hand) may have taken them.
        taken: dict[int, int] = defaultdict(int)
        for proposal in proposals:
            taken[proposal.mentor_id] += 1
        for mentor_id, count in taken.items():
            mentor = proposals[[p.mentor_id for p in proposals].index(mentor_id)].mentor
            if count > free_places(mentor, run.cohort):
                raise CapacityError(
                    _("%(mentor)s no longer has %(count)d free places: edit the proposals first.")
                    % {"mentor": mentor, "count": count}
                )
        for proposal in proposals:
            send_proposal(proposal, now)
        run.status = MatchRun.Status.APPROVED
        run.approved_by = user
        run.approved_at = now
        run.save(update_fields=["status", "approved_by", "approved_at"])
        # Other drafts of this cohort were alternatives to this one.
        for other in MatchRun.objects.filter(cohort=run.cohort, status=MatchRun.Status.DRAFT).exclude(
            pk=run.pk
        ):
            other.proposals.filter(status=Proposal.Status.DRAFT).update(status=Proposal.Status.WITHDRAWN)
            other.status = MatchRun.Status.DISCARDED
            other.save(update_fields=["status"])
    notify_mentors(proposals)
    return run
