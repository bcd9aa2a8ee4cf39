"""The Murmurations importer: the index's pages, the real OpenHaven profile, the real schemas."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from directory.models import Entry, EntryIdentifier, SourceRecord
from importers.models import ImportRun
from importers.runner import run_import
from importers.sources.base import ListingSource
from importers.sources.murmurations import MurmurationsSource, index_url, profile_url_from_filename

pytestmark = pytest.mark.django_db

PROFILE = "openhaven.net_murmurations.json"


@pytest.fixture
def murmurations(shared_data):
    return shared_data / "murmurations"


@pytest.fixture
def library(murmurations, file_server, settings, tmp_path):
    """The real schema files, served as the library; the schema cache in a temporary folder."""
    settings.PORTAL_MURMURATIONS_LIBRARY_URL = file_server(murmurations / "schemas")
    settings.PORTAL_CACHE_DIR = str(tmp_path / "cache")
    return settings.PORTAL_MURMURATIONS_LIBRARY_URL


@pytest.fixture
def index(murmurations, file_server, tmp_path):
    """A fake index of two pages listing the real profile, an invalid copy, a missing one,
    a deleted node and the real profile again."""
    site = tmp_path / "site"
    (site / "profiles").mkdir(parents=True)
    (site / "index").mkdir()
    base = file_server(site)
    real = murmurations / "profiles" / PROFILE
    shutil.copy(real, site / "profiles" / PROFILE)
    profile = json.loads(real.read_text(encoding="utf-8"))
    invalid = dict(profile, starts_at="2026-02-01", geolocation={"lat": "38.6719", "lon": -121.1613})
    (site / "profiles" / "invalid.json").write_text(json.dumps(invalid), encoding="utf-8")
    gone = dict(profile, name="Gone Co-op", primary_url="https://gone.example.org/")
    (site / "profiles" / "gone.json").write_text(json.dumps(gone), encoding="utf-8")

    def node(name, status="posted"):
        return {
            "profile_url": f"{base}/profiles/{name}",
            "last_updated": 1769954010,
            "linked_schemas": ["organizations_schema-v1.0.0"],
            "name": "OpenHaven",
            "status": status,
        }

    pages = {
        "page1.json": {
            "data": [node(PROFILE), node("invalid.json")],
            "links": {"self": f"{base}/index/page1.json", "next": f"{base}/index/page2.json"},
            "meta": {"number_of_results": 5, "total_pages": 2},
        },
        "page2.json": {
            "data": [node("missing.json"), node("gone.json", status="deleted"), node(PROFILE)],
            "links": {"self": f"{base}/index/page2.json", "prev": f"{base}/index/page1.json"},
            "meta": {"number_of_results": 5, "total_pages": 2},
        },
    }
    for name, page in pages.items():
        (site / "index" / name).write_text(json.dumps(page), encoding="utf-8")
    return base


def state() -> dict:
    """Everything the import writes, to compare runs."""
    entries = list(Entry.objects.order_by("pk").values())
    return {
        "entries": entries,
        "tags": sorted(
            (pk, tag) for pk, tag in Entry.objects.values_list("pk", "tags__name").order_by("pk") if tag
        ),
        "records": list(SourceRecord.objects.order_by("pk").values()),
        "identifiers": list(EntryIdentifier.objects.order_by("pk").values()),
    }


def test_index_pages_are_followed_and_profiles_validated(empty_catalogue, library, index):
    profile_url = f"{index}/profiles/{PROFILE}"
    report, run = run_import("murmurations", url=f"{index}/index/page1.json")

    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert run.outcome == ImportRun.Outcome.PARTIAL
    errors = {e["record"].split(" ")[0]: e["reason"] for e in report.errors}
    assert set(errors) == {f"{index}/profiles/invalid.json", f"{index}/profiles/missing.json"}
    invalid = errors[f"{index}/profiles/invalid.json"]
    assert invalid.startswith("invalid against organizations_schema-v1.0.0: ")
    assert "/geolocation/lat: '38.6719' is not of type 'number'" in invalid
    assert "/starts_at: '2026-02-01' is not of type 'number'" in invalid
    assert "HTTP 404" in errors[f"{index}/profiles/missing.json"]
    assert report.skipped == 2

    # The real profile, as OpenHaven published it.
    entry = Entry.objects.get()
    assert entry.name == "OpenHaven"
    assert entry.website == "https://openhaven.net/"
    assert entry.summary.startswith("OpenHaven is a community-led, data-driven convergence navigator")
    assert len(entry.summary) <= 300  # the mission is too long to be the summary
    assert "Collaborative Technology Alliance (CTA)" in entry.description
    assert entry.status == "active"
    assert entry.geographic_scope == "international"
    assert entry.founded_year == 2026  # starts_at 1769954010 is 1 February 2026
    assert (entry.latitude, entry.longitude) == (38.6719, -121.1613)
    assert entry.country == "US"  # from the coordinates (near Sacramento)
    assert sorted(t.name.lower() for t in entry.tags.all()) == ["decentralized", "p2p", "protocol"]
    assert entry.contact_email == ""  # the profile's e-mail is personal data
    # An untrusted source: new entries wait for review.
    assert not entry.live and entry.needs_review
    assert entry.field_origins["name"] == "murmurations"

    record = SourceRecord.objects.get(source__slug="murmurations")
    assert record.external_id == profile_url == record.record_url
    assert "contact_details" not in record.raw and "telephone" not in record.raw
    assert record.raw["unique_id"] == "OpenHaven"
    identifier = entry.identifiers.get(scheme="murmurations")
    assert identifier.value == hashlib.sha256(profile_url.encode()).hexdigest()
    assert not Entry.objects.filter(name="Gone Co-op").exists()  # deleted in the index

    before = state()
    for _ in range(2):
        again, _run = run_import("murmurations", url=f"{index}/index/page1.json")
        assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 1, 2)
        assert again.errors == report.errors
    assert state() == before


def test_schemas_are_cached_on_disk_and_fetched_once_a_run(
    empty_catalogue, murmurations, index, file_server, settings, tmp_path, monkeypatch
):
    copy = tmp_path / "library"
    shutil.copytree(murmurations / "schemas", copy)
    settings.PORTAL_MURMURATIONS_LIBRARY_URL = file_server(copy)
    settings.PORTAL_CACHE_DIR = str(tmp_path / "cache")
    fetched = []
    original = ListingSource.fetch

    def counting(self, url):
        fetched.append(url)
        return original(self, url)

    monkeypatch.setattr(ListingSource, "fetch", counting)
    report, _run = run_import("murmurations", url=f"{index}/index/page1.json")
    assert report.created == 1
    library_fetches = [u for u in fetched if u.startswith(settings.PORTAL_MURMURATIONS_LIBRARY_URL)]
    successful = {u for u in library_fetches if not u.endswith("/schemas/organizations_schema-v1.0.0")}
    assert len(library_fetches) == len(set(library_fetches))  # two profiles validated, each file read once
    assert any(u.endswith("/fields/geolocation.json") for u in successful)
    assert any(u.endswith("/fields/latitude.json") for u in successful)  # a $ref inside a field
    cached = {p.name.rsplit("-", 1)[0] for p in (tmp_path / "cache" / "murmurations").glob("*.json")}
    assert {"organizations_schema-v1.0.0.json", "geolocation.json", "status.json"} <= cached

    # The library goes away: the next run validates from the disk cache.
    shutil.rmtree(copy)
    fetched.clear()
    again, _run = run_import("murmurations", url=f"{index}/index/page1.json")
    assert (again.created, again.unchanged) == (0, 1)
    assert not [u for u in fetched if u.startswith(settings.PORTAL_MURMURATIONS_LIBRARY_URL)]
    assert any("is not of type 'number'" in e["reason"] for e in again.errors)


def test_snapshot_folder_reads_every_profile_offline(empty_catalogue, shared_data, settings, monkeypatch):
    """With PORTAL_SNAPSHOTS the profiles folder is read, and the schemas beside it: no web."""
    from importers.http import Fetcher

    def no_web(self, url, headers=None):
        raise AssertionError(f"fetched {url}")

    monkeypatch.setattr(Fetcher, "get", no_web)
    settings.PORTAL_SNAPSHOTS = str(shared_data)
    report, run = run_import("murmurations")
    assert run.location.endswith("murmurations/profiles")
    assert (report.created, report.errors) == (1, [])
    record = SourceRecord.objects.get(source__slug="murmurations")
    assert record.external_id == "https://openhaven.net/murmurations.json"
    assert record.entry.name == "OpenHaven"


def test_a_profile_naming_an_unknown_schema_is_reported(empty_catalogue, library, murmurations, tmp_path):
    profile = json.loads((murmurations / "profiles" / PROFILE).read_text(encoding="utf-8"))
    profile["linked_schemas"] = ["organizations_schema-v1.0.0", "nonexistent_schema-v9.9.9"]
    path = tmp_path / "example.org_profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    report, _run = run_import("murmurations", file=str(path))
    assert report.created == 0
    [error] = report.errors
    assert error["record"] == "https://example.org/profile.json (OpenHaven)"
    assert error["reason"].startswith("schema nonexistent_schema-v9.9.9 could not be read")
    assert "HTTP 404" in error["reason"]


def test_unreachable_index_fails_cleanly(empty_catalogue, file_server, tmp_path):
    base = file_server(tmp_path)
    report, run = run_import("murmurations", url=f"{base}/v2/nodes?schema=organizations_schema-v1.0.0")
    assert run.outcome == ImportRun.Outcome.FAILED
    assert "HTTP 404" in run.message
    assert "page_size=500" in run.message  # the index is asked for its largest pages
    assert Entry.objects.count() == 0


def test_paging_and_profile_names():
    live = MurmurationsSource.url
    assert index_url(live) == live + "&page_size=500"
    assert index_url(live + "&page_size=50") == live + "&page_size=50"
    # A page without a "next" link: the next page number, up to total_pages.
    page = {"data": [{}], "links": {"self": "x"}, "meta": {"total_pages": 3, "number_of_results": 3}}
    assert MurmurationsSource.next_page(page, live + "&page=2").endswith("&page=3")
    assert MurmurationsSource.next_page(page, live + "&page=3") == ""
    assert MurmurationsSource.next_page({"data": [], "links": {"next": "?page=2"}}, live).endswith("?page=2")
    assert profile_url_from_filename(PROFILE) == "https://openhaven.net/murmurations.json"
    assert profile_url_from_filename("profile.json") == "file:profile.json"
