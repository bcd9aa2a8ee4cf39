"""How incubator staff run programmes in the Wagtail admin: snippets, scoped to their own incubator.

Every listing, edit, inspect, delete, bulk action and chooser view asks `mentorship.permissions` which
rows the user may see (bulk actions and choosers through `portal.admin_policy`, which asks the registered
policy and chooser rule); a row outside that scope answers 404, as if it did not exist. The workflow's
own pages (run matching, review a run, propose by hand, change a mentorship's status, spreadsheets) are
in `mentorship.admin_views`.
"""

from __future__ import annotations

import functools

from django import forms
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from directory.choosers import entry_choices_for
from portal.admin_policy import RuledChooserViewSet, register_chooser_rule

from . import admin_views
from .models import (
    MAX_PREFERENCES,
    Application,
    Cohort,
    Incubator,
    MatchRun,
    MentorProfile,
    Mentorship,
    Preference,
    Programme,
    Venture,
)
from .permissions import (
    SCOPED_MODELS,
    can_manage,
    chooser_queryset_for,
    cohorts_for,
    mentor_choices_for,
    mentors_for,
    programmes_for,
    queryset_for,
    register_policies,
    ventures_for,
)

# Before any viewset asks for a policy (it would get Wagtail's unscoped fallback).
register_policies()

# ---------------------------------------------------------------------------------------------------
# Views that see only the user's own rows


class ScopedObjectMixin:
    """Fetch the object only from the rows the user may see: anything else is a 404."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not can_manage(self.request.user, obj):
            raise Http404
        return obj


class ScopedEditView(ScopedObjectMixin, snippet_views.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, snippet_views.DeleteView):
    pass


class ScopedInspectView(ScopedObjectMixin, snippet_views.InspectView):
    pass


class ScopedHistoryView(ScopedObjectMixin, snippet_views.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, snippet_views.UsageView):
    pass


for _model in SCOPED_MODELS:
    register_chooser_rule(_model, functools.partial(chooser_queryset_for, model=_model))


class ScopedSnippetViewSet(SnippetViewSet):
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    chooser_viewset_class = RuledChooserViewSet
    copy_view_enabled = False

    base_form_class = None

    def get_queryset(self, request):
        return queryset_for(request.user, self.model)

    def get_edit_handler(self):
        # Snippet viewsets ignore a `base_form_class` attribute: give it to the panels' ObjectList.
        return ObjectList(self.panels, base_form_class=self.base_form_class or ScopedForm).bind_to_model(
            self.model
        )


class ScopedForm(WagtailAdminModelForm):
    """Choices of related rows limited to what the user may see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        limits = {
            "incubator": queryset_for(user, Incubator),
            "programme": programmes_for(user),
            "cohort": cohorts_for(user),
            "venture": ventures_for(user),
            "mentors": mentor_choices_for(user),
            "excluded_ventures": ventures_for(user),
            "entry": entry_choices_for(user),
            "home_coop": entry_choices_for(user),
            "founder_coops": entry_choices_for(user),
        }
        for name, queryset in limits.items():
            field = self.fields.get(name)
            if field is not None and hasattr(field, "queryset"):
                field.queryset = queryset


# ---------------------------------------------------------------------------------------------------
# Application: ranked preferences edited inline


PreferenceFormSet = forms.inlineformset_factory(
    Application,
    Preference,
    fields=["rank", "mentor", "reason"],
    extra=MAX_PREFERENCES,
    max_num=MAX_PREFERENCES,
    validate_max=True,
    can_delete=True,
)


class ApplicationForm(ScopedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.preferences = PreferenceFormSet(
            self.data if self.is_bound else None, instance=self.instance, prefix="preferences"
        )
        mentors = mentor_choices_for(self.for_user) if self.for_user else MentorProfile.objects.none()
        for form in self.preferences.forms:
            form.fields["mentor"].queryset = mentors

    def is_valid(self):
        return super().is_valid() and self.preferences.is_valid()

    def save(self, commit=True):
        application = super().save(commit=commit)
        if commit:
            self.preferences.instance = application
            self.preferences.save()
        return application


class PreferencesPanel(Panel):
    """The venture's ranked mentors, edited in place (an inline formset on a plain foreign key)."""

    class BoundPanel(Panel.BoundPanel):
        def render_html(self, parent_context=None):
            return render_to_string(
                "mentorship/admin/preferences_panel.html",
                {"formset": getattr(self.form, "preferences", None)},
            )


# ---------------------------------------------------------------------------------------------------
# The viewsets


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
        context.update(admin_views.run_review_context(self.request, self.object))
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


register_snippet(MentorshipGroup)


@hooks.register("register_admin_urls")
def register_mentorship_admin_urls():
    return [
        path(
            "mentorship/",
            include((admin_views.urlpatterns, "mentorship_admin"), namespace="mentorship_admin"),
        )
    ]


__all__ = ["MentorshipGroup", "mentors_for"]
