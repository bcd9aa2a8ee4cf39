"""Template helpers for the editorial pages: links that may not exist yet, and language names."""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import translation

register = template.Library()

LIBRARY_URL_CACHE_SECONDS = 300
_LIBRARY_URL_KEY = "portal:library-url:{language}"


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
    key = _LIBRARY_URL_KEY.format(language=translation.get_language() or "")
    url = cache.get(key)
    if url is None:
        from portal.models import LibraryIndexPage

        page = LibraryIndexPage.objects.live().first()
        url = (page.get_url(context.get("request")) or "") if page else ""
        cache.set(key, url, LIBRARY_URL_CACHE_SECONDS)
    return url


def forget_library_url():
    from django.conf import settings

    cache.delete_many([_LIBRARY_URL_KEY.format(language=code) for code, _name in settings.LANGUAGES])


@register.filter
def language_name(code):
    """A language code's name in the active language ("fr" → "French"), or the code itself."""
    try:
        return translation.get_language_info(str(code))["name_translated"]
    except KeyError:
        return code
