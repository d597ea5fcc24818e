"""The store selects the same events as the app's in-memory filters, on both backends.

For one set of events (the curated file, a dataset of copies of it that the duplicate rule
pairs with it, a dataset of moved, re-dated and re-typed events, and an ACLED file) and
many filters, the per-unit sums, each unit's events and summary, and the events near a
clicked point computed by the store (:mod:`geo.analysis.instore`: the SQL of
:mod:`geo.io.storequery` on PostgreSQL/PostGIS and on SQLite) equal those of the in-memory
path the pages use (:func:`geo.analysis.filters.filter_mask`, ``shown_once``,
:func:`geo.analysis.measures.admin1_counts`, :func:`geo.analysis.filters.region_stats`,
:func:`geo.analysis.selection.events_near`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.analysis import instore
from geo.analysis.duplicates import find_duplicates, shown_once
from geo.analysis.filters import filter_mask, keep_rows, region_stats
from geo.analysis.measures import admin1_counts
from geo.analysis.selection import events_near
from geo.io import events as ev
from geo.io.importers import commit, prepare
from geo.io.store import DatasetInfo, Store, open_store, row_hash
from geo.io.storequery import matching_actor_texts, query_for
from geo.model.countries import AES_MEMBERS
from geo.model.filters import EventFilter
from geo.render.mapview import MAP_COLUMNS

FIX = Path(__file__).resolve().parents[1] / "fixtures"


def _info(name: str) -> DatasetInfo:
    return DatasetInfo(name, "app", "1", "2024-01-01", f"{name}.csv", "", 0)


def _stored(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True).assign(timestamp=0)
    return frame.assign(row_hash=row_hash(frame))


def _copies(curated: pd.DataFrame) -> pd.DataFrame:
    """Every curated event again in another dataset (a likely duplicate of it, when the
    rule can match it); three keep their curated id (the curated event wins)."""
    out = curated.copy()
    out["dataset"] = "copies"
    out["id"] = ["copies:" + i if k >= 3 else i for k, i in enumerate(curated["id"])]
    out["summary"] = "copy"
    return out


def _moved(curated: pd.DataFrame) -> pd.DataFrame:
    """The curated events moved a little, three days later (no duplicate), with other
    fatalities, a typology on some, and some coups moved abroad."""
    out = curated.copy()
    n = len(out)
    out["dataset"] = "moved"
    out["id"] = [f"moved:{k}" for k in range(n)]
    out["latitude"] = out["latitude"] + 0.03
    out["date"] = out["date"] + pd.Timedelta(days=3)
    out["date_end"] = out["date_end"] + pd.Timedelta(days=3)
    low = pd.array([None if k % 4 == 0 else k for k in range(n)], dtype="Int64")
    high = pd.array([None if k % 3 == 0 else k + 7 for k in range(n)], dtype="Int64")
    out["fatalities_low"], out["fatalities_high"] = low, high
    out["event_type"] = ["Battles" if k % 2 else "Violence against civilians" for k in range(n)]
    out.loc[out.index[::5], "event_type"] = ""
    out["civilian_targeting"] = ["Civilian targeting" if k % 3 == 1 else "" for k in range(n)]
    coups = out.index[(out["category"] == "coup").to_numpy()][::2]
    out.loc[coups, "country_iso3"] = "NGA"
    out.loc[coups, "admin1_id"] = ""
    return out


@pytest.fixture()
def world(backend) -> tuple[Store, pd.DataFrame]:
    """The store of this backend with three datasets, and the app's events over it (as
    ``geo.ui.events.app_events`` builds them: curated ids win)."""
    store = open_store()
    curated = ev.load_events(ev.EVENTS_FILE).events
    store.write(_stored(_copies(curated)), _info("copies"))
    store.write(_stored(_moved(curated)), _info("moved"))
    assert commit(prepare(FIX / "acled_labels.csv", store=store, dataset="acled"), store)
    stored = store.load_events().drop(columns="timestamp")
    stored = keep_rows(stored, ~stored["id"].isin(set(curated["id"])))
    return store, pd.concat([curated, stored], ignore_index=True)


def _rows(events: pd.DataFrame, f: EventFilter, datasets: tuple[str, ...] | None) -> np.ndarray:
    """The in-memory selection, as ``geo.ui.events.filtered_rows`` makes it."""
    rows = filter_mask(events, f, once=False)
    if datasets is not None:
        rows = rows & events["dataset"].isin(datasets).to_numpy(dtype=bool)
    codes, names = pd.factorize(events["dataset"])
    return shown_once(rows, find_duplicates(events), codes, list(names), f.winner)


SPAN = EventFilter(date_from=date(2000, 1, 1), date_to=date(2030, 12, 31))
FILTERS = {
    "default": (replace(SPAN, include_non_aes_coups=True), None),
    "dates": (EventFilter(date_from=date(2021, 1, 1), date_to=date(2023, 6, 30)), None),
    "open dates": (EventFilter(), None),
    "one country": (replace(SPAN, countries=("BFA",)), None),
    "abroad": (replace(SPAN, countries=("NGA", "GNB"), include_non_aes_coups=True), None),
    "layers": (replace(SPAN, layers=("insurgency", "coup-plot")), None),
    "subtypes": (replace(SPAN, subtypes=("successful", "attempted")), None),
    "actors": (replace(SPAN, actors=("JNIM", "Malian Armed Forces (FAMa)")), None),
    "no such actor": (replace(SPAN, actors=("Nobody at all",)), None),
    "fatalities": (replace(SPAN, min_fatalities=20), None),
    "event types": (replace(SPAN, event_types=("Battles",)), None),
    "civilians yes": (replace(SPAN, civilian_targeting="yes"), None),
    "civilians no": (replace(SPAN, civilian_targeting="no"), None),
    "copies win": (replace(SPAN, winner="copies"), None),
    "datasets": (SPAN, ("curated", "moved")),
    "copies alone": (SPAN, ("copies",)),
    "acled": (SPAN, ("acled",)),
}


def test_the_store_selects_what_the_app_selects(world):
    """Every filter of :data:`FILTERS` on one store (a new store per filter took minutes)."""
    store, events = world
    for name, (f, datasets) in FILTERS.items():
        _compare(store, events, f, datasets, name)


def _compare(
    store: Store, events: pd.DataFrame, f: EventFilter, datasets: tuple | None, name: str
) -> None:
    rows = _rows(events, f, datasets)
    shown = events[rows]
    query = instore.store_query(store, f, datasets, events, rows, find_duplicates(events))

    # per-unit sums, over the filter's dates and over one year
    for start, end in ((f.date_from, f.date_to), (date(2022, 1, 1), date(2022, 12, 31))):
        expected = admin1_counts(shown, start, end).astype("int64").sort_index()
        found = instore.unit_sums(store, query, events, rows, start, end)
        pd.testing.assert_frame_equal(found, expected, check_index_type=False, obj=name)
        assert list(found.index) == list(expected.index), name

    # each unit's events and summary (and a unit without any)
    # (the six units with most events: every unit made the test take minutes)
    placed = shown["admin1_id"][shown["admin1_id"] != ""]
    units = [*placed.value_counts().index[:6], "ML-BKO", "NE-DIF"]
    for unit in units:
        expected = shown[shown["admin1_id"] == unit].sort_values("date", kind="stable")
        found = instore.region_events(store, query, events, rows, unit)
        pd.testing.assert_frame_equal(
            found.reset_index(drop=True), expected.reset_index(drop=True), obj=f"{name} {unit}"
        )
        narrow = instore.region_events(store, query, events, rows, unit, MAP_COLUMNS)
        pd.testing.assert_frame_equal(
            narrow.reset_index(drop=True),
            expected[list(MAP_COLUMNS)].reset_index(drop=True),
            obj=f"{name} {unit} (the map's columns)",
        )
        assert instore.region_summary(store, query, events, rows, unit) == tuple(
            region_stats(shown, unit)
        ), f"{name} {unit}"

    # the events near each shown event (and near a point with nothing)
    located = shown.dropna(subset=["latitude"])
    points = [(r.latitude, r.longitude) for r in located.head(15).itertuples()]
    for lat, lon in [*points, (0.0, 0.0)]:
        expected = events_near(shown, lat, lon)
        found = instore.near_events(store, query, events, rows, lat, lon)
        pd.testing.assert_frame_equal(
            found.reset_index(drop=True),
            expected.reset_index(drop=True),
            obj=f"{name} near {lat}, {lon}",
        )
        narrow = instore.near_events(store, query, events, rows, lat, lon, columns=MAP_COLUMNS)
        pd.testing.assert_frame_equal(
            narrow.reset_index(drop=True), expected[list(MAP_COLUMNS)].reset_index(drop=True)
        )


def test_the_data_of_the_comparison_reach_every_case(world):
    """The comparison above is not vacuous: the duplicate rule pairs the copies with the
    curated events, and the filters select events in both the curated and stored parts."""
    store, events = world
    rows = _rows(events, *FILTERS["default"])
    pairs = find_duplicates(events)
    assert len(pairs) > 50
    hidden = (events["dataset"] == "copies").to_numpy() & ~rows
    assert hidden.sum() > 50  # the copies of the curated events are hidden
    query = instore.store_query(store, *FILTERS["default"], events, rows, pairs)
    assert {"copies:" + i for i in events["id"][:10]} & set(query.excluded_ids)
    sums = instore.unit_sums(store, query, events, rows)
    assert sums["events"].sum() > 100 and len(sums) > 10
    for name in ("actors", "fatalities", "event types", "civilians yes", "civilians no"):
        assert 0 < _rows(events, *FILTERS[name]).sum() < rows.sum(), name
    curated = (events["dataset"] == "curated").to_numpy()
    assert (_rows(events, *FILTERS["copies win"]) & curated).sum() < (rows & curated).sum()


def test_actor_texts_are_matched_as_the_filter_matches_actors():
    texts = ["JNIM (suspected); Civilians", "Malian Armed Forces (FAMa)", "Wagner Group", ""]
    found = matching_actor_texts(texts, ("JNIM",))
    assert found == ("JNIM (suspected); Civilians",)
    assert matching_actor_texts([], ("JNIM",)) == ()
    with pytest.raises(ValueError):
        query_for(EventFilter(actors=("JNIM",)))


def test_an_empty_store_gives_no_stored_events(backend):
    store = open_store()
    query = query_for(EventFilter(countries=AES_MEMBERS))
    assert store.matching_events(query).empty
    assert store.unit_sums(query).empty
    assert store.actor_texts() == []


def test_the_analysis_arrays_select_with_the_typology_filters_too():
    """The Analysis page's selection (:func:`geo.analysis.measures.filter_mask`) is the
    map's (:func:`geo.analysis.filters.filter_mask`) for every filter above, the sources'
    typology and civilian targeting included (it used to ignore them)."""
    import shapely

    from geo.analysis import measures as an

    center = shapely.Point(0.5, 15.0)  # a made-up tripoint (distances are not compared)

    curated = ev.load_events(ev.EVENTS_FILE).events
    events = pd.concat([curated, _copies(curated), _moved(curated)], ignore_index=True)
    arrays = an.prepare(events, center)
    for name, (f, datasets) in FILTERS.items():
        if datasets is None:
            assert np.array_equal(an.filter_mask(arrays, f), filter_mask(events, f)), name
    blank = an.prepare(curated, center)
    assert blank.typology == {}  # no source typology: no arrays kept
    assert not an.filter_mask(blank, replace(SPAN, event_types=("Battles",))).any()
