"""axe-core inside the page: the rules of WCAG 2.0–2.2 A and AA, and the impacts that count."""

from __future__ import annotations

from functools import cache
from pathlib import Path

BLOCKING = {"serious", "critical"}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def axe_source() -> str:
    # axe-core's own build, as shipped inside the axe-playwright-python wheel (MPL-2.0).
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def violations(page) -> list[dict]:
    """The serious and critical violations on the page as it is now."""
    page.evaluate(axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['impact']}: {violation['id']} — {violation['help']} — {targets}")
    return "\n".join(lines)
