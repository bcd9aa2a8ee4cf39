"""Keeping the search index in step with the catalogue when writes bypass signals."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, reset_queries
from wagtail.search.backends import get_search_backends

CHUNK_SIZE = 500
# After (re)indexing this many entries at once, PostgreSQL gets fresh table statistics.
ANALYZE_AFTER = 1000


def index_entries(entry_ids: Iterable[int], chunk_size: int = CHUNK_SIZE) -> int:
    """(Re)index these entries in every configured backend; return how many were indexed.

    Importers write with bulk queries, which send no signals, so they call this
    once per run instead of indexing row by row.
    """
    from directory.models import Entry

    ids = sorted(set(entry_ids))
    if ids:
        from .versions import bump

        bump()  # bulk writes send no signals: remembered facet counts are stale now
    done = 0
    backends = list(get_search_backends(with_auto_update=False))
    for start in range(0, len(ids), chunk_size):
        reset_queries()
        chunk = ids[start : start + chunk_size]
        entries = list(Entry.objects.filter(pk__in=chunk).prefetch_related("activities", "tags"))
        for backend in backends:
            backend.add_bulk(Entry, entries)
        done += len(entries)
    # A search server, when one is configured, takes the same entries in one bulk request per chunk.
    from .api import get_engine

    engine = get_engine()
    if hasattr(engine, "index_entries"):
        engine.index_entries(ids, chunk_size=chunk_size)
    if done >= ANALYZE_AFTER:
        refresh_statistics()
    return done


def refresh_statistics() -> None:
    """ANALYZE the catalogue's and the search index's tables on PostgreSQL.

    Without statistics PostgreSQL plans the search's joins for one row, and a page at
    10,000 entries took 9.6 s instead of 20 ms. Autovacuum would analyze in time, but it
    can be off (as on the CI machines) or late after a bulk import; ANALYZE takes about
    2 s at 100,000 entries. SQLite plans without statistics: nothing to do there.
    """
    if connection.vendor != "postgresql":
        return
    from wagtail.search.models import IndexEntry

    from directory.models import Entry, SourceRecord

    tables = [Entry._meta.db_table, SourceRecord._meta.db_table, IndexEntry._meta.db_table]
    tables += [field.m2m_db_table() for field in Entry._meta.many_to_many]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))
