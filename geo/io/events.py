"""Reading and checking event files: validation of any source's rows against the event model
(:mod:`geo.model.events`), the curated events, admin-1 assignment and actor names.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from geo.io.actors import ActorAliases
from geo.io.boundaries import load_admin1, load_africa_countries
from geo.io.paths import DATA_DIR
from geo.model import typology
from geo.model.countries import AES_MEMBERS, is_country_code
from geo.model.events import (
    CATEGORIES,
    CSV_COLUMNS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    MIN_DATE,
    REQUIRED_COLUMNS,
    SUBTYPES,
    TYPOLOGY_COLUMNS,
    EventLoad,
    RowProblem,
    empty_events,
    layer_of,
    split_actors,
    with_model_dtypes,
)
from geo.model.messages import Message
from geo.spatial.geometry import METRIC_CRS, WGS84

EVENTS_DIR = DATA_DIR / "events"
EVENTS_FILE = EVENTS_DIR / "events.csv"
# Curated events whose admin-1 unit follows their sources rather than the point-in-polygon
# test, where Natural Earth's line is known to be off (written by scripts/build_events.py
# from data/events/curation.yaml, each with its reason).
ADMIN1_OVERRIDES_FILE = EVENTS_DIR / "admin1_overrides.csv"


# A point may lie this far outside its country (simplified coastlines and borders).
BORDER_TOLERANCE_M = 5_000.0
# Metric CRS for distances anywhere in Africa (scale error of a few percent at most,
# irrelevant for a 5 km tolerance).

_URL_RE = r"(?i)^https?://[^\s/?#]+\S*$"
_INT_RE = r"^\d+$"
_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"


def actors_long(df: pd.DataFrame) -> pd.Series:
    """One row per (event, actor): the actor names, indexed by the events' index, in the
    events' order and each event's own order of actors.

    Each distinct actor string is split once: a million imported events share a few
    thousand strings, and splitting them row by row took seconds.
    """
    codes, distinct = pd.factorize(df["actors"], use_na_sentinel=True)
    parts = [split_actors(value) for value in distinct]
    sizes = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    names = np.array([name for p in parts for name in p], dtype=object)
    first = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    per_row = np.where(codes >= 0, sizes[codes] if len(sizes) else 0, 0)
    rows = np.repeat(np.arange(len(codes)), per_row)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return pd.Series(
        names[first[codes[rows]] + within] if len(rows) else [],
        index=df.index[rows],
        dtype="str",
        name="actors",
    )


@dataclass(frozen=True)
class ActorPairs:
    """Every (event, named party) of some events, one entry per canonical name per event
    (a group named twice in one event, e.g. ``JNIM`` and ``Katiba Macina / JNIM``, once):

    * ``row``: the event's position (0..n-1) in the frame;
    * ``name``: the canonical name (:meth:`geo.io.actors.ActorAliases.canonical`: a listed
      curated spelling becomes its group's name, any other name stays as written);
    * ``victim``: the name is a target, not an actor (:meth:`~geo.io.actors.ActorAliases.
      is_victim`).

    Built from the distinct ``actors`` texts only (a million events share a few thousand),
    with numpy for the rows: no Python per event."""

    row: np.ndarray
    name: np.ndarray
    victim: np.ndarray

    def actors(self) -> pd.Series:
        """The actors (victims left out), indexed by row."""
        keep = ~self.victim
        return pd.Series(self.name[keep], index=self.row[keep], dtype="str", name="actors")

    def targets(self) -> pd.Series:
        """The victims, indexed by row."""
        return pd.Series(
            self.name[self.victim], index=self.row[self.victim], dtype="str", name="targets"
        )


def _parts_of(text: str, table: ActorAliases) -> list[tuple[str, bool]]:
    """The canonical names of one ``actors`` text, each once, with their victim flag."""
    out, seen = [], set()
    for written in split_actors(text):
        name = table.canonical(written)
        if name not in seen:
            seen.add(name)
            out.append((name, table.is_victim(written)))
    return out


def actor_pairs(df: pd.DataFrame) -> ActorPairs:
    """:class:`ActorPairs` of the events of ``df`` (their ``actors`` column)."""
    from geo.io.actors import aliases

    table = aliases()
    codes, distinct = pd.factorize(df["actors"], use_na_sentinel=True)
    parts = [_parts_of(value, table) for value in distinct]
    sizes = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    names = np.array([name for p in parts for name, _ in p], dtype=object)
    victims = np.array([v for p in parts for _, v in p], dtype=bool)
    first = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    per_row = np.where(codes >= 0, sizes[codes] if len(sizes) else 0, 0)
    rows = np.repeat(np.arange(len(codes)), per_row)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    at = first[codes[rows]] + within if len(rows) else np.array([], dtype=np.int64)
    return ActorPairs(
        rows.astype(np.int64),
        names[at] if len(rows) else names[:0],
        victims[at] if len(rows) else victims[:0],
    )


def actor_lists(df: pd.DataFrame) -> pd.DataFrame:
    """One actor list per event: ``actors`` (the canonical names of those who acted) and
    ``targets`` (the victims named), each a tuple, indexed like ``df``. Each distinct
    ``actors`` text is worked out once; the tuples are shared between events."""
    from geo.io.actors import aliases

    table = aliases()
    codes, distinct = pd.factorize(df["actors"], use_na_sentinel=True)
    acting = np.empty(len(distinct) + 1, dtype=object)
    hit = np.empty(len(distinct) + 1, dtype=object)
    for k, value in enumerate(distinct):
        parts = _parts_of(value, table)
        acting[k] = tuple(n for n, v in parts if not v)
        hit[k] = tuple(n for n, v in parts if v)
    acting[-1] = hit[-1] = ()
    return pd.DataFrame({"actors": acting[codes], "targets": hit[codes]}, index=df.index)


def actor_options(df: pd.DataFrame) -> list[str]:
    """Sorted unique actor names (case-insensitive order), e.g. for a multi-select: the
    canonical names of the parties that acted (one per group), victims left out."""
    distinct = pd.DataFrame({"actors": pd.unique(df["actors"])})  # each text once
    pairs = actor_pairs(distinct)
    names = pd.unique(pairs.name[~pairs.victim])
    return sorted((str(n) for n in names), key=lambda a: (a.casefold(), a))


@lru_cache(maxsize=1)
def _countries_metric() -> gpd.GeoSeries:
    africa = load_africa_countries()
    shapes = africa.set_index("iso3").geometry.to_crs(METRIC_CRS)
    shapely.prepare(shapes.to_numpy())
    return shapes


@lru_cache(maxsize=1)
def _admin1_metric() -> gpd.GeoDataFrame:
    admin1 = load_admin1()[["id", "iso3", "name_en", "geometry"]]
    return admin1.rename(columns={"id": "admin1_id", "name_en": "admin1_name"}).to_crs(METRIC_CRS)


def _points(lat: pd.Series, lon: pd.Series) -> gpd.GeoSeries:
    return gpd.GeoSeries(gpd.points_from_xy(lon, lat), index=lat.index, crs=WGS84)


@lru_cache(maxsize=1)
def _to_metric() -> Transformer:
    # The transformation GeoSeries.to_crs(METRIC_CRS) applies to each point's coordinates.
    return Transformer.from_crs(
        CRS.from_user_input(WGS84), CRS.from_user_input(METRIC_CRS), always_xy=True
    )


def metric_xy(
    lat: pd.Series | np.ndarray, lon: pd.Series | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in :data:`METRIC_CRS`, computed on the arrays: the same numbers as
    ``_points(lat, lon).to_crs(METRIC_CRS)`` without a point object per event (building
    and re-projecting a million shapely points took seconds)."""
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    if not len(lat):
        return np.array([], "float64"), np.array([], "float64")
    x, y = _to_metric().transform(lon, lat)
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")


def distance_to_country_m(
    lat: pd.Series, lon: pd.Series, iso3: pd.Series, xy: tuple[np.ndarray, np.ndarray] | None = None
) -> pd.Series:
    """Metres from each point to its country (0 inside); NaN for an unknown country code.

    ``xy``: the points already in :data:`METRIC_CRS` (:func:`metric_xy`), if known."""
    countries = _countries_metric()
    x, y = metric_xy(lat, lon) if xy is None else xy
    codes, distinct = pd.factorize(iso3.to_numpy(dtype=object))
    dist = np.zeros(len(codes))
    dist[codes < 0] = np.nan
    # Points inside their country (almost all) are 0 m away: a prepared point-in-polygon
    # test on the coordinates (per country: no point objects) is much cheaper than a
    # distance to the outline, computed for the points outside only.
    for k, code in enumerate(distinct):
        mine = np.flatnonzero(codes == k)
        if code not in countries.index:
            dist[mine] = np.nan
            continue
        shape = countries[code]
        outside = mine[~shapely.contains_xy(shape, x[mine], y[mine])]
        if len(outside):
            dist[outside] = shapely.distance(shape, shapely.points(x[outside], y[outside]))
    return pd.Series(dist, index=iso3.index)


@lru_cache(maxsize=1)
def _admin1_by_country() -> dict[str, tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray]]:
    """Per AES country: its units (in the order of :func:`load_admin1`), their prepared
    geometries and bounding boxes (metric)."""
    units = _admin1_metric()
    out = {}
    for iso3 in AES_MEMBERS:
        own = units[units["iso3"] == iso3]
        geoms = own.geometry.to_numpy()
        shapely.prepare(geoms)
        out[iso3] = (own, geoms, shapely.bounds(geoms))
    return out


def admin1_of(x: np.ndarray, y: np.ndarray, iso3: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``admin1_id`` / ``admin1_name`` (object arrays, ``""`` for none) of points given in
    :data:`METRIC_CRS` (NaN: no point) with their country codes: the rules of
    :func:`assign_admin1`, whose result this is.

    Inside a unit of the point's own country first (the first unit in the boundaries'
    order, as a spatial join keeping its first match), by a prepared point-in-polygon test
    of each unit on the points inside its bounding box; then, for the few points outside
    every unit of their country, the nearest unit within :data:`BORDER_TOLERANCE_M`,
    by the same ``sjoin_nearest`` as always (so ties resolve as before)."""
    n = len(x)
    ids = np.full(n, "", dtype=object)
    names = np.full(n, "", dtype=object)
    iso3 = np.asarray(iso3, dtype=object)
    located = ~np.isnan(x) & ~np.isnan(y)
    for code, (own, geoms, bounds) in _admin1_by_country().items():
        mine = np.flatnonzero(located & (iso3 == code))
        if not len(mine):
            continue
        mx, my = x[mine], y[mine]
        unit = np.full(len(mine), -1, dtype=np.int64)
        for k, (geom, (x0, y0, x1, y1)) in enumerate(zip(geoms, bounds, strict=True)):
            todo = np.flatnonzero((unit < 0) & (mx >= x0) & (mx <= x1) & (my >= y0) & (my <= y1))
            if len(todo):
                unit[todo[shapely.contains_xy(geom, mx[todo], my[todo])]] = k
        rest = np.flatnonzero(unit < 0)
        if len(rest):
            points = gpd.GeoDataFrame(geometry=shapely.points(mx[rest], my[rest]), crs=own.crs)
            near = gpd.sjoin_nearest(
                points, own.reset_index(drop=True), how="inner", max_distance=BORDER_TOLERANCE_M
            )
            near = near[~near.index.duplicated(keep="first")]
            unit[rest[near.index.to_numpy()]] = near["index_right"].to_numpy()
        hit = unit >= 0
        ids[mine[hit]] = own["admin1_id"].to_numpy(dtype=object)[unit[hit]]
        names[mine[hit]] = own["admin1_name"].to_numpy(dtype=object)[unit[hit]]
    return ids, names


def assign_admin1(
    df: pd.DataFrame, xy: tuple[np.ndarray, np.ndarray] | None = None
) -> pd.DataFrame:
    """Set ``admin1_id`` / ``admin1_name`` by point-in-polygon on our admin-1 units.

    Only events whose ``country_iso3`` is MLI, BFA or NER and that have coordinates get a
    unit, and only a unit of that same country. A point just outside its country (up to
    :data:`BORDER_TOLERANCE_M`, e.g. on a simplified border) gets the nearest unit of its
    country. Every other event gets ``""``. Returns a copy. ``xy``: the events' points
    already in :data:`METRIC_CRS` (:func:`metric_xy`), if known.
    """
    out = df.copy()
    lat = out["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    lon = out["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    iso3 = out["country_iso3"].to_numpy(dtype=object)
    aes = pd.Series(iso3).isin(AES_MEMBERS).to_numpy()
    x = np.full(len(out), np.nan)
    y = np.full(len(out), np.nan)
    if xy is not None:
        x, y = np.asarray(xy[0], "float64"), np.asarray(xy[1], "float64")
    elif aes.any():
        x[aes], y[aes] = metric_xy(lat[aes], lon[aes])
    x = np.where(np.isnan(lat) | np.isnan(lon) | ~aes, np.nan, x)
    ids, names = admin1_of(x, y, iso3)
    out["admin1_id"] = pd.array(ids, dtype="str")
    out["admin1_name"] = pd.array(names, dtype="str")
    return out


@lru_cache(maxsize=1)
def admin1_overrides(path: Path = ADMIN1_OVERRIDES_FILE) -> dict[str, str]:
    """``event id -> admin1_id`` for the curated events whose unit is set by their sources.

    A missing file means no override. An override naming an unknown unit raises
    ``ValueError`` with the file, row and value (a data error, caught by the build).
    """
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    known = set(load_admin1()["id"])
    found: dict[str, str] = {}
    for row, (ident, unit) in enumerate(zip(table["id"], table["admin1_id"], strict=True), 2):
        if unit not in known:
            raise ValueError(
                f"{path.name}: row {row}: admin1_id: {unit!r} is not a unit of "
                "data/boundaries/admin1.geojson"
            )
        found[ident] = unit
    return found


def apply_admin1_overrides(df: pd.DataFrame, overrides: dict[str, str]) -> pd.DataFrame:
    """``df`` with the curated events of ``overrides`` moved to their stated unit.

    Only rows of the ``curated`` dataset, and only to a unit of the event's own country
    (an override for another country is ignored). Returns ``df`` itself when nothing applies.
    """
    if not overrides or df.empty:
        return df
    curated = df["dataset"].astype(str) == "curated"  # imports: nothing more to look at
    if not curated.any():
        return df
    units = load_admin1().set_index("id")
    wanted = df.loc[curated, "id"].astype(str).map(overrides).dropna()
    wanted = wanted[wanted.map(units["iso3"]) == df.loc[wanted.index, "country_iso3"]]
    if wanted.empty:
        return df
    out = df.copy()
    out.loc[wanted.index, "admin1_id"] = wanted
    out.loc[wanted.index, "admin1_name"] = wanted.map(units["name_en"])
    return out


class _Checker:
    """Collects problems for a text frame whose index is 0..n-1 (row = index + 2)."""

    def __init__(self, raw: pd.DataFrame, source_name: str) -> None:
        self.source_name = source_name
        self.problems: list[RowProblem] = []
        self.bad = pd.Series(False, index=raw.index)

    def report(
        self, mask: pd.Series, column: str, key: str, **params: str | int | pd.Series | _Quoted
    ) -> None:
        """Reject the rows in ``mask``, with one problem each: the message ``key`` with
        ``params``, a parameter given as a Series taking each row's own value."""
        mask = mask.fillna(False).astype(bool)
        rows = mask.index[mask]
        if not len(rows):
            return
        per_row = {
            name: v.of(rows)
            if isinstance(v, _Quoted)
            else v.reindex(rows).astype(str).tolist()
            if isinstance(v, pd.Series)
            else [v] * len(rows)
            for name, v in params.items()
        }
        for n, i in enumerate(rows):
            message = Message.of(key, **{name: values[n] for name, values in per_row.items()})
            self.problems.append(RowProblem.of(self.source_name, int(i) + 2, column, message))
        self.bad |= mask

    def note(self, index: int, column: str, message: Message) -> None:
        """A problem that does not reject the row."""
        self.problems.append(
            RowProblem.of(self.source_name, index + 2, column, message, rejected=False)
        )


class _Quoted:
    """A text column to be quoted (``repr``) in messages: quoted only for the rows that
    are reported, not for the whole column (``repr`` runs in Python, once per value)."""

    def __init__(self, values: pd.Series) -> None:
        self.values = values

    def of(self, rows: pd.Index) -> list[str]:
        return [repr(v) for v in self.values.reindex(rows).tolist()]


def _quoted(values: pd.Series) -> _Quoted:
    return _Quoted(values)


def first_rows(ids: pd.Series, rows: pd.Series) -> pd.Series:
    """For each row in ``rows`` (a boolean mask, index 0..n-1 like ``ids``): the row
    number (index + 2) of the first row holding the same id, as text; indexed by those
    rows only. (What ``groupby(ids).transform("min") + 2`` gives, without grouping
    every row.)"""
    wanted = ids[rows.to_numpy()]
    if not len(wanted):
        return pd.Series([], index=wanted.index, dtype=str)
    first = ~ids.duplicated(keep="first").to_numpy()
    where = pd.Index(ids.to_numpy()[first]).get_indexer(wanted.to_numpy())
    number = ids.index.to_numpy()[first][where] + 2
    return pd.Series(number, index=wanted.index).astype(str)


def to_numeric(values: pd.Series) -> pd.Series:
    """``pd.to_numeric(values, errors="coerce")``, parsed once per distinct text when
    values repeat (fatalities, precisions, the places of a large import): the same numbers
    and dtype, since each text parses on its own and the result's dtype follows from the
    set of texts (missing values included), which is the same."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    if len(distinct) * 2 > len(values):
        return pd.to_numeric(values, errors="coerce")
    numbers = pd.to_numeric(
        pd.Series(distinct, dtype=values.dtype, name=values.name), errors="coerce"
    )
    out = numbers.iloc[codes]
    out.index = values.index
    return out


def source_urls(sources: pd.Series) -> tuple[pd.Series, list[tuple[int, Message]]]:
    """The valid URLs of each row's ``sources`` text (a tuple, or None when none is valid)
    and one note per URL dropped, as ``(index, message)`` in row and URL order.

    ``sources`` holds text (no NA). Each distinct text is split and checked once (a
    million imported rows share a handful), with the same ``str.split()`` as before."""
    url_ok = re.compile(_URL_RE).match
    codes, distinct = pd.factorize(sources)
    kept_distinct = np.empty(len(distinct), dtype=object)
    dropped_distinct: list[list[Message]] = []
    for k, urls in enumerate(pd.Series(distinct, dtype=sources.dtype).str.split()):
        good = tuple(u for u in urls if url_ok(u))
        kept_distinct[k] = good or None
        dropped_distinct.append(
            [Message.of("pr_dropped_url", value=repr(url)) for url in urls if not url_ok(url)]
        )
    kept = pd.Series(kept_distinct[codes] if len(codes) else [], index=sources.index, dtype=object)
    notes: list[tuple[int, Message]] = []
    bad = [k for k, d in enumerate(dropped_distinct) if d]
    if bad:
        index = sources.index.to_numpy()
        for pos in np.flatnonzero(np.isin(codes, bad)).tolist():
            notes.extend((int(index[pos]), m) for m in dropped_distinct[codes[pos]])
    return kept, notes


def validate_events(
    df: pd.DataFrame, source_name: str, today: Date | None = None
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Check an event table read as text and return ``(valid events, problems)``.

    ``df`` holds the CSV columns as strings (blank = missing), one row per data row in file
    order, so that row ``i`` (0-based) is spreadsheet row ``i + 2``. Rows with a fatal
    problem are left out of the result and each problem is reported with file, row, column
    and reason; no row disappears silently. Checks:

    * required columns and values (:data:`REQUIRED_COLUMNS`), duplicate ids (every copy
      after the first is reported);
    * dates in ``YYYY-MM-DD`` between 1960-01-01 and ``today`` + 1 day, ``date_end >= date``;
    * vocabularies of ``date_precision``, ``category``, ``subtype`` (per category),
      ``geo_precision`` and ``verified`` (``true``/``false``);
    * ``country_iso3`` is an ISO 3166-1 alpha-3 code (or ``XKX``, Kosovo: see
      :data:`geo.model.countries.ISO3_CODES`); latitude/longitude are both given or both blank,
      numeric and in range, and, for a country whose boundary the app has (Africa:
      ``data/boundaries/africa_countries.geojson``), the point lies inside it or within
      :data:`BORDER_TOLERANCE_M` of it (distance measured in :data:`METRIC_CRS`); a point
      in another country is kept as given;
    * fatalities are non-negative whole numbers, ``low <= high``, no high without a low;
    * sources: whitespace-separated http(s) URLs. Any other URL (``javascript:...``) is
      dropped and reported without rejecting the row; a row left without any valid URL is
      rejected.

    Text fields (location, actors, summary) are kept verbatim. The result has
    :data:`MODEL_COLUMNS`, with ``admin1_id`` assigned by :func:`assign_admin1`, except for
    the curated events listed in :data:`ADMIN1_OVERRIDES_FILE` (:func:`admin1_overrides`).
    """
    today = today or Date.today()
    raw = df.reset_index(drop=True).fillna("").astype(str)
    check = _Checker(raw, source_name)
    missing_cols = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing_cols:
        for col in missing_cols:
            check.problems.append(
                RowProblem.of(source_name, 1, col, Message.of("pr_required_column"))
            )
        not_loaded = Message.of("pr_row_not_loaded")
        rows = [RowProblem.of(source_name, i + 2, "", not_loaded) for i in range(len(raw))]
        return empty_events(), check.problems + rows
    for col in CSV_COLUMNS:
        if col not in raw.columns:
            raw[col] = ""
    s = {col: raw[col].str.strip() for col in CSV_COLUMNS}

    for col in REQUIRED_COLUMNS:
        if col != "sources":
            check.report(s[col] == "", col, "pr_required_value")

    dup = s["id"].ne("") & s["id"].duplicated(keep="first")
    check.report(
        dup, "id", "pr_duplicate_id", value=_quoted(s["id"]), first=first_rows(s["id"], dup)
    )

    dates = {}
    latest = pd.Timestamp(today) + timedelta(days=1)
    for col in ("date", "date_end"):
        parsed = pd.to_datetime(
            s[col].where(s[col].str.match(_DATE_RE)), format="%Y-%m-%d", errors="coerce"
        )
        check.report(s[col].ne("") & parsed.isna(), col, "pr_bad_date", value=_quoted(s[col]))
        check.report(
            (parsed < MIN_DATE) | (parsed > latest),
            col,
            "pr_date_range",
            first=str(MIN_DATE.date()),
            last=str(latest.date()),
            value=_quoted(s[col]),
        )
        dates[col] = parsed
    check.report(dates["date_end"] < dates["date"], "date_end", "pr_end_before_start")

    for col, allowed in (("date_precision", DATE_PRECISIONS), ("category", CATEGORIES)):
        check.report(
            s[col].ne("") & ~s[col].isin(allowed),
            col,
            f"pr_unknown_{col}",
            value=_quoted(s[col]),
            allowed=", ".join(allowed),
        )
    known_cat = s["category"].isin(CATEGORIES)
    pairs = [(cat, sub) for cat, subs in SUBTYPES.items() for sub in subs]
    sub_ok = pd.Series(
        pd.MultiIndex.from_arrays([s["category"], s["subtype"]]).isin(pairs), index=raw.index
    )
    check.report(
        known_cat & s["subtype"].ne("") & ~sub_ok,
        "subtype",
        "pr_unknown_subtype",
        value=_quoted(s["subtype"]),
        category=_quoted(s["category"]),
    )

    africa = set(load_africa_countries()["iso3"])
    known_country = is_country_code(s["country_iso3"])
    check.report(
        s["country_iso3"].ne("") & ~known_country,
        "country_iso3",
        "pr_unknown_country_code",
        value=_quoted(s["country_iso3"]),
    )
    with_boundary = s["country_iso3"].isin(africa)

    coords = {}
    for col, limit in (("latitude", 90.0), ("longitude", 180.0)):
        other = "longitude" if col == "latitude" else "latitude"
        value = to_numeric(s[col].where(s[col].ne("")))
        check.report(s[col].eq("") & s[other].ne(""), col, f"pr_{col}_missing")
        check.report(s[col].ne("") & value.isna(), col, "pr_not_a_number", value=_quoted(s[col]))
        check.report(
            value.abs() > limit, col, "pr_out_of_range", limit=f"{limit:g}", value=_quoted(s[col])
        )
        coords[col] = value.where(value.abs() <= limit)
    has_point = coords["latitude"].notna() & coords["longitude"].notna()
    testable = has_point & with_boundary
    # Every point in the metric CRS once: for the distance to its country here and for
    # its admin-1 unit at the end.
    x_all = np.full(len(raw), np.nan)
    y_all = np.full(len(raw), np.nan)
    if testable.any():
        at = testable.to_numpy()
        xy = metric_xy(coords["latitude"][testable], coords["longitude"][testable])
        x_all[at], y_all[at] = xy
        dist = distance_to_country_m(
            coords["latitude"][testable],
            coords["longitude"][testable],
            s["country_iso3"][testable],
            xy=xy,
        ).reindex(raw.index)
        outside = dist > BORDER_TOLERANCE_M
        # A point that would lie in its country with latitude and longitude swapped: the
        # columns were probably swapped; said so (the row is rejected all the same).
        swapped = pd.Series(False, index=raw.index)
        flip = outside & (coords["longitude"].abs() <= 90)
        if flip.any():
            back = distance_to_country_m(
                coords["longitude"][flip], coords["latitude"][flip], s["country_iso3"][flip]
            )
            swapped = (back <= BORDER_TOLERANCE_M).reindex(raw.index, fill_value=False)
        km = (dist / 1000).round().astype("Int64").astype(str)
        for mask, key in (
            (outside & ~swapped, "pr_outside_country"),
            (outside & swapped, "pr_outside_country_swapped"),
        ):
            check.report(mask, "latitude", key, country=s["country_iso3"], km=km)

    geo_ok = s["geo_precision"].isin([str(g) for g in GEO_PRECISIONS])
    check.report(
        has_point & ~geo_ok, "geo_precision", "pr_geo_precision", value=_quoted(s["geo_precision"])
    )
    check.report(
        s["latitude"].eq("") & s["longitude"].eq("") & s["geo_precision"].ne(""),
        "geo_precision",
        "pr_geo_precision_blank",
    )

    fat = {}
    for col in ("fatalities_low", "fatalities_high"):
        ok = s[col].str.match(_INT_RE)
        check.report(s[col].ne("") & ~ok, col, "pr_not_whole_number", value=_quoted(s[col]))
        fat[col] = to_numeric(s[col].where(ok)).astype("Int64")
    check.report(
        fat["fatalities_low"] > fat["fatalities_high"],
        "fatalities_low",
        "pr_fatalities_order",
        low=s["fatalities_low"],
        high=s["fatalities_high"],
    )
    check.report(
        s["fatalities_low"].eq("") & s["fatalities_high"].ne(""),
        "fatalities_low",
        "pr_fatalities_low_missing",
    )

    best_ok = s["fatalities_best"].str.match(_INT_RE)
    check.report(
        s["fatalities_best"].ne("") & ~best_ok,
        "fatalities_best",
        "pr_not_whole_number",
        value=_quoted(s["fatalities_best"]),
    )
    fat["fatalities_best"] = to_numeric(s["fatalities_best"].where(best_ok)).astype("Int64")
    check.report(
        s["type_of_violence"].ne("")
        & ~s["type_of_violence"].isin(list(typology.UCDP_TYPES_OF_VIOLENCE)),
        "type_of_violence",
        "pr_one_two_three",
        value=_quoted(s["type_of_violence"]),
    )

    kept, notes = source_urls(raw["sources"])
    for i, message in notes:
        check.note(i, "sources", message)
    check.report(kept.isna(), "sources", "pr_no_source_url")

    verified = s["verified"].str.lower()
    check.report(
        s["verified"].ne("") & ~verified.isin(["true", "false"]),
        "verified",
        "pr_verified",
        value=_quoted(s["verified"]),
    )

    keep = ~check.bad
    start = dates["date"][keep]
    month_end = start + pd.offsets.MonthEnd(0)
    default_end = month_end.where(s["date_precision"][keep] == "month", start)
    model = pd.DataFrame(
        {
            "id": s["id"][keep],
            "date": start,
            "date_end": dates["date_end"][keep].fillna(default_end),
            "date_precision": s["date_precision"][keep],
            "category": s["category"][keep],
            "subtype": s["subtype"][keep],
            "layer": layer_of(s["category"][keep], s["subtype"][keep]),
            "country_iso3": s["country_iso3"][keep],
            "admin1_id": "",
            "admin1_name": "",
            "admin1_source_name": (
                raw["admin1_source_name"][keep] if "admin1_source_name" in raw else ""
            ),
            "location": raw["location"][keep],
            "latitude": coords["latitude"][keep],
            "longitude": coords["longitude"][keep],
            "geo_precision": to_numeric(s["geo_precision"][keep].where(has_point[keep])),
            "actors": raw["actors"][keep],
            "fatalities_low": fat["fatalities_low"][keep],
            "fatalities_high": fat["fatalities_high"][keep],
            "summary": raw["summary"][keep],
            "sources": kept[keep],
            "dataset": s["dataset"][keep],
            "verified": verified[keep] == "true",
            **{col: raw[col][keep] for col in TYPOLOGY_COLUMNS if col != "fatalities_best"},
            "fatalities_best": fat["fatalities_best"][keep],
        },
        index=raw.index[keep],
    )
    order = {c: i for i, c in enumerate(CSV_COLUMNS)}
    problems = sorted(check.problems, key=lambda p: (p.row, order.get(p.column, 99)))
    at = keep.to_numpy()
    located = assign_admin1(model, xy=(x_all[at], y_all[at]))
    return with_model_dtypes(apply_admin1_overrides(located, admin1_overrides())), problems


def read_event_csv(path: Path) -> pd.DataFrame:
    """Read an event CSV as text: every cell a string, blanks as ``""``."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_events(path: Path = EVENTS_FILE, today: Date | None = None) -> EventLoad:
    """Load and validate an event CSV (default: the curated ``data/events/events.csv``).

    Returns :class:`EventLoad` with the valid events (columns :data:`MODEL_COLUMNS`) and
    the problems, each with file name and spreadsheet row number (header = row 1, first
    data row = row 2). A missing file raises ``FileNotFoundError``.
    """
    path = Path(path)
    events, problems = validate_events(read_event_csv(path), path.name, today=today)
    return EventLoad(events=events, problems=problems)
