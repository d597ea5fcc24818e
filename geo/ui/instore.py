"""The region panel, the events near a clicked point and the choropleth's per-unit sums
asked of the shared store (:mod:`geo.analysis.instore`) when the store is the team's
PostgreSQL/PostGIS database; the embedded SQLite store keeps the in-memory path (its events
are in memory anyway, and numpy on them is faster than SQLite's scan of the file).

Each answer is cached per state of the events (``key``: :func:`geo.ui.events.events_key`,
which holds the store's state token: an import, update or removal through any server
changes it, and the next run asks again), filter, datasets and unit, point or period, so
a rerun that changes none of them asks the database nothing.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from geo.analysis import instore
from geo.analysis.selection import NEAR_DEGREES
from geo.io.store import open_store
from geo.io.storequery import StoreQuery
from geo.model.filters import EventFilter
from geo.render.mapview import MAP_COLUMNS
from geo.ui import events as ui_events

KEPT = 16  # answers of each kind kept (small frames: one unit's events, a point's)

Datasets = tuple[str, ...] | None


def in_database() -> bool:
    """True when the store is the shared one, whose database selects the events, and it
    can be read (a server that does not answer: the page shows the curated events, in
    memory, under the banner of :func:`geo.ui.store_health.store_banner`)."""
    store = open_store()
    return bool(store.shared) and not ui_events.events_key().startswith(
        f"{ui_events.curated_path()}|damaged:"
    )


@st.cache_resource(show_spinner=False, max_entries=2)
def _actor_texts(key: str) -> tuple[str, ...]:
    """The store's distinct actor texts, once per state of the events."""
    return tuple(open_store().actor_texts())


@st.cache_resource(show_spinner=False, max_entries=KEPT)
def _query(
    key: str,
    token: str,
    datasets: Datasets,
    _f: EventFilter,
    _events: pd.DataFrame,
    _rows: np.ndarray,
) -> StoreQuery:
    """``token``: the filter's repr (``_rows`` follows from ``key``, it and ``datasets``)."""
    return instore.store_query(
        open_store(),
        _f,
        datasets,
        _events,
        _rows,
        ui_events.duplicates(_events),
        lambda: _actor_texts(key),
        no_layer_selects_none=True,  # the pages: no layer ticked shows nothing
    )


class Asked:
    """The store's answers for one selection: the events ``f`` selects from ``datasets``
    (``rows``: the app's mask of them over ``events``, the app's events)."""

    def __init__(
        self, events: pd.DataFrame, f: EventFilter, datasets: Datasets, rows: np.ndarray
    ) -> None:
        self.events, self.rows, self.datasets = events, rows, datasets
        self.f, self.key, self.token = f, ui_events.events_key(), repr(f)

    @property
    def query(self) -> StoreQuery:
        return _query(self.key, self.token, self.datasets, self.f, self.events, self.rows)

    def region(self, admin1_id: str) -> tuple[tuple[int, int, int], pd.DataFrame]:
        """The unit's ``(events, fatalities low, high)`` and its events, oldest first
        (:data:`geo.render.mapview.MAP_COLUMNS`)."""
        return _region(self.key, self.token, self.datasets, admin1_id, self)

    def near(self, lat: float, lon: float) -> pd.DataFrame:
        """The selected events at or near the point, oldest first (the map's columns)."""
        return _near(self.key, self.token, self.datasets, float(lat), float(lon), self)

    def unit_sums(self, start: date | None, end: date | None) -> pd.DataFrame:
        """The choropleth's sums (:func:`geo.analysis.measures.admin1_counts`)."""
        return _unit_sums(self.key, self.token, self.datasets, start, end, self)


@st.cache_resource(show_spinner=False, max_entries=KEPT)
def _region(
    key: str, token: str, datasets: Datasets, admin1_id: str, _asked: Asked
) -> tuple[tuple[int, int, int], pd.DataFrame]:
    store, a = open_store(), _asked
    return (
        instore.region_summary(store, a.query, a.events, a.rows, admin1_id),
        instore.region_events(store, a.query, a.events, a.rows, admin1_id, MAP_COLUMNS),
    )


@st.cache_resource(show_spinner=False, max_entries=KEPT)
def _near(
    key: str, token: str, datasets: Datasets, lat: float, lon: float, _asked: Asked
) -> pd.DataFrame:
    a = _asked
    return instore.near_events(
        open_store(), a.query, a.events, a.rows, lat, lon, NEAR_DEGREES, MAP_COLUMNS
    )


@st.cache_resource(show_spinner=False, max_entries=KEPT)
def _unit_sums(
    key: str,
    token: str,
    datasets: Datasets,
    start: date | None,
    end: date | None,
    _asked: Asked,
) -> pd.DataFrame:
    a = _asked
    return instore.unit_sums(open_store(), a.query, a.events, a.rows, start, end)
