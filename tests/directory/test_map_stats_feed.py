"""The directory's map (and its points endpoint), statistics page and Atom feed, on the real IoO entries."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from directory.models import Activity, Entry, MemberClass, Source

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
WORLD = "-180,-90,180,90"
PARIS = "2.0,48.6,2.7,49.1"  # CoopCycle (IoO: 48.8566, 2.3522)
DENVER = "-105.3,39.5,-104.7,40.0"  # Green Taxi Cooperative (IoO: 39.7392, -104.9903)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def ioo_entry(name: str) -> Entry:
    return Entry.objects.get(name=name, source_records__source__slug="ioo")


def points(client, **params):
    response = client.get("/directory/map/points/", params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def names(collection) -> set[str]:
    return {feature["properties"]["name"] for feature in collection["features"]}


def published_in(west, south, east, north):
    return Entry.objects.published().filter(
        latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
    )


# Points endpoint ------------------------------------------------------------------------------


def test_points_inside_the_box_and_not_outside(catalogue_loaded, client):
    coopcycle, green_taxi = ioo_entry("CoopCycle"), ioo_entry("Green Taxi Cooperative")
    assert coopcycle.live and green_taxi.live
    assert abs(coopcycle.latitude - 48.8566) < 0.01 and abs(green_taxi.longitude + 104.99) < 0.01

    paris = points(client, bbox=PARIS)
    assert paris["type"] == "FeatureCollection" and paris["truncated"] is False
    assert "CoopCycle" in names(paris) and "Green Taxi Cooperative" not in names(paris)
    assert names(paris) == {e.name for e in published_in(2.0, 48.6, 2.7, 49.1)}
    for feature in paris["features"]:
        lng, lat = feature["geometry"]["coordinates"]
        assert 2.0 <= lng <= 2.7 and 48.6 <= lat <= 49.1
    feature = next(f for f in paris["features"] if f["properties"]["name"] == "CoopCycle")
    assert feature["geometry"]["coordinates"] == [coopcycle.longitude, coopcycle.latitude]
    assert feature["properties"]["url"] == f"/directory/{coopcycle.slug}/"
    assert client.get(feature["properties"]["url"]).status_code == 200

    denver = points(client, bbox=DENVER)
    assert "Green Taxi Cooperative" in names(denver) and "CoopCycle" not in names(denver)

    world = points(client, bbox=WORLD)
    located = Entry.objects.published().filter(latitude__isnull=False, longitude__isnull=False)
    assert world["count"] == world["total"] == located.count() > 200


def test_a_box_across_the_antimeridian(catalogue_loaded, client):
    # Leaflet gives unwrapped longitudes when the view crosses 180°: 140..200 is 140..180 and -180..-160.
    melbourne = points(client, bbox="140,-40,200,-30")
    assert "Open Food Network" in names(melbourne)
    assert names(melbourne) == names(points(client, bbox="140,-40,-160,-30"))
    assert "CoopCycle" not in names(melbourne)


def test_points_take_the_lists_filters_and_query(catalogue_loaded, client):
    france = points(client, bbox=WORLD, country="FR")
    expected = Entry.objects.published().filter(country="FR", latitude__isnull=False, longitude__isnull=False)
    assert names(france) == {e.name for e in expected} and "CoopCycle" in names(france)
    assert {f["properties"]["country"] for f in france["features"]} == {"FR"}

    both = points(client, bbox=WORLD, country=["FR", "US"], activity="transportation")
    expected = (
        Entry.objects.published()
        .filter(country__in=["FR", "US"], activities__slug="transportation", latitude__isnull=False)
        .distinct()
    )
    assert names(both) == {e.name for e in expected}
    assert "Green Taxi Cooperative" in names(both)

    # The text query matches as the list does.
    found = points(client, bbox=WORLD, q="taxi")
    listed = client.get("/directory/", {"q": "taxi", "per_page": 100}).context["results"]
    assert "Green Taxi Cooperative" in names(found)
    assert names(found) == {e.name for e in listed.hits if e.latitude is not None}


def test_drafts_and_private_emails_stay_off_the_map(catalogue_loaded, client):
    coopcycle = ioo_entry("CoopCycle")
    Entry.objects.filter(pk=coopcycle.pk).update(contact_email="private-person@example.org")
    body = client.get("/directory/map/points/", {"bbox": PARIS}).content.decode()
    assert "CoopCycle" in body
    assert "private-person" not in body and "@" not in body and "email" not in body.lower()

    Entry.objects.filter(pk=coopcycle.pk).update(live=False)
    assert "CoopCycle" not in names(points(client, bbox=PARIS))
    assert "CoopCycle" not in names(points(client, bbox=WORLD, country="FR"))


def test_points_are_capped_with_a_truncated_flag(catalogue_loaded, client, monkeypatch):
    monkeypatch.setattr("directory.map.MAX_POINTS", 5)
    world = points(client, bbox=WORLD)
    located = Entry.objects.published().filter(latitude__isnull=False, longitude__isnull=False).count()
    assert world["truncated"] is True and world["count"] == 5 and world["total"] == located
    assert len(world["features"]) == 5


@pytest.mark.parametrize(
    "bbox",
    ["abc", "1,2,3", "1,2,3,4,5", "nan,0,1,1", "0,inf,1,1", "0,10,1,5", "1e9,0,2,1", ",,,"],
)
def test_a_malformed_box_is_a_clear_400(catalogue_loaded, client, bbox):
    response = client.get("/directory/map/points/", {"bbox": bbox})
    assert response.status_code == 400
    assert "bbox" in json.loads(response.content)["error"]


def test_points_take_a_fixed_number_of_queries(
    catalogue_loaded, client, django_assert_max_num_queries, monkeypatch
):
    # Serving a Wagtail page costs six queries (site, route, aliases, restrictions); the points one more,
    # and a count when cut short.
    points(client, bbox=WORLD)
    for params in [
        {"bbox": WORLD},
        {"bbox": WORLD, "country": ["FR", "US"], "activity": "transportation", "member": "worker"},
        {"bbox": "-130,20,-60,50", "q": "cooperative platform", "status": "active"},
    ]:
        with django_assert_max_num_queries(7), CaptureQueriesContext(connection) as queries:
            points(client, **params)
        assert len(catalogue_queries(queries)) == 1
    monkeypatch.setattr("directory.map.MAX_POINTS", 5)
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
        assert points(client, bbox=WORLD)["truncated"]
    assert len(catalogue_queries(queries)) == 2


# Map page ---------------------------------------------------------------------------------------


def test_map_page_lists_results_and_offers_the_lists_filters(catalogue_loaded, client):
    response = client.get("/directory/map/", {"country": "FR"})
    assert response.status_code == 200
    html = response.content.decode()
    # The same facet controls as the list, with the selection kept.
    assert re.search(r'<input type="checkbox"[^>]*name="country" value="FR" checked', html)
    assert 'name="activity"' in html
    # Without JavaScript: the results as cards, and a text alternative with a count and the list's link.
    results = response.context["results"]
    assert results.total == Entry.objects.published().filter(country="FR").count()
    assert "CoopCycle" in html and 'class="cards"' in html
    located = Entry.objects.published().filter(country="FR", latitude__isnull=False).count()
    assert response.context["located_total"] == located
    assert f"{located} of the {results.total} matching organisations" in html
    assert 'href="/directory/?country=FR"' in html
    # The map element: focusable, labelled, told where its points and tiles come from.
    container = re.search(r'<div id="directory-map"[^>]*>', html).group(0)
    assert 'tabindex="0"' in container and "aria-label=" in container
    assert 'data-points-url="/directory/map/points/"' in container
    assert 'data-tiles-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in container
    assert "/static/directory/vendor/leaflet/leaflet.js" in html
    assert "/static/directory/vendor/leaflet.markercluster/leaflet.markercluster.js" in html


def test_map_tiles_come_from_settings(catalogue_loaded, client, settings):
    settings.PORTAL_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.PORTAL_MAP_TILES_ATTRIBUTION = "Example tiles"
    html = client.get("/directory/map/").content.decode()
    assert 'data-tiles-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-tiles-attribution="Example tiles"' in html


def test_the_vendored_leaflet_is_served_with_its_licences(client):
    from django.contrib.staticfiles import finders

    for path in [
        "directory/vendor/leaflet/leaflet.js",
        "directory/vendor/leaflet/leaflet.css",
        "directory/vendor/leaflet/LICENSE",
        "directory/vendor/leaflet/images/marker-icon.png",
        "directory/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "directory/vendor/leaflet.markercluster/MIT-LICENCE.txt",
        "directory/map.js",
    ]:
        assert finders.find(path), path


def test_map_and_statistics_and_feed_are_not_entry_slugs():
    from directory.text import RESERVED_SLUGS, unique_slug

    assert {"map", "statistics", "feed"} <= RESERVED_SLUGS
    assert unique_slug("Map", set()) == "map-2"


def test_the_directory_page_links_to_map_statistics_and_feed(catalogue_loaded, client):
    html = client.get("/directory/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/directory/feed/"' in html
    assert 'href="/directory/map/"' in html and 'href="/directory/statistics/"' in html


def test_under_a_language_prefix_the_map_uses_prefixed_urls(catalogue_loaded, client):
    response = client.get("/fr/directory/map/")
    if response.status_code == 404:
        pytest.skip("the site has no language prefixes yet")
    html = response.content.decode()
    assert 'data-points-url="/fr/directory/map/points/"' in html
    feature = next(
        f
        for f in points_at(client, "/fr/directory/map/points/", PARIS)
        if f["properties"]["name"] == "CoopCycle"
    )
    assert feature["properties"]["url"].startswith("/fr/directory/")


def points_at(client, url, bbox):
    response = client.get(url, {"bbox": bbox})
    assert response.status_code == 200
    return json.loads(response.content)["features"]


# Statistics -------------------------------------------------------------------------------------


def rows_of(response, name_or_caption):
    for table in response.context["tables"]:
        if table.name == name_or_caption or str(table.caption) == name_or_caption:
            return table.rows
    raise AssertionError(f"no table {name_or_caption}")


def test_statistics_equal_orm_counts(catalogue_loaded, client):
    response = client.get("/directory/statistics/")
    assert response.status_code == 200
    published = Entry.objects.published()
    assert response.context["total"] == published.count()

    countries = {row.value: row.count for row in rows_of(response, "country")}
    assert countries["FR"] == published.filter(country="FR").count() > 5
    assert countries["US"] == published.filter(country="US").count() > 50
    assert sum(countries.values()) == published.exclude(country="").count()

    for slug, count in {row.value: row.count for row in rows_of(response, "activity")}.items():
        assert count == published.filter(activities__slug=slug).distinct().count(), slug
    activities = {row.value for row in rows_of(response, "activity")}
    assert activities == set(
        Activity.objects.filter(entries__live=True).values_list("slug", flat=True).distinct()
    )
    members = {row.value: row.count for row in rows_of(response, "member")}
    assert members["worker"] == published.filter(member_classes__slug="worker").distinct().count() > 0
    assert set(members) == set(
        MemberClass.objects.filter(entries__live=True).values_list("slug", flat=True).distinct()
    )

    decades = {row.label: row.count for row in rows_of(response, "Entries by founding decade")}
    assert sum(decades.values()) == published.exclude(founded_year=None).count() > 0
    assert decades["2010s"] == published.filter(founded_year__gte=2010, founded_year__lte=2019).count()

    sources = {row.label: row.count for row in rows_of(response, "Entries by source")}
    for source in Source.objects.filter(records__entry__live=True).distinct():
        expected = published.filter(source_records__source=source).distinct().count()
        assert sources[source.name] == expected, source.name
    ioo = Source.objects.get(slug="ioo").name
    assert sources[ioo] == published.filter(source_records__source__slug="ioo").count() > 200

    # Rows are sorted by count, largest first, and each share is of the published total.
    counts = [row.count for row in rows_of(response, "country")]
    assert counts == sorted(counts, reverse=True)
    first = rows_of(response, "country")[0]
    assert first.share == round(100 * first.count / published.count(), 1)


def test_statistics_leave_out_drafts(catalogue_loaded, client):
    before = client.get("/directory/statistics/").context
    fr_before = {row.value: row.count for row in rows_of_context(before, "country")}["FR"]
    Entry.objects.filter(pk=ioo_entry("CoopCycle").pk).update(live=False)
    cache.clear()
    after = client.get("/directory/statistics/").context
    assert after["total"] == before["total"] - 1
    assert {row.value: row.count for row in rows_of_context(after, "country")}["FR"] == fr_before - 1


def rows_of_context(context, name):
    return next(table.rows for table in context["tables"] if table.name == name)


def test_statistics_page_has_accessible_tables(catalogue_loaded, client):
    html = client.get("/directory/statistics/").content.decode()
    tree = etree.HTML(html)
    tables = tree.findall(".//table")
    assert len(tables) == 5
    for table in tables:
        assert table.find("caption") is not None and table.find("caption").xpath("string()").strip()
        assert table.findall(".//th[@scope='col']") and table.findall(".//th[@scope='row']")
        # The bars are pictures of numbers that are in the table: hidden from screen readers.
        for svg in table.findall(".//svg"):
            assert svg.get("aria-hidden") == "true"
    assert "<script" not in html.split("<main", 1)[1]  # no chart library
    fr = Entry.objects.published().filter(country="FR").count()
    assert re.search(rf'<a href="/directory/\?country=FR">France</a></th>\s*<td class="num">{fr}</td>', html)


def catalogue_queries(context) -> list[str]:
    """The queries on the catalogue's tables (not the page's own)."""
    return [
        q["sql"]
        for q in context.captured_queries
        if 'FROM "directory_' in q["sql"] and "directory_directorypage" not in q["sql"]
    ]


def test_statistics_take_a_fixed_number_of_queries_and_are_cached(catalogue_loaded, client):
    from directory.statistics import figures

    client.get("/directory/statistics/")  # warm the content type and site caches
    with CaptureQueriesContext(connection) as cached:
        client.get("/directory/statistics/")
    cache.clear()
    with CaptureQueriesContext(connection) as computed:
        client.get("/directory/statistics/")
    # Six GROUP BY queries besides serving the page, whatever the catalogue's size; none when cached.
    assert len(catalogue_queries(computed)) == 6
    assert catalogue_queries(cached) == []
    assert len(cached) <= 8
    with CaptureQueriesContext(connection) as again:
        figures()
    assert len(again) == 0


# Feed -------------------------------------------------------------------------------------------


def parse_feed(client, url="/directory/feed/"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return etree.fromstring(response.content)


def test_feed_is_atom_newest_first(catalogue_loaded, client):
    newest = ioo_entry("Resonate")
    Entry.objects.filter(pk=newest.pk).update(first_published_at=timezone.now() + timedelta(minutes=5))

    feed = parse_feed(client)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None and feed.findtext(f"{ATOM}{required}")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == min(50, Entry.objects.published().filter(first_published_at__isnull=False).count())
    assert len(entries) == 50
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/directory/")

    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Resonate"
    assert first.find(f"{ATOM}link").get("href") == f"http://testserver/directory/{newest.slug}/"
    if newest.summary:
        assert first.findtext(f"{ATOM}summary") == newest.summary
    published = [entry.findtext(f"{ATOM}published") for entry in entries]
    assert published == sorted(published, reverse=True)
    assert client.get(f"/directory/{newest.slug}/").status_code == 200


def test_feed_leaves_out_drafts(catalogue_loaded, client):
    newest = ioo_entry("Resonate")
    Entry.objects.filter(pk=newest.pk).update(first_published_at=timezone.now() + timedelta(minutes=5))
    Entry.objects.filter(pk=newest.pk).update(live=False)
    titles = [e.findtext(f"{ATOM}title") for e in parse_feed(client).findall(f"{ATOM}entry")]
    assert "Resonate" not in titles and len(titles) == 50
    expected = (
        Entry.objects.published()
        .filter(~Q(pk=newest.pk), first_published_at__isnull=False)
        .order_by("-first_published_at", "-pk")
        .values_list("name", flat=True)[:50]
    )
    assert titles == list(expected)
