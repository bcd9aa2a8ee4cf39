"""A raw socket server on 127.0.0.1 that misbehaves on purpose, driving the real Fetcher."""

from __future__ import annotations

import csv
import io
import socket
import threading
import time

import pytest

from importers.http import Fetcher, FetchError

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n"


def drip(conn):
    conn.sendall(HEAD + b"Content-Length: 100\r\n\r\n")
    for _ in range(100):
        conn.sendall(b"x")
        time.sleep(0.3)


def hang_after_headers(conn):
    conn.sendall(HEAD + b"Content-Length: 10\r\n\r\n")
    time.sleep(3)


def hang_before_headers(conn):
    time.sleep(3)


def retry_after(value):
    def answer(conn):
        conn.sendall(
            b"HTTP/1.1 503 Busy\r\nRetry-After: "
            + value
            + b"\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy"
        )

    return answer


def short_length(conn):
    conn.sendall(HEAD + b"Content-Length: 5000\r\n\r\nName,Description\nhalf")


def chunked_cut(conn):
    conn.sendall(HEAD + b"Transfer-Encoding: chunked\r\n\r\n16\r\nName,Description\nhalf,\r\n")


def utf16(conn):
    body = "Name,Description\nCoopérative,ça va\n".encode("utf-16")
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/csv; charset=utf-16\r\nConnection: close\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )


# Set by the importer tests below: the real IoO sheet, served cut or re-encoded.
LISTINGS: dict[str, bytes] = {}


def cut_without_length(conn):
    """The sheet cut in the middle of a row, the connection closed, no Content-Length or chunking."""
    conn.sendall(HEAD + b"\r\n" + LISTINGS["cut"])


def utf16_listing(conn):
    body = LISTINGS["utf16"]
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/csv; charset=utf-16\r\nConnection: close\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )


def not_found(conn):
    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def redirect(location):
    def answer(conn):
        conn.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: "
            + location
            + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )

    return answer


ROUTES = {
    "/drip": drip,
    "/hang-body": hang_after_headers,
    "/hang-head": hang_before_headers,
    "/retry-huge": retry_after(b"3600"),
    "/retry-soon": retry_after(b"soon"),
    "/short": short_length,
    "/chunked-cut": chunked_cut,
    "/utf16": utf16,
    "/to-private": redirect(b"http://100.100.100.200/latest/meta-data/"),
    "/to-mapped": redirect(b"http://[::ffff:169.254.169.254]/"),
    "/loop": redirect(b"/loop"),
    "/robots.txt": not_found,  # the importers ask first; no robots.txt allows everything
    "/ioo-cut.csv": cut_without_length,
    "/ioo-utf16.csv": utf16_listing,
}


@pytest.fixture(scope="module")
def server():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(32)
    hits: dict[str, int] = {}
    stop = threading.Event()

    def handle(conn):
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            path = request.split(b" ")[1].decode()
            hits[path] = hits.get(path, 0) + 1
            try:
                ROUTES.get(path, retry_after(b"0"))(conn)
            except OSError:
                pass

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", hits
    stop.set()
    listener.close()


def fetcher(**kwargs):
    options = {
        "timeout": (1, 2),
        "retries": 1,
        "total_timeout": 1.0,
        "max_retry_after": 5,
        "obey_robots": False,
    }
    options.update(kwargs)
    return Fetcher(**options)


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/drip", "the limit for one fetch"),
        ("/hang-body", "the limit for one fetch"),
        ("/hang-head", "the limit for one fetch"),
        ("/retry-huge", "asks to wait 3600 s"),
        ("/short", "cut short"),
        ("/chunked-cut", "cut short"),
        ("/to-private", "100.100.100.200"),
        ("/to-mapped", "169.254.169.254"),
        ("/loop", "redirects"),
    ],
)
def test_fault_is_a_failed_fetch(server, path, reason):
    base, _ = server
    with pytest.raises(FetchError) as caught:
        fetcher().get(base + path)
    assert reason in caught.value.reason, caught.value.reason


def test_malformed_retry_after_is_read_as_absent(server):
    base, hits = server
    with pytest.raises(FetchError) as caught:
        fetcher(total_timeout=5).get(base + "/retry-soon")
    assert "HTTP 503" in caught.value.reason, caught.value.reason
    assert "connection failed" not in caught.value.reason
    assert hits["/retry-soon"] == 2  # retried with the default backoff


def test_declared_utf16_charset_is_honoured(server):
    base, _ = server
    result = fetcher().get(base + "/utf16")
    assert result.text.splitlines() == ["Name,Description", "Coopérative,ça va"]


@pytest.fixture
def ioo_text(shared_data):
    rows = list(
        csv.reader(io.StringIO((shared_data / "ioo" / "ioo-directory.csv").read_text(encoding="utf-8")))
    )
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows[:41])  # the header and 40 co-ops
    return out.getvalue()


def test_a_body_cut_mid_row_without_length_imports_nothing(server, empty_catalogue, ioo_text):
    from directory.models import Entry
    from importers.models import ImportRun
    from importers.runner import run_import

    text = ioo_text.rstrip("\n")
    LISTINGS["cut"] = text[: text.rindex("\n") + 12].encode()  # 11 characters into the 40th co-op's row
    report, run = run_import("ioo", url=server[0] + "/ioo-cut.csv")
    assert run.outcome == ImportRun.Outcome.FAILED
    assert "cut short" in run.message, run.message
    assert Entry.objects.count() == 0


def test_a_utf16_listing_labelled_so_imports_whole(server, empty_catalogue, ioo_text):
    from directory.models import Entry
    from importers.runner import run_import

    LISTINGS["utf16"] = ioo_text.encode("utf-16")
    report, run = run_import("ioo", url=server[0] + "/ioo-utf16.csv")
    assert report.errors == [], report.errors[:3]
    assert report.created == 40
    assert Entry.objects.filter(name=next(csv.reader(io.StringIO(ioo_text.splitlines()[1])))[0]).exists()
