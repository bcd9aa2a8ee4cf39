"""A proposal of a mentor to a venture: made by hand or by an approved run, sent, then accepted (a
mentorship begins), declined or expired (the venture's next choice is proposed, or staff match by hand)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import matching
from mentorship.models import (
    Application,
    MentorProfile,
    Mentorship,
    MentorshipStatusChange,
    Preference,
    Proposal,
)
from mentorship.permissions import can_manage

from .engine import mentor_queryset, mentor_to_engine, score_pair, venture_to_engine, weights_for
from .errors import CapacityError, WorkflowError
from .notifications import notify_mentors, notify_staff_manual, send_email
from .rules import rule_breaks


def send_proposal(proposal: Proposal, now) -> None:
    proposal.status = Proposal.Status.SENT
    proposal.sent_at = now
    proposal.expires_at = now + datetime.timedelta(days=proposal.cohort.programme.proposal_expiry_days)
    proposal.save(update_fields=["status", "sent_at", "expires_at"])


def propose(application, mentor, *, user=None, send=True):
    """A proposal made by staff by hand (manual matching), sent at once unless `send` is False."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("cohort__programme", "venture")
            .get(pk=application.pk)
        )
        if application.status not in Application.MATCHABLE:
            raise WorkflowError(
                _("This application is %(status)s.") % {"status": application.get_status_display().lower()}
            )
        if application.proposals.filter(status=Proposal.Status.SENT).exists():
            raise WorkflowError(_("A proposal for this venture is already waiting for a mentor's answer."))
        problems = rule_breaks(application, mentor)
        if problems:
            raise WorkflowError(" ".join(problems))
        proposal = Proposal.objects.create(
            application=application,
            mentor=mentor,
            created_by=user,
            status=Proposal.Status.DRAFT,
            **score_pair(application, mentor),
        )
        if send:
            send_proposal(proposal, timezone.now())
            if application.status == Application.Status.MANUAL:
                application.status = Application.Status.ACCEPTED
                application.save(update_fields=["status"])
    if send:
        notify_mentors([proposal])
    return proposal


def _may_answer(proposal: Proposal, user) -> bool:
    if user is None:
        return False
    return (proposal.mentor.user_id is not None and proposal.mentor.user_id == user.pk) or can_manage(
        user, proposal
    )


def _open_proposal(proposal, user) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("mentor", "application__cohort__programme", "application__venture")
        .get(pk=proposal.pk)
    )
    if not _may_answer(proposal, user):
        raise WorkflowError(_("Only the mentor can answer this proposal."))
    if proposal.status != Proposal.Status.SENT:
        raise WorkflowError(
            _("This proposal is %(status)s and can no longer be answered.")
            % {"status": proposal.get_status_display().lower()}
        )
    return proposal


def accept_proposal(proposal, *, user, note=""):
    """The mentor accepts: capacity is checked again inside the transaction; returns the Mentorship."""
    now = timezone.now()
    with transaction.atomic():
        proposal = _open_proposal(proposal, user)
        if proposal.expires_at and proposal.expires_at < now:
            raise WorkflowError(_("The time to answer this proposal has passed."))
        cohort = proposal.application.cohort
        # Lock the mentor's row: two acceptances for the same mentor are serialised here, and the second
        # counts the first one's mentorship once it has committed.
        mentor = MentorProfile.objects.select_for_update().get(pk=proposal.mentor_id)
        load = Mentorship.objects.filter(
            mentor=mentor, cohort=cohort, status__in=Mentorship.OPEN_STATUSES
        ).count()
        if load >= mentor.slots_for(cohort):
            raise CapacityError(
                _("%(mentor)s has no free place left in %(cohort)s.") % {"mentor": mentor, "cohort": cohort}
            )
        venture = proposal.application.venture
        if Mentorship.objects.filter(
            cohort=cohort, venture=venture, status__in=Mentorship.OPEN_STATUSES
        ).exists():
            raise WorkflowError(_("%(venture)s already has a mentor in this cohort.") % {"venture": venture})
        mentorship = Mentorship.objects.create(
            proposal=proposal, cohort=cohort, mentor=mentor, venture=venture, started_at=now
        )
        MentorshipStatusChange.objects.create(
            mentorship=mentorship,
            from_status="",
            to_status=Mentorship.Status.ACTIVE,
            changed_by=user,
            changed_at=now,
            comment=note,
        )
        proposal.status = Proposal.Status.ACCEPTED
        proposal.responded_at = now
        proposal.response_note = note
        proposal.save(update_fields=["status", "responded_at", "response_note"])
        application = proposal.application
        application.status = Application.Status.MATCHED
        application.save(update_fields=["status"])
        application.proposals.filter(status__in=Proposal.OPEN_STATUSES).exclude(pk=proposal.pk).update(
            status=Proposal.Status.WITHDRAWN, responded_at=now
        )
    send_email(
        "mentorship_started",
        [u.email for u in venture.founders.all()],
        {"mentorship": mentorship, "mentor": mentor, "venture": venture, "cohort": cohort, "note": note},
    )
    return mentorship


def decline_proposal(proposal, *, user, note=""):
    """The mentor declines: the venture's next choice is proposed, or it moves to manual matching."""
    with transaction.atomic():
        proposal = _open_proposal(proposal, user)
        proposal.status = Proposal.Status.DECLINED
        proposal.responded_at = timezone.now()
        proposal.response_note = note
        proposal.save(update_fields=["status", "responded_at", "response_note"])
        outcome = _propose_next(proposal)
    outcome.notify()
    return outcome.proposal


def expire_proposals(now=None):
    """Expire sent proposals past their answer date, as declines; return how many expired."""
    now = now or timezone.now()
    expired = 0
    due = Proposal.objects.filter(status=Proposal.Status.SENT, expires_at__lt=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().select_related("application__cohort").get(pk=pk)
            if proposal.status != Proposal.Status.SENT:
                continue
            proposal.status = Proposal.Status.EXPIRED
            proposal.save(update_fields=["status"])
            outcome = _propose_next(proposal, now=now)
        outcome.notify()
        expired += 1
    return expired


@dataclass
class _NextStep:
    proposal: Proposal | None = None
    application: Application | None = None

    def notify(self):
        if self.proposal is not None:
            notify_mentors([self.proposal])
        elif self.application is not None:
            notify_staff_manual(self.application)


def _propose_next(previous: Proposal, *, now=None) -> _NextStep:
    """After a decline or an expiry: the venture's next ranked mentor that keeps the rules and has room,
    else the best-scoring such mentor of the cohort, else manual matching."""
    application = Application.objects.select_for_update().get(pk=previous.application_id)
    if application.status not in Application.MATCHABLE:
        return _NextStep()
    if application.proposals.filter(status=Proposal.Status.SENT).exclude(pk=previous.pk).exists():
        return _NextStep()
    cohort = application.cohort
    tried = set(application.proposals.values_list("mentor_id", flat=True))

    def eligible(mentor):
        return mentor.pk not in tried and not rule_breaks(application, mentor)

    chosen = None
    for preference in (
        Preference.objects.filter(application=application).select_related("mentor").order_by("rank")
    ):
        if eligible(preference.mentor):
            chosen = preference.mentor
            break
    if chosen is None:
        candidates = [m for m in mentor_queryset(cohort) if eligible(m)]
        if candidates:
            engine_mentors = [mentor_to_engine(m, cohort, capacity=1) for m in candidates]
            table = matching.score(engine_mentors, [venture_to_engine(application)], weights_for(cohort))
            min_score = cohort.programme.min_score
            best = max(range(len(candidates)), key=lambda j: (table.total[0, j], -candidates[j].pk))
            if table.total[0, best] >= min_score - 1e-12:
                chosen = candidates[best]
    if chosen is None:
        application.status = Application.Status.MANUAL
        application.save(update_fields=["status"])
        return _NextStep(application=application)
    proposal = Proposal.objects.create(
        match_run=previous.match_run,
        application=application,
        mentor=chosen,
        status=Proposal.Status.DRAFT,
        **score_pair(application, chosen),
    )
    send_proposal(proposal, now or timezone.now())
    return _NextStep(proposal=proposal)
