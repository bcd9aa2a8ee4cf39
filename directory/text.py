"""Turning text from sources into safe, tidy values for entries."""

from __future__ import annotations

import html
import re

import nh3
from anyascii import anyascii
from django.utils.text import slugify

ALLOWED_TAGS = {
    "p",
    "br",
    "a",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "h3",
    "h4",
    "blockquote",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
_WHITESPACE = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def sanitise_html(value: str) -> str:
    """Keep the harmless structure of HTML from a source and drop everything else."""
    if not value:
        return ""
    cleaned = nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )
    return cleaned.strip()


def clean_text(value) -> str:
    """One line of plain text: no control characters, single spaces."""
    if value is None:
        return ""
    text = str(value).replace("\u00a0", " ")
    text = "".join(ch for ch in text if ch == "\n" or ch == "\t" or ch >= " ")
    return _WHITESPACE.sub(" ", text.replace("\n", " ")).strip()


def text_to_html(value: str) -> str:
    """Plain text (paragraphs separated by blank lines) as escaped HTML paragraphs."""
    if not value or not value.strip():
        return ""
    paragraphs = [_WHITESPACE.sub(" ", p).strip() for p in _BLANK_LINES.split(value.strip())]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p)


def html_to_text(value: str) -> str:
    return clean_text(nh3.clean(value or "", tags=set()))


def summarise(text: str, limit: int = 300) -> str:
    """A one-sentence-ish summary cut at a word boundary."""
    text = clean_text(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–")
    return cut + "…"


def make_slug(name: str, max_length: int = 80) -> str:
    slug = slugify(anyascii(name or ""))[:max_length].strip("-")
    return slug or "entry"


# Paths under /directory/ that are not entries.
RESERVED_SLUGS = {"autocomplete", "map", "feed", "export", "api", "statistics", "submit", "add"}


def unique_slug(name: str, taken: set[str]) -> str:
    """A slug for `name` not in `taken` (which it then joins), nor a reserved path."""
    base = make_slug(name)
    slug, n = base, 2
    while slug in taken or slug in RESERVED_SLUGS:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula: text starting with =, +, -, @ gets a
    leading apostrophe. Numbers are left alone (a longitude of -123.4 stays a number)."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
