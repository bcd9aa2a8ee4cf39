"""Free text: a location ("Oakland, CA") or a description ("co-ops in NYC") read for its place."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .coordinates import _haversine_km
from .indexes import _Admin, _City, _city_index, _gazetteer
from .normalise import _fold, _prepare, _Segment, _segments
from .place import MIN_BARE_CITY_POPULATION, MIN_RIVAL_RATIO, NOWHERE, Place
from .tables import (
    _AU_ADMIN1,
    _AU_CODES_IMPLYING_AU,
    _AU_STATES,
    _CA_ADMIN1,
    _FILLER_WORDS,
    _GLOBAL_WORDS,
    _STREET_NAMING_WORDS,
    _STREET_WORDS,
    _SUPRANATIONAL_WORDS,
    _TRAILING_ISO_CODES,
    _UK_NATIONS,
    CANADIAN_PROVINCES,
)


class _Hit(NamedTuple):
    admin: _Admin
    segment: int  # index of the segment
    start: int  # first word of the segment that the match consumed
    by_code: bool = False  # a two- or three-letter code ("CA", "NZ"), not a name


def _is_global(segments: list[_Segment]) -> bool:
    """Only words like "Global", "Online", "Totally virtual", "Europe"."""
    keys = {key for segment in segments for key in segment.keys}
    telling = _GLOBAL_WORDS | _SUPRANATIONAL_WORDS
    return bool(keys & telling) and keys <= (telling | _FILLER_WORDS)


def _cities_named(key: str, country: str | None = None) -> list[_City]:
    """Cities called `key` (in `country`), most populous first: by their main name, or
    failing that by another name."""
    index = _city_index()
    for table in (index.by_name, index.by_other_name):
        found = table.get(key)
        if found and country is not None:
            found = [c for c in found if c[1] == country]
        if found:
            return [_City._make(c) for c in found]
    return []


def _short_word_ok(words: tuple[str, ...], segment: _Segment) -> bool:
    """A 2-3 letter word names a place only in capitals ("US", "UK") or on its own ("fl")."""
    return (
        len(words) != 1
        or len(words[0]) > 3
        or words[0].isupper()
        or (segment.whole_part and len(segment.words) == 1)
    )


def _words_before(segments: list[_Segment], index: int, start: int) -> tuple[str, ...]:
    """The folded words just before word `start` of segment `index`."""
    if start > 0:
        return segments[index].keys[:start]
    for segment in reversed(segments[:index]):
        if segment.keys:
            return segment.keys
    return ()


def _towns_before(segments: list[_Segment], index: int, start: int) -> list[_City]:
    """The towns that the words just before word `start` of segment `index` may name."""
    keys = _words_before(segments, index, start)
    for size in range(min(len(keys), 4), 0, -1):
        found = _cities_named(" ".join(keys[-size:]))
        if found:
            return found
    return []


def _match_admin(segments: list[_Segment], index: int) -> _Hit | None:
    """A country, state, province, nation or region named at the end of a segment."""
    gaz = _gazetteer()
    segment = segments[index]
    words, keys = segment.words, segment.keys
    if not words:
        return None
    for size in range(min(len(keys), gaz.longest_name), 0, -1):
        admin = gaz.names.get(" ".join(keys[-size:]))
        if admin is None or not _short_word_ok(words[-size:], segment):
            continue
        start = len(words) - size
        if _STREET_NAMING_WORDS.intersection(keys[:start]):
            return None  # "Avenue de France", "Via Toscana": a street, not the place
        if admin.kind == "georgia":
            admin = _resolve_georgia(segments, index, start)
        return _Hit(admin, index, start)

    last = words[-1]
    start = len(words) - 1
    if not segment.ends_address_line:
        return None
    # Something names a place before the code: "Oakland, CA", "Denver CO", "CA 94612".
    after_place = start > 0 or index > 0 or (segment.before_zip and index == len(segments) - 1)
    if len(last) == 3 and last.isupper() and after_place and last in _AU_CODES_IMPLYING_AU:
        return _Hit(_Admin("AU", _AU_STATES[last][0], "au_state"), index, start, True)
    if len(last) == 3 and last.isupper() and len(words) == 1 and segment.whole_part:
        code = gaz.iso3.get(last)
        if code:  # "DEU", "GBR"
            return _Hit(_Admin(code, None, "country"), index, 0, True)
    if len(last) != 2 or not _short_word_ok((last,), segment):
        return None
    code = last.upper()
    if not after_place and segment.whole_part and code in gaz.iso2:
        return _Hit(_Admin(code, None, "country"), index, start, True)  # "CA" alone: Canada

    # What the code may mean, and how to tell whether a town is there.
    meanings: list[tuple[_Admin, str, str | None]] = []  # (meaning, country, admin1)
    if code in gaz.us_states:
        meanings.append((_Admin("US", gaz.us_states[code], "us_state"), "US", code))
    if code in CANADIAN_PROVINCES:
        name, _alternates, admin1 = CANADIAN_PROVINCES[code]
        meanings.append((_Admin("CA", name, "ca_province"), "CA", admin1))
    if code in _AU_STATES:  # WA, SA, NT
        name, admin1 = _AU_STATES[code]
        meanings.append((_Admin("AU", name, "au_state"), "AU", admin1))
    if code in gaz.iso2:
        meanings.append((_Admin(code, None, "country"), code, None))
    if after_place:
        # The town before the code decides: "Perth, WA" is Australian, "Amsterdam, NL" is
        # not in Newfoundland, "Toronto, CA" is not in California.
        towns = _towns_before(segments, index, start)
        for admin, country, admin1 in meanings:
            if any(t.country == country and admin1 in (None, t.admin1) for t in towns):
                return _Hit(admin, index, start, True)
    # Otherwise a US state, a Canadian province, or a country code in common use.
    for admin, _country, _admin1 in meanings:
        if admin.kind in ("us_state", "ca_province") or (
            admin.kind == "country" and code in _TRAILING_ISO_CODES
        ):
            return _Hit(admin, index, start, True)
    return None


def _resolve_georgia(segments: list[_Segment], index: int, start: int) -> _Admin:
    """ "Tbilisi, Georgia" is the country, "Atlanta, Georgia" the US state; alone, the
    country."""
    others = [s for i, s in enumerate(segments) if i != index and s.words]
    if start:
        others.append(segments[index].head(start))
    if not others:
        return _Admin("GE", None, "country")
    for segment in others:
        for size in range(len(segment.keys), 0, -1):
            if any(c.country == "GE" for c in _cities_named(" ".join(segment.keys[-size:]))):
                return _Admin("GE", None, "country")
    return _Admin("US", "Georgia", "us_state")


def _region_of(city: _City) -> str | None:
    if city.country == "US":
        return _gazetteer().us_states.get(city.admin1)
    if city.country == "CA":
        return _CA_ADMIN1.get(city.admin1)
    if city.country == "GB":
        return _UK_NATIONS.get(city.admin1)
    if city.country == "AU":
        return _AU_ADMIN1.get(city.admin1)
    return None


def _find_region(segments: list[_Segment], country: str) -> tuple[int, int, str] | None:
    """(segment, first word, name) of a region of `country` named in the text."""
    gaz = _gazetteer()
    for index in range(len(segments) - 1, -1, -1):
        segment = segments[index]
        words, keys = segment.words, segment.keys
        if not words:
            continue
        for size in range(min(len(keys), 4), 0, -1):
            key = " ".join(keys[-size:])
            admin = gaz.names.get(key)
            if admin is None or not _short_word_ok(words[-size:], segment):
                continue
            if admin.country == country and admin.region:
                return index, len(words) - size, admin.region
            if country == "US" and key == "georgia":
                return index, len(words) - size, "Georgia"
        if country == "AU" and keys[-1] == "victoria":  # a town too, so not in the table
            return index, len(words) - 1, "Victoria"
        last = words[-1]
        if len(last) > 3 or not segment.ends_address_line or not _short_word_ok((last,), segment):
            continue
        code = last.upper()
        if country == "US" and code in gaz.us_states:
            return index, len(words) - 1, gaz.us_states[code]
        if country == "CA" and code in CANADIAN_PROVINCES:
            return index, len(words) - 1, CANADIAN_PROVINCES[code][0]
        if country == "AU" and code in _AU_STATES:
            return index, len(words) - 1, _AU_STATES[code][0]
    return None


#: A town named in a text whose country comes from coordinates must be this close to them.
_NEARBY_KM = 50.0


#: A town named only at the end of a longer phrase ("... Finsbury Park London") must be
#: this big, unless it lies by the coordinates: "Argelès-sur-Mer" is not the town of Mer.
_MIN_SUFFIX_TOWN_POPULATION = 15_000


def _find_locality(
    segments: list[_Segment],
    country: str,
    region: str | None = None,
    near: tuple[float, float] | None = None,
    whole_only: bool = False,
) -> tuple[str | None, str | None]:
    """(locality, its region) for a town of `country` named in the text.

    First a part that is a town's name, or follows a postcode, left to right ("Alcalá de
    Henares, Madrid": the town, not the province; "08860 Castelldefels, Barcelona"); then
    a run of words between numbers, right to left ("Oxford OX4 1JE"); then the last words
    of a longer run ("2515 VK Den Haag").
    """
    gaz = _gazetteer()
    ignored = _GLOBAL_WORDS | _SUPRANATIONAL_WORDS | _FILLER_WORDS

    def towns(key: str) -> list[_City]:
        found = _cities_named(key, country)
        if near is not None:
            found = [
                c for c in found if _haversine_km(near[0], near[1], c.latitude, c.longitude) <= _NEARBY_KM
            ]
        if region:
            found = [c for c in found if _region_of(c) == region] or found
        return found

    usable = [s for s in segments if s.keys and not set(s.keys) <= ignored]
    passes = (
        [s for s in usable if s.whole_part or s.anchored],
        [s for s in reversed(usable) if not (s.whole_part or s.anchored)],
    )
    for candidates in passes:
        for segment in candidates:
            key = " ".join(segment.keys)
            found = towns(key)
            # A state's or country's name is a town's only for a big city: "New York", not
            # "Vermont" or "Luxembourg"... but "Luxembourg" and "Washington" are settled
            # elsewhere.
            if found and (key not in gaz.names or found[0].population >= MIN_BARE_CITY_POPULATION):
                return found[0].name, _region_of(found[0])
    if whole_only:
        return None, None
    for segment in reversed(usable):
        keys = segment.keys
        if " ".join(keys) in gaz.names:
            continue
        for size in range(min(len(keys) - 1, 5), 0, -1):
            found = towns(" ".join(keys[-size:]))
            if found and (near is not None or found[0].population >= _MIN_SUFFIX_TOWN_POPULATION):
                return found[0].name, _region_of(found[0])
    return None, None


def _fallback_locality(segments: list[_Segment], anchor: int) -> str | None:
    """The part just before the country or region, if it looks like a town's name."""
    for index in range(min(anchor, len(segments) - 1), -1, -1):
        segment = segments[index]
        if not segment.words:
            continue
        keys = set(segment.keys)
        if (
            segment.whole_part
            and len(segment.words) <= 3
            and not keys & _STREET_WORDS
            and not keys & (_GLOBAL_WORDS | _SUPRANATIONAL_WORDS)
            and " ".join(segment.keys) not in _gazetteer().names  # "Vermont, Wisconsin"
        ):
            return segment.raw.strip(" .'\"-")
        return None
    return None


def _names_another_country(segments: list[_Segment], hit: _Hit) -> bool:
    """Does the text also name, in full, a country other than the one `hit` found?"""
    rest = list(segments)
    rest[hit.segment] = segments[hit.segment].head(hit.start)
    for index in range(len(rest)):
        other = _match_admin(rest, index)
        if (
            other is not None
            and not other.by_code
            and other.admin.kind in ("country", "nation")
            and other.admin.country != hit.admin.country
        ):
            return True
    return False


def _place_from_segments(segments: list[_Segment]) -> tuple[Place, bool]:
    """(place, is_global) for a text cut into segments."""
    if not segments:
        return NOWHERE, False

    # 1. A country, US state, Canadian province or UK nation, read right to left.
    hit: _Hit | None = None
    for index in range(len(segments) - 1, -1, -1):
        hit = _match_admin(segments, index)
        if hit:
            break

    if hit is not None:
        country = hit.admin.country
        region = hit.admin.region
        if _names_another_country(segments, hit):
            # "UK / Germany", "USA/Canada", "France, UK, Québec": no single answer, and
            # coordinates geocoded from such a text are no better.
            return NOWHERE, True
        # Words before the match stay available: "Kyiv Ukraine", "Denver CO".
        rest = list(segments)
        rest[hit.segment] = segments[hit.segment].head(hit.start)
        # The town's name is expected before the country or region, in its own part.
        anchor = hit.segment - 1
        if region is None:
            found = _find_region(rest, country)
            if found:
                index, start, region = found
                rest[index] = rest[index].head(start)
                anchor = min(anchor, index - 1)
        locality, city_region = None, None
        if hit.start > 0:  # "Aix-en-Provence": the whole part is a town's name
            whole = _cities_named(" ".join(segments[hit.segment].keys), country)
            if whole:
                locality, city_region = whole[0].name, _region_of(whole[0])
        if locality is None:
            locality, city_region = _find_locality(rest, country, region)
        if locality is None and region == _gazetteer().us_states["DC"]:
            locality = "Washington"
        if locality is None and anchor >= 0:
            locality = _fallback_locality(rest, anchor)
        return Place(country, region or city_region, locality, "text"), False

    if _is_global(segments):  # "EU" is not the town of Eu, "Online" not a place at all
        return NOWHERE, True

    # 2. A well-known city: "Barcelona", "Guatemala City", "75013 PARIS", "Godsbanen, Aarhus".
    for segment in reversed(segments):
        if len(segment.words) > 1 and segment.words[-1].isupper() and len(segment.words[-1]) <= 3:
            segment = segment.head(len(segment.words) - 1)  # "Sao Paulo SP", "Canberra XY"
        keys = segment.keys
        for size in range(min(len(keys), 5), 0, -1):
            found = _cities_named(" ".join(keys[-size:]))
            if not found:
                continue
            city = found[0]
            rival = next((c for c in found if c.country != city.country), None)
            if rival is not None and rival.population * MIN_RIVAL_RATIO > city.population:
                continue  # "Valencia" (Venezuela 1.6M, Spain 0.8M), "Cambridge": ambiguous
            if city.population >= MIN_BARE_CITY_POPULATION:
                # The country is settled; a smaller town named before it is the locality.
                locality, region = _find_locality(segments, city.country)
                if locality is None:
                    locality, region = city.name, _region_of(city)
                return Place(city.country, region, locality, "text"), False
            # The only town of that name, named on its own ("Dendermonde", not "Floor").
            if rival is None and size == len(keys) and (segment.whole_part or segment.anchored):
                same_region = all(c.admin1 == city.admin1 for c in found)
                region = _region_of(city) if same_region else None
                return Place(city.country, region, city.name, "text"), False

    return NOWHERE, False


@lru_cache(maxsize=1 << 15)
def _parse_text(text: str) -> tuple[Place, bool]:
    return _place_from_segments(_segments(text))


def place_from_text(text: str) -> Place:
    """Read a free-text location: "Oakland, CA", "Paris, France", "Montréal, Québec",
    "1009 Grant Street, Denver CO, 80203", "UK", "Barcelona"...

    ``country`` is ``None`` when the text names no country, US state, Canadian province,
    UK nation or well-known city; for "Global", "Worldwide", "Online", "Internet",
    "International" and the like; and when it names several countries ("UK / Germany").
    ``how`` is "text" when a country was found.
    """
    text = str(text or "").strip()
    return _parse_text(text)[0] if text else NOWHERE


#: Short names of big cities that prose uses and the gazetteer does not hold.
CITY_SHORT_NAMES = {"nyc": "New York City"}
#: A run of capitalised words after a preposition of place: "in NYC", "of the US".
_PROSE_PLACE_RE = re.compile(
    r"\b(?:in|of|from|across|throughout|around)\s+(?:the\s+)?"
    r"((?:[A-Z][\w'’.-]*)(?:\s+(?:[A-Z][\w'’.-]*|of|and|de|del|la))*)"
)


_PROSE_JOINERS = frozenset({"of", "and", "de", "del", "la"})


def _place_named_by(candidate: str) -> Place | None:
    """``candidate`` as a whole names a country, a region or a well-known city, or None."""
    key = _fold(candidate)
    if not key:
        return None
    admin = _gazetteer().names.get(key)
    if admin is not None:
        if admin.kind == "georgia":  # the country or the US state: prose does not say
            return None
        return Place(admin.country, admin.region, None, "text")
    name = CITY_SHORT_NAMES.get(key, candidate)
    place = place_from_text(name)
    # The text parser also finds a town inside longer phrases ("Amazon Mechanical
    # Turk" holds a village in Uzbekistan); prose counts only if the words are the town.
    if place.country and place.locality and _fold(place.locality) == _fold(name):
        return place
    return None


def place_from_prose(text: str) -> Place:
    """The place a description names, where it says so plainly: "worker co-ops in NYC",
    "a directory of food co-ops in the US", "based in Helsinki, Finland".

    Weak evidence, for listings whose location fields are empty: only a capitalised
    name right after *in*, *of*, *from*, *across*, *throughout* or *around* counts; it
    must be a country, region, US state or well-known city as a whole (never a word
    inside a longer name, except an abbreviation such as "NYC"), and every place the
    text names must lie in one country.
    ``how`` is "description".
    """
    text = _prepare(str(text or ""))
    found: list[Place] = []
    for match in _PROSE_PLACE_RE.finditer(text):
        words = match.group(1).split()
        while words and words[-1] in _PROSE_JOINERS:  # "in Spain and in Portugal"
            words.pop()
        # The longest leading run of words that is a place: "NYC Worker Cooperatives" -> "NYC".
        for count in range(len(words), 0, -1):
            candidate = " ".join(words[:count]).rstrip(".,;:'’")
            if words[count - 1] in _PROSE_JOINERS:
                continue
            if count < len(words) and not candidate.isupper():
                # Part of a longer name counts only as an abbreviation ("NYC Worker
                # Cooperatives"); "Jordan Smith" or "Paris Saint-Germain" is no place.
                continue
            place = _place_named_by(candidate)
            if place is not None:
                found.append(place)
                break
    countries = {place.country for place in found}
    if len(countries) != 1:
        return NOWHERE
    best = max(found, key=lambda place: (place.locality is not None, place.region is not None))
    return Place(best.country, best.region, best.locality, "description")
