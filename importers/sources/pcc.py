"""The Platform Cooperativism Consortium directory (directory.platform.coop).

Its code (platform-coop-toolkit/coop-map-directory-index, Django REST framework with
rest_framework_gis) serves a read-only GeoJSON FeatureCollection at /api/organizations:
one Feature per organisation, its fields in `properties`, its point in `geometry`
([longitude, latitude]). A paginated answer carries a `next` address, which we follow.
No dump of it is published, and its data carries no licence, so the source is not
trusted: new entries wait in the review queue.

The directory was seeded from the Internet of Ownership data, so most of its entries
merge into existing ones (by website domain or exact name) and only fill their gaps.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from django_countries import countries

from directory.models import GeographicScope, Status
from directory.taxonomies import CATEGORIES, MEMBER_CLASSES
from directory.text import clean_text, make_slug

from ..records import Record, RecordError, domain_of
from .base import ListingSource, SourceUnavailable
from .fields import FieldBuilder, country_code, to_int, to_year

MAX_PAGES = 1000
# The directory's "stage" of development -> our status (the Murmurations values).
STAGES = [
    (re.compile(r"cancel|abandon|failed|never launched", re.I), Status.CANCELLED),
    (re.compile(r"clos|defunct|dissolv|ended|complet|shut|wound up", re.I), Status.COMPLETED),
    (re.compile(r"dormant|inactive|paus|on hold|hiatus|suspend", re.I), Status.ON_HOLD),
    (
        re.compile(
            r"idea|concept|planning|in development|developing|prototype|pilot|pre-?launch|forming|"
            r"incubat|starting|converting",
            re.I,
        ),
        Status.IN_PLANNING,
    ),
    (
        re.compile(r"active|operat|establish|launch|grow|matur|scal|running|stable|start-?up", re.I),
        Status.ACTIVE,
    ),
]
CATEGORY_ALIASES = {
    "platform-cooperative": "platform-co-op",
    "platform-coop": "platform-co-op",
    "platform-co-operative": "platform-co-op",
    "cooperative": "co-operative",
    "coop": "co-operative",
    "co-op": "co-operative",
    "co-op-run-platforms": "co-op-run-platform",
    "shared-platforms": "shared-platform",
    "supporters": "supporter",
}
# "Worker co-op", "Multi-stakeholder cooperative" -> a member class, not a category.
MEMBER_CLASS_CATEGORY = re.compile(r"^(.+?)[\s-]+(?:co-?op(?:erative)?s?|co-operatives?)$", re.I)
TYPES = {
    "cooperative": "cooperative",
    "co-operative": "cooperative",
    "co-op": "cooperative",
    "coop": "cooperative",
    "organization": "organisation",
    "organisation": "organisation",
    "company": "company",
    "business": "company",
    "individual": "individual",
    "resource": "resource",
}


class PccSource(ListingSource):
    slug = "pcc"
    name = "Platform Cooperativism Consortium directory"
    homepage = "https://directory.platform.coop/"
    licence = "not stated"
    attribution = "Platform Cooperativism Consortium, directory.platform.coop"
    trusted = False
    url = "https://directory.platform.coop/api/organizations"
    snapshot = ""  # no dump is published: without --file or --url, read the live API

    # ------------------------------------------------------------------ pages
    def pages(self, data: bytes, location: str):
        """(page number, decoded page) for the first page and every `next` one after it."""
        seen = {location}
        number, document = 1, self.decode(data)
        while True:
            yield number, document
            next_url = document.get("next") if isinstance(document, dict) else None
            if not next_url:
                return
            next_url = urljoin(location, str(next_url))
            if next_url in seen:
                raise ValueError(f"page {number} points back to {next_url} as its next page")
            if number >= MAX_PAGES:
                raise ValueError(f"more than {MAX_PAGES} pages; stopped")
            seen.add(next_url)
            number += 1
            try:
                document = self.decode(self.fetch(next_url).content)
            except SourceUnavailable as error:
                raise ValueError(f"page {number} could not be read: {error}") from error
            location = next_url

    def decode(self, data: bytes):
        try:
            return json.loads(self.text(data))
        except json.JSONDecodeError as error:
            raise ValueError(f"not JSON: {error}") from error

    @staticmethod
    def features(document) -> list:
        """The features of a page: a FeatureCollection, or DRF's {"results": ...} around one."""
        if isinstance(document, dict) and isinstance(document.get("results"), (dict, list)):
            document = document["results"]
        if isinstance(document, list):
            return document
        if isinstance(document, dict) and isinstance(document.get("features"), list):
            return document["features"]
        raise ValueError("no GeoJSON features: is this the directory's /api/organizations?")

    def parse(self, data: bytes, location: str = ""):
        number = 0
        try:
            for page, document in self.pages(data, location):
                for index, feature in enumerate(self.features(document), start=1):
                    number += 1
                    where = f"page {page} feature {index}"
                    try:
                        yield self.normalise(feature)
                    except ValueError as error:
                        name = ""
                        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
                            name = clean_text(feature["properties"].get("name"))
                        yield RecordError(record=f"{where} ({name})" if name else where, reason=str(error))
        except ValueError as error:
            yield RecordError(record=f"after feature {number}" if number else "file", reason=str(error))

    # -------------------------------------------------------------- a feature
    def normalise(self, feature) -> Record:
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            raise ValueError("not a GeoJSON Feature with properties")
        props = feature["properties"]
        name = clean_text(props.get("name"))
        if not name:
            raise ValueError("no name")
        builder = FieldBuilder()
        builder.add("name", name)
        builder.add("website", props.get("url"))
        builder.add("description", props.get("description"))
        builder.add("logo_url", props.get("logo_url"))
        builder.add("source_code_url", props.get("code_url"))
        builder.add("legal_form", _text(props.get("legal_status")))
        builder.add("tools", [_text(t) for t in _items(props.get("tools"))])
        builder.add("activities", [_text(s) for s in _items(props.get("sectors"))])
        builder.add("languages", _items(props.get("languages")))
        builder.add("address", props.get("address"))

        kind = _text(props.get("type"))
        if kind:
            folded = kind.casefold()
            builder.add(
                "organisation_type",
                TYPES.get(folded) or next((v for k, v in TYPES.items() if k in folded), kind),
            )
        self.categories(builder, _items(props.get("categories")))

        for key, field_name in (("num_members", "members_count"), ("num_workers", "workers_count")):
            value = props.get(key)
            if value not in (None, ""):
                count = to_int(value)
                if count is None:
                    builder.warn(f"{key} {value!r} is not a number; left out")
                builder.add(field_name, count)
        founded = props.get("founded")
        if founded not in (None, ""):
            year = to_year(founded)
            if year is None:
                builder.warn(f"founded {founded!r} holds no year; left out")
            builder.add("founded_year", year)

        stage = _text(props.get("stage"))
        if stage:
            status = next((s for pattern, s in STAGES if pattern.search(stage)), None)
            if status is None:
                builder.warn(f"stage {stage!r} is not one we know; status left as it was")
            else:
                builder.add("status", status.value)
        scope = _text(props.get("geo_scope")).lower()
        if scope:
            if scope in GeographicScope.values:
                builder.add("geographic_scope", scope)
            else:
                builder.warn(f"geographic scope {scope!r} is not one of ours; left out")

        # Place: the country as given (a code or a name), city and state as free text.
        latitude, longitude = props.get("lat"), props.get("lng")
        geometry = feature.get("geometry")
        if (latitude in (None, "") or longitude in (None, "")) and isinstance(geometry, dict):
            coordinates = geometry.get("coordinates")
            if geometry.get("type") == "Point" and isinstance(coordinates, list) and len(coordinates) >= 2:
                longitude, latitude = coordinates[0], coordinates[1]  # GeoJSON is [lng, lat]
        builder.add("latitude", latitude)
        builder.add("longitude", longitude)
        country_text, code = _text(props.get("country")), None
        if country_text:
            code = country_code(country_text)
            if code is None:
                builder.warn(f"country {country_text!r} is not one we know; left out")
            builder.add("country", code)
        city, state = clean_text(props.get("city")), clean_text(props.get("state"))
        # The country by name: "Victoria, BC, CA" would read as California.
        country_name = str(countries.name(code)) if code else country_text
        builder.add("place", ", ".join(p for p in (city, state, country_name) if p))
        fields, warnings = builder.finish()
        if city:
            fields.setdefault("locality", city)
        if state:
            fields.setdefault("region", state)

        identifier = feature.get("id", props.get("id"))
        if identifier not in (None, ""):
            external_id = str(identifier)
            record_url = f"{self.homepage}organizations/{external_id}"
        else:
            external_id = domain_of(fields.get("website", "")) or make_slug(name, max_length=255)
            record_url = self.homepage
        raw = {k: v for k, v in props.items() if v not in (None, "", [], {})}
        if identifier not in (None, ""):
            raw.setdefault("id", identifier)
        if isinstance(geometry, dict):
            raw["geometry"] = geometry
        return Record(
            source=self.slug,
            external_id=external_id,
            fields=fields,
            raw=raw,
            record_url=record_url,
            warnings=warnings,
        )

    @staticmethod
    def categories(builder: FieldBuilder, values: list):
        """Our category where one matches, member classes for "Worker co-op" and the like, else tags."""
        for value in values:
            text = _text(value)
            if not text:
                continue
            slug = make_slug(text, max_length=100)
            slug = CATEGORY_ALIASES.get(slug, slug)
            if slug in CATEGORIES:
                if "category" in builder.fields:
                    builder.add("tags", text)  # one category per entry; the others are kept as tags
                else:
                    builder.add("category", slug)
                continue
            match = MEMBER_CLASS_CATEGORY.match(text)
            if match:
                member_class = make_slug(match.group(1))
                member_class = {"multistakeholder": "multi-stakeholder"}.get(member_class, member_class)
                if member_class not in MEMBER_CLASSES and member_class.rstrip("s") in MEMBER_CLASSES:
                    member_class = member_class.rstrip("s")  # "Workers co-op"
                if member_class in MEMBER_CLASSES:
                    builder.add("member_classes", member_class)
                    continue
            builder.add("tags", text)


def _items(value) -> list:
    """A list from a list, a comma-separated string or a single value."""
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [v for v in value if v not in (None, "")]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [value]


def _text(value) -> str:
    """The name of a related object, whether the API gives a string or {"name": ...}."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("iso_name") or value.get("spdx") or ""
    return clean_text(value)
