"""What the search package keeps in the database besides Wagtail's own index."""

from django.db import models


class CatalogueVersion(models.Model):
    """One row whose token changes whenever the catalogue changes, so cached facet counts know
    when they are stale. A new random token (not a counter) on every change: a rolled-back
    transaction then brings back a token whose cached counts match the rolled-back data."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "catalogue version"

    def __str__(self):
        return self.token


class IndexedEntry(models.Model):
    """What the search index last took of an entry: its `updated_at` and `live` then.

    An entry is behind when it has no row here, or its `updated_at` or `live` differ from its
    row: written by a run that was killed before it indexed, or saved while a search server was
    down. `search.indexing.index_behind()` (at the end of every import run) and
    `manage.py search_index --check` index what is behind, whichever run or edit wrote it.
    """

    # No database constraint: indexing an entry another transaction is deleting must not fail.
    entry = models.OneToOneField(
        "directory.Entry", primary_key=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    updated_at = models.DateTimeField()
    live = models.BooleanField()
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = "indexed entry"

    def __str__(self):
        return f"{self.entry_id} indexed {self.indexed_at:%Y-%m-%d %H:%M}"
