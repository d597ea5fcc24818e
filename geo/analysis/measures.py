"""Aggregations behind the Analysis page: trends, before/after, distance from the tripoint.

Plain, vectorised functions over the event model of :mod:`geo.io.events` (curated or imported
events alike). Nothing here imports Streamlit. The rules below are also written out, with
worked examples, in ``data/ANALYSIS_RULES.md``.

Rules
-----
* **Reference date.** Every event is placed by its first day, ``date``. A month-precision
  event has ``date`` = the 1st of its month (and ``date_end`` = the last day), so it falls in
  that month in the monthly series and in that year in the distance bands. A ``range`` event
  counts once, in the month of its first day.
* **Fatalities.** Sums of ``fatalities_low`` (the "low" series) and of the upper bound
  :func:`geo.model.events.fatality_upper` (the "high" series). Unknown fatalities add 0 to both
  sums, so the band is the range of known deaths, not an estimate of the true total; the
  number of events with unknown fatalities is reported alongside.
* **Actors.** An event with several actors counts once for each actor, with its full
  fatalities: actor rows are not additive. Victims are not actors: a name whose head noun
  names unarmed people (``Civilians (Mali)``, ``Fulani civilians``, ``villagers``; see
  :func:`is_victim`) is ranked apart, never among the actors.
* **Periods.** The trend charts count per month while the span has at most
  :data:`MAX_BARS` months, else per quarter, else per year (:func:`choose_period`).
* **Before / after.** For a pivot date ``p`` and a window of ``n`` months, the *before* window
  is ``[p - n months, p)`` and the *after* window is ``[p, p + n months)``: an event on the
  pivot day belongs to **after**. An event is *before* when its whole span ends before the
  pivot (``date_end < p``) and it starts in the window (``date >= p - n months``); *after*
  when it starts in ``[p, p + n months)``. An event whose span contains the pivot
  (``date < p <= date_end``: a month-precision event of the pivot's month when ``p`` is not
  the 1st, or a range across the pivot) cannot be put on either side and is counted apart as
  *straddling*. ``p - n months`` uses calendar months (31 March minus one month = 28/29 Feb).
* **Areas.** The three states by ``country_iso3``; the ALG zone by the event's ``admin1_id``
  (the admin-1 units the ALG lists, see :mod:`geo.spatial.zones`); the tri-border core by the
  event's distance to the tripoint ``<= radius`` (inclusive), measured in an azimuthal
  equidistant projection centred on the tripoint, for events in the three states. Events
  without coordinates are in no ALG or core count (they still count for their state).
* **Distance bands.** Bands ``[0, 50)``, ``[50, 100)``, ``[100, 200)``, ``[200, 400)`` and
  ``[400, inf)`` km: closed on the left, open on the right, so an event exactly 50 km away is
  in 50-100. Distances are measured in the same projection and rounded to the metre first,
  so a point placed exactly on an edge is not pushed below it by floating-point error.
  Shares are per year, over the events *with coordinates* of that year (events without are
  counted apart); a fatality share is NaN when the year's total is 0.
* **Lacking exact dates**: ``date_precision != "day"``. **Lacking exact places**: no
  coordinates, or ``geo_precision == 3`` (region level).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.analysis.duplicates import CURATED, Duplicates, find_duplicates, shown_once
from geo.analysis.filters import canonical_actors
from geo.io import placecache

# The victim rule lives in geo.io.actors (the alias table marks victims too); named here
# for the callers of geo.analysis.measures.
from geo.io.actors import VICTIM_NOUNS, is_victim  # noqa: F401
from geo.io.events import actor_pairs
from geo.io.exports import table_csv
from geo.model.countries import AES_MEMBERS, CHARTER_DATE
from geo.model.events import fatality_upper
from geo.model.filters import TYPOLOGY_FIELDS, EventFilter
from geo.spatial.geometry import WGS84, local_equidistant_crs

BAND_EDGES_KM: tuple[float, ...] = (0.0, 50.0, 100.0, 200.0, 400.0)
BAND_LABELS: tuple[str, ...] = ("0-50", "50-100", "100-200", "200-400", "400+")
DEFAULT_PIVOT = CHARTER_DATE
DEFAULT_WINDOW_MONTHS = 12
MAX_WINDOW_MONTHS = 60
AREAS: tuple[str, ...] = ("MLI", "BFA", "NER", "AES", "ALG", "CORE")
"""Rows of the before/after table: each state, the three together, ALG zone, core."""

# The AES milestones drawn as vertical rules: the charter, the coups that brought the
# current governments, the ECOWAS exit (announced and effective).
MILESTONE_IDS: tuple[str, ...] = (
    "mali-coup-2020",
    "mali-coup-2021",
    "burkina-coup-jan-2022",
    "burkina-coup-sep-2022",
    "niger-coup-2023",
    "liptako-gourma-charter",
    "ecowas-exit-announced",
    "ecowas-exit-effective",
)
MILESTONE_KINDS: dict[str, str] = {
    "mali-coup-2020": "coup",
    "mali-coup-2021": "coup",
    "burkina-coup-jan-2022": "coup",
    "burkina-coup-sep-2022": "coup",
    "niger-coup-2023": "coup",
    "liptako-gourma-charter": "charter",
    "ecowas-exit-announced": "ecowas",
    "ecowas-exit-effective": "ecowas",
}

_SERIES_COLUMNS = ["events", "fatalities_low", "fatalities_high", "fatalities_unknown"]


# --- small shared pieces ------------------------------------------------------------------


def _fatality_frame(df: pd.DataFrame) -> pd.DataFrame:
    """events=1, fatalities_low, fatalities_high (unknown = 0), fatalities_unknown (0/1)."""
    low = df["fatalities_low"]
    return pd.DataFrame(
        {
            "events": np.ones(len(df), dtype="int64"),
            "fatalities_low": low.fillna(0).astype("int64").to_numpy(),
            "fatalities_high": fatality_upper(df).fillna(0).astype("int64").to_numpy(),
            "fatalities_unknown": low.isna().astype("int64").to_numpy(),
        },
        index=df.index,
    )


def _sums(df: pd.DataFrame, keys: list[pd.Series] | pd.Series) -> pd.DataFrame:
    return _fatality_frame(df).groupby(keys, observed=False).sum()


def month_start(dates: pd.Series) -> pd.Series:
    """The first day of each date's month (datetime64)."""
    return dates.dt.to_period("M").dt.to_timestamp()


# --- monthly series ----------------------------------------------------------------------


def monthly_series(
    df: pd.DataFrame,
    by: str,
    start: Date | pd.Timestamp | None = None,
    end: Date | pd.Timestamp | None = None,
    groups: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Events and fatality sums per month and per value of column ``by``.

    ``by`` is ``"country_iso3"`` or ``"category"`` (any text column works). Returns long rows
    ``month`` (first day), ``group``, ``events``, ``fatalities_low``, ``fatalities_high``,
    ``fatalities_unknown``, with every month from ``start`` (default: first event) to ``end``
    (default: last event) and every group (``groups``, default those present) filled with 0,
    so a chart shows quiet months as 0 rather than skipping them.
    """
    cols = ["month", "group", *_SERIES_COLUMNS]
    if df.empty and (start is None or end is None):
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in cols}).astype(
            {"month": "datetime64[ns]", "group": "str"}
        )
    months = month_start(df["date"])
    first = pd.Timestamp(start).to_period("M") if start is not None else months.min().to_period("M")
    last = pd.Timestamp(end).to_period("M") if end is not None else months.max().to_period("M")
    all_months = pd.period_range(first, last, freq="M").to_timestamp()
    all_groups = list(groups) if groups is not None else sorted(df[by].unique())
    sums = _sums(df, [months.rename("month"), df[by].rename("group")])
    grid = pd.MultiIndex.from_product([all_months, all_groups], names=["month", "group"])
    out = sums.reindex(grid, fill_value=0).reset_index()
    out["month"] = out["month"].astype("datetime64[ns]")
    out["group"] = out["group"].astype("str")
    return out[cols].astype(dict.fromkeys(_SERIES_COLUMNS, "int64"))


PERIODS: tuple[str, ...] = ("month", "quarter", "year")
MAX_BARS = 60
"""Most bars per group a trend chart draws: at 60, a bar is still about 15 px wide in the
900 px a chart gets in a 1400 px window (168 monthly bars of 14 years would be 5 px)."""
_PERIOD_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}


def choose_period(first: pd.Timestamp, last: pd.Timestamp, max_bars: int = MAX_BARS) -> str:
    """The finest of month, quarter and year that gives at most ``max_bars`` periods from
    ``first`` to ``last`` (both included)."""
    for period in PERIODS[:-1]:
        freq = _PERIOD_FREQ[period]
        count = (
            pd.Timestamp(last).to_period(freq).ordinal
            - pd.Timestamp(first).to_period(freq).ordinal
            + 1
        )
        if count <= max_bars:
            return period
    return PERIODS[-1]


def period_series(series: pd.DataFrame, period: str) -> pd.DataFrame:
    """The long monthly series of :func:`monthly_series` summed per ``period`` (``month``,
    ``quarter`` or ``year``): the same columns, ``month`` being the first day of the period.
    Quiet periods stay as 0; a period only partly inside the span keeps the months it has."""
    if period == "month" or series.empty:
        return series.copy()
    start = series["month"].dt.to_period(_PERIOD_FREQ[period]).dt.to_timestamp()
    out = (
        series.groupby([start.rename("month"), series["group"]], sort=True)[_SERIES_COLUMNS]
        .sum()
        .reset_index()
    )
    out["month"] = out["month"].astype("datetime64[ns]")
    return out[series.columns.tolist()].astype(dict.fromkeys(_SERIES_COLUMNS, "int64"))


def period_label(start: pd.Timestamp, period: str) -> str:
    """``2023-09``, ``2023-Q3`` or ``2023``: a period's name in tables and CSV files (the
    same in every language)."""
    if period == "month":
        return f"{start:%Y-%m}"
    if period == "quarter":
        return f"{start.year}-Q{start.quarter}"
    return f"{start.year}"


def series_table(series: pd.DataFrame, value: str, period: str = "month") -> pd.DataFrame:
    """The long series as a wide table: one row per period, one column per group."""
    wide = series.pivot_table(
        index="month", columns="group", values=value, aggfunc="sum", fill_value=0
    )
    wide.columns.name = None
    wide.index = [period_label(m, period) for m in wide.index]
    return wide


# --- actors --------------------------------------------------------------------------------


def top_actors(
    df: pd.DataFrame, n: int = 10, by: str = "events", victims: bool = False
) -> pd.DataFrame:
    """The ``n`` actors with most events (``by="events"``) or deaths (``"fatalities_high"``).

    Columns ``actor``, ``events``, ``fatalities_low``, ``fatalities_high``,
    ``fatalities_unknown``. An event counts for each of its actors with its full fatalities.
    Ties are broken by the other measure, then by name. Victims (:func:`is_victim`) are left
    out; ``victims=True`` ranks them alone instead.
    """
    cols = ["actor", *_SERIES_COLUMNS]
    pairs = actor_pairs(df)
    actors = pairs.targets() if victims else pairs.actors()
    if actors.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in cols}).astype({"actor": "str"})
    fat = _fatality_frame(df).iloc[actors.index.to_numpy()]
    fat["actor"] = actors.to_numpy()
    out = fat.groupby("actor").sum().reset_index()
    other = "fatalities_high" if by == "events" else "events"
    out = out.sort_values([by, other, "actor"], ascending=[False, False, True], kind="stable")
    return out.head(n).reset_index(drop=True)[cols]


# --- admin-1 choropleth ----------------------------------------------------------------------


def admin1_counts(
    df: pd.DataFrame, start: Date | None = None, end: Date | None = None
) -> pd.DataFrame:
    """Events and fatality sums per admin-1 unit, for events whose first day is in
    ``[start, end]`` (inclusive; None = open). Indexed by ``admin1_id``; events with no unit
    (``""``) are left out."""
    part = df[df["admin1_id"] != ""]
    if start is not None:
        part = part[part["date"] >= pd.Timestamp(start)]
    if end is not None:
        part = part[part["date"] <= pd.Timestamp(end)]
    out = _sums(part, part["admin1_id"].rename("admin1_id"))
    return out.astype("int64")


def years_of(df: pd.DataFrame) -> list[int]:
    """The calendar years of the events' first days, ascending."""
    return sorted(int(y) for y in df["date"].dt.year.unique())


# --- geometry: distance to the tripoint, area membership -------------------------------------


def distance_km(df: pd.DataFrame, center: shapely.Point, cache: Path | None = None) -> pd.Series:
    """Distance in km from each event to ``center``, in an azimuthal equidistant projection
    centred there (exact for distances from the centre), rounded to the metre. NaN for
    events without coordinates. ``cache``: a :mod:`geo.io.placecache` file of the distances
    to ``center`` already computed (read, then completed with the places it lacked)."""
    lon = df["longitude"].to_numpy(dtype="float64")
    lat = df["latitude"].to_numpy(dtype="float64")
    located = ~(np.isnan(lon) | np.isnan(lat))
    # Project each distinct place once: events share places (a million imported events
    # have a few tens of thousands), and the ellipsoidal projection is the slow part.
    codes, places = pd.factorize(lon[located] + 1j * lat[located])
    places = np.asarray(places, dtype=np.complex128)
    place_metres = (
        placecache.known_metres(cache, places)
        if cache is not None
        else np.full(len(places), np.nan)
    )
    missing = np.isnan(place_metres)
    if missing.any():
        transformer = Transformer.from_crs(WGS84, local_equidistant_crs(center), always_xy=True)
        x, y = transformer.transform(places[missing].real, places[missing].imag)
        place_metres[missing] = np.round(np.hypot(x, y))
        if cache is not None:
            placecache.remember(cache, places[missing], place_metres[missing])
    metres = np.full(len(lon), np.nan)
    metres[located] = place_metres[codes]
    return pd.Series(metres / 1000.0, index=df.index, name="distance_km")


def area_masks(
    df: pd.DataFrame,
    alg_admin1_ids: Iterable[str],
    center: shapely.Point,
    radius_km: float,
    km: pd.Series | None = None,
) -> dict[str, pd.Series]:
    """Boolean masks of the events in each area of :data:`AREAS` (``km``: see
    :func:`distances`)."""
    iso3 = df["country_iso3"]
    in_aes = iso3.isin(AES_MEMBERS)
    masks = {iso: iso3 == iso for iso in AES_MEMBERS}
    masks["AES"] = in_aes
    masks["ALG"] = df["admin1_id"].isin(set(alg_admin1_ids)) & in_aes
    masks["CORE"] = in_aes & (distances(df, center, km) <= radius_km).fillna(False).astype(bool)
    return masks


def distances(df: pd.DataFrame, center: shapely.Point, km: pd.Series | None) -> pd.Series:
    """:func:`distance_km` of the events of ``df``, taken from ``km`` when given: the
    distances of a superset of the events (same index), computed once for all of them
    (projecting a million points takes a second; filters only select among them)."""
    if km is None:
        return distance_km(df, center)
    return km.reindex(df.index)


# --- completeness ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    """How many events lack an exact date, an exact place or a fatality figure."""

    total: int
    inexact_date: int
    """``date_precision`` is not ``day`` (approx, range or month)."""
    month_only: int
    no_coordinates: int
    region_level: int
    """``geo_precision == 3``: coordinates of the region, not the place."""
    inexact_place: int
    """No coordinates, or region level."""
    unknown_fatalities: int


def completeness(df: pd.DataFrame) -> Completeness:
    no_coords = df["latitude"].isna() | df["longitude"].isna()
    region = (df["geo_precision"] == 3).fillna(False).astype(bool)
    return Completeness(
        total=len(df),
        inexact_date=int((df["date_precision"] != "day").sum()),
        month_only=int((df["date_precision"] == "month").sum()),
        no_coordinates=int(no_coords.sum()),
        region_level=int((region & ~no_coords).sum()),
        inexact_place=int((no_coords | region).sum()),
        unknown_fatalities=int(df["fatalities_low"].isna().sum()),
    )


# --- before / after --------------------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    """The two windows around a pivot: before = [before_start, pivot), after = [pivot,
    after_end)."""

    before_start: pd.Timestamp
    pivot: pd.Timestamp
    after_end: pd.Timestamp

    @property
    def before_last_day(self) -> pd.Timestamp:
        return self.pivot - pd.Timedelta(days=1)

    @property
    def after_last_day(self) -> pd.Timestamp:
        return self.after_end - pd.Timedelta(days=1)


def windows(pivot: Date | pd.Timestamp, months: int) -> Windows:
    if months < 1:
        raise ValueError("the window must be at least one month")
    p = pd.Timestamp(pivot).normalize()
    return Windows(p - pd.DateOffset(months=months), p, p + pd.DateOffset(months=months))


def window_side(df: pd.DataFrame, w: Windows) -> pd.Series:
    """``"before"``, ``"after"``, ``"straddling"`` or ``""`` (outside both windows)."""
    before = (df["date_end"] < w.pivot) & (df["date"] >= w.before_start)
    after = (df["date"] >= w.pivot) & (df["date"] < w.after_end)
    straddle = (df["date"] < w.pivot) & (df["date_end"] >= w.pivot) & (df["date"] >= w.before_start)
    side = np.select([before, after, straddle], ["before", "after", "straddling"], "")
    return pd.Series(side, index=df.index, name="side")


@dataclass(frozen=True)
class BeforeAfter:
    windows: Windows
    table: pd.DataFrame
    """One row per area (index :data:`AREAS`): events/fatalities before and after, change."""
    completeness_before: Completeness
    completeness_after: Completeness
    straddling: int
    """Events in the areas' union whose span contains the pivot: in neither window."""


def _pct(after: pd.Series, before: pd.Series) -> pd.Series:
    before_f = before.astype("float64")
    return ((after - before) / before_f.where(before_f > 0) * 100.0).round(1)


def _before_after_table(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    """One row per area of the counts before and after the pivot: each measure's before,
    after, change and change in percent, then the events straddling the pivot."""
    table = pd.DataFrame.from_dict(rows, orient="index")
    for measure in ("events", "fatalities_low", "fatalities_high"):
        table[f"{measure}_change_pct"] = _pct(table[f"{measure}_after"], table[f"{measure}_before"])
    order = [
        f"{m}_{s}"
        for m in ("events", "fatalities_low", "fatalities_high")
        for s in ("before", "after", "change", "change_pct")
    ] + ["straddling"]
    table = table[order]
    table.index.name = "area"
    return table


def before_after(
    df: pd.DataFrame,
    pivot: Date | pd.Timestamp,
    months: int,
    alg_admin1_ids: Iterable[str],
    center: shapely.Point,
    radius_km: float,
    km: pd.Series | None = None,
) -> BeforeAfter:
    """Events and fatality sums in the two windows around ``pivot``, per area.

    Columns ``events_before``, ``events_after``, ``events_change``, ``events_change_pct``
    (NaN when nothing before), the same for ``fatalities_low`` and ``fatalities_high``, and
    ``straddling`` (events of the area in neither window because their span contains the
    pivot). A descriptive comparison of counts, not a causal estimate.
    """
    w = windows(pivot, months)
    side = window_side(df, w)
    masks = area_masks(df, alg_admin1_ids, center, radius_km, km)
    fat = _fatality_frame(df)
    rows = {}
    for area in AREAS:
        mask = masks[area]
        row: dict[str, float] = {}
        for measure in ("events", "fatalities_low", "fatalities_high"):
            b = int(fat.loc[mask & (side == "before"), measure].sum())
            a = int(fat.loc[mask & (side == "after"), measure].sum())
            row[f"{measure}_before"] = b
            row[f"{measure}_after"] = a
            row[f"{measure}_change"] = a - b
        row["straddling"] = int((mask & (side == "straddling")).sum())
        rows[area] = row
    table = _before_after_table(rows)
    any_area = pd.Series(False, index=df.index)
    for mask in masks.values():
        any_area |= mask
    return BeforeAfter(
        windows=w,
        table=table,
        completeness_before=completeness(df[any_area & (side == "before")]),
        completeness_after=completeness(df[any_area & (side == "after")]),
        straddling=int((any_area & (side == "straddling")).sum()),
    )


def before_after_long(table: pd.DataFrame) -> pd.DataFrame:
    """The before/after table as long rows (area, window, measure, value) for a chart."""
    parts = []
    for measure in ("events", "fatalities_low", "fatalities_high"):
        for window in ("before", "after"):
            parts.append(
                pd.DataFrame(
                    {
                        "area": table.index,
                        "window": window,
                        "measure": measure,
                        "value": table[f"{measure}_{window}"].to_numpy(),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


# --- distance bands ---------------------------------------------------------------------------


def distance_band(km: pd.Series) -> pd.Series:
    """The band label of each distance (left-closed bands, see the module docstring);
    NaN distance gives NaN."""
    edges = [*BAND_EDGES_KM, np.inf]
    cut = pd.cut(km, bins=edges, right=False, labels=list(BAND_LABELS))
    return cut.astype(pd.CategoricalDtype(list(BAND_LABELS), ordered=True))


@dataclass(frozen=True)
class DistanceBands:
    table: pd.DataFrame
    """Rows (year, band) for every year and band: counts, sums and shares."""
    unlocated: pd.Series
    """Per year, events without coordinates (not in any band)."""
    summary: pd.DataFrame
    """Per year: located events, share within 100 km, median distance (km)."""


def distance_bands(
    df: pd.DataFrame, center: shapely.Point, km: pd.Series | None = None
) -> DistanceBands:
    """Share of events and fatalities per distance band from ``center``, per year.

    ``table`` columns: ``year``, ``band``, ``events``, ``fatalities_low``,
    ``fatalities_high``, ``share_events``, ``share_fatalities_low``,
    ``share_fatalities_high`` (fractions of the year's located events / deaths).
    """
    km = distances(df, center, km)
    located = km.notna()
    year = df["date"].dt.year
    years = sorted(int(y) for y in year.unique())
    unlocated = (~located).groupby(year).sum().reindex(years, fill_value=0).astype("int64")
    unlocated.index.name = "year"
    part = df[located]
    bands = distance_band(km[located])
    sums = _sums(part, [year[located].rename("year"), bands.rename("band")])
    grid = pd.MultiIndex.from_product([years, list(BAND_LABELS)], names=["year", "band"])
    table = sums.reindex(grid, fill_value=0).drop(columns="fatalities_unknown")
    totals = table.groupby(level="year").transform("sum").astype("float64")
    for measure in ("events", "fatalities_low", "fatalities_high"):
        table[f"share_{measure}"] = table[measure] / totals[measure].where(totals[measure] > 0)
    table = table.reset_index()
    table["band"] = table["band"].astype(pd.CategoricalDtype(list(BAND_LABELS), ordered=True))
    near = (km[located] < 100).groupby(year[located]).mean()
    median = km[located].groupby(year[located]).median()
    count = located.groupby(year).sum()
    summary = pd.DataFrame(
        {
            "located_events": count.reindex(years, fill_value=0).astype("int64"),
            "share_within_100km": near.reindex(years),
            "median_km": median.reindex(years).round(1),
        }
    )
    summary.index.name = "year"
    return DistanceBands(table=table, unlocated=unlocated, summary=summary)


def concentration_trend(summary: pd.DataFrame, min_events: int = 5) -> str:
    """``"concentrating"``, ``"spreading"``, ``"stable"`` or ``"insufficient"``: compares the
    median distance of the first and last years with at least ``min_events`` located events
    (a change under 10 % is "stable")."""
    usable = summary[summary["located_events"] >= min_events]
    if len(usable) < 2:
        return "insufficient"
    first, last = usable["median_km"].iloc[0], usable["median_km"].iloc[-1]
    if first <= 0 or abs(last - first) / first < 0.10:
        return "stable"
    return "concentrating" if last < first else "spreading"


# --- milestones -------------------------------------------------------------------------------


class Dated(Protocol):
    """A timeline item as :func:`milestone_rules` reads it (:class:`geo.io.facts.Milestone`)."""

    @property
    def id(self) -> str: ...
    @property
    def sort_date(self) -> str | Date: ...
    @property
    def title(self) -> Mapping[str, str]: ...


def milestone_rules(
    milestones: Iterable[Dated], ids: Sequence[str] = MILESTONE_IDS
) -> pd.DataFrame:
    """Vertical rules for charts: ``id``, ``date`` (datetime), ``kind`` (coup / charter /
    ecowas), ``country_iso3`` (the first country, or ``""``), ``label_en``, ``label_fr``,
    from :func:`geo.io.facts.load_timeline` items (anything with ``id``, ``sort_date`` and a
    bilingual ``title``). Unknown ids are skipped."""
    wanted = {i: n for n, i in enumerate(ids)}
    rows = [
        {
            "id": m.id,
            "date": pd.Timestamp(m.sort_date),
            "kind": MILESTONE_KINDS.get(m.id, "other"),
            "country_iso3": (tuple(getattr(m, "countries", ()) or ()) or ("",))[0],
            "label_en": m.title.get("en", m.id),
            "label_fr": m.title.get("fr") or m.title.get("en", m.id),
        }
        for m in milestones
        if m.id in wanted
    ]
    out = pd.DataFrame(rows, columns=["id", "date", "kind", "country_iso3", "label_en", "label_fr"])
    return out.sort_values("date", kind="stable").reset_index(drop=True)


# --- CSV export ---------------------------------------------------------------------------------


def csv_bytes(
    table: pd.DataFrame, attribution: Iterable[str] = (), title: str = "", index: bool = False
) -> bytes:
    """UTF-8 CSV of ``table``, preceded by ``# `` comment lines: a title and the attribution
    lines of the data the numbers come from (``geo.io.exports.attribution_lines``).

    Written by the app's one CSV writer, :func:`geo.io.exports.table_csv` (index included), so
    an actor or region named ``=HYPERLINK(...)`` is text in a spreadsheet, not a formula."""
    return table_csv(table.reset_index() if index else table, attribution, title)


# --- the same numbers from precomputed arrays (large event sets) -----------------------------
#
# A page reruns on every click, and a million events make each pandas pass over them cost
# tenths of a second (texts are the slow part: filtering copies them, comparing them is
# slow). :func:`prepare` reduces the events once per set of events to numpy arrays, texts as
# integer codes; :func:`filter_mask` applies a filter to them, and the functions below give
# exactly what the functions above give on the filtered frame (``tests/analysis/test_analysis.py``
# compares them on random filters), from a few integer passes.

_NS_PER_DAY = 86_400 * 10**9


def _codes(values: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    codes, uniques = pd.factorize(values.astype("str"), use_na_sentinel=False)
    return codes.astype(np.int32), tuple(str(u) for u in uniques)


def _ns(values: pd.Series) -> np.ndarray:
    return values.to_numpy("datetime64[ns]").view("int64")


def _stamp_ns(day: Date | pd.Timestamp) -> int:
    return int(pd.Timestamp(day).as_unit("ns").value)


@dataclass(frozen=True, eq=False)
class EventArrays:
    """The events reduced to what the analyses read: one array per field, in the events'
    order, texts as ``int32`` codes into a tuple of their distinct values.

    About 80 bytes an event (a million events: 80 MB), built once per set of events by
    :func:`prepare`; never modified.
    """

    date: np.ndarray
    """``date`` in nanoseconds since 1970 (int64), as pandas compares them."""
    date_end: np.ndarray
    month: np.ndarray
    """Months since January 1970 of ``date`` (int32)."""
    year: np.ndarray
    country: np.ndarray
    countries: tuple[str, ...]
    category: np.ndarray
    categories: tuple[str, ...]
    layer: np.ndarray
    layers: tuple[str, ...]
    subtype: np.ndarray
    subtypes: tuple[str, ...]
    dataset: np.ndarray
    datasets: tuple[str, ...]
    admin1: np.ndarray
    admin1_ids: tuple[str, ...]
    low: np.ndarray
    """``fatalities_low``, unknown = 0 (int64)."""
    high: np.ndarray
    """:func:`geo.model.events.fatality_upper`, unknown = 0 (int64)."""
    upper: np.ndarray
    """:func:`geo.model.events.fatality_upper` as float64, NaN when unknown (for filters)."""
    unknown: np.ndarray
    """``fatalities_low`` unknown (bool)."""
    km: np.ndarray
    """:func:`distance_km` to the centre given to :func:`prepare` (NaN: no coordinates)."""
    km_order: np.ndarray
    """The events with coordinates, nearest first (for medians without a sort per
    filter)."""
    not_day: np.ndarray
    month_only: np.ndarray
    no_coords: np.ndarray
    region: np.ndarray
    """``geo_precision == 3`` (bool, unknown = False)."""
    actor_string: np.ndarray
    """Code of each event's ``actors`` text among the distinct texts (-1: none)."""
    actor_pair_string: np.ndarray
    """One entry per (distinct actors text, actor named in it), in the order of
    :func:`geo.io.events.actors_long`: the text's code..."""
    actor_pair_name: np.ndarray
    """... and the actor's code into :attr:`actor_names`."""
    actor_names: tuple[str, ...]
    actor_victim: np.ndarray
    """:func:`is_victim` of each of :attr:`actor_names`."""
    duplicates: Duplicates
    """:func:`geo.analysis.duplicates.find_duplicates` of the events: a filter counts each event
    found in two datasets once."""
    typology: Mapping[str, tuple[np.ndarray, tuple[str, ...]]] = field(default_factory=dict)
    """The sources' typology columns the filters select on (:data:`FILTERED_TYPOLOGY`), as
    small codes and their values; a column no event fills is left out (all blank)."""

    def text_isin(self, column: str, values: Iterable[str]) -> np.ndarray:
        """Per event: is its typology ``column`` among ``values`` (blank when absent)."""
        if column not in self.typology:
            return np.full(self.size, "" in set(values), dtype=bool)
        codes, names = self.typology[column]
        wanted = set(values)
        return np.fromiter((v in wanted for v in names), dtype=bool, count=len(names))[codes]

    @property
    def size(self) -> int:
        return len(self.date)

    def table(self, field: str, values: Iterable[str]) -> np.ndarray:
        """A bool per code of ``field`` (``country``, ``layer``...): is it among ``values``."""
        names = getattr(self, _PLURAL[field])
        wanted = set(values)
        return np.fromiter((v in wanted for v in names), dtype=bool, count=len(names))

    def isin(self, field: str, values: Iterable[str]) -> np.ndarray:
        """Per event: is its ``field`` among ``values`` (``Series.isin`` on the codes)."""
        return self.table(field, values)[getattr(self, field)]

    def code(self, field: str, value: str) -> int:
        """The code of ``value`` in ``field``, -1 when no event has it."""
        names = getattr(self, _PLURAL[field])
        return names.index(value) if value in names else -1


_PLURAL = {
    "country": "countries",
    "category": "categories",
    "layer": "layers",
    "subtype": "subtypes",
    "dataset": "datasets",
    "admin1": "admin1_ids",
}


def prepare(
    events: pd.DataFrame,
    center: shapely.Point,
    km: pd.Series | None = None,
    cache: Path | None = None,
    duplicates: Duplicates | None = None,
) -> EventArrays:
    """:class:`EventArrays` of ``events`` (``km``: :func:`distance_km` to ``center`` when
    already computed; else ``cache``: see :func:`distance_km`; ``duplicates``: their
    :func:`geo.analysis.duplicates.find_duplicates`, when known)."""
    distance = (
        km.reindex(events.index) if km is not None else distance_km(events, center, cache)
    ).to_numpy(dtype="float64")
    upper = fatality_upper(events).to_numpy(dtype="float64", na_value=np.nan)
    low = events["fatalities_low"].astype("Int64").to_numpy(dtype="float64", na_value=np.nan)
    date = events["date"]
    month = (
        (date.dt.year.to_numpy(dtype="int64") - 1970) * 12
        + date.dt.month.to_numpy(dtype="int64")
        - 1
    ).astype(np.int32)
    precision = events["date_precision"].astype("str")
    region = (events["geo_precision"] == 3).fillna(False).to_numpy(dtype=bool)
    actor_string, distinct = pd.factorize(events["actors"], use_na_sentinel=True)
    pairs = actor_pairs(pd.DataFrame({"actors": pd.Series(distinct, dtype="str")}))
    name_codes, names = pd.factorize(pd.Series(pairs.name, dtype="str"), use_na_sentinel=False)
    names = tuple(str(n) for n in names)
    victim = np.zeros(len(names), dtype=bool)
    victim[name_codes[pairs.victim]] = True
    fields: dict[str, tuple[Any, Any]] = {
        field: _codes(events[column])
        for field, column in (
            ("country", "country_iso3"),
            ("category", "category"),
            ("layer", "layer"),
            ("subtype", "subtype"),
            ("dataset", "dataset"),
            ("admin1", "admin1_id"),
        )
    }
    return EventArrays(
        date=_ns(date),
        date_end=_ns(events["date_end"]),
        month=month,
        year=date.dt.year.to_numpy(dtype="int32"),
        **{f: c for f, (c, _) in fields.items()},
        **{_PLURAL[f]: n for f, (_, n) in fields.items()},
        low=np.nan_to_num(low, nan=0.0).astype(np.int64),
        high=np.nan_to_num(upper, nan=0.0).astype(np.int64),
        upper=upper,
        unknown=np.isnan(low),
        km=distance,
        km_order=np.flatnonzero(~np.isnan(distance))[
            np.argsort(distance[~np.isnan(distance)], kind="stable")
        ].astype(np.int64),
        not_day=(precision != "day").to_numpy(dtype=bool),
        month_only=(precision == "month").to_numpy(dtype=bool),
        no_coords=(events["latitude"].isna() | events["longitude"].isna()).to_numpy(dtype=bool),
        region=region,
        actor_string=actor_string.astype(np.int32),
        actor_pair_string=pairs.row.astype(np.int32),
        actor_pair_name=name_codes.astype(np.int32),
        actor_names=names,
        actor_victim=victim,
        duplicates=duplicates if duplicates is not None else find_duplicates(events),
        typology=_typology_codes(events),
    )


FILTERED_TYPOLOGY: tuple[str, ...] = (*TYPOLOGY_FIELDS.values(), "civilian_targeting")
"""The typology columns an :class:`geo.model.filters.EventFilter` selects on."""


def _typology_codes(events: pd.DataFrame) -> dict[str, tuple[np.ndarray, tuple[str, ...]]]:
    """:attr:`EventArrays.typology`: 2 bytes an event per column a source filled (a
    million ACLED events: 8 MB), none for a column blank everywhere."""
    out = {}
    for column in FILTERED_TYPOLOGY:
        if column not in events.columns:
            continue
        codes, names = _codes(events[column].fillna(""))
        if names in ((), ("",)):
            continue
        out[column] = (codes.astype(np.int16 if len(names) < 2**15 else np.int32), names)
    return out


def filter_mask(arrays: EventArrays, f: EventFilter) -> np.ndarray:
    """Which events :func:`geo.analysis.filters.apply_filter` keeps for the filter ``f`` (an
    :class:`geo.model.filters.EventFilter`), as a bool array in the events' order."""
    keep = np.ones(arrays.size, dtype=bool)
    if f.date_from is not None:
        keep &= arrays.date_end >= _stamp_ns(f.date_from)
    if f.date_to is not None:
        keep &= arrays.date <= _stamp_ns(f.date_to)
    listed = arrays.isin("country", f.countries or AES_MEMBERS)
    if f.include_non_aes_coups:
        coup = arrays.category == arrays.code("category", "coup")
        listed |= coup & ~arrays.isin("country", AES_MEMBERS)
    keep &= listed
    if f.layers:
        keep &= arrays.isin("layer", f.layers)
    if f.subtypes:
        keep &= arrays.isin("subtype", f.subtypes)
    if f.actors:
        wanted = canonical_actors(f.actors)
        named = np.isin(
            arrays.actor_pair_name, [i for i, n in enumerate(arrays.actor_names) if n in wanted]
        )
        strings = np.zeros(int(arrays.actor_pair_string.max(initial=-1)) + 2, dtype=bool)
        strings[arrays.actor_pair_string[named]] = True  # index -1 (no actors) stays False
        keep &= strings[arrays.actor_string]
    if f.min_fatalities > 0:
        keep &= arrays.upper >= f.min_fatalities  # NaN (unknown) compares False
    for name, column in TYPOLOGY_FIELDS.items():
        wanted = getattr(f, name)
        if wanted:
            keep &= arrays.text_isin(column, wanted)
    if f.civilian_targeting in ("yes", "no"):
        flagged = ~arrays.text_isin("civilian_targeting", ("",))
        typed = ~arrays.text_isin("event_type", ("",))
        keep &= flagged if f.civilian_targeting == "yes" else typed & ~flagged
    return shown_once(
        keep, arrays.duplicates, arrays.dataset, arrays.datasets, getattr(f, "winner", CURATED)
    )


def present(arrays: EventArrays, mask: np.ndarray, field: str) -> frozenset[str]:
    """The distinct values of ``field`` among the selected events (``set(df[col]
    .unique())``)."""
    names = getattr(arrays, _PLURAL[field])
    counts = np.bincount(getattr(arrays, field)[mask], minlength=len(names))
    return frozenset(n for n, c in zip(names, counts, strict=True) if c)


def years_present(arrays: EventArrays, mask: np.ndarray) -> list[int]:
    """:func:`years_of` of the selected events."""
    years = arrays.year[mask]
    if not len(years):
        return []
    first = int(years.min())
    counts = np.bincount(years - first)  # a count per year: no sort of a million values
    return [first + int(i) for i in np.flatnonzero(counts)]


def _sums_by(codes: np.ndarray, size: int, arrays: EventArrays, where: np.ndarray) -> pd.DataFrame:
    """Events and fatality sums of the selected events per code (0..size-1)."""
    c = codes[where]
    out = {"events": np.bincount(c, minlength=size)}
    for column, values in (
        ("fatalities_low", arrays.low),
        ("fatalities_high", arrays.high),
        ("fatalities_unknown", arrays.unknown),
    ):
        out[column] = np.bincount(c, weights=values[where], minlength=size)
    return pd.DataFrame({k: np.rint(v).astype("int64") for k, v in out.items()})


TREND_CUBE_COLUMNS = ("month", "country_iso3", "category", *_SERIES_COLUMNS)


def trend_cube(arrays: EventArrays, mask: np.ndarray) -> pd.DataFrame:
    """Events and fatality sums of the selected events per month, country (outside the
    three states: ``"other"``) and category, non-empty cells only: what every trend chart
    needs, whichever grouping and period it shows (:func:`monthly_from_cube`)."""
    groups = tuple(dict.fromkeys(c if c in AES_MEMBERS else "other" for c in arrays.countries))
    group_of = np.array(
        [groups.index(c if c in AES_MEMBERS else "other") for c in arrays.countries], dtype=np.int64
    )
    cats = len(arrays.categories)
    if not mask.any():
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in TREND_CUBE_COLUMNS}).astype(
            {"month": "datetime64[ns]", "country_iso3": "str", "category": "str"}
        )
    months = arrays.month[mask]
    first = int(months.min())
    cell = np.zeros(arrays.size, dtype=np.int64)
    cell[mask] = (
        (months.astype(np.int64) - first) * len(groups) + group_of[arrays.country[mask]]
    ) * cats + arrays.category[mask]
    sums = _sums_by(cell, int(cell[mask].max()) + 1, arrays, mask)
    sums = sums[sums["events"] > 0]
    index = sums.index.to_numpy()
    month = first + index // (len(groups) * cats)
    out = pd.DataFrame(
        {
            "month": pd.to_datetime({"year": 1970 + month // 12, "month": month % 12 + 1, "day": 1})
            .astype("datetime64[ns]")
            .to_numpy(),
            "country_iso3": pd.Series(
                np.array(groups, dtype=object)[(index // cats) % len(groups)], dtype="str"
            ).to_numpy(),
            "category": pd.Series(
                np.array(arrays.categories, dtype=object)[index % cats], dtype="str"
            ).to_numpy(),
        }
    )
    for column in _SERIES_COLUMNS:
        out[column] = sums[column].to_numpy()
    return out.astype({"country_iso3": "str", "category": "str"})


def monthly_from_cube(
    cube: pd.DataFrame,
    by: str,
    start: Date | pd.Timestamp | None = None,
    end: Date | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """:func:`monthly_series` of the events summed in ``cube`` (:func:`trend_cube`), ``by``
    ``"country_iso3"`` (countries outside the three states as ``"other"``) or
    ``"category"``."""
    cols = ["month", "group", *_SERIES_COLUMNS]
    if cube.empty and (start is None or end is None):
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in cols}).astype(
            {"month": "datetime64[ns]", "group": "str"}
        )
    first = (
        pd.Timestamp(start).to_period("M")
        if start is not None
        else cube["month"].min().to_period("M")
    )
    last = (
        pd.Timestamp(end).to_period("M") if end is not None else cube["month"].max().to_period("M")
    )
    all_months = pd.period_range(first, last, freq="M").to_timestamp()
    all_groups = sorted(cube[by].unique())
    sums = cube.groupby([cube["month"].rename("month"), cube[by].rename("group")], observed=False)[
        _SERIES_COLUMNS
    ].sum()
    grid = pd.MultiIndex.from_product([all_months, all_groups], names=["month", "group"])
    out = sums.reindex(grid, fill_value=0).reset_index()
    out["month"] = out["month"].astype("datetime64[ns]")
    out["group"] = out["group"].astype("str")
    return out[cols].astype(dict.fromkeys(_SERIES_COLUMNS, "int64"))


def actor_sums(arrays: EventArrays, mask: np.ndarray) -> pd.DataFrame:
    """Per actor named by the selected events: ``actor``, the sums of
    :func:`top_actors` and ``victim`` (:func:`is_victim`), sorted by name; rank them with
    :func:`rank_actors`."""
    strings = int(arrays.actor_pair_string.max(initial=-1)) + 1
    named = mask & (arrays.actor_string >= 0)
    per_string = _sums_by(arrays.actor_string, strings, arrays, named)
    pairs = arrays.actor_pair_string
    names = len(arrays.actor_names)
    out = pd.DataFrame(
        {
            column: np.bincount(
                arrays.actor_pair_name,
                weights=per_string[column].to_numpy()[pairs],
                minlength=names,
            )
            for column in _SERIES_COLUMNS
        }
    )
    out = np.rint(out).astype("int64")
    out.insert(0, "actor", pd.Series(arrays.actor_names, dtype="str"))
    out["victim"] = arrays.actor_victim
    out = out[out["events"] > 0].sort_values("actor", kind="stable")
    return out.reset_index(drop=True)


def rank_actors(
    sums: pd.DataFrame, n: int = 10, by: str = "events", victims: bool = False
) -> pd.DataFrame:
    """:func:`top_actors` from :func:`actor_sums`."""
    cols = ["actor", *_SERIES_COLUMNS]
    part = sums[sums["victim"] == victims]
    if part.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in cols}).astype({"actor": "str"})
    other = "fatalities_high" if by == "events" else "events"
    out = part.sort_values([by, other, "actor"], ascending=[False, False, True], kind="stable")
    return out.head(n).reset_index(drop=True)[cols]


def admin1_sums(
    arrays: EventArrays, mask: np.ndarray, start: Date | None = None, end: Date | None = None
) -> pd.DataFrame:
    """:func:`admin1_counts` of the selected events."""
    where = mask & (arrays.admin1 != arrays.code("admin1", ""))
    if start is not None:
        where &= arrays.date >= _stamp_ns(start)
    if end is not None:
        where &= arrays.date <= _stamp_ns(end)
    sums = _sums_by(arrays.admin1, len(arrays.admin1_ids), arrays, where)
    sums.index = pd.Index(arrays.admin1_ids, dtype="str", name="admin1_id")
    return sums[sums["events"] > 0].sort_index()


def admin1_sums_by_year(arrays: EventArrays, mask: np.ndarray) -> dict[int, pd.DataFrame]:
    """:func:`admin1_sums` of the selected events for each calendar year of their first
    day (``start`` = 1 January, ``end`` = 31 December), all years in one pass: a year with
    no event in a unit has no entry."""
    where = mask & (arrays.admin1 != arrays.code("admin1", ""))
    if not where.any():
        return {}
    year = arrays.year[where].astype(np.int64)
    first = int(year.min())
    slots = int(year.max()) - first + 1
    # admin1_sums ends a year at 31 December 00:00: an event later that day (a time of day)
    # is in none of its years.
    last_day = np.array([_stamp_ns(Date(first + i, 12, 31)) for i in range(slots)])
    where[where] = arrays.date[where] <= last_day[year - first]
    units = len(arrays.admin1_ids)
    cell = np.zeros(arrays.size, dtype=np.int64)
    cell[where] = (arrays.year[where].astype(np.int64) - first) * units + arrays.admin1[where]
    sums = _sums_by(cell, slots * units, arrays, where)
    # Units sorted by id once, each year's rows cut from the (year, unit) grid with numpy:
    # a pandas filter and sort per year cost more than all the sums.
    order = np.argsort(np.asarray(arrays.admin1_ids, dtype=object), kind="stable")
    index = pd.Index(
        np.asarray(arrays.admin1_ids, dtype=object)[order], dtype="str", name="admin1_id"
    )
    grid = {
        column: sums[column].to_numpy().reshape(slots, units)[:, order] for column in sums.columns
    }
    out = {}
    for i in range(slots):
        keep = grid["events"][i] > 0
        if keep.any():
            out[first + i] = pd.DataFrame(
                {c: g[i][keep] for c, g in grid.items()}, index=index[keep]
            )
    return out


def _completeness_of(arrays: EventArrays, where: np.ndarray) -> Completeness:
    """:func:`completeness` of the events ``where`` selects (a bool mask or indices)."""
    no_coords = arrays.no_coords[where]
    region = arrays.region[where]
    return Completeness(
        total=len(no_coords),
        inexact_date=int(arrays.not_day[where].sum()),
        month_only=int(arrays.month_only[where].sum()),
        no_coordinates=int(no_coords.sum()),
        region_level=int((region & ~no_coords).sum()),
        inexact_place=int((no_coords | region).sum()),
        unknown_fatalities=int(arrays.unknown[where].sum()),
    )


def before_after_arrays(
    arrays: EventArrays,
    mask: np.ndarray,
    pivot: Date | pd.Timestamp,
    months: int,
    alg_admin1_ids: Iterable[str],
    radius_km: float,
) -> BeforeAfter:
    """:func:`before_after` of the selected events (distances: the arrays' ``km``)."""
    w = windows(pivot, months)
    p, start, end = (_stamp_ns(w.pivot), _stamp_ns(w.before_start), _stamp_ns(w.after_end))
    # Every event of either window or straddling starts in [start, end): the rest of the
    # work is on those alone (a window of a year is a few percent of a long record).
    date = arrays.date
    rows = np.flatnonzero(mask & (date >= start) & (date < end))
    date, date_end = date[rows], arrays.date_end[rows]
    before = date_end < p
    after = date >= p
    straddle = (date < p) & (date_end >= p)
    country = arrays.country[rows]
    in_aes = arrays.table("country", AES_MEMBERS)[country]
    masks = {iso: country == arrays.code("country", iso) for iso in AES_MEMBERS}
    masks["AES"] = in_aes
    masks["ALG"] = arrays.table("admin1", set(alg_admin1_ids))[arrays.admin1[rows]] & in_aes
    with np.errstate(invalid="ignore"):
        masks["CORE"] = in_aes & (arrays.km[rows] <= radius_km)
    low, high = arrays.low[rows], arrays.high[rows]
    table_rows = {}
    for area in AREAS:
        mask_area = masks[area]
        b_sel, a_sel = mask_area & before, mask_area & after
        row: dict[str, float] = {}
        for measure, values in (
            ("events", None),
            ("fatalities_low", low),
            ("fatalities_high", high),
        ):
            b = int(b_sel.sum()) if values is None else int(values[b_sel].sum())
            a = int(a_sel.sum()) if values is None else int(values[a_sel].sum())
            row[f"{measure}_before"] = b
            row[f"{measure}_after"] = a
            row[f"{measure}_change"] = a - b
        row["straddling"] = int((mask_area & straddle).sum())
        table_rows[area] = row
    table = _before_after_table(table_rows)
    any_area = np.zeros(len(rows), dtype=bool)
    for mask_area in masks.values():
        any_area |= mask_area

    def completeness_of(where: np.ndarray) -> Completeness:
        return _completeness_of(arrays, rows[where])

    return BeforeAfter(
        windows=w,
        table=table,
        completeness_before=completeness_of(any_area & before),
        completeness_after=completeness_of(any_area & after),
        straddling=int((any_area & straddle).sum()),
    )


def distance_bands_arrays(arrays: EventArrays, mask: np.ndarray) -> DistanceBands:
    """:func:`distance_bands` of the selected events (distances: the arrays' ``km``)."""
    km_all = arrays.km[mask]
    year_all = arrays.year[mask].astype(np.int64)
    located = ~np.isnan(km_all)
    first = int(year_all.min()) if len(year_all) else 0
    per_year = np.bincount(year_all - first) if len(year_all) else np.zeros(0, np.int64)
    years = [first + int(i) for i in np.flatnonzero(per_year)]
    slots = len(per_year)
    offsets = np.array([y - first for y in years], dtype=np.int64)
    count = np.bincount(year_all[located] - first, minlength=slots)
    unlocated = pd.Series(
        (per_year - count)[offsets].astype("int64"), index=pd.Index(years, name="year")
    )
    km = km_all[located]
    year = year_all[located] - first
    band = np.searchsorted(np.asarray(BAND_EDGES_KM), km, side="right") - 1
    bands = len(BAND_LABELS)
    where = mask.copy()
    where[mask] = located
    cell = np.zeros(arrays.size, dtype=np.int64)
    cell[where] = year * bands + band
    sums = _sums_by(cell, slots * bands, arrays, where)
    rows = (offsets[:, None] * bands + np.arange(bands)).ravel()
    grid = pd.MultiIndex.from_product([years, list(BAND_LABELS)], names=["year", "band"])
    table = pd.DataFrame(
        {c: sums[c].to_numpy()[rows] for c in ("events", "fatalities_low", "fatalities_high")},
        index=grid,
    )
    totals = table.groupby(level="year").transform("sum").astype("float64")
    for measure in ("events", "fatalities_low", "fatalities_high"):
        table[f"share_{measure}"] = table[measure] / totals[measure].where(totals[measure] > 0)
    table = table.reset_index()
    table["year"] = table["year"].astype("int64")
    table["band"] = table["band"].astype(pd.CategoricalDtype(list(BAND_LABELS), ordered=True))
    # Medians per year: the selected events in distance order (sorted once, km_order),
    # then by year, keeping that order within a year (a radix sort of small integers).
    nearest = arrays.km_order[where[arrays.km_order]]
    by_year = (arrays.year[nearest] - first).astype(np.int16)
    sorted_km = arrays.km[nearest][np.argsort(by_year, kind="stable")]
    n = count[offsets]
    starts = np.concatenate(([0], np.cumsum(count)))[offsets]
    with np.errstate(invalid="ignore", divide="ignore"):
        low_mid = (
            sorted_km[np.clip(starts + (n - 1) // 2, 0, max(len(km) - 1, 0))]
            if len(km)
            else np.zeros(len(years))
        )
        high_mid = (
            sorted_km[np.clip(starts + n // 2, 0, max(len(km) - 1, 0))]
            if len(km)
            else np.zeros(len(years))
        )
        median = np.where(n > 0, (low_mid + high_mid) / 2, np.nan)
        near = np.bincount(year[km < 100], minlength=slots)[offsets] / np.where(n > 0, n, np.nan)
    summary = pd.DataFrame(
        {
            "located_events": n.astype("int64"),
            "share_within_100km": near.astype("float64"),
            "median_km": pd.Series(median).round(1).to_numpy(),
        },
        index=pd.Index(years, name="year"),
    )
    return DistanceBands(table=table, unlocated=unlocated, summary=summary)
