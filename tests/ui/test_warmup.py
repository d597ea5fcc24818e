"""The warm-up at server start (geo.ui.warmup, started by dashboard.py's ``st.App``
lifespan) prepares what a session's first pages read: after it, the map page and the
Analysis page compute none of the expensive values again (they find them in the caches)."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis import measures as analysis
from geo.analysis import signals
from geo.io import events as ev
from geo.ui import events as ui_events
from geo.ui import mapdata, warmup

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


def counted(monkeypatch: pytest.MonkeyPatch, calls: Counter, owner: object, name: str) -> None:
    real: Callable = getattr(owner, name)

    def wrapper(*args, **kwargs):
        calls[name] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)


@pytest.fixture
def fresh_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the curated events under a new path: a state of the events no other test
    has cached yet (the caches are per process)."""
    copy = tmp_path / "events.csv"
    shutil.copy(ev.EVENTS_FILE, copy)
    monkeypatch.setenv(ui_events.EVENTS_ENV, str(copy))


def test_the_first_map_analysis_and_changes_pages_find_what_the_warm_up_prepared(
    fresh_events: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: Counter = Counter()
    counted(monkeypatch, calls, mapdata, "event_block")
    counted(monkeypatch, calls, mapdata, "point_days")
    counted(monkeypatch, calls, ui_events, "filter_mask")
    counted(monkeypatch, calls, analysis, "prepare")
    counted(monkeypatch, calls, analysis, "trend_cube")
    counted(monkeypatch, calls, analysis, "before_after_arrays")
    counted(monkeypatch, calls, analysis, "admin1_sums")
    counted(monkeypatch, calls, signals, "change_table")
    for _name, step in warmup._STEPS:
        step()
    prepared = dict(calls)
    assert prepared == {
        "event_block": 1,
        "point_days": 1,
        "filter_mask": 1,
        "prepare": 1,
        "trend_cube": 1,
        "before_after_arrays": 1,
        "admin1_sums": 2,  # the filter's period, and the empty table of a year without units
        "change_table": 2,
    }  # regions and countries

    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.run()
    assert not at.exception
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.switch_page("pages/analysis.py")
    at.run()
    assert not at.exception
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["section"] = "all"  # every section of the page, on their defaults
    at.switch_page("pages/analysis.py")
    at.run()
    assert not at.exception and len(at.header) == 6
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.switch_page("pages/changes.py")
    at.run()
    assert not at.exception
    assert dict(calls) == prepared, "a first page computed again what the warm-up prepared"


def test_without_a_runtime_the_warm_up_does_nothing_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(warmup, "_RUNTIME_WAIT_S", 0.05)
    monkeypatch.setattr(warmup, "_logger", lambda: logging.getLogger("test.warmup"))
    with caplog.at_level(logging.INFO, logger="test.warmup"):
        assert warmup.warm_up() == {}
    assert "runtime did not start" in caplog.text


def test_a_failing_step_is_logged_and_never_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(warmup, "_runtime_started", lambda: True)
    monkeypatch.setattr(warmup, "_STEPS", (("fine", lambda: None), ("broken", broken)))
    monkeypatch.setattr(warmup, "_logger", lambda: logging.getLogger("test.warmup"))
    with caplog.at_level(logging.INFO, logger="test.warmup"):
        steps = warmup.warm_up()
    assert list(steps) == ["fine"]
    assert "warm-up stopped" in caplog.text and "disk gone" in caplog.text


def test_importing_the_entry_point_runs_no_page() -> None:
    """The server imports dashboard.py for its ``app``; the pages run only as the script."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dashboard_module", DASHBOARD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert type(module.app).__name__ == "App"
    assert "geo.ui.warmup" not in module.__dict__  # imported by the warm-up thread only


def test_the_warm_up_pauses_while_a_page_runs_and_its_later_steps_wait_for_one() -> None:
    import threading

    resumed = threading.Event()
    warmup.page_started()
    waiter = threading.Thread(target=lambda: (warmup._wait_for_pages(False), resumed.set()))
    waiter.start()
    assert not resumed.wait(0.3), "the warm-up went on while a page ran"
    warmup.page_served()
    assert resumed.wait(5)
    waiter.join()


def test_every_page_run_is_counted_as_ended(fresh_events: None) -> None:
    """dashboard.py ends every page run in ``finally`` (a page may stop, rerun or fail), so
    the warm-up never waits for a page that is over."""
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.run()
    at.switch_page("pages/data.py").run()
    assert warmup._running[0] == 0 and warmup._served[0] >= 2


def test_garbage_is_collected_only_once_no_page_has_run_for_a_while(
    fresh_events: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit's collection after each run is off (config.toml); the idle collector
    freezes and collects once pages are quiet, never while one runs."""
    import gc
    import tomllib

    from geo.ui import analysis as ui_an

    config = tomllib.loads(
        Path(DASHBOARD).with_name(".streamlit").joinpath("config.toml").read_text(encoding="utf-8")
    )
    assert config["runner"]["postScriptGC"] is False
    monkeypatch.setattr(warmup, "IDLE_S", 0.2)
    collected = threading.Event()
    real_collect = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *a: (collected.set(), real_collect(*a))[1])
    try:
        ui_an._FROZEN_FOR[0] = None
        warmup.page_started()
        warmup.page_served()  # a first run ends...
        warmup.page_started()  # ...and a second starts at once
        assert not collected.wait(0.6), "collected while a page ran"
        warmup.page_served()
        assert collected.wait(5), "never collected once the pages were quiet"
        deadline = time.monotonic() + 5
        while ui_an._FROZEN_FOR[0] is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ui_an._FROZEN_FOR[0] == ui_events.events_key()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        ui_an._FROZEN_FOR[0] = None


@pytest.mark.parametrize(
    ("path", "order"),
    [
        (
            None,
            [
                "libraries",
                "events",
                "base map",
                "map view",
                "map block",
                "chart libraries",
                "analysis",
                "changes",
                "other languages",
            ],
        ),
        (
            "/analysis",
            [
                "libraries",
                "events",
                "base map",
                "chart libraries",
                "analysis",
                "map view",
                "map block",
                "changes",
                "other languages",
            ],
        ),
        (
            "/changes",
            [
                "libraries",
                "events",
                "chart libraries",
                "changes",
                "base map",
                "map view",
                "map block",
                "analysis",
                "other languages",
            ],
        ),
        (
            "/timeline",
            [
                "libraries",
                "events",
                "chart libraries",
                "base map",
                "map view",
                "map block",
                "analysis",
                "changes",
                "other languages",
            ],
        ),
        (
            "/_stcore/health",
            [
                "libraries",
                "events",
                "base map",
                "map view",
                "map block",
                "chart libraries",
                "analysis",
                "changes",
                "other languages",
            ],
        ),
    ],
)
def test_the_page_a_browser_opens_has_its_values_prepared_first(
    monkeypatch: pytest.MonkeyPatch, path: str | None, order: list[str]
) -> None:
    """A browser's GET of /analysis comes a second before its script runs: the warm-up
    prepares the Analysis page's values before the map's (which wait for a page served)."""
    done: list[str] = []
    steps = tuple((name, (lambda n=name: done.append(n))) for name, _ in warmup._STEPS)
    needed = {
        new: warmup._NEEDED_BY.get(old, frozenset())
        for (_, new), (_, old) in zip(steps, warmup._STEPS, strict=True)
    }
    later = frozenset(
        new for (_, new), (_, old) in zip(steps, warmup._STEPS, strict=True) if old in warmup._LATER
    )
    monkeypatch.setattr(warmup, "_STEPS", steps)
    monkeypatch.setattr(warmup, "_NEEDED_BY", needed)
    monkeypatch.setattr(warmup, "_LATER", later)
    monkeypatch.setattr(warmup, "_runtime_started", lambda: True)
    monkeypatch.setattr(warmup, "_requested", [None])
    monkeypatch.setattr(warmup, "_served", [1])  # the later steps do not wait here
    if path is not None:
        warmup.page_requested(path)
    warmup.warm_up()
    assert done == order


def test_the_entry_point_tells_the_warm_up_which_page_is_requested(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    import importlib.util
    import threading

    spec = importlib.util.spec_from_file_location("dashboard_module", DASHBOARD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(warmup, "_requested", [None])
    passed: list[str] = []

    async def inner(scope, _receive, _send):
        passed.append(scope["path"])

    middleware = module.PageRequests(inner)

    def serve(paths: tuple[str, ...]) -> None:
        # Its own thread: a browser test earlier in the session (Playwright's sync API)
        # leaves an event loop running in the main thread, where asyncio.run refuses.
        for path in paths:
            asyncio.run(middleware({"type": "http", "method": "GET", "path": path}, None, None))

    thread = threading.Thread(
        target=serve, args=(("/static/vendor/leaflet.js", "/analysis", "/_stcore/stream"),)
    )
    thread.start()
    thread.join(timeout=10)
    assert passed == ["/static/vendor/leaflet.js", "/analysis", "/_stcore/stream"]
    assert warmup._requested == ["analysis"]
