"""geo.analysis.rates on a small hand-built fixture whose rates are worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from geo.analysis import measures as an
from geo.analysis import rates
from tests.analysis.test_analysis import CENTER, make

UNITS = pd.DataFrame(
    {
        "iso3": ["NER", "NER", "BFA"],
        "area_km2": [20_000, 500, 40_000],
        "population": pd.array([2_000_000, 1_000_000, None], dtype="Int64"),
        "census_year": pd.array([2012, 2012, None], dtype="Int64"),
        "source": ["s", "s", ""],
    },
    index=pd.Index(["NE-A", "NE-B", "BF-C"], name="admin1_id"),
)


def test_unit_rates_by_hand():
    counts = pd.DataFrame(
        {"events": [10, 4], "fatalities_low": [30, 0], "fatalities_high": [50, 2]},
        index=pd.Index(["NE-A", "BF-C"], name="admin1_id"),
    )
    table = rates.unit_rates(counts, UNITS)
    assert table.index.tolist() == ["NE-A", "NE-B", "BF-C"]
    assert table["events"].tolist() == [10, 0, 4]  # a unit with no event: 0
    a = table.loc["NE-A"]
    assert a["events_per_10k_km2"] == 5.0  # 10 / 20,000 km² x 10,000
    assert a["fatalities_high_per_10k_km2"] == 25.0
    assert a["events_per_100k"] == 0.5  # 10 / 2,000,000 x 100,000
    assert a["fatalities_low_per_100k"] == 1.5
    assert table.loc["NE-B", "events_per_100k"] == 0.0  # no event, known population
    c = table.loc["BF-C"]
    assert c["events_per_10k_km2"] == 1.0
    assert math.isnan(c["events_per_100k"])  # no population figure: no rate, not 0


def test_a_country_has_a_population_only_when_every_unit_has_one():
    C = rates.Context  # noqa: N806
    assert rates.place_context(UNITS, "NER") == C(20_500, "outline", 3_000_000, [2012])
    rounded = rates.place_context(UNITS.assign(area_km2=[20_000, 513, 40_000]), "NER")
    assert rounded.area_km2 == 20_500  # the sum of 3-figure areas: 3 figures
    assert rates.place_context(UNITS, "BFA") == C(40_000, "outline", None, [])
    assert rates.place_context(UNITS, "NE-B") == C(500, "outline", 1_000_000, [2012])


def test_one_area_rule_a_country_has_its_usual_area_a_unit_its_outline_area():
    usual = {"NER": 30_000}
    assert rates.place_context(UNITS, "NER", usual) == rates.Context(
        30_000, "usual", 3_000_000, [2012]
    )
    # a unit keeps its outline area, a country without a usual figure its units' sum
    assert rates.place_context(UNITS, "NE-A", usual).area_km2 == 20_000
    assert rates.place_context(UNITS, "NE-A", usual).area_kind == "outline"
    assert rates.place_context(UNITS, "BFA", usual).area_kind == "outline"
    arrays = _arrays()
    mask = np.ones(arrays.size, dtype=bool)
    span = rates.month_span(arrays, mask, None, None)
    niger = rates.compare_side(arrays, mask, UNITS, "NER", span, usual_areas=usual)
    assert niger.area_kind == "usual"
    assert niger.rates["events_per_10k_km2"] == 1.0  # 3 events / 30,000 km² x 10,000
    # a unit in Compare has the rate the regions' table gives it (same area, same events)
    unit = rates.compare_side(arrays, mask, UNITS, "NE-A", span, usual_areas=usual)
    table = rates.unit_rates(an.admin1_sums(arrays, mask), UNITS)
    assert unit.rates["events_per_10k_km2"] == table.loc["NE-A", "events_per_10k_km2"]
    assert unit.rates["events_per_100k"] == table.loc["NE-A", "events_per_100k"]


def test_areas_are_written_to_three_significant_figures():
    assert rates.area_text(1_267_000, "en") == "about 1.27 million km²"
    assert rates.area_text(1_181_224, "en") == "about 1.18 million km²"
    assert rates.area_text(1_240_000, "fr") == "environ 1,24\u00a0million de km²"
    assert rates.area_text(2_500_000, "fr") == "environ 2,50\u00a0millions de km²"  # 3 figures
    assert rates.area_text(274_200, "en") == "about 274,000 km²"
    assert rates.area_text(274_200, "fr") == "environ 274\u202f000\u00a0km²"
    assert rates.area_text(213, "en") == "about 213 km²"


def test_map_values_follow_the_basis_and_keep_no_figure_apart_from_zero():
    counts = pd.DataFrame(
        {"events": [10, 4], "fatalities_low": [30, 0], "fatalities_high": [50, 2]},
        index=pd.Index(["NE-A", "BF-C"], name="admin1_id"),
    )
    table = rates.unit_rates(counts, UNITS)
    assert rates.map_values(table, "events", "count").tolist() == [10.0, 0.0, 4.0]
    assert rates.map_values(table, "events", "area").tolist() == [5.0, 0.0, 1.0]
    people = rates.map_values(table, "fatalities_high", "people")
    assert people.iloc[:2].tolist() == [2.5, 0.0]  # 50 / 2,000,000 x 100,000; none: 0
    assert math.isnan(people.iloc[2])  # no population figure: NaN, never 0
    try:
        rates.map_values(table, "events", "density")
    except ValueError:
        pass
    else:
        raise AssertionError("an unknown basis is refused")


def test_rate_breaks_are_quantiles_rounded_up_to_two_figures():
    # ten units: two per class; each bound is the class's highest value rounded up
    values = np.array([0.11, 0.2, 0.33, 0.4, 0.52, 0.6, 0.71, 0.8, 4.0, 422.5])
    breaks = rates.rate_breaks(values, 5)
    assert breaks == [0.2, 0.4, 0.6, 0.8, 430.0]
    assert [
        int(np.sum((values > lo) & (values <= hi)))
        for lo, hi in zip([0, *breaks[:-1]], breaks, strict=True)
    ] == [2] * 5
    # NaN (no figure) and 0 (no event) have their own colours: not in the classes
    assert rates.rate_breaks(np.array([np.nan, 0.0, 0.0, 0.734]), 5) == [0.74]
    assert rates.rate_breaks(np.array([0.0, np.nan]), 5) == []
    assert rates.ceil_significant(0.734) == 0.74 and rates.ceil_significant(0.74) == 0.74
    assert rates.ceil_significant(422.5) == 430.0 and rates.ceil_significant(0.0123) == 0.013
    assert rates.break_decimals([0.25, 0.5, 0.75, 1.0, 1.25]) == 2
    assert rates.break_decimals([1.0, 2.0]) == 0


def _arrays():
    df = make(
        [
            {
                "date": "2023-01-05",
                "country_iso3": "NER",
                "admin1_id": "NE-A",
                "actors": "JNIM",
                "fatalities_low": 2,
                "fatalities_high": 4,
            },
            {
                "date": "2023-03-10",
                "country_iso3": "NER",
                "admin1_id": "NE-B",
                "actors": "Ansarul Islam",
                "fatalities_low": 1,
                "fatalities_high": 1,
            },
            {"date": "2023-03-11", "country_iso3": "NER", "admin1_id": "", "actors": "JNIM"},
            {
                "date": "2023-02-01",
                "country_iso3": "BFA",
                "admin1_id": "BF-C",
                "actors": "JNIM",
                "fatalities_low": 10,
                "fatalities_high": 12,
            },
        ]
    )
    return an.prepare(df, CENTER)


def test_compare_sides_over_the_same_months_by_hand():
    arrays = _arrays()
    mask = np.ones(arrays.size, dtype=bool)
    span = rates.month_span(arrays, mask, None, None)
    niger = rates.compare_side(arrays, mask, UNITS, "NER", span)
    burkina = rates.compare_side(arrays, mask, UNITS, "BF-C", span)
    # a country counts its events with or without a unit
    assert (niger.events, niger.fatalities_low, niger.fatalities_high) == (3, 3, 5)
    assert niger.rates["events_per_100k"] == 0.1  # 3 / 3,000,000 x 100,000
    assert niger.rates["events_per_10k_km2"] == 3 * 10_000 / 20_500
    assert (burkina.events, burkina.fatalities_high) == (1, 12)
    assert math.isnan(burkina.rates["events_per_100k"])
    assert burkina.population is None
    # the same months on both sides, quiet months at 0
    months = [d.strftime("%Y-%m") for d in niger.monthly["month"]]
    assert months == ["2023-01", "2023-02", "2023-03"]
    assert months == [d.strftime("%Y-%m") for d in burkina.monthly["month"]]
    assert niger.monthly["events"].tolist() == [1, 0, 2]
    assert burkina.monthly["fatalities_high"].tolist() == [0, 12, 0]
    assert niger.actors["actor"].tolist() == ["JNIM", "Ansarul Islam"]
    assert niger.actors["events"].tolist() == [2, 1]
    shown = rates.side_actors_view(niger.actors, "fr")
    assert shown.columns.tolist() == ["Acteur", "Événements", "Morts"]
    assert shown["Morts"].tolist() == ["2–4", "1–1"]


def test_the_span_is_the_filters_dates_when_set():
    arrays = _arrays()
    mask = np.ones(arrays.size, dtype=bool)
    span = rates.month_span(arrays, mask, date(2022, 12, 1), date(2023, 1, 31))
    side = rates.compare_side(arrays, mask, UNITS, "NE-A", span)
    assert [d.strftime("%Y-%m") for d in side.monthly["month"]] == ["2022-12", "2023-01"]
    assert side.monthly["events"].tolist() == [0, 1]
    assert rates.month_span(arrays, np.zeros(arrays.size, dtype=bool), None, None) is None


def test_the_app_units_give_rates_for_every_unit_with_a_figure():
    from geo.io.population import load_population

    units = load_population()
    table = rates.unit_rates(pd.DataFrame(columns=list(rates.SUMS)), units)
    assert len(table) == 30
    assert table["events_per_100k"].notna().sum() == units["population"].notna().sum()
    assert (table["events_per_10k_km2"] == 0).all()


def _named_units() -> pd.DataFrame:
    return UNITS.assign(name_en=["Alpha", "Beta", "Gamma"], name_fr=["Alpha", "Bêta", "Gamma"])


def test_the_readers_tables_per_area_and_per_capita():
    counts = pd.DataFrame(
        {"events": [10, 4, 1], "fatalities_low": [0, 0, 0], "fatalities_high": [0, 0, 0]},
        index=pd.Index(["NE-A", "BF-C", "NE-B"], name="admin1_id"),
    )
    table = rates.unit_rates(counts, _named_units())
    area = rates.rates_view(table, "fr", "area")
    assert area["Région"].tolist() == ["Bêta", "Alpha", "Gamma"]  # 20, 5 and 1 per 10,000 km²
    assert area["Événements pour 10\u00a0000\u00a0km²"].tolist() == [20.0, 5.0, 1.0]
    people = rates.rates_view(table, "en", "people")
    assert people["Region"].tolist() == ["Alpha", "Beta"]  # Gamma has no figure
    assert people["Population figure"].tolist() == ["2012 census", "2012 census"]
    assert people["Events per 100,000 people"].tolist() == [0.5, 0.1]
    assert rates.missing_names(table, "en") == ["Gamma"]
    export = rates.rates_export(table, "en")
    assert export.loc[export["admin1_id"] == "BF-C", "events_per_100k"].isna().all()


def test_places_and_their_labels():
    units = _named_units()
    assert rates.place_options(units) == ["MLI", "BFA", "NER", "BF-C", "NE-A", "NE-B"]
    assert rates.place_label(units, "NE-B", "fr") == "Bêta (Niger)"
    assert rates.place_label(units, "BFA", "en") == "Burkina Faso"


def test_source_lines_name_every_source_used_once_per_country():
    provenance = {
        "sources": {
            "s": {
                "census": "Niger 2012",
                "publisher": "P",
                "title": "T",
                "url": "https://example.org/x",
                "licence": "CC BY-SA",
                "checked": "2026-12-03",
            }
        }
    }
    lines = rates.source_lines(provenance, UNITS, "fr")
    assert lines == [
        (
            "Niger\u00a0: Niger 2012 — P, «\u00a0T\u00a0», https://example.org/x "
            "(licence\u00a0: CC BY-SA\u00a0; consulté le 3 décembre 2026).",
            "https://example.org/x",
        )
    ]
