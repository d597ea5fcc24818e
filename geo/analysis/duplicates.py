"""The same event in two datasets: likely duplicates, found once per set of events.

Rule (``data/ANALYSIS_RULES.md``, "Events in two datasets"): two events are likely the
same when they come from **different datasets**, their first days are at most
:data:`DUPLICATE_DAYS` apart, their points are at most :data:`DUPLICATE_KM` apart
(measured in :data:`geo.io.events.METRIC_CRS`), and their categories are compatible
(:data:`CATEGORY_FAMILY`: a coup only with a coup; insurgency and state violence with each
other, since datasets attribute the same attack differently). Events without
coordinates, placed at region level (``geo_precision`` 3) or dated to a month only are
never matched: their point or day is not the event's.

Events of one dataset are never merged with each other, even when they match the same
event of another dataset. Finding the pairs is vectorised: points are put in cells of
:data:`DUPLICATE_KM` by day, and each dataset's cells are looked up (sorted keys,
``searchsorted``) in the 27 neighbouring cells and days of every other dataset, so the
work grows with the events and the candidate pairs, never with their square.

Nothing here imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.io.events import metric_xy

DUPLICATE_KM = 10.0
DUPLICATE_DAYS = 1
CURATED = "curated"
CATEGORY_FAMILY: dict[str, str] = {
    "coup": "coup",
    "insurgency": "violence",
    "state-violence": "violence",
}
"""Categories that may describe one event; a category not listed matches only itself."""

_COLUMNS = (
    "dataset",
    "date",
    "date_precision",
    "category",
    "latitude",
    "longitude",
    "geo_precision",
)
_OFFSET = 1 << 20  # cell numbers are shifted to be non-negative before packing


@dataclass(frozen=True, eq=False)
class Duplicates:
    """Pairs of likely duplicates among ``n`` events, as row positions (0..n-1):
    ``left[k]`` and ``right[k]`` are one pair (different datasets)."""

    n: int
    left: np.ndarray = field(default_factory=lambda: np.array([], np.int64))
    right: np.ndarray = field(default_factory=lambda: np.array([], np.int64))

    def __len__(self) -> int:
        return len(self.left)

    def groups(self) -> np.ndarray:
        """A label per event: events linked by pairs (directly or through others) share
        the smallest position among them; an unpaired event has its own position."""
        cached = self.__dict__.get("_groups")
        if cached is not None:
            return cached
        label = np.arange(self.n, dtype=np.int64)
        while len(self.left):
            low = np.minimum(label[self.left], label[self.right])
            before = label.copy()
            np.minimum.at(label, self.left, low)
            np.minimum.at(label, self.right, low)
            label = label[label]  # follow the labels' own labels (shortens chains)
            if np.array_equal(label, before):
                break
        object.__setattr__(self, "_groups", label)
        return label

    def others(self, row: int) -> np.ndarray:
        """The positions of the events linked to ``row`` (itself excluded)."""
        if not len(self.left) or not 0 <= row < self.n:
            return np.array([], np.int64)
        label = self.groups()
        members = np.flatnonzero(label == label[row])
        return members[members != row]


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def find_duplicates(
    events: pd.DataFrame, km: float = DUPLICATE_KM, days: int = DUPLICATE_DAYS
) -> Duplicates:
    """The likely duplicates among ``events`` (model columns ``dataset``, ``date``,
    ``date_precision``, ``category``, ``latitude``, ``longitude``, ``geo_precision``)."""
    n = len(events)
    if not set(_COLUMNS) <= set(events.columns) or events["dataset"].nunique(dropna=True) < 2:
        return Duplicates(n)  # one dataset (or a partial frame): nothing to match
    lat = pd.to_numeric(events["latitude"], errors="coerce").to_numpy(dtype="float64")
    lon = pd.to_numeric(events["longitude"], errors="coerce").to_numpy(dtype="float64")
    region = (events["geo_precision"] == 3).fillna(False).to_numpy(dtype=bool)
    month = (events["date_precision"].astype("str") == "month").to_numpy(dtype=bool)
    eligible = np.flatnonzero(
        np.isfinite(lat)
        & np.isfinite(lon)
        & ~region
        & ~month
        & events["date"].notna().to_numpy(dtype=bool)
    )
    # Factorised as columns, then cut (a million texts made Python objects first would
    # take a tenth of a second each); a missing dataset or category is -1.
    ds_codes = pd.factorize(events["dataset"])[0][eligible]
    if len(eligible) < 2 or len(np.unique(ds_codes[ds_codes >= 0])) < 2:
        return Duplicates(n)  # fewer than two datasets with placed events: nothing to match
    cat_all, cats = pd.factorize(events["category"])
    cat_codes = cat_all[eligible]
    fam_of_cat, _ = pd.factorize(np.array([CATEGORY_FAMILY.get(c, c) for c in cats], dtype=object))
    # An event without a category matches nothing (its family is -1).
    fam_codes = (
        np.where(cat_codes >= 0, fam_of_cat[np.maximum(cat_codes, 0)], -1)
        if len(cats)
        else cat_codes
    )
    x, y = metric_xy(lat[eligible], lon[eligible])
    day = _days(events["date"])[eligible]
    cell = km * 1000.0
    cx = np.floor(x / cell).astype(np.int64) + _OFFSET
    cy = np.floor(y / cell).astype(np.int64) + _OFFSET
    reach = int(np.ceil(days))
    span = np.int64(day.max() - day.min() + 2 * reach + 3)
    dd = day - day.min() + reach + 1
    # One integer per (cell, day), increasing with the day within a cell: the days
    # day-reach..day+reach of a neighbouring cell are one range of keys.
    key = (cx * (2 * _OFFSET) + cy) * span + dd
    lefts, rights = [], []
    for d in range(int(ds_codes.max())):  # each dataset against the later ones: each pair once
        mine = np.flatnonzero(ds_codes == d)
        theirs = np.flatnonzero(ds_codes > d)
        if not len(mine) or not len(theirs):
            continue
        mine = mine[np.argsort(key[mine], kind="stable")]  # sorted queries: fast lookups
        order = theirs[np.argsort(key[theirs], kind="stable")]
        sorted_keys = key[order]
        for ox in (-1, 0, 1):
            for oy in (-1, 0, 1):
                base = key[mine] + (ox * (2 * _OFFSET) + oy) * span
                lo = np.searchsorted(sorted_keys, base - reach, "left")
                hi = np.searchsorted(sorted_keys, base + reach, "right")
                count = hi - lo
                if not count.any():
                    continue
                a = np.repeat(mine, count)
                start = np.repeat(lo, count)
                within = np.arange(len(a)) - np.repeat(np.cumsum(count) - count, count)
                lefts.append(a)
                rights.append(order[start + within])
    if not lefts:
        return Duplicates(n)
    a, b = np.concatenate(lefts), np.concatenate(rights)
    close = (x[a] - x[b]) ** 2 + (y[a] - y[b]) ** 2 <= cell * cell
    keep = (
        close
        & (np.abs(day[a] - day[b]) <= days)
        & (fam_codes[a] == fam_codes[b])
        & (fam_codes[a] >= 0)
    )
    left, right = eligible[a[keep]], eligible[b[keep]]
    swap = left > right
    left, right = np.where(swap, right, left), np.where(swap, left, right)
    order = np.lexsort((right, left))
    return Duplicates(n, left[order].astype(np.int64), right[order].astype(np.int64))


def dataset_ranks(names: list[str] | tuple[str, ...], winner: str = CURATED) -> np.ndarray:
    """The precedence of each dataset name (0 first): ``winner``, then the curated
    dataset, then the others in alphabetical order."""
    order = sorted(names, key=lambda n: (n != winner, n != CURATED, n))
    rank = {name: i for i, name in enumerate(order)}
    return np.array([rank[n] for n in names], dtype=np.int64)


def hidden(
    dups: Duplicates,
    dataset_codes: np.ndarray,
    dataset_names: list[str] | tuple[str, ...],
    winner: str,
    shown: np.ndarray,
) -> np.ndarray:
    """Which of the ``shown`` events (a boolean array over the events) are left out as
    duplicates: an event is hidden when one of its pairs is shown and of a dataset that
    comes first (:func:`dataset_ranks`). ``dataset_codes``: each event's dataset as a
    position in ``dataset_names``."""
    out = np.zeros(dups.n, dtype=bool)
    if not len(dups):
        return out
    rank = dataset_ranks(list(dataset_names), winner)[np.asarray(dataset_codes)]
    shown = np.asarray(shown, dtype=bool)
    a, b = dups.left, dups.right
    a_first = rank[a] < rank[b]
    out[b[a_first & shown[a]]] = True
    out[a[~a_first & shown[b]]] = True
    return out & shown


def shown_once(
    rows: np.ndarray,
    dups: Duplicates,
    dataset_codes: np.ndarray,
    dataset_names: list[str] | tuple[str, ...],
    winner: str,
) -> np.ndarray:
    """``rows`` (a boolean array over the events) without the duplicates it holds."""
    rows = np.asarray(rows, dtype=bool)
    return rows & ~hidden(dups, dataset_codes, dataset_names, winner, rows)
