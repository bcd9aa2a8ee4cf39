"""The catalogue's version, and facet counts remembered per version.

Counting facets over most of the catalogue (no search text, or filters only) reads
every published entry: hundreds of milliseconds at 100,000 entries, for the pages
people open most. Those counts are remembered per process, keyed by the filters and
the catalogue's version; every change to the catalogue changes the version:

- saving, publishing, unpublishing, deleting or merging an entry (signals), changing its
  activities or member classes, and editing a taxonomy term (signals.py);
- importers and the link crawler, which write in bulk without signals, through
  `search.indexing.index_entries`, the same call that refreshes the full-text index.

Code that writes entries with `QuerySet.update()` and no `index_entries` call leaves
the full-text index and these counts behind alike.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict

from django.db import connection

from .models import CatalogueVersion

SIZE = 512  # filter combinations remembered per process
_lock = threading.Lock()
_remembered: OrderedDict = OrderedDict()


def _table() -> str:
    return CatalogueVersion._meta.db_table


def current() -> str | None:
    """The catalogue's version token (None when the table has no row yet)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {_table()} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def bump() -> None:
    """Give the catalogue a new version (in the current transaction, if any)."""
    token = uuid.uuid4().hex
    if not CatalogueVersion.objects.filter(pk=1).update(token=token):
        CatalogueVersion.objects.update_or_create(pk=1, defaults={"token": token})


def remembered(key, compute):
    """compute(), or what it returned for this key at the catalogue's current version."""
    version = current()
    if version is None:
        return compute()
    full_key = (connection.alias, connection.settings_dict.get("NAME"), version, key)
    with _lock:
        if full_key in _remembered:
            _remembered.move_to_end(full_key)
            return _remembered[full_key]
    value = compute()
    with _lock:
        _remembered[full_key] = value
        while len(_remembered) > SIZE:
            _remembered.popitem(last=False)
    return value


def forget() -> None:
    with _lock:
        _remembered.clear()
