"""The events canvas layer (geo/render/mapjs/atlas_points.js) on its own, in Chromium.

Each test writes a standalone page (Leaflet inlined, no network) with one clickable region
and an ``L.AtlasPoints`` layer fed from a block built by ``geo.render.pointlayer``, then checks what
only a browser shows: what is painted, what a click at a pixel reports, what reaches the
region underneath, and the grouping of close points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from branca.element import MacroElement
from jinja2 import Template

from geo.render import export_html, mapbuild, pointlayer

pytestmark = pytest.mark.browser

REGION = {
    "type": "Feature",
    "properties": {"kind": "admin1", "id": "R"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[-4, 10], [4, 10], [4, 18], [-4, 18], [-4, 10]]],
    },
}


@pytest.fixture()
def page(browser):
    """A 900x700 page where every request leaves nothing but the file itself; page errors
    fail the test."""
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


def events_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "layer": [r[1] for r in rows],
            "latitude": [r[2] for r in rows],
            "longitude": [r[3] for r in rows],
            "fatalities_low": pd.array([None] * len(rows), dtype="Int64"),
            "fatalities_high": pd.array([r[4] for r in rows], dtype="Int64"),
        }
    )


def open_layer(
    page, tmp_path, events: pd.DataFrame, cluster: bool = False, zoom: int = 6
) -> pointlayer.PointBlock:
    import folium

    fmap = mapbuild.offline_map(location=(14.0, 0.0), zoom=zoom)
    region = folium.GeoJson(REGION, name="region")
    region.add_to(fmap)
    block = pointlayer.event_block(events)
    pointlayer.point_group(block, "en", cluster).add_to(fmap)
    expose = MacroElement()
    expose._template = Template(
        "{% macro script(this, kwargs) %}"
        f"window.map = {fmap.get_name()}; window.region = {region.get_name()};"
        "{% endmacro %}"
    )
    expose.add_to(fmap)
    path = tmp_path / "layer.html"
    path.write_bytes(export_html.standalone_html(fmap, ["test page"]))
    page.goto(path.as_uri(), timeout=120_000)  # 200k points: megabytes of page to parse
    page.wait_for_function("() => window.atlasPointStats && window.atlasPointStats.paints > 0")
    page.evaluate("""() => {
        window.clicks = []; window.regionClicks = 0;
        window.region.on('click', () => { window.regionClicks += 1; });
        for (const id in window.map._layers) {
            const layer = window.map._layers[id];
            if (layer instanceof L.AtlasPoints) {
                window.points = layer;
                layer._hitArea.on('click', (e) => window.clicks.push(
                    e.layer ? e.layer.toGeoJSON().properties : null));
            }
        }
    }""")
    return block


def pixel_of(page, lat: float, lng: float) -> tuple[float, float]:
    point = page.evaluate(
        "([a, b]) => { const p = window.map.latLngToContainerPoint([a, b]);"
        " const r = window.map.getContainer().getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; }",
        [lat, lng],
    )
    return point[0], point[1]


def stats(page) -> dict:
    return page.evaluate("() => window.atlasPointStats")


def test_every_point_is_painted_and_a_click_names_the_one_under_it(page, tmp_path):
    events = events_frame(
        [
            ("a", "insurgency", 14.0, -1.0, 10),
            ("b", "state-violence", 12.0, 2.0, 0),
            ("c", "coup-successful", 15.0, 1.0, None),
        ]
    )
    block = open_layer(page, tmp_path, events)
    assert stats(page)["total"] == 3 and stats(page)["drawn"] == 3
    assert stats(page)["token"] == block.token
    page.mouse.click(*pixel_of(page, 12.0, 2.0))
    page.wait_for_function("() => window.clicks.length === 1")
    props = page.evaluate("() => window.clicks[0]")
    assert props["kind"] == "event-hits" and props["token"] == block.token
    assert block.ids_at(props["hits"]) == ["b"]
    assert page.evaluate("() => window.regionClicks") == 0, "the region got the event's click"


def test_a_pan_inside_the_painted_canvas_paints_nothing_and_clicks_still_hit(page, tmp_path):
    """The canvas is painted with half a view around it and moves with the map: a pan that
    stays inside needs no paint (a pan per frame would otherwise repaint every point every
    frame); a pan beyond it, or a zoom, paints again; clicks hit the moved marks."""
    events = events_frame(
        [("a", "insurgency", 14.0, -1.0, 10), ("b", "state-violence", 12.0, 2.0, 0)]
    )
    block = open_layer(page, tmp_path, events)
    paints = stats(page)["paints"]
    page.evaluate("() => window.map.panBy([120, 60], {animate: false})")
    page.wait_for_timeout(200)
    assert stats(page)["paints"] == paints, "a small pan repainted the whole canvas"
    assert stats(page)["kept"] >= 1  # the layer saw the move and kept its canvas
    page.mouse.click(*pixel_of(page, 12.0, 2.0))
    page.wait_for_function("() => window.clicks.length === 1")
    assert block.ids_at(page.evaluate("() => window.clicks[0].hits")) == ["b"]

    page.evaluate("() => window.map.panBy([700, 0], {animate: false})")  # beyond the margin
    page.wait_for_function(f"() => window.atlasPointStats.paints > {paints}")
    page.evaluate("() => window.map.panBy([-820, -60], {animate: false})")
    page.wait_for_timeout(200)
    page.mouse.click(*pixel_of(page, 14.0, -1.0))
    page.wait_for_function("() => window.clicks.length === 2")
    assert block.ids_at(page.evaluate("() => window.clicks[1].hits")) == ["a"]
    repainted = stats(page)["paints"]
    page.evaluate("() => window.map.setZoom(7, {animate: false})")
    page.wait_for_function(f"() => window.atlasPointStats.paints > {repainted}")


def test_coincident_points_are_all_reported_top_most_first(page, tmp_path):
    events = events_frame(
        [
            ("ins", "insurgency", 13.0, 0.0, 200),
            ("coup", "coup-successful", 13.0, 0.0, None),
            ("plot", "coup-plot", 13.0, 0.0, None),
        ]
    )
    block = open_layer(page, tmp_path, events)
    page.mouse.click(*pixel_of(page, 13.0, 0.0))
    page.wait_for_function("() => window.clicks.length === 1")
    hits = page.evaluate("() => window.clicks[0].hits")
    assert block.ids_at(hits) == ["coup", "plot", "ins"]  # drawn last = on top = first


def test_a_click_beside_the_events_reaches_the_region_underneath(page, tmp_path):
    open_layer(page, tmp_path, events_frame([("a", "insurgency", 14.0, -1.0, 10)]))
    page.mouse.click(*pixel_of(page, 11.0, 3.0))
    page.wait_for_function("() => window.regionClicks === 1")
    assert page.evaluate("() => window.clicks.length") == 0


def test_a_big_mark_is_reached_anywhere_inside_its_radius(page, tmp_path):
    block = open_layer(page, tmp_path, events_frame([("big", "insurgency", 14.0, 0.0, 1000)]))
    x, y = pixel_of(page, 14.0, 0.0)
    page.mouse.click(x + pointlayer.MAX_RADIUS_PX - 2, y)
    page.wait_for_function("() => window.clicks.length === 1")
    assert block.ids_at(page.evaluate("() => window.clicks[0].hits")) == ["big"]
    page.mouse.click(x + pointlayer.MAX_RADIUS_PX + 8, y)  # beyond reach: the region
    page.wait_for_function("() => window.regionClicks === 1")


def test_grouping_draws_bubbles_at_low_zoom_and_every_event_when_zoomed_in(page, tmp_path):
    rng = np.random.default_rng(3)
    rows = [
        (f"e{i}", "insurgency", 14 + rng.normal(0, 0.03), rng.normal(0, 0.03), 1) for i in range(40)
    ]
    rows.append(("alone", "state-violence", 11.0, -3.0, 1))
    open_layer(page, tmp_path, events_frame(rows), cluster=True, zoom=5)
    first = stats(page)
    assert first["bubbles"] >= 1 and first["drawn"] < 41
    before = page.evaluate("() => window.map.getZoom()")
    page.mouse.click(*pixel_of(page, 14.0, 0.0))  # a bubble: zooms in, selects nothing
    page.wait_for_function(f"() => window.map.getZoom() > {before}")
    assert page.evaluate("() => window.clicks") == [{"kind": "zoom-in"}]
    page.wait_for_function("() => !window.map._animatingZoom")
    page.evaluate(f"() => {{ window.map.setView([14, 0], {pointlayer.CLUSTER_MAX_ZOOM}); }}")
    page.wait_for_function(
        f"() => window.atlasPointStats.paints > {first['paints']} &&"
        " window.atlasPointStats.bubbles === 0"
    )
    assert stats(page)["drawn"] == 40  # the 40 close ones in view, each on its own


def test_two_hundred_thousand_points_are_painted_and_one_is_clicked(page, tmp_path):
    n = 200_000
    rng = np.random.default_rng(7)
    lat = rng.uniform(10.5, 17.5, n)
    lng = rng.uniform(-3.5, 3.5, n)
    far = (np.abs(lat - 12.0) < 0.3) & (np.abs(lng - 2.0) < 0.3)
    lat, lng = lat[~far], lng[~far]
    frame = pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(len(lat))] + ["target"],
            "layer": ["insurgency"] * len(lat) + ["state-violence"],
            "latitude": [*lat, 12.0],
            "longitude": [*lng, 2.0],
            "fatalities_low": pd.array([None] * (len(lat) + 1), dtype="Int64"),
            "fatalities_high": pd.array([1] * (len(lat) + 1), dtype="Int64"),
        }
    )
    block = open_layer(page, tmp_path, frame, zoom=6)
    assert stats(page)["total"] == len(frame)
    page.evaluate("() => { window.map.setView([12, 2], 9); }")
    page.wait_for_function("() => window.atlasPointStats.paints > 1")
    page.mouse.click(*pixel_of(page, 12.0, 2.0))
    page.wait_for_function("() => window.clicks.length === 1")
    assert block.ids_at(page.evaluate("() => window.clicks[0].hits")) == ["target"]
