"""The home page: live figures, featured co-ops, the latest guides and the programmes taking applications."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from directory.models import Entry
from mentorship.models import Cohort, Programme
from portal.models import FeaturedEntry, HomePage

pytestmark = pytest.mark.django_db


def figures(response) -> dict[str, int]:
    html = response.content.decode()
    return {name: int(value) for name, value in re.findall(r'data-figure="(\w+)">(\d+)<', html)}


def section(response, heading_id: str) -> str:
    """The HTML of the home page's section labelled by `heading_id`."""
    html = response.content.decode()
    start = html.index(f'aria-labelledby="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_the_figures_are_the_catalogue_s_counts(library, make_programme, client):
    make_programme("Open one")
    make_programme("Draft one", status=Cohort.Status.DRAFT)
    published = Entry.objects.published()

    response = client.get("/")

    assert response.status_code == 200
    assert figures(response) == {
        "entries": published.count(),
        "countries": published.exclude(country="").values("country").distinct().count(),
        "platform_coops": published.filter(category__slug="platform-co-op").count(),
        "open_programmes": 1,
    }
    assert figures(response)["entries"] > 300 or not Entry.objects.filter(source_records__source__slug="ioo")
    assert figures(response)["platform_coops"] > 0


def test_the_figures_are_cached_briefly(library, client):
    before = figures(client.get("/"))["entries"]
    Entry.objects.filter(pk=Entry.objects.published().first().pk).update(live=False)
    assert figures(client.get("/"))["entries"] == before
    from django.core.cache import cache

    cache.clear()
    assert figures(client.get("/"))["entries"] == before - 1


def test_it_shows_the_featured_co_ops_in_the_editors_order(library, client):
    response = client.get("/")
    featured = section(response, "featured-heading")
    assert "Featured co-ops" in featured
    names = [item.entry.name for item in HomePage.objects.get().featured_entries.all()]
    positions = [featured.index(f">{escape(name)}<") for name in names]
    assert positions == sorted(positions)


def test_unpublished_featured_co_ops_are_left_out_and_without_any_the_latest_are_shown(library, client):
    home = HomePage.objects.get()
    first = home.featured_entries.first().entry
    Entry.objects.filter(pk=first.pk).update(live=False)
    assert f">{first.name}<" not in section(client.get("/"), "featured-heading")

    FeaturedEntry.objects.filter(page=home).delete()
    featured = section(client.get("/"), "featured-heading")
    assert "Recently added" in featured
    newest = Entry.objects.published().order_by("-created_at", "name").first()
    assert f">{newest.name}<" in featured


def test_it_shows_the_latest_guides(library, client):
    from portal.models import GuidePage

    guides = section(client.get("/"), "guides-heading")
    latest = GuidePage.objects.live().order_by("-first_published_at", "-pk")
    for guide in latest[:3]:
        assert guide.title.replace(":", "") in guides.replace(":", "")
        assert f'href="{guide.url}"' in guides
    assert latest.last().title not in guides


def test_it_shows_only_cohorts_open_for_applications(library, make_programme, client):
    make_programme("Open Accelerator")
    make_programme("Draft Accelerator", status=Cohort.Status.DRAFT)
    make_programme("Closed Accelerator", closes_in_days=-1)
    make_programme("Matching Accelerator", status=Cohort.Status.MATCHING)

    programmes = section(client.get("/"), "programmes-heading")

    assert "Open Accelerator" in programmes
    assert "Run by Test Incubator" in programmes
    cohort = Cohort.objects.get(programme__title="Open Accelerator")
    assert f'datetime="{cohort.applications_close:%Y-%m-%d}"' in programmes
    for hidden in ("Draft Accelerator", "Closed Accelerator", "Matching Accelerator"):
        assert hidden not in programmes
    # The programme's public page, when the mentorship pages are there.
    from django.urls import NoReverseMatch, reverse

    try:
        assert reverse("mentorship:programme", args=["open-accelerator"]) in programmes
    except NoReverseMatch:
        pass


def test_without_open_programmes_it_says_so(library, client):
    Programme.objects.all().delete()
    assert "No programme is taking applications just now." in section(client.get("/"), "programmes-heading")


def test_the_home_page_in_another_language_links_within_that_language(library, client):
    response = client.get("/fr/")
    assert response.status_code == 200
    assert 'action="/fr/directory/"' in response.content.decode()
    assert 'href="/fr/library/' in section(response, "guides-heading")
