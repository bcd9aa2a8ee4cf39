"""Keeping the search index in step with the catalogue when writes bypass signals.

The index follows each entry's state, not the run that last wrote it: every indexing
records what it took of each entry (`search.models.IndexedEntry`), and `index_behind()`
indexes whatever is newer than its record, or has none. A run killed between writing
its rows and indexing them is therefore caught up by the next run of any source (which
ends with `index_behind()`) or by `manage.py search_index --check`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, reset_queries
from django.db.models import Exists, OuterRef
from django.utils import timezone
from wagtail.search.backends import get_search_backends
from wagtail.search.models import IndexEntry

from directory.models import Entry, SourceRecord

from .api import get_engine
from .models import IndexedEntry
from .versions import bump

CHUNK_SIZE = 500
# After (re)indexing this many entries at once, PostgreSQL gets fresh table statistics.
ANALYZE_AFTER = 1000


def index_entries(
    entry_ids: Iterable[int], chunk_size: int = CHUNK_SIZE, *, bump_version: bool = True
) -> int:
    """(Re)index these entries in every configured backend; return how many were indexed.

    Importers write with bulk queries, which send no signals, so they call this
    once per run instead of indexing row by row. Each entry's indexed state is
    recorded once every backend has taken it (see `entries_behind`).
    """
    ids = sorted({int(pk) for pk in entry_ids})
    if ids and bump_version:
        bump()  # bulk writes send no signals: remembered facet counts are stale now
    done = 0
    backends = list(get_search_backends(with_auto_update=False))
    engine = get_engine()
    server = hasattr(engine, "index_entries")
    for start in range(0, len(ids), chunk_size):
        reset_queries()
        chunk = ids[start : start + chunk_size]
        entries = list(Entry.objects.filter(pk__in=chunk).prefetch_related("activities", "tags"))
        for backend in backends:
            backend.add_bulk(Entry, entries)
        # A search server, when one is configured, takes the same entries in one bulk request
        # (and drops those unpublished or deleted).
        if server:
            engine.index_entries(chunk, chunk_size=chunk_size)
        record_indexed(entries)
        done += len(entries)
    if done >= ANALYZE_AFTER:
        refresh_statistics()
    return done


def record_indexed(entries) -> None:
    """Remember the state in which these entries were just indexed (the values read, not now's:
    an entry changed meanwhile stays behind)."""
    now = timezone.now()
    rows = [
        IndexedEntry(entry_id=e.pk, updated_at=e.updated_at, live=e.live, indexed_at=now) for e in entries
    ]
    if rows:
        IndexedEntry.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["entry"],
            update_fields=["updated_at", "live", "indexed_at"],
            batch_size=CHUNK_SIZE,
        )


def entries_behind():
    """The entries whose indexed state is missing or older than the entry (a queryset of pks)."""
    current = IndexedEntry.objects.filter(
        entry_id=OuterRef("pk"), updated_at=OuterRef("updated_at"), live=OuterRef("live")
    )
    return Entry.objects.exclude(Exists(current)).order_by("pk").values_list("pk", flat=True)


def index_behind(also: Iterable[int] = (), chunk_size: int = CHUNK_SIZE) -> int:
    """Index these entries and every entry that is behind; return how many were indexed."""
    return index_entries(set(also) | set(entries_behind()), chunk_size=chunk_size)


def refresh_statistics() -> None:
    """ANALYZE the catalogue's and the search index's tables on PostgreSQL.

    Without statistics PostgreSQL plans the search's joins for one row, and a page at
    10,000 entries took 9.6 s instead of 20 ms. Autovacuum would analyze in time, but it
    can be off (as on the CI machines) or late after a bulk import; ANALYZE takes about
    2 s at 100,000 entries. SQLite plans without statistics: nothing to do there.
    """
    if connection.vendor != "postgresql":
        return
    tables = [Entry._meta.db_table, SourceRecord._meta.db_table, IndexEntry._meta.db_table]
    tables += [IndexedEntry._meta.db_table]
    tables += [field.m2m_db_table() for field in Entry._meta.many_to_many]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))


@dataclass
class IndexDifference:
    """How one engine's index differs from the catalogue."""

    engine: str
    expected: int  # entries this index should hold
    indexed: int  # documents it holds
    published: int
    missing: set[int] = field(default_factory=set)  # should be there and are not
    extra: set[int] = field(default_factory=set)  # are there and should not be

    @property
    def count(self) -> int:
        return len(self.missing) + len(self.extra)


def differences() -> tuple[list[IndexDifference], set[int]]:
    """Each engine's index against the catalogue, and the entries whose indexed state is behind.

    Wagtail's database index holds every entry (drafts too: the admin searches them; the
    public search keeps to published ones); a search server holds the published entries.
    """
    published = set(Entry.objects.published().values_list("pk", flat=True))
    found = []
    if any(_is_database_backend(backend) for backend in get_search_backends(with_auto_update=False)):
        expected = set(Entry.get_indexed_objects().values_list("pk", flat=True))
        indexed = _database_index_ids()
        found.append(
            IndexDifference(
                "database",
                len(expected),
                len(indexed),
                len(published),
                missing=expected - indexed,
                extra=indexed - expected,
            )
        )
    engine = get_engine()
    if hasattr(engine, "index_entries"):
        indexed = _server_index_ids(engine)
        found.append(
            IndexDifference(
                type(engine).__name__,
                len(published),
                len(indexed),
                len(published),
                missing=published - indexed,
                extra=indexed - published,
            )
        )
    return found, set(entries_behind())


def mend(found: list[IndexDifference], behind: set[int], chunk_size: int = CHUNK_SIZE) -> int:
    """Index what is missing or behind, drop what should not be there; return the entries sent."""
    ids = set(behind)
    for difference in found:
        ids |= difference.missing | difference.extra
    existing = set(Entry.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    # Wagtail's index rows of deleted entries (index_entries drops them from a search server).
    gone = {pk for difference in found if difference.engine == "database" for pk in difference.extra}
    gone -= existing
    if gone:
        IndexEntry.objects.filter(
            content_type=_entry_content_type(), object_id__in=[str(pk) for pk in gone]
        )._raw_delete(IndexEntry.objects.db)
    return index_entries(ids, chunk_size=chunk_size)


def _is_database_backend(backend) -> bool:
    """Wagtail's database backend, or a subclass of it (search.backend wraps it)."""
    prefixes = ("modelsearch.backends.database", "wagtail.search.backends.database")
    return any(klass.__module__.startswith(prefixes) for klass in type(backend).__mro__)


def _entry_content_type():
    return ContentType.objects.get_for_model(Entry)


def _database_index_ids() -> set[int]:
    ids = IndexEntry.objects.filter(content_type=_entry_content_type()).values_list("object_id", flat=True)
    return {int(pk) for pk in ids}


def _server_index_ids(engine) -> set[int]:
    """The ids of every document behind the engine's alias (none when there is no index yet)."""
    if not engine.index_exists():
        return set()
    hits = engine.helpers.scan(
        engine.client, index=engine.alias, query={"query": {"match_all": {}}, "_source": False}, size=1000
    )
    return {int(hit["_id"]) for hit in hits}
