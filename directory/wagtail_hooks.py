"""How editors work on the catalogue in the Wagtail admin."""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.admin_policy import PolicyScopedBulkActionMixin, RuledChooserViewSet, register_chooser_rule

from .admin_actions import PublishEntriesBulkAction, UnpublishEntriesBulkAction
from .choosers import entry_choices_for, submission_choices_for
from .models import (
    Activity,
    Category,
    Entry,
    LegalForm,
    MemberClass,
    OrganisationType,
    Source,
    Status,
    Submission,
    Topic,
)
from .submissions.admin import SubmissionViewSet


class EntryFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    live = django_filters.BooleanFilter(label=_("Published"))
    needs_review = django_filters.BooleanFilter(label=_("Needs review"))
    source = django_filters.ModelChoiceFilter(
        queryset=Source.objects.all(),
        field_name="source_records__source",
        label=_("Source"),
        distinct=True,
    )
    country = django_filters.ChoiceFilter(choices=list(countries), label=_("Country"))
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all())

    class Meta:
        model = Entry
        fields = ["status", "live", "needs_review", "source", "country", "category"]


class EntryViewSet(SnippetViewSet):
    model = Entry
    icon = "site"
    menu_label = _("Entries")
    menu_order = 100
    list_display = [
        "name",
        Column("country", label=_("Country"), accessor="country.name"),
        "category",
        "status",
        BooleanColumn("needs_review", label=_("Review")),
        UpdatedAtColumn(),
    ]
    list_per_page = 50
    filterset_class = EntryFilterSet
    # No search_fields: the admin then searches every indexed field, and SQLite's
    # full-text backend fails on a field subset (wagtail#10217).
    ordering = ["name"]
    inspect_view_enabled = True
    copy_view_enabled = False
    chooser_viewset_class = RuledChooserViewSet

    def get_queryset(self, request):
        return Entry.objects.select_related("category", "latest_revision", "live_revision")


def term_viewset(term_model, icon="tag", order=200):
    return type(
        f"{term_model.__name__}ViewSet",
        (SnippetViewSet,),
        {
            "model": term_model,
            "icon": icon,
            "menu_order": order,
            "list_display": ["name", "slug"],
            "ordering": ["name"],
            "copy_view_enabled": False,
        },
    )


class SourceViewSet(SnippetViewSet):
    model = Source
    icon = "download"
    menu_order = 300
    list_display = ["name", "slug", "licence", BooleanColumn("trusted")]


class DirectoryGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "site"
    menu_order = 150
    items = (
        EntryViewSet,
        SubmissionViewSet,
        term_viewset(Activity, order=201),
        term_viewset(MemberClass, icon="group", order=202),
        term_viewset(Category, icon="folder-open-inverse", order=203),
        term_viewset(OrganisationType, icon="folder-inverse", order=204),
        term_viewset(LegalForm, icon="doc-full", order=205),
        term_viewset(Topic, icon="help", order=206),
        SourceViewSet,
    )


register_snippet(DirectoryGroup)


@hooks.register("register_admin_menu_item")
def register_review_queue_menu_item():
    """The review queue: entries an import or a check flagged for an editor's eye."""
    return MenuItem(
        _("Needs review"),
        reverse("wagtailsnippets_directory_entry:list") + "?needs_review=true",
        icon_name="warning",
        order=151,
    )


register_chooser_rule(Entry, entry_choices_for)
register_chooser_rule(Submission, submission_choices_for)


class ScopedPublishEntriesBulkAction(PolicyScopedBulkActionMixin, PublishEntriesBulkAction):
    pass


class ScopedUnpublishEntriesBulkAction(PolicyScopedBulkActionMixin, UnpublishEntriesBulkAction):
    pass


hooks.register("register_bulk_action", ScopedPublishEntriesBulkAction)
hooks.register("register_bulk_action", ScopedUnpublishEntriesBulkAction)
