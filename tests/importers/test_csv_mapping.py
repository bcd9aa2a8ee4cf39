"""Any spreadsheet plus a YAML mapping: the Murmurations batch-import sheet and home-made ones."""

from __future__ import annotations

import pytest
import yaml

from directory.models import Entry, Source, SourceRecord
from importers.models import ImportRun
from importers.records import Record, RecordError
from importers.runner import run_import
from importers.sources.csv_mapping import CsvMappingSource

pytestmark = pytest.mark.django_db

FRENCH_MAPPING = {
    "source": {
        "slug": "cooperatives-fr",
        "name": "Annuaire des coopératives (essai)",
        "licence": "Licence Ouverte 2.0",
        "attribution": "Les contributeurs de l'annuaire",
        "trusted": True,
    },
    "id_column": "Numéro",
    "columns": {
        "Nom": "name",
        "Site web": "website",
        "Ville": "place",
        "Pays": "country",
        "Secteurs": "activities",
        "Statut": "status",
        "Salariés": "workers_count",
        "Année": "founded_year",
        "Sociétaires": "member_classes",
        "Présentation": ["description"],
    },
    "value_maps": {
        "status": {"En activité": "active", "En sommeil": "on_hold", "Fermée": "completed"},
        "member_classes": {"Salariés": "worker", "Usagers": "user", "Producteurs": "producer"},
    },
    "separators": {"activities": "/"},
    "constants": {"organisation_type": "cooperative", "tags": ["essai-import"]},
    "identifiers": {"SIREN": "siren"},
}
# Windows-1252, semicolons, as a French spreadsheet program saves it.
FRENCH_ROWS = [
    "Numéro;Nom;Site web;Ville;Pays;Secteurs;Statut;Salariés;Année;Sociétaires;Présentation;SIREN",
    "1;Coopérative Œuvre Commune;oeuvre-commune.fr;Lyon;France;Édition / Numérique;En activité;12;2015;"
    'Salariés, Usagers;"Une maison d\'édition ""numérique"";\nà Lyon.";',
    "2;Señora Café;https://senoracafe.es;Sevilla;ES;Hostelería;en sommeil;8;2019;Producteurs;;",
    "3;;https://sans-nom.example.org;Paris;France;;En activité;;;;;",
    "4;Le Bon Débit;http://lebondebit.coop;Nantes;France;Télécoms;Inconnu;environ cinq;autrefois;"
    "Salariés;;123456789",
]


def write(path, text: str, encoding: str = "utf-8") -> str:
    path.write_bytes(text.encode(encoding))
    return str(path)


def write_mapping(path, mapping: dict) -> str:
    return write(path, yaml.safe_dump(mapping, allow_unicode=True))


def entries(slug: str):
    return Entry.objects.filter(source_records__source__slug=slug)


def test_the_example_mapping_imports_the_murmurations_sheet(empty_catalogue, shared_data, file_server):
    base = file_server(shared_data / "murmurations")
    url = f"{base}/organizations_schema-v1.0.0-example-import.csv"
    report, run = run_import("csv", config="example-mapping", url=url)

    assert run.outcome == ImportRun.Outcome.OK, report.errors
    assert (run.source, report.created, report.errors) == ("murmurations-sheet", 1, [])
    entry = entries("murmurations-sheet").get()
    assert entry.name == "Example Company"
    assert entry.other_names == ["eg"]
    assert entry.website == "https://example.com/"
    assert entry.summary == "Our mission is to do X"
    assert entry.description == "<p>This is an example Organisation</p>"
    assert (entry.status, entry.geographic_scope) == ("active", "international")
    assert (entry.country, entry.latitude, entry.longitude) == ("US", 34.068321, -118.406967)
    assert entry.address == "1 The street, The Village, The Town, Country 90210"
    assert entry.founded_year == 2022  # starts_at 1651848477, a Unix time
    assert entry.logo_url == "https://example.com/example.jpg"
    assert entry.organisation_type.slug == "cooperative"
    assert sorted(t.name for t in entry.tags.all()) == [
        "College",
        "Private limited company",
        "School",
        "University",
    ]
    assert entry.links == [
        {"label": "Facebook", "url": "https://facebook.com/example"},
        {"label": "Instagram", "url": "https://instagram.com/example"},
    ]
    record = entry.source_records.get()
    assert record.external_id == "1"
    assert record.raw["telephone"] == "001 310 276 2251"  # unmapped columns stay in provenance
    assert not entry.live  # the example's source is not trusted

    again, _run = run_import("csv", config="example-mapping", url=url)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_windows_1252_sheet_with_semicolons(empty_catalogue, tmp_path, file_server):
    write_mapping(tmp_path / "annuaire.yaml", FRENCH_MAPPING)
    write(tmp_path / "annuaire.csv", "\r\n".join(FRENCH_ROWS) + "\r\n", encoding="cp1252")
    base = file_server(tmp_path)

    report, run = run_import("csv", config=str(tmp_path / "annuaire.yaml"), url=f"{base}/annuaire.csv")
    assert run.outcome == ImportRun.Outcome.PARTIAL
    assert report.errors == [{"record": "line 5", "reason": "no name"}]  # the quoted newline: line 5
    assert report.created == 3
    source = Source.objects.get(slug="cooperatives-fr")
    assert (source.name, source.licence, source.trusted) == (
        "Annuaire des coopératives (essai)",
        "Licence Ouverte 2.0",
        True,
    )

    oeuvre = entries("cooperatives-fr").get(name="Coopérative Œuvre Commune")
    assert oeuvre.live  # a trusted source publishes at once
    assert oeuvre.website == "http://oeuvre-commune.fr/"
    assert (oeuvre.country, oeuvre.locality) == ("FR", "Lyon")
    assert {a.slug for a in oeuvre.activities.all()} == {"edition", "numerique"}
    assert {m.slug for m in oeuvre.member_classes.all()} == {"worker", "user"}
    assert (oeuvre.status, oeuvre.workers_count, oeuvre.founded_year) == ("active", 12, 2015)
    assert oeuvre.description == '<p>Une maison d\'édition "numérique";<br/>à Lyon.</p>'  # a quoted newline
    assert oeuvre.summary == 'Une maison d\'édition "numérique"; à Lyon.'
    assert [t.name for t in oeuvre.tags.all()] == ["essai-import"]
    assert oeuvre.organisation_type.slug == "cooperative"

    senora = entries("cooperatives-fr").get(name="Señora Café")
    assert (senora.country, senora.locality, senora.status) == (
        "ES",
        "Sevilla",
        "on_hold",
    )  # value maps ignore case
    assert [m.slug for m in senora.member_classes.all()] == ["producer"]

    debit = entries("cooperatives-fr").get(name="Le Bon Débit")
    assert (debit.status, debit.workers_count, debit.founded_year) == ("active", None, None)
    reasons = [w["reason"] for w in report.warnings if "Le Bon Débit" in w["record"]]
    assert any("'Inconnu'" in r for r in reasons)
    assert any("'environ cinq'" in r for r in reasons)
    assert any("'autrefois'" in r for r in reasons)
    ids = set(
        SourceRecord.objects.filter(source__slug="cooperatives-fr").values_list("external_id", flat=True)
    )
    assert ids == {"1", "2", "4"}


def test_register_ids_come_from_the_identifiers_columns(tmp_path):
    adapter = CsvMappingSource(write_mapping(tmp_path / "annuaire.yaml", FRENCH_MAPPING))
    data = ("\r\n".join(FRENCH_ROWS) + "\r\n").encode("cp1252")
    items = list(adapter.parse(data, "annuaire.csv"))
    records = {item.name: item for item in items if isinstance(item, Record)}
    assert records["Le Bon Débit"].identifiers == {"siren": "123456789"}
    assert records["Señora Café"].identifiers == {}
    assert [item.record for item in items if isinstance(item, RecordError)] == ["line 5"]


def test_a_utf8_sheet_with_a_bom_and_tabs_and_no_id_column(empty_catalogue, tmp_path):
    mapping = {
        "source": {"slug": "tab-sheet", "name": "A tab-separated sheet", "licence": "CC0-1.0"},
        "columns": {"Organisation": "name", "Web": "website", "Where": "place", "Tags": "tags"},
    }
    rows = [
        "Organisation\tWeb\tWhere\tTags",
        "Coopérative Bâtir Ensemble\thttps://batir.coop\tMontréal, Québec\tlogement; construction",
        "Kooperativa Zdravo\twww.zdravo.hr\tZagreb, Croatia\tzdravlje",
        "Remote Makers Collective\thttps://remotemakers.example.org\tWorldwide\t",
    ]
    sheet = write(tmp_path / "sheet.tsv", "\ufeff" + "\n".join(rows) + "\n")
    config = write_mapping(tmp_path / "tabs.yaml", mapping)

    report, run = run_import("csv", config=config, file=sheet)
    assert (report.created, report.errors) == (3, [])
    batir = entries("tab-sheet").get(name="Coopérative Bâtir Ensemble")
    assert (batir.country, batir.region, batir.locality) == ("CA", "Quebec", "Montréal")
    assert sorted(t.name for t in batir.tags.all()) == ["construction", "logement"]
    assert batir.source_records.get().external_id == "cooperative-batir-ensemble"  # the slug of the name
    zdravo = entries("tab-sheet").get(name="Kooperativa Zdravo")
    assert (zdravo.website, zdravo.country) == ("http://www.zdravo.hr/", "HR")
    remote = entries("tab-sheet").get(name="Remote Makers Collective")
    assert (remote.country, remote.geographic_scope) == ("", "international")

    again, _run = run_import("csv", config=config, file=sheet)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_unknown_fields_in_the_mapping_are_one_clear_error(empty_catalogue, tmp_path):
    mapping = dict(FRENCH_MAPPING)
    mapping["columns"] = {**FRENCH_MAPPING["columns"], "Nom": "nmae", "Ville": {"field": "ville"}}
    mapping["value_maps"] = {"colour": {"rouge": "red"}}
    mapping["constants"] = {"sector": "tech"}
    config = write_mapping(tmp_path / "typos.yaml", mapping)
    sheet = write(tmp_path / "annuaire.csv", "\r\n".join(FRENCH_ROWS), encoding="cp1252")

    report, run = run_import("csv", config=config, file=sheet)
    assert [e["record"] for e in report.errors] == ["mapping"]
    reason = report.errors[0]["reason"]
    for name in ("'nmae'", "'ville'", "'colour'", "'sector'"):
        assert name in reason, name
    assert "no column is mapped to 'name'" in reason
    assert report.created == 0 and Entry.objects.count() == 0
    assert run.outcome == ImportRun.Outcome.PARTIAL


def test_mapped_columns_missing_from_the_file_are_named(empty_catalogue, tmp_path):
    mapping = {"source": {"slug": "short-sheet"}, "columns": {"Name": "name", "Homepage": "website"}}
    config = write_mapping(tmp_path / "short.yaml", mapping)
    sheet = write(tmp_path / "short.csv", "Name,Website\nCoopCycle,https://coopcycle.org\n")
    report, _run = run_import("csv", config=config, file=sheet)
    assert report.errors == [
        {
            "record": "mapping",
            "reason": "columns not in the file: 'Homepage'; the file has: 'Name', 'Website'",
        }
    ]
    assert report.created == 0


def test_without_a_usable_mapping_the_run_fails(empty_catalogue, tmp_path):
    sheet = write(tmp_path / "sheet.csv", "Name\nCoopCycle\n")
    _report, run = run_import("csv", file=sheet)
    assert run.outcome == ImportRun.Outcome.FAILED and "needs --config" in run.message
    _report, run = run_import("csv", config=str(tmp_path / "missing.yaml"), file=sheet)
    assert run.outcome == ImportRun.Outcome.FAILED and "missing.yaml" in run.message
    write(tmp_path / "list.yaml", "- just\n- a list\n")
    _report, run = run_import("csv", config=str(tmp_path / "list.yaml"), file=sheet)
    assert run.outcome == ImportRun.Outcome.FAILED and "not a YAML mapping" in run.message
    assert Entry.objects.count() == 0
