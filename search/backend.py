"""Wagtail's database search backend (modelsearch) with every typed query reduced to its words.

The admin's searches (entries, snippets, pages) pass what was typed straight to the backend, whose
SQLite FTS5 query quotes each term without escaping a double quote: `q="` or `say "hi` is a syntax
error (500). Here a query string becomes the words `search.api.clean_query` keeps (bounded in number
and length, no quotes, operators or control characters) before the backend builds its query; query
objects built in code (Phrase, PlainText...) pass unchanged.
"""

from __future__ import annotations

from modelsearch.backends.database import SearchBackend as _database_backend
from modelsearch.query import MatchAll, Not

from .api import clean_query


def _words(query):
    """A typed query as its words; with no word left, a query that matches nothing."""
    if not isinstance(query, str):
        return query
    return clean_query(query) or Not(MatchAll())


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks for in a backend module
    backend = _database_backend(params)

    class WordsOnlyBackend(type(backend)):
        def search(self, query, *args, **kwargs):
            return super().search(_words(query), *args, **kwargs)

        def autocomplete(self, query, *args, **kwargs):
            return super().autocomplete(_words(query), *args, **kwargs)

    backend.__class__ = WordsOnlyBackend
    return backend
