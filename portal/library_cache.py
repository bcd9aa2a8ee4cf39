"""The knowledge library's address, cached per language for the navigation link.

The template tag (templatetags/library_tags.py) fills the cache; publishing, unpublishing or
deleting the library page empties it. Both sides import this module, not each other.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

LIBRARY_URL_CACHE_SECONDS = 300
_LIBRARY_URL_KEY = "portal:library-url:{language}"


def library_url_key(language: str) -> str:
    return _LIBRARY_URL_KEY.format(language=language)


def forget_library_url():
    cache.delete_many([library_url_key(code) for code, _name in settings.LANGUAGES])
