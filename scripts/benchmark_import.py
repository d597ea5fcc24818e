"""Benchmark of the imports and of the map on a large local store.

0. The issue's case: a 1,000,000-row ACLED-shaped CSV (368 MB, 351 MiB) imported in one go
   through the command line into an empty store, three times: median, min and max wall
   time, CPU time and peak memory of the import process, each run with the load average
   before and after it (the machine is shared: CPU seconds say what the import needed,
   wall seconds what it got) (``--only-one-go`` for this step alone, written to
   ``artifacts/benchmark_import_one_go.json``).
1. Generates a 200,000-row ACLED-shaped CSV (scripts/synthetic_acled.py) and imports it with
   validation through the command line (``python -m geo.io.cli import FILE --yes``) into an
   empty temporary store: wall time and peak memory (``wait4``'s rusage of the child).
2. Builds a store of 1,000,000 events (the imported events replicated under new ids): write
   time, file sizes, reading it through its snapshot and rebuilding it from SQLite.
3. Opens the dashboard's map on it in Debian Chromium (real ``streamlit run``): seconds from
   navigation until the map has drawn: the first open after the import, then ``--reopens``
   times a server restart and an open ("reopening the dashboard"), each followed by a
   second open on the running server (warm).

Figures go to ``artifacts/benchmark_import.json``. Every step has a timeout.

    python -m scripts.benchmark_import [--rows 200000] [--store-rows 1000000] [--reopens 3]
                                       [--one-go-rows 1000000] [--one-go-runs 3]
                                       [--one-go-csv FILE] [--only-one-go]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _cli_import(csv: Path, store_dir: Path, timeout: float = 1200) -> dict:
    """One ``python -m geo.io.cli import FILE --yes`` into ``store_dir``: wall seconds,
    CPU seconds (user + system: what the import itself needed, whatever else ran) and the
    peak resident memory of that process alone (``wait4``'s rusage of the child)."""
    env = {**os.environ, "SAHEL_ATLAS_DATA_DIR": str(store_dir)}
    log = store_dir.parent / f"{store_dir.name}.log"
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "geo.io.cli", "import", str(csv), "--yes"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                raise RuntimeError(f"import of {csv} took over {timeout} s")
            time.sleep(0.05)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text()
    if proc.returncode != 0:
        raise RuntimeError(text[-2000:])
    lines = [ln for ln in text.splitlines() if not ln.startswith("progress")]
    return {
        "seconds": round(seconds, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "report": lines[:8],
    }


def _load() -> str:
    """What else ran: the load average when a measurement starts (2 cores: 2.0 = busy)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def import_benchmark(rows: int, work: Path) -> dict:
    from scripts.synthetic_acled import generate

    csv = work / f"acled_{rows}.csv"
    generate(rows, seed=7).to_csv(csv, index=False)
    store_dir = work / "store_import"
    load = _load()
    run = _cli_import(csv, store_dir)
    return {
        "rows": rows,
        "file_mb": round(csv.stat().st_size / 1024**2, 1),
        "load_before": load,
        **run,
        "store_dir": str(store_dir),
    }


def one_go_benchmark(rows: int, runs: int, work: Path, csv: Path | None = None) -> dict:
    """The issue's case: a ``rows``-row ACLED CSV imported in one go into an empty store,
    ``runs`` times (each into a new store); median and every run's wall time and peak
    memory, with the load average before each run (other programs on the machine)."""
    from scripts.synthetic_acled import generate

    if csv is None:
        csv = work / f"acled_{rows}.csv"
        generate(rows, seed=7).to_csv(csv, index=False)
    result: dict = {"rows": rows, "file_mb": round(csv.stat().st_size / 1024**2, 1), "runs": []}
    for i in range(runs):
        load = _load()
        run = _cli_import(csv, work / f"store_one_go_{i}")
        run["load_before"] = load
        run["load_after"] = _load()
        result["runs"].append(run)
        print(
            json.dumps(
                {
                    "one_go_run": i + 1,
                    "seconds": run["seconds"],
                    "cpu_s": run["cpu_s"],
                    "peak_rss_mb": run["peak_rss_mb"],
                    "load_before": load,
                    "load_after": run["load_after"],
                }
            ),
            flush=True,
        )
        shutil.rmtree(work / f"store_one_go_{i}", ignore_errors=True)
    result["median_s"] = statistics.median(r["seconds"] for r in result["runs"])
    result["min_s"] = min(r["seconds"] for r in result["runs"])
    result["max_s"] = max(r["seconds"] for r in result["runs"])
    result["median_cpu_s"] = statistics.median(r["cpu_s"] for r in result["runs"])
    result["max_peak_rss_mb"] = max(r["peak_rss_mb"] for r in result["runs"])
    result["median_peak_rss_mb"] = statistics.median(r["peak_rss_mb"] for r in result["runs"])
    result["report"] = result["runs"][0]["report"]
    return result


def build_large_store(source_dir: Path, target_dir: Path, n: int) -> float:
    import pandas as pd

    from geo.io.store import DatasetInfo, Store, row_hash

    base = Store(source_dir).load_events()
    parts, copy = [], 0
    while sum(len(p) for p in parts) < n:
        part = base.copy()
        part["id"] = part["id"] + f"-r{copy}"
        parts.append(part)
        copy += 1
    events = pd.concat(parts, ignore_index=True).iloc[:n].copy()
    events["row_hash"] = row_hash(events)
    start = time.perf_counter()
    Store(target_dir).write(
        events, DatasetInfo("acled", "acled", "bench", "2026-01-01", "synthetic", "", len(events))
    )
    return time.perf_counter() - start


def read_benchmark(store_dir: Path) -> dict:
    """Sizes on disk; seconds to read the store through its snapshot (as the dashboard
    does, in a fresh process) and to rebuild it from SQLite (without a snapshot)."""
    code = (
        "import sys, time; from pathlib import Path; from geo.io.store import Store; "
        "s = Store(Path(sys.argv[1])); t = time.perf_counter(); "
        "n = len(s.load_events() if sys.argv[2] == 'snapshot' else s._load_sql(None)[1]); "
        "print(time.perf_counter() - t, n)"
    )
    out: dict = {
        "sqlite_mb": round((store_dir / "events.sqlite3").stat().st_size / 1024**2, 1),
        "snapshot_mb": round(
            sum(p.stat().st_size for p in store_dir.glob("snapshot-*")) / 1024**2, 1
        ),
    }
    for how in ("snapshot", "sqlite"):
        run = subprocess.run(
            [sys.executable, "-c", code, str(store_dir), how],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        out[f"read_{how}_s"] = round(float(run.stdout.split()[0]), 2)
    return out


def map_open_benchmark(
    store_dir: Path, work: Path, labels: tuple[str, ...] = ("cold", "warm")
) -> dict:
    """Seconds from navigation until the map has drawn, once per label, on one server."""
    from playwright.sync_api import sync_playwright

    from tests.browser.mapdriver import map_frame
    from tests.browser.server import streamlit_server

    result: dict = {}
    env = {"SAHEL_ATLAS_DATA_DIR": str(store_dir)}
    with streamlit_server(work / "server.log", env=env) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for label in labels:
            page = browser.new_page(viewport={"width": 1400, "height": 950})
            start = time.perf_counter()
            page.goto(url)
            try:
                map_frame(page, timeout=120)
                seconds: float | None = round(time.perf_counter() - start, 2)
            except AssertionError:
                seconds = None
            result[f"map_open_{label}_s"] = seconds
            text = page.inner_text("body")
            result[f"aggregated_note_{label}"] = "too many to draw one by one" in text
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"benchmark-1m-{label}.png"))
            page.close()
        browser.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--store-rows", type=int, default=1_000_000)
    parser.add_argument("--reopens", type=int, default=3)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument(
        "--one-go-rows", type=int, default=1_000_000, help="rows of the one-go import (0: skip it)"
    )
    parser.add_argument("--one-go-runs", type=int, default=3)
    parser.add_argument(
        "--one-go-csv",
        type=Path,
        help="use this CSV for the one-go import instead of generating one",
    )
    parser.add_argument(
        "--only-one-go",
        action="store_true",
        help="run the one-go import alone (no store build, no browser)",
    )
    args = parser.parse_args(argv)
    figures: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        }
    }
    with tempfile.TemporaryDirectory(prefix="sahel-bench-") as tmp:
        work = Path(tmp)
        if args.one_go_rows:
            figures["import_one_go"] = one = one_go_benchmark(
                args.one_go_rows, args.one_go_runs, work, args.one_go_csv
            )
            print(json.dumps({k: v for k, v in one.items() if k != "runs"}, indent=2), flush=True)
        if args.only_one_go:
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "benchmark_import_one_go.json").write_text(json.dumps(figures, indent=2))
            return 0
        figures["import"] = imp = import_benchmark(args.rows, work)
        print(json.dumps(imp, indent=2), flush=True)
        large = work / "store_large"
        figures["large_store"] = store = {
            "events": args.store_rows,
            "write_s": round(build_large_store(Path(imp["store_dir"]), large, args.store_rows), 2),
        }
        store.update(read_benchmark(large))
        print(json.dumps(store), flush=True)
        if not args.skip_browser:
            # First open after the import, then server restarts ("reopening the dashboard"),
            # each followed by the same page again on the running server.
            figures["map"] = found = map_open_benchmark(large, work, ("first_open",))
            for i in range(1, args.reopens + 1):
                found.update(map_open_benchmark(large, work, (f"reopen_{i}", f"warm_{i}")))
            for kind in ("reopen", "warm"):
                runs = [v for k, v in found.items() if k.startswith(f"map_open_{kind}_")]
                if runs and None not in runs:
                    found[f"{kind}_median_s"] = round(statistics.median(runs), 2)
                    found[f"{kind}_max_s"] = max(runs)
            print(json.dumps(found), flush=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "benchmark_import.json").write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
