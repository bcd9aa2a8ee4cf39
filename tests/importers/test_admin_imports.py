"""Editors see import runs, start imports and decide on possible duplicates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory.models import Entry, EntryIdentifier, Source, SourceRecord
from importers.models import DuplicateCandidate, ImportRun
from importers.pipeline.loader import Loader
from importers.records import Record

pytestmark = pytest.mark.django_db


def load(slug: str, *records: Record, trusted=True):
    source, _ = Source.objects.get_or_create(slug=slug, defaults={"name": slug, "trusted": trusted})
    return Loader(source).load(records)


def test_dashboard_and_runs_page_show_the_latest_imports(editor, client, catalogue_loaded):
    home = client.get(reverse("wagtailadmin_home"))
    assert b"Latest imports" in home.content
    assert b"ioo" in home.content
    runs = client.get(reverse("importers_runs"))
    assert runs.status_code == 200
    assert b"Internet of Ownership" in runs.content or b"ioo" in runs.content


def test_an_editor_starts_an_import_from_the_admin(editor, client, catalogue_loaded):
    before = ImportRun.objects.filter(source="portal-seed").count()
    response = client.post(reverse("importers_start"), {"source": "portal-seed"})
    assert response.status_code == 302
    run = ImportRun.objects.filter(source="portal-seed").latest("started_at")
    assert ImportRun.objects.filter(source="portal-seed").count() == before + 1
    assert run.outcome == ImportRun.Outcome.OK and run.created == 0


def test_similar_names_across_sources_wait_for_review_then_merge(editor, client, db):
    load(
        "register",
        Record(
            source="register",
            external_id="R1",
            fields={"name": "Leeds Bread Co-operative Limited", "country": "GB", "locality": "Leeds"},
            identifiers={"cuk": "R1"},
        ),
    )
    report = load(
        "listing",
        Record(
            source="listing",
            external_id="lbc",
            fields={"name": "Leeds Bread Co-op", "country": "GB", "website": "https://leedsbread.coop/"},
        ),
    )
    assert report.created == 1 and report.duplicates == 1
    candidate = DuplicateCandidate.objects.get(entry__name="Leeds Bread Co-op")
    page = client.get(reverse("importers_duplicates"))
    assert b"Leeds Bread Co-op" in page.content and b"Leeds Bread Co-operative Limited" in page.content

    response = client.post(
        reverse("importers_decide_duplicate", args=[candidate.pk]), {"action": "keep-other"}
    )
    assert response.status_code == 302
    merged = Entry.objects.get(name="Leeds Bread Co-operative Limited")
    assert not Entry.objects.filter(name="Leeds Bread Co-op").exists()
    assert merged.website == "https://leedsbread.coop/"
    assert "Leeds Bread Co-op" in merged.other_names
    assert set(merged.source_records.values_list("source__slug", flat=True)) == {"register", "listing"}

    # The next import of the listing finds the merged entry through its moved record.
    again = load(
        "listing",
        Record(
            source="listing",
            external_id="lbc",
            fields={"name": "Leeds Bread Co-op", "country": "GB", "website": "https://leedsbread.coop/"},
        ),
    )
    assert (again.created, again.duplicates) == (0, 0)


def test_kept_apart_is_remembered(editor, client, db):
    load(
        "register",
        Record(
            source="register", external_id="R2", fields={"name": "Green Taxi Cooperative", "country": "US"}
        ),
    )
    load(
        "listing",
        Record(source="listing", external_id="gt", fields={"name": "Green Taxi Co-op", "country": "US"}),
    )
    pairs = DuplicateCandidate.objects.filter(entry__name="Green Taxi Co-op")
    candidate = pairs.get()
    client.post(reverse("importers_decide_duplicate", args=[candidate.pk]), {"action": "distinct"})
    assert Entry.objects.filter(name__startswith="Green Taxi").count() == 2
    load(
        "listing",
        Record(
            source="listing",
            external_id="gt",
            fields={"name": "Green Taxi Co-op", "country": "US", "summary": "Rides"},
        ),
    )
    assert pairs.get().decision == DuplicateCandidate.Decision.DISTINCT


def test_different_countries_are_not_proposed(db):
    load(
        "register",
        Record(source="register", external_id="R3", fields={"name": "Open Food Network", "country": "AU"}),
    )
    report = load(
        "listing",
        Record(
            source="listing", external_id="ofn-uk", fields={"name": "Open Food Network UK", "country": "GB"}
        ),
    )
    assert report.duplicates == 0


def test_shared_register_ids_merge_without_review(db):
    load(
        "register",
        Record(
            source="register",
            external_id="R000001",
            fields={"name": "Co-operative Group Limited"},
            identifiers={"cuk": "R000001"},
        ),
    )
    report = load(
        "other",
        Record(
            source="other",
            external_id="R000001",
            fields={"name": "The Co-operative Group"},
            identifiers={"cuk": "R000001"},
        ),
    )
    assert (report.created, report.updated) == (0, 1)
    entry = EntryIdentifier.objects.get(scheme="cuk", value="R000001").entry
    assert SourceRecord.objects.filter(entry=entry).count() == 2


def test_an_unverified_source_cannot_write_into_an_entry_by_claiming_its_website(db):
    load(
        "register",
        Record(
            source="register",
            external_id="R9",
            fields={"name": "Tool Library", "website": "https://tools.example.org/"},
        ),
    )
    report = load(
        "murky",
        Record(
            source="murky",
            external_id="m1",
            fields={
                "name": "Tool Library",
                "website": "https://tools.example.org/",
                "summary": "Now selling crypto",
            },
        ),
        trusted=False,
    )
    assert report.created == 1 and report.updated == 0
    original = Entry.objects.get(source_records__source__slug="register", name="Tool Library")
    assert original.summary == ""
    claim = Entry.objects.get(source_records__source__slug="murky")
    assert not claim.live and claim.needs_review
    assert DuplicateCandidate.objects.filter(entry=claim, other=original).exists()


def test_an_import_started_from_the_admin_runs_in_a_background_worker(
    editor, client, settings, db, monkeypatch
):
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    # The worker closes "old" connections between tasks; here that would be the test's own.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    before = ImportRun.objects.filter(source="portal-seed").count()
    client.post(reverse("importers_start"), {"source": "portal-seed"})
    # Queued, not run: the request returned at once.
    assert ImportRun.objects.filter(source="portal-seed").count() == before
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert ImportRun.objects.filter(source="portal-seed").count() == before + 1
