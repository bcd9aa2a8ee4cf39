"""The Solidarity Economy Association's "standard.csv" files (ESSGlobal vocabularies).

SSE-Standard.md describes the format. Codes of the ESSGlobal vocabularies are given
as URIs (".../organisational-structure/OS130") or bare codes, and are turned into
labels from essglobal-vocabs_from_cmc.json. The worker co-op file carries extra
columns from Co-operatives UK (Legal Form, Ownership Classification, SIC Code...), and
its Identifier is the Co-operatives UK organisation id, so its rows and the coops-uk
source's describe the same organisations.

Phone numbers are never imported; an e-mail address goes only into the private
contact field, and neither is kept in the raw record.
"""

from __future__ import annotations

import csv
import re

from directory.text import summarise, text_to_html

from .. import geo
from ..records import Record, RecordError, normalise_url, split_list
from .base import ListingSource
from .uk_register import (
    ICA_ACTIVITIES,
    activity_from_sic,
    companies_house_number,
    country_of_postcode,
    header_key,
    member_classes,
    read_csv,
    sic_division,
    street_address,
    tidy,
    website_and_links,
)

# Organisational structures ("os") of the ESSGlobal vocabulary.
ORGANISATIONAL_STRUCTURES = {
    "OS10": "Community group (formal or informal)",
    "OS20": "Not-for-profit organisation",
    "OS30": "Social enterprise",
    "OS40": "Charity",
    "OS50": "Company (Other)",
    "OS60": "Workers cooperative",
    "OS70": "Housing cooperative",
    "OS80": "Consumer/User coops",
    "OS90": "Producer cooperative",
    "OS100": "Multi-stakeholder cooperative",
    "OS110": "Secondary cooperative",
    "OS115": "Cooperative",
    "OS120": "Community Interest Company (CIC)",
    "OS130": "Community Benefit Society / Industrial and Provident Society (IPS)",
    "OS140": "Employee trust",
    "OS150": "Self-employed",
    "OS160": "Unincorporated",
    "OS170": "Mutual",
    "OS180": "National apex",
    "OS190": "National sectoral federation or union",
    "OS200": "Regional, state or provincial level federation or union",
    "OS210": "Cooperative group",
    "OS220": "Government agency/body",
    "OS230": "Supranational",
    "OS240": "Cooperative of cooperatives / mutuals",
}
# Base membership types ("bmt"), with the portal's member classes for each.
MEMBERSHIP_TYPES = {
    "BMT10": "Consumer/Users",
    "BMT20": "Producers",
    "BMT30": "Workers",
    "BMT40": "Multi-stakeholders",
    "BMT50": "Residents",
    "BMT60": "Others",
}
MEMBERSHIP_CLASSES = {
    "BMT10": ["consumer"],
    "BMT20": ["producer"],
    "BMT30": ["worker"],
    "BMT40": ["multi-stakeholder"],
    "BMT50": ["tenant"],
    "BMT60": [],  # "Others": says nothing about who the members are
}
CODE = re.compile(r"^(OS|ICA|BMT|AM)\d+$")
CUK_ID = re.compile(r"^R\d+$")
ISO_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
HANDLE = re.compile(r"^@?([A-Za-z0-9_.-]{1,100})$")


def vocabulary_code(value: str) -> str:
    """The code of a vocabulary term given as a URI or a bare code; '' if there is none."""
    last = tidy(value).rstrip("/").rsplit("/", 1)[-1].split("#")[-1].upper()
    return last if CODE.match(last) else ""


def label_of(value: str, vocabulary: dict[str, str]) -> tuple[str, str | None]:
    """(label, warning): a code or URI through the vocabulary; a label as it is written."""
    text = tidy(value).rstrip(".")
    if not text:
        return "", None
    code = vocabulary_code(text)
    if code:
        if code in vocabulary:
            return vocabulary[code], None
        return "", f"unknown vocabulary term {text!r}"
    if text.startswith(("http://", "https://")):
        return "", f"unknown vocabulary term {text!r}"
    return text, None


def social_link(value: str, label: str, site: str) -> tuple[dict | None, str | None]:
    """A Twitter or Facebook handle ("coopsuk", "@coopsuk") or address as a link."""
    text = tidy(value)
    if not text:
        return None, None
    if "/" in text or site in text.lower():
        url = normalise_url(text)
        if url:
            return {"label": label, "url": url}, None
    else:
        match = HANDLE.match(text)
        if match:
            return {"label": label, "url": f"https://{site}/{match.group(1)}"}, None
    return None, f"{label} {text!r} is neither a handle nor a web address"


class EssGlobalSource(ListingSource):
    slug = "essglobal"
    name = "Solidarity Economy Association (ESSGlobal)"
    homepage = "https://github.com/DigitalCommons/open-data"
    licence = "not stated"
    attribution = "Solidarity Economy Association / Digital Commons Co-operative open data"
    trusted = True  # its rows come from public registers (via Co-operatives UK)
    # Where the Workers.coop map reads the published file (its map-app configuration).
    url = "https://data.solidarityeconomy.coop/workers-coop/standard.csv"
    snapshot = "sea-essglobal/workers-coop_standard.Q2-2022.csv"

    def parse(self, data: bytes, location: str = ""):
        try:
            headers, rows = read_csv(self.text(data))
        except (ValueError, csv.Error) as error:
            yield RecordError(record="file", reason=f"unreadable: {error}")
            return
        if header_key("Identifier") not in headers or header_key("Name") not in headers:
            yield RecordError(
                record="file",
                reason="no 'Identifier' and 'Name' columns: is it an ESSGlobal standard.csv file?",
            )
            return
        for line, row in rows:
            try:
                yield self.normalise(line, row, headers)
            except (ValueError, TypeError) as error:
                name = tidy(row.get(header_key("Name")))
                where = f"line {line} ({name})" if name else f"line {line}"
                yield RecordError(record=where, reason=str(error))

    def normalise(self, line: int, row: dict, headers: dict) -> Record:
        def get(name: str) -> str:
            return row.get(header_key(name)) or ""

        identifier = tidy(get("Identifier"))
        if not identifier:
            raise ValueError("no identifier")
        name = tidy(get("Name"))
        if not name:
            raise ValueError("no name")
        warnings: list[str] = []
        description = get("Description").strip()
        fields: dict = {
            "name": name,
            "summary": summarise(description, 300) if description else "",
            "description": text_to_html(description),
            "organisation_type": "cooperative",
            "category": "co-operative",
        }

        postcode = tidy(get("Postcode")).upper()
        country = vocabulary_country(get("Country ID"))
        if not country and tidy(get("Country Name")):
            country = geo.place_from_text(tidy(get("Country Name"))).country or ""
        if country == "GB":
            # Jersey, Guernsey and Man are listed as GB; their postcodes say otherwise.
            country = country_of_postcode(postcode) or country

        identifiers = {}
        if CUK_ID.match(identifier.upper()):
            identifiers["cuk"] = identifier.upper()
        coh, problem = companies_house_number(get("Companies House Number"), country)
        if coh:
            identifiers["gb-coh"] = coh
        if problem:
            warnings.append(problem)

        # Legal form: the registrar's own words when the file has them (as Co-operatives UK
        # writes them), else the ESSGlobal organisational structure.
        structure, problem = label_of(get("Organisational Structure"), ORGANISATIONAL_STRUCTURES)
        if problem:
            warnings.append(problem)
        fields["legal_form"] = tidy(get("Legal Form")) or structure

        activities = []
        for value in [get("Primary Activity"), *split_list(get("Activities"), ";")]:
            label, problem = label_of(value, ICA_ACTIVITIES)
            if problem:
                warnings.append(problem)
            if label and label.lower() not in activities:
                activities.append(label.lower())
        if not activities:
            activities = activity_from_sic(sic_division(get("SIC Code")), get("Sector"))
        fields["activities"] = activities

        # Member classes: the Co-operatives UK ownership classification when given (finer,
        # and the same words as the coops-uk source), else the membership type.
        classes, problem = member_classes(get("Ownership Classification"))
        if problem:
            warnings.append(problem)
        if not classes:
            code = vocabulary_code(get("Membership Type"))
            if code in MEMBERSHIP_CLASSES:
                classes = list(MEMBERSHIP_CLASSES[code])
            elif tidy(get("Membership Type")):
                warnings.append(f"unknown membership type {tidy(get('Membership Type'))!r}")
        fields["member_classes"] = classes

        # Place.
        fields["address"] = street_address(get("Street Address"), postcode)
        fields["locality"] = tidy(get("Locality"))
        fields["region"] = tidy(get("Region"))
        fields["country"] = country
        coordinates = geo.parse_coordinates(tidy(get("Latitude")), tidy(get("Longitude")))
        if coordinates is None:
            # The centre of the postcode, where the file has only that.
            coordinates = geo.parse_coordinates(
                tidy(get("Geo Container Latitude")), tidy(get("Geo Container Longitude"))
            )
        if coordinates:
            fields["latitude"], fields["longitude"] = round(coordinates[0], 6), round(coordinates[1], 6)

        # Web.
        website, links, problem = website_and_links(get("Website"))
        if problem:
            warnings.append(problem)
        for column, site in (("Twitter", "twitter.com"), ("Facebook", "facebook.com")):
            link, problem = social_link(get(column), column, site)
            if problem:
                warnings.append(problem)
            if link and link["url"] not in {existing["url"] for existing in links}:
                links.append(link)
        fields["website"], fields["links"] = website, links

        email = tidy(get("Email")).lower()
        if email:
            fields["contact_email"] = email  # private; the loader checks it is an address

        private = {header_key("Phone"), header_key("Email")}
        raw = {headers.get(k, k): v for k, v in row.items() if v and v.strip() and k not in private}
        return Record(
            source=self.slug,
            external_id=identifier,
            fields=fields,
            raw=raw,
            line=line,
            identifiers=identifiers,
            record_url=self.homepage,
            warnings=warnings,
        )


def vocabulary_country(value: str) -> str:
    """An ISO country code given bare ("GB") or as a vocabulary URI (".../countries-iso/GB")."""
    code = tidy(value).rstrip("/").rsplit("/", 1)[-1]
    return code.upper() if ISO_COUNTRY.match(code) else ""
