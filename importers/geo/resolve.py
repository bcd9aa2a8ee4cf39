"""The best evidence first: the text, then the coordinates, then the website."""

from __future__ import annotations

from .coordinates import country_from_coordinates, parse_coordinates
from .normalise import _segments
from .place import NOWHERE, Place
from .text import _find_locality, _find_region, _parse_text
from .websites import country_from_website


def resolve_place(
    location: str = "", latitude: object = None, longitude: object = None, website: str = ""
) -> Place:
    """Best evidence first: the text, then the coordinates, then the website's ccTLD.

    When the country comes from coordinates or the website, region and locality are still
    read from the text if it names them (a town must then lie within 50 km of the
    coordinates).  Text that only says the listing is global, online or virtual, names a
    continent, or names several countries also rules out its coordinates: those were
    geocoded from that very text and point at a centroid or at random.  The website's
    country is still used.
    """
    location = str(location or "").strip()
    text_place, is_global = _parse_text(location) if location else (NOWHERE, False)
    if text_place.country:
        return text_place

    coordinates = None if is_global else parse_coordinates(latitude, longitude)
    country = country_from_coordinates(*coordinates) if coordinates else None
    how = "coordinates"
    if country is None:
        coordinates = None
        country = country_from_website(website or "")
        how = "domain"
    if country is None:
        return NOWHERE
    if is_global or not location:
        return Place(country, None, None, how)

    segments = _segments(location)
    region = None
    found = _find_region(segments, country)
    if found:
        index, start, region = found
        segments[index] = segments[index].head(start)
    locality, city_region = _find_locality(
        segments, country, region, near=coordinates, whole_only=coordinates is None
    )
    return Place(country, region or city_region, locality, how)
