"""/api/v1/entries/: the public directory's search, filters and facets, as JSON."""

from __future__ import annotations

import pytest

from directory.models import Activity, Entry, SourceRecord

pytestmark = pytest.mark.django_db

# Parameter sets the directory page and the API both take.
SEARCHES = [
    "",
    "q=marketplace",
    "country=FR",
    "country=US&country=GB",
    "category=platform-co-op&activity=transportation",
    "member=worker&status=active",
    "q=cooperative&sort=name&page=2",
    "status=completed&status=cancelled&sort=-name",
    "activity=marketplace&activity=software&sort=newest",
]


def facets_of(results) -> dict:
    return {facet.name: [(o.value, o.count, o.selected) for o in facet.options] for facet in results.facets}


def api_facets(data) -> dict:
    return {
        facet["name"]: [(o["value"], o["count"], o["selected"]) for o in facet["options"]]
        for facet in data["facets"]
    }


@pytest.mark.parametrize("params", SEARCHES)
def test_hits_and_facet_counts_match_the_public_directory(catalogue_loaded, client, params):
    page = client.get(f"/directory/?{params}&per_page=20")
    assert page.status_code == 200
    expected = page.context["results"]

    response = client.get(f"/api/v1/entries/?{params}&page_size=20")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == expected.total
    assert data["page"] == expected.page and data["num_pages"] == expected.num_pages
    assert [hit["slug"] for hit in data["results"]] == [entry.slug for entry in expected.hits]
    assert api_facets(data) == facets_of(expected)
    assert {f["name"] for f in data["facets"]} == {
        "category",
        "type",
        "activity",
        "member",
        "country",
        "status",
    }


def test_filters_narrow_to_the_right_entries(catalogue_loaded, client):
    data = client.get("/api/v1/entries/?country=FR&page_size=100").json()
    assert data["count"] == Entry.objects.published().filter(country="FR").count() > 5
    assert all(hit["country"] == "FR" and hit["country_name"] == "France" for hit in data["results"])
    assert "CoopCycle" in {hit["name"] for hit in data["results"]}

    # Values of one facet widen (any of); facets narrow each other.
    both = client.get("/api/v1/entries/?activity=marketplace&activity=transportation").json()["count"]
    marketplace = client.get("/api/v1/entries/?activity=marketplace").json()["count"]
    expected = Entry.objects.published().filter(activities__slug__in=["marketplace", "transportation"])
    assert both == expected.distinct().count() > marketplace > 0
    narrowed = client.get("/api/v1/entries/?activity=marketplace&country=US").json()
    assert narrowed["count"] == (
        Entry.objects.published().filter(activities__slug="marketplace", country="US").count()
    )
    # A facet's own counts ignore its own selection: the other activities are still offered.
    activity_facet = next(f for f in narrowed["facets"] if f["name"] == "activity")
    assert len(activity_facet["options"]) > 1
    assert [o["value"] for o in activity_facet["options"] if o["selected"]] == ["marketplace"]


def test_pages_link_to_each_other_and_stop_at_the_last(catalogue_loaded, client):
    first = client.get("/api/v1/entries/?sort=name&page_size=50").json()
    assert first["previous"] is None and "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert second["page"] == 2 and second["previous"] and "page=" not in second["previous"]
    assert not {h["slug"] for h in first["results"]} & {h["slug"] for h in second["results"]}
    last = client.get("/api/v1/entries/?sort=name&page_size=50&page=9999").json()
    assert last["page"] == last["num_pages"] == first["num_pages"] and last["next"] is None


def test_list_items_carry_links_and_vocabularies(catalogue_loaded, client):
    data = client.get("/api/v1/entries/?q=CoopCycle").json()
    hit = next(h for h in data["results"] if h["name"] == "CoopCycle")
    assert hit["url"].endswith(f"/api/v1/entries/{hit['slug']}/")
    assert hit["web_url"].endswith(f"/directory/{hit['slug']}/")
    assert client.get(hit["web_url"]).status_code == 200
    assert all(set(term) == {"slug", "name"} for term in hit["activities"])


def test_list_costs_a_fixed_number_of_queries(catalogue_loaded, client, django_assert_max_num_queries):
    client.get("/api/v1/entries/?page_size=5")  # warm caches (content types, site)
    with django_assert_max_num_queries(30):
        small = client.get("/api/v1/entries/?page_size=5")
    with django_assert_max_num_queries(30):
        large = client.get("/api/v1/entries/?page_size=100")
    assert len(small.json()["results"]) == 5 and len(large.json()["results"]) == 100


@pytest.mark.parametrize(
    "params, field",
    [
        ("activity=not%20a%20slug", "activity"),
        ("country=XX", "country"),
        ("status=open", "status"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page_size=1000", "page_size"),
        ("q=" + "a" * 501, "q"),
        ("&".join(["country=FR"] * 21), "country"),
    ],
)
def test_bad_parameters_get_a_clear_400(catalogue_loaded, client, params, field):
    response = client.get(f"/api/v1/entries/?{params}")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["errors"][field][0]


def test_unknown_values_match_nothing_as_on_the_directory_page(catalogue_loaded, client):
    page = client.get("/directory/?activity=no-such-activity").context["results"]
    data = client.get("/api/v1/entries/?activity=no-such-activity&q=a%00b").json()
    assert data["count"] == page.total == 0
    activity = next(f for f in data["facets"] if f["name"] == "activity")
    assert activity["options"] == [
        {"value": "no-such-activity", "label": "no-such-activity", "count": 0, "selected": True}
    ]


def test_entry_detail_has_public_facts_and_provenance(catalogue_loaded, client):
    entry = Entry.objects.published().filter(source_records__source__slug="ioo").first()
    response = client.get(f"/api/v1/entries/{entry.slug}/")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == entry.name and data["slug"] == entry.slug
    assert data["murmurations_profile"].endswith(f"/directory/{entry.slug}/murmurations.json")
    sources = {s["source"]["slug"]: s for s in data["sources"]}
    assert "ioo" in sources
    ioo = sources["ioo"]["source"]
    assert set(ioo) == {"slug", "name", "homepage", "licence", "attribution"}
    record = SourceRecord.objects.get(entry=entry, source__slug="ioo")
    assert sources["ioo"]["external_id"] == record.external_id
    for private in ("contact_email", "review_note", "field_origins", "raw", "needs_review"):
        assert private not in data
        assert all(private not in s for s in data["sources"])


def test_a_draft_entry_is_invisible(catalogue_loaded, client):
    entry = Entry.objects.published().get(name="CoopCycle")
    entry.unpublish()  # as an editor does; signals keep the search index and counts current
    assert client.get(f"/api/v1/entries/{entry.slug}/").status_code == 404
    listed = client.get("/api/v1/entries/?q=CoopCycle").json()
    assert entry.slug not in {h["slug"] for h in listed["results"]}
    everything = client.get("/api/v1/entries/?page_size=100&sort=name").json()
    assert everything["count"] == Entry.objects.published().count()
    assert client.get(f"/directory/{entry.slug}/murmurations.json").status_code == 404
    for path in ("/api/v1/exports/entries.csv", "/api/v1/exports/entries.json"):
        body = b"".join(client.get(path).streaming_content).decode()
        assert f"/directory/{entry.slug}/" not in body


@pytest.mark.parametrize("slug", ["no-such-entry", "a%0Ab", "%F0%9C%B4%9A%5C%C3%8C", "a/b"])
def test_unknown_or_malformed_entry_is_a_json_404(catalogue_loaded, client, slug):
    # A newline in the slug once fell through to the site's HTML 404 (found by schemathesis).
    response = client.get(f"/api/v1/entries/{slug}/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_taxonomies_list_terms_with_published_counts(catalogue_loaded, client):
    for path in ("activities", "member-classes", "categories", "organisation-types", "legal-forms", "topics"):
        response = client.get(f"/api/v1/{path}/")
        assert response.status_code == 200, path
        assert isinstance(response.json(), list)
    activities = {t["slug"]: t for t in client.get("/api/v1/activities/").json()}
    marketplace = Activity.objects.get(slug="marketplace")
    assert activities["marketplace"]["name"] == marketplace.name
    assert activities["marketplace"]["entries"] == marketplace.entries.filter(live=True).count() > 0
    assert {t["slug"] for t in client.get("/api/v1/topics/").json()} >= {"funding", "governance"}
    assert "entries" not in client.get("/api/v1/topics/").json()[0]


def test_api_is_read_only(catalogue_loaded, client):
    assert client.post("/api/v1/entries/", {"name": "x"}).status_code == 405
    slug = Entry.objects.published().first().slug
    assert client.delete(f"/api/v1/entries/{slug}/").status_code == 405


def test_api_throttles_anonymous_clients(catalogue_loaded, client, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "3/min")
    statuses = [client.get("/api/v1/categories/").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/entries/" in paths and "/api/v1/exports/entries.csv" in paths
    assert not any(path.startswith("/admin") for path in paths)
    parameters = {p["name"] for p in paths["/api/v1/entries/"]["get"]["parameters"]}
    assert parameters >= {"q", "activity", "member", "category", "type", "country", "status", "sort", "page"}
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(page).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn.jsdelivr" not in html and "unpkg" not in html
