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


def test_editors_and_moderators_work_the_submissions_queue(db, client, django_user_model):
    """Issue 11: the groups had entry permissions but none on submissions, so only superusers could."""
    from django.contrib.auth.models import Group
    from django.urls import reverse

    from directory.models import Submission

    submission = Submission.objects.create(
        kind=Submission.Kind.NEW, entry_name="Queue Co-op", data={"name": "Queue Co-op"}, submitter_name="S"
    )
    for name in ("Editors", "Moderators"):
        user = django_user_model.objects.create_user(f"{name.lower()}-member", f"{name}@example.org", "pw")
        user.groups.add(Group.objects.get(name=name))
        client.force_login(user)
        listing = client.get(reverse("wagtailsnippets_directory_submission:list"))
        assert listing.status_code == 200, name
        assert "Queue Co-op" in listing.content.decode()
        review = client.get(reverse("wagtailsnippets_directory_submission:review", args=[submission.pk]))
        assert review.status_code == 200, name


def test_only_editors_see_draft_entries_in_the_entry_chooser(db, client, django_user_model):
    """Issue 11: incubator staff choose an incubator's co-op among published entries, never drafts."""
    from django.contrib.auth.models import Group, Permission

    draft = Entry.objects.create(name="Unpublished Draft Co-op", slug="unpublished-draft-co-op", live=False)
    staff = django_user_model.objects.create_user("staff-person", "staff@example.org", "pw")
    staff_group = Group.objects.create(name="Some incubator staff")
    staff_group.permissions.add(Permission.objects.get(codename="access_admin"))
    staff.groups.add(staff_group)
    editor = django_user_model.objects.create_user("editor-person", "ed@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    from portal.management.commands.setup_portal import Command as SetupPortal

    SetupPortal().grant_editor_groups()
    urls = [
        "/admin/snippets/choose/directory/entry/?q=Unpublished",
        "/admin/snippets/choose/directory/entry/results/?q=Unpublished",
        f"/admin/snippets/choose/directory/entry/chosen/{draft.pk}/",
        f"/admin/snippets/choose/directory/entry/chosen-multiple/?id={draft.pk}",
    ]
    client.force_login(staff)
    for url in urls:
        assert "Unpublished Draft Co-op" not in client.get(url).content.decode(), url
    client.force_login(editor)
    assert "Unpublished Draft Co-op" in client.get(urls[2]).content.decode()
