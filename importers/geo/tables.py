"""Hand-written tables: provinces, states, nations, regions, country aliases, word lists."""

from __future__ import annotations

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
