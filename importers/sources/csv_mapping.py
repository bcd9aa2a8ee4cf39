"""Any spreadsheet, mapped onto entries by a small YAML file: a new listing needs no code.

`import_listings csv --config MAPPING --file sheet.csv` (or --url). The mapping (see
docs/importing.md and importers/listings/example-mapping.yaml) names the source, the
column that identifies a row, which column feeds which entry field, how to split lists,
how to translate the sheet's words into ours, and values every row gets.

This module also holds what the configurable sources share: reading a config by name
or path, checking its field names, and `FieldBuilder`, which turns the text of cells
into clean entry fields (web addresses, years, counts, ISO country and language codes,
places resolved by importers.geo). The HTML listing scraper and the PCC adapter use it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime
from pathlib import Path

import yaml
from django.conf import settings as django_settings
from django.conf.locale import LANG_INFO
from django_countries import countries

from directory.models import GeographicScope, Status
from directory.text import clean_text, html_to_text, make_slug, summarise, text_to_html

from .. import geo
from ..records import (
    ALL_FIELDS,
    LIST_FIELDS,
    MULTI_TERM_FIELDS,
    SPECIAL_FIELDS,
    Record,
    RecordError,
    normalise_url,
)
from .base import ConfigName, ListingSource, SourceUnavailable, refuse_cut_short

LISTINGS_DIR = Path(__file__).resolve().parents[1] / "listings"

# "place" is free text ("Oakland, CA") resolved by importers.geo into country,
# region and locality; every other name is an entry field (importers.records).
PSEUDO_FIELDS = {"place"}
MAPPABLE_FIELDS = (ALL_FIELDS - SPECIAL_FIELDS) | PSEUDO_FIELDS
LIST_LIKE_FIELDS = LIST_FIELDS | MULTI_TERM_FIELDS
URL_FIELDS = {"website", "logo_url", "source_code_url"}
DEFAULT_SEPARATORS = ",;"
COLUMN_OPTIONS = {"field", "split", "map", "label", "label_column", "format"}
HTML_COLUMN_OPTIONS = {"link", "links", "max_item_words", "prose_to"}
FORMATS = {"year", "unix_time"}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
HTML_TAG = re.compile(r"<(p|br|a|ul|ol|li|strong|em|b|i|div|span|h\d)\b[^>]*>", re.I)
GLOBAL = re.compile(
    r"\b(virtual|global|worldwide|online|international|internet|decentrali[sz]ed|everywhere)\b", re.I
)
QUOTES = "\"“”«»'‘’"
BROKEN_SCHEME = re.compile(r"^(https?):/*(?=[^/])", re.I)
BRACKETS = {"(": ")", "[": "]", "{": "}"}
BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|h\d|div|blockquote)>", re.I)
LEADING_AND = re.compile(r"^(?:and|&)\s+", re.I)  # "Hosting, cloud, and IT consulting"


# ----------------------------------------------------------------- config files
CONFIG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}(\.ya?ml)?$")


def config_dirs() -> list[Path]:
    """Where named configs live: the bundled ones, then PORTAL_IMPORT_CONFIG_DIRS."""
    extra = getattr(django_settings, "PORTAL_IMPORT_CONFIG_DIRS", None) or []
    return [LISTINGS_DIR, *(Path(folder) for folder in extra)]


def allowed_configs() -> dict[str, Path]:
    """Every config an import may be started with by name: {name: path}, the first folder winning.

    A file that is a symlink leading out of its folder is not offered.
    """
    found: dict[str, Path] = {}
    for folder in config_dirs():
        base = folder.resolve()
        for pattern in ("*.yaml", "*.yml"):
            for path in sorted(base.glob(pattern)):
                if path.is_file() and path.resolve().is_relative_to(base):
                    found.setdefault(path.stem, path.resolve())
    return dict(sorted(found.items()))


def config_path(config: str, kind: str = "config") -> Path:
    """A config named in importers/listings/ or PORTAL_IMPORT_CONFIG_DIRS, or the operator's path.

    A `ConfigName` (what the admin sends) is looked up by name only.
    """
    name = str(config)
    known = allowed_configs()
    if CONFIG_NAME.fullmatch(name):
        stem = re.sub(r"\.ya?ml$", "", name)
        if stem in known:
            return known[stem]
    if not isinstance(config, ConfigName):
        path = Path(name).expanduser()
        if path.is_file():
            return path
        raise SourceUnavailable(
            f"no {kind} {name!r}: not a file, nor a name in importers/listings or "
            f"PORTAL_IMPORT_CONFIG_DIRS ({', '.join(known) or 'none'})"
        )
    raise SourceUnavailable(
        f"no {kind} named {name[:200]!r}: an import started from the admin names one of the "
        f"configs in importers/listings or PORTAL_IMPORT_CONFIG_DIRS ({', '.join(known) or 'none'}), "
        "never a path"
    )


def load_config(config: str | None, kind: str = "config") -> tuple[Path, dict]:
    if not config:
        raise SourceUnavailable(f"this source needs --config: the listing's {kind} (see docs/importing.md)")
    path = config_path(config, kind)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SourceUnavailable(f"{kind} {path.name} cannot be read: {error}") from error
    if not isinstance(document, dict):
        raise SourceUnavailable(f"{kind} {path.name} is not a YAML mapping of settings")
    return path, document


def apply_source_settings(adapter: ListingSource, document: dict, path: Path) -> None:
    """Set the adapter's slug, name, licence... from the config's `source:` block."""
    from ..registry import SOURCES  # the registry imports adapters lazily: no cycle

    settings = document.get("source") or {}
    if not isinstance(settings, dict):
        raise SourceUnavailable(f"{path.name}: 'source' must be a mapping (slug, name, licence...)")
    slug = str(settings.get("slug") or path.stem)
    if make_slug(slug, max_length=50) != slug:
        raise SourceUnavailable(f"{path.name}: source slug {slug!r} must be lower-case letters, digits, '-'")
    if slug in SOURCES or slug == "portal-seed":
        raise SourceUnavailable(f"{path.name}: source slug {slug!r} is a built-in source's; choose another")
    adapter.slug = slug
    adapter.name = str(settings.get("name") or slug)[:200]
    adapter.homepage = str(settings.get("homepage") or "")
    adapter.licence = str(settings.get("licence") or "not stated")[:200]
    adapter.attribution = str(settings.get("attribution") or "")[:300]
    trusted = settings.get("trusted", False)
    adapter.trusted = (
        trusted.strip().lower() in ("true", "yes", "1") if isinstance(trusted, str) else bool(trusted)
    )
    adapter.url = str(document.get("url") or "")
    adapter.snapshot = str(document.get("snapshot") or "")


def check_fields(names, where: str) -> list[str]:
    """Problems with field names used in a config: each names the culprit and where it is."""
    return [f"unknown field {name!r} ({where})" for name in names if str(name) not in MAPPABLE_FIELDS]


@dataclass
class ColumnSpec:
    """One source column and the entry field(s) it feeds."""

    header: str
    field: str
    split: str | None = None
    map: dict = dataclass_field(default_factory=dict)
    label: str = ""
    label_column: str = ""
    format: str = ""
    link: str = ""  # html: the href of the cell's first link feeds this field
    links: str = ""  # html: the other hrefs of the cell feed this field (links)
    max_item_words: int = 10  # html: a list cell with a longer item is prose...
    prose_to: str = ""  # ...and goes to this field instead


def parse_columns(columns, *, html: bool = False) -> tuple[list[ColumnSpec], list[str]]:
    """The `columns:` block as specs, and every problem found in it."""
    if not isinstance(columns, dict) or not columns:
        return [], ["'columns' must map column headers to fields"]
    allowed = COLUMN_OPTIONS | (HTML_COLUMN_OPTIONS if html else set())
    specs, problems = [], []
    for header, target in columns.items():
        header = str(header)
        targets = target if isinstance(target, list) else [target]
        for item in targets:
            if isinstance(item, str):
                item = {"field": item}
            if not isinstance(item, dict) or not item.get("field"):
                problems.append(f"column {header!r}: give a field name or {{field: ..., ...}}")
                continue
            unknown = sorted(set(item) - allowed)
            if unknown:
                problems.append(f"column {header!r}: unknown option(s) {', '.join(map(repr, unknown))}")
            problems += check_fields([item["field"]], f"column {header!r}")
            for key in ("link", "links", "prose_to"):
                if item.get(key):
                    problems += check_fields([item[key]], f"column {header!r}, {key}")
            if item.get("format") and item["format"] not in FORMATS:
                problems.append(f"column {header!r}: unknown format {item['format']!r}")
            if item.get("map") is not None and not isinstance(item.get("map"), dict):
                problems.append(f"column {header!r}: 'map' must be a mapping")
            try:
                max_words = int(item.get("max_item_words") or 10)
            except (TypeError, ValueError):
                problems.append(f"column {header!r}: max_item_words must be a number")
                max_words = 10
            specs.append(
                ColumnSpec(
                    header=header,
                    field=str(item["field"]),
                    split=None if item.get("split") is None else separator_chars(item["split"]),
                    map=item.get("map") if isinstance(item.get("map"), dict) else {},
                    label=str(item.get("label") or ""),
                    label_column=str(item.get("label_column") or ""),
                    format=str(item.get("format") or ""),
                    link=str(item.get("link") or ""),
                    links=str(item.get("links") or ""),
                    max_item_words=max_words,
                    prose_to=str(item.get("prose_to") or ""),
                )
            )
    return specs, problems


def check_field_blocks(document: dict) -> list[str]:
    """Problems in the value_maps / separators / constants blocks shared by html and csv configs."""
    problems = []
    for block in ("value_maps", "separators", "constants"):
        value = document.get(block)
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.append(f"'{block}' must be a mapping of field names")
            continue
        problems += check_fields(value, block)
        if block == "value_maps":
            problems += [
                f"value_maps: {k!r} must map source values to ours"
                for k, v in value.items()
                if not isinstance(v, dict)
            ]
    return problems


# ------------------------------------------------------------------ coercions
def country_code(value) -> str | None:
    """An ISO 3166-1 alpha-2 code from a code ('de', 'DEU') or a name ('Germany', 'USA')."""
    text = clean_text(value)
    if not text:
        return None
    if len(text) == 2 and text.isalpha():
        code = "GB" if text.upper() == "UK" else text.upper()
        return code if countries.alpha2(code) else None
    if len(text) == 3 and text.isalpha():
        code = countries.alpha2(text)
        if code:
            return code
    code = countries.by_name(text)
    if code:
        return code
    return geo.place_from_text(text).country


_LANGUAGE_NAMES: dict[str, str] = {}


def language_code(value) -> str | None:
    """An ISO 639-1 code from a code ('en', 'pt-BR', 'en_GB') or a name ('English', 'Español')."""
    if isinstance(value, dict):  # {"culture_code": "en", "iso_name": "English"} and the like
        value = value.get("culture_code") or value.get("code") or value.get("iso_name") or value.get("name")
    text = clean_text(value)
    if not text:
        return None
    primary = re.split(r"[-_]", text)[0].lower()
    if re.fullmatch(r"[a-z]{2}", primary) and (primary in LANG_INFO or re.fullmatch(r"[a-zA-Z]{2}", text)):
        return primary
    if not _LANGUAGE_NAMES:
        for code, info in LANG_INFO.items():
            if "name" not in info or "-" in code or len(code) != 2:
                continue
            _LANGUAGE_NAMES[info["name"].casefold()] = code
            _LANGUAGE_NAMES.setdefault(info.get("name_local", "").casefold(), code)
    return _LANGUAGE_NAMES.get(text.casefold())


def to_int(value) -> int | None:
    """A count from 12, '12', '1,200', '~40', '150+'; None if there is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value)
    text = clean_text(value).replace(",", "").replace(" ", "")
    match = re.fullmatch(r"[~≈]?(\d+)(?:\.0+)?\+?", text)
    return int(match.group(1)) if match else None


def to_year(value, fmt: str = "") -> int | None:
    """A year from 2014, '2014', '2014-03-01', 'Founded in 2014', or a Unix time with fmt='unix_time'."""
    if value is None or isinstance(value, bool):
        return None
    if fmt == "unix_time":
        try:
            return datetime.fromtimestamp(float(str(value).strip()), tz=UTC).year
        except (ValueError, OverflowError, OSError):
            return None
    if isinstance(value, int):
        return value
    match = YEAR.search(str(value))
    return int(match.group(1)) if match else None


def repair_url(value: str) -> tuple[str, bool]:
    """A web address with a mistyped scheme mended ('https:/x.org' -> 'https://x.org')."""
    text = (value or "").strip()
    fixed = BROKEN_SCHEME.sub(lambda m: m.group(1).lower() + "://", text, count=1)
    return fixed, fixed != text and not text.lower().startswith(("http://", "https://"))


def split_items(value: str, separators: str) -> list[str]:
    """Split on any of the separators, but not inside brackets: 'Dev (Go, Rust), Ops' is two items."""
    items, depth, current = [], 0, []
    closing = set(BRACKETS.values())
    for char in value or "":
        if char in BRACKETS:
            depth += 1
        elif char in closing:
            depth = max(0, depth - 1)
        if depth == 0 and char in separators:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    seen, out = set(), []
    for item in items:
        item = LEADING_AND.sub("", clean_text(item).strip(" .")).strip()
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def separator_chars(value) -> str:
    """Separators as given in a config: "," or ",;" or [",", "/"] -> the characters to split on."""
    if isinstance(value, (list, tuple)):
        return "".join(str(v) for v in value)
    return "" if value is None else str(value)


def strip_quotes(text: str) -> str:
    """'"We do X."' -> 'We do X.' when the whole text is one quotation."""
    text = text.strip()
    if len(text) > 1 and text[0] in QUOTES and text[-1] in QUOTES and not any(q in text[1:-1] for q in '"“”'):
        return text[1:-1].strip()
    return text


def _lookup(table: dict | None, value: str):
    """A value-map lookup: exact, then case- and space-insensitive. Missing -> the value itself."""
    if not table:
        return value
    if value in table:
        return table[value]
    folded = " ".join(value.casefold().split())
    for key, mapped in table.items():
        if " ".join(str(key).casefold().split()) == folded:
            return mapped
    return value


# -------------------------------------------------------------------- builder
class FieldBuilder:
    """Collects cell values field by field, checks and converts them, and resolves the place.

    A scalar field takes the first usable value it is given; list fields gather every
    value. Values that cannot be used are dropped with a warning that says why.
    """

    def __init__(
        self,
        *,
        value_maps: dict | None = None,
        separators: dict | None = None,
        country_from_website: bool = True,
    ):
        self.value_maps = value_maps or {}
        self.separators = {k: separator_chars(v) for k, v in (separators or {}).items()}
        self.country_from_website = country_from_website
        self.fields: dict = {}
        self.places: list[str] = []
        self.coordinates: dict[str, object] = {}
        self.warnings: list[str] = []

    def warn(self, message: str):
        if message not in self.warnings:
            self.warnings.append(message)

    def add(self, name: str, value, *, split: str | None = None, column_map=None, label="", fmt=""):
        """Give `name` a value (a string, a number, or a list of them)."""
        if value is None or value == "" or value == []:
            return
        if isinstance(value, (list, tuple)):
            for item in value:
                self.add(name, item, split="", column_map=column_map, label=label, fmt=fmt)
            return
        if name in LIST_LIKE_FIELDS and isinstance(value, str) and split != "":
            separators = split if split is not None else self.separators.get(name, DEFAULT_SEPARATORS)
            items = split_items(value, str(separators)) if separators else [clean_text(value)]
            if name == "links":  # a link list is split on spaces and commas, never inside an address
                items = [part for item in items for part in item.split()]
            for item in items:
                self._add_one(name, item, column_map, label, fmt)
            return
        self._add_one(name, value, column_map, label, fmt)

    def _add_one(self, name, value, column_map, label, fmt):
        if isinstance(value, str):
            value = _lookup(column_map, value.strip())
            value = _lookup(self.value_maps.get(name), value) if isinstance(value, str) else value
            if value is None or value == "":
                return  # mapped to nothing: the source's way of saying "no value"
        if name in LIST_LIKE_FIELDS:
            self._add_item(name, value, label)
        elif name in ("latitude", "longitude"):
            self.coordinates.setdefault(name, value)
        elif name == "place":
            text = clean_text(value)
            if text and text not in self.places:
                self.places.append(text)
        elif name not in self.fields:
            converted = self._convert(name, value, fmt)
            if converted not in (None, ""):
                self.fields[name] = converted

    def _add_item(self, name, value, label):
        items = self.fields.setdefault(name, [])
        if name == "links":
            text = clean_text(value)
            url = self.url(text, "link")
            if url and all(link["url"] != url for link in items):
                items.append({"label": clean_text(label) or _site_label(url), "url": url})
            return
        if name == "languages":
            code = language_code(value)
            if code is None:
                self.warn(f"language {clean_text(value)!r} is not one we know; left out")
            elif code not in items:
                items.append(code)
            return
        text = clean_text(value if not isinstance(value, dict) else value.get("name", ""))
        if text and text.casefold() not in {str(i).casefold() for i in items}:
            items.append(text)

    def url(self, text: str, what: str) -> str:
        fixed, repaired = repair_url(text)
        url = normalise_url(fixed)
        if url and repaired:
            self.warn(f"{what} {text!r} had a broken scheme; read as {url!r}")
        if text and not url:
            self.warn(f"{what} {text[:80]!r} is not a web address; left out")
        return url

    def _convert(self, name, value, fmt):
        text = clean_text(value) if not isinstance(value, (int, float)) else value
        if name in URL_FIELDS:
            return self.url(str(text), name.replace("_", " "))
        if name == "name":
            return clean_text(value)
        if name == "summary":
            return summarise(strip_quotes(clean_text(value)), 300)
        if name == "description":
            raw = str(value).strip()
            return raw if HTML_TAG.search(raw) else text_to_html(raw)
        if name == "contact_email":
            email = clean_text(value).lower().removeprefix("mailto:")
            if EMAIL.match(email):
                return email
            self.warn(f"contact email {clean_text(value)[:80]!r} is not an address; left out")
            return None
        if name == "status":
            status = clean_text(value).lower().replace(" ", "_").replace("-", "_")
            if status in Status.values:
                return status
            self.warn(f"status {clean_text(value)!r} is not one of ours; left out (map it in value_maps)")
            return None
        if name == "geographic_scope":
            scope = clean_text(value).lower()
            if scope in GeographicScope.values:
                return scope
            self.warn(f"geographic scope {clean_text(value)!r} is not one of ours; left out")
            return None
        if name == "founded_year":
            year = to_year(value, fmt)
            if year is None:
                self.warn(f"founded year {clean_text(value)!r} holds no year; left out")
            return year
        if name in ("members_count", "workers_count"):
            count = to_int(value)
            if count is None:
                self.warn(f"{name.replace('_', ' ')} {clean_text(value)!r} is not a number; left out")
            return count
        if name == "country":
            code = country_code(value)
            if code is None:
                self.warn(f"country {clean_text(value)!r} is not one we know; left out")
            return code
        return clean_text(value)

    def finish(self) -> tuple[dict, list[str]]:
        """The fields, with coordinates checked and country/region/locality resolved."""
        fields = self.fields
        latitude, longitude = self.coordinates.get("latitude"), self.coordinates.get("longitude")
        coordinates = geo.parse_coordinates(latitude, longitude)
        if (latitude not in (None, "") or longitude not in (None, "")) and coordinates is None:
            self.warn(f"coordinates {latitude!r}, {longitude!r} are not a place; left out")
        if coordinates:
            fields["latitude"], fields["longitude"] = round(coordinates[0], 6), round(coordinates[1], 6)

        text = ", ".join(self.places)
        says_global = bool(text) and bool(GLOBAL.search(text)) and not geo.place_from_text(text).country
        if says_global:
            # "Worldwide", "Remote, international": no country, whatever the domain says.
            fields.setdefault("geographic_scope", GeographicScope.INTERNATIONAL.value)
        elif text or coordinates or fields.get("website"):
            lat, lng = coordinates if coordinates else (None, None)
            website = fields.get("website", "") if self.country_from_website else ""
            place = geo.resolve_place(text, lat, lng, website)
            country = fields.get("country")
            if country and text and place.country != country:
                # "Victoria, BC" with the country CA: read the text within that country.
                place = geo.resolve_place(f"{text}, {countries.name(country)}", lat, lng, website)
            if place.country and (country is None or country == place.country):
                fields["country"] = place.country
                if place.region:
                    fields.setdefault("region", place.region)
                if place.locality:
                    fields.setdefault("locality", place.locality)
        if "summary" not in fields and fields.get("description"):
            text = BLOCK_END.sub(" ", fields["description"])  # "a<br>b" is "a b", not "ab"
            fields["summary"] = summarise(html_to_text(text), 300)
        return fields, self.warnings


def _site_label(url: str) -> str:
    from ..records import domain_of

    return domain_of(url) or url


# --------------------------------------------------------------- the adapter
class CsvMappingSource(ListingSource):
    slug = "csv"
    name = "Spreadsheet"

    TOP_LEVEL = {
        "source",
        "url",
        "snapshot",
        "id_column",
        "columns",
        "value_maps",
        "separators",
        "constants",
        "identifiers",
        "record_url",
        "country_from_website",
    }

    def __init__(self, config: str | None = None):
        super().__init__(config)
        self.config_path, self.mapping = load_config(config, "mapping")
        apply_source_settings(self, self.mapping, self.config_path)

    # ------------------------------------------------------------ the mapping
    def mapping_problems(self) -> list[str]:
        mapping = self.mapping
        problems = [f"unknown setting {key!r}" for key in mapping if key not in self.TOP_LEVEL]
        self.columns, column_problems = parse_columns(mapping.get("columns"))
        problems += column_problems
        problems += check_field_blocks(mapping)
        identifiers = mapping.get("identifiers") or {}
        if not isinstance(identifiers, dict):
            problems.append("'identifiers' must map columns to schemes, e.g. {Registration no: cuk}")
        else:
            problems += [
                f"identifiers: scheme {scheme!r} of column {column!r} must be a slug"
                for column, scheme in identifiers.items()
                if make_slug(str(scheme), 40) != str(scheme)
            ]
        if not any(spec.field == "name" for spec in self.columns) and "name" not in (
            mapping.get("constants") or {}
        ):
            problems.append("no column is mapped to 'name'")
        return problems

    # -------------------------------------------------------------- reading
    def rows(self, data: bytes):
        """(line, {header: value}) for every non-empty row, the delimiter sniffed."""
        text = self.text(data).lstrip("\ufeff")
        if not text.strip():
            raise ValueError("the file is empty")
        first_line = text.splitlines()[0]
        wanted = {_fold(spec.header) for spec in self.columns}
        candidates = []
        try:
            candidates.append(csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter)
        except csv.Error:
            pass
        candidates += [d for d in (",", ";", "\t", "|") if d not in candidates]

        def score(delimiter):
            headers = next(csv.reader([first_line], delimiter=delimiter))
            return len(wanted & {_fold(h) for h in headers}), len(headers)

        delimiter = max(candidates, key=lambda d: score(d))  # the first best keeps the sniffed one
        refuse_cut_short(text, delimiter)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        headers = [clean_text(h).lstrip("\ufeff") for h in next(reader)]
        self.headers = headers
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            row = {}
            for header, cell in zip(headers, cells, strict=False):
                if header and header not in row:
                    row[header] = cell
            yield reader.line_num, row

    def parse(self, data: bytes, location: str = ""):
        problems = self.mapping_problems()
        if problems:
            yield RecordError(record="mapping", reason=f"{self.config_path.name}: " + "; ".join(problems))
            return
        try:
            rows = self.rows(data)
            first = next(rows, None)
        except (ValueError, csv.Error, UnicodeError) as error:
            yield RecordError(record="file", reason=f"unreadable: {error}")
            return
        headers = {_fold(h): h for h in getattr(self, "headers", [])}
        needed = {spec.header for spec in self.columns} | {
            spec.label_column for spec in self.columns if spec.label_column
        }
        needed |= set(self.mapping.get("identifiers") or {})
        if self.mapping.get("id_column"):
            needed.add(str(self.mapping["id_column"]))
        missing = sorted(h for h in needed if _fold(h) not in headers)
        if missing:
            yield RecordError(
                record="mapping",
                reason=f"columns not in the file: {', '.join(map(repr, missing))}; "
                f"the file has: {', '.join(map(repr, headers.values()))}",
            )
            return
        self.header_of = {h: headers[_fold(h)] for h in needed}
        if first is None:
            return
        try:
            for line, row in _chain(first, rows):
                try:
                    yield self.normalise(line, row)
                except ValueError as error:
                    name = clean_text(row.get(self._name_header(), ""))
                    label = f"line {line} ({name})" if name else f"line {line}"
                    yield RecordError(record=label, reason=str(error))
        except csv.Error as error:
            yield RecordError(record="file", reason=f"unreadable after this point: {error}")

    def _name_header(self) -> str:
        for spec in self.columns:
            if spec.field == "name":
                return self.header_of.get(spec.header, spec.header)
        return ""

    def cell(self, row: dict, header: str) -> str:
        return row.get(self.header_of.get(header, header)) or ""

    def normalise(self, line: int, row: dict) -> Record:
        mapping = self.mapping
        builder = FieldBuilder(
            value_maps=mapping.get("value_maps"),
            separators=mapping.get("separators"),
            country_from_website=bool(mapping.get("country_from_website", True)),
        )
        for spec in self.columns:
            value = self.cell(row, spec.header)
            label = spec.label or (clean_text(self.cell(row, spec.label_column)) if spec.label_column else "")
            builder.add(
                spec.field, value, split=spec.split, column_map=spec.map, label=label, fmt=spec.format
            )
        for name, value in (mapping.get("constants") or {}).items():
            builder.add(name, value)
        fields, warnings = builder.finish()
        if not fields.get("name"):
            raise ValueError("no name")
        id_column = mapping.get("id_column")
        if id_column:
            external_id = clean_text(self.cell(row, str(id_column)))
            if not external_id:
                raise ValueError(f"no id in column {id_column!r}")
        else:
            external_id = make_slug(fields["name"], max_length=255)
        identifiers = {
            str(scheme): clean_text(self.cell(row, str(column)))
            for column, scheme in (mapping.get("identifiers") or {}).items()
        }
        record_url = ""
        if mapping.get("record_url"):
            try:
                record_url = normalise_url(str(mapping["record_url"]).format_map({**row, "id": external_id}))
            except (KeyError, IndexError, ValueError):
                warnings.append("record_url template names a column this row lacks")
        raw = {k: v for k, v in row.items() if v and v.strip()}
        return Record(
            source=self.slug,
            external_id=external_id[:255],
            fields=fields,
            raw=raw,
            line=line,
            identifiers=identifiers,
            record_url=record_url,
            warnings=warnings,
        )


def _fold(header: str) -> str:
    return " ".join(str(header).replace("\ufeff", "").casefold().split())


def _chain(first, rest):
    yield first
    yield from rest
