"""Many people at once: concurrent browser sessions against one server on a large store.

Issue #16 item 4: 20 concurrent browser sessions doing different actions for 3 minutes
against one server with a 200k-event store: 0 errors, the numbers of the scale issue held
within 2x, server memory reported.

One ``streamlit run dashboard.py`` on a store of N synthetic events (built once, as
``scripts/benchmark_analysis.py`` builds it; ``--work`` keeps it), one Debian Chromium, and:

1. **alone**: one session runs the cycle of actions below ``--alone-cycles`` times: the
   reference figures of each action on this machine, with nobody else on the server;
2. **together**: ``--sessions`` sessions (each in its own browser context: its own
   cookies, cache and websocket) run the same cycle for ``--seconds``, each starting at
   another action, so that at any moment they do different things.

The cycle: open the map (until its event layer has painted), switch a layer off (until the
run is over and the layer repainted), open the Analysis page (until its charts are drawn),
regroup the trends by category (until the chart shows the categories), open the Help page.

With ``--think MIN MAX``, each session waits between its actions, as a person reads the
page before the next click: a time drawn uniformly between MIN and MAX seconds, from a
generator seeded with ``--seed`` and the session's number (the same waits on every run).
Without it (the default, ``--think 0 0``) the sessions act back to back: a stress test.
With ``--stagger`` too, each session arrives after a wait of 0 to MAX seconds, so that the
sessions do not all open their first page in the same second.

**Where the time goes.** The server writes each script run's time, from the rerun request's
arrival over the websocket to its "script finished" message, waiting for a script thread
included (``geo.ui.http.RunTimes``, switched on by ``SAHEL_ATLAS_RUN_TIMES``): the
*server* time, alone and together. Each session also notes when the last "script finished"
of an action reached the browser: the action splits into *until the run's end arrived*
(page load, websocket, server, network) and *after* it (the browser drawing the result).

An **error** is any of: an uncaught script error in a page (``pageerror``), a Streamlit
exception box, the "Connection error" dialog, a step that does not finish within
``--timeout`` seconds. For each action: median and 90th percentile alone and together, and
their ratio; the server's resident memory (VmRSS, VmHWM) before and after.

    python -m scripts.benchmark_load [--sessions 20] [--seconds 180] [--n 200000]
        [--think 5 15] [--seed 16] [--stagger] [--work DIR]
        [--out artifacts/benchmark_load.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from geo.ui.http import RUN_TIMES_ENV
from scripts.benchmark_analysis import APP_IDLE, CHART, build_store, rss_mb, server

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

PAINTS_JS = """() => {
  for (const f of Array.from(document.querySelectorAll('iframe'))) {
    try {
      const s = f.contentWindow && f.contentWindow.atlasPointStats;
      if (s) return s.paints;
    } catch (e) { /* another origin */ }
  }
  return -1;
}"""
"""How many times the map's event layer has painted (-1: no map yet)."""

BROKEN = '[data-testid="stException"], [role="dialog"]:has-text("Connection error")'


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


class Session:
    """One reader: a browser context and its page, timing each action."""

    def __init__(
        self,
        context: Any,
        url: str,
        timeout_s: float,
        think: tuple[float, float] = (0.0, 0.0),
        seed: int = 0,
    ) -> None:
        self.context = context
        self.url = url
        self.timeout_ms = timeout_s * 1000
        self.think_s = think
        self.random = random.Random(seed)
        self.page: Any = None
        self.errors: list[str] = []
        self.times: dict[str, list[float]] = defaultdict(list)
        # per action: seconds until its last "script finished" reached the browser, and after
        self.until_finished: dict[str, list[float]] = defaultdict(list)
        self.after_finished: dict[str, list[float]] = defaultdict(list)
        self.thought = 0.0
        self._finished_at: float | None = None

    async def start(self) -> None:
        self.page = await self.context.new_page()
        self.page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))
        self.page.on("websocket", self._watch)

    def _watch(self, websocket: Any) -> None:
        websocket.on("framereceived", self._frame)

    def _frame(self, payload: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(payload, bytes):
            return
        message = ForwardMsg()
        try:
            message.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a ForwardMsg: not ours to count
            return
        if message.WhichOneof("type") == "script_finished":
            self._finished_at = time.perf_counter()

    async def think(self, arriving: bool = False) -> None:
        """A think time; ``arriving``: the wait before a first action (0 to MAX seconds)."""
        low, high = self.think_s
        if high > 0:
            wait = self.random.uniform(0.0 if arriving else low, high)
            self.thought += wait
            await asyncio.sleep(wait)

    async def idle(self) -> None:
        await self.page.locator(APP_IDLE).wait_for(state="attached", timeout=self.timeout_ms)

    async def check(self) -> None:
        if await self.page.locator(BROKEN).count():
            text = (await self.page.locator(BROKEN).first.inner_text())[:200]
            self.errors.append(f"on {self.page.url}: {text}")

    async def open_map(self) -> None:
        await self.page.goto(self.url, timeout=self.timeout_ms)
        await self.page.wait_for_function(
            f"() => ({PAINTS_JS})() > 0", timeout=self.timeout_ms, polling=50
        )
        await self.idle()

    async def layer_off_and_on(self) -> None:
        before = await self.page.evaluate(PAINTS_JS)
        box = self.page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').first
        await box.click()
        await self.page.wait_for_function(
            f"(n) => ({PAINTS_JS})() > n", arg=before, timeout=self.timeout_ms, polling=50
        )
        await self.idle()
        await box.click()  # back as it was, not timed
        await self.idle()

    async def open_analysis(self) -> None:
        await self.page.goto(f"{self.url}/analysis", timeout=self.timeout_ms)
        await self.page.locator(CHART).first.wait_for(timeout=self.timeout_ms)
        await self.idle()

    async def regroup(self) -> None:
        group = self.page.locator('[data-testid="stRadio"]').filter(has_text="Group by").first
        target = group.get_by_text("Category", exact=True)
        if not await target.count():
            return
        await target.click()
        await self.page.wait_for_function(
            """() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
                .some(c => c.textContent.includes('Insurgency'))""",
            timeout=self.timeout_ms,
            polling=50,
        )
        await self.idle()
        await group.get_by_text("Country", exact=True).click()  # back, not timed
        await self.idle()

    async def open_help(self) -> None:
        await self.page.goto(f"{self.url}/help", timeout=self.timeout_ms)
        await self.page.get_by_role("heading").first.wait_for(timeout=self.timeout_ms)
        await self.idle()

    ACTIONS = ("open_map", "layer_off_and_on", "open_analysis", "regroup", "open_help")

    async def step(self, name: str) -> None:
        start = time.perf_counter()
        self._finished_at = None
        try:
            await getattr(self, name)()
        except Exception as err:  # noqa: BLE001 - a failed step is an error, counted
            self.errors.append(f"{name}: {type(err).__name__}: {str(err)[:160]}")
            return
        end = time.perf_counter()
        self.times[name].append(end - start)
        finished = self._finished_at
        if finished is not None and start <= finished <= end:
            self.until_finished[name].append(finished - start)
            self.after_finished[name].append(end - finished)
        await self.check()


async def run_cycles(
    session: Session, offset: int, deadline: float, cycles: int, stagger: bool = False
) -> None:
    order = Session.ACTIONS[offset:] + Session.ACTIONS[:offset]
    if order[0] in ("layer_off_and_on",):
        order = ("open_map", *order)
    if order[0] == "regroup":
        order = ("open_analysis", *order)
    if stagger:
        await session.think(arriving=True)
    done = 0
    while time.perf_counter() < deadline and done < cycles:
        for name in order:
            if time.perf_counter() >= deadline:
                return
            await session.step(name)
            await session.think()
        done += 1


def figures(values: list[float]) -> dict | None:
    if not values:
        return None
    ordered = sorted(values)
    return {
        "n": len(values),
        "median_s": round(statistics.median(ordered), 3),
        "p90_s": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3),
        "max_s": round(ordered[-1], 3),
    }


async def measure(url: str, pid: int, args: argparse.Namespace) -> dict:
    from playwright.async_api import async_playwright

    out: dict[str, Any] = {"rss_start": rss_mb(pid)}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        viewport = {"width": 1280, "height": 900}

        log(f"alone: {args.alone_cycles} cycles")
        alone = Session(await browser.new_context(viewport=viewport), url, args.timeout)
        out["wall_alone_start"] = time.time()
        await alone.start()
        await run_cycles(alone, 0, time.perf_counter() + 1e9, args.alone_cycles)
        await alone.context.close()
        out["rss_after_alone"] = rss_mb(pid)

        log(f"together: {args.sessions} sessions for {args.seconds:g} s, think {args.think}")
        think = (args.think[0], args.think[1])
        sessions = [
            Session(
                await browser.new_context(viewport=viewport),
                url,
                args.timeout,
                think=think,
                seed=args.seed * 1000 + i,
            )
            for i in range(args.sessions)
        ]
        out["wall_together_start"] = time.time()
        for s in sessions:
            await s.start()
        deadline = time.perf_counter() + args.seconds
        peak: list[dict] = []

        async def watch_memory() -> None:
            while time.perf_counter() < deadline:
                peak.append(rss_mb(pid))
                await asyncio.sleep(5)

        await asyncio.gather(
            watch_memory(),
            *(
                run_cycles(s, i % len(Session.ACTIONS), deadline, 10**9, args.stagger)
                for i, s in enumerate(sessions)
            ),
        )
        out["rss_end"] = rss_mb(pid)
        out["rss_max_seen_mb"] = max((p.get("rss_mb", 0) for p in peak), default=None)
        for s in sessions:
            await s.context.close()
        await browser.close()

    out["wall_together_end"] = time.time()

    def pooled(attribute: str) -> dict[str, list[float]]:
        values: dict[str, list[float]] = defaultdict(list)
        for s in sessions:
            for name, times in getattr(s, attribute).items():
                values[name].extend(times)
        return values

    together, until, after = pooled("times"), pooled("until_finished"), pooled("after_finished")
    out["errors_alone"] = alone.errors
    out["errors"] = [e for s in sessions for e in s.errors]
    out["think_s_per_session"] = round(statistics.mean(s.thought for s in sessions), 1)
    out["actions"] = {}
    for name in Session.ACTIONS:
        a, t = figures(alone.times[name]), figures(together[name])
        ratio = round(t["median_s"] / a["median_s"], 2) if a and t else None
        out["actions"][name] = {
            "alone": a,
            "together": t,
            "median_ratio": ratio,
            "alone_until_finished": figures(alone.until_finished[name]),
            "alone_after_finished": figures(alone.after_finished[name]),
            "together_until_finished": figures(until[name]),
            "together_after_finished": figures(after[name]),
        }
    return out


def server_times(path: Path, start: float, end: float) -> dict | None:
    """The script runs' server times (:class:`geo.ui.http.RunTimes`'s file) that ended
    between the wall-clock times ``start`` and ``end``."""
    if not path.exists():
        return None
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        wall, seconds = (float(x) for x in line.split())
        if start <= wall <= end:
            runs.append(seconds)
    return figures(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--alone-cycles", type=int, default=3)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=[0.0, 0.0],
        metavar=("MIN", "MAX"),
        help="seconds a session waits between actions (uniform in [MIN, MAX]; 0 0: none)",
    )
    parser.add_argument("--seed", type=int, default=16, help="of the think times")
    parser.add_argument(
        "--stagger",
        action="store_true",
        help="with --think: each session arrives after 0 to MAX seconds, not all at once",
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per step")
    parser.add_argument("--work", type=Path, help="keep the store here (reused next time)")
    parser.add_argument("--out", type=Path, default=ARTIFACTS / "benchmark_load.json")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="sahel-load-"))
    store = build_store(work / f"store-{args.n}", args.n)
    run_times = work / f"run-times-{os.getpid()}.txt"
    run_times.unlink(missing_ok=True)
    env = {"SAHEL_ATLAS_DATA_DIR": str(store), RUN_TIMES_ENV: str(run_times)}
    with server(work / "load-server.log", env=env) as (url, pid):
        result = asyncio.run(measure(url, pid, args))
    result["server_run_alone"] = server_times(
        run_times, result["wall_alone_start"], result["wall_together_start"]
    )
    result["server_run_together"] = server_times(
        run_times, result["wall_together_start"], result["wall_together_end"]
    )
    run_times.unlink(missing_ok=True)
    result |= {
        "stagger": args.stagger,
        "think_s": args.think,
        "seed": args.seed,
        "n": args.n,
        "sessions": args.sessions,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "loadavg_end": os.getloadavg(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    think = f"think {args.think[0]:g}-{args.think[1]:g} s" if args.think[1] else "no think time"
    print(f"{args.sessions} sessions x {args.seconds:g} s on {args.n:,} events, {think}")
    print(f"errors: {len(result['errors'])} (alone: {len(result['errors_alone'])})")
    for e in result["errors"][:10]:
        print(f"  - {e}")
    print(
        "| action | alone median [p90] | together median [p90] | ratio | n together "
        "| together: until run's end / after (median) |"
    )
    print("|---|---|---|---|---|---|")
    for name, row in result["actions"].items():
        a, t = row["alone"] or {}, row["together"] or {}
        u, f = row["together_until_finished"] or {}, row["together_after_finished"] or {}
        print(
            f"| {name} | {a.get('median_s')} [{a.get('p90_s')}] | {t.get('median_s')} "
            f"[{t.get('p90_s')}] | {row['median_ratio']} | {t.get('n')} "
            f"| {u.get('median_s')} / {f.get('median_s')} |"
        )
    for label in ("alone", "together"):
        r = result[f"server_run_{label}"] or {}
        print(
            f"server time per script run, {label}: median {r.get('median_s')} s, "
            f"p90 {r.get('p90_s')} s, max {r.get('max_s')} s ({r.get('n')} runs)"
        )
    print(f"server memory: {result['rss_end']} (max seen {result['rss_max_seen_mb']} MB)")
    print(f"raw figures: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
