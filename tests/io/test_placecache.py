"""Distances per place kept on disk: same answers as computing them, never a source."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.analysis import measures as analysis
from geo.io import placecache

CENTER = shapely.Point(0.75, 14.9)


def events(lons: list[float], lats: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"longitude": lons, "latitude": lats})


@pytest.fixture
def cache(tmp_path):
    return placecache.cache_file(tmp_path, CENTER)


def test_cached_distances_equal_computed_ones_and_the_second_start_projects_nothing(
    cache, monkeypatch
):
    df = events([1.5, -1.5, 1.5, np.nan, 3.0], [14.0, 13.0, 14.0, 12.0, np.nan])
    expected = analysis.distance_km(df, CENTER)
    first = analysis.distance_km(df, CENTER, cache)
    pd.testing.assert_series_equal(first, expected)
    places, _metres = placecache.read(cache)
    assert len(places) == 2  # the two distinct located places, once each

    def no_projection(*_a, **_k):
        raise AssertionError("projected a place the cache had")

    monkeypatch.setattr(analysis.Transformer, "from_crs", no_projection)
    pd.testing.assert_series_equal(analysis.distance_km(df, CENTER, cache), expected)


def test_new_places_are_computed_and_added(cache):
    analysis.distance_km(events([1.5], [14.0]), CENTER, cache)
    df = events([1.5, 2.5], [14.0, 15.0])
    pd.testing.assert_series_equal(
        analysis.distance_km(df, CENTER, cache), analysis.distance_km(df, CENTER)
    )
    assert len(placecache.read(cache)[0]) == 2


def test_another_centre_has_its_own_file(tmp_path):
    assert placecache.cache_file(tmp_path, CENTER) != placecache.cache_file(
        tmp_path, shapely.Point(0.75, 15.0)
    )


@pytest.mark.parametrize("damage", [b"", b"not a numpy file", b"PK\x03\x04garbage"])
def test_a_damaged_file_is_ignored_and_replaced(cache, damage):
    cache.parent.mkdir(parents=True)
    cache.write_bytes(damage)
    df = events([1.5, -1.5], [14.0, 13.0])
    pd.testing.assert_series_equal(
        analysis.distance_km(df, CENTER, cache), analysis.distance_km(df, CENTER)
    )
    assert len(placecache.read(cache)[0]) == 2


def test_a_file_of_another_format_or_shape_is_no_cache(cache):
    cache.parent.mkdir(parents=True)
    with open(cache, "wb") as handle:
        np.savez(
            handle,
            format=np.int64(placecache.FORMAT + 1),
            places=np.array([1.5 + 14j]),
            metres=np.array([1.0]),
        )
    assert len(placecache.read(cache)[0]) == 0
    with open(cache, "wb") as handle:
        np.savez(
            handle,
            format=np.int64(placecache.FORMAT),
            places=np.array([1.5 + 14j, 2 + 1j]),
            metres=np.array([1.0]),
        )
    assert len(placecache.read(cache)[0]) == 0


def test_an_unwritable_directory_changes_nothing_but_the_speed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = placecache.cache_file(blocker, CENTER)  # its parent cannot be created
    df = events([1.5], [14.0])
    pd.testing.assert_series_equal(
        analysis.distance_km(df, CENTER, cache), analysis.distance_km(df, CENTER)
    )


def test_removing_a_dataset_deletes_the_distances_of_its_places(tmp_path):
    from pathlib import Path as _Path

    from geo.io.importers import commit, prepare
    from geo.io.store import Store

    fixture = _Path(__file__).resolve().parents[1] / "fixtures" / "acled_labels.csv"
    store = Store(tmp_path / "store")
    commit(prepare(fixture, store=store), store)
    cache = placecache.cache_file(store.directory, CENTER)
    analysis.distance_km(store.load_events(), CENTER, cache)
    assert cache.exists()
    store.remove("acled")
    assert not cache.exists()
