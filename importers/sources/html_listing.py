"""Co-ops listed in the tables of a web page, read by a small YAML config: no code per listing.

`import_listings html --config tech-coops-xyz` reads importers/listings/tech-coops-xyz.yaml
(a config may also be given as a path). The config names the source and its licence,
where the page lives, which tables list organisations (CSS selectors), which heading
names each table's region, and which column - found by its header text - feeds which
entry field. docs/importing.md describes every setting.

Each row becomes one record. Its id in the source is its website's domain (so a row
keeps its entry when the page is reordered), or the slug of its name when it has no
link. A co-op listed twice is merged into one record with a warning.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import soupsieve
from bs4 import BeautifulSoup, Tag

from directory.text import clean_text, make_slug

from ..records import LIST_FIELDS, MULTI_TERM_FIELDS, Record, RecordError, domain_of
from .base import ListingSource
from .config import apply_source_settings, check_field_blocks, check_fields, load_config, parse_columns
from .fields import FieldBuilder, repair_url, split_items

# Hosts where many organisations have a page: the first path segment is part of the id.
SHARED_HOSTS = {
    "github.com",
    "gitlab.com",
    "codeberg.org",
    "framagit.org",
    "facebook.com",
    "instagram.com",
    "linkedin.com",
    "twitter.com",
    "x.com",
    "medium.com",
    "meetup.com",
    "linktr.ee",
    "sites.google.com",
    "opencollective.com",
}
REGION_FROM = re.compile(r"^preceding\s+([a-z0-9]+(?:\s*,\s*[a-z0-9]+)*)$", re.I)
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?)\]])")
WORD = re.compile(r"[^\W\d_]+")
ONLY_PUNCTUATION = re.compile(r"^[\s.,;:!?()\[\]\-–—]*$")


class HtmlListingSource(ListingSource):
    slug = "html"
    name = "HTML listing"

    TOP_LEVEL = {
        "source",
        "url",
        "snapshot",
        "tables",
        "rows",
        "require_headers",
        "region_from",
        "columns",
        "separators",
        "value_maps",
        "constants",
        "extract",
        "duplicates",
        "country_from_website",
    }

    def __init__(self, config: str | None = None):
        super().__init__(config)
        self.config_path, self.settings = load_config(config, "listing config")
        apply_source_settings(self, self.settings, self.config_path)
        self.rows_read = 0  # table rows seen in the last parse, good or bad
        self.merged = 0  # rows merged into an earlier row of the same organisation

    # ------------------------------------------------------------- the config
    def config_problems(self) -> list[str]:
        settings = self.settings
        problems = [f"unknown setting {key!r}" for key in settings if key not in self.TOP_LEVEL]
        self.columns, column_problems = parse_columns(settings.get("columns"), html=True)
        problems += column_problems
        problems += check_field_blocks(settings)
        for key in ("tables", "rows"):
            selector = settings.get(key, "tr" if key == "rows" else None)
            if not selector:
                problems.append(f"'{key}' must be a CSS selector")
                continue
            try:
                soupsieve.compile(str(selector))
            except Exception as error:  # soupsieve raises its own SelectorSyntaxError
                problems.append(f"'{key}' is not a CSS selector ({error})")
        region_from = settings.get("region_from")
        if region_from and not (str(region_from) == "caption" or REGION_FROM.match(str(region_from))):
            problems.append(f"region_from {region_from!r}: write 'preceding h3' (or h2, h3...) or 'caption'")
        if settings.get("duplicates", "merge") not in ("merge", "report"):
            problems.append("duplicates must be 'merge' or 'report'")
        extract = settings.get("extract") or {}
        if not isinstance(extract, dict):
            problems.append("'extract' must map fields to {column, pattern}")
            extract = {}
        problems += check_fields(extract, "extract")
        self.extract = []
        for name, rule in extract.items():
            if not isinstance(rule, dict) or not rule.get("column") or not rule.get("pattern"):
                problems.append(f"extract {name!r}: give a column and a pattern")
                continue
            try:
                pattern = re.compile(str(rule["pattern"]), re.I)
            except re.error as error:
                problems.append(f"extract {name!r}: pattern is not a regular expression ({error})")
                continue
            if pattern.groups < 1:
                problems.append(f"extract {name!r}: the pattern needs a (group) around the value")
                continue
            self.extract.append((str(name), str(rule["column"]), pattern))
        if not any(spec.field == "name" for spec in self.columns):
            problems.append("no column is mapped to 'name'")
        return problems

    # ------------------------------------------------------------------ parse
    def parse(self, data: bytes, location: str = ""):
        self.rows_read = self.merged = 0
        problems = self.config_problems()
        if problems:
            yield RecordError(record="config", reason=f"{self.config_path.name}: " + "; ".join(problems))
            return
        soup = BeautifulSoup(data, "lxml")
        tables = soup.select(str(self.settings["tables"]))
        records: dict[str, Record] = {}
        where: dict[str, str] = {}
        repeated: list[Record] = []
        found_table = False
        for table in tables:
            headers = self.headers(table)
            if headers is None:
                continue
            found_table = True
            section, anchor = self.region(table)
            row_number = 0
            for row in table.select(str(self.settings.get("rows") or "tr")):
                if row.find_parent("table") is not table or not row.find("td"):
                    continue  # a header row, or a row of a table nested in this one
                row_number += 1
                self.rows_read += 1
                label = f"{section or 'table'} row {row_number}"
                item = self.read_row(row, headers, section, anchor, label)
                if isinstance(item, RecordError):
                    yield item
                    continue
                first = records.get(item.external_id)
                if first is None:
                    records[item.external_id] = item
                    where[item.external_id] = label
                elif self.settings.get("duplicates", "merge") == "report":
                    repeated.append(item)  # after the first: the loader reports it as listed twice
                else:
                    merge(first, item, where[item.external_id], label)
                    self.merged += 1
        if not found_table:
            yield RecordError(
                record="page",
                reason=f"no table matching {self.settings['tables']!r} with the columns "
                f"{', '.join(self.required_headers())}: has the page changed?",
            )
        yield from records.values()
        yield from repeated

    def required_headers(self) -> list[str]:
        required = self.settings.get("require_headers")
        if required:
            return [str(h) for h in (required if isinstance(required, list) else [required])]
        return [spec.header for spec in self.columns if spec.field == "name"]

    def headers(self, table: Tag) -> list[str] | None:
        """The table's column headers, or None if it is not a table this config reads."""
        header_row = next(
            (tr for tr in table.find_all("tr") if tr.find("th") and tr.find_parent("table") is table), None
        )
        if header_row is None:
            return None
        headers = []
        for cell in header_row.find_all(["th", "td"], recursive=False):
            headers += [cell_text(cell)] * span(cell)
        folded = {fold(h) for h in headers}
        if not all(fold(h) in folded for h in self.required_headers()):
            return None
        return headers

    def region(self, table: Tag) -> tuple[str, str]:
        """The table's region (the heading before it, or its caption) and that heading's anchor."""
        rule = str(self.settings.get("region_from") or "")
        heading = None
        if rule == "caption":
            heading = table.find("caption")
        elif rule:
            tags = [t.strip().lower() for t in REGION_FROM.match(rule).group(1).split(",")]
            heading = table.find_previous(tags)
        if heading is None:
            return "", ""
        anchor = heading.get("id") or ""
        return cell_text(heading).rstrip("¶#").strip(), anchor

    def read_row(self, row: Tag, headers: list[str], section: str, anchor: str, label: str):
        cells: list[Tag | None] = []
        for cell in row.find_all(["td", "th"], recursive=False):
            cells += [cell] + [None] * (span(cell) - 1)
        name_guess = cell_text(cells[0]) if cells and cells[0] is not None else ""
        where = f"{label} ({name_guess})" if name_guess else label
        if len(cells) < len(headers) or any(c is not None and cell_text(c) for c in cells[len(headers) :]):
            return RecordError(
                record=where,
                reason=f"{len(cells)} cells where the table has {len(headers)} columns "
                f"({', '.join(headers)}): columns out of place",
            )
        by_header = {fold(h): c for h, c in zip(headers, cells, strict=False)}
        builder = FieldBuilder(
            value_maps=self.settings.get("value_maps"),
            separators=self.settings.get("separators"),
            country_from_website=bool(self.settings.get("country_from_website", True)),
        )
        raw: dict = {"Section": section} if section else {}
        place_given = False
        for spec in self.columns:
            cell = by_header.get(fold(spec.header))
            if cell is None:
                continue
            text = cell_text(cell)
            links = [a for a in cell.find_all("a", href=True) if a["href"].strip()]
            if text:
                raw[spec.header] = text
            used = None
            if spec.link and links:
                used = links[0]
                raw[f"{spec.header} link"] = used["href"].strip()
                href = absolute(used["href"])
                if href:
                    builder.add(spec.link, href)
                else:
                    builder.warn(f"link {used['href'].strip()[:80]!r} is not a web address; left out")
                if spec.field == "name" and ONLY_PUNCTUATION.match(text.replace(cell_text(used), "", 1)):
                    text = cell_text(used)  # "<a>Tetrabit</a>)": the stray ")" is not part of the name
            if spec.links:
                others = [a for a in links if a is not used]
                if others:
                    raw[f"{spec.header} links"] = [a["href"].strip() for a in others]
                for a in others:
                    builder.add(spec.links, absolute(a["href"]), label=cell_text(a))
                link_text = " ".join(cell_text(a) for a in others)
                if others and ONLY_PUNCTUATION.match(text.replace(link_text, "", 1)):
                    text = ""  # the cell only holds links ("Wikipedia", "Bylaws"): no text to keep
            if not text:
                continue
            if spec.field == "place":
                place_given = True
            if (
                spec.prose_to
                and spec.field in LIST_FIELDS | MULTI_TERM_FIELDS
                and is_prose(text, spec.split or ",", spec.max_item_words)
            ):
                builder.add(spec.prose_to, text)
            else:
                builder.add(spec.field, text, split=spec.split, column_map=spec.map, label=spec.label)
        if not place_given and section:
            # No Region/Country column (or an empty cell): the table's heading says where.
            builder.add("place", section)
        for name, header, pattern in self.extract:
            cell = by_header.get(fold(header))
            match = pattern.search(cell_text(cell)) if cell is not None else None
            if match and match.group(1):
                builder.add(name, match.group(1))
        for name, value in (self.settings.get("constants") or {}).items():
            builder.add(name, value)
        fields, warnings = builder.finish()
        if not fields.get("name"):
            return RecordError(record=where, reason="no name")
        base = self.url or self.homepage
        return Record(
            source=self.slug,
            external_id=external_id(fields),
            fields=fields,
            raw=raw,
            record_url=f"{base.split('#')[0]}#{anchor}" if base and anchor else base,
            warnings=warnings,
        )


# ---------------------------------------------------------------- helpers
def cell_text(tag: Tag | None) -> str:
    """A cell's text on one line, without the spaces markup leaves before punctuation."""
    if tag is None:
        return ""
    return SPACE_BEFORE_PUNCTUATION.sub(r"\1", clean_text(tag.get_text(" ", strip=True)))


def span(cell: Tag) -> int:
    try:
        return max(1, min(50, int(cell.get("colspan", 1))))
    except (TypeError, ValueError):
        return 1


def fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def absolute(href: str) -> str:
    """An href that is a web address; '' for links into the listing itself, mailto: and the like."""
    fixed, _repaired = repair_url(href.strip())
    if fixed.startswith("//"):
        return "https:" + fixed
    return href.strip() if urlsplit(fixed).scheme.lower() in ("http", "https") else ""


def is_prose(text: str, separators: str, max_item_words: int) -> bool:
    """A sentence rather than a list: it ends with a full stop, or one item is too long."""
    if text.rstrip().endswith("."):
        return True
    return any(len(WORD.findall(item)) > max_item_words for item in split_items(text, separators))


def external_id(fields: dict) -> str:
    """The website's domain (with the first path segment on shared hosts), else the name's slug."""
    website = fields.get("website", "")
    domain = domain_of(website)
    if domain:
        if domain in SHARED_HOSTS:
            segment = urlsplit(website).path.strip("/").split("/")[0]
            return f"{domain}/{segment.lower()}" if segment else domain
        return domain
    return make_slug(fields["name"], max_length=255)


def merge(first: Record, other: Record, first_where: str, other_where: str) -> None:
    """Fold a second listing of the same organisation into the first one."""
    for key, value in other.fields.items():
        if key not in first.fields:
            first.fields[key] = value
        elif isinstance(value, list):
            first.fields[key] = first.fields[key] + [v for v in value if v not in first.fields[key]]
    if fold(other.name) != fold(first.name):
        names = first.fields.setdefault("other_names", [])
        if other.name not in names:
            names.append(other.name)
    first.raw.setdefault("Also listed as", []).append(other_where)
    first.merged_rows += 1 + other.merged_rows
    first.warnings.append(
        f"listed twice ({first_where} and {other_where}) under {first.external_id}; merged into one entry"
    )
    first.warnings += [w for w in other.warnings if w not in first.warnings]
