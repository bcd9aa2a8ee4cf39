"""The editors' facts (directory/seed/facts.yaml): gaps filled in entries other listings made."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from django.core.management import call_command

from directory.models import Entry, SourceRecord
from importers.registry import DEFAULT_ORDER
from importers.sources.seed import FACTS_FILE

pytestmark = pytest.mark.django_db


def run_json(*args) -> dict:
    out = io.StringIO()
    call_command("import_listings", *args, "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def write_facts(tmp_path, facts: list[dict]):
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump({"facts": facts}, allow_unicode=True), encoding="utf-8")
    return str(path)


def fact(**overrides) -> dict:
    item = {
        "external_id": "faircoop",
        "listed_as": {"source": "ioo", "id": "FairCoop"},
        "name": "FairCoop",
        "country": "ES",
        "region": "Catalonia",
        "evidence": "Started in Catalonia.",
    }
    item.update(overrides)
    return item


def test_every_shipped_fact_names_an_ioo_row_and_says_what_it_rests_on(catalogue_loaded):
    facts = yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))["facts"]
    assert facts
    for item in facts:
        listed = item["listed_as"]
        record = SourceRecord.objects.get(source__slug=listed["source"], external_id=listed["id"])
        # Facts are for rows that give no place themselves: no location, no coordinates.
        assert not record.raw.get("Location") and not record.raw.get("Latitude"), item["name"]
        assert item["evidence"].strip()
        assert record.entry.country == item["country"]
        assert record.entry.field_origins["country"] == "portal-facts"
    assert DEFAULT_ORDER[-1] == ("portal-facts", None)


def test_facts_show_as_a_source_on_the_entry_page(catalogue_loaded, client):
    entry = SourceRecord.objects.get(source__slug="ioo", external_id="Robin Hood Cooperative").entry
    assert (entry.country, entry.locality) == ("FI", "Helsinki")
    page = client.get(f"/directory/{entry.slug}/")
    assert page.status_code == 200
    text = page.content.decode().replace("&#x27;", "'")
    assert "Co-op Portal editors' facts" in text
    assert "Internet of Ownership" in text


def test_a_fact_fills_only_empty_fields_and_a_second_run_changes_nothing(catalogue_loaded, tmp_path):
    stocksy = SourceRecord.objects.get(source__slug="ioo", external_id="Stocksy United").entry
    assert stocksy.country == "CA"
    path = write_facts(
        tmp_path,
        [
            fact(),
            # Wrong on purpose: the listings say Canada, and they win.
            fact(
                external_id="stocksy",
                listed_as={"source": "ioo", "id": "Stocksy United"},
                name="Stocksy United",
                country="DE",
                region="Berlin",
            ),
        ],
    )
    FairCoop = Entry.objects.get(name="FairCoop")
    Entry.objects.filter(pk=FairCoop.pk).update(country="", region="")
    SourceRecord.objects.filter(source__slug="portal-facts").delete()

    first = run_json("portal-facts", "--file", path)
    assert (first["created"], first["updated"], first["errors"]) == (0, 2, [])
    assert Entry.objects.get(pk=FairCoop.pk).country == "ES"
    stocksy.refresh_from_db()
    assert (stocksy.country, stocksy.region) == ("CA", "British Columbia")

    second = run_json("portal-facts", "--file", path)
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 2)


def test_a_fact_about_an_entry_not_in_the_catalogue_is_skipped_not_created(catalogue_loaded, tmp_path):
    before = Entry.objects.count()
    path = write_facts(
        tmp_path,
        [fact(external_id="x", listed_as={"source": "ioo", "id": "No Such Co-op"}, name="No Such Co-op")],
    )
    report = run_json("portal-facts", "--file", path)
    assert (report["created"], report["skipped"], report["errors"]) == (0, 1, [])
    assert "no entry is listed as ioo 'No Such Co-op' yet" in report["warnings"][0]["reason"]
    assert Entry.objects.count() == before
    assert not Entry.objects.filter(name="No Such Co-op").exists()


def test_bad_facts_are_reported_and_the_rest_apply(catalogue_loaded, tmp_path):
    Entry.objects.filter(name="FairCoop").update(country="", region="")
    SourceRecord.objects.filter(source__slug="portal-facts").delete()
    path = write_facts(
        tmp_path,
        [
            fact(external_id="no-link", listed_as=None, name="No link"),
            fact(external_id="no-evidence", name="No evidence", evidence=""),
            fact(external_id="minds", listed_as={"source": "ioo", "id": "Minds"}, name="Minds", country="XX"),
            fact(),
        ],
    )
    report = run_json("portal-facts", "--file", path)
    reasons = {error["record"]: error["reason"] for error in report["errors"]}
    assert "listed_as" in reasons["fact 1 (No link)"]
    assert "evidence" in reasons["fact 2 (No evidence)"]
    assert any("'XX' is not an ISO 3166-1 code" in w["reason"] for w in report["warnings"])
    assert Entry.objects.get(name="FairCoop").country == "ES"
