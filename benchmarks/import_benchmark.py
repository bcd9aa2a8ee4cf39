"""Import speed and memory, against a naive baseline measured in the same run.

    python benchmarks/import_benchmark.py [--source coops-uk] [--file PATH] [--rows 100000]

Prints one JSON object. Every figure comes from this run on this machine:

- pipeline_seconds: the real file into an empty SQLite database through
  import_listings' code (bulk writes, one search-index update), index included;
- baseline_seconds: the same normalised records written the naive way
  (update_or_create per row, relations set per row, search auto-update on);
- reimport_seconds / reimport_writes: the same file again (writes = SQL INSERT,
  UPDATE and DELETE statements);
- synthetic_peak_mb: peak resident memory of a separate process importing a
  synthetic file of --rows rows built from the real ones (ids made unique).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PORTAL_SHARED_DATA", REPO.parent / "shared" / "data"))
DEFAULT_FILES = {
    "coops-uk": SHARED / "coops-uk" / "open_data_organisations_2017-06.csv",
    "ioo": SHARED / "ioo" / "ioo-directory.csv",
    "essglobal": SHARED / "sea-essglobal" / "workers-coop_standard.Q2-2022.csv",
}
ID_COLUMNS = {"coops-uk": "CUK Organisation ID", "ioo": "Name", "essglobal": "Identifier"}


def setup_django(database: Path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def count_writes():
    from django.db import connection

    counter = {"writes": 0}

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            counter["writes"] += 1
        return execute(sql, params, many, context)

    return counter, connection.execute_wrapper(wrapper)


def pipeline(source: str, path: Path) -> dict:
    from importers.runner import run_import

    started = time.perf_counter()
    report, run = run_import(source, file=str(path))
    seconds = time.perf_counter() - started
    counter, wrapper = count_writes()
    with wrapper:
        started = time.perf_counter()
        again, _ = run_import(source, file=str(path))
        reimport = time.perf_counter() - started
    return {
        "pipeline_seconds": round(seconds, 2),
        "created": report.created,
        "errors": len(report.errors),
        "reimport_seconds": round(reimport, 2),
        "reimport_created": again.created,
        "reimport_updated": again.updated,
        # One ImportRun row is written per run (INSERT + final UPDATE): the record of the run.
        "reimport_writes": counter["writes"],
    }


def baseline(source: str, path: Path) -> dict:
    """The naive way: one update_or_create per record, relations per row, index per save."""
    from django.db import transaction

    from directory.models import Entry, Source, SourceRecord
    from directory.text import unique_slug
    from importers.records import MULTI_TERM_FIELDS, SCALAR_FIELDS, TERM_FIELDS
    from importers.registry import get_source

    adapter = get_source(source)
    records = [r for r in adapter.parse(path.read_bytes(), str(path)) if hasattr(r, "fields")]
    source_row, _ = Source.objects.get_or_create(slug=source, defaults=adapter.source_defaults())
    models = {
        "organisation_type": "OrganisationType",
        "category": "Category",
        "legal_form": "LegalForm",
        "activities": "Activity",
        "member_classes": "MemberClass",
    }
    from django.apps import apps
    from django.utils import timezone

    slugs: set[str] = set()
    started = time.perf_counter()
    for record in records:
        with transaction.atomic():
            values = {k: v for k, v in record.fields.items() if k in SCALAR_FIELDS}
            for name in TERM_FIELDS & record.fields.keys():
                model = apps.get_model("directory", models[name])
                values[name] = model.objects.get_or_create_by_name(record.fields[name])
            existing = SourceRecord.objects.filter(source=source_row, external_id=record.external_id).first()
            entry, _ = Entry.objects.update_or_create(
                pk=existing.entry_id if existing else None,
                defaults={**values, "slug": unique_slug(record.name, slugs)},
            )
            for name in (MULTI_TERM_FIELDS - {"tags"}) & record.fields.keys():
                model = apps.get_model("directory", models[name])
                terms = [model.objects.get_or_create_by_name(v) for v in record.fields[name]]
                getattr(entry, name).set(terms)
                entry.save()  # re-index with the relations, as a per-row importer would
            now = timezone.now()
            SourceRecord.objects.update_or_create(
                source=source_row,
                external_id=record.external_id,
                defaults={
                    "entry": entry,
                    "raw": record.raw,
                    "content_hash": record.content_hash,
                    "first_seen": now,
                    "last_seen": now,
                },
            )
    return {"baseline_seconds": round(time.perf_counter() - started, 2), "baseline_rows": len(records)}


def synthetic_file(source: str, path: Path, rows: int, folder: Path) -> Path:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    real = list(reader)
    id_column = ID_COLUMNS[source]
    out = folder / f"synthetic-{rows}.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=reader.fieldnames)
        writer.writeheader()
        for i in range(rows):
            row = dict(real[i % len(real)])
            copy = i // len(real)
            if copy:
                row[id_column] = f"{row[id_column]}-{copy}"
                for name_column in ("Registered Name", "Trading Name", "Name"):
                    if row.get(name_column):
                        row[name_column] = f"{row[name_column]} {copy}"
            writer.writerow(row)
    return out


def synthetic_memory(source: str, path: Path, rows: int, folder: Path) -> dict:
    big = synthetic_file(source, path, rows, folder)
    database = folder / "synthetic.sqlite3"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", source, str(big), str(database)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    if done.returncode:
        return {"synthetic_error": done.stderr[-2000:]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {f"synthetic_{k}": v for k, v in result.items()}


def child(source: str, path: str, database: str):
    """Import one file in a fresh process and report its peak memory."""
    setup_django(Path(database))
    from importers.runner import run_import

    started = time.perf_counter()
    report, _run = run_import(source, file=path)
    print(
        json.dumps(
            {
                "rows": report.handled,
                "created": report.created,
                "errors": len(report.errors),
                "seconds": round(time.perf_counter() - started, 1),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


def main():
    if sys.argv[1:2] == ["--child"]:
        return child(*sys.argv[2:5])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="coops-uk", choices=sorted(DEFAULT_FILES))
    parser.add_argument("--file", type=Path)
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic file size (0 to skip)")
    args = parser.parse_args()
    path = args.file or DEFAULT_FILES[args.source]
    if not path.is_file():
        sys.exit(f"no file at {path} (set PORTAL_SHARED_DATA or give --file)")

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        fast_db, slow_db = folder / "pipeline.sqlite3", folder / "baseline.sqlite3"
        setup_django(fast_db)
        result = {"source": args.source, "file": str(path), "cpus": os.cpu_count()}
        result.update(pipeline(args.source, path))
        # The baseline gets its own empty database: same schema, same starting point.
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        connections["default"].close()
        settings.DATABASES["default"]["NAME"] = str(slow_db)
        call_command("migrate", verbosity=0)
        result.update(baseline(args.source, path))
        result["speedup"] = round(result["baseline_seconds"] / max(result["pipeline_seconds"], 0.01), 1)
        if args.rows:
            result.update(synthetic_memory(args.source, path, args.rows, folder))
        result["peak_mb_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
