"""The Internet of Ownership directory (ioo.coop/directory), closed in 2021.

Its Google Sheet was published as CSV; a JSON copy of the same rows (one object
per row, keyed by the sheet's column names) is kept in a public repository and is
the live default. Both are read.
"""

from __future__ import annotations

import csv
import io
import json
import re

from directory.text import clean_text, summarise, text_to_html

from .. import geo
from ..records import Record, RecordError, normalise_url, split_list
from .base import ListingSource, SourceUnavailable, refuse_cut_short

STATUS = {
    "open": "active",
    "in development": "in_planning",
    "concept": "in_planning",
    "dormant": "on_hold",
    "closed": "completed",
}
TYPES = {
    "cooperative": "cooperative",
    "organization": "organisation",
    "company": "company",
    "resource": "resource",
    "individual": "individual",
}
CATEGORIES = {
    "platform co-op": "platform-co-op",
    "co-op-run platform": "co-op-run-platform",
    "shared platform": "shared-platform",
    "supporter": "supporter",
}
MEMBER_CLASSES = {
    "workers": "worker",
    "users": "user",
    "producers": "producer",
    "consumers": "consumer",
    "businesses": "business",
    "investors": "investor",
    "contributors": "contributor",
    "multistakeholder": "multi-stakeholder",
    "multi-stakeholder": "multi-stakeholder",
    "purchaser": "consumer",
    "purchasers": "consumer",
    "members": "user",
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
BASE64_PNG = "iVBORw0KGgo"
BASE64_JPEG = "/9j/"
GLOBAL = re.compile(r"\b(virtual|global|worldwide|online|international|internet)\b", re.I)
QUOTES = "\"“”«»'‘’"


class IooSource(ListingSource):
    slug = "ioo"
    name = "Internet of Ownership"
    homepage = "https://ioo.coop/directory/"
    licence = "No licence stated (the directory's own data)"
    attribution = "Internet of Ownership directory"
    trusted = True
    url = (
        "https://raw.githubusercontent.com/pickleomar/OrganizationsDirectory/"
        "742632ab24bfd9136513768a6dc013277b594197/converted_data.json"
    )
    snapshot = "ioo/ioo-directory.csv"

    def rows(self, data: bytes):
        text = self.text(data)
        if text.lstrip().startswith("["):
            for index, row in enumerate(json.loads(text), start=1):
                if isinstance(row, dict):
                    yield index, {str(k): "" if v is None else str(v) for k, v in row.items()}
            return
        refuse_cut_short(text)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames or "Name" not in reader.fieldnames:
            raise ValueError("the file has no 'Name' column: is it the IoO directory export?")
        for row in reader:
            # The line a person sees in a spreadsheet (the header is line 1).
            yield reader.line_num, {k: v or "" for k, v in row.items() if k is not None}

    def parse(self, data: bytes, location: str = ""):
        try:
            rows = list(self.rows(data))
        except (ValueError, csv.Error) as error:
            raise SourceUnavailable(f"unreadable: {error}") from error
        for line, row in rows:
            name = clean_text(row.get("Name"))
            if name == "Name":  # a repeated header row
                continue
            try:
                yield self.normalise(line, row)
            except (ValueError, TypeError) as error:
                yield RecordError(record=f"line {line} ({name})", reason=str(error))

    def normalise(self, line: int, row: dict) -> Record:
        name = clean_text(row.get("Name"))
        if not name:
            raise ValueError("no name")
        warnings: list[str] = []
        description = (row.get("Description") or "").strip()
        summary = summarise(description.strip(QUOTES + " "), 300)
        fields = {
            "name": name,
            "summary": summary,
            "description": text_to_html(description),
        }

        category = clean_text(row.get("Category")).lower()
        if category:
            fields["category"] = CATEGORIES.get(category, category)
        kind = clean_text(row.get("Type")).lower()
        if kind:
            fields["organisation_type"] = TYPES.get(kind, kind)
        fields["activities"] = [a.lower() for a in split_list(row.get("Activities", ""))]
        fields["member_classes"] = [
            MEMBER_CLASSES.get(c.lower(), c.lower()) for c in split_list(row.get("Classes", ""))
        ]
        looking_for = clean_text(row.get("What are you looking for?")).lower()
        if looking_for == "ecosystem":
            fields["tags"] = ["ecosystem"]

        status = clean_text(row.get("Status")).lower()
        if status:
            if status not in STATUS:
                warnings.append(f"unknown status {status!r}; left as active")
            else:
                fields["status"] = STATUS[status]

        website_text = clean_text(row.get("Website"))
        website = normalise_url(website_text)
        if website_text and not website:
            warnings.append(f"website {website_text!r} is not a web address")
        fields["website"] = website

        links = []
        extra = clean_text(row.get("?"))
        if normalise_url(extra):
            links.append({"label": "Website", "url": normalise_url(extra)})
        repo = clean_text(row.get("Open  Repo") or row.get("Open Repo"))
        if repo:
            if EMAIL.match(repo):
                fields["contact_email"] = repo.lower()
            elif normalise_url(repo):
                url = normalise_url(repo)
                if any(
                    host in url
                    for host in (
                        "github.com",
                        "gitlab",
                        "bitbucket.org",
                        "framagit",
                        "codeberg.org",
                        "sourceforge.net",
                        "git.",
                    )
                ):
                    fields["source_code_url"] = url
                else:
                    links.append({"label": "Developers", "url": url})
            else:
                warnings.append(f"open repository {repo!r} is not a web address")
        fields["links"] = links
        email = clean_text(row.get("Email"))
        if email and EMAIL.match(email):
            fields["contact_email"] = email.lower()

        logo = (row.get("Logo") or "").strip()
        if logo.startswith("data:"):
            header, _, payload = logo.partition(",")
            mime = header[5:].split(";")[0].lower()
            if ";base64" in header and payload:
                fields["logo_data"] = (mime, payload)
            else:
                warnings.append("embedded logo is not base64-encoded")
        elif logo.startswith((BASE64_PNG, BASE64_JPEG)):
            # Some cells hold the image bytes without their "data:" prefix.
            mime = "image/png" if logo.startswith(BASE64_PNG) else "image/jpeg"
            fields["logo_data"] = (mime, logo)
        elif logo:
            url = normalise_url(logo)
            if url:
                fields["logo_url"] = url
            else:
                warnings.append(f"logo {logo[:60]!r} is not a web address")

        location = clean_text(row.get("Location"))
        lat_text, lng_text = clean_text(row.get("Latitude")), clean_text(row.get("Longitude"))
        coordinates = geo.parse_coordinates(lat_text, lng_text)
        if (lat_text or lng_text) and coordinates is None:
            warnings.append(f"coordinates {lat_text!r}, {lng_text!r} are not a place; ignored")
        place = geo.resolve_place(
            location,
            coordinates[0] if coordinates else None,
            coordinates[1] if coordinates else None,
            website,
        )
        if not place.country and not GLOBAL.search(location):
            # No place in the location columns: the description may still say one plainly
            # ("Network of NYC Worker Cooperatives").
            place = geo.place_from_prose(description)
        if coordinates:
            fields["latitude"], fields["longitude"] = (
                round(coordinates[0], 6),
                round(coordinates[1], 6),
            )
        if place.country:
            fields["country"] = place.country
        if place.region:
            fields["region"] = place.region
        if place.locality:
            fields["locality"] = place.locality
        if not place.country and GLOBAL.search(location):
            fields["geographic_scope"] = "international"
        if location and any(ch.isdigit() for ch in location):
            fields["address"] = location

        raw = {k: v for k, v in row.items() if k != "Email" and v}
        if "logo_data" in fields:
            raw["Logo"] = "(embedded image)"
        return Record(
            source=self.slug,
            external_id=name,
            fields=fields,
            raw=raw,
            line=line,
            record_url=self.homepage,
            warnings=warnings,
        )
