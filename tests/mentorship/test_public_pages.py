"""Public mentorship pages and a person's own page: mentor directory, programmes, applications, mentor
sign-up, accounts (allauth with consent), proposals, mentorships, meetings and feedback."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import Entry
from mentorship.models import (
    Application,
    Cohort,
    Consent,
    Feedback,
    FeedbackRequest,
    Meeting,
    MentorProfile,
    Mentorship,
    Proposal,
    Venture,
)

from .people import verify_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Requests under /fr/ leave French active in the thread: start every test in English."""
    with translation.override("en"):
        yield


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def open_cohort(cohort_factory, programme):
    return cohort_factory(
        programme,
        name="Autumn 2027",
        slug="autumn-2027",
        status=Cohort.Status.OPEN,
        applications_close=timezone.localdate() + datetime.timedelta(days=30),
    )


@pytest.fixture
def home_coop():
    entry = Entry.objects.filter(live=True).exclude(slug="").order_by("pk").first()
    assert entry is not None, "the seed catalogue is loaded for every test"
    return entry


@pytest.fixture
def founder(user_factory, client):
    user = verify_email(user_factory("founder-f", email="founder-f@example.org"))
    client.force_login(user)
    return user


# Mentor directory ------------------------------------------------------------------------------


@pytest.fixture
def listed_mentors(mentor_factory, home_coop):
    ada = mentor_factory(
        "Ada Listed",
        languages=["fr", "en"],
        topics=["funding", "governance"],
        home_coop=home_coop,
        is_public=True,
        bio="Ran a bike couriers' co-op for ten years.",
        timezone_name="Pacific/Auckland",
        capacity=7,
    )
    ada.user.email = "ada-private@example.org"
    ada.user.save()
    bea = mentor_factory("Bea Listed", languages=["sv"], topics=["technology"], is_public=True)
    hidden = mentor_factory("Carl Unlisted", languages=["fr"], topics=["funding"], is_public=False)
    gone = mentor_factory("Dora Inactive", languages=["fr"], topics=["funding"], is_public=True)
    gone.user.is_active = False
    gone.user.save()
    former = mentor_factory("Former mentor", user=None, is_public=True, topics=["funding"])
    return ada, bea, hidden, gone, former


def test_the_directory_shows_only_mentors_who_opted_in(client, listed_mentors, home_coop):
    response = client.get(reverse("mentorship:mentors"))
    assert response.status_code == 200
    page = text(response)
    assert "Ada Listed" in page and "Bea Listed" in page
    for name in ("Carl Unlisted", "Dora Inactive", "Former mentor"):
        assert name not in page
    # What a listed mentor shows: expertise, languages, home co-op (linked to its entry) and bio.
    assert "Funding" in page and "Governance" in page
    assert "French" in page and "Swedish" in page
    assert f'/directory/{home_coop.slug}/"' in page
    assert home_coop.name in page
    assert "Ran a bike couriers" in page
    # ... and nothing else.
    assert "ada-private@example.org" not in page
    assert "Pacific/Auckland" not in page
    assert "@" not in re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S).split("<main", 1)[1]


def test_the_directory_filters_by_topic_and_language(client, listed_mentors):
    by_topic = text(client.get(reverse("mentorship:mentors"), {"topic": "technology"}))
    assert "Bea Listed" in by_topic and "Ada Listed" not in by_topic
    by_language = text(client.get(reverse("mentorship:mentors"), {"language": "fr"}))
    assert "Ada Listed" in by_language and "Bea Listed" not in by_language
    both = text(client.get(reverse("mentorship:mentors"), {"language": "fr", "topic": "technology"}))
    assert "Ada Listed" not in both and "Bea Listed" not in both
    assert "No listed mentor matches" in both
    # Nonsense filters find nothing, never an error.
    response = client.get(reverse("mentorship:mentors"), {"topic": "<x>", "language": "'; drop", "page": "x"})
    assert response.status_code == 200


def test_the_site_navigation_links_mentors_and_programmes(client):
    page = text(client.get(reverse("mentorship:programmes")))
    nav = page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert reverse("mentorship:mentors") in nav
    assert reverse("mentorship:programmes") in nav
    assert reverse("account_login") in nav


def test_pages_are_translated_under_a_language_prefix(client):
    response = client.get("/fr/mentorship/mentors/")
    assert response.status_code == 200
    assert 'lang="fr"' in text(response)


# Programmes -------------------------------------------------------------------------------------


def test_programme_pages_list_open_cohorts_only(client, programme, open_cohort, cohort_factory):
    closed = cohort_factory(
        programme,
        name="Closed Spring",
        status=Cohort.Status.OPEN,
        applications_close=timezone.localdate() - datetime.timedelta(days=1),
    )
    cohort_factory(programme, name="Secret Draft", status=Cohort.Status.DRAFT)
    listing = text(client.get(reverse("mentorship:programmes")))
    assert programme.title in listing
    assert reverse("mentorship:programme", args=[programme.slug]) in listing

    page = text(client.get(reverse("mentorship:programme", args=[programme.slug])))
    assert programme.incubator.name in page
    assert "Autumn 2027" in page
    assert reverse("mentorship:apply", args=[programme.slug, open_cohort.slug]) in page
    assert closed.name not in page
    assert "Secret Draft" not in page


def test_a_programme_in_preparation_stays_off_the_site(client, founder, programme, open_cohort):
    programme.is_public = False
    programme.save()
    assert programme.title not in text(client.get(reverse("mentorship:programmes")))
    assert client.get(reverse("mentorship:programme", args=[programme.slug])).status_code == 404
    apply_page = reverse("mentorship:apply", args=[programme.slug, open_cohort.slug])
    assert client.get(apply_page).status_code == 404
    assert client.post(apply_page, {"name": "Sneaky Co-op"}).status_code == 404
    assert not Cohort.objects.open_for_applications().filter(pk=open_cohort.pk).exists()
    assert open_cohort.name not in text(client.get(reverse("mentorship:my_proposals")))

    programme.is_public = True
    programme.save()
    assert client.get(apply_page).status_code == 200
    assert Cohort.objects.open_for_applications().filter(pk=open_cohort.pk).exists()
    assert open_cohort.name in text(client.get(reverse("mentorship:my_proposals")))


def test_an_unknown_programme_is_404(client):
    assert client.get(reverse("mentorship:programme", args=["no-such-programme"])).status_code == 404


# Applications -----------------------------------------------------------------------------------


@pytest.fixture
def cohort_mentors(mentor_factory, open_cohort):
    # Founders rank mentors who chose to be listed publicly; a private mentor's name is not
    # shown on the apply form (issue 11: the form named them to any verified account).
    return [mentor_factory(f"Cohort Mentor {n}", cohort=open_cohort, is_public=True) for n in range(1, 4)]


def application_data(**overrides):
    data = {
        "venture": "",
        "name": "Rider Co-op",
        "needs": [],
        "need_statement": "We need bylaws.",
        "stage": "planning",
        "sector": "",
        "languages": "en, fr",
        "timezone": "Europe/Paris",
        "motivation": "",
    }
    data.update(overrides)
    return data


def apply_url(cohort):
    return reverse("mentorship:apply", args=[cohort.programme.slug, cohort.slug])


def test_applying_needs_an_account_with_a_verified_email(client, open_cohort, user_factory):
    response = client.get(apply_url(open_cohort))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    client.force_login(user_factory("unverified"))
    response = client.post(apply_url(open_cohort), application_data())
    assert response.status_code == 200
    assert "verif" in text(response).lower()
    assert not Venture.objects.filter(name="Rider Co-op").exists()


def test_a_founder_applies_with_a_new_venture_and_ranked_mentors(
    client, founder, open_cohort, cohort_mentors, topic
):
    first, second, _third = cohort_mentors
    funding = topic("funding")
    response = client.get(apply_url(open_cohort))
    assert response.status_code == 200
    assert "Cohort Mentor 1" in text(response)

    response = client.post(
        apply_url(open_cohort),
        application_data(
            needs=[funding.pk],
            mentor_1=second.pk,
            reason_1="She wrote bylaws",
            mentor_2=first.pk,
            reason_2="",
        ),
    )
    assert response.status_code == 302, text(response)
    assert response["Location"] == reverse("mentorship:my_proposals")
    venture = Venture.objects.get(name="Rider Co-op")
    assert list(venture.founders.all()) == [founder]
    assert list(venture.needs.all()) == [funding]
    assert venture.languages == ["en", "fr"]
    assert venture.timezone == "Europe/Paris"
    application = Application.objects.get(venture=venture, cohort=open_cohort)
    assert application.submitted_by == founder
    assert [(p.rank, p.mentor, p.reason) for p in application.preferences.all()] == [
        (1, second, "She wrote bylaws"),
        (2, first, ""),
    ]
    # It appears on the founder's own page.
    page = text(client.get(reverse("mentorship:my_proposals")))
    assert "Rider Co-op" in page and open_cohort.name in page


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"mentor_1": "M0", "mentor_2": "M0"}, "mentor_2", "already one of your choices"),
        ({"mentor_1": "M0", "mentor_3": "M1"}, "mentor_3", "without gaps"),
        ({"mentor_2": "M0"}, "mentor_2", "without gaps"),
        ({"reason_1": "because"}, "mentor_1", "Choose the mentor"),
        ({"mentor_1": "OUTSIDER"}, "mentor_1", "Select a valid choice"),
        ({"name": ""}, "name", "Give your new venture a name"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Select a valid choice"),
        ({"languages": "english!!"}, "languages", "is not a language code"),
    ],
)
def test_invalid_applications_say_why(
    client, founder, open_cohort, cohort_mentors, mentor_factory, overrides, field, message
):
    outsider = mentor_factory("Not In This Cohort")
    values = {"M0": cohort_mentors[0].pk, "M1": cohort_mentors[1].pk, "OUTSIDER": outsider.pk}
    data = application_data(**{k: values.get(v, v) for k, v in overrides.items()})
    response = client.post(apply_url(open_cohort), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Application.objects.filter(cohort=open_cohort).exists()


def test_a_closed_cohort_says_so(client, founder, open_cohort):
    open_cohort.applications_close = timezone.localdate() - datetime.timedelta(days=1)
    open_cohort.save()
    for response in (
        client.get(apply_url(open_cohort)),
        client.post(apply_url(open_cohort), application_data()),
    ):
        assert response.status_code == 200
        assert "no longer takes applications" in text(response)
    assert not Venture.objects.filter(name="Rider Co-op").exists()

    open_cohort.status = Cohort.Status.DRAFT
    open_cohort.save()
    assert client.get(apply_url(open_cohort)).status_code == 404


def test_a_venture_applies_to_a_cohort_once(client, founder, open_cohort, venture_factory):
    venture = venture_factory("Existing Venture", founders=[founder])
    first = client.post(apply_url(open_cohort), application_data(venture=venture.pk, name=""))
    assert first.status_code == 302
    again = client.post(apply_url(open_cohort), application_data(venture=venture.pk, name=""))
    assert again.status_code == 400
    assert "already applied" in text(again)
    assert Application.objects.filter(venture=venture).count() == 1


def test_a_founder_cannot_apply_with_someone_elses_venture(client, founder, open_cohort, venture_factory):
    theirs = venture_factory("Their Venture")
    response = client.post(apply_url(open_cohort), application_data(venture=theirs.pk, name=""))
    assert response.status_code == 400
    assert not Application.objects.filter(venture=theirs).exists()
    assert founder not in theirs.founders.all()


# A founder's venture ----------------------------------------------------------------------------


def venture_data(**overrides):
    """The venture's own fields of an application, and its website."""
    data = application_data(**{"website": "", **overrides})
    del data["venture"], data["motivation"]
    return data


def test_a_founder_edits_their_venture_from_their_page(client, founder, venture_factory, topic):
    venture = venture_factory("Bike Couriers", founders=[founder], needs=["funding"])
    url = reverse("mentorship:venture", args=[venture.pk])
    assert url in text(client.get(reverse("mentorship:my_proposals")))
    assert client.get(url).status_code == 200

    governance = topic("governance")
    response = client.post(
        url,
        venture_data(
            name="Bike Couriers Co-op",
            needs=[governance.pk],
            need_statement="Now: a members' agreement.",
            stage="launch",
            languages="sv, en",
            timezone="Europe/Stockholm",
            website="https://couriers.example.org/",
        ),
    )
    assert response.status_code == 302
    venture.refresh_from_db()
    assert (venture.name, venture.stage, venture.languages, venture.timezone) == (
        "Bike Couriers Co-op",
        "launch",
        ["sv", "en"],
        "Europe/Stockholm",
    )
    assert venture.need_statement == "Now: a members' agreement."
    assert list(venture.needs.all()) == [governance]
    assert list(venture.founders.all()) == [founder]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"name": "  "}, "name"), ({"languages": ""}, "languages"), ({"timezone": "Mars/Base"}, "timezone")],
)
def test_invalid_venture_edits_say_why_and_change_nothing(client, founder, venture_factory, overrides, field):
    venture = venture_factory("Bike Couriers", founders=[founder])
    response = client.post(reverse("mentorship:venture", args=[venture.pk]), venture_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    venture.refresh_from_db()
    assert venture.name == "Bike Couriers"


def test_only_its_founders_can_see_or_edit_a_venture(client, founder, venture_factory):
    theirs = venture_factory("Their Venture")
    url = reverse("mentorship:venture", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, venture_data(name="Taken over")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Their Venture"
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))


# Mentor sign-up ---------------------------------------------------------------------------------


def mentor_data(**overrides):
    data = {
        "display_name": "Maria Mentor",
        "home_coop": "",
        "topics": [],
        "sectors": [],
        "stages": ["idea"],
        "languages": "es, en",
        "timezone": "America/Bogota",
        "capacity": "2",
        "hours_per_month": "6",
        "available": "on",
        "available_until": "",
        "expertise": "Community shares",
        "bio": "Co-founded a taxi co-op.",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def test_a_person_becomes_a_mentor_and_edits_their_profile(client, founder, home_coop, topic):
    url = reverse("mentorship:mentor_signup")
    assert client.get(url).status_code == 200
    funding = topic("funding")
    response = client.post(url, mentor_data(home_coop=home_coop.name, topics=[funding.pk]))
    assert response.status_code == 302, text(response)
    profile = MentorProfile.objects.get(user=founder)
    assert profile.display_name == "Maria Mentor"
    assert profile.home_coop == home_coop
    assert profile.languages == ["es", "en"]
    assert profile.timezone == "America/Bogota"
    assert profile.stages == ["idea"]
    assert profile.is_public and profile.capacity == 2
    assert list(profile.topics.all()) == [funding]

    # Editing changes the same profile; the home co-op can also be given by its address's slug.
    response = client.post(
        url, mentor_data(display_name="Maria M.", home_coop=f"/directory/{home_coop.slug}/")
    )
    assert response.status_code == 302
    assert MentorProfile.objects.filter(user=founder).count() == 1
    profile.refresh_from_db()
    assert profile.display_name == "Maria M." and profile.home_coop == home_coop
    assert "Maria M." in text(client.get(reverse("mentorship:mentors")))


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"home_coop": "No Such Co-op Anywhere"}, "home_coop", "No co-op called"),
        ({"timezone": "Europe/Atlantis"}, "timezone", "Select a valid choice"),
        ({"languages": ""}, "languages", "This field is required"),
        ({"capacity": "99"}, "capacity", "less than or equal to 20"),
        ({"display_name": ""}, "display_name", "This field is required"),
    ],
)
def test_invalid_mentor_profiles_say_why(client, founder, overrides, field, message):
    response = client.post(reverse("mentorship:mentor_signup"), mentor_data(**overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not MentorProfile.objects.filter(user=founder).exists()


# Accounts (allauth) ----------------------------------------------------------------------------


def test_sign_up_requires_consent_and_records_it(client, mailoutbox):
    url = reverse("account_signup")
    page = client.get(url)
    assert page.status_code == 200
    assert 'class="site-header"' in text(page)  # allauth's pages look like the site
    data = {
        "email": "new.person@example.org",
        "password1": "a-long-pass-phrase-1",
        "password2": "a-long-pass-phrase-1",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Please agree" in text(refused)
    assert not get_user_model().objects.filter(email="new.person@example.org").exists()

    with override_settings(PORTAL_CONSENT_VERSION="2099-01"):
        response = client.post(url, {**data, "consent": "on"})
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.person@example.org")
    consent = Consent.objects.get(user=user)
    assert consent.version == "2099-01" and consent.purpose == "mentorship"
    # The e-mail must be verified before the person can sign in.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new.person@example.org"]
    client.logout()
    login = client.post(
        reverse("account_login"), {"login": "new.person@example.org", "password": "a-long-pass-phrase-1"}
    )
    assert login.status_code == 302
    assert "confirm-email" in login["Location"]


def test_login_is_by_email(client, user_factory):
    user = verify_email(
        user_factory("login-person", email="login.person@example.org", password="pass-word-123")
    )
    response = client.post(
        reverse("account_login"), {"login": "login.person@example.org", "password": "pass-word-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/mentorship/me/"
    assert client.get(reverse("mentorship:my_proposals")).context["user"] == user


# A person's own page ----------------------------------------------------------------------------


@pytest.fixture
def proposal_setup(cohort, mentor_factory, application_factory, sent_proposal_factory, client):
    mentor = mentor_factory("Mina Mentor", cohort=cohort, capacity=2)
    verify_email(mentor.user)
    application = application_factory(cohort, name="Bike Couriers Co-op", need_statement="Help with bylaws")
    proposal = sent_proposal_factory(
        application, mentor, explanation="both work on governance; both speak English"
    )
    draft = Proposal.objects.create(
        application=application_factory(cohort, name="Not Yet Approved Venture"),
        mentor=mentor,
        status=Proposal.Status.DRAFT,
        explanation="draft only",
    )
    client.force_login(mentor.user)
    return mentor, application, proposal, draft


def test_a_mentor_sees_sent_proposals_with_their_explanation(client, proposal_setup):
    mentor, application, proposal, draft = proposal_setup
    page = text(client.get(reverse("mentorship:my_proposals")))
    assert "Bike Couriers Co-op" in page
    assert "both work on governance; both speak English" in page
    assert "Help with bylaws" in page
    assert reverse("mentorship:answer_proposal", args=[proposal.pk]) in page
    # Drafts stay with staff until they approve the run.
    assert "Not Yet Approved Venture" not in page
    assert (
        client.post(reverse("mentorship:answer_proposal", args=[draft.pk]), {"action": "accept"}).status_code
        == 404
    )


def test_a_mentor_accepts_a_proposal(client, proposal_setup):
    mentor, application, proposal, _draft = proposal_setup
    response = client.post(
        reverse("mentorship:answer_proposal", args=[proposal.pk]), {"action": "accept", "note": "Happy to"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    mentorship = Mentorship.objects.get(proposal=proposal)
    assert mentorship.mentor == mentor and mentorship.venture == application.venture
    page = text(client.get(reverse("mentorship:my_proposals")))
    assert "You accepted to mentor Bike Couriers Co-op" in page
    assert reverse("mentorship:mentorship", args=[mentorship.pk]) in page


def test_a_mentor_declines_a_proposal(client, proposal_setup):
    _mentor, _application, proposal, _draft = proposal_setup
    response = client.post(reverse("mentorship:answer_proposal", args=[proposal.pk]), {"action": "decline"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED
    assert not Mentorship.objects.filter(proposal=proposal).exists()


def test_answering_twice_shows_the_workflow_message(client, proposal_setup):
    _mentor, _application, proposal, _draft = proposal_setup
    url = reverse("mentorship:answer_proposal", args=[proposal.pk])
    client.post(url, {"action": "decline"})
    response = client.post(url, {"action": "accept"}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages and all("accepted to mentor" not in m for m in messages)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED


def test_answering_needs_post_and_a_known_action(client, proposal_setup):
    _mentor, _application, proposal, _draft = proposal_setup
    url = reverse("mentorship:answer_proposal", args=[proposal.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"action": "maybe"}, follow=True)
    assert "Choose whether you accept or decline" in text(response)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT


@pytest.fixture
def active_mentorship(cohort, mentor_factory, venture_factory):
    mentor = mentor_factory("Mo Mentor", cohort=cohort)
    venture = venture_factory("Working Venture")
    return Mentorship.objects.create(cohort=cohort, mentor=mentor, venture=venture)


def test_a_founder_logs_a_meeting_and_the_mentor_completes_the_mentorship(client, active_mentorship, topic):
    founder = active_mentorship.venture.founders.get()
    client.force_login(founder)
    page = text(client.get(reverse("mentorship:my_proposals")))
    url = reverse("mentorship:mentorship", args=[active_mentorship.pk])
    assert url in page
    detail = text(client.get(url))
    assert (
        active_mentorship.mentor.user.email in detail
    )  # the people working together can write to each other

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("mentorship:log_meeting", args=[active_mentorship.pk]),
        {
            "held_on": yesterday.isoformat(),
            "duration_minutes": "45",
            "topics": [topic("funding").pk],
            "notes": "Budget",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(mentorship=active_mentorship)
    assert meeting.logged_by == founder and meeting.duration_minutes == 45 and meeting.notes == "Budget"

    bad = client.post(
        reverse("mentorship:log_meeting", args=[active_mentorship.pk]), {"held_on": "not a date"}
    )
    assert bad.status_code == 400
    # A rule of the workflow (no meetings in the future) comes back as a message.
    future = client.post(
        reverse("mentorship:log_meeting", args=[active_mentorship.pk]),
        {"held_on": "2099-01-01", "duration_minutes": "30"},
        follow=True,
    )
    assert "once it has taken place" in text(future)
    assert Meeting.objects.filter(mentorship=active_mentorship).count() == 1

    client.force_login(active_mentorship.mentor.user)
    response = client.post(
        reverse("mentorship:change_status", args=[active_mentorship.pk]),
        {"to_status": "completed", "comment": "Bylaws adopted"},
    )
    assert response.status_code == 302
    active_mentorship.refresh_from_db()
    assert active_mentorship.status == Mentorship.Status.COMPLETED
    assert active_mentorship.ended_by == active_mentorship.mentor.user
    assert active_mentorship.history.filter(to_status="completed", comment="Bylaws adopted").exists()
    # An ended mentorship offers no more changes, and contacts are no longer shown.
    detail = text(client.get(url))
    assert reverse("mentorship:change_status", args=[active_mentorship.pk]) not in detail
    bad = client.post(
        reverse("mentorship:change_status", args=[active_mentorship.pk]), {"to_status": "active"}
    )
    assert bad.status_code == 400


def test_a_person_answers_a_feedback_request_once(client, active_mentorship, user_factory):
    founder = active_mentorship.venture.founders.get()
    request = FeedbackRequest.objects.create(mentorship=active_mentorship, user=founder, role="founder")
    client.force_login(founder)
    assert reverse("mentorship:feedback", args=[request.pk]) in text(
        client.get(reverse("mentorship:my_proposals"))
    )
    url = reverse("mentorship:feedback", args=[request.pk])
    assert client.post(url, {"rating": "9"}).status_code == 400
    response = client.post(
        url, {"rating": "4", "usefulness": "5", "would_recommend": "yes", "comment": "Great"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.answered
    feedback = Feedback.objects.get(cohort=active_mentorship.cohort)
    assert (feedback.rating, feedback.usefulness, feedback.would_recommend, feedback.role) == (
        4,
        5,
        True,
        "founder",
    )
    # A second answer is refused.
    client.post(url, {"rating": "1", "usefulness": "1", "would_recommend": "no"})
    assert Feedback.objects.count() == 1
    # Someone else's request is not found.
    client.force_login(user_factory("stranger"))
    assert client.get(url).status_code == 404
