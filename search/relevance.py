"""The ranking every engine follows, and what it shows beside a hit.

Relevance, in this order (the same on every engine):
1. an entry whose name is exactly the query (case and accents aside) comes first;
2. then entries whose name holds every word of the query;
3. within those groups, active entries (and those in planning or on hold) above closed ones;
4. then the engine's own text score (name weighs more than summary, summary more than
   description).
"""

from __future__ import annotations

import html
import re

from anyascii import anyascii

CLOSED_STATUSES = ("completed", "cancelled")


def fold(text: str) -> str:
    return anyascii(text or "").casefold()


def query_words(query: str) -> list[str]:
    return [w for w in re.findall(r"\w+", fold(query)) if w]


def snippet(text: str, query: str, width: int = 220) -> str:
    """Escaped text around the first match of the query's words, each match in <mark>."""
    words = query_words(query)
    plain = " ".join((text or "").split())
    if not plain or not words:
        return ""
    folded = fold(plain)
    if len(folded) != len(plain):  # transliteration changed lengths: match on the text as is
        folded = plain.casefold()
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    first = pattern.search(folded)
    if first is None:
        return ""
    start = max(0, first.start() - width // 3)
    if start:
        space = plain.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start
    end = min(len(plain), start + width)
    parts, cursor = [], start
    for match in pattern.finditer(folded, start, end):
        parts.append(html.escape(plain[cursor : match.start()]))
        parts.append(f"<mark>{html.escape(plain[match.start() : match.end()])}</mark>")
        cursor = match.end()
    parts.append(html.escape(plain[cursor:end]))
    return ("…" if start else "") + "".join(parts) + ("…" if end < len(plain) else "")
