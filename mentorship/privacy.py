"""A person's own data: everything the portal holds about them as JSON, and deleting their account.

Deletion removes the account and what identifies the person, and keeps what the incubators need for
their statistics (mentorships, their history, meetings and the anonymous feedback), unlinked from them.
Which fields hold personal text is declared on each model (`PERSONAL_FIELDS`), not listed here.
"""

from __future__ import annotations

import json
import re
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.models import ModelLogEntry

from .models import (
    Application,
    Meeting,
    MentorProfile,
    Mentorship,
    MentorshipStatusChange,
    Preference,
    Proposal,
    Venture,
)

ANONYMISED_MENTOR_NAME = "Former mentor"
ANONYMISED_VENTURE_NAME = "Former venture"
#: What a deleted person's name becomes in the texts of others that stay.
REMOVED = "[removed]"


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


#: Text shorter than this is too likely to be an ordinary word to be taken out of others' text.
MIN_NAME_LENGTH = 4


def _placeholders() -> dict:
    """What a required name becomes; every other personal field becomes empty."""
    return {
        (MentorProfile, "display_name"): ANONYMISED_MENTOR_NAME,
        (Venture, "name"): ANONYMISED_VENTURE_NAME,
    }


def mentorship_models():
    return list(apps.get_app_config("mentorship").get_models())


@transaction.atomic
def delete_account(user) -> None:
    """Delete `user`'s account; keep the mentorship records for statistics with no link to the person.

    What the person wrote is emptied (every field a model declares in `PERSONAL_FIELDS`, on the rows
    that are theirs); their names are then taken out of every other text that may hold them (others'
    notes and comments, anonymous feedback, the audit logs); their sessions end; the account goes.
    """
    now = timezone.now()
    profile = MentorProfile.objects.select_for_update().filter(user=user).first()
    # A venture stays as it is while another founder remains: it is theirs too.
    own_ventures = list(
        # Counted before filtering, so the count is of every founder, not of the filter's join.
        Venture.objects.annotate(founder_count=Count("founders")).filter(founders=user).order_by("pk")
    )
    alone = [v for v in own_ventures if v.founder_count == 1]
    names = _identifying_strings(user, profile, alone)

    for queryset in _rows_written_by(user, profile, alone):
        _empty_personal_fields(queryset)
    if profile is not None:
        MentorProfile.objects.filter(pk=profile.pk).update(
            user=None, home_coop=None, is_public=False, available=False, anonymised_at=now
        )
    Venture.objects.filter(pk__in=[v.pk for v in alone]).update(entry=None)
    for venture in own_ventures:
        if venture in alone:
            venture.founder_coops.clear()
        venture.founders.remove(user)

    pattern = _names_pattern(names)
    if pattern is not None:
        for model in mentorship_models():
            _take_names_out(model, names, pattern)
    _take_names_out_of_logs(user, names, pattern)
    _end_sessions(user)
    # The account and what hangs on it (consents, e-mail addresses) go; history, meetings, proposals
    # and feedback requests keep their rows with the link set to NULL.
    user.delete()


def _identifying_strings(user, profile, ventures) -> list[str]:
    """The strings that name the person: their account's names and address, profile and ventures."""
    # Not the username: often an ordinary word ("mentor", "anna"); it names no mentorship text anyway.
    candidates = {user.email, user.get_full_name()}
    if profile is not None:
        candidates.add(profile.display_name)
    candidates.update(venture.name for venture in ventures)
    found = {" ".join((c or "").split()) for c in candidates} - set(_placeholders().values())
    return sorted((c for c in found if len(c) >= MIN_NAME_LENGTH), key=len, reverse=True)


def _rows_written_by(user, profile, ventures) -> list:
    """Querysets of the rows that are the person's own: their profile and ventures, and what they wrote."""
    applications = Application.objects.filter(Q(venture__in=ventures) | Q(submitted_by=user))
    proposals = Q(application__in=applications)
    rows = [
        Venture.objects.filter(pk__in=[v.pk for v in ventures]),
        applications,
        Preference.objects.filter(application__in=applications),
        MentorshipStatusChange.objects.filter(changed_by=user),
        Meeting.objects.filter(logged_by=user),
    ]
    if profile is not None:
        rows.append(MentorProfile.objects.filter(pk=profile.pk))
        proposals |= Q(mentor=profile)
    # A proposal belongs to both sides: its explanation quotes the venture's reasons and the words its
    # need shares with the mentor's expertise; its note is the mentor's answer about the venture.
    rows.append(Proposal.objects.filter(proposals))
    return rows


def _empty_personal_fields(queryset) -> None:
    model = queryset.model
    placeholders = _placeholders()
    values = {name: placeholders.get((model, name), "") for name in model.PERSONAL_FIELDS}
    if values:
        # Ids first: UPDATE cannot always filter on its own table's joins (MySQL, m2m lookups).
        queryset.model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True))).update(**values)


def _names_pattern(names):
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)


def _needles(names) -> list[str]:
    """What to look for in SQL: each name as typed and as JSON writes it (non-ASCII escaped)."""
    return sorted({n for name in names for n in (name, json.dumps(name)[1:-1])})


def _take_names_out(model, names, pattern) -> None:
    """Replace the names in the model's personal and anonymous text fields, on every row holding one."""
    fields = [
        name
        for name in (*getattr(model, "PERSONAL_FIELDS", ()), *getattr(model, "ANONYMOUS_FIELDS", ()))
        if not isinstance(model._meta.get_field(name), models.URLField)  # a name in a URL: not text
    ]
    if not fields:
        return
    holds = Q()
    for field in fields:
        for needle in _needles(names):
            holds |= Q(**{f"{field}__icontains": needle})
    for row in model.objects.filter(holds).only("pk", *fields):
        changed = {field: pattern.sub(REMOVED, getattr(row, field) or "") for field in fields}
        changed = {field: text for field, text in changed.items() if text != (getattr(row, field) or "")}
        if changed:
            model.objects.filter(pk=row.pk).update(**changed)


def _scrub_json(value, pattern):
    if isinstance(value, str):
        return pattern.sub(REMOVED, value)
    if isinstance(value, list):
        return [_scrub_json(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_json(item, pattern) for key, item in value.items()}
    return value


def _take_names_out_of_logs(user, names, pattern) -> None:
    """Wagtail's audit log (labels and data) and Django admin's log, for mentorship objects and accounts.

    Their labels are the objects' names when the action happened (a mentor's name, "mentor → venture"),
    also for objects deleted since; who acted is kept as an id only, shown as a deleted user.
    """
    user_type = ContentType.objects.get_for_model(get_user_model())
    # The account's own entries (created, edited in the users' admin) are labelled with its username.
    account = Q(content_type=user_type, object_id=str(user.pk))
    ModelLogEntry.objects.filter(account).update(label=REMOVED, data={})
    LogEntry.objects.filter(account).update(object_repr=REMOVED, change_message="")
    if pattern is None:
        return
    types = [ContentType.objects.get_for_model(model) for model in mentorship_models()] + [user_type]
    wagtail_holds, admin_holds = Q(), Q()
    for needle in _needles(names):
        wagtail_holds |= Q(label__icontains=needle) | Q(data__icontains=needle)
        admin_holds |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
    for entry in ModelLogEntry.objects.filter(wagtail_holds, content_type__in=types):
        ModelLogEntry.objects.filter(pk=entry.pk).update(
            label=pattern.sub(REMOVED, entry.label), data=_scrub_json(entry.data, pattern)
        )
    for entry in LogEntry.objects.filter(admin_holds, content_type__in=types):
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=pattern.sub(REMOVED, entry.object_repr),
            change_message=pattern.sub(REMOVED, entry.change_message),
        )


def _end_sessions(user) -> None:
    """Delete the person's sessions on every device (database-backed sessions can be listed)."""
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    mine = str(user.pk)
    for session in Session.objects.iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == mine:
            store(session_key=session.session_key).delete()
