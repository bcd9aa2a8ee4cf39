"""The Elasticsearch and OpenSearch engines give the database engine's answers, on the real catalogue.

Each test runs once per stand-in server (noida-db for the Elasticsearch API, osmem-server
for the OpenSearch API; see conftest.py). The catalogue (seed + IoO directory, about 330
entries: small, since noida-db is slow) is indexed once per server; the same queries then
go through `search.api.search` with the database engine and with the server's engine,
and the hit sets, totals, facet counts and field-sorted orders must be equal.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string

from directory.models import Entry
from search import api
from search.api import MAX_PAGE_SIZE, SearchResults

DATABASE_ENGINE = "search.engines.database.DatabaseEngine"

# What the stand-ins cannot do, per engine name: the assertions that need it skip with this reason.
LACKS = {
    "elasticsearch": {
        "fuzzy highlight": "noida-db returns no highlight for fuzzy matches",
    },
    "opensearch": {},
}


@dataclass
class Target:
    name: str
    path: str
    url: str
    prefix: str

    def engine(self):
        return import_string(self.path)(url=self.url, index_prefix=self.prefix)

    def select(self, settings):
        """Route `search.api` to this engine for the current test."""
        settings.PORTAL_SEARCH_ENGINE = self.path
        settings.PORTAL_SEARCH_URL = self.url
        settings.PORTAL_SEARCH_INDEX_PREFIX = self.prefix


def lacks(target: Target, feature: str):
    reason = LACKS.get(target.name, {}).get(feature)
    if reason:
        pytest.skip(f"{target.name} stand-in: {reason}")


def new_prefix(kind: str) -> str:
    return f"test-{kind}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def contract(server, django_db_setup, django_db_blocker):
    """The catalogue indexed once per stand-in, under its own prefix."""
    name, path, url = server
    target = Target(name, path, url, new_prefix("contract"))
    engine = target.engine()
    with django_db_blocker.unblock():
        engine.rebuild(chunk_size=100)
    yield target
    engine.drop()


@pytest.fixture
def scratch(server):
    """A server target with a fresh prefix (no index yet), dropped afterwards."""
    name, path, url = server
    target = Target(name, path, url, new_prefix("scratch"))
    yield target
    target.engine().drop()


def run(settings, path: str, **case) -> SearchResults:
    settings.PORTAL_SEARCH_ENGINE = path
    return api.search(**case)


def on(settings, target: Target, **case) -> SearchResults:
    target.select(settings)
    return api.search(**case)


def facet_table(results: SearchResults):
    return [
        (facet.name, [(o.value, o.label, o.count, o.selected) for o in facet.options])
        for facet in results.facets
    ]


def every_hit(search, **case) -> list[int]:
    """The ids of every hit, page by page."""
    case = {**case, "page_size": MAX_PAGE_SIZE}
    first = search(**case, page=1)
    ids = [entry.pk for entry in first.hits]
    for page in range(2, first.num_pages + 1):
        ids += [entry.pk for entry in search(**case, page=page).hits]
    return ids


CASES = {
    "marketplace": dict(query="marketplace"),
    "country FR": dict(query="", filters={"country": ["FR"]}),
    "transportation in US": dict(filters={"activity": ["transportation"], "country": ["US"]}),
    "worker owned": dict(filters={"member": ["worker"]}),
    "completed": dict(filters={"status": ["completed"]}),
    "by name, page 2": dict(sort="name", page=2),
    "by name descending, page 3": dict(sort="-name", page=3),
    "OR within, AND across": dict(
        query="platform", filters={"member": ["worker", "user"], "status": ["active"]}
    ),
    "words in different fields": dict(query="cooperative France"),
    "accents folded": dict(query="emmaus"),
    "dotted word": dict(query="eten.com"),
    "selected value with no hits": dict(query="marketplace", filters={"country": ["FR", "ZW"]}),
    "past the last page": dict(filters={"country": ["FR"]}, page=9),
    "newest in the US": dict(sort="newest", filters={"country": ["US"]}),
    "oldest founded": dict(sort="founded"),
    "newest founded, page 2": dict(sort="-founded", page=2),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_same_answers_as_the_database_engine(case, contract, catalogue_loaded, settings):
    expected = run(settings, DATABASE_ENGINE, **case)
    got = on(settings, contract, **case)

    assert got.total == expected.total
    assert got.page == expected.page
    assert facet_table(got) == facet_table(expected)
    if got.sort == "relevance":
        # Scores differ between engines: compare the hit sets, over every page.
        database = every_hit(lambda **c: run(settings, DATABASE_ENGINE, **c), **case)
        server = every_hit(lambda **c: on(settings, contract, **c), **case)
        assert sorted(server) == sorted(database)
        assert len(server) == len(set(server)) == got.total
    else:
        # Sorted by a field: the same entries in the same order.
        assert [e.pk for e in got.hits] == [e.pk for e in expected.hits]


def test_the_contract_queries_find_something(contract, catalogue_loaded, settings):
    """Guard against a contract that passes because both engines find nothing."""
    for name in ("marketplace", "country FR", "transportation in US", "worker owned", "completed"):
        assert on(settings, contract, **CASES[name]).total > 0, name


def test_hits_are_entries_ready_for_listing(
    contract, catalogue_loaded, settings, django_assert_max_num_queries
):
    contract.select(settings)
    with django_assert_max_num_queries(8):  # hits + 2 prefetches + facet labels (4 taxonomies)
        results = api.search("marketplace")
        cards = [
            (e.name, e.category and e.category.name, [a.name for a in e.activities.all()])
            for e in results.hits
        ]
    assert len(cards) == min(results.total, api.PAGE_SIZE)
    assert all(isinstance(e, Entry) for e in results.hits)


def test_an_exact_name_comes_first(contract, catalogue_loaded, settings):
    for query, name in [
        ("loomio", "Loomio"),
        ("Stocksy United", "Stocksy United"),
        ("fairmondo", "Fairmondo"),
    ]:
        results = on(settings, contract, query=query)
        assert [e.name for e in results.hits][:1] == [name], query
    assert on(settings, contract, query="loomio").total > 1  # others mention it


def test_name_matches_rank_above_description_matches(contract, catalogue_loaded, settings):
    names = [e.name for e in on(settings, contract, query="commons", page_size=100).hits]
    named = [n for n in names if "commons" in n.lower()]
    assert len(named) >= 2 and len(names) > len(named)
    assert names[: len(named)] == named


def test_open_entries_rank_above_closed_ones(contract, catalogue_loaded, settings):
    results = on(settings, contract, query="platform", page_size=100)
    tail = [e for e in results.hits if "platform" not in e.name.lower()]
    assert any(e.status in ("completed", "cancelled") for e in tail)
    seen_closed = False
    for entry in tail:
        if entry.status in ("completed", "cancelled"):
            seen_closed = True
        else:
            assert not seen_closed, f"{entry.name} (open) after a closed entry"


def test_a_typo_still_finds_the_entry_and_suggests_the_spelling(contract, catalogue_loaded, settings):
    results = on(settings, contract, query="stoksy")
    assert "Stocksy United" in [e.name for e in results.hits]
    assert results.suggestion == "stocksy"
    # The database engine only suggests (SQLite has no fuzzy matching).
    assert run(settings, DATABASE_ENGINE, query="stoksy").suggestion == "stocksy"


def test_filters_that_exclude_everything_do_not_turn_fuzzy(contract, catalogue_loaded, settings):
    results = on(settings, contract, query="marketplace", filters={"country": ["ZW"]})
    assert results.total == 0 and results.hits == []
    assert results.suggestion is None


def test_no_suggestion_when_the_words_are_known(contract, catalogue_loaded, settings):
    assert on(settings, contract, query="marketplace").suggestion is None


def test_hits_carry_escaped_snippets_with_the_words_marked(contract, catalogue_loaded, settings):
    results = on(settings, contract, query="marketplace")
    assert results.highlights
    assert set(results.highlights) <= {e.pk for e in results.hits}
    for text in results.highlights.values():
        assert re.search(r"<mark>marketplace</mark>", text, re.IGNORECASE), text
        assert "<" not in text.replace("<mark>", "").replace("</mark>", ""), text


def test_fuzzy_hits_are_highlighted(contract, catalogue_loaded, settings):
    lacks(contract, "fuzzy highlight")
    results = on(settings, contract, query="stoksy")
    assert any("<mark>Stocksy</mark>" in text for text in results.highlights.values())


def test_autocomplete_returns_names_as_people_type(contract, catalogue_loaded, settings):
    contract.select(settings)
    names = [name for name, _slug in api.autocomplete("stock")]
    assert "Stocksy United" in names
    settings.PORTAL_SEARCH_ENGINE = DATABASE_ENGINE
    assert set(names) == {name for name, _slug in api.autocomplete("stock")}


def test_ascii_folding_finds_accented_names(scratch, catalogue_loaded, settings):
    tierra = Entry.objects.create(
        name="Tierra Común",
        slug="tierra-comun",
        live=True,
        summary="Una cooperativa de plataforma para productores de café.",
    )
    other = Entry.objects.published().get(name="Stocksy United")
    engine = scratch.engine()
    assert engine.index_entries([tierra.pk, other.pk], refresh=True) == 2

    for query in ("Tierra Comun", "tierra común", "TIERRA", "cafe"):
        results = on(settings, scratch, query=query)
        assert [e.name for e in results.hits] == ["Tierra Común"], query
    # The database engine folds the same way.
    assert [e.name for e in run(settings, DATABASE_ENGINE, query="Tierra Comun").hits][:1] == ["Tierra Común"]
    scratch.select(settings)
    assert [name for name, _slug in api.autocomplete("tierra com")] == ["Tierra Común"]


def test_incremental_updates_follow_publishing_and_deleting(scratch, catalogue_loaded, settings):
    engine = scratch.engine()
    entries = list(Entry.objects.published().filter(country="FR").order_by("pk"))
    assert len(entries) > 3
    assert engine.index_entries([e.pk for e in entries], refresh=True) == len(entries)
    assert on(settings, scratch, filters={"country": ["FR"]}).total == len(entries)

    unpublished, deleted, renamed = entries[:3]
    unpublished.unpublish()
    renamed.name = "Zanzibar Ride Co-op"
    renamed.save()
    # Unpublished entries leave the index when they are indexed again.
    assert engine.index_entries([unpublished.pk, renamed.pk], refresh=True) == 1
    assert engine.delete_entries([deleted.pk], refresh=True) == 1
    assert engine.delete_entries([deleted.pk, 10**9], refresh=True) == 0  # already gone: no error

    results = on(settings, scratch, filters={"country": ["FR"]}, page_size=100)
    ids = {e.pk for e in results.hits}
    assert results.total == len(entries) - 2
    assert unpublished.pk not in ids and deleted.pk not in ids
    assert [e.pk for e in on(settings, scratch, query="zanzibar").hits] == [renamed.pk]


def test_rebuild_swaps_the_alias_with_no_downtime(scratch, catalogue_loaded, settings):
    engine = scratch.engine()
    published = Entry.objects.published().count()
    assert engine.rebuild(chunk_size=100) == published
    [first] = engine.current_indices()
    leftover = engine.create_index()  # as an interrupted rebuild would leave behind
    assert leftover != first

    france = Entry.objects.published().filter(country="FR").count()
    early = list(Entry.objects.published().exclude(country="FR").order_by("pk")[:3])  # in the first chunk
    during = []

    def progress(done, total):
        # Searches keep answering from the old index while the new one fills.
        results = on(settings, scratch, filters={"country": ["FR"]})
        during.append((done, total, engine.current_indices(), results.total))
        if len(during) == 1:
            # Changes to entries already copied into the new index, before the alias moves.
            early[0].unpublish()
            early[1].name = "Quixotic Renamed Co-op"
            early[1].save()
            Entry.objects.filter(pk=early[2].pk).update(live=False)  # a bulk write: no signal, no updated_at

    assert engine.rebuild(chunk_size=100, progress=progress) == published
    [second] = engine.current_indices()
    assert second not in (first, leftover)
    assert len(during) > 1 and during[-1][:2] == (published, published)
    assert all(indices == [first] and total == france for _d, _t, indices, total in during)

    client = engine.client
    assert not client.indices.exists(index=first)
    assert not client.indices.exists(index=leftover)
    assert on(settings, scratch, filters={"country": ["FR"]}).total == france
    assert on(settings, scratch).total == published - 2
    remaining = every_hit(lambda **c: on(settings, scratch, **c))
    assert early[0].pk not in remaining and early[2].pk not in remaining
    assert [e.pk for e in on(settings, scratch, query="quixotic").hits] == [early[1].pk]


def test_a_missing_index_shows_no_hits_rather_than_failing(scratch, catalogue_loaded, settings):
    results = on(settings, scratch, query="marketplace", filters={"country": ["FR"]})
    assert (results.total, results.hits) == (0, [])
    country = next(f for f in results.facets if f.name == "country")
    assert [(o.value, o.label, o.count, o.selected) for o in country.options] == [("FR", "France", 0, True)]
    assert api.autocomplete("stock") == []


def test_search_index_command_rebuilds_the_configured_engine(scratch, catalogue_loaded, settings, capsys):
    scratch.select(settings)
    call_command("search_index", "--rebuild", "--chunk-size", "50")
    out = capsys.readouterr().out
    published = Entry.objects.published().count()
    assert f"indexed {published} entries into {scratch.engine().alias}" in out
    assert on(settings, scratch).total == published


def test_search_index_command_on_the_database_engine(catalogue_loaded, settings, capsys):
    settings.PORTAL_SEARCH_ENGINE = DATABASE_ENGINE
    Entry.objects.published().filter(name="Stocksy United").update(name="Stocksy Cooperative")
    assert run(settings, DATABASE_ENGINE, query="cooperative stocksy").total == 0  # bulk update: not indexed
    call_command("search_index", "--rebuild", "--chunk-size", "100")
    assert f"indexed {Entry.objects.count()} entries" in capsys.readouterr().out
    assert run(settings, DATABASE_ENGINE, query="cooperative stocksy").total == 1


def test_the_document_of_an_entry(catalogue_loaded):
    from search.documents import entries_for_index, entry_to_document

    entry = entries_for_index(Entry.objects.filter(name="Stocksy United")).get()
    body = entry_to_document(entry)
    assert body["id"] == entry.pk and body["name_key"] == "stocksy united"
    assert body["country"] == "CA" and body["status"] == "active"
    assert set(body["activities"]) == {a.slug for a in entry.activities.all()} and body["activities"]
    assert set(body["member_classes"]) == {m.slug for m in entry.member_classes.all()}
    assert body["category"] == entry.category.slug
    assert "<" not in body["description"] and "<" not in body["all_text"]
    assert body["all_text"].startswith("Stocksy United")
    for activity in entry.activities.all():
        assert activity.name in body["all_text"]


def test_index_names_are_prefixed_per_environment(settings):
    from search.documents import alias_name, first_index_name, new_index_name

    settings.PORTAL_SEARCH_INDEX_PREFIX = "Staging Portal"
    assert alias_name() == "staging-portal-entries"
    assert re.fullmatch(r"staging-portal-entries-v\d+-\d{20}", new_index_name())
    assert first_index_name() < new_index_name()
    del settings.PORTAL_SEARCH_INDEX_PREFIX
    assert alias_name() == "coop-portal-entries"


def test_publishing_deleting_and_merging_reach_the_server_by_background_task(
    scratch, catalogue_loaded, settings, django_capture_on_commit_callbacks
):
    from directory.merging import merge_entries

    scratch.select(settings)
    engine = scratch.engine()
    entries = list(Entry.objects.published().filter(country="FR").order_by("pk")[:4])
    engine.index_entries([e.pk for e in entries], refresh=True)
    unpublished, deleted, kept, merged = entries

    # Each change enqueues the sync task once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        unpublished.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        deleted.delete()
    with django_capture_on_commit_callbacks(execute=True):
        merge_entries(kept, merged)
    engine.refresh()

    ids = {e.pk for e in on(settings, scratch, filters={"country": ["FR"]}, page_size=100).hits}
    assert ids == {kept.pk}
