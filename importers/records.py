"""The one shape every source's records take on their way into the catalogue."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from directory.fields import (  # noqa: F401  (importers name them from here)
    LIST_FIELDS,
    MULTI_TERM_FIELDS,
    MULTILINE_FIELDS,
    SCALAR_FIELDS,
    SOURCED_FIELDS,
    TERM_FIELDS,
    URL_FIELDS,
)
from directory.text import safe_links, safe_web_url, strip_control, strip_control_deep

# The entry fields a record may carry are directory.fields'. Taxonomy fields hold
# slugs or names; the loader turns them into terms.
SPECIAL_FIELDS = {"logo_data"}  # (mime type, base64 text) of an embedded logo
ALL_FIELDS = SOURCED_FIELDS | SPECIAL_FIELDS


@dataclass
class Record:
    """One organisation as one source lists it, already normalised."""

    source: str
    external_id: str
    fields: dict
    raw: dict = field(default_factory=dict)
    line: int | None = None  # where it sits in the source file, for error reports
    # Ids other registers give the organisation, {scheme: value}, e.g. {"cuk": "R000001"}:
    # records from different sources that share one are the same organisation.
    identifiers: dict[str, str] = field(default_factory=dict)
    # Further rows of the source folded into this record (a listing that names one
    # organisation twice): they count as handled, not as errors.
    merged_rows: int = 0
    record_url: str = ""
    warnings: list[str] = field(default_factory=list)
    # The entry another source lists under an id, (source slug, external id): this record
    # adds to that entry. With creates_entry False, a record whose entry is not in the
    # catalogue (yet) is skipped instead of becoming an entry of its own.
    listed_as: tuple[str, str] | None = None
    creates_entry: bool = True

    def __post_init__(self):
        unknown = set(self.fields) - ALL_FIELDS
        if unknown:
            raise ValueError(f"unknown record fields: {sorted(unknown)}")
        self.fields = self._tidy(self.fields)
        self.record_url = safe_web_url(self.record_url)
        self.identifiers = {
            str(k): str(v).strip() for k, v in self.identifiers.items() if v and str(v).strip()
        }

    def _tidy(self, fields: dict) -> dict:
        """The catalogue's rules for text and addresses, whichever source made the record (they
        reach the database in bulk, past the models' own cleaning): no control characters, and
        only web addresses in address fields and links."""
        tidy = {}
        for key, value in fields.items():
            if key in URL_FIELDS:
                if value and not safe_web_url(value):
                    self.warnings.append(f"{key} {str(value)[:80]!r} is not a web address")
                    value = ""
            elif key == "links":
                kept = safe_links(value)
                if len(kept) != len(value or []):
                    self.warnings.append(f"{len(value or []) - len(kept)} link(s) are not web addresses")
                value = kept
            elif isinstance(value, str):
                value = strip_control(value, multiline=key in MULTILINE_FIELDS)
            elif isinstance(value, (list, dict)) and key not in SPECIAL_FIELDS:
                value = strip_control_deep(value)
            # Empty values carry no information: drop them so they never blank a field.
            if value not in (None, "", [], {}):
                tidy[key] = value
        return tidy

    @property
    def name(self) -> str:
        return self.fields.get("name", "")

    @property
    def content_hash(self) -> str:
        payload = json.dumps(
            {"fields": self.fields, "raw": self.raw},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class RecordError:
    """A record that could not be read: reported, then skipped."""

    record: str  # what identifies it to a person: "line 12 (Name)"
    reason: str


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def normalise_url(value: str) -> str:
    """A web address with a scheme, a lower-case host and no surrounding junk; '' if unusable."""
    value = (value or "").strip().strip("<>\"'")
    if not value or " " in value or "@" in value.split("/")[0]:
        return ""
    if not _SCHEME.match(value):
        if value.startswith("//"):
            value = "https:" + value
        else:
            value = "http://" + value
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        return ""
    netloc = parts.hostname.lower()
    if parts.port:
        netloc += f":{parts.port}"
    path = parts.path or "/"
    return safe_web_url(urlunsplit((scheme, netloc, path, parts.query, parts.fragment)))


def domain_of(url: str) -> str:
    """The host of a web address without 'www.', for matching the same site across sources."""
    if not url:
        return ""
    try:
        host = urlsplit(url if _SCHEME.match(url) else "http://" + url).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def split_list(value: str, separators: str = ",;") -> list[str]:
    if not value:
        return []
    parts = re.split("[" + re.escape(separators) + "]", value)
    seen, out = set(), []
    for part in parts:
        item = " ".join(part.split()).strip()
        if item and item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


# Names for links to the big platforms, so "Links" on an entry read as words.
LINK_LABELS = {
    "facebook.com": "Facebook",
    "github.com": "GitHub",
    "gitlab.com": "GitLab",
    "instagram.com": "Instagram",
    "linkedin.com": "LinkedIn",
    "mastodon.social": "Mastodon",
    "t.me": "Telegram",
    "twitter.com": "Twitter",
    "x.com": "X",
    "youtube.com": "YouTube",
    "wikipedia.org": "Wikipedia",
}


def link_label(url: str, fallback: str = "") -> str:
    """A link's label: the platform's name (also for its subdomains), else `fallback`, else the host."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    for known, label in LINK_LABELS.items():
        if host == known or host.endswith("." + known):
            return label
    return fallback or host
