"""The YAML configs of the configurable sources: found by name, read, and checked.

A config is looked up by name among importers/listings and PORTAL_IMPORT_CONFIG_DIRS;
an operator at the command line may also give a path, an import started from the admin
(a `ConfigName`) never. The `source:` block names the source; the column, value-map,
separator and constant blocks are checked here, field names against importers.records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

import yaml
from django.conf import settings as django_settings

from directory.text import make_slug

from ..records import ALL_FIELDS, SPECIAL_FIELDS
from ..registry import SOURCES
from .base import ConfigName, ListingSource, SourceUnavailable
from .fields import separator_chars

LISTINGS_DIR = Path(__file__).resolve().parents[1] / "listings"

# "place" is free text ("Oakland, CA") resolved by importers.geo into country,
# region and locality; every other name is an entry field (importers.records).
PSEUDO_FIELDS = {"place"}
MAPPABLE_FIELDS = (ALL_FIELDS - SPECIAL_FIELDS) | PSEUDO_FIELDS
COLUMN_OPTIONS = {"field", "split", "map", "label", "label_column", "format"}
HTML_COLUMN_OPTIONS = {"link", "links", "max_item_words", "prose_to"}
FORMATS = {"year", "unix_time"}


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
