"""Shared fixtures: the real data folder, a local web server, and a loaded catalogue."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_path() -> Path:
    return Path(os.environ.get("PORTAL_SHARED_DATA", REPO.parent / "shared" / "data"))


def require_shared_data() -> Path:
    """The real listings, or a skip with the reason (a failure on CI, where they must be)."""
    path = shared_data_path()
    if not (path / "README.md").is_file():
        message = f"real data folder not found at {path} (set PORTAL_SHARED_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return require_shared_data()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def file_server():
    """Serve a folder over HTTP on 127.0.0.1: `file_server(folder)` returns its base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the seed catalogue plus the IoO directory, as a new portal does."""
    from importers.runner import run_import

    with django_db_blocker.unblock():
        run_import("portal-seed")
        path = shared_data_path() / "ioo" / "ioo-directory.csv"
        if path.is_file():
            run_import("ioo", file=str(path))
            run_import("portal-facts")


@pytest.fixture
def catalogue_loaded(db, shared_data):
    """The catalogue with the real IoO rows (skips without the data folder)."""
    from directory.models import Entry

    assert Entry.objects.filter(source_records__source__slug="ioo").exists()


@pytest.fixture
def empty_catalogue(db):
    from wagtail.images import get_image_model

    from directory.models import Entry, Source

    Entry.objects.all().delete()
    Source.objects.all().delete()
    get_image_model().objects.all().delete()


@pytest.fixture
def editor(client, db):
    """A superuser, logged in with the test client."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request under /fr/ leaves French active in the test's thread: start every test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
