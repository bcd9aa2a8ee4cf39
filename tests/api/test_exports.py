"""Exports of the published catalogue: CSV, JSON, GeoJSON, streamed, with every source's licence."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse

from directory import exports
from directory.models import Entry, Source

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict]:
    text = body(response)
    assert text.startswith("\ufeff")  # so spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_has_every_published_entry_and_its_sources_licences(catalogue_loaded, client):
    response = client.get("/api/v1/exports/entries.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == exports.CSV_COLUMNS
    published = Entry.objects.published()
    assert sorted(r["slug"] for r in rows) == sorted(published.values_list("slug", flat=True))

    ioo_slugs = set(published.filter(source_records__source__slug="ioo").values_list("slug", flat=True))
    ioo_row = next(r for r in rows if r["slug"] in ioo_slugs)
    ioo = Source.objects.get(slug="ioo")
    assert f"{ioo.name} (licence: {ioo.licence or 'not stated'}" in ioo_row["sources"]
    seed = Source.objects.get(slug="portal-seed")
    seed_slugs = set(published.filter(source_records__source=seed).values_list("slug", flat=True))
    seed_row = next(r for r in rows if r["slug"] in seed_slugs)
    assert seed.licence and f"licence: {seed.licence}" in seed_row["sources"]
    assert all(r["sources"] for r in rows)


def test_json_and_geojson_state_the_sources_and_their_licences(catalogue_loaded, client):
    document = json.loads(body(client.get("/api/v1/exports/entries.json")))
    published = Entry.objects.published()
    assert len(document["entries"]) == published.count()
    sources = {s["slug"]: s for s in document["sources"]}
    assert {"ioo", "portal-seed"} <= set(sources)
    assert sources["portal-seed"]["licence"] == Source.objects.get(slug="portal-seed").licence
    assert sources["ioo"]["entries"] == published.filter(source_records__source__slug="ioo").count()
    assert document["licence_note"]
    assert all(isinstance(e["sources"], list) for e in document["entries"])

    response = client.get("/api/v1/exports/entries.geojson")
    assert response["Content-Type"].startswith("application/geo+json")
    geo = json.loads(body(response))
    assert geo["type"] == "FeatureCollection" and geo["sources"] == document["sources"]
    located = published.filter(latitude__isnull=False, longitude__isnull=False)
    assert len(geo["features"]) == located.count() > 100
    feature = geo["features"][0]
    entry = located.get(slug=feature["id"])
    assert feature["geometry"] == {"type": "Point", "coordinates": [entry.longitude, entry.latitude]}
    assert feature["properties"]["sources"]


def test_export_index_describes_files_licences_and_attribution(catalogue_loaded, client):
    data = client.get("/api/v1/exports/").json()
    formats = {f["format"]: f for f in data["files"]}
    assert set(formats) == {"csv", "json", "geojson"}
    for item in formats.values():
        assert client.get(item["url"]).status_code == 200
    sources = {s["slug"]: s for s in data["sources"]}
    assert set(sources["ioo"]) >= {"name", "licence", "attribution", "homepage", "entries"}


def test_a_source_with_a_licence_and_attribution_is_credited_on_its_rows(catalogue_loaded, client):
    # As Co-operatives UK rows are (ODC-By 1.0), without running that import here.
    entry = Entry.objects.published().filter(source_records__source__slug="ioo").first()
    source = Source.objects.create(
        slug="coops-uk-test", name="Co-operatives UK", licence="ODC-By 1.0", attribution="Co-operatives UK"
    )
    record = entry.source_records.first()
    entry.source_records.create(
        source=source,
        external_id="R000001",
        content_hash="x",
        first_seen=record.first_seen,
        last_seen=record.last_seen,
    )
    rows = {r["slug"]: r for r in csv_rows(client.get("/api/v1/exports/entries.csv"))}
    row = rows[entry.slug]
    assert "Co-operatives UK (licence: ODC-By 1.0; attribution: Co-operatives UK)" in row["sources"]
    index = {s["slug"]: s for s in client.get("/api/v1/exports/").json()["sources"]}
    assert index["coops-uk-test"]["licence"] == "ODC-By 1.0" and index["coops-uk-test"]["entries"] == 1


def test_csv_cells_never_run_as_spreadsheet_formulas(catalogue_loaded, client):
    entry = Entry.objects.published().exclude(longitude=None).filter(longitude__lt=0).first()
    entry.summary = '=HYPERLINK("http://evil.example","click")'
    entry.save()
    row = {r["slug"]: r for r in csv_rows(client.get("/api/v1/exports/entries.csv"))}[entry.slug]
    assert row["summary"] == "'" + entry.summary
    # Numbers stay numbers: a western longitude keeps its minus sign and no apostrophe.
    assert float(row["longitude"]) == pytest.approx(entry.longitude)


def test_exports_read_in_chunks_with_a_fixed_number_of_queries_per_chunk(catalogue_loaded, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    published = Entry.objects.published().count()
    monkeypatch.setattr(exports, "CHUNK", 50)
    exporter = exports.Exporter()
    with CaptureQueriesContext(connection) as queries:
        lines = list(exporter.csv_rows())
    chunks = -(-published // 50)
    assert len(lines) == published + 1
    # One query for a chunk's entries and four for its vocabularies and sources, plus the end.
    assert len(queries) <= 5 * chunks + 6


def test_exports_are_throttled_more_tightly(catalogue_loaded, client, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "exports", "2/min")
    statuses = [client.get("/api/v1/exports/entries.geojson").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get("/api/v1/exports/entries.geojson").json()["detail"]


def test_no_personal_data_anywhere(catalogue_loaded, client, private_data):
    texts = []
    data = client.get("/api/v1/entries/?page_size=100&page=1").json()
    for page in range(1, data["num_pages"] + 1):
        page_data = client.get(f"/api/v1/entries/?page_size=100&page={page}")
        texts.append(page_data.content.decode())
        for hit in page_data.json()["results"]:
            texts.append(client.get(hit["url"]).content.decode())
            texts.append(client.get(f"/directory/{hit['slug']}/murmurations.json").content.decode())
    for path in ("entries.csv", "entries.json", "entries.geojson"):
        texts.append(body(client.get(f"/api/v1/exports/{path}")))
    texts.append(client.get("/api/v1/exports/").content.decode())
    everything = "\n".join(texts)
    assert len(texts) > 2 * Entry.objects.published().count()
    for secret in private_data["emails"] + private_data["notes"]:
        assert secret not in everything
    assert "secret-mailbox" not in everything and "review_note" not in everything
