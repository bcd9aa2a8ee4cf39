"""Background work that keeps the search index in step with the catalogue."""

from django_tasks import task


@task()
def sync_entries_task(entry_ids: list[int]) -> int:
    """(Re)index these entries in every engine and record it; deleted ones leave a search server."""
    from .indexing import index_entries

    return index_entries(entry_ids, bump_version=False)
