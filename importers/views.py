"""Admin screens for imports: possible duplicates side by side, starting a source, and an editor's
check of one entry's website."""

from __future__ import annotations

import logging
import re

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied

from directory.merging import merge_entries
from directory.models import Entry

from .crawler import crawl
from .models import DuplicateCandidate, HomepageCheck

logger = logging.getLogger(__name__)

COMPARED = [
    ("name", _("Name")),
    ("other_names", _("Other names")),
    ("website", _("Website")),
    ("category", _("Category")),
    ("organisation_type", _("Type")),
    ("status", _("Status")),
    ("locality", _("Locality")),
    ("region", _("Region")),
    ("country", _("Country")),
    ("founded_year", _("Founded")),
    ("legal_form", _("Legal form")),
    ("summary", _("Summary")),
]


def _facts(entry: Entry) -> list:
    return [
        (
            label,
            getattr(entry, f"get_{name}_display")()
            if name == "status"
            else (entry.country.name if name == "country" and entry.country else getattr(entry, name)),
        )
        for name, label in COMPARED
    ]


@permission_required("directory.change_entry")
def duplicates(request):
    pending = (
        DuplicateCandidate.objects.filter(decision=DuplicateCandidate.Decision.PENDING)
        .select_related(
            "entry__category",
            "other__category",
            "entry__organisation_type",
            "other__organisation_type",
            "entry__legal_form",
            "other__legal_form",
        )
        .prefetch_related("entry__source_records__source", "other__source_records__source")
        .order_by("-score", "pk")
    )
    page = Paginator(pending, 20).get_page(request.GET.get("p"))
    pairs = [
        {
            "candidate": candidate,
            "rows": list(zip(_facts(candidate.entry), _facts(candidate.other), strict=True)),
            "sources": (
                [r.source.name for r in candidate.entry.source_records.all()],
                [r.source.name for r in candidate.other.source_records.all()],
            ),
        }
        for candidate in page
    ]
    return TemplateResponse(
        request,
        "importers/admin/duplicates.html",
        {
            "page_obj": page,
            "pairs": pairs,
            "pending_count": page.paginator.count,
        },
    )


@require_POST
@permission_required("directory.change_entry")
def decide_duplicate(request, pk: int):
    candidate = get_object_or_404(DuplicateCandidate, pk=pk, decision=DuplicateCandidate.Decision.PENDING)
    action = request.POST.get("action")
    if action in ("keep-entry", "keep-other"):
        keep, remove = (
            (candidate.entry, candidate.other)
            if action == "keep-entry"
            else (candidate.other, candidate.entry)
        )
        removed_name = remove.name
        candidate.decision = DuplicateCandidate.Decision.MERGED
        candidate.decided_by, candidate.decided_at = request.user, timezone.now()
        # The candidate row goes with the merged entry (cascade); record the decision first.
        candidate.save()
        keep = merge_entries(keep, remove)
        messages.success(
            request,
            _("“%(removed)s” was merged into “%(kept)s”.") % {"removed": removed_name, "kept": keep.name},
        )
    elif action == "distinct":
        candidate.decision = DuplicateCandidate.Decision.DISTINCT
        candidate.decided_by, candidate.decided_at = request.user, timezone.now()
        candidate.save()
        messages.success(request, _("Kept apart: they will not be proposed again."))
    else:
        messages.error(request, _("Choose to merge or to keep them apart."))
    return redirect("importers_duplicates")


@permission_required("directory.change_entry")
def import_runs(request):
    from .models import ImportRun
    from .registry import SOURCES

    ImportRun.objects.mark_stopped()  # runs whose process is gone show as failed, not running
    runs = Paginator(ImportRun.objects.all(), 30).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "importers/admin/import_runs.html",
        {
            "page_obj": runs,
            "sources": sorted(SOURCES),
        },
    )


@require_POST
@permission_required("directory.change_entry")
def start_import(request):
    from .registry import SOURCES
    from .tasks import run_import_task

    slug = request.POST.get("source", "")
    config = request.POST.get("config", "").strip() or None
    if slug not in SOURCES:
        messages.error(request, _("Unknown source."))
        return redirect("importers_runs")
    run_import_task.enqueue(slug, config)
    messages.success(
        request,
        _("Import of %(source)s started; its run appears below when it ends.") % {"source": config or slug},
    )
    return redirect("importers_runs")


# ------------------------------------------------------------------ checking one entry's website
#: What a failed visit means to an editor, read from how importers.http words its reasons (the
#: reason itself is shown beside it, so a reason no pattern knows still says what happened).
FAILURES = (
    (
        re.compile(r"^refused: "),
        gettext_lazy(
            "The address was refused: it leads to a private or local network address, "
            "which the portal never fetches."
        ),
    ),
    (re.compile(r"^(timed out|took longer than )"), gettext_lazy("The website took too long to answer.")),
    (re.compile(r"^HTTP \d{3}$"), gettext_lazy("The website answered with an error.")),
    (re.compile(r"^host not found"), gettext_lazy("The website's name was not found.")),
    (re.compile(r"^connection failed"), gettext_lazy("The website could not be reached.")),
    (re.compile(r"^disallowed by the site's robots"), gettext_lazy("The website asks robots not to visit.")),
    (
        re.compile(r"^(only http and https|no host in|not a valid address)"),
        gettext_lazy("The website address is not one the portal fetches."),
    ),
)
UNKNOWN_FAILURE = gettext_lazy("The website could not be read.")


def failure_headline(check: HomepageCheck) -> str:
    for pattern, headline in FAILURES:
        if pattern.search(check.error):
            return str(headline)
    return str(UNKNOWN_FAILURE)


def _value(entry: Entry, name: str) -> str:
    value = getattr(entry, name)
    if name == "country":
        return value.name if value else ""
    if name == "links":
        return ", ".join(link.get("url", "") for link in value or [])
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _filled(entry: Entry, names: list[str]) -> list[tuple[str, str]]:
    entry.refresh_from_db()
    return [(_label(name), _value(entry, name)) for name in names]


def _label(name: str) -> str:
    return str(Entry._meta.get_field(name).verbose_name).capitalize()


@require_POST
def check_website(request, entry_pk: int):
    """Visit one entry's stored website now, through the crawl (guard, deadline), and show what it found.

    The only address visited is the entry's own website: nothing in the request names one.
    """
    if not request.user.has_perm("directory.change_entry"):
        # Wagtail's admin turns a raised PermissionDenied into a redirect home: answer 403 here.
        return permission_denied(request, PermissionDenied())
    entry = get_object_or_404(Entry, pk=entry_pk)
    edit_url = reverse("wagtailsnippets_directory_entry:edit", args=[entry.pk])
    if not entry.website:
        messages.warning(request, _("“%(name)s” has no website to check.") % {"name": entry.name})
        return redirect(edit_url)
    logger.info("%s checks the website of %s (%s)", request.user, entry.slug, entry.website)
    report = crawl(slugs=[entry.slug])
    visit = next((c for c in report.checks if c["entry"] == entry.slug), None)
    check = HomepageCheck.objects.get(pk=visit["check"]) if visit else None
    filled = report.filled.get(entry.slug, [])
    return TemplateResponse(
        request,
        "importers/admin/check_website.html",
        {
            "entry": entry,
            "check": check,
            "failure": failure_headline(check) if check and not check.ok else "",
            "filled": _filled(entry, filled) if filled else [],
            # The edit form shows the latest revision, which the crawl does not write to.
            "revision_behind": bool(filled) and entry.latest_revision_id is not None,
            "flagged": entry.slug in report.flagged_unreachable or entry.slug in report.flagged_stale,
            "unflagged": entry.slug in report.unflagged,
            "edit_url": edit_url,
        },
    )
