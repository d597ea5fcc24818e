"""The density view (geo/render/mapjs/atlas_density.js) in Chromium: on a standalone page
(Leaflet inlined, no network) with the events layer and the density layer fed from one block
and mask built by ``geo.render.pointlayer``; and in the app, the sidebar's choice."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import shapely
from branca.element import MacroElement
from jinja2 import Template
from playwright.sync_api import expect

from geo.i18n.catalogue import translate
from geo.render import densitylayer, export_html, mapbuild, pointlayer
from tests.browser.mapdriver import map_frame
from tests.browser.test_pointlayer_browser import events_frame, pixel_of

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(browser):
    """A 900x700 page that reaches nothing but its own file; page errors fail the test."""
    context = browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    external: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.route(
        lambda url: not url.startswith("file:"),
        lambda route: (external.append(route.request.url), route.abort()),
    )
    yield page
    context.close()
    assert errors == [] and external == []


def open_density(page, tmp_path, events, keep=None, zoom=6, lang="en", centre=(14.0, 0.0)):
    """A page with the density layer and the events layer below its resolve zoom."""
    fmap = mapbuild.offline_map(location=centre, zoom=zoom)
    block = pointlayer.event_block(events)
    drawn = pointlayer.visibility(block, np.ones(len(events), bool) if keep is None else keep)
    options = pointlayer.layer_options(block, lang, False, drawn=drawn)
    densitylayer.density_group(options, lang).add_to(fmap)
    days = pointlayer.point_days(events, block) if "date" in events.columns else None
    pointlayer.point_group(
        block, lang, False, drawn=drawn, days=days, min_zoom=densitylayer.RESOLVE_ZOOM
    ).add_to(fmap)
    expose = MacroElement()
    expose._template = Template(
        f"{{% macro script(this, kwargs) %}}window.map = {fmap.get_name()};{{% endmacro %}}"
    )
    expose.add_to(fmap)
    path = tmp_path / "density.html"
    path.write_bytes(export_html.standalone_html(fmap, ["test page"]))
    page.goto(path.as_uri(), timeout=120_000)
    page.wait_for_function(
        "() => window.atlasDensityStats && window.atlasDensityStats.paints > 0"
        " && window.atlasPointStats && window.atlasPointStats.paints > 0"
    )
    page.evaluate("""() => {
        window.clicks = [];
        for (const id in window.map._layers) {
            const layer = window.map._layers[id];
            if (layer instanceof L.AtlasPoints) {
                layer._hitArea.on('click', (e) => window.clicks.push(
                    e.layer ? e.layer.toGeoJSON().properties : null));
            }
            if (layer instanceof L.AtlasDensity) { window.density = layer; }
        }
    }""")
    return block


def dstats(page) -> dict:
    return page.evaluate("() => window.atlasDensityStats")


def hex_centre_pixel(page) -> tuple[float, float]:
    """The page pixel of the centre of the hexagon holding the most events."""
    lat, lng = page.evaluate(
        "() => { const b = window.density._bins; let k = 0;"
        " for (let i = 1; i < b.counts.length; i++) { if (b.counts[i] > b.counts[k]) k = i; }"
        " const c = window.map.unproject([b.cx[k], b.cy[k]], b.zoom); return [c.lat, c.lng]; }"
    )
    return pixel_of(page, lat, lng)


def zoom_to(page, lat, lng, zoom):
    before = dstats(page)["paints"]
    page.evaluate(f"() => window.map.setView([{lat}, {lng}], {zoom}, {{animate: false}})")
    page.wait_for_function(f"() => window.atlasDensityStats.paints > {before}")


def test_hexagons_count_the_kept_events_with_their_area_and_a_legend(page, tmp_path):
    rows = [(f"a{i}", "insurgency", 14.0, 0.0, 1) for i in range(30)]
    rows += [("b", "state-violence", 12.0, 2.0, 0)]
    block = open_density(page, tmp_path, events_frame(rows))
    s = dstats(page)
    assert s["counted"] == 31 and s["hexes"] == 2 and s["drawn"] == 2
    assert s["token"] == block.token
    assert page.evaluate("() => window.atlasPointStats.drawn") == 0  # below the resolve zoom
    # The 30 events share one hexagon: its density is 30 over its ground area at zoom 6.
    hexes = page.evaluate(
        "() => { const b = window.density._bins; return Array.from(b.counts).map((c, k) =>"
        " [c, b.density[k], b.cls[k], window.map.unproject([b.cx[k], b.cy[k]], 6).lat]); }"
    )
    big = max(hexes)
    area = densitylayer.hex_area_km2(big[3], 6)  # the hexagon's own latitude
    assert big[0] == 30
    assert big[1] == pytest.approx(30 / area * 1000, rel=1e-6)
    assert big[2] == densitylayer.density_class(30, area)
    legend = page.locator(".atlas-density-legend")
    assert legend.locator(".atlas-density-class").count() == len(densitylayer.CLASS_BOUNDS) + 1
    assert "Events per 1,000\u00a0km²" in legend.inner_text()
    km = densitylayer.hex_width_km(page.evaluate("() => window.map.getCenter().lat"), 6)
    assert f"{km:.0f}\u00a0km across" in legend.inner_text()


def test_a_hexagon_names_its_count_and_density_under_the_mouse(page, tmp_path):
    rows = [(f"a{i}", "insurgency", 14.0, 0.0, 1) for i in range(12)]
    open_density(page, tmp_path, events_frame(rows))
    page.mouse.move(*hex_centre_pixel(page))
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    density = page.evaluate("() => window.density._bins.density[0]")
    assert tip.inner_text() == (
        f"12 events, {density:.2f} per 1,000\u00a0km² (double-click to zoom in)"
    )


def test_a_pan_does_not_rebin_and_a_zoom_does(page, tmp_path):
    rows = [(f"a{i}", "insurgency", 10 + i * 0.05, -3 + i * 0.05, 1) for i in range(200)]
    open_density(page, tmp_path, events_frame(rows))
    bins = dstats(page)["bins"]
    page.evaluate("() => window.map.panBy([400, 300], {animate: false})")
    page.wait_for_timeout(300)
    assert dstats(page)["bins"] == bins
    zoom_to(page, 14, 0, 7)
    assert dstats(page)["bins"] == bins + 1


def test_a_new_mask_changes_the_hexagons(page, tmp_path):
    rows = [(f"a{i}", "insurgency", 14.0, 0.0, 1) for i in range(10)]
    rows += [(f"b{i}", "insurgency", 12.0, 3.0, 1) for i in range(5)]
    events = events_frame(rows)
    open_density(page, tmp_path, events, keep=np.array([True] * 10 + [False] * 5))
    assert dstats(page)["counted"] == 10 and dstats(page)["hexes"] == 1


def test_the_time_window_of_the_events_layer_changes_the_hexagons_without_a_rerun(page, tmp_path):
    rows = [(f"a{i}", "insurgency", 14.0, 0.0, 1) for i in range(6)]
    rows += [(f"b{i}", "insurgency", 12.0, 3.0, 1) for i in range(4)]
    events = events_frame(rows)
    events["date"] = pd.to_datetime(["2020-01-05"] * 6 + ["2023-06-01"] * 4)
    open_density(page, tmp_path, events)
    assert dstats(page)["counted"] == 10 and dstats(page)["hexes"] == 2
    day = int((pd.Timestamp("2023-01-01") - pd.Timestamp("1970-01-01")).days)
    bins = dstats(page)["bins"]
    page.evaluate(
        "(d) => Object.values(window.map._layers).find((l) => l instanceof L.AtlasPoints)"
        ".setTimeWindow({from: d, to: d + 365})",
        day,
    )
    page.wait_for_function(f"() => window.atlasDensityStats.bins > {bins}")
    assert dstats(page)["counted"] == 4 and dstats(page)["hexes"] == 1


def test_zooming_in_resolves_to_events_that_can_be_clicked_and_a_hex_dblclick_zooms(page, tmp_path):
    rows = [("a", "insurgency", 14.0, 0.0, 10), ("b", "insurgency", 14.1, 0.1, 10)]
    block = open_density(page, tmp_path, events_frame(rows))
    page.evaluate(
        "() => { window.mapClicks = 0; window.map.on('click', () => window.mapClicks++); }"
    )
    page.mouse.click(*hex_centre_pixel(page))  # a click is not the hexagon's: no zoom
    page.wait_for_function("() => window.mapClicks === 1")
    page.wait_for_timeout(400)
    assert page.evaluate("() => window.map.getZoom()") == 6
    page.mouse.dblclick(*hex_centre_pixel(page))  # a double-click zooms in (Leaflet's own)
    page.wait_for_function("() => window.map.getZoom() === 7")
    page.wait_for_timeout(400)
    page.evaluate("() => window.map.setView([14.0, 0.0], 9, {animate: false})")
    page.wait_for_function("() => window.atlasDensityStats.resolved === true")
    page.wait_for_function("() => window.atlasPointStats.drawn === 2")
    assert "Each event is drawn" in page.locator(".atlas-density-legend").inner_text()
    page.mouse.click(*pixel_of(page, 14.0, 0.0))
    page.wait_for_function("() => window.clicks.some(c => c && c.kind === 'event-hits')")
    hit = page.evaluate("() => window.clicks.find(c => c && c.kind === 'event-hits')")
    assert block.ids_at(hit["hits"]) == ["a"]


def test_keyboard_zoom_resolves_and_the_legend_is_french(page, tmp_path):
    rows = [("a", "insurgency", 14.0, 0.0, 10)]
    open_density(page, tmp_path, events_frame(rows), zoom=8, lang="fr")
    legend = page.locator(".atlas-density-legend").inner_text()
    assert translate("density_legend_title", "fr", unit="1\u202f000") in legend
    assert "Un hexagone\u00a0:" in legend and "de large" in legend
    assert "0,1" in legend and "100" in legend  # the ramp's bounds
    assert page.locator(".atlas-density-class").first.get_attribute("aria-label") == (
        "moins de 0,1"
    )
    page.locator(".leaflet-container").focus()
    page.keyboard.press("+")
    page.wait_for_function("() => window.map.getZoom() === 9")
    page.wait_for_function("() => window.atlasPointStats.drawn === 1")
    page.screenshot(path="/tmp/dens/standalone_fr_resolved.png")


def live(page) -> str:
    return page.locator(".atlas-density-live").inner_text()


def current_centre(page) -> list[float]:
    """The browsed hexagon's centre (lat, lng), or None."""
    return page.evaluate(
        "() => { const d = window.density, at = d._currentIndex(); if (at === null) return null;"
        " const c = d._hex(at).centre; return [c.lat, c.lng]; }"
    )


def test_the_hexagons_are_browsed_and_zoomed_by_keyboard(page, tmp_path):
    rows = [(f"a{i}", "insurgency", 14.0, 0.0, 1) for i in range(9)]
    rows += [(f"b{i}", "insurgency", 14.0, 3.0, 1) for i in range(3)]
    rows += [("c", "insurgency", 11.0, 3.0, 1)]
    open_density(page, tmp_path, events_frame(rows))
    # Reached with Tab from the map, like every control.
    page.locator(".leaflet-container").focus()
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.className") == "atlas-density-browse":
            break
    assert page.evaluate("() => document.activeElement.className") == "atlas-density-browse"
    help_id = page.locator(".atlas-density-browse").get_attribute("aria-describedby")
    assert "Arrow keys" in page.locator(f"#{help_id}").inner_text()
    assert page.locator(".atlas-density-live").get_attribute("aria-live") == "polite"
    # The hexagon nearest the map's centre first, with its count and class.
    assert live(page).startswith("9 events, ") and " of 3 in view" in live(page)
    # "hexagon i of m": i in reading order (rows from the top, each from the left).
    order = page.evaluate(
        "() => window.density._inView().map((k) => [window.density._bins.cy[k],"
        " window.density._bins.cx[k]])"
    )
    assert order == sorted(order)
    rank = 1 + page.evaluate(
        "() => window.density._inView().indexOf(window.density._currentIndex())"
    )
    assert f"hexagon {rank} of 3" in live(page)
    lat, lng = current_centre(page)
    assert abs(lat - 14) < 0.7 and abs(lng) < 0.7
    assert dstats(page)["current"] is not None  # drawn with an outline
    view = page.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    page.keyboard.press("ArrowRight")  # the next hexagon that way, the map does not pan
    assert live(page).startswith("3 events, ")
    assert page.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]") == view
    page.keyboard.press("ArrowRight")  # nothing further right
    assert live(page) == "No other hexagon that way in view"
    page.keyboard.press("ArrowDown")
    assert live(page).startswith("1 event, ")
    lat, lng = current_centre(page)
    assert abs(lat - 11) < 0.7 and abs(lng - 3) < 0.7
    klass = page.evaluate("() => window.density._hex(window.density._currentIndex()).cls")
    assert f"({densitylayer.class_labels('en')[klass]})" in live(page)
    page.keyboard.press("ArrowUp")
    assert live(page).startswith("3 events, ")
    page.keyboard.press("Enter")  # zooms in by two levels on the browsed hexagon
    page.wait_for_function("() => window.map.getZoom() === 8")
    page.wait_for_function("() => window.atlasDensityStats.zoom === 8")
    centre = page.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(centre[0] - 14) < 0.7 and abs(centre[1] - 3) < 0.7
    # At the new zoom the browsing goes on from the hexagon nearest the centre.
    page.wait_for_function(
        "() => document.querySelector('.atlas-density-live').textContent.startsWith('3 events')"
    )
    page.screenshot(path="/tmp/dens/standalone_browse_en.png")
    page.keyboard.press("Enter")  # to the resolve zoom: each event is drawn
    page.wait_for_function("() => window.atlasDensityStats.resolved === true")
    page.wait_for_function(
        "() => document.querySelector('.atlas-density-live').textContent"
        " === 'Each event is drawn at this zoom'"
    )
    page.keyboard.press("Escape")  # the keys go back to the map
    assert page.evaluate("() => document.activeElement === window.map.getContainer()")
    assert live(page) == ""


def test_browsing_in_french_and_the_legend_folds(page, tmp_path):
    rows = [(f"a{i}", "insurgency", 14.0, 0.0, 1) for i in range(1500)]
    open_density(page, tmp_path, events_frame(rows), lang="fr")
    page.locator(".atlas-density-browse").focus()
    text = live(page)
    assert text.startswith("1\u202f500 événements, ")
    assert "hexagone 1 sur 1 visibles. Entrée\u00a0: zoomer" in text
    fold = page.locator(".atlas-density-fold")
    assert fold.get_attribute("aria-expanded") == "true"
    assert fold.get_attribute("aria-label") == "Replier la légende de densité"
    box = page.locator(".atlas-density-legend").bounding_box()
    fold.click()
    assert fold.get_attribute("aria-expanded") == "false"
    assert not page.locator(".atlas-density-classes").is_visible()
    assert page.locator(".atlas-density-legend").bounding_box()["height"] < box["height"] / 2
    fold.click()
    assert page.locator(".atlas-density-classes").is_visible()


def test_binning_200k_events_stays_fast(page, tmp_path):
    rng = np.random.default_rng(3)
    n = 200_000
    events = pd.DataFrame(
        {
            "id": [f"e{i}" for i in range(n)],
            "layer": "insurgency",
            "latitude": rng.uniform(9, 20, n),
            "longitude": rng.uniform(-6, 6, n),
            "fatalities_low": pd.array([None] * n, dtype="Int64"),
            "fatalities_high": pd.array([1] * n, dtype="Int64"),
        }
    )
    open_density(page, tmp_path, events)
    s = dstats(page)
    assert s["counted"] == n
    page.screenshot(path="/tmp/dens/standalone_200k.png")
    times = []
    for zoom in (5, 7, 6):
        zoom_to(page, 14, 0, zoom)
        times.append(dstats(page)["binMs"] + dstats(page)["paintMs"])
    assert max(times) < 300, times  # a zoom: one rebin and one paint


# --- in the app ------------------------------------------------------------------------------

SIDEBAR = '[data-testid="stSidebar"]'
DENSITY_JS = (
    "() => { const s = window.atlasDensityStats; return s && s.drawn > 0"
    " && document.querySelector('.atlas-density-legend') ? s : null; }"
)


def _wait_in_map(page, script: str, arg=None, timeout: float = 45_000):
    """The value of ``script`` in the newest map frame once it is truthy."""
    deadline = timeout
    while deadline > 0:
        from tests.browser.mapdriver import map_frame

        frame = map_frame(page)
        try:
            value = frame.evaluate(script, arg) if arg is not None else frame.evaluate(script)
        except Exception:  # noqa: BLE001 - the frame was replaced by a rerun
            value = None
        if value:
            return frame, value
        page.wait_for_timeout(250)
        deadline -= 250
    raise AssertionError(f"timed out waiting in the map for {script}")


def test_the_density_choice_by_keyboard_draws_hexes_a_filter_changes_them_zoom_resolves(
    app_url, offline_page
):
    from tests.browser.mapdriver import click_lat_lng, map_frame

    page = offline_page.page
    page.goto(app_url)
    map_frame(page)
    events_choice = page.locator(SIDEBAR).get_by_role("radio", name="Events", exact=True)
    events_choice.focus()
    page.keyboard.press("ArrowRight")  # the radio group: to "Density"
    frame, first = _wait_in_map(page, DENSITY_JS)
    assert "density=1" in page.url
    legend = frame.locator(".atlas-density-legend").inner_text()
    assert "Events per 1,000\u00a0km²" in legend and "\u00a0km across" in legend
    assert frame.evaluate("() => window.atlasPointStats.drawn") == 0
    page.screenshot(path="/tmp/dens/app_density_en.png")

    page.locator(SIDEBAR).get_by_text(re.compile(r"^Insurgency events \(")).click()  # a filter
    # Wait for the filter's paint: a paint with a new mask may come first from the rerun
    # that wrote density=1 to the URL, with the same events (CI, once).
    frame, second = _wait_in_map(
        page,
        "(f) => { const s = window.atlasDensityStats;"
        " return s && s.maskToken !== f.maskToken && s.paints > 0"
        " && s.counted !== f.counted ? s : null; }",
        {"maskToken": first["maskToken"], "counted": first["counted"]},
    )
    assert second["counted"] < first["counted"] and second["hexes"] != first["hexes"]

    # Zoomed in to the resolve zoom on a kept event: the events are drawn, and clickable.
    lat, lng = frame.evaluate(
        "() => { const l = Object.values(window.map._layers).find("
        "(x) => x instanceof L.AtlasPoints); const b = l._block, bits = l._mask.bits;"
        " for (let i = 0; i < b.n; i++) if ((bits[i >> 3] >> (i & 7)) & 1)"
        " return [b.lat[i], b.lng[i]]; return null; }"
    )
    frame.evaluate(f"() => window.map.setView([{lat}, {lng}], 11, {{animate: false}})")
    frame, _ = _wait_in_map(
        page, "() => window.atlasPointStats.drawn > 0 && window.atlasDensityStats.resolved"
    )
    click_lat_lng(page, frame, lat, lng)
    page.locator(".event-panel").wait_for(timeout=45_000)
    page.screenshot(path="/tmp/dens/app_resolved_en.png")
    assert offline_page.page_errors == [] and offline_page.external_requests == []


def test_the_density_legend_in_french_from_the_address(app_url, offline_page):
    page = offline_page.page
    page.goto(app_url + "/?lang=fr&density=1")
    frame, _ = _wait_in_map(page, DENSITY_JS)
    legend = frame.locator(".atlas-density-legend").inner_text()
    assert "Événements pour 1\u202f000\u00a0km²" in legend
    assert "Un hexagone\u00a0:" in legend and "0,1" in legend
    labels = frame.locator(".atlas-density-class").evaluate_all(
        "(els) => els.map((e) => e.getAttribute('aria-label'))"
    )
    assert labels[0] == "moins de 0,1" and labels[-1] == "100 ou plus"
    assert frame.locator(".atlas-density-browse").inner_text() == "Parcourir les hexagones"
    # At the default view the legend covers no ground of the three states (it sat on
    # southern Niger): a grid of points over it, none inside an AES region.
    points = frame.evaluate(
        "() => { const r = document.querySelector('.atlas-density-legend')"
        ".getBoundingClientRect(), m = document.getElementById('map_div')"
        ".getBoundingClientRect(), out = [];"
        " for (let i = 0; i <= 10; i++) for (let j = 0; j <= 10; j++) {"
        " const ll = window.map.containerPointToLatLng([r.left - m.left + r.width * i / 10,"
        " r.top - m.top + r.height * j / 10]); out.push([ll.lng, ll.lat]); } return out; }"
    )
    from geo.io.boundaries import load_admin1

    aes = load_admin1().geometry.union_all()
    assert not any(aes.contains(shapely.Point(x, y)) for x, y in points)
    radio = page.locator(SIDEBAR).get_by_role("radio", name="Densité", exact=True)
    assert radio.is_checked()
    page.screenshot(path="/tmp/dens/app_density_fr.png")
    assert offline_page.page_errors == [] and offline_page.external_requests == []


def test_a_click_on_a_hexagon_opens_the_region_under_it_and_a_double_click_zooms(
    app_url, offline_page
):
    from geo.io.boundaries import load_admin1
    from tests.browser.mapdriver import click_lat_lng, map_view

    page = offline_page.page
    page.goto(app_url + "/?density=1")
    frame, _ = _wait_in_map(page, DENSITY_JS)
    frame.evaluate("() => { window.__sameMap = true; }")
    hexes = frame.evaluate(
        "() => { const d = Object.values(window.map._layers).find("
        "(l) => l instanceof L.AtlasDensity); const b = d._bins;"
        " return Array.from(b.counts).map((c, k) => { const p ="
        " window.map.unproject([b.cx[k], b.cy[k]], b.zoom); return [c, p.lat, p.lng]; }); }"
    )
    admin1 = load_admin1()
    inner = [shapely.buffer(g, -0.1) for g in admin1.geometry]  # clear of the borders
    target = None
    for _, lat, lng in sorted(hexes, reverse=True):
        inside = [k for k, g in enumerate(inner) if g.contains(shapely.Point(lng, lat))]
        if inside:
            target = (lat, lng, admin1.iloc[inside[0]])
            break
    assert target is not None, "no hexagon inside a region"
    lat, lng, region = target
    before = map_view(frame)
    click_lat_lng(page, frame, lat, lng)
    panel = page.locator(".unit-panel")
    panel.wait_for(timeout=45_000)
    assert panel.locator("h3").inner_text() == region["name_en"]
    expect(page).to_have_url(re.compile(rf"sel=admin1(%3A|:){re.escape(region['id'])}"))
    frame = map_frame(page)
    assert frame.evaluate("() => window.__sameMap === true"), "the map was reloaded"
    assert map_view(frame) == before  # the click did not zoom
    assert frame.evaluate("() => window.atlasDensityStats.drawn") > 0  # still hexagons
    page.screenshot(path="/tmp/dens/app_hex_click_region_en.png")

    point = frame.evaluate(
        "([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
        " const r = document.getElementById('map_div').getBoundingClientRect();"
        " return {x: p.x + r.left, y: p.y + r.top}; }",
        [lat, lng],
    )
    box = frame.frame_element().bounding_box()
    page.mouse.dblclick(box["x"] + point["x"], box["y"] + point["y"])
    frame.wait_for_function(f"() => window.map.getZoom() === {before['zoom'] + 1}")
    assert offline_page.page_errors == [] and offline_page.external_requests == []


def test_in_the_app_a_hexagon_is_reached_by_tab_and_zoomed_with_enter(app_url, offline_page):
    from tests.browser.mapdriver import map_view

    page = offline_page.page
    page.goto(app_url + "/?density=1")
    frame, _ = _wait_in_map(page, DENSITY_JS)
    frame.evaluate("() => { window.__sameMap = true; }")
    before = map_view(frame)
    frame.locator(".leaflet-container").focus()
    for _ in range(20):  # Tab from the map to the legend's button, inside the map's frame
        page.keyboard.press("Tab")
        if frame.evaluate("() => document.activeElement.className") == "atlas-density-browse":
            break
    assert frame.evaluate("() => document.activeElement.className") == "atlas-density-browse"
    live = frame.locator(".atlas-density-live")
    assert re.fullmatch(
        r"[\d,]+ events?, .* per 1,000\u00a0km² \(.+\); "
        r"hexagon \d+ of \d+ in view\. Enter: zoom in",
        live.inner_text(),
    )
    first = live.inner_text()
    for key in ("ArrowLeft", "ArrowUp", "ArrowRight", "ArrowDown"):
        page.keyboard.press(key)
        if live.inner_text() != first:
            break
    assert live.inner_text() != first  # moved to another hexagon
    assert map_view(frame) == before  # the arrows did not pan the map
    said = live.inner_text()
    page.keyboard.press("Enter")
    frame.wait_for_function(f"() => window.map.getZoom() === {before['zoom'] + 2}")
    # At the new zoom: the hexagon nearest the centre, among those now in view.
    frame.wait_for_function(
        "(said) => window.atlasDensityStats.zoom === window.map.getZoom()"
        " && document.querySelector('.atlas-density-live').textContent !== said",
        arg=said,
    )
    in_view = frame.evaluate(
        "() => Object.values(window.map._layers).find((l) => l instanceof L.AtlasDensity)"
        "._inView().length"
    )
    assert f" of {in_view} in view" in live.inner_text()
    assert frame.evaluate("() => window.__sameMap === true")  # no rerun replaced the map
    assert page.locator(".unit-panel").count() == 0  # a zoom, not a selection
    page.screenshot(path="/tmp/dens/app_browse_en.png")
    assert offline_page.page_errors == [] and offline_page.external_requests == []
