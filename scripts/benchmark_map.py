"""Benchmark of the map page in the browser (issue #11): loads, filter, click, bytes, memory.

Not a test: a script anyone can run on this machine. For each size N (``--sizes``, default
10 000, 200 000 and 1 000 000 synthetic events in a local store) it starts the real app
(``streamlit run dashboard.py`` from ``--app-dir``) with ``SAHEL_ATLAS_DATA_DIR`` pointing
at that store, drives it with Debian Chromium through Playwright (every request that is not
to 127.0.0.1 is aborted) and measures, ``--repeats`` times each (median and min-max):

1. **blank floor** (once per run): a one-line Streamlit app (``st.write("ok")``, a button
   and a run counter) in a temp dir: first load (navigation -> "ok" visible), cold (first
   page after the server start) and warm; rerun (button click -> the rerun's counter text
   visible; the ``[data-testid="stApp"]`` ``data-test-script-state`` transition back to
   ``notRunning`` is recorded too when the frontend shows one: a run this short can be
   drawn without ever showing "running").
2. **first load** of the map page: from navigation (``performance.timeOrigin`` of the page)
   to the paint of the event layer; "cold" = the first page after the server started,
   "warm" = later pages (each in a fresh browser context: a new session, no HTTP cache).
3. **filter change -> painted**: click the sidebar checkbox "State violence (..." (off;
   then on again, timed too, for the next repeat); from the click to the next paint of
   the event layer with the expected number of points.
4. **click -> panel**: two probe events planted in the store with no other event within
   ``PROBE_CLEAR_DEG`` degrees; the map is set to ``setView([lat, lng], 9)``, once painted
   the probe is clicked at its pixel (``map.latLngToContainerPoint`` + the iframe's box,
   ``page.mouse.click``); time from the click to ``.event-panel[data-id="<id>"]`` visible.
   The probes alternate (A, B, A, ...) so that every click changes the selection.
5. **bytes per rerun**: websocket frames received from the server (Playwright
   ``page.on("websocket")`` / ``framereceived``) from just before the click until the
   rerun has finished (script state back to notRunning) plus ``SETTLE_S``; HTTP response
   bytes in the same window (CDP ``Network.loadingFinished``) are reported beside them.
   Streamlit's message cache sends a short reference instead of a message the browser
   already holds, so a repeat of the same change can cost far fewer bytes than the first:
   look at the min-max, and at the JSON for each repeat.
6. **server RSS**: ``VmRSS`` of the streamlit process (``/proc/<pid>/status``) after the
   cold load, after the warm loads and at the end; its peak (``VmHWM``).
7. **browser heap**: ``performance.memory.usedJSHeapSize`` of the page and of the map
   iframe (Chromium runs with ``--enable-precise-memory-info``), after the warm load and
   at the end, and at the end after a CDP ``HeapProfiler.collectGarbage``.
8. **frames per second** in the map iframe (the page's paint monitor paused): a 2 s pan
   (``map.panBy([dx, 0], {animate: false})`` once per ``requestAnimationFrame``, right
   for 1 s, back for 1 s: every step ends with a ``moveend``; the points layer repaints
   only when the view leaves the canvas it painted last, which holds half a view around
   the view, so a few of the steps repaint every point and the others paint nothing)
   and 2 s of animated ``zoomIn``/``zoomOut`` (the next one on
   each ``zoomend``); and a 2 s real mouse drag (Playwright mouse down, moves, up: what
   a user does to pan; the events are repainted when the drag ends); fps = rAF
   callbacks / elapsed s; the longest frame is recorded.
9. **naive approach** at ``--naive-size`` events (default 20 000): a standalone HTML page
   (no Streamlit: ``geo.render.mapbuild.offline_map()`` and
   ``scripts.naive_layer.naive_marker_group``,
   one folium CircleMarker with its own tooltip per event, Leaflet from the app's local
   ``static/vendor`` copies) served by a local ``http.server``: navigation -> painted
   (all markers added, then ``requestAnimationFrame`` + ``setTimeout 0``) and fps as above.

**When is the event layer painted?** The map iframe (URL contains
``streamlit_folium.st_folium``) gets a monitor (installed by the first poll, every 100 ms,
once the iframe exists: Playwright's init scripts do not reach streamlit-folium's sandboxed
component iframe) that reads, on every animation frame:

* **points renderer** (if the iframe has ``window.atlasPointStats = {paints, drawn,
  total, token, lastPaint}``): painted = ``lastPaint`` of the first paint after the start
  time whose ``total`` equals the expected count of located, filtered events;
* **legacy** (no ``atlasPointStats``: the code before issue #11, GeoJSON circle markers in
  MarkerCluster groups below ``geo.aggregate.POINT_LIMIT`` located events and 0.5-degree
  grid cells above): a signature of (event items on the map, ``Object.keys(map._layers)
  .length``, identity and length of ``window.feature_group``) is recorded whenever it
  changes, with the time of the first ``setTimeout 0`` after that frame (the frame that
  shows the change has been painted). Event items: GeoJSON features of kind "event" or
  "cell" plus the markers held by MarkerCluster groups (``_topClusterLevel._childCount``
  + queued). Painted = that time for the last change, once the item count equals the
  expected count (events, or grid cells when aggregated) and the signature has not
  changed for ``STABLE_MS``; for a filter change, a change must have happened after the
  click. Clicks on the legacy grid cells are not possible ("n/a: grid cells").

Times are in-browser (``performance.timeOrigin + performance.now()``, comparable between
the page and its same-origin iframe; the skew seen between them is recorded).

Stores are built once per (N, seed, the app's store code) with the app's own code
(``scripts/synthetic_events.make_events`` in a subprocess run in ``--app-dir``) and cached
under ``--store-cache`` (default ``artifacts/benchmark_map_stores/``, git-ignored). The
expected counts are computed on every run, by that subprocess, with the app's own
``geo.ui.events.app_events`` / ``default_filter`` / ``apply_filter`` (curated events
included). Before starting a server the script runs ``geo.render.assets.install_vendor_assets()``
in ``--app-dir`` (as ``dashboard.py`` does at start) so ``static/vendor`` exists. The
streamlit servers run with ``--server.fileWatcherType none`` (no file polling beside the
measurements).

Usage (``--app-dir``: the directory holding ``dashboard.py``, default this checkout)::

    .venv/bin/python -m scripts.benchmark_map
    .venv/bin/python -m scripts.benchmark_map --sizes 10000 200000 --repeats 3
    .venv/bin/python -m scripts.benchmark_map --app-dir /tmp/atlas-before \\
        --out artifacts/benchmark_map_before.json
    .venv/bin/python -m scripts.benchmark_map --sizes 10000 --no-blank --no-naive  # quick

Options: ``--sizes N...``, ``--repeats R`` (3), ``--naive-size N`` (20000; 0 skips),
``--no-blank``, ``--no-naive``, ``--seed S`` (1), ``--store-cache DIR``, ``--out FILE``
(``artifacts/benchmark_map.json``), ``--timeout S`` (per step, 180), ``--load-timeout S``
(per page load, 420), ``--headed``. ``CHROMIUM_PATH`` overrides ``/usr/bin/chromium``.

Output: a markdown table (one row per N plus the blank floor and the naive page; figures
"median [min-max]"), the targets of issue #11 with the measured ratios, and every raw
figure in the JSON file. Each step has a timeout; a failing step records its error and
the run goes on. The load average is recorded before and after each part: on a shared
2-core machine, compare runs made in similar conditions, not single numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import http.server
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date as Date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
RESULT_FILE = ARTIFACTS / "benchmark_map.json"
# Never inside the repository: the store refuses to live there.
STORE_CACHE = Path(tempfile.gettempdir()) / "sahel-atlas-bench-stores"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--enable-precise-memory-info",
]
VIEWPORT = {"width": 1400, "height": 950}
MAP_FRAME = "streamlit_folium.st_folium"
FILTER_LABEL = re.compile(r"^State violence \(")
FILTER_LAYER = "state-violence"
PROBE_CLEAR_DEG = 0.35  # no other event this close (in degrees) to a probe event
PROBE_ZOOM = 9
# Where the two probe events are looked for (lat, lon): sparse, remote parts of Mali and
# Niger, away from the curated events; the nearest synthetic insurgency event is used.
PROBE_TARGETS: tuple[tuple[float, float], ...] = (
    (19.3, -3.2),
    (17.2, 11.2),
    (15.3, -6.8),
    (20.5, 5.0),
    (13.8, 0.9),
)
STABLE_MS = 300.0
MISMATCH_S = 15.0  # points renderer: fail this long after a paint with another total
SETTLE_S = 1.0
FPS_MS = 2000
# Files of the app whose change makes a cached store stale (schema, snapshot, events).
STORE_CODE = (
    "geo/io/store.py",
    "geo/io/snapshot.py",
    "geo/io/events.py",
    "scripts/synthetic_events.py",
)

# --- JavaScript -----------------------------------------------------------------------------

COUNT_JS = """
function __mbCount(groups, map) {
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
    if (l instanceof L.LayerGroup) { l.eachLayer(visit); }
  }
  (groups || []).forEach(function (g) { if (!map || map.hasLayer(g)) { visit(g); } });
  return n;
}
"""

# The paint monitor of the map iframe (see the module docstring). Installed by the init
# script when Chromium runs it in the iframe, else by the first state poll (Playwright's
# init scripts do not reach streamlit-folium's sandboxed component iframe).
MONITOR_JS = """function () {
  if (window.__mb) { return; }
  const abs = () => performance.timeOrigin + performance.now();
  __COUNT_JS__
  const st = window.__mb = {mode: null, paints: [], lastPaints: null, sig: null,
                            lastChange: null, paintAfter: null, count: null, layers: null,
                            changes: 0, clicks: [], paused: false, fgSeq: 0,
                            origin: performance.timeOrigin};
  document.addEventListener('click', () => st.clicks.push(abs()), true);
  function tick() {
    try {
      if (!st.paused) {
        const s = window.atlasPointStats;
        if (s && typeof s === 'object') {
          st.mode = 'points';
          if (s.paints !== st.lastPaints) {
            st.lastPaints = s.paints;
            st.paints.push({seen: abs(), paints: s.paints, drawn: s.drawn, total: s.total,
                            token: s.token == null ? null : String(s.token),
                            lastPaint: typeof s.lastPaint === 'number'
                              ? performance.timeOrigin + s.lastPaint : null});
            if (st.paints.length > 500) { st.paints.shift(); }
          }
        } else if (window.map && window.L) {
          st.mode = 'legacy';
          const fg = window.feature_group;
          if (fg && !fg.__mbId) {
            Object.defineProperty(fg, '__mbId', {value: ++st.fgSeq, enumerable: false});
          }
          const count = __mbCount(fg, window.map);
          const layers = Object.keys(window.map._layers).length;
          const sig = count + '/' + layers + '/' + (fg ? fg.__mbId + ':' + fg.length : '-');
          if (sig !== st.sig) {
            const t = abs();
            st.sig = sig; st.lastChange = t; st.changes += 1; st.count = count;
            st.layers = layers; st.paintAfter = null;
            setTimeout(() => { if (st.lastChange === t) { st.paintAfter = abs(); } }, 0);
          }
        }
      }
    } catch (e) { st.error = String(e); }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
}""".replace("__COUNT_JS__", COUNT_JS)

# Runs in every document of the app's pages (Playwright init script). Top document: click
# times, script-state transitions, a panel watcher. Map iframe: the paint monitor.
INIT_JS = """
(() => {
  const abs = () => performance.timeOrigin + performance.now();
  if (window === window.top) {
    window.__mbClicks = [];
    document.addEventListener('click', () => window.__mbClicks.push(abs()), true);
    window.__mbRuns = [];
    const hook = () => {
      const app = document.querySelector('[data-testid="stApp"]');
      if (!app) { setTimeout(hook, 20); return; }
      window.__mbRuns.push([abs(), app.getAttribute('data-test-script-state')]);
      // Every transition, even two in one task: the records' old values, then the current.
      new MutationObserver((records) => {
        const t = abs();
        const vals = records.map((r) => r.oldValue)
          .concat([app.getAttribute('data-test-script-state')]);
        for (let i = 1; i < vals.length; i++) {
          if (vals[i] !== vals[i - 1]) { window.__mbRuns.push([t, vals[i]]); }
        }
      }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state'],
                       attributeOldValue: true});
    };
    hook();
    window.__mbWatchPanel = (id) => {
      const w = window.__mbPanel = {id: id, armed: abs(), seen: null};
      const sel = '.event-panel[data-id="' + CSS.escape(id) + '"]';
      const check = () => {
        if (window.__mbPanel !== w) { return true; }
        if (w.seen) { return true; }
        const el = document.querySelector(sel);
        if (el) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.height > 0) { w.seen = abs(); return true; }
        }
        return false;
      };
      const obs = new MutationObserver(() => { if (check()) { obs.disconnect(); } });
      obs.observe(document.documentElement, {childList: true, subtree: true});
      const loop = () => { if (!check()) { requestAnimationFrame(loop); } };
      loop();
    };
    return;
  }
  if (String(location.href).includes('__MAP_FRAME__')) { (__MONITOR__)(); }
})();
""".replace("__MONITOR__", MONITOR_JS).replace("__MAP_FRAME__", MAP_FRAME)

FRAME_STATE_JS = """
(since) => {
  if (!window.__mb) { (__MONITOR__)(); }
  const st = window.__mb;
  if (!st) { return null; }
  const now = performance.timeOrigin + performance.now();
  const out = {mode: st.mode, now: now, count: st.count, layers: st.layers, sig: st.sig,
               lastChange: st.lastChange, paintAfter: st.paintAfter, changes: st.changes,
               error: st.error || null, clickTimes: st.clicks.slice(-5),
               skew: now - Date.now()};
  out.paints = st.paints.filter((p) => (p.lastPaint || p.seen) > since);
  const s = window.atlasPointStats;
  out.stats = s ? {paints: s.paints, drawn: s.drawn, total: s.total,
                   token: s.token == null ? null : String(s.token)} : null;
  return out;
}
""".replace("__MONITOR__", MONITOR_JS)

# fps: rAF callbacks per second during a scripted pan or zoom (the paint monitor paused).
FPS_JS = """
async ([kind, ms]) => {
  const map = window.map;
  if (window.__mb) { window.__mb.paused = true; }
  const c = map.getCenter(), z = map.getZoom();
  let frames = 0, worst = 0, zooms = 0;
  const t0 = performance.now();
  let last = t0, stop = false, dirIn = true;
  if (kind === 'zoom') {
    const next = () => {
      if (stop) { return; }
      zooms += 1;
      if (dirIn) { map.zoomIn(1, {animate: true}); } else { map.zoomOut(1, {animate: true}); }
      dirIn = !dirIn;
    };
    map.on('zoomend', next);
    next();
    await new Promise((res) => {
      const tick = (now) => {
        frames += 1; worst = Math.max(worst, now - last); last = now;
        if (now - t0 < ms) { requestAnimationFrame(tick); } else { res(); }
      };
      requestAnimationFrame(tick);
    });
    stop = true;
    map.off('zoomend', next);
  } else {
    await new Promise((res) => {
      const tick = (now) => {
        frames += 1; worst = Math.max(worst, now - last); last = now;
        if (now - t0 < ms) {
          map.panBy([now - t0 < ms / 2 ? 12 : -12, 0], {animate: false});
          requestAnimationFrame(tick);
        } else { res(); }
      };
      requestAnimationFrame(tick);
    });
  }
  const elapsed = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 400));
  const restored = performance.timeOrigin + performance.now();
  map.setView(c, z, {animate: false});
  if (window.__mb) { window.__mb.paused = false; }
  return {fps: frames / (elapsed / 1000), frames: frames, elapsed_ms: elapsed,
          worst_frame_ms: worst, zoom_steps: zooms, restored: restored};
}
"""

HEAP_JS = "() => performance.memory ? performance.memory.usedJSHeapSize : null"

NAIVE_MARKS_JS = """<script>
window.map = __MAP__;
requestAnimationFrame(function () { setTimeout(function () {
  window.__naive = {painted: performance.now(),
                    markers: Object.keys(window.map._layers).length}; }, 0); });
</script>
"""

# --- the store builder (runs in a subprocess, in --app-dir, with the app's own code) ---------

BUILDER = r"""
import json, os, sys, time
from dataclasses import replace
from pathlib import Path
app_dir, store_dir, n, seed, probes_json, clear = sys.argv[1:7]
n, seed, clear = int(n), int(seed), float(clear)
sys.path.insert(0, app_dir)
os.chdir(app_dir)
os.environ["SAHEL_ATLAS_DATA_DIR"] = store_dir
import numpy as np
import pandas as pd
store_dir = Path(store_dir)
meta_file = store_dir / "benchmark_map_store.json"
from geo.io.store import DatasetInfo, Store, row_hash
from geo.io import events as ev

def curated():
    return ev.load_events(ev.EVENTS_FILE).events

if not meta_file.exists():
    from scripts.synthetic_events import make_events
    t0 = time.perf_counter()
    extra = int(n * 0.01) + 500
    events = make_events(n + extra, seed=seed)
    cur = curated()
    clat, clon = cur["latitude"].to_numpy(float), cur["longitude"].to_numpy(float)
    lat, lon = events["latitude"].to_numpy(float), events["longitude"].to_numpy(float)
    keep = np.ones(len(events), dtype=bool)
    probes = []
    for tlat, tlon in json.loads(probes_json):
        if len(probes) == 2:
            break
        if np.nanmin((clat - tlat) ** 2 + (clon - tlon) ** 2) < (2 * clear) ** 2:
            continue  # a curated event near this target
        cand = np.flatnonzero(keep & (events["layer"].to_numpy() == "insurgency"))
        d2 = (lat[cand] - tlat) ** 2 + (lon[cand] - tlon) ** 2
        if not len(cand) or d2.min() > 1.0:
            continue
        i = int(cand[int(np.argmin(d2))])
        near = (lat - lat[i]) ** 2 + (lon - lon[i]) ** 2 < clear ** 2
        near[i] = False
        if np.nanmin((clat - lat[i]) ** 2 + (clon - lon[i]) ** 2) < clear ** 2:
            continue
        keep &= ~near
        probes.append({"id": str(events["id"].iloc[i]), "lat": float(lat[i]),
                       "lon": float(lon[i]), "index": i})
    chosen = [p["index"] for p in probes]
    rest = np.flatnonzero(keep & ~np.isin(np.arange(len(events)), chosen))
    rows = np.concatenate([np.array(chosen, dtype=int), rest[: n - len(chosen)]])
    events = events.iloc[rows].reset_index(drop=True).copy()
    events["dataset"] = "synthetic"
    events["timestamp"] = 0
    events["row_hash"] = row_hash(events)
    t1 = time.perf_counter()
    if store_dir.exists():
        import shutil
        shutil.rmtree(store_dir)
    store_dir.mkdir(parents=True)
    Store(store_dir).write(events, DatasetInfo("synthetic", "app", "bench", "2026-01-01",
                                               "synthetic.csv", "", len(events)))
    Store(store_dir).load_events()  # writes the read cache (snapshot), as the app would
    t2 = time.perf_counter()
    meta_file.write_text(json.dumps({"n": len(events), "seed": seed, "probes": [
        {k: p[k] for k in ("id", "lat", "lon")} for p in probes],
        "generate_s": round(t1 - t0, 1), "write_s": round(t2 - t1, 1)}))
meta = json.loads(meta_file.read_text())
# Expected counts with the app's own functions (curated + stored, default filter).
import logging
logging.disable(logging.WARNING)
from geo.analysis.filters import apply_filter
try:
    from geo.ui.events import app_events, default_filter
    events, _ = app_events()
except Exception as exc:  # noqa: BLE001
    from geo.ui.events import default_filter
    cur = curated()
    stored = Store(store_dir).load_events().drop(columns="timestamp")
    stored = stored[~stored["id"].isin(set(cur["id"]))]
    events = pd.concat([cur, stored], ignore_index=True)
    meta["app_events_error"] = repr(exc)
f = default_filter(events)
out = {}
for name, layers in (("all", f.layers),
                     ("without", tuple(x for x in f.layers if x != "__FILTER_LAYER__"))):
    filtered = apply_filter(events, replace(f, layers=layers))
    located = int((filtered["latitude"].notna() & filtered["longitude"].notna()).sum())
    cells = None
    aggregated = False
    try:
        from geo import aggregate
        aggregated = located > aggregate.POINT_LIMIT
        if aggregated:
            cells = int(len(aggregate.grid_counts(filtered)))
    except Exception:  # noqa: BLE001
        pass
    out[name] = {"located": located, "aggregated": aggregated, "cells": cells}
meta.update({"events_total": int(len(events)), "expected": out,
             "store_mb": round(sum(p.stat().st_size for p in store_dir.iterdir()) / 1e6, 1)})
print(json.dumps(meta))
""".replace("__FILTER_LAYER__", FILTER_LAYER)


def store_key(app_dir: Path, n: int, seed: int) -> str:
    digest = hashlib.sha256()
    for rel in STORE_CODE:
        path = app_dir / rel
        digest.update(path.read_bytes() if path.exists() else b"-")
    digest.update(json.dumps([PROBE_TARGETS, PROBE_CLEAR_DEG]).encode())
    return f"n{n}-s{seed}-{digest.hexdigest()[:12]}"


def build_store(app_dir: Path, cache: Path, n: int, seed: int, timeout: float) -> dict:
    """The cached store of ``n`` events for ``app_dir`` (built when missing) and its
    expected counts, computed by the app's own code in a subprocess."""
    store = cache / store_key(app_dir, n, seed)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            BUILDER,
            str(app_dir),
            str(store),
            str(n),
            str(seed),
            json.dumps(PROBE_TARGETS),
            str(PROBE_CLEAR_DEG),
        ],
        cwd=app_dir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(app_dir)},
    )
    if run.returncode != 0:
        raise RuntimeError(f"store builder failed:\n{run.stderr[-3000:]}")
    meta = json.loads(run.stdout.strip().splitlines()[-1])
    meta["dir"] = str(store)
    return meta


def install_vendor(app_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", "from geo.render import assets; assets.install_vendor_assets()"],
        cwd=app_dir,
        check=True,
        timeout=120,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(app_dir)},
    )


# --- helpers --------------------------------------------------------------------------------


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def err_text(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}"[:400]


def stats(values: list[Any]) -> dict | None:
    vals = [float(v) for v in values if isinstance(v, (int, float))]
    if not vals:
        return None
    return {
        "median": round(statistics.median(vals), 1),
        "min": round(min(vals), 1),
        "max": round(max(vals), 1),
        "n": len(vals),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_loopback(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"data", "blob", "about"}:
        return True
    return (parsed.hostname or "") in {"127.0.0.1", "localhost", "::1", "[::1]"}


def proc_memory(pid: int) -> dict:
    """``VmRSS`` and ``VmHWM`` (peak) of a process in MB."""
    out: dict[str, float] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[{"VmRSS": "rss_mb", "VmHWM": "peak_mb"}[key]] = round(
                    int(value.split()[0]) / 1024, 1
                )
    return out


@contextlib.contextmanager
def streamlit_server(
    cwd: Path, script: str, log_path: Path, env: dict[str, str], timeout_s: float
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``streamlit run script`` in ``cwd`` on a free loopback port; yields (url, process)."""
    port = free_port()
    full_env = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONPATH": str(cwd),
        **env,
    }
    with log_path.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=full_env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log_path.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[str]:
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


class Traffic:
    """Websocket frames received (Playwright) and HTTP bytes (CDP) of one page, timed."""

    def __init__(self, context: Any, page: Any) -> None:
        self.ws: list[tuple[float, int]] = []
        self.ws_sent: list[tuple[float, int]] = []
        self.http: list[tuple[float, int]] = []

        def size(payload: Any) -> int:
            return len(payload.encode("utf-8")) if isinstance(payload, str) else len(payload)

        def on_ws(ws: Any) -> None:
            ws.on("framereceived", lambda p: self.ws.append((time.monotonic(), size(p))))
            ws.on("framesent", lambda p: self.ws_sent.append((time.monotonic(), size(p))))

        page.on("websocket", on_ws)
        self.cdp = None
        with contextlib.suppress(Exception):
            self.cdp = context.new_cdp_session(page)
            self.cdp.send("Network.enable")
            self.cdp.on(
                "Network.loadingFinished",
                lambda p: self.http.append(
                    (time.monotonic(), int(p.get("encodedDataLength") or 0))
                ),
            )

    def between(self, t0: float, t1: float) -> dict:
        def total(items: list[tuple[float, int]]) -> tuple[int, int]:
            chosen = [n for t, n in items if t0 <= t <= t1]
            return sum(chosen), len(chosen)

        ws_bytes, ws_frames = total(self.ws)
        sent, _ = total(self.ws_sent)
        http_bytes, http_n = total(self.http)
        return {
            "ws_bytes": ws_bytes,
            "ws_frames": ws_frames,
            "ws_sent_bytes": sent,
            "http_bytes": http_bytes,
            "http_responses": http_n,
        }


def map_frames(page: Any) -> list[Any]:
    return [f for f in reversed(page.frames) if MAP_FRAME in f.url and not f.is_detached()]


def frame_state(page: Any, since: float) -> tuple[Any, dict] | tuple[None, None]:
    """(frame, monitor state) of the newest map iframe whose monitor runs."""
    for frame in map_frames(page):
        with contextlib.suppress(Exception):
            state = frame.evaluate(FRAME_STATE_JS, since)
            if state and state.get("mode"):
                return frame, state
    return None, None


def painted_time(
    state: dict, since: float, expect: dict, require_change: bool
) -> tuple[float | None, dict]:
    """When the event layer was painted after ``since`` (abs ms), else None."""
    if state["mode"] == "points":
        for p in state["paints"]:
            t = p.get("lastPaint") or p.get("seen")
            if t and t > since and p.get("total") == expect["located"]:
                return t, {
                    "mode": "points",
                    "drawn": p.get("drawn"),
                    "total": p.get("total"),
                    "paints": p.get("paints"),
                    "token": p.get("token"),
                }
        return None, {}
    target = expect["cells"] if expect.get("aggregated") else expect["located"]
    last = state.get("lastChange")
    if (
        state.get("count") == target
        and last
        and state.get("paintAfter")
        and state["now"] - last >= STABLE_MS
        and (not require_change or last > since)
    ):
        return state["paintAfter"], {
            "mode": "legacy",
            "drawn": state["count"],
            "total": state["count"],
            "layers": state["layers"],
        }
    return None, {}


def wait_painted(
    page: Any, since: float, expect: dict, timeout: float, require_change: bool = True
) -> dict:
    """Poll the map iframe until its event layer has painted the expected count."""
    deadline = time.monotonic() + timeout
    state: dict | None = None
    mismatch: float | None = None
    while time.monotonic() < deadline:
        frame, state = frame_state(page, since)
        if state:
            t, info = painted_time(state, since, expect, require_change)
            if t is not None:
                return {"painted_abs": t, "frame": frame, "skew_ms": state.get("skew"), **info}
            if state["mode"] == "points" and state["paints"]:
                # Painted, but not the expected count: give it MISMATCH_S more, then fail.
                mismatch = mismatch or time.monotonic()
                if time.monotonic() - mismatch > MISMATCH_S:
                    totals = sorted({p.get("total") for p in state["paints"]}, key=str)
                    raise ValueError(
                        f"painted with total {totals}, expected {expect['located']} located events"
                    )
        page.wait_for_timeout(100)
    seen = None
    if state:
        seen = {k: state.get(k) for k in ("mode", "count", "layers", "stats", "error")}
        seen["paints"] = state.get("paints", [])[-3:]
    raise TimeoutError(
        f"event layer not painted with {expect} in {timeout:.0f} s; "
        f"monitor: {json.dumps(seen, default=str)[:600]}"
    )


def top_clicks(page: Any) -> list[float]:
    return page.evaluate("() => window.__mbClicks.slice()")


def wait_run_finished(page: Any, since: float, timeout: float) -> float:
    """Abs time at which a script run that started after ``since`` finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = page.evaluate("() => window.__mbRuns.slice()")
        started = False
        for t, state in runs:
            if t < since:
                continue
            if state == "running":
                started = True
            elif state == "notRunning" and started:
                return t
        page.wait_for_timeout(100)
    raise TimeoutError(f"no finished rerun after the click in {timeout:.0f} s")


def heap(page: Any, frame: Any | None) -> dict:
    out: dict[str, Any] = {}
    with contextlib.suppress(Exception):
        value = page.evaluate(HEAP_JS)
        out["page_mb"] = round(value / 1e6, 1) if value else None
    if frame is not None:
        with contextlib.suppress(Exception):
            value = frame.evaluate(HEAP_JS)
            out["frame_mb"] = round(value / 1e6, 1) if value else None
    return out


def launch(pw: Any, headed: bool) -> Any:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        raise RuntimeError(f"Chromium not found at {CHROMIUM}")
    return pw.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=not headed, timeout=60_000
    )


def new_context(browser: Any, init: bool = True) -> Any:
    context = browser.new_context(viewport=VIEWPORT)
    context.route(lambda u: not is_loopback(u), lambda route: route.abort())
    if init:
        context.add_init_script(INIT_JS)
    return context


def attempt(record: dict, key: str, fn: Callable[[], Any]) -> Any:
    """Run one step; on failure record its error under ``errors`` and go on."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - report, keep going
        record.setdefault("errors", []).append({"step": key, "error": err_text(exc)})
        log(f"    {key} failed: {err_text(exc)}")
        return None


# --- 1. blank floor -------------------------------------------------------------------------

BLANK_APP = """import streamlit as st

st.write("ok")
st.session_state["runs"] = st.session_state.get("runs", 0) + 1
st.button("rerun")
st.write(f"runs: {st.session_state['runs']}")
"""

# Abs time at which a <p> with exactly this text is visible (rAF polling; first time seen).
TEXT_SEEN_JS = """(text) => {
  const ok = [...document.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
    .find((p) => p.textContent.trim() === text && p.getBoundingClientRect().height);
  if (ok) { window.__seen = window.__seen || {};
            window.__seen[text] = window.__seen[text]
              || performance.timeOrigin + performance.now(); }
  return !!ok;
}"""


def blank_floor(browser: Any, work: Path, repeats: int, timeout: float) -> dict:
    """A one-line Streamlit app: first load (-> "ok" visible) and a rerun (button click ->
    the run's new text "runs: <k + 1>" visible; the script-state transition back to
    notRunning is recorded too when the frontend shows one)."""
    app = work / "blank"
    app.mkdir(exist_ok=True)
    (app / "app.py").write_text(BLANK_APP)
    out: dict[str, Any] = {
        "loadavg_start": loadavg(),
        "loads_ms": [],
        "reruns_ms": [],
        "reruns_state_ms": [],
    }

    def seen(page: Any, text: str) -> float:
        page.wait_for_function(TEXT_SEEN_JS, arg=text, polling="raf", timeout=timeout * 1000)
        return page.evaluate("(t) => window.__seen[t]", text)

    def one_load() -> tuple[Any, Any, float]:
        context = new_context(browser)
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=timeout * 1000)
        t = seen(page, "ok")
        return context, page, t - page.evaluate("() => performance.timeOrigin")

    with streamlit_server(app, "app.py", work / "blank.log", {}, timeout) as (u, proc):
        url = u
        context, page, ms = one_load()
        out["cold_load_ms"] = round(ms, 1)
        context.close()
        for i in range(repeats):
            context, page, ms = one_load()
            try:
                out["loads_ms"].append(round(ms, 1))
                seen(page, "runs: 1")
                settle_run(page, timeout)
                page.wait_for_timeout(300)
                t_before = now_abs(page)
                page.get_by_role("button", name="rerun").click()
                shown = seen(page, "runs: 2")
                click = next(t for t in top_clicks(page) if t >= t_before)
                out["reruns_ms"].append(round(shown - click, 1))
                with contextlib.suppress(Exception):
                    done = wait_run_finished(page, t_before, 5)
                    out["reruns_state_ms"].append(round(done - click, 1))
            except Exception as exc:  # noqa: BLE001 - report, keep going
                out.setdefault("errors", []).append(
                    {"step": f"blank {i + 1}", "error": err_text(exc)}
                )
            finally:
                context.close()
        out["server"] = proc_memory(proc.pid)
    out["load"] = stats(out["loads_ms"])
    out["rerun"] = stats(out["reruns_ms"])
    out["loadavg_end"] = loadavg()
    return out


# --- 2-8. the map page ----------------------------------------------------------------------


class Session:
    """One browser context and page on the map, with its traffic log and page errors."""

    def __init__(self, browser: Any) -> None:
        self.context = new_context(browser)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)[:300]))
        self.traffic = Traffic(self.context, self.page)
        self.frame: Any = None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()


def load_map(browser: Any, url: str, expect: dict, timeout: float) -> tuple[Session, dict]:
    """A fresh context and page on the map; (session, figures of the load)."""
    session = Session(browser)
    page = session.page
    try:
        t_mono = time.monotonic()
        page.goto(url, wait_until="commit", timeout=timeout * 1000)
        origin = page.evaluate("() => performance.timeOrigin")
        found = wait_painted(page, origin, expect, timeout, require_change=False)
    except Exception:
        session.close()
        raise
    load = {
        "load_ms": round(found["painted_abs"] - origin, 1),
        "wall_s": round(time.monotonic() - t_mono, 2),
        **{k: found.get(k) for k in ("mode", "drawn", "total", "layers", "skew_ms")},
    }
    session.frame = found["frame"]
    return session, load


def settle_run(page: Any, timeout: float) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=timeout * 1000
    )


def now_abs(page: Any) -> float:
    return page.evaluate("() => performance.timeOrigin + performance.now()")


def filter_step(session: Session, expect: dict, timeout: float) -> dict:
    """Click the "State violence (" checkbox; ms from the click to the painted layer."""
    page, traffic = session.page, session.traffic
    settle_run(page, timeout)
    since = now_abs(page)
    t0 = time.monotonic()
    page.locator('[data-testid="stSidebar"]').get_by_text(FILTER_LABEL).first.click()
    found = wait_painted(page, since, expect, timeout, require_change=True)
    click = next(t for t in top_clicks(page) if t >= since)
    row = {
        "painted_ms": round(found["painted_abs"] - click, 1),
        "mode": found.get("mode"),
        "drawn": found.get("drawn"),
        "total": found.get("total"),
    }
    try:
        done = wait_run_finished(page, since, timeout)
        row["rerun_ms"] = round(done - click, 1)
    except TimeoutError as exc:  # bytes then counted up to the paint + SETTLE_S
        row["rerun_error"] = err_text(exc)
    page.wait_for_timeout(SETTLE_S * 1000)  # Playwright dispatches frames while waiting
    row.update(traffic.between(t0, time.monotonic()))
    session.frame = found["frame"]
    return row


DRAG_COUNTER_JS = """() => { window.__drag = {frames: 0, worst: 0, last: performance.now(),
  t0: performance.now(), on: true};
  const tick = (now) => { const d = window.__drag; if (!d.on) { return; }
    d.frames += 1; d.worst = Math.max(d.worst, now - d.last); d.last = now;
    requestAnimationFrame(tick); };
  requestAnimationFrame(tick); return 1; }"""
DRAG_STOP_JS = """() => { const d = window.__drag; d.on = false;
  const elapsed = performance.now() - d.t0;
  return {fps: d.frames / (elapsed / 1000), frames: d.frames, elapsed_ms: elapsed,
          worst_frame_ms: d.worst}; }"""


def drag_step(page: Any, expect: dict, timeout: float) -> dict:
    """A real mouse drag across the map for about FPS_MS (what a user does to pan): frames
    per second counted by requestAnimationFrame in the map's frame; Leaflet repaints the
    events when the drag ends, as for a user."""
    frame = map_frames(page)[0]
    box = frame.frame_element().bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    frame.evaluate(DRAG_COUNTER_JS)
    page.mouse.move(x0, y0)
    page.mouse.down()
    t0 = time.monotonic()
    step = 0
    while time.monotonic() - t0 < FPS_MS / 1000:
        step += 1
        dx = 120 * math.sin(step / 6)
        page.mouse.move(x0 + dx, y0 + dx / 3, steps=2)
    page.mouse.up()
    result = frame.evaluate(DRAG_STOP_JS)
    page.wait_for_timeout(600)
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in result.items()}


def fps_step(page: Any, kind: str, expect: dict, timeout: float) -> dict:
    frame = map_frames(page)[0]
    result = frame.evaluate(FPS_JS, [kind, FPS_MS])
    restored = result.pop("restored")
    page.wait_for_timeout(400)
    with contextlib.suppress(Exception):  # back at the start view: wait for its paint (none
        # comes when the view is back inside the canvas painted last: a short wait)
        wait_painted(page, restored, expect, 3, require_change=expect.get("mode") == "points")
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in result.items()}


def click_step(session: Session, probe: dict, expect: dict, timeout: float) -> dict:
    """Zoom to the probe, click it; ms from the click to its panel."""
    page, traffic = session.page, session.traffic
    settle_run(page, timeout)
    frame = map_frames(page)[0]
    since = now_abs(page)
    frame.evaluate(
        "([lat, lng, z]) => { window.map.setView([lat, lng], z, {animate: false}); return 1; }",
        [probe["lat"], probe["lon"], PROBE_ZOOM],
    )
    row: dict[str, Any] = {"id": probe["id"]}
    page.wait_for_timeout(400)  # legacy: let the monitor see the new view first
    try:
        found = wait_painted(
            page, since, expect, min(timeout, 30), require_change=expect.get("mode") == "points"
        )
        row["zoom_painted_ms"] = round(found["painted_abs"] - since, 1)
        frame = found["frame"]
    except TimeoutError as exc:
        row["zoom_paint_error"] = err_text(exc)
    page.wait_for_timeout(300)
    point = frame.evaluate(
        "([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
        " const r = window.map.getContainer().getBoundingClientRect();"
        " return {x: p.x + r.left, y: p.y + r.top}; }",
        [probe["lat"], probe["lon"]],
    )
    box = frame.frame_element().bounding_box()
    page.evaluate("(id) => window.__mbWatchPanel(id)", probe["id"])
    since = now_abs(page)
    t0 = time.monotonic()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        seen = page.evaluate("() => window.__mbPanel && window.__mbPanel.seen")
        if seen:
            break
        page.wait_for_timeout(50)
    if not seen:
        raise TimeoutError(f"panel of {probe['id']} not shown in {timeout:.0f} s")
    clicks = [t for t in frame.evaluate("() => window.__mb.clicks.slice()") if t >= since]
    click = clicks[0] if clicks else since
    row["panel_ms"] = round(seen - click, 1)
    try:
        done = wait_run_finished(page, since, timeout)
        row["rerun_ms"] = round(done - click, 1)
    except TimeoutError as exc:  # bytes then counted up to the panel + SETTLE_S
        row["rerun_error"] = err_text(exc)
    page.wait_for_timeout(SETTLE_S * 1000)  # Playwright dispatches frames while waiting
    row.update(traffic.between(t0, time.monotonic()))
    return row


def more_cold_loads(
    browser: Any, app_dir: Path, meta: dict, work: Path, count: int, load_timeout: float
) -> list[dict]:
    """``count`` more first loads right after a server start, each on a server of its own
    (the cold load is one sample per server start: a median needs several starts)."""
    loads = []
    env = {"SAHEL_ATLAS_DATA_DIR": meta["dir"]}
    for i in range(count):
        log_path = work / f"server-{meta['n']}-cold-{i + 2}.log"
        with streamlit_server(app_dir, "dashboard.py", log_path, env, load_timeout) as (url, _):
            session, load = load_map(browser, url, dict(meta["expected"]["all"]), load_timeout)
            session.close()
        loads.append(load)
        log(f"    cold load {i + 2}: {load['load_ms']} ms")
    return loads


def cold_ms(res: dict) -> list[float]:
    """Every cold load of a size (the first and :func:`more_cold_loads`), in ms."""
    loads = [res.get("cold_load") or {}, *res.get("more_cold_loads", [])]
    return [load["load_ms"] for load in loads if load.get("load_ms") is not None]


def measure_size(
    browser: Any,
    app_dir: Path,
    meta: dict,
    work: Path,
    repeats: int,
    timeout: float,
    load_timeout: float,
) -> dict:
    n = meta["n"]
    exp_all = dict(meta["expected"]["all"])
    exp_without = dict(meta["expected"]["without"])
    res: dict[str, Any] = {
        "n": n,
        "store": {
            k: meta.get(k)
            for k in (
                "dir",
                "store_mb",
                "events_total",
                "probes",
                "generate_s",
                "write_s",
                "app_events_error",
            )
        },
        "expected": meta["expected"],
        "loadavg_start": loadavg(),
        "warm_loads": [],
        "filter_off": [],
        "filter_on": [],
        "fps_pan": [],
        "fps_zoom": [],
        "clicks": [],
        "server": {},
    }
    env = {"SAHEL_ATLAS_DATA_DIR": meta["dir"]}
    with streamlit_server(app_dir, "dashboard.py", work / f"server-{n}.log", env, load_timeout) as (
        url,
        proc,
    ):
        res["server"]["after_start"] = proc_memory(proc.pid)

        def cold() -> None:
            session, load = load_map(browser, url, exp_all, load_timeout)
            res["cold_load"] = load
            log(f"    cold load {load['load_ms']} ms ({load['mode']}, {load['total']})")
            session.close()

        attempt(res, "cold load", cold)
        res["server"]["after_cold"] = proc_memory(proc.pid)
        kept: Session | None = None
        for i in range(repeats):

            def warm(i: int = i) -> Session:
                session, load = load_map(browser, url, exp_all, load_timeout)
                res["warm_loads"].append(load)
                log(f"    warm load {i + 1}: {load['load_ms']} ms")
                return session

            got = attempt(res, f"warm load {i + 1}", warm)
            if got is not None:
                if kept is not None:
                    kept.close()
                kept = got
        res["server"]["after_warm"] = proc_memory(proc.pid)
        if kept is None:  # no page to work on
            res["loadavg_end"] = loadavg()
            return res
        session, page = kept, kept.page
        try:
            mode = res["warm_loads"][-1]["mode"] if res["warm_loads"] else None
            exp_all["mode"] = exp_without["mode"] = mode
            res["heap_after_load"] = heap(page, session.frame)
            for i in range(repeats):
                row = attempt(
                    res, f"filter off {i + 1}", lambda: filter_step(session, exp_without, timeout)
                )
                if row:
                    res["filter_off"].append(row)
                    log(f"    filter off {i + 1}: {row['painted_ms']} ms, ws {row['ws_bytes']:,} B")
                row = attempt(
                    res, f"filter on {i + 1}", lambda: filter_step(session, exp_all, timeout)
                )
                if row:
                    res["filter_on"].append(row)
                    log(f"    filter on {i + 1}: {row['painted_ms']} ms")
            page.wait_for_timeout(500)
            for kind in ("pan", "zoom"):
                for i in range(repeats):
                    row = attempt(
                        res,
                        f"fps {kind} {i + 1}",
                        lambda kind=kind: fps_step(page, kind, exp_all, timeout),
                    )
                    if row:
                        res[f"fps_{kind}"].append(row)
                        log(f"    fps {kind} {i + 1}: {row['fps']}")
            res.setdefault("fps_drag", [])
            for i in range(repeats):
                row = attempt(res, f"fps drag {i + 1}", lambda: drag_step(page, exp_all, timeout))
                if row:
                    res["fps_drag"].append(row)
                    log(f"    fps drag {i + 1}: {row['fps']}")
            legacy_cells = mode == "legacy" and exp_all.get("aggregated")
            probes = meta.get("probes") or []
            if legacy_cells:
                res["click_na"] = "n/a: grid cells"
            elif len(probes) < 1:
                res["click_na"] = "n/a: no probe event"
            else:
                for i in range(repeats):
                    probe = probes[i % len(probes)]
                    row = attempt(
                        res,
                        f"click {i + 1}",
                        lambda probe=probe: click_step(session, probe, exp_all, timeout),
                    )
                    if row:
                        res["clicks"].append(row)
                        log(
                            f"    click {i + 1}: {row['panel_ms']} ms to the panel, "
                            f"ws {row['ws_bytes']:,} B"
                        )
            frames = map_frames(page)
            frame = frames[0] if frames else None
            res["heap_end"] = heap(page, frame)
            if session.traffic.cdp is not None:
                with contextlib.suppress(Exception):
                    session.traffic.cdp.send("HeapProfiler.collectGarbage")
                    res["heap_end_after_gc"] = heap(page, frame)
            res["page_errors"] = session.errors[:20]
        finally:
            res["server"]["end"] = proc_memory(proc.pid)
            session.close()
    res["loadavg_end"] = loadavg()
    return res


# --- 9. the naive page ----------------------------------------------------------------------

NAIVE_BUILDER = r"""
import sys
app_dir, out, n, seed, marks = sys.argv[1:6]
sys.path.insert(0, app_dir)
from geo.render import mapbuild
from scripts.naive_layer import naive_marker_group
from scripts.synthetic_events import make_events
fmap = mapbuild.offline_map()
naive_marker_group(make_events(int(n), seed=int(seed))).add_to(fmap)
page = fmap.get_root().render()
cut = page.rindex("</html>")
page = page[:cut] + marks.replace("__MAP__", fmap.get_name()) + page[cut:]
open(out, "w", encoding="utf-8").write(page)
"""


def naive_page(
    browser: Any, app_dir: Path, work: Path, n: int, seed: int, repeats: int, timeout: float
) -> dict:
    out: dict[str, Any] = {
        "n": n,
        "loadavg_start": loadavg(),
        "loads_ms": [],
        "fps_pan": [],
        "fps_zoom": [],
    }
    root = work / "naive"
    (root / "bench").mkdir(parents=True, exist_ok=True)
    (root / "app").mkdir(exist_ok=True)
    link = root / "app" / "static"
    if not link.exists():
        link.symlink_to(app_dir / "static", target_is_directory=True)
    page_file = root / "bench" / "naive.html"
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            NAIVE_BUILDER,
            str(app_dir),
            str(page_file),
            str(n),
            str(seed),
            NAIVE_MARKS_JS,
        ],
        cwd=app_dir,
        check=True,
        timeout=timeout * 3,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(app_dir)},
    )
    out["build_s"] = round(time.perf_counter() - t0, 1)
    out["html_mb"] = round(page_file.stat().st_size / 1e6, 2)
    with static_server(root) as base:
        url = f"{base}/bench/naive.html"
        for i in range(repeats):
            context = new_context(browser, init=False)
            try:
                page = context.new_page()
                page.goto(url, wait_until="commit", timeout=timeout * 1000)
                page.wait_for_function("() => window.__naive", timeout=timeout * 1000)
                naive = page.evaluate("() => window.__naive")
                out["loads_ms"].append(round(naive["painted"], 1))
                out["layers"] = naive["markers"]
                log(f"    naive load {i + 1}: {naive['painted']:.0f} ms")
                if i == repeats - 1:
                    out["heap"] = heap(page, None)
                    for kind in ("pan", "zoom"):
                        for j in range(repeats):
                            row = attempt(
                                out,
                                f"naive fps {kind} {j + 1}",
                                lambda kind=kind, page=page: page.evaluate(FPS_JS, [kind, FPS_MS]),
                            )
                            if row:
                                row.pop("restored", None)
                                out[f"fps_{kind}"].append(
                                    {
                                        k: round(v, 1) if isinstance(v, float) else v
                                        for k, v in row.items()
                                    }
                                )
                                log(f"    naive fps {kind} {j + 1}: {row['fps']:.1f}")
            except Exception as exc:  # noqa: BLE001 - report, keep going
                out.setdefault("errors", []).append(
                    {"step": f"naive load {i + 1}", "error": err_text(exc)}
                )
            finally:
                context.close()
    out["load"] = stats(out["loads_ms"])
    out["loadavg_end"] = loadavg()
    return out


# --- report ---------------------------------------------------------------------------------


def fmt_stats(s: dict | None, scale: float = 1.0, digits: int = 0, unit: str = "") -> str:
    if not s:
        return "-"
    f = f"{{:,.{digits}f}}"
    med, lo, hi = (f.format(s[k] / scale) for k in ("median", "min", "max"))
    return f"{med}{unit} [{lo}-{hi}]" if s.get("n", 1) > 1 else f"{med}{unit}"


def summarise(res: dict) -> dict:
    s: dict[str, Any] = {}
    s["warm_load"] = stats([r["load_ms"] for r in res.get("warm_loads", [])])
    s["filter_off"] = stats([r["painted_ms"] for r in res.get("filter_off", [])])
    s["filter_on"] = stats([r["painted_ms"] for r in res.get("filter_on", [])])
    s["filter_rerun"] = stats([r["rerun_ms"] for r in res.get("filter_off", [])])
    s["filter_ws"] = stats([r["ws_bytes"] for r in res.get("filter_off", [])])
    s["filter_http"] = stats([r["http_bytes"] for r in res.get("filter_off", [])])
    s["click_panel"] = stats([r["panel_ms"] for r in res.get("clicks", [])])
    s["click_ws"] = stats([r["ws_bytes"] for r in res.get("clicks", [])])
    s["click_http"] = stats([r["http_bytes"] for r in res.get("clicks", [])])
    s["fps_pan"] = stats([r["fps"] for r in res.get("fps_pan", [])])
    s["fps_zoom"] = stats([r["fps"] for r in res.get("fps_zoom", [])])
    s["fps_drag"] = stats([r["fps"] for r in res.get("fps_drag", [])])
    return s


def report(results: dict) -> str:
    meta = results["meta"]
    lines = [
        f"Map benchmark, app dir `{meta['app_dir']}` ({meta.get('git', '?')}), "
        f"{meta['date']}, {meta['cpus']} CPUs, Python {meta['python']}; load average "
        f"(1/5/15 min) at start {meta['loadavg_start']}, at end "
        f"{meta.get('loadavg_end')}. Figures: median [min-max] of "
        f"{meta['repeats']} repeats; ms unless stated.",
        "",
    ]
    head = (
        "| N | located (drawn as) | first load cold | first load warm | filter -> painted"
        " (off) | (on again) | click -> panel | ws KB filter / click rerun "
        "| http KB filter / click | server RSS / peak MB | heap page / frame MB "
        "| fps pan | fps zoom | load avg |"
    )
    lines += [head, "|" + "---|" * 14]
    blank = results.get("blank")
    if blank:
        lines.append(
            f"| blank Streamlit | - | {fmt_stats(stats([blank.get('cold_load_ms')]))} "
            f"| {fmt_stats(blank.get('load'))} | rerun {fmt_stats(blank.get('rerun'))} | - | - "
            f"| - | - | {blank.get('server', {}).get('rss_mb', '-')} / "
            f"{blank.get('server', {}).get('peak_mb', '-')} | - | - | - "
            f"| {blank.get('loadavg_start')} |"
        )
    for res in results.get("sizes", []):
        s = res.get("summary", {})
        exp = res.get("expected", {}).get("all", {})
        mode = (res.get("cold_load") or (res.get("warm_loads") or [{}])[0]).get("mode")
        drawn = (
            "points"
            if mode == "points"
            else f"{exp.get('cells'):,} grid cells"
            if exp.get("aggregated")
            else "markers"
        )
        colds = cold_ms(res)
        click = res.get("click_na") or fmt_stats(s.get("click_panel"))
        server = res.get("server", {}).get("end") or res.get("server", {}).get("after_warm", {})
        heap_end = res.get("heap_end") or {}
        lines.append(
            f"| {res['n']:,} | {exp.get('located', 0):,} ({drawn}) "
            f"| {fmt_stats(stats(colds))} | {fmt_stats(s.get('warm_load'))} "
            f"| {fmt_stats(s.get('filter_off'))} | {fmt_stats(s.get('filter_on'))} "
            f"| {click} "
            f"| {fmt_stats(s.get('filter_ws'), 1e3, 1)} / {fmt_stats(s.get('click_ws'), 1e3, 1)} "
            f"| {fmt_stats(s.get('filter_http'), 1e3, 1)} / "
            f"{fmt_stats(s.get('click_http'), 1e3, 1)} "
            f"| {server.get('rss_mb', '-')} / {server.get('peak_mb', '-')} "
            f"| {heap_end.get('page_mb', '-')} / {heap_end.get('frame_mb', '-')} "
            f"| {fmt_stats(s.get('fps_pan'), digits=1)} | {fmt_stats(s.get('fps_zoom'), digits=1)}"
            f" | {res.get('loadavg_start')} |"
        )
    naive = results.get("naive")
    if naive:
        ns = {k: stats([r["fps"] for r in naive.get(k, [])]) for k in ("fps_pan", "fps_zoom")}
        lines.append(
            f"| naive {naive['n']:,} CircleMarkers (standalone page) | {naive['n']:,} | - "
            f"| {fmt_stats(naive.get('load'))} | - | - | - | - | - | - "
            f"| {naive.get('heap', {}).get('page_mb', '-')} / - "
            f"| {fmt_stats(ns['fps_pan'], digits=1)} | {fmt_stats(ns['fps_zoom'], digits=1)} "
            f"| {naive.get('loadavg_start')} |"
        )
    lines += [
        "",
        "Targets of issue #11 (medians):",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    blank_load = (blank or {}).get("load", {}) or {}
    for res in results.get("sizes", []):
        s = res.get("summary", {})
        n = res["n"]

        def row(name: str, value: float | None, limit: float, text: str) -> None:
            met = "-" if value is None else ("yes" if value <= limit else "NO")
            lines.append(f"| {name} | {text if value is not None else '-'} | {met} |")

        if n == 200_000:
            fo = (s.get("filter_off") or {}).get("median")
            row("200k: filter change -> painted <= 1.5 s", fo, 1500, f"{(fo or 0) / 1e3:.2f} s")
            wl = (s.get("warm_load") or {}).get("median")
            bl = blank_load.get("median")
            ratio = wl / bl if wl and bl else None
            row(
                "200k: first load (warm) <= 2.5x blank page load",
                ratio,
                2.5,
                f"{(wl or 0) / 1e3:.2f} s / {(bl or 0) / 1e3:.2f} s = {(ratio or 0):.1f}x",
            )
            cl = (s.get("click_panel") or {}).get("median")
            if res.get("click_na"):
                lines.append(f"| 200k: click -> panel <= 1 s | {res['click_na']} | NO |")
            else:
                row("200k: click -> panel <= 1 s", cl, 1000, f"{(cl or 0) / 1e3:.2f} s")
            for kind in ("pan", "drag", "zoom"):
                fps = (s.get(f"fps_{kind}") or {}).get("median")
                met = "-" if fps is None else ("yes" if fps >= 30 else "NO")
                lines.append(
                    f"| 200k: {kind} >= 30 fps | "
                    f"{f'{fps:.1f} fps' if fps is not None else '-'} | {met} |"
                )
        if n == 1_000_000:
            wl = (s.get("warm_load") or {}).get("median")
            row("1M: first load (warm) <= 5 s", wl, 5000, f"{(wl or 0) / 1e3:.2f} s")
            colds = cold_ms(res)
            cold = statistics.median(colds) if colds else None
            row(
                f"1M: first load (cold, after server start; median of {len(colds)}) <= 5 s",
                cold,
                5000,
                f"{(cold or 0) / 1e3:.2f} s",
            )
            peak = (res.get("server", {}).get("end") or {}).get("peak_mb")
            row("1M: server memory (peak RSS) <= 1.5 GB", peak, 1536, f"{peak} MB")
    errors = [(r["n"], e) for r in results.get("sizes", []) for e in r.get("errors", [])]
    errors += [("blank", e) for e in (blank or {}).get("errors", [])]
    errors += [("naive", e) for e in (naive or {}).get("errors", [])]
    errors += [(k, {"step": k, "error": v}) for k, v in results.get("failed", {}).items()]
    if errors:
        lines += ["", "Failed steps:"] + [f"- {n}: {e['step']}: {e['error']}" for n, e in errors]
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=REPO,
        help="the directory holding dashboard.py (default: this checkout)",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[10_000, 200_000, 1_000_000],
        help="store sizes (none: only the blank floor and the naive page)",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--cold-repeats",
        type=int,
        default=1,
        help="server starts per size for the cold first load (its median)",
    )
    parser.add_argument("--naive-size", type=int, default=20_000, help="0 skips it")
    parser.add_argument("--no-blank", action="store_true", help="skip the blank floor")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store-cache", type=Path, default=STORE_CACHE)
    parser.add_argument("--out", type=Path, default=RESULT_FILE)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per step")
    parser.add_argument(
        "--load-timeout", type=float, default=420.0, help="seconds per page load / server start"
    )
    parser.add_argument("--headed", action="store_true")
    args = parser.parse_args(argv)
    app_dir = args.app_dir.resolve()
    if not (app_dir / "dashboard.py").exists():
        parser.error(f"no dashboard.py in {app_dir}")
    git = subprocess.run(
        ["git", "-C", str(app_dir), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    results: dict[str, Any] = {
        "meta": {
            "date": Date.today().isoformat(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "app_dir": str(app_dir),
            "git": git,
            "sizes": args.sizes,
            "repeats": args.repeats,
            "seed": args.seed,
            "loadavg_start": loadavg(),
            "probe_clear_deg": PROBE_CLEAR_DEG,
            "probe_zoom": PROBE_ZOOM,
            "stable_ms": STABLE_MS,
            "fps_ms": FPS_MS,
            "chromium": CHROMIUM,
        },
        "sizes": [],
        "failed": {},
    }

    def save() -> None:
        results["meta"]["loadavg_end"] = loadavg()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")

    work = Path(tempfile.mkdtemp(prefix="sahel-benchmap-"))
    try:
        log(f"installing vendor assets in {app_dir}")
        install_vendor(app_dir)
        metas: dict[int, dict] = {}
        for n in args.sizes:
            log(f"store of {n:,} events (built once, cached under {args.store_cache})")
            t0 = time.perf_counter()
            try:
                metas[n] = build_store(
                    app_dir, args.store_cache, n, args.seed, timeout=max(1800.0, args.load_timeout)
                )
                log(
                    f"  ready in {time.perf_counter() - t0:.0f} s: expected "
                    f"{metas[n]['expected']}, probes {metas[n]['probes']}"
                )
            except Exception as exc:  # noqa: BLE001 - report, keep going
                results["failed"][f"store {n}"] = err_text(exc)
                log(f"  store failed: {exc}")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = launch(pw, args.headed)
            try:
                if not args.no_blank:
                    log("blank Streamlit floor")
                    try:
                        results["blank"] = blank_floor(browser, work, args.repeats, args.timeout)
                        log(
                            f"  blank: load {results['blank']['load']}, "
                            f"rerun {results['blank']['rerun']}"
                        )
                    except Exception as exc:  # noqa: BLE001
                        results["failed"]["blank"] = err_text(exc)
                        log(f"  blank failed: {traceback.format_exc()}")
                    save()
                for n in args.sizes:
                    if n not in metas:
                        continue
                    log(f"map page with {n:,} stored events")
                    try:
                        res = measure_size(
                            browser,
                            app_dir,
                            metas[n],
                            work,
                            args.repeats,
                            args.timeout,
                            args.load_timeout,
                        )
                        if args.cold_repeats > 1:
                            res["more_cold_loads"] = more_cold_loads(
                                browser,
                                app_dir,
                                metas[n],
                                work,
                                args.cold_repeats - 1,
                                args.load_timeout,
                            )
                        res["summary"] = summarise(res)
                        results["sizes"].append(res)
                    except Exception as exc:  # noqa: BLE001
                        results["failed"][f"map {n}"] = err_text(exc)
                        log(f"  map {n} failed: {traceback.format_exc()}")
                    save()
                if not args.no_naive and args.naive_size > 0:
                    log(f"naive page, {args.naive_size:,} CircleMarkers")
                    try:
                        results["naive"] = naive_page(
                            browser,
                            app_dir,
                            work,
                            args.naive_size,
                            args.seed,
                            args.repeats,
                            args.timeout,
                        )
                    except Exception as exc:  # noqa: BLE001
                        results["failed"]["naive"] = err_text(exc)
                        log(f"  naive failed: {traceback.format_exc()}")
                    save()
            finally:
                browser.close()
    finally:
        save()
        shutil.rmtree(work, ignore_errors=True)
    print(report(results))
    print(f"\nraw figures: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
