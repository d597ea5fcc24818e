"""The region panel, the events near a point and the per-unit sums, selected by the store.

The app's events are the curated file plus the store's datasets (``geo.ui.events``). With
the shared PostgreSQL/PostGIS store, the store's part of these answers is computed by the
database (:meth:`geo.io.store.Store.matching_events`, :meth:`geo.io.store.Store.unit_sums`)
and only the curated file's part, a hundred-odd events that are not in the database, in
memory; the two are put together in the order the in-memory answer has. The result is the
in-memory one (the tests compare them), because the filter goes into the SQL whole
(:mod:`geo.io.storequery`) and what only the app knows goes in as ids:

- the curated file's ids (a curated event wins over a stored event of the same id);
- the stored events linked as likely duplicates (:mod:`geo.analysis.duplicates`, a rule
  across datasets, the curated one included) that the filter's rows ``rows`` leave out:
  the hidden copies, and those the filter does not select anyway.

``rows`` is the app's selection (a boolean array over the events, after
:func:`geo.analysis.duplicates.shown_once`): only its curated part and its duplicate pairs
are read here.

Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import numpy as np
import pandas as pd

from geo.analysis.duplicates import CURATED, Duplicates
from geo.analysis.filters import region_stats
from geo.analysis.measures import admin1_counts
from geo.analysis.selection import NEAR_DEGREES
from geo.io.store import Store
from geo.io.storequery import StoreQuery, day_number, query_for
from geo.model.filters import EventFilter


def curated_rows(events: pd.DataFrame) -> np.ndarray:
    """Which of the app's events come from the curated file (they are not in the store)."""
    return (events["dataset"] == CURATED).to_numpy(dtype=bool)


def excluded_ids(events: pd.DataFrame, rows: np.ndarray, duplicates: Duplicates) -> list[str]:
    """The ids the store must leave out to give the stored part of ``rows``: the curated
    ids, and the stored events of a duplicate pair that ``rows`` does not hold."""
    ids = events["id"].to_numpy(dtype=object)
    curated = curated_rows(events)
    out = set(ids[curated].tolist())
    if len(duplicates):
        members = np.unique(np.concatenate([duplicates.left, duplicates.right]))
        left_out = members[~np.asarray(rows, dtype=bool)[members] & ~curated[members]]
        out.update(ids[left_out].tolist())
    return sorted(str(i) for i in out)


def store_query(
    store: Store,
    f: EventFilter,
    datasets: tuple[str, ...] | None,
    events: pd.DataFrame,
    rows: np.ndarray,
    duplicates: Duplicates,
    actor_texts: Callable[[], Iterable[str]] | None = None,
    no_layer_selects_none: bool = False,
) -> StoreQuery:
    """The :class:`geo.io.storequery.StoreQuery` of the stored part of ``rows`` (the
    events ``f`` selects from ``datasets``). ``actor_texts``: the store's distinct actor
    texts when the caller keeps them (default: asked of the store, when ``f`` names
    actors); ``no_layer_selects_none``: see :func:`geo.io.storequery.query_for`."""
    texts = None
    if f.actors:
        texts = actor_texts() if actor_texts is not None else store.actor_texts()
    excluded = excluded_ids(events, rows, duplicates)
    return query_for(f, datasets, excluded, texts, no_layer_selects_none)


def _curated_part(events: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    return events[np.asarray(rows, dtype=bool) & curated_rows(events)]


def _together(curated: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """The curated rows then the stored ones (the app's order of events), one index."""
    stored = stored.drop(columns="timestamp", errors="ignore")
    if stored.empty:
        return curated.reset_index(drop=True)
    if curated.empty:
        return stored.reset_index(drop=True)
    return pd.concat([curated, stored[list(curated.columns)]], ignore_index=True)


def region_events(
    store: Store,
    query: StoreQuery,
    events: pd.DataFrame,
    rows: np.ndarray,
    admin1_id: str,
    columns: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The selected events of one admin-1 unit, oldest first (ties in the app's order);
    only ``columns`` when given (the database sends only those)."""
    curated = _curated_part(events, rows)
    curated = curated[curated["admin1_id"] == admin1_id]
    if columns is not None:
        curated = curated[list(columns)]
    stored = store.matching_events(query, admin1_id=admin1_id, columns=columns)
    return _together(curated, stored).sort_values("date", kind="stable")


def region_summary(
    store: Store, query: StoreQuery, events: pd.DataFrame, rows: np.ndarray, admin1_id: str
) -> tuple[int, int, int]:
    """``(events, sum of fatalities_low, sum of upper bounds)`` of one unit's selected
    events (:func:`geo.analysis.filters.region_stats`), the stored part summed by the
    database."""
    curated = region_stats(_curated_part(events, rows), admin1_id)
    stored = store.unit_sums(query, admin1_id=admin1_id)
    if admin1_id in stored.index:
        row = stored.loc[admin1_id]
        return (
            curated.events + int(row["events"]),
            curated.fatalities_low + int(row["fatalities_low"]),
            curated.fatalities_high + int(row["fatalities_high"]),
        )
    return curated.events, curated.fatalities_low, curated.fatalities_high


def near_events(
    store: Store,
    query: StoreQuery,
    events: pd.DataFrame,
    rows: np.ndarray,
    lat: float,
    lon: float,
    degrees: float = NEAR_DEGREES,
    columns: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """:func:`geo.analysis.selection.events_near` of the selected events, the stored ones
    found by the store (the shared store: through its spatial index); only ``columns``
    when given."""
    from geo.analysis.selection import events_near

    curated = events_near(_curated_part(events, rows), lat, lon, degrees)
    if columns is not None:
        curated = curated[list(columns)]
    stored = store.matching_events(query, near=(lat, lon, degrees), columns=columns)
    return _together(curated, stored).sort_values("date", kind="stable")


def unit_sums(
    store: Store,
    query: StoreQuery,
    events: pd.DataFrame,
    rows: np.ndarray,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """:func:`geo.analysis.measures.admin1_counts` of the selected events whose first day
    is in ``[start, end]``, the stored part summed by the database."""
    curated = admin1_counts(_curated_part(events, rows), start, end)
    stored = store.unit_sums(
        query,
        day_number(start) if start is not None else None,
        day_number(end) if end is not None else None,
    )
    total = stored.add(curated, fill_value=0) if len(curated) else stored
    return total.astype("int64").sort_index()
