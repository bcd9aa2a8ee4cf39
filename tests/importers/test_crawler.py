"""The homepage crawler, on the five real homepages and on worse."""

from __future__ import annotations

import http.server
import io
import json
import shutil
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from directory.models import Entry, Source, SourceRecord
from importers import crawler
from importers.crawler import STALE_NOTE, crawl
from importers.models import HomepageCheck

pytestmark = pytest.mark.django_db

SITES = ["librecode.coop", "libresign.coop", "hello.coop", "devops.coop", "zinc.coop"]


@pytest.fixture
def homepages(shared_data, file_server, tmp_path):
    """Copies of the real homepages, each at /<domain>/ on a local server."""
    root = tmp_path / "sites"
    for site in SITES:
        (root / site).mkdir(parents=True)
        shutil.copy(shared_data / "html" / "homepages" / f"{site}.html", root / site / "index.html")
    return file_server(root), root


@pytest.fixture
def indexed(monkeypatch):
    """The entry ids the crawler sends to the search index."""
    ids = set()

    def record(entry_ids):
        ids.update(entry_ids)
        return len(set(entry_ids))

    monkeypatch.setattr(crawler, "index_entries", record)
    return ids


def make_entry(slug, website, **fields):
    fields.setdefault("live", True)
    return Entry.objects.create(name=fields.pop("name", slug), slug=slug, website=website, **fields)


def check_of(entry) -> HomepageCheck:
    return HomepageCheck.objects.filter(entry=entry).latest("checked_at")


# ----------------------------------------------------------------------- nasty pages
BROKEN = b"""<html lang=fr_FR><head><title>Coop cass\xc3\xa9e</title><body><p>unclosed <div><table><td>
<link rel="alternate" hreflang="en" href="/en/">
<link rel="alternate" type="application/rss+xml" title="News" href="../feed.xml">
<script type="application/ld+json">{"@type": "Organization", "name": "Broken", </script>
<script type="application/ld+json">
[{"@context": "https://schema.org", "@type": "WebPage", "name": "Home",
  "publisher": {"@type": ["schema:Organization", "LocalBusiness"], "name": "Nested Co-op",
                "foundingDate": "2012-05-01", "logo": {"@type": "ImageObject", "contentUrl": "img/logo.png"},
                "address": {"@type": "PostalAddress", "streetAddress": "12 Rue de la Paix",
                            "postalCode": "75002", "addressLocality": "Paris",
                            "addressCountry": {"@type": "Country", "name": "France"}},
                "sameAs": "https://social.coop/@nested"}}]
</script>
<a href="/.well-known/murmurations.json">our Murmurations profile</a>
<p>no closing tags at all
"""
LATIN1 = "<html lang='fr'><head><title>Coopérative Écologique</title></head><body>é</body></html>"
UTF8 = "<html lang='de'><head><title>Genossenschaft für Öko</title></head></html>"


class NastyHandler(http.server.BaseHTTPRequestHandler):
    pages = {
        "/broken/": ("text/html", BROKEN),
        # Says UTF-8, is Latin-1; says Latin-1, is UTF-8.
        "/latin1/": ("text/html; charset=utf-8", LATIN1.encode("latin-1")),
        "/utf8/": ("text/html; charset=iso-8859-1", UTF8.encode("utf-8")),
        "/huge/": ("text/html", b"<html><title>huge</title>" + b"x" * (3 * 1024 * 1024)),
        "/report.pdf": ("application/pdf", b"%PDF-1.4"),
    }
    redirects = {"/loop": "/loop2", "/loop2": "/loop", "/moved": "/broken/"}

    def do_GET(self):
        if self.path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path in self.pages:
            kind, body = self.pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (the huge page)
        else:
            status = 500 if self.path == "/error" else 404
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def nasty():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NastyHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# ---------------------------------------------------------------------------- tests
def test_reads_the_real_homepages(empty_catalogue, homepages, indexed):
    base, _root = homepages
    entries = {site: make_entry(site.split(".")[0], f"{base}/{site}/") for site in SITES}
    report = crawl()
    assert (report.checked, report.ok, report.failed) == (5, 5, 0)

    # librecode.coop: a JSON-LD Organization, pt-BR, a relative og:image.
    librecode = check_of(entries["librecode.coop"])
    assert librecode.ok and librecode.status_code == 200
    assert librecode.title == "LibreCode — Cooperativa de Software Livre"
    assert librecode.language == "pt-BR"
    assert librecode.image_url == f"{base}/assets/images/logo/librecode_large.png"
    organisation = librecode.organisation
    assert organisation["name"] == "LibreCode"
    assert organisation["legalName"] == "LibreCode Cooperativa de Tecnologia"
    assert organisation["address"] == {"addressCountry": "BR"}
    assert organisation["foundingDate"] == "2018"
    assert organisation["logo"] == f"{base}/assets/images/logo/librecode.png"
    assert "https://github.com/librecodecoop" in organisation["sameAs"] and len(organisation["sameAs"]) == 5
    entry = Entry.objects.get(pk=entries["librecode.coop"].pk)
    assert entry.summary.startswith("Cooperativa de tecnologia especializada em soluções corporativas")
    assert entry.country == "BR"
    assert entry.founded_year == 2018
    assert entry.languages == ["pt"]
    assert entry.logo_url == f"{base}/assets/images/logo/librecode.png"
    assert {"label": "GitHub", "url": "https://github.com/librecodecoop"} in entry.links
    assert {"label": "Telegram", "url": "https://t.me/LibreCodeCoop"} in entry.links
    for name in ("summary", "country", "founded_year", "languages", "logo_url", "links"):
        assert entry.field_origins[name] == "homepage", name
    assert entry.address == "" and entry.locality == ""  # the address names only the country

    # libresign.coop: the Organization inside @graph; hreflang alternates are not feeds.
    libresign = check_of(entries["libresign.coop"])
    assert libresign.organisation["name"] == "LibreSign"
    assert libresign.organisation["logo"] == "https://libresign.coop/assets/images/logo/logo.svg"
    assert "https://github.com/LibreSign/libresign" in libresign.organisation["sameAs"]
    assert libresign.language == "en" and libresign.feed_url == ""
    entry = Entry.objects.get(pk=entries["libresign.coop"].pk)
    assert entry.languages == ["en"]
    assert entry.logo_url == "https://libresign.coop/assets/images/logo/logo.svg"
    assert entry.summary.startswith("LibreSign is a free and open source electronic signature app")
    assert entry.founded_year is None and entry.country == ""

    # hello.coop: no lang attribute anywhere, an empty og:image, a <title> per social icon.
    hello = check_of(entries["hello.coop"])
    assert hello.title == "Hellō"
    assert hello.language == "" and hello.image_url == ""
    assert hello.description == "Co-operatively Building the Internet Identity Layer"
    entry = Entry.objects.get(pk=entries["hello.coop"].pk)
    assert entry.languages == [] and "languages" not in entry.field_origins
    assert entry.summary == "Co-operatively Building the Internet Identity Layer"

    devops = check_of(entries["devops.coop"])
    assert devops.title == "devops.coop | innovate and iterate"
    assert devops.organisation == {}
    zinc = Entry.objects.get(pk=entries["zinc.coop"].pk)
    assert check_of(zinc).title == "The Zinc Collective"
    assert zinc.summary == "" and zinc.languages == ["en"]  # no description to take

    assert indexed == {e.pk for e in entries.values()}


def test_fills_only_empty_fields_and_never_editor_ones(empty_catalogue, homepages, indexed):
    base, root = homepages
    entry = make_entry(
        "librecode",
        f"{base}/librecode.coop/",
        summary="A software co-op in Brazil.",
        founded_year=2017,
        field_origins={"summary": "ioo", "founded_year": "ioo", "country": "editor", "links": "editor"},
    )
    crawl(slugs=["librecode"])
    entry.refresh_from_db()
    assert entry.summary == "A software co-op in Brazil."  # another source's value
    assert entry.founded_year == 2017
    assert entry.country == "" and entry.links == []  # editors emptied these on purpose
    assert entry.languages == ["pt"] and entry.field_origins["languages"] == "homepage"
    assert entry.field_origins["country"] == "editor"

    # A second visit changes nothing; a site that changes updates what the crawler filled.
    indexed.clear()
    report = crawl(slugs=["librecode"])
    assert report.filled == {} and indexed == set()
    page = root / "librecode.coop" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('lang="pt-BR"', 'lang="en"'), encoding="utf-8")
    report = crawl(slugs=["librecode"])
    entry.refresh_from_db()
    assert report.filled == {"librecode": ["languages"]}
    assert entry.languages == ["en"]
    assert HomepageCheck.objects.filter(entry=entry).count() == 3


def test_broken_and_hostile_pages(empty_catalogue, nasty, indexed):
    paths = {
        "broken": "/broken/",
        "latin1": "/latin1/",
        "utf8": "/utf8/",
        "huge": "/huge/",
        "loop": "/loop",
        "error": "/error",
        "moved": "/moved",
        "pdf": "/report.pdf",
    }
    entries = {slug: make_entry(slug, nasty + path) for slug, path in paths.items()}
    report = crawl()
    assert report.checked == len(paths)

    broken = check_of(entries["broken"])
    assert broken.ok and broken.title == "Coop cassée"
    assert broken.language == "fr-FR"
    assert broken.feed_url == f"{nasty}/feed.xml"  # ../feed.xml from /broken/
    assert broken.murmurations_url == f"{nasty}/.well-known/murmurations.json"
    assert broken.organisation["name"] == "Nested Co-op"  # a list, a nested node, two types
    assert broken.organisation["logo"] == f"{nasty}/broken/img/logo.png"
    assert "1 JSON-LD block(s) not valid JSON" in broken.error
    entry = Entry.objects.get(pk=entries["broken"].pk)
    assert entry.founded_year == 2012
    assert (entry.country, entry.locality) == ("FR", "Paris")
    assert entry.address == "12 Rue de la Paix, 75002 Paris, France"
    assert entry.languages == ["fr"]
    assert entry.links == [{"label": "social.coop", "url": "https://social.coop/@nested"}]

    assert check_of(entries["latin1"]).title == "Coopérative Écologique"
    assert check_of(entries["utf8"]).title == "Genossenschaft für Öko"

    huge = check_of(entries["huge"])
    assert huge.ok and "limit" in huge.error  # it answered: too big to read is not closed

    loop = check_of(entries["loop"])
    assert not loop.ok and "redirects" in loop.error
    error = check_of(entries["error"])
    assert (error.ok, error.status_code, error.error) == (False, 500, "HTTP 500")
    moved = check_of(entries["moved"])
    assert moved.ok and moved.final_url == f"{nasty}/broken/"
    pdf = check_of(entries["pdf"])
    assert pdf.ok and pdf.error == "not a web page (application/pdf)" and pdf.title == ""
    assert report.failed == 2


def test_sites_failing_for_two_weeks_are_flagged_then_lifted(empty_catalogue, nasty, homepages, indexed):
    now = timezone.now()
    down = make_entry("down", f"{nasty}/error", review_note="New from Somewhere.", needs_review=True)
    recent = make_entry("recent", f"{nasty}/error")
    for entry, days in ((down, 20), (down, 10), (recent, 5), (recent, 2)):
        HomepageCheck.objects.create(
            entry=entry, url=entry.website, checked_at=now - timedelta(days=days), error="HTTP 500"
        )
    report = crawl()
    down.refresh_from_db()
    recent.refresh_from_db()
    first = (now - timedelta(days=20)).date().isoformat()
    note = f"Website unreachable on 3 checks since {first}: possibly closed"
    assert down.needs_review and down.review_note == f"New from Somewhere.\n{note}"
    assert report.flagged_unreachable == ["down"]
    assert not recent.needs_review and recent.review_note == ""  # 3 failures within 5 days
    assert indexed == {down.pk}

    # The same failure again: no second note.
    crawl(slugs=["down"])
    down.refresh_from_db()
    assert down.review_note.count("Website unreachable") == 1
    assert "on 4 checks since " + first in down.review_note

    # The site answers again: the flag is lifted, the other note stays.
    base, _root = homepages
    Entry.objects.filter(pk=down.pk).update(website=f"{base}/zinc.coop/")
    report = crawl(slugs=["down"])
    down.refresh_from_db()
    assert down.review_note == "New from Somewhere." and down.needs_review
    assert report.unflagged == ["down"]
    lone = make_entry("lone", f"{base}/zinc.coop/", needs_review=True, review_note=note)
    crawl(slugs=["lone"])
    lone.refresh_from_db()
    assert (lone.needs_review, lone.review_note) == (False, "")


def test_entries_nothing_confirmed_for_a_year_are_flagged_stale(empty_catalogue, homepages, nasty, indexed):
    base, _root = homepages
    now = timezone.now()
    source = Source.objects.create(slug="old-list", name="An old list")
    old, listed, checked, revived = (
        make_entry("old", f"{nasty}/error"),
        make_entry("listed", ""),
        make_entry("checked", ""),
        make_entry("revived", f"{base}/zinc.coop/"),
    )
    completed = make_entry("completed", "", status="completed")
    Entry.objects.update(created_at=now - timedelta(days=800))
    for entry, seen in ((old, 400), (listed, 30), (revived, 500)):
        SourceRecord.objects.create(
            entry=entry,
            source=source,
            external_id=entry.slug,
            raw={},
            content_hash="x",
            first_seen=now - timedelta(days=800),
            last_seen=now - timedelta(days=seen),
        )
    HomepageCheck.objects.create(
        entry=checked, url="https://example.org/", ok=True, checked_at=now - timedelta(days=100)
    )
    Entry.objects.filter(pk=revived.pk).update(needs_review=True, review_note=STALE_NOTE)
    new = make_entry("new", "")  # added today: nothing to confirm yet

    report = crawl()
    flagged = {e.slug for e in Entry.objects.filter(review_note__contains=STALE_NOTE)}
    assert flagged == {"old"}
    assert report.flagged_stale == ["old"]
    assert report.unflagged == ["revived"]  # its site answered in this run
    assert not Entry.objects.get(pk=revived.pk).needs_review
    for entry in (listed, checked, completed, new):
        assert not Entry.objects.get(pk=entry.pk).needs_review, entry.slug

    crawl()  # flagged once only
    assert Entry.objects.get(pk=old.pk).review_note == STALE_NOTE


def test_command_order_limit_and_json(empty_catalogue, homepages, indexed):
    base, _root = homepages
    make_entry("draft", f"{base}/zinc.coop/", live=False)
    seen = make_entry("seen", f"{base}/devops.coop/")
    make_entry("never", f"{base}/hello.coop/")
    make_entry("no-site", "")
    HomepageCheck.objects.create(entry=seen, url=seen.website, ok=True, checked_at=timezone.now())

    out = io.StringIO()
    call_command("crawl_homepages", "--limit", "2", "--json", stdout=out)
    report = json.loads(out.getvalue())
    # Published first, never checked before recently checked; the draft waits.
    assert [c["entry"] for c in report["checks"]] == ["never", "seen"]
    assert report["checked"] == 2 and report["ok"] == 2
    assert report["filled"]["never"] == ["summary"]

    out = io.StringIO()
    call_command("crawl_homepages", "--entry", "draft", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert [c["entry"] for c in report["checks"]] == ["draft"]
    assert report["checks"][0]["title"] == "The Zinc Collective"

    out = io.StringIO()
    call_command("crawl_homepages", "--entry", "never", stdout=out)
    assert "1 websites checked: 1 answered, 0 failed" in out.getvalue()
    with pytest.raises(Exception, match="no entry with the slug missing"):
        call_command("crawl_homepages", "--entry", "missing")


def test_the_crawl_never_visits_a_draft_unless_named(empty_catalogue, homepages, indexed):
    """A website typed into the public form must not make the server fetch it: drafts wait for an editor."""
    base, _root = homepages
    draft = make_entry("draft", f"{base}/zinc.coop/", live=False)
    make_entry("live", f"{base}/hello.coop/")

    out = io.StringIO()
    call_command("crawl_homepages", "--json", stdout=out)
    assert [c["entry"] for c in json.loads(out.getvalue())["checks"]] == ["live"]
    assert not HomepageCheck.objects.filter(entry=draft).exists()

    # Named explicitly (an editor's or operator's action), the draft's site is checked.
    out = io.StringIO()
    call_command("crawl_homepages", "--entry", "draft", "--json", stdout=out)
    assert [c["entry"] for c in json.loads(out.getvalue())["checks"]] == ["draft"]
