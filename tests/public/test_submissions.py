"""'Add my co-op' and 'Suggest a change': into the review queue, never public before an editor
says so, and protected by CSRF, a honeypot and a rate limit."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import Entry, Submission
from directory.text import RESERVED_SLUGS

pytestmark = pytest.mark.django_db

ADD = "/directory/add/"


def new_coop(**changes) -> dict:
    data = {
        "name": "Harbour Riders Co-op",
        "website": "harbour-riders.example.org",
        "summary": "Couriers who own their delivery platform.",
        "description": "We deliver by bike.\n\nOwned by the riders since 2021.",
        "text_language": "en",
        "country": "SE",
        "locality": "Göteborg",
        "founded_year": "2021",
        "contact_email": "hello@harbour-riders.example.org",
        "contact_email_public": "on",
        "contact_phone": "+46 31 123 45 67",
        "submitter_name": "Alva Rider",
        "submitter_email": "alva.private@example.net",
        "consent": "on",
        "homepage": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def hit_names(response) -> list[str]:
    return [entry.name for entry in response.context["results"].hits]


def review_url(submission, action="review"):
    return reverse(f"wagtailsnippets_directory_submission:{action}", args=[submission.pk])


def test_add_is_a_reserved_slug_and_the_form_is_served_in_each_language(client):
    assert "add" in RESERVED_SLUGS
    english = client.get(ADD)
    assert english.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in english.content.decode()
    assert "Name of the co-op" in english.content.decode()
    assert "Nom de la coopérative" in client.get("/fr" + ADD).content.decode()
    assert "Kooperativets namn" in client.get("/sv" + ADD).content.decode()
    assert "Nombre de la cooperativa" in client.get("/es" + ADD).content.decode()


def test_new_coop_lands_in_the_review_queue_and_is_not_public_until_published(
    catalogue_loaded, client, django_user_model
):
    response = client.post(ADD, new_coop(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302 and response.url == "/directory/add/thanks/"
    assert "Thank you" in client.get(response.url).content.decode()

    submission = Submission.objects.get()
    entry = submission.entry
    assert submission.kind == "new" and submission.status == "pending" and submission.consent
    assert submission.submitter_email == "alva.private@example.net"
    # The address is kept only as a keyed hash.
    assert submission.ip_hash and "203.0.113.7" not in submission.ip_hash
    assert len(submission.ip_hash) == 64
    assert not entry.live and entry.needs_review and "Add my co-op" in entry.review_note
    assert entry.website == "https://harbour-riders.example.org"
    assert entry.description == "<p>We deliver by bike.</p><p>Owned by the riders since 2021.</p>"
    assert entry.country == "SE" and entry.founded_year == 2021
    assert entry.contact_email_public and not entry.contact_phone_public

    # Not public: no page, not in search, not in the listing.
    assert client.get(f"/directory/{entry.slug}/").status_code == 404
    assert "Harbour Riders Co-op" not in hit_names(client.get("/directory/?q=Harbour+Riders"))

    # In the editors' queue.
    editor = django_user_model.objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(editor)
    queue = client.get(reverse("wagtailsnippets_directory_entry:list") + "?needs_review=true")
    assert "Harbour Riders Co-op" in queue.content.decode()
    listing = client.get(reverse("wagtailsnippets_directory_submission:list"))
    assert "Harbour Riders Co-op" in listing.content.decode()
    review = client.get(review_url(submission)).content.decode()
    assert "Couriers who own their delivery platform." in review
    assert "alva.private@example.net" in review  # editors may write back

    # Accepting publishes it.
    response = client.post(review_url(submission, "accept"))
    assert response.status_code == 302
    entry.refresh_from_db()
    submission.refresh_from_db()
    assert entry.live and not entry.needs_review and submission.status == "accepted"
    assert submission.decided_by == editor
    client.logout()
    page = client.get(f"/directory/{entry.slug}/").content.decode()
    assert "Couriers who own their delivery platform." in page
    assert "Harbour Riders Co-op" in hit_names(client.get("/directory/?q=Harbour+Riders"))
    # The submitter's details never reach the public page.
    assert "alva.private@example.net" not in page and "Alva Rider" not in page


def test_rejecting_a_new_coop_removes_the_draft_but_keeps_the_submission(db, client, editor):
    anonymous = Client()
    anonymous.post(ADD, new_coop(name="Spam Co-op"))
    submission = Submission.objects.get()
    slug = submission.entry.slug
    assert client.post(review_url(submission, "reject")).status_code == 302
    submission.refresh_from_db()
    assert submission.status == "rejected" and submission.entry is None
    assert submission.data["name"] == "Spam Co-op"
    assert not Entry.objects.filter(slug=slug).exists()


def test_honeypot_is_thanked_and_discarded(db, client):
    before = Entry.objects.count()
    response = client.post(ADD, new_coop(homepage="http://spam.example/"))
    assert response.status_code == 302 and response.url == "/directory/add/thanks/"
    assert Submission.objects.count() == 0 and Entry.objects.count() == before


def test_rate_limit_answers_429_with_a_message(db, client):
    for n in range(5):
        response = client.post(ADD, new_coop(name=f"Rate Co-op {n}"), REMOTE_ADDR="198.51.100.9")
        assert response.status_code == 302, n
    response = client.post(ADD, new_coop(name="Rate Co-op 6"), REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429
    assert "Too many submissions" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert Submission.objects.count() == 5
    # Honeypot hits count too, and the limit is per address.
    other = client.post(ADD, new_coop(name="Other Co-op"), REMOTE_ADDR="198.51.100.10")
    assert other.status_code == 302
    # In French, the message is French.
    french = client.post("/fr" + ADD, new_coop(name="Rate Co-op 7"), REMOTE_ADDR="198.51.100.9")
    assert french.status_code == 429 and "Trop de propositions" in french.content.decode()


def test_csrf_is_enforced(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post(ADD, new_coop()).status_code == 403
    assert Submission.objects.count() == 0
    form = client.get(ADD).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(ADD, {**new_coop(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Submission.objects.count() == 1


def test_bad_input_shows_errors_in_the_form(db, client):
    before = Entry.objects.count()
    response = client.post(
        ADD,
        new_coop(
            name="",
            website="not a url",
            contact_email="nope",
            contact_phone="call me",
            founded_year="1066",
            country="XX",
            consent=None,
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the problems below." in page
    assert "This field is required." in page
    assert "Enter a valid URL." in page
    assert "Enter a valid email address." in page
    assert "Enter a phone number" in page
    assert "Please tick this box" in page
    assert "Select a valid choice." in page
    assert 'aria-invalid="true"' in page
    assert Submission.objects.count() == 0 and Entry.objects.count() == before
    # Django's own messages are translated too.
    french = client.post("/fr" + ADD, new_coop(website="not a url")).content.decode()
    assert "Saisissez une URL valide." in french


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"name": "x" * 5000},
        {"founded_year": "abc", "name": "A"},
        {"name": "A\x00B", "submitter_email": "a@b.c", "consent": "on"},
        {"name": ["a", "b"], "country": ["FR", "DE"]},
    ],
)
def test_odd_input_never_raises(db, client, payload):
    response = client.post(ADD, payload)
    assert response.status_code in (200, 302)


def test_unknown_or_unpublished_entries_cannot_be_suggested_to(db, client, make_entry):
    assert client.get("/directory/no-such-entry/suggest/").status_code == 404
    draft = make_entry("Draft Co-op", live=False)
    assert client.get(f"/directory/{draft.slug}/suggest/").status_code == 404
    assert client.put("/directory/add/").status_code == 405


def change_data(entry, **changes) -> dict:
    data = {
        "name": entry.name,
        "website": entry.website,
        "summary": entry.summary,
        "description": "",
        "text_language": entry.text_language,
        "country": entry.country.code if entry.country else "",
        "locality": entry.locality,
        "founded_year": entry.founded_year or "",
        "submitter_name": "Member of the co-op",
        "submitter_email": "member@example.net",
        "consent": "on",
    }
    data.update(changes)
    return data


def test_change_suggestion_waits_for_an_editor_then_locks_the_field(
    db, client, make_entry, django_user_model
):
    entry = make_entry("Tool Library Co-op", summary="Lends tools.", website="https://tools.example.org/")
    url = f"/directory/{entry.slug}/suggest/"
    form = client.get(url).content.decode()
    assert "Lends tools." in form  # the public facts come pre-filled
    assert "Suggest a change to this entry" in client.get(f"/directory/{entry.slug}/").content.decode()

    # Nothing changed: an error, not a submission.
    unchanged = client.post(url, change_data(entry))
    assert unchanged.status_code == 200 and "Nothing was changed" in unchanged.content.decode()

    response = client.post(url, change_data(entry, summary="Lends tools and teaches repairs."))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.kind == "change" and submission.entry == entry
    assert submission.data == {"summary": "Lends tools and teaches repairs."}
    entry.refresh_from_db()
    assert entry.needs_review and entry.summary == "Lends tools."
    # The public page still shows the published text.
    assert "teaches repairs" not in client.get(f"/directory/{entry.slug}/").content.decode()

    editor = django_user_model.objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(editor)
    review = client.get(review_url(submission)).content.decode()
    # Side by side: what the entry says now and what is proposed.
    assert re.search(
        r"<td>Lends tools\.</td>\s*<td><strong>Lends tools and teaches repairs\.</strong>", review
    )
    assert client.post(review_url(submission, "accept")).status_code == 302

    entry.refresh_from_db()
    submission.refresh_from_db()
    assert submission.status == "accepted"
    assert entry.summary == "Lends tools and teaches repairs." and entry.live
    assert not entry.needs_review
    # Written through the editors' form: the field is now locked against importers.
    assert entry.field_origins.get("summary") == "editor"
    assert {name for name, origin in entry.field_origins.items() if origin == "editor"} == {"summary"}
    assert entry.revisions.filter(user=editor).exists()
    client.logout()
    assert "teaches repairs" in client.get(f"/directory/{entry.slug}/").content.decode()


def test_rejecting_a_change_leaves_the_entry_alone(db, client, make_entry, editor):
    entry = make_entry("Bread Co-op", summary="Bakes bread.")
    Client().post(f"/directory/{entry.slug}/suggest/", change_data(entry, summary="Sells cars."))
    submission = Submission.objects.get()
    client.post(review_url(submission, "reject"))
    entry.refresh_from_db()
    submission.refresh_from_db()
    assert submission.status == "rejected" and entry.summary == "Bakes bread." and not entry.needs_review
    # Deciding twice is refused with a message, not an error.
    response = client.post(review_url(submission, "accept"), follow=True)
    assert response.status_code == 200 and "already decided" in response.content.decode()


def test_only_editors_see_submissions(db, client, make_entry, django_user_model):
    entry = make_entry("Seed Co-op")
    client.post(f"/directory/{entry.slug}/suggest/", change_data(entry, summary="Changed."))
    submission = Submission.objects.get()
    assert client.get(review_url(submission)).status_code == 302  # to the login page
    assert client.post(review_url(submission, "accept")).status_code == 302
    submission.refresh_from_db()
    assert submission.status == "pending"
