"""Background work that keeps the search index in step with the catalogue."""

from django_tasks import task

from .indexing import index_entries


@task()
def sync_entries_task(entry_ids: list[int]) -> int:
    """(Re)index these entries in every engine and record it; deleted ones leave a search server."""
    return index_entries(entry_ids, bump_version=False)
