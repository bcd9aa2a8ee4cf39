"""The configurable HTML listing scraper, on the real tech-coops.xyz page."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from directory.models import Entry, EntryIdentifier, EntryTag, Source, SourceRecord
from importers.models import DuplicateCandidate, ImportRun
from importers.records import Record, RecordError, domain_of
from importers.runner import run_import
from importers.sources.html_listing import HtmlListingSource

pytestmark = pytest.mark.django_db

ROWS = 172  # table rows on the page: 6 tables, one per region
ENTRIES = 171  # zinc.coop is listed twice
SLUG = "tech-coops-xyz"
CONFIG = Path(__file__).resolve().parents[2] / "importers" / "listings" / f"{SLUG}.yaml"


@pytest.fixture
def page(shared_data) -> Path:
    return shared_data / "html" / "listings" / "tech-coops-xyz.html"


@pytest.fixture
def listing_url(page, file_server) -> str:
    return f"{file_server(page.parent)}/{page.name}"


def import_page(url: str, **kwargs):
    return run_import("html", config=SLUG, url=url, **kwargs)


def listed():
    return Entry.objects.filter(source_records__source__slug=SLUG)


def merge_warnings(report) -> list[dict]:
    return [w for w in report.warnings if "listed twice" in w["reason"]]


def test_every_row_of_every_table_is_handled_once(empty_catalogue, listing_url):
    report, run = import_page(listing_url)

    assert run.outcome == ImportRun.Outcome.OK
    assert run.source == report.source == SLUG
    assert run.location == listing_url
    assert report.errors == []
    # 172 rows: 171 records, and the second zinc.coop row merged into the first with a warning.
    merged = merge_warnings(report)
    assert len(merged) == 1 and "zinc.coop" in merged[0]["reason"]
    assert report.handled == ROWS and report.merged == 1
    assert report.created == ENTRIES
    assert listed().count() == ENTRIES
    assert SourceRecord.objects.filter(source__slug=SLUG).count() == ENTRIES
    assert Entry.objects.filter(website__contains="zinc.coop").count() == 1
    assert SourceRecord.objects.get(source__slug=SLUG, external_id="zinc.coop").raw["Also listed as"] == [
        "North America row 50"
    ]

    source = Source.objects.get(slug=SLUG)
    assert (source.name, source.licence, source.attribution, source.trusted) == (
        "tech-coops.xyz",
        "CC0-1.0",
        "tech-coops.xyz contributors",
        True,
    )
    # A trusted source: new entries are published at once.
    assert not listed().filter(live=False).exists()
    assert not listed().filter(needs_review=True).exists()


def test_the_adapter_reads_172_rows_into_171_records(page):
    adapter = HtmlListingSource(SLUG)
    items = list(adapter.parse(page.read_bytes(), str(page)))
    records = [i for i in items if isinstance(i, Record)]
    assert [i for i in items if isinstance(i, RecordError)] == []
    assert (adapter.rows_read, adapter.merged, len(records)) == (ROWS, 1, ENTRIES)
    assert len({r.external_id for r in records}) == ENTRIES
    assert {r.raw["Section"] for r in records} == {
        "North America",
        "South America",
        "Asia",
        "Europe",
        "Oceania",
        "Decentralised / Worldwide",
    }
    # Every row links to its site: the id is the site's domain.
    assert all(r.external_id == domain_of(r.fields["website"]) for r in records)


def test_rows_are_mapped_from_the_page(empty_catalogue, listing_url):
    report, _run = import_page(listing_url)

    # A row of the North America table: place resolved from "Quebec City, Quebec, Canada".
    baseline = listed().get(name="Baseline")
    assert (baseline.country, baseline.region, baseline.locality) == ("CA", "Quebec", "Québec")
    assert baseline.website == "https://baseline.quebec/en/"
    assert [a.name for a in baseline.activities.all()] == ["AI consulting"]
    assert baseline.organisation_type.slug == "cooperative"
    assert baseline.category.slug == "co-operative"
    record = baseline.source_records.get(source__slug=SLUG)
    assert record.external_id == "baseline.quebec"
    assert record.raw["Section"] == "North America"
    assert record.record_url == "https://tech-coops.xyz/#north-america"
    assert listed().get(name="Coopdevs").region == "Catalonia"
    assert listed().get(name="Atomised").region == "Scotland"

    # Names with non-ASCII letters are kept as written.
    for name in ("24ème", "Cambá", "Tierra Común", "Codeurs en Liberté", "Simbiótica"):
        assert listed().filter(name=name).count() == 1, name
    assert listed().get(name="Codeurs en Liberté").website == "https://codeursenliberté.fr/"
    assert listed().get(name="Tierra Común").country == "MX"

    # The Worldwide table has no Region/Country column: its heading gives no country,
    # whatever the domain (talespinners.co.uk).
    for name in ("meet.coop", "Talespinners", "Bread Cooperative"):
        entry = listed().get(name=name)
        assert (entry.country, entry.geographic_scope) == ("", "international"), name
    # An empty Region/Country cell falls back to the heading ("Europe": no country).
    assert listed().get(name="infra.run").country == ""

    # Business areas split on commas (not inside brackets); a sentence is a description.
    nilenso = listed().get(name="Nilenso")
    assert [a.name for a in nilenso.activities.all()] == [
        "Development (Clojure, Javascript, Ruby, Haskell, Go, Java)"
    ]
    assert {a.slug for a in listed().get(name="CanTrust Hosting Co-op").activities.all()} == {
        "hosting",
        "personal-cloud",
        "it-consulting",
    }
    digidem = listed().get(name="Digidem Lab")
    assert not digidem.activities.exists()
    assert "We study, test and offer" in digidem.description
    assert digidem.summary.startswith("We study, test and offer")

    # Notes: the summary, links to other pages, and what the notes say of founding and size.
    colab = listed().get(name="CoLab")
    assert colab.summary.startswith("CoLab’s mission is")  # the quotation marks around it dropped
    loomio = listed().get(name="Loomio")
    assert loomio.summary == ""  # the note is only a link
    assert loomio.links == [{"label": "Wikipedia", "url": "https://en.wikipedia.org/wiki/Loomio"}]
    assert listed().get(name="CanTrust Hosting Co-op").founded_year == 2009
    assert listed().get(name="Igalia").workers_count == 115

    # Markup slips on the page are mended: "<a>Tetrabit</a>)", an href "https:/withtheranks.com".
    assert listed().filter(name="Tetrabit").exists()
    assert listed().filter(name="TechCollective").exists()
    assert listed().get(name="With the Ranks").website == "https://withtheranks.com/"
    assert any("withtheranks" in w["reason"] and "broken scheme" in w["reason"] for w in report.warnings)


def test_the_pages_other_link_lists_are_not_imported(empty_catalogue, listing_url, page):
    from bs4 import BeautifulSoup

    import_page(listing_url)
    soup = BeautifulSoup(page.read_bytes(), "lxml")
    networks = {
        a.get_text(strip=True) for a in soup.find(id="networks-of-coops").find_next("ul").find_all("a")
    }
    assert {"CoTech", "FACT[TIC]", "Libre Entreprise", "Tech Co-op Network", "tech-coops.de"} <= networks
    assert not listed().filter(name__in=networks).exists()
    ids = set(SourceRecord.objects.filter(source__slug=SLUG).values_list("external_id", flat=True))
    assert not ids & {
        "coops.tech",
        "facttic.org.ar",
        "libre-entreprise.org",
        "techworker.coop",
        "tech-coops.de",
    }
    # The resources (guides, books, tools...) link to dozens of pages; none is an entry.
    resources = soup.find(id="resources").find_all_next("a")
    assert len(resources) > 50
    assert not listed().filter(name__in=["Awesome Tech Cooperatives", "Patio ICA"]).exists()


def catalogue_dump() -> dict:
    """Everything an import writes, in a canonical order."""
    from directory.models import Activity, Category, LegalForm, MemberClass, OrganisationType

    return {
        "entries": list(Entry.objects.order_by("pk").values()),
        "activities": sorted(Entry.activities.through.objects.values_list("entry_id", "activity_id")),
        "member_classes": sorted(
            Entry.member_classes.through.objects.values_list("entry_id", "memberclass_id")
        ),
        "tags": sorted(EntryTag.objects.values_list("content_object_id", "tag_id")),
        "identifiers": sorted(EntryIdentifier.objects.values_list("entry_id", "scheme", "value")),
        "records": sorted(
            SourceRecord.objects.values_list(
                "source__slug",
                "external_id",
                "entry_id",
                "content_hash",
                "record_url",
                "first_seen",
                "last_seen",
            )
        ),
        "raw": sorted((str(r.external_id), repr(sorted(r.raw.items()))) for r in SourceRecord.objects.all()),
        "terms": [
            sorted(model.objects.values_list("slug", "name"))
            for model in (Activity, Category, LegalForm, MemberClass, OrganisationType)
        ],
    }


def test_importing_three_times_leaves_the_catalogue_identical(empty_catalogue, listing_url):
    first, _run = import_page(listing_url)
    assert first.created == ENTRIES
    after_first = catalogue_dump()
    second, _run = import_page(listing_url)
    third, _run = import_page(listing_url)
    for report in (second, third):
        assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, ENTRIES, [])
    assert catalogue_dump() == after_first


def test_a_dry_run_reports_and_writes_nothing(empty_catalogue, listing_url):
    report, run = import_page(listing_url, dry_run=True)
    assert (report.created, report.errors) == (ENTRIES, [])
    assert not Entry.objects.exists() and not Source.objects.filter(slug=SLUG).exists()
    assert not ImportRun.objects.filter(source=SLUG).exists()


def test_the_command_takes_a_config(empty_catalogue, page):
    out = io.StringIO()
    call_command("import_listings", "html", "--config", SLUG, "--file", str(page), "--json", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (report["source"], report["created"], report["errors"]) == (SLUG, ENTRIES, [])


def test_malformed_rows_are_reported_and_the_rest_import(empty_catalogue, page, tmp_path, file_server):
    html = page.read_text(encoding="utf-8")
    # Row 1 of North America loses its name; row 2 loses two of its four cells.
    agaric = '<td><a href="http://agaric.coop/">Agaric</a></td>'
    baseline_cells = "<td>AI consulting</td>\n<td>Quebec City, Quebec, Canada</td>"
    assert html.count(agaric) == 1 and html.count(baseline_cells) == 1
    html = html.replace(agaric, "<td></td>").replace(baseline_cells, "")
    (tmp_path / "broken.html").write_text(html, encoding="utf-8")
    base = file_server(tmp_path)

    report, run = import_page(f"{base}/broken.html")
    errors = {e["record"]: e["reason"] for e in report.errors}
    assert errors == {
        "North America row 1": "no name",
        "North America row 2 (Baseline)": errors.get("North America row 2 (Baseline)", "missing"),
    }
    assert "2 cells where the table has 4 columns" in errors["North America row 2 (Baseline)"]
    assert run.outcome == ImportRun.Outcome.PARTIAL
    assert report.created == ENTRIES - 2
    assert report.skipped == 2
    assert report.handled == ROWS
    assert not listed().filter(name="Baseline").exists()


def test_an_edited_row_updates_its_entry_only(empty_catalogue, page, tmp_path, file_server):
    base = file_server(tmp_path)
    html = page.read_text(encoding="utf-8")
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    import_page(f"{base}/page.html")
    old = "<td>Online decision-making app</td>"
    assert html.count(old) == 1
    (tmp_path / "page.html").write_text(html.replace(old, "<td>Decision-making, Governance</td>"), "utf-8")

    report, _run = import_page(f"{base}/page.html")
    assert (report.created, report.updated, report.unchanged) == (0, 1, ENTRIES - 1)
    loomio = listed().get(name="Loomio")
    assert {a.slug for a in loomio.activities.all()} == {"decision-making", "governance"}


def test_rows_other_sources_list_wait_for_an_editor(catalogue_loaded, listing_url, tmp_path):
    # The seed catalogue lists Loomio at loomio.com, IoO at loomio.org: one entry.
    loomio = Entry.objects.get(name="Loomio", source_records__source__slug="ioo")
    before = (loomio.name, loomio.website, loomio.summary, loomio.live)

    # Under an untrusted source, its Loomio waits for an editor beside the existing one.
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config["source"].update(slug="untrusted-tech-coops", trusted=False)
    path = tmp_path / "untrusted.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    report, _run = run_import("html", config=str(path), url=listing_url)
    assert report.errors == []
    assert report.created + report.updated == ENTRIES
    ours = Entry.objects.get(name="Loomio", source_records__source__slug="untrusted-tech-coops")
    assert ours.pk != loomio.pk and ours.needs_review
    assert DuplicateCandidate.objects.filter(entry=ours, other=loomio).exists()
    loomio.refresh_from_db()
    assert (loomio.name, loomio.website, loomio.summary, loomio.live) == before


def test_rows_of_a_trusted_listing_merge_into_existing_entries(catalogue_loaded, listing_url, tmp_path):
    loomio = Entry.objects.get(name="Loomio", source_records__source__slug="ioo")
    before = (loomio.name, loomio.website, loomio.summary, loomio.live)
    # tech-coops.xyz is trusted: its rows merge into existing entries and fill only what is empty.
    report, _run = import_page(listing_url)
    assert report.errors == [] and report.updated >= 1
    assert report.created + report.updated == ENTRIES
    loomio.refresh_from_db()
    assert loomio.source_records.filter(source__slug=SLUG).exists()
    assert (loomio.name, loomio.website, loomio.summary, loomio.live) == before


def test_a_config_given_by_path_and_the_snapshots_folder(empty_catalogue, shared_data, settings, tmp_path):
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config["source"]["slug"] = "my-tech-coops"
    config["source"]["trusted"] = True
    path = tmp_path / "my-listing.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    settings.PORTAL_SNAPSHOTS = str(shared_data)

    report, run = run_import("html", config=str(path))
    assert run.location.endswith("html/listings/tech-coops-xyz.html")
    assert (run.source, report.created, report.errors) == ("my-tech-coops", ENTRIES, [])
    assert Entry.objects.filter(source_records__source__slug="my-tech-coops", live=True).count() == ENTRIES


def test_duplicates_can_be_reported_instead_of_merged(empty_catalogue, page, tmp_path):
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config["source"]["slug"] = "strict-tech-coops"
    config["duplicates"] = "report"
    path = tmp_path / "strict.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

    report, _run = run_import("html", config=str(path), file=str(page))
    assert report.handled == ROWS and report.created == ENTRIES
    assert report.errors == [
        {
            "record": "id zinc.coop (Zinc Collective)",
            "reason": "listed twice in this source under the id 'zinc.coop'",
        }
    ]


def test_bad_configs_fail_with_a_reason(empty_catalogue, page, tmp_path):
    report, run = run_import("html", file=str(page))
    assert run.outcome == ImportRun.Outcome.FAILED and "needs --config" in run.message

    report, run = run_import("html", config="no-such-listing", file=str(page))
    assert run.outcome == ImportRun.Outcome.FAILED and "no-such-listing" in run.message

    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config["source"]["slug"] = "ioo"
    (tmp_path / "clash.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    report, run = run_import("html", config=str(tmp_path / "clash.yaml"), file=str(page))
    assert run.outcome == ImportRun.Outcome.FAILED and "built-in" in run.message

    config["source"]["slug"] = "typos"
    config["columns"]["Notes"] = "sumary"
    config["constants"]["colour"] = "red"
    (tmp_path / "typos.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    report, run = run_import("html", config=str(tmp_path / "typos.yaml"), file=str(page))
    assert [e["record"] for e in report.errors] == ["config"]
    assert "'sumary'" in report.errors[0]["reason"] and "'colour'" in report.errors[0]["reason"]
    assert report.created == 0 and Entry.objects.count() == 0

    config["columns"]["Notes"] = "summary"
    del config["constants"]["colour"]
    config["tables"] = "table.no-such-class"
    (tmp_path / "typos.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    report, run = run_import("html", config=str(tmp_path / "typos.yaml"), file=str(page))
    assert [e["record"] for e in report.errors] == ["page"]
    assert "has the page changed?" in report.errors[0]["reason"]
