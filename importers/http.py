"""The one HTTP client importers use: polite, bounded and careful about where it goes.

No source calls `requests` directly. This module owns the User-Agent, timeouts,
retries with backoff, the response size cap, the allowed schemes and the guard
against requests to private, loopback and link-local addresses (checked again at
every redirect).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

MAX_REDIRECTS = 5


class FetchError(Exception):
    """A fetch that failed, with a reason a person can act on."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    headers: dict
    content: bytes
    encoding: str | None

    @property
    def text(self) -> str:
        return decode(self.content, self.encoding)


def decode(content: bytes, declared: str | None = None) -> str:
    """Bytes to text: a BOM first, then the declared charset, then UTF-8, then Windows-1252."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    for encoding in filter(None, [declared, "utf-8"]):
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("cp1252", errors="replace")


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


class Fetcher:
    def __init__(
        self,
        *,
        allow_private: bool | None = None,
        timeout=None,
        max_bytes: int | None = None,
        user_agent: str | None = None,
        retries: int = 3,
    ):
        self.allow_private = settings.PORTAL_HTTP_ALLOW_PRIVATE if allow_private is None else allow_private
        self.timeout = timeout or settings.PORTAL_HTTP_TIMEOUT
        self.max_bytes = max_bytes or settings.PORTAL_HTTP_MAX_BYTES
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent or settings.PORTAL_USER_AGENT
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=0.5,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
            redirect=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(url, f"only http and https are fetched, not {parts.scheme or 'no scheme'}")
        if not parts.hostname:
            raise FetchError(url, "no host in the address")
        if self.allow_private:
            return
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or None, proto=socket.IPPROTO_TCP)
        except socket.gaierror as error:
            raise FetchError(url, f"host not found ({error})") from error
        for info in infos:
            address = info[4][0]
            if not is_public_address(address):
                raise FetchError(url, f"refused: {parts.hostname} is a private address ({address})")

    def get(self, url: str, headers: dict | None = None) -> FetchResult:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self.check_url(current)
            try:
                response = self.session.get(
                    current,
                    headers=headers,
                    timeout=self.timeout,
                    stream=True,
                    allow_redirects=False,
                )
            except requests.Timeout as error:
                raise FetchError(current, "timed out") from error
            except requests.RequestException as error:
                raise FetchError(current, f"connection failed ({type(error).__name__})") from error
            with response:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    current = urljoin(current, location)
                    continue
                if response.status_code >= 400:
                    raise FetchError(current, f"HTTP {response.status_code}")
                content = self._read(current, response)
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=response.status_code,
                    headers=dict(response.headers),
                    content=content,
                    encoding=response.encoding
                    if "charset" in response.headers.get("Content-Type", "")
                    else None,
                )
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _read(self, url, response) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(url, f"response of {declared} bytes is over the {self.max_bytes}-byte limit")
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(url, f"response is over the {self.max_bytes}-byte limit")
                chunks.append(chunk)
        except requests.RequestException as error:
            raise FetchError(url, f"body cut short ({type(error).__name__})") from error
        content = b"".join(chunks)
        if declared and declared.isdigit() and len(content) < int(declared):
            raise FetchError(url, f"body cut short: {len(content)} of {declared} bytes")
        return content
