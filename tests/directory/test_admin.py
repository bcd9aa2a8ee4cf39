"""Editors curate entries in the Wagtail admin."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Revision

from directory.models import Activity, Entry

pytestmark = pytest.mark.django_db


def list_url():
    return reverse("wagtailsnippets_directory_entry:list")


def test_entry_listing_with_filters_and_search(editor, client, catalogue_loaded):
    response = client.get(list_url())
    assert response.status_code == 200
    assert client.get(list_url(), {"q": "Fairmondo"}).status_code == 200
    assert b"Fairmondo" in client.get(list_url(), {"q": "Fairmondo"}).content
    for params in (
        {"status": "completed"},
        {"country": "FR"},
        {"needs_review": "true"},
        {"source": 1},
        {"live": "false"},
    ):
        assert client.get(list_url(), params).status_code == 200, params


def test_needs_review_queue_lists_only_flagged_entries(editor, client, catalogue_loaded):
    flagged = Entry.objects.get(name="Fairmondo")
    flagged.needs_review = True
    flagged.save()
    response = client.get(list_url(), {"needs_review": "true"})
    assert b"Fairmondo" in response.content
    assert b"Stocksy" not in response.content
    # The queue has its own place in the menu.
    assert b"needs_review=true" in client.get(reverse("wagtailadmin_home")).content


def test_editing_an_entry_keeps_revisions_and_publishes(editor, client, catalogue_loaded):
    entry = Entry.objects.get(name="Fairmondo")
    edit_url = reverse("wagtailsnippets_directory_entry:edit", args=[entry.pk])
    assert client.get(edit_url).status_code == 200
    revision = entry.save_revision(user=editor)
    revision.publish(user=editor)
    assert Revision.objects.for_instance(entry).count() == 1
    entry.refresh_from_db()
    assert entry.live and entry.live_revision_id == revision.pk


def test_bulk_unpublish_and_publish(editor, client, catalogue_loaded):
    from directory.admin_actions import PublishEntriesBulkAction, UnpublishEntriesBulkAction

    entries = list(Entry.objects.filter(name__in=["Fairmondo", "Loomio"]))
    UnpublishEntriesBulkAction.execute_action(entries, user=editor)
    assert not Entry.objects.filter(name__in=["Fairmondo", "Loomio"], live=True).exists()
    assert client.get(f"/directory/{entries[0].slug}/").status_code == 404

    PublishEntriesBulkAction.execute_action(
        list(Entry.objects.filter(pk__in=[e.pk for e in entries])), user=editor
    )
    assert Entry.objects.filter(name__in=["Fairmondo", "Loomio"], live=True).count() == 2

    # The bulk action's confirmation page works from the listing.
    url = reverse("wagtail_bulk_action", args=("directory", "entry", "unpublish"))
    response = client.get(url, {"id": [entries[0].pk]})
    assert response.status_code == 200


def test_editors_manage_taxonomies(editor, client):
    url = reverse("wagtailsnippets_directory_activity:add")
    response = client.post(url, {"name": "Platform care", "slug": "platform-care", "description": ""})
    assert response.status_code == 302
    assert Activity.objects.filter(slug="platform-care").exists()


def test_preview_renders_the_public_template(editor, client, catalogue_loaded):
    entry = Entry.objects.get(name="Fairmondo")
    html = client.get(f"/directory/{entry.slug}/").content
    assert b"Fairmondo" in html
    assert entry.get_preview_template(None, "") == "directory/entry_detail.html"


def test_entries_go_through_the_moderation_workflow(db):
    entry = Entry.objects.get(name="Fairmondo")
    workflow = entry.get_workflow()
    assert workflow is not None and workflow.active
    assert workflow.tasks.exists()


def test_setup_lets_editors_curate_and_moderators_publish(db):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("setup_portal", "--no-imports", verbosity=0)
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    moderators = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))
    assert {"change_entry", "add_activity"} <= editors and "publish_entry" not in editors
    assert {"change_entry", "publish_entry"} <= moderators
