"""The timeline chart's date axis as Chromium draws it: labels in the reader's language at
the first view and after zooming in (Vega's own month names are English only)."""

from __future__ import annotations

import re

import pytest

from tests.browser.mapdriver import map_frame

pytestmark = pytest.mark.browser

AXIS_LABELS = 'g.role-axis[aria-label^="X-axis"] g.role-axis-label text'
ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|"
    r"Nov|Dec)\b"
)
FRENCH_MONTH = (
    r"(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
    r"décembre|janv\.|févr\.|avr\.|juil\.|sept\.|oct\.|nov\.|déc\.)"
)
FRENCH_LABEL = re.compile(rf"^(\d{{4}}|{FRENCH_MONTH} \d{{4}}|\d{{1,2}} {FRENCH_MONTH})$")


def _labels(page) -> list[str]:
    return [t.strip() for t in page.locator(AXIS_LABELS).all_text_contents() if t.strip()]


def _zoom_in(page, notches: int) -> None:
    """Scroll the mouse wheel over the chart (the chart binds its x scale to the wheel)."""
    box = page.locator("svg.marks").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2)
    for _ in range(notches):
        page.mouse.wheel(0, -400)


def test_timeline_axis_speaks_french_at_every_zoom(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(f"{app_url}/?lang=fr")  # the entry first (see test_timeline_browser._open)
    map_frame(page)
    page.goto(f"{app_url}/timeline?lang=fr")
    page.locator(AXIS_LABELS).first.wait_for()
    first = _labels(page)
    assert first and all(re.fullmatch(r"\d{4}", label) for label in first), first  # 1970…2025

    _zoom_in(page, 12)
    page.wait_for_function(  # the axis redrawn with finer ticks than years
        """sel => [...document.querySelectorAll(sel)].some(t => /\\D/.test(t.textContent))""",
        arg=AXIS_LABELS,
    )
    zoomed = _labels(page)
    page.screenshot(path=artifacts / "timeline-axis-fr-zoomed.png")
    assert len(zoomed) >= 2
    assert all(FRENCH_LABEL.match(label) for label in zoomed), zoomed
    assert not any(ENGLISH_MONTHS.search(label) for label in zoomed), zoomed
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []
