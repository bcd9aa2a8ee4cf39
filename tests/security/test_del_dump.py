"""Account deletion checked against a dump of the whole database (issue 11, item 10).

A mentor and a founder fill every field they can with marker strings, go through the real workflow
(sign up as a mentor, apply with preferences and reasons, matching, an answer with a note, status
changes with comments, meetings, feedback), staff touch their objects in the admin (audit log), then
both delete their accounts through the real view. Every marker must then be gone from the database:
from `dumpdata` of every app and from a raw scan of every text column of every table (which also sees
tables dumpdata skips, and decodes sessions). What the incubator counts (the mentorship, its statuses
and dates, meetings, proposals, feedback ratings) must still be there.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.log_actions import log

from directory.models import Topic
from mentorship import services
from mentorship.models import (
    Application,
    Cohort,
    Feedback,
    FeedbackRequest,
    Incubator,
    Meeting,
    MentorProfile,
    Mentorship,
    MentorshipStatusChange,
    Preference,
    Programme,
    Proposal,
    Venture,
)
from mentorship.permissions import ensure_incubator_group

pytestmark = pytest.mark.django_db

#: One marker per field a person can fill; every one must be gone after deletion.
M = {
    key: f"ZQX{key.upper()}QZ"
    for key in (
        "mentor_first",
        "mentor_last",
        "mentor_username",
        "mentor_display",
        "mentor_expertise",
        "mentor_bio",
        "mentor_note",
        "mentor_hold_back",
        "mentor_meeting",
        "founder_first",
        "founder_last",
        "founder_username",
        "venture_name",
        "need_statement",
        "motivation",
        "reason",
        "founder_hold",
        "founder_meeting",
        "website",
    )
}
EMAILS = {"mentor": "zqxmentormail@people.example.org", "founder": "zqxfoundermail@people.example.org"}
WEBSITE = f"https://{M['website'].lower()}.example.org/"
#: Feedback is anonymous by design (no link to the person or the pair), so deletion cannot find it;
#: its comment is checked apart: it may stay, and nothing in its row may lead to a person.
FEEDBACK = {"mentor": "ZQXFEEDBACKMENTORQZ", "founder": "ZQXFEEDBACKFOUNDERQZ"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ok(response, *codes):
    assert response.status_code in (codes or (200, 302)), response.content.decode()[:2000]
    return response


def person(key: str):
    user = get_user_model().objects.create_user(
        M[f"{key}_username"],
        EMAILS[key],
        "pw",
        first_name=M[f"{key}_first"],
        last_name=M[f"{key}_last"],
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def story(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    funding, _created = Topic.objects.get_or_create(slug="funding", defaults={"name": "Funding"})
    incubator = Incubator.objects.create(name="Dump Lab", slug="dump-lab")
    group = ensure_incubator_group(incubator)
    staff = get_user_model().objects.create_user("dump-staff", "staff@dump.example.org", "pw")
    staff.groups.add(group)
    programme = Programme.objects.create(incubator=incubator, title="Dump programme", slug="dump-prog")
    cohort = Cohort.objects.create(
        programme=programme, name="Dump cohort", slug="dump", status=Cohort.Status.OPEN
    )
    mentor_user, founder_user = person("mentor"), person("founder")
    mentor_client, founder_client = signed_in(mentor_user), signed_in(founder_user)
    # A second session of the mentor's, on another device.
    signed_in(mentor_user)

    # The mentor signs up.
    ok(
        mentor_client.post(
            reverse("mentorship:mentor_signup"),
            {
                "display_name": M["mentor_display"],
                "topics": [funding.pk],
                "languages": "en",
                "timezone": "UTC",
                "capacity": 2,
                "hours_per_month": 4,
                "available": "on",
                "expertise": f"{M['mentor_expertise']} funding",
                "bio": M["mentor_bio"],
                "is_public": "on",
            },
        ),
        302,
    )
    profile = MentorProfile.objects.get(user=mentor_user)
    cohort.mentors.add(profile)

    # The founder applies with a new venture, ranking the mentor with a reason, then adds a website.
    apply_url = reverse("mentorship:apply", args=[programme.slug, cohort.slug])
    ok(
        founder_client.post(
            apply_url,
            {
                "name": M["venture_name"],
                "needs": [funding.pk],
                "need_statement": f"{M['need_statement']} funding",
                "stage": "idea",
                "languages": "en",
                "timezone": "UTC",
                "motivation": M["motivation"],
                "mentor_1": profile.pk,
                "reason_1": M["reason"],
            },
        ),
        302,
    )
    venture = Venture.objects.get(founders=founder_user)
    ok(
        founder_client.post(
            reverse("mentorship:venture", args=[venture.pk]),
            {
                "name": M["venture_name"],
                "needs": [funding.pk],
                "need_statement": f"{M['need_statement']} funding",
                "stage": "idea",
                "languages": "en",
                "timezone": "UTC",
                "website": WEBSITE,
            },
        ),
        302,
    )

    # Matching: staff run and approve it; the proposal's explanation quotes the founder's reason.
    cohort.status = Cohort.Status.MATCHING
    cohort.save()
    run = services.run_matching(cohort, user=staff)
    services.approve_run(run, user=staff)
    proposal = Proposal.objects.get(mentor=profile, status=Proposal.Status.SENT)
    assert M["reason"] in proposal.explanation

    # Staff work on these objects in the admin: the audit log names them.
    for instance in (profile, venture, venture.applications.get(), proposal):
        log(instance, "wagtail.edit", user=staff, data={"title": str(instance)})

    # The mentor accepts with a note; both sides change the status with comments and log meetings.
    ok(
        mentor_client.post(
            reverse("mentorship:answer_proposal", args=[proposal.pk]),
            {"action": "accept", "note": M["mentor_note"]},
        ),
        302,
    )
    mentorship = Mentorship.objects.get(mentor=profile)
    status_url = reverse("mentorship:change_status", args=[mentorship.pk])
    meeting_url = reverse("mentorship:log_meeting", args=[mentorship.pk])
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    ok(founder_client.post(status_url, {"to_status": "on_hold", "comment": M["founder_hold"]}), 302)
    ok(mentor_client.post(status_url, {"to_status": "active", "comment": M["mentor_hold_back"]}), 302)
    for client, key in ((mentor_client, "mentor_meeting"), (founder_client, "founder_meeting")):
        ok(
            client.post(
                meeting_url,
                {"held_on": day, "duration_minutes": 45, "topics": [funding.pk], "notes": M[key]},
            ),
            302,
        )
    # Staff end it with words naming both: the names go, staff's words stay.
    staff_words = f"{M['mentor_display']} and {M['venture_name']} did well"
    services.change_status(mentorship, "completed", user=staff, comment=staff_words)
    log(mentorship, "wagtail.edit", user=staff, data={"title": str(mentorship)})

    # Both answer the feedback request.
    for client, user, role in (
        (mentor_client, mentor_user, "mentor"),
        (founder_client, founder_user, "founder"),
    ):
        request = FeedbackRequest.objects.get(user=user)
        ok(
            client.post(
                reverse("mentorship:feedback", args=[request.pk]),
                {
                    "rating": 4,
                    "usefulness": 5,
                    "would_recommend": "yes",
                    # The founder names the mentor in their anonymous comment.
                    "comment": f"{FEEDBACK[role]} thanks {M['mentor_display']}",
                },
            ),
            302,
        )

    # Every marker is in the database before deletion (so the scan below can see them).
    before = snapshot()
    missing = [m for m in [*M.values(), *EMAILS.values()] if not where(m, before)]
    assert not missing, missing
    return {
        "cohort": cohort,
        "mentor_client": mentor_client,
        "founder_client": founder_client,
        "users": (mentor_user.pk, founder_user.pk),
        "mentorship": mentorship,
    }


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def raw_rows():
    """(table, column, text) for every text-like value of every table, sessions decoded."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    if value is not None and not isinstance(value, int | float):
                        yield table, column, str(value)
    for session in Session.objects.all():
        yield Session._meta.db_table, "session_data (decoded)", json.dumps(session.get_decoded())


def snapshot() -> list[tuple[str, str]]:
    """(place, lower-cased text) of the whole database: the raw scan's cells, then dumpdata's output."""
    cells = [(f"{table}.{column}", text.lower()) for table, column, text in raw_rows()]
    return [*cells, ("dumpdata", dump().lower())]


def where(marker: str, database: list[tuple[str, str]]) -> list[str]:
    """The places (table.column, or dumpdata) that hold `marker`."""
    return sorted({place for place, text in database if marker.lower() in text})


def test_deleting_a_mentor_and_a_founder_leaves_none_of_their_strings(story):
    for client in (story["mentor_client"], story["founder_client"]):
        ok(client.post(reverse("mentorship:delete_account"), {"confirmation": "pw"}), 302)
    assert not get_user_model().objects.filter(pk__in=story["users"]).exists()

    database = snapshot()
    leaks = {marker: where(marker, database) for marker in [*M.values(), *EMAILS.values()]}
    leaks = {marker: places for marker, places in leaks.items() if places}
    assert not leaks, f"personal strings left after deletion: {leaks}"

    # No session of either person survives, on any device.
    for session in Session.objects.all():
        assert str(session.get_decoded().get("_auth_user_id")) not in {str(pk) for pk in story["users"]}

    # Anonymous feedback: the comments stay, with nothing in their rows that leads to anyone.
    for marker in FEEDBACK.values():
        assert set(where(marker, database)) <= {"mentorship_feedback.comment", "dumpdata"}
    assert not any(f.is_relation and f.related_model is get_user_model() for f in Feedback._meta.fields)

    # What the incubator counts stays: the mentorship, its statuses and dates, meetings, proposals.
    mentorship = Mentorship.objects.get(pk=story["mentorship"].pk)
    assert mentorship.status == Mentorship.Status.COMPLETED
    assert mentorship.started_at and mentorship.ended_at and mentorship.cohort == story["cohort"]
    assert list(mentorship.history.values_list("from_status", "to_status")) == [
        ("", "active"),
        ("active", "on_hold"),
        ("on_hold", "active"),
        ("active", "completed"),
    ]
    assert all(change.changed_at for change in mentorship.history.all())
    meetings = Meeting.objects.filter(mentorship=mentorship)
    assert meetings.count() == 2 and {m.duration_minutes for m in meetings} == {45}
    assert [t.slug for m in meetings for t in m.topics.all()] == ["funding", "funding"]
    assert Proposal.objects.filter(mentor=mentorship.mentor, status=Proposal.Status.ACCEPTED).count() == 1
    assert Application.objects.get(venture=mentorship.venture).status == Application.Status.MATCHED
    assert Preference.objects.filter(application__venture=mentorship.venture, rank=1).count() == 1
    assert sorted(Feedback.objects.values_list("role", "rating", "usefulness")) == [
        ("founder", 4, 5),
        ("mentor", 4, 5),
    ]
    assert FeedbackRequest.objects.filter(mentorship=mentorship, answered=True).count() == 2
    assert MentorshipStatusChange.objects.filter(mentorship=mentorship).count() == 4
    assert mentorship.history.last().comment == "[removed] and [removed] did well"
    assert sorted(Feedback.objects.values_list("comment", flat=True)) == [
        f"{FEEDBACK['founder']} thanks [removed]",
        f"{FEEDBACK['mentor']} thanks [removed]",
    ]
