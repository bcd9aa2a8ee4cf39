"""What a record must pass before it is written.

A record without an id or a name, or listed twice by its source, is refused with an
error. A field that cannot be written (an address that is not one, a country that is not
an ISO code, a year out of range...) is dropped with a warning, and the rest of the record
goes on; text that is too long for its column is cut to fit, and the description is
sanitised.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django_countries import countries

from directory.models import Entry, GeographicScope, Status
from directory.text import sanitise_html, validate_web_url

from ..records import URL_FIELDS, Record
from .report import Report, describe

# (field, lowest, highest): a number outside its range is dropped.
RANGES = (
    ("latitude", -90, 90),
    ("longitude", -180, 180),
    ("founded_year", 1700, 2100),
    ("members_count", 0, 2**31 - 1),
    ("workers_count", 0, 2**31 - 1),
)
# Text cut to its column's length rather than refused.
CUT_TO_FIT = ("summary", "address", "locality", "region")

_email_validator = EmailValidator()


def check_record(record: Record, report: Report, seen_ids: set[str]) -> Record | None:
    """Check a record before writing: bad fields dropped with a warning, bad records with an error.

    `seen_ids` holds the ids of the source's records checked so far in this run.
    """
    label = describe(record)
    if not record.external_id:
        report.error(label, "no identifier")
        return None
    if record.external_id in seen_ids:
        report.error(label, f"listed twice in this source under the id {record.external_id!r}")
        return None
    seen_ids.add(record.external_id)
    name = record.fields.get("name", "")
    if not name:
        report.error(label, "no name")
        return None
    if len(name) > 255:
        report.error(label, "name longer than 255 characters")
        return None
    report.merged += record.merged_rows
    for message in record.warnings:
        report.warnings.append({"record": label, "reason": message})
    for message in check_fields(record.fields):
        report.warnings.append({"record": label, "reason": message})
    return record


def check_fields(fields: dict) -> list[str]:
    """Drop from `fields` what cannot be written, cut and sanitise the rest; say what was dropped."""
    problems = []
    for key in URL_FIELDS:
        if key in fields:
            limit = Entry._meta.get_field(key).max_length
            try:
                validate_web_url(fields[key])
                if len(fields[key]) > limit:
                    raise ValidationError("too long")
            except ValidationError:
                problems.append(f"{key} {fields[key][:80]!r} is not a usable web address")
                fields.pop(key)
    if "contact_email" in fields:
        try:
            _email_validator(fields["contact_email"])
        except ValidationError:
            problems.append("contact email is not an address")
            fields.pop("contact_email")
    if "country" in fields and fields["country"] not in countries:
        problems.append(f"country {fields['country']!r} is not an ISO 3166-1 code")
        fields.pop("country")
    if "status" in fields and fields["status"] not in Status.values:
        problems.append(f"unknown status {fields['status']!r}")
        fields.pop("status")
    if "geographic_scope" in fields and fields["geographic_scope"] not in GeographicScope.values:
        problems.append(f"unknown geographic scope {fields['geographic_scope']!r}")
        fields.pop("geographic_scope")
    for key, low, high in RANGES:
        if key in fields:
            value = fields[key]
            if not isinstance(value, (int, float)) or not low <= value <= high:
                problems.append(f"{key} {value!r} is out of range")
                fields.pop(key)
    if ("latitude" in fields) != ("longitude" in fields):
        fields.pop("latitude", None)
        fields.pop("longitude", None)
    for key in CUT_TO_FIT:
        if key in fields:
            fields[key] = fields[key][: Entry._meta.get_field(key).max_length]
    if "description" in fields:
        fields["description"] = sanitise_html(fields["description"])
    return problems
