"""How incubator staff run programmes in the Wagtail admin: snippets, scoped to their own incubator.

Every listing, edit, inspect, delete, bulk action and chooser view asks `mentorship.permissions` which
rows the user may see (bulk actions and choosers through `portal.admin_policy`, which asks the registered
policy and chooser rule); a row outside that scope answers 404, as if it did not exist.

- `scoping`: the snippet views, form and viewset base that see only the user's own rows.
- `forms`: the application form with its ranked preferences, and the forms of the workflow's pages.
- `viewsets`: one snippet viewset per model, grouped under "Mentorship".
- `views` and `urls`: the workflow's own pages (run matching, review a run, propose by hand, change a
  mentorship's status, spreadsheets).

`mentorship/wagtail_hooks.py` only registers these with Wagtail.
"""
