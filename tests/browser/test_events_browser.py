"""Event layers as a person meets them, in Debian Chromium against a real `streamlit run`.

Expected numbers come from the curated data through ``geo.analysis.filters`` (the functions the page
uses; they are checked against hand-worked answers in ``tests/analysis/test_filters.py``). The map
draws every located event as one mark of its events layer (``L.AtlasPoints``, see
``geo/render/mapjs/atlas_points.js``): marks are counted from that layer's block (every event it
holds, per display layer) and from what its last paint drew (``window.atlasPointStats``).
"""

from __future__ import annotations

import csv
import math
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from geo.analysis.filters import apply_filter, layer_counts, region_stats
from geo.analysis.selection import events_near
from geo.i18n.catalogue import format_day, translate
from geo.io.boundaries import load_admin1
from geo.io.events import load_events
from geo.model.events import LAYERS
from geo.render.pointlayer import CLUSTER_MAX_ZOOM
from geo.ui.events import CHARTER_DATE, EVENTS_ENV, default_filter
from tests.browser.conftest import REPO, OfflinePage, _require_chromium
from tests.browser.mapdriver import (
    click_lat_lng,
    map_frame,
    map_view,
    wait_for_run,
    wait_for_runs,
    watch_runs,
)
from tests.browser.server import streamlit_server

pytestmark = pytest.mark.browser

EVENTS = load_events().events
DEFAULT = default_filter(EVENTS)
SHOWN = apply_filter(EVENTS, DEFAULT)
CHARTER = replace(DEFAULT, date_from=CHARTER_DATE)
LABELS = {
    "coup-successful": "Successful coups",
    "coup-attempted": "Attempted coups",
    "coup-plot": "Alleged coup plots",
    "insurgency": "Insurgency events",
    "state-violence": "State violence",
    "protest": "Protests (ACLED)",
    "riot": "Riots (ACLED)",
    "strategic": "Strategic developments (ACLED)",
}
SHOWN_RE = re.compile(r"^\d+ events shown")
SIDEBAR = '[data-testid="stSidebar"]'

# The map's events layer once it has painted its current block and mask: the marks the mask
# keeps per display layer, and what the last paint drew (null while there is no such layer,
# or while it has not painted its block and mask yet).
_LAYER_JS = """
  const layers = Object.values(window.map._layers)
    .filter((l) => l instanceof L.AtlasPoints);
  const s = window.atlasPointStats;
  if (layers.length !== 1 || !layers[0]._block || !s || s.token !== layers[0].options.token
      || s.maskToken !== (layers[0].options.maskToken || null))
    return null;
  const layer = layers[0];"""
MARKS_JS = (
    "() => {"
    + _LAYER_JS
    + """
  const block = layer._block, styles = layer.options.styles, byLayer = {};
  const bits = layer._mask ? layer._mask.bits : null;  // the points the filters keep
  for (let i = 0; i < block.n; i++) {
    if (bits && !((bits[i >> 3] >> (i & 7)) & 1)) continue;
    const name = styles[block.style[i]].layer; byLayer[name] = (byLayer[name] || 0) + 1; }
  return {byLayer: byLayer, total: s.total, drawn: s.drawn, drawnByLayer: s.drawnByLayer,
          bubbles: s.bubbles, paints: s.paints, kept: s.kept || 0,
          cluster: layer.options.cluster,
          inBubbles: layer._bubbles.reduce((sum, b) => sum + b.n, 0)};
}"""
)
# What is under the pixel of (lat, lng), top-most first: the display layer of each mark, or
# "bubble" for a bubble of grouped marks.
HITS_AT_JS = (
    "([lat, lng]) => {"
    + _LAYER_JS
    + """
  const hits = layer._hitsAt(window.map.latLngToLayerPoint([lat, lng]));
  const styles = layer.options.styles, style = layer._block.style;
  return hits.map((i) => i === -1 ? 'bubble' : styles[style[i]].layer);
}"""
)
# The bubbles of the last paint, largest first: count and page-independent position.
BUBBLES_JS = (
    "() => {"
    + _LAYER_JS
    + """
  return layer._bubbles.map((b) => { const ll = window.map.layerPointToLatLng([b.x, b.y]);
    return {n: b.n, lat: ll.lat, lng: ll.lng}; }).sort((a, b) => b.n - a.n);
}"""
)


# --- expectations from the data ----------------------------------------------------------------


def located(df):
    return df.dropna(subset=["latitude", "longitude"])


def drawn_expected(f) -> dict[str, int]:
    counts = located(apply_filter(EVENTS, f))["layer"].value_counts()
    return {layer: int(n) for layer, n in counts.items() if n}


def label_texts(f) -> dict[str, str]:
    counts = layer_counts(apply_filter(EVENTS, replace(f, layers=())))
    return {layer: f"{LABELS[layer]} ({counts[layer]})" for layer in LAYERS}


def caption_text(f) -> str:
    rows = apply_filter(EVENTS, f)
    n = len(located(rows))
    text = f"{n} events shown"
    if len(rows) > n:
        text += f" · {len(rows) - n} without coordinates (not drawn)"
    return text


def isolated_events(layer: str) -> list:
    """Located events of a layer, most isolated first (km to the nearest other marker)."""
    pts = located(SHOWN)
    lat = pts["latitude"].map(math.radians).to_numpy()
    lng = pts["longitude"].map(math.radians).to_numpy()

    def nearest(i: int) -> float:
        return min(
            6371 * math.hypot(lat[i] - lat[j], (lng[i] - lng[j]) * math.cos(lat[i]))
            for j in range(len(pts))
            if j != i
        )

    scored = [(nearest(i), row) for i, row in enumerate(pts.itertuples()) if row.layer == layer]
    return [row for _, row in sorted(scored, key=lambda s: -s[0])]


def _inside(region_id: str) -> tuple[float, float]:
    admin1 = load_admin1()
    point = admin1.loc[admin1["id"] == region_id, "geometry"].iloc[0].representative_point()
    return point.y, point.x


# --- waiting without time.sleep ----------------------------------------------------------------


def app_error(page: object) -> str | None:
    errors = page.locator('[data-testid="stException"]')
    return errors.first.inner_text() if errors.count() else None


def wait_for(
    page: object, predicate: Callable[[], object], what: str, timeout: float = 45.0
) -> object:
    """Poll ``predicate`` until truthy; fail at once if the app shows an exception."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except PlaywrightError as exc:  # frame detached or navigating during a rerun
            last = exc
        else:
            if last:
                return last
        error = app_error(page)
        if error:
            raise AssertionError(f"the app raised while waiting for {what}:\n{error}")
        page.wait_for_timeout(200)
    raise AssertionError(f"timed out waiting for {what}; last value: {last!r}")


def marks(page: object) -> dict | None:
    """The events layer's marks (see ``MARKS_JS``), or None until it has painted."""
    return map_frame(page).evaluate(MARKS_JS)


def drawn(page: object) -> dict[str, int] | None:
    """Marks of the events layer per display layer (every event of its block, in view or
    not), once painted and consistent with the paint's total."""
    now = marks(page)
    if now is None or sum(now["byLayer"].values()) != now["total"]:
        return None
    return now["byLayer"]


def wait_drawn(page: object, want: dict[str, int]) -> dict[str, int]:
    wait_for(page, lambda: drawn(page) == want, f"marks {want}")
    return want


def wait_painted(page: object, frame: object, after: int, **want: object) -> dict:
    """Wait for a paint after paint number ``after`` whose stats match ``want``."""

    def ready() -> dict | None:
        now = frame.evaluate(MARKS_JS)
        if now and now["paints"] > after and all(now[k] == v for k, v in want.items()):
            return now
        return None

    return wait_for(page, ready, f"a paint after {after} with {want}")


def sidebar_checkboxes(page: object) -> list[tuple[str, bool]]:
    return page.locator(f'{SIDEBAR} label:has(input[type="checkbox"])').evaluate_all(
        "els => els.map(e => [e.innerText.trim(), e.querySelector('input').checked])"
    )


def shown_caption(page: object) -> str:
    caption = page.get_by_text(SHOWN_RE)
    caption.wait_for()
    return caption.inner_text().strip()


def panel_column_text(page: object, marker: str) -> str:
    column = page.locator('[data-testid="stColumn"]').filter(has=page.locator(marker)).last
    return column.inner_text()


def mouse_at(page: object, frame: object, lat: float, lng: float) -> tuple[float, float]:
    point = frame.evaluate(
        "([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
        " const r = document.getElementById('map_div').getBoundingClientRect();"
        " return {x: p.x + r.left, y: p.y + r.top}; }",
        [lat, lng],
    )
    box = frame.frame_element().bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


def set_view(page: object, frame: object, lat: float, lng: float, zoom: int) -> dict:
    """Move the map without animation and wait until the events layer has repainted there,
    or has found the view inside the canvas it painted last (``kept``: nothing to paint)."""
    before = frame.evaluate(MARKS_JS) or {"paints": 0, "kept": 0}
    frame.evaluate(
        "([lat, lng, zoom]) => { window.map.setView([lat, lng], zoom, {animate: false}); }",
        [lat, lng, zoom],
    )
    wait_for(page, lambda: map_view(frame)["zoom"] == zoom, f"zoom {zoom}")

    def shown() -> dict | None:
        now = frame.evaluate(MARKS_JS)
        moved = now and (now["paints"] > before["paints"] or now["kept"] > before["kept"])
        return now if moved else None

    return wait_for(page, shown, f"the events layer at {lat}, {lng}, zoom {zoom}")


def chooser_label(event) -> str:
    """The text of an event's button in the panel's lists (day · place · layer)."""
    day = format_day(event.date.date(), "en", "medium")
    return f"{day} · {event.location} · {LABELS[event.layer]}"


def assert_offline(offline_page: OfflinePage) -> None:
    assert offline_page.external_requests == [], sorted(set(offline_page.external_requests))
    assert offline_page.page_errors == []


# --- layers and dates --------------------------------------------------------------------------


def test_unchecking_a_layer_removes_its_marks_without_reloading_the_map(
    app_url, offline_page, artifacts
):
    page = offline_page.page
    page.goto(f"{app_url}/?cluster=0")  # every mark in view drawn on its own
    frame = map_frame(page)
    labels = label_texts(DEFAULT)
    before = wait_drawn(page, drawn_expected(DEFAULT))
    assert sum(before.values()) == len(located(SHOWN))
    first = marks(page)
    assert first["cluster"] is False and first["bubbles"] == 0
    assert first["drawnByLayer"].get("insurgency", 0) > 0
    frame.evaluate("() => { window.__probe = 1; }")
    view = map_view(frame)

    label = labels["insurgency"]  # "Insurgency events (81)"
    n_label = int(re.search(r"\((\d+)\)", label).group(1))
    not_located = int(SHOWN.query("layer == 'insurgency'")["latitude"].isna().sum())
    page.locator(SIDEBAR).get_by_text(label, exact=True).click()
    after = wait_drawn(
        page,
        drawn_expected(
            replace(
                DEFAULT, layers=tuple(layer for layer in DEFAULT.layers if layer != "insurgency")
            )
        ),
    )
    # Fewer by the label's N, less the insurgency events that have no coordinates.
    assert "insurgency" not in after
    assert sum(before.values()) - sum(after.values()) == n_label - not_located
    # In the same view, exactly the insurgency marks went; every other mark is still drawn.
    painted = marks(page)
    assert painted["total"] == sum(after.values())
    assert painted["drawnByLayer"] == {
        k: v for k, v in first["drawnByLayer"].items() if k != "insurgency"
    }
    assert not page.get_by_role("checkbox", name=label).is_checked()
    assert page.get_by_role("checkbox", name=labels["coup-successful"]).is_checked()
    wait_for(
        page,
        lambda: (
            shown_caption(page)
            == caption_text(
                replace(DEFAULT, layers=tuple(lay for lay in DEFAULT.layers if lay != "insurgency"))
            )
        ),
        "the caption",
    )
    wait_for(
        page, lambda: re.search(r"layers=coup-successful(%2C|,)", page.url), "layers in the URL"
    )

    frame = map_frame(page)
    assert frame.evaluate("() => window.__probe") == 1, "the map was reloaded"
    assert map_view(frame) == view
    page.screenshot(path=artifacts / "events-layer-off.png")

    page.locator(SIDEBAR).get_by_text(label, exact=True).click()
    wait_drawn(page, before)
    assert marks(page)["drawnByLayer"] == first["drawnByLayer"]
    assert map_frame(page).evaluate("() => window.__probe") == 1
    assert_offline(offline_page)


def test_since_the_charter_changes_counts_and_marks(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    map_frame(page)
    wait_drawn(page, drawn_expected(DEFAULT))
    before_caption = shown_caption(page)
    assert before_caption == caption_text(DEFAULT)
    for text in label_texts(DEFAULT).values():
        page.locator(SIDEBAR).get_by_text(text, exact=True).wait_for()

    page.get_by_role("button", name="Since the charter (16 Sep 2023)").click()
    new_labels = label_texts(CHARTER)
    assert new_labels["coup-successful"] != label_texts(DEFAULT)["coup-successful"]
    for text in new_labels.values():
        page.locator(SIDEBAR).get_by_text(text, exact=True).wait_for()
    wait_for(page, lambda: shown_caption(page) == caption_text(CHARTER), "the caption")
    assert shown_caption(page) != before_caption
    wait_drawn(page, drawn_expected(CHARTER))
    wait_for(page, lambda: "from=2023-09-16" in page.url, "from in the URL")
    slider = page.locator(SIDEBAR).get_by_text("16 Sep 2023", exact=True)  # reader's format
    slider.first.wait_for()
    page.screenshot(path=artifacts / "events-since-charter.png")
    assert_offline(offline_page)


# --- clicking events ---------------------------------------------------------------------------


def test_clicking_an_event_shows_its_sources(app_url, offline_page, artifacts):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    wait_drawn(page, drawn_expected(DEFAULT))
    assert marks(page)["bubbles"] > 0  # grouped by default
    page.locator(SIDEBAR).get_by_text("Group overlapping events", exact=True).click()
    wait_for(
        page,
        lambda: (lambda m: m and m["cluster"] is False and m["bubbles"] == 0)(marks(page)),
        "no grouping",
    )
    wait_for(page, lambda: "cluster=0" in page.url, "cluster=0 in the URL")
    wait_drawn(page, drawn_expected(DEFAULT))
    frame = map_frame(page)
    frame.evaluate("() => { window.__probe = 1; }")

    # An insurgency event alone under its pixel, well inside the view.
    event = next(
        e
        for e in isolated_events("insurgency")
        if frame.evaluate(
            "([lat, lng]) => window.map.getBounds().pad(-0.1).contains([lat, lng])",
            [e.latitude, e.longitude],
        )
        and frame.evaluate(HITS_AT_JS, [e.latitude, e.longitude]) == ["insurgency"]
    )
    x, y = mouse_at(page, frame, event.latitude, event.longitude)
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    wait_for(
        page,
        lambda: tooltip.count() == 1 and tooltip.inner_text() == "Insurgency events",
        "the tooltip",
    )  # the layer only: the date and the place are in the panel

    page.mouse.click(x, y)
    panel = page.locator(".event-panel")
    panel.wait_for()
    assert panel.get_attribute("data-id") == event.id
    assert event.location in panel.locator("h3").inner_text()
    links = panel.locator('a[href^="http"]')
    assert links.count() >= 1
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == list(event.sources)
    for i in range(links.count()):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert "noopener" in links.nth(i).get_attribute("rel")
    wait_for(
        page,
        lambda: re.search(rf"sel=event(%3A|:){re.escape(event.id)}", page.url),
        "sel in the URL",
    )
    assert page.get_by_text("under this click").count() == 0  # one mark was under it
    assert map_frame(page).evaluate("() => window.__probe") == 1, "the map was reloaded"
    page.screenshot(path=artifacts / "events-click-event.png")

    # (In the browser: under AppTest every rerun after the first goes through
    # ui.ensure_app_shell's st.rerun(), which drops this inline button's click.)
    page.get_by_role("button", name="Clear selection").click()
    wait_for(page, lambda: page.locator(".event-panel").count() == 0, "the panel to go")
    wait_for(page, lambda: "sel=" not in page.url, "sel to leave the URL")
    assert map_frame(page).evaluate("() => window.__probe") == 1, "the map was reloaded"
    assert_offline(offline_page)


def test_the_tooltip_names_the_layer_in_french(app_url, offline_page):
    page = offline_page.page
    page.goto(f"{app_url}/?lang=fr&cluster=0")
    frame = map_frame(page)
    wait_drawn(page, drawn_expected(DEFAULT))
    event = next(
        e
        for e in isolated_events("insurgency")
        if frame.evaluate(
            "([lat, lng]) => window.map.getBounds().pad(-0.1).contains([lat, lng])",
            [e.latitude, e.longitude],
        )
        and frame.evaluate(HITS_AT_JS, [e.latitude, e.longitude]) == ["insurgency"]
    )
    page.mouse.move(*mouse_at(page, frame, event.latitude, event.longitude))
    tooltip = frame.locator(".leaflet-tooltip")
    wait_for(
        page,
        lambda: tooltip.count() == 1 and tooltip.inner_text() == "Violences insurgées",
        "the French tooltip",
    )
    assert_offline(offline_page)


BAMAKO = (12.6091, -7.9752)


def _coincident(lat: float, lng: float):
    pts = located(SHOWN)
    return pts[(pts["latitude"] == lat) & (pts["longitude"] == lng)]


def test_coincident_events_are_each_reachable(app_url, offline_page, artifacts):
    """The Bamako coups share one coordinate with three insurgency events: one click opens
    the top-most (a successful coup, drawn last) and lists the others; each of them is
    then one click away, and its own panel lists the events at the same place."""
    here = _coincident(*BAMAKO)
    coups = here[here["category"] == "coup"]
    assert len(coups) >= 4 and len(here) > len(coups)
    near = events_near(located(SHOWN), *BAMAKO)
    assert len(near) <= 12 + 1  # the lists below are buttons
    page = offline_page.page
    page.goto(app_url)  # grouping on: from CLUSTER_MAX_ZOOM every event is on its own
    frame = map_frame(page)
    wait_drawn(page, drawn_expected(DEFAULT))
    assert frame.evaluate(HITS_AT_JS, list(BAMAKO)) == ["bubble"]  # grouped at this zoom
    painted = set_view(page, frame, *BAMAKO, CLUSTER_MAX_ZOOM)
    assert painted["bubbles"] == 0
    hits = frame.evaluate(HITS_AT_JS, list(BAMAKO))
    assert len(hits) == len(here), hits
    assert hits[0] == "coup-successful"  # coups last (on top), successful coups at the top
    assert hits[-len(here) + len(coups) :] == ["insurgency"] * (len(here) - len(coups))

    x, y = mouse_at(page, frame, *BAMAKO)
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    wait_for(
        page,
        lambda: (
            tooltip.count() == 1
            and tooltip.inner_text() == f"Successful coups · {len(here)} events here"
        ),
        "the tooltip",
    )

    page.mouse.click(x, y)
    panel = page.locator(".event-panel")
    panel.wait_for()
    top = panel.get_attribute("data-id")
    assert top in set(here.query("layer == 'coup-successful'")["id"])
    assert panel.locator('a[href^="http"][target="_blank"]').count() >= 1
    heading = f"{len(here) - 1} other events under this click"
    page.get_by_text(heading, exact=True).wait_for()
    wait_for(
        page, lambda: re.search(rf"sel=event(%3A|:){re.escape(top)}", page.url), "sel in the URL"
    )
    others = here[here["id"] != top]
    for event in others.itertuples():
        page.get_by_role("button", name=chooser_label(event), exact=True).wait_for()
    page.screenshot(path=artifacts / "events-bamako-click.png")

    # Another coup of the list: its panel, and the events at the same place beside it.
    pick = coups[coups["id"] != top].iloc[0]
    page.get_by_role("button", name=chooser_label(pick), exact=True).click()
    page.locator(f'.event-panel[data-id="{pick.id}"]').wait_for()
    wait_for(
        page,
        lambda: re.search(rf"sel=event(%3A|:){re.escape(pick.id)}", page.url),
        "the picked event in the URL",
    )
    page.get_by_text(f"{len(near) - 1} other events at this place", exact=True).wait_for()
    assert page.get_by_text("under this click").count() == 0
    for event in near[near["id"] != pick.id].itertuples():
        page.get_by_role("button", name=chooser_label(event), exact=True).wait_for()

    # And from there an insurgency event of the same spot.
    attack = here[here["layer"] == "insurgency"].iloc[0]
    page.get_by_role("button", name=chooser_label(attack), exact=True).click()
    page.locator(f'.event-panel[data-id="{attack.id}"]').wait_for()
    page.get_by_text(f"{len(near) - 1} other events at this place", exact=True).wait_for()
    page.screenshot(path=artifacts / "events-bamako-pick.png")
    assert_offline(offline_page)


def test_clicking_a_bubble_zooms_in(app_url, offline_page, artifacts):
    """A bubble click zooms in by two on it and selects nothing (no rerun may break the
    page); its tooltip says so."""
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    wait_drawn(page, drawn_expected(DEFAULT))
    first = marks(page)
    assert first["cluster"] is True and first["bubbles"] > 0
    assert first["drawn"] + first["inBubbles"] <= first["total"]
    zoom = map_view(frame)["zoom"]
    assert zoom + 2 <= CLUSTER_MAX_ZOOM
    biggest = frame.evaluate(BUBBLES_JS)[0]
    assert biggest["n"] >= 2
    assert frame.evaluate(HITS_AT_JS, [biggest["lat"], biggest["lng"]]) == ["bubble"]
    x, y = mouse_at(page, frame, biggest["lat"], biggest["lng"])
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    wait_for(
        page,
        lambda: (
            tooltip.count() == 1
            and tooltip.inner_text() == f"{biggest['n']} events: click to zoom in"
        ),
        "the bubble's tooltip",
    )
    try:
        watch_runs(page)
        page.mouse.click(x, y)
        wait_for(
            page,
            lambda: map_view(map_frame(page, timeout=1))["zoom"] == zoom + 2,
            "the zoom-in",
            timeout=15,
        )
        centre = map_view(map_frame(page))
        assert (centre["lat"], centre["lng"]) == pytest.approx(
            (biggest["lat"], biggest["lng"]), abs=0.05
        )
        # The click is sent to the app (last_object_clicked). The app's rerun does not
        # always come (about one run of this file in three, in the full suite): the page is
        # checked once it has settled, with or without that rerun (see the session note).
        assert map_frame(page).evaluate("() => !!window.__GLOBAL_DATA__.last_object_clicked")
        page.wait_for_timeout(1_000)
        wait_for_run(page)
        assert app_error(page) is None
        wait_drawn(page, drawn_expected(DEFAULT))
        assert page.locator(".unit-panel, .event-panel").count() == 0
        assert "sel=" not in page.url
    finally:
        page.screenshot(path=artifacts / "events-bubble-click.png")
    assert_offline(offline_page)


# --- hostile text in another event file --------------------------------------------------------

HOSTILE = (
    '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> '
    "`backtick` ${window.__xss=3} {{ 7*7 }} {% if 1 %}jinja{% endif %}"
)
XSS_ID = "MLI-2024-01-01-XSS"


def _write_hostile_csv(path: Path) -> None:
    with (REPO / "data" / "events" / "events.csv").open(encoding="utf-8", newline="") as fh:
        header = csv.DictReader(fh).fieldnames
    base = dict.fromkeys(header, "")
    hostile = {
        **base,
        "id": XSS_ID,
        "dataset": "curated",
        "date": "2024-01-01",
        "date_precision": "day",
        "category": "insurgency",
        "subtype": "ambush",
        "country_iso3": "MLI",
        "location": f"Place {HOSTILE}",
        "latitude": "20.5",
        "longitude": "-3.5",
        "geo_precision": "1",
        "actors": f"JNIM {HOSTILE}; FAMa",
        "fatalities_low": "3",
        "fatalities_high": "5",
        "summary": f"Summary {HOSTILE}",
        "sources": "javascript:window.__xss=4 https://example.org/report",
        "verified": "true",
    }
    # A second, harmless event on another day (the date slider needs a span).
    benign = {
        **hostile,
        "id": "NER-2023-01-01-OK",
        "date": "2023-01-01",
        "country_iso3": "NER",
        "location": "Niamey",
        "latitude": "13.5137",
        "longitude": "2.1098",
        "actors": "Someone",
        "summary": "Nothing to see.",
        "sources": "https://example.org/ok",
    }
    # A rejected row whose values (echoed in the problem report) are hostile too.
    rejected = {
        **hostile,
        "id": '<img src=x onerror="window.__xss=5">',
        "date": "<script>window.__xss=6</script>",
        "country_iso3": "ZZZ",
    }
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows([hostile, benign, rejected])


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A second `streamlit run` whose events come from a hostile CSV (SAHEL_ATLAS_EVENTS)."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "events.csv"
    _write_hostile_csv(data)
    with streamlit_server(folder / "server.log", env={EVENTS_ENV: str(data)}) as url:
        yield url, data


def assert_nothing_ran(page: object) -> None:
    frame = map_frame(page)
    for where in (page, frame):
        assert where.evaluate("() => typeof window.__xss") == "undefined"
        assert where.locator('img[src="x"]').count() == 0
        assert where.locator('a[href^="javascript"]').count() == 0


def test_hostile_text_is_shown_as_text(hostile_app, offline_page, artifacts):
    url, data = hostile_app
    loaded = load_events(data)
    assert list(loaded.events["id"]) == [XSS_ID, "NER-2023-01-01-OK"]
    region = loaded.events.set_index("id").loc[XSS_ID, "admin1_id"]
    assert region

    page = offline_page.page
    page.goto(f"{url}/?sel=event:{XSS_ID}")
    frame = map_frame(page)
    panel = page.locator(".event-panel")
    panel.wait_for()
    assert panel.get_attribute("data-id") == XSS_ID
    text = panel.inner_text()
    assert "<img src=x onerror=" in text
    assert "<script>window.__xss=2</script>" in text
    assert "`backtick` ${window.__xss=3}" in text
    assert "{{ 7*7 }} {% if 1 %}jinja{% endif %}" in text  # never run as a template
    assert text.count("<img src=x onerror=") == 4  # title, place, actor, summary
    assert panel.locator("script, img").count() == 0
    links = panel.locator("a")
    assert links.count() == 1
    assert links.first.get_attribute("href") == "https://example.org/report"
    assert links.first.get_attribute("target") == "_blank"
    assert "javascript:" not in text  # dropped by the loader, reported below
    assert_nothing_ran(page)

    # The tooltip: the layer's label only (the event's text is in the panel), as text.
    wait_drawn(page, {"insurgency": 2})
    assert frame.evaluate(HITS_AT_JS, [20.5, -3.5]) == ["insurgency"]
    x, y = mouse_at(page, frame, 20.5, -3.5)
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    wait_for(
        page,
        lambda: tooltip.count() == 1 and tooltip.inner_text() == "Insurgency events",
        "the tooltip",
    )
    assert tooltip.locator("img, script").count() == 0
    watch_runs(page)
    page.mouse.click(x, y)
    wait_for_runs(page)  # the rerun the click causes
    assert panel.get_attribute("data-id") == XSS_ID
    assert_nothing_ran(page)
    page.screenshot(path=artifacts / "events-hostile-panel.png")

    # The report of rejected rows and dropped URLs: a data grid, nothing executed.
    report = page.get_by_text(re.compile(r"\d+ rows? rejected \("))
    report.click()
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    grid.hover()
    page.wait_for_timeout(1000)
    assert_nothing_ran(page)
    # The table itself, not an error in its place (its reasons once failed to convert).
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=artifacts / "events-hostile-report.png")
    reasons = {p.reason for p in loaded.problems}
    assert "dropped URL that is not http or https: 'javascript:window.__xss=4'" in reasons
    assert any("__xss=6" in r for r in reasons)

    # The region panel lists the event on a button whose label is the same text.
    page.goto(f"{url}/?sel=admin1:{region}")
    map_frame(page)
    page.locator(".unit-panel").wait_for()
    button = page.get_by_role("button", name=re.compile(re.escape("<img src=x onerror=")))
    button.wait_for()
    assert "<script>window.__xss=2</script>" in button.inner_text()
    assert_nothing_ran(page)
    button.click()
    wait_for(page, lambda: page.locator(".event-panel").count() == 1, "the event panel")
    assert_nothing_ran(page)
    page.screenshot(path=artifacts / "events-hostile-region.png")
    assert_offline(offline_page)


# --- the URL reproduces the view ---------------------------------------------------------------


def _view_state(page: object, marker: str, markers: dict[str, int]) -> dict:
    page.locator(marker).wait_for()
    wait_drawn(page, markers)
    return {
        "checkboxes": sidebar_checkboxes(page),
        "caption": shown_caption(page),
        "panel": panel_column_text(page, marker),
        "markers": drawn(page),
    }


def _reopen(
    browser: object, url: str, marker: str, markers: dict[str, int], artifacts: Path, name: str
) -> dict:
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        fresh = OfflinePage(page)
        page.goto(url)
        map_frame(page)
        state = _view_state(page, marker, markers)
        page.screenshot(path=artifacts / name)
        assert_offline(fresh)
        return state
    finally:
        context.close()


def test_url_reproduces_the_view(app_url, offline_page, browser, artifacts):
    page = offline_page.page
    page.goto(app_url)
    frame = map_frame(page)
    view = replace(CHARTER, layers=tuple(lay for lay in DEFAULT.layers if lay != "state-violence"))

    page.locator(SIDEBAR).get_by_text(label_texts(DEFAULT)["state-violence"], exact=True).click()
    wait_for(page, lambda: "layers=" in page.url, "layers in the URL")
    page.get_by_role("button", name="Since the charter (16 Sep 2023)").click()
    wait_for(page, lambda: "from=2023-09-16" in page.url, "from in the URL")
    wait_drawn(page, drawn_expected(view))

    click_lat_lng(page, frame, *_inside("ML-7"))  # Gao
    page.locator('.unit-panel[data-id="ML-7"]').wait_for()
    wait_for(page, lambda: re.search(r"sel=admin1(%3A|:)ML-7", page.url), "sel in the URL")
    stats = region_stats(apply_filter(EVENTS, view), "ML-7")
    line = translate(
        "region_events_count",
        "en",
        count=stats.events,
        low=f"{stats.fatalities_low:,}",
        high=f"{stats.fatalities_high:,}",
    )
    page.get_by_text(line, exact=False).wait_for()
    markers = drawn_expected(view)
    region_state = _view_state(page, ".unit-panel", markers)
    assert region_state["caption"] == caption_text(view)
    page.screenshot(path=artifacts / "events-url-before.png")
    assert (
        _reopen(browser, page.url, ".unit-panel", markers, artifacts, "events-url-after.png")
        == region_state
    )

    # Then an event picked from the region's list.
    assert stats.events >= 1
    here = apply_filter(EVENTS, view).query("admin1_id == 'ML-7'").sort_values("date")
    event = here.iloc[-1]
    page.get_by_role("button", name=re.compile(re.escape(str(event["location"])))).click()
    page.locator(f'.event-panel[data-id="{event["id"]}"]').wait_for()
    wait_for(
        page,
        lambda: re.search(rf"sel=event(%3A|:){re.escape(event['id'])}", page.url),
        "the event in the URL",
    )
    event_state = _view_state(page, ".event-panel", markers)
    assert (
        _reopen(browser, page.url, ".event-panel", markers, artifacts, "events-url-event-after.png")
        == event_state
    )
    assert_offline(offline_page)
