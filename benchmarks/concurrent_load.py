"""Concurrent load: 50 clients on the site while an import runs, on SQLite or PostgreSQL (issue 11, item 9).

    python benchmarks/concurrent_load.py --database sqlite \\
        --output benchmarks/results/concurrent-load-sqlite-2026-12-07.json
    python benchmarks/concurrent_load.py --database postgres \\
        --output benchmarks/results/concurrent-load-postgres-2026-12-07.json
    python benchmarks/concurrent_load.py --clients 5 --duration 20 --baseline-duration 10   # a quick trial

Options: --clients 50, --duration 120 (seconds of clients with the import), --baseline-duration 30
(seconds of clients without it), --think 0.5 (mean pause between a client's actions, seconds),
--postgres-url postgres://postgres@127.0.0.1:5432 (a server whose user may create databases).

What it sets up, all on 127.0.0.1 and thrown away at the end:

- a fresh database (a SQLite file in a temporary folder, or new PostgreSQL databases, created and
  dropped here), migrated, with the catalogue `bin/start` loads: `setup_portal` (editor account,
  seed catalogue, knowledge library, index) and the listings `--all` imports before
  Co-operatives UK (IoO, tech-coops.xyz, Murmurations; PCC is read live only and is skipped),
  then the editors' facts, all read from ../shared/data as PORTAL_SNAPSHOTS;
- the site as production runs it: `portal.settings.production` (DEBUG off, whitenoise serving the
  collected static files, SECRET_KEY and ALLOWED_HOSTS set), `gunicorn portal.wsgi --workers 3`
  on a free port, and a `db_worker` for background tasks (TASKS_BACKEND=django_tasks_db), as in
  the README's production sketch. Cookies are not marked Secure (plain HTTP), the submission
  limit (PORTAL_SUBMISSIONS_PER_HOUR) and the API throttle are raised so that the benchmark's
  one address is not answered 429, e-mail goes to memory.

The template database is copied twice (file copy / CREATE DATABASE ... TEMPLATE), so each phase
starts from the same catalogue. Phases, in this order:

1. import_alone: the baseline import, with nothing else running: `run_import` (the runner behind
   `import_listings`) of Co-operatives UK (8,371 rows) then ESSGlobal (7,272 rows, 5,670 of them
   matching Co-operatives UK organisations), in `--all`'s order, in a process of its own.
2. clients_alone: the clients' baseline, --baseline-duration seconds of --clients clients on the
   served copy, no import.
3. clients_with_import: the same import in its own process on the served copy, started with
   --clients clients that run for --duration seconds; the import may finish earlier (when is
   recorded) or later (the run waits for it).

Each client is a thread with its own session, doing a seeded random mix of what visitors do:
home page, directory listing (pages, a filter), search with real names (seed, IoO and
Co-operatives UK names), entry pages (known slugs and those the API lists), autocomplete,
the API list and detail, the feed, the map's points, the stylesheet, and "Add my co-op"
(GET the form, take the CSRF token and cookie, POST; 302 is accepted). Timeouts are 60 s;
redirects are not followed.

Prints one JSON object (and writes it to --output): requests by kind and status, errors (5xx,
connection errors, timeouts) with examples, statuses other than the expected 200 (302 for a
submission), latency p50/p95/p99/max per kind, submissions accepted and found in the database
afterwards, each import's outcome, counts, errors and lost records ("could not be saved", and
its source's entry count against the import_alone copy), CPU seconds (user + sys) of the
gunicorn master and workers, the task worker, the import process and this (client) process,
and wall times. Exits 1, saying why, when a record is lost or an error or unexpected status is
answered.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime
import json
import os
import random
import re
import resource
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PORTAL_SHARED_DATA", REPO.parent / "shared" / "data"))
CUK_FILE = SHARED / "coops-uk" / "open_data_organisations_2017-06.csv"
SEED = 11  # the number: every run makes the same choices
TIMEOUT = 60.0
WORKERS = 3
# What `setup_portal` imports before Co-operatives UK (the load's import), from DEFAULT_ORDER;
# "pcc" is read live only and fails under PORTAL_SNAPSHOTS, so it is left out.
CATALOGUE_IMPORTS = [
    ("ioo", None),
    ("html", "tech-coops-xyz"),
    ("murmurations", None),
    ("portal-facts", None),
]
LOAD_IMPORTS = ["coops-uk", "essglobal"]
# Actions and their weights: most visitors read; one action in twenty is a submission.
MIX = {
    "home": 10,
    "listing": 10,
    "search": 15,
    "entry": 15,
    "autocomplete": 15,
    "api_list": 8,
    "api_detail": 8,
    "feed": 4,
    "map_points": 5,
    "static": 5,
    "submit": 5,
}
EXPECTED = collections.defaultdict(lambda: 200, {"submit_post": 302})


# --- processes and their CPU time -----------------------------------------------------------
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def cpu_of(pid: int) -> float | None:
    """User + system seconds of one live process (its reaped children not included)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICK if fields else None


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def machine_busy() -> float:
    """CPU seconds every core of the machine spent busy (all users: the machine is shared)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / TICK


def server_tree_cpu(pid: int | None) -> float | None:
    """A server process's seconds, its live children's and those of children it has reaped.

    PostgreSQL: the postmaster reaps each backend (one per request, CONN_MAX_AGE=0), so this is the
    whole server's CPU, other databases' users of the shared server included."""
    fields = _stat(pid) if pid else None
    if not fields:
        return None
    own = sum(int(v) for v in fields[11:15]) / TICK  # utime, stime, cutime, cstime
    return own + sum(cpu_of(child) or 0.0 for child in children_of(pid))


def meters(postmaster: int | None) -> dict:
    return {"machine": machine_busy(), "postgres": server_tree_cpu(postmaster), "at": time.perf_counter()}


def meters_between(before: dict, after: dict) -> dict:
    wall = after["at"] - before["at"]
    busy = after["machine"] - before["machine"]
    out = {
        "machine_busy_cpu_s": round(busy, 1),
        "machine_busy_share": round(busy / (wall * (os.cpu_count() or 1)), 2) if wall else None,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    if before["postgres"] is not None and after["postgres"] is not None:
        out["postgres_server_cpu_s"] = round(after["postgres"] - before["postgres"], 1)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- databases --------------------------------------------------------------------------------
class SqliteDatabases:
    vendor = "sqlite"

    def __init__(self, folder: Path):
        self.folder = folder

    def new(self, name: str) -> str:
        return f"sqlite:///{self.folder / f'{name}.sqlite3'}"

    def copy(self, source_url: str, name: str) -> str:
        source = sqlite3.connect(source_url.removeprefix("sqlite:///"))
        target_url = self.new(name)
        target = sqlite3.connect(target_url.removeprefix("sqlite:///"))
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        source.close()
        target.close()
        return target_url

    def drop_all(self):
        pass  # the temporary folder goes

    def postmaster(self, url: str) -> None:
        return None

    def query(self, url: str, sql: str, params=()) -> list[tuple]:
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=60)
        try:
            return list(conn.execute(sql.replace("%s", "?"), params))
        finally:
            conn.close()


class PostgresDatabases:
    vendor = "postgresql"

    def __init__(self, server_url: str):
        self.server = urlsplit(server_url)
        self.prefix = f"coop_load_{uuid.uuid4().hex[:8]}"
        self.names: list[str] = []

    def _url(self, name: str) -> str:
        return urlunsplit(self.server._replace(path=f"/{name}"))

    def _admin(self, sql: str):
        import psycopg

        with psycopg.connect(self._url("postgres").replace("postgres://", "postgresql://", 1)) as conn:
            conn.autocommit = True
            conn.execute(sql)

    def new(self, name: str) -> str:
        full = f"{self.prefix}_{name}"
        self._admin(f'CREATE DATABASE "{full}"')
        self.names.append(full)
        return self._url(full)

    def copy(self, source_url: str, name: str) -> str:
        full = f"{self.prefix}_{name}"
        self._admin(f'CREATE DATABASE "{full}" TEMPLATE "{urlsplit(source_url).path.strip("/")}"')
        self.names.append(full)
        return self._url(full)

    def postmaster(self, url: str) -> int | None:
        """The server's main process, when it runs here: the parent of this connection's backend."""
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
            fields = _stat(conn.execute("SELECT pg_backend_pid()").fetchone()[0])
        return int(fields[1]) if fields else None

    def drop_all(self):
        for name in reversed(self.names):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def query(self, url: str, sql: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
            return list(conn.execute(sql, params))


# --- the portal's environment and commands -----------------------------------------------------
def portal_env(folder: Path, database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on 127.0.0.1: a Secure cookie would never come back.
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        PORTAL_CACHE_DIR=str(folder / "cache"),
        PORTAL_SNAPSHOTS=str(SHARED),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # Every client is 127.0.0.1: one address must not hit the per-address limits.
        PORTAL_SUBMISSIONS_PER_HOUR="1000000",
        PORTAL_API_ANON_RATE="1000000/hour",
        LOG_LEVEL="WARNING",
        ADMIN_PASSWORD=secrets.token_urlsafe(12),
    )
    return env


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return done.stdout


def build_template(databases, folder: Path) -> tuple[str, dict]:
    started = time.perf_counter()
    url = databases.new("template")
    env = portal_env(folder, url)
    steps = {}
    imports = [
        (
            slug if not config else f"{slug}:{config}",
            ["import_listings", slug, "--json"] + (["--config", config] if config else []),
        )
        for slug, config in CATALOGUE_IMPORTS
    ]
    for name, args in [
        ("migrate", ["migrate", "--no-input", "-v0"]),
        ("setup_portal", ["setup_portal", "--no-imports"]),
        *imports,
        ("collectstatic", ["collectstatic", "--no-input", "-v0"]),
    ]:
        step = time.perf_counter()
        manage(env, *args)
        steps[name] = round(time.perf_counter() - step, 1)
    entries = databases.query(
        url, "SELECT COUNT(*), SUM(CASE WHEN live THEN 1 ELSE 0 END) FROM directory_entry"
    )
    info = {
        "built_by": "migrate; setup_portal --no-imports; import_listings "
        + ", ".join(slug for slug, _ in CATALOGUE_IMPORTS)
        + "; collectstatic",
        "step_seconds": steps,
        "seconds": round(time.perf_counter() - started, 1),
        "entries": entries[0][0],
        "published": int(entries[0][1] or 0),
    }
    return url, info


# --- the import, in a process of its own --------------------------------------------------------
def child_import(sources: list[str]) -> None:
    """`--child-import SOURCE...`: run_import each source on DATABASE_URL; print one JSON object."""
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from directory.models import Entry
    from importers.runner import run_import

    runs = []
    for slug in sources:
        started = time.time()
        report, run = run_import(slug)
        lost = [e for e in run.errors if "could not be saved" in e.get("reason", "")]
        runs.append(
            {
                "source": slug,
                "location": run.location,
                "started_at": started,
                "finished_at": time.time(),
                "outcome": run.outcome,
                "message": run.message,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "skipped": run.skipped,
                "errors": len(run.errors),
                "error_examples": run.errors[:5],
                "lost": len(lost),
                "lost_examples": lost[:5],
                "warnings": len(run.warnings),
                "indexed": report.indexed,
            }
        )
    counts = {
        slug: Entry.objects.filter(source_records__source__slug=slug).distinct().count() for slug in sources
    }
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"runs": runs, "entries_by_source": counts, "cpu_s": usage.ru_utime + usage.ru_stime}))


def relative_times(imported: dict, epoch: float) -> None:
    """Each run's start and end in seconds from `epoch` (when the import process started)."""
    for run in imported.get("runs", []):
        run["started_s"] = round(run.pop("started_at") - epoch, 1)
        run["finished_s"] = round(run.pop("finished_at") - epoch, 1)


def start_import(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child-import", *LOAD_IMPORTS],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_import(process: subprocess.Popen, started: float, timeout: float) -> dict:
    out, err = process.communicate(timeout=timeout)
    wall = time.perf_counter() - started
    if process.returncode:
        return {
            "failed": True,
            "returncode": process.returncode,
            "stderr": err[-4000:],
            "wall_s": round(wall, 1),
        }
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = round(wall, 1)
    result["cpu_s"] = round(result["cpu_s"], 1)
    result["stderr_warnings"] = len(re.findall(r"database busy|could not", err))
    return result


# --- the site -----------------------------------------------------------------------------------
class Site:
    """gunicorn (3 sync workers) and the task worker on one database."""

    def __init__(self, env: dict, folder: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "gunicorn.log"
        self.worker_log_path = folder / "db_worker.log"
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        self.postmaster = None  # PostgreSQL's server process, when it runs on this machine
        self.log = self.log_path.open("w")
        self.worker_log = self.worker_log_path.open("w")
        self.gunicorn = subprocess.Popen(
            self.command, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.tasks = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload"],
            cwd=REPO,
            env=env,
            stdout=self.worker_log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120):
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log_path.read_text()[-4000:]}")
            try:
                if requests.get(f"{self.base}/health/", timeout=5).status_code == 200:
                    if len(children_of(self.gunicorn.pid)) >= WORKERS:
                        return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer in {timeout} s:\n{self.log_path.read_text()[-4000:]}")

    def cpu(self) -> dict:
        workers = {pid: cpu_of(pid) for pid in children_of(self.gunicorn.pid)}
        return {
            "meters": meters(self.postmaster),
            "master": cpu_of(self.gunicorn.pid),
            "workers": {pid: cpu for pid, cpu in workers.items() if cpu is not None},
            "tasks": cpu_of(self.tasks.pid),
        }

    def log_position(self) -> int:
        self.log.flush()
        return self.log_path.stat().st_size

    def log_since(self, position: int) -> dict:
        text = self.log_path.read_text(errors="replace")[position:]
        tracebacks = [m.start() for m in re.finditer(r"^Traceback", text, re.M)]
        return {
            "worker_timeouts": len(re.findall(r"WORKER TIMEOUT", text)),
            "worker_boots": len(re.findall(r"Booting worker", text)),
            "tracebacks": len(tracebacks),
            "traceback_examples": [text[max(0, i - 300) : i + 3000] for i in tracebacks[:3]],
            "error_lines": len(re.findall(r"^(ERROR|CRITICAL)|\[ERROR\]", text, re.M)),
        }

    def stop(self):
        for process in (self.tasks, self.gunicorn):
            if process.poll() is None:
                process.terminate()
        for process in (self.tasks, self.gunicorn):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.log.close()
        self.worker_log.close()


def cpu_between(before: dict, after: dict) -> dict:
    workers = {pid: round(cpu - before["workers"].get(pid, 0.0), 2) for pid, cpu in after["workers"].items()}
    gone = sorted(set(before["workers"]) - set(after["workers"]))
    tasks = (after["tasks"] or 0) - (before["tasks"] or 0) if after["tasks"] is not None else None
    return {
        "gunicorn_workers_s": round(sum(workers.values()), 1),
        "gunicorn_per_worker_s": list(workers.values()),
        "gunicorn_master_s": round((after["master"] or 0) - (before["master"] or 0), 2),
        "task_worker_s": round(tasks, 1) if tasks is not None else None,
        "workers_gone": len(gone),  # a restarted worker's seconds are not counted
        **meters_between(before["meters"], after["meters"]),
    }


# --- the clients ------------------------------------------------------------------------------
class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = collections.defaultdict(list)
        self.statuses = collections.defaultdict(collections.Counter)
        self.errors: list[dict] = []
        self.unexpected: list[dict] = []
        self.accepted: list[str] = []
        self.refused: list[dict] = []

    def record(self, kind: str, url: str, status, seconds: float, at: float, detail: str = ""):
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][str(status)] += 1
            example = {
                "kind": kind,
                "url": url,
                "status": status,
                "seconds": round(seconds, 3),
                "at_s": round(at, 1),
            }
            if detail:
                example["detail"] = detail[:500]
            if not isinstance(status, int) or status >= 500:
                self.errors.append(example)
            elif status != EXPECTED[kind]:
                self.unexpected.append(example)

    def summary(self, wall: float) -> dict:
        kinds = {}
        for kind in sorted(self.latencies):
            values = sorted(self.latencies[kind])
            kinds[kind] = {
                "requests": len(values),
                "statuses": dict(self.statuses[kind]),
                "p50_ms": round(percentile(values, 50) * 1000),
                "p95_ms": round(percentile(values, 95) * 1000),
                "p99_ms": round(percentile(values, 99) * 1000),
                "max_ms": round(values[-1] * 1000),
            }
        total = sum(len(v) for v in self.latencies.values())
        by_status = collections.Counter()
        for counter in self.statuses.values():
            by_status.update(counter)
        every = sorted(x for values in self.latencies.values() for x in values)
        return {
            "requests": total,
            "requests_per_s": round(total / wall, 1) if wall else None,
            "by_status": dict(by_status),
            "errors": len(self.errors),
            "error_kinds": dict(collections.Counter(str(e["status"]) for e in self.errors)),
            "error_examples": self.errors[:10],
            "unexpected": len(self.unexpected),
            "unexpected_examples": self.unexpected[:10],
            "latency_all": {
                "p50_ms": round(percentile(every, 50) * 1000) if every else None,
                "p95_ms": round(percentile(every, 95) * 1000) if every else None,
                "p99_ms": round(percentile(every, 99) * 1000) if every else None,
            },
            "by_kind": kinds,
            "submissions_accepted": len(self.accepted),
        }


def percentile(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if p < 100 else values[-1]


class Pool:
    """Real names to search and type, and slugs to visit (more as the API lists them)."""

    def __init__(self, names: list[str], slugs: list[str], stylesheet: str | None):
        self.names = names
        self.slugs = list(slugs)
        self.known = set(slugs)
        self.stylesheet = stylesheet
        self.lock = threading.Lock()

    def add_slugs(self, slugs):
        with self.lock:
            for slug in slugs:
                if slug not in self.known and len(self.slugs) < 20000:
                    self.known.add(slug)
                    self.slugs.append(slug)

    def slug(self, rng) -> str:
        with self.lock:
            return rng.choice(self.slugs)


class Client(threading.Thread):
    def __init__(
        self,
        number: int,
        site: str,
        pool: Pool,
        recorder: Recorder,
        phase: str,
        started: float,
        stop_at: float,
        think: float,
    ):
        super().__init__(daemon=True)
        import requests

        self.number, self.site, self.pool, self.recorder = number, site, pool, recorder
        self.phase, self.started, self.stop_at, self.think = phase, started, stop_at, think
        self.rng = random.Random(f"{SEED}-{phase}-{number}")
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"concurrent-load/{number}"
        self.submitted = 0

    def get(self, kind: str, path: str, **kwargs):
        return self.request(kind, "GET", path, **kwargs)

    def request(self, kind: str, method: str, path: str, **kwargs):
        import requests

        url = f"{self.site}{path}"
        begun = time.perf_counter()
        try:
            response = self.session.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
        except requests.Timeout as error:
            self.recorder.record(
                kind, path, "timeout", time.perf_counter() - begun, begun - self.started, repr(error)
            )
            return None
        except requests.RequestException as error:
            self.recorder.record(
                kind, path, "connection error", time.perf_counter() - begun, begun - self.started, repr(error)
            )
            return None
        detail = response.text[:500] if response.status_code >= 500 else ""
        self.recorder.record(
            kind, path, response.status_code, time.perf_counter() - begun, begun - self.started, detail
        )
        return response

    def words(self) -> str:
        name = self.rng.choice(self.pool.names)
        words = name.split()
        # Whole names, or their first one or two words, as people type them.
        return " ".join(words[: self.rng.choice([1, 2, len(words)])])

    def run(self):
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.stop_at:
            getattr(self, f"do_{self.rng.choices(kinds, weights)[0]}")()
            time.sleep(self.rng.uniform(0, 2 * self.think))

    def do_home(self):
        self.get("home", "/")

    def do_listing(self):
        params = self.rng.choice(
            [{}, {"page": str(self.rng.randint(2, 20))}, {"status": "active"}, {"sort": "name"}]
        )
        self.get("listing", "/directory/", params=params)

    def do_search(self):
        self.get("search", "/directory/", params={"q": self.words()})

    def do_entry(self):
        self.get("entry", f"/directory/{self.pool.slug(self.rng)}/")

    def do_autocomplete(self):
        word = self.rng.choice(self.pool.names)
        self.get("autocomplete", "/directory/autocomplete/", params={"q": word[: self.rng.randint(3, 8)]})

    def do_api_list(self):
        params = self.rng.choice([{"page": str(self.rng.randint(1, 40))}, {"q": self.words()}])
        response = self.get("api_list", "/api/v1/entries/", params=params)
        if response is not None and response.status_code == 200:
            try:
                self.pool.add_slugs(item["slug"] for item in response.json()["results"])
            except (ValueError, KeyError, TypeError):
                pass

    def do_api_detail(self):
        self.get("api_detail", f"/api/v1/entries/{self.pool.slug(self.rng)}/")

    def do_feed(self):
        self.get("feed", "/directory/feed/")

    def do_map_points(self):
        bbox = self.rng.choice(["-180,-90,180,90", "-11,49,2,61", "-125,24,-66,50", "-10,35,30,60"])
        self.get("map_points", "/directory/map/points/", params={"bbox": bbox})

    def do_static(self):
        if self.pool.stylesheet:
            self.get("static", self.pool.stylesheet)

    def do_submit(self):
        form = self.get("submit_form", "/directory/add/")
        if form is None or form.status_code != 200:
            return
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        name = f"Load test {self.phase} {self.number}-{self.submitted} co-op"
        self.submitted += 1
        response = self.request(
            "submit_post",
            "POST",
            "/directory/add/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "name": name,
                "summary": "A platform co-op sent during the concurrent load benchmark.",
                "submitter_name": "Load tester",
                "submitter_email": "load@example.org",
                "consent": "on",
            },
        )
        if response is not None and response.status_code == 302:
            with self.recorder.lock:
                self.recorder.accepted.append(name)


def run_clients(
    site: Site, pool: Pool, phase: str, clients: int, duration: float, think: float
) -> tuple[Recorder, dict]:
    recorder = Recorder()
    started = time.perf_counter()
    stop_at = time.monotonic() + duration
    threads = [Client(n, site.base, pool, recorder, phase, started, stop_at, think) for n in range(clients)]
    cpu_before = self_cpu()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + TIMEOUT * 3)
    wall = time.perf_counter() - started
    return recorder, {"wall_s": round(wall, 1), "client_process_cpu_s": round(self_cpu() - cpu_before, 1)}


def warm_up(site: Site, pool: Pool) -> dict:
    """One pass over every kind per worker, so the first timed requests do not pay for cold caches."""
    recorder = Recorder()
    client = Client(0, site.base, pool, recorder, "warmup", time.perf_counter(), 0, 0)
    for _ in range(WORKERS):
        for kind in MIX:
            if kind != "submit":
                getattr(client, f"do_{kind}")()
        client.get("submit_form", "/directory/add/")
    return {"requests": sum(len(v) for v in recorder.latencies.values()), "errors": recorder.errors[:5]}


# --- what the clients pick from ---------------------------------------------------------------
def pick_names(databases, url: str) -> tuple[list[str], list[str]]:
    rng = random.Random(SEED)
    rows = databases.query(url, "SELECT name, slug FROM directory_entry WHERE live ORDER BY id")
    names = [name for name, _ in rows]
    slugs = [slug for _, slug in rows]
    with CUK_FILE.open(encoding="utf-8-sig", newline="") as handle:
        uk = [row["Registered Name"] for row in csv.DictReader(handle) if row.get("Registered Name")]
    names += rng.sample(uk, min(len(uk), 400))
    return [n for n in names if len(n) >= 3], slugs


def stylesheet_of(base: str) -> str | None:
    import requests

    text = requests.get(f"{base}/", timeout=TIMEOUT).text
    found = re.search(r'href="(/static/[^"]+\.css)"', text)
    return found.group(1) if found else None


# --- checks -------------------------------------------------------------------------------------
def submissions_saved(databases, url: str, accepted: list[str]) -> dict:
    entries = {
        n
        for (n,) in databases.query(
            url, "SELECT name FROM directory_entry WHERE name LIKE %s", ["Load test %"]
        )
    }
    sent = {
        n
        for (n,) in databases.query(
            url, "SELECT entry_name FROM directory_submission WHERE entry_name LIKE %s", ["Load test %"]
        )
    }
    lost = sorted(n for n in accepted if n not in entries or n not in sent)
    return {
        "accepted": len(accepted),
        "found": len(accepted) - len(lost),
        "lost": len(lost),
        "lost_examples": lost[:10],
    }


def failures_of(result: dict) -> list[str]:
    reasons = []
    for phase in ("clients_alone", "clients_with_import"):
        data = result["phases"].get(phase, {})
        clients = data.get("clients", {})
        if clients.get("errors"):
            reasons.append(f"{phase}: {clients['errors']} errors answered ({clients['error_kinds']})")
        if clients.get("unexpected"):
            reasons.append(f"{phase}: {clients['unexpected']} unexpected statuses")
        submissions = data.get("submissions", {})
        if submissions.get("lost"):
            reasons.append(f"{phase}: {submissions['lost']} accepted submissions not in the database")
        if data.get("server_log", {}).get("tracebacks"):
            reasons.append(f"{phase}: {data['server_log']['tracebacks']} tracebacks in the server's log")
    for phase in ("import_alone", "clients_with_import"):
        imported = result["phases"].get(phase, {}).get("import", {})
        if imported.get("failed"):
            reasons.append(f"{phase}: the import process failed ({imported.get('returncode')})")
        for run in imported.get("runs", []):
            if run["outcome"] not in ("ok", "partial"):
                reasons.append(f"{phase}: {run['source']} import ended {run['outcome']}: {run['message']}")
            if run["lost"]:
                reasons.append(f"{phase}: {run['source']}: {run['lost']} records could not be saved")
    lost = result.get("checks", {}).get("entries_lost_by_source", {})
    for slug, count in lost.items():
        if count:
            reasons.append(f"{slug}: {count} fewer entries than the import alone made")
    return reasons


# --- the run --------------------------------------------------------------------------------------
def main(argv=None) -> int:
    if argv is None and sys.argv[1:2] == ["--child-import"]:
        child_import(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--baseline-duration", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=0.5, help="mean pause between a client's actions (s)")
    parser.add_argument("--import-timeout", type=float, default=1800.0)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if not CUK_FILE.is_file():
        sys.exit(f"no Co-operatives UK file at {CUK_FILE} (set PORTAL_SHARED_DATA)")

    folder = Path(tempfile.mkdtemp(prefix="concurrent-load-"))
    databases = SqliteDatabases(folder) if args.database == "sqlite" else PostgresDatabases(args.postgres_url)
    result = {
        "benchmark": "concurrent_load",
        "date": datetime.date.today().isoformat(),
        "database": databases.vendor,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "setup": {
            "clients": args.clients,
            "duration_s": args.duration,
            "baseline_duration_s": args.baseline_duration,
            "think_mean_s": args.think,
            "client_timeout_s": TIMEOUT,
            "mix_weights": MIX,
            "server": f"gunicorn portal.wsgi --workers {WORKERS} --bind 127.0.0.1:<free port> "
            "(sync workers, default 30 s worker timeout) + manage.py db_worker",
            "settings": "portal.settings.production, DEBUG off, whitenoise, TASKS_BACKEND=django_tasks_db, "
            "PORTAL_SUBMISSIONS_PER_HOUR=1000000, PORTAL_API_ANON_RATE=1000000/hour, cookies not Secure",
            "load_imports": LOAD_IMPORTS,
            "reading_the_latencies": "clients are closed loops (next action after the answer and a pause), "
            "so 50 of them offer more than 3 sync workers on 2 shared cores serve: latency is mostly "
            "the wait in gunicorn's queue; compare the phases with each other, and CPU seconds with wall "
            "seconds (machine_busy_share: how busy the whole machine was, other users included)",
        },
        "phases": {},
    }
    site = None
    try:
        template, result["catalogue"] = build_template(databases, folder)
        print(f"catalogue ready: {result['catalogue']}", file=sys.stderr)
        alone_url = databases.copy(template, "alone")
        served_url = databases.copy(template, "served")

        # 1. The import alone.
        postmaster = databases.postmaster(template)
        before = meters(postmaster)
        started, epoch = time.perf_counter(), time.time()
        imported = finish_import(start_import(portal_env(folder, alone_url)), started, args.import_timeout)
        relative_times(imported, epoch)
        imported.update(meters_between(before, meters(postmaster)))
        result["phases"]["import_alone"] = {
            "what": "the baseline: run_import of " + " then ".join(LOAD_IMPORTS) + " in its own process on a "
            "copy of the catalogue, nothing else running (no server, no clients)",
            "import": imported,
        }
        print(f"import alone: {imported.get('wall_s')} s", file=sys.stderr)

        # The site, on the other copy.
        served_env = portal_env(folder, served_url)
        site = Site(served_env, folder)
        site.postmaster = postmaster
        site.wait_ready()
        names, slugs = pick_names(databases, served_url)
        pool = Pool(names, slugs, stylesheet_of(site.base))
        result["setup"]["names"] = len(names)
        result["setup"]["slugs_at_start"] = len(slugs)
        result["warm_up"] = warm_up(site, pool)

        # 2. Clients alone.
        result["phases"]["clients_alone"] = clients_phase(
            databases,
            served_url,
            site,
            pool,
            "alone",
            args.clients,
            args.baseline_duration,
            args.think,
            what=f"the clients' baseline: {args.clients} clients for {args.baseline_duration:g} s, no import",
        )
        print(
            f"clients alone: {result['phases']['clients_alone']['clients']['requests']} requests",
            file=sys.stderr,
        )

        # 3. Clients with the import.
        import_started, import_epoch = time.perf_counter(), time.time()
        importer = start_import(served_env)
        phase = clients_phase(
            databases,
            served_url,
            site,
            pool,
            "import",
            args.clients,
            args.duration,
            args.think,
            what=f"the load: {args.clients} clients for {args.duration:g} s, started with the same import "
            "(own process) on the served database; the import's times are from the clients' start",
            importer=(importer, import_started, import_epoch, args.import_timeout),
        )
        result["phases"]["clients_with_import"] = phase
        site.stop()
        site_stopped = site
        site = None
        result["server_log_file_tail"] = site_stopped.log_path.read_text(errors="replace")[-1500:]

        alone_counts = result["phases"]["import_alone"]["import"].get("entries_by_source", {})
        load_counts = phase["import"].get("entries_by_source", {})
        result["checks"] = {
            "entries_by_source_import_alone": alone_counts,
            "entries_by_source_with_clients": load_counts,
            "entries_lost_by_source": {
                slug: alone_counts.get(slug, 0) - load_counts.get(slug, 0) for slug in LOAD_IMPORTS
            },
        }
    finally:
        if site is not None:
            site.stop()
        try:
            databases.drop_all()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    result["failures"] = failures_of(result)
    result["passed"] = not result["failures"]
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")
    for reason in result["failures"]:
        print(f"FAILED: {reason}", file=sys.stderr)
    return 1 if result["failures"] else 0


def clients_phase(
    databases, url, site, pool, phase, clients, duration, think, *, what, importer=None
) -> dict:
    log_at = site.log_position()
    cpu_before = site.cpu()
    recorder, times = run_clients(site, pool, phase, clients, duration, think)
    # The server's CPU while the clients ran (an import that goes on afterwards has its own figure).
    data = {"what": what, **times, "server_cpu": cpu_between(cpu_before, site.cpu())}
    if importer is not None:
        process, started, epoch, timeout = importer
        data["import_running_when_clients_stopped"] = process.poll() is None
        imported = finish_import(process, started, timeout)
        relative_times(imported, epoch)
        data["import"] = imported
    data["clients"] = recorder.summary(times["wall_s"])
    data["server_log"] = site.log_since(log_at)
    data["submissions"] = submissions_saved(databases, url, recorder.accepted)
    return data


if __name__ == "__main__":
    raise SystemExit(main())
