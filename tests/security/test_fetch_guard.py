"""The address guard's table: every special-purpose range refused, public addresses allowed.

Addresses are judged by `is_public_address`; spellings of an address as a host name (decimal,
octal, hex IPv4, bracketed IPv6) go through the fetcher's own check before any request, with
the resolver kept to numeric forms so the test never asks DNS.
"""

from __future__ import annotations

import socket

import pytest

from importers.http import Fetcher, FetchError, is_public_address, refusal

# (address, why it is refused): the IANA special-purpose registries, IPv4 then IPv6, plus the
# ranges requests-hardened blocks and the wrapped forms of private IPv4 addresses.
REFUSED = [
    ("0.0.0.0", "this network"),
    ("0.1.2.3", "this network"),
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.100.100.200", "carrier-grade NAT: a cloud metadata address"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("169.254.169.254", "link-local: the cloud metadata address"),
    ("169.254.0.1", "link-local"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.0.0.1", "IETF protocol assignments"),
    ("192.0.0.8", "IPv4 dummy address"),
    ("192.0.0.9", "port control protocol anycast"),
    ("192.0.0.170", "NAT64 discovery"),
    ("192.0.2.1", "TEST-NET-1"),
    ("192.88.99.1", "6to4 relay anycast"),
    ("192.168.0.1", "private"),
    ("192.168.255.255", "private"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.255", "benchmarking"),
    ("198.51.100.1", "TEST-NET-2"),
    ("203.0.113.1", "TEST-NET-3"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast (SSDP)"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "limited broadcast"),
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("::127.0.0.1", "IPv4-compatible loopback"),
    ("::169.254.169.254", "IPv4-compatible metadata address"),
    ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
    ("::ffff:169.254.169.254", "IPv4-mapped metadata address"),
    ("::ffff:10.0.0.1", "IPv4-mapped private"),
    ("::ffff:100.100.100.200", "IPv4-mapped carrier-grade NAT"),
    ("::ffff:0:127.0.0.1", "IPv4-translated (SIIT)"),
    ("64:ff9b::7f00:1", "NAT64 of 127.0.0.1"),
    ("64:ff9b::a9fe:a9fe", "NAT64 of 169.254.169.254"),
    ("64:ff9b::808:808", "NAT64 even of a public address: a translator we cannot check"),
    ("64:ff9b:1::1", "local-use NAT64"),
    ("100::1", "discard-only"),
    ("2001::1", "Teredo"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ("2001:2::1", "benchmarking"),
    ("2001:10::1", "ORCHID"),
    ("2001:20::1", "ORCHIDv2"),
    ("2001:db8::1", "documentation"),
    ("2002:a9fe:a9fe::1", "6to4 wrapping 169.254.169.254"),
    ("2002:7f00:1::", "6to4 wrapping 127.0.0.1"),
    ("2002:808:808::1", "6to4 even of a public address: a relay we cannot check"),
    ("3fff::1", "documentation (2024)"),
    ("5f00::1", "segment routing"),
    ("fc00::1", "unique local"),
    ("fd12:3456:789a::1", "unique local"),
    ("fe80::1", "link-local"),
    ("fe80::1%1", "link-local with a zone"),
    ("fec0::1", "site-local (deprecated)"),
    ("feff::1", "site-local (deprecated)"),
    ("ff02::1", "multicast"),
    ("ff05::2", "multicast"),
    ("4000::1", "unassigned, outside 2000::/3"),
]
ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",  # just below carrier-grade NAT
    "100.128.0.1",  # just above it
    "172.32.0.1",  # just above 172.16.0.0/12
    "192.0.3.1",
    "198.20.0.1",
    "223.255.255.254",
    "::ffff:8.8.8.8",  # mapped: judged as the IPv4 it holds
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
    "2a00:1450:4009:80b::200e",
]


@pytest.mark.parametrize("address, why", REFUSED, ids=[a for a, _ in REFUSED])
def test_special_purpose_addresses_are_refused(address, why):
    assert not is_public_address(address), f"{address} ({why}) was allowed"


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address):
    assert is_public_address(address)


def test_wrapped_addresses_name_what_they_wrap():
    assert "169.254.169.254" in refusal("2002:a9fe:a9fe::1")
    assert "127.0.0.1" in refusal("64:ff9b::7f00:1")
    assert refusal("100.100.100.200").startswith("carrier-grade NAT")


# Spellings of private addresses as host names: the C resolver reads them as IPv4 addresses.
HOST_SPELLINGS = [
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f.1/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",  # octal
    "http://017700000001/",
    "http://127.1/",
    "http://0/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://2852039166/",  # 169.254.169.254
    "http://0xa9.0xfe.0xa9.0xfe/",
    "http://0251.0376.0251.0376/",
    "http://100.100.100.200/",
    "http://[2002:a9fe:a9fe::]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://0x64.0x64.0x64.0xc8/",  # 100.100.100.200 in hex
    "http://10.1/",
    "http://192.168.1/",
]


@pytest.fixture
def numeric_resolver(monkeypatch):
    """getaddrinfo for numeric hosts only: a name would be a DNS query, which tests never make."""
    real = socket.getaddrinfo

    def numeric(host, port, *args, **kwargs):
        kwargs["flags"] = kwargs.get("flags", 0) | socket.AI_NUMERICHOST
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", numeric)


@pytest.mark.parametrize("url", HOST_SPELLINGS)
def test_host_spellings_of_private_addresses_are_refused(url, numeric_resolver):
    with pytest.raises(FetchError) as caught:
        Fetcher(private_allowlist=[]).check_url(url)
    assert "refused" in caught.value.reason and "private address" in caught.value.reason


@pytest.mark.parametrize("url", ["http://8.8.8.8/", "http://134744072/", "http://[2001:4860:4860::8888]/"])
def test_host_spellings_of_public_addresses_pass_the_check(url, numeric_resolver):
    Fetcher(private_allowlist=[]).check_url(url)  # no exception: nothing is fetched here


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://127.0.0.1/", "//x/"])
def test_other_schemes_are_refused(url):
    with pytest.raises(FetchError) as caught:
        Fetcher(private_allowlist=[]).check_url(url)
    assert "only http and https" in caught.value.reason


def test_the_connection_checks_the_address_it_reached_with_the_same_table():
    """The DNS-rebinding check on the socket uses the same guard as the check before the request."""
    fetcher = Fetcher(private_allowlist=[])
    assert not fetcher._address_allowed("100.100.100.200")
    assert not fetcher._address_allowed("::ffff:169.254.169.254")
    assert fetcher._address_allowed("8.8.8.8")
