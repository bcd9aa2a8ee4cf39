"""The database engine's ranking, snippets, suggestions and autocomplete, on the real catalogue."""

from __future__ import annotations

import pytest

from directory.models import Entry
from search.api import autocomplete, search
from search.relevance import snippet
from search.suggest import forget

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_vocabulary():
    forget()
    yield
    forget()


def names(results):
    return [entry.name for entry in results.hits]


def test_an_exact_name_comes_first(catalogue_loaded):
    # "Loomio" appears in several descriptions (social.coop, Enspiral...); the entry named so leads.
    results = search("loomio")
    assert names(results)[0] == "Loomio"
    assert results.total > 1


def test_name_matches_rank_above_description_matches(catalogue_loaded):
    results = search("fairmondo", page_size=50)
    named = [n for n in names(results) if "fairmondo" in n.lower()]
    assert names(results)[: len(named)] == named


def test_open_entries_rank_above_closed_ones(catalogue_loaded):
    closed = Entry.objects.published().filter(status="completed", summary__icontains="platform").first()
    assert closed is not None
    results = search("platform", page_size=100)
    statuses = [e.status for e in results.hits if e.name.lower() != "platform"]
    first_closed = statuses.index("completed") if "completed" in statuses else len(statuses)
    # Among entries not named by the query, every open one precedes every closed one.
    tail = [e for e in results.hits if "platform" not in e.name.lower()]
    seen_closed = False
    for entry in tail:
        if entry.status in ("completed", "cancelled"):
            seen_closed = True
        else:
            assert not seen_closed, f"{entry.name} (open) after a closed entry"
    assert first_closed >= 0


def test_hits_carry_escaped_snippets_with_the_words_marked(catalogue_loaded):
    results = search("marketplace")
    assert results.highlights
    for text in results.highlights.values():
        assert "<mark>" in text.lower() or "<mark>" in text
        assert "<script" not in text


def test_snippet_escapes_source_text():
    marked = snippet("<b>Bold</b> marketplace & <script>x</script>", "marketplace")
    assert marked == "&lt;b&gt;Bold&lt;/b&gt; <mark>marketplace</mark> &amp; &lt;script&gt;x&lt;/script&gt;"


def test_did_you_mean_when_a_word_is_misspelt(catalogue_loaded, client):
    results = search("marketplase")
    assert results.total == 0
    assert results.suggestion == "marketplace"
    page = client.get("/directory/", {"q": "barcelna"})
    assert b"Did you mean" in page.content and b"barcelona" in page.content
    # Accents aside, words the catalogue knows are found, not "corrected".
    folded = search("Som Connexio")
    assert "Som Connexió" in names(folded)
    assert folded.suggestion is None


def test_autocomplete_returns_names_as_people_type(catalogue_loaded, client):
    assert ("Loomio", "loomio") in autocomplete("loom")
    response = client.get("/directory/autocomplete/", {"q": "fairm"})
    assert response.status_code == 200
    data = response.json()["results"]
    assert {"name": "Fairmondo", "url": "/directory/fairmondo/"} in data
    assert all(hit["name"].lower().startswith("fairm") or " fairm" in hit["name"].lower() for hit in data)
    assert client.get("/directory/autocomplete/", {"q": '"'}).json() == {"results": []}


def test_autocomplete_lists_only_published_entries(catalogue_loaded):
    Entry.objects.filter(name="Loomio").update(live=False)
    assert "Loomio" not in [name for name, _slug in autocomplete("loom")]


def orm_count(dimension_name, value, query_ids, filters):
    """Entries with this facet value, under every filter but the facet's own (disjunctive facets)."""
    from search.facets import DIMENSIONS_BY_NAME

    queryset = Entry.objects.published()
    if query_ids is not None:
        queryset = queryset.filter(pk__in=query_ids)
    for name, values in filters.items():
        if name != dimension_name:
            lookup = DIMENSIONS_BY_NAME[name].lookup
            queryset = queryset.filter(pk__in=Entry.objects.filter(**{f"{lookup}__in": values}).values("pk"))
    lookup = DIMENSIONS_BY_NAME[dimension_name].lookup
    return queryset.filter(**{lookup: value}).distinct().count()


@pytest.mark.parametrize(
    "query, filters",
    [
        ("", {}),
        ("platform", {}),
        ("", {"status": ["active"], "country": ["US", "DE"]}),
        ("cooperative", {"activity": ["software"], "status": ["active"]}),
    ],
)
def test_facet_counts_equal_plain_orm_counts(catalogue_loaded, query, filters):
    from directory.models import Activity

    if "activity" in filters and not Activity.objects.filter(slug__in=filters["activity"]).exists():
        filters = {**filters, "activity": [Activity.objects.filter(entries__live=True).first().slug]}
    results = search(query, filters, page_size=100)
    query_ids = None
    if query:
        query_ids = [e.pk for e in search(query, page_size=100).hits]
        assert search(query).total <= 100, "the query must fit one page for this comparison"
    checked = 0
    for facet in results.facets:
        for option in facet.options:
            assert option.count == orm_count(facet.name, option.value, query_ids, filters), (
                facet.name,
                option.value,
            )
            checked += 1
    assert checked > 5
    assert results.total == len(results.hits) or results.total > 100


def test_filter_only_counts_follow_catalogue_changes(catalogue_loaded):
    """Filter-only counts are remembered per catalogue version; saves and bulk writes change it."""
    from search.indexing import index_entries

    filters = {"status": ["active"]}
    before = search("", filters)
    active = Entry.objects.published().filter(status="active").order_by("pk")
    first, second = active[0], active[1]

    first.status = "completed"
    first.save()
    after_save = search("", filters)
    assert after_save.total == before.total - 1

    # A bulk write sends no signals: importers and the crawler call index_entries afterwards.
    Entry.objects.filter(pk=second.pk).update(status="completed")
    index_entries([second.pk])
    after_bulk = search("", filters)
    assert after_bulk.total == before.total - 2
    status = {f.name: f for f in after_bulk.facets}["status"]
    completed = {o.value: o.count for o in status.options}["completed"]
    assert completed == Entry.objects.published().filter(status="completed").count()


def test_a_big_reindex_gives_postgresql_fresh_statistics(catalogue_loaded, monkeypatch):
    """Without statistics PostgreSQL plans the search's joins for one row (seconds per page)."""
    from django.db import connection

    from search import indexing

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans without table statistics")

    def planned_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Entry._meta.db_table])
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:  # as if the table had never been analysed
        cursor.execute("UPDATE pg_class SET reltuples = 1 WHERE relname = %s", [Entry._meta.db_table])
    ids = list(Entry.objects.values_list("pk", flat=True))
    monkeypatch.setattr(indexing, "ANALYZE_AFTER", len(ids) + 1)
    indexing.index_entries(ids)  # below the threshold: statistics left alone
    assert planned_rows() == 1
    monkeypatch.setattr(indexing, "ANALYZE_AFTER", len(ids))
    indexing.index_entries(ids)
    assert planned_rows() == len(ids)


def test_a_snippet_is_escaped_exactly_once():
    from types import SimpleNamespace

    from search.engines.database import DatabaseEngine

    entry = SimpleNamespace(pk=1, summary="Ordering & delivery with <b>bold</b> couriers", description="")
    [marked] = DatabaseEngine.highlights([entry], "delivery").values()
    assert "&amp; <mark>delivery</mark>" in marked
    assert "&amp;amp;" not in marked and "<b>" not in marked
