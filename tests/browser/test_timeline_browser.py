"""The Timeline and Charter pages in Debian Chromium against a real `streamlit run`:
pick a milestone (list button or chart click) and see the map page highlight it.

Needs dashboard.py to register pages/charter.py (url_path "charter") and pages/timeline.py
(url_path "timeline"), and the map page to read ``st.session_state["timeline_highlight"]``
/ ``?hl=`` and render :func:`geo.render.charter.highlight_banner_html` (a
``.timeline-highlight`` element whose data attributes carry the milestone id, the outlined
countries and the matched event ids).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.mapdriver import map_frame

pytestmark = pytest.mark.browser

MILESTONE = "niger-coup-2023"
TITLE = "Niger coup ousts Bazoum"
EVENT = "NER-2023-07-26-COUP"


def _open(page, app_url: str, path: str) -> None:
    # Load the entry page first: until a session has run st.navigation, Streamlit serves a
    # deep link from the pages/ folder in its legacy mode (no dashboard.py around it).
    page.goto(app_url)
    map_frame(page)
    page.goto(f"{app_url}/{path}")


def _assert_map_highlights_niger_coup(page) -> None:
    map_frame(page)
    expect(page).to_have_url(re.compile(rf"[?&]hl={MILESTONE}\b"))
    banner = page.locator(f'.timeline-highlight[data-milestone="{MILESTONE}"]')
    banner.wait_for()
    assert banner.get_attribute("data-countries") == "NER"
    assert EVENT in (banner.get_attribute("data-events") or "").split()


def _assert_map_zoomed_on_niger(page) -> None:
    """Fitted on Niger (what the milestone outlines): all of it shown, centred on it (the
    first view's centre, the three states', lies far west of Niger's)."""
    from geo.io.boundaries import load_countries

    countries = load_countries()
    w, s, e, n = countries.loc[countries["iso3"] == "NER"].total_bounds
    map_frame(page).wait_for_function(
        "([s, w, n, e]) => { const b = window.map.getBounds(), c = b.getCenter();"
        " return b.getSouth() <= s && b.getWest() <= w && b.getNorth() >= n"
        " && b.getEast() >= e && Math.abs(c.lng - (w + e) / 2) < (e - w) / 4"
        " && Math.abs(c.lat - (s + n) / 2) < (n - s) / 4; }",
        arg=[s, w, n, e],
    )


def test_timeline_button_shows_milestone_on_map(app_url, offline_page, artifacts):
    page = offline_page.page
    _open(page, app_url, "timeline?tl_cat=coup&tl_country=NER")
    page.get_by_role("heading", name="Timeline").wait_for()
    expander = page.locator('[data-testid="stExpander"]', has_text=TITLE)
    expander.get_by_text(TITLE).click()
    page.screenshot(path=artifacts / "timeline.png", full_page=True)
    expander.get_by_role("button", name="Show on map").click()
    _assert_map_highlights_niger_coup(page)
    _assert_map_zoomed_on_niger(page)
    page.screenshot(path=artifacts / "timeline-to-map.png")
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []


def test_timeline_chart_click_shows_milestone_on_map(app_url, offline_page):
    page = offline_page.page
    _open(page, app_url, "timeline?tl_cat=coup&tl_country=NER")
    point = page.locator(f'g.mark-symbol path[aria-label*="{TITLE}"]')
    point.wait_for()
    point.hover()
    page.get_by_text("26 July 2023").first.wait_for()  # the tooltip
    point.click()
    _assert_map_highlights_niger_coup(page)
    assert offline_page.external_requests == []


def test_charter_page_renders_offline_in_french(app_url, offline_page, artifacts):
    page = offline_page.page
    _open(page, app_url, "charter?lang=fr")
    page.get_by_role("heading", name="La Charte du Liptako-Gourma").wait_for()
    page.get_by_text("Article 9 — Contenu non vérifié").wait_for()
    page.locator('.member-state[data-iso3="NER"]').wait_for()
    expect(page.locator(".member-state")).to_have_count(3)  # the cards may come one by one
    page.screenshot(path=artifacts / "charter-fr.png", full_page=True)
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []
