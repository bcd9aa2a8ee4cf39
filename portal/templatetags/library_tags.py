"""Template helpers for the editorial pages: links that may not exist yet, and language names."""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from portal.library_cache import LIBRARY_URL_CACHE_SECONDS, library_url_key
from portal.models import LibraryIndexPage

register = template.Library()


@register.simple_tag
def optional_url(name, *args, **kwargs):
    """`{% url %}` that gives "" instead of failing when the view is not (yet) there."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def library_url(context):
    """The knowledge library's address in the active language, or "" without a library.

    Cached for a few minutes (and forgotten when the library page is published, unpublished or
    deleted), so the navigation link costs no query on every page.
    """
    key = library_url_key(translation.get_language() or "")
    url = cache.get(key)
    if url is None:
        page = LibraryIndexPage.objects.live().first()
        url = (page.get_url(context.get("request")) or "") if page else ""
        cache.set(key, url, LIBRARY_URL_CACHE_SECONDS)
    return url


@register.filter
def language_name(code):
    """A language code's name in the active language ("fr" → "French"), or the code itself."""
    try:
        return translation.get_language_info(str(code))["name_translated"]
    except KeyError:
        return code
