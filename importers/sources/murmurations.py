"""The Murmurations index: organisation profiles that co-ops publish on their own sites.

How it reads
------------
*Live* (the default ``url``): the index's ``GET /v2/nodes?schema=organizations_schema-v1.0.0``
(``index-api-v2.openapi.yaml``). Each page is ``{"data": [node, ...], "links": {"next": ...},
"meta": {"number_of_results", "total_pages"}}``; pages are followed by ``links.next`` (or, when
a page has none, by ``page=N+1`` up to ``meta.total_pages``), asking for ``page_size=500``, the
maximum, when the address names no page size. Nodes whose ``status`` is anything but
``posted`` (``deleted``, ``post_failed``, ``validation_failed``, ``received``...) are skipped, and
so is a profile listed twice. Every listed ``profile_url`` is then fetched from the node's own
site (through the one HTTP client) and validated.

*Snapshots* (``PORTAL_SNAPSHOTS`` set): the index has no dump, so ``snapshot`` is the folder
``murmurations/profiles``. When the location is a directory, every ``*.json`` profile in it is
read instead of the index. A profile file is named after the address it is published at,
``<host>_<path>`` (``openhaven.net_murmurations.json`` is ``https://openhaven.net/murmurations.json``),
so that a snapshot and a live import give the same record the same id; a file not named so is
known by ``file:<name>``. A ``schemas`` folder next to the profiles folder (as in
``../shared/data/murmurations``) is used as the schema library, so snapshot runs stay offline.
``--file`` may also be one saved index page or one profile.

Validation
----------
Each profile is validated with ``jsonschema`` (draft-07, the dialect the library uses) against
every schema named in its ``linked_schemas``, one of which must be an organisations schema. A
schema is read from the Murmurations library API, ``{library}/schemas/{name}``, where the
library is ``PORTAL_MURMURATIONS_LIBRARY_URL`` (default ``library_url`` below). A library may
also be a plain folder of ``<name>.json`` files with their field files under ``fields/`` (the
layout of ``../shared/data/murmurations/schemas``), over HTTP or on disk. The library API
serves schemas with their fields inlined; a schema that still has ``$ref``s to field files
(``../fields/name.json``) gets them from ``{library}/fields/`` whatever host its ``$id`` names.
Schemas and fields fetched over HTTP are kept in memory for the run and on disk under
``PORTAL_CACHE_DIR/murmurations/`` (default ``var/cache``) for later runs: schema names carry
their version, so a cached copy never goes stale. An invalid profile is reported with the
first few errors (``/path: message``) and not imported; an unreachable one is reported; the
rest go on.

Mapping (organizations_schema-v1.0.0): name; primary_url -> website; urls, rss and
relationships -> links; description; mission -> summary when it is short (300 characters),
else the description summarised; tags; full_address, locality, region, country_iso_3166 or
country_name, geolocation (or latitude/longitude) -> address and place; image -> logo_url;
status (the same vocabulary as ours); geographic_scope; starts_at -> founded_year; nickname ->
other_names; knows_language -> languages. Contact details and telephone stay out (personal
data). The record's id is the profile URL; its identifier ``murmurations`` is the index's node
id, sha256(profile_url).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import jsonschema
import referencing
import referencing.exceptions
import referencing.jsonschema
from django.conf import settings
from django.conf.locale import LANG_INFO
from django_countries import countries

from directory.models import GeographicScope, Status
from directory.text import clean_text, summarise, text_to_html

from .. import geo
from ..records import Record, RecordError, link_label, normalise_url
from .base import ListingSource, LocalFile, SourceUnavailable, WebAddress

logger = logging.getLogger(__name__)

ORGANISATIONS_SCHEMA = "organizations_schema-"
SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{7,97}-v[0-9]+\.[0-9]+\.[0-9]+$")
PAGE_SIZE = 500  # the index's maximum
MAX_PAGES = 1000
MAX_ERRORS_REPORTED = 5
SUMMARY_LIMIT = 300
PERSONAL = ("contact_details", "telephone", "email")
LANGUAGE_NAMES = {info["name"].lower(): code for code, info in LANG_INFO.items() if "name" in info}


def node_id(profile_url: str) -> str:
    """The index's id for a profile: the sha256 of its address, in hex."""
    return hashlib.sha256(profile_url.encode("utf-8")).hexdigest()


def profile_url_from_filename(name: str) -> str:
    """``openhaven.net_murmurations.json`` -> ``https://openhaven.net/murmurations.json``."""
    host, sep, path = name.partition("_")
    if sep and "." in host and path and re.fullmatch(r"[A-Za-z0-9.-]+", host):
        return f"https://{host.lower()}/{path}"
    return f"file:{name}"


def language_code(value) -> str:
    """An ISO 639-1 code from "en", "pt-BR", "en_US" or "English"; '' if unknown."""
    text = clean_text(value)
    if not text:
        return ""
    primary = re.split(r"[-_]", text, maxsplit=1)[0].lower()
    if re.fullmatch(r"[a-z]{2}", primary):
        return primary
    code = LANGUAGE_NAMES.get(text.lower(), "")
    return code.split("-")[0] if len(code.split("-")[0]) == 2 else ""


def _add_query(url: str, **params) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))


def index_url(location: str) -> str:
    """The index's search address asking for the largest pages, unless it names a page size."""
    parts = urlsplit(location)
    if parts.scheme in ("http", "https") and parts.path.rstrip("/").endswith("/nodes"):
        if "page_size" not in dict(parse_qsl(parts.query)):
            return _add_query(location, page_size=PAGE_SIZE)
    return location


class MurmurationsSource(ListingSource):
    slug = "murmurations"
    name = "Murmurations index"
    homepage = "https://murmurations.network/"
    licence = "per profile"
    attribution = "Profiles published by their organisations and listed in the Murmurations index"
    trusted = False
    url = "https://index.murmurations.network/v2/nodes?schema=organizations_schema-v1.0.0"
    snapshot = "murmurations/profiles"
    library_url = "https://library.murmurations.network/v2"

    def __init__(self, config: str | None = None):
        super().__init__(config)
        self._library: str | None = None  # a folder next to snapshot profiles, if any
        self._documents: dict[str, dict] = {}
        self._validators: dict[str, jsonschema.protocols.Validator] = {}
        self._schema_failures: dict[str, str] = {}
        self._failed: dict[str, str] = {}  # library addresses that could not be read, and why
        self._seen: set[str] = set()

    # ------------------------------------------------------------- settings
    @property
    def library(self) -> str:
        configured = getattr(settings, "PORTAL_MURMURATIONS_LIBRARY_URL", None)
        # A snapshot folder brings its own schemas; otherwise the configured library.
        return str(self._library or configured or self.library_url).rstrip("/")

    @property
    def cache_dir(self) -> Path:
        base = getattr(settings, "PORTAL_CACHE_DIR", None) or Path(settings.BASE_DIR) / "var" / "cache"
        return Path(base) / "murmurations"

    # --------------------------------------------------------------- reading
    def read(self, location: str) -> bytes:
        where = self.resolve(location)
        if isinstance(where, LocalFile):
            if where.path.is_dir():
                if not any(where.path.glob("*.json")):
                    raise SourceUnavailable(f"no *.json profiles in {where.path}")
                return b""
            return super().read(where)
        return super().read(WebAddress(index_url(where.url)))

    def _granted_folder(self, location: str) -> Path | None:
        """The folder of profiles location() granted, when `location` names it."""
        granted = self._granted
        if isinstance(granted, LocalFile) and str(location) == str(granted) and granted.path.is_dir():
            return granted.path
        return None

    def parse(self, data: bytes, location: str = "") -> Iterator[Record | RecordError]:
        is_url = location.startswith(("http://", "https://"))
        folder = self._granted_folder(location) if location and not is_url else None
        if folder is not None:
            yield from self.parse_folder(folder)
            return
        try:
            document = json.loads(self.text(data))
        except ValueError as error:
            yield RecordError(record="file", reason=f"not JSON: {error}")
            return
        if isinstance(document, dict) and isinstance(document.get("data"), list):
            yield from self.parse_index(document, location)
        elif isinstance(document, dict) and "linked_schemas" in document:
            profile_url = location if is_url else profile_url_from_filename(Path(location).name)
            yield self.profile_record(document, profile_url)
        else:
            yield RecordError(record="file", reason="neither an index page nor a Murmurations profile")

    def parse_folder(self, folder: Path) -> Iterator[Record | RecordError]:
        schemas = folder.parent / "schemas"
        if schemas.is_dir():
            self._library = str(schemas)
        for path in sorted(folder.glob("*.json")):
            try:
                profile = json.loads(self.text(path.read_bytes()))
            except (OSError, ValueError) as error:
                yield RecordError(record=path.name, reason=f"unreadable profile: {error}")
                continue
            yield self.profile_record(profile, profile_url_from_filename(path.name))

    def parse_index(self, page: dict, location: str) -> Iterator[Record | RecordError]:
        """Every node on this page and the pages after it."""
        current = index_url(location)
        visited = {current}
        for _ in range(MAX_PAGES):
            for node in page.get("data") or []:
                yield from self.node_records(node)
            following = self.next_page(page, current)
            if not following or following in visited:
                return
            visited.add(following)
            try:
                page = json.loads(self.fetch(following).text)
            except SourceUnavailable as error:
                yield RecordError(record=f"index page {following}", reason=f"unreachable ({error})")
                return
            except ValueError as error:
                yield RecordError(record=f"index page {following}", reason=f"not JSON ({error})")
                return
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                yield RecordError(record=f"index page {following}", reason="not an index page")
                return
            current = following
        yield RecordError(record="index", reason=f"stopped after {MAX_PAGES} pages")

    @staticmethod
    def next_page(page: dict, current: str) -> str:
        links = page.get("links") if isinstance(page.get("links"), dict) else {}
        following = links.get("next")
        if isinstance(following, str) and following.strip():
            return urljoin(current, following.strip())
        meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
        total = meta.get("total_pages")
        if not current.startswith(("http://", "https://")) or not isinstance(total, int):
            return ""
        number = dict(parse_qsl(urlsplit(current).query)).get("page", "1")
        number = int(number) if number.isdigit() else 1
        if page.get("data") and number < total:
            return _add_query(current, page=number + 1)
        return ""

    def node_records(self, node) -> Iterator[Record | RecordError]:
        if not isinstance(node, dict):
            yield RecordError(record="index", reason=f"a node that is not an object: {str(node)[:80]}")
            return
        profile_url = str(node.get("profile_url") or "").strip()
        if not profile_url.startswith(("http://", "https://")):
            yield RecordError(record=f"node {node.get('name') or '?'}", reason="no profile_url")
            return
        status = node.get("status")
        if status and status != "posted":
            logger.info("skipping %s: status %s in the index", profile_url, status)
            return
        if profile_url in self._seen:
            return
        self._seen.add(profile_url)
        label = f"{profile_url} ({clean_text(node['name'])})" if node.get("name") else profile_url
        try:
            result = self.fetch(profile_url)
        except SourceUnavailable as error:
            yield RecordError(record=label, reason=f"profile unreachable ({error})")
            return
        try:
            profile = json.loads(result.text)
        except ValueError as error:
            yield RecordError(record=label, reason=f"profile is not JSON ({error})")
            return
        yield self.profile_record(profile, profile_url)

    # ------------------------------------------------------------ validation
    def profile_record(self, profile, profile_url: str) -> Record | RecordError:
        label = profile_url
        if isinstance(profile, dict) and isinstance(profile.get("name"), str) and profile["name"].strip():
            label = f"{profile_url} ({clean_text(profile['name'])})"
        if not isinstance(profile, dict):
            return RecordError(record=label, reason="the profile is not a JSON object")
        names = profile.get("linked_schemas")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            return RecordError(record=label, reason="the profile has no linked_schemas list")
        if not any(name.startswith(ORGANISATIONS_SCHEMA) for name in names):
            return RecordError(
                record=label, reason=f"not an organisation profile (linked schemas: {', '.join(names)})"
            )
        for name in dict.fromkeys(names):
            problem = self.validate(profile, name)
            if problem:
                return RecordError(record=label, reason=problem)
        try:
            return self.normalise(profile, profile_url)
        except (ValueError, TypeError) as error:
            return RecordError(record=label, reason=str(error))

    def validate(self, profile: dict, schema_name: str) -> str:
        """'' if the profile is valid against the schema, else what is wrong with it."""
        try:
            validator = self.validator(schema_name)
        except SourceUnavailable as error:
            return f"schema {schema_name} could not be read: {error}"
        try:
            errors = sorted(validator.iter_errors(profile), key=lambda e: [str(p) for p in e.absolute_path])
        except referencing.exceptions.Unresolvable as error:
            return f"schema {schema_name} refers to a field that could not be read: {error}"
        if not errors:
            return ""
        shown = [f"{'/' + '/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors]
        more = len(shown) - MAX_ERRORS_REPORTED
        text = "; ".join(shown[:MAX_ERRORS_REPORTED]) + (f"; and {more} more" if more > 0 else "")
        return f"invalid against {schema_name}: {text}"

    def validator(self, name: str):
        if name in self._validators:
            return self._validators[name]
        if name in self._schema_failures:
            raise SourceUnavailable(self._schema_failures[name])
        try:
            if not SCHEMA_NAME.match(name):
                raise SourceUnavailable(f"{name!r} is not a schema name")
            location, schema = self.load_schema(name)
            if not isinstance(schema.get("$id"), str):
                # Relative $refs resolve against where the schema was read.
                base = location if "://" in location else Path(location).resolve().as_uri()
                schema = {**schema, "$id": base}
            base = schema["$id"]
            resource = self.resource(schema)
            registry = referencing.Registry(retrieve=self.retrieve).with_resource(base, resource)
            dialect = str(schema.get("$schema", "")).replace("https://", "http://")
            cls = jsonschema.validators.validator_for(
                {"$schema": dialect}, default=jsonschema.Draft7Validator
            )
            try:
                cls.check_schema(schema)
            except jsonschema.SchemaError as error:
                raise SourceUnavailable(f"not a valid JSON Schema ({error.message})") from error
        except SourceUnavailable as error:
            self._schema_failures[name] = str(error)
            raise
        validator = cls(schema, registry=registry)
        self._validators[name] = validator
        return validator

    @staticmethod
    def resource(contents: dict) -> referencing.Resource:
        # Murmurations schemas say "https://json-schema.org/draft-07/schema#", which the
        # dialect tables (http://...) do not know: treat anything unknown as draft-07.
        dialect = str(contents.get("$schema", "")).replace("https://", "http://")
        specification = referencing.jsonschema.specification_with(
            dialect, default=referencing.jsonschema.DRAFT7
        )
        return specification.create_resource(contents)

    def load_schema(self, name: str) -> tuple[str, dict]:
        """(where it was read, the schema) of a schema in the library."""
        candidates = [self._join(self.library, "schemas", name), self._join(self.library, f"{name}.json")]
        for candidate in candidates:
            cached = self._cached(candidate)
            if cached is not None:
                return candidate, cached
        reasons = []
        for candidate in candidates:
            try:
                return candidate, self.document(candidate)
            except SourceUnavailable as error:
                reasons.append(str(error))
        raise SourceUnavailable("; ".join(reasons))

    def retrieve(self, uri: str) -> referencing.Resource:
        """A field file or schema a `$ref` names, from our library whatever host the $ref says."""
        location = self.library_location(uri)
        if not location:
            raise referencing.exceptions.NoSuchResource(ref=uri)
        try:
            contents = self.document(location)
        except SourceUnavailable as error:
            raise referencing.exceptions.NoSuchResource(ref=uri) from error
        return self.resource(contents)

    def library_location(self, uri: str) -> str:
        parts = urlsplit(uri)
        segments = [s for s in parts.path.split("/") if s]
        if "fields" in segments:
            tail = segments[len(segments) - segments[::-1].index("fields") :]
            if tail and all(re.fullmatch(r"[A-Za-z0-9_.-]+", s) and s not in (".", "..") for s in tail):
                return self._join(self.library, "fields", *tail)
            return ""
        if "schemas" in segments and segments[-1] != "schemas":
            name = segments[-1].removesuffix(".json")
            if SCHEMA_NAME.match(name):
                return self._cached_schema_location(name)
        return ""

    def _cached_schema_location(self, name: str) -> str:
        try:
            location, schema = self.load_schema(name)
        except SourceUnavailable:
            return ""
        self._documents[location] = schema
        return location

    # ------------------------------------------------------------- documents
    @staticmethod
    def _join(base: str, *parts: str) -> str:
        if base.startswith(("http://", "https://")):
            return "/".join([base.rstrip("/"), *parts])
        return str(Path(base, *parts))

    def _cache_file(self, url: str) -> Path:
        tail = re.sub(r"[^A-Za-z0-9._-]+", "_", urlsplit(url).path.rsplit("/", 1)[-1])[:80]
        return self.cache_dir / f"{tail}-{hashlib.sha256(url.encode()).hexdigest()[:16]}.json"

    def _cached(self, location: str) -> dict | None:
        if location in self._documents:
            return self._documents[location]
        if not location.startswith(("http://", "https://")):
            return None
        path = self._cache_file(location)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict):
            return None
        self._documents[location] = document
        return document

    def document(self, location: str) -> dict:
        """A JSON object from the library: memory, then the disk cache, then the web or a file."""
        cached = self._cached(location)
        if cached is not None:
            return cached
        if location in self._failed:  # tried once this run: do not ask again for every profile
            raise SourceUnavailable(self._failed[location])
        try:
            document = self._read_document(location)
        except SourceUnavailable as error:
            self._failed[location] = str(error)
            raise
        self._documents[location] = document
        if location.startswith(("http://", "https://")):
            self._store(location, document)
        return document

    def _read_document(self, location: str) -> dict:
        if location.startswith(("http://", "https://")):
            content = self.fetch(location).content
        else:
            try:
                content = Path(location).read_bytes()
            except OSError as error:
                raise SourceUnavailable(f"{location}: {error.strerror or error}") from error
        try:
            document = json.loads(self.text(content))
        except ValueError as error:
            raise SourceUnavailable(f"{location}: not JSON ({error})") from error
        if not isinstance(document, dict):
            raise SourceUnavailable(f"{location}: not a JSON object")
        return document

    def _store(self, url: str, document: dict) -> None:
        path = self._cache_file(url)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
            ) as handle:
                json.dump(document, handle, ensure_ascii=False)
            os.replace(handle.name, path)
        except OSError as error:
            logger.warning("could not cache %s in %s: %s", url, path, error)

    # --------------------------------------------------------------- mapping
    def normalise(self, profile: dict, profile_url: str) -> Record:
        name = clean_text(profile.get("name"))
        if not name:
            raise ValueError("no name")
        warnings: list[str] = []
        website_text = clean_text(profile.get("primary_url"))
        website = normalise_url(website_text)
        if website_text and not website:
            warnings.append(f"primary_url {website_text!r} is not a web address")
        description = str(profile.get("description") or "").strip()
        mission = clean_text(profile.get("mission"))
        if mission and len(mission) <= SUMMARY_LIMIT:
            summary = mission
        else:
            summary = summarise(description or mission, SUMMARY_LIMIT)
        fields: dict = {
            "name": name,
            "website": website,
            "summary": summary,
            "description": text_to_html(description),
        }

        nickname = clean_text(profile.get("nickname"))
        if nickname and nickname.casefold() != name.casefold():
            fields["other_names"] = [nickname]

        tags, seen = [], set()
        for tag in profile.get("tags") or []:
            tag = clean_text(tag)[:100]
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                tags.append(tag)
        fields["tags"] = tags

        fields["links"] = self.links(profile, website)

        status = clean_text(profile.get("status")).lower()
        if status:
            if status in Status.values:
                fields["status"] = status
            else:
                warnings.append(f"unknown status {status!r}; left as it was")
        scope = clean_text(profile.get("geographic_scope")).lower()
        if scope:
            if scope in GeographicScope.values:
                fields["geographic_scope"] = scope
            else:
                warnings.append(f"unknown geographic scope {scope!r}")

        starts_at = profile.get("starts_at")
        if isinstance(starts_at, (int, float)) and not isinstance(starts_at, bool):
            seconds = starts_at / 1000 if abs(starts_at) > 1e11 else starts_at  # milliseconds
            try:
                fields["founded_year"] = datetime.fromtimestamp(seconds, UTC).year
            except (OverflowError, OSError, ValueError):
                warnings.append(f"starts_at {starts_at!r} is not a date")

        image = clean_text(profile.get("image"))
        if image:
            fields["logo_url"] = normalise_url(image)
            if not fields["logo_url"]:
                warnings.append(f"image {image[:60]!r} is not a web address")

        languages = []
        for value in profile.get("knows_language") or []:
            code = language_code(value)
            if code and code not in languages:
                languages.append(code)
            elif not code:
                warnings.append(f"language {str(value)[:40]!r} not recognised")
        fields["languages"] = languages

        fields.update(self.place(profile, website, warnings))

        raw = {k: v for k, v in profile.items() if k not in PERSONAL}
        return Record(
            source=self.slug,
            external_id=profile_url,
            fields=fields,
            raw=raw,
            identifiers={"murmurations": node_id(profile_url)},
            record_url=profile_url if profile_url.startswith(("http://", "https://")) else "",
            warnings=warnings,
        )

    @staticmethod
    def links(profile: dict, website: str) -> list[dict]:
        found: list[tuple[str, str]] = []
        for item in profile.get("urls") or []:
            if isinstance(item, dict):
                found.append((clean_text(item.get("name")), str(item.get("url") or "")))
        if profile.get("rss"):
            found.append(("Feed", str(profile["rss"])))
        for item in profile.get("relationships") or []:
            if isinstance(item, dict):
                predicate = str(item.get("predicate_url") or "").rstrip("/").rsplit("/", 1)[-1]
                # https://schema.org/memberOf -> "Member of"
                label = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", predicate).capitalize()
                found.append((label, str(item.get("object_url") or "")))
        links, seen = [], {website}
        for label, url_text in found:
            url = normalise_url(url_text)
            if url and url not in seen:
                seen.add(url)
                links.append({"label": label or link_label(url, "Website"), "url": url})
        return links

    @staticmethod
    def place(profile: dict, website: str, warnings: list[str]) -> dict:
        geolocation = profile.get("geolocation") if isinstance(profile.get("geolocation"), dict) else {}
        lat = geolocation.get("lat", profile.get("latitude"))
        lon = geolocation.get("lon", profile.get("longitude"))
        coordinates = geo.parse_coordinates(lat, lon)
        if (lat is not None or lon is not None) and coordinates is None:
            warnings.append(f"coordinates {lat!r}, {lon!r} are not a place; ignored")
        address = clean_text(profile.get("full_address"))
        locality = clean_text(profile.get("locality"))
        region = clean_text(profile.get("region"))
        country_name = clean_text(profile.get("country_name"))
        text = address or ", ".join(filter(None, [locality, region, country_name]))
        place = geo.resolve_place(
            text,
            coordinates[0] if coordinates else None,
            coordinates[1] if coordinates else None,
            website,
        )
        country = ""
        iso = clean_text(profile.get("country_iso_3166")).upper()
        if iso:
            country = countries.alpha2(iso) or ""
            if not country:
                warnings.append(f"country code {iso!r} is not ISO 3166")
        if not country and country_name:
            country = geo.place_from_text(country_name).country or ""
        if not country:
            country = place.country or ""
        same_place = bool(place.country) and place.country == country
        fields: dict = {
            "address": address,
            "country": country,
            "locality": locality or (place.locality if same_place else "") or "",
            "region": region or (place.region if same_place else "") or "",
        }
        if coordinates:
            fields["latitude"], fields["longitude"] = round(coordinates[0], 6), round(coordinates[1], 6)
        return fields
