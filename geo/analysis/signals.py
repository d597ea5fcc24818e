"""Where violence is changing: per admin-1 unit or country, the last period against the
unit's own recent baseline, record levels and new actors.

Pure numpy/pandas on :class:`geo.analysis.measures.EventArrays` and a selection mask (what
:func:`geo.analysis.measures.filter_mask` gives): a few array passes whatever the number of events,
never a Python loop over events. The rules are stated in ``data/ANALYSIS_RULES.md``
("Change signals"); the page prints them beside the numbers.

Periods are counted back from an end day ``end`` (inclusive): period 0 is
``[end + 1 day − 1 period, end + 1 day)``, period ``k`` the same length ``k`` periods
earlier (calendar months and quarters: 31 March back one month is the last day of
February). An event is placed by its first day, as everywhere in the analyses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date

import numpy as np
import pandas as pd

from geo.analysis.measures import EventArrays

PERIODS: tuple[str, ...] = ("week", "month", "quarter")
"""The lengths of period the signals compare."""

BASELINE_PERIODS = 12
"""How many same-length periods before the current one make a unit's baseline."""

MIN_COUNT = 5
"""Below this in the period *and* in the baseline's mean, no level is given (too few)."""

MIN_BASELINE_PERIODS = 6
"""A baseline needs this many periods inside the data's span, else no level."""

RECORD_YEARS: tuple[int, ...] = (1, 3)
"""Record spans: a level not seen in the previous 1 or 3 years."""

NEW_ACTOR_MONTHS = 12
"""An actor is new in a unit when absent from it in this many months before the period."""

LEVELS: tuple[str, ...] = ("well_above", "above", "usual", "below", "too_few", "short_baseline")
"""Change levels, most alarming first; the last two mean no level is given."""

MEASURES: tuple[str, ...] = ("events", "fatalities")
"""``fatalities`` is the high bound (:func:`geo.model.events.fatality_upper`, unknown = 0)."""

_NS_PER_DAY = 86_400 * 10**9


def _offset(period: str, k: int = 1) -> pd.DateOffset:
    if period == "week":
        return pd.DateOffset(weeks=k)
    if period == "month":
        return pd.DateOffset(months=k)
    if period == "quarter":
        return pd.DateOffset(months=3 * k)
    raise ValueError(f"unknown period {period!r}: one of {', '.join(PERIODS)}")


def periods_per_year(period: str) -> int:
    return {"week": 52, "month": 12, "quarter": 4}[period]


def period_starts(end: Date, period: str, count: int) -> pd.DatetimeIndex:
    """First day of periods 0..count-1 (period 0 ends on ``end``), most recent first."""
    stop = pd.Timestamp(end) + pd.Timedelta(days=1)
    return pd.DatetimeIndex([stop - _offset(period, k + 1) for k in range(count)])


def period_span(end: Date, period: str, k: int = 0) -> tuple[Date, Date]:
    """First and last day of period ``k`` back from ``end``."""
    stop = pd.Timestamp(end) + pd.Timedelta(days=1)
    first = stop - _offset(period, k + 1)
    last = stop - _offset(period, k) - pd.Timedelta(days=1) if k else pd.Timestamp(end)
    return first.date(), last.date()


def data_span(arrays: EventArrays, mask: np.ndarray) -> tuple[Date, Date] | None:
    """First and last day (by first day of event) of the selected events; None if none."""
    if not mask.any():
        return None
    dates = arrays.date[mask]
    return (pd.Timestamp(int(dates.min())).date(), pd.Timestamp(int(dates.max())).date())


def _grid(
    arrays: EventArrays,
    mask: np.ndarray,
    codes: np.ndarray,
    size: int,
    end: Date,
    period: str,
    count: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Events and fatality (high) sums per (period back 0..count-1, code): two
    ``count x size`` arrays, from one ``searchsorted`` and two ``bincount``."""
    stop = pd.Timestamp(end) + pd.Timedelta(days=1)
    bounds = np.array(
        [(stop - _offset(period, k)).as_unit("ns").value for k in range(count, -1, -1)],
        dtype=np.int64,
    )  # ascending
    rows = np.flatnonzero(
        mask & (arrays.date >= bounds[0]) & (arrays.date < bounds[-1]) & (codes >= 0)
    )
    slot = np.searchsorted(bounds, arrays.date[rows], side="right") - 1  # 0 = oldest
    back = count - 1 - slot
    cell = back.astype(np.int64) * size + codes[rows]
    n = count * size
    events = np.bincount(cell, minlength=n).reshape(count, size)
    fatalities = (
        np.rint(np.bincount(cell, weights=arrays.high[rows], minlength=n))
        .astype(np.int64)
        .reshape(count, size)
    )
    return events, fatalities


def _unit_codes(arrays: EventArrays, unit: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes and names of the units signals are given for (admin-1: events without a unit
    get code -1 and count nowhere)."""
    if unit == "admin1":
        blank = arrays.code("admin1", "")
        codes = (
            np.where(arrays.admin1 == blank, -1, arrays.admin1) if blank >= 0 else (arrays.admin1)
        )
        return codes, arrays.admin1_ids
    if unit == "country":
        return arrays.country, arrays.countries
    raise ValueError(f"unknown unit {unit!r}: admin1 or country")


def change_level(count: np.ndarray, mean: np.ndarray, sd: np.ndarray, covered: int) -> np.ndarray:
    """The rule, per unit (see ``data/ANALYSIS_RULES.md``):

    * ``short_baseline`` when fewer than :data:`MIN_BASELINE_PERIODS` baseline periods lie
      inside the data;
    * ``too_few`` when the count and the baseline mean are both below :data:`MIN_COUNT`;
    * ``well_above``: count > mean + 2 sd; ``above``: count > mean + 1 sd;
      ``below``: count < mean − 1 sd; ``usual`` otherwise.
    """
    count = np.asarray(count, dtype=float)
    if covered < MIN_BASELINE_PERIODS:
        return np.full(count.shape, "short_baseline", dtype=object)
    levels = np.select(
        [
            (count < MIN_COUNT) & (mean < MIN_COUNT),
            count > mean + 2 * sd,
            count > mean + sd,
            count < mean - sd,
        ],
        ["too_few", "well_above", "above", "below"],
        default="usual",
    )
    return levels.astype(object)


def change_table(
    arrays: EventArrays,
    mask: np.ndarray,
    unit: str,
    period: str,
    end: Date,
    baseline: int = BASELINE_PERIODS,
) -> pd.DataFrame:
    """Per unit (``admin1`` or ``country``) with an event in the period or its baseline:
    ``events`` and ``fatalities`` (high bound) in the period ending ``end``; for each,
    ``_mean`` and ``_sd`` (population standard deviation) over the baseline periods that
    lie inside the data, ``_baseline`` (their total) and ``_level`` (:func:`change_level`;
    a fatality level only where the events have one: one deadly event is not a trend);
    ``baseline_periods`` (how many were used). Sorted by level, then events."""
    codes, names = _unit_codes(arrays, unit)
    events, fatalities = _grid(arrays, mask, codes, len(names), end, period, baseline + 1)
    span = data_span(arrays, mask)
    starts = period_starts(end, period, baseline + 1)
    inside = (
        np.ones(baseline, dtype=bool) if span is None else (starts[1:] >= pd.Timestamp(span[0]))
    )
    covered = int(inside.sum())
    out = pd.DataFrame(index=pd.Index(names, dtype="str", name=unit))
    for measure, grid in (("events", events), ("fatalities", fatalities)):
        past = grid[1:][inside].astype(float)
        mean = past.mean(axis=0) if covered else np.zeros(len(names))
        sd = past.std(axis=0) if covered else np.zeros(len(names))
        out[measure] = grid[0]
        out[f"{measure}_mean"] = mean
        out[f"{measure}_sd"] = sd
        out[f"{measure}_baseline"] = past.sum(axis=0).astype(np.int64)
        level = change_level(grid[0], mean, sd, covered)
        if measure == "fatalities":  # a toll level rests on enough events too
            level = np.where(out["events_level"] == "too_few", "too_few", level).astype(object)
        out[f"{measure}_level"] = level
    out["baseline_periods"] = covered
    out = out[(out["events"] > 0) | (out["events_baseline"] > 0)]
    rank = out["events_level"].map({lv: i for i, lv in enumerate(LEVELS)})
    order = np.lexsort((-out["events"].to_numpy(), rank.to_numpy()))
    return out.iloc[order]


def record_table(
    arrays: EventArrays, mask: np.ndarray, unit: str, period: str, end: Date
) -> pd.DataFrame:
    """Units whose events or fatalities in the period ending ``end`` exceed every
    same-length period of the previous 1 or 3 years (HDX Signals' idea), with at least
    :data:`MIN_COUNT`, only when the data cover that whole span. One row per (unit,
    measure): ``value``, ``events`` (the period's events: the base of a toll), ``years``
    (3 when it beats three years, else 1), ``previous_max`` over those years and the
    first and last day of the most recent period that had it (``previous_start`` /
    ``previous_end``, None when the previous maximum is 0). Ranked: 3 years first, then
    by how far the value passes the previous maximum."""
    codes, names = _unit_codes(arrays, unit)
    per_year = periods_per_year(period)
    longest = max(RECORD_YEARS) * per_year
    events, fatalities = _grid(arrays, mask, codes, len(names), end, period, longest + 1)
    span = data_span(arrays, mask)
    starts = period_starts(end, period, longest + 1)
    rows = []
    for measure, grid in (("events", events), ("fatalities", fatalities)):
        now = grid[0]
        best_years = np.zeros(len(names), dtype=np.int64)
        for years in RECORD_YEARS:
            n = years * per_year
            if span is None or starts[n] < pd.Timestamp(span[0]):
                continue  # the data do not cover the whole span
            best_years[(now > grid[1 : n + 1].max(axis=0)) & (now >= MIN_COUNT)] = years
        for code in np.flatnonzero(best_years):
            n = int(best_years[code]) * per_year
            past = grid[1 : n + 1, code]
            k = int(np.argmax(past))  # the first maximum: the most recent period with it
            prev = int(past[k])
            first, last = period_span(end, period, k + 1) if prev else (None, None)
            rows.append(
                {
                    unit: names[code],
                    "measure": measure,
                    "value": int(now[code]),
                    "events": int(events[0, code]),
                    "years": int(best_years[code]),
                    "previous_max": prev,
                    "previous_start": first,
                    "previous_end": last,
                }
            )
    columns = [
        unit,
        "measure",
        "value",
        "events",
        "years",
        "previous_max",
        "previous_start",
        "previous_end",
    ]
    out = pd.DataFrame(rows, columns=columns).astype({unit: "str", "measure": "str"})
    if out.empty:
        return out
    out["ratio"] = out["value"] / out["previous_max"].clip(lower=1)
    out = out.sort_values(
        ["years", "ratio", "value", unit], ascending=[False, False, False, True], kind="stable"
    )
    return out.drop(columns="ratio").reset_index(drop=True)


@dataclass(frozen=True)
class NewActors:
    table: pd.DataFrame
    """``admin1``, ``actor``, ``events`` in the period, ``first`` (first day there)."""
    covered: bool
    """Do the data reach back over the whole look-back? (If not, "new" may be old.)"""
    since: Date
    """First day of the look-back."""


def new_actors(
    arrays: EventArrays, mask: np.ndarray, period: str, end: Date, months: int = NEW_ACTOR_MONTHS
) -> NewActors:
    """Actors (not victims: :func:`geo.analysis.measures.is_victim`) named by events of a unit in
    the period ending ``end`` and by none of the unit's events in the ``months`` months
    before the period. Actors are split as :func:`geo.io.events.actors_long` does (each
    distinct actors text once)."""
    first, _ = period_span(end, period)
    since = (pd.Timestamp(first) - pd.DateOffset(months=months)).date()
    codes, names = _unit_codes(arrays, "admin1")
    lo, mid = (pd.Timestamp(d).as_unit("ns").value for d in (since, first))
    hi = (pd.Timestamp(end) + pd.Timedelta(days=1)).as_unit("ns").value
    rows = np.flatnonzero(
        mask & (codes >= 0) & (arrays.actor_string >= 0) & (arrays.date >= lo) & (arrays.date < hi)
    )
    span = data_span(arrays, mask)
    covered = span is not None and span[0] <= since
    events = pd.DataFrame(
        {
            "unit": codes[rows],
            "string": arrays.actor_string[rows],
            "now": arrays.date[rows] >= mid,
            "date": arrays.date[rows],
        }
    )
    keep = ~arrays.actor_victim[arrays.actor_pair_name]
    pairs = pd.DataFrame(
        {"string": arrays.actor_pair_string[keep], "name": arrays.actor_pair_name[keep]}
    )
    long = events.merge(pairs, on="string")
    long["before"] = ~long["now"]
    # the first day in the period: NaT-like sentinel for the look-back's rows
    long["first"] = np.where(long["now"], long["date"], np.iinfo(np.int64).max)
    grouped = long.groupby(["unit", "name"]).agg(
        before=("before", "sum"), events=("now", "sum"), first=("first", "min")
    )
    fresh = grouped[(grouped["events"] > 0) & (grouped["before"] == 0)].reset_index()
    table = pd.DataFrame(
        {
            "admin1": pd.Series(
                np.asarray(names, dtype=object)[fresh["unit"].to_numpy(int)] if len(fresh) else [],
                dtype="str",
            ),
            "actor": pd.Series(
                np.asarray(arrays.actor_names, dtype=object)[fresh["name"].to_numpy(int)]
                if len(fresh)
                else [],
                dtype="str",
            ),
            "events": fresh["events"].to_numpy(dtype=np.int64)
            if len(fresh)
            else np.array([], dtype=np.int64),
            "first": [pd.Timestamp(int(v)).date() for v in fresh["first"]] if len(fresh) else [],
        }
    )
    table = table.sort_values(
        ["events", "admin1", "actor"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    return NewActors(table=table, covered=covered, since=since)


def default_end(arrays: EventArrays, mask: np.ndarray) -> Date | None:
    """The data's end: the last first day among the selected events."""
    span = data_span(arrays, mask)
    return None if span is None else span[1]
