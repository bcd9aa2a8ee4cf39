"""Stored links and control characters, without a browser: one URL rule for every field that holds an
address whatever writes it, and no control character in the catalogue's text (issue 11, items 4-5).

The Chromium half, payloads through every channel, is test_text_xss.py.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from directory.forms import apply_editor_changes
from directory.models import Entry, EntryTranslation, Submission
from importers.records import Record

pytestmark = pytest.mark.django_db

SAFE_URLS = [
    "https://example.org",
    "https://example.org/",
    "http://example.org/path?q=1#top",
    "https://sub.example.co.uk:8443/a/b",
    "HTTPS://EXAMPLE.ORG/",
    "https://münchen.example/straße",
    "http://127.0.0.1:8000/x",
    "https://[2001:db8::1]/",
]
UNSAFE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "&#106;avascript:alert(1)",
    "\x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "ftp://example.org/",
    "mailto:someone@example.org",
    "//example.org/",
    "/relative/path",
    "example.org",
    "https://",
    "https:///path",
    "https://user:pass@example.org/",
    "https://user@example.org/",
    "https://exa mple.org/",
    "https://example.org/a b",
    " https://example.org/",
    "https://example.org/\u2028",
    "https://example.org/\x0b",
    "https://example.org/\x00",
    "http://example.org\\@evil.example/",
    "",
    None,
    42,
    ["https://example.org"],
]


@pytest.mark.parametrize("url", SAFE_URLS)
def test_safe_web_url_keeps_absolute_http_addresses(url):
    from directory.text import safe_web_url, validate_web_url

    assert safe_web_url(url) == url
    validate_web_url(url)


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_safe_web_url_refuses_everything_else(url):
    from directory.text import safe_web_url, validate_web_url

    assert safe_web_url(url) == ""
    if url:
        with pytest.raises(ValidationError):
            validate_web_url(url)


CONTROL_CASES = [
    # (value, one line, multi-line)
    ("Control\x0bchar co-op", "Control char co-op", "Control char co-op"),
    ("Nul\x00byte", "Nulbyte", "Nulbyte"),
    ("Bell\x07 and escape\x1b[31m", "Bell and escape[31m", "Bell and escape[31m"),
    ("Tab\there", "Tab here", "Tab\there"),
    ("Two\nlines", "Two lines", "Two\nlines"),
    ("Windows\r\nlines", "Windows lines", "Windows\nlines"),
    ("Old Mac\rline", "Old Mac line", "Old Mac\nline"),
    ("Form\x0cfeed", "Form feed", "Form feed"),
    ("C1\x85next\x9fline", "C1 nextline", "C1\nnextline"),
    ("Delete\x7f", "Delete", "Delete"),
    ("Line\u2028separator\u2029para", "Line separator para", "Line\nseparator\npara"),
    ("Non\ufffeChar\uffff", "NonChar", "NonChar"),
    ("Lone \ud800 surrogate", "Lone  surrogate", "Lone  surrogate"),
    ("Tierra Común · 協同組合 🚲", "Tierra Común · 協同組合 🚲", "Tierra Común · 協同組合 🚲"),
    ("Zero\u200bwidth is text", "Zero\u200bwidth is text", "Zero\u200bwidth is text"),
    ("", "", ""),
]


@pytest.mark.parametrize("value, one_line, multi_line", CONTROL_CASES)
def test_control_characters_are_stripped(value, one_line, multi_line):
    from directory.text import strip_control

    assert strip_control(value) == one_line
    assert strip_control(value, multiline=True) == multi_line


# --- item 4: links ------------------------------------------------------------------------------


def test_the_admin_form_refuses_a_javascript_link(editor, client):
    """The editors' own form, as the edit view posts it (before: the link was saved)."""
    entry = Entry.objects.create(name="Links Co-op", slug="links-co-op")
    for url in (
        "javascript:alert(document.domain)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "ftp://x.org/",
    ):
        # A fresh instance each time: an invalid form leaves its values on the instance it was given.
        entry = Entry.objects.get(pk=entry.pk)
        form = apply_editor_changes(entry, editor, {"links": f'[{{"label": "Site", "url": "{url}"}}]'})
        assert not form.is_valid(), url
        assert "links" in form.errors
    form = apply_editor_changes(
        Entry.objects.get(pk=entry.pk), editor, {"website": "ftp://links.example.org/"}
    )
    assert "website" in form.errors
    entry = Entry.objects.get(pk=entry.pk)
    form = apply_editor_changes(entry, editor, {"links": '[{"label": "Site", "url": "https://ok.example/"}]'})
    assert form.is_valid(), form.errors
    entry.refresh_from_db()
    assert entry.links == [{"label": "Site", "url": "https://ok.example/"}]


def test_the_admin_edit_view_refuses_a_javascript_link(editor, client):
    entry = Entry.objects.create(name="Edit View Co-op", slug="edit-view-co-op")
    from directory.forms import _form_data

    form_class = Entry.get_edit_handler().get_form_class()
    data = _form_data(form_class(instance=entry, for_user=editor))
    data["links"] = '[{"label": "Click", "url": "javascript:alert(1)"}]'
    data["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailsnippets_directory_entry:edit", args=[entry.pk]), data)
    assert response.status_code == 200  # the form again, with its error
    entry.refresh_from_db()
    assert entry.links == []
    assert not any("javascript" in str(r.content) for r in entry.revisions.all())


@pytest.mark.parametrize(
    "links",
    [
        "not a list",
        [{"label": "x"}],
        [{"label": "x", "url": "javascript:alert(1)"}],
        [{"label": ["x"], "url": "https://ok.example/"}],
        ["https://ok.example/"],
    ],
)
def test_model_validation_refuses_bad_links(links):
    entry = Entry(name="Model Co-op", slug="model-co-op", links=links)
    with pytest.raises(ValidationError) as raised:
        entry.full_clean()
    assert "links" in raised.value.message_dict


def test_a_stored_bad_link_is_not_rendered_as_a_link(client):
    """Defence in depth: a row that somehow holds one (written before the fix, or by update())."""
    entry = Entry.objects.create(name="Old Row Co-op", slug="old-row-co-op")
    entry.save_revision().publish()
    Entry.objects.filter(pk=entry.pk).update(
        links=[
            {"label": "Click me", "url": "javascript:alert(1)"},
            {"label": "Ok", "url": "https://ok.example/"},
        ],
        website="javascript:alert(2)",
        source_code_url="data:text/html,x",
        logo_url="javascript:alert(3)",
    )
    for prefix in ("", "/fr"):
        html = client.get(f"{prefix}/directory/old-row-co-op/").content.decode()
        assert "javascript:" not in html
        assert "data:text/html" not in html
        assert 'href="https://ok.example/"' in html


def test_importer_records_drop_unsafe_addresses():
    record = Record(
        source="csv",
        external_id="1",
        fields={
            "name": "Imported\x0bCo-op",
            "summary": "Sum\x00mary",
            "description": "<p>One\x07</p>\n<p>Two</p>",
            "website": "javascript:alert(1)",
            "logo_url": "data:image/svg+xml,<svg onload=alert(1)>",
            "source_code_url": "https://code.example/repo",
            "links": [
                {"label": "Bad", "url": "JaVaScRiPt:alert(1)"},
                {"label": "Good\x1b", "url": "https://good.example/"},
                {"label": "Creds", "url": "https://u:p@good.example/"},
                "not a link",
            ],
            "other_names": ["Other\x0cName"],
        },
    )
    assert record.fields["name"] == "Imported Co-op"
    assert record.fields["summary"] == "Summary"
    assert record.fields["description"] == "<p>One</p>\n<p>Two</p>"
    assert "website" not in record.fields
    assert "logo_url" not in record.fields
    assert record.fields["source_code_url"] == "https://code.example/repo"
    assert record.fields["links"] == [{"label": "Good", "url": "https://good.example/"}]
    assert record.fields["other_names"] == ["Other Name"]


# --- item 5: control characters ------------------------------------------------------------------

CONTROL_NAME = "Control\x0bchar co-op"


def _submit_and_accept(client, editor):
    anonymous = Client()
    response = anonymous.post(
        "/directory/add/",
        {
            "name": CONTROL_NAME,
            "website": "https://control.example.org/",
            "summary": "Bell\x07 summary",
            "description": "First\x00 paragraph.\r\n\r\nSecond\x1b.",
            "locality": "Town\x0c",
            "submitter_name": "Sub\x08mitter",
            "submitter_email": "sub@example.net",
            "message": "Hi\x00",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = Submission.objects.get(kind=Submission.Kind.NEW, submitter_email="sub@example.net")
    response = client.post(reverse("wagtailsnippets_directory_submission:accept", args=[submission.pk]))
    assert response.status_code == 302
    return submission


def test_an_accepted_submission_with_a_control_character_leaves_the_feed_up(client, editor):
    submission = _submit_and_accept(client, editor)
    entry = Entry.objects.get(pk=submission.entry_id)
    assert entry.live
    assert entry.name == "Control char co-op"
    assert entry.summary == "Bell summary"
    assert "\x00" not in entry.description and "\x1b" not in entry.description
    assert entry.locality == "Town"
    assert submission.submitter_name == "Submitter" and submission.message == "Hi"
    assert "\x0b" not in str(submission.data)
    response = Client().get("/directory/feed/")
    assert response.status_code == 200
    assert "Control char co-op" in response.content.decode()


def test_editors_and_translations_cannot_store_control_characters(editor):
    entry = Entry.objects.create(
        name="Tidy\x0bCo-op", slug="tidy-co-op", summary="A\x00B", other_names=["X\x1bY"]
    )
    entry.refresh_from_db()
    assert (entry.name, entry.summary, entry.other_names) == ("Tidy Co-op", "AB", ["XY"])
    form = apply_editor_changes(entry, editor, {"summary": "Edited\x0bsummary", "region": "Re\x07gion"})
    assert form.is_valid(), form.errors
    entry.refresh_from_db()
    assert (entry.summary, entry.region) == ("Edited summary", "Region")
    translation = EntryTranslation.objects.create(entry=entry, language="fr", summary="Ré\x0bsumé")
    translation.refresh_from_db()
    assert translation.summary == "Ré sumé"


def _entry_with_control_characters() -> Entry:
    entry = Entry.objects.create(name="Feed Row Co-op", slug="feed-row-co-op", latitude=59.3, longitude=18.1)
    entry.save_revision().publish()
    EntryTranslation.objects.create(entry=entry, language="fr", summary="Résumé")
    # Written past the model (an old row, a raw update): every reader must still answer.
    Entry.objects.filter(pk=entry.pk).update(
        name="Feed\x0bRow\x01Co-op",
        summary="Sum\x1bmary\x07",
        description="<p>De\x0bscription\x01</p>",
        locality="Lo\x0ccality",
        other_names=["Ot\x0bher"],
        tools=["To\x01ol"],
    )
    EntryTranslation.objects.filter(entry=entry).update(summary="Ré\x0bsumé")
    return entry


@pytest.mark.parametrize(
    "path",
    [
        "/directory/feed/",
        "/fr/directory/feed/",
        "/directory/",
        "/fr/directory/",
        "/directory/?q=Feed",
        "/directory/feed-row-co-op/",
        "/fr/directory/feed-row-co-op/",
        "/directory/map/",
        "/directory/map/points/?bbox=-180,-90,180,90",
        "/directory/statistics/",
        "/directory/feed-row-co-op/murmurations.json",
        "/api/v1/entries/",
        "/api/v1/entries/feed-row-co-op/",
        "/api/v1/exports/entries.csv",
        "/api/v1/exports/entries.json",
        "/api/v1/exports/entries.geojson",
    ],
)
def test_every_reader_answers_with_a_control_character_entry(client, path):
    _entry_with_control_characters()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if path.endswith("feed/"):
        text = body.decode()
        assert "FeedRowCo-op" in text or "Feed Row" in text
        assert "\x0b" not in text and "\x00" not in text


def iter_migrations(suffix):
    from pathlib import Path

    import directory.migrations

    for path in sorted(Path(directory.migrations.__file__).parent.glob(f"*_{suffix}.py")):
        yield f"directory.migrations.{path.stem}"


def test_the_data_migration_cleans_existing_rows():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(next(iter_migrations("clean_text_and_links")))
    entry = Entry.objects.create(name="Migrated Co-op", slug="migrated-co-op")
    EntryTranslation.objects.create(entry=entry, language="fr", summary="Ré")
    Entry.objects.filter(pk=entry.pk).update(
        name="Migrated\x0bCo-op",
        description="<p>Old\x01</p>",
        website="javascript:alert(1)",
        logo_url="data:text/html,x",
        links=[
            {"label": "X\x07", "url": "javascript:alert(1)"},
            {"label": "Ok", "url": "https://ok.example/"},
        ],
        other_names=["A\x0bB"],
    )
    EntryTranslation.objects.filter(entry=entry).update(summary="Ré\x0bsumé")
    migration.clean_rows(apps, None)
    entry.refresh_from_db()
    assert entry.name == "Migrated Co-op"
    assert entry.description == "<p>Old</p>"
    assert entry.website == "" and entry.logo_url == ""
    assert entry.links == [{"label": "Ok", "url": "https://ok.example/"}]
    assert entry.other_names == ["A B"]
    assert entry.translations.get().summary == "Ré sumé"


def test_an_accepted_description_with_a_line_break_stays_editable():
    """A description with one line break was stored as "<p>a<br>b</p>", which Wagtail's editor
    cannot read: accepting a suggested change to that entry answered 500."""
    from wagtail.admin.rich_text import DraftailRichTextArea

    from directory.text import sanitise_html, text_to_html

    widget = DraftailRichTextArea(features=["bold", "italic", "link"])
    for html in (text_to_html("first line\nsecond line"), sanitise_html("<p>first<br>second</p>")):
        assert "<br/>" in html
        assert "second" in widget.format_value(html)
