"""Search speed on a large catalogue, against Wagtail's own database search in the same run.

    python benchmarks/search_benchmark.py [--rows 100000] [--repeat 5]

Builds a catalogue of --rows entries (real Co-operatives UK rows, repeated with
unique ids, imported through the real pipeline into a throwaway SQLite database),
then times faceted searches through `search.api.search` (the portal's database
engine) and, for the text queries, the naive path: Wagtail's backend search with
scores, as a view would use it (count + page). Prints one JSON object with the
median milliseconds per query.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_benchmark import DEFAULT_FILES, setup_django, synthetic_file  # noqa: E402

QUERIES = [
    ("housing", {}),
    ("housing", {"country": ["GB"]}),
    ("co-op", {"member": ["worker"]}),
    ("bakery", {}),
    ("", {"country": ["GB"], "status": ["active"]}),
    ("", {"activity": ["other-services"]}),
    ("marketplce", {}),  # a typo: the suggestion path
]


def timed(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return round(statistics.median(runs) * 1000, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        setup_django(folder / "catalogue.sqlite3")
        from importers.runner import run_import

        big = synthetic_file("coops-uk", DEFAULT_FILES["coops-uk"], args.rows, folder)
        started = time.perf_counter()
        report, _run = run_import("coops-uk", file=str(big))
        result = {"entries": report.created, "import_seconds": round(time.perf_counter() - started, 1)}

        from wagtail.search.backends import get_search_backend

        from directory.models import Entry
        from search.api import search

        backend = get_search_backend()
        timings = {}
        for query, filters in QUERIES:
            label = f"{query or '*'} {json.dumps(filters)}"
            search(query, filters)  # warm
            entry = {"portal_ms": timed(lambda q=query, f=filters: search(q, f), args.repeat)}
            entry["total"] = search(query, filters).total
            if query and not filters:

                def naive(q=query):
                    results = backend.search(q, Entry.objects.filter(live=True)).annotate_score("_score")
                    results.count()
                    list(results[:20])

                entry["wagtail_backend_ms"] = timed(naive, 1)
            timings[label] = entry
        result["queries"] = timings
        result["portal_median_ms"] = statistics.median(t["portal_ms"] for t in timings.values())
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
