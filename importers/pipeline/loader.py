"""The shared loader: records in, entries with provenance out, and a report.

For each record it finds the entry the record describes — first by the record's
own id in its source, then by the website's domain among entries that source
does not list yet — and creates or updates it. A source only rewrites the fields
it set itself (``Entry.field_origins``); it fills fields that are empty and leaves
fields from other sources and editors alone. Unchanged records (same content
hash) cost no writes. Writes go in batches, each in one transaction; a batch that finds
the database locked by another writer waits and tries again (LOCK_RETRIES), so a busy
site does not make an import drop records.

The search index is brought up to date at the end of the run for what this run wrote
and for every entry whose indexed state is behind (`search.indexing.index_behind`),
so rows written by an earlier run that was killed before indexing are indexed too.

The parts: `validation` checks a record, `matching` finds its entry, `writing` sets
the fields its source may set and writes them, `report` counts what happened. This
module runs them batch by batch and is what the runner, the commands and tests import.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from datetime import timedelta

from django.db import DatabaseError, reset_queries, transaction
from django.utils import timezone

from directory.models import Entry, Source, SourceRecord
from search.indexing import index_behind

from ..models import DuplicateCandidate
from ..records import Record, RecordError
from .matching import Matcher
from .report import Report, describe
from .validation import check_record
from .writing import BATCH_SIZE, EntryWriter

__all__ = ["BATCH_SIZE", "LOCK_BACKOFF", "LOCK_RETRIES", "Loader", "Report", "is_lock_error"]

logger = logging.getLogger(__name__)

# A batch that meets "database is locked" (SQLite, another process writing) or a deadlock
# (PostgreSQL) is tried again this many times, waiting LOCK_BACKOFF s, then twice that...
LOCK_RETRIES = 6
LOCK_BACKOFF = 0.5
# A record seen again within this time does not rewrite its last_seen date, so an
# unchanged re-import writes nothing.
LAST_SEEN_GRANULARITY = timedelta(hours=20)


def is_lock_error(error: Exception) -> bool:
    """A write that failed because another transaction held the lock, not because of the data."""
    cause = error.__cause__ or error
    text = str(error).lower()
    if "database is locked" in text or "database table is locked" in text:
        return True
    # PostgreSQL: deadlock_detected, serialization_failure, lock_not_available.
    return getattr(cause, "sqlstate", None) in {"40P01", "40001", "55P03"}


class Loader:
    def __init__(self, source: Source, *, publish_new: bool | None = None, on_batch=None):
        self.source = source
        # Called after every batch (the runner's heartbeat).
        self.on_batch = on_batch
        self.publish_new = source.trusted if publish_new is None else publish_new
        self.now = timezone.now()
        self.report = Report(source=source.slug)
        self._seen_ids: set[str] = set()
        self.matcher = Matcher(source)
        self.writer = EntryWriter(source, now=self.now, publish_new=self.publish_new)

    # ------------------------------------------------------------------ run
    def load(self, items, *, index: bool = True) -> Report:
        """Write the records; then, unless `index` is false (dry runs), bring the index up to date."""
        batch: list[Record] = []
        for item in items:
            if isinstance(item, RecordError):
                self.report.error(item.record, item.reason)
                continue
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                self._load_batch(batch)
                batch = []
        if batch:
            self._load_batch(batch)
        if index:
            self.report.indexed = self._retrying(lambda: index_behind(self.report.entry_ids))
        return self.report

    def _load_batch(self, records: list[Record]):
        # With DEBUG on, Django keeps every query's SQL: drop it, or a big import grows without end.
        reset_queries()
        checked = (check_record(r, self.report, self._seen_ids) for r in records)
        records = [r for r in checked if r is not None]
        if records:
            self._write_batch(records)
        if self.on_batch is not None:
            self.on_batch(self.report)

    def _write_batch(self, records: list[Record]):
        try:
            self._retrying(lambda: self._write_atomically(records))
        except DatabaseError as error:
            # Find the record at fault: write one by one, each in its own transaction.
            logger.warning("batch of %s failed (%s); retrying record by record", len(records), error)
            for record in records:
                try:
                    self._retrying(lambda record=record: self._write_atomically([record]))
                except DatabaseError as record_error:
                    self.report.error(describe(record), f"could not be saved: {record_error}")

    def _retrying(self, write):
        """write(), tried again with growing waits while another writer holds the database's lock."""
        for attempt in range(LOCK_RETRIES + 1):
            try:
                return write()
            except DatabaseError as error:
                if attempt == LOCK_RETRIES or not is_lock_error(error):
                    raise
                wait = LOCK_BACKOFF * 2**attempt * (0.5 + random.random())
                logger.warning("database busy (%s); trying again in %.1f s", error, wait)
                time.sleep(wait)

    def _write_atomically(self, records: list[Record]):
        """Write a batch in one transaction; count it only once it has committed."""
        tally = Report(source=self.source.slug)
        try:
            with transaction.atomic():
                self._write(records, tally)
        except DatabaseError:
            # Whatever this batch created is gone: forget the ids we cached.
            self.writer.forget()
            self.matcher.forget()
            raise
        self.report.created += tally.created
        self.report.updated += tally.updated
        self.report.unchanged += tally.unchanged
        self.report.skipped += tally.skipped
        self.report.warnings.extend(tally.warnings)
        self.report.duplicates += tally.duplicates
        self.report.entry_ids |= tally.entry_ids

    # ----------------------------------------------------------------- writes
    def _write(self, records: list[Record], tally: Report):
        ids = [r.external_id for r in records]
        existing = {
            rec.external_id: rec
            for rec in SourceRecord.objects.filter(source=self.source, external_id__in=ids)
        }
        to_create: list[Record] = []
        to_update: list[tuple[Record, SourceRecord]] = []
        touched_last_seen: list[int] = []
        for record in records:
            known = existing.get(record.external_id)
            if known is None:
                to_create.append(record)
            elif known.content_hash == record.content_hash:
                tally.unchanged += 1
                if self.now - known.last_seen > LAST_SEEN_GRANULARITY:
                    touched_last_seen.append(known.pk)
            else:
                to_update.append((record, known))
        if touched_last_seen:
            SourceRecord.objects.filter(pk__in=touched_last_seen).update(last_seen=self.now)

        # New to this source: an entry from another source may already describe it.
        matches, soft = self.matcher.match(to_create, tally)
        entries = Entry.objects.in_bulk([known.entry_id for _r, known in to_update] + list(matches.values()))
        self.writer.load_relations(list(entries))
        new_entries: list[tuple[Record, Entry]] = []
        changed: dict[int, set[str]] = defaultdict(set)
        m2m: dict[int, dict[str, list[int]]] = defaultdict(dict)
        waiting = {r.external_id for r in to_create if not r.creates_entry and r.external_id not in matches}
        for record in to_create:
            if record.external_id in waiting:
                # Facts about an entry that is not in the catalogue yet: nothing to add them to.
                tally.skipped += 1
                where = f"as {record.listed_as[0]} {record.listed_as[1]!r}" if record.listed_as else "it"
                tally.warnings.append(
                    {"record": describe(record), "reason": f"no entry is listed {where} yet; skipped"}
                )
        to_create = [r for r in to_create if r.external_id not in waiting]
        for record in to_create:
            entry_id = matches.get(record.external_id)
            if entry_id is not None:
                entry = entries[entry_id]
                fields_changed, relations = self.writer.apply(entry, record, new=False)
                changed[entry.pk] |= fields_changed
                m2m[entry.pk].update(relations)
                tally.updated += 1
            else:
                entry = self._new_entry(record)
                _fields, relations = self.writer.apply(entry, record, new=True)
                new_entries.append((record, entry))
        for record, known in to_update:
            entry = entries.get(known.entry_id)
            if entry is None:
                continue
            fields_changed, relations = self.writer.apply(entry, record, new=False)
            changed[entry.pk] |= fields_changed
            m2m[entry.pk].update(relations)
            tally.updated += 1

        if new_entries:
            self.matcher.name_index()  # before the new entries exist: they are not candidates
            Entry.objects.bulk_create([entry for _r, entry in new_entries])
            self.matcher.propose_duplicates([entry for _r, entry in new_entries], tally)
            claimed = [
                DuplicateCandidate(
                    entry=entry,
                    other_id=soft[record.external_id],
                    score=100.0,
                    reason="same website or name as an entry, from an unverified source",
                )
                for record, entry in new_entries
                if record.external_id in soft
            ]
            if claimed:
                DuplicateCandidate.objects.bulk_create(claimed, ignore_conflicts=True)
                tally.duplicates += len(claimed)
            for _record, entry in new_entries:
                m2m[entry.pk].update(entry._pending_relations)
            tally.created += len(new_entries)

        for pk, relations in m2m.items():
            if relations and pk in entries:
                # Activities and tags are in the search index: the entry's state changed.
                changed[pk].add("updated_at")
        updated_entries = [entries[pk] for pk in changed if changed[pk]]
        if updated_entries:
            update_fields = sorted(set().union(*changed.values()) | {"field_origins", "updated_at"})
            for entry in updated_entries:
                entry.updated_at = self.now
            Entry.objects.bulk_update(updated_entries, update_fields, batch_size=BATCH_SIZE)
        self.writer.write_relations(m2m)
        self.writer.write_logos([e for _r, e in new_entries] + list(entries.values()), tally)
        matched = [(r, matches[r.external_id]) for r in to_create if r.external_id in matches]
        self.writer.write_identifiers(
            [(entry.pk, record) for record, entry in new_entries]
            + [(entry_id, record) for record, entry_id in matched]
            + [(known.entry_id, record) for record, known in to_update]
        )
        self.writer.write_provenance(new_entries, matched, to_update)

        listed = self.matcher.listed_by_this_source()
        listed.update(entry.pk for _r, entry in new_entries)
        listed.update(matches.values())
        tally.entry_ids.update(entry.pk for _r, entry in new_entries)
        tally.entry_ids.update(pk for pk in changed if changed[pk] or m2m.get(pk))

    def _new_entry(self, record: Record) -> Entry:
        return self.writer.new_entry(record)
