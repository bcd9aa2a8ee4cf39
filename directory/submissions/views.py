"""The public views: "Add my co-op", "Suggest a change to this entry", and the thank-you page.

Protections: Django's CSRF check, a honeypot field, and a per-address rate limit kept in the
cache under an HMAC of the address (the address itself is never stored).
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_managers
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from directory.models import Entry, Submission
from directory.text import make_slug, text_to_html, unique_slug

from .forms import (
    CONTACT_FIELDS,
    ENTRY_FIELDS,
    HONEYPOT,
    PUBLIC_FLAGS,
    ChangeForm,
    NewEntryForm,
    proposed_fields,
)

logger = logging.getLogger(__name__)

# Where the fields of a new entry came from (importers leave fields of other origins alone).
ORIGIN = "submission"


def rate_limit() -> int:
    return settings.PORTAL_SUBMISSIONS_PER_HOUR


def address_hash(request) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _rate_key(ip_hash: str) -> str:
    return f"portal:submissions:{ip_hash}"


def over_limit(ip_hash: str) -> bool:
    return (cache.get(_rate_key(ip_hash)) or 0) >= rate_limit()


def count_submission(ip_hash: str) -> None:
    key = _rate_key(ip_hash)
    # The hour starts with the first submission; add() does nothing when the key exists.
    cache.add(key, 0, timeout=3600)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=3600)


def too_many(request):
    response = render(request, "directory/submissions/too_many.html", {"limit": rate_limit()}, status=429)
    response["Retry-After"] = "3600"
    return response


def _is_spam(request) -> bool:
    return bool(request.POST.get(HONEYPOT, "").strip())


def _entry_values(data: dict) -> dict:
    """Proposed fields as the entry stores them."""
    values = {}
    for name in ENTRY_FIELDS + CONTACT_FIELDS + list(PUBLIC_FLAGS.values()):
        if name not in data:
            continue
        value = data[name]
        if name == "description":
            value = text_to_html(value or "")
        values[name] = value
    return values


def _note(text: str) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return f"[{stamp}] {text}"


def _tell_editors(submission: Submission) -> None:
    path = reverse("wagtailsnippets_directory_submission:review", args=[submission.pk])
    mail_managers(
        f"New submission: {submission}",
        f"Review it at {settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}",
        fail_silently=True,
    )


@require_http_methods(["GET", "POST"])
def add_entry(request):
    """ "Add my co-op": a draft entry in the review queue, and the submission beside it."""
    form = NewEntryForm()
    if request.method == "POST":
        ip_hash = address_hash(request)
        if over_limit(ip_hash):
            return too_many(request)
        if _is_spam(request):
            count_submission(ip_hash)
            return redirect("submission-thanks")
        form = NewEntryForm(request.POST)
        if form.is_valid():
            data = proposed_fields(form.cleaned_data)
            with transaction.atomic():
                values = _entry_values(data)
                taken = set(
                    Entry.objects.filter(slug__startswith=make_slug(data["name"])).values_list(
                        "slug", flat=True
                    )
                )
                # Stored for editors, in the site's language.
                note = _note("Sent with the “Add my co-op” form; see Directory → Submissions.")
                entry = Entry(
                    slug=unique_slug(data["name"], taken),
                    live=False,
                    has_unpublished_changes=True,
                    needs_review=True,
                    review_note=note,
                    field_origins={name: ORIGIN for name, value in values.items() if value not in ("", None)},
                    **values,
                )
                entry.save()
                entry.save_revision(log_action=True)
                submission = _save(request, form, Submission.Kind.NEW, entry, data, ip_hash)
            count_submission(ip_hash)
            _tell_editors(submission)
            return redirect("submission-thanks")
    return render(request, "directory/submissions/add.html", {"form": form})


@require_http_methods(["GET", "POST"])
def suggest_change(request, slug):
    """ "Suggest a change to this entry": the entry waits in the review queue with the proposal."""
    entry = get_object_or_404(Entry.objects.published(), slug=slug)
    form = ChangeForm(entry=entry)
    if request.method == "POST":
        ip_hash = address_hash(request)
        if over_limit(ip_hash):
            return too_many(request)
        if _is_spam(request):
            count_submission(ip_hash)
            return redirect("submission-thanks")
        form = ChangeForm(request.POST, entry=entry)
        if form.is_valid():
            with transaction.atomic():
                submission = _save(request, form, Submission.Kind.CHANGE, entry, form.changes(), ip_hash)
                note = _note("A change was suggested with the public form; see Directory → Submissions.")
                # update(): flag the entry without touching its live content or its revisions.
                review_note = f"{entry.review_note}\n{note}".strip()
                Entry.objects.filter(pk=entry.pk).update(needs_review=True, review_note=review_note)
            count_submission(ip_hash)
            _tell_editors(submission)
            return redirect("submission-thanks")
    return render(request, "directory/submissions/suggest.html", {"form": form, "entry": entry})


def _save(request, form, kind, entry, data, ip_hash) -> Submission:
    return Submission.objects.create(
        kind=kind,
        entry=entry,
        entry_name=entry.name,
        data=data,
        message=form.cleaned_data.get("message", ""),
        submitter_name=form.cleaned_data["submitter_name"],
        submitter_email=form.cleaned_data["submitter_email"],
        consent=form.cleaned_data["consent"],
        language=translation.get_language() or "",
        ip_hash=ip_hash,
    )


def thanks(request):
    return render(request, "directory/submissions/thanks.html")
