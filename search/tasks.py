"""Background work that keeps a search server in step with the catalogue."""

from django_tasks import task


@task()
def sync_entries_task(entry_ids: list[int]) -> int:
    """(Re)index these entries on the search server; unpublished or deleted ones leave it."""
    from .api import get_engine

    engine = get_engine()
    if not hasattr(engine, "index_entries"):
        return 0
    return engine.index_entries(entry_ids)
