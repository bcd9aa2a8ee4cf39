"""What an import run did: counts, errors and warnings, the entries it touched."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import Record


@dataclass
class Report:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    entry_ids: set[int] = field(default_factory=set)
    indexed: int = 0
    duplicates: int = 0  # possible duplicates put before editors
    merged: int = 0  # source rows folded into another row of the same source

    @property
    def handled(self) -> int:
        return self.created + self.updated + self.unchanged + self.skipped + self.merged

    def error(self, record: str, reason: str):
        self.errors.append({"record": record, "reason": reason})
        self.skipped += 1

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "merged": self.merged,
            "errors": self.errors,
            "warnings": self.warnings,
            "possible_duplicates": self.duplicates,
        }


def describe(record: Record) -> str:
    """How a report names a record: its line in the file, or its id in the source."""
    where = f"line {record.line}" if record.line else f"id {record.external_id}"
    return f"{where} ({record.name})" if record.name else where
