"""Draw order of the event layers, in Chromium against a real `streamlit run`.

With grouping off, the coups at Ouagadougou share the city with three large insurgency
circles (the 2016, 2017 and 2018 attacks): the coups must be drawn on top, a click there
must select a coup, and the insurgency circles under it must stay one click away (listed
in the panel).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Error as PlaywrightError

from geo.analysis.filters import apply_filter
from geo.i18n.catalogue import format_day
from geo.io.events import load_events
from geo.ui.events import default_filter
from tests.browser.mapdriver import map_frame

pytestmark = pytest.mark.browser

EVENTS = load_events().events
SHOWN = apply_filter(EVENTS, default_filter(EVENTS))
OUAGA = SHOWN[SHOWN["location"].str.contains("Ouagadougou") & SHOWN["layer"].str.startswith("coup")]
SIDEBAR = '[data-testid="stSidebar"]'
# What is under the pixel of (lat, lng) in the events layer (L.AtlasPoints), top-most
# first: the display layer of each mark (null until the layer has painted its block).
HITS_AT_JS = """([lat, lng]) => {
  const layer = Object.values(window.map._layers).find((l) => l instanceof L.AtlasPoints);
  const s = window.atlasPointStats;
  if (!layer || !layer._block || !s || s.token !== layer.options.token
      || s.maskToken !== (layer.options.maskToken || null)) return null;
  const hits = layer._hitsAt(window.map.latLngToLayerPoint([lat, lng]));
  const styles = layer.options.styles, style = layer._block.style;
  return {layers: hits.map((i) => i === -1 ? 'bubble' : styles[style[i]].layer),
          cluster: layer.options.cluster};
}"""


def wait_for(
    page: object, predicate: Callable[[], object], what: str, timeout: float = 45.0
) -> object:
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


def test_ouagadougou_coup_is_on_top_and_clickable_without_grouping(
    app_url, offline_page, artifacts
):
    assert len(OUAGA) >= 3  # the data this test is about
    coup = OUAGA.iloc[0]
    page = offline_page.page
    page.goto(app_url)
    map_frame(page)
    page.locator(SIDEBAR).get_by_text("Group overlapping events", exact=True).click()
    hits = wait_for(
        page,
        lambda: (lambda h: h if h and h["cluster"] is False else None)(
            map_frame(page).evaluate(HITS_AT_JS, [coup.latitude, coup.longitude])
        ),
        "the marks at Ouagadougou's pixel, ungrouped",
    )["layers"]
    assert len(hits) >= len(OUAGA) + 3, hits  # every mark there, none grouped
    assert hits[0] == "coup-successful", hits  # a coup on top, not an insurgency circle
    coup_marks = sum(1 for h in hits if h.startswith("coup"))
    assert all(h.startswith("coup") for h in hits[:coup_marks]), hits  # coups above the rest
    assert "insurgency" in hits

    frame = map_frame(page)
    box = frame.frame_element().bounding_box()
    point = frame.evaluate(
        "([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
        " const r = document.getElementById('map_div').getBoundingClientRect();"
        " return {x: p.x + r.left, y: p.y + r.top}; }",
        [coup.latitude, coup.longitude],
    )
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    panel = page.locator(".event-panel")
    panel.wait_for()
    top = panel.get_attribute("data-id")
    assert top in set(OUAGA.query("layer == 'coup-successful'")["id"]), top
    page.screenshot(path=artifacts / "layers-ouagadougou-coup.png")

    # The insurgency circles under the coup stay reachable: the panel lists every other
    # event under the click (buttons up to 12, else a table).
    page.get_by_text(f"{len(hits) - 1} other events under this click", exact=True).wait_for()
    attacks = SHOWN[
        SHOWN["location"].str.contains("Ouagadougou") & (SHOWN["layer"] == "insurgency")
    ]
    assert len(hits) - 1 <= 12  # so the list is buttons: "day · place · layer"
    for attack in attacks.itertuples():
        name = (
            f"{format_day(attack.date.date(), 'en', 'medium')} · {attack.location}"
            " · Insurgency events"
        )
        page.get_by_role("button", name=name, exact=True).wait_for()
    assert offline_page.page_errors == [] and offline_page.external_requests == []
