"""The one way the rest of the portal searches the catalogue.

    results = search(query="marketplace", filters={"country": ["FR"]}, sort="name", page=2)

Views, the API and the search box call this; which engine answers is a setting
(`PORTAL_SEARCH_ENGINE`), and nothing outside this package knows which one runs.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .limits import QueryTimeLimit, time_limit
from .results import Facet, FacetOption, SearchResults  # noqa: F401  (callers import them from here)

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SORTS = {
    "relevance": _("Best match"),
    "name": _("Name (A–Z)"),
    "-name": _("Name (Z–A)"),
    "newest": _("Recently added"),
    "founded": _("Oldest founded"),
    "-founded": _("Newest founded"),
}


_WORD = re.compile(r"[\w][\w'’.-]*", re.UNICODE)


#: A query's cost grows with its words (each is a full-text term, a prefix for autocomplete):
#: what reaches an engine is at most this many words of at most this many characters.
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40


def clean_query(text: str) -> str:
    """The words of what a person typed, without the operators, quotes and control characters
    engines choke on, bounded in number and length (so no input can cost more than a normal one)."""
    words = []
    for found in _WORD.finditer((text or "")[:2000]):
        word = found.group().strip(".-'’")[:MAX_WORD_LENGTH].strip(".-'’")
        if word:
            words.append(word)
        if len(words) == MAX_QUERY_WORDS:
            break
    return " ".join(words)


def clean_filters(filters: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """The filters with their empty values, and filters left with none, dropped."""
    return {name: [v for v in values if v] for name, values in (filters or {}).items() if values}


def get_engine():
    path = getattr(settings, "PORTAL_SEARCH_ENGINE", "search.engines.database.DatabaseEngine")
    return import_string(path)()


def search(
    query: str = "",
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> SearchResults:
    query = clean_query(query)
    filters = clean_filters(filters)
    if sort not in SORTS:
        sort = "relevance"
    if sort == "relevance" and not query:
        sort = "name"
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    page = max(1, int(page))
    return get_engine().search(query=query, filters=filters, sort=sort, page=page, page_size=page_size)


def matching_queryset(query: str = "", filters: dict[str, list[str]] | None = None):
    """Every published entry matching a text query and facet filters, as a queryset.

    `search()` pages through hits; callers that need all matching rows at once (the map,
    bulk exports) take this. Wagtail keeps its database index whichever engine answers
    `search()`, and these are the database engine's semantics, which every engine shares.
    """
    # Engines load on first use, as get_engine's import_string does: they import directory.models,
    # whose page imports this module.
    from .engines.database import DatabaseEngine

    filters = clean_filters(filters)
    engine = DatabaseEngine()
    return engine.apply_filters(engine.matching(clean_query(query)), filters)


def autocomplete(text: str, limit: int = 8) -> list[tuple[str, str]]:
    """(name, slug) of published entries whose names start words with what was typed."""
    # A one-letter prefix narrows nothing and reads the index's longest lists ("a\x00b": seconds).
    text = " ".join(word for word in clean_query(text).split() if len(word) >= 2)
    if len(text) < 2:
        return []
    # Suggestions are worth little once they are late: past the limit there are none.
    seconds = getattr(settings, "PORTAL_AUTOCOMPLETE_TIME_LIMIT", 1.0)
    try:
        with time_limit(seconds):
            return get_engine().autocomplete(text, max(1, min(int(limit), 20)))
    except QueryTimeLimit:
        logger.warning("autocomplete for %r stopped after %s s", text, seconds)
        return []
