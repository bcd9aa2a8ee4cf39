"""Text normalisation: names folded for lookup, free text cut into segments of words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_TRANSLIT = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ß": "ss",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
    }
)
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INITIALISM_RE = re.compile(r"\b((?:[A-Za-z]\.){2,})")
_PART_SPLIT_RE = re.compile(r"[,;|()\[\]{}/\\\n\r\t•·]+|\s+-+\s+|\s*[–—]+\s*")
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_POSTCODE_RE = re.compile(r"^[0-9]{4,}$")
_has_digit = re.compile(r"\d").search


@lru_cache(maxsize=1 << 17)
def _fold_token(token: str) -> str:
    """Accent-, case- and script-variant-insensitive form of one token."""
    if token.isascii():
        return token.lower()
    decomposed = unicodedata.normalize("NFKD", token.translate(_TRANSLIT))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text).replace("\xa0", " ")
    text = text.translate(_TRANSLIT)
    # "U.S.A." -> "USA", "D.C." -> "DC", "U.K." -> "UK"
    return _INITIALISM_RE.sub(lambda m: m.group(1).replace(".", "") + " ", text)


def _fold(name: str) -> str:
    """The lookup key of a name: tokens folded and joined by single spaces."""
    return " ".join(_fold_token(t) for t in _TOKEN_RE.findall(_prepare(name)))


def _fold_name(name: str) -> str:
    """:func:`_fold` with a fast path for plain ASCII names (the gazetteer's bulk)."""
    if name.isascii() and "." not in name and "`" not in name:
        return " ".join(_TOKEN_RE.findall(name.lower()))
    return _fold(name)


_POSTAL_AFTER_CODE_RE = re.compile(r"^(?:\d{4,5}|[A-Za-z]\d[A-Za-z])$")


class _Segment(NamedTuple):
    """A run of words with no digits and no separators in it."""

    words: tuple[str, ...]  # as written
    keys: tuple[str, ...]  # folded
    whole_part: bool  # the whole comma-separated part (no postcode or number around it)
    anchored: bool  # follows a postcode-like number ("9200 Dendermonde")
    next_token: str  # the number that ends the run ("TX 78705"), "" at the end of the part
    raw: str  # the words as written, punctuation included, when it is a whole part

    def head(self, stop: int) -> _Segment:
        """The segment without its words from `stop` on."""
        words = self.words[:stop]
        return self._replace(words=words, keys=self.keys[:stop], raw=" ".join(words))

    @property
    def before_zip(self) -> bool:
        """Followed by a US ZIP code ("CA 94612")."""
        return len(self.next_token) == 5 and self.next_token.isdigit()

    @property
    def ends_address_line(self) -> bool:
        """A state/province code can end it: "Denver CO", "TX 78705", "AB T5H 3Y3" (but
        not "NE 4th Street", "Calle 5 NO 3-20")."""
        return self.whole_part or not self.next_token or bool(_POSTAL_AFTER_CODE_RE.match(self.next_token))


def _segments(text: str) -> list[_Segment]:
    segments: list[_Segment] = []
    for part in _PART_SPLIT_RE.split(_prepare(text)):
        tokens = _TOKEN_RE.findall(part)
        has_digits = any(_has_digit(t) for t in tokens)
        current: list[str] = []
        anchored = False
        for token in [*tokens, ""]:  # the sentinel flushes the last run
            if token and not _has_digit(token):
                current.append(token)
                continue
            if current:
                keys = tuple(_fold_token(w) for w in current)
                raw = " ".join(part.split()) if not has_digits else " ".join(current)
                segments.append(_Segment(tuple(current), keys, not has_digits, anchored, token, raw))
                current = []
            anchored = bool(_POSTCODE_RE.match(token))
    return segments
