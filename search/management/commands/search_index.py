"""`python manage.py search_index --rebuild [--chunk-size N]`: rebuild the catalogue's search index.

Whatever engine `PORTAL_SEARCH_ENGINE` names: Elasticsearch and OpenSearch get a new
index, filled in chunks, then the alias moves to it (no downtime); the database engine
re-indexes the entries in Wagtail's search index, as `update_index` does, but for the
Entry model alone. A progress bar shows on a terminal.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search.api import get_engine

DEFAULT_CHUNK_SIZE = 500


class Progress:
    """A tqdm bar made on the first report, when the total is known; nothing off a terminal."""

    def __init__(self, enabled: bool, desc: str):
        self.enabled = enabled
        self.desc = desc
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=self.desc, unit=" entries", file=sys.stderr)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def rebuild_database_index(chunk_size: int, progress=None) -> int:
    """Re-index every entry in each of Wagtail's search backends, in chunks; return the count."""
    from wagtail.search.backends import get_search_backends

    from directory.models import Entry

    ids = list(Entry.get_indexed_objects().order_by("pk").values_list("pk", flat=True))
    done = 0
    for backend in get_search_backends(with_auto_update=False):
        index = backend.get_index_for_model(Entry)
        rebuilder = backend.rebuilder_class(index) if backend.rebuilder_class else None
        if rebuilder is not None:
            index = rebuilder.start()
        index.add_model(Entry)
        done = 0
        for start in range(0, len(ids), chunk_size):
            entries = list(Entry.get_indexed_objects().filter(pk__in=ids[start : start + chunk_size]))
            index.add_items(Entry, entries)
            done += len(entries)
            if progress:
                progress(done, len(ids))
        if rebuilder is not None:
            rebuilder.finish()
    return done


class Command(BaseCommand):
    help = "Rebuild the catalogue's search index for the configured search engine."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="index every published entry again (on Elasticsearch/OpenSearch: into a new index)",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help=f"entries read and sent at once (default {DEFAULT_CHUNK_SIZE})",
        )

    def handle(self, *args, **options):
        if not options["rebuild"]:
            raise CommandError("nothing to do: pass --rebuild")
        chunk_size = options["chunk_size"]
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")

        engine = get_engine()
        name = type(engine).__name__
        progress = Progress(enabled=options["verbosity"] > 0 and sys.stderr.isatty(), desc=name)
        started = time.monotonic()
        try:
            if hasattr(engine, "rebuild"):
                count = engine.rebuild(chunk_size=chunk_size, progress=progress)
            else:
                count = rebuild_database_index(chunk_size, progress=progress)
        finally:
            progress.close()
        where = f" into {engine.alias}" if hasattr(engine, "alias") else ""
        self.stdout.write(f"{name}: indexed {count} entries{where} in {time.monotonic() - started:.1f} s")
