"""The homepage crawler: visit entries' websites, note what they say, fill gaps, flag the silent.

Each visit goes through the one HTTP client (`importers.http.Fetcher`: public addresses only,
bounded size, redirects checked) and is recorded as a `HomepageCheck`: whether the site
answered, where it ended up, and what the page says about itself: its title, meta
description, language (``<html lang>``, else ``Content-Language``, else ``og:locale``),
``og:image``, RSS/Atom feed, a linked Murmurations profile, and the fields of a JSON-LD
``Organization`` (also inside ``@graph``, lists and other nodes; blocks that are not valid JSON
are skipped).

What a page says fills only fields that are empty on the entry, or that the crawler filled
itself before (``field_origins[field] == "homepage"``), never a field an editor set (origin
``"editor"``, even when empty): summary from the meta description, logo_url from the JSON-LD
logo or og:image, languages from the page's language, founded_year from foundingDate,
country / region / locality / address from the JSON-LD address, links from sameAs.

Flags for the review queue:

- a site that failed on 3 checks in a row, the first at least 14 days before the last:
  "Website unreachable on 3 checks since <date>: possibly closed" (lifted when it answers again);
- an entry no source has listed (``SourceRecord.last_seen``) and no check found up for a year:
  "Not confirmed by any source for a year: stale" (lifted when it is confirmed again).

Entries already marked completed or cancelled are not flagged.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django_countries import countries

from directory.models import Entry, Status
from directory.text import clean_text, summarise
from search.indexing import index_entries

from . import geo
from .http import Fetcher, FetchError, FetchResult
from .models import HomepageCheck
from .records import link_label, normalise_url

logger = logging.getLogger(__name__)

HOMEPAGE = "homepage"  # the origin of the fields the crawler fills
EDITOR = "editor"
FAILURES_TO_FLAG = 3
FAILURE_SPAN = timedelta(days=14)
STALE_AFTER = timedelta(days=365)
UNREACHABLE_PREFIX = "Website unreachable on "
UNREACHABLE_NOTE = UNREACHABLE_PREFIX + "{count} checks since {date:%Y-%m-%d}: possibly closed"
STALE_NOTE = "Not confirmed by any source for a year: stale"
NOT_FLAGGED = {Status.COMPLETED, Status.CANCELLED}
MAX_PAGE_BYTES = 2 * 1024 * 1024  # a homepage bigger than this is not read (PORTAL_CRAWL_MAX_BYTES)
RETRIES = 1
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
TOO_BIG = re.compile(r"over the \d+-byte limit")  # how importers.http words it
SUMMARY_LIMIT = 300
MAX_TEXT = 5000  # of a description kept from a page
MAX_LINKS = 20  # sameAs links kept from a page
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json"}
ORGANISATION_TYPES = {
    "organization",
    "corporation",
    "ngo",
    "localbusiness",
    "onlinebusiness",
    "educationalorganization",
    "governmentorganization",
    "newsmediaorganization",
    "researchorganization",
    "workersunion",
    "consortium",
    "cooperative",
    "project",
}
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
MURMURATIONS_HREF = re.compile(r"murmurations[\w.-]*\.json$", re.I)
YEAR = re.compile(r"(?<!\d)(1[7-9]\d\d|20\d\d)(?!\d)")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


# ---------------------------------------------------------------------- reading a page
@dataclass
class PageFacts:
    title: str = ""
    description: str = ""
    language: str = ""
    image_url: str = ""
    feed_url: str = ""
    murmurations_url: str = ""
    organisation: dict = field(default_factory=dict)
    invalid_json_ld: int = 0


def header(headers: dict, name: str) -> str:
    """A response header whatever its case (FetchResult.headers is a plain dict)."""
    wanted = name.lower()
    for key, value in (headers or {}).items():
        if key.lower() == wanted:
            return str(value)
    return ""


def decode_html(content: bytes, declared: str | None) -> str:
    """Bytes to text: a BOM, else UTF-8 when the bytes are UTF-8 (whatever was declared),
    else the charset in the header, else the one in a <meta>, else Windows-1252."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sniffed = META_CHARSET.search(content[:4096])
    candidates = [declared, sniffed.group(1).decode("ascii", "ignore") if sniffed else None]
    for encoding in filter(None, candidates):
        if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf16", "utf32"):
            continue  # declared UTF-8 (or a UTF-16 the bytes are not): it is not
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("cp1252", errors="replace")


def _absolute(base: str, href) -> str:
    href = clean_text(href) if isinstance(href, str) else ""
    if not href or href.lower().startswith(("javascript:", "data:", "mailto:", "#")):
        return ""
    try:
        url = urljoin(base, href)
    except ValueError:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        return ""
    return url


def language_tag(value: str) -> str:
    """'pt_BR ' -> 'pt-BR'; '' for what is not a language tag."""
    text = clean_text(value).split(",")[0].strip()
    if not LANGUAGE_TAG.match(text):
        return ""
    parts = text.replace("_", "-").split("-")
    return "-".join([parts[0].lower(), *[p.upper() if len(p) == 2 else p for p in parts[1:]]])[:20]


def _rel(tag) -> list[str]:
    rel = tag.get("rel") or []
    if isinstance(rel, str):
        rel = rel.split()
    return [r.lower() for r in rel]


def parse_homepage(text: str, url: str, headers: dict | None = None) -> PageFacts:
    """What a homepage says about itself. `url` is where it was read (for relative links)."""
    soup = BeautifulSoup(text, "lxml")
    facts = PageFacts()
    base = url
    base_tag = soup.find("base", href=True)
    if base_tag:
        base = _absolute(url, base_tag["href"]) or url

    for title in soup.find_all("title"):
        if title.find_parent("svg") is None:
            facts.title = clean_text(title.get_text())[:500]
            break

    metas: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        content = meta.get("content")
        if not isinstance(content, str):
            continue
        for attribute in ("name", "property", "http-equiv", "itemprop"):
            key = meta.get(attribute)
            if isinstance(key, str) and key.strip():
                metas.setdefault(key.strip().lower(), content)
    for key in ("description", "og:description", "twitter:description", "dc.description"):
        if clean_text(metas.get(key)):
            facts.description = clean_text(metas[key])[:MAX_TEXT]
            break

    html = soup.find("html")
    candidates = [
        html.get("lang") if html else None,
        html.get("xml:lang") if html else None,
        metas.get("content-language"),
        header(headers or {}, "Content-Language"),
        metas.get("og:locale"),
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and language_tag(candidate):
            facts.language = language_tag(candidate)
            break

    for key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image"):
        image = _absolute(base, metas.get(key))
        if image:
            facts.image_url = image
            break

    for link in soup.find_all("link", href=True):
        rel = _rel(link)
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        if not facts.feed_url and "alternate" in rel and kind in FEED_TYPES:
            facts.feed_url = _absolute(base, link["href"])
        if not facts.murmurations_url and any("murmurations" in r for r in rel):
            facts.murmurations_url = _absolute(base, link["href"])
    if not facts.murmurations_url:
        for tag in soup.find_all(["link", "a"], href=True):
            href = _absolute(base, tag["href"])
            if href and MURMURATIONS_HREF.search(urlsplit(href).path):
                facts.murmurations_url = href
                break

    nodes = []
    for script in soup.find_all("script"):
        kind = str(script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        data = _load_json_ld(script.string or script.get_text() or "")
        if data is None:
            facts.invalid_json_ld += 1
            continue
        nodes.extend(_json_ld_nodes(data))
    facts.organisation = _organisation(nodes, base)
    return facts


def _load_json_ld(text: str):
    text = text.strip()
    if not text:
        return None
    attempts = [text]
    cleaned = re.sub(r"^\s*(?://)?\s*<!\[CDATA\[|(?://)?\s*\]\]>\s*$|^\s*<!--|-->\s*$", "", text).strip()
    attempts.append(cleaned)
    attempts.append(re.sub(r",\s*([}\]])", r"\1", cleaned))  # trailing commas
    for attempt in attempts:
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
    return None


def _json_ld_nodes(data, depth: int = 0):
    """Every object with an @type, at any depth (top level, @graph, lists, nested values)."""
    if depth > 12:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_nodes(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield depth, data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _json_ld_nodes(value, depth + 1)


def _types(node: dict) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {re.split(r"[/:#]", str(v))[-1].lower() for v in values if v}


def _text(value) -> str:
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return clean_text(value) if isinstance(value, (str, int, float)) else ""


def _url(value, base: str) -> str:
    if isinstance(value, list):
        for item in value:
            found = _url(item, base)
            if found:
                return found
        return ""
    if isinstance(value, dict):
        return _url(value.get("url") or value.get("contentUrl") or value.get("@id"), base)
    return _absolute(base, value) if isinstance(value, str) else ""


def _address(value) -> dict:
    if isinstance(value, list):
        for item in value:
            found = _address(item)
            if found:
                return found
        return {}
    if isinstance(value, str):
        return {"text": clean_text(value)} if clean_text(value) else {}
    if not isinstance(value, dict):
        return {}
    address = {
        key: _text(value.get(key))
        for key in ("streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry")
    }
    return {k: v for k, v in address.items() if v}


def _organisation(nodes: list[tuple[int, dict]], base: str) -> dict:
    organisations = [(depth, node) for depth, node in nodes if _types(node) & ORGANISATION_TYPES]
    if not organisations:
        return {}
    # Nodes with the same @id are one organisation said in several places: merge them.
    merged: dict[str, dict] = {}
    order: list[str] = []
    for index, (depth, node) in enumerate(organisations):
        key = str(node.get("@id") or f"#{index}")
        if key not in merged:
            merged[key] = {"_depth": depth}
            order.append(key)
        for name, value in node.items():
            merged[key].setdefault(name, value)
    site = (urlsplit(base).hostname or "").removeprefix("www.")

    def score(key):
        node = merged[key]
        home = (urlsplit(_url(node.get("url"), base)).hostname or "").removeprefix("www.")
        known = sum(bool(node.get(k)) for k in ("name", "logo", "address", "foundingDate", "sameAs"))
        return (home == site and bool(site), -node["_depth"], known)

    node = merged[max(order, key=score)]  # max keeps the first of equals
    same_as = node.get("sameAs")
    same_as = same_as if isinstance(same_as, list) else [same_as]
    found = {
        "name": _text(node.get("name")),
        "legalName": _text(node.get("legalName")),
        "url": _url(node.get("url"), base),
        "logo": _url(node.get("logo"), base),
        "foundingDate": _text(node.get("foundingDate")),
        "address": _address(node.get("address")),
        "sameAs": list(dict.fromkeys(u for u in (_absolute(base, s) for s in same_as) if u))[:MAX_LINKS],
        "description": _text(node.get("description"))[:MAX_TEXT],
    }
    return {k: v for k, v in found.items() if v}


# ------------------------------------------------------------------------- the crawl
@dataclass
class CrawlReport:
    checked: int = 0
    ok: int = 0
    failed: int = 0
    checks: list[dict] = field(default_factory=list)
    filled: dict[str, list[str]] = field(default_factory=dict)
    flagged_unreachable: list[str] = field(default_factory=list)
    flagged_stale: list[str] = field(default_factory=list)
    unflagged: list[str] = field(default_factory=list)
    indexed: int = 0

    def as_dict(self) -> dict:
        return {
            "checked": self.checked,
            "ok": self.ok,
            "failed": self.failed,
            "filled": self.filled,
            "flagged_unreachable": self.flagged_unreachable,
            "flagged_stale": self.flagged_stale,
            "unflagged": self.unflagged,
            "indexed": self.indexed,
            "checks": self.checks,
        }


def entries_to_visit(limit: int | None = None, slugs: Iterable[str] | None = None):
    """Published entries with a website, the least recently checked (never) first.

    A draft's website may have been typed by anyone into the public form, so the crawl
    never fetches it on its own: only when the entry is named (an editor's action or
    ``crawl_homepages --entry``).
    """
    queryset = (
        Entry.objects.exclude(website="")
        .annotate(last_checked=Max("homepage_checks__checked_at"))
        .order_by("-live", F("last_checked").asc(nulls_first=True), "pk")
    )
    if slugs:
        queryset = queryset.filter(slug__in=list(slugs))
    else:
        queryset = queryset.filter(live=True)
    return queryset[:limit] if limit else queryset


class Crawler:
    def __init__(self, fetcher: Fetcher | None = None, now=None):
        max_bytes = getattr(settings, "PORTAL_CRAWL_MAX_BYTES", MAX_PAGE_BYTES)
        self.fetcher = fetcher or Fetcher(max_bytes=max_bytes, retries=RETRIES)
        self.fixed_now = now
        self.report = CrawlReport()
        self._changed: set[int] = set()

    def now(self) -> datetime:
        return self.fixed_now or timezone.now()

    def run(self, limit: int | None = None, slugs: Iterable[str] | None = None) -> CrawlReport:
        slugs = list(slugs or [])
        for entry in entries_to_visit(limit, slugs):
            self.visit(entry)
        self.flag_stale(slugs)
        self.report.indexed = index_entries(self._changed)
        return self.report

    # ------------------------------------------------------------------ one visit
    def visit(self, entry: Entry) -> HomepageCheck:
        check = HomepageCheck(entry=entry, url=entry.website[:2000], checked_at=self.now())
        facts = None
        try:
            result = self.fetcher.get(entry.website, headers={"Accept": ACCEPT})
        except FetchError as error:
            # A page over the size limit came from a site that answered: it is up, just not read.
            check.ok = bool(TOO_BIG.search(error.reason))
            check.error = error.reason[:500]
            status = re.match(r"HTTP (\d{3})$", error.reason)
            check.status_code = int(status.group(1)) if status else None
            if error.url != entry.website:
                check.final_url = error.url[:2000]
        else:
            check.ok = True
            check.status_code = result.status
            check.final_url = result.final_url[:2000]
            facts = self.read_page(result, check)
        check.save()
        self.report.checked += 1
        if check.ok:
            self.report.ok += 1
        else:
            self.report.failed += 1
        self.report.checks.append(
            {
                "entry": entry.slug,
                "check": check.pk,  # the HomepageCheck row, for whoever shows this visit in full
                "url": check.url,
                "ok": check.ok,
                "status": check.status_code,
                "final_url": check.final_url,
                "error": check.error,
                "title": check.title,
                "language": check.language,
            }
        )
        with transaction.atomic():
            entry = Entry.objects.select_for_update().get(pk=entry.pk)
            changes = self.fill(entry, facts, check) if facts else {}
            flag_changes = self.update_unreachable_flag(entry, check)
            if changes or flag_changes:
                changes.update(flag_changes)
                changes["updated_at"] = self.now()
                Entry.objects.filter(pk=entry.pk).update(**changes)
                self._changed.add(entry.pk)
        return check

    def read_page(self, result: FetchResult, check: HomepageCheck) -> PageFacts | None:
        kind = header(result.headers, "Content-Type").split(";")[0].strip().lower()
        if kind and kind not in ("text/html", "application/xhtml+xml") and not kind.endswith("+xml"):
            check.error = f"not a web page ({kind})"[:500]
            return None
        text = decode_html(result.content, result.encoding)
        try:
            facts = parse_homepage(text, result.final_url, result.headers)
        except Exception as error:  # a page broken past what the parser survives: it still answered
            logger.warning("could not read %s: %s", result.final_url, error)
            check.error = f"page could not be read ({type(error).__name__})"
            return None
        check.title = facts.title[:500]
        check.description = facts.description
        check.language = facts.language[:20]
        check.image_url = facts.image_url
        check.feed_url = facts.feed_url
        check.murmurations_url = facts.murmurations_url
        check.organisation = facts.organisation
        if facts.invalid_json_ld:
            check.error = f"{facts.invalid_json_ld} JSON-LD block(s) not valid JSON; skipped"
        return facts

    # ------------------------------------------------------------------ filling
    def fill(self, entry: Entry, facts: PageFacts, check: HomepageCheck) -> dict:
        """The entry fields this page fills: empty ones, or ones the crawler filled before."""
        origins = dict(entry.field_origins or {})
        changes: dict = {}
        organisation = facts.organisation

        def offer(name, value):
            if value in (None, "", [], {}):
                return
            origin = origins.get(name)
            if origin == EDITOR:
                return
            current = changes.get(name, getattr(entry, name))
            if name == "country":
                current = getattr(current, "code", current) or ""
            if current not in (None, "", [], {}) and origin != HOMEPAGE:
                return
            if current != value:
                changes[name] = value
            origins[name] = HOMEPAGE

        offer("summary", summarise(facts.description, SUMMARY_LIMIT))
        logo = organisation.get("logo") or facts.image_url
        if logo and len(logo) <= Entry._meta.get_field("logo_url").max_length:
            offer("logo_url", logo)
        primary = facts.language.split("-")[0]
        if len(primary) == 2:
            offer("languages", [primary])
        year = YEAR.search(organisation.get("foundingDate", ""))
        if year and int(year.group(1)) <= self.now().year:
            offer("founded_year", int(year.group(1)))

        place = self.place(organisation.get("address") or {})
        if place.get("country"):
            offer("country", place["country"])
        country = changes.get("country") or getattr(entry.country, "code", entry.country) or ""
        if not place.get("country") or country == place["country"]:
            for name in ("region", "locality", "address"):
                offer(name, place.get(name, "")[: Entry._meta.get_field(name).max_length])

        website = normalise_url(entry.website)
        links = [
            {"label": link_label(url), "url": url}
            for url in organisation.get("sameAs", [])
            if normalise_url(url) and normalise_url(url) != website
        ]
        offer("links", links)

        if origins != (entry.field_origins or {}):
            changes["field_origins"] = origins
        if changes:
            self.report.filled[entry.slug] = sorted(k for k in changes if k != "field_origins")
        return changes

    @staticmethod
    def place(address: dict) -> dict:
        """country / region / locality / address from a JSON-LD address, through the geo helpers."""
        if not address:
            return {}
        if "text" in address:
            text = address["text"]
            found = geo.place_from_text(text)
            return {
                "country": found.country or "",
                "region": found.region or "",
                "locality": found.locality or "",
                "address": text if any(ch.isdigit() for ch in text) else "",
            }
        country_text = address.get("addressCountry", "")
        code = countries.alpha2(country_text) if len(country_text) in (2, 3) else ""
        locality, region = address.get("addressLocality", ""), address.get("addressRegion", "")
        found = geo.place_from_text(", ".join(filter(None, [locality, region, country_text])))
        country = code or found.country or ""
        same = bool(found.country) and found.country == country
        street = address.get("streetAddress", "")
        postal = " ".join(filter(None, [address.get("postalCode", ""), locality]))
        return {
            "country": country,
            "region": region or (found.region if same else "") or "",
            "locality": locality or (found.locality if same else "") or "",
            "address": ", ".join(filter(None, [street, postal, region, country_text])) if street else "",
        }

    # ------------------------------------------------------------------ flags
    def update_unreachable_flag(self, entry: Entry, check: HomepageCheck) -> dict:
        if entry.status in NOT_FLAGGED:
            return {}
        if check.ok:
            return self._lift(entry, UNREACHABLE_PREFIX)
        streak = []
        for ok, checked_at in entry.homepage_checks.order_by("-checked_at", "-pk").values_list(
            "ok", "checked_at"
        )[:500]:
            if ok:
                break
            streak.append(checked_at)
        if len(streak) < FAILURES_TO_FLAG or streak[0] - streak[-1] < FAILURE_SPAN:
            return {}
        note = UNREACHABLE_NOTE.format(count=len(streak), date=streak[-1])
        changes = self._flag(entry, UNREACHABLE_PREFIX, note)
        if changes and entry.slug not in self.report.flagged_unreachable:
            self.report.flagged_unreachable.append(entry.slug)
        return changes

    def flag_stale(self, slugs: list[str]) -> None:
        """Flag (or lift the flag of) entries no source or check has confirmed for a year."""
        cutoff = self.now() - STALE_AFTER
        queryset = Entry.objects.exclude(status__in=NOT_FLAGGED)
        if slugs:
            queryset = queryset.filter(slug__in=slugs)
        queryset = queryset.annotate(
            last_seen=Max("source_records__last_seen"),
            last_ok=Max("homepage_checks__checked_at", filter=Q(homepage_checks__ok=True)),
        )
        stale = Q(created_at__lt=cutoff) & (Q(last_seen__lt=cutoff) | Q(last_seen__isnull=True))
        stale &= Q(last_ok__lt=cutoff) | Q(last_ok__isnull=True)
        for entry in queryset.filter(stale).exclude(review_note__contains=STALE_NOTE):
            self._save_flag(entry, self._flag(entry, STALE_NOTE, STALE_NOTE))
            self.report.flagged_stale.append(entry.slug)
        for entry in queryset.exclude(stale).filter(review_note__contains=STALE_NOTE):
            self._save_flag(entry, self._lift(entry, STALE_NOTE))

    def _save_flag(self, entry: Entry, changes: dict) -> None:
        if changes:
            Entry.objects.filter(pk=entry.pk).update(**changes, updated_at=self.now())
            self._changed.add(entry.pk)

    @staticmethod
    def _flag(entry: Entry, prefix: str, note: str) -> dict:
        lines = [line for line in (entry.review_note or "").splitlines() if line.strip()]
        kept = [line for line in lines if not line.startswith(prefix)]
        new_note = "\n".join([*kept, note])
        if entry.needs_review and new_note == entry.review_note:
            return {}
        entry.needs_review, entry.review_note = True, new_note
        return {"needs_review": True, "review_note": new_note}

    def _lift(self, entry: Entry, prefix: str) -> dict:
        lines = (entry.review_note or "").splitlines()
        kept = [line for line in lines if not line.startswith(prefix)]
        if len(kept) == len(lines):
            return {}
        new_note = "\n".join(kept).strip()
        changes = {"review_note": new_note}
        if not new_note:
            # The flag was only ours: the site answered, so there is nothing left to review.
            changes["needs_review"] = False
        entry.review_note = new_note
        entry.needs_review = changes.get("needs_review", entry.needs_review)
        if entry.slug not in self.report.unflagged:
            self.report.unflagged.append(entry.slug)
        return changes


def crawl(limit: int | None = None, slugs: Iterable[str] | None = None, **options) -> CrawlReport:
    """Visit entries' websites (see the module docstring); the report of what happened."""
    return Crawler(**options).run(limit=limit, slugs=slugs)
