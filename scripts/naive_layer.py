"""The approach the map does not use, kept as the benchmark's reference: one folium
``CircleMarker`` with its own tooltip per event (``scripts/benchmark_map.py`` measures it
beside the map's own layer, :mod:`geo.render.pointlayer`)."""

from __future__ import annotations

import folium
import pandas as pd

from geo.model.events import fatality_upper
from geo.render.pointlayer import LAYER_STYLES, radius_px


def naive_marker_group(events: pd.DataFrame) -> folium.FeatureGroup:
    """One folium CircleMarker per located event, each with a tooltip."""
    group = folium.FeatureGroup(name="naive")
    located = events.dropna(subset=["latitude", "longitude"])
    radii = radius_px(fatality_upper(located))
    for row, r in zip(located.itertuples(), radii, strict=True):
        style = LAYER_STYLES[row.layer]
        folium.CircleMarker(
            [row.latitude, row.longitude],
            radius=float(r),
            tooltip=folium.Tooltip(str(row.location)),
            **style,
        ).add_to(group)
    return group
