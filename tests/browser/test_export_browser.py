"""The standalone HTML export, downloaded through the real page and opened from disk.

The file is opened from ``file://`` in a fresh browser context in which every request that
is not for a local file is aborted and counted: it must draw the app's events, with its
layer menu, title, legend and attribution, and need nothing else.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from geo.analysis.filters import apply_filter
from geo.i18n.catalogue import translate
from geo.io.events import load_events
from geo.ui.events import default_filter
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401 - same browser settings
from tests.browser.mapdriver import map_frame, wait_for_run

pytestmark = pytest.mark.browser

EVENTS = load_events().events
SHOWN = apply_filter(EVENTS, default_filter(EVENTS))
LOCATED = int(SHOWN["latitude"].notna().sum())
SIDEBAR = '[data-testid="stSidebar"]'

# The events of the exported map (its Leaflet map is a global ``map_<id>``): its
# ``L.AtlasPoints`` layers and what the last paint drew (``window.atlasPointStats``).
EXPORT_MARKS_JS = """() => {
  const maps = Object.keys(window).filter((k) => k.startsWith('map_')
    && window[k] instanceof L.Map).map((k) => window[k]);
  if (maps.length !== 1) return {maps: maps.length};
  const layers = Object.values(maps[0]._layers).filter((l) => l instanceof L.AtlasPoints);
  const s = window.atlasPointStats || {};
  return {maps: 1, layers: layers.length, total: s.total, drawn: s.drawn, bubbles: s.bubbles,
          paints: s.paints || 0, cluster: layers.length ? layers[0].options.cluster : null,
          canvas: document.querySelectorAll('canvas.atlas-points').length,
          markercluster: typeof L.MarkerClusterGroup};
}"""
# Whether the app's map draws its events grouped.
APP_GROUPING_JS = """() => { const l = Object.values(window.map._layers)
  .find((l) => l instanceof L.AtlasPoints); return l ? l.options.cluster : null; }"""


def wait_for(
    page: object, predicate: Callable[[], object], what: str, timeout: float = 45.0
) -> object:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except PlaywrightError as exc:  # frame detached during a rerun
            last = exc
        else:
            if last:
                return last
        page.wait_for_timeout(200)  # lets Playwright dispatch events while waiting
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


def download_export(
    app_url: str, offline_page: object, lang: str, cluster: bool, target: Path
) -> Path:
    page = offline_page.page
    page.goto(f"{app_url}/?lang={lang}")
    map_frame(page)
    if not cluster:
        page.locator(SIDEBAR).get_by_text(translate("ev_cluster", lang), exact=True).click()
        wait_for(page, lambda: map_frame(page).evaluate(APP_GROUPING_JS) is False, "grouping off")
    page.locator(SIDEBAR).get_by_text(translate("export_heading", lang)).click()
    button = page.locator(SIDEBAR).get_by_role("button", name=translate("export_html", lang))
    button.wait_for()
    # The file is made on the click from the run that drew the button: a click while a run
    # is still going can reach a button that run then replaces (no download comes).
    wait_for_run(page)
    with page.expect_download(timeout=120_000) as info:
        button.click()
    info.value.save_as(target)
    assert offline_page.page_errors == [] and offline_page.external_requests == []
    return target


def boxes_apart(a: dict, b: dict) -> bool:
    return (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize(
    ("lang", "cluster"), [("en", True), ("fr", False), ("en", False), ("fr", True)]
)
def test_exported_map_opens_offline_with_events_layers_legend_and_attribution(
    app_url, offline_page, browser, artifacts, tmp_path, lang, cluster
):
    path = download_export(app_url, offline_page, lang, cluster, tmp_path / "map.html")

    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    blocked: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    page.route(
        lambda url: not url.startswith("file://"),
        lambda route: (blocked.append(route.request.url), route.abort()),
    )
    page.on("requestfailed", lambda req: failed.append(req.url))
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        page.goto(path.as_uri())
        state = wait_for(
            page,
            lambda: (lambda s: s if s.get("paints") else None)(page.evaluate(EXPORT_MARKS_JS)),
            "the exported map's events",
        )
        assert state["layers"] == 1 and state["canvas"] == 1
        assert state["total"] == LOCATED  # the same events as the app view
        assert state["cluster"] is cluster
        assert (state["bubbles"] > 0) is cluster  # coincident coups at this zoom
        assert state["drawn"] > 0
        assert state["markercluster"] == "undefined"  # no Leaflet.markercluster any more

        menu = page.locator(".leaflet-control-layers")
        menu.hover()
        overlays = page.locator(".leaflet-control-layers-overlays label")
        overlays.first.wait_for()
        names = [n.strip() for n in overlays.all_inner_texts()]
        for key in ("layer_alg", "layer_core", "layer_admin1"):
            assert translate(key, lang) in names, (key, names)
        assert names.count(translate("exp_map_events", lang)) == 1, names  # one events entry
        assert translate("ev_dataset_curated", lang) not in names
        # The menu entry turns the events off and on again.
        entry = overlays.filter(
            has_text=re.compile(rf"^\s*{re.escape(translate('exp_map_events', lang))}\s*$")
        ).locator("input")
        entry.uncheck()
        wait_for(page, lambda: page.evaluate(EXPORT_MARKS_JS)["layers"] == 0, "events off")
        assert page.evaluate(EXPORT_MARKS_JS)["canvas"] == 0
        entry.check()
        wait_for(page, lambda: page.evaluate(EXPORT_MARKS_JS)["canvas"] == 1, "events on")
        page.mouse.move(700, 500)

        title = page.locator(".atlas-title")
        legend = page.locator(".atlas-legend")
        attribution = page.locator(".atlas-attribution")
        scale = page.locator(".leaflet-control-scale")
        for part in (title, legend, attribution, scale):
            assert part.is_visible()
        assert translate("exp_map_title", lang) in title.inner_text()
        assert translate("legend_members", lang) in legend.inner_text()
        assert translate("ev_layer_insurgency", lang) in legend.inner_text()
        text = attribution.inner_text()
        assert "Natural Earth" in text and translate("exp_curated", lang) in text
        assert translate("exp_filters", lang, filters="").split(":")[0] in text
        boxes = {
            n: loc.bounding_box()
            for n, loc in (
                ("title", title),
                ("legend", legend),
                ("attribution", attribution),
                ("scale", scale),
                ("zoom", page.locator(".leaflet-control-zoom")),
                ("menu", menu),
            )
        }
        for a in boxes:
            for b in boxes:
                if a < b:
                    assert boxes_apart(boxes[a], boxes[b]), (a, b, boxes[a], boxes[b])
        viewport = page.viewport_size
        for name, box in boxes.items():
            assert box["x"] >= 0 and box["y"] >= 0, name
            assert box["x"] + box["width"] <= viewport["width"], name
            assert box["y"] + box["height"] <= viewport["height"], name
        page.screenshot(path=artifacts / f"export-{lang}-{'cluster' if cluster else 'plain'}.png")
        assert errors == []
        assert blocked == []
        assert failed == []
    finally:
        context.close()
