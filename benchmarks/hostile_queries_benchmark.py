"""Hostile queries against autocomplete and search, with a normal query as the baseline of the same run.

    python benchmarks/hostile_queries_benchmark.py [--rows 10000] [--repeat 3] [--keep DIR] [--output FILE]

Builds (or reuses, with --keep) a throwaway SQLite catalogue of Co-operatives UK rows as
`search_benchmark.py` does, then times `search.api.autocomplete()` and `search.api.search()` for:

- fifty_words: a 50-word query ("platform co-op ..." repeated);
- nul: "a\\x00b", what `?q=a%00b` reaches the view as;
- percent: "a%00b" as typed;
- normal: "bakery", the baseline.

Prints one JSON object: for each call and query, the best wall and process CPU seconds over
--repeat runs, the number of words the engine received, and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.search_benchmark import build_catalogue  # noqa: E402

QUERIES = {
    "fifty_words": " ".join(["platform", "co-op", "bakery", "housing", "workers"] * 10),
    "nul": "a\x00b",
    "percent": "a%00b",
    "normal": "bakery",
}


def timed(call, repeat: int) -> dict:
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return {"wall_s": round(best_wall, 4), "cpu_s": round(best_cpu, 4)}


def measure(repeat: int) -> dict:
    from search import api

    received = {}
    engine_class = type(api.get_engine())
    real_autocomplete, real_search = engine_class.autocomplete, engine_class.search

    def spy_autocomplete(self, text, limit):
        received["autocomplete"] = len(text.split())
        return real_autocomplete(self, text, limit)

    def spy_search(self, query, *args, **kwargs):
        received["search"] = len(query.split())
        return real_search(self, query, *args, **kwargs)

    engine_class.autocomplete, engine_class.search = spy_autocomplete, spy_search
    out = {}
    try:
        for call_name, call in (("autocomplete", api.autocomplete), ("search", api.search)):
            rows = {}
            for name, query in QUERIES.items():
                received.pop(call_name, None)
                rows[name] = {
                    **timed(lambda q=query, c=call: c(q), repeat),
                    "words_received": received.get(call_name, 0),
                }
            base = rows["normal"]["wall_s"] or 1e-9
            for row in rows.values():
                row["x_normal"] = round(row["wall_s"] / base, 1)
            out[call_name] = rows
    finally:
        engine_class.autocomplete, engine_class.search = real_autocomplete, real_search
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the catalogue here and reuse it next time")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="hostile-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = build_catalogue(args.rows, folder, None)
    result = {"rows": args.rows, "catalogue": catalogue, "repeat": args.repeat, **measure(args.repeat)}
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
