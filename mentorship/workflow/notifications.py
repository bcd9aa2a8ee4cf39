"""The emails the workflow sends once a change is written: proposals to mentors, manual matching to an
incubator's staff, a started mentorship to its founders, feedback requests when one ends."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from mentorship.models import Application

logger = logging.getLogger(__name__)


def link_to(url_name: str, fallback: str = "/mentorship/me/") -> str:
    try:
        path = reverse(url_name)
    except NoReverseMatch:
        path = fallback
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + path


def send_email(template: str, recipients, context) -> int:
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


def notify_mentors(proposals) -> None:
    by_mentor = defaultdict(list)
    for proposal in proposals:
        by_mentor[proposal.mentor_id].append(proposal)
    link = link_to("mentorship:my_proposals")
    for mentor_proposals in by_mentor.values():
        mentor = mentor_proposals[0].mentor
        if mentor.user_id is None:
            continue
        send_email(
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


def notify_staff_manual(application: Application) -> None:
    incubator = application.cohort.programme.incubator
    send_email(
        "manual_matching",
        staff_emails(incubator),
        {"application": application, "venture": application.venture, "cohort": application.cohort},
    )
