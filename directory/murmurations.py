"""Murmurations profiles of published entries, so the wider network can find them.

Each published entry has a profile at ``/directory/<slug>/murmurations.json`` that validates
against the Murmurations ``organizations_schema-v1.0.0``; ``manage.py murmurations_register``
tells an index where the profiles are. A profile carries the entry's public facts only: no
contact details or telephone (the schema has fields for them, and the entry's contact e-mail is
private), no editors' notes.
"""

from __future__ import annotations

import calendar
import re

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_countries import countries

from .models import Entry
from .text import clean_text, html_to_text

SCHEMA = "organizations_schema-v1.0.0"
NAME_MAX = 200  # the schema's limits
TAG_MAX = 100
TAGS_MAX = 100
URL_MAX = 2000
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
_ISO_CODES = {code for code, _name in countries}


def _url(value) -> str:
    text = str(value or "").strip()
    return text if _HTTP.match(text) and len(text) <= URL_MAX and " " not in text else ""


def profile_path(entry) -> str:
    return reverse("murmurations-profile", kwargs={"slug": entry.slug})


def entry_queryset():
    """Published entries with everything a profile shows, in a fixed number of queries."""
    return (
        Entry.objects.published()
        .select_related("category", "organisation_type", "legal_form", "logo")
        .prefetch_related("activities", "member_classes", "tags")
    )


def _tags(entry) -> list[str]:
    words = []
    if entry.category_id:
        words.append(entry.category.name)
    if entry.organisation_type_id:
        words.append(entry.organisation_type.name)
    words += [term.name for term in entry.activities.all()]
    words += [term.name for term in entry.member_classes.all()]
    words += [tag.name for tag in entry.tags.all()]
    seen, tags = set(), []
    for word in words:
        text = clean_text(word)[:TAG_MAX].strip()
        if text and text.lower() not in seen:
            seen.add(text.lower())
            tags.append(text)
    return tags[:TAGS_MAX]


def _urls(entry, primary: str) -> list[dict]:
    found, seen = [], {primary} if primary else set()
    candidates = [(link.get("label"), link.get("url")) for link in entry.public_links]
    candidates.append(("Source code", entry.source_code_url))
    for label, url in candidates:
        url = _url(url)
        if url and url not in seen:
            seen.add(url)
            item = {"url": url}
            if clean_text(label):
                item["name"] = clean_text(label)
            found.append(item)
    return found


def _full_address(entry) -> str:
    parts = [entry.address, entry.locality, entry.region, entry.country.name if entry.country else ""]
    return ", ".join(clean_text(part) for part in parts if clean_text(part))


def build_profile(entry, base_url: str) -> dict:
    """The entry as an ``organizations_schema-v1.0.0`` profile; URLs are made absolute on ``base_url``."""
    base_url = base_url.rstrip("/")
    profile: dict = {"linked_schemas": [SCHEMA], "name": clean_text(entry.name)[:NAME_MAX] or entry.slug}
    nicknames = [clean_text(name) for name in (entry.other_names or []) if clean_text(name)]
    if nicknames:
        profile["nickname"] = nicknames[0]
    primary = _url(entry.website)
    if primary:
        profile["primary_url"] = primary
    tags = _tags(entry)
    if tags:
        profile["tags"] = tags
    urls = _urls(entry, primary)
    page = entry.get_url()
    if page:
        urls.append({"name": "Co-op Portal directory", "url": base_url + page})
    if urls:
        profile["urls"] = urls
    description = html_to_text(entry.description) if entry.description else ""
    description = clean_text(description) or clean_text(entry.summary)
    if description:
        profile["description"] = description
    if entry.summary and clean_text(entry.summary) != description:
        profile["mission"] = clean_text(entry.summary)
    if entry.status:
        profile["status"] = entry.status
    address = _full_address(entry)
    if address:
        profile["full_address"] = address
    if entry.country and entry.country.code in _ISO_CODES:
        profile["country_iso_3166"] = entry.country.code
    if entry.latitude is not None and entry.longitude is not None:
        profile["geolocation"] = {"lat": float(entry.latitude), "lon": float(entry.longitude)}
    image = _url(entry.logo_url)
    if entry.logo_id and entry.logo and entry.logo.file:
        image = _url(base_url + entry.logo.file.url) or image
    if image:
        profile["image"] = image
    if entry.founded_year:
        profile["starts_at"] = calendar.timegm((entry.founded_year, 1, 1, 0, 0, 0))
    if entry.geographic_scope:
        profile["geographic_scope"] = entry.geographic_scope
    profile["unique_id"] = entry.slug
    return profile


@require_GET
def profile_view(request, slug):
    entry = get_object_or_404(entry_queryset(), slug=slug)
    profile = build_profile(entry, request.build_absolute_uri("/"))
    return JsonResponse(
        profile,
        json_dumps_params={"ensure_ascii": False},
        headers={"Cache-Control": "public, max-age=3600"},
    )
