"""The map as a person meets it, in Debian Chromium against a real `streamlit run`."""

from __future__ import annotations

import re

import pytest

from geo.boundaries import load_admin1
from tests.browser.mapdriver import click_lat_lng, map_frame, map_view

pytestmark = pytest.mark.browser


def _inside(region_id: str) -> tuple[float, float]:
    admin1 = load_admin1()
    point = admin1.loc[admin1["id"] == region_id, "geometry"].iloc[0].representative_point()
    return point.y, point.x


def test_map_renders_offline_with_no_external_request(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    # Countries, regions and the Liptako-Gourma layers are drawn on the canvas.
    assert frame.evaluate("() => Object.keys(window.map._layers).length") > 50
    assert frame.evaluate("() => typeof L.MarkerClusterGroup") in {"function", "undefined"}
    page.get_by_text("AES member states").wait_for()
    page.screenshot(path=artifacts / "map.png")
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []


def test_click_region_shows_it_in_panel_without_moving_the_map(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    frame.evaluate("() => { window.__sameMap = true; }")
    before = map_view(frame)

    lat, lng = _inside("ML-7")  # Gao
    click_lat_lng(page, frame, lat, lng)
    panel = page.locator(".unit-panel")
    panel.wait_for()
    assert panel.locator("h3").inner_text() == "Gao"
    assert "Mali" in panel.inner_text()
    page.locator(".member-card").wait_for()
    page.screenshot(path=artifacts / "map-click-gao.png")

    frame = map_frame(page)
    assert frame.evaluate("() => window.__sameMap === true"), "the map was reloaded"
    assert map_view(frame) == before
    assert re.search(r"sel=admin1(%3A|:)ML-7", page.url)
    assert offline_page.external_requests == []


def test_french_switch_changes_visible_labels(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    map_frame(page)
    page.get_by_text("Layers", exact=True).wait_for()
    page.get_by_text("Français").click()
    page.get_by_text("Couches", exact=True).wait_for()
    page.get_by_text("États membres de l'AES").wait_for()
    assert "lang=fr" in page.url
    frame = map_frame(page)
    labels = frame.evaluate(
        "() => [...document.querySelectorAll('.aes-label')].map(e => e.textContent)")
    assert set(labels) == {"Mali", "Burkina Faso", "Niger"}
    page.screenshot(path=artifacts / "map-fr.png")
    assert offline_page.external_requests == []
