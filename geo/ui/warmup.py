"""At server start, compute what a session's first page computes, before anyone asks.

Why: the first page after ``streamlit run`` used to pay for everything at once (importing
the map and chart libraries, reading the store, encoding every event for the map,
aggregating them for the Analysis page): about 5 s at a million events, most of it before
the browser had even opened its connection. ``dashboard.py``'s startup hook (``st.App``'s
lifespan) runs :func:`warm_up` in a background thread and returns at once: the server
answers immediately; a page that arrives while the warm-up runs waits only for
what is not done yet (Streamlit computes each cached value once, other callers wait for
it), and a page that arrives later finds everything ready.

Only the default view is prepared (no URL parameters, every dataset, English and French
boundaries); any other view is computed by its first page as before. Nothing here may stop
the server: a failure is logged and the pages compute as they would have.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

Step = tuple[str, Callable[[], None]]
"""A step of the warm-up: its name (logged) and what it does."""

FIRST_LANGUAGE = "en"  # the app's default; the other language is prepared later
OTHER_LANGUAGES = ("fr",)
_RUNTIME_WAIT_S = 30.0
_PAGE_WAIT_S = 20.0
_pages = threading.Condition()
_running = [0]  # page runs in progress
_served = [0]  # page runs finished since the server started
IDLE_S = 1.0
"""Seconds without a page run before the collector runs (see :func:`collect_when_idle`)."""
_collector: list[threading.Thread | None] = [None]
_requested: list[str | None] = [None]  # the page a browser last asked for (see below)
PAGE_PATHS: dict[str, str] = {
    "": "map",
    "atlas": "map",
    "map": "map",
    "analysis": "analysis",
    "charter": "charter",
    "timeline": "timeline",
    "data": "data",
    "help": "help",
    "changes": "changes",
}
"""The pages' URL paths (``dashboard.py``) and the page each opens."""


def page_requested(path: str) -> None:
    """Called for every HTTP GET the server receives (``dashboard.py``'s middleware): a
    browser opening ``/analysis`` asks for that path about a second before its script
    runs (it loads the app's JavaScript first), so the warm-up prepares that page's values
    next rather than the map's. Other paths (static files, Streamlit's own) are ignored."""
    parts = path.strip("/").split("/")
    page = PAGE_PATHS.get(parts[0]) if len(parts) == 1 else None
    if page is not None:
        with _pages:
            _requested[0] = page
            _pages.notify_all()


def page_started() -> None:
    """Called when a page run starts (``dashboard.py``): the warm-up pauses between its
    steps while a page runs. Python runs one thread at a time, so work the page does not
    need would only slow it (at a million events the Analysis aggregates would delay the
    first map by seconds); what the page needs it computes itself, or waits for."""
    with _pages:
        _running[0] += 1


def page_served() -> None:
    """Called when a page run ends, however it ends (``dashboard.py``)."""
    with _pages:
        _running[0] = max(0, _running[0] - 1)
        _served[0] += 1
        _pages.notify_all()
    collect_when_idle()


def collect_when_idle() -> None:
    """Collect garbage once no page has run for :data:`IDLE_S` seconds, off the pages' path.

    Streamlit collects after every script run (``runner.postScriptGC``), in the script's
    thread, right after telling the browser that the run is over: the server then holds
    Python for the length of a full collection (0.13 to 0.23 s with this app's libraries
    and a large store loaded) while the browser waits for the run's last messages, after
    every rerun. The app turns that off (``.streamlit/config.toml``) and collects here
    instead, in a thread of its own, when nobody waits: the first time for a set of events
    it also freezes what is alive (:func:`geo.ui.analysis.freeze_long_lived_objects`), so
    that each later collection, and Python's own ones during a run, skip it."""
    with _pages:
        thread = _collector[0]
        if thread is not None and thread.is_alive():
            return  # the running collector sees the new page run
        thread = threading.Thread(
            target=_collect_after_pages, name="sahel-atlas-collector", daemon=True
        )
        _collector[0] = thread
    thread.start()


def _collect_after_pages() -> None:
    import gc

    while True:
        with _pages:
            _pages.wait_for(lambda: _running[0] == 0)
            served = _served[0]
        time.sleep(IDLE_S)
        with _pages:
            if _running[0] or _served[0] != served:
                continue  # a page ran meanwhile: wait for quiet again
        try:
            from geo.ui import analysis as ui_analysis
            from geo.ui import events as ui_events

            ui_analysis.freeze_long_lived_objects(ui_events.events_key())
            gc.collect()
        except Exception:  # noqa: BLE001 - a damaged store: collect all the same
            gc.collect()
        with _pages:
            if _served[0] == served:
                _collector[0] = None
                return


def _wait_for_pages(first_served: bool) -> None:
    """Wait (at most ``_PAGE_WAIT_S``) until no page runs, and, when ``first_served``, until
    a first page has been served."""
    with _pages:
        _pages.wait_for(
            lambda: _running[0] == 0 and (_served[0] > 0 or not first_served), timeout=_PAGE_WAIT_S
        )


def _logger() -> logging.Logger:
    """Streamlit's logging (its handler and ``logger.level``), under the app's name."""
    from streamlit.logger import get_logger

    return get_logger("sahel_atlas.warmup")


class _NotFromThread(logging.Filter):
    """Streamlit warns "missing ScriptRunContext" whenever a cached function runs outside a
    page; from the warm-up's thread that is expected (and its work is logged instead)."""

    def __init__(self, thread: int) -> None:
        super().__init__()
        self.thread = thread

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self.thread


def warm_up() -> dict[str, float]:
    """Prepare the default view of every page; returns the seconds each step took (also
    logged). Waits for Streamlit's runtime: its caches are the pages' caches."""
    steps: dict[str, float] = {}
    log = _logger()
    quiet = _NotFromThread(threading.get_ident())
    context_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    context_log.addFilter(quiet)
    try:
        if not _runtime_started():
            log.warning("warm-up skipped: Streamlit's runtime did not start")
            return steps
        remaining = list(_STEPS)
        while remaining:
            name, step = _next_step(remaining, _requested[0])
            _wait_for_pages(
                first_served=step in _LATER and _requested[0] not in _NEEDED_BY.get(step, ())
            )
            name, step = _next_step(remaining, _requested[0])  # a request came meanwhile
            remaining.remove((name, step))
            start = time.perf_counter()
            step()
            steps[name] = round(time.perf_counter() - start, 3)
        log.info("default view prepared at start (s): %s", steps)
    except Exception:
        log.exception("warm-up stopped (the pages will compute what it did not)")
    finally:
        context_log.removeFilter(quiet)
    return steps


def _next_step(remaining: list[Step], page: str | None) -> Step:
    """The first remaining step the requested ``page`` needs, else the first remaining."""
    for item in remaining:
        if page in _NEEDED_BY.get(item[1], ()):
            return item
    return remaining[0]


def _runtime_started() -> bool:
    from streamlit import runtime

    deadline = time.monotonic() + _RUNTIME_WAIT_S
    while time.monotonic() < deadline:
        if runtime.exists():  # its caches are the ones the pages read
            return True
        time.sleep(0.02)
    return False


def _libraries() -> None:
    """Every page's libraries (their first import is a good part of a first page). Never
    ``streamlit_folium`` (nor another custom component): a component registers itself when
    its module is first imported inside a script run, and only then; imported here, it
    would never be registered and its frame would answer 404. Its own imports (folium,
    branca) are most of its cost and are imported here."""
    import folium.plugins  # noqa: F401
    import pandas as pd  # noqa: F401
    import streamlit.emojis  # noqa: F401 - read by the first set_page_config (the page icon)

    from geo.i18n.catalogue import catalog
    from geo.io.sources import registry

    catalog()  # every page's first string reads all the locale files
    registry()  # the sources' grades, read by the panels and the legend (0.2 s of YAML)
    from geo.ui import data, facts, mapdata  # noqa: F401


def _chart_libraries() -> None:
    """The chart pages' libraries (Analysis, Where it is changing, Timeline): Altair and the
    app's aggregates. Not the map's, which draws no Altair chart: at a first map after a
    server start they would only delay it (about 0.2 s of imports, more while the browser
    loads its scripts on the same cores)."""
    import altair as alt
    import pandas as pd

    # Altair validates a chart against its schema; the first validation loads it.
    alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").to_dict()

    from geo.analysis import measures as analysis  # noqa: F401
    from geo.ui import analysis as ui_analysis  # noqa: F401


def _base_map() -> None:
    from geo import ui
    from geo.ui import mapdata

    ui.boundary_layers()
    zones = ui.zone_definitions()
    ui.core_for_radius(zones.default_radius_km)
    ui.alg_outline()
    ui.the_tripoint()
    mapdata.boundary_file(FIRST_LANGUAGE)


def _other_languages() -> None:
    from geo.ui import mapdata

    for lang in OTHER_LANGUAGES:
        mapdata.boundary_file(lang)


def _events() -> None:
    from geo.ui import events as ui_events

    ui_events.app_events()


def _map_view() -> None:
    from geo.ui import events as ui_events

    events, _ = ui_events.app_events()
    ui_events.prepare_default_view(events)


def _map_block() -> None:
    from geo.ui import events as ui_events
    from geo.ui import mapdata

    events, _ = ui_events.app_events()
    key = f"{ui_events.events_key()}|{len(events)}"
    block = mapdata.shared_block(key, events)
    mapdata.compressed_block(block)
    days = mapdata.events_days(events, block, key)  # the time slider's companion block
    mapdata.compressed_days(days)


def _analysis() -> None:
    from geo.ui import analysis_page

    analysis_page.prepare_default_view(FIRST_LANGUAGE)


def _changes() -> None:
    from geo.ui import events as ui_events
    from geo.ui import signals as ui_sg
    from geo.ui import state

    events, _ = ui_events.app_events()
    key, f = ui_events.events_key(), ui_events.default_filter(events)
    span = ui_sg.data_end(key, f)
    if span is not None:  # the page's first view: its default period, ending on the last day
        ui_sg.signals(key, f, state.SG_PERIOD.default, span[1])


_STEPS: tuple[Step, ...] = (
    ("libraries", _libraries),
    ("events", _events),
    ("base map", _base_map),
    ("map view", _map_view),
    ("map block", _map_block),
    ("chart libraries", _chart_libraries),
    ("analysis", _analysis),
    ("changes", _changes),
    ("other languages", _other_languages),
)
"""What every page needs first (the libraries, the events), then the default page's (the
map's), then the others' (their chart libraries first)."""
_LATER = frozenset({_chart_libraries, _analysis, _changes, _other_languages})
"""Steps left until a first page has been served (see :func:`page_started`), unless the
page a browser is opening needs them. A step that has begun runs to its end even if a page
starts meanwhile: the chart libraries begun right after the map's block would then hold
Python while the first map runs (their imports took 1 s beside a first map at 200k)."""
_EVERY_PAGE = frozenset(PAGE_PATHS.values())
_NEEDED_BY: dict[Callable[[], None], frozenset[str]] = {
    _libraries: _EVERY_PAGE,
    _chart_libraries: frozenset({"analysis", "changes", "timeline"}),
    _events: _EVERY_PAGE,
    _base_map: frozenset({"map", "analysis"}),  # the Analysis page's regions map too
    _map_view: frozenset({"map"}),
    _map_block: frozenset({"map"}),
    _analysis: frozenset({"analysis"}),
    _changes: frozenset({"changes"}),
}
"""Which pages read what each step prepares (:func:`page_requested`)."""
