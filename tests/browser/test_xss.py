"""Script payloads written through the portal's own channels, then read back in Chromium: nothing runs.

Guards directory.text.safe_web_url / validate_web_url, the control-character cleaning and the
`web_url` filter (commit 5f3446d). The payloads go in the way a person would put them: the public
"Add my co-op" form (an editor then accepts it in the Submissions queue), the Wagtail admin's entry
edit form (which must refuse javascript:/data:/vbscript: links and keep names as plain text), and the
public "Suggest a change" form. Then every page that shows the entries is opened, in English and
French, every link in the entry's content is clicked (navigation answered with 204, so a javascript:
link would run in place), and the page must have no injected element, no `window.__xss` and no
dialog. The feed must parse and hold no raw `<script`; the API must answer.
"""

from __future__ import annotations

import json
import re
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from .scenario import EDITOR, PASSWORD

pytestmark = pytest.mark.browser

MARK = "Xsscoop"

# Markup payloads: accepted as text, must be shown escaped. Injected elements carry id="xss…" or
# data-xss so that one selector finds any that made it into the DOM.
TEXT_PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1" data-xss>',
    '<svg id="xss1" onload="window.__xss=1">',
    '"><img src=x id=xss2 onerror=window.__xss=1>',
    "' onmouseover='window.__xss=1' data-xss='",
    "</title><script>window.__xss=1</script>",
    "{{7*7}}",
    '<a href="javascript:window.__xss=1" id="xss3">x</a>',
    "\u2028<script>window.__xss=1</script>",
    '<iframe id=xss4 src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1) data-xss>",
    "<details open ontoggle=alert(1) id=xss5>",
    "</textarea><script>alert(1)</script>",
    "<style>@import 'javascript:alert(1)'</style><b data-xss>",
    "{% debug %}",
]
# Addresses no field may store or link to.
URL_PAYLOADS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "javascript://example.org/%0aalert(1)",
    "\x01javascript:alert(1)",
    "https://example.org/\u2028javascript:alert(1)",
    "//evil.example.org/",
]

CHECK_JS = """() => ({
  injected: document.querySelectorAll('[data-xss],[id^=xss]').length,
  ran: window.__xss !== undefined,
})"""


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


class Audit:
    """Counts what was checked, and fails on a dialog, an injected element or a script that ran."""

    def __init__(self):
        self.pages = 0
        self.links = 0
        self.dialogs: list[str] = []

    def watch(self, page):
        def on_dialog(dialog):
            if dialog.type == "beforeunload":  # the admin's "leave with unsaved changes?"
                dialog.accept()
                return
            self.dialogs.append(f"{page.url}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    def check(self, page, where: str):
        page.wait_for_timeout(50)
        state = page.evaluate(CHECK_JS)
        assert state == {"injected": 0, "ran": False}, (where, state)
        assert not self.dialogs, self.dialogs
        self.pages += 1


def _chunks(payloads, size):
    out, current = [], ""
    for payload in payloads:
        if current and len(current) + len(payload) + 1 > size:
            out.append(current)
            current = ""
        current = f"{current} {payload}".strip()
    out.append(current)
    return out


def _admin(page):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(EDITOR.split("@")[0])
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _publish(page):
    toggle = page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("button", name=re.compile("^Publish")).first.click()
    page.wait_for_load_state("networkidle")


def _add_form(page, name, summary, description, website):
    page.goto("/directory/add/")
    page.evaluate("() => document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    page.locator("#id_name").fill(name)
    page.locator("#id_summary").fill(summary)
    page.locator("#id_description").fill(description)
    page.locator("#id_website").fill(website)
    page.locator("#id_submitter_name").fill("Sam <script>window.__xss=1</script>")
    page.locator("#id_submitter_email").fill("sam@example.org")
    page.locator("#id_message").fill('"><img src=x id=xss9 onerror=alert(1)>')
    for checkbox in page.locator("form input[type=checkbox][required]").all():
        checkbox.check()
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _accept(page, audit, name_start):
    page.goto("/admin/snippets/directory/submission/?status=pending")
    page.locator("a", has_text=name_start).first.click()
    page.wait_for_load_state("networkidle")
    audit.check(page, f"admin review of {name_start}")
    page.get_by_role("button", name=re.compile("^Accept")).first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_contain_text(re.compile("Accepted", re.I))


def _slug_of(page, name_start):
    page.goto(f"/directory/?q={name_start.replace(' ', '+')}")
    link = page.locator(".results .cards a", has_text=name_start).first
    href = link.get_attribute("href")
    return href.rstrip("/").rsplit("/", 1)[-1]


def _read_entry(page, audit, path, expected_texts, shots=None):
    """The entry page: escaped text, no injection; then every link in its content is clicked with
    navigation answered by 204, so a javascript: or data: link would run here."""
    page.goto(path)
    audit.check(page, path)
    body = page.locator("main").inner_text()
    for text in expected_texts:
        assert text in body, (path, text)
    if shots is not None:
        shots.shot("entry")
    hrefs = page.locator("main a[href]").evaluate_all("(as) => as.map(a => a.getAttribute('href'))")
    for href in hrefs:
        assert not re.match(r"\s*(javascript|data|vbscript):", href, re.I), (path, href)

    def answer(route):
        if route.request.is_navigation_request():
            route.fulfill(status=204, body="")
        else:
            route.fallback()

    page.route("**/*", answer)
    try:
        for link in page.locator("main a[href]").all():
            link.click(no_wait_after=True, timeout=5_000, force=True)
            audit.links += 1
        page.wait_for_timeout(100)
        audit.check(page, f"{path} after clicking links")
    finally:
        page.unroute("**/*", answer)


def test_script_payloads_written_through_every_channel_never_run(new_page, portal_url, steps):
    audit = Audit()
    public = audit.watch(new_page())
    shots = steps(public, "xss")

    # 1. The public "Add my co-op" form -------------------------------------------------------
    # A dangerous website is refused with the error shown, whatever its spelling.
    refused_websites = 0
    for url in URL_PAYLOADS:
        if url.startswith("//"):
            continue  # the public form reads a bare //host as https://host, a web address
        _add_form(public, f"{MARK} Refused", "s", "d", url)
        assert "/thanks" not in public.url, url
        expect(public.locator("main")).to_contain_text("http:// or https://")
        audit.check(public, f"add form refusing {url!r}")
        refused_websites += 1
    name_a = f"{MARK} Alpha " + " ".join(TEXT_PAYLOADS[:5])
    summary_a = " ".join(TEXT_PAYLOADS)[:500]
    description_a = "\n\n".join(TEXT_PAYLOADS + URL_PAYLOADS)
    _add_form(public, name_a[:255], summary_a, description_a, "https://alpha.example.org/")
    assert "/thanks" in public.url
    _add_form(public, f"{MARK} Beta", "Edited later in the admin.", "", "")
    assert "/thanks" in public.url

    editor = audit.watch(new_page())
    _admin(editor)
    _accept(editor, audit, f"{MARK} Alpha")
    _accept(editor, audit, f"{MARK} Beta")
    slug_a = _slug_of(public, f"{MARK} Alpha")
    slug_b = _slug_of(public, f"{MARK} Beta")

    # 2. The Wagtail admin's entry edit form --------------------------------------------------
    editor.goto(f"/admin/snippets/directory/entry/?q={MARK}+Beta")
    editor.get_by_role("link", name=f"{MARK} Beta").first.click()
    editor.wait_for_load_state("networkidle")
    edit_url = editor.url
    refused_links = 0
    for url in URL_PAYLOADS:
        if refused_links == 0:
            editor.goto(edit_url)  # later spellings go into the form the refusal shows again
        links = json.dumps([{"label": "ok", "url": "https://ok.example.org/"}, {"label": "x", "url": url}])
        editor.locator("#id_links").evaluate("(el, v) => { el.value = v; }", links)
        _publish(editor)
        expect(editor.locator("body")).to_contain_text("http:// or https://")
        audit.check(editor, f"admin refusing link {url!r}")
        refused_links += 1
    # Nothing of those was saved.
    public.goto(f"/api/v1/entries/{slug_b}/")
    assert "ok.example.org" not in public.content()

    names_b = " ".join(TEXT_PAYLOADS[5:10])
    editor.goto(edit_url)
    editor.locator("#id_name").fill(f"{MARK} Beta {names_b}"[:255])
    editor.locator("#id_summary").fill(" ".join(TEXT_PAYLOADS[5:])[:500])
    good_links = [
        {"label": payload, "url": f"https://b{i}.example.org/"} for i, payload in enumerate(TEXT_PAYLOADS)
    ]
    editor.locator("#id_links").evaluate("(el, v) => { el.value = v; }", json.dumps(good_links))
    for field, value in (("#id_latitude", "48.85"), ("#id_longitude", "2.35")):
        if editor.locator(field).count():
            editor.locator(field).evaluate("(el, v) => { el.value = v; }", value)
    _publish(editor)
    expect(editor.locator(".messages")).to_contain_text(re.compile("published|saved|updated", re.I))

    # 3. The public "Suggest a change" form ---------------------------------------------------
    # (On Beta: accepting a change to an entry whose description holds a <br> fails in Draftail's
    # converter, a bug outside this test's reach; see the report.)
    public.goto(f"/directory/{slug_b}/suggest/")
    public.evaluate("() => document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    public.locator("#id_locality").fill("<script>window.__xss=1</script> Lyon")
    public.locator("#id_website").fill("javascript:alert(1)")
    public.locator("#id_submitter_name").fill("Sue")
    public.locator("#id_submitter_email").fill("sue@example.org")
    for checkbox in public.locator("form input[type=checkbox][required]").all():
        checkbox.check()
    public.locator("main form button[type=submit]").first.click()
    public.wait_for_load_state("networkidle")
    expect(public.locator("main")).to_contain_text("http:// or https://")
    audit.check(public, "suggest form refusing javascript:")
    public.locator("#id_website").fill("https://alpha.example.org/")
    public.locator("main form button[type=submit]").first.click()
    public.wait_for_load_state("networkidle")
    assert "/thanks" in public.url
    _accept(editor, audit, f"{MARK} Beta")

    # Reading it all back ---------------------------------------------------------------------
    expected = {
        slug_a: ["<script>window.__xss=1</script>", "{{7*7}}", "javascript:alert(1)"],
        slug_b: ["</title><script>window.__xss=1</script>", '<a href="javascript:window.__xss=1"', "Lyon"],
    }
    for prefix in ("", "/fr"):
        for slug, texts in expected.items():
            _read_entry(
                public,
                audit,
                f"{prefix}/directory/{slug}/",
                texts,
                shots if (slug == slug_a and not prefix) else None,
            )
        public.goto(f"{prefix}/directory/?q={MARK}")
        expect(public.locator(".results .cards")).to_contain_text(f"{MARK} Alpha")
        expect(public.locator(".results .cards")).to_contain_text(f"{MARK} Beta")
        audit.check(public, f"{prefix}/directory/?q={MARK}")
        public.goto(f"{prefix}/directory/map/")
        public.wait_for_load_state("networkidle")
        audit.check(public, f"{prefix}/directory/map/")
    for path in (f"/admin/snippets/directory/entry/?q={MARK}", edit_url):
        editor.goto(path)
        audit.check(editor, path)

    feed = urllib.request.urlopen(f"{portal_url}/directory/feed/", timeout=10).read().decode()
    ET.fromstring(feed)
    assert MARK in feed
    assert "<script" not in feed.lower()
    for slug in (slug_a, slug_b):
        with urllib.request.urlopen(f"{portal_url}/api/v1/entries/{slug}/", timeout=10) as response:
            assert response.status == 200
            data = json.loads(response.read())
        for link in data.get("links") or []:
            assert re.match(r"https?://", link["url"]), link
    assert not public.js_errors and not editor.js_errors, (public.js_errors, editor.js_errors)

    payloads = len(TEXT_PAYLOADS) + len(URL_PAYLOADS)
    print(
        f"\nxss: {payloads} payloads ({len(TEXT_PAYLOADS)} markup, {len(URL_PAYLOADS)} addresses) "
        "x 3 channels "
        f"(add form + review queue, admin edit, suggest form); {refused_websites} websites and "
        f"{refused_links} admin links refused; {audit.pages} page loads checked, {audit.links} links "
        f"clicked, feed and 2 API entries read; 0 scripts ran, 0 elements injected, 0 dialogs"
    )
