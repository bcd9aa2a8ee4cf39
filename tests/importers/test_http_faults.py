"""The HTTP client and the importers against a local server that misbehaves on purpose."""

from __future__ import annotations

import csv
import http.server
import io
import threading
import time

import pytest

from directory.models import Entry, SourceRecord
from importers.http import Fetcher, FetchError
from importers.models import ImportRun
from importers.runner import run_import

pytestmark = pytest.mark.django_db


class FaultServer:
    """Serves canned bodies and faults by path: /ok, /slow, /500, /flaky, /reset, ..."""

    def __init__(self, files: dict[str, bytes] | None = None):
        self.files = files or {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_body(self, body: bytes, status=200, headers=None, length=None):
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 (the stdlib's name)
                path = self.path.split("?")[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                hits = server.hits[path]
                if path == "/robots.txt":
                    return self.send_body(b"User-agent: *\nDisallow: /private/\n")
                if path == "/slow":
                    time.sleep(1.5)
                    return self.send_body(b"late")
                if path == "/500":
                    return self.send_body(b"broken", status=500)
                if path == "/flaky":
                    if hits == 1:
                        return self.send_body(b"try again", status=503, headers={"Retry-After": "0"})
                    return self.send_body(b"fine now")
                if path == "/reset":
                    self.connection.shutdown(2)
                    self.connection.close()
                    return None
                if path == "/truncated":
                    return self.send_body(b"Name,Description\nhalf", length=5000)
                if path == "/huge":
                    return self.send_body(b"x" * 300_000)
                if path == "/to-private":
                    self.send_response(302)
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                    self.end_headers()
                    return None
                if path == "/loop":
                    self.send_response(302)
                    self.send_header("Location", "/loop")
                    self.end_headers()
                    return None
                if path == "/etag":
                    if self.headers.get("If-None-Match") == '"v1"':
                        self.send_response(304)
                        self.end_headers()
                        return None
                    return self.send_body(b"cached body", headers={"ETag": '"v1"'})
                if path in server.files:
                    return self.send_body(server.files[path], headers={"Content-Type": "text/csv"})
                return self.send_body(b"not here", status=404)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def faults():
    server = FaultServer()
    yield server
    server.close()


def fetcher(**kwargs):
    return Fetcher(timeout=(1, 0.5), retries=2, max_bytes=100_000, **kwargs)


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/slow", "timed out"),
        ("/500", "HTTP 500"),
        ("/reset", "connection failed"),
        ("/truncated", "cut short"),
        ("/huge", "limit"),
        ("/to-private", "private address (169.254.169.254, link-local"),
        ("/loop", "redirects"),
        ("/private/page", "robots.txt"),
        ("/missing", "HTTP 404"),
    ],
)
def test_every_fault_is_a_clear_error(faults, path, reason):
    with pytest.raises(FetchError) as caught:
        fetcher().get(faults.base + path)
    assert reason in caught.value.reason


def test_retries_on_503_then_succeeds(faults):
    result = fetcher().get(faults.base + "/flaky")
    assert result.content == b"fine now"
    assert faults.hits["/flaky"] == 2


def test_private_and_odd_addresses_are_refused_without_the_allowlist(faults):
    strict = Fetcher(private_allowlist=[])
    for url in (
        faults.base + "/ok",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "file:///etc/passwd",
        "ftp://example.org/",
    ):
        with pytest.raises(FetchError):
            strict.get(url)


def test_a_name_that_resolves_elsewhere_when_connecting_reaches_nothing(faults, monkeypatch):
    """DNS rebinding: the guard's lookup sees a public address, the connection's a private one."""
    import socket

    real_getaddrinfo = socket.getaddrinfo
    port = int(faults.base.rsplit(":", 1)[1])

    def rebinding(host, *args, **kwargs):
        if host != "rebind.test":
            return real_getaddrinfo(host, *args, **kwargs)
        # The guard asks with proto=IPPROTO_TCP; urllib3's connection asks without it.
        address = "93.184.216.34" if kwargs.get("proto") == socket.IPPROTO_TCP else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    strict = Fetcher(private_allowlist=[], obey_robots=False, min_interval=0, retries=0, timeout=(1, 1))
    with pytest.raises(FetchError) as caught:
        strict.get(f"http://rebind.test:{port}/etag")
    assert "private address (127.0.0.1) when connecting (loopback)" in caught.value.reason
    assert "/etag" not in faults.hits  # nothing was sent
    # With 127.0.0.1 allowed (as for the rest of these tests) the same name is fetched.
    assert Fetcher(private_allowlist=["127.0.0.1"], obey_robots=False, min_interval=0).get(
        f"http://rebind.test:{port}/etag"
    ).status == 200


def test_conditional_requests_reuse_the_cached_copy(faults, tmp_path):
    client = fetcher(cache_dir=tmp_path)
    first = client.get(faults.base + "/etag")
    second = fetcher(cache_dir=tmp_path).get(faults.base + "/etag")
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.content == b"cached body"


def test_rate_limit_spaces_requests_to_one_host(faults):
    client = fetcher(min_interval=0.3)
    started = time.monotonic()
    for _ in range(3):
        client.get(faults.base + "/flaky")
    assert time.monotonic() - started >= 0.6


# --------------------------------------------------------------- importers


@pytest.fixture
def ioo_rows(shared_data):
    text = (shared_data / "ioo" / "ioo-directory.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def as_csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_failed_fetch_writes_nothing_and_is_recorded(empty_catalogue, faults, settings):
    settings.PORTAL_HTTP_TIMEOUT = (1, 0.5)
    settings.PORTAL_HTTP_RETRIES = 1
    for path in ("/500", "/reset", "/truncated", "/to-private", "/slow"):
        report, run = run_import("ioo", url=faults.base + path)
        assert run.outcome == ImportRun.Outcome.FAILED, path
        assert run.message
        assert report.errors[0]["record"] == "source"
    assert Entry.objects.count() == 0
    assert ImportRun.objects.filter(outcome=ImportRun.Outcome.FAILED).count() == 5


def test_wrong_encoding_is_read_correctly(empty_catalogue, faults, ioo_rows):
    # The same sheet in Windows-1252, served without a charset.
    faults.files["/cp1252.csv"] = as_csv(ioo_rows).encode("cp1252", errors="replace")
    report, run = run_import("ioo", url=faults.base + "/cp1252.csv")
    assert report.errors == []
    assert Entry.objects.filter(name="Som Connexió").exists()


def test_malformed_rows_are_reported_and_good_rows_import(empty_catalogue, faults, ioo_rows):
    header, body = ioo_rows[0], ioo_rows[1:21]
    bad_name = list(body[3])
    bad_name[0] = "   "
    bad_width = body[4][:3]  # a row cut short
    text = as_csv([header, *body[:3], bad_name, bad_width, *body[5:]])
    faults.files["/malformed.csv"] = text.encode()
    report, run = run_import("ioo", url=faults.base + "/malformed.csv")
    assert run.outcome == ImportRun.Outcome.PARTIAL
    assert [e["record"].split(" (")[0] for e in report.errors] == ["line 5"]
    assert report.created == 19  # the short row keeps its name: only its missing fields are lost
    assert SourceRecord.objects.filter(source__slug="ioo").count() == 19


def test_after_a_failure_a_clean_run_ends_in_the_same_state(empty_catalogue, faults, ioo_rows, shared_data):
    faults.files["/ioo.csv"] = as_csv(ioo_rows).encode()
    run_import("ioo", url=faults.base + "/truncated")
    run_import("ioo", url=faults.base + "/ioo.csv")
    after_failure = sorted(SourceRecord.objects.values_list("external_id", "content_hash"))

    Entry.objects.all().delete()
    run_import("ioo", url=faults.base + "/ioo.csv")
    clean = sorted(SourceRecord.objects.values_list("external_id", "content_hash"))
    assert after_failure == clean and len(clean) == 313
