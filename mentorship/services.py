"""The mentorship workflow: every change of state goes through these functions.

The admin, the public views, the management commands and the tests call them; none of them changes a
proposal's or a mentorship's status by hand. Each function runs in one transaction and raises
`WorkflowError` (with a message fit to show a person) when the change is not allowed.
"""

from __future__ import annotations


class WorkflowError(Exception):
    """A change that the rules do not allow, with a message fit to show a person."""


class CapacityError(WorkflowError):
    """The mentor has no free place left in this cohort."""


def run_matching(cohort, *, algorithm="optimal", user=None, weight_overrides=None):
    """Match the cohort's matchable applications with its mentors; return a draft MatchRun with proposals."""
    raise NotImplementedError


def approve_run(match_run, *, user):
    """Approve a draft run: its draft proposals are sent and the mentors notified by email."""
    raise NotImplementedError


def propose(application, mentor, *, user=None, send=True):
    """A proposal made by staff by hand (manual matching), sent at once unless `send` is False."""
    raise NotImplementedError


def accept_proposal(proposal, *, user, note=""):
    """The mentor accepts: capacity is checked again inside the transaction; returns the Mentorship."""
    raise NotImplementedError


def decline_proposal(proposal, *, user, note=""):
    """The mentor declines: the venture's next choice is proposed, or it moves to manual matching."""
    raise NotImplementedError


def expire_proposals(now=None):
    """Expire sent proposals past their answer date, as declines; return how many expired."""
    raise NotImplementedError


def change_status(mentorship, to_status, *, user, comment=""):
    """Put on hold, resume, complete or cancel a mentorship, recording who, when and why."""
    raise NotImplementedError


def log_meeting(mentorship, *, user, held_on, duration_minutes=60, topics=(), notes=""):
    raise NotImplementedError


def submit_feedback(feedback_request, *, rating, usefulness, would_recommend, topics_helped=(), comment=""):
    """Record an anonymous answer and mark the request answered (only once)."""
    raise NotImplementedError


def visible_feedback(cohort):
    """The cohort's feedback, or an empty queryset while fewer than Feedback.MIN_RESPONSES exist."""
    raise NotImplementedError
