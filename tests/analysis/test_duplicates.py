"""Likely duplicates across datasets (geo/analysis/duplicates.py)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from geo.analysis.duplicates import DUPLICATE_KM, dataset_ranks, find_duplicates, hidden, shown_once


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {
        "dataset": "curated",
        "date": "2024-08-24",
        "date_precision": "day",
        "category": "insurgency",
        "latitude": 13.41,
        "longitude": -1.06,
        "geo_precision": 1,
    }
    out = pd.DataFrame([{**base, **r} for r in rows])
    out["date"] = pd.to_datetime(out["date"])
    out["geo_precision"] = out["geo_precision"].astype("Int64")
    return out


def pairs(df: pd.DataFrame) -> list[tuple[int, int]]:
    d = find_duplicates(df)
    return list(zip(d.left.tolist(), d.right.tolist(), strict=True))


def test_same_event_in_two_datasets_is_one_pair():
    # ~3 km apart (0.027 degrees of latitude), the next day, ACLED calls it state violence.
    df = frame(
        [
            {},
            {
                "dataset": "acled",
                "date": "2024-08-25",
                "latitude": 13.437,
                "category": "state-violence",
            },
        ]
    )
    assert pairs(df) == [(0, 1)]
    d = find_duplicates(df)
    assert d.others(0).tolist() == [1] and d.others(1).tolist() == [0]


def test_same_day_far_apart_is_not_a_pair():
    # 0.1 degree of latitude is about 11 km: beyond the threshold.
    assert DUPLICATE_KM == 10.0
    assert pairs(frame([{}, {"dataset": "acled", "latitude": 13.51}])) == []


def test_same_place_other_day_is_not_a_pair():
    assert pairs(frame([{}, {"dataset": "acled", "date": "2024-08-26"}])) == []
    assert pairs(frame([{}, {"dataset": "acled", "date": "2024-08-23"}])) == [(0, 1)]


def test_same_dataset_is_never_merged():
    df = frame([{}, {}, {"dataset": "acled"}])
    assert pairs(df) == [(0, 2), (1, 2)]  # both curated events stay, each paired with ACLED
    codes, names = pd.factorize(df["dataset"])
    shown = shown_once(np.ones(3, bool), find_duplicates(df), codes, list(names), "curated")
    assert shown.tolist() == [True, True, False]


def test_incompatible_category_or_unplaced_events_are_not_pairs():
    assert pairs(frame([{"category": "coup"}, {"dataset": "acled"}])) == []
    assert pairs(frame([{"date_precision": "month"}, {"dataset": "acled"}])) == []
    assert pairs(frame([{"geo_precision": 3}, {"dataset": "acled"}])) == []
    assert pairs(frame([{"latitude": None}, {"dataset": "acled"}])) == []


def test_winner_decides_which_copy_is_shown():
    df = frame([{}, {"dataset": "acled"}, {"dataset": "acled", "latitude": 16.0}])
    d = find_duplicates(df)
    codes, names = pd.factorize(df["dataset"])
    everything = np.ones(3, bool)
    assert hidden(d, codes, list(names), "curated", everything).tolist() == [False, True, False]
    assert hidden(d, codes, list(names), "acled", everything).tolist() == [True, False, False]
    # With the curated dataset not shown, its ACLED copy is drawn.
    only_acled = np.array([False, True, True])
    assert not hidden(d, codes, list(names), "curated", only_acled).any()


def test_ranks_put_the_winner_then_curated_first():
    assert dataset_ranks(["acled", "curated", "ucdp"], "ucdp").tolist() == [2, 1, 0]
    assert dataset_ranks(["acled", "curated", "ucdp"], "curated").tolist() == [1, 0, 2]
    assert dataset_ranks(["acled", "curated"], "gone").tolist() == [1, 0]


def test_chains_are_one_group():
    df = frame(
        [{}, {"dataset": "acled", "latitude": 13.47}, {"dataset": "ucdp", "latitude": 13.53}]
    )
    d = find_duplicates(df)
    assert (0, 2) not in pairs(df)  # 13 km apart, linked through the ACLED event
    assert d.others(0).tolist() == [1, 2]


def test_200k_events_in_well_under_a_second():
    rng = np.random.default_rng(3)
    n = 200_000
    df = pd.DataFrame(
        {
            "dataset": np.where(rng.random(n) < 0.5, "curated", "acled"),
            "date": pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, n), "D"),
            "date_precision": "day",
            "category": "insurgency",
            "latitude": rng.uniform(10, 20, n),
            "longitude": rng.uniform(-10, 5, n),
            "geo_precision": pd.array(np.ones(n, int), dtype="Int64"),
        }
    )
    towns = rng.uniform([10, -10], [20, 5], (30, 2))
    k = rng.integers(0, 30, n // 2)  # half the events in 30 towns
    df.loc[: n // 2 - 1, "latitude"] = towns[k, 0] + rng.normal(0, 0.02, n // 2)
    df.loc[: n // 2 - 1, "longitude"] = towns[k, 1] + rng.normal(0, 0.02, n // 2)
    find_duplicates(df.head(100))  # projection set up
    start = time.perf_counter()
    d = find_duplicates(df)
    elapsed = time.perf_counter() - start
    assert len(d) > 10_000
    assert elapsed < 0.8, elapsed
    # Every pair found obeys the rule (checked on a sample by plain arithmetic).
    sample = rng.choice(len(d), 200, replace=False)
    a, b = d.left[sample], d.right[sample]
    assert (df["dataset"].to_numpy()[a] != df["dataset"].to_numpy()[b]).all()
    gap = np.abs(
        (df["date"].to_numpy()[a] - df["date"].to_numpy()[b]).astype("timedelta64[D]").astype(int)
    )
    assert (gap <= 1).all()
    lat1, lat2 = np.radians(df["latitude"].to_numpy()[a]), np.radians(df["latitude"].to_numpy()[b])
    dlon = np.radians(df["longitude"].to_numpy()[a] - df["longitude"].to_numpy()[b])
    hav = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    assert (2 * 6371.0 * np.arcsin(np.sqrt(hav)) < DUPLICATE_KM * 1.05).all()


def test_winner_is_named_in_export_descriptions_and_round_trips_the_url():
    from geo.io import exports
    from geo.model.filters import EventFilter, from_query_params, to_query_params

    assert exports.describe_filter({"winner": "acled"}, "en") == (
        "events in two datasets: the copy of acled"
    )
    assert exports.describe_filter({"winner": "curated"}, "fr") == (
        "événements dans deux jeux de données : la copie de Événements vérifiés"
    )
    f = EventFilter(winner="acled")
    assert to_query_params(f, EventFilter()) == {"winner": "acled"}
    assert from_query_params({"winner": "acled"}) == f
    # A value that is no dataset name is ignored (the default stays).
    assert from_query_params({"winner": "<script>"}).winner == "curated"


def test_an_event_without_a_category_matches_nothing():
    # Factorised, a missing category is code -1: it must not borrow the last category's
    # family (here "coup"), nor match another event without a category.
    df = frame(
        [
            {"category": "coup"},
            {"dataset": "acled", "category": None},
            {"dataset": "ucdp", "category": None},
        ]
    )
    assert pairs(df) == []
    assert pairs(frame([{"category": "coup"}, {"dataset": "acled", "category": "coup"}])) == [
        (0, 1)
    ]


def test_a_dataset_without_placed_events_leaves_the_others_matched():
    # The second dataset's only event has no point: the first and third still pair.
    df = frame([{}, {"dataset": "ucdp", "latitude": None}, {"dataset": "acled"}])
    assert pairs(df) == [(0, 2)]
