"""The published catalogue as CSV, JSON and GeoJSON, streamed in chunks.

A catalogue of 100,000 entries must not sit in memory: entries are read by primary key in chunks
of ``CHUNK`` (keyset paging, so a chunk costs the same at the end as at the start), each chunk
with its vocabularies and provenance in a fixed number of queries, and written out as it goes.

Every row says which sources it comes from and under which licence (the ``sources`` column in
CSV, a ``sources`` list in JSON and GeoJSON), and the JSON documents and the export index list
each contributing source with its licence and attribution. No personal data: the contact e-mail,
editors' notes and the sources' raw records are never read.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import DirectoryPage, Entry, EntryTag, Source, SourceRecord
from .text import html_to_text, spreadsheet_safe

CHUNK = 1000
EDITORS = "Co-op Portal editors"
LICENCE_NOTE = _(
    "Each entry is built from the public listings named in its sources, under those listings' "
    "licences: credit each source as its attribution says when you reuse its rows. Entries with no "
    "source were written by the portal's editors."
)
CSV_COLUMNS = [
    "slug",
    "name",
    "web_url",
    "summary",
    "description",
    "website",
    "status",
    "category",
    "organisation_type",
    "legal_form",
    "activities",
    "member_classes",
    "tags",
    "other_names",
    "founded_year",
    "members_count",
    "workers_count",
    "geographic_scope",
    "address",
    "locality",
    "region",
    "country",
    "latitude",
    "longitude",
    "languages",
    "source_code_url",
    "logo_url",
    "updated_at",
    "sources",
]


def source_info(source: Source) -> dict:
    return {
        "slug": source.slug,
        "name": source.name,
        "homepage": source.homepage,
        "licence": source.licence or "not stated",
        "attribution": source.attribution,
    }


def licence_statement(sources: list[dict]) -> str:
    """One line naming each source with its licence and attribution, for a CSV cell."""
    if not sources:
        return EDITORS
    parts = []
    for source in sources:
        text = f"{source['name']} (licence: {source['licence']}"
        if source.get("attribution"):
            text += f"; attribution: {source['attribution']}"
        parts.append(text + ")")
    return " | ".join(parts)


def contributing_sources() -> list[dict]:
    """The sources that published entries come from, with how many entries each."""
    sources = Source.objects.annotate(
        entries=Count("records__entry", filter=Q(records__entry__live=True), distinct=True)
    ).filter(entries__gt=0)
    return [{**source_info(source), "entries": source.entries} for source in sources.order_by("name")]


def _grouped(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for key, value in rows:
        grouped.setdefault(key, []).append(value)
    return grouped


def iter_entries(located_only: bool = False, chunk: int | None = None) -> Iterator[Entry]:
    """Published entries by primary key, ``chunk`` at a time, with what an export row shows.

    A chunk costs five queries: its entries (with category, type and legal form joined), then the
    names of its activities, member classes and tags and its source ids, as plain value lists;
    Django's prefetching would build a queryset per entry for the tags (a third of the time).
    """
    chunk = chunk or CHUNK
    queryset = Entry.objects.published()
    if located_only:
        queryset = queryset.filter(latitude__isnull=False, longitude__isnull=False)
    queryset = (
        queryset.select_related("category", "organisation_type", "legal_form")
        .defer("contact_email", "review_note", "field_origins")
        .order_by("pk")
    )
    activities = Entry.activities.through.objects
    members = Entry.member_classes.through.objects
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last)[:chunk])
        if not rows:
            return
        ids = [entry.pk for entry in rows]
        by_activity = _grouped(
            activities.filter(entry_id__in=ids)
            .order_by("activity__name")
            .values_list("entry_id", "activity__name")
        )
        by_member = _grouped(
            members.filter(entry_id__in=ids)
            .order_by("memberclass__name")
            .values_list("entry_id", "memberclass__name")
        )
        by_tag = _grouped(
            EntryTag.objects.filter(content_object_id__in=ids)
            .order_by("tag__name")
            .values_list("content_object_id", "tag__name")
        )
        by_source = _grouped(
            SourceRecord.objects.filter(entry_id__in=ids)
            .order_by("source_id")
            .values_list("entry_id", "source_id")
        )
        for entry in rows:
            entry.export_activities = by_activity.get(entry.pk, [])
            entry.export_member_classes = by_member.get(entry.pk, [])
            entry.export_tags = by_tag.get(entry.pk, [])
            entry.export_source_ids = by_source.get(entry.pk, [])
        yield from rows
        last = rows[-1].pk


class Exporter:
    """Turns entries into export records; knows the sources and the public page's address."""

    def __init__(self, base_url: str = ""):
        page = DirectoryPage.objects.live().first()
        self.directory_url = base_url.rstrip("/") + (page.url if page and page.url else "/directory/")
        self.sources = {source.pk: source_info(source) for source in Source.objects.all()}

    def record(self, entry: Entry) -> dict:
        seen = dict.fromkeys(entry.export_source_ids)
        sources = [self.sources[pk] for pk in seen if pk in self.sources]
        return {
            "slug": entry.slug,
            "name": entry.name,
            "web_url": f"{self.directory_url}{entry.slug}/",
            "summary": entry.summary,
            "description": html_to_text(entry.description) if entry.description else "",
            "website": entry.website,
            "status": entry.status,
            "category": entry.category.name if entry.category_id else "",
            "organisation_type": entry.organisation_type.name if entry.organisation_type_id else "",
            "legal_form": entry.legal_form.name if entry.legal_form_id else "",
            "activities": entry.export_activities,
            "member_classes": entry.export_member_classes,
            "tags": entry.export_tags,
            "other_names": list(entry.other_names or []),
            "founded_year": entry.founded_year,
            "members_count": entry.members_count,
            "workers_count": entry.workers_count,
            "geographic_scope": entry.geographic_scope,
            "address": entry.address,
            "locality": entry.locality,
            "region": entry.region,
            "country": entry.country.code if entry.country else "",
            "latitude": entry.latitude,
            "longitude": entry.longitude,
            "languages": list(entry.languages or []),
            "source_code_url": entry.source_code_url,
            "logo_url": entry.logo_url,
            "updated_at": entry.updated_at.isoformat(),
            "sources": sources,
        }

    def header(self) -> dict:
        return {
            "title": "Co-op Portal: published directory entries",
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "licence_note": str(LICENCE_NOTE),
            "sources": contributing_sources(),
        }

    # ----------------------------------------------------------------- CSV
    def csv_rows(self) -> Iterator[str]:
        buffer = _Line()
        writer = csv.writer(buffer)
        yield "\ufeff" + writer.writerow(CSV_COLUMNS)  # BOM: spreadsheets then read UTF-8
        for entry in iter_entries():
            row = self.record(entry)
            row["sources"] = licence_statement(row["sources"])
            yield writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])

    # ---------------------------------------------------------------- JSON
    def json_chunks(self) -> Iterator[str]:
        head = json.dumps(self.header(), ensure_ascii=False)
        yield head[:-1] + ', "entries": ['
        for index, entry in enumerate(iter_entries()):
            yield ("," if index else "") + "\n" + json.dumps(self.record(entry), ensure_ascii=False)
        yield "\n]}\n"

    def geojson_chunks(self) -> Iterator[str]:
        """A FeatureCollection of the entries with coordinates (RFC 7946; foreign members for licences)."""
        head = json.dumps({"type": "FeatureCollection", **self.header()}, ensure_ascii=False)
        yield head[:-1] + ', "features": ['
        for index, entry in enumerate(iter_entries(located_only=True)):
            properties = self.record(entry)
            longitude, latitude = properties.pop("longitude"), properties.pop("latitude")
            feature = {
                "type": "Feature",
                "id": entry.slug,
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": properties,
            }
            yield ("," if index else "") + "\n" + json.dumps(feature, ensure_ascii=False)
        yield "\n]}\n"


class _Line:
    """A file-like object whose write returns what was written, so csv.writer yields lines."""

    def write(self, value):
        return value


def _cell(value) -> str:
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    return spreadsheet_safe(value)
