"""What the public sees at /directory/: real co-ops, search, facets, and nothing private."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Entry, Source, SourceRecord

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [e.name for e in response.context["results"].hits]


def total(response) -> int:
    return response.context["results"].total


def test_directory_lists_the_seed_catalogue_and_the_ioo_entries(catalogue_loaded, client):
    response = client.get("/directory/?per_page=100")
    assert response.status_code == 200
    published = Entry.objects.published().count()
    assert total(response) == published
    ioo = Entry.objects.filter(source_records__source__slug="ioo").count()
    seed = Entry.objects.filter(source_records__source__slug="portal-seed").count()
    both = (
        Entry.objects.filter(source_records__source__slug="ioo")
        .filter(source_records__source__slug="portal-seed")
        .count()
    )
    assert published == ioo + seed - both
    assert ioo == 313 and seed >= 40
    assert f"of {published} organisations".encode() in response.content


def test_search_for_marketplace_finds_marketplaces(catalogue_loaded, client):
    response = client.get("/directory/?q=marketplace&per_page=100")
    found = set(names(response))
    # IoO lists these with the activity "marketplace" or the word in their description.
    assert {"Fairmondo", "Fairmarket"} <= found
    assert "Diaspora" not in found
    activity = {e.name for e in Entry.objects.published().filter(activities__slug="marketplace")}
    assert activity <= found


def test_facet_filters_combine_and_count(catalogue_loaded, client):
    response = client.get("/directory/?country=FR")
    assert total(response) == Entry.objects.published().filter(country="FR").count() > 5
    assert all(e.country == "FR" for e in response.context["results"].hits)
    assert "CoopCycle" in names(client.get("/directory/?country=FR&per_page=100"))

    combined = client.get("/directory/?country=US&category=platform-co-op&activity=transportation")
    expected = (
        Entry.objects.published()
        .filter(country="US", category__slug="platform-co-op", activities__slug="transportation")
        .distinct()
    )
    assert set(names(combined)) == {e.name for e in expected}
    assert total(combined) > 0

    # Facet counts: the country facet counts entries per country among the other filters.
    facets = {f.name: f for f in combined.context["results"].facets}
    us = next(o for o in facets["country"].options if o.value == "US")
    assert us.selected and us.count == total(combined)

    # Two values of one facet widen the choice; a value of another narrows it.
    either = total(client.get("/directory/?country=FR&country=DE"))
    assert either == Entry.objects.published().filter(country__in=["FR", "DE"]).count()


def test_status_and_member_class_filters(catalogue_loaded, client):
    workers = client.get("/directory/?member=worker&per_page=100")
    assert (
        total(workers) == Entry.objects.published().filter(member_classes__slug="worker").distinct().count()
    )
    closed = client.get("/directory/?status=completed&per_page=100")
    assert set(names(closed)) == set(
        Entry.objects.published().filter(status="completed").values_list("name", flat=True)
    )


def test_sorting_and_paging(catalogue_loaded, client):
    first = client.get("/directory/?sort=name&per_page=10")
    assert names(first) == sorted(names(first), key=str.casefold) or names(first) == sorted(names(first))
    second = client.get("/directory/?sort=name&per_page=10&page=2")
    assert not set(names(first)) & set(names(second))
    reverse = client.get("/directory/?sort=-name&per_page=10")
    assert names(reverse)[0] != names(first)[0]
    assert b'rel="next"' in first.content
    # Out-of-range and malformed pages fall back to a real page instead of failing.
    assert client.get("/directory/?page=9999").status_code == 200
    assert client.get("/directory/?page=abc").status_code == 200


def test_urls_can_be_shared(catalogue_loaded, client):
    url = "/directory/?q=food&country=US&sort=name"
    assert names(client.get(url)) == names(client.get(url))
    page = client.get(url).content.decode()
    # The form reflects the query so the page can be refined and bookmarked again.
    assert 'value="food"' in page
    assert re.search(r'name="country" value="US"\s+checked', page)


@pytest.mark.parametrize("query", ['"', "((", "AND OR", "co-op*", "x" * 500, "<script>"])
def test_odd_queries_never_fail(catalogue_loaded, client, query):
    response = client.get("/directory/", {"q": query})
    assert response.status_code == 200
    assert b"<script>" not in response.content.split(b"</header>")[1]


def test_detail_page_shows_public_fields_and_sources(catalogue_loaded, client):
    entry = Entry.objects.get(name="Fairmondo")
    response = client.get(f"/directory/{entry.slug}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Fairmondo" in content
    assert "Internet of Ownership" in content  # listed in IoO...
    assert "Co-op Portal seed catalogue" in content  # ...and in our own seed
    assert entry.website in content
    assert "Germany" in content


def test_unpublished_and_unknown_entries_are_not_found(catalogue_loaded, client):
    entry = Entry.objects.get(name="Fairmondo")
    entry.live = False
    entry.save()
    assert client.get(f"/directory/{entry.slug}/").status_code == 404
    assert "Fairmondo" not in names(client.get("/directory/?q=Fairmondo"))
    assert client.get("/directory/no-such-co-op/").status_code == 404


def test_text_from_sources_is_escaped_and_private_data_hidden(db, client):
    source = Source.objects.create(slug="test", name="Test listing")
    entry = Entry.objects.create(
        name="<script>alert('n')</script> Co-op",
        slug="evil-co-op",
        summary="<img src=x onerror=alert(1)>",
        description="<p>fine</p>",
        contact_email="founder@example.org",
        website="https://example.org/",
        links=[{"label": "<b>x</b>", "url": "https://example.org/x"}],
    )
    SourceRecord.objects.create(
        entry=entry,
        source=source,
        external_id="1",
        raw={},
        content_hash="x",
        first_seen=entry.created_at,
        last_seen=entry.created_at,
    )
    detail = client.get("/directory/evil-co-op/").content.decode()
    assert "<script>alert" not in detail
    assert "&lt;script&gt;" in detail
    assert "<img src=x" not in detail
    assert "founder@example.org" not in detail
    listing = client.get("/directory/?q=evil").content.decode()
    assert "<script>alert" not in listing


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_listing_and_detail_use_a_fixed_number_of_queries(catalogue_loaded, client):
    client.get("/directory/")  # warm caches (site root paths)
    small = _queries(client, "/directory/?per_page=10")
    large = _queries(client, "/directory/?per_page=100")
    searched_url = "/directory/?q=co-op&per_page=100&country=US&activity=software"
    client.get(searched_url)  # warm the suggestion vocabulary, built once per process
    searched = _queries(client, searched_url)
    assert small == large
    assert searched <= large + 2

    fairmondo = Entry.objects.get(name="Fairmondo")
    stocksy = Entry.objects.get(name="Stocksy United")
    assert _queries(client, f"/directory/{fairmondo.slug}/") == _queries(
        client, f"/directory/{stocksy.slug}/"
    )

    # A catalogue half the size costs the same queries.
    # (The deletion changes the catalogue version: the first listing counts the facets afresh, in
    # one statement, and caches them for the next.)
    Entry.objects.filter(pk__in=list(Entry.objects.values_list("pk", flat=True)[::2])).delete()
    assert _queries(client, "/directory/?per_page=100") == large + 1
    assert _queries(client, "/directory/?per_page=100") == large


def test_home_page_shows_figures_and_search(catalogue_loaded, client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["entry_count"] == Entry.objects.published().count()
    assert b'action="/directory/"' in response.content
