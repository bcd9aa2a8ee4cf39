from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.action_menu import ActionMenuItem

from directory.models import Entry

from . import views
from .models import DuplicateCandidate, ImportRun


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("imports/", views.import_runs, name="importers_runs"),
        path("imports/start/", views.start_import, name="importers_start"),
        path("imports/duplicates/", views.duplicates, name="importers_duplicates"),
        path("imports/duplicates/<int:pk>/", views.decide_duplicate, name="importers_decide_duplicate"),
        path("imports/check-website/<int:entry_pk>/", views.check_website, name="importers_check_website"),
    ]


class EditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("directory.change_entry")


@hooks.register("register_admin_menu_item")
def register_duplicates_menu_item():
    return EditorsMenuItem(
        _("Possible duplicates"), reverse("importers_duplicates"), icon_name="copy", order=152
    )


@hooks.register("register_admin_menu_item")
def register_imports_menu_item():
    return EditorsMenuItem(_("Imports"), reverse("importers_runs"), icon_name="download", order=153)


class LatestRunsPanel(Component):
    name = "latest_imports"
    order = 150
    template_name = "importers/admin/latest_runs_panel.html"

    def get_context_data(self, parent_context):
        ImportRun.objects.mark_stopped()  # runs whose process is gone show as failed, not running
        return {
            "runs": list(ImportRun.objects.order_by("-started_at")[:6]),
            "duplicates": DuplicateCandidate.objects.filter(
                decision=DuplicateCandidate.Decision.PENDING
            ).count(),
        }


@hooks.register("construct_homepage_panels")
def add_latest_runs_panel(request, panels):
    if request.user.has_perm("directory.change_entry"):
        panels.append(LatestRunsPanel())


class CheckWebsiteMenuItem(ActionMenuItem):
    """The "Check website" action in an entry's edit view: visit its stored website now, drafts too."""

    name = "action-check-website"
    label = _("Check website")
    icon_name = "link"
    order = 90  # after Save, Publish and the workflow actions
    template_name = "importers/admin/check_website_menu_item.html"

    def is_shown(self, context):
        instance = context.get("instance")
        return (
            context["view"] == "edit"
            and instance is not None
            and bool(instance.website)
            and context["request"].user.has_perm("directory.change_entry")
            and super().is_shown(context)
        )

    def get_url(self, parent_context):
        return reverse("importers_check_website", args=[parent_context["instance"].pk])


@hooks.register("register_snippet_action_menu_item")
def register_check_website_menu_item(model):
    return CheckWebsiteMenuItem() if model is Entry else None
