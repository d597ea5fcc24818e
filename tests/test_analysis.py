"""geo.analysis on small hand-built event sets whose answers are worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo import analysis as an
from geo.events import MODEL_COLUMNS
from geo.spatial import local_equidistant_crs

CENTER = shapely.Point(0.5, 15.0)  # a made-up tripoint
ALG = {"R-ALG"}


def at_km(north_km: float, east_km: float = 0.0) -> tuple[float, float]:
    """(lat, lon) of the point ``north_km`` north and ``east_km`` east of CENTER in the
    azimuthal equidistant projection used for distances."""
    back = Transformer.from_crs(local_equidistant_crs(CENTER), "EPSG:4326", always_xy=True)
    lon, lat = back.transform(east_km * 1000.0, north_km * 1000.0)
    return lat, lon


def make(rows: list[dict]) -> pd.DataFrame:
    """An event frame in the model's dtypes; unspecified fields get neutral defaults."""
    base = {"id": "", "date": "2023-01-01", "date_end": None, "date_precision": "day",
            "category": "insurgency", "subtype": "ambush", "layer": "insurgency",
            "country_iso3": "MLI", "admin1_id": "", "admin1_name": "", "location": "x",
            "latitude": np.nan, "longitude": np.nan, "geo_precision": None, "actors": "",
            "fatalities_low": None, "fatalities_high": None, "summary": "", "sources": ("u",),
            "dataset": "curated", "verified": True}
    full = []
    for i, row in enumerate(rows):
        r = {**base, "id": f"E{i}", **row}
        if "km" in r:
            r["latitude"], r["longitude"] = at_km(r.pop("km"))
            if r["geo_precision"] is None:
                r["geo_precision"] = 1
        r["date_end"] = r["date_end"] or r["date"]
        full.append(r)
    df = pd.DataFrame(full, columns=list(MODEL_COLUMNS))
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    df["date_end"] = pd.to_datetime(df["date_end"]).astype("datetime64[ns]")
    for col in ("latitude", "longitude"):
        df[col] = df[col].astype("float64")
    for col in ("geo_precision", "fatalities_low", "fatalities_high"):
        df[col] = pd.array(df[col].tolist(), dtype="Int64")
    return df[list(MODEL_COLUMNS)]


# --- monthly series -------------------------------------------------------------------------

def test_monthly_series_by_country_fills_quiet_months_and_sums_fatality_ranges():
    df = make([
        {"date": "2023-01-05", "country_iso3": "MLI", "fatalities_low": 2, "fatalities_high": 5},
        {"date": "2023-01-31", "country_iso3": "MLI", "fatalities_low": 3},  # high = low = 3
        {"date": "2023-03-01", "country_iso3": "BFA"},  # unknown: adds 0, counted apart
        # month precision: date = 1st of the month, placed in March
        {"date": "2023-03-01", "date_end": "2023-03-31", "date_precision": "month",
         "country_iso3": "MLI", "fatalities_low": 10, "fatalities_high": 20},
    ])
    s = an.monthly_series(df, "country_iso3").set_index(["month", "group"])
    assert len(s) == 3 * 2  # Jan, Feb, Mar x BFA, MLI
    jan = s.loc[(pd.Timestamp("2023-01-01"), "MLI")]
    assert (jan["events"], jan["fatalities_low"], jan["fatalities_high"]) == (2, 5, 8)
    feb = s.loc[(pd.Timestamp("2023-02-01"), "MLI")]
    assert (feb["events"], feb["fatalities_low"], feb["fatalities_high"]) == (0, 0, 0)
    mar_bfa = s.loc[(pd.Timestamp("2023-03-01"), "BFA")]
    assert (mar_bfa["events"], mar_bfa["fatalities_high"], mar_bfa["fatalities_unknown"]) == (
        1, 0, 1)
    mar_mli = s.loc[(pd.Timestamp("2023-03-01"), "MLI")]
    assert (mar_mli["events"], mar_mli["fatalities_low"], mar_mli["fatalities_high"]) == (
        1, 10, 20)
    assert s["events"].sum() == len(df)


def test_monthly_series_by_category_with_explicit_span_and_groups():
    df = make([{"date": "2023-02-10", "category": "coup"}])
    s = an.monthly_series(df, "category", start=pd.Timestamp("2023-01-15"),
                          end=pd.Timestamp("2023-03-02"), groups=["coup", "insurgency"])
    assert list(s["month"].dt.strftime("%Y-%m").unique()) == ["2023-01", "2023-02", "2023-03"]
    assert s["events"].tolist() == [0, 0, 1, 0, 0, 0]
    wide = an.series_table(s, "events")
    assert wide.loc["2023-02", "coup"] == 1 and list(wide.columns) == ["coup", "insurgency"]


def test_monthly_series_of_nothing_is_empty():
    none = make([])
    assert an.monthly_series(none, "category").empty
    assert an.top_actors(none).empty
    assert an.admin1_counts(none).empty
    assert an.distance_bands(none, CENTER).table.empty


# --- actors, admin-1 ---------------------------------------------------------------------------

def test_top_actors_counts_each_actor_with_full_fatalities():
    df = make([
        {"actors": "JNIM; FAMa", "fatalities_low": 10, "fatalities_high": 30},
        {"actors": "JNIM", "fatalities_low": 1},
        {"actors": "ISSP (per X; unclaimed); FAMa"},
        {"actors": ""},
    ])
    top = an.top_actors(df, n=5).set_index("actor")
    # Tie on events (2 each) is broken by fatalities_high: JNIM 31 > FAMa 30.
    assert list(top.index) == ["JNIM", "FAMa", "ISSP (per X; unclaimed)"]
    assert top.loc["JNIM"].tolist() == [2, 11, 31, 0]
    assert top.loc["FAMa"].tolist() == [2, 10, 30, 1]
    by_events = an.top_actors(df, n=2)
    assert by_events["actor"].tolist() == ["JNIM", "FAMa"]
    by_deaths = an.top_actors(df, n=1, by="fatalities_high")
    assert by_deaths["actor"].tolist() == ["JNIM"]


def test_admin1_counts_per_period_inclusive_and_without_unitless_events():
    df = make([
        {"date": "2022-12-31", "admin1_id": "A", "fatalities_low": 1},
        {"date": "2023-01-01", "admin1_id": "A", "fatalities_low": 2, "fatalities_high": 4},
        {"date": "2023-12-31", "admin1_id": "B"},
        {"date": "2023-06-01", "admin1_id": ""},
    ])
    counts = an.admin1_counts(df, pd.Timestamp("2023-01-01"), pd.Timestamp("2023-12-31"))
    assert counts.loc["A"].tolist() == [1, 2, 4, 0]
    assert counts.loc["B"].tolist() == [1, 0, 0, 1]
    assert "" not in counts.index
    assert an.admin1_counts(df).loc["A", "events"] == 2
    assert an.years_of(df) == [2022, 2023]


# --- before / after ------------------------------------------------------------------------------

PIVOT = pd.Timestamp("2023-09-16")


def test_windows_are_calendar_months():
    w = an.windows(PIVOT, 12)
    assert (w.before_start, w.after_end) == (pd.Timestamp("2022-09-16"),
                                             pd.Timestamp("2024-09-16"))
    assert w.before_last_day == pd.Timestamp("2023-09-15")
    assert an.windows(pd.Timestamp("2024-03-31"), 1).before_start == pd.Timestamp("2024-02-29")
    with pytest.raises(ValueError):
        an.windows(PIVOT, 0)


def test_window_side_rules():
    df = make([
        {"date": "2023-09-16"},                                   # 0 on the pivot: after
        {"date": "2023-09-15"},                                   # 1 day before: before
        {"date": "2022-09-16"},                                   # 2 first day of before
        {"date": "2022-09-15"},                                   # 3 too early: outside
        {"date": "2024-09-15"},                                   # 4 last day of after
        {"date": "2024-09-16"},                                   # 5 too late: outside
        {"date": "2023-09-01", "date_end": "2023-09-30",          # 6 month of the pivot
         "date_precision": "month"},
        {"date": "2023-08-01", "date_end": "2023-08-31",          # 7 month before
         "date_precision": "month"},
        {"date": "2023-09-14", "date_end": "2023-09-16",          # 8 range over the pivot
         "date_precision": "range"},
        {"date": "2023-10-01", "date_end": "2023-10-31",          # 9 month after
         "date_precision": "month"},
    ])
    side = an.window_side(df, an.windows(PIVOT, 12)).tolist()
    assert side == ["after", "before", "before", "", "after", "", "straddling", "before",
                    "straddling", "after"]
    # With the pivot on the 1st, the month-precision event of that month is "after".
    side_first = an.window_side(df.iloc[[6]], an.windows(pd.Timestamp("2023-09-01"), 3))
    assert side_first.tolist() == ["after"]


def test_before_after_per_area_by_hand():
    rows = [
        # MLI, in ALG and 40 km from the tripoint (core at 150 km), before
        {"date": "2023-03-01", "country_iso3": "MLI", "admin1_id": "R-ALG", "km": 40,
         "fatalities_low": 10, "fatalities_high": 20},
        # MLI, outside ALG, 300 km away, after (on the pivot day)
        {"date": "2023-09-16", "country_iso3": "MLI", "admin1_id": "R-OUT", "km": 300,
         "fatalities_low": 5},
        # BFA exactly 150 km away (core is inclusive), ALG, after
        {"date": "2024-01-10", "country_iso3": "BFA", "admin1_id": "R-ALG", "km": 150,
         "fatalities_low": 1, "fatalities_high": 3},
        # BFA, no coordinates: counts for BFA only, after; unknown fatalities
        {"date": "2024-02-01", "country_iso3": "BFA"},
        # NER, month precision in the pivot month: straddling, in no window
        {"date": "2023-09-01", "date_end": "2023-09-30", "date_precision": "month",
         "country_iso3": "NER", "admin1_id": "R-ALG", "km": 10, "fatalities_low": 7},
        # NER, approx date, region-level place, before
        {"date": "2023-06-01", "date_precision": "approx", "country_iso3": "NER",
         "admin1_id": "R-ALG", "km": 149.9, "geo_precision": 3, "fatalities_low": 2},
        # A coup in Gabon near nothing: in no area
        {"date": "2024-01-01", "country_iso3": "GAB", "category": "coup", "km": 20},
    ]
    ba = an.before_after(make(rows), PIVOT, 12, ALG, CENTER, 150.0)
    t = ba.table
    assert list(t.index) == list(an.AREAS)
    ev = t[["events_before", "events_after"]].astype(int)
    assert ev.loc["MLI"].tolist() == [1, 1]
    assert ev.loc["BFA"].tolist() == [0, 2]
    assert ev.loc["NER"].tolist() == [1, 0]
    assert ev.loc["AES"].tolist() == [2, 3]
    assert ev.loc["ALG"].tolist() == [2, 1]
    assert ev.loc["CORE"].tolist() == [2, 1]  # 40 km and 149.9 km before; 150 km after
    assert t.loc["AES", "fatalities_low_before"] == 12
    assert t.loc["AES", "fatalities_low_after"] == 6
    assert t.loc["AES", "fatalities_high_before"] == 22
    assert t.loc["AES", "fatalities_high_after"] == 8  # 5 + 3 + 0 (unknown)
    assert t.loc["AES", "events_change"] == 1
    assert t.loc["AES", "events_change_pct"] == 50.0
    assert t.loc["BFA", "events_change_pct"] != t.loc["BFA", "events_change_pct"]  # NaN
    assert t.loc["NER", "straddling"] == 1 and ba.straddling == 1
    assert t.loc["CORE", "fatalities_high_change"] == 3 - 22
    before, after = ba.completeness_before, ba.completeness_after
    assert (before.total, before.inexact_date, before.region_level, before.inexact_place) == (
        2, 1, 1, 1)
    assert (after.total, after.no_coordinates, after.inexact_place,
            after.unknown_fatalities) == (3, 1, 1, 1)
    long = an.before_after_long(t)
    assert len(long) == len(an.AREAS) * 2 * 3


# --- distance bands ------------------------------------------------------------------------------

def test_distance_is_measured_in_the_projection_and_rounded_to_the_metre():
    df = make([{"km": 50}, {"km": 0}, {}, {"km": 50}, {"km": 120}])
    km = an.distance_km(df, CENTER)
    assert km.iloc[0] == 50.0 and km.iloc[1] == 0.0 and math.isnan(km.iloc[2])
    assert km.iloc[3] == 50.0 and km.iloc[4] == 120.0  # places projected once, mapped back


def test_band_edges_belong_to_the_upper_band():
    km = pd.Series([0.0, 49.999, 50.0, 99.999, 100.0, 200.0, 399.999, 400.0, 5000.0, np.nan])
    assert an.distance_band(km).astype(object).tolist()[:-1] == [
        "0-50", "0-50", "50-100", "50-100", "100-200", "200-400", "200-400", "400+", "400+"]
    assert pd.isna(an.distance_band(km).iloc[-1])


def test_distance_bands_per_year_shares_by_hand():
    df = make([
        # 2023: four located events, one unlocated
        {"date": "2023-02-01", "km": 50, "fatalities_low": 10, "fatalities_high": 30},  # edge
        {"date": "2023-03-01", "km": 10, "fatalities_low": 10},
        {"date": "2023-04-01", "km": 450},
        {"date": "2023-05-01", "km": 100, "fatalities_low": 0},
        {"date": "2023-06-01"},  # no coordinates
        # 2024: one month-precision event (year of its first day), unknown fatalities
        {"date": "2024-12-01", "date_end": "2024-12-31", "date_precision": "month", "km": 399},
    ])
    res = an.distance_bands(df, CENTER)
    t = res.table.set_index(["year", "band"])
    assert len(t) == 2 * 5
    y23 = t.loc[2023]
    assert y23["events"].tolist() == [1, 1, 1, 0, 1]
    assert y23["share_events"].tolist() == [0.25, 0.25, 0.25, 0.0, 0.25]
    assert y23["fatalities_low"].tolist() == [10, 10, 0, 0, 0]
    assert y23["share_fatalities_low"].tolist() == [0.5, 0.5, 0.0, 0.0, 0.0]
    # high: 10 (low only) at 10 km, 30 at 50 km -> 10/40, 30/40
    assert y23["share_fatalities_high"].tolist() == [0.25, 0.75, 0.0, 0.0, 0.0]
    y24 = t.loc[2024]
    assert y24["events"].tolist() == [0, 0, 0, 1, 0]
    assert y24["share_fatalities_low"].isna().all()  # no known deaths that year
    assert res.unlocated.to_dict() == {2023: 1, 2024: 0}
    assert res.summary.loc[2023, "located_events"] == 4
    assert res.summary.loc[2023, "share_within_100km"] == 0.5  # 10 and 50 km; 100 is not < 100
    assert res.summary.loc[2023, "median_km"] == 75.0
    assert an.concentration_trend(res.summary, min_events=1) == "spreading"  # 75 -> 399
    assert an.concentration_trend(res.summary, min_events=2) == "insufficient"


def test_precomputed_distances_of_a_superset_give_the_same_results():
    everything = make([{"date": "2023-02-01", "km": 50, "country_iso3": "MLI",
                        "admin1_id": "R-ALG", "fatalities_low": 3},
                       {"date": "2023-11-01", "km": 160, "country_iso3": "NER"},
                       {"date": "2024-01-01", "km": 140, "country_iso3": "BFA"},
                       {"date": "2024-03-01", "country_iso3": "BFA"},
                       {"date": "2024-04-01", "km": 10, "country_iso3": "GAB",
                        "category": "coup"}])
    km = an.distance_km(everything, CENTER)  # once, for all events
    subset = everything.iloc[[0, 2, 3]]  # what a filter keeps (same index labels)
    pd.testing.assert_frame_equal(an.distance_bands(subset, CENTER, km=km).table,
                                  an.distance_bands(subset, CENTER).table)
    pd.testing.assert_frame_equal(
        an.before_after(subset, PIVOT, 12, ALG, CENTER, 150.0, km=km).table,
        an.before_after(subset, PIVOT, 12, ALG, CENTER, 150.0).table)


def test_concentration_trend_directions():
    summary = pd.DataFrame({"located_events": [9, 9], "median_km": [200.0, 100.0]})
    assert an.concentration_trend(summary) == "concentrating"
    summary["median_km"] = [200.0, 210.0]
    assert an.concentration_trend(summary) == "stable"


# --- completeness, milestones, CSV ----------------------------------------------------------------

def test_completeness_counts():
    df = make([
        {"date_precision": "month", "date": "2023-01-01", "date_end": "2023-01-31"},
        {"date_precision": "approx", "km": 5, "geo_precision": 3, "fatalities_low": 1},
        {"date_precision": "day", "km": 5, "geo_precision": 2, "fatalities_low": 0},
    ])
    c = an.completeness(df)
    assert (c.total, c.inexact_date, c.month_only, c.no_coordinates, c.region_level,
            c.inexact_place, c.unknown_fatalities) == (3, 2, 1, 1, 1, 2, 1)


def test_milestone_rules_from_the_timeline():
    from geo.facts import load_timeline

    rules = an.milestone_rules(load_timeline())
    assert set(rules["id"]) == set(an.MILESTONE_IDS)
    charter = rules.set_index("id").loc["liptako-gourma-charter"]
    assert charter["date"] == pd.Timestamp("2023-09-16") and charter["kind"] == "charter"
    assert rules["date"].is_monotonic_increasing
    assert rules["label_fr"].str.len().gt(0).all()


def test_csv_starts_with_title_and_attribution_lines():
    table = pd.DataFrame({"a": [1], "b": ["x,y"]})
    plain = an.csv_bytes(table, [], title="Events per month").decode()
    assert plain.splitlines() == ["# Events per month", "a,b", '1,"x,y"']
    imported = an.csv_bytes(table, ["ACLED, accessed 2026-11-01", "Filters applied: none."],
                            title="T").decode()
    assert imported.splitlines()[:3] == ["# T", "# ACLED, accessed 2026-11-01",
                                         "# Filters applied: none."]
