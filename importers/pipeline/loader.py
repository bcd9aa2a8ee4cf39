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
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import DatabaseError, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone
from django_countries import countries
from PIL import Image as PILImage
from taggit.models import Tag

from directory.models import (
    Activity,
    Category,
    Entry,
    EntryIdentifier,
    EntryTag,
    GeographicScope,
    LegalForm,
    MemberClass,
    OrganisationType,
    Source,
    SourceRecord,
    Status,
)
from directory.text import make_slug, sanitise_html, unique_slug, validate_web_url
from search.indexing import index_behind

from ..models import DuplicateCandidate
from ..records import (
    LIST_FIELDS,
    MULTI_TERM_FIELDS,
    SCALAR_FIELDS,
    TERM_FIELDS,
    URL_FIELDS,
    Record,
    RecordError,
    domain_of,
)
from .duplicates import NameIndex

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# A batch that meets "database is locked" (SQLite, another process writing) or a deadlock
# (PostgreSQL) is tried again this many times, waiting LOCK_BACKOFF s, then twice that...
LOCK_RETRIES = 6
LOCK_BACKOFF = 0.5
# Hosts where many organisations have a page: a shared domain there says nothing.
SHARED_HOSTS = {
    "facebook.com",
    "m.facebook.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "linkedin.com",
    "youtube.com",
    "medium.com",
    "github.com",
    "gitlab.com",
    "sites.google.com",
    "google.com",
    "docs.google.com",
    "wordpress.com",
    "blogspot.com",
    "wixsite.com",
    "pitchero.com",
    "meetup.com",
    "eventbrite.com",
    "en.wikipedia.org",
    "wikipedia.org",
    "opencollective.com",
    "goteo.org",
    "en.goteo.org",
    "linktr.ee",
    "bandcamp.com",
    "patreon.com",
    "squarespace.com",
}
# Origins in Entry.field_origins that are not sources (see directory.forms).
EDITOR = "editor"  # a field an editor changed: importers never touch it
ANY_SOURCE = "any"  # a field an editor unlocked: the next source to list it takes it over
TERM_MODELS = {"organisation_type": OrganisationType, "category": Category, "legal_form": LegalForm}
MULTI_TERM_MODELS = {"activities": Activity, "member_classes": MemberClass}
# A record seen again within this time does not rewrite its last_seen date, so an
# unchanged re-import writes nothing.
LAST_SEEN_GRANULARITY = timedelta(hours=20)
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


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


def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


def one_record_per_entry(matches: dict[str, int], taken: set[int]) -> dict[str, int]:
    """Drop matches to entries already claimed in this batch, or claimed twice here:
    two records of one source are two organisations."""
    counts: dict[int, int] = defaultdict(int)
    for entry_id in matches.values():
        counts[entry_id] += 1
    return {eid: pk for eid, pk in matches.items() if pk not in taken and counts[pk] == 1}


def describe(record: Record) -> str:
    where = f"line {record.line}" if record.line else f"id {record.external_id}"
    return f"{where} ({record.name})" if record.name else where


def is_lock_error(error: Exception) -> bool:
    """A write that failed because another transaction held the lock, not because of the data."""
    cause = error.__cause__ or error
    text = str(error).lower()
    if "database is locked" in text or "database table is locked" in text:
        return True
    # PostgreSQL: deadlock_detected, serialization_failure, lock_not_available.
    return getattr(cause, "sqlstate", None) in {"40P01", "40001", "55P03"}


class _Skip(Exception):
    """A record that cannot be written; its batch goes on without it."""


class Loader:
    def __init__(self, source: Source, *, publish_new: bool | None = None, on_batch=None):
        self.source = source
        # Called after every batch (the runner's heartbeat).
        self.on_batch = on_batch
        self.publish_new = source.trusted if publish_new is None else publish_new
        self.now = timezone.now()
        self.report = Report(source=source.slug)
        self._terms: dict[type, dict[str, int]] = {}
        self._tags: dict[str, int] = {}
        self._slugs: set[str] | None = None
        self._seen_ids: set[str] = set()
        self._names: NameIndex | None = None
        self._listed: set[int] | None = None
        self._relations: dict[int, dict[str, list[int]]] = {}
        self._domains: dict[str, list[int]] | None = None
        self._email_validator = EmailValidator()

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
        records = [r for r in (self._prepare(r) for r in records) if r is not None]
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
            self._terms, self._tags, self._slugs, self._names = {}, {}, None, None
            self._listed, self._domains = None, None
            raise
        self.report.created += tally.created
        self.report.updated += tally.updated
        self.report.unchanged += tally.unchanged
        self.report.skipped += tally.skipped
        self.report.warnings.extend(tally.warnings)
        self.report.duplicates += tally.duplicates
        self.report.entry_ids |= tally.entry_ids

    # ------------------------------------------------------------ validation
    def _prepare(self, record: Record) -> Record | None:
        """Check a record before writing: bad fields dropped with a warning, bad records with an error."""
        label = describe(record)
        if not record.external_id:
            self.report.error(label, "no identifier")
            return None
        if record.external_id in self._seen_ids:
            self.report.error(label, f"listed twice in this source under the id {record.external_id!r}")
            return None
        self._seen_ids.add(record.external_id)
        name = record.fields.get("name", "")
        if not name:
            self.report.error(label, "no name")
            return None
        if len(name) > 255:
            self.report.error(label, "name longer than 255 characters")
            return None
        self.report.merged += record.merged_rows
        for message in record.warnings:
            self.report.warnings.append({"record": label, "reason": message})
        fields = record.fields
        problems = []
        for key in URL_FIELDS:
            if key in fields:
                limit = Entry._meta.get_field(key).max_length
                try:
                    validate_web_url(fields[key])
                    if len(fields[key]) > limit:
                        raise ValidationError("too long")
                except ValidationError:
                    problems.append(f"{key} {fields[key][:80]!r} is not a usable web address")
                    fields.pop(key)
        if "contact_email" in fields:
            try:
                self._email_validator(fields["contact_email"])
            except ValidationError:
                problems.append("contact email is not an address")
                fields.pop("contact_email")
        if "country" in fields and fields["country"] not in countries:
            problems.append(f"country {fields['country']!r} is not an ISO 3166-1 code")
            fields.pop("country")
        if "status" in fields and fields["status"] not in Status.values:
            problems.append(f"unknown status {fields['status']!r}")
            fields.pop("status")
        if "geographic_scope" in fields and fields["geographic_scope"] not in GeographicScope.values:
            problems.append(f"unknown geographic scope {fields['geographic_scope']!r}")
            fields.pop("geographic_scope")
        for key, low, high in (
            ("latitude", -90, 90),
            ("longitude", -180, 180),
            ("founded_year", 1700, 2100),
            ("members_count", 0, 2**31 - 1),
            ("workers_count", 0, 2**31 - 1),
        ):
            if key in fields:
                value = fields[key]
                if not isinstance(value, (int, float)) or not low <= value <= high:
                    problems.append(f"{key} {value!r} is out of range")
                    fields.pop(key)
        if ("latitude" in fields) != ("longitude" in fields):
            fields.pop("latitude", None)
            fields.pop("longitude", None)
        for key in ("summary", "address", "locality", "region"):
            if key in fields:
                fields[key] = fields[key][: Entry._meta.get_field(key).max_length]
        if "description" in fields:
            fields["description"] = sanitise_html(fields["description"])
        for message in problems:
            self.report.warnings.append({"record": label, "reason": message})
        return record

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
        matches = self._match_by_identifier(to_create, tally)
        matches.update(self._match_by_listing([r for r in to_create if r.external_id not in matches]))
        # A record that names its entry by another source's id matches that entry or none.
        unmatched = [r for r in to_create if r.external_id not in matches and not r.listed_as]
        soft = one_record_per_entry(
            self._match_by_domain(unmatched),
            taken=set(matches.values()),
        )
        soft.update(
            one_record_per_entry(
                self._match_by_name([r for r in unmatched if r.external_id not in soft]),
                taken=set(matches.values()) | set(soft.values()),
            )
        )
        if self.source.trusted:
            matches.update(soft)
            soft = {}
        # An unverified source may claim anyone's website or name: its matches wait for an
        # editor instead of writing into the entry (see _propose_duplicates).
        entries = Entry.objects.in_bulk([known.entry_id for _r, known in to_update] + list(matches.values()))
        self._relations = self._load_relations(list(entries))
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
                fields_changed, relations = self._apply(entry, record, new=False)
                changed[entry.pk] |= fields_changed
                m2m[entry.pk].update(relations)
                tally.updated += 1
            else:
                entry = self._new_entry(record)
                _fields, relations = self._apply(entry, record, new=True)
                new_entries.append((record, entry))
        for record, known in to_update:
            entry = entries.get(known.entry_id)
            if entry is None:
                continue
            fields_changed, relations = self._apply(entry, record, new=False)
            changed[entry.pk] |= fields_changed
            m2m[entry.pk].update(relations)
            tally.updated += 1

        if new_entries:
            self._name_index()  # before the new entries exist: they are not candidates
            Entry.objects.bulk_create([entry for _r, entry in new_entries])
            self._propose_duplicates([entry for _r, entry in new_entries], tally)
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
        self._write_relations(m2m)
        self._write_logos([e for _r, e in new_entries] + list(entries.values()), tally)
        self._write_identifiers(
            [(entry.pk, record) for record, entry in new_entries]
            + [(matches[r.external_id], r) for r in to_create if r.external_id in matches]
            + [(known.entry_id, record) for record, known in to_update]
        )

        # Provenance.
        SourceRecord.objects.bulk_create(
            [self._provenance(record, entry.pk) for record, entry in new_entries]
            + [
                self._provenance(record, matches[record.external_id])
                for record in to_create
                if record.external_id in matches
            ]
        )
        for record, known in to_update:
            known.raw = record.raw
            known.content_hash = record.content_hash
            known.record_url = record.record_url[:2000]
            known.last_seen = self.now
        if to_update:
            SourceRecord.objects.bulk_update(
                [known for _r, known in to_update],
                ["raw", "content_hash", "record_url", "last_seen"],
                batch_size=BATCH_SIZE,
            )

        listed = self._listed_by_this_source()
        listed.update(entry.pk for _r, entry in new_entries)
        listed.update(matches.values())
        tally.entry_ids.update(entry.pk for _r, entry in new_entries)
        tally.entry_ids.update(pk for pk in changed if changed[pk] or m2m.get(pk))

    def _name_index(self) -> NameIndex:
        """Names of the entries other sources listed before this run began."""
        if self._names is None:
            listed = self._listed_by_this_source()
            self._names = NameIndex(
                row
                for row in Entry.objects.values_list("pk", "name", "country").iterator()
                if row[0] not in listed
            )
        return self._names

    def _propose_duplicates(self, entries: list[Entry], tally: Report):
        """New entries whose names are close to an entry from another source wait for an editor."""
        index = self._name_index()
        proposals = []
        for entry in entries:
            for other_id, score, reason in index.candidates(entry.name, entry.country, exclude={entry.pk}):
                proposals.append(
                    DuplicateCandidate(entry=entry, other_id=other_id, score=score, reason=reason)
                )
        if proposals:
            DuplicateCandidate.objects.bulk_create(proposals, ignore_conflicts=True)
            tally.duplicates += len(proposals)

    def _match_by_identifier(self, records: list[Record], tally: Report) -> dict[str, int]:
        """external id -> entry id, for records sharing a register's id with an entry."""
        pairs = {(scheme, value) for r in records for scheme, value in r.identifiers.items()}
        if not pairs:
            return {}
        condition = Q()
        for scheme in {scheme for scheme, _v in pairs}:
            condition |= Q(scheme=scheme, value__in=[v for s, v in pairs if s == scheme])
        listed = self._listed_by_this_source()
        owners = {
            (scheme, value): entry_id
            for scheme, value, entry_id in EntryIdentifier.objects.filter(condition).values_list(
                "scheme", "value", "entry_id"
            )
            if entry_id not in listed
        }
        matches = {}
        for record in records:
            found = {owners[p] for p in record.identifiers.items() if p in owners}
            if len(found) == 1:
                matches[record.external_id] = found.pop()
            elif len(found) > 1:
                ids = ", ".join(f"{k}:{v}" for k, v in sorted(record.identifiers.items()))
                tally.warnings.append(
                    {
                        "record": describe(record),
                        "reason": f"its ids ({ids}) belong to {len(found)} different entries; "
                        "added as a new entry for an editor to merge",
                    }
                )
        return matches

    def _match_by_listing(self, records: list[Record]) -> dict[str, int]:
        """external id -> entry id, for records that name the entry by another source's id."""
        wanted = {r.external_id: r.listed_as for r in records if r.listed_as}
        if not wanted:
            return {}
        condition = Q()
        for slug, external_id in set(wanted.values()):
            condition |= Q(source__slug=slug, external_id=external_id)
        owners = {
            (slug, external_id): entry_id
            for slug, external_id, entry_id in SourceRecord.objects.filter(condition).values_list(
                "source__slug", "external_id", "entry_id"
            )
        }
        listed = self._listed_by_this_source()
        return {
            record_id: owners[key]
            for record_id, key in wanted.items()
            if key in owners and owners[key] not in listed
        }

    def _write_identifiers(self, pairs: list[tuple[int, Record]]):
        rows = [
            EntryIdentifier(entry_id=entry_id, scheme=scheme, value=value[:200])
            for entry_id, record in pairs
            for scheme, value in record.identifiers.items()
        ]
        if rows:
            EntryIdentifier.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH_SIZE)

    def _provenance(self, record: Record, entry_id: int) -> SourceRecord:
        return SourceRecord(
            entry_id=entry_id,
            source=self.source,
            external_id=record.external_id,
            record_url=record.record_url[:2000],
            raw=record.raw,
            content_hash=record.content_hash,
            first_seen=self.now,
            last_seen=self.now,
        )

    def _listed_by_this_source(self) -> set[int]:
        """Ids of the entries this source lists: never merge a second record of it into them."""
        if self._listed is None:
            self._listed = set(
                SourceRecord.objects.filter(source=self.source).values_list("entry_id", flat=True)
            )
        return self._listed

    def _domain_map(self) -> dict[str, list[int]]:
        """domain -> entries of other sources with a website there, built once per run."""
        if self._domains is None:
            listed = self._listed_by_this_source()
            self._domains = defaultdict(list)
            for pk, website in Entry.objects.exclude(website="").values_list("pk", "website").iterator():
                domain = domain_of(website)
                if domain and domain not in SHARED_HOSTS and pk not in listed:
                    self._domains[domain].append(pk)
        return self._domains

    def _match_by_domain(self, records: list[Record]) -> dict[str, int]:
        """external id -> entry id, for new records whose website is one entry's (not from this source)."""
        wanted = {}
        for record in records:
            domain = domain_of(record.fields.get("website", ""))
            if domain and domain not in SHARED_HOSTS:
                wanted[record.external_id] = domain
        if not wanted:
            return {}
        by_domain = self._domain_map()
        listed = self._listed_by_this_source()
        claims: dict[str, list[str]] = defaultdict(list)
        for external_id, domain in wanted.items():
            claims[domain].append(external_id)
        matches = {}
        for domain, external_ids in claims.items():
            owners = [pk for pk in by_domain.get(domain, []) if pk not in listed]
            # Two records of this source on one site are two organisations: merge neither.
            if len(owners) == 1 and len(external_ids) == 1:
                matches[external_ids[0]] = owners[0]
        return matches

    def _match_by_name(self, records: list[Record]) -> dict[str, int]:
        """Exactly the same name, one candidate not yet from this source, and no sign of two places.

        Only this unambiguous case merges here; fuzzier matches are for editors to decide.
        """
        wanted = {normalise_name(r.name): r for r in records if r.name}
        if not wanted:
            return {}
        listed = self._listed_by_this_source()
        candidates = defaultdict(list)
        queryset = Entry.objects.filter(name__in={r.name for r in records}).values_list(
            "pk", "name", "country", "locality"
        )
        for pk, name, country, locality in queryset:
            if pk not in listed:
                candidates[normalise_name(name)].append((pk, country, locality))
        matches = {}
        for key, record in wanted.items():
            found = candidates.get(key, [])
            if len(found) != 1:
                continue
            pk, country, locality = found[0]
            ours_country, ours_locality = record.fields.get("country", ""), record.fields.get("locality", "")
            if country and ours_country and country != ours_country:
                continue
            if locality and ours_locality and locality.casefold() != ours_locality.casefold():
                continue  # same name in two towns: an editor decides (see _propose_duplicates)
            matches[record.external_id] = pk
        return matches

    def _new_entry(self, record: Record) -> Entry:
        if self._slugs is None:
            self._slugs = set(Entry.objects.values_list("slug", flat=True))
        entry = Entry(
            name=record.name,
            slug=unique_slug(record.name, self._slugs),
            live=self.publish_new,
            needs_review=not self.publish_new,
            review_note="" if self.publish_new else f"New from {self.source.name}.",
            first_published_at=self.now if self.publish_new else None,
            last_published_at=self.now if self.publish_new else None,
            field_origins={},
        )
        entry.created_at = self.now
        entry.updated_at = self.now
        return entry

    # --------------------------------------------------------------- fields
    def _apply(self, entry: Entry, record: Record, *, new: bool):
        """Set the fields this source may set; return (changed fields, relations to write)."""
        origins = dict(entry.field_origins or {})
        source = self.source.slug
        changed: set[str] = set()
        relations: dict[str, list[int]] = {}
        fields = record.fields

        def may_set(name, current_empty):
            origin = origins.get(name)
            if origin == EDITOR:
                return False
            return new or current_empty or origin in (source, ANY_SOURCE)

        for name in sorted(SCALAR_FIELDS | set(LIST_FIELDS) | set(TERM_FIELDS)):
            if name == "name" and not new:
                # Names are how people find entries: only the creating source renames.
                if origins.get("name") != source:
                    continue
            attname = f"{name}_id" if name in TERM_FIELDS else name
            current = getattr(entry, attname)
            current_empty = current in (None, "", [], {})
            if name not in fields:
                # The source dropped a value it had set: clear it.
                if not new and origins.get(name) == source and not current_empty:
                    setattr(
                        entry,
                        attname,
                        []
                        if name in LIST_FIELDS
                        else (
                            None
                            if name in TERM_FIELDS
                            or name
                            in {
                                "founded_year",
                                "members_count",
                                "workers_count",
                                "latitude",
                                "longitude",
                            }
                            else ""
                        ),
                    )
                    origins.pop(name, None)
                    changed.add(attname)
                continue
            if not may_set(name, current_empty):
                continue
            value = fields[name]
            if name in TERM_FIELDS:
                value = self._term_id(TERM_MODELS[name], value)
            if current != value:
                setattr(entry, attname, value)
                changed.add(attname)
            origins[name] = source

        if new:
            current_relations = {}
        else:
            current_relations = {name: self._current_relation(entry, name) for name in MULTI_TERM_FIELDS}
        for name in sorted(MULTI_TERM_FIELDS):
            current = current_relations.get(name, [])
            if name not in fields:
                if not new and origins.get(name) == source and current:
                    relations[name] = []
                    origins.pop(name, None)
                continue
            if not may_set(name, not current):
                continue
            if name == "tags":
                ids = [self._tag_id(tag) for tag in fields[name]]
            else:
                ids = [self._term_id(MULTI_TERM_MODELS[name], value) for value in fields[name]]
            ids = list(dict.fromkeys(ids))
            if sorted(ids) != sorted(current):
                relations[name] = ids
            origins[name] = source

        if origins != (entry.field_origins or {}):
            entry.field_origins = origins
            changed.add("field_origins")
        if new:
            entry._pending_relations = relations
        entry._pending_logo = fields.get("logo_data") if (new or not entry.logo_id) else None
        return changed, relations

    def _load_relations(self, entry_ids: list[int]) -> dict[int, dict[str, list[int]]]:
        """The current activities, member classes and tags of a batch's entries, in three queries."""
        relations: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        if not entry_ids:
            return relations
        for name, column in (("activities", "activity_id"), ("member_classes", "memberclass_id")):
            through = getattr(Entry, name).through
            for entry_id, term_id in through.objects.filter(entry_id__in=entry_ids).values_list(
                "entry_id", column
            ):
                relations[entry_id][name].append(term_id)
        for entry_id, tag_id in EntryTag.objects.filter(content_object_id__in=entry_ids).values_list(
            "content_object_id", "tag_id"
        ):
            relations[entry_id]["tags"].append(tag_id)
        return relations

    def _current_relation(self, entry: Entry, name: str) -> list[int]:
        return list(self._relations.get(entry.pk, {}).get(name, []))

    def _write_relations(self, m2m: dict[int, dict[str, list[int]]]):
        for name, column in (("activities", "activity_id"), ("member_classes", "memberclass_id")):
            through = getattr(Entry, name).through
            redo = [pk for pk, rel in m2m.items() if name in rel]
            if not redo:
                continue
            through.objects.filter(entry_id__in=redo).delete()
            through.objects.bulk_create(
                [through(entry_id=pk, **{column: term_id}) for pk in redo for term_id in m2m[pk][name]],
                batch_size=BATCH_SIZE,
            )
        redo = [pk for pk, rel in m2m.items() if "tags" in rel]
        if redo:
            EntryTag.objects.filter(content_object_id__in=redo).delete()
            EntryTag.objects.bulk_create(
                [EntryTag(content_object_id=pk, tag_id=tag_id) for pk in redo for tag_id in m2m[pk]["tags"]],
                batch_size=BATCH_SIZE,
            )

    def _term_id(self, model, value: str) -> int:
        cache = self._terms.get(model)
        if cache is None:
            cache = self._terms[model] = dict(model.objects.values_list("slug", "pk"))
        slug = make_slug(value, max_length=100)
        if slug not in cache:
            name = value if value != value.lower() else value[:1].upper() + value[1:]
            term, _created = model.objects.get_or_create(slug=slug, defaults={"name": name[:100]})
            cache[slug] = term.pk
        return cache[slug]

    def _tag_id(self, name: str) -> int:
        key = name.lower()
        if key not in self._tags:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name[:100])
            self._tags[key] = tag.pk
        return self._tags[key]

    # ----------------------------------------------------------------- logos
    def _write_logos(self, candidates: list[Entry], tally: Report):
        pending = [entry for entry in candidates if getattr(entry, "_pending_logo", None)]
        if not pending:
            return
        from django.core.files.images import ImageFile
        from wagtail.images import get_image_model

        Image = get_image_model()
        for entry in pending:
            mime, data = entry._pending_logo
            entry._pending_logo = None
            extension = LOGO_TYPES.get(mime)
            if extension is None:
                tally.warnings.append(
                    {"record": entry.name, "reason": f"embedded logo of type {mime} not kept"}
                )
                continue
            try:
                content = base64.b64decode(data, validate=False)
            except (binascii.Error, ValueError):
                tally.warnings.append({"record": entry.name, "reason": "embedded logo is not base64"})
                continue
            digest = hashlib.sha1(content).hexdigest()
            image = Image.objects.filter(file_hash=digest).first()
            if image is None:
                try:
                    PILImage.open(io.BytesIO(content)).verify()
                except Exception as error:  # Pillow rejects broken images in many ways
                    tally.warnings.append(
                        {"record": entry.name, "reason": f"embedded logo unreadable ({error})"}
                    )
                    continue
                image = Image(
                    title=f"{entry.name} logo"[:255],
                    file=ImageFile(io.BytesIO(content), name=f"{digest[:16]}.{extension}"),
                )
                image.file_hash = digest
                image.save()
            Entry.objects.filter(pk=entry.pk).update(logo=image)
