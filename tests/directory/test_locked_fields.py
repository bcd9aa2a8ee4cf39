"""A field an editor changed is never overwritten by an importer."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from directory.models import Entry, Source
from importers.pipeline.loader import Loader
from importers.records import Record

pytestmark = pytest.mark.django_db


def form_data(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        widget = field.widget.__class__.__name__
        if widget == "DraftailRichTextArea":
            data[name] = field.widget.format_value(value)
        elif name == "tags":
            data[name] = ", ".join(getattr(t, "name", str(t)) for t in value)
        elif isinstance(value, (list, dict)) and field.__class__.__name__ == "JSONField":
            data[name] = json.dumps(value)
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v.pk if hasattr(v, "pk") else v) for v in value]
        else:
            data[name] = value
    # Inline panels (the entry's translations) post their management forms too.
    for formset in getattr(form, "formsets", {}).values():
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
    return data


def edit_as_editor(entry, user, **changes):
    form_class = Entry.get_edit_handler().get_form_class()
    form = form_class(instance=entry, for_user=user)
    data = {**form_data(form), **changes}
    form = form_class(data, instance=entry, for_user=user)
    assert form.is_valid(), form.errors
    instance = form.save(commit=False)
    revision = instance.save_revision(user=user)
    revision.publish(user=user)
    return Entry.objects.get(pk=entry.pk)


def test_editor_changes_lock_fields_against_imports(db):
    user = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    source = Source.objects.create(slug="listing", name="A listing", trusted=True)
    record = dict(
        source="listing",
        external_id="x1",
        fields={
            "name": "Tool Library Co-op",
            "website": "https://old.example.org/",
            "summary": "Lends tools.",
        },
    )
    Loader(source).load([Record(**record)])
    entry = Entry.objects.get(name="Tool Library Co-op")
    assert entry.field_origins["website"] == "listing"

    entry = edit_as_editor(entry, user, website="https://tools.example.org/")
    assert entry.website == "https://tools.example.org/"
    assert entry.field_origins["website"] == "editor"
    assert entry.field_origins["summary"] == "listing"  # untouched fields stay the source's

    changed = dict(
        record,
        fields={
            **record["fields"],
            "website": "https://elsewhere.example.org/",
            "summary": "Lends tools and teaches repairs.",
        },
    )
    Loader(Source.objects.get(slug="listing")).load([Record(**changed)])
    entry.refresh_from_db()
    assert entry.website == "https://tools.example.org/"
    assert entry.summary == "Lends tools and teaches repairs."

    # Unlocking hands the field back to its source.
    entry = edit_as_editor(entry, user, unlock_fields=["website"])
    assert entry.field_origins["website"] == "any"
    again = dict(changed, fields={**changed["fields"], "summary": "Lends tools."})
    Loader(Source.objects.get(slug="listing")).load([Record(**again)])
    entry.refresh_from_db()
    assert entry.website == "https://elsewhere.example.org/"


def test_edit_page_shows_locked_fields(client, db):
    user = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(user)
    entry = Entry.objects.create(
        name="Locked Co-op", slug="locked-co-op", field_origins={"website": "editor", "summary": "ioo"}
    )
    response = client.get(reverse("wagtailsnippets_directory_entry:edit", args=[entry.pk]))
    assert response.status_code == 200
    assert b"Fields locked by editors" in response.content
    assert b'value="website"' in response.content
    assert b'value="summary"' not in response.content
