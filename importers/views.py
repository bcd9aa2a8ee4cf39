"""Admin screens for imports: possible duplicates side by side, and starting a source."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.merging import merge_entries
from directory.models import Entry

from .models import DuplicateCandidate

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
