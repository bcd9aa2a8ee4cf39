"""WCAG 2.2 AA in every language: axe-core finds no serious or critical violation on the public pages,
they work from the keyboard, and they read at 360 px wide without sideways scrolling."""

from __future__ import annotations

import pytest

from .accessibility import describe, violations
from .scenario import PROGRAMME

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "fr", "sv", "es"]
PAGES = {
    "home": "/",
    "directory": "/directory/",
    "entry": "/directory/stocksy-united/",
    "map": "/directory/map/",
    "guide": None,  # the first guide the library lists
    "programme": f"/mentorship/programmes/{PROGRAMME}/",
}


def prefixed(language: str, path: str) -> str:
    return path if language == "en" else f"/{language}{path}"


def first_guide(page) -> str:
    page.goto("/library/")
    link = page.locator("main a[href*='/library/']").filter(has_not_text="library").first
    href = link.get_attribute("href")
    assert href, "the library lists no guide"
    return href


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_serious_accessibility_violations(new_page, steps, language):
    page = new_page()
    shots = steps(page, f"5-accessibility-{language}")
    paths = dict(PAGES)
    paths["guide"] = first_guide(page)
    found = {}
    for name, path in paths.items():
        url = prefixed(language, path)
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        assert page.locator("html").get_attribute("lang") == language, url
        page.wait_for_load_state("networkidle")
        shots.shot(name)
        problems = violations(page)
        if problems:
            found[url] = describe(problems)
    assert not found, "\n\n".join(f"{url}\n{text}" for url, text in found.items())


def test_the_directory_works_from_the_keyboard(new_page, steps):
    page = new_page()
    shots = steps(page, "6-keyboard")
    page.goto("/directory/")
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert "skip" in focused.lower(), focused
    page.keyboard.press("Enter")
    page.locator("#q").focus()
    page.keyboard.type("platform")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "q=platform" in page.url
    # Every focusable control shows where the focus is.
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; })()"
    )
    assert outline
    shots.shot("keyboard")


@pytest.mark.parametrize("name", ["home", "directory", "entry", "map", "programme"])
def test_pages_read_at_360_pixels_without_scrolling_sideways(new_page, steps, name):
    page = new_page(width=360, height=740)
    shots = steps(page, f"7-narrow-{name}")
    page.goto(PAGES[name])
    page.wait_for_load_state("networkidle")
    shots.shot(name)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name} is {overflow}px wider than a 360px screen"
