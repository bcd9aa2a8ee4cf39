"""The one HTTP client importers use: polite, bounded and careful about where it goes.

No source calls `requests` directly. This module owns the User-Agent, timeouts,
retries with backoff on 429 and 5xx, robots.txt, a per-host rate limit,
conditional requests against an on-disk cache, the response size cap, the allowed
schemes, and the guard against requests to private, loopback and link-local
addresses: checked before each request and at every redirect, and again on the
socket itself once connected, so a name that resolves elsewhere the second time
(DNS rebinding) reaches nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import socket
import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

MAX_REDIRECTS = 5
UTF_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),  # before UTF-16's, which it starts with
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class FetchError(Exception):
    """A fetch that failed, with a reason a person can act on."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status  # the HTTP status, when the server answered with an error


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    headers: CaseInsensitiveDict
    content: bytes
    encoding: str | None
    from_cache: bool = False

    @property
    def text(self) -> str:
        return decode(self.content, self.encoding)


def decode(content: bytes, declared: str | None = None) -> str:
    """Bytes to text: a BOM, then a declared UTF-16/32, then UTF-8, the declared charset, Windows-1252.

    UTF-8 goes before other declared charsets because servers often declare Latin-1
    for UTF-8 bodies, and Latin-1 decoding never fails. A declared UTF-16 or UTF-32 goes
    first: their text is often valid UTF-8 too (ASCII letters with NUL bytes between them).
    """
    for bom, encoding in UTF_BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    wide = _wide_encoding(content, declared)
    if wide:
        return content.decode(wide, errors="replace")
    for encoding in filter(None, ["utf-8", declared]):
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("cp1252", errors="replace")


def _wide_encoding(content: bytes, declared: str | None) -> str | None:
    """A declared UTF-16 or UTF-32 with its byte order, read from where the NUL bytes are."""
    name = (declared or "").lower().replace("_", "-")
    if not name.startswith(("utf-16", "utf16", "utf-32", "utf32")):
        return None
    width = 4 if "32" in name else 2
    if name.endswith(("le", "be")):
        return f"utf-{width * 8}-{name[-2:]}"
    sample = content[:4096]
    # Without a BOM: ASCII-range text has its NUL bytes last (little-endian) or first (big-endian).
    little = sample[width - 1 :: width].count(0)
    big = sample[0::width].count(0)
    return f"utf-{width * 8}-{'be' if big > little else 'le'}"


# Ranges that are never fetched, whatever Python's `ipaddress` says: the IANA special-purpose
# registries for IPv4 and IPv6 plus what requests-hardened adds (carrier-grade NAT, segment
# routing, NAT64...). `is_global` alone is not enough: Python 3.11.7 counts 192.0.0.8,
# fec0::/10 and ::127.0.0.1 as global (cpython#113171), and `is_private` misses 100.64.0.0/10,
# where 100.100.100.200 is a cloud's metadata service.
DENIED_NETWORKS: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.ip_network(network), name)
    for network, name in (
        ("0.0.0.0/8", "this network"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "carrier-grade NAT (cloud metadata lives here)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local (cloud metadata lives here)"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("::/8", "IPv4-compatible, unspecified, loopback or reserved"),
        ("64:ff9b::/96", "NAT64"),
        ("64:ff9b:1::/48", "local NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/23", "IETF protocol assignments (Teredo, ORCHID, benchmarking...)"),
        ("2001:db8::/32", "documentation"),
        ("2002::/16", "6to4"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "segment routing"),
        ("fc00::/7", "unique local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)
GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")  # every IPv6 address on the Internet today
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one wraps: mapped, compatible, 6to4, Teredo (its client) or NAT64."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in NAT64 or (ip in IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(address: str) -> str | None:
    """Why the guard refuses an address ("loopback", "6to4 wrapping 169.254.169.254"...), or None.

    An IPv4-mapped address (::ffff:a.b.c.d) reaches the IPv4 it holds and is judged as it; the
    other wrappings (6to4, Teredo, NAT64, IPv4-compatible) go through a relay or translator we
    cannot check, so they are refused whatever they wrap, and the reason names what they wrap.
    """
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for network, name in DENIED_NETWORKS:
        if ip in network:
            inner = embedded_ipv4(ip) if ip.version == 6 else None
            return f"{name} wrapping {inner}" if inner else name
    if ip.version == 6 and ip not in GLOBAL_UNICAST_V6:
        return "outside the global unicast space"
    if not ip.is_global:
        return "not globally reachable"
    return None


def is_public_address(address: str) -> bool:
    return refusal(address) is None


class RefusedAddress(Exception):
    """A connection reached an address the guard refuses; nothing was sent on it."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} connected to {address}")
        self.host, self.address = host, address


class RetryAfterTooLong(Exception):
    """The server asked to wait longer than the fetcher will; nothing more was sent."""

    def __init__(self, seconds: float, limit: float, why: str):
        super().__init__(f"Retry-After {seconds:.0f} s")
        self.seconds, self.limit, self.why = seconds, limit, why


class Deadline:
    """The end of one fetch: when it passes, the fetch's sockets are shut, whatever they wait for.

    Timeouts bound each wait for a byte, not the whole: a server sending one byte every few
    seconds (headers or body) never trips them. A timer shuts the sockets down at the
    deadline, which wakes a blocked read at once; the fetch then reports the deadline.
    """

    _current = threading.local()

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True

    @classmethod
    def current(cls) -> Deadline | None:
        return getattr(cls._current, "deadline", None)

    def __enter__(self):
        self._outer = Deadline.current()
        Deadline._current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        Deadline._current.deadline = self._outer

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def watch(self, sock) -> None:
        with self._lock:
            if not self.expired:
                if all(known is not sock for known in self._sockets):
                    self._sockets.append(sock)
                return
        _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)


def _shut(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def capped_retry(max_retry_after: float):
    """urllib3's Retry, with Retry-After capped, and a malformed one read as no header at all."""

    class CappedRetry(Retry):
        def get_retry_after(self, response):
            value = response.headers.get("Retry-After")
            if value is None:
                return None
            try:
                seconds = self.parse_retry_after(value)
            except InvalidHeader:
                return None  # "Retry-After: soon": the usual backoff, as if none were given
            if seconds > max_retry_after:
                raise RetryAfterTooLong(seconds, max_retry_after, "the longest this portal waits")
            deadline = Deadline.current()
            if deadline is not None and seconds > deadline.remaining():
                raise RetryAfterTooLong(seconds, deadline.seconds, "the time left for this fetch")
            return seconds

    return CappedRetry


def guarded_adapter(allowed, **kwargs) -> HTTPAdapter:
    """An HTTPAdapter whose connections check the address they reached before sending anything.

    `allowed(address) -> bool`. The name was checked before the request, but the connection
    resolves it again: a name that answers with a public address first and a private one
    next (DNS rebinding) would otherwise reach the private one.
    """

    def checked(connection, sock):
        address = sock.getpeername()[0]
        if not allowed(address):
            sock.close()
            raise RefusedAddress(connection.host, address)
        watched(sock)
        return sock

    def watched(sock):
        deadline = Deadline.current()
        if deadline is not None and sock is not None:
            deadline.watch(sock)

    class Guarded:
        """For both connection classes: _new_conn is the TCP connect, before any TLS handshake."""

        def _new_conn(self):
            return checked(self, super()._new_conn())

        def getresponse(self, *args, **kwargs):  # a pooled connection is watched again
            watched(self.sock)
            return super().getresponse(*args, **kwargs)

    class GuardedHTTPConnection(Guarded, HTTPConnection):
        pass

    class GuardedHTTPSConnection(Guarded, HTTPSConnection):
        pass

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    class GuardedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **pool_kwargs):
            super().init_poolmanager(*args, **pool_kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}

    return GuardedAdapter(**kwargs)


class _HostClock:
    """Spaces requests to one host at least `interval` seconds apart, across threads."""

    def __init__(self):
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, interval: float):
        if interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + interval
        if start > now:
            time.sleep(start - now)


_clock = _HostClock()


class Fetcher:
    def __init__(
        self,
        *,
        allow_private: bool | None = None,
        private_allowlist: list[str] | None = None,
        timeout=None,
        max_bytes: int | None = None,
        user_agent: str | None = None,
        retries: int | None = None,
        min_interval: float | None = None,
        cache_dir: str | Path | None = None,
        obey_robots: bool | None = None,
        total_timeout: float | None = None,
        max_retry_after: float | None = None,
    ):
        self.allow_private = settings.PORTAL_HTTP_ALLOW_PRIVATE if allow_private is None else allow_private
        allowlist = settings.PORTAL_HTTP_PRIVATE_ALLOWLIST if private_allowlist is None else private_allowlist
        self.private_allowlist = [ipaddress.ip_network(n, strict=False) for n in allowlist]
        self.timeout = timeout or settings.PORTAL_HTTP_TIMEOUT
        self.max_bytes = max_bytes or settings.PORTAL_HTTP_MAX_BYTES
        self.total_timeout = total_timeout or settings.PORTAL_HTTP_TOTAL_TIMEOUT
        self.max_retry_after = (
            settings.PORTAL_HTTP_MAX_RETRY_AFTER if max_retry_after is None else max_retry_after
        )
        self.min_interval = settings.PORTAL_HTTP_MIN_INTERVAL if min_interval is None else min_interval
        self.obey_robots = settings.PORTAL_HTTP_OBEY_ROBOTS if obey_robots is None else obey_robots
        cache_dir = cache_dir if cache_dir is not None else settings.PORTAL_HTTP_CACHE_DIR
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.user_agent = user_agent or settings.PORTAL_USER_AGENT
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.user_agent
        retries = settings.PORTAL_HTTP_RETRIES if retries is None else retries
        retry = capped_retry(self.max_retry_after)(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=settings.PORTAL_HTTP_BACKOFF,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
            redirect=False,
        )
        adapter = guarded_adapter(self._address_allowed, max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    # ------------------------------------------------------------ the guard
    def _address_allowed(self, address: str) -> bool:
        if self.allow_private or is_public_address(address):
            return True
        ip = ipaddress.ip_address(address)
        return any(ip in network for network in self.private_allowlist)

    def check_url(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            port = parts.port  # raises for a port out of range, which URLValidator lets through
        except ValueError as error:
            raise FetchError(url, f"not a valid address ({error})") from error
        if parts.scheme not in ("http", "https"):
            raise FetchError(url, f"only http and https are fetched, not {parts.scheme or 'no scheme'}")
        if not parts.hostname:
            raise FetchError(url, "no host in the address")
        if self.allow_private:
            return
        try:
            infos = socket.getaddrinfo(parts.hostname, port or None, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as error:  # UnicodeError: a name IDNA cannot encode
            raise FetchError(url, f"host not found ({error})") from error
        for info in infos:
            address = info[4][0]
            if not self._address_allowed(address):
                raise FetchError(
                    url, f"refused: {parts.hostname} is a private address ({address}, {refusal(address)})"
                )

    # ---------------------------------------------------------- politeness
    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._robots:
            return self._robots[origin]
        parser = urllib.robotparser.RobotFileParser()
        try:
            response = self._request(origin + "/robots.txt", headers=None)
        except FetchError:
            parser = None  # unreachable host: the page fetch itself will say so
        else:
            with response:
                if response.status_code >= 500:
                    # RFC 9309: a server error on robots.txt means "assume complete disallow".
                    parser.parse(["User-agent: *", "Disallow: /"])
                elif response.status_code >= 400 or response.is_redirect:
                    parser.parse([])
                else:
                    body = self._read(origin + "/robots.txt", response, limit=500_000)
                    parser.parse(decode(body).splitlines())
        self._robots[origin] = parser
        return parser

    def _polite(self, url: str):
        host = urlsplit(url).hostname or ""
        interval = self.min_interval
        if self.obey_robots and not url.endswith("/robots.txt"):
            robots = self._robots_for(url)
            if robots is not None:
                if not robots.can_fetch(self.user_agent, url):
                    raise FetchError(url, "disallowed by the site's robots.txt")
                delay = robots.crawl_delay(self.user_agent)
                if delay:
                    # Capped like Retry-After: a robots.txt cannot park a worker for an hour.
                    interval = max(interval, min(float(delay), self.max_retry_after))
        _clock.wait(host, interval)

    # -------------------------------------------------------------- cache
    def _cache_paths(self, url: str):
        key = hashlib.sha256(url.encode()).hexdigest()
        return self.cache_dir / f"{key}.json", self.cache_dir / f"{key}.body"

    def _cached(self, url: str):
        if not self.cache_dir:
            return None, {}
        meta_path, body_path = self._cache_paths(url)
        if not (meta_path.is_file() and body_path.is_file()):
            return None, {}
        meta = json.loads(meta_path.read_text())
        headers = {}
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
        return meta, headers

    def _store(self, url: str, result: FetchResult):
        if not self.cache_dir:
            return
        etag, modified = result.headers.get("ETag"), result.headers.get("Last-Modified")
        if not (etag or modified):
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        meta_path, body_path = self._cache_paths(url)
        body_path.write_bytes(result.content)
        meta_path.write_text(
            json.dumps(
                {
                    "etag": etag,
                    "last_modified": modified,
                    "final_url": result.final_url,
                    "encoding": result.encoding,
                }
            )
        )

    # ------------------------------------------------------------ fetching
    def _request(self, url: str, headers: dict | None):
        self.check_url(url)
        try:
            return self.session.get(
                url, headers=headers, timeout=self.timeout, stream=True, allow_redirects=False
            )
        except RetryAfterTooLong as error:
            raise FetchError(
                url,
                f"the server asks to wait {error.seconds:.0f} s before trying again, longer than "
                f"{error.why} ({error.limit:.0f} s); not retried",
            ) from error
        except RefusedAddress as error:
            raise FetchError(
                url,
                f"refused: {error.host} led to a private address ({error.address}) when connecting"
                f" ({refusal(error.address)})",
            ) from error
        except requests.Timeout as error:
            raise FetchError(url, "timed out") from error
        except requests.RequestException as error:
            # After the last retry urllib3 wraps the cause: name it.
            text = str(error)
            if "timed out" in text or "Timeout" in text:
                raise FetchError(url, "timed out (after retries)") from error
            if "reset" in text.lower() or "RemoteDisconnected" in text or "aborted" in text.lower():
                raise FetchError(url, "connection failed (reset by the server)") from error
            raise FetchError(url, f"connection failed ({type(error).__name__})") from error

    def get(self, url: str, headers: dict | None = None) -> FetchResult:
        """GET a URL within the whole-fetch deadline (PORTAL_HTTP_TOTAL_TIMEOUT), or raise FetchError."""
        with Deadline(self.total_timeout) as deadline:
            try:
                return self._get(url, headers, deadline)
            except Exception as error:
                if deadline.expired:
                    raise FetchError(
                        url, f"took longer than {self.total_timeout:g} s, the limit for one fetch"
                    ) from error
                raise

    def _get(self, url: str, headers: dict | None, deadline: Deadline) -> FetchResult:
        meta, conditional = self._cached(url)
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self.check_url(current)
            self._polite(current)
            response = self._request(
                current, {**conditional, **(headers or {})} if current == url else headers
            )
            with response:
                if response.is_redirect:
                    current = urljoin(current, response.headers.get("Location", ""))
                    continue
                if response.status_code == 304 and meta is not None:
                    _meta_path, body_path = self._cache_paths(url)
                    return FetchResult(
                        url=url,
                        final_url=meta.get("final_url") or current,
                        status=304,
                        headers=CaseInsensitiveDict(response.headers),
                        content=body_path.read_bytes(),
                        encoding=meta.get("encoding"),
                        from_cache=True,
                    )
                if response.status_code >= 400:
                    raise FetchError(current, f"HTTP {response.status_code}", status=response.status_code)
                content = self._read(current, response)
                if deadline.expired:  # a close-delimited body the deadline cut looks whole
                    raise FetchError(current, "deadline")
                content_type = response.headers.get("Content-Type", "")
                result = FetchResult(
                    url=url,
                    final_url=current,
                    status=response.status_code,
                    headers=CaseInsensitiveDict(response.headers),
                    content=content,
                    encoding=response.encoding if "charset" in content_type.lower() else None,
                )
                self._store(url, result)
                return result
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _read(self, url, response, limit: int | None = None) -> bytes:
        limit = limit or self.max_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"response of {declared} bytes is over the {limit}-byte limit")
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FetchError(url, f"response is over the {limit}-byte limit")
                chunks.append(chunk)
        except requests.RequestException as error:
            raise FetchError(url, f"body cut short ({type(error).__name__})") from error
        content = b"".join(chunks)
        if declared and declared.isdigit() and len(content) < int(declared):
            raise FetchError(url, f"body cut short: {len(content)} of {declared} bytes")
        return content
