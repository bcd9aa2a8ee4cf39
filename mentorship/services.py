"""The mentorship workflow's face: the names the admin, the public views, the management commands and
the tests call. Every change of a proposal's or a mentorship's state goes through them.

The functions live in `mentorship.workflow`, one module per part of the workflow (runs, proposals,
mentorships, notifications; the rules and the bridge to the matching engine they share). Import from
here; to patch a function in a test, patch it where it is looked up, in its `mentorship.workflow` module.
"""

from mentorship.workflow.engine import mentor_to_engine, venture_to_engine
from mentorship.workflow.errors import CapacityError, WorkflowError
from mentorship.workflow.mentorships import change_status, log_meeting, submit_feedback, visible_feedback
from mentorship.workflow.notifications import staff_emails
from mentorship.workflow.proposals import accept_proposal, decline_proposal, expire_proposals, propose
from mentorship.workflow.rules import free_places, rule_breaks
from mentorship.workflow.runs import (
    approve_run,
    change_proposal_mentor,
    discard_run,
    matchable_applications,
    remove_proposal,
    run_matching,
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
    "matchable_applications",
    "mentor_to_engine",
    "propose",
    "remove_proposal",
    "rule_breaks",
    "run_matching",
    "staff_emails",
    "submit_feedback",
    "venture_to_engine",
    "visible_feedback",
]
