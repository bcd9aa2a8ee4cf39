"""The map's data: published entries with coordinates inside the part of the world in view.

The map page asks for `map/points/?bbox=w,s,e,n&<the list's query string>` each time the
view moves, so a browser never loads the whole catalogue; a response holds at most
`MAX_POINTS` points and says when there were more.
"""

from __future__ import annotations

import math

from django.db.models import Q
from django.utils.translation import gettext as _

from search.facets import DIMENSIONS

MAX_POINTS = 5000
# How many values of one filter a request may select (as the list).
MAX_FILTER_VALUES = 20


class BadRequest(ValueError):
    """A query string the map cannot answer; its message is shown to the person."""


def filters_from(params) -> dict[str, list[str]]:
    """The facet filters of a query string, as the list reads them."""
    return {d.name: params.getlist(d.name)[:MAX_FILTER_VALUES] for d in DIMENSIONS if params.getlist(d.name)}


def located(queryset):
    return queryset.filter(latitude__isnull=False, longitude__isnull=False)


def parse_bbox(text: str | None) -> tuple[float, float, float, float]:
    """`west,south,east,north` in degrees (as Leaflet's `toBBoxString()`); the whole world if absent."""
    if text is None or not text.strip():
        return (-180.0, -90.0, 180.0, 90.0)
    parts = text.split(",")
    if len(parts) != 4:
        raise BadRequest(_("bbox must be four numbers: west,south,east,north."))
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise BadRequest(_("bbox must be four numbers: west,south,east,north.")) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BadRequest(_("bbox must be four numbers: west,south,east,north."))
    if south > north:
        raise BadRequest(_("bbox: south must not be greater than north."))
    if max(abs(west), abs(east)) > 100_000 or max(abs(south), abs(north)) > 100_000:
        raise BadRequest(_("bbox: coordinates are out of range."))
    return (west, max(south, -90.0), east, min(north, 90.0))


def _wrap(longitude: float) -> float:
    return (longitude + 180.0) % 360.0 - 180.0


def in_bbox(bbox: tuple[float, float, float, float]) -> Q:
    """Entries inside the box; a box across the antimeridian (west > east once wrapped) too."""
    west, south, east, north = bbox
    condition = Q(latitude__gte=south, latitude__lte=north)
    if east - west >= 360:
        return condition
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        west, east = _wrap(west), _wrap(east)
    if west <= east:
        return condition & Q(longitude__gte=west, longitude__lte=east)
    return condition & (Q(longitude__gte=west) | Q(longitude__lte=east))


def points(queryset, bbox, entry_url, limit: int | None = None) -> dict:
    """A GeoJSON FeatureCollection of the entries in the box, at most `limit` of them.

    `entry_url(slug)` gives an entry page's address. Only public facts go out: name,
    address of its page, category, locality and country. `limit` defaults to `MAX_POINTS`.
    """
    limit = MAX_POINTS if limit is None else limit
    inside = located(queryset).filter(in_bbox(bbox)).order_by("name", "pk")
    rows = list(
        inside.values_list("slug", "name", "latitude", "longitude", "category__name", "locality", "country")[
            : limit + 1
        ]
    )
    truncated = len(rows) > limit
    rows = rows[:limit]
    features = [
        {
            "type": "Feature",
            "id": slug,
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": {
                "name": name,
                "url": entry_url(slug),
                "category": category or "",
                "locality": locality or "",
                "country": str(country or ""),
            },
        }
        for slug, name, latitude, longitude, category, locality, country in rows
    ]
    return {
        "type": "FeatureCollection",
        "bbox": list(bbox),
        "count": len(features),
        # When cut short, how many there are in all (one more query, only then).
        "total": inside.count() if truncated else len(features),
        "truncated": truncated,
        "limit": limit,
        "features": features,
    }
