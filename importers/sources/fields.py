"""The text of a listing's cells turned into clean entry fields, shared by the configurable sources.

`FieldBuilder` collects values field by field and checks and converts them: web
addresses (a mistyped scheme mended), years, counts, ISO country and language codes,
lists split on separators but not inside brackets, and the place resolved by
importers.geo. The CSV mapping, the HTML listing scraper and the PCC adapter use it;
the converters (`country_code`, `to_int`, `to_year`...) are usable on their own.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.conf.locale import LANG_INFO
from django_countries import countries

from directory.models import GeographicScope, Status
from directory.text import clean_text, html_to_text, summarise, text_to_html

from .. import geo
from ..records import LIST_FIELDS, MULTI_TERM_FIELDS, domain_of, normalise_url

LIST_LIKE_FIELDS = LIST_FIELDS | MULTI_TERM_FIELDS
URL_FIELDS = {"website", "logo_url", "source_code_url"}
DEFAULT_SEPARATORS = ",;"

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
    return domain_of(url) or url
