"""Writing a record into its entry: the fields its source may set, terms, tags, logos, ids, provenance.

A source only rewrites the fields it set itself (``Entry.field_origins``); it fills
fields that are empty and leaves fields from other sources and editors alone. Writes
are in bulk; the loader runs them inside its batch's transaction.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from collections import defaultdict
from datetime import datetime

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images import get_image_model

from directory.models import (
    Activity,
    Category,
    Entry,
    EntryIdentifier,
    EntryTag,
    LegalForm,
    MemberClass,
    OrganisationType,
    Source,
    SourceRecord,
)
from directory.text import make_slug, unique_slug

from ..records import LIST_FIELDS, MULTI_TERM_FIELDS, SCALAR_FIELDS, TERM_FIELDS, Record
from .report import Report

BATCH_SIZE = 500
# Origins in Entry.field_origins that are not sources (see directory.forms).
EDITOR = "editor"  # a field an editor changed: importers never touch it
ANY_SOURCE = "any"  # a field an editor unlocked: the next source to list it takes it over
TERM_MODELS = {"organisation_type": OrganisationType, "category": Category, "legal_form": LegalForm}
MULTI_TERM_MODELS = {"activities": Activity, "member_classes": MemberClass}
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


class EntryWriter:
    """Writes one source's records into entries, with the ids of terms, tags and slugs cached for the run.

    A batch whose transaction rolls back calls `forget()`: what it created is gone.
    """

    def __init__(self, source: Source, *, now: datetime, publish_new: bool):
        self.source = source
        self.now = now
        self.publish_new = publish_new
        self._terms: dict[type, dict[str, int]] = {}
        self._tags: dict[str, int] = {}
        self._slugs: set[str] | None = None
        self._relations: dict[int, dict[str, list[int]]] = {}

    def forget(self):
        self._terms, self._tags, self._slugs = {}, {}, None

    # ------------------------------------------------------------ entries
    def new_entry(self, record: Record) -> Entry:
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

    def write_identifiers(self, pairs: list[tuple[int, Record]]):
        rows = [
            EntryIdentifier(entry_id=entry_id, scheme=scheme, value=value[:200])
            for entry_id, record in pairs
            for scheme, value in record.identifiers.items()
        ]
        if rows:
            EntryIdentifier.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH_SIZE)

    # --------------------------------------------------------- provenance
    def provenance(self, record: Record, entry_id: int) -> SourceRecord:
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

    def write_provenance(
        self,
        new_entries: list[tuple[Record, Entry]],
        matched: list[tuple[Record, int]],
        to_update: list[tuple[Record, SourceRecord]],
    ):
        """Provenance: records of new and matched entries created, known records brought up to date."""
        SourceRecord.objects.bulk_create(
            [self.provenance(record, entry.pk) for record, entry in new_entries]
            + [self.provenance(record, entry_id) for record, entry_id in matched]
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

    # ------------------------------------------------------------- fields
    def apply(self, entry: Entry, record: Record, *, new: bool):
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
                value = self.term_id(TERM_MODELS[name], value)
            if current != value:
                setattr(entry, attname, value)
                changed.add(attname)
            origins[name] = source

        if new:
            current_relations = {}
        else:
            current_relations = {name: self.current_relation(entry, name) for name in MULTI_TERM_FIELDS}
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
                ids = [self.tag_id(tag) for tag in fields[name]]
            else:
                ids = [self.term_id(MULTI_TERM_MODELS[name], value) for value in fields[name]]
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

    # ---------------------------------------------------------- relations
    def load_relations(self, entry_ids: list[int]):
        """Read the current activities, member classes and tags of a batch's entries, in three queries."""
        relations: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        if entry_ids:
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
        self._relations = relations

    def current_relation(self, entry: Entry, name: str) -> list[int]:
        return list(self._relations.get(entry.pk, {}).get(name, []))

    def write_relations(self, m2m: dict[int, dict[str, list[int]]]):
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

    def term_id(self, model, value: str) -> int:
        cache = self._terms.get(model)
        if cache is None:
            cache = self._terms[model] = dict(model.objects.values_list("slug", "pk"))
        slug = make_slug(value, max_length=100)
        if slug not in cache:
            name = value if value != value.lower() else value[:1].upper() + value[1:]
            term, _created = model.objects.get_or_create(slug=slug, defaults={"name": name[:100]})
            cache[slug] = term.pk
        return cache[slug]

    def tag_id(self, name: str) -> int:
        key = name.lower()
        if key not in self._tags:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name[:100])
            self._tags[key] = tag.pk
        return self._tags[key]

    # -------------------------------------------------------------- logos
    def write_logos(self, candidates: list[Entry], tally: Report):
        pending = [entry for entry in candidates if getattr(entry, "_pending_logo", None)]
        if not pending:
            return
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
