"""The workflow's own admin pages: run matching, review a run, propose by hand, change a mentorship's
status, import and export spreadsheets.

Every view fetches its object from `mentorship.permissions.queryset_for(user, model)` (a row outside the
user's incubators is a 404) and needs the model permission its action changes (else 403). Changes go
through `mentorship.services`; a refused change is shown as a message, never as an error page.
"""

from __future__ import annotations

import functools
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mentorship import services, spreadsheets
from mentorship.models import Application, Cohort, MatchRun, MentorProfile, Mentorship, Proposal
from mentorship.permissions import queryset_for

from .forms import ImportForm, ProposeForm, RunMatchingForm, StatusForm, read_upload


def needs_permission(codename):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(codename):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _get(request, model, pk):
    return get_object_or_404(queryset_for(request.user, model), pk=pk)


def run_url(run) -> str:
    return reverse("wagtailsnippets_mentorship_matchrun:inspect", args=[run.pk])


@needs_permission("mentorship.change_matchrun")
def run_matching(request, pk):
    cohort = _get(request, Cohort, pk)
    form = RunMatchingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_matching(cohort, algorithm=form.cleaned_data["algorithm"], user=request.user)
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Matching ran: review the proposals, then approve them."))
            return redirect(run_url(run))
    return TemplateResponse(
        request,
        "mentorship/admin/run_matching.html",
        {
            "cohort": cohort,
            "form": form,
            "waiting": services.matchable_applications(cohort).count(),
            "mentors": cohort.mentors.count(),
            "runs": cohort.match_runs.all()[:10],
        },
    )


def run_review_context(request, run) -> dict:
    """What the run's page shows: metrics, proposals with the mentors each may be changed to, and why
    ventures were left unmatched."""
    proposals = list(
        run.proposals.select_related("mentor", "application__venture", "application__cohort").order_by(
            "application__venture__name"
        )
    )
    editable = run.status == MatchRun.Status.DRAFT
    mentors = list(run.cohort.mentors.all()) if editable else []
    rows = []
    for proposal in proposals:
        alternatives = []
        if editable and proposal.status == Proposal.Status.DRAFT:
            alternatives = [
                m
                for m in mentors
                if m.pk != proposal.mentor_id and not services.rule_breaks(proposal.application, m)
            ]
        breakdown = sorted((proposal.breakdown or {}).items())
        rows.append({"proposal": proposal, "alternatives": alternatives, "breakdown": breakdown})
    applications = Application.objects.in_bulk(
        [int(pk) for pk in (run.unmatched_reasons or {}) if pk.isdigit()]
    )
    unmatched = [
        (applications.get(int(pk)), reason)
        for pk, reason in (run.unmatched_reasons or {}).items()
        if pk.isdigit()
    ]
    metrics = sorted((run.metrics or {}).items())
    return {
        "run": run,
        "rows": rows,
        "unmatched": unmatched,
        "metrics": metrics,
        "editable": editable,
        "can_change": request.user.has_perm("mentorship.change_matchrun"),
    }


def _draft_proposal(request, pk):
    proposal = _get(request, Proposal, pk)
    if proposal.match_run_id is None:
        raise PermissionDenied
    return proposal


@require_POST
@needs_permission("mentorship.change_matchrun")
def change_proposal(request, pk):
    proposal = _draft_proposal(request, pk)
    mentor_id = request.POST.get("mentor", "")
    mentor = proposal.cohort.mentors.filter(pk=mentor_id).first() if mentor_id.isdigit() else None
    if mentor is None:
        messages.error(request, _("Choose one of the cohort's mentors."))
    else:
        try:
            services.change_proposal_mentor(proposal, mentor, user=request.user)
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(venture)s is now proposed to %(mentor)s.") % {
                "venture": proposal.application.venture, "mentor": mentor,
            })  # fmt: skip
    return redirect(run_url(proposal.match_run))


@require_POST
@needs_permission("mentorship.change_matchrun")
def remove_proposal(request, pk):
    proposal = _draft_proposal(request, pk)
    try:
        services.remove_proposal(proposal, user=request.user)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The proposal is removed from this run."))
    return redirect(run_url(proposal.match_run))


@require_POST
@needs_permission("mentorship.change_matchrun")
def approve_run(request, pk):
    run = _get(request, MatchRun, pk)
    try:
        services.approve_run(run, user=request.user)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Approved: the proposals are sent and the mentors notified."))
    return redirect(run_url(run))


@require_POST
@needs_permission("mentorship.change_matchrun")
def discard_run(request, pk):
    run = _get(request, MatchRun, pk)
    try:
        services.discard_run(run, user=request.user)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The run is discarded; nobody was notified."))
    return redirect(run_url(run))


# ---------------------------------------------------------------------------------------------------
# Manual proposals and status changes


@needs_permission("mentorship.change_proposal")
def propose(request, pk):
    application = _get(request, Application, pk)
    cohort = application.cohort
    eligible = [m.pk for m in cohort.mentors.all() if not services.rule_breaks(application, m)]
    form = ProposeForm(request.POST or None, mentors=MentorProfile.objects.filter(pk__in=eligible))
    if request.method == "POST" and form.is_valid():
        try:
            services.propose(application, form.cleaned_data["mentor"], user=request.user)
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The proposal is sent to the mentor."))
            return redirect(reverse("wagtailsnippets_mentorship_application:list"))
    return TemplateResponse(
        request,
        "mentorship/admin/propose.html",
        {
            "application": application,
            "form": form,
            "preferences": application.preferences.select_related("mentor"),
            "history": application.proposals.select_related("mentor").order_by("-created_at"),
        },
    )


@needs_permission("mentorship.change_mentorship")
def mentorship_status(request, pk):
    mentorship = _get(request, Mentorship, pk)
    form = StatusForm(request.POST or None, mentorship=mentorship)
    inspect_url = reverse("wagtailsnippets_mentorship_mentorship:inspect", args=[mentorship.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(
                mentorship,
                form.cleaned_data["to_status"],
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The mentorship's status is changed."))
            return redirect(inspect_url)
    return TemplateResponse(
        request,
        "mentorship/admin/mentorship_status.html",
        {"mentorship": mentorship, "form": form, "inspect_url": inspect_url},
    )


# ---------------------------------------------------------------------------------------------------
# Spreadsheets


@needs_permission("mentorship.add_mentorprofile")
def spreadsheet_page(request, pk):
    cohort = _get(request, Cohort, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        if kind == "ventures" and not request.user.has_perm("mentorship.add_venture"):
            raise PermissionDenied
        try:
            mapping = form.mapping()
            text = read_upload(form.cleaned_data["file"])
            run = spreadsheets.import_mentors if kind == "mentors" else spreadsheets.import_ventures
            report = run(io.StringIO(text), mapping, cohort=cohort, user=request.user)
        except spreadsheets.StructureError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Imported: %(created)d created, %(updated)d updated, %(skipped)d skipped.")
                % {"created": report.created, "updated": report.updated, "skipped": report.skipped},
            )
    return TemplateResponse(
        request,
        "mentorship/admin/spreadsheets.html",
        {
            "cohort": cohort,
            "form": form,
            "report": report,
            "runs": cohort.match_runs.all()[:10],
            "mentor_fields": spreadsheets.MENTOR_FIELDS,
            "venture_fields": spreadsheets.VENTURE_FIELDS,
        },
    )


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@needs_permission("mentorship.view_matchrun")
def export_run(request, pk):
    run = _get(request, MatchRun, pk)
    out = io.StringIO()
    spreadsheets.export_run(run, out)
    return _csv_response(out.getvalue(), f"{slugify(str(run.cohort))}-run-{run.pk}.csv")


@needs_permission("mentorship.view_mentorship")
def export_cohort(request, pk):
    cohort = _get(request, Cohort, pk)
    out = io.StringIO()
    spreadsheets.export_mentorships(cohort, out)
    return _csv_response(out.getvalue(), f"{slugify(str(cohort))}-mentorships.csv")
