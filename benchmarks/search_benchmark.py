"""Search speed at 10,000 and 100,000 entries, against a baseline and a floor measured in the same run.

    python benchmarks/search_benchmark.py [--rows 10000 100000] [--queries 200] [--repeat 1]
        [--database-url postgres://postgres@127.0.0.1:5432/s1bench] [--keep DIR] [--output FILE]

For each size, a catalogue is built from the real Co-operatives UK rows, repeated
with variations (each copy gets unique ids and numbered names), imported through the
real pipeline into a throwaway database (SQLite files by default; with
--database-url, one PostgreSQL database per size, named <name>_<rows>, then
VACUUM ANALYZEd as autovacuum would have done). A fixed mix
of queries (seeded: single words, two-word phrases, typos, prefixes and a few
filter-only ones, each with zero to two filters) is then timed four ways:

- search_call: `search.api.search(q, filters)`, the portal's engine, facet counts included;
- page: the whole `/directory/?q=...` request through Django's test client;
- baseline: the peer's approach: `icontains` over name, description, locality, country
  and activity names, count + first page, facet counts by GROUP BY (the ORM);
- floor: the same match, count, first page of ids and disjunctive facet counts as bare
  SQL on the full-text table (SQLite FTS5 / PostgreSQL tsvector), no ranking, no labels.

Prints one JSON object: p50/p95 milliseconds of each, and the ratios the issue's
targets are stated in. --keep keeps (and reuses) the built catalogues.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.import_benchmark import DEFAULT_FILES, synthetic_file  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEED = 4  # the number: the mix is the same on every run
DIMENSION_NAMES = ["category", "type", "activity", "member", "country", "status"]


# --- the catalogue -----------------------------------------------------------------------------
def point_django_at(url: str):
    """Configure Django (once) or switch its default database to `url`, then migrate."""
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("LOG_LEVEL", "ERROR")
        os.environ["DEBUG"] = "false"  # no query log, production templates
        django.setup()
    else:
        import environ
        from django.db import connections

        connections["default"].close()
        new = environ.Env.db_url_config(url)
        settings.DATABASES["default"].update(NAME=new["NAME"])
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        call_command("migrate", verbosity=0)
    except DatabaseError:
        # A kept catalogue built before a migration was written already has its tables.
        call_command("migrate", fake=True, verbosity=0)
    add_unmigrated_columns()


def add_unmigrated_columns():
    """Tables and columns of models whose migration is not written yet (other work in the checkout):
    the throwaway database gets them so that imports and pages run."""
    from django.apps import apps
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:
                continue
            table = model._meta.db_table
            tables = set(connection.introspection.table_names(cursor))  # create_model adds link tables
            if table not in tables:
                try:
                    with connection.schema_editor() as editor:
                        editor.create_model(model)
                except DatabaseError:  # its link tables came first; the page needing it may then fail
                    pass
                continue
            if model._meta.app_label not in {"directory", "portal"}:
                continue
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            missing = [f for f in model._meta.local_fields if f.column not in columns]
            with connection.schema_editor() as editor:
                for field in missing:
                    editor.add_field(model, field)


def postgres_database(url: str, rows: int) -> str:
    """The URL of a PostgreSQL database of its own for this size, created if missing."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.strip('/') or 'searchbench'}_{rows}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def build_catalogue(rows: int, folder: Path, database_url: str | None) -> dict:
    url = (
        postgres_database(database_url, rows)
        if database_url
        else f"sqlite:///{folder / f'catalogue-{rows}.sqlite3'}"
    )
    point_django_at(url)
    from directory.models import Entry

    existing = Entry.objects.count()
    if existing >= rows:
        return {"entries": existing, "import_seconds": None, "reused": True, **vacuum_analyze()}
    from importers.runner import run_import

    big = synthetic_file("coops-uk", DEFAULT_FILES["coops-uk"], rows, folder)
    started = time.perf_counter()
    report, _run = run_import("coops-uk", file=str(big))
    built = {"entries": report.created, "import_seconds": round(time.perf_counter() - started, 1)}
    return {**built, **vacuum_analyze()}


def vacuum_analyze() -> dict:
    """PostgreSQL: VACUUM ANALYZE the freshly built catalogue, as autovacuum would have done.

    This server runs with autovacuum off (its CI configuration), so nothing else ever does it, and
    - without statistics the planner takes every table for a few dozen rows and joins the search
      index to the entries by nested loops over the whole table (seconds per search at 10,000
      entries, minutes at 100,000);
    - without a vacuum the GIN indexes of the search index keep their rows in the pending list
      (fastupdate), which every search reads through from end to end (ANALYZE does not flush it).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"vacuum_analyze_seconds": round(time.perf_counter() - started, 1)}


# --- the query mix -----------------------------------------------------------------------------
def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "swap", "replace"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiourstn") + word[i + 1 :]


def query_mix(count: int) -> list[dict]:
    """A fixed mix: words, phrases, typos and prefixes from the catalogue's own text, 0-2 filters."""
    from django.db.models import Count

    from directory.models import Entry
    from search.facets import DIMENSIONS_BY_NAME

    rng = random.Random(SEED)
    published = Entry.objects.published().order_by("pk")
    sample = list(published.values_list("name", "summary")[:5000])
    words = sorted(
        {
            w.lower()
            for name, summary in sample
            for w in re.findall(r"[^\W\d_]{4,}", f"{name} {summary}")
            if w.lower() not in {"limited", "the", "and", "ltd"}
        }
    )
    names = [name for name, _summary in sample if len(re.findall(r"[^\W\d_]{3,}", name)) >= 2]
    values = {}
    for name in DIMENSION_NAMES:
        lookup = DIMENSIONS_BY_NAME[name].lookup
        rows = published.exclude(**{f"{lookup}__isnull": True}).exclude(**{lookup: ""}).values(lookup)
        ranked = rows.annotate(n=Count("pk")).order_by("-n", lookup)[:12]
        values[name] = [row[lookup] for row in ranked]
    values = {name: found for name, found in values.items() if found}

    def filters():
        chosen = rng.sample(sorted(values), k=rng.choice([0, 0, 1, 1, 2]))
        return {name: [rng.choice(values[name])] for name in chosen}

    plan = [("word", 0.35), ("phrase", 0.2), ("typo", 0.2), ("prefix", 0.15), ("filters only", 0.1)]
    mix = []
    for kind, share in plan:
        for _ in range(round(count * share)):
            if kind == "word":
                query = rng.choice(words)
            elif kind == "phrase":
                parts = re.findall(r"[^\W\d_]{3,}", rng.choice(names))
                start = rng.randrange(len(parts) - 1)
                query = " ".join(parts[start : start + 2]).lower()
            elif kind == "typo":
                query = typo(rng.choice([w for w in words if len(w) >= 5]), rng)
            elif kind == "prefix":
                word = rng.choice([w for w in words if len(w) >= 6])
                query = word[: rng.randint(3, 5)]
            else:
                query = ""
            chosen = filters()
            if kind == "filters only" and not chosen:
                chosen = {"status": [values["status"][0]]} if rng.random() < 0.5 else {}
            mix.append({"kind": kind, "q": query, "filters": chosen})
    rng.shuffle(mix)
    return mix[:count]


# --- the four ways -----------------------------------------------------------------------------
def baseline(query: str, filters: dict):
    """The peer's approach: icontains over a few columns, count + page, facet counts by GROUP BY."""
    from django.db.models import Count, Q

    from directory.models import Entry
    from search.facets import DIMENSIONS, DIMENSIONS_BY_NAME

    def narrowed(skip=None):
        queryset = Entry.objects.filter(live=True)
        if query:
            queryset = queryset.filter(
                Q(name__icontains=query)
                | Q(description__icontains=query)
                | Q(locality__icontains=query)
                | Q(country__icontains=query)
                | Q(activities__name__icontains=query)
            ).distinct()
        for name, chosen in filters.items():
            if name != skip:
                queryset = queryset.filter(**{f"{DIMENSIONS_BY_NAME[name].lookup}__in": chosen}).distinct()
        return queryset

    found = narrowed()
    total = found.count()
    page = list(found.order_by("name")[:20])
    for dimension in DIMENSIONS:
        rows = narrowed(skip=dimension.name).order_by().values(dimension.lookup)
        list(rows.annotate(n=Count("pk", distinct=True)))
    return total, page


FACET_SQL = {
    # dimension -> (FROM joins after e, the column counted by)
    "category": ("JOIN directory_category c ON c.id = e.category_id", "c.slug"),
    "type": ("JOIN directory_organisationtype t ON t.id = e.organisation_type_id", "t.slug"),
    "activity": (
        "JOIN directory_entry_activities ea ON ea.entry_id = e.id "
        "JOIN directory_activity a ON a.id = ea.activity_id",
        "a.slug",
    ),
    "member": (
        "JOIN directory_entry_member_classes em ON em.entry_id = e.id "
        "JOIN directory_memberclass mc ON mc.id = em.memberclass_id",
        "mc.slug",
    ),
    "country": ("", "e.country"),
    "status": ("", "e.status"),
}
FILTER_SQL = {
    "category": "e.category_id IN (SELECT id FROM directory_category WHERE slug IN ({}))",
    "type": "e.organisation_type_id IN (SELECT id FROM directory_organisationtype WHERE slug IN ({}))",
    "activity": "e.id IN (SELECT ea.entry_id FROM directory_entry_activities ea JOIN directory_activity a "
    "ON a.id = ea.activity_id WHERE a.slug IN ({}))",
    "member": "e.id IN (SELECT em.entry_id FROM directory_entry_member_classes em "
    "JOIN directory_memberclass mc ON mc.id = em.memberclass_id WHERE mc.slug IN ({}))",
    "country": "e.country IN ({})",
    "status": "e.status IN ({})",
}


def floor(query: str, filters: dict):
    """The same match, count, first page and facet counts as bare SQL on the full-text table."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from directory.models import Entry

    content_type = ContentType.objects.get_for_model(Entry).pk
    words = re.findall(r"\w+", query)
    matched_cte, cte_params, joined = "", [], ""
    if not words:
        matched, match_params, order = "", [], "e.name"
    elif connection.vendor == "sqlite":
        match = "{title body} : (" + " AND ".join(f'"{w}"' for w in words) + ")"
        matched = (
            " AND e.id IN (SELECT CAST(ie.object_id AS INTEGER) FROM wagtailsearch_indexentry_fts "
            "CROSS JOIN wagtailsearch_indexentry ie ON ie.id = wagtailsearch_indexentry_fts.rowid "
            "WHERE wagtailsearch_indexentry_fts MATCH %s AND ie.content_type_id = %s)"
        )
        match_params, order = [match, content_type], "e.name"
    else:
        # Wagtail's PostgreSQL backend matches `(title || body) @@ to_tsquery('simple', "'w1' & 'w2'")`
        # (operator "and", SEARCH_CONFIG "simple"), which no index serves. A lexeme is in
        # `title || body` exactly when it is in title or in body, so per word
        # `(title @@ 'w' OR body @@ 'w')`, all ANDed, finds the same entries, and each test is a
        # scan of the column's GIN index (BitmapOr / BitmapAnd). The matching ids are gathered
        # first (a materialised CTE) and joined by key, so the plan cannot turn them inside out.
        lexeme = "to_tsquery('simple', %s)"
        per_word = f"(ie.title @@ {lexeme} OR ie.body @@ {lexeme})"
        matched_cte = (
            "WITH matched AS MATERIALIZED (SELECT CAST(ie.object_id AS INTEGER) AS id "
            "FROM wagtailsearch_indexentry ie WHERE ie.content_type_id = %s AND "
            + " AND ".join([per_word] * len(words))
            + ") "
        )
        cte_params = [content_type]
        for word in words:
            quoted = "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"  # as the backend's Lexeme
            cte_params += [quoted, quoted]
        joined = " JOIN matched m ON m.id = e.id"
        matched, match_params, order = "", [], "e.name"

    def where(skip=None):
        clauses, params = ["e.live" + matched], list(match_params)
        for name, chosen in filters.items():
            if name != skip:
                clauses.append(FILTER_SQL[name].format(", ".join(["%s"] * len(chosen))))
                params += chosen
        return " AND ".join(clauses), params

    entries = f"{matched_cte}SELECT {{}} FROM directory_entry e{joined}"
    with connection.cursor() as cursor:
        sql, params = where()
        cursor.execute(f"{entries.format('count(*)')} WHERE {sql}", cte_params + params)
        total = cursor.fetchone()[0]
        cursor.execute(f"{entries.format('e.id')} WHERE {sql} ORDER BY {order} LIMIT 20", cte_params + params)
        cursor.fetchall()
        for name in DIMENSION_NAMES:
            joins, column = FACET_SQL[name]
            sql, params = where(skip=name)
            cursor.execute(
                f"{entries.format(f'{column}, count(*)')} {joins} WHERE {sql} GROUP BY {column}",
                cte_params + params,
            )
            cursor.fetchall()
    return total


def page_request(client, query: str, filters: dict):
    response = client.get("/directory/", {"q": query, **filters})
    assert response.status_code == 200, response.status_code
    return response


# --- measuring ---------------------------------------------------------------------------------
def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return round(ordered[index] * 1000, 1)


def measure(function, mix: list[dict], repeat: int) -> dict:
    """Wall-clock milliseconds, and this process's CPU milliseconds (steadier on a shared machine;
    on SQLite the database works in this process, on PostgreSQL its server's CPU is not counted)."""
    samples, cpu, by_kind = [], [], {}
    for _ in range(repeat):
        for item in mix:
            started, started_cpu = time.perf_counter(), time.process_time()
            function(item["q"], item["filters"])
            took = time.perf_counter() - started
            cpu.append(time.process_time() - started_cpu)
            samples.append(took)
            by_kind.setdefault(item["kind"], []).append(took)
    return {
        "p50_ms": percentile(samples, 0.5),
        "p95_ms": percentile(samples, 0.95),
        "max_ms": percentile(samples, 1.0),
        "mean_ms": round(statistics.mean(samples) * 1000, 1),
        "cpu_p50_ms": percentile(cpu, 0.5),
        "cpu_p95_ms": percentile(cpu, 0.95),
        "p95_ms_by_kind": {kind: percentile(found, 0.95) for kind, found in sorted(by_kind.items())},
    }


def run_size(rows: int, folder: Path, args) -> dict:
    result = build_catalogue(rows, folder, args.database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from search.api import get_engine, search

    settings.ALLOWED_HOSTS = ["*"]
    mix = query_mix(args.queries)
    client = Client()
    engine = type(get_engine()).__name__
    result.update(
        database=connection.vendor,
        engine=engine,
        queries=len(mix),
        mix={
            kind: sum(1 for item in mix if item["kind"] == kind) for kind in sorted({i["kind"] for i in mix})
        },
        filters_per_query={n: sum(1 for i in mix if len(i["filters"]) == n) for n in (0, 1, 2)},
    )
    # One untimed pass warms the database's page cache and the engine's vocabulary for everyone.
    for item in mix[:20]:
        search(item["q"], item["filters"])
        floor(item["q"], item["filters"])
    totals = [search(i["q"], i["filters"]).total for i in mix]
    result["median_hits"] = statistics.median(totals)
    result["max_hits"] = max(totals)
    ways = {
        "search_call": lambda q, f: search(q, f),
        "page": lambda q, f: page_request(client, q, f),
        "floor": floor,
        "baseline": baseline,
    }
    timings = {name: measure(function, mix, args.repeat) for name, function in ways.items()}
    result["timings"] = {engine: {"search_call": timings["search_call"], "page": timings["page"]}}
    result["floor"] = timings["floor"]
    result["baseline"] = timings["baseline"]
    call, page = timings["search_call"]["p95_ms"], timings["page"]["p95_ms"]
    result["ratios_p95"] = {
        "baseline_over_search_call": round(timings["baseline"]["p95_ms"] / max(call, 0.1), 1),
        "search_call_over_floor": round(call / max(timings["floor"]["p95_ms"], 0.1), 2),
        "cpu_baseline_over_search_call": round(
            timings["baseline"]["cpu_p95_ms"] / max(timings["search_call"]["cpu_p95_ms"], 0.1), 1
        ),
        "cpu_search_call_over_floor": round(
            timings["search_call"]["cpu_p95_ms"] / max(timings["floor"]["cpu_p95_ms"], 0.1), 2
        ),
    }
    result["targets_met"] = {
        "search_call_p95_le_50ms": call <= 50,
        "page_p95_le_120ms": page <= 120,
        "ten_times_faster_than_baseline": result["ratios_p95"]["baseline_over_search_call"] >= 10,
        "within_3x_of_floor": result["ratios_p95"]["search_call_over_floor"] <= 3,
    }
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="passes over the mix per way")
    parser.add_argument("--database-url", default=os.environ.get("BENCHMARK_DATABASE_URL"))
    parser.add_argument("--keep", type=Path, help="build (or reuse) the SQLite catalogues in this folder")
    parser.add_argument("--output", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    if args.database_url and not args.database_url.startswith("postgres"):
        sys.exit("--database-url: a postgres:// URL (SQLite catalogues are built in a folder)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        result = {"cpus": os.cpu_count(), "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "sizes": {}}
        for rows in args.rows:
            result["sizes"][str(rows)] = run_size(rows, folder, args)
        text = json.dumps(result, indent=2)
        print(text)
        if args.output:
            args.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
