"""The filter dimensions of the catalogue, shared by every engine and every view."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Dimension:
    name: str  # the URL parameter
    label: str
    lookup: str  # ORM path of the value
    label_lookup: str | None  # ORM path of the label (None: labels from code)
    many: bool = False  # many-to-many: filter through a subquery to avoid duplicate rows


DIMENSIONS = [
    Dimension("category", _("Category"), "category__slug", "category__name"),
    Dimension("type", _("Type"), "organisation_type__slug", "organisation_type__name"),
    Dimension("activity", _("Activity"), "activities__slug", "activities__name", many=True),
    Dimension("member", _("Owned by"), "member_classes__slug", "member_classes__name", many=True),
    Dimension("country", _("Country"), "country", None),
    Dimension("status", _("Status"), "status", None),
]
DIMENSIONS_BY_NAME = {d.name: d for d in DIMENSIONS}
# How many options a facet lists (selected options are always listed).
FACET_SIZE = 25
