"""Finding entries that may be the same organisation under slightly different names.

Certain matches (a shared register id, the same website, the same name) merge in
the loader. What is left — "Leeds Bread Co-operative Limited" against "Leeds Bread
Co-op" — is scored here and put before an editor, never merged blindly.
"""

from __future__ import annotations

import re
from collections import defaultdict

from anyascii import anyascii
from rapidfuzz import fuzz

# Words that say what kind of body it is rather than which one.
NOISE = {
    "the",
    "a",
    "an",
    "of",
    "and",
    "&",
    "limited",
    "ltd",
    "llc",
    "inc",
    "cic",
    "plc",
    "co",
    "op",
    "coop",
    "operative",
    "operatives",
    "operativa",
    "cooperative",
    "cooperatives",
    "cooperativa",
    "cooperativo",
    "cooperativas",
    "cooperatief",
    "genossenschaft",
    "society",
    "association",
    "community",
    "company",
    "scic",
    "sas",
    "scop",
    "eg",
    "gmbh",
    "e.v",
    "ev",
    "network",
    "platform",
    "group",
    "project",
    "foundation",
    "ltd.",
    "inc.",
}
_TOKEN = re.compile(r"[a-z0-9]+")
THRESHOLD = 88.0  # token-sort similarity (0-100) from which a pair is worth an editor's look
MAX_CANDIDATES = 3


def name_key(name: str) -> str:
    return " ".join(t for t in _TOKEN.findall(anyascii(name or "").lower()) if t not in NOISE)


def tokens(name: str) -> list[str]:
    return [t for t in _TOKEN.findall(anyascii(name or "").lower()) if t not in NOISE and len(t) > 2]


class NameIndex:
    """Entries by the distinctive words of their names, for fast candidate lookup."""

    def __init__(self, rows):
        # rows: (entry id, name, country)
        self.entries: dict[int, tuple[str, str, str]] = {}
        self.by_token: dict[str, set[int]] = defaultdict(set)
        for pk, name, country in rows:
            self.add(pk, name, country)

    def add(self, pk: int, name: str, country: str):
        key = name_key(name)
        self.entries[pk] = (name, key, country or "")
        for token in set(tokens(name)):
            self.by_token[token].add(pk)

    def candidates(self, name: str, country: str, exclude: set[int] = frozenset()):
        """Up to MAX_CANDIDATES (entry id, score, reason), best first."""
        key = name_key(name)
        if not key:
            return []
        words = set(tokens(name))
        if not words:
            return []
        # Blocking: only entries sharing the rarest distinctive word.
        rarest = min(words, key=lambda t: len(self.by_token.get(t, ())))
        pool = self.by_token.get(rarest, set()) - exclude
        if len(pool) > 2000:  # a word too common to tell anything
            return []
        found = []
        for pk in pool:
            other_name, other_key, other_country = self.entries[pk]
            if country and other_country and country != other_country:
                continue
            score = fuzz.token_sort_ratio(key, other_key)
            if score >= THRESHOLD and min(len(key), len(other_key)) >= 4:
                found.append((pk, float(score), f"names “{name}” and “{other_name}” are {score:.0f}% alike"))
        found.sort(key=lambda item: -item[1])
        return found[:MAX_CANDIDATES]
