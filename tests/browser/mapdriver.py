"""Helpers to drive the Leaflet map inside the streamlit-folium iframe."""

from __future__ import annotations

import time

MAP_FRAME = "streamlit_folium.st_folium"


def map_frame(page: object, timeout: float = 60.0) -> object:
    """The iframe of the map once Leaflet has drawn features in it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in reversed(page.frames):  # the newest map first (a rerun may replace it)
            if MAP_FRAME in frame.url and not frame.is_detached():
                try:
                    ready = frame.evaluate(
                        "() => !!(window.map && document.querySelector('.leaflet-pane canvas,"
                        " .leaflet-interactive'))"
                    )
                except Exception:  # noqa: BLE001 - frame still loading
                    ready = False
                if ready:
                    _settle(page, frame)
                    return frame
        # Not time.sleep: Playwright's sync API dispatches route handlers only while
        # one of its own calls is waiting.
        page.wait_for_timeout(250)
    raise AssertionError("the map never rendered")


def _settle(page: object, frame: object, polls: int = 80) -> None:
    """Once drawn, the map writes its view (centre, zoom) to the URL from the browser
    (mapbuild.KeepViewInAddress). Wait (about 20 s at most, polling the condition) until
    the URL holds the view the map shows and no run is pending, so that a test starts from
    a known state."""
    from urllib.parse import parse_qs, urlparse

    from geo.model.selection import parse_view

    for _ in range(polls):
        try:
            shown = map_view(frame)
        except Exception:  # noqa: BLE001 - replaced by a newer map: the caller looks again
            return
        raw = parse_qs(urlparse(page.url).query).get("view", [""])[0]
        view = parse_view(raw)
        if (
            view
            and abs(view[0] - shown["lat"]) < 1e-4
            and abs(view[1] - shown["lng"]) < 1e-4
            and view[2] == shown["zoom"]
        ):
            page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
                state="attached", timeout=60_000
            )
            return
        page.wait_for_timeout(250)


def map_view(frame: object) -> dict:
    return frame.evaluate(
        "() => ({zoom: window.map.getZoom(), lat: window.map.getCenter().lat,"
        " lng: window.map.getCenter().lng})"
    )


def click_lat_lng(page: object, frame: object, lat: float, lng: float) -> None:
    """Click the page where the map shows (lat, lng)."""
    point = frame.evaluate(
        "([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
        " const r = document.getElementById('map_div').getBoundingClientRect();"
        " return {x: p.x + r.left, y: p.y + r.top}; }",
        [lat, lng],
    )
    box = frame.frame_element().bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def leaflet_layer_count(frame: object) -> int:
    return frame.evaluate("() => Object.keys(window.map._layers).length")


def wait_for_run(page: object, timeout_ms: float = 60_000) -> None:
    """Wait until the app's script run has finished (call it once the run has visibly
    started, e.g. after waiting for something that run draws)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=timeout_ms
    )


_WATCH_RUNS_JS = """() => {
  window.__finishedRuns = 0;
  const app = document.querySelector('[data-testid="stApp"]');
  let last = app.getAttribute('data-test-script-state');
  new MutationObserver(() => {
    const now = app.getAttribute('data-test-script-state');
    if (now === 'notRunning' && last !== 'notRunning') window.__finishedRuns += 1;
    last = now;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def watch_runs(page: object) -> None:
    """Count the app's finished script runs from now on (see :func:`wait_for_runs`); call it
    just before the action that causes a rerun."""
    page.evaluate(_WATCH_RUNS_JS)


def wait_for_runs(page: object, count: int = 1, timeout_ms: float = 60_000) -> None:
    """Wait until ``count`` script runs have finished since :func:`watch_runs`."""
    page.wait_for_function(f"() => window.__finishedRuns >= {count}", timeout=timeout_ms)
