"""The Platform Cooperativism Consortium directory's GeoJSON API.

No dump of it is public, so these tests serve a small FeatureCollection in the API's
shape (Django REST framework + rest_framework_gis: features with `id`, `properties`
and a Point `geometry`; pages linked by `next`), modelled on co-ops the Internet of
Ownership also lists.
"""

from __future__ import annotations

import json

import pytest

from directory.models import Entry, Source, SourceRecord
from importers.models import DuplicateCandidate, ImportRun
from importers.runner import run_import

pytestmark = pytest.mark.django_db


def feature(pk, geometry=None, **properties):
    return {"type": "Feature", "id": pk, "geometry": geometry, "properties": properties}


def point(lng, lat):
    return {"type": "Point", "coordinates": [lng, lat]}


STOCKSY = feature(
    101,
    point(-123.3656, 48.4284),
    name="Stocksy United",
    description="A stock photography and video co-operative owned by the artists who make its images.",
    languages=["en"],
    address="560 Johnson Street",
    city="Victoria",
    state="BC",
    country="CA",
    url="https://www.stocksy.com/",
    logo_url="https://www.stocksy.com/logo.png",
    lat=48.4284,
    lng=-123.3656,
    founded="2013-03-26T00:00:00Z",
    num_members="1,000",
    num_workers=30,
    geo_scope="International",
    code_availability="No",
    code_url=None,
    type="Cooperative",
    categories=["Platform co-op", "Producer co-op"],
    sectors=["Arts & culture", "Marketplace"],
    legal_status="Co-operative association (British Columbia)",
    stage="Established",
    challenges=["Access to capital"],
    tools=[{"name": "Slack"}, "Loomio"],
)
# No lat/lng properties: the point is only in the geometry. The country is a name.
FAIRMONDO = feature(
    102,
    point(13.405, 52.52),
    name="Fairmondo",
    description="<p>An online marketplace owned by its users, an alternative to eBay and Amazon.</p>",
    languages=[{"culture_code": "de", "iso_name": "German"}, "English"],
    address="",
    city="Berlin",
    state="",
    country="Germany",
    url="https://www.fairmondo.de/",
    lat=None,
    lng=None,
    founded="2012",
    num_members="2000",
    num_workers=None,
    geo_scope="National",
    code_availability="Yes",
    code_url="https://github.com/fairmondo/fairmondo",
    type={"name": "Cooperative"},
    categories=["Platform Cooperative"],
    sectors=[{"name": "Marketplace"}],
    legal_status="eG",
    stage="Growing",
)
# Malformed: its properties are not an object.
BROKEN = {"type": "Feature", "id": 103, "geometry": None, "properties": "Up & Go"}
UP_AND_GO = feature(
    104,
    point(-73.9442, 40.6782),
    name="Up & Go",
    description="A platform for booking home cleaning services from worker-owned co-ops.",
    city="Brooklyn",
    state="NY",
    country="US",
    url="http://www.upandgo.coop/",
    lat="40.6782",
    lng="-73.9442",
    founded="2017-05-01",
    num_workers="45",
    geo_scope="Local",
    type="Cooperative",
    categories=["Worker co-op"],
    sectors=["Cleaning", "Home services"],
    stage="Active",
)
RESONATE = feature(
    105,
    None,
    name="Resonate",
    description="A music streaming co-operative owned by musicians, listeners and workers.",
    city="Dublin",
    country="Ireland",
    url="https://resonate.coop/",
    num_members="lots",
    geo_scope="Global",
    type="Organization",
    categories=["Multi-stakeholder co-op", "Music"],
    sectors="Music, Streaming",
    stage="Inactive",
)


@pytest.fixture
def api(tmp_path, file_server):
    """The API's two pages on a local server; returns the first page's address."""
    base = file_server(tmp_path)
    page1 = {
        "type": "FeatureCollection",
        "count": 5,
        "next": f"{base}/organizations-page-2.json",
        "previous": None,
        "features": [STOCKSY, FAIRMONDO, BROKEN],
    }
    page2 = {
        "type": "FeatureCollection",
        "count": 5,
        "next": None,
        "previous": f"{base}/organizations.json",
        "features": [UP_AND_GO, RESONATE],
    }
    (tmp_path / "organizations.json").write_text(json.dumps(page1), encoding="utf-8")
    (tmp_path / "organizations-page-2.json").write_text(json.dumps(page2), encoding="utf-8")
    return f"{base}/organizations.json"


def pcc_entries():
    return Entry.objects.filter(source_records__source__slug="pcc")


def test_reads_every_page_and_reports_the_malformed_feature(empty_catalogue, api):
    report, run = run_import("pcc", url=api)

    assert run.source == report.source == "pcc"
    assert run.outcome == ImportRun.Outcome.PARTIAL
    assert report.errors == [
        {"record": "page 1 feature 3", "reason": "not a GeoJSON Feature with properties"}
    ]
    assert (report.created, report.skipped) == (4, 1)
    assert set(pcc_entries().values_list("name", flat=True)) == {
        "Stocksy United",
        "Fairmondo",
        "Up & Go",
        "Resonate",
    }
    source = Source.objects.get(slug="pcc")
    assert (source.trusted, source.licence) == (False, "not stated")
    # Not trusted: new entries wait in the review queue.
    assert pcc_entries().filter(live=False, needs_review=True).count() == 4


def test_properties_are_mapped(empty_catalogue, api):
    report, _run = run_import("pcc", url=api)

    stocksy = pcc_entries().get(name="Stocksy United")
    assert stocksy.website == "https://www.stocksy.com/"
    assert stocksy.logo_url == "https://www.stocksy.com/logo.png"
    assert (stocksy.country, stocksy.region, stocksy.locality) == ("CA", "British Columbia", "Victoria")
    assert stocksy.address == "560 Johnson Street"
    assert (stocksy.latitude, stocksy.longitude) == (48.4284, -123.3656)
    assert (stocksy.founded_year, stocksy.members_count, stocksy.workers_count) == (2013, 1000, 30)
    assert (stocksy.status, stocksy.geographic_scope) == ("active", "international")
    assert stocksy.organisation_type.slug == "cooperative"
    assert stocksy.category.slug == "platform-co-op"  # "Platform co-op" is one of ours
    assert [m.slug for m in stocksy.member_classes.all()] == ["producer"]  # "Producer co-op"
    assert {a.slug for a in stocksy.activities.all()} == {"arts-culture", "marketplace"}
    assert stocksy.legal_form.name == "Co-operative association (British Columbia)"
    assert stocksy.tools == ["Slack", "Loomio"]
    assert stocksy.languages == ["en"]
    assert stocksy.summary.startswith("A stock photography and video co-operative")
    record = stocksy.source_records.get(source__slug="pcc")
    assert record.external_id == "101"
    assert record.record_url == "https://directory.platform.coop/organizations/101"
    assert record.raw["challenges"] == ["Access to capital"]  # kept in provenance only

    # The point only in the geometry ([lng, lat]); the country given by name.
    fairmondo = pcc_entries().get(name="Fairmondo")
    assert (fairmondo.latitude, fairmondo.longitude) == (52.52, 13.405)
    assert (fairmondo.country, fairmondo.locality) == ("DE", "Berlin")
    assert fairmondo.source_code_url == "https://github.com/fairmondo/fairmondo"
    assert fairmondo.languages == ["de", "en"]
    assert (fairmondo.founded_year, fairmondo.members_count, fairmondo.workers_count) == (2012, 2000, None)
    assert (fairmondo.status, fairmondo.geographic_scope) == ("active", "national")  # "Growing"
    assert fairmondo.category.slug == "platform-co-op"  # "Platform Cooperative"
    assert fairmondo.legal_form.name == "eG"
    assert fairmondo.summary.startswith("An online marketplace owned by its users")

    # The second page, reached through `next`.
    up_and_go = pcc_entries().get(name="Up & Go")
    assert (up_and_go.country, up_and_go.region, up_and_go.locality) == ("US", "New York", "Brooklyn")
    assert (up_and_go.status, up_and_go.geographic_scope, up_and_go.workers_count) == ("active", "local", 45)
    assert [m.slug for m in up_and_go.member_classes.all()] == ["worker"]
    assert up_and_go.category is None

    resonate = pcc_entries().get(name="Resonate")
    assert resonate.status == "on_hold"  # "Inactive"
    assert resonate.country == "IE"
    assert resonate.organisation_type.slug == "organisation"
    assert [m.slug for m in resonate.member_classes.all()] == ["multi-stakeholder"]
    assert [t.name for t in resonate.tags.all()] == ["Music"]  # not one of our categories
    assert {a.slug for a in resonate.activities.all()} == {"music", "streaming"}
    assert (resonate.members_count, resonate.geographic_scope) == (None, "")
    reasons = [w["reason"] for w in report.warnings if "Resonate" in w["record"]]
    assert any("'lots'" in r for r in reasons) and any("'global'" in r for r in reasons)


def test_entries_it_shares_with_ioo_wait_for_an_editor(catalogue_loaded, api):
    """PCC was seeded from IoO: its Stocksy and Fairmondo are IoO's (same name, same domain).

    An unverified source does not write into other sources' entries: its records become
    entries of their own in the review queue, each proposed as a duplicate of IoO's.
    """
    stocksy = Entry.objects.get(name="Stocksy United", source_records__source__slug="ioo")
    fairmondo = Entry.objects.get(name="Fairmondo", source_records__source__slug="ioo")
    before = {e.pk: (e.website, e.category_id, e.workers_count, e.live) for e in (stocksy, fairmondo)}

    report, _run = run_import("pcc", url=api)
    assert report.created == 4
    for ioo_entry, pcc_id in ((stocksy, "101"), (fairmondo, "102")):
        ioo_entry.refresh_from_db()
        assert (ioo_entry.website, ioo_entry.category_id, ioo_entry.workers_count, ioo_entry.live) == (
            before[ioo_entry.pk]
        )
        ours = Entry.objects.get(source_records__source__slug="pcc", source_records__external_id=pcc_id)
        assert ours.pk != ioo_entry.pk and ours.needs_review and not ours.live
        assert DuplicateCandidate.objects.filter(
            entry=ours, other=ioo_entry, decision=DuplicateCandidate.Decision.PENDING
        ).exists()
    assert report.duplicates >= 2


def test_a_second_import_changes_nothing(empty_catalogue, api):
    run_import("pcc", url=api)
    hashes = dict(SourceRecord.objects.filter(source__slug="pcc").values_list("external_id", "content_hash"))
    report, _run = run_import("pcc", url=api)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert dict(
        SourceRecord.objects.filter(source__slug="pcc").values_list("external_id", "content_hash")
    ) == (hashes)


def test_an_unreadable_next_page_is_reported_and_the_first_page_kept(empty_catalogue, api, tmp_path):
    (tmp_path / "organizations-page-2.json").unlink()
    report, run = run_import("pcc", url=api)
    assert run.outcome == ImportRun.Outcome.PARTIAL
    assert report.created == 2
    assert report.errors[-1]["record"] == "after feature 3"
    assert (
        "page 2 could not be read" in report.errors[-1]["reason"]
        and "HTTP 404" in report.errors[-1]["reason"]
    )


def test_a_page_that_is_not_geojson_is_an_error(empty_catalogue, tmp_path, file_server):
    (tmp_path / "organizations.json").write_text('{"detail": "Not found."}', encoding="utf-8")
    base = file_server(tmp_path)
    report, run = run_import("pcc", url=f"{base}/organizations.json")
    assert report.errors == [
        {"record": "file", "reason": "no GeoJSON features: is this the directory's /api/organizations?"}
    ]
    assert report.created == 0
