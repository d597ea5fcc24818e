"""Filtering events (the model of :mod:`geo.model.events`) by an :class:`EventFilter`.

Conventions: every tuple field of :class:`EventFilter` means "no restriction" when empty,
except ``countries``, where empty means "all AES members". Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from geo.analysis.duplicates import Duplicates, find_duplicates, shown_once
from geo.io.actors import aliases
from geo.io.events import actor_pairs
from geo.model.countries import AES_MEMBERS
from geo.model.events import LAYERS, fatality_upper
from geo.model.filters import (
    TYPOLOGY_FIELDS,
    EventFilter,
)


def _text_column(df: pd.DataFrame, column: str) -> pd.Series:
    """A text column of the model, blank when the frame has none (a frame of a few
    columns, or events stored before the column existed)."""
    if column in df.columns:
        return df[column]
    return pd.Series("", index=df.index, dtype="str")


def apply_filter(df: pd.DataFrame, f: EventFilter) -> pd.DataFrame:
    """The events of ``df`` that match ``f`` (same columns, original order and index)."""
    return keep_rows(df, pd.Series(filter_mask(df, f), index=df.index))


def filter_mask(
    df: pd.DataFrame, f: EventFilter, once: bool = True, duplicates: Duplicates | None = None
) -> np.ndarray:
    """Whether each row of ``df`` matches ``f`` (a boolean array in row order: one byte an
    event, where the matching rows themselves would copy every column).

    ``once``: an event found in two datasets counts once: the matching copies of other
    datasets than ``f.winner``'s are left out (``geo.analysis.duplicates``; ``duplicates``: the
    pairs of ``df`` when known). ``once=False`` keeps every copy (for a caller that
    restricts the datasets first and then applies :func:`geo.analysis.duplicates.shown_once`)."""
    keep = pd.Series(True, index=df.index)
    if f.date_from is not None:
        keep &= df["date_end"] >= pd.Timestamp(f.date_from)
    if f.date_to is not None:
        keep &= df["date"] <= pd.Timestamp(f.date_to)
    iso3 = df["country_iso3"]
    listed = iso3.isin(f.countries or AES_MEMBERS)
    non_aes_coup = f.include_non_aes_coups & (df["category"] == "coup") & ~iso3.isin(AES_MEMBERS)
    keep &= listed | non_aes_coup
    if f.layers:
        keep &= df["layer"].isin(f.layers)
    if f.subtypes:
        keep &= df["subtype"].isin(f.subtypes)
    if f.actors:  # positional, so a duplicated index cannot mix events up
        pairs = actor_pairs(df)
        hit = np.zeros(len(df), dtype=bool)
        hit[pairs.row[np.isin(pairs.name, list(canonical_actors(f.actors)))]] = True
        keep &= hit
    if f.min_fatalities > 0:
        keep &= (fatality_upper(df) >= f.min_fatalities).fillna(False).astype(bool)
    for name, column in TYPOLOGY_FIELDS.items():
        wanted = getattr(f, name)
        if wanted:
            keep &= _text_column(df, column).isin(wanted).to_numpy(dtype=bool)
    if f.civilian_targeting in ("yes", "no"):
        flagged = _text_column(df, "civilian_targeting").ne("").to_numpy(dtype=bool)
        typed = _text_column(df, "event_type").ne("").to_numpy(dtype=bool)
        keep &= flagged if f.civilian_targeting == "yes" else typed & ~flagged
    rows = keep.to_numpy(dtype=bool)
    if once and "dataset" in df.columns:
        dups = duplicates if duplicates is not None else find_duplicates(df)
        codes, names = pd.factorize(df["dataset"].to_numpy(dtype=object))
        rows = shown_once(rows, dups, codes, list(names), f.winner)
    return rows


def canonical_actors(names: tuple[str, ...]) -> frozenset[str]:
    """The canonical names (``geo.io.actors``) of filter values: a link written with any
    listed spelling of a group selects the group."""
    table = aliases()
    return frozenset(table.canonical(n) for n in names)


def keep_rows(df: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """``df[keep]``, without copying every column when every row is kept (the default
    view of a million events would otherwise copy all their texts on each rerun)."""
    if bool(keep.all()):
        return df.copy(deep=False)  # copy-on-write: changing it never changes ``df``
    return df[keep]


def rows_where(df: pd.DataFrame, rows: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
    """The ``columns`` of the rows of ``df`` where the boolean array ``rows`` is true, in
    ``df``'s order: a copy of those rows only. A page that needs a few of the filtered
    events (a region's, a spot's) takes them this way from the filter's array, instead of
    keeping a copy of every filtered event (about 160 MB per filter at a million events)."""
    return df[list(columns)].iloc[np.flatnonzero(rows)]


def layer_counts(df: pd.DataFrame) -> dict[str, int]:
    """Number of events per display layer, every layer present (0 when none)."""
    counts = df["layer"].value_counts()
    return {layer: int(counts.get(layer, 0)) for layer in LAYERS}


class RegionStats(NamedTuple):
    """Events in one admin-1 unit and the sum of their fatality ranges."""

    events: int
    fatalities_low: int
    fatalities_high: int


def region_stats(df: pd.DataFrame, admin1_id: str) -> RegionStats:
    """``(count, sum of fatalities_low, sum of upper bounds)`` for the events in a unit.

    ``count`` includes events with unknown fatalities; those add 0 to both sums (so the sums
    are the known minimum and maximum, not an estimate of the true total). The upper bound
    of an event is ``fatalities_high``, or ``fatalities_low`` when no high is given.
    """
    part = df[df["admin1_id"] == admin1_id]
    low = int(part["fatalities_low"].fillna(0).sum())
    high = int(fatality_upper(part).fillna(0).sum())
    return RegionStats(len(part), low, high)


# --- URL query parameters -------------------------------------------------------------------
