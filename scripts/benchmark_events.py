"""Benchmark of the event layers: payload, server time, browser time, and the real app.

Not a test: a script anyone can run and read. It prints tables and writes every figure to
``artifacts/benchmark_events.json`` (git-ignored)::

    .venv/bin/python scripts/benchmark_events.py
    .venv/bin/python scripts/benchmark_events.py --sizes 1000 10000 50000 --naive-sizes 1000 10000
    .venv/bin/python scripts/benchmark_events.py --sizes 1000 --no-browser --no-app  # server
    .venv/bin/python scripts/benchmark_events.py --no-app                   # skip part (d)

Events come from ``scripts/synthetic_events.py`` (uniform in Mali, Burkina Faso and Niger,
2012 to today). For each size N:

(a) **payload**: bytes of the feature-group JavaScript that streamlit-folium sends to the
    browser for the event layers (``streamlit_folium._get_feature_group_string``; above
    ``geo.aggregate.POINT_LIMIT`` events also for the aggregated grid layer the map page
    draws instead), and the same string JSON-encoded as in the component's arguments;
(b) **server**: median over ``--repeats`` runs of ``apply_filter`` with a date-range filter
    (2015-01-01 .. today), of building the layers (``geo.eventlayers.event_layer_group``),
    and of rendering them to that JavaScript string;
(c) **browser**: a standalone page (``geo.mapbuild.offline_map()`` plus the event layers,
    Leaflet and MarkerCluster from the local ``static/vendor`` copies served by a tiny
    ``http.server`` on 127.0.0.1) opened in Chromium via Playwright; times from navigation
    to "base map ready", to "all event layers added" (a ``performance.now()`` mark in a
    script after the layers), to "all markers in place" (MarkerCluster's chunked loading
    has finished) and to the first paint after that (``requestAnimationFrame`` then
    ``setTimeout 0``); median over ``--browser-repeats`` loads; clustering on and off.

The naive approach (one folium ``CircleMarker`` with its own tooltip per event,
``geo.eventlayers.naive_marker_group``) is measured the same way for ``--naive-sizes`` and
the ratios naive / ours are printed.

(d) **end to end** in the real app, at ``--app-size`` events (default 50 000): writes a CSV,
    starts ``streamlit run dashboard.py`` with ``SAHEL_ATLAS_EVENTS=<csv>`` on a free
    loopback port, opens it in Chromium (requests to anything but loopback are aborted),
    waits for the map, sets ``window.__probe = 1`` in the map iframe and toggles sidebar
    checkboxes ("Insurgency events", "Group overlapping events"); above
    ``geo.aggregate.POINT_LIMIT`` located events the page draws grid cells instead of events,
    so the expected item count is the number of cells there. For each change it times,
    from the click: the websocket message carrying the map (the server's rerun and the
    transfer), the render event reaching the map iframe, the start and end of
    streamlit-folium's ``eval`` of the new layers, the event-marker count changing and
    reaching its expected value, and the next paint; it checks that the probe survived (the
    base map was not reloaded) and records the JS heap and how many feature groups
    ``window.feature_group`` still holds. Target: under 2 s from click to painted map.
    Three passes, each on a fresh page: "as-is"; "fixed", emulating fixes of two problems
    found here (see ``APP_PASSES``: streamlit-folium's retained feature groups, and
    MarkerCluster missing when the page opens on the aggregated view); and the same under the Chrome
    DevTools CPU profiler, self time summed by component (Leaflet canvas drawing, Leaflet
    layer creation, MarkerCluster, streamlit-folium, Streamlit's frontend, garbage
    collection, ...). The server side: the app's own reruns for the same changes are run
    in-process with Streamlit's ``AppTest`` and profiled with cProfile (wall time and
    cumulative time of the big steps), and one rerun is replayed step by step (including
    Streamlit's message hashing and serialisation). ``--no-app`` skips all of (d).

What-ifs, measured on the standalone pages and labelled as such (they change the generated
JavaScript, not the app): ``render*`` = the same layer JavaScript without
``FeatureGroup.render()`` (which used to compile the rendered output as a Jinja template;
since ``geo.foliumsafe`` it no longer does, so render and render* should now be close);
``plain-1tip`` = one
tooltip per layer instead of one per feature; and, at the largest size, filtering in the
browser on markers already loaded (hide a layer, drop events before 2020).

Figures depend on the machine and on whatever else runs on it: on a shared 2-core machine
run it when it is otherwise idle, and compare runs, not single numbers.

Every wait has a timeout; the HTTP server, Streamlit and Chromium are stopped on exit.
Chromium: ``/usr/bin/chromium`` (``CHROMIUM_PATH`` overrides).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import http.server
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date as Date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import folium  # noqa: E402
import pandas as pd  # noqa: E402
from streamlit_folium import (  # noqa: E402
    _get_feature_group_string,
    _get_header,
    _get_html,
    _get_map_string,
    generate_js_hash,
    generate_leaflet_string,
    get_full_id,
)

from geo import aggregate, assets, eventlayers, mapbuild  # noqa: E402
from geo.boundaries import load_admin1, load_bfa_provinces, load_countries  # noqa: E402
from geo.events import LAYERS, load_events  # noqa: E402
from geo.filters import EventFilter, apply_filter, layer_counts  # noqa: E402
from scripts.synthetic_events import make_events, write_csv  # noqa: E402
from tests.browser.server import is_loopback, streamlit_server  # noqa: E402

ARTIFACTS = REPO / "artifacts"
RESULT_FILE = ARTIFACTS / "benchmark_events.json"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
    "--no-first-run", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 950}
TARGET_MS = 2000.0
FILTER_FROM = Date(2015, 1, 1)
PAGE_TIMEOUT_MS = 180_000
STEP_TIMEOUT_S = 90.0
APP_START_TIMEOUT_S = 120.0
APP_MAP_TIMEOUT_S = 300.0
INSURGENCY_LABEL = re.compile(r"^Insurgency events \(")
CLUSTER_LABEL = "Group overlapping events"
# Part (d): the changes made in each pass (label, text clicked, insurgency hidden after).
# Every change alters what the map shows (streamlit-folium skips an unchanged layer string),
# and the pass ends where it started (all layers, clustering on).
APP_PLAN: tuple[tuple[str, str | re.Pattern, bool], ...] = (
    ("insurgency off (cluster on)", INSURGENCY_LABEL, True),
    ("cluster off (insurgency off)", CLUSTER_LABEL, True),
    ("insurgency on (cluster off)", INSURGENCY_LABEL, False),
    ("insurgency off (cluster off)", INSURGENCY_LABEL, True),
    ("cluster on (insurgency off)", CLUSTER_LABEL, True),
    ("insurgency on (cluster on)", INSURGENCY_LABEL, False),
)
# (name, emulate fixes, CPU-profile each change). "as-is" is the app as it is. "fixed"
# emulates fixes of two problems this benchmark found: it drops, after each change, the
# feature groups streamlit-folium keeps in window.feature_group after removing them from the
# map (a leak), and loads MarkerCluster into the map iframe when the page opened without it
# (aggregated view first: streamlit-folium loads JS only once, so clustered points later fail
# with "L.markerClusterGroup is not a function").
APP_PASSES: tuple[tuple[str, bool, bool], ...] = (
    ("as-is", False, False), ("fixed", True, False), ("fixed+prof", True, True),
)

# --- JavaScript shared by the standalone pages and the app ----------------------------------

# Map items in a list of feature groups: GeoJSON features whose properties.kind is "event"
# or "cell" (the app's aggregated grid above geo.aggregate.POINT_LIMIT events), plus every
# marker held (or still queued) by a MarkerCluster group. With ``bare`` true, any other
# CircleMarker counts too (the naive layer has no feature).
COUNT_JS = """
function __evCount(groups, map, bare) {
  var n = 0;
  function visit(l) {
    if (L.MarkerClusterGroup && l instanceof L.MarkerClusterGroup) {
      n += (l._topClusterLevel ? l._topClusterLevel._childCount : 0)
        + (l._needsClustering ? l._needsClustering.length : 0);
      return;
    }
    if (l.feature && l.feature.properties
        && (l.feature.properties.kind === 'event' || l.feature.properties.kind === 'cell')) {
      n += 1; return;
    }
    if (l instanceof L.LayerGroup) { l.eachLayer(visit); return; }
    if (bare && l instanceof L.CircleMarker) { n += 1; }
  }
  (groups || []).forEach(function (g) { if (!map || map.hasLayer(g)) { visit(g); } });
  return n;
}
"""

PAGE_BEFORE_LAYERS = """<script>
window.map = {map_var}; var map_div = {map_var};
window.__bench = {{expected: {expected}, bare: {bare}}};
window.__bench.fgStart = performance.now();
</script>
"""

PAGE_AFTER_LAYERS = """<script>
(function () {{
  {count_js}
  window.__evCount = __evCount;
  var b = window.__bench;
  b.layersAdded = performance.now();
  function done() {{
    b.ready = performance.now();
    b.count = __evCount(window.feature_group, window.map, b.bare);
    requestAnimationFrame(function () {{
      setTimeout(function () {{ b.painted = performance.now(); }}, 0);
    }});
  }}
  function poll() {{
    if (__evCount(window.feature_group, window.map, b.bare) >= b.expected) {{ done(); }}
    else {{ requestAnimationFrame(poll); }}
  }}
  poll();
}})();
</script>
"""

# Top frame of the app only: time and size of every websocket message, time of clicks.
APP_INIT_JS = """
(() => {
  if (window !== window.top) { return; }
  const abs = () => performance.timeOrigin + performance.now();
  window.__ws = [];
  window.__clicks = [];
  const Native = window.WebSocket;
  class Timed extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        const n = typeof d === 'string' ? d.length : (d.byteLength || d.size || 0);
        window.__ws.push([abs(), n]);
      });
    }
  }
  window.WebSocket = Timed;
  document.addEventListener('click', () => window.__clicks.push(abs()), true);
})();
"""

# Map iframe: probe, event counter, timestamps of the render event, of streamlit-folium
# removing the old groups (forEach) and pushing the new ones (push, at the end of eval).
# The app's layers start with ``window.feature_group = []`` (geo.mapbuild
# .ForgetOldFeatureGroups), so the list is watched through a property: every new list is
# hooked when it is assigned, before the new groups are pushed into it.
FRAME_SETUP_JS = """
() => {
  const abs = () => performance.timeOrigin + performance.now();
  window.__probe = 1;
  __COUNT_JS__
  window.__evCount = __evCount;
  const push = Array.prototype.push, each = Array.prototype.forEach;
  function hook(a) {
    if (!a || a.__timed) { return a; }
    a.__timed = true;
    a.push = function () {
      const w = window.__watch; if (w && w.armed) { w.lastPush = abs(); }
      return push.apply(this, arguments);
    };
    a.forEach = function () {
      const w = window.__watch; if (w && w.armed && !w.swapStart) { w.swapStart = abs(); }
      return each.apply(this, arguments);
    };
    return a;
  }
  if (!window.__fgWatched) {
    window.__fgWatched = true;
    let current = hook(window.feature_group || []);
    Object.defineProperty(window, 'feature_group', {
      configurable: true, get() { return current; }, set(v) { current = hook(v); }});
    // The component library turns the render message into a CustomEvent dispatched on
    // its own EventTarget; this hook sees it before the library's handler runs.
    const dispatch = EventTarget.prototype.dispatchEvent;
    EventTarget.prototype.dispatchEvent = function (ev) {
      const w = window.__watch;
      if (w && w.armed && ev && ev.type === 'streamlit:render') {
        w.renders = (w.renders || 0) + 1; if (!w.render) { w.render = abs(); }
      }
      return dispatch.call(this, ev);
    };
  }
  window.__arm = function (expected) {
    const before = __evCount(window.feature_group, window.map, false);
    const list = window.feature_group;
    const w = window.__watch = {armed: abs(), expected: expected, before: before,
                                fgLen: list.length};
    function tick() {
      if (window.__watch !== w) { return; }
      const now = window.feature_group;
      if (!w.swapped && (now !== list || now.length > w.fgLen)) { w.swapped = abs(); }
      if (w.swapped) {
        const c = __evCount(window.feature_group, window.map, false);
        if (c !== before && !w.changed) { w.changed = abs(); }
        w.count = c;
        if (c === expected) {
          w.ready = abs();
          requestAnimationFrame(() => setTimeout(() => { w.painted = abs(); }, 0));
          return;
        }
      }
      requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
    return before;
  };
  return __evCount(window.feature_group, window.map, false);
}
""".replace("__COUNT_JS__", COUNT_JS)


# Keep only the feature groups that are on the map (streamlit-folium never empties the array).
RELEASE_GROUPS_JS = """
() => {
  window.__watch = null;
  const a = window.feature_group || [];
  const keep = a.filter((g) => window.map.hasLayer(g));
  a.length = 0;
  Array.prototype.push.apply(a, keep);
  return a.length;
}
"""


# --- helpers ------------------------------------------------------------------------------

def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ms(seconds: float) -> float:
    return round(seconds * 1000.0, 1)


def date_filter() -> EventFilter:
    """The filter of part (b): a date range, everything else open."""
    return EventFilter(date_from=FILTER_FROM, date_to=Date.today())


def located(events: pd.DataFrame) -> int:
    return int((events["latitude"].notna() & events["longitude"].notna()).sum())


def build_group(events: pd.DataFrame, kind: str) -> folium.FeatureGroup:
    if kind == "naive":
        return eventlayers.naive_marker_group(events)
    if kind == "aggregate":
        return aggregate.aggregate_layer(events)
    return eventlayers.event_layer_group(events, LAYERS, cluster=(kind == "cluster"))


# --- (a) + (b): payload and server time -------------------------------------------------------

def measure_server(events: pd.DataFrame, kind: str, repeats: int) -> tuple[dict, str]:
    """Median filter / build / render times and the payload of one kind of layer."""
    f = date_filter()
    times: dict[str, list[float]] = {"filter": [], "build": [], "render": []}
    js = ""
    for _ in range(repeats):
        gc.collect()
        base = mapbuild.offline_map()
        t0 = time.perf_counter()
        filtered = apply_filter(events, f)
        t1 = time.perf_counter()
        group = build_group(filtered, kind)
        t2 = time.perf_counter()
        js = _get_feature_group_string(group, map=base, idx=0)
        t3 = time.perf_counter()
        times["filter"].append(t1 - t0)
        times["build"].append(t2 - t1)
        times["render"].append(t3 - t2)
        if kind != "naive":
            # What-if: the same JavaScript without FeatureGroup.render(), whose only costly
            # effect is branca compiling every rendered script (data included) as a Jinja
            # template; generate_leaflet_string renders the scripts anyway.
            group = build_group(filtered, kind)
            base = mapbuild.offline_map()
            t4 = time.perf_counter()
            group._id = "feature_group_0"
            group.add_to(base)
            generate_leaflet_string(group, base_id="feature_group_0")
            times.setdefault("render_nocompile", []).append(time.perf_counter() - t4)
    shown = (len(aggregate.grid_counts(filtered)) if kind == "aggregate"
             else located(filtered))
    row = {
        "kind": kind, "n": len(events), "shown": shown,
        "payload_bytes": len(js.encode("utf-8")),
        "payload_json_bytes": len(json.dumps(js).encode("utf-8")),
        "filter_ms": ms(median(times["filter"])),
        "build_ms": ms(median(times["build"])),
        "render_ms": ms(median(times["render"])),
        "render_nocompile_ms": (ms(median(times["render_nocompile"]))
                                if "render_nocompile" in times else None),
    }
    row["server_ms"] = round(row["filter_ms"] + row["build_ms"] + row["render_ms"], 1)
    return row, js


# --- (c): browser time on a standalone page -------------------------------------------------

_GEOJSON_VAR = re.compile(r"var (geo_json_\w+) = L\.geoJson\(")
_FEATURE_TOOLTIP = re.compile(r"layer\.bindTooltip\(function \(\) \{.*?\}, \{sticky: true\}\);",
                              re.DOTALL)
GROUP_TOOLTIP_JS = (
    "{var}.bindTooltip(function (l) {{ var el = document.createElement('span');"
    " el.textContent = l.feature.properties.t; return el; }}, {{sticky: true}});\n")


def what_if_group_tooltips(js: str) -> str:
    """What-if: one tooltip per GeoJSON layer (content from the hovered marker), not one
    ``bindTooltip`` per feature."""
    names = _GEOJSON_VAR.findall(js)
    return (_FEATURE_TOOLTIP.sub("", js)
            + "".join(GROUP_TOOLTIP_JS.format(var=name) for name in names))


WHAT_IFS: dict[str, tuple[str, Callable[[str], str]]] = {
    "plain-1tip": ("plain", what_if_group_tooltips),
}

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free loopback port in a thread; yield the base URL."""
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def page_root() -> Path:
    """A temp folder serving the repo's static/ at /app/static/ and pages at /bench/."""
    assets.install_vendor_assets()
    root = Path(tempfile.mkdtemp(prefix="sahel-bench-"))
    (root / "app").mkdir()
    (root / "app" / "static").symlink_to(REPO / "static", target_is_directory=True)
    (root / "bench").mkdir()
    return root


def standalone_page(group_js: str, expected: int, bare: bool) -> str:
    """Offline map + MarkerCluster assets + the layers' JS + timing marks, as one page."""
    fmap = mapbuild.offline_map()
    page = fmap.get_root().render()
    links = "".join(f'<link rel="stylesheet" href="{href}"/>'
                    for _, href in assets.MARKERCLUSTER_CSS)
    links += "".join(f'<script src="{src}"></script>' for _, src in assets.MARKERCLUSTER_JS)
    page = page.replace("</head>", links + "</head>", 1)
    before = PAGE_BEFORE_LAYERS.format(map_var=get_full_id(fmap), expected=expected,
                                       bare="true" if bare else "false")
    layers = "<script>\n" + group_js.replace("</", "<\\/") + "\n</script>\n" if group_js else ""
    after = PAGE_AFTER_LAYERS.format(count_js=COUNT_JS)
    cut = page.rindex("</html>")
    return page[:cut] + before + layers + after + page[cut:]


def measure_page(browser: Any, url: str, repeats: int) -> dict:
    """Median marks (ms from navigation) over ``repeats`` fresh loads of one page."""
    marks: dict[str, list[float]] = {k: [] for k in ("fgStart", "layersAdded", "ready",
                                                    "painted")}
    count = None
    error = None
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.route(lambda u: not is_loopback(u), lambda route: route.abort())
        for _ in range(repeats):
            page = context.new_page()
            try:
                page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
                page.wait_for_function("() => window.__bench && window.__bench.painted",
                                       timeout=PAGE_TIMEOUT_MS, polling=50)
                bench = page.evaluate("() => window.__bench")
                for key in marks:
                    marks[key].append(bench.get(key))
                count = bench.get("count")
            except Exception as exc:  # noqa: BLE001 - report, keep going
                error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
            finally:
                page.close()
    finally:
        context.close()
    out = {f"{k}_ms": (round(median(v), 1) if median(v) is not None else None)
           for k, v in marks.items()}
    out["markers"] = count
    if out["painted_ms"] is not None and out["fgStart_ms"] is not None:
        out["events_ms"] = round(out["painted_ms"] - out["fgStart_ms"], 1)
    if error:
        out["error"] = error
    return out


# What-if: the filter applied in the browser to markers already there (no rerun, no new
# payload). Plain layers: hide/show the insurgency GeoJSON layer; remove/restore the markers
# dated before 2020. Clustered: clear the MarkerCluster group and add the kept markers.
CLIENT_FILTER_JS = """
async (clustered) => {
  const now = () => performance.now();
  const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const fg = window.feature_group[window.feature_group.length - 1];
  const out = {};
  const isIns = (m) => m.feature.properties.layer === 'insurgency';
  const early = (m) => m.feature.properties.t < '2020';
  async function timed(name, fn, expected) {
    const t = now();
    fn();
    out[name + '_js'] = Math.round(now() - t);
    while (expected !== undefined
           && window.__evCount([fg], window.map, false) !== expected) { await painted(); }
    await painted();
    out[name] = Math.round(now() - t);
  }
  if (!clustered) {
    const geo = fg.getLayers();
    const ins = geo.filter((g) => g.getLayers().length && isIns(g.getLayers()[0]));
    await timed('layer_off', () => ins.forEach((g) => fg.removeLayer(g)));
    await timed('layer_on', () => ins.forEach((g) => fg.addLayer(g)));
    const gone = [];
    geo.forEach((g) => g.eachLayer((m) => { if (early(m)) { gone.push([g, m]); } }));
    await timed('date_from_2020', () => gone.forEach(([g, m]) => g.removeLayer(m)));
    await timed('date_all', () => gone.forEach(([g, m]) => g.addLayer(m)));
  } else {
    const cluster = fg.getLayers()[0];
    const all = cluster.getLayers();
    const keep = all.filter((m) => !isIns(m));
    const recent = all.filter((m) => !early(m));
    const reset = (ms) => () => { cluster.clearLayers(); cluster.addLayers(ms); };
    await timed('layer_off', reset(keep), keep.length);
    await timed('layer_on', reset(all), all.length);
    await timed('date_from_2020', reset(recent), recent.length);
    await timed('date_all', reset(all), all.length);
  }
  return out;
}
"""


def measure_client_filter(browser: Any, url: str, clustered: bool) -> dict:
    """Times (ms) of filtering in the browser on a loaded standalone page (one load)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.route(lambda u: not is_loopback(u), lambda route: route.abort())
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function("() => window.__bench && window.__bench.painted",
                               timeout=PAGE_TIMEOUT_MS, polling=50)
        page.wait_for_timeout(500)
        return page.evaluate(CLIENT_FILTER_JS, clustered)
    except Exception as exc:  # noqa: BLE001 - report, keep going
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    finally:
        context.close()


def launch_browser(pw: Any, extra_args: list[str] | None = None) -> Any:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        raise RuntimeError(f"Chromium not found at {CHROMIUM}")
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + (extra_args or []),
                              timeout=60_000)


# --- (d): the real app ------------------------------------------------------------------------

@contextlib.contextmanager
def streamlit_app(csv: Path, log: Path) -> Iterator[str]:
    """``streamlit run dashboard.py`` on the synthetic CSV; yield its URL; stop it after."""
    store = log.parent / "store"  # an empty store: no imported events from elsewhere
    store.mkdir(exist_ok=True)
    env = {"SAHEL_ATLAS_EVENTS": str(csv), "SAHEL_ATLAS_DATA_DIR": str(store)}
    with streamlit_server(log, env=env, timeout_s=APP_START_TIMEOUT_S) as url:
        yield url


def find_map_frame(page: Any, timeout: float) -> Any:
    from tests.browser.mapdriver import map_frame

    return map_frame(page, timeout=timeout)


def wait_until(page: Any, check: Callable[[], Any], timeout: float, step_ms: int = 100) -> Any:
    """Poll ``check`` (Playwright-friendly waits) until truthy; None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            value = check()
            if value:
                return value
        page.wait_for_timeout(step_ms)
    return None


def summarise_profile(profile: dict, top: int = 12) -> dict:
    """Self time (ms) by component and the top functions of a CDP CPU profile."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    self_us: dict[int, float] = {}
    samples, deltas = profile.get("samples", []), profile.get("timeDeltas", [])
    for i, node_id in enumerate(samples):
        # timeDeltas[i + 1] is the time until the next sample: the time spent in sample i.
        dt = deltas[i + 1] if i + 1 < len(deltas) else 0
        self_us[node_id] = self_us.get(node_id, 0.0) + max(dt, 0)
    draw = {"_draw", "_redraw", "_updateCircle", "_updatePath", "_fillStroke", "_clear",
            "_updatePaths", "_drawLast", "_updateStyle", "_requestRedraw", "_extendRedrawBounds",
            "_project", "_update", "_reset", "_onZoomEnd", "_onMoveEnd"}

    def component(frame: dict) -> str:
        url, name = frame.get("url", ""), frame.get("functionName", "")
        if "markercluster" in url:
            return "MarkerCluster"
        if "/leaflet/leaflet" in url:
            return "Leaflet canvas draw" if name in draw else "Leaflet layers (create/add)"
        if "streamlit_folium" in url or "/component/" in url:
            return "streamlit-folium frontend"
        if "jquery" in url:
            return "jQuery"
        if "/static/js/" in url:
            return "Streamlit frontend (protobuf, React)"
        if not url:
            if name in ("(garbage collector)", "(program)", "(idle)", "(root)"):
                return name
            return "eval'd layer JS / builtins"
        return Path(urlparse(url).path).name or url

    by_component: dict[str, float] = {}
    by_function: dict[tuple[str, str], float] = {}
    for node_id, us in self_us.items():
        frame = nodes[node_id]["callFrame"]
        comp = component(frame)
        by_component[comp] = by_component.get(comp, 0.0) + us
        key = (frame.get("functionName") or "(anonymous)",
               Path(urlparse(frame.get("url", "")).path).name or "-")
        by_function[key] = by_function.get(key, 0.0) + us
    busy = sum(v for k, v in by_component.items() if k != "(idle)")
    return {
        "busy_ms": round(busy / 1000, 1),
        "by_component_ms": {k: round(v / 1000, 1) for k, v in
                            sorted(by_component.items(), key=lambda kv: -kv[1])},
        "top_functions_ms": [{"function": f, "file": u, "self_ms": round(v / 1000, 1)}
                             for (f, u), v in sorted(by_function.items(),
                                                     key=lambda kv: -kv[1])[:top]],
    }


def app_step(page: Any, frame: Any, label: str, click: Callable[[], None], expected: int,
             cdp: Any | None, errors: list[str]) -> dict:
    """Arm the watchers, click, wait for the painted map; return timings from the click.

    Gives up early when the page reports a JavaScript error after the click.
    """
    page.evaluate("() => { window.__clicks = []; }")
    before = frame.evaluate("(e) => window.__arm(e)", expected)
    ws_start = page.evaluate("() => window.__ws.length")
    errors_before = len(errors)
    if cdp is not None:
        cdp.send("Profiler.start")
    click()
    first_error: list[float] = []

    def done() -> dict | None:
        watch = frame.evaluate(
            "() => window.__watch && window.__watch.painted ? window.__watch : null")
        if watch:
            return watch
        if len(errors) > errors_before:  # give up 2 s after a page error
            first_error[:] = first_error or [time.monotonic()]
            if time.monotonic() - first_error[0] > 2.0:
                return {"gave_up": True}
        return None

    watch = wait_until(page, done, STEP_TIMEOUT_S)
    if watch and watch.get("gave_up"):
        watch = None
    profile = cdp.send("Profiler.stop")["profile"] if cdp is not None else None
    # Let the rerun finish (later websocket messages) before reading the message log.
    page.wait_for_timeout(300)
    clicks = page.evaluate("() => window.__clicks")
    messages = page.evaluate("(i) => window.__ws.slice(i)", ws_start)
    row: dict[str, Any] = {"step": label, "expected": expected, "before": before}
    probe = None
    with contextlib.suppress(Exception):
        probe = frame.evaluate("() => window.__probe === 1")
    row["probe_survived"] = bool(probe)
    new_errors = errors[errors_before:]
    if new_errors:
        row["page_errors"] = new_errors
    if not clicks or watch is None:
        row["error"] = ("no click recorded" if not clicks else
                        f"page error: {new_errors[0]}" if new_errors else
                        "map never reached the count")
        with contextlib.suppress(Exception):
            row["watch"] = frame.evaluate("() => window.__watch")
        return row
    t0 = clicks[0]
    after = [m for m in messages if m[0] >= t0]
    # The message that carried the map: the last one received before the iframe's render
    # event (with Streamlit's message cache it may be a short reference to a cached delta).
    carrier = sorted((m for m in after if not watch.get("render") or m[0] <= watch["render"]),
                     key=lambda m: m[1])
    if after:
        row["ws_first_ms"] = round(after[0][0] - t0, 1)
        row["ws_last_ms"] = round(after[-1][0] - t0, 1)
        row["ws_bytes"] = int(sum(m[1] for m in after))
        row["ws_largest_bytes"] = int(max(m[1] for m in after))
    if carrier:
        row["ws_map_ms"] = round(carrier[-1][0] - t0, 1)
        row["ws_map_bytes"] = int(carrier[-1][1])
    for key in ("render", "swapStart", "lastPush", "changed", "ready", "painted"):
        value = watch.get(key)
        row[f"{key}_ms"] = round(value - t0, 1) if value else None
    row["count"] = watch.get("count")
    with contextlib.suppress(Exception):
        memory = frame.evaluate(
            "() => ({groups: (window.feature_group || []).length,"
            " heap: performance.memory ? performance.memory.usedJSHeapSize : null})")
        row["groups_retained"] = memory["groups"]
        row["heap_mb"] = round(memory["heap"] / 1e6, 1) if memory["heap"] else None
    row["met_target"] = bool(row["probe_survived"] and row["painted_ms"] is not None
                             and row["painted_ms"] < TARGET_MS)
    if profile is not None:
        row["profile"] = summarise_profile(profile)
    return row


def load_markercluster(frame: Any) -> None:
    """Load MarkerCluster's JS and CSS into the map iframe unless already there."""
    if frame.evaluate("() => typeof L.MarkerClusterGroup === 'function'"):
        return
    for _, href in assets.MARKERCLUSTER_CSS:
        frame.add_style_tag(url=href)
    for _, src in assets.MARKERCLUSTER_JS:
        frame.add_script_tag(url=src)


def map_items(events: pd.DataFrame, f: EventFilter) -> tuple[int, bool]:
    """What the map page draws for a filter: ``(number of items, aggregated?)``.

    Mirrors ``pages/map.py``: the events, or grid cells above ``aggregate.POINT_LIMIT``.
    """
    filtered = apply_filter(events, f) if f.layers else events.iloc[0:0]
    if located(filtered) > aggregate.POINT_LIMIT:
        return len(aggregate.grid_counts(filtered)), True
    return located(filtered), False


def measure_app(csv: Path, size: int, work: Path, log: Callable[[str], None]) -> dict:
    """Part (d): the real app on ``csv`` (``size`` events); see the module docstring."""
    from playwright.sync_api import sync_playwright

    from geo.ui.events import default_filter  # the app's own default filter

    load = load_events(csv)
    if load.problems:
        raise RuntimeError(f"synthetic CSV has {len(load.problems)} problems")
    events = load.events
    default = default_filter(events)
    all_layers, all_aggregated = map_items(events, default)
    no_insurgency, none_aggregated = map_items(
        events, replace(default, layers=tuple(x for x in LAYERS if x != "insurgency")))
    result: dict[str, Any] = {
        "n": size, "csv": str(csv), "point_limit": aggregate.POINT_LIMIT,
        "expected_all": all_layers, "all_aggregated": all_aggregated,
        "expected_without_insurgency": no_insurgency,
        "without_insurgency_aggregated": none_aggregated, "steps": []}
    with streamlit_app(csv, work / "streamlit.log") as url, sync_playwright() as pw:
        browser = launch_browser(pw, ["--enable-precise-memory-info"])
        context = browser.new_context(viewport=VIEWPORT)
        errors: list[str] = []
        try:
            context.route(lambda u: not is_loopback(u), lambda route: route.abort())
            context.add_init_script(APP_INIT_JS)
            for name, release, profiled in APP_PASSES:
                page = context.new_page()  # a fresh page (and session) per pass
                page.set_default_timeout(60_000)
                page.on("pageerror", lambda err: errors.append(str(err)[:300]))
                t_nav = time.monotonic()
                page.goto(url, timeout=PAGE_TIMEOUT_MS)
                frame = find_map_frame(page, APP_MAP_TIMEOUT_S)
                frame.evaluate(FRAME_SETUP_JS)
                if release:
                    load_markercluster(frame)
                loaded = wait_until(page, lambda frame=frame: frame.evaluate(
                    "() => window.__evCount(window.feature_group, window.map, false)")
                    == all_layers, APP_MAP_TIMEOUT_S, step_ms=200)
                load_s = round(time.monotonic() - t_nav, 2)
                result.setdefault("initial_load_s", load_s)
                result.setdefault("initial_loads_s", []).append(load_s)
                result["initial_count_ok"] = bool(loaded)
                log(f"  app pass {name}: initial load {load_s} s")
                page.wait_for_timeout(1500)  # let the first rerun settle
                cdp = None
                if profiled:
                    cdp = context.new_cdp_session(page)
                    cdp.send("Profiler.enable")
                    cdp.send("Profiler.setSamplingInterval", {"interval": 1000})
                for label, text, without_insurgency in APP_PLAN:
                    expected = no_insurgency if without_insurgency else all_layers
                    def click(text: str | re.Pattern = text, page: Any = page) -> None:
                        page.get_by_text(text).first.click()

                    row = app_step(page, frame, label, click, expected, cdp, errors)
                    row["aggregated"] = none_aggregated if without_insurgency else all_aggregated
                    row["pass"] = name
                    row["profiled"] = profiled
                    result["steps"].append(row)
                    log(f"  app pass {name}: {label}: {row.get('painted_ms')} ms, "
                        f"probe ok: {row['probe_survived']}, heap {row.get('heap_mb')} MB")
                    if not row["probe_survived"]:
                        # The frame was reloaded: find it again and re-arm.
                        frame = find_map_frame(page, APP_MAP_TIMEOUT_S)
                        frame.evaluate(FRAME_SETUP_JS)
                        if release:
                            load_markercluster(frame)
                    elif release:
                        frame.evaluate(RELEASE_GROUPS_JS)
                    page.wait_for_timeout(1000)
                if cdp is not None:
                    cdp.detach()
                page.close()
            result["page_errors"] = errors
        finally:
            context.close()
            browser.close()
    return result


# --- server side of the app's reruns, profiled in-process ------------------------------------

# Buckets of a rerun's profile: (label, file suffix, function name); cumulative seconds.
PROFILE_BUCKETS: tuple[tuple[str, str, str], ...] = (
    ("whole map page", "pages/map.py", "<module>"),
    ("sidebar filters (event_sidebar)", "geo/ui/events.py", "event_sidebar"),
    ("event_layer_group", "geo/eventlayers.py", "event_layer_group"),
    ("aggregate_layer", "geo/aggregate.py", "aggregate_layer"),
    ("base_map", "geo/mapbuild.py", "base_map"),
    ("st_folium", "streamlit_folium/__init__.py", "st_folium"),
    ("  feature groups to JS", "streamlit_folium/__init__.py", "_get_feature_group_string"),
    ("  Jinja compile of rendered output (all)", "jinja2/environment.py", "from_string"),
    ("  json.dumps (tojson)", "jinja2/utils.py", "htmlsafe_json_dumps"),
    ("  map bounds (folium get_bounds)", "folium/utilities.py", "get_bounds"),
)


def app_server_profile(csv: Path, store: Path, log: Callable[[str], None]) -> dict:
    """The app's real reruns on the server: ``AppTest`` runs ``dashboard.py`` in-process on
    the CSV; the "Insurgency events" box is unticked, then ticked again, each rerun timed
    (wall) and profiled with cProfile (script thread only; profiling adds some overhead).
    """
    import cProfile
    import pstats

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    saved = {k: os.environ.get(k) for k in ("SAHEL_ATLAS_EVENTS", "SAHEL_ATLAS_DATA_DIR")}
    os.environ["SAHEL_ATLAS_EVENTS"] = str(csv)
    os.environ["SAHEL_ATLAS_DATA_DIR"] = str(store)
    original = script_runner.ScriptRunner._run_script
    state: dict[str, Any] = {"on": False, "profile": None}

    def profiled(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not state["on"]:
            return original(self, *args, **kwargs)
        profile = cProfile.Profile()
        profile.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            profile.disable()
            state["profile"] = profile

    out: dict[str, Any] = {"reruns": []}
    script_runner.ScriptRunner._run_script = profiled
    try:
        app = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=300)
        t0 = time.perf_counter()
        app.run()
        out["first_run_ms"] = ms(time.perf_counter() - t0)
        for label in ("insurgency off", "insurgency on"):
            box = next(c for c in app.checkbox if INSURGENCY_LABEL.match(c.label))
            (box.uncheck if box.value else box.check)()
            state["on"] = True
            t0 = time.perf_counter()
            app.run()
            wall = time.perf_counter() - t0
            state["on"] = False
            if app.exception:
                out["reruns"].append({"change": label, "error": str(app.exception[0].value)})
                continue
            stats = pstats.Stats(state["profile"]).stats  # type: ignore[attr-defined]
            buckets = {}
            for name, suffix, func in PROFILE_BUCKETS:
                total = sum(v[3] for (file, _line, fn), v in stats.items()
                            if fn == func and file.replace("\\", "/").endswith(suffix))
                buckets[name] = ms(total)
            out["reruns"].append({"change": label, "wall_ms": ms(wall), "profile_ms": buckets})
            log(f"  server profile: {label}: {ms(wall)} ms")
    except Exception as exc:  # noqa: BLE001 - report, keep going
        out["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        script_runner.ScriptRunner._run_script = original
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return out


# --- server side of one app rerun, replayed in-process ----------------------------------------

def rerun_breakdown(events: pd.DataFrame, repeats: int) -> dict:
    """Times of the map page's steps for one rerun (all layers, clustering on), in ms.

    Replays the map-related steps of ``pages/map.py`` and ``st_folium`` on the server: the
    sidebar (layer counts, actor list), the filter, the event layers (or the aggregated
    grid above ``aggregate.POINT_LIMIT``), the base map, streamlit-folium's rendering of the
    base map and of the dynamic feature groups to JavaScript, hashing, JSON-encoding, and
    Streamlit's hashing and serialisation of the message. Not replayed: widgets, exports,
    the charter panel and Streamlit's script-runner overhead.
    """
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.forward_msg_cache import populate_hash_if_needed
    from streamlit.runtime.runtime_util import serialize_forward_msg
    from streamlit.util import calc_hash

    from geo import zones
    from geo.spatial import tri_border_core, tripoint
    from geo.ui.events import actor_choices, default_filter

    countries, admin1, provinces = load_countries(), load_admin1(), load_bfa_provinces()
    defs = zones.load_zone_definitions()
    outline = zones.alg_zone_outline(admin1, defs.alg_units)
    core = tri_border_core(countries, defs.default_radius_km)
    point = tripoint(countries)
    steps: dict[str, list[float]] = {}

    @contextlib.contextmanager
    def lap(name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        yield
        steps.setdefault(name, []).append(time.perf_counter() - t0)

    sizes = {}
    for _ in range(repeats):
        gc.collect()
        with lap("sidebar: default filter"):
            f = default_filter(events)
        with lap("sidebar: layer counts"):
            layer_counts(apply_filter(events, replace(f, layers=())))
        with lap("sidebar: actor choices"):
            actor_choices(events)
        with lap("apply_filter"):
            filtered = apply_filter(events, f)
        with lap("dynamic layers (ALG, core, selection)"):
            dynamic = [mapbuild.alg_zone_layer(outline, "en"),
                       mapbuild.tri_border_layer(core, point, defs.default_radius_km, "en"),
                       mapbuild.selection_layer(None)]
        if located(filtered) > aggregate.POINT_LIMIT:
            with lap("aggregate_layer (above POINT_LIMIT)"):
                dynamic.append(aggregate.aggregate_layer(filtered))
        else:
            with lap("event_layer_group"):
                dynamic.append(eventlayers.event_layer_group(filtered, LAYERS, True))
        with lap("base_map"):
            fmap = mapbuild.base_map(mapbuild.BaseLayers(countries, admin1, provinces), "en")
        with lap("st_folium: render base map"):
            fmap.get_root().render()
            fmap.render()
            html, header, leaflet = _get_html(fmap), _get_header(fmap), _get_map_string(fmap)
        with lap("st_folium: feature groups to JS"):
            fg = "".join(_get_feature_group_string(g, map=fmap, idx=i)
                         for i, g in enumerate(dynamic))
        with lap("st_folium: hash + json.dumps args"):
            generate_js_hash(leaflet, "atlas_map", False)
            args_json = json.dumps({"script": leaflet, "header": header, "html": html,
                                    "feature_group": fg})
        with lap("streamlit: element id + ForwardMsg hash + serialise"):
            msg = ForwardMsg()
            msg.delta.new_element.component_instance.json_args = args_json
            calc_hash(args_json)  # compute_and_register_element_id hashes the args
            populate_hash_if_needed(msg)
            serialize_forward_msg(msg)
        sizes = {"base_map_script_bytes": len(leaflet.encode()),
                 "feature_groups_bytes": len(fg.encode())}
    out = {name: ms(median(values)) for name, values in steps.items()}
    out["total"] = round(sum(out.values()), 1)
    return {"steps_ms": out, **sizes}


# --- output -----------------------------------------------------------------------------------

def fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[fmt(c) if not isinstance(c, str) else c for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, sep, *body])


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a and b else "-"


def report(results: dict) -> str:
    meta = results["meta"]
    out = [f"{meta['cpus']} CPUs; load average (1, 5, 15 min) at start "
           f"{tuple(round(x, 1) for x in meta['loadavg_start'])}, at end "
           f"{tuple(round(x, 1) for x in meta.get('loadavg_end', ()))}"]
    rows = []
    for row in results["layers"]:
        b = row.get("browser", {})
        rows.append([row["n"], row["kind"], row["shown"], f"{row['payload_bytes'] / 1e6:.2f}",
                     row.get("filter_ms"), row.get("build_ms"), row.get("render_ms"),
                     row.get("render_nocompile_ms"), row.get("server_ms"),
                     b.get("fgStart_ms"), b.get("layersAdded_ms"), b.get("ready_ms"),
                     b.get("painted_ms"), b.get("events_ms")])
    out.append("(a) payload, (b) server median ms, (c) browser median ms from navigation")
    out.append("    render* = what-if render without FeatureGroup.render() (no Jinja compile "
               "since geo.foliumsafe, so close to render); "
               "events = painted - base ready")
    out.append("    what-if (browser only): plain-1tip = one tooltip per layer instead of per "
               "feature (clustered layers fill MarkerCluster once it is on the map)")
    out.append(f"    aggregate = the app's grid layer above {aggregate.POINT_LIMIT:,} events "
               "(shown = cells)")
    out.append(table(["N", "layer", "shown", "payload MB", "filter", "build", "render",
                      "render*", "server", "base ready", "layers added", "markers in",
                      "painted", "events"], rows))
    if results.get("baseline"):
        out.append(f"empty offline map page: painted at {results['baseline'].get('painted_ms')}"
                   " ms after navigation")
    if results.get("ratios"):
        out.append("")
        out.append("naive (one CircleMarker per event) / ours")
        out.append(table(["N", "vs", "payload", "server", "browser painted",
                          "browser events"],
                         [[r["n"], r["vs"], r["payload"], r["server"], r["browser"],
                           r["browser_events"]] for r in results["ratios"]]))
    if results.get("client_filter"):
        out.append("")
        out.append("what-if: filter in the browser on markers already loaded (ms to painted; "
                   "plain = hide layer / remove markers, cluster = clearLayers + addLayers)")
        keys = ["layer_off", "layer_on", "date_from_2020", "date_all"]
        out.append(table(["N", "layer", *keys],
                         [[r["n"], r["kind"], *[r.get(k) for k in keys]]
                          for r in results["client_filter"]]))
    app = results.get("app")
    if app:
        out.append("")
        out.append(f"(d) real app, {app['n']:,} events: ms from click "
                   f"(initial loads {app.get('initial_loads_s')} s; target < {TARGET_MS:.0f} ms "
                   "to painted map, base map not reloaded)")
        rows = []
        for s in app["steps"]:
            rows.append([f"{s.get('pass', '')}: {s['step']}",
                         f"{s['expected']:,}{' cells' if s.get('aggregated') else ''}",
                         s.get("ws_map_ms"), f"{s.get('ws_map_bytes', 0) / 1e6:.2f}",
                         s.get("render_ms"), s.get("swapStart_ms"), s.get("lastPush_ms"),
                         s.get("changed_ms"), s.get("ready_ms"), s.get("painted_ms"),
                         "yes" if s.get("probe_survived") else "NO",
                         "yes" if s.get("met_target") else "no",
                         s.get("groups_retained"), s.get("heap_mb")])
        out.append(table(["change", "items", "ws msg", "ws MB", "iframe msg", "eval start",
                          "eval end", "count chg", "count ok", "painted", "probe", "<2s",
                          "groups kept", "heap MB"], rows))
        out.append("where the time goes (ms): server+ws = click -> websocket message carrying "
                   "the map (ws MB 0.00: Streamlit's message cache sent a reference to a delta "
                   "the browser already had); relay = -> render "
                   "event in the map iframe; eval = streamlit-folium's eval of the layers; "
                   "after = -> all markers in (click handlers, MarkerCluster chunks); "
                   "paint = -> next paint")
        parts = []
        for s in app["steps"]:
            keys = ["ws_map_ms", "render_ms", "swapStart_ms", "lastPush_ms", "ready_ms",
                    "painted_ms"]
            if any(s.get(k) is None for k in keys):
                continue
            v = [s[k] for k in keys]
            parts.append([f"{s.get('pass', '')}: {s['step']}", v[0],
                          v[1] - v[0], v[2] - v[1], v[3] - v[2], v[4] - v[3], v[5] - v[4]])
        out.append(table(["change", "server+ws", "relay", "pre-eval", "eval", "after",
                          "paint"], parts))
        for name in dict.fromkeys(s.get("pass") for s in app["steps"] if not s.get("profiled")):
            steps = [s for s in app["steps"] if s.get("pass") == name]
            painted = [s["painted_ms"] for s in steps if s.get("painted_ms") is not None]
            met = all(s.get("met_target") for s in steps)
            out.append(f"pass {name}: target met on every change: {'YES' if met else 'NO'}"
                       + (f" (best {min(painted):,.0f} ms, median "
                          f"{statistics.median(painted):,.0f} ms, worst {max(painted):,.0f} ms)"
                          if painted else ""))
        for s in app["steps"]:
            prof = s.get("profile")
            if not prof:
                continue
            comps = ", ".join(f"{k} {v:,.0f}" for k, v in prof["by_component_ms"].items()
                              if k != "(idle)" and v >= 5)
            out.append(f"  JS profile, {s.get('pass')}: {s['step']}: "
                       f"busy {prof['busy_ms']:,.0f} ms: {comps}")
            tops = ", ".join(f"{t['function']} ({t['file']}) {t['self_ms']:,.0f}"
                             for t in prof["top_functions_ms"][:6])
            out.append(f"    top: {tops}")
    server = results.get("app_server")
    if server and server.get("reruns"):
        out.append("")
        out.append(f"server side of the app's reruns at {server['n']:,} events (AppTest "
                   "in-process; wall ms, then cProfile cumulative ms of the script thread)")
        labels = [name for name, _, _ in PROFILE_BUCKETS]
        reruns = [r for r in server["reruns"] if "profile_ms" in r]
        out.append(table(["", *[r["change"] for r in reruns]],
                         [["wall", *[r["wall_ms"] for r in reruns]]]
                         + [[name, *[r["profile_ms"][name] for r in reruns]]
                            for name in labels]))
    elif server and server.get("error"):
        out.append(f"server profile failed: {server['error']}")
    rerun = results.get("rerun")
    if rerun:
        out.append("")
        out.append(f"server side of one rerun at {rerun['n']:,} events (replayed in-process, "
                   f"median ms; base map script {rerun['base_map_script_bytes'] / 1e6:.2f} MB,"
                   f" feature groups {rerun['feature_groups_bytes'] / 1e6:.2f} MB)")
        out.append(table(["step", "ms"], [[k, v] for k, v in rerun["steps_ms"].items()]))
    return "\n".join(out)


# --- main -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--naive-sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--no-browser", action="store_true",
                        help="skip the browser parts (c) and (d)")
    parser.add_argument("--no-app", action="store_true", help="skip the real app (d)")
    parser.add_argument("--app-size", type=int, default=50000)
    parser.add_argument("--repeats", type=int, default=3, help="server runs per figure")
    parser.add_argument("--browser-repeats", type=int, default=3, help="page loads per figure")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULT_FILE)
    args = parser.parse_args(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "meta": {"date": Date.today().isoformat(), "python": platform.python_version(),
                 "cpus": os.cpu_count(), "machine": platform.machine(),
                 "folium": folium.__version__, "target_ms": TARGET_MS,
                 "filter": f"date {FILTER_FROM} .. today",
                 "loadavg_start": os.getloadavg()},
        "layers": [], "ratios": [],
    }
    work = Path(tempfile.mkdtemp(prefix="sahel-bench-work-"))
    root = None
    try:
        pages: list[tuple[dict, str, int, bool]] = []
        for n in sorted(set(args.sizes) | set(args.naive_sizes)):
            log(f"generating {n} synthetic events")
            events = make_events(n, args.seed)
            kinds = (["cluster", "plain"] if n in args.sizes else []) + (
                ["aggregate"] if n in args.sizes and n > aggregate.POINT_LIMIT else []) + (
                ["naive"] if n in args.naive_sizes else [])
            for kind in kinds:
                log(f"  server: {kind} at {n}")
                row, js = measure_server(events, kind, args.repeats)
                results["layers"].append(row)
                pages.append((row, js, row["shown"], kind == "naive"))
                for name, (base_kind, transform) in WHAT_IFS.items():
                    if base_kind == kind and not args.no_browser:
                        changed = transform(js)
                        what_if = {"kind": name, "n": n, "shown": row["shown"],
                                   "what_if": True, "payload_bytes": len(changed.encode())}
                        results["layers"].append(what_if)
                        pages.append((what_if, changed, row["shown"], False))
            del events
        if not args.no_browser:
            from playwright.sync_api import sync_playwright

            root = page_root()
            for i, (_row, js, shown, bare) in enumerate(pages):
                (root / "bench" / f"page{i}.html").write_text(
                    standalone_page(js, shown, bare), encoding="utf-8")
            (root / "bench" / "base.html").write_text(standalone_page("", 0, False),
                                                      encoding="utf-8")
            pages = [(row, "", shown, bare) for row, _js, shown, bare in pages]  # free memory
            with static_server(root) as base_url, sync_playwright() as pw:
                browser = launch_browser(pw)
                try:
                    measure_page(browser, f"{base_url}/bench/base.html", 1)  # warm-up
                    results["baseline"] = measure_page(browser, f"{base_url}/bench/base.html",
                                                       args.browser_repeats)
                    for i, (row, _js, _shown, _bare) in enumerate(pages):
                        log(f"  browser: {row['kind']} at {row['n']}")
                        row["browser"] = measure_page(browser, f"{base_url}/bench/page{i}.html",
                                                      args.browser_repeats)
                    biggest = max(args.sizes)
                    for i, (row, _js, _shown, _bare) in enumerate(pages):
                        if row["n"] == biggest and row["kind"] in ("plain", "cluster"):
                            log(f"  browser: client-side filter what-if, {row['kind']}")
                            results.setdefault("client_filter", []).append({
                                "n": biggest, "kind": row["kind"],
                                **measure_client_filter(browser,
                                                        f"{base_url}/bench/page{i}.html",
                                                        row["kind"] != "plain")})
                finally:
                    browser.close()
        by_key = {(r["n"], r["kind"]): r for r in results["layers"]}
        for n in args.naive_sizes:
            naive = by_key.get((n, "naive"))
            for vs in ("plain", "cluster"):
                ours = by_key.get((n, vs))
                if not naive or not ours:
                    continue
                nb, ob = naive.get("browser", {}), ours.get("browser", {})
                results["ratios"].append({
                    "n": n, "vs": vs,
                    "payload": ratio(naive["payload_bytes"], ours["payload_bytes"]),
                    "server": ratio(naive["server_ms"], ours["server_ms"]),
                    "browser": ratio(nb.get("painted_ms"), ob.get("painted_ms")),
                    "browser_events": ratio(nb.get("events_ms"), ob.get("events_ms")),
                })
        if not args.no_browser and not args.no_app:
            log(f"real app at {args.app_size} events")
            csv = write_csv(work / f"events_{args.app_size}.csv", args.app_size, args.seed)
            results["app"] = measure_app(csv, args.app_size, work, log)
        if not args.no_app:
            log(f"server profile of the app's reruns at {args.app_size} events (AppTest)")
            csv = work / f"events_{args.app_size}.csv"
            if not csv.exists():
                write_csv(csv, args.app_size, args.seed)
            store = work / "store-apptest"
            store.mkdir(exist_ok=True)
            results["app_server"] = {"n": args.app_size,
                                     **app_server_profile(csv, store, log)}
        log(f"server rerun breakdown at {max(args.sizes)} events")
        results["rerun"] = {"n": max(args.sizes), **rerun_breakdown(
            make_events(max(args.sizes), args.seed), args.repeats)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
        results["meta"]["loadavg_end"] = os.getloadavg()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(report(results))
    print(f"\nfigures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
