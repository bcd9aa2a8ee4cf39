"""A person's own data: the JSON export, and account deletion that keeps anonymised statistics."""

from __future__ import annotations

import datetime
import itertools
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from mentorship import privacy
from mentorship.models import (
    Consent,
    Feedback,
    FeedbackRequest,
    Meeting,
    MentorProfile,
    Mentorship,
    MentorshipStatusChange,
    Preference,
    Proposal,
    Venture,
)

from .people import email_marker, owners_seen, text_marker, verify_email

pytestmark = pytest.mark.django_db

KEYS = ("mentor", "founder", "cofounder", "stranger")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def story(cohort, user_factory, mentor_factory, venture_factory, application_factory, sent_proposal_factory):
    """A mentor and a venture (two founders) working together, plus a stranger's data in the same cohort."""
    people = {key: verify_email(user_factory(key, email=email_marker(key))) for key in KEYS}
    mentor = mentor_factory(
        "Mira Mentor",
        user=people["mentor"],
        cohort=cohort,
        topics=["funding"],
        bio=text_marker("mentor") + " bio",
        expertise="Community shares",
        is_public=True,
        capacity=2,
    )
    Consent.objects.create(user=people["mentor"], version="2026-11")
    venture = venture_factory(
        "Couriers Co-op",
        founders=[people["founder"], people["cofounder"]],
        need_statement="We need help with funding",
        needs=["funding"],
    )
    application = application_factory(cohort, venture, preferences=[mentor])
    application.motivation = "We want to grow"
    application.save()
    proposal = sent_proposal_factory(application, mentor, explanation="both work on funding")
    stranger_venture = venture_factory(
        "Stranger Venture", founders=[people["stranger"]], need_statement=text_marker("stranger")
    )
    stranger_application = application_factory(cohort, stranger_venture, preferences=[mentor])
    # The stranger's proposal is still a draft: the mentor does not see it, nor does the export.
    Proposal.objects.create(application=stranger_application, mentor=mentor, explanation="draft")
    mentorship = Mentorship.objects.create(cohort=cohort, mentor=mentor, venture=venture, proposal=proposal)
    MentorshipStatusChange.objects.create(
        mentorship=mentorship, to_status="active", changed_by=people["cofounder"], comment="cofounder's words"
    )
    day = timezone.localdate() - datetime.timedelta(days=3)
    Meeting.objects.create(
        mentorship=mentorship, held_on=day, notes="mentor's notes", logged_by=people["mentor"]
    )
    Meeting.objects.create(
        mentorship=mentorship,
        held_on=day,
        notes=text_marker("cofounder") + " notes",
        logged_by=people["cofounder"],
    )
    request = FeedbackRequest.objects.create(mentorship=mentorship, user=people["mentor"], role="mentor")
    Feedback.objects.create(cohort=cohort, role="mentor", rating=4, usefulness=4, would_recommend=True)
    return {
        "people": people,
        "mentor": mentor,
        "venture": venture,
        "application": application,
        "proposal": proposal,
        "mentorship": mentorship,
        "request": request,
    }


def export(client, user):
    client.force_login(user)
    response = client.get(reverse("mentorship:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return response, json.loads(response.content)


def test_the_export_needs_an_account(client):
    response = client.get(reverse("mentorship:data_export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_mentor_downloads_all_their_data(client, story):
    response, data = export(client, story["people"]["mentor"])
    assert data["account"]["email"] == email_marker("mentor")
    assert data["account"]["email_addresses"] == [
        {"email": email_marker("mentor"), "verified": True, "primary": True}
    ]
    assert [c["version"] for c in data["consents"]] == ["2026-11"]
    profile = data["mentor_profile"]
    assert profile["display_name"] == "Mira Mentor"
    assert profile["bio"].startswith(text_marker("mentor"))
    assert profile["topics"] == ["Funding"] and profile["is_public"] is True
    assert [p["venture"] for p in data["proposals"]] == ["Couriers Co-op"]
    assert data["proposals"][0]["explanation"] == "both work on funding"
    [mentorship] = data["mentorships"]
    assert mentorship["role"] == "mentor" and mentorship["venture"] == "Couriers Co-op"
    assert [m["notes"] for m in mentorship["meetings_i_logged"]] == ["mentor's notes"]
    assert [h["to"] for h in mentorship["history"]] == ["active"]
    assert [r["role"] for r in data["feedback_requests"]] == ["mentor"]
    # No other person's personal data: not the founders' e-mails, not what they wrote.
    assert owners_seen(response.content.decode(), KEYS) == {"mentor"}
    assert "cofounder's words" not in response.content.decode()


def test_a_founder_downloads_their_ventures_and_applications(client, story):
    response, data = export(client, story["people"]["founder"])
    assert data["mentor_profile"] is None and data["proposals"] == []
    [venture] = data["ventures"]
    assert venture["name"] == "Couriers Co-op"
    assert venture["need_statement"] == "We need help with funding"
    assert venture["co_founders"] == ["cofounder"]  # the counterpart's name, nothing more
    [application] = data["applications"]
    assert application["motivation"] == "We want to grow"
    assert application["preferences"] == [{"rank": 1, "mentor": "Mira Mentor", "reason": "choice 1"}]
    [mentorship] = data["mentorships"]
    assert mentorship["role"] == "founder" and mentorship["mentor"] == "Mira Mentor"
    assert mentorship["meetings_i_logged"] == []
    text = response.content.decode()
    assert owners_seen(text, KEYS) == {"founder"}
    assert "Stranger Venture" not in text


@pytest.fixture
def signed_in_mentor(client, story):
    client.force_login(story["people"]["mentor"])
    return story["people"]["mentor"]


def test_deletion_needs_the_password(client, story, signed_in_mentor):
    url = reverse("mentorship:delete_account")
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirmation": "wrong"})
    assert response.status_code == 400
    assert "not your password" in response.content.decode()
    assert get_user_model().objects.filter(pk=signed_in_mentor.pk).exists()


def test_deleting_a_mentor_keeps_anonymised_statistics(client, story, signed_in_mentor):
    user_pk = signed_in_mentor.pk
    mentor = story["mentor"]
    response = client.post(reverse("mentorship:delete_account"), {"confirmation": "pw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("mentorship:account_deleted")

    assert not get_user_model().objects.filter(pk=user_pk).exists()
    assert not Consent.objects.filter(user_id=user_pk).exists()
    mentor.refresh_from_db()
    assert mentor.user is None
    assert mentor.display_name == "Former mentor"
    assert mentor.bio == "" and mentor.expertise == ""
    assert mentor.is_public is False
    assert mentor.anonymised_at is not None
    # What the incubator counts stays: the mentorship, its history, meetings, preferences, feedback.
    mentorship = Mentorship.objects.get(pk=story["mentorship"].pk)
    assert mentorship.mentor == mentor and mentorship.status == Mentorship.Status.ACTIVE
    assert Meeting.objects.filter(mentorship=mentorship).count() == 2
    assert not Meeting.objects.filter(logged_by_id=user_pk).exists()
    assert Meeting.objects.filter(mentorship=mentorship, logged_by__isnull=True, notes="").count() == 1
    assert FeedbackRequest.objects.filter(pk=story["request"].pk, user__isnull=True).exists()
    assert Preference.objects.filter(mentor=mentor).count() == 2
    assert Feedback.objects.count() == 1
    # Gone from the public directory, and the session is over.
    assert "Mira Mentor" not in client.get(reverse("mentorship:mentors")).content.decode()
    assert MentorProfile.objects.listed().count() == 0
    assert client.get(reverse("mentorship:my_proposals")).status_code == 302
    # The person cannot sign in any more.
    login = client.post(reverse("account_login"), {"login": email_marker("mentor"), "password": "pw"})
    assert login.status_code == 200


def test_deleting_a_founder_unlinks_them_from_their_venture(client, story):
    founder = story["people"]["founder"]
    cofounder = story["people"]["cofounder"]
    client.force_login(cofounder)
    client.post(reverse("mentorship:delete_account"), {"confirmation": "pw"})
    venture = Venture.objects.get(pk=story["venture"].pk)
    assert list(venture.founders.all()) == [founder]
    # What they wrote goes; the change itself (statuses, date) stays, by no one.
    change = MentorshipStatusChange.objects.get(mentorship=story["mentorship"])
    assert (change.to_status, change.comment, change.changed_by) == ("active", "", None)
    assert Meeting.objects.filter(mentorship=story["mentorship"], logged_by__isnull=True).get().notes == ""
    # The other founder's data is untouched.
    assert get_user_model().objects.filter(pk=founder.pk).exists()


def test_an_account_without_a_password_confirms_with_its_email(client, user_factory):
    user = user_factory("no-password", email="no.password@example.org")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    url = reverse("mentorship:delete_account")
    assert client.post(url, {"confirmation": "someone@else.org"}).status_code == 400
    assert client.post(url, {"confirmation": " No.Password@example.org "}).status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()


def test_deleting_an_account_with_no_mentorship_data(user_factory):
    user = user_factory("nothing")
    privacy.delete_account(user)
    assert not get_user_model().objects.filter(username="nothing").exists()


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


@pytest.mark.parametrize("model", privacy.mentorship_models(), ids=lambda m: m.__name__)
def test_every_text_field_is_declared_personal_or_not(model):
    """A new text field must be declared, so deletion cannot forget it (see mentorship.models)."""
    declared = {
        "personal": set(getattr(model, "PERSONAL_FIELDS", ())),
        "non-personal": set(getattr(model, "NON_PERSONAL_FIELDS", ())),
        "anonymous": set(getattr(model, "ANONYMOUS_FIELDS", ())),
    }
    text_fields = {f.name for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)}
    every = set().union(*declared.values())
    assert text_fields - every == set(), f"{model.__name__}: declare these in PERSONAL_FIELDS or not"
    assert every - text_fields == set(), f"{model.__name__}: declared fields that are not text fields"
    for (a, fields_a), (b, fields_b) in itertools.combinations(declared.items(), 2):
        assert not fields_a & fields_b, f"{model.__name__}: {fields_a & fields_b} both {a} and {b}"


def test_no_mentorship_model_keeps_revisions():
    # Revisions hold copies of every field; delete_account would have to rewrite them too.
    from wagtail.models import RevisionMixin

    assert not [m for m in privacy.mentorship_models() if issubclass(m, RevisionMixin)]


def test_others_words_lose_the_deleted_persons_names(client, story, staff_user):
    """What others wrote about the person stays, without their names: staff's comments, audit log."""
    from wagtail.log_actions import log
    from wagtail.models import ModelLogEntry

    from mentorship import services

    mentorship = story["mentorship"]
    services.change_status(
        mentorship, "on_hold", user=staff_user, comment="Mira Mentor is away; MIRA mentor."
    )
    log(story["mentor"], "wagtail.edit", user=staff_user, data={"names": ["Mira Mentor", 3]})
    client.force_login(story["people"]["mentor"])
    client.post(reverse("mentorship:delete_account"), {"confirmation": "pw"})
    change = MentorshipStatusChange.objects.get(to_status="on_hold")
    assert change.comment == "[removed] is away; [removed]."
    assert change.changed_by == staff_user
    entry = ModelLogEntry.objects.get(object_id=str(story["mentor"].pk), action="wagtail.edit")
    assert entry.label == "[removed]" and entry.data == {"names": ["[removed]", 3]}
    # Others keep what they wrote that does not name the person.
    assert Venture.objects.get(pk=story["venture"].pk).need_statement == "We need help with funding"


def test_a_venture_with_a_founder_left_keeps_its_name(client, story):
    client.force_login(story["people"]["cofounder"])
    client.post(reverse("mentorship:delete_account"), {"confirmation": "pw"})
    venture = Venture.objects.get(pk=story["venture"].pk)
    assert venture.name == "Couriers Co-op" and venture.need_statement == "We need help with funding"


def test_the_last_founder_leaving_anonymises_the_venture(client, story):
    for key in ("cofounder", "founder"):
        client.force_login(story["people"][key])
        client.post(reverse("mentorship:delete_account"), {"confirmation": "pw"})
    venture = Venture.objects.get(pk=story["venture"].pk)
    assert (venture.name, venture.need_statement, venture.website) == (
        privacy.ANONYMISED_VENTURE_NAME,
        "",
        "",
    )
    application = story["application"]
    application.refresh_from_db()
    assert application.motivation == ""
    assert list(application.preferences.values_list("rank", "reason")) == [(1, "")]
    proposal = Proposal.objects.get(pk=story["proposal"].pk)
    assert proposal.explanation == "" and proposal.status == Proposal.Status.SENT
    assert Mentorship.objects.filter(venture=venture).count() == 1


def test_deletion_ends_the_persons_sessions_everywhere(client, story):
    from django.contrib.sessions.models import Session
    from django.test import Client

    other_device = Client()
    other_device.force_login(story["people"]["mentor"])
    Client().force_login(story["people"]["founder"])
    client.force_login(story["people"]["mentor"])
    client.post(reverse("mentorship:delete_account"), {"confirmation": "pw"})
    users = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert users == {str(story["people"]["founder"].pk)}
    assert other_device.get(reverse("mentorship:my_proposals")).status_code == 302
