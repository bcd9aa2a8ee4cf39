"""Any spreadsheet, mapped onto entries by a small YAML file: a new listing needs no code.

`import_listings csv --config MAPPING --file sheet.csv` (or --url). The mapping (see
docs/importing.md and importers/listings/example-mapping.yaml) names the source, the
column that identifies a row, which column feeds which entry field, how to split lists,
how to translate the sheet's words into ours, and values every row gets.

The reading of configs is in importers.sources.config, the turning of cells into entry
fields in importers.sources.fields; both are re-exported here for older imports.
"""

from __future__ import annotations

import csv
import io

from directory.text import clean_text, make_slug

from ..records import Record, RecordError, normalise_url
from .base import ListingSource, refuse_cut_short
from .config import (  # noqa: F401  (re-exported: these lived here)
    allowed_configs,
    apply_source_settings,
    check_field_blocks,
    check_fields,
    config_path,
    load_config,
    parse_columns,
)
from .fields import (  # noqa: F401  (re-exported: these lived here)
    FieldBuilder,
    country_code,
    repair_url,
    split_items,
    to_int,
    to_year,
)


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
