"""Search on the database: Wagtail's database backend (SQLite FTS5, PostgreSQL full text).

The full-text backend gives a queryset of matching entries; filters, facet counts,
sorting and paging are then plain ORM queries on it, so a results page costs the
same handful of SQL queries whatever its size or the catalogue's.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import and_

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django_countries import countries
from wagtail.search.backends import get_search_backend

from directory.models import Entry, Status

from ..api import Facet, FacetOption, SearchResults
from ..facets import DIMENSIONS, DIMENSIONS_BY_NAME, FACET_SIZE
from ..relevance import CLOSED_STATUSES, fold, query_words, snippet
from ..suggest import did_you_mean

# Suggest another spelling when a query finds fewer hits than this.
SUGGEST_BELOW = 3

ORDERINGS = {
    "name": ["name", "pk"],
    "-name": ["-name", "-pk"],
    "newest": ["-created_at", "-pk"],
    "founded": [F("founded_year").asc(nulls_last=True), "name"],
    "-founded": [F("founded_year").desc(nulls_last=True), "name"],
}
STATUS_LABELS = dict(Status.choices)


def sqlite_fts(columns: str, query: str) -> tuple[str, list]:
    """SQL for the entries matching every word of the query in Wagtail's FTS5 index.

    The full-text match runs first and joins its index rows by key; `columns` picks
    "entry_id" or "entry_id, score" (bm25, lower is better; titles weigh more).
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.models import IndexEntry

    words = re.findall(r"\w+", query)
    match = "{title body} : (" + " AND ".join('"' + w.replace('"', "") + '"' for w in words) + ")"
    table = IndexEntry._meta.db_table
    content_type = ContentType.objects.get_for_model(Entry).pk
    select = {
        "entry_id": "CAST(ie.object_id AS INTEGER)",
        "entry_id, score": f"CAST(ie.object_id AS INTEGER), bm25({table}_fts, 0, 1, 3)",
    }[columns]
    sql = (
        # CROSS JOIN keeps the full-text match as the outer loop (SQLite otherwise runs it per row).
        f"SELECT {select} FROM {table}_fts CROSS JOIN {table} ie ON ie.id = {table}_fts.rowid "
        f"WHERE {table}_fts MATCH %s AND ie.content_type_id = %s"
    )
    return sql, [match, content_type]


def _strip(html_text: str) -> str:
    from directory.text import html_to_text

    return html_to_text(html_text)


class DatabaseEngine:
    def base_queryset(self):
        return Entry.objects.published()

    def matching(self, query: str):
        """Published entries matching the query text, annotated with `_score` when searched."""
        queryset = self.base_queryset()
        if not query:
            return queryset
        if connection.vendor == "sqlite":
            return queryset.filter(pk__in=RawSQL(*sqlite_fts("entry_id", query)))
        backend = get_search_backend()
        results = backend.search(query, queryset, operator="and").annotate_score("_score")
        return results.get_queryset()

    def rank_on_sqlite(self, filtered, query: str, start: int, stop: int) -> list:
        """The page of a relevance-ordered SQLite search.

        Wagtail's SQLite backend scores each matching row with a correlated full-text
        query (seconds at 10,000 entries), so the scores come from one FTS5 query here
        and the order is made in Python from (exact name, name has the words, closed,
        score, name).
        """
        sql, params = sqlite_fts("entry_id, score", query)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            scores = dict(cursor.fetchall())
        words = query_words(query)
        wanted = fold(query).strip()

        def key(row):
            pk, name, status = row
            folded = fold(name)
            return (
                folded != wanted,
                not all(word in folded for word in words),
                status in CLOSED_STATUSES,
                scores.get(pk, 0.0),  # bm25: lower is better
                folded,
                pk,
            )

        rows = sorted(filtered.order_by().values_list("pk", "name", "status"), key=key)
        ids = [pk for pk, _name, _status in rows[start:stop]]
        found = filtered.model.objects.filter(pk__in=ids).for_listing().in_bulk()
        return [found[pk] for pk in ids if pk in found]

    def apply_filters(self, queryset, filters, skip: str | None = None):
        for name, values in filters.items():
            dimension = DIMENSIONS_BY_NAME.get(name)
            if dimension is None or name == skip:
                continue
            condition = Q(**{f"{dimension.lookup}__in": values})
            if dimension.many:
                # Entries having any of the values, without multiplying rows.
                queryset = queryset.filter(pk__in=Entry.objects.filter(condition).values("pk"))
            else:
                queryset = queryset.filter(condition)
        return queryset

    def facet(self, queryset, dimension, selected: list[str]) -> Facet:
        rows = (
            queryset.order_by()
            .exclude(**{f"{dimension.lookup}__isnull": True})
            .exclude(**{dimension.lookup: ""})
            .values(dimension.lookup, *([dimension.label_lookup] if dimension.label_lookup else []))
            .annotate(count=Count("pk", distinct=True))
            .order_by("-count", dimension.lookup)
        )
        options = []
        seen = set()
        for row in rows:
            value = row[dimension.lookup]
            if len(options) >= FACET_SIZE and value not in selected:
                continue
            seen.add(value)
            options.append(
                FacetOption(
                    value=value,
                    label=self.label(dimension, value, row),
                    count=row["count"],
                    selected=value in selected,
                )
            )
        # A selected value with no entries left is still shown, so it can be removed.
        for value in selected:
            if value not in seen:
                options.append(
                    FacetOption(value=value, label=self.label(dimension, value, {}), count=0, selected=True)
                )
        return Facet(name=dimension.name, label=str(dimension.label), options=options)

    def autocomplete(self, text: str, limit: int) -> list[tuple[str, str]]:
        backend = get_search_backend()
        results = backend.autocomplete(text, self.base_queryset(), fields=None, operator="and")
        matches = results.get_queryset().order_by()
        # Names that start with the text first, then any word of the name, alphabetically.
        ranked = matches.annotate(
            _starts=Case(
                When(name__istartswith=text, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("_starts", "name")
        return list(ranked.values_list("name", "slug")[:limit])

    @staticmethod
    def rank(queryset, query: str):
        """Exact name, then name holding every word, then open before closed, then text score."""
        words = query_words(query)
        name_has_words = reduce(and_, [Q(name__icontains=w) for w in words]) if words else Q(pk__in=[])
        # SQLite's bm25 is better when lower, PostgreSQL's ts_rank when higher.
        score = F("_score").asc() if connection.vendor == "sqlite" else F("_score").desc()
        return queryset.annotate(
            _exact=Case(
                When(name__iexact=query, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            _in_name=Case(When(name_has_words, then=Value(0)), default=Value(1), output_field=IntegerField()),
            _closed=Case(
                When(status__in=CLOSED_STATUSES, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        ).order_by("_exact", "_in_name", "_closed", score, "name", "pk")

    @staticmethod
    def highlights(hits, query: str) -> dict[int, str]:
        if not query:
            return {}
        found = {}
        for entry in hits:
            for text in (entry.summary, entry.description):
                marked = snippet(text if "<" not in (text or "") else _strip(text), query)
                if marked:
                    found[entry.pk] = marked
                    break
        return found

    @staticmethod
    def label(dimension, value, row) -> str:
        if dimension.label_lookup:
            return row.get(dimension.label_lookup) or value
        if dimension.name == "country":
            return countries.name(value) or value
        if dimension.name == "status":
            return str(STATUS_LABELS.get(value, value))
        return value

    def search(self, query, filters, sort, page, page_size) -> SearchResults:
        matched = self.matching(query)
        filtered = self.apply_filters(matched, filters)

        total = filtered.count()
        last_page = max(1, -(-total // page_size))
        page = min(page, last_page)
        start = (page - 1) * page_size
        if sort == "relevance" and connection.vendor == "sqlite":
            hits = self.rank_on_sqlite(filtered, query, start, start + page_size)
        else:
            ordered = (
                self.rank(filtered, query) if sort == "relevance" else filtered.order_by(*ORDERINGS[sort])
            )
            hits = list(ordered.for_listing()[start : start + page_size])

        # Disjunctive facets: each dimension's counts ignore its own selection,
        # so people can widen a choice as well as narrow it.
        facets = [
            self.facet(self.apply_filters(matched, filters, skip=d.name), d, filters.get(d.name, []))
            for d in DIMENSIONS
        ]
        suggestion = did_you_mean(query) if query and total < SUGGEST_BELOW else None
        return SearchResults(
            hits=hits,
            total=total,
            page=page,
            page_size=page_size,
            facets=facets,
            query=query,
            sort=sort,
            filters=filters,
            suggestion=suggestion,
            highlights=self.highlights(hits, query),
        )
