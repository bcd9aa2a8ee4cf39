"""Co-operatives UK open data: every UK co-operative the registrars know of.

Two layouts are read, told apart by their headers: the 26-column 2017 release (the
snapshot) and the 45-column one described by schema-20230616.yml, which adds a
website, a description and statistical geographies. The live address is the open-data
page of uk.coop: the newest organisations CSV linked from it is fetched and read.

The file holds organisations only (registered offices, not people), so every column
is kept in the raw record.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from directory.text import summarise, text_to_html

from ..records import Record, RecordError
from .base import ListingSource, SourceUnavailable
from .uk_register import (  # noqa: F401  (ICA_ACTIVITIES, OWNERSHIP_CLASSES, SIC_DIVISION_TO_ICA: re-exported)
    ICA_ACTIVITIES,
    OWNERSHIP_CLASSES,
    SIC_DIVISION_TO_ICA,
    activity_from_sic,
    companies_house_number,
    country_of_postcode,
    fca_number,
    header_key,
    member_classes,
    read_csv,
    sic_division,
    street_address,
    tidy,
    website_and_links,
)

# The headers of each layout (matched ignoring case and runs of spaces).
HEADERS_2017 = (
    "CUK Organisation ID",
    "Registered Number",
    "Registrar",
    "Registered Name",
    "Trading Name",
    "Legal Form",
    "Registered Street",
    "Registered City",
    "Registered State/Province",
    "Registered Postcode",
    "UK Nation",
    "SIC Code",
    "SIC section",
    "SIC code - level 2",
    "SIC code - level 2 description",
    "SIC code - level 3",
    "SIC code - level 3 description",
    "SIC code - level 4",
    "SIC code - level 4 description",
    "SIC code - level 5",
    "SIC code - level 5 description",
    "Sector - Simplified, High Level",
    "Ownership Classification",
    "Registered Status",
    "Incorporation Date",
    "Dissolved Date",
)
# Columns only the 45-column layout (schema-20230616.yml) has; its other columns are
# statistical geographies (wards, LSOAs, parishes...) kept only in the raw record.
HEADERS_2023_ONLY = (
    "Website",
    "Registered Admin County Code",
    "Registered Admin County Name",
    "Registered Admin District Code",
    "Registered Admin District Name",
    "Registered Admin Ward Code",
    "Registered Admin Ward Name",
    "Registered Constituency Code",
    "Registered Constituency Name",
    "Registered LSOA Name",
    "Registered MSOA Name",
    "Registered Parish Code",
    "Registered Parish Name",
    "FCA Reporting Classification",
    "Description",
    "Registered Combined Athority",
    "Registered LSOA Code",
    "Registered MSOA Code",
    "Registered Region",
)
REQUIRED = ("CUK Organisation ID", "Registered Name", "Trading Name")

STATUS = {"live": "active", "dead": "completed"}

# UK Nation -> ISO 3166-1 country: the Crown Dependencies are not part of the UK.
NATION_COUNTRIES = {
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "jersey": "JE",
    "guernsey": "GG",
    "isle of man": "IM",
}

DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
DATED_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:[-_./ ]?(0[1-9]|1[0-2]))?(?!\d)")


def looks_like_html(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:1000].lower()
    return head.startswith("<") and any(tag in head for tag in ("<html", "<!doctype html", "<head", "<body"))


class CoopsUkSource(ListingSource):
    slug = "coops-uk"
    name = "Co-operatives UK open data"
    homepage = "https://www.uk.coop/resources/open-data"
    licence = "ODC-By 1.0"
    attribution = "Contains data from Co-operatives UK"
    trusted = True
    url = "https://www.uk.coop/resources/open-data"
    snapshot = "coops-uk/open_data_organisations_2017-06.csv"
    layout = ""  # "2017" or "2023" once a file is parsed: which release its headers are

    # --------------------------------------------------------------- reading
    def csv_link(self, html: str, page_url: str) -> str:
        """The newest organisations CSV linked from the open-data page, as an absolute address."""
        soup = BeautifulSoup(html, "lxml")
        # A page saved to disk resolves its relative links against the live page.
        base_url = page_url if page_url.startswith(("http://", "https://")) else self.url
        base = soup.find("base", href=True)
        if base:
            base_url = urljoin(base_url, base["href"])
        candidates = []
        for position, link in enumerate(soup.find_all("a", href=True)):
            href = link["href"].strip()
            path = unquote(urlsplit(href).path)
            if not path.lower().endswith(".csv"):
                continue
            said = f"{path} {link.get_text(' ', strip=True)}".lower()
            if not re.search(r"organi[sz]ation", said):
                continue
            dates = [(int(year), int(month or 0)) for year, month in DATED_NAME.findall(path)]
            # Newest first: by the date in the address, then by place on the page.
            candidates.append((max(dates, default=(0, 0)), -position, urljoin(base_url, href)))
        if not candidates:
            raise SourceUnavailable(f"{page_url}: no organisations CSV is linked from this page")
        return max(candidates)[2]

    def listing_text(self, data: bytes, location: str) -> str:
        text = self.text(data)
        if not looks_like_html(text):
            return text
        address = self.csv_link(text, location)
        text = self.text(self.fetch(address).content)
        if looks_like_html(text):
            raise SourceUnavailable(f"{address}: a web page, not the organisations CSV")
        return text

    def parse(self, data: bytes, location: str = ""):
        text = self.listing_text(data, location)
        del data  # the text is all we need from here on
        try:
            headers, rows = read_csv(text)
        except (ValueError, csv.Error) as error:
            yield RecordError(record="file", reason=f"unreadable: {error}")
            return
        missing = [h for h in REQUIRED if header_key(h) not in headers]
        if missing:
            yield RecordError(
                record="file",
                reason=f"no {', '.join(repr(h) for h in missing)} column: is it the Co-operatives UK export?",
            )
            return
        self.layout = "2023" if all(header_key(h) in headers for h in HEADERS_2023_ONLY) else "2017"
        # A register number that two rows share identifies neither of them: a first pass
        # counts them, a second reads the rows.
        numbers = Counter(
            (tidy(row.get("registrar")), tidy(row.get("registered number")).upper())
            for _line, row in rows
            if tidy(row.get("registered number"))
        )
        shared = {key for key, count in numbers.items() if count > 1}
        del numbers
        _headers, rows = read_csv(text)
        for line, row in rows:
            try:
                yield self.normalise(line, row, headers, shared)
            except (ValueError, TypeError) as error:
                name = tidy(row.get("trading name") or row.get("registered name"))
                where = f"line {line} ({name})" if name else f"line {line}"
                yield RecordError(record=where, reason=str(error))

    # ------------------------------------------------------------ normalising
    def normalise(self, line: int, row: dict, headers: dict, shared_numbers: set) -> Record:
        def get(name: str) -> str:
            return row.get(header_key(name)) or ""

        org_id = tidy(get("CUK Organisation ID")).upper()
        if not org_id:
            raise ValueError("no CUK Organisation ID")
        trading, registered = tidy(get("Trading Name")), tidy(get("Registered Name"))
        name = trading or registered
        if not name:
            raise ValueError("no name")
        warnings: list[str] = []
        fields: dict = {
            "name": name,
            "other_names": [registered] if registered and registered.casefold() != name.casefold() else [],
            "organisation_type": "cooperative",
            "category": "co-operative",
            "legal_form": tidy(get("Legal Form")),
        }

        postcode = tidy(get("Registered Postcode")).upper()
        nation = tidy(get("UK Nation"))
        country = NATION_COUNTRIES.get(nation.lower()) or country_of_postcode(postcode) or "GB"
        if nation and nation.lower() not in NATION_COUNTRIES:
            warnings.append(f"unknown UK nation {nation!r}")

        # Ids: the CUK id, and the register's number when we know which register it is.
        identifiers = {"cuk": org_id}
        registrar = tidy(get("Registrar"))
        number = tidy(get("Registered Number"))
        if number and (registrar, number.upper()) in shared_numbers:
            warnings.append(f"registered number {number} is listed for more than one organisation")
        elif number:
            if registrar == "FCA":
                # The register's own numbering, whatever its form (friendly societies: "91F").
                identifiers["gb-fca"] = "".join(number.split()).upper()
            elif registrar == "Legal Form is not defined" and fca_number(number):
                identifiers["gb-fca"] = fca_number(number)
            elif registrar == "Companies House" or (
                registrar == "Legal Form is not defined" and companies_house_number(number)[0]
            ):
                coh, problem = companies_house_number(number, country)
                if coh:
                    identifiers["gb-coh"] = coh
                if problem:
                    warnings.append(problem)

        status = tidy(get("Registered Status"))
        if status:
            if status.lower() in STATUS:
                fields["status"] = STATUS[status.lower()]
            else:
                warnings.append(f"unknown registered status {status!r}; left as it was")

        incorporated = tidy(get("Incorporation Date"))
        if incorporated:
            year = self.year_of(incorporated)
            if year is None:
                warnings.append(f"incorporation date {incorporated!r} is not a date (d/m/yyyy)")
            else:
                fields["founded_year"] = year
        dissolved = tidy(get("Dissolved Date"))
        if dissolved and self.year_of(dissolved) is None:
            warnings.append(f"dissolved date {dissolved!r} is not a date (d/m/yyyy)")

        classes, problem = member_classes(get("Ownership Classification"))
        fields["member_classes"] = classes
        if problem:
            warnings.append(problem)
        division = sic_division(get("SIC code - level 2"), get("SIC Code"))
        fields["activities"] = activity_from_sic(division, get("Sector - Simplified, High Level"))

        # Place: the registered office.
        fields["address"] = street_address(get("Registered Street"), postcode)
        fields["locality"] = tidy(get("Registered City"))
        fields["country"] = country
        region = tidy(get("Registered State/Province"))
        if not region and country == "GB" and nation.lower() in NATION_COUNTRIES:
            region = nation  # England, Scotland, Wales, Northern Ireland
        fields["region"] = region

        # Only in the 45-column layout.
        website, links, problem = website_and_links(get("Website"))
        fields["website"], fields["links"] = website, links
        if problem:
            warnings.append(problem)
        description = str(get("Description")).strip()
        if description:
            fields["summary"] = summarise(description, 300)
            fields["description"] = text_to_html(description)

        raw = {headers.get(k, k): v for k, v in row.items() if v and v.strip()}
        return Record(
            source=self.slug,
            external_id=org_id,
            fields=fields,
            raw=raw,
            line=line,
            identifiers=identifiers,
            record_url=self.homepage,
            warnings=warnings,
        )

    @staticmethod
    def year_of(text: str) -> int | None:
        """The year of a d/m/yyyy date, or None if it is not a real date."""
        match = DATE.match(text)
        if not match:
            return None
        day, month, year = (int(part) for part in match.groups())
        try:
            date(year, month, day)
        except ValueError:
            return None
        return year
