"""The language switcher: the page being read, in each of the interface's languages."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

register = template.Library()


def _prefix(code: str) -> str:
    # English (the default language) has no prefix: /directory/ and /fr/directory/.
    return "" if code == settings.LANGUAGE_CODE else f"/{code}"


def _swap_prefix(path: str, current: str, code: str) -> str:
    """For pages that do not resolve (a 404): swap the prefix by hand."""
    current_prefix = _prefix(current)
    if current_prefix and (path == current_prefix or path.startswith(current_prefix + "/")):
        path = path[len(current_prefix) :] or "/"
    return _prefix(code) + path


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """[{code, name, url, current}] for each language in settings.LANGUAGES."""
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = translation.get_language() or settings.LANGUAGE_CODE
    links = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        url = translate_url(path, code)
        if url == path and code != current:
            url = _swap_prefix(path, current, code)
        links.append({"code": code, "name": info["name_local"], "url": url, "current": code == current})
    return links
