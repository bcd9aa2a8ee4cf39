"""The portal's own seed catalogue (directory/seed/catalogue.yaml), written by this project."""

from __future__ import annotations

from pathlib import Path

import yaml

from directory.text import clean_text, text_to_html

from ..records import Record, RecordError, normalise_url
from .base import ListingSource, LocalFile

SEED_FILE = Path(__file__).resolve().parents[2] / "directory" / "seed" / "catalogue.yaml"
PASSTHROUGH = (
    "summary",
    "organisation_type",
    "legal_form",
    "founded_year",
    "members_count",
    "workers_count",
    "geographic_scope",
    "address",
    "locality",
    "region",
    "latitude",
    "longitude",
)
LISTS = ("other_names", "activities", "member_classes", "languages", "tools", "tags")


class SeedSource(ListingSource):
    slug = "portal-seed"
    name = "Co-op Portal seed catalogue"
    homepage = ""
    licence = "CC0-1.0"
    attribution = "Written by the Co-op Portal contributors"
    trusted = True
    snapshot = ""

    file = SEED_FILE

    def where(self, file=None, url=None):
        if file or url:
            return super().where(file=file, url=url)
        return LocalFile(Path(self.file), "bundled")

    def parse(self, data: bytes, location: str = ""):
        try:
            document = yaml.safe_load(self.text(data)) or {}
        except yaml.YAMLError as error:
            yield RecordError(record="file", reason=f"not valid YAML: {error}")
            return
        if not isinstance(document, dict):
            yield RecordError(record="file", reason="not a YAML mapping")
            return
        yield from self.records(document)

    def records(self, document: dict):
        for index, item in enumerate(document.get("entries") or [], start=1):
            if not isinstance(item, dict) or not item.get("external_id"):
                yield RecordError(record=f"entry {index}", reason="no external_id")
                continue
            fields = {key: item[key] for key in PASSTHROUGH if key in item}
            fields["name"] = clean_text(item.get("name"))
            fields["description"] = text_to_html(item.get("description", ""))
            fields["website"] = normalise_url(item.get("website", ""))
            fields["source_code_url"] = normalise_url(item.get("source_code_url", ""))
            fields["country"] = (item.get("country") or "").upper()
            if item.get("status"):
                fields["status"] = str(item["status"]).replace("-", "_")
            if item.get("category"):
                fields["category"] = item["category"]
            for key in LISTS:
                if item.get(key):
                    fields[key] = [str(v) for v in item[key]]
            fields["links"] = [
                {"label": clean_text(link.get("label")), "url": normalise_url(link.get("url", ""))}
                for link in item.get("links") or []
                if normalise_url(link.get("url", ""))
            ]
            yield self.record(item, index, fields, f"entry {index} ({item.get('name')})")

    def record(self, item: dict, index: int, fields: dict, label: str, **extra) -> Record | RecordError:
        try:
            return Record(
                source=self.slug,
                external_id=str(item["external_id"]),
                fields=fields,
                raw=item,
                line=index,
                **extra,
            )
        except ValueError as error:
            return RecordError(record=label, reason=str(error))


FACTS_FILE = SEED_FILE.with_name("facts.yaml")
FACT_FIELDS = ("country", "region", "locality", "founded_year", "geographic_scope")


class SeedFactsSource(SeedSource):
    """Facts this project's editors add to entries other listings carry without them
    (directory/seed/facts.yaml): each names its entry by the listing that holds it, fills
    only empty fields, and never becomes an entry of its own."""

    slug = "portal-facts"
    name = "Co-op Portal editors' facts"
    attribution = "Checked by the Co-op Portal contributors"

    file = FACTS_FILE

    def records(self, document: dict):
        for index, item in enumerate(document.get("facts") or [], start=1):
            label = f"fact {index}"
            if isinstance(item, dict) and item.get("name"):
                label += f" ({item['name']})"
            listed_as = item.get("listed_as") if isinstance(item, dict) else None
            if not isinstance(item, dict) or not item.get("external_id"):
                yield RecordError(record=label, reason="no external_id")
                continue
            if not (isinstance(listed_as, dict) and listed_as.get("source") and listed_as.get("id")):
                yield RecordError(record=label, reason="no listed_as: {source, id} naming its entry")
                continue
            if not clean_text(item.get("evidence")):
                yield RecordError(record=label, reason="no evidence: say what the facts rest on")
                continue
            fields = {key: item[key] for key in FACT_FIELDS if key in item}
            fields["name"] = clean_text(item.get("name"))
            if "country" in fields:
                fields["country"] = str(fields["country"]).upper()
            yield self.record(
                item,
                index,
                fields,
                label,
                listed_as=(str(listed_as["source"]), str(listed_as["id"])),
                creates_entry=False,
            )
