"""Benchmark of the store's spatial queries on both backends: per-unit counts and boxes.

For each N (default 200,000) synthetic events (``scripts/synthetic_events.py``), written
once into an SQLite store and once into a PostgreSQL/PostGIS store on a throwaway server
(``tests/pgserver.py``: Debian's packages, a socket in a temporary folder, fsync off), it
times, ``--repeats`` times each (medians with min and max):

* ``unit_sums_s``: the per-unit sums of the map's default filter (the choropleth's and
  the region panel's numbers, :meth:`geo.io.store.Store.unit_sums`: the filter as SQL,
  grouped by the events' unit);
* ``region_sums_s``: one unit's sums (the region panel's line; a unit of median size);
* ``region_events_s``: one unit's selected events (the region panel's table,
  :meth:`geo.io.store.Store.matching_events` with ``admin1_id``; the unit with the most
  events);
* ``region_events_map_columns_s``: the same in the map's columns only (what the panel
  reads: :data:`geo.render.mapview.MAP_COLUMNS`);
* ``near_s``: the selected events within 0.05 degrees of a point (a click's spot; the
  shared store through its GiST index);
* ``bbox_s``: :meth:`geo.io.store.Store.events_in_bbox`, a box of 1 x 1 degree around
  the same point (unfiltered);
* ``counts_per_unit_s``: :meth:`geo.io.store.Store.counts_per_unit` (every event joined
  with the admin-1 polygons: ``ST_Intersects`` in PostGIS, a geopandas join in memory for
  SQLite);

and, for comparison, the in-memory path the SQLite app keeps (``memory_*``: numpy and
pandas on the app's events frame, its mask already made). Results go to
``artifacts/benchmark_spatial.json`` and a table on stdout.

``--apptest K`` also runs the map page in AppTest on each store (K fresh processes):
``first_run_s``, ``click_largest_unit_s`` / ``click_median_unit_s`` (a rerun after a click
on the unit with most events and on one of median size: the region panel with its counts
and its table of events) and ``rerun_s`` (nothing changed: every answer cached).

    python -m scripts.benchmark_spatial [--sizes 200000] [--repeats 5] [--apptest 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
POINT = (14.0, -1.5)  # lat, lon: northern Burkina Faso, where synthetic events are dense


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(action: Callable[[], object], repeats: int) -> dict[str, float]:
    """Median, min and max seconds of ``repeats`` runs of ``action`` (after one warm run)."""
    action()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return {
        "median": round(statistics.median(times), 4),
        "min": round(min(times), 4),
        "max": round(max(times), 4),
    }


def events_of(n: int):
    import pandas as pd

    from geo.io.store import row_hash
    from scripts.synthetic_events import make_events

    base = make_events(min(n, 200_000), seed=1)
    parts, copy = [], 0
    while sum(len(p) for p in parts) < n:
        parts.append(base if copy == 0 else base.assign(id=base["id"] + f"-r{copy}"))
        copy += 1
    events = pd.concat(parts, ignore_index=True).iloc[:n].copy()
    events["dataset"] = "synthetic"
    events["timestamp"] = 0
    events["row_hash"] = row_hash(events)
    return events


def measure(store, events, repeats: int) -> dict[str, dict[str, float]]:
    """The store's queries and the in-memory path on the same events."""
    import numpy as np

    from geo.analysis.duplicates import find_duplicates
    from geo.analysis.filters import filter_mask
    from geo.analysis.instore import store_query
    from geo.analysis.measures import admin1_counts
    from geo.analysis.selection import events_near
    from geo.render.mapview import MAP_COLUMNS
    from geo.ui.events import default_filter

    frame = events.drop(columns=["timestamp", "row_hash"])
    f = default_filter(frame)
    rows = filter_mask(frame, f)
    shown = frame[rows]
    pairs = find_duplicates(frame)
    query = store_query(store, f, None, frame, rows, pairs)
    placed = shown["admin1_id"][shown["admin1_id"] != ""].value_counts()
    unit, small = placed.index[0], placed.index[len(placed) // 2]
    lat, lon = POINT
    out = {
        "unit_sums_s": timed(lambda: store.unit_sums(query), repeats),
        "region_sums_s": timed(lambda: store.unit_sums(query, admin1_id=small), repeats),
        "region_events_s": timed(lambda: store.matching_events(query, admin1_id=unit), repeats),
        "region_events_map_columns_s": timed(
            lambda: store.matching_events(query, admin1_id=unit, columns=MAP_COLUMNS), repeats
        ),
        "near_s": timed(lambda: store.matching_events(query, near=(lat, lon, 0.05)), repeats),
        "bbox_s": timed(
            lambda: store.events_in_bbox(lon - 0.5, lat - 0.5, lon + 0.5, lat + 0.5), repeats
        ),
        "counts_per_unit_s": timed(store.counts_per_unit, max(1, repeats // 2)),
        "memory_unit_sums_s": timed(lambda: admin1_counts(frame[rows]), repeats),
        "memory_region_events_s": timed(
            lambda: shown[shown["admin1_id"] == unit].sort_values("date", kind="stable"), repeats
        ),
        "memory_near_s": timed(lambda: events_near(shown, lat, lon), repeats),
    }
    out["units_clicked"] = {"largest_unit": str(unit), "median_unit": str(small)}
    out["sizes"] = {
        "region_events": len(store.matching_events(query, admin1_id=unit)),
        "median_unit_events": int(placed[small]),
        "near": len(store.matching_events(query, near=(lat, lon, 0.05))),
        "bbox": len(store.events_in_bbox(lon - 0.5, lat - 0.5, lon + 0.5, lat + 0.5)),
        "units": len(store.unit_sums(query)),
        "selected": int(np.count_nonzero(rows)),
    }
    return out


APPTEST = r"""
import json, sys, time
from streamlit.testing.v1 import AppTest
units = json.loads(sys.argv[1])
at = AppTest.from_file("dashboard.py", default_timeout=900)
at.session_state["lang"] = "en"
t = time.perf_counter(); at.run(); out = {"first_run_s": time.perf_counter() - t}
assert not at.exception, at.exception
for name, unit in units.items():
    at.session_state["atlas_map"] = {"last_object_clicked": {"lat": 0, "lng": float(len(out))},
        "last_active_drawing": {"type": "Feature", "properties": {"kind": "admin1", "id": unit}}}
    t = time.perf_counter(); at.run(); out[f"click_{name}_s"] = time.perf_counter() - t
    assert not at.exception, at.exception
    assert any(unit in h.value for h in at.get("html")), unit
t = time.perf_counter(); at.run(); out["rerun_s"] = time.perf_counter() - t
print(json.dumps(out))
"""


def apptest_runs(env: dict[str, str], units: dict[str, str], repeats: int) -> dict[str, dict]:
    """The map page in AppTest (a fresh process each time): its first run, a click on
    each of ``units`` (the region panel: counts and events) and a rerun that changes
    nothing (server time only, no browser)."""
    import subprocess

    runs = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", APPTEST, json.dumps(units)],
            cwd=REPO,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-4000:])
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        key: {
            "median": round(statistics.median(r[key] for r in runs), 4),
            "min": round(min(r[key] for r in runs), 4),
            "max": round(max(r[key] for r in runs), 4),
        }
        for key in runs[0]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--apptest",
        type=int,
        default=0,
        metavar="K",
        help="also time the map page's region click in AppTest, K fresh processes a backend",
    )
    args = parser.parse_args(argv)

    from geo.io.pgstore import PgStore
    from geo.io.store import DatasetInfo, Store
    from tests import pgserver

    reason = pgserver.missing()
    if reason:
        log(f"no PostgreSQL/PostGIS server here: {reason}")
        return 2
    results: dict[str, dict] = {}
    server = pgserver.start()
    try:
        import psycopg

        for n in args.sizes:
            log(f"generating {n} synthetic events")
            events = events_of(n)
            info = DatasetInfo("synthetic", "app", "bench", "2026-01-01", "s.csv", "", n)
            with tempfile.TemporaryDirectory(prefix="sahel-atlas-spatial-") as work:
                os.environ["SAHEL_ATLAS_DATA_DIR"] = work
                database = f"bench_{n}"
                with psycopg.connect(server.url(), autocommit=True) as con:
                    con.execute(f"DROP DATABASE IF EXISTS {database}")
                    con.execute(f"CREATE DATABASE {database}")
                stores = {
                    "sqlite": Store(Path(work) / "sqlite"),
                    "postgres": PgStore(server.url(database), Path(work) / "pg"),
                }
                for name, store in stores.items():
                    log(f"{n}: writing the {name} store")
                    start = time.perf_counter()
                    store.write(events, info)
                    log(f"{n}: {name} written in {time.perf_counter() - start:.1f} s")
                    if name == "postgres":
                        with psycopg.connect(server.url(database), autocommit=True) as con:
                            con.execute("ANALYZE")
                    log(f"{n}: measuring {name}")
                    results[f"{name} {n}"] = measure(store, events, args.repeats)
                    if args.apptest:
                        env = {"SAHEL_ATLAS_DATA_DIR": str(store.directory)}
                        if name == "postgres":
                            env = {
                                "SAHEL_ATLAS_DATA_DIR": str(Path(work) / "pg-app"),
                                "SAHEL_ATLAS_DATABASE_URL": server.url(database),
                            }
                        log(f"{n}: the map page in AppTest on {name}")
                        units = results[f"{name} {n}"]["units_clicked"]
                        results[f"{name} {n}"].update(apptest_runs(env, units, args.apptest))
    finally:
        pgserver.stop(server)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "benchmark_spatial.json").write_text(json.dumps(results, indent=2) + "\n")
    keys = [k for k in next(iter(results.values())) if k not in ("sizes", "units_clicked")]
    print("| measure | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for key in keys:
        cells = [
            f"{r[key]['median'] * 1000:.1f} ms [{r[key]['min'] * 1000:.1f}-"
            f"{r[key]['max'] * 1000:.1f}]"
            for r in results.values()
        ]
        print(f"| {key} | " + " | ".join(cells) + " |")
    for name, r in results.items():
        print(f"{name}: {r['sizes']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
