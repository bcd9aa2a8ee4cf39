"""Admin rules every app shares: bulk actions go through the models' permission policies."""

from wagtail import hooks

from .admin_policy import PolicyScopedDeleteBulkAction

# After Wagtail's own (order 0): the registry keeps the last action registered per model and action name.
hooks.register("register_bulk_action", PolicyScopedDeleteBulkAction, order=100)
