"""Importing mentors and ventures from spreadsheets, and exporting match results."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from mentorship import services, spreadsheets
from mentorship.models import Application, MentorProfile, Venture
from mentorship.spreadsheets import StructureError

pytestmark = pytest.mark.django_db

MENTORS = """Full name,E-mail,Speaks,Can help with,Zone,Places
Ada Okafor,ada@example.org,en; fr,funding; Legal structure,Europe/Paris,2
No Email,,en,funding,UTC,1
Bad Zone,bad@example.org,en,funding,Mars/Olympus,1
Bo Chen,bo@example.org,en,governance; knitting,Asia/Shanghai,three
Cy Diaz,cy@example.org,es,Technology and data sovereignty,America/Bogota,1
"""
MAPPING = """columns:
  name: Full name
  email: E-mail
  languages: Speaks
  topics: Can help with
  timezone: Zone
  capacity: Places
separator: ";"
"""


def _import_mentors(text=MENTORS, mapping=MAPPING, cohort=None):
    return spreadsheets.import_mentors(io.StringIO(text), spreadsheets.load_mapping(mapping), cohort=cohort)


def test_mentors_are_imported_with_bad_rows_reported_and_skipped(cohort, mailoutbox):
    report = _import_mentors(cohort=cohort)
    assert (report.created, report.updated, report.skipped) == (2, 0, 3)
    reasons = {e["line"]: e["reason"] for e in report.errors}
    assert set(reasons) == {3, 4, 5}
    assert "email" in reasons[3] and "time zone" in reasons[4] and "number" in reasons[5]

    ada = MentorProfile.objects.get(user__email="ada@example.org")
    assert ada.display_name == "Ada Okafor"
    assert ada.languages == ["en", "fr"]
    assert ada.capacity == 2
    assert ada.timezone == "Europe/Paris"
    assert set(ada.topics.values_list("slug", flat=True)) == {"funding", "legal-structure"}
    assert not ada.user.has_usable_password()
    assert list(cohort.mentors.order_by("display_name")) == [
        ada,
        MentorProfile.objects.get(display_name="Cy Diaz"),
    ]
    assert mailoutbox == []


def test_unknown_topics_are_reported_not_fatal(cohort):
    text = "name,email,topics\nBo Chen,bo@example.org,governance; knitting\n"
    report = spreadsheets.import_mentors(io.StringIO(text), None, cohort=cohort)
    assert report.created == 1
    assert [w["line"] for w in report.warnings] == [2]
    assert "knitting" in report.warnings[0]["reason"]
    assert list(MentorProfile.objects.get(display_name="Bo Chen").topics.values_list("slug", flat=True)) == [
        "governance"
    ]


def test_importing_again_updates_the_same_people(cohort):
    _import_mentors(cohort=cohort)
    changed = MENTORS.replace("Europe/Paris,2", "Europe/Paris,3")
    report = _import_mentors(changed, cohort=cohort)
    assert (report.created, report.updated) == (0, 2)
    assert MentorProfile.objects.filter(user__email="ada@example.org").count() == 1
    assert MentorProfile.objects.get(user__email="ada@example.org").capacity == 3


def test_structural_errors_refuse_the_whole_file(cohort):
    with pytest.raises(StructureError, match="email"):
        spreadsheets.import_mentors(io.StringIO("name,phone\nAda,123\n"), None)
    with pytest.raises(StructureError, match="does not have"):
        _import_mentors(mapping="columns:\n  name: Full name\n  email: Mail\n")
    with pytest.raises(StructureError, match="unknown|know"):
        _import_mentors(mapping="columns:\n  shoe_size: Size\n")
    with pytest.raises(StructureError, match="empty"):
        spreadsheets.import_mentors(io.StringIO(""), None)
    with pytest.raises(StructureError, match="YAML"):
        spreadsheets.load_mapping("columns: [unclosed")
    assert not MentorProfile.objects.filter(display_name="Ada").exists()


def test_ventures_are_imported_with_applications_and_preferences(cohort, mentor_factory):
    anne = mentor_factory("Anne", cohort=cohort)
    text = (
        "name,email,languages,needs,stage,preferred_mentors,need_statement\n"
        f"Rides,ride@example.org,en,funding,Planning,{anne.user.email},Raise community shares\n"
        "Nameless,x@example.org,en,,,,\n"
        "Lost,lost@example.org,en,,,nobody@example.org,\n"
        "Oddstage,odd@example.org,en,,sprouting,,\n"
    ).replace("Nameless", "")
    report = spreadsheets.import_ventures(io.StringIO(text), None, cohort=cohort)
    assert (report.created, report.skipped) == (1, 3)
    rides = Venture.objects.get(name="Rides")
    assert rides.stage == "planning"
    assert rides.founders.get().email == "ride@example.org"
    application = Application.objects.get(venture=rides, cohort=cohort)
    assert [(p.rank, p.mentor) for p in application.preferences.all()] == [(1, anne)]

    again = spreadsheets.import_ventures(io.StringIO(text), None, cohort=cohort)
    assert (again.created, again.updated) == (0, 1)
    assert Venture.objects.filter(name="Rides").count() == 1


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_a_runs_proposals_and_a_cohorts_mentorships_are_exported(cohort, mentor_factory, application_factory):
    anne = mentor_factory("Anne", cohort=cohort, topics=["funding"])
    application_factory(cohort, name="=HYPERLINK(evil)", needs=["funding"], preferences=[anne])
    run = services.run_matching(cohort)
    out = io.StringIO()
    assert spreadsheets.export_run(run, out) == 1
    (row,) = _rows(out.getvalue())
    assert list(row) == ["venture", "mentor", "score", "rank", "explanation", "status"]
    assert row["venture"] == "'=HYPERLINK(evil)"  # never run as a formula
    assert (row["mentor"], row["rank"], row["status"]) == ("Anne", "1", "draft")
    assert float(row["score"]) > 0

    services.approve_run(run, user=None)
    services.accept_proposal(run.proposals.get(), user=anne.user)
    out = io.StringIO()
    spreadsheets.export_mentorships(cohort, out)
    (row,) = _rows(out.getvalue())
    assert (row["mentor"], row["status"]) == ("Anne", "active")
    assert row["explanation"]


def test_the_commands(cohort, tmp_path, capsys, mentor_factory, application_factory):
    sheet = tmp_path / "mentors.csv"
    sheet.write_text(MENTORS, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    target = f"{cohort.programme.slug}/{cohort.slug}"
    call_command(
        "import_mentors", "--file", str(sheet), "--mapping", str(mapping), "--cohort", target, "--json"
    )
    assert '"created": 2' in capsys.readouterr().out
    assert cohort.mentors.count() == 2

    with pytest.raises(CommandError, match="Required columns"):
        call_command("import_mentors", "--file", str(sheet))
    with pytest.raises(CommandError, match="no cohort"):
        call_command("import_ventures", "--file", str(sheet), "--cohort", "nope/nope")

    application_factory(cohort, languages=["fr"])
    run = services.run_matching(cohort)
    out = tmp_path / "run.csv"
    call_command("export_matches", "--run", str(run.pk), "--output", str(out))
    assert _rows(out.read_text(encoding="utf-8"))[0]["mentor"] == "Ada Okafor"
    call_command("export_matches", "--cohort", str(cohort.pk))
    assert capsys.readouterr().out.startswith("venture,mentor,score")


# ---------------------------------------------------------------------------------------------------
# Who an import may touch (issue 11, item 2): through the admin upload, as staff of one incubator.


def _upload(client, cohort, kind, text):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("mentorship_admin:spreadsheets", args=[cohort.pk])
    sheet = SimpleUploadedFile("sheet.csv", text.encode())
    response = client.post(url, {"kind": kind, "file": sheet})
    assert response.status_code == 200
    return response.content.decode()


def _reasons(page):
    import re

    return re.findall(r"<li>Line \d+: ([^<]*)</li>", page)


@pytest.fixture
def b_mentor(mentor_factory, other_cohort, user_factory):
    account = user_factory("b-mentor", email="b.mentor@example.org")
    return mentor_factory("B's mentor", user=account, cohort=other_cohort, bio="B bio", capacity=1)


def test_staff_cannot_overwrite_or_recruit_another_incubators_mentor(staff_client, cohort, b_mentor):
    page = _upload(
        staff_client,
        cohort,
        "mentors",
        "name,email,bio,capacity\nTaken Over,b.mentor@example.org,Overwritten,9\n",
    )
    b_mentor.refresh_from_db()
    assert (b_mentor.display_name, b_mentor.bio, b_mentor.capacity) == ("B's mentor", "B bio", 1)
    assert not cohort.mentors.filter(pk=b_mentor.pk).exists()
    assert "not changed" in page


def test_staff_cannot_overwrite_another_incubators_venture(
    staff_client, cohort, other_cohort, application_factory, venture_factory, user_factory
):
    founder = user_factory("b-founder", email="b.founder@example.org")
    venture = venture_factory("B Rides", founders=[founder], need_statement="B needs")
    application_factory(other_cohort, venture)
    page = _upload(
        staff_client,
        cohort,
        "ventures",
        "name,email,need_statement\nB Rides,b.founder@example.org,Overwritten\n",
    )
    venture.refresh_from_db()
    assert venture.need_statement == "B needs"
    assert not Application.objects.filter(venture=venture, cohort=cohort).exists()
    assert "not changed" in page


def test_imports_never_make_profiles_on_privileged_accounts_nor_public_ones(
    staff_client, cohort, superuser, user_factory
):
    from django.contrib.auth.models import Group

    editor = user_factory("an-editor", email="editor.person@example.org")
    editor.groups.add(Group.objects.get(name="Editors"))
    page = _upload(
        staff_client,
        cohort,
        "mentors",
        "name,email,public\n"
        f"Root,{superuser.email},yes\n"
        "Editor,editor.person@example.org,yes\n"
        "New Person,new.person@example.org,yes\n",
    )
    assert not MentorProfile.objects.filter(user__in=[superuser, editor]).exists()
    new = MentorProfile.objects.get(user__email="new.person@example.org")
    assert new.is_public is False  # only the person may choose to be listed
    assert not MentorProfile.objects.listed().exists()
    assert "choose themselves" in page


def test_import_messages_do_not_tell_what_an_address_is(
    staff_client, cohort, b_mentor, superuser, user_factory
):
    """Another incubator's mentor, an unrelated account, a superuser: one and the same answer."""
    user_factory("plain", email="plain.person@example.org")
    page = _upload(
        staff_client,
        cohort,
        "mentors",
        "name,email\n"
        "One,b.mentor@example.org\n"
        "Two,plain.person@example.org\n"
        f"Three,{superuser.email}\n",
    )
    reasons = _reasons(page)
    assert len(reasons) == 3 and len(set(reasons)) == 1, reasons
    assert "b.mentor" not in reasons[0]

    # Preferred mentors: a private mentor of B and an address nobody has get the same answer.
    page = _upload(
        staff_client,
        cohort,
        "ventures",
        "name,email,preferred_mentors\n"
        "V1,v1@example.org,b.mentor@example.org\n"
        "V2,v2@example.org,nobody.at.all@example.org\n",
    )
    first, second = _reasons(page)
    assert first.replace("b.mentor@example.org", "X") == second.replace("nobody.at.all@example.org", "X")
    assert "no mentor has" not in page


def test_the_command_with_a_cohort_reaches_only_that_incubators_people(cohort, b_mentor, tmp_path):
    sheet = tmp_path / "mentors.csv"
    sheet.write_text("name,email,bio\nTaken Over,b.mentor@example.org,Overwritten\n", encoding="utf-8")
    call_command("import_mentors", "--file", str(sheet), "--cohort", str(cohort.pk), "--json")
    b_mentor.refresh_from_db()
    assert b_mentor.bio == "B bio"
    assert not cohort.mentors.filter(pk=b_mentor.pk).exists()


def test_staff_still_update_their_own_people(staff_client, cohort, mentor_factory, user_factory):
    mine = mentor_factory("Mine", user=user_factory("mine", email="mine@example.org"), cohort=cohort)
    _upload(staff_client, cohort, "mentors", "name,email,capacity\nMine Renamed,mine@example.org,3\n")
    mine.refresh_from_db()
    assert (mine.display_name, mine.capacity) == ("Mine Renamed", 3)
