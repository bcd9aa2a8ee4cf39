"""Publishing, unpublishing, editing, deleting and merging entries reach the search side.

Wagtail keeps its own (database) index up to date through its signal handlers; here
the catalogue's version changes (so remembered facet counts are recomputed) and a
search server, when one is configured, is updated through a background task once the
change is committed. That task also records the entry's indexed state, so an entry whose
indexing failed stays "behind" until `search.indexing.index_behind()` catches it up.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from directory.models import Entry

from .api import get_engine
from .tasks import sync_entries_task
from .versions import bump


def uses_search_server() -> bool:
    return hasattr(get_engine(), "index_entries")


def entry_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    catalogue_changed(sender)
    # Every engine, and the record of what the index took (search.indexing.record_indexed),
    # so a save whose indexing failed (a search server down) is caught up later.
    pk = instance.pk
    transaction.on_commit(lambda: sync_entries_task.enqueue([pk]))


def catalogue_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    bump()


def connect():
    post_save.connect(entry_changed, sender=Entry, dispatch_uid="search-sync-save")
    post_delete.connect(entry_changed, sender=Entry, dispatch_uid="search-sync-delete")
    # Facet values and labels: an entry's links to terms, and the terms themselves.
    for name in ("activities", "member_classes"):
        through = getattr(Entry, name).through
        m2m_changed.connect(catalogue_changed, sender=through, dispatch_uid=f"search-version-{name}")
    for name in ("category", "organisation_type", "activities", "member_classes"):
        term = Entry._meta.get_field(name).related_model
        for signal in (post_save, post_delete):
            signal.connect(catalogue_changed, sender=term, dispatch_uid=f"search-version-{name}-{signal}")
