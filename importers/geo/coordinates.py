"""Coordinates: parsed and checked, and the country of the nearest populated place."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .indexes import _CELL_DEGREES, _COARSE_CELL_DEGREES, _city_index
from .place import MAX_DISTANCE_KM

_EARTH_RADIUS_KM = 6371.0088
_KM_PER_DEGREE = math.pi * _EARTH_RADIUS_KM / 180.0

_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def _to_degrees(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("°", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # decimal comma: "52,37"
        if not _NUMBER_RE.match(text):
            return None
        number = float(text)
    return number if math.isfinite(number) else None


def parse_coordinates(lat: object, lng: object) -> tuple[float, float] | None:
    """``(lat, lng)`` as floats, or ``None`` for blanks, non-numbers, out-of-range
    values and the ``(0, 0)`` placeholder."""
    latitude = _to_degrees(lat)
    longitude = _to_degrees(lng)
    if latitude is None or longitude is None:
        return None
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    if latitude == 0.0 and longitude == 0.0:
        return None
    return latitude, longitude


def _haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _cells_within(
    lat: float, lng: float, radius: float, cell: float = _CELL_DEGREES
) -> list[tuple[int, int]]:
    """Cells of a grid of `cell` degrees that hold every point within `radius` km."""
    columns = round(360 / cell)
    half = columns // 2
    span_lat = radius / _KM_PER_DEGREE
    cos_edge = math.cos(math.radians(min(90.0, abs(lat) + span_lat)))
    span_lng = 180.0 if cos_edge < 1e-6 else min(180.0, span_lat / cos_edge)
    rows = range(math.floor((lat - span_lat) / cell), math.floor((lat + span_lat) / cell) + 1)
    reach = math.ceil(span_lng / cell) + 1
    col0 = math.floor(lng / cell)
    if 2 * reach + 1 >= columns:
        cols = range(-half, half)
    else:
        cols = range(col0 - reach, col0 + reach + 1)
    wrapped = [(col + half) % columns - half for col in cols]
    return [(row, col) for row in rows for col in wrapped]


def _closest_in(
    grid: dict[tuple[int, int], list[tuple[float, float, str]]],
    cells: list[tuple[int, int]],
    lat: float,
    lng: float,
) -> tuple[float, str] | None:
    """(distance in km, country) of the closest place in these cells."""
    cos0 = math.cos(math.radians(lat))
    best: tuple[float, float, float, str] | None = None  # (approximation, lat, lng, cc)
    for key in cells:
        for plat, plng, cc in grid.get(key, ()):
            dlng = (plng - lng + 180.0) % 360.0 - 180.0
            approx = (plat - lat) ** 2 + (dlng * cos0) ** 2
            if best is None or approx < best[0]:
                best = (approx, plat, plng, cc)
    if best is None:
        return None
    return _haversine_km(lat, lng, best[1], best[2]), best[3]


@lru_cache(maxsize=1 << 14)
def _nearest_country(lat: float, lng: float) -> str | None:
    """Country of the nearest indexed place, if that is within reach."""
    index = _city_index()
    home = (math.floor(lat / _CELL_DEGREES), math.floor(lng / _CELL_DEGREES))
    places = index.grid.get(home)
    if places:
        # The nearest place is no farther than any place in the point's own cell. If every
        # cell within that distance holds places of one country only, that is the answer
        # without measuring them all: the common case, inside a country.
        plat, plng, country = places[0]
        cells = _cells_within(lat, lng, _haversine_km(lat, lng, plat, plng))
        countries = {index.cell_country.get(key) for key in cells}
        countries.discard(None)
        if countries == {country}:
            return country
        closest = _closest_in(index.grid, cells, lat, lng)
        return closest[1] if closest else None
    cells = _cells_within(lat, lng, 30.0)
    closest = _closest_in(index.grid, cells, lat, lng)
    if closest is not None and closest[0] <= 30.0:
        return closest[1]
    radius = 75.0
    while True:
        cells = _cells_within(lat, lng, radius, _COARSE_CELL_DEGREES)
        closest = _closest_in(index.coarse_grid, cells, lat, lng)
        if closest is not None and closest[0] <= radius:
            return closest[1] if closest[0] <= MAX_DISTANCE_KM else None
        if radius >= MAX_DISTANCE_KM:
            return None
        radius = min(radius * 2, MAX_DISTANCE_KM)


def country_from_coordinates(lat: float, lng: float) -> str | None:
    """Country of the nearest populated place (geonames, 5,000+ people), or ``None`` if
    that place is farther than :data:`MAX_DISTANCE_KM` (the point is at sea)."""
    checked = parse_coordinates(lat, lng)
    if checked is None:
        return None
    return _nearest_country(round(checked[0], 5), round(checked[1], 5))
