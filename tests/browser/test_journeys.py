"""What people do on the portal, step by step in Chromium, with a screenshot of every step.

A person searches, filters by a facet, opens an entry, switches language and submits a co-op; an editor
approves it in the Wagtail admin and it then appears in search; a founder applies to a programme; a
mentor accepts a proposal. The tests run in this order and the later ones build on the earlier ones.
"""

from __future__ import annotations

import re

import pytest

from .scenario import COHORT, EDITOR, FOUNDER, MENTOR, PASSWORD, PROGRAMME, PROPOSED_VENTURE

pytestmark = pytest.mark.browser

SUBMITTED = "Tierra Común Riders"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def log_in(page, email: str, next_url: str):
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label(re.compile("^E-?mail", re.I)).first.fill(email)
    page.get_by_label(re.compile("^Password", re.I)).first.fill(PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_a_person_searches_filters_reads_switches_language_and_submits_a_coop(new_page, steps):
    page = new_page()
    shots = steps(page, "1-public-search-and-submit")

    page.goto("/")
    shots.shot("home")
    hero = page.locator("form.big-search")
    hero.get_by_role("searchbox").fill("photography")
    hero.get_by_role("button").first.click()
    expect(page.locator(".results .cards")).to_contain_text("Stocksy United")
    shots.shot("search-results")

    # Filter by the first country facet offered, and check the count heading follows.
    before = page.locator("#results-heading").inner_text()
    facet = page.locator("fieldset.facet").first
    facet.locator("input[type=checkbox]").first.check()
    page.get_by_role("button", name=re.compile("Apply filters")).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".chips .chip")).to_have_count(1)
    assert page.locator("#results-heading").inner_text() != before or "1" in before
    shots.shot("filtered")

    page.goto("/directory/?q=Stocksy+United")
    page.locator(".results .cards a", has_text="Stocksy United").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Stocksy United"))
    shots.shot("entry")

    # Switch to French with the language switcher: the same entry, the interface in French.
    page.locator(".language-switcher").get_by_text(re.compile("Français", re.I)).first.click()
    page.wait_for_load_state("networkidle")
    assert "/fr/" in page.url
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Stocksy United"))
    shots.shot("entry-in-french")

    page.goto("/directory/add/")
    shots.shot("add-form")
    page.get_by_label(re.compile("^Name", re.I)).first.fill(SUBMITTED)
    page.get_by_label(re.compile("Website", re.I)).first.fill("https://tierra-comun.example.org/")
    page.get_by_label(re.compile("summary|description", re.I)).first.fill(
        "A riders' co-operative delivering food by bicycle, owned by its couriers."
    )
    page.get_by_label(re.compile("^Your name", re.I)).first.fill("Sam Submitter")
    page.get_by_label(re.compile("^Your e-?mail", re.I)).first.fill("submitter@example.org")
    for checkbox in page.locator("form input[type=checkbox][required]").all():
        checkbox.check()
    shots.shot("add-form-filled")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text(re.compile("Thank", re.I))
    shots.shot("thank-you")

    # Not public until an editor approves it.
    page.goto(f"/directory/?q={SUBMITTED}")
    expect(page.locator(".results")).not_to_contain_text(SUBMITTED)
    assert not page.js_errors, page.js_errors


def test_an_editor_approves_the_submission_and_it_appears_in_search(new_page, steps):
    page = new_page()
    shots = steps(page, "2-editor-approves")
    page.goto("/admin/login/")
    page.locator("#id_username").fill(EDITOR.split("@")[0])
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    shots.shot("admin-dashboard")

    page.goto(f"/admin/snippets/directory/entry/?q={SUBMITTED}")
    page.get_by_role("link", name=SUBMITTED).first.click()
    page.wait_for_load_state("networkidle")
    shots.shot("entry-in-admin")

    # Publish from the editor's action menu (superusers may publish past the moderation workflow).
    toggle = page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("button", name=re.compile("^Publish")).first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_contain_text(re.compile("published", re.I))
    shots.shot("published")

    page.goto(f"/directory/?q={SUBMITTED.split()[0]}+{SUBMITTED.split()[1]}")
    expect(page.locator(".results .cards")).to_contain_text(SUBMITTED)
    shots.shot("in-search")


def test_a_founder_applies_to_a_programme(new_page, steps):
    page = new_page()
    shots = steps(page, "3-founder-applies")
    log_in(page, FOUNDER, f"/mentorship/programmes/{PROGRAMME}/")
    shots.shot("programme")
    page.get_by_role("link", name=re.compile("Apply", re.I)).first.click()
    page.wait_for_load_state("networkidle")
    shots.shot("application-form")
    form = page.locator("main form").first
    name = form.get_by_label(re.compile("name", re.I)).first
    if name.is_visible():
        name.fill("Care Workers' Platform")
    form.get_by_label(re.compile("^Languages", re.I)).fill("en, fr")
    form.get_by_label("Legal structure").check()
    form.get_by_label(re.compile("needs in your own words", re.I)).fill(
        "We are care workers building a booking platform we own; we need help with legal structure."
    )
    form.locator("#id_mentor_1").select_option(label="Maria Mentor")
    form.locator("#id_reason_1").fill("She wrote the bylaws of a co-op like ours.")
    for checkbox in form.locator("input[type=checkbox][required]").all():
        checkbox.check()
    shots.shot("application-filled")
    form.locator("button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text(re.compile("application", re.I))
    expect(page.locator(".errorlist")).to_have_count(0)
    shots.shot("applied")
    assert COHORT


def test_a_mentor_accepts_a_proposal(new_page, steps):
    page = new_page()
    shots = steps(page, "4-mentor-accepts")
    log_in(page, MENTOR, "/mentorship/me/")
    expect(page.locator("main")).to_contain_text(PROPOSED_VENTURE)
    shots.shot("my-proposals")
    page.get_by_role("button", name=re.compile("^Accept", re.I)).first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text(re.compile("active|accepted", re.I))
    shots.shot("accepted")
