"""'Did you mean': the closest words of the catalogue's own vocabulary, for engines without fuzzy search.

SQLite's full-text search has no typo tolerance, so when a query finds little the
database engine looks up each word in a vocabulary of entry names, activities, tags
and places, by edit distance, and offers the corrected query.
"""

from __future__ import annotations

import re
import time

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from taggit.models import Tag

from directory.models import Activity, Entry

from .relevance import fold

_CACHE: dict[str, object] = {"words": None, "built": 0.0}
TTL_SECONDS = 600


def vocabulary() -> set[str]:
    if _CACHE["words"] is not None and time.monotonic() - _CACHE["built"] < TTL_SECONDS:
        return _CACHE["words"]
    words: set[str] = set()
    texts = list(Entry.objects.published().values_list("name", "locality", "region"))
    texts += [(name,) for name in Activity.objects.values_list("name", flat=True)]
    texts += [(name,) for name in Tag.objects.values_list("name", flat=True)]
    for row in texts:
        for text in row:
            words.update(w for w in re.findall(r"\w{3,}", fold(text or "")) if not w.isdigit())
    _CACHE.update(words=words, built=time.monotonic())
    return words


def forget():
    _CACHE.update(words=None, built=0.0)


def did_you_mean(query: str) -> str | None:
    """The query with misspelt words replaced by the nearest vocabulary words, or None."""
    words = vocabulary()
    if not words:
        return None
    changed, out = False, []
    for word in re.findall(r"\w+", fold(query)):
        if len(word) < 4 or word in words:
            out.append(word)
            continue
        limit = 1 if len(word) < 7 else 2
        best = process.extractOne(word, words, scorer=Levenshtein.distance, score_cutoff=limit)
        if best is None:
            best = process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=88)
        if best is None:
            out.append(word)
            continue
        out.append(best[0])
        changed = True
    return " ".join(out) if changed else None
