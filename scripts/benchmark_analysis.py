"""Benchmark of the Analysis page on large stores, in Debian Chromium against a real server.

For each N (default 200,000 and 1,000,000):

1. Builds (or reuses, with ``--work``) a temporary store of N synthetic events
   (``scripts/synthetic_events.py``; beyond 200,000 the first 200,000 are replicated under
   new ids, as ``scripts/benchmark_import.py`` does).
2. ``--repeats`` times (default 3): starts ``streamlit run dashboard.py`` on that store
   and opens ``/analysis`` in a new browser page:

   * ``first_load_s``: seconds from navigation until the last chart is drawn (every Vega
     chart on the page has its marks, the choropleth, when the page has it, its regions)
     and the script run is over: the first view after a server start (the store is read
     and everything computed). The page draws one section at a time (the first, the
     trends, at first load: ``charts`` says how many charts that is); an earlier version
     drew all five at once (six charts and the choropleth);
   * ``second_load_s``: the same in a second, new page on the running server;
   * ``first_run_over_s`` / ``second_run_over_s``: until the script run is over (the
     server's part as the browser sees it; the rest of the load is drawing);
   * ``regroup_s``: a rerun that only regroups a chart: click "By category" of the trend
     charts, until the run is over and the chart shows the categories; then
     ``regroup_rank_s``: "Fatalities (high)" of the top actors; ``regroup_back_s``: "By
     country" again (a grouping already drawn once); ``*_run_over_s`` of each: until
     the server's message that the run is over reached the browser;
   * ``section_<name>_s`` (a page in sections): from a click on a section of the "Show"
     choice until it is drawn (its charts have their marks, the choropleth its regions):
     before/after, distance bands, top actors (then ``regroup_rank_s`` there), regions,
     and back to the trends (then ``regroup_back_s``);
   * ``*_kb``: kilobytes the server sent the browser over the websocket for the first
     load, the second load and the regroup;
   * ``rss_mb`` / ``peak_rss_mb``: the server's resident memory after these (VmRSS) and
     its high-water mark (VmHWM), from ``/proc``.

3. The floor: the same navigation on a blank Streamlit script (one title), in the same run.

Medians of the repeats with their min and max go to ``artifacts/benchmark_analysis.json``
(with the load average and what else ran). The machine is shared: read the spread.

    python -m scripts.benchmark_analysis [--sizes 200000 1000000] [--repeats 3]
        [--work DIR]   # keep the stores there and reuse them next time
        [--screenshots 200000]  # and EN/FR screenshots of the page at that size
    python -m scripts.benchmark_analysis --apptest --sizes 200000  # server only (AppTest)
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
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
APP_DIR = [REPO]
"""Where the served app is (``--app``: another checkout, to compare with an earlier
version)."""
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BASE_EVENTS = 200_000
CHART = '[data-testid="stVegaLiteChart"]'
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- stores ---------------------------------------------------------------------------------


def build_store(directory: Path, n: int, seed: int = 1) -> Path:
    """A store of ``n`` synthetic events in ``directory`` (reused when it already has them)."""
    from geo.io.store import DatasetInfo, Store, row_hash

    store = Store(directory)
    if store.exists() and store.count() == n:
        return directory
    if directory.exists():
        shutil.rmtree(directory)
    import pandas as pd

    from scripts.synthetic_events import make_events

    log(f"generating {min(n, BASE_EVENTS)} synthetic events")
    base = make_events(min(n, BASE_EVENTS), seed=seed)
    parts, copy = [], 0
    while sum(len(p) for p in parts) < n:
        part = base if copy == 0 else base.assign(id=base["id"] + f"-r{copy}")
        parts.append(part)
        copy += 1
    events = pd.concat(parts, ignore_index=True).iloc[:n].copy()
    events["dataset"] = "synthetic"
    events["timestamp"] = 0
    events["row_hash"] = row_hash(events)
    log(f"writing a store of {n} events to {directory}")
    Store(directory).write(
        events,
        DatasetInfo("synthetic", "app", "bench", "2026-01-01", "synthetic.csv", "", len(events)),
    )
    Store(directory).load_events()  # writes the read cache (snapshot), as the app would
    return directory


# --- a real server ---------------------------------------------------------------------------


@contextmanager
def server(
    log_path: Path,
    script: Path | str = "dashboard.py",
    env: dict[str, str] | None = None,
    timeout_s: float = 120.0,
) -> Iterator[tuple[str, int]]:
    """``streamlit run script`` on a free loopback port: yields its URL and process id."""
    from tests.browser.server import free_port

    port = free_port()
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    with log_path.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                # Others may edit the checkout meanwhile: no reload of changed modules.
                "--server.fileWatcherType",
                "none",
            ],
            cwd=APP_DIR[0],
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
                raise RuntimeError(f"streamlit did not start:\n{log_path.read_text()}")
            time.sleep(0.3)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def rss_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS"), "peak_rss_mb": fields.get("VmHWM")}


# --- what the browser waits for -----------------------------------------------------------------

MAP_DRAWN_JS = """() => {
  const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
  for (const f of frames) {
    try {
      const w = f.contentWindow;  // as tests/browser/mapdriver.py: Leaflet has drawn
      if (w && w.map && f.contentDocument.querySelector(
          '.leaflet-pane canvas, .leaflet-interactive')) return true;
    } catch (e) {}
  }
  return false;
}"""


RUN_OVER_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelectorAll('[data-testid="stVegaLiteChart"]').length > 0;
}"""


ALL_DRAWN_JS = (
    """(count) => {
  const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]');
  if (charts.length < count) return false;
  for (const c of charts) {
    if (!c.querySelector('svg g.mark-rect path, svg g.mark-area path, svg g.mark-line path'))
      return false;
  }
  if (!document.querySelector('iframe[title="streamlit_folium.st_folium"]')) return true;
  return ("""
    + MAP_DRAWN_JS
    + """)();
}"""
)
"""Every chart on the page (at least ``count``) has its marks and the choropleth, when the
page has one, its regions."""


def wait_drawn(page: object, charts: int = 1, timeout_ms: float = 180_000) -> None:
    page.locator(APP_IDLE).wait_for(state="attached", timeout=timeout_ms)
    page.wait_for_function(ALL_DRAWN_JS, arg=charts, timeout=timeout_ms, polling=100)


LAST_RUN_OVER = [0.0]
"""Seconds from the last :func:`timed_click` until its run was over."""
RUNS_FINISHED: dict[int, list[float]] = {}
"""Per page (``id``), when each script run it asked for was over (the server's message)."""


def count_bytes(page: object) -> list[int]:
    """A list that grows with the size of each websocket message the page receives; and
    :data:`RUNS_FINISHED` of the page."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    sizes: list[int] = []
    finished = RUNS_FINISHED.setdefault(id(page), [])

    def received(payload: bytes | str) -> None:
        sizes.append(len(payload))
        if (
            isinstance(payload, bytes)
            and ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished"
        ):
            finished.append(time.perf_counter())

    page.on("websocket", lambda ws: ws.on("framereceived", received))
    return sizes


def open_analysis(
    browser: object, url: str, charts: int, section: str | None = None
) -> tuple[object, float, float, list[int]]:
    """A new page on ``/analysis`` (showing ``section``, else the page's default): seconds
    until the script run is over (the server's part, as the browser sees it) and until the
    last chart is drawn; the sizes of the websocket messages it received (a list that keeps
    growing)."""
    page = browser.new_page(viewport={"width": 1400, "height": 950})
    sizes = count_bytes(page)
    start = time.perf_counter()
    page.goto(f"{url}/analysis" + (f"?section={section}" if section else ""))
    page.wait_for_function(RUN_OVER_JS, timeout=180_000, polling=50)
    run_over = time.perf_counter() - start
    wait_drawn(page, charts)
    return page, run_over, time.perf_counter() - start, sizes


SECTION_PICKER = "Show"
"""The label of the page's choice of section (English)."""
SECTION_TITLES = {
    "trends": "Trends over time",
    "before_after": "Before and after a pivot date",
    "bands": "Distance from the tripoint",
    "actors": "Top actors",
    "regions": "Regions (admin-1)",
}


def has_sections(page: object) -> bool:
    return page.locator('[data-testid="stRadio"]').filter(has_text=SECTION_PICKER).count() > 0


def timed_section(page: object, section: str) -> float:
    """Seconds from a click on ``section`` of the page's choice of section until the run
    is over and the section is drawn (its title shown, every chart with its marks, the
    choropleth with its regions)."""
    title = SECTION_TITLES[section]
    group = page.locator('[data-testid="stRadio"]').filter(has_text=SECTION_PICKER).first
    target = group.get_by_text(title, exact=True)
    finished = RUNS_FINISHED[id(page)]
    before = len(finished)
    start = time.perf_counter()
    target.click()
    deadline = start + 120
    while len(finished) == before:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no run after clicking {section!r}")
        page.wait_for_timeout(10)
    page.locator('[data-testid="stHeading"]').filter(has_text=title).first.wait_for(timeout=60_000)
    if section == "regions":  # the choropleth, no chart
        page.locator('iframe[title="streamlit_folium.st_folium"]').wait_for(
            state="attached", timeout=60_000
        )
    wait_drawn(page, 0 if section == "regions" else 1)
    return time.perf_counter() - start


def chart_count(page: object) -> int:
    return page.locator(CHART).count()


def timed_click(page: object, radio_group: str, option: str, shows: str) -> float:
    """Seconds from clicking ``option`` of the radio group labelled ``radio_group`` until
    the server has said the run is over (its ``script_finished`` message: a fragment's run
    can be too quick for the page's running state to show) and a chart's text contains
    ``shows``. The seconds until the run was over go to :data:`LAST_RUN_OVER`."""
    group = page.locator('[data-testid="stRadio"]').filter(has_text=radio_group).first
    target = group.get_by_text(option, exact=True)
    target.scroll_into_view_if_needed()
    finished = RUNS_FINISHED[id(page)]
    before = len(finished)
    start = time.perf_counter()
    target.click()
    deadline = start + 120
    while len(finished) == before:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no run after clicking {option!r}")
        page.wait_for_timeout(10)
    LAST_RUN_OVER[0] = finished[before] - start
    page.wait_for_function(
        """(text) => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
            .some(c => c.textContent.includes(text))""",
        arg=shows,
        timeout=60_000,
        polling=50,
    )
    return time.perf_counter() - start


def blank_floor(browser: object, work: Path, repeats: int) -> list[float]:
    """Seconds to open a blank Streamlit page (one title) until its run is over."""
    script = work / "blank_app.py"
    script.write_text('import streamlit as st\n\nst.title("Blank")\n', encoding="utf-8")
    runs = []
    with server(work / "blank.log", script) as (url, _pid):
        for _ in range(repeats + 1):  # the first one warms the server up
            page = browser.new_page(viewport={"width": 1400, "height": 950})
            start = time.perf_counter()
            page.goto(url)
            page.get_by_text("Blank").wait_for(timeout=60_000)
            page.locator(APP_IDLE).wait_for(state="attached", timeout=60_000)
            runs.append(time.perf_counter() - start)
            page.close()
    return runs[1:]


WHOLE_PAGE_CHARTS = 6
"""Vega charts of the whole page (``section=all``): two trends, before/after, the distance
bands, the top actors and the victims; and the choropleth."""


def whole_page_benchmark(store: Path, work: Path, repeats: int, browser: object) -> list[dict]:
    """The whole page (every section, ``?section=all``): its first load after a server
    start, a second load on the running server and a regroup of the trends, each until
    every chart has its marks and the choropleth its regions."""
    runs = []
    env = {"SAHEL_ATLAS_DATA_DIR": str(store)}
    for i in range(repeats):
        with server(work / f"server-{store.name}-all-{i}.log", env=env) as (url, pid):
            row: dict = {"loadavg_1min": os.getloadavg()[0]}
            page, row["first_run_over_s"], row["first_load_s"], sizes = open_analysis(
                browser, url, WHOLE_PAGE_CHARTS, "all"
            )
            row["first_kb"] = round(sum(sizes) / 1000, 1)
            row["charts"] = chart_count(page)
            row["regroup_s"] = timed_click(page, "Group by", "Category", "Insurgency")
            row["regroup_run_over_s"] = LAST_RUN_OVER[0]
            page.close()
            page, row["second_run_over_s"], row["second_load_s"], sizes = open_analysis(
                browser, url, WHOLE_PAGE_CHARTS, "all"
            )
            row["second_kb"] = round(sum(sizes) / 1000, 1)
            page.close()
            row |= rss_mb(pid)
            log(f"  {store.name} whole page, run {i + 1}: {row}")
            runs.append(row)
    return runs


def browser_benchmark(store: Path, work: Path, repeats: int, browser: object) -> list[dict]:
    runs = []
    env = {"SAHEL_ATLAS_DATA_DIR": str(store)}
    for i in range(repeats):
        with server(work / f"server-{store.name}-{i}.log", env=env) as (url, pid):
            row: dict = {"loadavg_1min": os.getloadavg()[0]}
            page, row["first_run_over_s"], row["first_load_s"], sizes = open_analysis(
                browser, url, 1
            )
            row["first_kb"] = round(sum(sizes) / 1000, 1)
            row["charts"] = chart_count(page)
            sizes.clear()
            row["regroup_s"] = timed_click(page, "Group by", "Category", "Insurgency")
            row["regroup_run_over_s"] = LAST_RUN_OVER[0]
            page.wait_for_timeout(300)  # the run's last messages
            row["regroup_kb"] = round(sum(sizes) / 1000, 1)
            sections = has_sections(page)
            if sections:
                for section in ("before_after", "bands", "actors"):
                    row[f"section_{section}_s"] = timed_section(page, section)
            row["regroup_rank_s"] = timed_click(
                page, "Rank by", "Fatalities (high)", "Fatalities (high)"
            )
            row["regroup_rank_run_over_s"] = LAST_RUN_OVER[0]
            if sections:
                for section in ("regions", "trends"):
                    row[f"section_{section}_s"] = timed_section(page, section)
            row["regroup_back_s"] = timed_click(page, "Group by", "Country", "Mali")
            row["regroup_back_run_over_s"] = LAST_RUN_OVER[0]
            page.close()
            page, row["second_run_over_s"], row["second_load_s"], sizes = open_analysis(
                browser, url, row["charts"]
            )
            row["second_kb"] = round(sum(sizes) / 1000, 1)
            page.close()
            row |= rss_mb(pid)
            log(f"  {store.name} run {i + 1}: {row}")
            runs.append(row)
    return runs


def screenshots(
    store: Path, work: Path, browser: object, n: int, directory: Path = ARTIFACTS
) -> list[str]:
    """Full-page screenshots of the Analysis page on ``store``, in English and French, of
    each of its sections (``section`` in the URL)."""
    paths = []
    with server(
        work / f"server-{store.name}-shots.log", env={"SAHEL_ATLAS_DATA_DIR": str(store)}
    ) as (url, _pid):
        for lang in ("en", "fr"):
            for section in SECTION_TITLES:
                # Streamlit scrolls its main block, not the document: a window as tall as
                # the page shows all of it.
                page = browser.new_page(viewport={"width": 1400, "height": 2400})
                page.goto(f"{url}/analysis?lang={lang}&section={section}")
                if section == "regions":
                    page.locator('iframe[title="streamlit_folium.st_folium"]').wait_for(
                        state="attached", timeout=60_000
                    )
                wait_drawn(page, 0 if section == "regions" else 1)
                page.wait_for_timeout(1500)  # the map's regions and the legends settle
                path = directory / f"analysis-{n // 1000}k-{lang}-{section}.png"
                page.screenshot(path=str(path), full_page=True)
                paths.append(str(path))
                page.close()
    return paths


def summarise(runs: list[dict]) -> dict:
    out: dict = {}
    for key in runs[0]:
        values = [r[key] for r in runs if isinstance(r.get(key), int | float)]
        if values:
            out[key] = {
                "median": round(statistics.median(values), 3),
                "min": round(min(values), 3),
                "max": round(max(values), 3),
            }
    return out


# --- server only (AppTest) ------------------------------------------------------------------------


def apptest_benchmark(store: Path, repeats: int) -> list[dict]:
    """The page's script in Streamlit's AppTest on ``store``, in a fresh process each time:
    seconds of the first run (store read + everything) and of a regrouping rerun."""
    code = r"""
import json, os, sys, time
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("pages/analysis.py", default_timeout=600)
at.session_state["lang"] = "en"
t = time.perf_counter(); at.run(); first = time.perf_counter() - t
assert not at.exception, at.exception
t = time.perf_counter(); at.radio(key="an_by").set_value("category").run()
regroup = time.perf_counter() - t
t = time.perf_counter(); at.radio(key="an_rank").set_value("fatalities_high").run()
rank = time.perf_counter() - t
t = time.perf_counter(); at.radio(key="an_map_measure").set_value("fatalities_high").run()
measure = time.perf_counter() - t
rss = {k: int(v.split()[0]) // 1024 for k, v in (l.split(":", 1) for l in
       open("/proc/self/status")) if k in ("VmRSS", "VmHWM")}
print(json.dumps({"first_run_s": first, "regroup_s": regroup, "regroup_rank_s": rank,
                  "regroup_map_s": measure, "rss_mb": rss["VmRSS"],
                  "peak_rss_mb": rss["VmHWM"]}))
"""
    runs = []
    env = {**os.environ, "SAHEL_ATLAS_DATA_DIR": str(store)}
    for i in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=APP_DIR[0],
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-4000:])
        row = json.loads(out.stdout.strip().splitlines()[-1])
        log(f"  {store.name} apptest {i + 1}: {row}")
        runs.append(row)
    return runs


def other_processes() -> list[str]:
    """What else was busy on the machine (processes over 20 % CPU), for the record."""
    out = subprocess.run(
        ["ps", "-eo", "pcpu,rss,args", "--sort=-pcpu"], capture_output=True, text=True, check=False
    ).stdout.splitlines()[1:8]
    return [line.strip()[:160] for line in out if float(line.split()[0]) >= 20.0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, help="keep the stores here (reused next time)")
    parser.add_argument(
        "--apptest", action="store_true", help="server only: the page in AppTest, no browser"
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--whole-page",
        action="store_true",
        help="measure the whole page (every section at once, ?section=all) instead",
    )
    parser.add_argument(
        "--app",
        type=Path,
        default=REPO,
        help="serve the app of this directory (default: this checkout)",
    )
    parser.add_argument(
        "--screenshots",
        type=int,
        metavar="N",
        help="also take EN and FR screenshots of the page at N events "
        "(one of --sizes) into --shots",
    )
    parser.add_argument(
        "--shots",
        type=Path,
        default=ARTIFACTS,
        help="where the screenshots go (default artifacts/)",
    )
    args = parser.parse_args(argv)
    APP_DIR[0] = args.app.resolve()
    kind = "apptest" if args.apptest else "browser"
    suffix = "_apptest" if args.apptest else ""
    out_path = args.out or ARTIFACTS / f"benchmark_analysis{suffix}.json"
    work = args.work or Path(tempfile.mkdtemp(prefix="sahel-an-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    figures: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "kind": kind,
        "repeats": args.repeats,
        "loadavg_start": os.getloadavg(),
        "busy_start": other_processes(),
        "app": str(APP_DIR[0]),
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip(),
        "sizes": {},
    }
    try:
        stores = {n: build_store(work / f"store-{n}", n) for n in args.sizes}
        if args.apptest:
            for n, store in stores.items():
                runs = apptest_benchmark(store, args.repeats)
                figures["sizes"][str(n)] = {"runs": runs, "summary": summarise(runs)}
        else:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                try:
                    floor = blank_floor(browser, work, args.repeats)
                    figures["blank_page_s"] = summarise([{"s": s} for s in floor])["s"]
                    log(f"blank Streamlit page: {figures['blank_page_s']}")
                    for n, store in stores.items():
                        bench = whole_page_benchmark if args.whole_page else browser_benchmark
                        runs = bench(store, work, args.repeats, browser)
                        figures["sizes"][str(n)] = {"runs": runs, "summary": summarise(runs)}
                    if args.screenshots in stores:
                        args.shots.mkdir(parents=True, exist_ok=True)
                        figures["screenshots"] = screenshots(
                            stores[args.screenshots], work, browser, args.screenshots, args.shots
                        )
                finally:
                    browser.close()
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
        figures["loadavg_end"] = os.getloadavg()
        figures["busy_end"] = other_processes()
        ARTIFACTS.mkdir(exist_ok=True)
        out_path.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    for n, result in figures["sizes"].items():
        print(n, json.dumps(result["summary"]))
    print(f"figures written to {out_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
