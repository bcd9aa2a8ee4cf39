"""The workflow's admin pages, mounted by `mentorship/wagtail_hooks.py` under the `mentorship_admin`
namespace."""

from django.urls import path

from .views import (
    approve_run,
    change_proposal,
    discard_run,
    export_cohort,
    export_run,
    mentorship_status,
    propose,
    remove_proposal,
    run_matching,
    spreadsheet_page,
)

urlpatterns = [
    path("cohort/<int:pk>/run/", run_matching, name="run_matching"),
    path("cohort/<int:pk>/spreadsheets/", spreadsheet_page, name="spreadsheets"),
    path("cohort/<int:pk>/mentorships.csv", export_cohort, name="export_cohort"),
    path("run/<int:pk>/approve/", approve_run, name="approve_run"),
    path("run/<int:pk>/discard/", discard_run, name="discard_run"),
    path("run/<int:pk>/proposals.csv", export_run, name="export_run"),
    path("proposal/<int:pk>/mentor/", change_proposal, name="change_proposal"),
    path("proposal/<int:pk>/remove/", remove_proposal, name="remove_proposal"),
    path("application/<int:pk>/propose/", propose, name="propose"),
    path("mentorship/<int:pk>/status/", mentorship_status, name="mentorship_status"),
]
