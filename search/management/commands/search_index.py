"""`python manage.py search_index --rebuild | --check [--no-mend] [--chunk-size N]`.

--rebuild: whatever engine `PORTAL_SEARCH_ENGINE` names, Elasticsearch and OpenSearch get a
new index, filled in chunks, then the alias moves to it (no downtime); the database engine
re-indexes the entries in Wagtail's search index, as `update_index` does, but for the
Entry model alone. A progress bar shows on a terminal.

--check: compares each index with the catalogue — Wagtail's database index (every entry,
drafts included, as the admin searches them) and, when one is configured, the search
server's (the published entries) — and lists the entries missing, the documents that
should not be there, and the entries whose indexed state is behind (written by a run
that was killed before indexing, or saved while the search server was down). It mends
what it found (indexes the missing and the behind, removes the extra) unless --no-mend
is given, and exits with status 1 when a difference remains unmended.
"""

from __future__ import annotations

import argparse
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm
from wagtail.search.backends import get_search_backends

from directory.models import Entry
from search.api import get_engine
from search.indexing import differences, mend

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
            self.bar = tqdm(total=total, desc=self.desc, unit=" entries", file=sys.stderr)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def rebuild_database_index(chunk_size: int, progress=None) -> int:
    """Re-index every entry in each of Wagtail's search backends, in chunks; return the count."""
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
            "--check",
            action="store_true",
            help="compare each index with the catalogue, list the differences and mend them",
        )
        parser.add_argument(
            "--mend",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="with --check: index what is missing or behind, remove what should not be there "
            "(the default; --no-mend only reports, and exits 1 on a difference)",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help=f"entries read and sent at once (default {DEFAULT_CHUNK_SIZE})",
        )

    def handle(self, *args, **options):
        if options["rebuild"] == options["check"]:
            raise CommandError("pass --rebuild or --check")
        chunk_size = options["chunk_size"]
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        if options["check"]:
            return self.check_index(options["mend"], chunk_size)

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

    def check_index(self, mend_it: bool, chunk_size: int) -> None:
        found, behind = differences()
        total = self.report(found, behind)
        if not total:
            self.stdout.write("no difference")
            return
        if not mend_it:
            raise CommandError(f"{total} entries differ, not mended (run without --no-mend to mend)")
        sent = mend(found, behind, chunk_size=chunk_size)
        self.stdout.write(f"mended: {sent} entries indexed again")
        found, behind = differences()
        left = self.report(found, behind)
        if left:
            raise CommandError(f"{left} entries still differ after mending")
        self.stdout.write("no difference left")

    def report(self, found, behind) -> int:
        """Print each engine's counts and differences; return how many entries differ."""
        for difference in found:
            self.stdout.write(
                f"{difference.engine}: {difference.published} published entries, "
                f"{difference.expected} to index, {difference.indexed} indexed; "
                f"{len(difference.missing)} missing, {len(difference.extra)} extra"
            )
            for label, ids in (("missing", difference.missing), ("extra", difference.extra)):
                if ids:
                    self.stdout.write(f"  {label}: {ids_text(ids)}")
        self.stdout.write(f"behind (changed since indexed, or never indexed): {len(behind)}")
        if behind:
            self.stdout.write(f"  {ids_text(behind)}")
        entries = set(behind)
        for difference in found:
            entries |= difference.missing | difference.extra
        return len(entries)


def ids_text(ids, shown: int = 20) -> str:
    ordered = sorted(ids)
    text = ", ".join(str(pk) for pk in ordered[:shown])
    return text + (f" ... and {len(ordered) - shown} more" if len(ordered) > shown else "")
