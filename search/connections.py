"""Clients for an Elasticsearch or OpenSearch cluster, one per address, made on first use.

Settings (all optional; the defaults suit a single local node):

- ``PORTAL_SEARCH_URL``: the cluster's address, e.g. ``https://search.example.org:9200``
  (default ``http://127.0.0.1:9200``); several nodes separated by commas.
- ``PORTAL_SEARCH_USERNAME`` / ``PORTAL_SEARCH_PASSWORD``: basic authentication (default none).
- ``PORTAL_SEARCH_CA_CERTS``: a CA bundle for TLS (default: the system's).
- ``PORTAL_SEARCH_VERIFY_CERTS``: check TLS certificates (default True).
- ``PORTAL_SEARCH_TIMEOUT``: seconds before a request gives up (default 10).
"""

from __future__ import annotations

import threading

from django.conf import settings

DEFAULT_URL = "http://127.0.0.1:9200"
DEFAULT_TIMEOUT = 10

_clients: dict[tuple, object] = {}
_lock = threading.Lock()


def search_urls(url: str | None = None) -> list[str]:
    value = url or getattr(settings, "PORTAL_SEARCH_URL", "") or DEFAULT_URL
    return [part.strip() for part in str(value).split(",") if part.strip()]


def client_options() -> dict:
    options: dict = {}
    if not getattr(settings, "PORTAL_SEARCH_VERIFY_CERTS", True):
        options["verify_certs"] = False
    username = getattr(settings, "PORTAL_SEARCH_USERNAME", "")
    if username:
        options["auth"] = (username, getattr(settings, "PORTAL_SEARCH_PASSWORD", ""))
    ca_certs = getattr(settings, "PORTAL_SEARCH_CA_CERTS", "")
    if ca_certs:
        options["ca_certs"] = ca_certs
    return options


def get_client(kind: str, url: str | None = None):
    """The shared client of `kind` ("elasticsearch" or "opensearch") for this address.

    Clients keep a pool of connections, so engines, which are made per request, share them.
    """
    urls = search_urls(url)
    timeout = float(getattr(settings, "PORTAL_SEARCH_TIMEOUT", DEFAULT_TIMEOUT))
    options = client_options()
    key = (kind, tuple(urls), timeout, tuple(sorted((k, str(v)) for k, v in options.items())))
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = _make_client(kind, urls, timeout, options)
        return client


def _make_client(kind: str, urls: list[str], timeout: float, options: dict):
    auth = options.pop("auth", None)
    # Each client library is an optional extra (pyproject), imported only when its server is used.
    if kind == "elasticsearch":
        from elasticsearch import Elasticsearch

        if auth:
            options["basic_auth"] = auth
        return Elasticsearch(urls, request_timeout=timeout, **options)
    if kind == "opensearch":
        from opensearchpy import OpenSearch

        if auth:
            options["http_auth"] = auth
        return OpenSearch(hosts=urls, timeout=timeout, **options)
    raise ValueError(f"unknown search server kind: {kind!r}")


def close_clients():
    """Close every pooled connection (tests stopping a server, workers shutting down)."""
    with _lock:
        for client in _clients.values():
            try:
                client.close()
            except Exception:  # closing is best effort
                pass
        _clients.clear()
