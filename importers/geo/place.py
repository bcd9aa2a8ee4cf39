"""The answer: a place (country, region, locality and how it was found), and the thresholds of trust."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    country: str | None  # ISO 3166-1 alpha-2, upper case
    region: str | None  # e.g. "California", "Quebec", "England" when known
    locality: str | None  # city/town when known
    how: str | None  # how the country was found: "text", "coordinates", "domain"


NOWHERE = Place(None, None, None, None)

#: Nearest populated place farther than this: the point is at sea, no country.
MAX_DISTANCE_KM = 300.0
#: A bare city name resolves only to a city this big (or to the only city of that name).
MIN_BARE_CITY_POPULATION = 100_000
#: ...and only if it is this many times bigger than any namesake in another country.
MIN_RIVAL_RATIO = 2.0
