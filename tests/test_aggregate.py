"""The grid aggregation drawn above POINT_LIMIT events, with hand-worked cells."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from geo.aggregate import CELL_DEG, MAX_CELL_RADIUS_PX, aggregate_layer, grid_counts


def points(*coords: tuple[float, float]) -> pd.DataFrame:
    lat, lon = zip(*coords, strict=True) if coords else ((), ())
    return pd.DataFrame({"latitude": np.array(lat, float), "longitude": np.array(lon, float),
                         "summary": ["x"] * len(coords)})


def test_events_are_counted_per_half_degree_cell_biggest_first():
    cells = grid_counts(points((14.1, 1.2), (14.4, 1.4), (14.49, 1.01),  # one cell
                               (-0.2, -3.1),  # south and west of 0: floor, not truncation
                               (14.6, 1.2), (14.7, 1.3),
                               (np.nan, 1.0), (12.0, np.nan)))  # not located: ignored
    assert CELL_DEG == 0.5
    assert cells.to_dict("records") == [
        {"lat": 14.25, "lon": 1.25, "count": 3},
        {"lat": 14.75, "lon": 1.25, "count": 2},
        {"lat": -0.25, "lon": -3.25, "count": 1},
    ]


def test_no_located_event_gives_no_cell():
    assert grid_counts(points()).empty
    assert grid_counts(points((np.nan, np.nan))).empty
    assert aggregate_layer(points((np.nan, 2.0)))._children == {}


def test_layer_has_one_circle_per_cell_sized_by_count():
    events = points(*[(14.1, 1.2)] * 100, (10.1, 0.1))
    [geojson] = aggregate_layer(events, "en")._children.values()
    features = json.loads(json.dumps(geojson.data))["features"]
    assert [f["properties"]["t"] for f in features] == ["100 events", "1 event"]
    assert features[0]["properties"]["r"] == MAX_CELL_RADIUS_PX
    assert features[1]["properties"]["r"] == 3.0  # the smallest circle stays clickable
    assert features[0]["geometry"]["coordinates"] == [1.25, 14.25]


def test_cell_tooltips_count_in_the_readers_language():
    events = points(*[(14.1, 1.2)] * 1253, (10.1, 0.1))
    [geojson] = aggregate_layer(events, "fr")._children.values()
    assert [f["properties"]["t"] for f in geojson.data["features"]] == [
        "1\u202f253 événements", "1 événement"]
