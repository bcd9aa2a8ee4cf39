"""An accepted pair's life: status changes (on hold, resumed, completed, cancelled), meetings logged,
and the anonymous feedback asked for once it ends."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.models import Feedback, FeedbackRequest, Meeting, Mentorship, MentorshipStatusChange
from mentorship.permissions import can_manage

from .errors import WorkflowError
from .notifications import link_to, send_email


def _takes_part(mentorship: Mentorship, user) -> bool:
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
        send_email(
            "feedback_request",
            [request.user.email],
            {"request": request, "mentorship": mentorship, "link": link_to("mentorship:my_mentorships")},
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
