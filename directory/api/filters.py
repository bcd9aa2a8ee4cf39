"""The query parameters of /api/v1/entries/: the public directory's, validated by django-filter.

The filter set does not filter a queryset itself: its cleaned values go to ``search.api.search()``,
the one search interface the directory page uses, so the API's hits and facet counts are the
page's. What it adds is validation (an unknown activity or a page size of 10,000 is a 400 with a
message, not an empty page or a 500) and the parameters' description in the OpenAPI schema.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from search.api import MAX_PAGE_SIZE, PAGE_SIZE, SORTS

from ..models import Entry, Status

MAX_VALUES = 20  # values of one filter, as on the directory page
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class SlugListField(forms.MultipleChoiceField):
    """Any number of slugs; a well-formed slug that names no term simply matches nothing, as on the
    directory page (where it stays listed as a selected option with a count of 0)."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not a slug (letters, digits, hyphens and underscores)."),
    }

    def to_python(self, value):
        return [v for v in super().to_python(value) if v]

    def valid_value(self, value):
        return bool(SLUG.fullmatch(value))


@extend_schema_field(OpenApiTypes.STR)
class SlugsFilter(django_filters.MultipleChoiceFilter):
    field_class = SlugListField


class QueryField(forms.CharField):
    """What a person typed; characters no one types (NUL) are dropped rather than refused."""

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "")


class QueryFilter(django_filters.CharFilter):
    field_class = QueryField


def _no_filtering(queryset, name, value):
    return queryset


class EntryFilter(django_filters.FilterSet):
    q = QueryFilter(
        method=_no_filtering,
        max_length=500,
        help_text=_("Words to search for in names, descriptions, places."),
    )
    category = SlugsFilter(method=_no_filtering, help_text=_("Category slugs (any of)."))
    type = SlugsFilter(
        method=_no_filtering,
        help_text=_("Organisation type slugs (any of)."),
    )
    activity = SlugsFilter(method=_no_filtering, help_text=_("Activity slugs (any of)."))
    member = SlugsFilter(
        method=_no_filtering,
        help_text=_("Member class slugs: who owns it (any of)."),
    )
    country = django_filters.MultipleChoiceFilter(
        choices=list(countries), method=_no_filtering, help_text=_("ISO 3166-1 alpha-2 codes (any of).")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, method=_no_filtering, help_text=_("Statuses (any of).")
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()),
        method=_no_filtering,
        help_text=_("Order of the results; relevance needs a query (default: relevance, else name)."),
    )
    page = IntegerFilter(
        method=_no_filtering, min_value=1, help_text=_("Page number (past the last: the last).")
    )
    page_size = IntegerFilter(
        method=_no_filtering,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=_("Entries per page (default %(default)s).") % {"default": PAGE_SIZE},
    )

    class Meta:
        model = Entry
        fields: list[str] = []

    DIMENSION_PARAMETERS = ("category", "type", "activity", "member", "country", "status")

    def clean_params(self, query_params) -> tuple[dict | None, dict]:
        """(arguments for search(), {}) when the parameters are good, else (None, errors)."""
        errors = {}
        for name in self.DIMENSION_PARAMETERS:
            if len(query_params.getlist(name)) > MAX_VALUES:
                errors[name] = [str(_("At most %(n)d values.") % {"n": MAX_VALUES})]
        if not self.is_valid():
            for name, messages in self.form.errors.items():
                errors.setdefault(name, []).extend(str(m) for m in messages)
        if errors:
            return None, errors
        data = self.form.cleaned_data
        filters = {}
        for name in self.DIMENSION_PARAMETERS:
            values = data.get(name) or []
            filters[name] = list(dict.fromkeys(values))
        arguments = {
            "query": data.get("q") or "",
            "filters": {name: values for name, values in filters.items() if values},
            "sort": data.get("sort") or "relevance",
            "page": data.get("page") or 1,
            "page_size": data.get("page_size") or PAGE_SIZE,
        }
        return arguments, {}
