"""What the UK registers' open data have in common: its columns, register numbers, codes and vocabularies.

Co-operatives UK's organisations file and the Solidarity Economy Association's worker
co-op file (ESSGlobal) carry the same Co-operatives UK columns: both sources read them
with these helpers (header keys, tidy text, Companies House and FCA numbers, SIC
divisions mapped to ICA activities, ownership classes, postcodes of the Crown
Dependencies, a website that is a social-network page).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from urllib.parse import urlsplit

from directory.text import clean_text

from ..records import normalise_url
from .base import refuse_cut_short, text_lines

# "Ownership Classification" (who the members are) -> the portal's member classes.
# Every value of the 2017 file and of the 2023 schema is listed; "None" means unknown.
OWNERSHIP_CLASSES = {
    "consumers": ["consumer"],
    "workers": ["worker"],
    "employee trust": ["worker"],  # employees own 75% or more through a trust
    "self-employed": ["producer"],  # freelancers' co-ops: independent producers who co-own
    "enterprises": ["business"],  # legal entities using the co-op for their business
    "co-operatives": ["business"],  # secondary co-ops: the members are co-ops themselves
    "multi-stakeholder": ["multi-stakeholder"],
    "community of interest": ["community"],
    "tenants": ["tenant"],
    "none": [],
}

# The ICA economic activities of the ESSGlobal vocabulary (essglobal-vocabs_from_cmc.json, "aci").
ICA_ACTIVITIES = {
    "ICA10": "Agriculture",
    "ICA20": "Dairy",
    "ICA30": "Forestry",
    "ICA40": "Irrigation",
    "ICA50": "Fishing",
    "ICA60": "Artisans",
    "ICA70": "Construction",
    "ICA80": "Industry",
    "ICA90": "Manufacturing",
    "ICA100": "Mining",
    "ICA110": "Professional",
    "ICA120": "Service",
    "ICA130": "Tourism",
    "ICA140": "Financial Services",
    "ICA150": "Insurance",
    "ICA160": "Education",
    "ICA170": "Health",
    "ICA180": "Community",
    "ICA190": "Social",
    "ICA200": "Social Service",
    "ICA210": "Housing",
    "ICA220": "Transport",
    "ICA230": "Utilities",
    "ICA240": "Retail",
    "ICA250": "Production",
    "ICA260": "Wholesale and retail trade",
    "ICA270": "Education / health / social work",
    "ICA280": "Other Services",
    "ICA290": "All (Services)",
}

# UK SIC 2007 division -> ICA activity (sic-division-to-ica-activity.csv, as SEA maps them).
SIC_DIVISION_TO_ICA = {
    **dict.fromkeys(["01"], "ICA10"),
    **dict.fromkeys(["02"], "ICA30"),
    **dict.fromkeys(["03"], "ICA50"),
    **dict.fromkeys(["05", "06", "07", "08", "09"], "ICA100"),
    **dict.fromkeys([f"{n:02d}" for n in range(10, 33)], "ICA90"),
    **dict.fromkeys(["33", "56", "77", "78", "81", "82", "95", "96"], "ICA120"),
    **dict.fromkeys(["35", "36", "37", "38", "39"], "ICA230"),
    **dict.fromkeys(["41", "42", "43"], "ICA70"),
    **dict.fromkeys(["45", "46", "47"], "ICA260"),
    **dict.fromkeys(["49", "50", "51", "52", "53"], "ICA220"),
    **dict.fromkeys(["55", "68"], "ICA210"),
    **dict.fromkeys(["58", "59", "60", "61", "62", "63", "80", "84"], "ICA280"),
    **dict.fromkeys(["90", "91", "92", "93", "94", "97", "98", "99"], "ICA280"),
    **dict.fromkeys(["64", "66"], "ICA140"),
    **dict.fromkeys(["65"], "ICA150"),
    **dict.fromkeys(["69", "70", "71", "72", "73", "74", "75"], "ICA110"),
    **dict.fromkeys(["79"], "ICA130"),
    **dict.fromkeys(["85", "86", "87", "88"], "ICA270"),
}
# Simplified sector values that say nothing about the activity.
UNINFORMATIVE_SECTORS = {"", "none", "other"}

CROWN_DEPENDENCY_POSTCODES = {"JE": "JE", "GY": "GG", "IM": "IM"}

# Register numbers: the FCA mutuals register ("525R", "4100CS", "758C", "2365RS"...) and
# Companies House ("01234567", "SC123456", "NI012345", "OC301234"...).
FCA_NUMBER = re.compile(r"^\d{1,6}(?:R|RS|C|CS|CBS|CUS)$")
COH_NUMBER = re.compile(r"^(?:\d{8}|(?:SC|NI|OC|SO|NC|LP|SL|NL|FC|NF|R0|GE)\d{6})$")
SIC_DIGITS = re.compile(r"^(\d{2})\d{0,3}$")
_UNTIDY = re.compile(r"[\x00-\x1f\u00a0]|  |^ | $")
SOCIAL_HOSTS = {
    "facebook.com": "Facebook",
    "twitter.com": "Twitter",
    "x.com": "Twitter",
    "instagram.com": "Instagram",
    "linkedin.com": "LinkedIn",
}


@lru_cache(maxsize=512)
def header_key(name: str) -> str:
    return " ".join(str(name or "").replace("\ufeff", "").split()).casefold()


def tidy(value) -> str:
    """clean_text, without its cost for the many values that are clean already."""
    if value is None:
        return ""
    value = str(value)
    return clean_text(value) if _UNTIDY.search(value) else value


def companies_house_number(value: str, country: str = "GB") -> tuple[str, str | None]:
    """(the number as Companies House writes it, or '', a warning or None).

    Spreadsheets drop the leading zeros of the all-digit numbers: "4518100" is 04518100.
    Companies of Jersey, Guernsey and Man are in their islands' own registries.
    """
    number = "".join(str(value or "").split()).upper()
    if not number:
        return "", None
    if country in CROWN_DEPENDENCY_POSTCODES.values():
        return "", f"company number {value!r} is from the {country} registry, not Companies House"
    if number.isdigit() and 5 <= len(number) < 8:
        number = number.zfill(8)
    if not COH_NUMBER.match(number):
        return "", f"Companies House number {value!r} is not one; not used to match"
    return number, None


def fca_number(value: str) -> str:
    number = "".join(str(value or "").split()).upper()
    return number if FCA_NUMBER.match(number) else ""


def sic_division(*codes: str) -> str:
    """The two-digit SIC division of the first code that has one ("UKSIC07-4711" -> "47")."""
    for code in codes:
        match = SIC_DIGITS.match(tidy(code).rsplit("-", 1)[-1].strip())
        if match:
            return match.group(1)
    return ""


def activity_from_sic(division: str, sector: str = "") -> list[str]:
    """The ICA activity of a SIC division, lower-case, else the simplified sector."""
    ica = SIC_DIVISION_TO_ICA.get(division)
    if ica:
        return [ICA_ACTIVITIES[ica].lower()]
    sector = tidy(sector).lower()
    return [] if sector in UNINFORMATIVE_SECTORS else [sector]


def member_classes(ownership: str) -> tuple[list[str], str | None]:
    """(member classes, a warning or None) for an Ownership Classification value."""
    key = tidy(ownership).lower()
    if not key:
        return [], None
    if key in OWNERSHIP_CLASSES:
        return list(OWNERSHIP_CLASSES[key]), None
    return [], f"unknown ownership classification {ownership!r}; no member classes"


def street_address(street: str, postcode: str = "") -> str:
    """A multi-line street and a postcode on one line: "Central House, Hermes Road, WS13 6RH"."""
    lines = [tidy(line).strip(" ,") for line in str(street or "").splitlines()]
    lines.append(tidy(postcode))
    return ", ".join(line for line in lines if line)


def country_of_postcode(postcode: str) -> str | None:
    """JE, GG or IM for a Crown Dependency postcode ("JE2 4TR"), else None."""
    match = re.match(r"^([A-Z]{2})\d", tidy(postcode).upper())
    return CROWN_DEPENDENCY_POSTCODES.get(match.group(1)) if match else None


def website_and_links(value: str) -> tuple[str, list[dict], str | None]:
    """(website, links, warning): a social-network page is a link, not the organisation's site.

    Many co-ops list their Facebook page as their website; as a website it would also
    make every such entry look like one organisation to domain matching.
    """
    text = tidy(value)
    if not text:
        return "", [], None
    url = normalise_url(text)
    if not url:
        return "", [], f"website {text!r} is not a web address"
    host = (urlsplit(url).hostname or "").lower()
    for domain, label in SOCIAL_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return "", [{"label": label, "url": url}], None
    return url, [], None


def read_csv(text: str):
    """({canonical header key: header as written}, rows) where rows yields (first line, {key: value}).

    Rows are read one at a time, so a file of any size costs little more than its text.
    """
    refuse_cut_short(text)
    reader = csv.reader(text_lines(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError("the file is empty") from None
    keys = [header_key(h) for h in header]

    def rows():
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            yield start, {k: v for k, v in zip(keys, cells, strict=False) if k}

    return {k: h.replace("\ufeff", "").strip() for k, h in zip(keys, header, strict=False) if k}, rows()
