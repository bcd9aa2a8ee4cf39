"""The portal's own seed catalogue (directory/seed/catalogue.yaml), written by this project."""

from __future__ import annotations

from pathlib import Path

import yaml

from directory.text import clean_text, text_to_html

from ..records import Record, RecordError, normalise_url
from .base import ListingSource

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

    def location(self, file=None, url=None):
        return str(file or url or SEED_FILE)

    def parse(self, data: bytes, location: str = ""):
        try:
            document = yaml.safe_load(self.text(data)) or {}
        except yaml.YAMLError as error:
            yield RecordError(record="file", reason=f"not valid YAML: {error}")
            return
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
            try:
                yield Record(
                    source=self.slug,
                    external_id=str(item["external_id"]),
                    fields=fields,
                    raw=item,
                    line=index,
                )
            except ValueError as error:
                yield RecordError(record=f"entry {index} ({item.get('name')})", reason=str(error))
