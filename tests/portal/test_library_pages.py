"""The knowledge library's pages: the index and its topic filter, topic pages, guides and case studies."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Entry
from directory.taxonomies import Topic
from portal.models import CaseStudyPage, GuidePage, TopicPage

pytestmark = pytest.mark.django_db


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_library_lists_guides_and_case_studies_and_filters_by_topic(library, client):
    page = html(client, library.url)
    for article in [*GuidePage.objects.live(), *CaseStudyPage.objects.live()]:
        assert f'href="{article.url}"' in page

    page = html(client, f"{library.url}?topic=exit-to-community")
    e2c = GuidePage.objects.get(slug="how-exit-to-community-works")
    assert f'href="{e2c.url}"' in page
    assert f'href="{GuidePage.objects.get(slug="decision-making-that-scales").url}"' not in page
    assert "No case study on this topic yet." in page
    assert f'href="{TopicPage.objects.get(topic__slug="exit-to-community").url}"' in page

    # An unknown topic shows everything rather than an error.
    assert f'href="{e2c.url}"' in html(client, f"{library.url}?topic=nonsense")


def test_a_topic_page_shows_its_guides_listed_mentors_and_programmes(
    library, topic, make_mentor, make_programme, client
):
    governance = Topic.objects.get(slug="governance")
    make_mentor("Ada Listed", [topic])
    make_mentor("Bea Private", [topic], public=False)
    make_mentor("Cy Inactive", [topic], active=False)
    make_mentor("Dee Elsewhere", [governance])
    make_programme("Shares Lab", [topic])
    make_programme("Governance School", [governance])

    page = html(client, TopicPage.objects.get(topic=topic).url)

    assert "<h1>Funding</h1>" in page
    assert f'href="{GuidePage.objects.get(slug="raising-money-with-community-shares").url}"' in page
    assert f'href="{GuidePage.objects.get(slug="decision-making-that-scales").url}"' not in page
    assert "Ada Listed" in page
    for hidden in ("Bea Private", "Cy Inactive", "Dee Elsewhere", "Governance School"):
        assert hidden not in page
    assert "Shares Lab" in page and "applications close on" in page
    assert "English, French" in page


def test_a_guide_renders_its_blocks(library, client):
    guide = GuidePage.objects.get(slug="raising-money-with-community-shares")
    page = html(client, guide.url)
    assert "<h1>Raising money with community shares</h1>" in page
    assert "<h2 data-block-key" in page or "<h2>What community shares are</h2>" in page
    assert 'class="callout callout-tip" role="note"' in page
    assert 'class="callout callout-warning" role="note"' in page
    assert re.search(r"Reading time: \d+ minutes?<", page)
    assert f'<meta name="description" content="{guide.summary}">' in page
    coops_uk = Entry.objects.get(name="Co-operatives UK")
    assert f'href="/directory/{coops_uk.slug}/"' in page


def test_entry_mentor_and_programme_blocks_render_as_cards(
    library, topic, make_mentor, make_programme, client
):
    stocksy = Entry.objects.get(name="Stocksy United")
    hidden_entry = Entry.objects.get(name="Fairmondo")
    Entry.objects.filter(pk=hidden_entry.pk).update(live=False)
    listed = make_mentor("Ada Listed", [topic], home_coop=stocksy)
    private = make_mentor("Bea Private", [topic], public=False)
    programme = make_programme("Shares Lab", [topic])
    guide = GuidePage.objects.get(slug="decision-making-that-scales")
    guide.body = [
        {"type": "entry", "value": stocksy.pk},
        {"type": "entry", "value": hidden_entry.pk},
        {"type": "mentor", "value": listed.pk},
        {"type": "mentor", "value": private.pk},
        {"type": "programme", "value": programme.pk},
        {"type": "quote", "value": {"quote": "Members first.", "attribution": "A member"}},
    ]
    guide.save_revision().publish()

    page = html(client, guide.url)

    assert page.count('class="card block-card block-entry"') == 1
    assert f'<a href="/directory/{stocksy.slug}/">Stocksy United</a>' in page
    assert "Fairmondo" not in page
    assert page.count('class="card block-card block-mentor"') == 1
    assert "Ada Listed" in page and "Bea Private" not in page
    assert "Member of" in page
    assert page.count('class="card block-card block-programme"') == 1
    assert "Shares Lab" in page and "Run by Test Incubator" in page
    assert "<blockquote><p>Members first.</p></blockquote>" in page
    assert "<figcaption>— A member</figcaption>" in page


def test_a_case_study_shows_the_key_facts_of_its_entry(library, client):
    case = CaseStudyPage.objects.get(slug="stocksy-united")
    page = html(client, case.url)
    entry = case.entry
    assert "Stocksy United in brief" in page
    assert "<dd>2012</dd>" in page
    assert entry.legal_form.name in page
    assert "Victoria, Canada" in page
    assert f'href="/directory/{entry.slug}/"' in page


def test_page_type_rules():
    from portal.models import HomePage, LibraryIndexPage

    assert GuidePage.allowed_parent_page_models() == [LibraryIndexPage]
    assert CaseStudyPage.allowed_parent_page_models() == [LibraryIndexPage]
    assert TopicPage.allowed_parent_page_models() == [LibraryIndexPage]
    assert LibraryIndexPage.allowed_parent_page_models() == [HomePage]
    assert GuidePage.allowed_subpage_models() == []
    assert set(LibraryIndexPage.allowed_subpage_models()) == {TopicPage, GuidePage, CaseStudyPage}


def test_pages_are_searchable(library):
    results = GuidePage.objects.live().search("withdrawable")
    assert [page.slug for page in results] == ["raising-money-with-community-shares"]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_cost_a_fixed_number_of_queries(
    library, topic, make_mentor, make_programme, client, django_assert_max_num_queries
):
    topic_page = TopicPage.objects.get(topic=topic)
    guide = GuidePage.objects.get(slug="data-sovereignty-for-platform-co-ops")
    urls = ["/", library.url, topic_page.url, guide.url, CaseStudyPage.objects.first().url]
    stocksy = Entry.objects.get(name="Stocksy United")
    make_mentor("First Mentor", [topic], home_coop=stocksy)
    make_programme("First Programme", [topic])
    for url in urls:
        client.get(url)  # warm the figures' cache and the site's root paths

    before = {url: queries(client, url) for url in urls}
    for url, limit in zip(urls, [16, 16, 18, 16, 16], strict=True):
        with django_assert_max_num_queries(limit):
            client.get(url)

    # More mentors, programmes, guides and cards cost no more queries.
    for n in range(5):
        make_mentor(f"Mentor {n}", [topic], home_coop=stocksy)
        make_programme(f"Programme {n}", [topic])
    body = list(guide.body.raw_data)
    guide.body = [
        *[{"type": c["type"], "value": c["value"]} for c in body],
        *[{"type": "entry", "value": e.pk} for e in Entry.objects.published()[:8]],
    ]
    guide.save_revision().publish()
    other = GuidePage.objects.get(slug="decision-making-that-scales")
    other.topics.add(topic)
    other.save_revision().publish()

    after = {url: queries(client, url) for url in urls}
    assert after == before
