"""Merging two entries that turned out to be one organisation."""

from __future__ import annotations

from django.db import transaction

from .fields import LIST_FIELDS, SCALAR_FIELDS, TERM_FIELDS
from .models import Entry, EntryIdentifier, EntryTag, SourceRecord

# Every single-valued fact a source can give, by column, and the logo an import may have stored.
SCALARS = sorted({f"{name}_id" for name in TERM_FIELDS} | (SCALAR_FIELDS - {"name", "status"}) | {"logo_id"})
LISTS = sorted(LIST_FIELDS - {"other_names"})


def _empty(value) -> bool:
    return value in (None, "", [], {})


@transaction.atomic
def merge_entries(keep: Entry, remove: Entry) -> Entry:
    """Fold `remove` into `keep`: its listings, ids, names and any facts `keep` lacks.

    Later imports then find the merged entry through the moved source records, so
    the decision holds.
    """
    if keep.pk == remove.pk:
        raise ValueError("an entry cannot be merged with itself")
    keep = Entry.objects.select_for_update().get(pk=keep.pk)
    remove = Entry.objects.select_for_update().get(pk=remove.pk)
    origins = dict(keep.field_origins or {})
    for name in SCALARS:
        if _empty(getattr(keep, name)) and not _empty(getattr(remove, name)):
            setattr(keep, name, getattr(remove, name))
            key = name.removesuffix("_id")
            if key in (remove.field_origins or {}):
                origins[key] = remove.field_origins[key]
    for name in LISTS:
        merged = list(getattr(keep, name) or [])
        for item in getattr(remove, name) or []:
            if item not in merged:
                merged.append(item)
        setattr(keep, name, merged)
    names = [
        n
        for n in [*(keep.other_names or []), remove.name, *(remove.other_names or [])]
        if n and n != keep.name
    ]
    keep.other_names = list(dict.fromkeys(names))
    keep.field_origins = origins
    keep.live = keep.live or remove.live
    keep.needs_review = keep.needs_review and remove.needs_review

    SourceRecord.objects.filter(entry=remove).update(entry=keep)
    taken = set(EntryIdentifier.objects.filter(entry=keep).values_list("scheme", "value"))
    for identifier in EntryIdentifier.objects.filter(entry=remove):
        if (identifier.scheme, identifier.value) in taken:
            identifier.delete()
        else:
            identifier.entry = keep
            identifier.save(update_fields=["entry"])
    for relation in ("activities", "member_classes"):
        getattr(keep, relation).add(*getattr(remove, relation).all())
    kept_tags = set(EntryTag.objects.filter(content_object=keep).values_list("tag_id", flat=True))
    EntryTag.objects.bulk_create(
        [
            EntryTag(content_object_id=keep.pk, tag_id=tag_id)
            for tag_id in EntryTag.objects.filter(content_object=remove).values_list("tag_id", flat=True)
            if tag_id not in kept_tags
        ]
    )
    remove.delete()
    keep.save()
    return keep
