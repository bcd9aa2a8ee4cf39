"""Incubators keep applications in spreadsheets: import mentors and ventures from CSV, export matches.

A column mapping says which column holds which field, as a YAML or JSON file:

    columns:            # field: column heading in the sheet
      name: Full name
      email: E-mail
      topics: Can help with
    separator: ";"      # between values in one cell (topics, languages...); "," and ";" by default

Without a mapping, a column whose heading is the field's name (any case) is used. How an import behaves:
- the whole file is refused only for structural errors: unreadable, no header, a required column missing,
  a mapping naming an unknown field or a column the sheet does not have;
- a bad row (no email, an unknown time zone, a capacity that is not a number...) is reported with its
  line and skipped; the others are written, each row in its own transaction;
- topics and sectors are matched to the taxonomies by slug or name; unknown ones are reported and left out;
- importing the same sheet again updates the same people: mentors and founders are found by email.
  Accounts made by an import get an unusable password and are not emailed.

Who an import may touch (its `Reach`): staff import for their own incubators. A row may create a person
whose address is new to the portal, or update a person already taking part in one of the importer's
cohorts (a mentor in a pool, a proposal or a mentorship; a founder of a venture that applied); any other
address is left alone, reported as "not changed" with one message whatever the reason (another
incubator's mentor, an account that has nothing to do with mentorship, a staff, editor or superuser
account: an import never attaches a profile to those). A profile made or updated by an import is never
made public: mentors choose that themselves on their own page. Preferred mentors are looked up among
the importer's mentors and those listed publicly, and an address outside those gets the same answer
whether or not it exists.
"""

from __future__ import annotations

import csv
import json
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from directory.taxonomies import Activity, Topic
from directory.text import spreadsheet_safe

from .models import Application, Cohort, MentorProfile, Mentorship, Preference, Stage, Venture
from .permissions import mentors_for, mentors_in, ventures_for, ventures_in

MAX_BYTES = 5 * 1024 * 1024
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}([-_][a-z0-9]{2,4})?$")
TRUE_WORDS = {"1", "yes", "y", "true", "x", "oui", "ja", "sí", "si"}

#: field → required?
MENTOR_FIELDS = {
    "name": True,
    "email": True,
    "languages": False,
    "topics": False,
    "sectors": False,
    "stages": False,
    "timezone": False,
    "capacity": False,
    "hours_per_month": False,
    "expertise": False,
    "bio": False,
    "public": False,
}
VENTURE_FIELDS = {
    "name": True,
    "email": True,  # a founder's email
    "languages": False,
    "needs": False,
    "need_statement": False,
    "stage": False,
    "sector": False,
    "timezone": False,
    "website": False,
    "motivation": False,
    "preferred_mentors": False,  # mentors' emails, best first
}


class StructureError(Exception):
    """The file cannot be imported at all: nothing was written."""


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    separator: str | None = None

    def split(self, value: str) -> list[str]:
        pattern = re.escape(self.separator) if self.separator else r"[;,\n]"
        return [part.strip() for part in re.split(pattern, value or "") if part.strip()]


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": self.errors,
            "warnings": self.warnings,
        }


class RowError(Exception):
    pass


def _out_of_reach() -> RowError:
    # One message for every reason, so a sheet cannot be used to learn what an address is.
    return RowError(
        _(
            "not changed: this address belongs to someone outside your incubator's cohorts; "
            "an import only creates people new to the portal and updates your own"
        )
    )


@dataclass
class Reach:
    """The people an import may update: mentors and ventures of some cohorts, or everyone's."""

    mentors: Any
    ventures: Any

    @classmethod
    def of_user(cls, user) -> Reach:
        """What this person manages in the admin (`mentorship.permissions`)."""
        return cls(mentors_for(user), ventures_for(user))

    @classmethod
    def of_incubator(cls, incubator) -> Reach:
        cohorts = Cohort.objects.filter(programme__incubator=incubator)
        return cls(mentors_in(cohorts), ventures_in(cohorts))

    @classmethod
    def everyone(cls) -> Reach:
        """An operator's command with no cohort: every mentorship person (never privileged accounts)."""
        return cls(MentorProfile.objects.all(), Venture.objects.all())

    def has_person(self, user) -> bool:
        return self.mentors.filter(user=user).exists() or self.ventures.filter(founders=user).exists()


def _reach(user, cohort) -> Reach:
    if user is not None:
        return Reach.of_user(user)
    if cohort is not None:
        return Reach.of_incubator(cohort.programme.incubator)
    return Reach.everyone()


def _privileged(user) -> bool:
    """Accounts of staff, editors, moderators and superusers never get a profile from a sheet."""
    return user.is_superuser or user.is_staff or user.groups.exists()


def load_mapping(text: str) -> Mapping:
    """A mapping from YAML or JSON text (JSON is YAML too)."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as error:
        raise StructureError(
            _("The column mapping is not valid YAML or JSON: %(error)s") % {"error": error}
        ) from None
    if not isinstance(data, dict):
        raise StructureError(_("The column mapping must be a set of “field: column” pairs."))
    columns = data.get("columns", {k: v for k, v in data.items() if k != "separator"})
    separator = data.get("separator")
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise StructureError(_("The column mapping must be a set of “field: column” pairs."))
    if separator is not None and (not isinstance(separator, str) or not separator):
        raise StructureError(_("The separator must be one or more characters."))
    return Mapping({str(k): v for k, v in columns.items()}, separator)


def load_mapping_file(path) -> Mapping:
    try:
        with open(path, encoding="utf-8") as handle:
            return load_mapping(handle.read())
    except OSError as error:
        raise StructureError(_("Cannot read the mapping file: %(error)s") % {"error": error}) from None


def _columns(header: list[str], mapping: Mapping | None, fields: dict[str, bool]) -> dict[str, int]:
    """field → column index, checking the structure."""
    header = [h.strip() for h in header]
    by_heading = {h.casefold(): i for i, h in enumerate(header) if h}
    wanted = dict(mapping.columns) if mapping and mapping.columns else {}
    unknown = sorted(set(wanted) - set(fields))
    if unknown:
        raise StructureError(
            _("The mapping names fields this import does not know: %(fields)s. Known fields: %(known)s.")
            % {"fields": ", ".join(unknown), "known": ", ".join(fields)}
        )
    columns = {}
    for name in fields:
        heading = wanted.get(name, name)
        index = by_heading.get(heading.strip().casefold())
        if index is None and name not in wanted:
            index = by_heading.get(name.replace("_", " "))
        if index is not None:
            columns[name] = index
        elif name in wanted:
            raise StructureError(
                _("The mapping puts “%(field)s” in the column “%(column)s”, which the sheet does not have.")
                % {"field": name, "column": heading}
            )
    missing = [name for name, required in fields.items() if required and name not in columns]
    if missing:
        raise StructureError(
            _("Required columns are missing: %(fields)s. The sheet's columns are: %(header)s.")
            % {"fields": ", ".join(missing), "header": ", ".join(h for h in header if h) or "—"}
        )
    return columns


def _rows(file: TextIO, mapping: Mapping | None, fields: dict[str, bool]):
    try:
        reader = csv.reader(file)
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as error:
        raise StructureError(_("The file is not a readable CSV file: %(error)s") % {"error": error}) from None
    if not header or not any(h.strip() for h in header):
        raise StructureError(_("The file is empty or has no header row."))
    columns = _columns(header, mapping, fields)

    def rows():
        try:
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                yield (
                    reader.line_num,
                    {
                        name: (row[index].strip() if index < len(row) else "")
                        for name, index in columns.items()
                    },
                )
        except csv.Error as error:
            raise StructureError(
                _("The CSV file is broken near line %(line)d: %(error)s")
                % {"line": reader.line_num, "error": error}
            ) from None

    # Read the whole sheet first: a file broken half-way is refused before anything is written.
    return list(rows())


# ---------------------------------------------------------------------------------------------------
# Cell parsing


def _email(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise RowError(_("“%(value)s” is not an email address") % {"value": value}) from None
    return value


def _languages(value: str, mapping: Mapping) -> list[str]:
    codes = []
    for part in mapping.split(value):
        code = part.casefold().replace("_", "-")
        if not LANGUAGE_CODE.match(code):
            raise RowError(_("“%(value)s” is not a language code such as en, fr or pt-br") % {"value": part})
        if code not in codes:
            codes.append(code)
    return codes


def _timezone(value: str) -> str:
    if not value:
        return "UTC"
    if value not in zoneinfo.available_timezones():
        raise RowError(_("“%(value)s” is not an IANA time zone such as Europe/Paris") % {"value": value})
    return value


def _number(value: str, label: str, low: int, high: int, default: int) -> int:
    if not value:
        return default
    try:
        number = int(float(value))
    except ValueError:
        raise RowError(
            _("%(label)s “%(value)s” is not a number") % {"label": label, "value": value}
        ) from None
    if not low <= number <= high:
        raise RowError(
            _("%(label)s must be between %(low)d and %(high)d, not %(value)s")
            % {"label": label, "low": low, "high": high, "value": value}
        )
    return number


def _terms(model, value: str, mapping: Mapping, line: int, report: ImportReport, label: str):
    """Terms of a taxonomy by slug or name; unknown words are reported and left out."""
    found = []
    for word in mapping.split(value):
        term = model.objects.filter(Q(slug=slugify(word)) | Q(slug=word) | Q(name__iexact=word)).first()
        if term is None:
            report.warnings.append(
                {
                    "line": line,
                    "reason": _("unknown %(label)s “%(word)s”, left out") % {"label": label, "word": word},
                }
            )
        elif term not in found:
            found.append(term)
    return found


def _stage(value: str) -> str:
    if not value:
        return Stage.IDEA
    for choice in Stage:
        if value.casefold() in (choice.value, str(choice.label).casefold()):
            return choice.value
    raise RowError(
        _("“%(value)s” is not a stage; use one of %(stages)s")
        % {"value": value, "stages": ", ".join(s.value for s in Stage)}
    )


def _account(email: str, name: str, reach: Reach):
    """The account with this email if it is one of the reach's people, or a new one with an unusable
    password (nobody is emailed); any other existing account is out of reach."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        if _privileged(user) or not reach.has_person(user):
            raise _out_of_reach()
        return user, False
    base = slugify(email.split("@")[0])[:120] or "person"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    first, _sep, last = name.partition(" ")
    user = User(username=username, email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.save()
    return user, True


# ---------------------------------------------------------------------------------------------------
# Imports


def import_mentors(file: TextIO, mapping: Mapping | None = None, *, cohort=None, user=None) -> ImportReport:
    """Create or update mentor profiles (by email), and add them to the cohort when one is given.

    `user` is the person importing: the rows reach only their incubators' people (see `Reach`); without
    one, the cohort's incubator's, or (no cohort either: an operator's command) every mentorship person's.
    """
    return _import_rows("mentors", MENTOR_FIELDS, _import_mentor, file, mapping, cohort, _reach(user, cohort))


def _import_mentor(row, mapping, line, report, cohort, reach) -> bool:
    name = row.get("name", "")
    if not name:
        raise RowError(_("no name"))
    email = _email(row.get("email", ""))
    values: dict[str, Any] = {"display_name": name[:200]}
    if "languages" in row:
        values["languages"] = _languages(row["languages"], mapping)
    if "timezone" in row:
        values["timezone"] = _timezone(row["timezone"])
    if "capacity" in row:
        values["capacity"] = _number(row["capacity"], _("Capacity"), 0, 20, 1)
    if "hours_per_month" in row:
        values["hours_per_month"] = _number(row["hours_per_month"], _("Hours per month"), 0, 200, 4)
    if "stages" in row:
        values["stages"] = [_stage(s) for s in mapping.split(row["stages"])]
    for name_ in ("expertise", "bio"):
        if name_ in row:
            values[name_] = row[name_]
    if row.get("public", "").casefold() in TRUE_WORDS:
        report.warnings.append(
            {
                "line": line,
                "reason": _(
                    "“public” left as it was: mentors choose themselves whether to appear in the "
                    "public mentor directory"
                ),
            }
        )
    topics = _terms(Topic, row["topics"], mapping, line, report, _("topic")) if "topics" in row else None
    sectors = (
        _terms(Activity, row["sectors"], mapping, line, report, _("sector")) if "sectors" in row else None
    )

    user, _new_user = _account(email, name, reach)
    mentor = MentorProfile.objects.filter(user=user).first()
    if mentor is not None and not reach.mentors.filter(pk=mentor.pk).exists():
        raise _out_of_reach()
    created = mentor is None
    if created:
        mentor = MentorProfile(user=user)
    for key, value in values.items():
        setattr(mentor, key, value)
    try:
        mentor.full_clean(exclude=["user", "home_coop"])
    except ValidationError as error:
        raise RowError("; ".join(error.messages)) from None
    mentor.save()
    if topics is not None:
        mentor.topics.set(topics)
    if sectors is not None:
        mentor.sectors.set(sectors)
    if cohort is not None:
        cohort.mentors.add(mentor)
    return created


def import_ventures(file: TextIO, mapping: Mapping | None = None, *, cohort=None, user=None) -> ImportReport:
    """Create or update ventures (by a founder's email and the venture's name), with their application to
    the cohort when one is given, and their preferred mentors (by the mentors' emails). `user` as for
    `import_mentors`."""
    return _import_rows(
        "ventures", VENTURE_FIELDS, _import_venture, file, mapping, cohort, _reach(user, cohort)
    )


def _import_rows(kind, fields, import_row, file, mapping, cohort, reach) -> ImportReport:
    """Each row in its own transaction: a bad row is reported and skipped, the others are kept."""
    mapping = mapping or Mapping()
    report = ImportReport(kind)
    for line, row in _rows(file, mapping, fields):
        try:
            with transaction.atomic():
                created = import_row(row, mapping, line, report, cohort, reach)
        except RowError as error:
            report.skipped += 1
            report.errors.append({"line": line, "reason": str(error)})
        else:
            if created:
                report.created += 1
            else:
                report.updated += 1
    return report


def _import_venture(row, mapping, line, report, cohort, reach) -> bool:
    name = row.get("name", "")
    if not name:
        raise RowError(_("no name"))
    email = _email(row.get("email", ""))
    values: dict[str, Any] = {"name": name[:200]}
    if "languages" in row:
        values["languages"] = _languages(row["languages"], mapping)
    if "timezone" in row:
        values["timezone"] = _timezone(row["timezone"])
    if "stage" in row:
        values["stage"] = _stage(row["stage"])
    for key in ("need_statement", "website"):
        if key in row:
            values[key] = row[key]
    if "sector" in row:
        sectors = _terms(Activity, row["sector"], mapping, line, report, _("sector"))
        values["sector"] = sectors[0] if sectors else None
    needs = _terms(Topic, row["needs"], mapping, line, report, _("topic")) if "needs" in row else None
    preferred = []
    if row.get("preferred_mentors"):
        if cohort is None:
            raise RowError(_("preferred mentors need a cohort to apply to"))
        choosable = MentorProfile.objects.filter(
            Q(pk__in=reach.mentors.values("pk")) | Q(pk__in=MentorProfile.objects.listed().values("pk"))
        )
        for mentor_email in mapping.split(row["preferred_mentors"]):
            mentor = choosable.filter(user__email__iexact=mentor_email).first()
            if mentor is None:
                raise RowError(
                    _(
                        "“%(email)s” is not the address of a mentor of your cohorts or of the public "
                        "mentor directory"
                    )
                    % {"email": mentor_email}
                )
            if mentor not in preferred:
                preferred.append(mentor)
        if len(preferred) > 5:
            raise RowError(_("at most five preferred mentors"))

    founder, _new = _account(email, "", reach)
    venture = Venture.objects.filter(founders=founder, name__iexact=name).first()
    if venture is not None and not reach.ventures.filter(pk=venture.pk).exists():
        raise _out_of_reach()
    created = venture is None
    if created:
        venture = Venture()
    for key, value in values.items():
        setattr(venture, key, value)
    try:
        venture.full_clean(exclude=["entry", "sector"])
    except ValidationError as error:
        raise RowError("; ".join(error.messages)) from None
    venture.save()
    venture.founders.add(founder)
    if needs is not None:
        venture.needs.set(needs)
    if cohort is not None:
        application, _made = Application.objects.get_or_create(
            venture=venture,
            cohort=cohort,
            defaults={"motivation": row.get("motivation", ""), "status": Application.Status.SUBMITTED},
        )
        if preferred:
            application.preferences.all().delete()
            Preference.objects.bulk_create(
                [
                    Preference(application=application, mentor=mentor, rank=rank)
                    for rank, mentor in enumerate(preferred, start=1)
                ]
            )
    return created


# ---------------------------------------------------------------------------------------------------
# Exports

EXPORT_COLUMNS = ["venture", "mentor", "score", "rank", "explanation", "status"]


_safe = spreadsheet_safe


def _write(out: TextIO, header: list[str], rows: Iterable[list]) -> int:
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_safe(v) for v in row])
        count += 1
    return count


def export_run(run, out: TextIO) -> int:
    """A run's proposals, one per line; returns how many."""
    proposals = run.proposals.select_related("mentor", "application__venture").order_by(
        "application__venture__name"
    )
    return _write(
        out,
        EXPORT_COLUMNS,
        (
            [
                p.application.venture.name,
                p.mentor.display_name,
                f"{p.score:.3f}" if p.score is not None else "",
                p.rank or "",
                p.explanation,
                p.status,
            ]
            for p in proposals
        ),
    )


def export_mentorships(cohort, out: TextIO) -> int:
    """A cohort's mentorships with the proposal each came from; returns how many."""
    mentorships = (
        Mentorship.objects.filter(cohort=cohort)
        .select_related("mentor", "venture", "proposal")
        .order_by("venture__name", "started_at")
    )
    return _write(
        out,
        [*EXPORT_COLUMNS, "started", "ended"],
        (
            [
                m.venture.name,
                m.mentor.display_name,
                f"{m.proposal.score:.3f}" if m.proposal and m.proposal.score is not None else "",
                (m.proposal.rank or "") if m.proposal else "",
                m.proposal.explanation if m.proposal else "",
                m.status,
                m.started_at.date().isoformat(),
                m.ended_at.date().isoformat() if m.ended_at else "",
            ]
            for m in mentorships
        ),
    )


def report_json(report: ImportReport) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
