"""The map as a person meets it, in Debian Chromium against a real `streamlit run`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from geo.io.boundaries import load_admin1
from tests.browser.mapdriver import click_lat_lng, map_frame, map_view, wait_for_run

pytestmark = pytest.mark.browser


def _inside(region_id: str) -> tuple[float, float]:
    admin1 = load_admin1()
    point = admin1.loc[admin1["id"] == region_id, "geometry"].iloc[0].representative_point()
    return point.y, point.x


_LABELS_JS = """() => {
  const out = new Set();
  const visit = (l) => {
    if (l.feature && l.feature.properties && l.feature.properties.label)
      out.add(l.feature.properties.label);
    if (l.getLayers) l.getLayers().forEach(visit);
  };
  Object.values(window.map._layers).forEach(visit);
  return [...out]; }"""


def _wait_for_map_labels(page, accept, timeout_ms: int = 30_000) -> set[str]:
    """Labels of the map's features, once ``accept(labels)`` holds (the map may be replaced
    while we look: a detached frame is simply looked up again)."""
    waited = 0
    while waited < timeout_ms:
        try:
            labels = set(map_frame(page).evaluate(_LABELS_JS))
        except Exception:  # noqa: BLE001 - frame detached by the new map
            labels = set()
        if accept(labels):
            return labels
        page.wait_for_timeout(250)
        waited += 250
    raise AssertionError("the map's labels never matched")


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
    # The first view is settled once the app has written it to the URL.
    expect(page).to_have_url(re.compile(r"view="))
    wait_for_run(page)
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
    # The app writes the URL after it draws the panel: wait for it, never read it early.
    expect(page).to_have_url(re.compile(r"sel=admin1(%3A|:)ML-7"))
    assert offline_page.external_requests == []


def test_french_switch_changes_visible_labels(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    map_frame(page)
    page.get_by_text("Layers", exact=True).wait_for()
    page.get_by_text("Français").click()
    page.get_by_text("Couches", exact=True).wait_for()
    page.get_by_text("États membres de l'AES").wait_for()
    expect(page).to_have_url(re.compile(r"[?&]lang=fr(&|$)"))
    # The French map replaces the English one: wait for tooltips in French (Algérie).
    labels = _wait_for_map_labels(page, lambda found: "Algérie" in found)
    assert {"Mali", "Burkina Faso", "Niger", "Tchad", "Tombouctou"} <= labels
    assert "Algeria" not in labels
    page.screenshot(path=artifacts / "map-fr.png")
    assert offline_page.external_requests == []


def test_map_url_opens_the_map_with_its_parameters(app_url, offline_page):
    """/map (the page's name) is the app's root page: no "Page not found", same URL state."""
    page = offline_page.page
    page.goto(f"{app_url}/map?lang=fr&layers=insurgency")
    map_frame(page)
    page.get_by_text("Couches", exact=True).wait_for()
    wait_for_run(page)
    path, _, query = page.url.partition("?")
    assert path.rstrip("/") == app_url.rstrip("/")
    assert "lang=fr" in query and "layers=insurgency" in query
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("checkbox", name=re.compile("^Violences insurgées")).is_checked()
    assert not page.get_by_role("checkbox", name=re.compile("^Coups d'État réussis")).is_checked()
    assert offline_page.external_requests == []


def test_keyboard_alone_selects_a_region(app_url, offline_page, artifacts):
    """Type in the one search box and press Enter: the same panel and URL as a click."""
    page = offline_page.page
    page.goto(app_url)
    map_frame(page)
    assert page.get_by_role("combobox", name=re.compile("^Find a country")).count() == 0
    field = page.get_by_role("textbox", name=re.compile("^Find a place or an event"))
    field.focus()  # where Tab would land; everything after is typed
    page.keyboard.type("Gao")
    page.keyboard.press("Enter")
    panel = page.locator(".unit-panel")
    panel.wait_for()
    assert panel.locator("h3").inner_text() == "Gao"
    expect(page).to_have_url(re.compile(r"sel=admin1(%3A|:)ML-7"))
    page.screenshot(path=artifacts / "map-keyboard-gao.png")
    assert offline_page.external_requests == []
