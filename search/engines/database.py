"""Search on the database: Wagtail's database backend (SQLite FTS5, PostgreSQL full text).

The full-text backend gives the matching entries; every facet count and the total
then come from one SQL statement (`facet_counts`), the page of hits from one more
(ranked in SQL on PostgreSQL, in Python from one FTS5 query with bm25 on SQLite), so a
results page costs the same handful of SQL queries whatever its size or the catalogue's.
Counts for searches without text (the catalogue's front page, filters only) read most
of the catalogue and are remembered per catalogue version (see `search.versions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django_countries import countries
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from directory.models import Entry, Status
from directory.text import html_to_text

from ..facets import DIMENSIONS, DIMENSIONS_BY_NAME, FACET_SIZE
from ..relevance import CLOSED_STATUSES, fold, query_words, snippet
from ..results import Facet, FacetOption, SearchResults
from ..suggest import did_you_mean
from ..versions import remembered

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


def entry_index() -> tuple[str, int]:
    """Wagtail's index table and the content type its rows for entries carry."""
    return IndexEntry._meta.db_table, ContentType.objects.get_for_model(Entry).pk


def sqlite_fts(columns: str, query: str) -> tuple[str, list]:
    """SQL for the entries matching every word of the query in Wagtail's FTS5 index.

    The full-text match runs first and joins its index rows by key; `columns` picks
    "entry_id" or "entry_id, score" (bm25, lower is better; titles weigh more).
    """
    words = re.findall(r"\w+", query)
    match = "{title body} : (" + " AND ".join('"' + w.replace('"', "") + '"' for w in words) + ")"
    table, content_type = entry_index()
    select = {
        "entry_id": "CAST(ie.object_id AS INTEGER) AS entry_id",
        "entry_id, score": f"CAST(ie.object_id AS INTEGER) AS entry_id, bm25({table}_fts, 0, 1, 3) AS score",
    }[columns]
    sql = (
        # CROSS JOIN keeps the full-text match as the outer loop (SQLite otherwise runs it per row).
        f"SELECT {select} FROM {table}_fts CROSS JOIN {table} ie ON ie.id = {table}_fts.rowid "
        f"WHERE {table}_fts MATCH %s AND ie.content_type_id = %s"
    )
    return sql, [match, content_type]


def postgres_fts(columns: str, query: str) -> tuple[str, list]:
    """SQL for the entries matching every word of the query in Wagtail's PostgreSQL index.

    Wagtail's backend tests `(title || body) @@ query`, which no index serves: every row of
    the index is read (300 ms at 100,000 entries). Testing each word against title and body
    apart matches the same entries from the two columns' GIN indexes. `columns` picks
    "entry_id" or "entry_id, score" (ts_rank, higher is better).
    """
    # Terms and quoting as the backend makes them: "eten.com" stays one term (the parser
    # reads it as a host name, as it did when indexing).
    terms = [term for term in re.split(r"[\s\-]+", query) if term]
    lexemes = ["'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in terms]
    table, content_type = entry_index()
    where = (
        " AND ".join(
            "(ie.title @@ to_tsquery('simple', %s) OR ie.body @@ to_tsquery('simple', %s))" for _ in lexemes
        )
        or "1 = 0"
    )
    params = [lexeme for lexeme in lexemes for _twice in (1, 2)]
    select, select_params = "CAST(ie.object_id AS INTEGER) AS entry_id", []
    if columns == "entry_id, score":
        select += ", ts_rank(ie.title || ie.body, to_tsquery('simple', %s)) AS score"
        select_params = [" & ".join(lexemes)]
    sql = f"SELECT {select} FROM {table} ie WHERE ie.content_type_id = %s AND {where}"
    return sql, select_params + [content_type] + params


def fulltext(columns: str, query: str) -> tuple[str, list]:
    """SQL for the entries matching the query's words, on this database."""
    return sqlite_fts(columns, query) if connection.vendor == "sqlite" else postgres_fts(columns, query)


@lru_cache(maxsize=250_000)
def fold_name(name: str) -> str:
    """fold() of a name, remembered: relevance ordering folds every matching name."""
    return fold(name)


ENTRY = Entry._meta.db_table


@dataclass(frozen=True)
class Column:
    """Where a dimension's values live in SQL, for filters and facet counts on the entry table `e`."""

    column: str  # the entry's column (single-valued), or the through table's term column (many)
    term_table: str | None = None  # the taxonomy table the value's slug and label come from
    through_table: str | None = None  # many-to-many: the link table
    through_entry: str | None = None  # many-to-many: the link table's entry column


@cache
def column_of(name: str) -> Column:
    dimension = DIMENSIONS_BY_NAME[name]
    field = Entry._meta.get_field(dimension.lookup.split("__")[0])
    if not field.is_relation:
        return Column(field.column)
    term_table = field.related_model._meta.db_table
    if field.many_to_many:
        return Column(field.m2m_reverse_name(), term_table, field.m2m_db_table(), field.m2m_column_name())
    return Column(field.column, term_table)


def dimension_condition(name: str, values: list[str]) -> tuple[str, list]:
    """SQL true for an entry `e` having any of these values of the dimension."""
    where = column_of(name)
    marks = ", ".join(["%s"] * len(values))
    if where.term_table is None:
        return f"e.{where.column} IN ({marks})", list(values)
    terms = f"SELECT id FROM {where.term_table} WHERE slug IN ({marks})"
    if where.through_table is None:
        return f"e.{where.column} IN ({terms})", list(values)
    linked = f"SELECT {where.through_entry} FROM {where.through_table} WHERE {where.column} IN ({terms})"
    return f"e.id IN ({linked})", list(values)


def filter_conditions(filters) -> tuple[list[str], list]:
    conditions, params = [], []
    for name, values in filters.items():
        if name in DIMENSIONS_BY_NAME:
            condition, more = dimension_condition(name, values)
            conditions.append(condition)
            params += more
    return conditions, params


def _strip(html_text: str) -> str:
    return html_to_text(html_text)


class DatabaseEngine:
    def base_queryset(self):
        return Entry.objects.published()

    def matching(self, query: str):
        """Published entries matching the query text."""
        queryset = self.base_queryset()
        if not query:
            return queryset
        return queryset.filter(pk__in=RawSQL(*fulltext("entry_id", query)))

    def matched_sql(self, query: str) -> tuple[str, list] | None:
        """SQL for the ids of entries matching the query text (None: no text, every entry)."""
        return fulltext("entry_id", query) if query else None

    def rank_by_relevance(self, query: str, filters, start: int, stop: int) -> tuple[list, int]:
        """The page of a relevance-ordered search, and the total.

        Wagtail's backends score each matching row with a correlated full-text query
        (SQLite: seconds at 10,000 entries) or over an unindexed vector (PostgreSQL), so one
        query here takes each match's text score with its name and status, and the order is
        made in Python from (exact name, name has the words, closed, score, name).
        """
        fts, params = fulltext("entry_id, score", query)
        conditions, condition_params = filter_conditions(filters)
        where = "".join(f" AND {condition}" for condition in conditions)
        # SQLite: CROSS JOIN keeps the full-text match the outer loop (PostgreSQL plans by statistics).
        join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
        sql = (
            f"SELECT e.id, e.name, e.status, m.score FROM ({fts}) m "
            f"{join} {ENTRY} e ON e.id = m.entry_id WHERE e.live{where}"
        )
        better_when_lower = connection.vendor == "sqlite"  # bm25; PostgreSQL's ts_rank is the other way
        with connection.cursor() as cursor:
            cursor.execute(sql, params + condition_params)
            rows = cursor.fetchall()
        words = query_words(query)
        wanted = fold(query).strip()

        def key(row):
            pk, name, status, score = row
            folded = fold_name(name)
            return (
                folded != wanted,
                not all(word in folded for word in words),
                status in CLOSED_STATUSES,
                score if better_when_lower else -score,
                folded,
                pk,
            )

        ids = [row[0] for row in sorted(rows, key=key)[start:stop]]
        found = Entry.objects.filter(pk__in=ids).for_listing().in_bulk()
        return [found[pk] for pk in ids if pk in found], len(rows)

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

    def facet_counts(self, query: str, filters) -> tuple[dict[str, list[tuple[str, int]]], int]:
        """Every dimension's (raw value, count) pairs and the total, in one SQL statement.

        Disjunctive facets: each dimension's counts ignore its own selection, so people
        can widen a choice as well as narrow it. The matching entries are gathered once
        (a materialised CTE with one flag per filter); each dimension is then a GROUP BY
        over that narrow set (through the link table for many-to-many dimensions).
        """
        matched = self.matched_sql(query)
        columns, params = ["e.id AS id"], []
        single = [d.name for d in DIMENSIONS if column_of(d.name).through_table is None]
        columns += [f"e.{column_of(name).column} AS d_{name}" for name in single]
        flags = {}
        for name, values in filters.items():
            if name in DIMENSIONS_BY_NAME:
                condition, more = dimension_condition(name, values)
                columns.append(f"({condition}) AS f_{name}")
                params += more
                flags[name] = f"m.f_{name}"
        where = "e.live"  # a scan reads the table in order: faster here than the (live, name) index
        if matched is not None:
            where += f" AND e.id IN ({matched[0]})"
            params += matched[1]
        parts = [f"WITH m AS MATERIALIZED (SELECT {', '.join(columns)} FROM {ENTRY} e WHERE {where})"]

        def flags_except(skip=None):
            return " AND ".join(flag for name, flag in flags.items() if name != skip) or "1 = 1"

        selects = []
        for number, dimension in enumerate(DIMENSIONS):
            where_column = column_of(dimension.name)
            if where_column.through_table is None:
                value = f"m.d_{dimension.name}"
                source = "m"
            else:
                value = f"t.{where_column.column}"
                source = f"m JOIN {where_column.through_table} t ON t.{where_column.through_entry} = m.id"
            selects.append(
                f"SELECT {number}, CAST({value} AS TEXT), COUNT(*) FROM {source} "
                f"WHERE {flags_except(dimension.name)} AND {value} IS NOT NULL GROUP BY {value}"
            )
        selects.append(f"SELECT -1, CAST(NULL AS TEXT), COUNT(*) FROM m WHERE {flags_except()}")
        parts.append(" UNION ALL ".join(selects))
        with connection.cursor() as cursor:
            cursor.execute(" ".join(parts), params)
            rows = cursor.fetchall()
        counts: dict[str, list[tuple[str, int]]] = {d.name: [] for d in DIMENSIONS}
        total = 0
        for number, value, count in rows:
            if number < 0:
                total = count
            elif value not in (None, ""):
                counts[DIMENSIONS[number].name].append((value, count))
        return counts, total

    def facets(self, counts, filters) -> list[Facet]:
        terms = self.terms()
        facets = []
        for dimension in DIMENSIONS:
            selected = filters.get(dimension.name, [])
            table = column_of(dimension.name).term_table
            rows = []
            for value, count in counts[dimension.name]:
                if table is None:
                    rows.append((value, self.label(dimension, value, {}), count))
                elif int(value) in terms[table]:
                    slug, name = terms[table][int(value)]
                    rows.append((slug, name, count))
            rows.sort(key=lambda row: (-row[2], row[0]))
            options, seen = [], set()
            for value, label, count in rows:
                if len(options) >= FACET_SIZE and value not in selected:
                    continue
                seen.add(value)
                options.append(FacetOption(value=value, label=label, count=count, selected=value in selected))
            # A selected value with no entries left is still shown, so it can be removed.
            for value in selected:
                if value not in seen:
                    options.append(
                        FacetOption(
                            value=value, label=self.label(dimension, value, {}), count=0, selected=True
                        )
                    )
            facets.append(Facet(name=dimension.name, label=str(dimension.label), options=options))
        return facets

    @staticmethod
    def terms() -> dict[str, dict[int, tuple[str, str]]]:
        """id -> (slug, name) of each taxonomy a facet counts by (small tables)."""
        found = {}
        for dimension in DIMENSIONS:
            if column_of(dimension.name).term_table is None:
                continue
            model = Entry._meta.get_field(dimension.lookup.split("__")[0]).related_model
            found[model._meta.db_table] = {
                pk: (slug, name) for pk, slug, name in model.objects.values_list("pk", "slug", "name")
            }
        return found

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
        if query:
            counts, total = self.facet_counts(query, filters)
        else:
            # Filter-only and empty searches count most of the catalogue: remembered per version.
            key = ("facets", tuple(sorted((name, tuple(sorted(set(v)))) for name, v in filters.items())))
            counts, total = remembered(key, lambda: self.facet_counts(query, filters))
        last_page = max(1, -(-total // page_size))
        page = min(page, last_page)
        start = (page - 1) * page_size
        if not total:
            hits = []
        elif sort == "relevance":
            hits, _total = self.rank_by_relevance(query, filters, start, start + page_size)
        else:
            filtered = self.apply_filters(self.matching(query), filters)
            hits = list(filtered.order_by(*ORDERINGS[sort]).for_listing()[start : start + page_size])
        suggestion = did_you_mean(query) if query and total < SUGGEST_BELOW else None
        return SearchResults(
            hits=hits,
            total=total,
            page=page,
            page_size=page_size,
            facets=self.facets(counts, filters),
            query=query,
            sort=sort,
            filters=filters,
            suggestion=suggestion,
            highlights=self.highlights(hits, query),
        )
