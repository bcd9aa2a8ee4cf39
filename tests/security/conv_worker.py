"""One process of the conv tests, on the database DATABASE_URL names (see conv_support.py).

    python tests/security/conv_worker.py import FILE          run_import("coops-uk", file=FILE)
    python tests/security/conv_worker.py submit N NAME ADDR    N "Add my co-op" posts through the real view
    python tests/security/conv_worker.py findable SOURCE       published entries of SOURCE not found by name
    python tests/security/conv_worker.py runs                  the import runs, as the Imports list shows them

Each prints one JSON object on its last line of output.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()


def do_import(path: str) -> dict:
    from importers.runner import run_import

    report, run = run_import("coops-uk", file=path)
    lost = [e for e in run.errors if "could not be saved" in e["reason"]]
    return {
        "run": run.pk,
        "outcome": run.outcome,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "skipped": run.skipped,
        "errors": len(run.errors),
        "lost": len(lost),
        "lost_examples": lost[:3],
        "indexed": report.indexed,
    }


def do_submit(count: int, prefix: str, address: str) -> dict:
    from django.test import Client

    # HTTP_HOST: outside pytest-django, "testserver" is not in ALLOWED_HOSTS (every answer would be 400).
    client = Client(
        enforce_csrf_checks=True, raise_request_exception=False, REMOTE_ADDR=address, HTTP_HOST="127.0.0.1"
    )
    statuses: dict[str, int] = {}
    accepted = []
    for number in range(count):
        form = client.get("/directory/add/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.content)
        name = f"{prefix} {number} co-op"
        response = client.post(
            "/directory/add/",
            {
                "csrfmiddlewaretoken": token.group(1).decode() if token else "",
                "name": name,
                "summary": "A platform co-op sent during the concurrency test.",
                "submitter_name": "Tester",
                "submitter_email": "tester@example.org",
                "consent": "on",
            },
        )
        key = str(response.status_code)
        statuses[key] = statuses.get(key, 0) + 1
        if response.status_code == 302:
            accepted.append(name)
    return {"statuses": statuses, "accepted": accepted}


def do_findable(slug: str) -> dict:
    from directory.models import Entry
    from search.api import search

    entries = list(Entry.objects.published().filter(source_records__source__slug=slug).distinct())
    lost = []
    for entry in entries:
        results = search(query=entry.name, page_size=100)
        if entry.pk not in {hit.pk for hit in results.hits}:
            lost.append(entry.name)
    return {"published": len(entries), "not_found": lost}


def do_runs() -> dict:
    from importers.models import ImportRun

    ImportRun.objects.mark_stopped()
    return {
        "runs": [
            {"pk": run.pk, "source": run.source, "outcome": run.outcome, "message": run.message}
            for run in ImportRun.objects.order_by("pk")
        ]
    }


def main(argv: list[str]) -> dict:
    command, *args = argv
    if command == "import":
        return do_import(args[0])
    if command == "submit":
        return do_submit(int(args[0]), args[1], args[2])
    if command == "findable":
        return do_findable(args[0])
    if command == "runs":
        return do_runs()
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
