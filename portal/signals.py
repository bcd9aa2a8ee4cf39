"""What the editorial pages do when pages change: connected by PortalConfig.ready()."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from .library_cache import forget_library_url
from .models import LibraryIndexPage


def library_changed(**kwargs):
    """The library page was published, unpublished or deleted: its cached address is stale."""
    forget_library_url()


def connect():
    for signal in (page_published, page_unpublished, post_delete):
        signal.connect(library_changed, sender=LibraryIndexPage, dispatch_uid=f"library-url-{id(signal)}")
