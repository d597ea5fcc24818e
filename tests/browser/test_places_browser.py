"""Place search, town labels, fullscreen and the distance tool, in Debian Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.mapdriver import click_lat_lng, map_frame, map_view, wait_for_run

pytestmark = pytest.mark.browser

MENAKA = (15.91985, 2.39609)  # GeoNames 2453514, data/places/places.csv


def _wait(page, frame, script: str, timeout_ms: int = 20_000):
    waited = 0
    while waited < timeout_ms:
        value = frame.evaluate(script)
        if value:
            return value
        page.wait_for_timeout(200)
        waited += 200
    raise AssertionError(f"never true: {script}")


def test_searching_menaka_moves_the_map_there_and_selects_its_region(
    app_url, offline_page, artifacts
):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    expect(page).to_have_url(re.compile(r"view="))
    wait_for_run(page)
    frame.evaluate("() => { window.__sameMap = true; }")
    field = page.get_by_role("textbox", name=re.compile("^Find a place"))
    field.fill("menaka")  # no accent, lower case
    field.press("Enter")
    # Ménaka lies in Mali's Gao region (Natural Earth's 9 units): selected as a click there.
    panel = page.locator(".unit-panel")
    panel.wait_for()
    assert panel.locator("h3").inner_text() == "Gao"
    expect(page).to_have_url(re.compile(r"sel=admin1(%3A|:)ML-7"))
    frame = map_frame(page)
    assert frame.evaluate("() => window.__sameMap === true"), "the map was reloaded"
    view = map_view(frame)
    assert view["zoom"] == 9
    assert abs(view["lat"] - MENAKA[0]) < 0.01 and abs(view["lng"] - MENAKA[1]) < 0.01
    _wait(
        page,
        frame,
        "() => [...document.querySelectorAll('.atlas-found-label')]"
        ".some(e => e.textContent === 'Ménaka')",
    )
    page.screenshot(path=artifacts / "map-search-menaka.png")

    # Another interaction (a layer toggle reruns the page) leaves the view where it is.
    sidebar = page.get_by_test_id("stSidebarUserContent")
    sidebar.get_by_text("ALG intervention zone", exact=True).click()
    wait_for_run(page)
    page.wait_for_timeout(1500)
    assert map_view(map_frame(page)) == view
    assert offline_page.external_requests == []
    assert offline_page.page_errors == []


def test_a_region_found_by_its_french_name_is_selected(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url)
    map_frame(page)
    wait_for_run(page)
    field = page.get_by_role("textbox", name=re.compile("^Find a place"))
    field.fill("TOMBOUCTOU")
    field.press("Enter")
    page.locator(".unit-panel h3", has_text="Timbuktu").wait_for()
    expect(page).to_have_url(re.compile(r"sel=admin1(%3A|:)ML-6"))


def test_town_labels_follow_the_zoom(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    wait_for_run(page)
    shown = _wait(page, frame, "() => window.atlasTownStats && window.atlasTownStats.shown")
    assert "Bamako" in shown and "Djibo" not in shown  # capitals only at the first zoom
    frame.evaluate("() => window.map.setView([14.09864, -1.62665], 8, {animate: false})")
    shown = _wait(
        page, frame, "() => window.atlasTownStats.zoom === 8 && window.atlasTownStats.shown"
    )
    assert "Djibo" in shown
    labels = frame.evaluate(
        "() => [...document.querySelectorAll('.atlas-town-name')].map(e => e.textContent)"
    )
    assert labels == shown
    # Drawn above the events (a town under a bubble stays readable), letting clicks through.
    panes = frame.evaluate(
        "() => { const z = p => Number(getComputedStyle(window.map.getPane(p)).zIndex);"
        " return {towns: z('atlasTowns'), events: z('atlasPoints'),"
        " through: getComputedStyle(window.map.getPane('atlasTowns')).pointerEvents}; }"
    )
    assert panes["towns"] > panes["events"] and panes["through"] == "none", panes
    page.screenshot(path=artifacts / "map-town-labels.png")
    assert offline_page.page_errors == []


def test_fullscreen_toggles_by_keyboard(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    wait_for_run(page)
    before = frame.evaluate("() => window.map.getSize().y")
    button = frame.get_by_role("button", name="Full screen")
    button.focus()
    page.keyboard.press("Enter")
    _wait(page, frame, "() => document.querySelector('.atlas-is-fullscreen') !== null")
    _wait(page, frame, f"() => window.map.getSize().y > {before} + 100")
    page.screenshot(path=artifacts / "map-fullscreen.png")
    frame.get_by_role("button", name=re.compile("^Leave full screen")).click()
    _wait(page, frame, "() => document.querySelector('.atlas-is-fullscreen') === null")
    _wait(page, frame, f"() => Math.abs(window.map.getSize().y - {before}) < 2")
    assert offline_page.page_errors == []


def test_distance_tool_measures_between_two_clicks(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    expect(page).to_have_url(re.compile(r"view="))
    wait_for_run(page)
    url_before = page.url
    frame.get_by_role("button", name="Measure a distance").click()
    bamako, niamey = (12.60915, -7.97522), (13.51366, 2.10980)
    click_lat_lng(page, frame, *bamako)
    click_lat_lng(page, frame, *niamey)
    output = frame.locator(".atlas-measure-output")
    expect(output).to_contain_text("Geodesic distance")
    measured = frame.evaluate("() => window.atlasMeasure")
    assert measured["points"] == 2
    # The clicked points are within a pixel of the towns (a few km at this zoom); pyproj's
    # WGS 84 geodesic between the towns themselves is the reference.
    from pyproj import Geod

    _, _, metres = Geod(ellps="WGS84").inv(bamako[1], bamako[0], niamey[1], niamey[0])
    assert abs(measured["km"] - metres / 1000) < 15
    km_text = f"{measured['km']:,.1f}"
    assert km_text in output.inner_text()
    page.screenshot(path=artifacts / "map-distance.png")
    # The clicks selected nothing (no rerun, no panel) and Escape stops measuring.
    assert page.locator(".unit-panel").count() == 0
    page.keyboard.press("Escape")
    _wait(page, frame, "() => window.atlasMeasure.active === false")
    assert frame.locator(".atlas-measure-sheet").count() == 0
    frame.get_by_role("button", name="Clear the measured line").click()
    _wait(page, frame, "() => window.atlasMeasure.points === 0")
    assert page.url.split("view=")[0] == url_before.split("view=")[0]
    assert offline_page.page_errors == []
