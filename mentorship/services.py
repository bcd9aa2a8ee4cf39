"""The mentorship workflow: every change of state goes through these functions.

The admin, the public views, the management commands and the tests call them; none of them changes a
proposal's or a mentorship's status by hand. Each function runs in one transaction and raises
`WorkflowError` (with a message fit to show a person) when the change is not allowed.

Emails go out only once the change is written: after the function's own transaction, never inside it.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import matching
from mentorship.matching.explain import explain
from mentorship.models import (
    Application,
    Cohort,
    Feedback,
    FeedbackRequest,
    MatchRun,
    Meeting,
    MentorProfile,
    Mentorship,
    MentorshipStatusChange,
    Preference,
    Proposal,
)

logger = logging.getLogger(__name__)


class WorkflowError(Exception):
    """A change that the rules do not allow, with a message fit to show a person."""


class CapacityError(WorkflowError):
    """The mentor has no free place left in this cohort."""


# ---------------------------------------------------------------------------------------------------
# From models to the engine's dataclasses


def _mentor_queryset(cohort):
    return cohort.mentors.select_related("user").prefetch_related("topics", "sectors", "excluded_ventures")


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


def free_places(mentor: MentorProfile, cohort: Cohort, *, ignore_proposal=None) -> int:
    """Places the mentor can still be offered in the cohort: their slots minus open mentorships and
    proposals awaiting an answer (a sent proposal holds its place until it is answered)."""
    sent = Proposal.objects.filter(mentor=mentor, application__cohort=cohort, status=Proposal.Status.SENT)
    if ignore_proposal is not None:
        sent = sent.exclude(pk=ignore_proposal.pk)
    return mentor.slots_for(cohort) - mentor.load_in(cohort) - sent.count()


def mentor_to_engine(mentor: MentorProfile, cohort: Cohort, capacity: int | None = None) -> matching.Mentor:
    if capacity is None:
        capacity = max(0, mentor.slots_for(cohort) - mentor.load_in(cohort))
    return matching.Mentor(
        id=mentor.pk,
        name=mentor.display_name,
        languages=mentor.languages or [],
        timezone=mentor.timezone or "UTC",
        capacity=max(0, capacity),
        # Topic and sector names, not slugs: the explanations quote them ("both work on Funding").
        topics=[t.name for t in mentor.topics.all()],
        sectors=[s.name for s in mentor.sectors.all()],
        stages=[s for s in (mentor.stages or []) if isinstance(s, str)],
        expertise_text=" ".join(filter(None, [mentor.expertise, mentor.bio])),
        home_coop_id=mentor.home_coop_id,
        excluded_venture_ids=[v.pk for v in mentor.excluded_ventures.all()],
    )


def venture_to_engine(application: Application, mentor_ids=None) -> matching.Venture:
    venture = application.venture
    preferences = [
        matching.Preference(p.mentor_id, p.reason)
        for p in application.preferences.all().order_by("rank")
        if mentor_ids is None or p.mentor_id in mentor_ids
    ]
    return matching.Venture(
        id=venture.pk,
        name=venture.name,
        languages=venture.languages or [],
        timezone=venture.timezone or "UTC",
        needs=[t.name for t in venture.needs.all()],
        need_statement=venture.need_statement,
        stage=venture.stage,
        sector=venture.sector.name if venture.sector_id else "",
        coop_id=venture.entry_id,
        founder_coop_ids=[e.pk for e in venture.founder_coops.all()],
        preferences=preferences,
    )


def _weights(cohort, overrides=None):
    overrides = dict(overrides or {})
    overrides.setdefault("reference_date", cohort.starts_on or timezone.localdate())
    try:
        return cohort.programme.weights(**overrides)
    except (TypeError, ValueError) as error:
        raise WorkflowError(
            _("These matching weights cannot be used: %(error)s") % {"error": error}
        ) from error


def _jsonable(value):
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------------------------
# Hard rules for a pair proposed by hand


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


def _score_pair(application: Application, mentor: MentorProfile) -> dict:
    """Score, breakdown, explanation and preference rank of one pair, as the engine would."""
    cohort = application.cohort
    engine_mentor = mentor_to_engine(mentor, cohort, capacity=1)
    engine_venture = venture_to_engine(application)
    table = matching.score([engine_mentor], [engine_venture], _weights(cohort))
    rank = application.preferences.filter(mentor=mentor).values_list("rank", flat=True).first()
    return {
        "score": float(table.total[0, 0]),
        "breakdown": _jsonable(table.breakdown(0, 0)),
        "explanation": explain(table.facts(0, 0)),
        "rank": rank,
    }


# ---------------------------------------------------------------------------------------------------
# Runs and proposals


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
    mentors = list(_mentor_queryset(cohort))
    if not mentors:
        raise WorkflowError(_("This cohort has no mentors yet: add mentors to the cohort first."))
    pending = _pending_counts(cohort)
    engine_mentors = [
        mentor_to_engine(m, cohort, m.slots_for(cohort) - pending.get(m.pk, 0)) for m in mentors
    ]
    mentor_ids = {m.pk for m in mentors}
    engine_ventures = [venture_to_engine(a, mentor_ids) for a in applications]
    weights = _weights(cohort, weight_overrides)
    min_score = cohort.programme.min_score
    result = matching.match(
        engine_mentors, engine_ventures, weights, algorithm=algorithm, min_score=min_score
    )

    application_of = {a.venture_id: a for a in applications}
    with transaction.atomic():
        run = MatchRun.objects.create(
            cohort=cohort,
            algorithm=algorithm,
            weights=_jsonable(result.weights.as_dict()),
            min_score=min_score,
            input_hash=result.input_hash,
            metrics=_jsonable(dict(result.metrics)),
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
                    breakdown=_jsonable(dict(p.breakdown)),
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
        for field, value in _score_pair(proposal.application, mentor).items():
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


def _send(proposal: Proposal, now) -> None:
    proposal.status = Proposal.Status.SENT
    proposal.sent_at = now
    proposal.expires_at = now + datetime.timedelta(days=proposal.cohort.programme.proposal_expiry_days)
    proposal.save(update_fields=["status", "sent_at", "expires_at"])


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
            _send(proposal, now)
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
    _notify_mentors(proposals)
    return run


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
            **_score_pair(application, mentor),
        )
        if send:
            _send(proposal, timezone.now())
            if application.status == Application.Status.MANUAL:
                application.status = Application.Status.ACCEPTED
                application.save(update_fields=["status"])
    if send:
        _notify_mentors([proposal])
    return proposal


def _may_answer(proposal: Proposal, user) -> bool:
    from mentorship.permissions import can_manage

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
    _email(
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
            _notify_mentors([self.proposal])
        elif self.application is not None:
            _notify_staff_manual(self.application)


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
        candidates = [m for m in _mentor_queryset(cohort) if eligible(m)]
        if candidates:
            engine_mentors = [mentor_to_engine(m, cohort, capacity=1) for m in candidates]
            table = matching.score(engine_mentors, [venture_to_engine(application)], _weights(cohort))
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
        **_score_pair(application, chosen),
    )
    _send(proposal, now or timezone.now())
    return _NextStep(proposal=proposal)


# ---------------------------------------------------------------------------------------------------
# Mentorships


def _takes_part(mentorship: Mentorship, user) -> bool:
    from mentorship.permissions import can_manage

    if user is None or not user.is_authenticated:
        return False
    if mentorship.mentor.user_id == user.pk or mentorship.venture.founders.filter(pk=user.pk).exists():
        return True
    return can_manage(user, mentorship)


def change_status(mentorship, to_status, *, user, comment=""):
    """Put on hold, resume, complete or cancel a mentorship, recording who, when and why."""
    now = timezone.now()
    with transaction.atomic():
        mentorship = (
            Mentorship.objects.select_for_update().select_related("mentor", "venture").get(pk=mentorship.pk)
        )
        if not _takes_part(mentorship, user):
            raise WorkflowError(
                _("Only the people in this mentorship and its incubator's staff can change it.")
            )
        valid = {choice.value for choice in Mentorship.Status}
        if to_status not in valid:
            raise WorkflowError(_("%(status)s is not a mentorship status.") % {"status": to_status})
        from_status = mentorship.status
        allowed = Mentorship.TRANSITIONS.get(Mentorship.Status(from_status), set())
        if to_status not in allowed:
            raise WorkflowError(
                _("A mentorship that is %(from)s cannot become %(to)s.")
                % {
                    "from": Mentorship.Status(from_status).label.lower(),
                    "to": Mentorship.Status(to_status).label.lower(),
                }
            )
        mentorship.status = to_status
        ending = to_status in (Mentorship.Status.COMPLETED, Mentorship.Status.CANCELLED)
        if ending:
            mentorship.ended_at = now
            mentorship.ended_by = user
        mentorship.save(update_fields=["status", "ended_at", "ended_by"])
        MentorshipStatusChange.objects.create(
            mentorship=mentorship,
            from_status=from_status,
            to_status=to_status,
            changed_by=user,
            changed_at=now,
            comment=comment,
        )
        requests = []
        if ending:
            people = []
            if mentorship.mentor.user_id:
                people.append((mentorship.mentor.user, FeedbackRequest.Role.MENTOR))
            people += [
                (founder, FeedbackRequest.Role.FOUNDER) for founder in mentorship.venture.founders.all()
            ]
            for person, role in people:
                request, created = FeedbackRequest.objects.get_or_create(
                    mentorship=mentorship, user=person, defaults={"role": role}
                )
                if created:
                    requests.append(request)
    for request in requests:
        _email(
            "feedback_request",
            [request.user.email],
            {"request": request, "mentorship": mentorship, "link": _link("mentorship:my_mentorships")},
        )
    return mentorship


def log_meeting(mentorship, *, user, held_on, duration_minutes=60, topics=(), notes=""):
    """A meeting logged by the mentor, a founder or staff, while the mentorship is open."""
    mentorship = Mentorship.objects.select_related("mentor", "venture").get(pk=mentorship.pk)
    if not _takes_part(mentorship, user):
        raise WorkflowError(
            _("Only the people in this mentorship and its incubator's staff can log meetings.")
        )
    if mentorship.status not in Mentorship.OPEN_STATUSES:
        raise WorkflowError(_("This mentorship has ended: no more meetings can be logged."))
    if held_on is None:
        raise WorkflowError(_("Give the date of the meeting."))
    if held_on > timezone.localdate() + datetime.timedelta(days=1):
        raise WorkflowError(_("A meeting can only be logged once it has taken place."))
    try:
        duration_minutes = int(duration_minutes)
    except (TypeError, ValueError):
        raise WorkflowError(_("The length of a meeting is a number of minutes.")) from None
    if not 5 <= duration_minutes <= 600:
        raise WorkflowError(_("A meeting lasts between 5 and 600 minutes."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            held_on=held_on,
            duration_minutes=duration_minutes,
            notes=notes,
            logged_by=user,
        )
        if topics:
            meeting.topics.set(topics)
    return meeting


def submit_feedback(feedback_request, *, rating, usefulness, would_recommend, topics_helped=(), comment=""):
    """Record an anonymous answer and mark the request answered (only once)."""
    for label, value in ((_("rating"), rating), (_("usefulness"), usefulness)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise WorkflowError(_("The %(label)s is a whole number from 1 to 5.") % {"label": label})
    with transaction.atomic():
        request = (
            FeedbackRequest.objects.select_for_update()
            .select_related("mentorship")
            .get(pk=feedback_request.pk)
        )
        if request.answered:
            raise WorkflowError(_("This feedback was already given. Thank you!"))
        # The answer keeps the cohort and the role only: nothing leads back to the person or the pair.
        feedback = Feedback.objects.create(
            cohort_id=request.mentorship.cohort_id,
            role=request.role,
            rating=rating,
            usefulness=usefulness,
            would_recommend=bool(would_recommend),
            comment=comment,
            submitted_on=timezone.localdate(),
        )
        if topics_helped:
            feedback.topics_helped.set(topics_helped)
        request.answered = True
        request.save(update_fields=["answered"])
    return feedback


def visible_feedback(cohort):
    """The cohort's feedback, or an empty queryset while fewer than Feedback.MIN_RESPONSES exist."""
    feedback = Feedback.objects.filter(cohort=cohort)
    if feedback.count() < Feedback.MIN_RESPONSES:
        return feedback.none()
    return feedback


# ---------------------------------------------------------------------------------------------------
# Email


def _link(url_name: str, fallback: str = "/mentorship/me/") -> str:
    try:
        path = reverse(url_name)
    except NoReverseMatch:
        path = fallback
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + path


def _email(template: str, recipients, context) -> int:
    recipients = [r for r in recipients if r]
    if not recipients:
        return 0
    subject = " ".join(render_to_string(f"mentorship/email/{template}_subject.txt", context).split())
    body = render_to_string(f"mentorship/email/{template}.txt", context)
    try:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except OSError:
        # The change is already written; a mail server that is down must not undo it.
        logger.exception("could not send %s email to %s", template, recipients)
        return 0


def _notify_mentors(proposals) -> None:
    by_mentor = defaultdict(list)
    for proposal in proposals:
        by_mentor[proposal.mentor_id].append(proposal)
    link = _link("mentorship:my_proposals")
    for mentor_proposals in by_mentor.values():
        mentor = mentor_proposals[0].mentor
        if mentor.user_id is None:
            continue
        _email(
            "proposals_sent",
            [mentor.user.email],
            {"mentor": mentor, "proposals": mentor_proposals, "link": link},
        )


def staff_emails(incubator) -> list[str]:
    emails = []
    if incubator.staff_group_id:
        emails += [u.email for u in incubator.staff_group.user_set.filter(is_active=True).exclude(email="")]
    if incubator.contact_email:
        emails.append(incubator.contact_email)
    return sorted(set(emails))


def _notify_staff_manual(application: Application) -> None:
    incubator = application.cohort.programme.incubator
    _email(
        "manual_matching",
        staff_emails(incubator),
        {"application": application, "venture": application.venture, "cohort": application.cohort},
    )


__all__ = [
    "CapacityError",
    "WorkflowError",
    "accept_proposal",
    "approve_run",
    "change_proposal_mentor",
    "change_status",
    "decline_proposal",
    "discard_run",
    "expire_proposals",
    "free_places",
    "log_meeting",
    "propose",
    "remove_proposal",
    "rule_breaks",
    "run_matching",
    "submit_feedback",
    "visible_feedback",
]
