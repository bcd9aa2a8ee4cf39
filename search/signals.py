"""Publishing, unpublishing, editing, deleting and merging entries reach a search server.

Wagtail keeps its own (database) index up to date through its signal handlers;
a search server is updated here, through a background task once the change is
committed.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def uses_search_server() -> bool:
    from .api import get_engine

    return hasattr(get_engine(), "index_entries")


def entry_changed(sender, instance, **kwargs):
    if kwargs.get("raw") or not uses_search_server():
        return
    from .tasks import sync_entries_task

    pk = instance.pk
    transaction.on_commit(lambda: sync_entries_task.enqueue([pk]))


def connect():
    from directory.models import Entry

    post_save.connect(entry_changed, sender=Entry, dispatch_uid="search-sync-save")
    post_delete.connect(entry_changed, sender=Entry, dispatch_uid="search-sync-delete")
