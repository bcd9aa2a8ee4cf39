"""Helpers for the conv tests: a copy of the test database that other processes can open, the
processes themselves (tests/security/conv_worker.py), and a cut of the Co-operatives UK file.

The test database of a SQLite run lives in memory, where no other process can see it, and a
test's own writes stay in its transaction: the copy (SQLite's backup API into a file, or
pg_dump into a new PostgreSQL database) holds the committed seed catalogue, and the worker
processes open it as the server's processes open the real one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CUK_FILE = "coops-uk/open_data_organisations_2017-06.csv"


def cut_coops_uk(shared_data: Path, target: Path, rows: int) -> Path:
    """The first `rows` rows of the real Co-operatives UK file, header included."""
    text = (shared_data / CUK_FILE).read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for number, row in enumerate(reader):
        if number > rows:
            break
        writer.writerow(row)
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


@contextlib.contextmanager
def database_copy(tmp_path: Path):
    """A copy of the test database's committed content; yields its DATABASE_URL."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        path = tmp_path / "copy.sqlite3"
        connection.ensure_connection()
        # serialize(), not backup(): the test's transaction holds the write lock, and a backup
        # of a shared-cache memory database waits for it forever.
        path.write_bytes(connection.connection.serialize())
        target = sqlite3.connect(path)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        yield f"sqlite:///{path}"
        return
    if connection.vendor != "postgresql":
        raise RuntimeError(f"no copy for {connection.vendor}")
    settings = connection.settings_dict
    name = f"conv_copy_{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, PGHOST=settings["HOST"] or "127.0.0.1", PGPORT=str(settings["PORT"] or 5432))
    env["PGUSER"] = settings["USER"] or "postgres"
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = settings["PASSWORD"]
    subprocess.run(["createdb", name], env=env, check=True)
    try:
        dump = subprocess.Popen(
            ["pg_dump", "--no-owner", "--no-privileges", settings["NAME"]], env=env, stdout=subprocess.PIPE
        )
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", name],
            env=env,
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        dump.stdout.close()
        assert dump.wait() == 0, "pg_dump failed"
        user = env["PGUSER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        yield f"postgres://{user}@{env['PGHOST']}:{env['PGPORT']}/{name}"
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", name], env=env, check=False)


def worker_env(database_url: str, **extra) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="portal.settings.test")
    env.pop("PORTAL_SNAPSHOTS", None)
    env.update({key: str(value) for key, value in extra.items()})
    return env


def start_worker(database_url: str, *args: str, **extra) -> subprocess.Popen:
    """`python tests/security/conv_worker.py ARGS` on the copy; its stdout is one JSON object."""
    return subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "security" / "conv_worker.py"), *args],
        cwd=REPO,
        env=worker_env(database_url, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result(process: subprocess.Popen, timeout: float = 120) -> dict:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"worker failed ({process.returncode}): {err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])


def run_worker(database_url: str, *args: str, timeout: float = 120, **extra) -> dict:
    return result(start_worker(database_url, *args, **extra), timeout=timeout)
