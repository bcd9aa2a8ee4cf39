"""The editors' "Check website" action: one entry's stored website, through the crawl, on request.

The crawl never visits a draft on its own (a website typed into the public form must not make the
server fetch it); an editor checks a draft's site with this action instead. Sites are served on
127.0.0.1, which the test settings let through the guard (PORTAL_HTTP_PRIVATE_ALLOWLIST).
"""

from __future__ import annotations

import html
import http.server
import threading
import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from directory.models import Entry
from importers import crawler
from importers.models import HomepageCheck
from importers.wagtail_hooks import CheckWebsiteMenuItem

pytestmark = pytest.mark.django_db

PAGE = """<!doctype html><html lang="fr"><head><title>Coop Locale &lt;test&gt;</title>
<meta name="description" content="Une coopérative de livraison à vélo.">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<script type="application/ld+json">
{"@type": "Organization", "name": "Coop Locale", "foundingDate": "2015"}
</script>
</head><body><h1>Coop Locale</h1></body></html>"""


@pytest.fixture
def site(file_server, tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    return file_server(root)


@pytest.fixture
def indexed(monkeypatch):
    """The search index is not what these tests are about: count what the crawl sends it."""
    ids = set()

    def record(entry_ids):
        ids.update(entry_ids)
        return len(set(entry_ids))

    monkeypatch.setattr(crawler, "index_entries", record)
    return ids


@pytest.fixture
def editor_user(django_user_model):
    from portal.management.commands.setup_portal import Command as SetupPortal

    SetupPortal().grant_editor_groups()
    user = django_user_model.objects.create_user("editor-person", "ed@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def admin_without_entries(django_user_model):
    """Someone who may open the admin (incubator staff, say) but not change entries."""
    user = django_user_model.objects.create_user("staff-person", "staff@example.org", "pw")
    group = Group.objects.create(name="Some incubator staff")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    return user


def draft_with(website: str, **fields) -> Entry:
    """A draft as the public form leaves it: not live, with a first revision."""
    entry = Entry.objects.create(
        name=fields.pop("name", "Coop Locale"), slug="coop-locale", website=website, live=False, **fields
    )
    entry.save_revision()
    return entry


def url_for(entry) -> str:
    return reverse("importers_check_website", args=[entry.pk])


def test_an_editor_checks_a_drafts_website_and_sees_what_it_found(client, editor_user, site, indexed):
    entry = draft_with(f"{site}/")
    client.force_login(editor_user)
    response = client.post(url_for(entry))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The website answered (HTTP 200)." in page
    assert "Coop Locale &lt;test&gt;" in page  # what the page says is shown, escaped
    assert "Une coopérative de livraison à vélo." in page
    assert f"{site}/feed.xml" in page
    # What the crawl filled in on the entry, with the values.
    assert "Filled in on the entry" in page
    check = HomepageCheck.objects.get(entry=entry)
    assert check.ok and check.title == "Coop Locale <test>" and check.url == f"{site}/"
    entry.refresh_from_db()
    assert entry.summary == "Une coopérative de livraison à vélo."
    assert entry.founded_year == 2015 and entry.languages == ["fr"]
    assert entry.field_origins["summary"] == "homepage"
    assert "2015" in page
    # The draft's edit form shows its revision, which the crawl does not write: the page says so.
    assert "does not hold these values yet" in page
    assert entry.live is False  # a check publishes nothing
    assert reverse("wagtailsnippets_directory_entry:edit", args=[entry.pk]) in page


def test_the_check_is_the_crawl_the_command_runs(client, editor_user, site, indexed, monkeypatch):
    """One code path: the action calls the crawl with the entry named, as `crawl_homepages --entry` does."""
    calls = []
    real = crawler.crawl

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr("importers.views.crawl", spy)
    entry = draft_with(f"{site}/")
    client.force_login(editor_user)
    assert client.post(url_for(entry)).status_code == 200
    assert calls == [((), {"slugs": [entry.slug]})]


def test_the_request_cannot_name_another_address(client, editor_user, site, indexed):
    entry = draft_with(f"{site}/")
    client.force_login(editor_user)
    client.post(url_for(entry), {"website": "http://169.254.169.254/", "url": "http://10.0.0.1/"})
    assert list(HomepageCheck.objects.values_list("url", flat=True)) == [f"{site}/"]


def test_a_refused_address_gives_a_clear_message(client, editor_user, indexed, settings):
    settings.PORTAL_HTTP_PRIVATE_ALLOWLIST = []  # loopback refused, as in production
    entry = draft_with("http://127.0.0.1:9/")
    client.force_login(editor_user)
    response = client.post(url_for(entry))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The address was refused" in page
    assert "private address (127.0.0.1, loopback)" in page  # the guard's own reason
    check = HomepageCheck.objects.get(entry=entry)
    assert not check.ok and check.error.startswith("refused:")


def test_a_private_network_address_is_refused(client, editor_user, indexed):
    """Only loopback is let through in tests: a private network address is refused before connecting."""
    entry = draft_with("http://10.1.2.3/")
    client.force_login(editor_user)
    page = client.post(url_for(entry)).content.decode()
    assert "The address was refused" in page and "10.1.2.3" in page


def test_an_http_error_is_named(client, editor_user, site, indexed):
    entry = draft_with(f"{site}/missing/")
    client.force_login(editor_user)
    page = client.post(url_for(entry)).content.decode()
    assert "The website answered with an error." in page and "HTTP 404" in page


class _Dribble(http.server.BaseHTTPRequestHandler):
    """Answers robots.txt at once and the homepage one byte a second: timeouts per read never trip."""

    def do_GET(self):  # noqa: N802
        if self.path == "/robots.txt":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(30):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def dribbling_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Dribble)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_slow_site_is_cut_at_the_fetch_deadline(client, editor_user, indexed, settings, dribbling_site):
    settings.PORTAL_HTTP_TOTAL_TIMEOUT = 1.5
    entry = draft_with(f"{dribbling_site}/")
    client.force_login(editor_user)
    started = time.monotonic()
    page = client.post(url_for(entry)).content.decode()
    assert time.monotonic() - started < 10
    assert "The website took too long to answer." in page
    assert "the limit for one fetch" in page


def test_an_entry_without_a_website_is_not_visited(client, editor_user, indexed):
    entry = draft_with("")
    client.force_login(editor_user)
    response = client.post(url_for(entry), follow=True)
    assert "has no website to check" in response.content.decode()
    assert not HomepageCheck.objects.exists()


def test_get_is_refused(client, editor_user, site, indexed):
    entry = draft_with(f"{site}/")
    client.force_login(editor_user)
    assert client.get(url_for(entry)).status_code == 405
    assert not HomepageCheck.objects.exists()


def test_an_unknown_entry_is_not_found(client, editor_user, indexed):
    client.force_login(editor_user)
    assert client.post(reverse("importers_check_website", args=[999999])).status_code == 404


def test_who_may_not_check(client, admin_without_entries, django_user_model, site, indexed):
    entry = draft_with(f"{site}/")
    # Admin access without change_entry: 403, and the same for an id that does not exist.
    client.force_login(admin_without_entries)
    response = client.post(url_for(entry))
    assert response.status_code == 403
    assert "Coop Locale" not in response.content.decode()
    assert client.post(reverse("importers_check_website", args=[999999])).status_code == 403
    # Signed in without admin access, or anonymous: Wagtail's admin sends them to its login page.
    client.force_login(django_user_model.objects.create_user("someone", "s@example.org", "pw"))
    assert reverse("wagtailadmin_login") in client.post(url_for(entry))["Location"]
    client.logout()
    assert reverse("wagtailadmin_login") in client.post(url_for(entry))["Location"]
    assert not HomepageCheck.objects.exists()


def test_csrf_is_required(editor_user, site, indexed):
    from django.test import Client

    entry = draft_with(f"{site}/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor_user)
    assert strict.post(url_for(entry)).status_code == 403
    assert not HomepageCheck.objects.exists()


def test_the_button_is_in_the_edit_views_action_menu(client, editor_user, site, indexed):
    entry = draft_with(f"{site}/")
    client.force_login(editor_user)
    page = client.get(reverse("wagtailsnippets_directory_entry:edit", args=[entry.pk])).content.decode()
    assert f'formaction="{url_for(entry)}"' in page
    assert "Check website" in page
    # Not offered where there is nothing to check.
    empty = Entry.objects.create(name="No Site", slug="no-site", live=False)
    page = client.get(reverse("wagtailsnippets_directory_entry:edit", args=[empty.pk])).content.decode()
    assert "Check website" not in page
    assert CheckWebsiteMenuItem.name == "action-check-website"


def test_a_second_check_of_an_unchanged_page_says_so(client, editor_user, site, indexed, settings, tmp_path):
    settings.PORTAL_HTTP_CACHE_DIR = str(tmp_path / "http-cache")  # conditional requests, as in production
    entry = draft_with(f"{site}/")
    client.force_login(editor_user)
    client.post(url_for(entry))
    page = client.post(url_for(entry)).content.decode()
    assert "unchanged since the last visit (HTTP 304)" in page
    assert "Coop Locale &lt;test&gt;" in page  # read from the cached copy


class _RedirectTo(http.server.BaseHTTPRequestHandler):
    """Redirects the homepage to the address after /to/ (robots.txt: none)."""

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/to/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/to/") :])
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def redirecting_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RedirectTo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_website_with_a_port_out_of_range_gives_a_message_not_a_500(client, editor_user, indexed):
    """The model's URL validators let a port out of range through; the fetch used to raise ValueError."""
    entry = draft_with("http://127.0.0.1:99999/")
    assert entry.website == "http://127.0.0.1:99999/"
    client.force_login(editor_user)
    response = client.post(url_for(entry))
    assert response.status_code == 200
    assert "The website address is not one the portal fetches." in response.content.decode()
    assert HomepageCheck.objects.get(entry=entry).error.startswith("not a valid address")


@pytest.mark.parametrize(
    ("target", "headline"),
    [
        ("http://127.0.0.1:99999/", "The website address is not one the portal fetches."),
        ("http://a..b/", "The website's name was not found."),  # IDNA cannot encode it: no lookup made
    ],
)
def test_a_redirect_to_an_unreadable_address_gives_a_message(
    client, editor_user, indexed, redirecting_site, target, headline
):
    entry = draft_with(f"{redirecting_site}/to/{target}")
    client.force_login(editor_user)
    response = client.post(url_for(entry))
    assert response.status_code == 200
    assert headline in html.unescape(response.content.decode())
    assert not HomepageCheck.objects.get(entry=entry).ok
