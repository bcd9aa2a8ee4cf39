"""Bulk publish and unpublish for directory entries in the snippet listing."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from .models import Entry


class EntryBulkAction(SnippetBulkAction):
    models = [Entry]

    def check_perm(self, snippet):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, "publish", snippet)


class PublishEntriesBulkAction(EntryBulkAction):
    display_name = _("Publish")
    action_type = "publish"
    aria_label = _("Publish selected entries")
    template_name = "directory/admin/confirm_bulk_publish.html"
    action_priority = 40

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        count = 0
        for entry in objects:
            revision = entry.save_revision(user=user, log_action=True)
            revision.publish(user=user)
            count += 1
        return count, 0

    def get_success_message(self, count, _unused):
        return ngettext("%(count)d entry published", "%(count)d entries published", count) % {"count": count}


class UnpublishEntriesBulkAction(EntryBulkAction):
    display_name = _("Unpublish")
    action_type = "unpublish"
    aria_label = _("Unpublish selected entries")
    template_name = "directory/admin/confirm_bulk_unpublish.html"
    action_priority = 45

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        count = 0
        for entry in objects:
            if entry.live:
                entry.unpublish(user=user)
                count += 1
        return count, 0

    def get_success_message(self, count, _unused):
        return ngettext("%(count)d entry unpublished", "%(count)d entries unpublished", count) % {
            "count": count
        }
