"""Event filters, counts and URL round trips (geo/analysis/filters.py), with hand-worked answers."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlencode

import pandas as pd
import pytest

from geo.analysis.filters import RegionStats, apply_filter, keep_rows, layer_counts, region_stats
from geo.io.events import load_events
from geo.model.events import LAYERS
from geo.model.filters import EventFilter, from_query_params, to_query_params

NA = None  # missing fatalities


def make_events() -> pd.DataFrame:
    """Seven events covering the cases below (only the columns the filters use)."""
    rows = [
        # id, country, category, subtype, layer, date, date_end, low, high, actors, admin1
        (
            "E1",
            "MLI",
            "coup",
            "successful",
            "coup-successful",
            "2020-08-18",
            "2020-08-18",
            NA,
            NA,
            "CNSP (Col. Goïta; junta); Government of IBK",
            "ML-BKO",
        ),
        (
            "E2",
            "BFA",
            "insurgency",
            "massacre",
            "insurgency",
            "2022-03-27",
            "2022-03-31",
            300,
            500,
            "Wagner Group; FAMa",
            "BF-SAHEL",
        ),
        (
            "E3",
            "NER",
            "state-violence",
            "massacre",
            "state-violence",
            "2021-01-02",
            "2021-01-02",
            100,
            NA,
            "JNIM",
            "NE-6",
        ),
        (
            "E4",
            "GAB",
            "coup",
            "successful",
            "coup-successful",
            "2023-08-30",
            "2023-08-30",
            NA,
            NA,
            "CTRI",
            "",
        ),
        (
            "E5",
            "GNB",
            "coup",
            "attempted",
            "coup-attempted",
            "2023-11-30",
            "2023-12-01",
            2,
            2,
            "National Guard",
            "",
        ),
        (
            "E6",
            "NER",
            "insurgency",
            "ambush",
            "insurgency",
            "2019-12-10",
            "2019-12-10",
            0,
            5,
            "ISGS; Niger Armed Forces",
            "NE-6",
        ),
        (
            "E7",
            "NGA",
            "insurgency",
            "bombing",
            "insurgency",
            "2019-01-01",
            "2019-01-01",
            10,
            10,
            "Boko Haram",
            "",
        ),
    ]
    cols = [
        "id",
        "country_iso3",
        "category",
        "subtype",
        "layer",
        "date",
        "date_end",
        "fatalities_low",
        "fatalities_high",
        "actors",
        "admin1_id",
    ]
    df = pd.DataFrame(rows, columns=cols)
    for col in ("date", "date_end"):
        df[col] = pd.to_datetime(df[col])
    for col in ("fatalities_low", "fatalities_high"):
        df[col] = df[col].astype("Int64")
    return df


@pytest.fixture
def events() -> pd.DataFrame:
    return make_events()


def ids(df: pd.DataFrame, f: EventFilter) -> list[str]:
    return apply_filter(df, f)["id"].tolist()


def test_default_filter_shows_aes_events_only(events):
    assert ids(events, EventFilter()) == ["E1", "E2", "E3", "E6"]


def test_non_aes_coups_switch(events):
    assert ids(events, EventFilter(include_non_aes_coups=True)) == [
        "E1",
        "E2",
        "E3",
        "E4",
        "E5",
        "E6",
    ]  # E7 is not a coup: still hidden
    only_mali = EventFilter(countries=("MLI",), include_non_aes_coups=True)
    assert ids(events, only_mali) == ["E1", "E4", "E5"]
    assert ids(events, EventFilter(countries=("GNB",))) == ["E5"]


def test_date_range_overlap(events):
    # E2 runs 27-31 March 2022: any overlap counts, bounds inclusive.
    assert ids(events, EventFilter(date_from=date(2022, 3, 30), date_to=date(2022, 4, 10))) == [
        "E2"
    ]
    assert ids(events, EventFilter(date_from=date(2022, 3, 31))) == ["E2"]
    assert ids(events, EventFilter(date_from=date(2022, 4, 1), date_to=date(2022, 12, 31))) == []
    assert ids(events, EventFilter(date_from=date(2021, 1, 1), date_to=date(2022, 3, 27))) == [
        "E2",
        "E3",
    ]
    assert ids(events, EventFilter(date_to=date(2020, 8, 18))) == ["E1", "E6"]
    # E5 runs 30 Nov-1 Dec 2023; a December-only window still catches it.
    assert ids(events, EventFilter(date_from=date(2023, 12, 1), include_non_aes_coups=True)) == [
        "E5"
    ]


def test_min_fatalities_uses_the_upper_bound(events):
    everything = EventFilter(include_non_aes_coups=True)
    assert len(apply_filter(events, everything)) == 6  # 0 lets unknown fatalities through
    at_least = EventFilter(include_non_aes_coups=True, min_fatalities=5)
    assert ids(events, at_least) == ["E2", "E3", "E6"]  # E6: 0-5, upper bound 5
    assert ids(events, EventFilter(min_fatalities=100)) == ["E2", "E3"]  # E3: low only
    assert ids(events, EventFilter(min_fatalities=101)) == ["E2"]
    assert ids(events, EventFilter(min_fatalities=501)) == []
    assert ids(events, EventFilter(min_fatalities=1, include_non_aes_coups=True)) == [
        "E2",
        "E3",
        "E5",
        "E6",
    ]  # unknown (E1, E4) never pass a positive minimum


def test_actor_match_any_selected(events):
    assert ids(events, EventFilter(actors=("FAMa",))) == ["E2"]
    assert ids(events, EventFilter(actors=("JNIM", "ISGS"))) == ["E3", "E6"]
    assert ids(events, EventFilter(actors=("CNSP (Col. Goïta; junta)",))) == ["E1"]
    assert ids(events, EventFilter(actors=("junta)",))) == []
    assert ids(events, EventFilter(actors=("Wagner",))) == []  # whole names only


def test_layers_and_subtypes(events):
    f = EventFilter(layers=("coup-successful",), include_non_aes_coups=True)
    assert ids(events, f) == ["E1", "E4"]
    assert ids(events, EventFilter(subtypes=("massacre",))) == ["E2", "E3"]
    f = EventFilter(layers=("insurgency",), subtypes=("massacre",))
    assert ids(events, f) == ["E2"]


def test_filter_keeps_columns_and_index(events):
    out = apply_filter(events, EventFilter(countries=("NER",)))
    assert list(out.columns) == list(events.columns)
    assert out.index.tolist() == [2, 5]


def test_duplicated_index_is_harmless(events):
    doubled = pd.concat([events, events])  # index 0..6 twice
    f = EventFilter(actors=("FAMa",), min_fatalities=300)
    assert ids(doubled, f) == ["E2", "E2"]


def test_layer_counts(events):
    counts = layer_counts(events)
    assert list(counts) == list(LAYERS)
    assert counts == {
        "coup-successful": 2,
        "coup-attempted": 1,
        "coup-plot": 0,
        "insurgency": 3,
        "state-violence": 1,
        "protest": 0,
        "riot": 0,
        "strategic": 0,
    }
    assert layer_counts(events.iloc[0:0]) == dict.fromkeys(LAYERS, 0)


def test_region_stats(events):
    # NE-6: E3 (100, no high -> upper 100) and E6 (0-5).
    assert region_stats(events, "NE-6") == RegionStats(2, 100, 105)
    # Unknown fatalities count as events but add 0 to both sums.
    assert region_stats(events, "ML-BKO") == (1, 0, 0)
    assert region_stats(events, "BF-SAHEL") == (1, 300, 500)
    count, low, high = region_stats(events, "NE-1")
    assert (count, low, high) == (0, 0, 0)


def test_curated_data_bamako_coups():
    ev = load_events().events
    f = EventFilter(
        date_from=date(2020, 1, 1),
        date_to=date(2021, 12, 31),
        countries=("MLI",),
        layers=("coup-successful",),
    )
    out = apply_filter(ev, f)
    assert out["id"].tolist() == ["MLI-2020-08-18-COUP", "MLI-2021-05-24-COUP"]
    assert set(out["admin1_id"]) == {"ML-BKO"}
    assert len(apply_filter(ev, EventFilter())) == 106  # + Timbuktu, Tessit (June 2025)
    assert len(apply_filter(ev, EventFilter(include_non_aes_coups=True))) == 120


# --- URL query parameters -------------------------------------------------------------------

ROUND_TRIP = [
    EventFilter(),
    EventFilter(
        date_from=date(2020, 1, 1),
        date_to=date(2023, 12, 31),
        countries=("MLI", "NER"),
        layers=("coup-plot", "insurgency"),
        subtypes=("massacre",),
        actors=("CNSP (CNSP, Col. Assimi Goïta)", "JNIM"),
        min_fatalities=50,
        include_non_aes_coups=True,
    ),
    EventFilter(date_to=date(2015, 6, 30), countries=("GNB",), actors=("a; b & c=d",)),
]


@pytest.mark.parametrize("f", ROUND_TRIP)
def test_query_params_round_trip(f):
    params = to_query_params(f)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    assert from_query_params(params, EventFilter()) == f
    # Through a real URL query string and back (parse_qs gives lists).
    parsed = parse_qs(urlencode(params), keep_blank_values=True)
    assert from_query_params(parsed, EventFilter()) == f


@pytest.mark.parametrize("f", ROUND_TRIP)
def test_query_params_round_trip_with_defaults(f):
    defaults = EventFilter(countries=("MLI", "BFA", "NER"), min_fatalities=1)
    params = to_query_params(f, defaults)
    assert from_query_params(params, defaults) == f


def test_only_changed_fields_are_written():
    assert to_query_params(EventFilter(), EventFilter()) == {}
    assert to_query_params(EventFilter(min_fatalities=5), EventFilter()) == {"min_fatalities": "5"}


def test_garbage_query_params_are_ignored():
    defaults = EventFilter(date_from=date(2012, 1, 1), countries=("MLI",), min_fatalities=3)
    garbage = {
        "from": "yesterday",
        "to": "2021-02-30",
        "countries": "XXX,<script>",
        "layers": "insurgency,,coup-plot,javascript:alert(1)",
        "subtypes": "MASSACRE, bogus",
        "actors": "",
        "min_fatalities": "-5",
        "non_aes_coups": "maybe",
        "unknown": "1",
    }
    f = from_query_params(garbage, defaults)
    assert f == EventFilter(
        date_from=date(2012, 1, 1),
        countries=("MLI",),
        layers=("insurgency", "coup-plot"),
        subtypes=("massacre",),
        min_fatalities=3,
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"from": None},
        {"to": 12},
        {"countries": ["mli", "bfa"]},
        {"min_fatalities": "1e9"},
        {"min_fatalities": "٣"},
        {"min_fatalities": "99999999999999999999"},
        {"actors": []},
        {"from": "2020-01-01T00:00"},
        {"from": "20200101"},
        {"non_aes_coups": "TRUE"},
        {"from": "2024-01-01", "to": "2020-01-01"},
        {"actors": "|".join(["x"] * 500)},
        {"layers": "\x00"},
        {"from": "9999-12-31"},
    ],
)
def test_odd_query_params_never_crash(params):
    f = from_query_params(params, EventFilter())
    assert isinstance(f, EventFilter)
    assert f.date_from is None or f.date_to is None or f.date_from <= f.date_to
    assert isinstance(f.min_fatalities, int) and 0 <= f.min_fatalities <= 1_000_000


def test_specific_odd_values():
    assert from_query_params({"countries": ["MLI", "bfa, ner"]}).countries == ("BFA", "NER")
    assert from_query_params({"non_aes_coups": "TRUE"}).include_non_aes_coups is True
    swapped = from_query_params({"from": "2024-01-01", "to": "2020-01-01"})
    assert (swapped.date_from, swapped.date_to) == (None, None)
    assert from_query_params({"from": "20200101"}).date_from is None
    assert from_query_params({"countries": ""}, EventFilter(countries=("MLI",))).countries == ()


def test_keep_rows_shares_nothing_writable_with_the_source():
    events = make_events()
    everything = keep_rows(events, pd.Series(True, index=events.index))
    pd.testing.assert_frame_equal(everything, events)
    everything.loc[0, "country_iso3"] = "XXX"  # copy-on-write: the source is untouched
    assert events.loc[0, "country_iso3"] == "MLI"
    some = keep_rows(events, events["country_iso3"] == "NER")
    assert some["id"].tolist() == ["E3", "E6"]


def test_ucdp_typology_filters_select_on_ucdps_columns_and_travel_in_the_url():
    events = load_events().events.head(3).copy()
    events["type_of_violence"] = ["1", "3", ""]
    events["dyad_name"] = ["Government of Mali - JNIM", "IS Sahel - Civilians", ""]
    f = EventFilter(violence_types=("3",))
    assert list(apply_filter(events, f)["dyad_name"]) == ["IS Sahel - Civilians"]
    f = EventFilter(dyads=("Government of Mali - JNIM",))
    assert list(apply_filter(events, f)["type_of_violence"]) == ["1"]
    # an event without UCDP's typology (curated, ACLED) never matches a UCDP choice
    assert apply_filter(events, EventFilter(violence_types=("1", "3"))).shape[0] == 2
    f = EventFilter(violence_types=("1", "3"), dyads=("A - B, C; D",))
    params = to_query_params(f)
    assert params["violence"] == "1|3" and params["dyads"] == "A - B, C; D"
    assert from_query_params(params, EventFilter()) == f
    # codes other than UCDP's three are dropped; nothing valid leaves the default
    assert from_query_params({"violence": "2|7"}, EventFilter()).violence_types == ("2",)
    assert from_query_params({"violence": "x"}, EventFilter()).violence_types == ()


# --- the rows a panel takes from the filter's array -------------------------------------------


def test_rows_where_takes_only_the_marked_rows_and_columns_in_order() -> None:
    from geo.analysis.filters import rows_where

    events = make_events()
    marked = events["country_iso3"].eq("MLI").to_numpy() & events["layer"].ne("").to_numpy()
    part = rows_where(events, marked, ("id", "admin1_id"))
    assert list(part.columns) == ["id", "admin1_id"]
    assert list(part["id"]) == list(events.loc[marked, "id"])
    assert list(part.index) == list(events.index[marked])
    assert rows_where(events, marked & False, ("id",)).empty


def test_near_rows_is_a_box_in_degrees_and_never_holds_an_unlocated_event() -> None:
    from geo.analysis.selection import events_near, near_rows

    events = pd.DataFrame(
        {
            "id": ["here", "edge", "far", "unlocated"],
            "date": pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-02", "2024-01-01"]),
            "latitude": [14.0, 14.04, 15.0, None],
            "longitude": [-1.0, -1.04, -1.0, None],
        }
    )
    assert near_rows(events, 14.0, -1.0, 0.05).tolist() == [True, True, False, False]
    assert list(events_near(events, 14.0, -1.0, 0.05)["id"]) == ["edge", "here"]  # oldest first
