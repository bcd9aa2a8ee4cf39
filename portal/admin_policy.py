"""Which objects a Wagtail admin path may name: one rule per model, asked by every path that takes ids.

Wagtail's bulk actions and snippet choosers take object ids from the query string and, left alone, show
the name of any row to anyone with admin access. Here they ask instead:

- bulk actions: the model's registered permission policy (`instances_user_has_any_permission_for`), so
  rows the user may not act on answer 404 as if absent; mentorship models register a policy scoped by
  incubator (`mentorship.permissions.IncubatorScopedPolicy`), the others use Django's model permissions;
- choosers: `chooser_queryset(user, model)`, the rule an app registered for the model with
  `register_chooser_rule` (draft entries only for editors, mentorship rows within the user's incubators),
  or every row for a model with nothing private in it (taxonomies, sources).
"""

from __future__ import annotations

from django.shortcuts import get_list_or_404
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views import chooser as snippet_chooser

#: The actions any of which lets a user see an object in a bulk action's confirmation.
SEEING_ACTIONS = ("view", "change", "delete", "publish")

_chooser_rules = {}


def visible_to(user, model):
    """The rows of `model` the user holds any permission on, according to the model's policy."""
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, SEEING_ACTIONS)


def register_chooser_rule(model, rule):
    """`rule(user)` → the queryset a chooser of `model` may offer and name to that user."""
    _chooser_rules[model] = rule


def chooser_queryset(user, model):
    rule = _chooser_rules.get(model)
    return rule(user) if rule is not None else model._default_manager.all()


class PolicyScopedBulkActionMixin:
    """Object ids outside what the policy lets the user see are not found, on GET and POST alike."""

    def get_queryset(self, model, object_ids):
        return get_list_or_404(visible_to(self.request.user, model), pk__in=object_ids)

    def get_all_objects_in_listing_query(self, parent_id):
        return visible_to(self.request.user, self.model).values_list("pk", flat=True)


class PolicyScopedDeleteBulkAction(PolicyScopedBulkActionMixin, DeleteBulkAction):
    """Wagtail's snippet bulk delete, for every snippet model, through the policy."""


class ChooserRuleMixin:
    """Every chooser view (the modal, its results, "chosen" one or many) picks from the same rows."""

    def get_object_list(self):
        return chooser_queryset(self.request.user, self.model_class)

    def get_object(self, pk):
        return chooser_queryset(self.request.user, self.model_class).get(pk=pk)

    def get_objects(self, pks):
        return chooser_queryset(self.request.user, self.model_class).filter(pk__in=pks)


class RuledChooseView(ChooserRuleMixin, snippet_chooser.ChooseView):
    pass


class RuledChooseResultsView(ChooserRuleMixin, snippet_chooser.ChooseResultsView):
    pass


class RuledChosenView(ChooserRuleMixin, snippet_chooser.SnippetChosenView):
    pass


class RuledChosenMultipleView(ChooserRuleMixin, snippet_chooser.SnippetChosenMultipleView):
    pass


class RuledChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    """A snippet chooser that offers and names only what `chooser_queryset` gives the user."""

    choose_view_class = RuledChooseView
    choose_results_view_class = RuledChooseResultsView
    chosen_view_class = RuledChosenView
    chosen_multiple_view_class = RuledChosenMultipleView
