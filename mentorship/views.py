"""Public mentorship pages (mentor directory, programmes, applications, mentor sign-up) and a person's
own page (proposals, ventures, mentorships, meetings, feedback, data export, account deletion).

Every change of a proposal's or a mentorship's state goes through `mentorship.services`. Every object a
person reaches through a URL is looked up among their own, so other people's give 404.
"""

from __future__ import annotations

import json

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.pages import DirectoryPage
from directory.taxonomies import Topic

from . import privacy, services
from .forms import (
    ApplicationForm,
    DeleteAccountForm,
    FeedbackForm,
    MeetingForm,
    MentorProfileForm,
    ProposalAnswerForm,
    StatusChangeForm,
    VentureForm,
)
from .models import (
    Application,
    Cohort,
    FeedbackRequest,
    MentorProfile,
    Mentorship,
    Preference,
    Programme,
    Proposal,
    Venture,
)

TEMPLATES = "mentorship/public/"
MENTORS_PER_PAGE = 30


# Helpers ---------------------------------------------------------------------------------------


def language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def directory_entry_urls(entries) -> dict:
    """Public addresses of published directory entries, by entry id (one query for the page)."""
    page = DirectoryPage.objects.live().first()
    if page is None:
        return {}
    base = page.url
    return {
        entry.pk: base + page.reverse_subpage("entry", kwargs={"slug": entry.slug})
        for entry in entries
        if entry is not None and entry.live
    }


def own_mentorships(user):
    """The mentorships `user` takes part in, as the mentor or as one of the venture's founders."""
    return Mentorship.objects.filter(Q(mentor__user=user) | Q(venture__founders=user)).distinct()


def own_profile(user):
    return MentorProfile.objects.filter(user=user).first()


# Public pages ----------------------------------------------------------------------------------


def mentor_directory(request):
    mentors = (
        MentorProfile.objects.listed()
        .select_related("home_coop")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .order_by("display_name", "pk")
    )
    listed = MentorProfile.objects.listed()
    topics = Topic.objects.filter(mentors__in=listed).distinct().order_by("name")
    languages = sorted({code for codes in listed.values_list("languages", flat=True) for code in codes or []})

    topic = request.GET.get("topic", "").strip()
    language = request.GET.get("language", "").strip().lower()
    if topic:
        mentors = mentors.filter(topics__slug=topic).distinct()
    mentors = list(mentors)
    if language:
        # Languages are a JSON list: filtered here, as SQLite has no JSON "contains" (the list is short).
        mentors = [m for m in mentors if language in (m.languages or [])]

    page = Paginator(mentors, MENTORS_PER_PAGE).get_page(request.GET.get("page"))
    entry_urls = directory_entry_urls(m.home_coop for m in page.object_list)
    for mentor in page.object_list:
        mentor.language_names = [language_name(code) for code in mentor.languages or []]
        mentor.home_coop_url = entry_urls.get(mentor.home_coop_id)
    query = {k: v for k, v in (("topic", topic), ("language", language)) if v}
    return render(
        request,
        TEMPLATES + "mentor_directory.html",
        {
            "page_obj": page,
            "mentors": page.object_list,
            "topics": topics,
            "languages": [(code, language_name(code)) for code in languages],
            "selected_topic": topic,
            "selected_language": language,
            "filter_query": "&".join(f"{k}={v}" for k, v in query.items()),
        },
    )


def programme_list(request):
    programmes = Programme.objects.public().select_related("incubator").prefetch_related(
        Prefetch("cohorts", queryset=Cohort.objects.open_for_applications(), to_attr="open_cohorts")
    )
    return render(request, TEMPLATES + "programme_list.html", {"programmes": programmes})


def programme_detail(request, slug):
    programme = get_object_or_404(Programme.objects.public().select_related("incubator"), slug=slug)
    cohorts = programme.cohorts.open_for_applications().order_by("applications_close", "name")
    return render(
        request,
        TEMPLATES + "programme_detail.html",
        {"programme": programme, "open_cohorts": cohorts, "topics": programme.topics.order_by("name")},
    )


def _public_cohort(programme_slug, cohort_slug):
    """A cohort that has been announced, of a programme on the site: drafts are not public."""
    return get_object_or_404(
        Cohort.objects.select_related("programme__incubator").exclude(status=Cohort.Status.DRAFT),
        programme__is_public=True,
        programme__slug=programme_slug,
        slug=cohort_slug,
    )


@verified_email_required
def apply(request, slug, cohort_slug):
    cohort = _public_cohort(slug, cohort_slug)
    if not cohort.is_open():
        return render(
            request, TEMPLATES + "cohort_closed.html", {"cohort": cohort, "programme": cohort.programme}
        )
    user = request.user
    initial = {}
    chosen = request.GET.get("venture")
    if chosen and chosen.isdigit():
        venture = Venture.objects.filter(founders=user, pk=chosen).first()
        if venture:
            initial = {
                "venture": venture,
                "needs": list(venture.needs.all()),
                "need_statement": venture.need_statement,
                "stage": venture.stage,
                "sector": venture.sector,
                "languages": venture.languages,
                "timezone": venture.timezone,
            }
    form = ApplicationForm(request.POST or None, user=user, cohort=cohort, initial=initial)
    if request.method == "POST" and form.is_valid():
        application = _save_application(form, user, cohort)
        if application is not None:
            messages.success(
                request,
                _("%(venture)s has applied to %(cohort)s.")
                % {"venture": application.venture, "cohort": cohort},
            )
            return redirect("mentorship:my_proposals")
        form.add_error("venture", _("This venture has already applied to this cohort."))
    return render(
        request,
        TEMPLATES + "apply.html",
        {"form": form, "cohort": cohort, "programme": cohort.programme},
        status=400 if form.errors else 200,
    )


def _save_application(form, user, cohort):
    data = form.cleaned_data
    with transaction.atomic():
        venture = data["venture"]
        if venture is None:
            venture = Venture(name=data["name"].strip())
        venture.need_statement = data["need_statement"]
        venture.stage = data["stage"]
        venture.sector = data["sector"]
        venture.languages = data["languages"]
        venture.timezone = data["timezone"]
        venture.save()
        venture.founders.add(user)
        venture.needs.set(data["needs"])
        if Application.objects.filter(venture=venture, cohort=cohort).exists():
            transaction.set_rollback(True)
            return None
        application = Application.objects.create(
            venture=venture, cohort=cohort, motivation=data["motivation"], submitted_by=user
        )
        Preference.objects.bulk_create(
            Preference(application=application, mentor=mentor, rank=rank, reason=reason)
            for rank, mentor, reason in data["preferences"]
        )
    return application


@verified_email_required
def edit_venture(request, pk):
    """A founder keeps their venture up to date; others' ventures do not exist for them (404)."""
    venture = get_object_or_404(Venture.objects.filter(founders=request.user), pk=pk)
    form = VentureForm(request.POST or None, instance=venture)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(venture)s is saved.") % {"venture": venture.name})
        return redirect("mentorship:my_proposals")
    return render(
        request,
        TEMPLATES + "venture_form.html",
        {"form": form, "venture": venture},
        status=400 if form.errors else 200,
    )


@verified_email_required
def mentor_signup(request):
    profile = own_profile(request.user)
    creating = profile is None
    if creating:
        profile = MentorProfile(user=request.user, display_name=request.user.get_full_name())
    form = MentorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Your mentor profile is saved.") if not creating else _("Welcome: you are now a mentor."),
        )
        return redirect("mentorship:my_proposals")
    directory = DirectoryPage.objects.live().first()
    if directory is not None:
        # portal/autocomplete.js suggests directory names as the person types.
        form.fields["home_coop"].widget.attrs.update(
            {
                "list": "home-coop-suggestions",
                "autocomplete": "off",
                "data-autocomplete": directory.url + directory.reverse_subpage("autocomplete"),
            }
        )
    return render(
        request,
        TEMPLATES + "mentor_form.html",
        {"form": form, "creating": creating},
        status=400 if form.errors else 200,
    )


# A person's own page -----------------------------------------------------------------------------


@login_required
def my_page(request):
    user = request.user
    profile = own_profile(user)
    proposals = []
    if profile is not None:
        proposals = (
            profile.proposals.exclude(status__in=[Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN])
            .select_related("application__venture__sector", "application__cohort__programme")
            .prefetch_related("application__venture__needs")
            .order_by("-sent_at", "-pk")
        )
    ventures = Venture.objects.filter(founders=user).prefetch_related("needs")
    applications = (
        Application.objects.filter(venture__founders=user)
        .select_related("venture", "cohort__programme")
        .prefetch_related("preferences__mentor")
        .distinct()
    )
    mentorships = own_mentorships(user).select_related("mentor", "venture", "cohort__programme")
    feedback_requests = FeedbackRequest.objects.filter(user=user, answered=False).select_related(
        "mentorship__mentor", "mentorship__venture"
    )
    return render(
        request,
        TEMPLATES + "my_page.html",
        {
            "profile": profile,
            "proposals": proposals,
            "answer_form": ProposalAnswerForm(),
            "ventures": ventures,
            "applications": applications,
            "mentorships": mentorships,
            "feedback_requests": feedback_requests,
            "open_cohorts": Cohort.objects.open_for_applications().select_related("programme")[:10],
        },
    )


@login_required
@require_POST
def answer_proposal(request, pk):
    profile = own_profile(request.user)
    if profile is None:
        raise Http404
    proposal = get_object_or_404(
        Proposal.objects.exclude(status=Proposal.Status.DRAFT), pk=pk, mentor=profile
    )
    form = ProposalAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you accept or decline."))
        return redirect("mentorship:my_proposals")
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["action"] == "accept":
            services.accept_proposal(proposal, user=request.user, note=note)
            messages.success(
                request, _("You accepted to mentor %(venture)s.") % {"venture": proposal.application.venture}
            )
        else:
            services.decline_proposal(proposal, user=request.user, note=note)
            messages.success(request, _("You declined. Thank you for answering."))
    except services.WorkflowError as error:
        messages.error(request, str(error))
    return redirect("mentorship:my_proposals")


def _own_mentorship(request, pk):
    return get_object_or_404(
        own_mentorships(request.user).select_related("mentor__user", "venture", "cohort__programme"), pk=pk
    )


@login_required
def mentorship_detail(request, pk):
    mentorship = _own_mentorship(request, pk)
    return _render_mentorship(request, mentorship)


def _render_mentorship(request, mentorship, meeting_form=None, status_form=None, status=200):
    is_open = mentorship.status in Mentorship.OPEN_STATUSES
    contacts = []
    if is_open:
        # The people working together may reach each other while the mentorship is open.
        contacts = [u for u in mentorship.people if u.pk != request.user.pk and u.email]
    return render(
        request,
        TEMPLATES + "mentorship_detail.html",
        {
            "mentorship": mentorship,
            "is_mentor": mentorship.mentor.user_id == request.user.pk,
            "contacts": contacts,
            "meetings": mentorship.meetings.prefetch_related("topics"),
            "history": mentorship.history.all(),
            "meeting_form": meeting_form
            or (MeetingForm(initial={"held_on": timezone.localdate()}) if is_open else None),
            "status_form": status_form or (StatusChangeForm(mentorship=mentorship) if is_open else None),
        },
        status=status,
    )


@login_required
@require_POST
def log_meeting(request, pk):
    mentorship = _own_mentorship(request, pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        return _render_mentorship(request, mentorship, meeting_form=form, status=400)
    data = form.cleaned_data
    try:
        services.log_meeting(
            mentorship,
            user=request.user,
            held_on=data["held_on"],
            duration_minutes=data["duration_minutes"],
            topics=list(data["topics"]),
            notes=data["notes"],
        )
        messages.success(request, _("The meeting is logged."))
    except services.WorkflowError as error:
        messages.error(request, str(error))
    return redirect("mentorship:mentorship", pk=mentorship.pk)


@login_required
@require_POST
def change_status(request, pk):
    mentorship = _own_mentorship(request, pk)
    form = StatusChangeForm(request.POST, mentorship=mentorship)
    if not form.is_valid():
        return _render_mentorship(request, mentorship, status_form=form, status=400)
    try:
        services.change_status(
            mentorship,
            form.cleaned_data["to_status"],
            user=request.user,
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("The mentorship's status is changed."))
    except services.WorkflowError as error:
        messages.error(request, str(error))
    return redirect("mentorship:mentorship", pk=mentorship.pk)


@login_required
def give_feedback(request, pk):
    feedback_request = get_object_or_404(
        FeedbackRequest.objects.select_related("mentorship__mentor", "mentorship__venture"),
        pk=pk,
        user=request.user,
    )
    if feedback_request.answered:
        messages.info(request, _("You have already answered. Thank you."))
        return redirect("mentorship:my_proposals")
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_feedback(
                feedback_request,
                rating=data["rating"],
                usefulness=data["usefulness"],
                would_recommend=data["would_recommend"],
                topics_helped=list(data["topics_helped"]),
                comment=data["comment"],
            )
            messages.success(request, _("Thank you for your feedback."))
            return redirect("mentorship:my_proposals")
        except services.WorkflowError as error:
            messages.error(request, str(error))
    return render(
        request,
        TEMPLATES + "feedback_form.html",
        {"form": form, "feedback_request": feedback_request},
        status=400 if form.errors else 200,
    )


# Privacy ---------------------------------------------------------------------------------------


@login_required
def data_export(request):
    data = privacy.export_user_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-coop-portal-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        privacy.delete_account(user)
        return redirect(reverse("mentorship:account_deleted"))
    return render(
        request, TEMPLATES + "delete_account.html", {"form": form}, status=400 if form.errors else 200
    )


def account_deleted(request):
    return render(request, TEMPLATES + "account_deleted.html")
