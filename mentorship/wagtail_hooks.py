"""Registers the mentorship staff admin with Wagtail: permission policies, chooser rules, the snippet
viewsets and the workflow's admin pages. What is registered lives in `mentorship.staff_admin`."""

from __future__ import annotations

import functools

from django.urls import include, path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from portal.admin_policy import register_chooser_rule

from .permissions import SCOPED_MODELS, chooser_queryset_for, register_policies
from .staff_admin import urls as staff_admin_urls
from .staff_admin.viewsets import MentorshipGroup

# Before any viewset asks for a policy (it would get Wagtail's unscoped fallback). Importing the viewsets
# does not ask: they ask once registered, below.
register_policies()

for _model in SCOPED_MODELS:
    register_chooser_rule(_model, functools.partial(chooser_queryset_for, model=_model))

register_snippet(MentorshipGroup)


@hooks.register("register_admin_urls")
def register_mentorship_admin_urls():
    return [
        path(
            "mentorship/",
            include((staff_admin_urls.urlpatterns, "mentorship_admin"), namespace="mentorship_admin"),
        )
    ]
