"""With the shared PostgreSQL/PostGIS store, the map's region panel, the events listed at a
clicked event's spot and the Analysis choropleth's counts come from the database
(:mod:`geo.ui.instore`), through the real pages (AppTest): the numbers are the in-memory
ones, a rerun asks the database nothing, and a change of the store asks again."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis.filters import filter_mask, region_stats
from geo.analysis.measures import admin1_counts
from geo.analysis.selection import events_near
from geo.i18n.catalogue import translate
from geo.io import events as ev
from geo.io.pgstore import PgStore
from geo.io.store import DATABASE_URL_ENV, open_store
from geo.render.mapview import BUTTONS_MAX, event_table
from geo.ui import mapdata
from geo.ui.events import EVENTS_ENV, default_filter
from tests.analysis.test_instore import _info, _moved, _stored

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = str(ROOT / "dashboard.py")
ANALYSIS = str(ROOT / "pages" / "analysis.py")
UNIT = "ML-7"  # Gao
GAO = {"lat": 16.94, "lng": 1.75}


@pytest.fixture()
def shared(pg_url, tmp_path, monkeypatch) -> dict[str, int]:
    """A shared store holding the curated events moved and re-dated (a dataset of their
    own), and a count of the database's answers the pages asked for."""
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.setenv(DATABASE_URL_ENV, pg_url)
    monkeypatch.delenv(EVENTS_ENV, raising=False)
    monkeypatch.setattr(mapdata, "served_url", lambda *args, **kwargs: None)
    store = open_store()
    assert isinstance(store, PgStore)
    store.write(_stored(_moved(ev.load_events(ev.EVENTS_FILE).events)), _info("moved"))
    asked = {"unit_sums": 0, "matching_events": 0}
    for name in asked:
        method = getattr(PgStore, name)

        def counted(self, *args, _method=method, _name=name, **kwargs):
            asked[_name] += 1
            return _method(self, *args, **kwargs)

        monkeypatch.setattr(PgStore, name, counted)
    return asked


def _app_events() -> pd.DataFrame:
    curated = ev.load_events(ev.EVENTS_FILE).events
    stored = open_store().load_events().drop(columns="timestamp")
    return pd.concat([curated, stored], ignore_index=True)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _region_line(events: pd.DataFrame, unit: str) -> tuple[str, pd.DataFrame]:
    shown = events[filter_mask(events, default_filter(events))]
    stats = region_stats(shown, unit)
    line = translate(
        "region_events_count",
        "en",
        count=stats.events,
        low=f"{stats.fatalities_low:,}",
        high=f"{stats.fatalities_high:,}",
    )
    return line, shown[shown["admin1_id"] == unit].sort_values("date", kind="stable")


def _table(events: pd.DataFrame) -> list[tuple]:
    """The rows of the panel's table of ``events`` (more than a dozen: a table)."""
    assert len(events) > BUTTONS_MAX
    return [tuple(r) for r in event_table(events, "en").astype(str).itertuples(index=False)]


def _listed(at: AppTest) -> list[tuple]:
    """The rows of the side panel's table of events (the page's last table)."""
    table = at.dataframe[-1]
    return [tuple(r) for r in table.value.astype(str).itertuples(index=False)]


def test_a_region_click_on_the_shared_store_shows_the_databases_counts(shared):
    at = _run(AppTest.from_file(DASHBOARD, default_timeout=120))
    at.session_state["atlas_map"] = {
        "last_object_clicked": GAO,
        "last_active_drawing": {"type": "Feature", "properties": {"kind": "admin1", "id": UNIT}},
    }
    _run(at)
    events = _app_events()
    line, here = _region_line(events, UNIT)
    assert (here["dataset"] == "moved").any() and (here["dataset"] == "curated").any()
    assert line in [m.value for m in at.markdown]
    assert _listed(at) == _table(here)
    assert shared["unit_sums"] >= 1 and shared["matching_events"] >= 1

    before = dict(shared)
    _run(at)  # a rerun: every answer from the cache
    assert shared == before and line in [m.value for m in at.markdown]

    # Another server imports into the store: the next run asks the database again.
    extra = _moved(ev.load_events(ev.EVENTS_FILE).events)
    extra["id"] = "more:" + extra["id"]
    extra["dataset"] = "more"
    for column in ("date", "date_end"):  # a week later: not a copy of the moved events
        extra[column] = extra[column] + pd.Timedelta(days=7)
    open_store().write(_stored(extra), _info("more"))
    _run(at)
    assert shared["unit_sums"] > before["unit_sums"]
    new_line, new_here = _region_line(_app_events(), UNIT)
    assert len(new_here) > len(here)
    assert new_line in [m.value for m in at.markdown]
    assert _listed(at) == _table(new_here)


def test_the_events_at_a_clicked_events_spot_come_from_the_database(shared):
    events = _app_events()
    shown = events[filter_mask(events, default_filter(events))]
    target = shown[shown["id"] == "BFA-2016-01-15-OUAGADOUGOU"].iloc[0]
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["sel"] = f"event:{target['id']}"
    _run(at)
    here = events_near(shown, target["latitude"], target["longitude"])
    others = here[here["id"] != target["id"]]
    assert others["id"].str.startswith("moved:").any()  # 0.03 degrees north: near
    assert _listed(at) == _table(others)
    assert shared["matching_events"] >= 1


def test_the_analysis_choropleth_counts_come_from_the_database(shared):
    at = AppTest.from_file(ANALYSIS, default_timeout=120)
    at.query_params["section"] = "regions"
    _run(at)
    at.session_state["an_map"] = {
        "last_active_drawing": {"type": "Feature", "properties": {"id": UNIT, "kind": "admin1"}}
    }
    _run(at)
    events = _app_events()
    f = default_filter(events)
    counts = admin1_counts(events[filter_mask(events, f)], f.date_from, f.date_to)
    count = int(counts.loc[UNIT, "events"])
    lines = [m.value for m in at.markdown if m.value.startswith("Gao")]
    assert lines and f"{count} events" in lines[0].replace("\\", ""), lines
    assert shared["unit_sums"] >= 1 and count > 0
