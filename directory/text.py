"""Turning text from sources into safe, tidy values for entries."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

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
# Wagtail's rich-text editor reads void elements only when they close themselves: a stored
# "<p>a<br>b</p>" made the entry's edit form fail ("Unmatched tags: expected br, got p").
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def editor_safe_html(value: str) -> str:
    """HTML as Wagtail stores it: line breaks written `<br/>`."""
    return _LINE_BREAK.sub("<br/>", value or "")


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
    return editor_safe_html(cleaned.strip())


# Characters no text in the catalogue keeps: C0 and C1 controls, DEL, lone surrogates and the
# non-characters XML 1.0 refuses (one in a name took the Atom feed down for everyone).
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
_SPACE_CONTROLS = re.compile(r"[\t\x0b\x0c\x1c-\x1f]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_control(value, multiline: bool = False) -> str:
    """`value` without control characters. Those that separate words (tabs, vertical tabs, form
    feeds) become a space and line breaks a newline; a multi-line text keeps its newlines and tabs,
    a one-line text has them as spaces. Nothing else about the text changes."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub("\n", str(value))
    if multiline:
        text = _SPACE_CONTROLS.sub(lambda m: m.group() if m.group() == "\t" else " ", text)
    else:
        text = _SPACE_CONTROLS.sub(" ", text.replace("\n", " "))
    return _CONTROLS.sub("", text)


def strip_control_deep(value, multiline: bool = False):
    """strip_control() through the strings of a JSON value (lists and dicts of them)."""
    if isinstance(value, str):
        return strip_control(value, multiline)
    if isinstance(value, list | tuple):
        return type(value)(strip_control_deep(item, multiline) for item in value)
    if isinstance(value, dict):
        return {strip_control(k): strip_control_deep(v, multiline) for k, v in value.items()}
    return value


def clean_text(value) -> str:
    """One line of plain text: no control characters, single spaces."""
    if value is None:
        return ""
    text = strip_control(str(value).replace("\u00a0", " "))
    return _WHITESPACE.sub(" ", text).strip()


# Web addresses -----------------------------------------------------------------------------
# The one rule for every field that holds an address, whatever writes it (the admin, the public
# forms, importers, the crawler) and wherever it is shown: an absolute http(s) URL with a host,
# without credentials, whitespace or control characters. Anything else (javascript:, data:,
# vbscript:, a relative path) is not a web address a visitor may be sent to.
WEB_SCHEMES = ("http", "https")
_url_syntax = URLValidator(schemes=list(WEB_SCHEMES))
_UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029\\]")


def _web_url_problem(value) -> str:
    if not isinstance(value, str) or not value:
        return "not text"
    if _UNSAFE_IN_URL.search(value):
        return "whitespace, a control character or a backslash"
    try:
        parts = urlsplit(value)
    except ValueError:
        return "unreadable"
    if parts.scheme.lower() not in WEB_SCHEMES or not value.lower().startswith(("http://", "https://")):
        return "not http or https"
    if not parts.hostname:
        return "no host"
    if "@" in parts.netloc:
        return "credentials"
    try:
        _url_syntax(value)
    except ValidationError:
        return "not a web address"
    return ""


def safe_web_url(value) -> str:
    """`value` when it is a web address a visitor may be sent to, else ''."""
    return "" if _web_url_problem(value) else value


def validate_web_url(value) -> None:
    """The model and form validator for every URL field of the catalogue."""
    if _web_url_problem(value):
        raise ValidationError(
            _("Enter a full web address starting with http:// or https://."), code="invalid_url"
        )


def validate_links(value) -> None:
    """An entry's other links: a list of {"label": text, "url": web address}."""
    if value in (None, "", []):
        return
    if not isinstance(value, list):
        raise ValidationError(_('Enter a list of {"label": ..., "url": ...} objects.'), code="invalid_links")
    for position, link in enumerate(value, start=1):
        if not isinstance(link, dict) or not isinstance(link.get("label", ""), str):
            raise ValidationError(
                _('Link %(n)s is not a {"label": ..., "url": ...} object.'),
                code="invalid_links",
                params={"n": position},
            )
        if _web_url_problem(link.get("url")):
            raise ValidationError(
                _("Link %(n)s: enter a full web address starting with http:// or https://."),
                code="invalid_url",
                params={"n": position},
            )


def safe_links(value) -> list[dict]:
    """The links of `value` that pass validate_links, labels without control characters."""
    if not isinstance(value, list):
        return []
    kept = []
    for link in value:
        if isinstance(link, dict) and safe_web_url(link.get("url")):
            label = link.get("label", "")
            kept.append({**link, "label": clean_text(label) if isinstance(label, str) else ""})
    return kept


def text_to_html(value: str) -> str:
    """Plain text (paragraphs separated by blank lines) as escaped HTML paragraphs."""
    if not value or not value.strip():
        return ""
    paragraphs = [_WHITESPACE.sub(" ", p).strip() for p in _BLANK_LINES.split(value.strip())]
    return "".join("<p>" + html.escape(p).replace("\n", "<br/>") + "</p>" for p in paragraphs if p)


def html_to_text(value: str) -> str:
    """The text of HTML as plain text: "<p>food &amp; drink</p>" is "food & drink".

    nh3 drops the tags but answers escaped text; plain text is escaped once, where it is shown
    (a search snippet of it read "food &amp;amp; drink", and exports carried "&amp;")."""
    return clean_text(html.unescape(nh3.clean(value or "", tags=set())))


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
