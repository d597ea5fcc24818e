"""Draw order of the event layers, in Chromium against a real `streamlit run`.

With clustering off, the coups at Ouagadougou share the city with three large insurgency
circles (the 2016, 2017 and 2018 attacks): the coups must be on top, at their own pixel,
and a click there must select a coup.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Error as PlaywrightError

from geo.events import load_events
from geo.filters import apply_filter
from geo.ui.events import default_filter
from tests.browser.mapdriver import map_frame

pytestmark = pytest.mark.browser

EVENTS = load_events().events
SHOWN = apply_filter(EVENTS, default_filter(EVENTS))
OUAGA = SHOWN[SHOWN["location"].str.contains("Ouagadougou")
              & SHOWN["layer"].str.startswith("coup")]
SIDEBAR = '[data-testid="stSidebar"]'
CLUSTER_GROUPS_JS = """() => Object.values(window.map._layers)
  .filter((l) => L.MarkerClusterGroup && l instanceof L.MarkerClusterGroup).length"""
# The element at the pixel of (lat, lng) and, if it is an event marker, that event.
TOP_AT_JS = """([lat, lng]) => {
  const p = window.map.latLngToContainerPoint([lat, lng]);
  const r = document.getElementById('map_div').getBoundingClientRect();
  const el = document.elementFromPoint(p.x + r.left, p.y + r.top);
  const layer = Object.values(window.map._layers).find((l) => l._path && l._path === el);
  return {tag: el ? el.tagName.toLowerCase() : null,
          id: layer && layer.feature ? layer.feature.properties.id : null,
          layer: layer && layer.feature ? layer.feature.properties.layer : null,
          x: p.x + r.left, y: p.y + r.top};
}"""


def wait_for(page: object, predicate: Callable[[], object], what: str,
             timeout: float = 45.0) -> object:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except PlaywrightError as exc:
            last = exc
        else:
            if last:
                return last
        page.wait_for_timeout(200)  # lets Playwright dispatch events while waiting
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


def test_ouagadougou_coup_is_on_top_and_clickable_without_clustering(
        app_url, offline_page, artifacts):
    assert len(OUAGA) >= 3  # the data this test is about
    coup = OUAGA.iloc[0]
    page = offline_page.page
    page.goto(app_url)
    map_frame(page)
    page.locator(SIDEBAR).get_by_text("Group overlapping events", exact=True).click()
    wait_for(page, lambda: map_frame(page).evaluate(CLUSTER_GROUPS_JS) == 0, "no clustering")
    frame = map_frame(page)
    top = wait_for(page, lambda: (lambda t: t if t["id"] else None)(
        map_frame(page).evaluate(TOP_AT_JS, [coup.latitude, coup.longitude])),
        "an event marker at Ouagadougou's pixel")
    assert top["tag"] == "path"
    assert top["id"] in set(OUAGA["id"]), top  # a coup, not an insurgency circle
    assert top["layer"].startswith("coup")

    box = frame.frame_element().bounding_box()
    page.mouse.click(box["x"] + top["x"], box["y"] + top["y"])
    panel = page.locator(".event-panel")
    panel.wait_for()
    assert panel.get_attribute("data-id") == top["id"]
    page.screenshot(path=artifacts / "layers-ouagadougou-coup.png")

    # The insurgency circles stay reachable: the coup pane lets clicks through where it
    # draws nothing (only its markers take the pointer).
    assert map_frame(page).evaluate(
        "() => getComputedStyle(document.querySelector('.leaflet-atlas-coups-pane'))"
        ".pointerEvents") == "none"
    assert offline_page.page_errors == [] and offline_page.external_requests == []
