"""Who sees what: every mentorship view against every role, and no personal data where it does not belong.

The cast: a mentor and a founder working together in incubator A (with a proposal still waiting for the
mentor's answer), another mentor and another founder working together in incubator B, each incubator's
staff, a directory editor (Wagtail's Editors group, with the directory permissions), a superuser, a
signed-in person with nothing, and an anonymous visitor. Every mentor and founder has marker strings in
their personal data (e-mail, biography, need statement): a response may show the markers of the people
listed for it and of nobody else.

Each (role, view) pair is one test: the expected status, the other people whose personal data it may
show, and for the staff admin the names it must and must not list.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from mentorship.models import Cohort, FeedbackRequest, Mentorship

from .people import email_marker, owners_seen, text_marker, verify_email

pytestmark = pytest.mark.django_db

PEOPLE = ("mentor", "other_mentor", "founder", "other_founder")
ROLES = (
    "anonymous",
    "nobody",
    "mentor",
    "other_mentor",
    "founder",
    "other_founder",
    "staff_a",
    "staff_b",
    "editor",
    "superuser",
)
SIGNED_IN = ROLES[1:]
A_PEOPLE = {"mentor", "founder"}
B_PEOPLE = {"other_mentor", "other_founder"}

LOGIN = "login"  # a redirect to a sign-in page
DENIED = "denied"  # the Wagtail admin refuses: a redirect, 403 or 404, never the page


def name_of(key):
    return f"Name-of-{key}"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cast(
    incubator,
    programme,
    cohort,
    other_cohort,
    cohort_factory,
    staff_user,
    other_staff_user,
    superuser,
    user_factory,
    mentor_factory,
    venture_factory,
    application_factory,
    sent_proposal_factory,
):
    users = {"staff_a": staff_user, "staff_b": other_staff_user, "superuser": superuser}
    users["nobody"] = user_factory("nobody")
    for key in PEOPLE:
        users[key] = user_factory(key, email=email_marker(key))
    editor = users["editor"] = user_factory("directory-editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    from portal.management.commands.setup_portal import Command as SetupPortal

    SetupPortal().grant_editor_groups()  # the directory permissions editors have on a real portal
    for user in users.values():
        verify_email(user)

    cohort.status = Cohort.Status.ACTIVE
    cohort.save()
    other_cohort.status = Cohort.Status.ACTIVE
    other_cohort.save()
    open_cohort = cohort_factory(
        programme,
        name="Open Autumn",
        status=Cohort.Status.OPEN,
        applications_close=timezone.localdate() + datetime.timedelta(days=20),
    )

    mentors = {}
    for key, in_cohorts in (("mentor", (cohort, open_cohort)), ("other_mentor", (other_cohort,))):
        mentors[key] = mentor_factory(
            name_of(key), user=users[key], cohort=in_cohorts[0], bio=text_marker(key), expertise="Funding"
        )
        for extra in in_cohorts[1:]:
            extra.mentors.add(mentors[key])
    ventures = {
        "founder": venture_factory(
            name_of("founder"), founders=[users["founder"]], need_statement=text_marker("founder")
        ),
        "other_founder": venture_factory(
            name_of("other_founder"),
            founders=[users["other_founder"]],
            need_statement=text_marker("other_founder"),
        ),
    }
    application_factory(cohort, ventures["founder"], preferences=[mentors["mentor"]])
    application_factory(other_cohort, ventures["other_founder"], preferences=[mentors["other_mentor"]])
    second = venture_factory(
        "Second venture of founder", founders=[users["founder"]], need_statement=text_marker("founder")
    )
    proposal = sent_proposal_factory(application_factory(cohort, second), mentors["mentor"])
    mentorship_a = Mentorship.objects.create(
        cohort=cohort, mentor=mentors["mentor"], venture=ventures["founder"]
    )
    mentorship_b = Mentorship.objects.create(
        cohort=other_cohort, mentor=mentors["other_mentor"], venture=ventures["other_founder"]
    )
    feedback_request = FeedbackRequest.objects.create(
        mentorship=mentorship_a, user=users["mentor"], role="mentor"
    )
    return {
        "users": users,
        "programme": programme,
        "open_cohort": open_cohort,
        "mentors": mentors,
        "ventures": ventures,
        "proposal": proposal,
        "mentorship_a": mentorship_a,
        "mentorship_b": mentorship_b,
        "feedback_request": feedback_request,
    }


def snippets(model, *rest):
    return "/admin/snippets/mentorship/" + model + "/" + "".join(f"{part}/" for part in rest)


# view name → (method, URL from the cast, POST data)
VIEWS = {
    "mentor directory": ("get", lambda c: "/mentorship/mentors/", None),
    "programmes": ("get", lambda c: "/mentorship/programmes/", None),
    "programme": ("get", lambda c: f"/mentorship/programmes/{c['programme'].slug}/", None),
    "apply": (
        "get",
        lambda c: f"/mentorship/programmes/{c['programme'].slug}/{c['open_cohort'].slug}/apply/",
        None,
    ),
    "mentor sign-up": ("get", lambda c: "/mentorship/mentor/", None),
    "my page": ("get", lambda c: "/mentorship/me/", None),
    "mentorship A": ("get", lambda c: f"/mentorship/me/mentorships/{c['mentorship_a'].pk}/", None),
    "mentorship B": ("get", lambda c: f"/mentorship/me/mentorships/{c['mentorship_b'].pk}/", None),
    # Invalid answers and forms: they reach the ownership check without changing anything.
    "answer proposal": (
        "post",
        lambda c: f"/mentorship/me/proposals/{c['proposal'].pk}/answer/",
        {"action": ""},
    ),
    "log meeting A": ("post", lambda c: f"/mentorship/me/mentorships/{c['mentorship_a'].pk}/meetings/", {}),
    "change status A": ("post", lambda c: f"/mentorship/me/mentorships/{c['mentorship_a'].pk}/status/", {}),
    "feedback request": ("get", lambda c: f"/mentorship/me/feedback/{c['feedback_request'].pk}/", None),
    "edit venture A": ("get", lambda c: f"/mentorship/me/ventures/{c['ventures']['founder'].pk}/", None),
    "data export": ("get", lambda c: "/mentorship/me/data.json", None),
    "delete account": ("get", lambda c: "/mentorship/me/delete/", None),
    "admin mentors": ("get", lambda c: snippets("mentorprofile"), None),
    "admin ventures": ("get", lambda c: snippets("venture"), None),
    "admin applications": ("get", lambda c: snippets("application"), None),
    "admin mentorships": ("get", lambda c: snippets("mentorship"), None),
    "admin edit mentor A": (
        "get",
        lambda c: snippets("mentorprofile", "edit", c["mentors"]["mentor"].pk),
        None,
    ),
    "admin edit venture B": (
        "get",
        lambda c: snippets("venture", "edit", c["ventures"]["other_founder"].pk),
        None,
    ),
    "admin mentorship B": ("get", lambda c: snippets("mentorship", "inspect", c["mentorship_b"].pk), None),
}


def expect(view, role):
    """(status, other people whose personal data may appear, names that must appear, names that must not)."""
    nobody_else = frozenset()
    if view in ("mentor directory", "programmes", "programme"):
        return 200, nobody_else, (), tuple(name_of(k) for k in PEOPLE)  # none of them opted in to be listed
    if role == "anonymous":
        return LOGIN, nobody_else, (), ()
    if view in ("apply", "mentor sign-up", "data export", "delete account"):
        return 200, nobody_else, (), ()
    if view == "my page":
        if role == "mentor":  # the proposal waiting for an answer shows what the venture needs
            return 200, frozenset({"founder"}), ("Second venture of founder",), ()
        return 200, nobody_else, (), ()
    if view in ("mentorship A", "mentorship B"):
        pair = ("mentor", "founder") if view == "mentorship A" else ("other_mentor", "other_founder")
        if role in pair:  # the two sides of an open mentorship may write to each other
            other = pair[1] if role == pair[0] else pair[0]
            return 200, frozenset({other}), (name_of(pair[0]),), ()
        return 404, nobody_else, (), ()
    if view == "answer proposal":
        return (302 if role == "mentor" else 404), nobody_else, (), ()
    if view in ("log meeting A", "change status A"):
        return (
            (400 if role in ("mentor", "founder") else 404),
            frozenset({"mentor", "founder"}) - {role},
            (),
            (),
        )
    if view == "feedback request":
        return (200 if role == "mentor" else 404), nobody_else, (), ()
    if view == "edit venture A":  # only its founders; for anyone else it does not exist
        return (200 if role == "founder" else 404), nobody_else, (), ()
    # The Wagtail admin: staff see their own incubator's people, superusers everyone, others nothing.
    visible = {"staff_a": A_PEOPLE, "staff_b": B_PEOPLE, "superuser": A_PEOPLE | B_PEOPLE}.get(role)
    if visible is None:
        return DENIED, nobody_else, (), ()
    listed = {
        "admin mentors": {"mentor", "other_mentor"},
        "admin ventures": {"founder", "other_founder"},
        "admin applications": {"founder", "other_founder"},
        "admin mentorships": {"mentor", "other_mentor", "founder", "other_founder"},
    }
    if view in listed:
        return (
            200,
            frozenset(visible),
            tuple(sorted(name_of(k) for k in listed[view] & visible)),
            tuple(sorted(name_of(k) for k in listed[view] - visible)),
        )
    target = {
        "admin edit mentor A": "mentor",
        "admin edit venture B": "other_founder",
        "admin mentorship B": "other_mentor",
    }[view]
    if target in visible:
        return 200, frozenset(visible), (name_of(target),), ()
    return DENIED, nobody_else, (), (name_of(target),)


CASES = [(role, view) for view in VIEWS for role in ROLES]


@pytest.mark.parametrize("role, view", CASES, ids=[f"{view}|{role}" for role, view in CASES])
def test_permission_matrix(client, cast, role, view):
    method, url_of, data = VIEWS[view]
    url = url_of(cast)
    if role != "anonymous":
        client.force_login(cast["users"][role])
    response = getattr(client, method)(url, data or {})
    status, may_show, must_name, must_not_name = expect(view, role)

    if status == LOGIN:
        assert response.status_code == 302, (view, role, response.status_code)
        assert "login" in response["Location"], response["Location"]
    elif status == DENIED:
        assert response.status_code in (302, 403, 404), (view, role, response.status_code)
        if response.status_code == 302:
            assert "/admin/" in response["Location"] or "login" in response["Location"]
    else:
        assert response.status_code == status, (view, role, response.status_code)

    body = response.content.decode(errors="replace")
    if response.status_code == 302:
        body += response["Location"]
    leaked = owners_seen(body, PEOPLE) - {role} - may_show
    assert not leaked, f"{view} as {role} shows personal data of {sorted(leaked)}"
    for name in must_name:
        assert name in body, f"{view} as {role} should list {name}"
    for name in must_not_name:
        assert name not in body, f"{view} as {role} shows {name}"


def test_the_matrix_is_not_vacuous(client, cast):
    """The markers are found where they belong: the checks above could fail."""
    client.force_login(cast["users"]["mentor"])
    mine = client.get("/mentorship/me/data.json").content.decode()
    assert owners_seen(mine, PEOPLE) == {"mentor"}
    detail = client.get(f"/mentorship/me/mentorships/{cast['mentorship_a'].pk}/").content.decode()
    assert owners_seen(detail, PEOPLE) == {"founder"}  # the founder's e-mail, to write to them
    client.force_login(cast["users"]["staff_a"])
    edit = client.get(snippets("mentorprofile", "edit", cast["mentors"]["mentor"].pk)).content.decode()
    assert text_marker("mentor") in edit


def test_no_mentorship_api_endpoint_is_public(client, cast):
    """The open-data API publishes directory entries only: nothing under it names a mentorship person."""
    root = client.get("/api/v1/")
    assert root.status_code == 200
    assert "mentor" not in root.content.decode().lower()
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert "mentor" not in schema.content.decode().lower()
