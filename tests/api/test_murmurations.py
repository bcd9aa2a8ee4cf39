"""Murmurations profiles of published entries, and registering them with an index."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from directory.management.commands.murmurations_register import nodes_url
from directory.models import Entry
from directory.murmurations import SCHEMA, build_profile, entry_queryset

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def organisations_schema(shared_data):
    """organizations_schema-v1.0.0 with its field files inlined, as the Murmurations library serves it."""
    path = shared_data / "murmurations" / "organizations_schema-v1.0.0.dereferenced.json"
    schema = json.loads(path.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_every_imported_ioo_entry_has_a_valid_profile(catalogue_loaded, client, organisations_schema):
    ioo = Entry.objects.published().filter(source_records__source__slug="ioo").order_by("pk")
    assert ioo.count() == 313
    problems, located, tagged = {}, 0, 0
    for entry in ioo:
        response = client.get(f"/directory/{entry.slug}/murmurations.json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        profile = response.json()
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in organisations_schema.iter_errors(profile)]
        if errors:
            problems[entry.slug] = errors
        assert profile["linked_schemas"] == [SCHEMA] and profile["name"] == entry.name[:200]
        assert "contact_details" not in profile and "telephone" not in profile
        located += "geolocation" in profile
        tagged += "tags" in profile
    assert not problems, problems
    # The profiles carry what IoO knew: places and activities.
    assert located > 200 and tagged > 300


def test_profile_fields_map_the_entry(catalogue_loaded, client, organisations_schema):
    entry = Entry.objects.published().get(name="CoopCycle")
    profile = client.get(f"/directory/{entry.slug}/murmurations.json").json()
    assert not list(organisations_schema.iter_errors(profile))
    assert profile["primary_url"] == entry.website
    assert profile["status"] == entry.status
    assert profile["unique_id"] == entry.slug
    if entry.country:
        assert profile["country_iso_3166"] == entry.country.code
    assert {"name": "Co-op Portal directory", "url": f"http://testserver/directory/{entry.slug}/"} in (
        profile["urls"]
    )


def test_a_full_profile_validates_and_our_importer_reads_it_back(
    catalogue_loaded, organisations_schema, shared_data, settings, tmp_path
):
    """Every optional field set at once, through the importer's own validation and mapping."""
    from importers.sources.murmurations import MurmurationsSource

    entry = Entry.objects.published().filter(latitude__isnull=False).first()
    Entry.objects.filter(pk=entry.pk).update(
        other_names=["Nick"],
        founded_year=1950,
        geographic_scope="national",
        address="1 Co-op Street",
        locality="Leeds",
        region="West Yorkshire",
        country="GB",
        logo_url="https://example.org/logo.png",
        source_code_url="https://git.example.org/coop",
        links=[{"label": "Blog", "url": "https://blog.example.org"}, {"label": "bad", "url": "mailto:x@y.z"}],
        status="on_hold",
    )
    entry = entry_queryset().get(pk=entry.pk)
    profile = build_profile(entry, "https://coops.example.org/")
    assert not list(organisations_schema.iter_errors(profile))
    assert profile["starts_at"] == -631152000  # 1950-01-01 as a Unix timestamp
    assert profile["full_address"] == "1 Co-op Street, Leeds, West Yorkshire, United Kingdom"
    assert all(u["url"].startswith("https://") for u in profile["urls"])

    # The importer validates against the schema with its field files, read from the library folder.
    settings.PORTAL_MURMURATIONS_LIBRARY_URL = str(shared_data / "murmurations" / "schemas")
    settings.PORTAL_CACHE_DIR = tmp_path
    source = MurmurationsSource()
    record = source.profile_record(profile, "https://coops.example.org/directory/x/murmurations.json")
    assert not hasattr(record, "reason"), record
    assert record.fields["name"] == entry.name and record.fields["country"] == "GB"


def test_a_draft_or_unknown_entry_has_no_profile(catalogue_loaded, client):
    entry = Entry.objects.published().first()
    entry.unpublish()  # as an editor does; signals keep the search index and counts current
    assert client.get(f"/directory/{entry.slug}/murmurations.json").status_code == 404
    assert client.get("/directory/no-such-entry/murmurations.json").status_code == 404


class FakeIndex:
    """A Murmurations index on 127.0.0.1: records POST /v2/nodes, refuses chosen profiles."""

    def __init__(self, refuse: str, broken: str):
        self.received: list[str] = []
        index = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                url = body.get("profile_url", "")
                if self.path != "/v2/nodes":
                    return self.answer(404, {"errors": [{"status": 404, "title": "Not Found"}]})
                index.received.append(url)
                if refuse in url:
                    return self.answer(
                        400,
                        {
                            "errors": [
                                {
                                    "status": 400,
                                    "title": "No Redirects",
                                    "detail": "Redirects are not supported.",
                                }
                            ]
                        },
                    )
                if broken in url:
                    self.send_response(500)
                    self.end_headers()
                    return self.wfile.write(b"oops")
                self.answer(200, {"data": {"node_id": hashlib.sha256(url.encode()).hexdigest()}})

            def answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_index(catalogue_loaded):
    slugs = list(Entry.objects.published().order_by("pk").values_list("slug", flat=True)[:2])
    index = FakeIndex(refuse=f"/{slugs[0]}/", broken=f"/{slugs[1]}/")
    index.refused, index.broken = slugs
    yield index
    index.close()


def test_register_posts_every_published_profile_and_reports_failures(fake_index, capsys):
    with pytest.raises(CommandError, match="2 of"):
        call_command(
            "murmurations_register", "--index", fake_index.url, "--base-url", "https://coops.example.org/"
        )
    out, err = capsys.readouterr()
    published = list(Entry.objects.published().values_list("slug", flat=True))
    expected = {f"https://coops.example.org/directory/{slug}/murmurations.json" for slug in published}
    assert set(fake_index.received) == expected and len(fake_index.received) == len(published)
    assert f"{fake_index.refused}: HTTP 400: No Redirects: Redirects are not supported." in err
    assert f"{fake_index.broken}: HTTP 500: oops" in err
    assert f"registered {len(published) - 2}, failed 2." in out


def test_register_dry_run_sends_nothing(fake_index, capsys):
    call_command(
        "murmurations_register",
        "--index",
        fake_index.url,
        "--base-url",
        "https://coops.example.org",
        "--dry-run",
        "--limit",
        "5",
    )
    out = capsys.readouterr().out
    assert fake_index.received == []
    assert out.count("https://coops.example.org/directory/") == 5 and "would register 5, failed 0." in out


def test_register_json_summary(fake_index, capsys):
    with pytest.raises(CommandError):
        call_command(
            "murmurations_register",
            "--index",
            fake_index.url + "/v2",
            "--base-url",
            "http://x.example",
            "--limit",
            "3",
            "--json",
        )
    summary = json.loads(capsys.readouterr().out)
    assert summary["registered"] == 1 and summary["failed"] == 2
    assert {e["entry"] for e in summary["errors"]} == {fake_index.refused, fake_index.broken}


def test_register_reports_an_unreachable_index_per_entry(catalogue_loaded, capsys):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(CommandError, match="2 of 2 failed"):
        call_command("murmurations_register", "--index", f"http://127.0.0.1:{port}", "--limit", "2")
    err = capsys.readouterr().err
    assert err.count("no answer from the index (ConnectionError)") == 2


@pytest.mark.parametrize("bad", [["--index", "ftp://x"], ["--index", "https://i.example", "--base-url", "x"]])
def test_register_rejects_bad_addresses(db, bad):
    with pytest.raises(CommandError, match="must be an http"):
        call_command("murmurations_register", *bad)


def test_nodes_url_accepts_the_index_in_any_form():
    for index in (
        "https://i.example",
        "https://i.example/",
        "https://i.example/v2",
        "https://i.example/v2/nodes",
    ):
        assert nodes_url(index) == "https://i.example/v2/nodes"
