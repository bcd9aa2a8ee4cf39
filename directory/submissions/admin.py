"""The editors' side: pending submissions, the proposal beside the entry, accept or reject."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from directory.forms import apply_editor_changes
from directory.models import Entry, Submission
from directory.text import text_to_html
from portal.admin_policy import RuledChooserViewSet

from .forms import PROPOSED_FIELDS

URL_NAMESPACE = "wagtailsnippets_directory_submission"


def review_url(submission) -> str:
    return reverse(f"{URL_NAMESPACE}:review", args=[submission.pk])


def _label(name: str) -> str:
    return str(Entry._meta.get_field(name).verbose_name).capitalize()


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return strip_tags(str(value))


def comparison(submission) -> list[dict]:
    """Field by field: the entry now and what the submission proposes."""
    entry = submission.entry
    rows = []
    for name in PROPOSED_FIELDS:
        if name not in submission.data:
            continue
        current = getattr(entry, name, None) if entry is not None else None
        if name == "country" and current is not None:
            current = current.code
        proposed = submission.data[name]
        if submission.kind == Submission.Kind.NEW and proposed in ("", None, False):
            continue
        rows.append(
            {
                "label": _label(name),
                "current": _shown(current) if submission.kind == Submission.Kind.CHANGE else "",
                "proposed": _shown(proposed),
                "changed": submission.kind == Submission.Kind.NEW or _shown(current) != _shown(proposed),
            }
        )
    return rows


def _check(request):
    if not request.user.has_perm("directory.change_submission"):
        raise PermissionDenied


def review(request, pk):
    _check(request)
    submission = get_object_or_404(Submission.objects.select_related("entry"), pk=pk)
    return TemplateResponse(
        request,
        "directory/submissions/admin_review.html",
        {
            "submission": submission,
            "rows": comparison(submission),
            "entry_edit_url": (
                reverse("wagtailsnippets_directory_entry:edit", args=[submission.entry.pk])
                if submission.entry
                else None
            ),
            "list_url": reverse(f"{URL_NAMESPACE}:list"),
        },
    )


def _others_pending(submission) -> bool:
    return (
        Submission.objects.filter(entry=submission.entry, status=Submission.Decision.PENDING)
        .exclude(pk=submission.pk)
        .exists()
    )


def _decide(submission, user, status):
    submission.status = status
    submission.decided_at = timezone.now()
    submission.decided_by = user
    submission.save(update_fields=["status", "decided_at", "decided_by"])


@require_POST
def accept(request, pk):
    _check(request)
    submission = get_object_or_404(Submission.objects.select_related("entry"), pk=pk)
    entry = submission.entry
    if submission.status != Submission.Decision.PENDING or entry is None:
        messages.error(request, _("This submission was already decided, or its entry was deleted."))
        return redirect(review_url(submission))
    still_pending = _others_pending(submission)
    with transaction.atomic():
        if submission.kind == Submission.Kind.NEW:
            # The draft holds what was sent, with any edits an editor made since: publish that.
            revision = entry.get_latest_revision() or entry.save_revision(user=request.user)
            revision.publish(user=request.user)
            Entry.objects.filter(pk=entry.pk).update(needs_review=still_pending)
        else:
            changes = dict(submission.data)
            if "description" in changes:
                changes["description"] = text_to_html(changes["description"] or "")
            changes["needs_review"] = still_pending
            current = entry.get_latest_revision_as_object() if entry.latest_revision_id else entry
            # An editor's unpublished draft is not published behind their back.
            form = apply_editor_changes(
                current, request.user, changes, publish=entry.live and not entry.has_unpublished_changes
            )
            if not form.is_valid():
                transaction.set_rollback(True)
                problems = "; ".join(
                    f"{_label(name) if name in PROPOSED_FIELDS else name}: {' '.join(errors)}"
                    for name, errors in form.errors.items()
                )
                messages.error(
                    request, _("The change could not be applied: %(problems)s") % {"problems": problems}
                )
                return redirect(review_url(submission))
        _decide(submission, request.user, Submission.Decision.ACCEPTED)
    messages.success(request, _("Accepted: “%(name)s” is updated.") % {"name": entry.name})
    return redirect(f"{URL_NAMESPACE}:list")


@require_POST
def reject(request, pk):
    _check(request)
    submission = get_object_or_404(Submission.objects.select_related("entry"), pk=pk)
    if submission.status != Submission.Decision.PENDING:
        messages.error(request, _("This submission was already decided."))
        return redirect(review_url(submission))
    entry = submission.entry
    with transaction.atomic():
        _decide(submission, request.user, Submission.Decision.REJECTED)
        if entry is not None and submission.kind == Submission.Kind.NEW and entry.first_published_at is None:
            # A draft nobody published: the submission keeps what was sent.
            entry.delete()
        elif entry is not None and not _others_pending(submission):
            Entry.objects.filter(pk=entry.pk).update(needs_review=False)
    messages.success(request, _("Rejected."))
    return redirect(f"{URL_NAMESPACE}:list")


class SubmissionFilterSet(WagtailFilterSet):
    class Meta:
        model = Submission
        fields = ["status", "kind"]


class SubmissionViewSet(SnippetViewSet):
    model = Submission
    icon = "mail"
    menu_label = gettext_lazy("Submissions")
    menu_order = 110
    list_display = [
        TitleColumn("__str__", label=gettext_lazy("Submission"), get_url=review_url),
        "kind",
        "status",
        Column("created_at", label=gettext_lazy("Received")),
    ]
    filterset_class = SubmissionFilterSet
    ordering = ["-created_at"]
    copy_view_enabled = False
    chooser_viewset_class = RuledChooserViewSet

    def get_queryset(self, request):
        return Submission.objects.select_related("entry")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("review/<int:pk>/", review, name="review"),
            path("accept/<int:pk>/", accept, name="accept"),
            path("reject/<int:pk>/", reject, name="reject"),
        ]
