"""Editors write guides in the Wagtail admin."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from directory.models import Entry
from directory.taxonomies import Topic
from portal.models import GuidePage

pytestmark = pytest.mark.django_db


def test_an_editor_creates_and_publishes_a_guide(library, editor, client):
    add = reverse("wagtailadmin_pages:add", args=["portal", "guidepage", library.pk])
    form = client.get(add)
    assert form.status_code == 200
    assert b"Directory entry" in form.content  # the entry block is offered

    stocksy = Entry.objects.get(name="Stocksy United")
    topics = list(Topic.objects.filter(slug__in=["funding", "governance"]).values_list("pk", flat=True))
    data = nested_form_data(
        {
            "title": "Member loans",
            "slug": "member-loans",
            "summary": "Borrowing from your own members.",
            "body": streamfield(
                [
                    ("text", rich_text("<h2>Why</h2><p>Members lend what banks will not.</p>")),
                    (
                        "callout",
                        {"kind": "tip", "title": "Start small", "text": rich_text("<p>Ask early.</p>")},
                    ),
                    ("entry", stocksy.pk),
                ]
            ),
            "action-publish": "publish",
        }
    )
    data["topics"] = [str(pk) for pk in topics]
    response = client.post(add, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response

    guide = GuidePage.objects.get(slug="member-loans")
    assert guide.live and guide.get_parent().pk == library.pk
    assert set(guide.topics.values_list("pk", flat=True)) == set(topics)
    assert [block.block_type for block in guide.body] == ["text", "callout", "entry"]
    assert guide.body[2].value == stocksy

    page = client.get(guide.url).content.decode()
    assert "<h1>Member loans</h1>" in page
    assert "Stocksy United" in page and "Start small" in page


def test_a_guide_cannot_be_added_outside_the_library(editor, client):
    from portal.models import HomePage

    home = HomePage.objects.get()
    add = reverse("wagtailadmin_pages:add", args=["portal", "guidepage", home.pk])
    assert client.get(add).status_code in (302, 403)
    client.post(add, {"title": "Misplaced", "slug": "misplaced", "summary": "No.", "body-count": "0"})
    assert not GuidePage.objects.filter(slug="misplaced").exists()
