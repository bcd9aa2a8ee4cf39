"""The Co-operatives UK importer, on the real 2017 open data and the 2023 layout."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest
import yaml

from directory.models import Entry, EntryIdentifier, SourceRecord
from directory.taxonomies import MEMBER_CLASSES
from importers.models import ImportRun
from importers.records import Record, RecordError
from importers.runner import run_import
from importers.sources import coops_uk
from importers.sources.coops_uk import CoopsUkSource

pytestmark = pytest.mark.django_db

CUK_FILE = "open_data_organisations_2017-06.csv"
CUK_ROWS = 8371


@pytest.fixture(scope="module")
def cuk_rows(shared_data) -> list[dict]:
    with (shared_data / "coops-uk" / CUK_FILE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def cuk_entries():
    return Entry.objects.filter(source_records__source__slug="coops-uk")


def catalogue_dump() -> dict:
    """Everything an import writes, in a canonical order, to compare runs."""
    through = {name: getattr(Entry, name).through for name in ("activities", "member_classes")}
    return {
        "entries": list(Entry.objects.order_by("pk").values()),
        "activities": sorted(through["activities"].objects.values_list("entry_id", "activity_id")),
        "member_classes": sorted(through["member_classes"].objects.values_list("entry_id", "memberclass_id")),
        "identifiers": sorted(EntryIdentifier.objects.values_list("entry_id", "scheme", "value")),
        "records": sorted(
            SourceRecord.objects.values_list(
                "entry_id", "source__slug", "external_id", "content_hash", "first_seen", "last_seen"
            )
        ),
    }


def write_open_data_page(folder, csv_file):
    """A copy of the uk.coop open-data page: the organisations CSV among other links."""
    files = folder / "sites" / "default" / "files"
    (files / "2017-06").mkdir(parents=True)
    (files / "2017-06" / CUK_FILE).symlink_to(csv_file)
    page = folder / "resources" / "open-data.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        """<!DOCTYPE html><html lang="en"><head><title>Open data | Co-operatives UK</title></head>
<body><main><h1>Open data</h1>
<ul>
  <li><a href="/sites/default/files/2017-06/Open%20Data%20Guide.pdf">Open Data Guide (PDF)</a></li>
  <li><a href="/sites/default/files/2016-06/open_data_organisations_2016-06.csv">Organisations 2016</a></li>
  <li><a href="../sites/default/files/2017-06/open_data_organisations_2017-06.csv">Organisations 2017</a></li>
  <li><a href="/sites/default/files/2017-06/open_data_outlets_2017-06.csv">Outlets 2017</a></li>
  <li><a href="/download?file=organisations">Organisations (download page)</a></li>
</ul></main></body></html>""",
        encoding="utf-8",
    )
    return "resources/open-data.html"


def test_three_imports_map_the_real_file_and_change_nothing(
    empty_catalogue, shared_data, cuk_rows, file_server, tmp_path, settings
):
    """One test, three full imports: the CSV by URL, the live page, the snapshot folder."""
    assert len(cuk_rows) == CUK_ROWS

    # 1. The CSV itself, over HTTP.
    base = file_server(shared_data / "coops-uk")
    report, run = run_import("coops-uk", url=f"{base}/{CUK_FILE}")
    assert run.outcome == ImportRun.Outcome.OK, run.message
    assert report.errors == []
    assert report.handled == CUK_ROWS
    assert report.created == CUK_ROWS  # nothing else in the catalogue
    assert cuk_entries().count() == CUK_ROWS
    assert Entry.objects.filter(live=True).count() == CUK_ROWS  # a trusted source publishes

    # Only the register numbers the file itself makes doubtful are warned about.
    warned = Counter(w["reason"].split(" ")[0] for w in report.warnings)
    assert warned == {"registered": 2, "Companies": 1, "company": 1}, report.warnings

    # Status: Live -> active, Dead -> completed.
    statuses = Counter(row["Registered Status"] for row in cuk_rows)
    assert statuses == {"Live": 6814, "Dead": 1557}
    assert cuk_entries().filter(status="active").count() == 6814
    assert cuk_entries().filter(status="completed").count() == 1557

    # The first row, in full.
    group = Entry.objects.get(source_records__source__slug="coops-uk", source_records__external_id="R000001")
    assert group.name == "The Co-operative Group"
    assert group.other_names == ["Co-operative Group Limited"]
    assert (group.address, group.locality, group.region, group.country.code) == (
        "1 Angel Square, M60 0AG",
        "Manchester",
        "Lancashire",
        "GB",
    )
    assert group.founded_year == 1863  # incorporated 11/8/1863
    assert group.status == "active"
    assert [c.slug for c in group.member_classes.all()] == ["consumer"]
    assert [a.slug for a in group.activities.all()] == ["wholesale-and-retail-trade"]  # SIC 47 -> ICA260
    assert (group.legal_form.slug, group.category.slug, group.organisation_type.slug) == (
        "society",
        "co-operative",
        "cooperative",
    )
    assert sorted(group.identifiers.values_list("scheme", "value")) == [
        ("cuk", "R000001"),
        ("gb-fca", "525R"),
    ]
    assert group.source_records.get().raw["Registrar"] == "FCA"

    # A multi-line street; a name kept when the registered one is the same.
    central = Entry.objects.get(
        source_records__external_id="R000003", source_records__source__slug="coops-uk"
    )
    assert central.address == "Central House, Hermes Road, WS13 6RH"
    assert central.other_names == ["Central England Co-operative Limited"]

    # Ownership classification -> member classes, row for row; none where the file has none.
    ownership = Counter(row["Ownership Classification"] for row in cuk_rows)
    assert ownership[""] == 1365
    without = cuk_entries().filter(member_classes__isnull=True).count()
    assert without == ownership[""] + ownership["None"]
    expected = Counter()
    for value, count in ownership.items():
        for slug in coops_uk.OWNERSHIP_CLASSES.get(value.lower(), []):
            expected[slug] += count
    through = Entry.member_classes.through.objects.filter(entry__source_records__source__slug="coops-uk")
    assert Counter(through.values_list("memberclass__slug", flat=True)) == expected
    assert expected["consumer"] == 3694 and expected["worker"] == 633 + 26  # Workers + Employee Trust

    # Founding years wherever the incorporation date is given.
    dated = sum(1 for row in cuk_rows if row["Incorporation Date"])
    assert cuk_entries().exclude(founded_year=None).count() == dated == 8154

    # The Crown Dependencies are not GB; their company numbers are not Companies House's.
    assert Counter(cuk_entries().exclude(country="GB").values_list("country", flat=True)) == {
        "JE": 3,
        "GG": 3,
    }
    bicycle = Entry.objects.get(source_records__external_id="R015180")
    assert (bicycle.country.code, list(bicycle.identifiers.values_list("scheme", flat=True))) == (
        "JE",
        ["cuk"],
    )
    # A number two rows share (SC445994) identifies neither.
    assert not EntryIdentifier.objects.filter(value="SC445994").exists()
    assert EntryIdentifier.objects.filter(scheme="gb-coh", value="02938981").exists()  # Beech Hill

    # 2. The live page: the newest organisations CSV linked from it, resolved against the page.
    before = catalogue_dump()
    site = tmp_path / "site"
    page = write_open_data_page(site, shared_data / "coops-uk" / CUK_FILE)
    report, run = run_import("coops-uk", url=f"{file_server(site)}/{page}")
    assert run.outcome == ImportRun.Outcome.OK, run.message
    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, CUK_ROWS, [])
    assert catalogue_dump() == before

    # 3. The snapshot folder.
    settings.PORTAL_SNAPSHOTS = str(shared_data)
    report, run = run_import("coops-uk")
    assert run.location.endswith("coops-uk/open_data_organisations_2017-06.csv")
    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, CUK_ROWS, [])
    assert catalogue_dump() == before


def test_every_value_of_the_file_maps_to_the_portal_vocabularies(shared_data, cuk_rows):
    """Parse only (no database): every ownership value and SIC division is known."""
    items = list(CoopsUkSource().parse((shared_data / "coops-uk" / CUK_FILE).read_bytes()))
    assert not [item for item in items if isinstance(item, RecordError)]
    records = {record.external_id: record for record in items}
    assert len(records) == CUK_ROWS

    for value in {row["Ownership Classification"] for row in cuk_rows} - {""}:
        classes, problem = coops_uk.member_classes(value)
        assert problem is None and classes and set(classes) <= set(MEMBER_CLASSES), value
    for row in cuk_rows:
        division = coops_uk.sic_division(row["SIC code  - level 2"], row["SIC Code"])
        assert not division or division in coops_uk.SIC_DIVISION_TO_ICA, row["SIC Code"]
        record = records[row["CUK Organisation ID"]]
        assert record.raw == {k: v for k, v in row.items() if v.strip()}
    # 112 rows have a SIC code but no level-2 column: the division is read from the code.
    code_only = [r for r in cuk_rows if r["SIC Code"] and not r["SIC code  - level 2"]]
    assert len(code_only) == 112
    assert all(records[r["CUK Organisation ID"]].fields.get("activities") for r in code_only)
    # The rows without an activity are exactly those with no SIC code and no sector at all
    # (the sector fallback is exercised by the 45-column test).
    no_activity = {key for key, record in records.items() if not record.fields.get("activities")}
    blank = {
        r["CUK Organisation ID"]
        for r in cuk_rows
        if not r["SIC Code"] and not r["SIC code  - level 2"] and not r["Sector - Simplified, High Level"]
    }
    assert no_activity == blank and len(blank) == 228


def test_mapping_tables_agree_with_the_published_ones(shared_data):
    folder = shared_data / "coops-uk"
    with (folder / "sic-division-to-ica-activity.csv").open(encoding="utf-8", newline="") as handle:
        published = {row["SIC Division"]: row["Activity ID"] for row in csv.DictReader(handle)}
    assert coops_uk.SIC_DIVISION_TO_ICA == published
    vocabs = json.loads((shared_data / "sea-essglobal" / "essglobal-vocabs_from_cmc.json").read_text())
    assert coops_uk.ICA_ACTIVITIES == vocabs["vocabs"]["aci"]["en"]["terms"]


def schema_headers(shared_data) -> list[str]:
    schema = yaml.safe_load((shared_data / "coops-uk" / "schema-20230616.yml").read_text(encoding="utf-8"))
    return [field["header"] for field in schema["fields"]]


def test_the_45_column_layout_is_read_by_its_headers(empty_catalogue, shared_data, tmp_path):
    headers = schema_headers(shared_data)
    assert len(headers) == 45
    rows = [
        {
            "CUK Organisation ID": "R000001",
            "Registered Number": "525R",
            "Registrar": "FCA",
            "Registered Name": "Co-operative Group Limited",
            "Trading Name": "The Co-operative Group",
            "Legal Form": "Society",
            "Registered Street": "1 Angel Square",
            "Registered City": "Manchester",
            "Registered State/Province": "Greater Manchester",
            "Registered Postcode": "M60 0AG",
            "UK Nation": "England",
            "SIC Code": "47110",
            "SIC code  - level 2": "47",
            "Sector - Simplified, High Level": "Retail",
            "Ownership Classification": "Consumers",
            "Registered Status": "Live",
            "Incorporation Date": "11/08/1863",
            "Website": "https://www.coop.co.uk",
            "Description": "A consumer co-operative owned by millions of members.",
            "Registered Region": "North West",
            "Registered Admin Ward Name": "Piccadilly",
        },
        {
            "CUK Organisation ID": "R099998",
            "Registered Number": "4518100",  # lost its leading zero in a spreadsheet
            "Registrar": "Companies House",
            "Registered Name": "Freelancers Together Limited",
            "Trading Name": "Freelancers Together Limited",
            "Legal Form": "Company",
            "Registered Street": "2 Mill Lane\nUnit 4",
            "Registered City": "Leeds",
            "Registered Postcode": "LS1 1AA",
            "UK Nation": "England",
            "Sector - Simplified, High Level": "Digital, Media and Communication",
            "Ownership Classification": "Self-employed",
            "Registered Status": "Dead",
            "Incorporation Date": "31/02/2001",  # no such day: a warning, not an error
            "Dissolved Date": "sometime",
            "Website": "https://www.facebook.com/freelancerstogether",
        },
        {
            "CUK Organisation ID": "R099999",
            "Registrar": "Legal Form is not defined",
            "Registered Name": "Island Growers",
            "Trading Name": "Island Growers",
            "Registered City": "St Peter Port",
            "Registered Postcode": "GY1 1AA",
            "UK Nation": "Guernsey",
            "Ownership Classification": "Hobbyists",  # not a value of the schema
            "Registered Status": "Live",
        },
    ]
    listing = tmp_path / "open_data_organisations_2023.csv"
    order = list(reversed(headers))  # columns are found by name, not by position
    with listing.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(order)
        for row in rows:
            assert set(row) <= set(headers), set(row) - set(headers)
            writer.writerow([row.get(header, "") for header in order])

    source = CoopsUkSource()
    records = list(source.parse(listing.read_bytes()))
    assert source.layout == "2023"
    assert all(isinstance(r, Record) for r in records)

    report, run = run_import("coops-uk", file=str(listing))
    assert (report.created, report.errors) == (3, [])
    warnings = {w["reason"] for w in report.warnings}
    assert warnings == {
        "incorporation date '31/02/2001' is not a date (d/m/yyyy)",
        "dissolved date 'sometime' is not a date (d/m/yyyy)",
        "unknown ownership classification 'Hobbyists'; no member classes",
    }

    group = Entry.objects.get(source_records__external_id="R000001")
    assert group.website == "https://www.coop.co.uk/"
    assert group.summary == "A consumer co-operative owned by millions of members."
    assert group.description == "<p>A consumer co-operative owned by millions of members.</p>"
    assert (group.region, group.founded_year) == ("Greater Manchester", 1863)
    assert [a.slug for a in group.activities.all()] == ["wholesale-and-retail-trade"]
    assert group.source_records.get().raw["Registered Admin Ward Name"] == "Piccadilly"

    freelancers = Entry.objects.get(source_records__external_id="R099998")
    assert freelancers.website == ""  # a Facebook page is a link, not the website
    assert freelancers.links == [{"label": "Facebook", "url": "https://www.facebook.com/freelancerstogether"}]
    assert (freelancers.status, freelancers.founded_year, freelancers.other_names) == ("completed", None, [])
    assert [c.slug for c in freelancers.member_classes.all()] == ["producer"]
    assert [a.slug for a in freelancers.activities.all()] == ["digital-media-and-communication"]
    assert freelancers.address == "2 Mill Lane, Unit 4, LS1 1AA"
    assert sorted(freelancers.identifiers.values_list("scheme", "value")) == [
        ("cuk", "R099998"),
        ("gb-coh", "04518100"),
    ]

    island = Entry.objects.get(source_records__external_id="R099999")
    assert (island.country.code, island.region, island.member_classes.count()) == ("GG", "", 0)

    # The 2017 snapshot is told apart by its headers too.
    source = CoopsUkSource()
    first = next(iter(source.parse((shared_data / "coops-uk" / CUK_FILE).read_bytes())))
    assert (source.layout, first.external_id) == ("2017", "R000001")


def test_a_page_without_the_csv_or_a_file_of_something_else_fails_cleanly(
    empty_catalogue, file_server, tmp_path
):
    (tmp_path / "page.html").write_text(
        '<html><body><a href="guide.pdf">Guide</a><a href="outlets_2017.csv">Outlets</a></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "moved.html").write_text(
        '<html><body><a href="organisations_2024-06.csv">Organisations</a></body></html>', encoding="utf-8"
    )
    (tmp_path / "members.csv").write_text("Name,Email\nSomeone,someone@example.org\n", encoding="utf-8")
    base = file_server(tmp_path)

    report, run = run_import("coops-uk", url=f"{base}/page.html")
    assert run.outcome == ImportRun.Outcome.FAILED
    assert "no organisations CSV is linked" in run.message

    report, run = run_import("coops-uk", url=f"{base}/moved.html")
    assert run.outcome == ImportRun.Outcome.FAILED
    assert "organisations_2024-06.csv" in run.message and "404" in run.message

    report, run = run_import("coops-uk", url=f"{base}/members.csv")
    assert [e["record"] for e in report.errors] == ["file"]
    assert "'CUK Organisation ID'" in report.errors[0]["reason"]
    assert Entry.objects.count() == 0
