"""The ESSGlobal standard.csv importer, on the real worker co-op file, and with coops-uk."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict

import pytest

from directory.models import Entry, EntryIdentifier, SourceRecord
from importers.models import ImportRun
from importers.records import Record, RecordError
from importers.runner import run_import
from importers.sources import essglobal
from importers.sources.essglobal import EssGlobalSource

pytestmark = pytest.mark.django_db

ESS_FILE = "workers-coop_standard.Q2-2022.csv"
ESS_ROWS = 7272
CUK_FILE = "open_data_organisations_2017-06.csv"
JERSEY_WARNING = {
    "record": "line 9990 (The Bicycle Co-operative)",
    "reason": "company number '119598' is from the JE registry, not Companies House",
}


def read_rows(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def ess_rows(shared_data) -> list[dict]:
    return read_rows(shared_data / "sea-essglobal" / ESS_FILE)


@pytest.fixture(scope="module")
def cuk_rows(shared_data) -> list[dict]:
    return read_rows(shared_data / "coops-uk" / CUK_FILE)


def expected_merges(cuk_rows, ess_rows):
    """What the two files say should meet, worked out from the files alone.

    - ids in both files are one organisation, unless the ESSGlobal row's Companies House
      number belongs to another Co-operatives UK row (then nothing can tell which);
    - an ESSGlobal id new since 2017 joins a 2017 row with the same Companies House
      number, or else with exactly the same name (Co-operatives UK re-issued some ids).
    """
    cuk_ids = {row["CUK Organisation ID"] for row in cuk_rows}
    ess_ids = {row["Identifier"] for row in ess_rows}

    def company(number):
        number = "".join(number.split()).upper()
        return number.zfill(8) if number.isdigit() and 5 <= len(number) < 8 else number

    owners = defaultdict(set)
    for row in cuk_rows:
        if row["Registrar"] == "Companies House" and row["UK Nation"] not in ("Jersey", "Guernsey"):
            owners[company(row["Registered Number"])].add(row["CUK Organisation ID"])
    owner = {number: ids.pop() for number, ids in owners.items() if number and len(ids) == 1}
    conflicting = {
        row["Identifier"]
        for row in ess_rows
        if row["Identifier"] in cuk_ids
        and owner.get(company(row["Companies House Number"]), row["Identifier"]) != row["Identifier"]
    }
    by_number = {
        row["Identifier"]: owner[company(row["Companies House Number"])]
        for row in ess_rows
        if row["Identifier"] not in cuk_ids and company(row["Companies House Number"]) in owner
    }
    names = defaultdict(list)
    for row in cuk_rows:
        key = " ".join(row["Trading Name"].casefold().split())
        names[key].append((row["CUK Organisation ID"], row["Registered City"].strip().casefold()))
    by_name = {}
    for row in ess_rows:
        if row["Identifier"] in cuk_ids or row["Identifier"] in by_number:
            continue
        found = names.get(" ".join(row["Name"].casefold().split()), [])
        town = row["Locality"].strip().casefold()
        # The loader merges one name only when the towns agree (or one is unknown).
        if (
            len(found) == 1
            and found[0][0] not in ess_ids
            and (not town or not found[0][1] or town == found[0][1])
        ):
            by_name[row["Identifier"]] = found[0][0]
    return cuk_ids & ess_ids, cuk_ids | ess_ids, conflicting, by_number, by_name


def test_coops_uk_then_essglobal_give_one_entry_per_organisation(
    empty_catalogue, shared_data, cuk_rows, ess_rows, file_server
):
    shared, union, conflicting, by_number, by_name = expected_merges(cuk_rows, ess_rows)
    assert (len(shared), len(union)) == (5670, 9973)
    # R007224 is "Leger Education Trust" in 2022 with Companies House number 07736364,
    # which the 2017 file gives to R019639 (Campsmount Community Academy Trust).
    assert conflicting == {"R007224"}
    assert by_number == {}
    assert by_name == {
        "R022235": "R010013",  # Fairmondo UK
        "R027171": "R005296",  # Beanies Wholefood Co-op
        "R028337": "R000090",  # Beech Hill Community Co-operative (same postcode)
        "R028508": "R014553",  # Common Ground Co-operative (same postcode)
        "R031125": "R008299",  # Kidlington Green Social Club (same postcode)
        "R032983": "R009612",  # West Solent Solar Co-op (society, now a company)
        "R034223": "R005441",  # Rhizome
    }

    # Co-operatives East Midlands (R014512 / R019372) has one name in two towns: not merged
    # blindly, but proposed to an editor as a possible duplicate.
    report, run = run_import("coops-uk", file=str(shared_data / "coops-uk" / CUK_FILE))
    assert (report.created, report.errors) == (len(cuk_rows), [])
    base = file_server(shared_data / "sea-essglobal")
    report, run = run_import("essglobal", url=f"{base}/{ESS_FILE}")
    assert run.outcome == ImportRun.Outcome.OK, run.message
    conflict = next(w for w in report.warnings if "Leger Education Trust" in w["record"])
    assert "belong to 2 different entries" in conflict["reason"]
    assert report.errors == [] and [w for w in report.warnings if w is not conflict] == [JERSEY_WARNING]
    assert report.handled == ESS_ROWS
    merged = len(shared) - len(conflicting) + len(by_number) + len(by_name)
    assert (report.updated, report.created) == (merged, ESS_ROWS - merged)

    # Where each record went.
    entry_of = defaultdict(dict)
    for source, external_id, entry_id in SourceRecord.objects.values_list(
        "source__slug", "external_id", "entry_id"
    ):
        entry_of[source][external_id] = entry_id
    cuk, ess = entry_of["coops-uk"], entry_of["essglobal"]
    for org_id in shared - conflicting:
        assert cuk[org_id] == ess[org_id], org_id
    for org_id in conflicting:
        assert ess[org_id] not in set(cuk.values())
    for ess_id, cuk_id in {**by_number, **by_name}.items():
        assert ess[ess_id] == cuk[cuk_id], ess_id
    # No entry holds two records of one source.
    assert len(set(cuk.values())) == len(cuk) and len(set(ess.values())) == len(ess)

    both = Entry.objects.filter(source_records__source__slug="coops-uk").filter(
        source_records__source__slug="essglobal"
    )
    assert both.count() == merged == 5676
    total = len(union) - len(by_number) - len(by_name) + len(conflicting)
    assert Entry.objects.count() == total == 9967

    # A merged entry: coops-uk (first) keeps its fields, ESSGlobal fills the gaps.
    group = Entry.objects.get(pk=cuk["R000001"])
    assert group.name == "The Co-operative Group"
    assert group.region == "Lancashire"  # ESSGlobal says Manchester; the field is coops-uk's
    assert group.website == "http://www.co-operative.coop/"  # coops-uk 2017 has no websites
    assert (group.latitude, group.longitude) == (53.488061, -2.237449)  # the postcode's centre
    assert group.field_origins["region"] == "coops-uk"
    assert group.field_origins["website"] == group.field_origins["latitude"] == "essglobal"
    assert sorted(group.identifiers.values_list("scheme", "value")) == [
        ("cuk", "R000001"),
        ("gb-fca", "525R"),
    ]
    # The conflicting row is a new entry of its own, kept apart from both candidates.
    leger = Entry.objects.get(pk=ess["R007224"])
    assert leger.name == "Leger Education Trust"
    assert set(leger.source_records.values_list("source__slug", flat=True)) == {"essglobal"}

    # Again: nothing changes.
    report, run = run_import("essglobal", url=f"{base}/{ESS_FILE}")
    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, ESS_ROWS, [])
    assert Entry.objects.count() == total


def test_the_real_file_maps_to_the_portal_vocabularies(shared_data, ess_rows):
    """Parse only (no database)."""
    items = list(EssGlobalSource().parse((shared_data / "sea-essglobal" / ESS_FILE).read_bytes()))
    assert not [item for item in items if isinstance(item, RecordError)]
    records = {record.external_id: record for record in items}
    assert len(records) == len(ess_rows) == ESS_ROWS
    warned = {key: record.warnings for key, record in records.items() if record.warnings}
    assert warned == {"R015180": [JERSEY_WARNING["reason"]]}

    group = records["R000001"]
    assert group.fields == {
        "name": "The Co-operative Group",
        "organisation_type": "cooperative",
        "category": "co-operative",
        "legal_form": "Society",
        "activities": ["wholesale and retail trade"],  # ICA260
        "member_classes": ["consumer"],
        "address": "1 Angel Square, M60 0AG",
        "locality": "Manchester",
        "region": "Manchester",
        "country": "GB",
        "latitude": 53.488061,
        "longitude": -2.237449,
        "website": "http://www.co-operative.coop/",
    }
    assert group.identifiers == {"cuk": "R000001"}

    # Every row: the ICA label of its primary activity; its CUK id; its Companies House number.
    for row in ess_rows:
        record = records[row["Identifier"]]
        code = row["Primary Activity"].rsplit("/", 1)[-1]
        if code:
            assert record.fields["activities"] == [essglobal.ICA_ACTIVITIES[code].lower()]
        assert record.identifiers["cuk"] == row["Identifier"]
        assert "Phone" not in record.raw and "Email" not in record.raw
    with_number = [r for r in ess_rows if r["Companies House Number"]]
    assert len(with_number) == 915
    # All but the Jersey company (R015180, number 119598 of the Jersey registry) keep it.
    assert sum(1 for r in records.values() if "gb-coh" in r.identifiers) == 914
    assert "gb-coh" not in records["R015180"].identifiers
    assert records["R015180"].fields["country"] == "JE"

    # Facebook, Twitter and Instagram pages given as websites become links.
    social = [
        r for r in ess_rows if any(s in r["Website"] for s in ("facebook.com", "twitter.com", "instagram"))
    ]
    assert len(social) == 633
    for row in social:
        record = records[row["Identifier"]]
        assert "website" not in record.fields and len(record.fields["links"]) == 1
    assert sum(1 for r in records.values() if r.fields.get("website")) == 4596 - 633

    # Member classes: from the ownership classification (as coops-uk), else the membership type.
    classes = Counter(c for r in records.values() for c in r.fields.get("member_classes", []))
    assert classes == {
        "consumer": 3133 + 1,  # Consumers (one without a membership type)
        "community": 1709,  # Community of Interest (BMT60 "Others")
        "tenant": 530,
        "business": 434 + 2 + 27,  # Enterprises, and Co-operatives
        "worker": 394 + 57,  # Workers, Employee Trust
        "multi-stakeholder": 381 + 34,
        "producer": 248 + 7,  # Self-employed
    }

    vocabs = json.loads((shared_data / "sea-essglobal" / "essglobal-vocabs_from_cmc.json").read_text())
    assert essglobal.ORGANISATIONAL_STRUCTURES == vocabs["vocabs"]["os"]["en"]["terms"]
    assert essglobal.MEMBERSHIP_TYPES == vocabs["vocabs"]["bmt"]["en"]["terms"]


STANDARD_HEADER = [
    "Identifier",
    "Name",
    "Description",
    "Organisational Structure",
    "Primary Activity",
    "Activities",
    "Street Address",
    "Locality",
    "Region",
    "Postcode",
    "Country Name",
    "Website",
    "Phone",
    "Email",
    "Twitter",
    "Facebook",
    "Companies House Number",
    "Membership Type",
    "Latitude",
    "Longitude",
]


def test_the_standard_columns_without_coops_uk_extras(empty_catalogue, tmp_path, client):
    """The plain SSE standard (SSE-Standard.md): labels or URIs, a country name, contacts."""
    rows = [
        {
            "Identifier": "coop42",
            "Name": "Cooperativa Exemplo",
            "Description": "Uma cooperativa de trabalho.\n\nSegundo parágrafo.",
            "Organisational Structure": "https://w3id.solidarityeconomy.coop/essglobal/V2a/standard/"
            "organisational-structure/OS60",
            "Primary Activity": "ICA120",
            "Activities": "Transport;Arts, Media, Culture & Leisure;https://example.org/activities/AM999",
            "Street Address": "Rua das Flores 10",
            "Locality": "Porto",
            "Postcode": "4050-262",
            "Country Name": "Portugal",
            "Website": "cooperativa-exemplo.pt",
            "Phone": "+351 22 000 0000",
            "Email": "Geral@Cooperativa-Exemplo.pt",
            "Twitter": "@coopexemplo",
            "Facebook": "https://www.facebook.com/coopexemplo",
            "Membership Type": "BMT60",
            "Latitude": "41.1496",
            "Longitude": "-8.6109",
        },
        {
            "Identifier": "R123456",
            "Name": "Riverside Housing Co-op",
            "Locality": "Leeds",
            "Country Name": "United Kingdom",
            "Companies House Number": "1234567",
            "Membership Type": "https://dev.lod.coop/essglobal/2.1/standard/base-membership-type/BMT50",
            "Twitter": "not a handle!",
        },
        {"Identifier": "", "Name": "No id"},
    ]
    listing = tmp_path / "standard.csv"
    with listing.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=STANDARD_HEADER)
        writer.writeheader()
        writer.writerows(rows)

    report, run = run_import("essglobal", file=str(listing))
    assert report.created == 2
    assert [e["record"] for e in report.errors] == ["line 6 (No id)"]  # the first row has 3 lines
    assert {w["reason"] for w in report.warnings} == {
        "unknown vocabulary term 'https://example.org/activities/AM999'",
        "Twitter 'not a handle!' is neither a handle nor a web address",
    }

    exemplo = Entry.objects.get(source_records__external_id="coop42")
    assert exemplo.legal_form.slug == "workers-cooperative"  # OS60
    assert [a.slug for a in exemplo.activities.order_by("slug")] == [
        "arts-media-culture-leisure",
        "service",
        "transport",
    ]
    assert exemplo.member_classes.count() == 0  # BMT60 "Others" says nothing
    assert (exemplo.country.code, exemplo.latitude, exemplo.longitude) == ("PT", 41.1496, -8.6109)
    assert exemplo.address == "Rua das Flores 10, 4050-262"
    assert exemplo.website == "http://cooperativa-exemplo.pt/"
    assert exemplo.links == [
        {"label": "Twitter", "url": "https://twitter.com/coopexemplo"},
        {"label": "Facebook", "url": "https://www.facebook.com/coopexemplo"},
    ]
    assert exemplo.summary == "Uma cooperativa de trabalho. Segundo parágrafo."
    assert exemplo.identifiers.count() == 0  # not a Co-operatives UK id
    # The e-mail address is kept privately; the phone number not at all.
    assert exemplo.contact_email == "geral@cooperativa-exemplo.pt"
    raw = exemplo.source_records.get().raw
    assert "Phone" not in raw and "Email" not in raw
    assert "22 000 0000" not in json.dumps(raw)
    page = client.get(f"/directory/{exemplo.slug}/")
    assert page.status_code == 200
    assert b"geral@cooperativa-exemplo.pt" not in page.content.lower()

    riverside = Entry.objects.get(source_records__external_id="R123456")
    assert riverside.country.code == "GB"
    assert [c.slug for c in riverside.member_classes.all()] == ["tenant"]  # BMT50 Residents
    assert sorted(riverside.identifiers.values_list("scheme", "value")) == [
        ("cuk", "R123456"),
        ("gb-coh", "01234567"),
    ]

    # A file of something else is reported, not guessed at.
    other = tmp_path / "other.csv"
    other.write_text("id,title\n1,Something\n", encoding="utf-8")
    report, run = run_import("essglobal", file=str(other))
    assert [e["record"] for e in report.errors] == ["file"]
    assert isinstance(next(iter(EssGlobalSource().parse(listing.read_bytes()))), Record)
    assert EntryIdentifier.objects.filter(scheme="cuk").count() == 1
