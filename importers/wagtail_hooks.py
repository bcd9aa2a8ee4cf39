from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from . import views
from .models import DuplicateCandidate, ImportRun


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("imports/", views.import_runs, name="importers_runs"),
        path("imports/start/", views.start_import, name="importers_start"),
        path("imports/duplicates/", views.duplicates, name="importers_duplicates"),
        path("imports/duplicates/<int:pk>/", views.decide_duplicate, name="importers_decide_duplicate"),
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
