"""A person's own data: everything the portal holds about them as JSON, and deleting their account.

Deletion removes the account and what identifies the person, and keeps what the incubators need for
their statistics (mentorships, their history, meetings and the anonymous feedback), unlinked from them.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import (
    Application,
    Meeting,
    MentorProfile,
    Mentorship,
    Proposal,
    Venture,
)

ANONYMISED_MENTOR_NAME = "Former mentor"


def _date(value):
    return value.isoformat() if value else None


def _names(queryset):
    return [term.name for term in queryset]


def _person_name(user) -> str:
    """A counterpart's name: the name on their mentor profile or account, never their e-mail."""
    if user is None:
        return ""
    profile = getattr(user, "mentor_profile", None)
    if profile is not None:
        return profile.display_name
    return user.get_full_name() or user.get_username()


def export_user_data(user) -> dict:
    """All the personal data the portal holds about `user`, as JSON-ready data."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _date(user.date_joined),
            "last_login": _date(user.last_login),
            "email_addresses": _email_addresses(user),
        },
        "consents": [
            {"purpose": c.purpose, "version": c.version, "given_at": _date(c.given_at)}
            for c in user.consents.all()
        ],
        "mentor_profile": None,
        "proposals": [],
        "ventures": [],
        "applications": [],
        "mentorships": [],
        "feedback_requests": [
            {
                "mentorship": str(r.mentorship),
                "role": r.role,
                "requested_at": _date(r.created_at),
                "answered": r.answered,
            }
            for r in user.feedback_requests.select_related("mentorship__mentor", "mentorship__venture")
        ],
    }
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is not None:
        data["mentor_profile"] = _mentor_profile(profile)
        data["proposals"] = [
            {
                "venture": p.application.venture.name,
                "cohort": str(p.application.cohort),
                "status": p.status,
                "score": p.score,
                "explanation": p.explanation,
                "sent_at": _date(p.sent_at),
                "expires_at": _date(p.expires_at),
                "responded_at": _date(p.responded_at),
                "response_note": p.response_note,
            }
            for p in Proposal.objects.filter(mentor=profile)
            .exclude(status=Proposal.Status.DRAFT)
            .select_related("application__venture", "application__cohort__programme")
        ]
    ventures = (
        Venture.objects.filter(founders=user).prefetch_related("needs", "founders").select_related("sector")
    )
    data["ventures"] = [_venture(v, user) for v in ventures]
    applications = (
        Application.objects.filter(venture__founders=user)
        .select_related("venture", "cohort__programme")
        .prefetch_related("preferences__mentor")
        .distinct()
    )
    data["applications"] = [
        {
            "venture": a.venture.name,
            "cohort": str(a.cohort),
            "status": a.status,
            "motivation": a.motivation,
            "submitted_at": _date(a.submitted_at),
            "preferences": [
                {"rank": p.rank, "mentor": p.mentor.display_name, "reason": p.reason}
                for p in a.preferences.all()
            ],
        }
        for a in applications
    ]
    mentorships = (
        Mentorship.objects.filter(Q(mentor__user=user) | Q(venture__founders=user))
        .select_related("mentor", "venture", "cohort__programme")
        .prefetch_related("history", "meetings__topics")
        .distinct()
    )
    data["mentorships"] = [_mentorship(m, user) for m in mentorships]
    return data


def _email_addresses(user):
    try:
        from allauth.account.models import EmailAddress
    except ImportError:  # pragma: no cover - allauth is a dependency
        return []
    return [
        {"email": e.email, "verified": e.verified, "primary": e.primary}
        for e in EmailAddress.objects.filter(user=user)
    ]


def _mentor_profile(profile: MentorProfile) -> dict:
    return {
        "display_name": profile.display_name,
        "home_coop": profile.home_coop.name if profile.home_coop else None,
        "topics": _names(profile.topics.all()),
        "sectors": _names(profile.sectors.all()),
        "stages": profile.stages,
        "languages": profile.languages,
        "timezone": profile.timezone,
        "capacity": profile.capacity,
        "hours_per_month": profile.hours_per_month,
        "available": profile.available,
        "available_until": _date(profile.available_until),
        "expertise": profile.expertise,
        "bio": profile.bio,
        "is_public": profile.is_public,
        "cohorts": [str(c) for c in profile.cohorts.select_related("programme")],
        "created_at": _date(profile.created_at),
        "updated_at": _date(profile.updated_at),
    }


def _venture(venture: Venture, user) -> dict:
    return {
        "name": venture.name,
        "co_founders": [_person_name(f) for f in venture.founders.all() if f.pk != user.pk],
        "needs": _names(venture.needs.all()),
        "need_statement": venture.need_statement,
        "stage": venture.stage,
        "sector": venture.sector.name if venture.sector else None,
        "languages": venture.languages,
        "timezone": venture.timezone,
        "website": venture.website,
        "created_at": _date(venture.created_at),
    }


def _mentorship(mentorship: Mentorship, user) -> dict:
    return {
        "cohort": str(mentorship.cohort),
        "mentor": mentorship.mentor.display_name,
        "venture": mentorship.venture.name,
        "role": "mentor" if mentorship.mentor.user_id == user.pk else "founder",
        "status": mentorship.status,
        "started_at": _date(mentorship.started_at),
        "ended_at": _date(mentorship.ended_at),
        "history": [
            {
                "from": change.from_status,
                "to": change.to_status,
                "at": _date(change.changed_at),
                "by_me": change.changed_by_id == user.pk,
                "comment": change.comment if change.changed_by_id == user.pk else "",
            }
            for change in mentorship.history.all()
        ],
        "meetings_i_logged": [
            {
                "held_on": _date(m.held_on),
                "duration_minutes": m.duration_minutes,
                "topics": _names(m.topics.all()),
                "notes": m.notes,
            }
            for m in mentorship.meetings.all()
            if m.logged_by_id == user.pk
        ],
    }


@transaction.atomic
def delete_account(user) -> None:
    """Delete `user`'s account; keep the mentorship records for statistics with no link to the person."""
    now = timezone.now()
    profile = MentorProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None:
        profile.user = None
        profile.display_name = ANONYMISED_MENTOR_NAME
        profile.bio = ""
        profile.expertise = ""
        profile.is_public = False
        profile.available = False
        profile.anonymised_at = now
        profile.save()
    for venture in Venture.objects.filter(founders=user):
        venture.founders.remove(user)
    # Notes written by the person may name them or others: the meeting rows stay, their notes go.
    Meeting.objects.filter(logged_by=user).update(notes="")
    # The account and what hangs on it (consents, e-mail addresses, sessions) go; history, meetings,
    # proposals and feedback requests keep their rows with the link set to NULL.
    user.delete()
