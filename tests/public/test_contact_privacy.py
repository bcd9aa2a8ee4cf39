"""Contact details: private unless the co-op chose to show a field; imports stay private."""

from __future__ import annotations

import pytest
from django.test import Client

from directory.models import Entry, Submission

pytestmark = pytest.mark.django_db

CONTACTS = {
    "contact_name": "Ada Organiser",
    "contact_email": "ada.private@example.net",
    "contact_phone": "+33 1 23 45 67 89",
}


def page_of(client, entry, prefix="") -> str:
    response = client.get(f"{prefix}/directory/{entry.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_private_contact_fields_are_absent_from_the_page(make_entry, client):
    entry = make_entry("Quiet Co-op", **CONTACTS)
    assert not (entry.contact_name_public or entry.contact_email_public or entry.contact_phone_public)
    for prefix in ("", "/fr", "/sv", "/es"):
        page = page_of(client, entry, prefix)
        for value in CONTACTS.values():
            assert value not in page, (prefix, value)
        assert "mailto:" not in page and "tel:" not in page


def test_each_field_is_shown_only_when_marked_public(make_entry, client):
    entry = make_entry("Open Co-op", contact_email_public=True, **CONTACTS)
    page = page_of(client, entry)
    assert '<a href="mailto:ada.private@example.net" itemprop="email">' in page
    assert "Ada Organiser" not in page and "+33 1 23 45 67 89" not in page

    Entry.objects.filter(pk=entry.pk).update(contact_email_public=False, contact_phone_public=True)
    page = page_of(client, entry)
    assert "ada.private@example.net" not in page
    assert '<a href="tel:+33123456789" itemprop="telephone">+33 1 23 45 67 89</a>' in page

    Entry.objects.filter(pk=entry.pk).update(contact_name_public=True)
    french = page_of(client, entry, "/fr")
    assert '<dt>Contact</dt><dd class="contact-name">Ada Organiser</dd>' in french
    assert "<dt>Téléphone</dt>" in french


def test_a_flag_without_a_value_shows_nothing(make_entry):
    entry = make_entry("Empty Co-op", contact_email_public=True, contact_phone_public=True)
    assert entry.public_contacts == []


def test_imported_contact_emails_stay_private(catalogue_loaded, client):
    imported = Entry.objects.published().exclude(contact_email="").filter(source_records__isnull=False)
    assert imported.exists(), "the IoO import should bring some contact e-mails"
    assert not imported.filter(contact_email_public=True).exists()
    assert not Entry.objects.filter(contact_phone_public=True).exists()
    for entry in imported[:5]:
        page = page_of(client, entry)
        assert entry.contact_email not in page


def test_the_submitter_chooses_per_field_and_the_choice_holds_after_review(db, client, editor):
    anonymous = Client()
    anonymous.post(
        "/directory/add/",
        {
            "name": "Choice Co-op",
            "summary": "Chooses carefully.",
            "contact_name": "Bea Public",
            "contact_name_public": "on",
            "contact_email": "bea.private@example.net",
            "contact_phone": "+34 600 000 000",
            "contact_phone_public": "on",
            "submitter_name": "Bea",
            "submitter_email": "bea.submitter@example.net",
            "consent": "on",
        },
    )
    submission = Submission.objects.get()
    entry = submission.entry
    assert entry.contact_name_public and entry.contact_phone_public and not entry.contact_email_public
    client.post(f"/admin/snippets/directory/submission/accept/{submission.pk}/")
    page = page_of(anonymous, entry)
    assert "Bea Public" in page and "+34 600 000 000" in page
    assert "bea.private@example.net" not in page
    assert "bea.submitter@example.net" not in page


def test_the_change_form_never_prefills_private_contacts(make_entry, client):
    entry = make_entry("Secret Co-op", contact_phone_public=True, **CONTACTS)
    form = client.get(f"/directory/{entry.slug}/suggest/").content.decode()
    assert "ada.private@example.net" not in form and "Ada Organiser" not in form
    assert "+33 1 23 45 67 89" in form  # public already


def test_a_suggestion_can_hide_a_shown_field(make_entry, client, editor):
    entry = make_entry("Shown Co-op", contact_phone_public=True, **CONTACTS)
    anonymous = Client()
    anonymous.post(
        f"/directory/{entry.slug}/suggest/",
        {
            "name": entry.name,
            "summary": entry.summary,
            "contact_phone": "",
            "submitter_name": "Member",
            "submitter_email": "m@example.net",
            "consent": "on",
        },
    )
    submission = Submission.objects.get()
    assert submission.data == {"contact_phone_public": False}
    client.post(f"/admin/snippets/directory/submission/accept/{submission.pk}/")
    entry.refresh_from_db()
    assert not entry.contact_phone_public and entry.contact_phone == CONTACTS["contact_phone"]
    assert "+33 1 23 45 67 89" not in page_of(anonymous, entry)
