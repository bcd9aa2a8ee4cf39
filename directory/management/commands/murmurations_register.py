"""Tell a Murmurations index where each published entry's profile is.

    python manage.py murmurations_register --index https://index.murmurations.network \\
        --base-url https://coops.example.org [--dry-run] [--limit N] [--json]

For every published entry it POSTs ``{"profile_url": "<base-url>/directory/<slug>/murmurations.json"}``
to the index's ``/v2/nodes`` (index API v2: the index queues the profile, fetches it from our site
and validates it; the answer carries the node id, sha256 of the profile URL). An entry the index
refuses (a 4xx with its ``errors``, a 5xx, no answer) is reported with the reason and the run goes
on; the summary counts both, and the command fails (exit status 1) when any entry failed.
"""

from __future__ import annotations

import json
import time

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.models import Entry
from directory.murmurations import profile_path

RETRY_STATUSES = {429, 502, 503, 504}
ATTEMPTS = 3


def nodes_url(index: str) -> str:
    """The index's nodes endpoint from its address: https://host, https://host/v2 or .../v2/nodes."""
    url = index.strip().rstrip("/")
    if url.endswith("/v2/nodes"):
        return url
    if url.endswith("/v2"):
        return url + "/nodes"
    return url + "/v2/nodes"


def describe_refusal(response: requests.Response) -> str:
    """The index's own words when it gives them (JSON:API-style ``errors``), else the status."""
    reason = f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()[:200]
        return f"{reason}: {text}" if text else reason
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors:
        parts = []
        for error in errors[:5]:
            if isinstance(error, dict):
                parts.append(": ".join(str(error[k]) for k in ("title", "detail") if error.get(k)))
        if any(parts):
            return f"{reason}: " + "; ".join(p for p in parts if p)
    return reason


class Command(BaseCommand):
    help = "Register every published entry's Murmurations profile with a Murmurations index."

    def add_arguments(self, parser):
        parser.add_argument(
            "--index", required=True, help="The index's address, e.g. https://index.murmurations.network"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="The public address of this portal, which the index fetches profiles from "
            "(default: WAGTAILADMIN_BASE_URL).",
        )
        parser.add_argument("--dry-run", action="store_true", help="List the profile URLs; send nothing.")
        parser.add_argument("--limit", type=int, default=0, help="Register at most N entries.")
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait for each answer.")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args, **options):
        base_url = (options["base_url"] or settings.WAGTAILADMIN_BASE_URL or "").rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise CommandError("--base-url must be an http(s) address, e.g. https://coops.example.org")
        index = options["index"]
        if not index.startswith(("http://", "https://")):
            raise CommandError("--index must be an http(s) address, e.g. https://index.murmurations.network")
        endpoint = nodes_url(index)

        entries = Entry.objects.published().order_by("pk").only("pk", "slug")
        if options["limit"] > 0:
            entries = entries[: options["limit"]]

        session = requests.Session()
        session.headers["User-Agent"] = settings.PORTAL_USER_AGENT
        summary = {
            "index": endpoint,
            "dry_run": options["dry_run"],
            "registered": 0,
            "failed": 0,
            "errors": [],
        }
        for entry in entries.iterator(chunk_size=1000):
            profile_url = base_url + profile_path(entry)
            if options["dry_run"]:
                self.stdout.write(profile_url)
                summary["registered"] += 1
                continue
            problem = self.post(session, endpoint, profile_url, options["timeout"])
            if problem:
                summary["failed"] += 1
                summary["errors"].append({"entry": entry.slug, "profile_url": profile_url, "reason": problem})
                self.stderr.write(f"{entry.slug}: {problem}")
            else:
                summary["registered"] += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{entry.slug}: registered")

        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            verb = "would register" if options["dry_run"] else "registered"
            self.stdout.write(f"{endpoint}: {verb} {summary['registered']}, failed {summary['failed']}.")
        if summary["failed"]:
            raise CommandError(f"{summary['failed']} of {summary['failed'] + summary['registered']} failed.")

    @staticmethod
    def post(session, endpoint: str, profile_url: str, timeout: float) -> str:
        """'' when the index took the profile, else why not."""
        for attempt in range(ATTEMPTS):
            try:
                response = session.post(endpoint, json={"profile_url": profile_url}, timeout=timeout)
            except requests.RequestException as error:
                if attempt + 1 < ATTEMPTS:
                    time.sleep(0.5 * (attempt + 1))
                    continue
                return f"no answer from the index ({type(error).__name__})"
            if response.status_code in RETRY_STATUSES and attempt + 1 < ATTEMPTS:
                delay = response.headers.get("Retry-After", "")
                time.sleep(min(float(delay), 30.0) if delay.isdigit() else 0.5 * (attempt + 1))
                continue
            if 200 <= response.status_code < 300:
                return ""
            return describe_refusal(response)
        return "no answer from the index"  # pragma: no cover - the loop always returns
