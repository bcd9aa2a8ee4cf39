"""Figures about the published catalogue, for the statistics page.

Each table is one GROUP BY query (six queries in all, whatever the catalogue's size), and the
figures are cached for a few minutes per language (country names are translated).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from .models import Activity, Entry, MemberClass, Source

CACHE_SECONDS = 300
CACHE_KEY = "directory-statistics"


@dataclass
class Row:
    label: str
    count: int
    share: float = 0.0  # percent of the published entries
    value: str = ""  # the list's filter value, when the list can filter by it


@dataclass
class Table:
    name: str  # the list's filter parameter, or ""
    caption: str
    heading: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    @property
    def largest(self) -> int:
        return max((row.count for row in self.rows), default=0)


def _table(name, caption, heading, rows, total, note=""):
    for row in rows:
        row.share = round(100 * row.count / total, 1) if total else 0.0
    return Table(name=name, caption=caption, heading=heading, rows=rows, note=note)


def by_country(published) -> list[Row]:
    rows = published.order_by().exclude(country="").values("country").annotate(n=Count("pk"))
    found = [
        Row(label=countries.name(r["country"]) or r["country"], count=r["n"], value=r["country"])
        for r in rows
    ]
    return sorted(found, key=lambda row: (-row.count, row.label))


def by_term(model, related: str) -> list[Row]:
    """Published entries per term of a vocabulary (an entry may have several terms)."""
    rows = (
        model.objects.order_by()
        .annotate(n=Count(related, filter=Q(**{f"{related}__live": True}), distinct=True))
        .filter(n__gt=0)
        .values_list("slug", "name", "n")
    )
    return sorted(
        (Row(label=name, count=n, value=slug) for slug, name, n in rows), key=lambda r: (-r.count, r.label)
    )


def by_decade(published) -> list[Row]:
    rows = published.order_by().exclude(founded_year=None).values("founded_year").annotate(n=Count("pk"))
    decades: dict[int, int] = {}
    for row in rows:
        decade = row["founded_year"] // 10 * 10
        decades[decade] = decades.get(decade, 0) + row["n"]
    return [
        Row(label=_("%(decade)ss") % {"decade": decade}, count=n) for decade, n in sorted(decades.items())
    ]


def by_source() -> list[Row]:
    rows = (
        Source.objects.order_by()
        .annotate(n=Count("records__entry", filter=Q(records__entry__live=True), distinct=True))
        .filter(n__gt=0)
        .values_list("name", "n")
    )
    return sorted((Row(label=name, count=n) for name, n in rows), key=lambda r: (-r.count, r.label))


def compute() -> dict:
    """The figures, straight from the database."""
    published = Entry.objects.published()
    total = published.count()
    tables = [
        _table("country", _("Entries by country"), _("Country"), by_country(published), total),
        _table(
            "activity",
            _("Entries by activity"),
            _("Activity"),
            by_term(Activity, "entries"),
            total,
            note=_("An entry can have several activities, or none."),
        ),
        _table(
            "member",
            _("Entries by member class (who owns them)"),
            _("Member class"),
            by_term(MemberClass, "entries"),
            total,
            note=_("An entry can have several member classes, or none."),
        ),
        _table(
            "",
            _("Entries by founding decade"),
            _("Decade"),
            by_decade(published),
            total,
            note=_("Only entries whose founding year is known."),
        ),
        _table(
            "",
            _("Entries by source"),
            _("Source"),
            by_source(),
            total,
            note=_("An entry listed by several sources counts once for each."),
        ),
    ]
    return {"total": total, "tables": tables}


def figures() -> dict:
    """The figures, from the cache when they were computed less than `CACHE_SECONDS` ago."""
    key = f"{CACHE_KEY}:{get_language() or 'en'}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
