"""Snippet views, a form and a viewset base that see only the rows the user may manage: anything else
is a 404, and related-row choices are limited the same way."""

from __future__ import annotations

from django.http import Http404
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from directory.choosers import entry_choices_for
from mentorship.models import Incubator
from mentorship.permissions import (
    can_manage,
    cohorts_for,
    mentor_choices_for,
    programmes_for,
    queryset_for,
    ventures_for,
)
from portal.admin_policy import RuledChooserViewSet


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
