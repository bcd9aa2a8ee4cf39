"""Incubator staff work in the Wagtail admin on their own incubator only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import escape

from mentorship import permissions, services
from mentorship.models import Application, MatchRun, Mentorship, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_incubators(cohort, other_cohort, mentor_factory, application_factory, sent_proposal_factory):
    """In each incubator's cohort: a mentor, an application and an active mentorship."""
    made = {}
    for key, c in (("mine", cohort), ("theirs", other_cohort)):
        mentor = mentor_factory(f"Mentor of {key}", cohort=c)
        application = application_factory(c, name=f"Venture of {key}")
        proposal = sent_proposal_factory(application, mentor)
        mentorship = services.accept_proposal(proposal, user=mentor.user)
        made[key] = {"cohort": c, "mentor": mentor, "application": application, "mentorship": mentorship}
    return made


def _url(model, view, *args):
    return reverse(f"wagtailsnippets_mentorship_{model}:{view}", args=args)


@pytest.mark.parametrize(
    "model,key",
    [
        ("cohort", "cohort"),
        ("application", "application"),
        ("mentorship", "mentorship"),
        ("mentorprofile", "mentor"),
    ],
)
def test_staff_see_only_their_own_incubator(staff_client, two_incubators, model, key):
    mine, theirs = two_incubators["mine"][key], two_incubators["theirs"][key]
    listing = staff_client.get(_url(model, "list"))
    assert listing.status_code == 200
    assert escape(str(mine)) in listing.content.decode()
    assert escape(str(theirs)) not in listing.content.decode()

    assert staff_client.get(_url(model, "edit", mine.pk)).status_code == 200
    assert staff_client.get(_url(model, "edit", theirs.pk)).status_code in (403, 404)
    assert staff_client.post(_url(model, "edit", theirs.pk), {}).status_code in (403, 404)


def test_staff_cannot_act_on_another_incubators_rows(staff_client, two_incubators, other_staff_user):
    theirs = two_incubators["theirs"]
    assert (
        staff_client.get(reverse("mentorship_admin:run_matching", args=[theirs["cohort"].pk])).status_code
        == 404
    )
    url = reverse("mentorship_admin:mentorship_status", args=[theirs["mentorship"].pk])
    assert staff_client.post(url, {"to_status": "cancelled"}).status_code == 404
    assert theirs["mentorship"].__class__.objects.get(pk=theirs["mentorship"].pk).status == "active"
    assert (
        staff_client.get(reverse("mentorship_admin:export_cohort", args=[theirs["cohort"].pk])).status_code
        == 404
    )
    assert staff_client.get(_url("mentorship", "inspect", theirs["mentorship"].pk)).status_code == 404


def test_directory_editors_have_no_mentorship_access(client, user_factory, two_incubators):
    for name in ("Editors", "Moderators"):
        group = Group.objects.get(name=name)
        assert not group.permissions.filter(content_type__app_label="mentorship").exists()
        editor = user_factory()
        editor.groups.add(group)
        client.force_login(editor)
        assert client.get(_url("cohort", "list")).status_code in (302, 403)
        cohort = two_incubators["mine"]["cohort"]
        assert client.get(reverse("mentorship_admin:run_matching", args=[cohort.pk])).status_code in (
            302,
            403,
        )
        assert not permissions.cohorts_for(editor).exists()


def test_the_superuser_sees_every_incubator(client, superuser, two_incubators):
    client.force_login(superuser)
    content = client.get(_url("cohort", "list")).content.decode()
    assert str(two_incubators["mine"]["cohort"]) in content
    assert str(two_incubators["theirs"]["cohort"]) in content


def test_staff_run_review_edit_and_approve_matching_for_their_cohort(
    staff_client, staff_user, cohort, mentor_factory, application_factory, mailoutbox
):
    anne = mentor_factory("Anne", cohort=cohort, languages=["fr", "en"])
    bob = mentor_factory("Bob", cohort=cohort)
    application_factory(cohort, name="Rides", preferences=[anne])

    page = staff_client.get(reverse("mentorship_admin:run_matching", args=[cohort.pk]))
    assert page.status_code == 200
    response = staff_client.post(
        reverse("mentorship_admin:run_matching", args=[cohort.pk]), {"algorithm": "stable"}
    )
    run = MatchRun.objects.get(cohort=cohort)
    assert response.status_code == 302
    assert response["Location"] == _url("matchrun", "inspect", run.pk)
    assert run.run_by == staff_user and run.algorithm == "stable"

    review = staff_client.get(_url("matchrun", "inspect", run.pk))
    assert review.status_code == 200
    text = review.content.decode()
    assert "Rides" in text and "share_matched" in text and "Approve" in text
    proposal = run.proposals.get()
    assert escape(proposal.explanation) in text

    staff_client.post(reverse("mentorship_admin:change_proposal", args=[proposal.pk]), {"mentor": bob.pk})
    proposal.refresh_from_db()
    assert proposal.mentor == bob
    assert mailoutbox == []

    staff_client.post(reverse("mentorship_admin:approve_run", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == MatchRun.Status.APPROVED
    assert [m.to for m in mailoutbox] == [[bob.user.email]]
    csv_text = staff_client.get(reverse("mentorship_admin:export_run", args=[run.pk])).content.decode()
    assert "Rides,Bob" in csv_text


def test_bad_input_in_admin_views_gives_a_message_not_an_error(staff_client, cohort):
    response = staff_client.post(
        reverse("mentorship_admin:run_matching", args=[cohort.pk]), {"algorithm": "optimal"}
    )
    assert response.status_code == 200
    assert "waiting for a mentor" in response.content.decode()
    response = staff_client.post(
        reverse("mentorship_admin:run_matching", args=[cohort.pk]), {"algorithm": "magic"}
    )
    assert response.status_code == 200


def test_manual_proposal_and_status_change(
    staff_client, staff_user, cohort, mentor_factory, application_factory
):
    anne = mentor_factory("Anne", cohort=cohort)
    application = application_factory(cohort, status=Application.Status.MANUAL)
    url = reverse("mentorship_admin:propose", args=[application.pk])
    assert "Anne" in staff_client.get(url).content.decode()
    assert staff_client.post(url, {"mentor": anne.pk}).status_code == 302
    proposal = Proposal.objects.get(application=application)
    assert proposal.status == Proposal.Status.SENT

    mentorship = services.accept_proposal(proposal, user=anne.user)
    url = reverse("mentorship_admin:mentorship_status", args=[mentorship.pk])
    staff_client.post(url, {"to_status": "completed", "comment": "Early finish"})
    mentorship = Mentorship.objects.get(pk=mentorship.pk)
    assert mentorship.status == "completed"
    assert mentorship.ended_by == staff_user
    assert mentorship.history.last().comment == "Early finish"
    assert staff_client.get(_url("mentorship", "inspect", mentorship.pk)).status_code == 200


def test_spreadsheet_import_in_the_admin(staff_client, cohort):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("mentorship_admin:spreadsheets", args=[cohort.pk])
    sheet = SimpleUploadedFile("m.csv", b"name,email,languages\nAda,ada@example.org,en\nNo mail,,en\n")
    response = staff_client.post(url, {"kind": "mentors", "file": sheet})
    assert response.status_code == 200
    assert "Line 3" in response.content.decode()
    assert cohort.mentors.get().display_name == "Ada"
    broken = SimpleUploadedFile("m.csv", b"nom,courriel\nAda,ada@example.org\n")
    response = staff_client.post(url, {"kind": "mentors", "file": broken})
    assert response.status_code == 200
    assert "Required columns" in response.content.decode()


def test_application_edit_has_inline_preferences(staff_client, cohort, mentor_factory, application_factory):
    anne = mentor_factory("Anne", cohort=cohort)
    application = application_factory(cohort, preferences=[anne])
    page = staff_client.get(_url("application", "edit", application.pk))
    assert page.status_code == 200
    assert 'name="preferences-TOTAL_FORMS"' in page.content.decode()

    data = {
        "venture": application.venture_id,
        "cohort": cohort.pk,
        "status": "accepted",
        "motivation": "",
        "preferences-TOTAL_FORMS": "5",
        "preferences-INITIAL_FORMS": "1",
        "preferences-MIN_NUM_FORMS": "0",
        "preferences-MAX_NUM_FORMS": "5",
        "preferences-0-id": application.preferences.get().pk,
        "preferences-0-rank": "2",
        "preferences-0-mentor": anne.pk,
        "preferences-0-reason": "moved",
    }
    for i in range(1, 5):
        data.update(
            {f"preferences-{i}-rank": "", f"preferences-{i}-mentor": "", f"preferences-{i}-reason": ""}
        )
    response = staff_client.post(_url("application", "edit", application.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(application.preferences.values_list("rank", "reason")) == [(2, "moved")]
