"""One snippet viewset per mentorship model, each scoped to the user's incubators, grouped in the menu
under "Mentorship"."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from mentorship.models import (
    Application,
    Cohort,
    Incubator,
    MatchRun,
    MentorProfile,
    Mentorship,
    Programme,
    Venture,
)

from .forms import ApplicationForm, PreferencesPanel
from .scoping import ScopedForm, ScopedInspectView, ScopedSnippetViewSet
from .views import run_review_context


class IncubatorViewSet(ScopedSnippetViewSet):
    model = Incubator
    icon = "home"
    menu_order = 100
    list_display = ["name", "website", "staff_group"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("entry"),
        FieldPanel("description"),
        FieldPanel("website"),
        FieldPanel("contact_email"),
        FieldPanel("staff_group", permission="auth.change_group"),
    ]


class ProgrammeViewSet(ScopedSnippetViewSet):
    model = Programme
    icon = "list-ul"
    menu_order = 110
    base_form_class = ScopedForm
    list_display = ["title", "incubator", "is_public", "max_mentees_per_mentor"]
    panels = [
        FieldPanel("incubator"),
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("is_public"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("topics"),
        FieldRowPanel([FieldPanel("max_mentees_per_mentor"), FieldPanel("proposal_expiry_days")]),
        MultiFieldPanel(
            [
                FieldPanel("weight_topic"),
                FieldPanel("weight_text"),
                FieldPanel("weight_timezone"),
                FieldPanel("weight_sector"),
                FieldPanel("weight_stage"),
                FieldPanel("weight_preference"),
                FieldPanel("min_score"),
            ],
            heading=_("Matching settings"),
        ),
    ]


class CohortIndexView(snippet_views.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("mentorship.change_matchrun"):
            buttons.append(
                Button(
                    _("Run matching"),
                    reverse("mentorship_admin:run_matching", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=5,
                )
            )
        buttons.append(
            Button(
                _("Spreadsheets"),
                reverse("mentorship_admin:spreadsheets", args=[instance.pk]),
                icon_name="table",
                priority=6,
            )
        )
        return buttons


class CohortViewSet(ScopedSnippetViewSet):
    model = Cohort
    icon = "group"
    menu_order = 120
    base_form_class = ScopedForm
    index_view_class = CohortIndexView
    list_display = ["name", "programme", "status", DateColumn("starts_on", label=_("Starts"))]
    list_filter = ["status"]
    panels = [
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("status"),
        FieldRowPanel([FieldPanel("applications_open"), FieldPanel("applications_close")]),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("max_ventures"),
        FieldPanel("mentors"),
    ]


class MentorProfileViewSet(ScopedSnippetViewSet):
    model = MentorProfile
    icon = "user"
    menu_order = 130
    base_form_class = ScopedForm
    list_display = ["display_name", "home_coop", "capacity", "available", "is_public"]
    list_filter = ["available", "is_public"]
    panels = [
        FieldPanel("display_name"),
        FieldPanel("home_coop"),
        FieldPanel("topics"),
        FieldPanel("sectors"),
        FieldPanel("stages"),
        FieldPanel("expertise"),
        FieldPanel("bio"),
        FieldRowPanel([FieldPanel("languages"), FieldPanel("timezone")]),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("hours_per_month")]),
        FieldRowPanel([FieldPanel("available"), FieldPanel("available_until")]),
        FieldPanel("excluded_ventures"),
        FieldPanel("is_public", read_only=True),
    ]


class VentureViewSet(ScopedSnippetViewSet):
    model = Venture
    icon = "pick"
    menu_order = 140
    base_form_class = ScopedForm
    list_display = ["name", "stage", "sector"]
    list_filter = ["stage"]
    panels = [
        FieldPanel("name"),
        FieldPanel("stage"),
        FieldPanel("sector"),
        FieldPanel("needs"),
        FieldPanel("need_statement"),
        FieldRowPanel([FieldPanel("languages"), FieldPanel("timezone")]),
        FieldPanel("entry"),
        FieldPanel("founder_coops"),
        FieldPanel("website"),
    ]


class ApplicationIndexView(snippet_views.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status in Application.MATCHABLE:
            buttons.append(
                Button(
                    _("Propose a mentor"),
                    reverse("mentorship_admin:propose", args=[instance.pk]),
                    icon_name="user",
                    priority=5,
                )
            )
        return buttons


class ApplicationViewSet(ScopedSnippetViewSet):
    model = Application
    icon = "form"
    menu_order = 150
    base_form_class = ApplicationForm
    index_view_class = ApplicationIndexView
    list_display = ["venture", "cohort", "status", DateColumn("submitted_at", label=_("Submitted"))]
    list_filter = ["status"]
    panels = [
        FieldPanel("venture"),
        FieldPanel("cohort"),
        FieldPanel("status"),
        FieldPanel("motivation"),
        PreferencesPanel(heading=_("Preferred mentors")),
    ]


class MatchRunInspectView(ScopedInspectView):
    template_name = "mentorship/admin/match_run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(run_review_context(self.request, self.object))
        return context


class MatchRunViewSet(ScopedSnippetViewSet):
    model = MatchRun
    icon = "resubmit"
    menu_order = 160
    inspect_view_enabled = True
    inspect_view_class = MatchRunInspectView
    list_display = [
        Column("__str__", label=_("Run"), accessor=lambda run: str(run)),
        "algorithm",
        "status",
        Column(
            "share_matched", label=_("Matched"), accessor=lambda run: _share(run.metrics.get("share_matched"))
        ),
        "run_by",
    ]
    list_filter = ["status", "algorithm"]
    # Runs are made by "Run matching" and changed by the review page only.
    panels = [
        FieldPanel("cohort", read_only=True),
        FieldPanel("algorithm", read_only=True),
        FieldPanel("status", read_only=True),
        FieldPanel("input_hash", read_only=True),
    ]


def _share(value):
    return "—" if value is None else f"{value:.0%}"


class MentorshipViewSet(ScopedSnippetViewSet):
    model = Mentorship
    icon = "link"
    menu_order = 170
    inspect_view_enabled = True
    inspect_view_class = type(
        "MentorshipInspectView", (ScopedInspectView,), {"template_name": "mentorship/admin/mentorship.html"}
    )
    list_display = ["mentor", "venture", "cohort", "status", DateColumn("started_at", label=_("Started"))]
    list_filter = ["status"]
    # Read-mostly: status changes go through "Change status", which records who, when and why.
    panels = [
        FieldPanel("mentor", read_only=True),
        FieldPanel("venture", read_only=True),
        FieldPanel("cohort", read_only=True),
        FieldPanel("status", read_only=True),
        FieldPanel("started_at", read_only=True),
        FieldPanel("ended_at", read_only=True),
    ]


class MentorshipGroup(SnippetViewSetGroup):
    menu_label = _("Mentorship")
    menu_icon = "group"
    menu_order = 160
    items = (
        IncubatorViewSet,
        ProgrammeViewSet,
        CohortViewSet,
        MentorProfileViewSet,
        VentureViewSet,
        ApplicationViewSet,
        MatchRunViewSet,
        MentorshipViewSet,
    )
