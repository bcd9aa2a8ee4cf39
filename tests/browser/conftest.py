"""A real portal in a real browser: Debian's Chromium driven by Playwright.

The portal runs as its own process (`manage.py runserver`) on a database of its own, built the way a
new portal is: migrations, the seed catalogue, the real Internet of Ownership rows, the knowledge
library, and a small mentorship scenario (`scenario.py`). The browser may reach 127.0.0.1 only: every
other request (map tiles, say) is aborted, so nothing leaves the machine.

Screenshots of every step go to `test-artifacts/browser/` (override with PORTAL_ARTIFACTS).
Without Chromium or Playwright the tests skip with the reason; on CI (CI set) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, shared_data_path

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PORTAL_ARTIFACTS", REPO / "test-artifacts" / "browser"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(workdir: Path) -> str:
    """A database of the browser portal's own: a fresh SQLite file, or a fresh PostgreSQL database
    beside the one the suite runs on when DATABASE_URL points at PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'portal.sqlite3'}"
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    name = f"{config['NAME']}_browser"
    admin = psycopg.connect(
        host=config["HOST"] or None, port=config["PORT"] or None, user=config["USER"] or None,
        password=config["PASSWORD"] or None, dbname="postgres", autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def _run(args, env, log):
    result = subprocess.run(args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=900)
    if result.returncode:
        log.flush()
        raise RuntimeError(f"{' '.join(map(str, args))} failed; see {log.name}")


@pytest.fixture(scope="session")
def portal_url(tmp_path_factory):
    """Start the portal on a free port with the real data, and give its base URL."""
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _missing("Playwright for Python is not installed (pip install -e '.[test]')")
    data = shared_data_path()
    if not (data / "ioo" / "ioo-directory.csv").is_file():
        _missing(f"real data folder not found at {data}")

    workdir = tmp_path_factory.mktemp("browser-portal")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": _database_url(workdir),
        "DEBUG": "false",
        "SECRET_KEY": "browser-tests-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "MEDIA_ROOT": str(workdir / "media"),
        "PORTAL_CACHE_DIR": str(workdir / "cache"),
        "PORTAL_SNAPSHOTS": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    log = open(workdir / "server.log", "w")  # noqa: SIM115 - closed at teardown
    _run([python, "manage.py", "migrate", "--no-input"], env, log)
    _run([python, "manage.py", "import_listings", "portal-seed"], env, log)
    _run([python, "manage.py", "import_listings", "ioo", "--file", str(data / "ioo" / "ioo-directory.csv")],
         env, log)
    _run([python, "manage.py", "import_listings", "portal-facts"], env, log)
    _run([python, "manage.py", "load_library"], env, log)
    prepare = "import django; django.setup(); from tests.browser.scenario import prepare; prepare()"
    _run([python, "-c", prepare], env, log)
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=2).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"the portal did not start; see {log.name}") from None
            time.sleep(0.3)
    yield base
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()
    shutil.copy(workdir / "server.log", _artifacts_dir() / "server.log")


def _artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser(portal_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Steps:
    """Screenshots named after the test and the step, in the order they were taken."""

    def __init__(self, page, name: str):
        self.page = page
        self.folder = _artifacts_dir() / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def shot(self, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _local_only(route):
    if route.request.url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def new_page(browser, portal_url, request):
    """`new_page(width=1280)` opens a page in a fresh context (its own cookies) at the portal."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900, locale: str = "en-GB"):
        context = browser.new_context(base_url=portal_url, viewport={"width": width, "height": height},
                                      locale=locale)
        context.route("**/*", _local_only)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def steps():
    def make(page, name):
        return Steps(page, name)

    return make
