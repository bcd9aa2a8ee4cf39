"""Fixtures for the open-data API tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The API throttles by client address in the cache; each test starts with a clean count."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_data(db):
    """Personal data and editors' notes on published entries, which must never come out."""
    from directory.models import Entry, SourceRecord

    entries = list(Entry.objects.published().order_by("pk")[:3])
    secrets = {"emails": [], "notes": []}
    for index, entry in enumerate(entries):
        email = f"private.person{index}@secret-mailbox.example"
        note = f"EDITOR-ONLY-NOTE-{index}: do not publish"
        Entry.objects.filter(pk=entry.pk).update(contact_email=email, review_note=note)
        secrets["emails"].append(email)
        secrets["notes"].append(note)
    record = SourceRecord.objects.filter(entry__live=True).first()
    if record is not None:
        record.raw = {**record.raw, "Email": "raw.record.person@secret-mailbox.example"}
        record.save(update_fields=["raw"])
        secrets["emails"].append("raw.record.person@secret-mailbox.example")
    # Whatever the seed and the IoO import put in the private field, too.
    secrets["emails"] += [
        e for e in Entry.objects.exclude(contact_email="").values_list("contact_email", flat=True)
    ]
    secrets["emails"] = sorted(set(secrets["emails"]))
    return secrets
