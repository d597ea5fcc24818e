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

An **error** is any of: an uncaught script error in a page (``pageerror``), a Streamlit
exception box, the "Connection error" dialog, a step that does not finish within
``--timeout`` seconds. For each action: median and 90th percentile alone and together, and
their ratio; the server's resident memory (VmRSS, VmHWM) before and after.

    python -m scripts.benchmark_load [--sessions 20] [--seconds 180] [--n 200000]
        [--work DIR] [--out artifacts/benchmark_load.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

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

    def __init__(self, context: Any, url: str, timeout_s: float) -> None:
        self.context = context
        self.url = url
        self.timeout_ms = timeout_s * 1000
        self.page: Any = None
        self.errors: list[str] = []
        self.times: dict[str, list[float]] = defaultdict(list)

    async def start(self) -> None:
        self.page = await self.context.new_page()
        self.page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))

    async def idle(self) -> None:
        await self.page.locator(APP_IDLE).wait_for(state="attached", timeout=self.timeout_ms)

    async def check(self) -> None:
        if await self.page.locator(BROKEN).count():
            text = (await self.page.locator(BROKEN).first.inner_text())[:200]
            self.errors.append(f"on {self.page.url}: {text}")

    async def open_map(self) -> None:
        await self.page.goto(self.url)
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
        await self.page.goto(f"{self.url}/analysis")
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
        await self.page.goto(f"{self.url}/help")
        await self.page.get_by_role("heading").first.wait_for(timeout=self.timeout_ms)
        await self.idle()

    ACTIONS = ("open_map", "layer_off_and_on", "open_analysis", "regroup", "open_help")

    async def step(self, name: str) -> None:
        start = time.perf_counter()
        try:
            await getattr(self, name)()
        except Exception as err:  # noqa: BLE001 - a failed step is an error, counted
            self.errors.append(f"{name}: {type(err).__name__}: {str(err)[:160]}")
            return
        self.times[name].append(time.perf_counter() - start)
        await self.check()


async def run_cycles(session: Session, offset: int, deadline: float, cycles: int) -> None:
    order = Session.ACTIONS[offset:] + Session.ACTIONS[:offset]
    if order[0] in ("layer_off_and_on",):
        order = ("open_map", *order)
    if order[0] == "regroup":
        order = ("open_analysis", *order)
    done = 0
    while time.perf_counter() < deadline and done < cycles:
        for name in order:
            if time.perf_counter() >= deadline:
                return
            await session.step(name)
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
        await alone.start()
        await run_cycles(alone, 0, time.perf_counter() + 1e9, args.alone_cycles)
        await alone.context.close()
        out["rss_after_alone"] = rss_mb(pid)

        log(f"together: {args.sessions} sessions for {args.seconds:g} s")
        sessions = [
            Session(await browser.new_context(viewport=viewport), url, args.timeout)
            for _ in range(args.sessions)
        ]
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
                run_cycles(s, i % len(Session.ACTIONS), deadline, 10**9)
                for i, s in enumerate(sessions)
            ),
        )
        out["rss_end"] = rss_mb(pid)
        out["rss_max_seen_mb"] = max((p.get("rss_mb", 0) for p in peak), default=None)
        for s in sessions:
            await s.context.close()
        await browser.close()

    together: dict[str, list[float]] = defaultdict(list)
    for s in sessions:
        for name, values in s.times.items():
            together[name].extend(values)
    out["errors_alone"] = alone.errors
    out["errors"] = [e for s in sessions for e in s.errors]
    out["actions"] = {}
    for name in Session.ACTIONS:
        a, t = figures(alone.times[name]), figures(together[name])
        ratio = round(t["median_s"] / a["median_s"], 2) if a and t else None
        out["actions"][name] = {"alone": a, "together": t, "median_ratio": ratio}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--alone-cycles", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per step")
    parser.add_argument("--work", type=Path, help="keep the store here (reused next time)")
    parser.add_argument("--out", type=Path, default=ARTIFACTS / "benchmark_load.json")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="sahel-load-"))
    store = build_store(work / f"store-{args.n}", args.n)
    env = {"SAHEL_ATLAS_DATA_DIR": str(store)}
    with server(work / "load-server.log", env=env) as (url, pid):
        result = asyncio.run(measure(url, pid, args))
    result |= {
        "n": args.n,
        "sessions": args.sessions,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "loadavg_end": os.getloadavg(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"{args.sessions} sessions x {args.seconds:g} s on {args.n:,} events")
    print(f"errors: {len(result['errors'])} (alone: {len(result['errors_alone'])})")
    for e in result["errors"][:10]:
        print(f"  - {e}")
    print("| action | alone median [p90] | together median [p90] | ratio | n together |")
    print("|---|---|---|---|---|")
    for name, row in result["actions"].items():
        a, t = row["alone"] or {}, row["together"] or {}
        print(
            f"| {name} | {a.get('median_s')} [{a.get('p90_s')}] | {t.get('median_s')} "
            f"[{t.get('p90_s')}] | {row['median_ratio']} | {t.get('n')} |"
        )
    print(f"server memory: {result['rss_end']} (max seen {result['rss_max_seen_mb']} MB)")
    print(f"raw figures: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
