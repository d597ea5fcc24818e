"""The map's first view and the page layout, measured in a real browser window."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from geo.io.boundaries import load_countries
from geo.model.countries import AES_MEMBERS
from tests.browser.mapdriver import map_frame, wait_for_run

pytestmark = pytest.mark.browser

_BOUNDS_JS = """() => { const b = window.map.getBounds();
  return {south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast()}; }"""


def _aes_bounds() -> dict[str, float]:
    countries = load_countries()
    west, south, east, north = countries[countries["iso3"].isin(AES_MEMBERS)].total_bounds
    return {"south": south, "west": west, "north": north, "east": east}


@pytest.mark.parametrize("viewport", [(1400, 950), (390, 844)], ids=["desktop", "phone"])
def test_first_view_shows_all_three_states(browser, app_url, artifacts, viewport):
    """All of Mali, Burkina Faso and Niger (eastern Niger was cut off), even on a phone."""
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_url)
        frame = map_frame(page)
        want = _aes_bounds()
        frame.wait_for_function(
            "([s, w, n, e]) => { const b = window.map.getBounds();"
            " return b.getSouth() <= s && b.getWest() <= w && b.getNorth() >= n"
            " && b.getEast() >= e; }",
            arg=[want["south"], want["west"], want["north"], want["east"]],
        )
        wait_for_run(page)
        frame.wait_for_function(
            "() => !window.map._animatingZoom && !window.map._panAnim?._inProgress"
        )
        shown = frame.evaluate(_BOUNDS_JS)
        # Framed on the states, not zoomed out to the whole continent.
        assert shown["east"] - shown["west"] < 3 * (want["east"] - want["west"]), shown
        page.screenshot(path=artifacts / f"map-first-view-{width}x{height}.png")
    finally:
        context.close()


def test_legend_is_beside_the_map_without_scrolling(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    legend = page.get_by_text("AES member states").first
    legend.wait_for()
    wait_for_run(page)
    map_box = frame.frame_element().bounding_box()
    legend_box = legend.bounding_box()
    viewport = page.viewport_size
    assert legend_box["x"] >= map_box["x"] + map_box["width"], (legend_box, map_box)
    assert legend_box["y"] + legend_box["height"] <= viewport["height"], legend_box
    main = page.locator('[data-testid="stMain"]').bounding_box()
    assert map_box["width"] >= 0.6 * main["width"], (map_box, main)
    page.screenshot(path=artifacts / "map-legend-beside.png")
    assert offline_page.external_requests == []


def test_a_copied_link_reopens_the_same_view(browser, app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    frame.evaluate("() => { window.__sameMap = true; window.map.setView([13.51, 2.11], 8); }")
    expect(page).to_have_url(re.compile(r"view=13\.51\d*(%2C|,)2\.11\d*(%2C|,)8(&|$)"))
    assert map_frame(page).evaluate("() => window.__sameMap === true"), "the map was reloaded"
    shared = page.url
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    try:
        other = context.new_page()
        other.set_default_timeout(30_000)
        other.goto(shared)
        reopened = map_frame(other)
        reopened.wait_for_function(
            "() => window.map.getZoom() === 8"
            " && Math.abs(window.map.getCenter().lat - 13.51) < 0.01"
            " && Math.abs(window.map.getCenter().lng - 2.11) < 0.01"
        )
        other.screenshot(path=artifacts / "map-shared-view.png")
    finally:
        context.close()
    assert offline_page.external_requests == []
