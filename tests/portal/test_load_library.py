"""`manage.py load_library`: the demo library, created once and then left as it is."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from wagtail.models import Revision

from directory.models import Entry
from directory.taxonomies import Topic
from portal.models import CaseStudyPage, FeaturedEntry, GuidePage, HomePage, LibraryIndexPage, TopicPage

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parents[2] / "portal" / "library" / "content.yaml"


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_library", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_library_under_the_home_page():
    content = yaml.safe_load(CONTENT.read_text())
    output = load()

    library = LibraryIndexPage.objects.get()
    home = HomePage.objects.get()
    assert library.get_parent().pk == home.pk and library.live
    # One topic page per topic of the shared taxonomy, under the library.
    assert TopicPage.objects.count() == Topic.objects.count() >= 10
    assert set(TopicPage.objects.values_list("topic__slug", flat=True)) == set(
        Topic.objects.values_list("slug", flat=True)
    )
    assert all(page.get_parent().pk == library.pk for page in TopicPage.objects.all())

    guides = GuidePage.objects.live()
    assert sorted(guides.values_list("slug", flat=True)) == sorted(g["slug"] for g in content["guides"])
    assert 4 <= guides.count() <= 6
    shares = GuidePage.objects.get(slug="raising-money-with-community-shares")
    assert set(shares.topics.values_list("slug", flat=True)) == {"funding", "finance"}
    assert shares.reading_time >= 1
    assert [block.block_type for block in shares.body][:3] == ["text", "callout", "callout"]
    assert shares.get_latest_revision() is not None

    stocksy = CaseStudyPage.objects.get(slug="stocksy-united")
    assert stocksy.entry == Entry.objects.get(name="Stocksy United")
    assert CaseStudyPage.objects.get(slug="coopcycle").entry.name == "CoopCycle"

    # The home page features the co-ops the file lists, in its order.
    featured = [item.entry.name for item in home.featured_entries.all()]
    assert featured[:2] == ["Stocksy United", "CoopCycle"]
    assert "pages created" in output and "0 updated" not in output.split("created")[0]


def test_running_it_again_changes_nothing():
    load()
    pages = dict(GuidePage.objects.values_list("slug", "pk"))
    revisions = Revision.objects.count()

    output = load()

    assert dict(GuidePage.objects.values_list("slug", "pk")) == pages
    assert Revision.objects.count() == revisions
    assert LibraryIndexPage.objects.count() == 1
    assert TopicPage.objects.count() == Topic.objects.count()
    assert "0 pages created, 0 updated" in output


def test_it_updates_pages_by_slug_and_leaves_chosen_featured_co_ops(tmp_path):
    load()
    guide = GuidePage.objects.get(slug="decision-making-that-scales")
    guide.title = "Edited by hand"
    guide.save_revision().publish()
    home = HomePage.objects.get()
    FeaturedEntry.objects.filter(page=home).delete()
    fairmondo = Entry.objects.get(name="Fairmondo")
    FeaturedEntry.objects.create(page=home, entry=fairmondo, sort_order=0)

    content = yaml.safe_load(CONTENT.read_text())
    content["guides"][0]["summary"] = "A new summary."
    changed = tmp_path / "content.yaml"
    changed.write_text(yaml.safe_dump(content))
    output = load("--file", str(changed))

    assert GuidePage.objects.get(slug="decision-making-that-scales").title == "Decision-making that scales"
    assert GuidePage.objects.get(slug=content["guides"][0]["slug"]).summary == "A new summary."
    assert "2 updated" in output
    assert [item.entry_id for item in HomePage.objects.get().featured_entries.all()] == [fairmondo.pk]


def test_a_case_study_whose_entry_is_missing_is_skipped_with_a_warning(tmp_path):
    content = yaml.safe_load(CONTENT.read_text())
    content["case_studies"][0]["entry"] = "no-such-co-op"
    path = tmp_path / "content.yaml"
    path.write_text(yaml.safe_dump(content))

    output = load("--file", str(path))

    assert "no-such-co-op" in output
    assert not CaseStudyPage.objects.filter(slug=content["case_studies"][0]["slug"]).exists()
    assert CaseStudyPage.objects.filter(slug=content["case_studies"][1]["slug"]).exists()


def test_setup_portal_loads_the_library(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "a-test-password")
    out = io.StringIO()
    call_command("setup_portal", "--no-imports", stdout=out)
    assert "Knowledge library" in out.getvalue()
    assert GuidePage.objects.live().count() >= 4
