"""Websites: the country of a country-code top-level domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from .indexes import _gazetteer
from .tables import GENERIC_CCTLDS


def country_from_website(url: str) -> str | None:
    """Country of a website's country-code top-level domain (``.de`` -> DE, ``.co.uk`` ->
    GB); ``None`` for generic domains (.com, .org, .coop, .eu...) and for ccTLDs sold as
    generic ones (.io, .co, .me, .tv, .ai, .fm, .ly...)."""
    if not url:
        return None
    text = str(url).strip().split()[0] if str(url).strip() else ""
    if not text:
        return None
    if "://" not in text:
        text = "http://" + text.removeprefix("//")
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return None
    host = host.rsplit("@", 1)[-1].strip(".").lower()
    labels = host.split(".")
    if len(labels) < 2 or not all(labels) or labels[-1].isdigit():
        return None
    tld = labels[-1]
    if tld in ("uk", "gb"):
        return "GB"
    if len(tld) != 2 or tld in GENERIC_CCTLDS:
        return None
    code = tld.upper()
    return code if code in _gazetteer().iso2 else None
