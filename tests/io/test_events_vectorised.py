"""The vectorised parts of validation (geo/io/events.py) give exactly what the per-row code
they replaced gave, on tricky input: points on the borders between admin-1 units, just
outside a country, outside every unit, without coordinates; duplicate and blank ids;
sources with bad URLs, quotes, newlines and odd white space; values quoted in messages.

Each ``_old_*`` function below is the code as it was before it was vectorised (kept here
as the reference)."""

from __future__ import annotations

import re
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.io import events as ev
from geo.io.boundaries import load_admin1, load_africa_countries
from geo.io.events import (
    BORDER_TOLERANCE_M,
    METRIC_CRS,
    assign_admin1,
    distance_to_country_m,
    first_rows,
    metric_xy,
    source_urls,
    to_numeric,
    validate_events,
)
from geo.model.countries import AES_MEMBERS
from geo.model.events import CSV_COLUMNS
from geo.model.messages import Message

# --- the reference (the per-row / per-chunk code before) --------------------------------------


def _old_points(lat: pd.Series, lon: pd.Series) -> gpd.GeoSeries:
    return gpd.GeoSeries(gpd.points_from_xy(lon, lat), index=lat.index, crs="EPSG:4326")


def _old_distance_to_country_m(lat: pd.Series, lon: pd.Series, iso3: pd.Series) -> pd.Series:
    countries = ev._countries_metric()
    shapes = countries.reindex(iso3.to_numpy()).to_numpy()
    points = _old_points(lat, lon).to_crs(METRIC_CRS).to_numpy()
    inside = shapely.contains(shapes, points)
    dist = np.zeros(len(points))
    dist[~inside] = shapely.distance(shapes[~inside], points[~inside])
    return pd.Series(dist, index=iso3.index)


def _old_assign_admin1(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    pos = out[["latitude", "longitude", "country_iso3"]].reset_index(drop=True)
    ids = pd.Series("", index=pos.index, dtype="str")
    names = pd.Series("", index=pos.index, dtype="str")
    located = (
        pos["latitude"].notna() & pos["longitude"].notna() & pos["country_iso3"].isin(AES_MEMBERS)
    )
    if located.any():
        sub = pos.loc[located]
        points = gpd.GeoDataFrame(
            {"country": sub["country_iso3"]},
            geometry=_old_points(sub["latitude"], sub["longitude"]),
        )
        points = points.to_crs(METRIC_CRS)
        units = ev._admin1_metric()
        for iso3 in AES_MEMBERS:
            mine = points[points["country"] == iso3]
            if mine.empty:
                continue
            own = units[units["iso3"] == iso3]
            inside = gpd.sjoin(mine, own, how="inner", predicate="within")
            inside = inside[~inside.index.duplicated(keep="first")]
            rest = mine.drop(index=inside.index)
            near = gpd.sjoin_nearest(rest, own, how="inner", max_distance=BORDER_TOLERANCE_M)
            near = near[~near.index.duplicated(keep="first")]
            hits = pd.concat([inside, near])
            ids.loc[hits.index] = hits["admin1_id"]
            names.loc[hits.index] = hits["admin1_name"]
    out["admin1_id"] = ids.to_numpy()
    out["admin1_name"] = names.to_numpy()
    return out


def _old_first_row(ids: pd.Series) -> pd.Series:
    return (ids.index.to_series().groupby(ids).transform("min") + 2).astype(str)


def _old_source_urls(sources: pd.Series) -> tuple[list, list[tuple[int, Message]]]:
    url_ok = re.compile(ev._URL_RE).match
    kept, notes = [], []
    for i, urls in zip(sources.index, sources.str.split(), strict=True):
        good = tuple(u for u in urls if url_ok(u))
        for url in urls:
            if not url_ok(url):
                notes.append((int(i), Message.of("pr_dropped_url", value=repr(url))))
        kept.append(good or None)
    return kept, notes


# --- tricky points -------------------------------------------------------------------------------


def _tricky_points() -> pd.DataFrame:
    """Vertices of the admin-1 outlines (on the border between two units, or on a
    country's border), points just outside a country (inside the tolerance and beyond),
    deep inside another country, in a non-AES country, without coordinates."""
    rng = np.random.default_rng(11)
    rows = []
    units = load_admin1()
    for iso3, geom in zip(units["iso3"], units.geometry, strict=True):
        coords = shapely.get_coordinates(geom.boundary)
        for x, y in coords[rng.integers(0, len(coords), 12)]:
            rows.append((iso3, y, x))
            rows.append((rng.choice(AES_MEMBERS), y, x))  # a border point, another label
        c = geom.representative_point()
        rows.append((iso3, c.y, c.x))
    africa = load_africa_countries().set_index("iso3")
    for iso3 in AES_MEMBERS:
        coords = shapely.get_coordinates(africa.geometry[iso3].boundary)
        for x, y in coords[rng.integers(0, len(coords), 30)]:
            for dx, dy in (
                (0, 0),
                (0.01, 0),
                (-0.01, 0),
                (0, 0.03),
                (0, -0.03),
                (0.2, 0.2),
                (-0.2, -0.2),
            ):
                rows.append((iso3, y + dy, x + dx))
    rows += [
        ("MLI", 13.5116, 2.1254),
        ("NER", 12.6392, -8.0029),  # in another AES state
        ("GHA", 6.6885, -1.6244),
        ("DZA", 28.0, 2.0),
        ("MLI", np.nan, np.nan),
        ("NER", np.nan, 2.0),
        ("BFA", 12.3714, -1.5197),
        ("BFA", 12.3714, -1.5197),
    ]
    return pd.DataFrame(rows, columns=["country_iso3", "latitude", "longitude"])


def test_metric_xy_is_what_to_crs_gives():
    pts = _tricky_points().dropna()
    x, y = metric_xy(pts["latitude"], pts["longitude"])
    old = _old_points(pts["latitude"], pts["longitude"]).to_crs(METRIC_CRS)
    assert np.array_equal(x, shapely.get_x(old.to_numpy()))
    assert np.array_equal(y, shapely.get_y(old.to_numpy()))
    assert [len(a) for a in metric_xy(pd.Series([], dtype=float), [])] == [0, 0]


def test_assign_admin1_equals_the_spatial_join_on_borders_and_outside():
    pts = _tricky_points()
    new, old = assign_admin1(pts), _old_assign_admin1(pts)
    assert new["admin1_id"].tolist() == old["admin1_id"].tolist()
    assert new["admin1_name"].tolist() == old["admin1_name"].tolist()
    # The case is tricky for real: border points reached by the nearest unit, and some
    # left without a unit.
    assert (new["admin1_id"] == "").sum() > 10
    assert new.loc[new["admin1_id"] != "", "admin1_id"].nunique() == len(load_admin1())
    x, y = metric_xy(pts["latitude"], pts["longitude"])
    units = ev._admin1_metric().geometry.to_numpy()
    on_a_border = ~np.array(
        [
            shapely.contains_xy(units, px, py).any() if px == px else True
            for px, py in zip(x, y, strict=True)
        ]
    )
    assert on_a_border.sum() > 50 and (new["admin1_id"][on_a_border] != "").sum() > 50
    # Given the projected points (as validate_events does) gives the same.
    given = assign_admin1(pts, xy=(x, y))
    assert given["admin1_id"].tolist() == old["admin1_id"].tolist()
    # Shuffled and with another index: each point its own unit.
    shuffled = pts.sample(frac=1, random_state=3)
    shuffled.index = shuffled.index * 7 + 5
    assert (
        assign_admin1(shuffled)["admin1_id"].tolist()
        == _old_assign_admin1(shuffled)["admin1_id"].tolist()
    )


def test_assign_admin1_without_rows_or_located_points():
    empty = _tricky_points().iloc[:0]
    assert assign_admin1(empty)["admin1_id"].tolist() == []
    none = pd.DataFrame(
        {"country_iso3": ["GHA", "MLI"], "latitude": [6.0, np.nan], "longitude": [-1.0, np.nan]}
    )
    assert assign_admin1(none)["admin1_id"].tolist() == ["", ""]


def test_distance_to_country_equals_the_per_point_geometry_version():
    pts = _tricky_points().dropna()
    pts = pd.concat(
        [
            pts,
            pd.DataFrame(
                {
                    "country_iso3": ["XXX", "GHA", "DZA"],
                    "latitude": [12.0, 14.0, 20.0],
                    "longitude": [-1.0, 2.0, 0.0],
                }
            ),
        ],
        ignore_index=True,
    )
    pts.index = pts.index + 100
    new = distance_to_country_m(pts["latitude"], pts["longitude"], pts["country_iso3"])
    old = _old_distance_to_country_m(pts["latitude"], pts["longitude"], pts["country_iso3"])
    pd.testing.assert_series_equal(new, old)
    assert np.isnan(new.iloc[-3]) and (new > BORDER_TOLERANCE_M).any() and (new == 0).any()


# --- ids and sources --------------------------------------------------------------------------


def test_first_rows_equals_the_grouped_minimum():
    rng = np.random.default_rng(5)
    ids = pd.Series(rng.choice(["a", "b", "", "c ", "é", "'q'", 'd"q'], 300), dtype="str")
    dup = ids.ne("") & ids.duplicated(keep="first")
    got = first_rows(ids, dup)
    assert got.index.tolist() == ids.index[dup].tolist()
    assert got.tolist() == _old_first_row(ids)[dup].tolist()
    assert first_rows(ids, ids.eq("zzz")).tolist() == []


def test_source_urls_equal_the_per_row_loop():
    texts = [
        "https://a.org",
        "",
        "javascript:alert(1)",
        "https://a.org javascript:x https://b.org",
        "ftp://x http://ok.org/",
        "http:// https://",
        "HTTPS://UP.ORG/a",
        "https://a.org\nhttps://b.org",
        " https://c.org\t ",
        "mailto:x@y.z",
        'https://q.org/"quoted"',
        "https://a.org\u00a0https://b.org",
        "https://a.org\u2003https://b.org",
        "https://x.org/é",
        "'https://a.org'",
    ]
    rng = np.random.default_rng(2)
    sources = pd.Series(rng.choice(texts, 400), dtype="str")
    sources.index = sources.index + 10
    kept, notes = source_urls(sources)
    old_kept, old_notes = _old_source_urls(sources)
    assert kept.tolist() == old_kept
    assert kept.index.tolist() == sources.index.tolist()
    assert notes == old_notes
    assert len(notes) > 100 and kept.isna().sum() > 10
    empty_kept, empty_notes = source_urls(pd.Series([], dtype="str"))
    assert empty_kept.tolist() == [] and empty_notes == []


@pytest.mark.parametrize(
    "texts",
    [
        ["12", "3", "0", "-0", "007"],  # whole numbers: int64
        ["12", "3", None],  # with missing values: float64
        ["12.5", "-0.0", "1e3", "1E-3", " 14 ", "+2", ".5", "5.", "inf", "-inf", "nan", "NaN"],
        ["abc", "0x10", "1_000", "12,5", "−3", "1.2.3", "", "٣", "\u00a01"],
        [
            "9007199254740993",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551616",
            "99999999999999999999999",
            "1",
        ],
        ["9007199254740993", "1", None],
        ["12.345678901234567", "12.345678901234568", "0.1", "0.30000000000000004"],
    ],
)
def test_to_numeric_once_per_distinct_text_equals_the_whole_column(texts):
    rng = np.random.default_rng(len(texts))
    values = pd.Series(rng.choice(np.array(texts, dtype=object), 200), dtype="str", name="latitude")
    values.index = values.index * 3 + 1
    expected = pd.to_numeric(values, errors="coerce")
    pd.testing.assert_series_equal(to_numeric(values), expected)
    # (each value once: the whole column parsed as before)
    pd.testing.assert_series_equal(
        to_numeric(values.iloc[:3]), pd.to_numeric(values.iloc[:3], errors="coerce")
    )
    empty = values.iloc[:0]
    pd.testing.assert_series_equal(to_numeric(empty), pd.to_numeric(empty, errors="coerce"))


# --- the whole validation: messages quote the same values -------------------------------------


def _row(**overrides: str) -> dict[str, str]:
    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(
        {
            "id": "E1",
            "dataset": "test",
            "date": "2020-08-18",
            "date_precision": "day",
            "category": "insurgency",
            "subtype": "ambush",
            "country_iso3": "MLI",
            "location": "Somewhere",
            "latitude": "14.5",
            "longitude": "-4.2",
            "geo_precision": "1",
            "summary": "A summary.",
            "sources": "https://example.org/a",
            "verified": "false",
        }
    )
    row.update(overrides)
    return row


@pytest.mark.parametrize(
    "value",
    [
        "'single'",
        'dou"ble',
        "line\nbreak",
        "tab\there",
        "back\\slash",
        "é ünïcode",
        "x" * 70,
        "\u2028",
    ],
)
def test_rejection_messages_quote_each_rejected_value_as_repr(value):
    rows = [
        _row(id="A"),
        _row(id="B", date=value),
        _row(id="C", category=value),
        _row(id="A", latitude=value),
        _row(id="D", fatalities_low=value),
        _row(id="E", verified=value),
        _row(id="F", geo_precision=value),
        _row(id="G", subtype=value),
        _row(id="H", country_iso3=value.strip() or "Q"),
        _row(id="I", date_precision=value),
        _row(id="J", date_end=value),
        _row(id="K", sources=f"https://ok.org {value}"),
    ]
    frame = pd.DataFrame(rows, dtype="str")
    _, problems = validate_events(frame, "f.csv", today=date(2026, 1, 1))
    stripped = {c: frame[c].str.strip() for c in frame.columns}
    for p in problems:
        params = dict(p.message.params)
        if "value" in params and p.message.key not in ("pr_dropped_url",):
            column = "id" if p.message.key == "pr_duplicate_id" else p.column
            assert params["value"] == repr(stripped[column][p.row - 2]), p
    keys = {p.message.key for p in problems}
    assert "pr_duplicate_id" in keys
    dup = next(p for p in problems if p.message.key == "pr_duplicate_id")
    assert (dup.row, dict(dup.message.params)) == (5, {"value": "'A'", "first": "2"})
