"""An aggregated event layer for views too large to draw event by event.

Above :data:`POINT_LIMIT` located events the map draws one circle per 0.5° grid cell
(area proportional to the number of events) instead of the events; the page says so.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd

from geo.eventlayers import TEXT_TOOLTIP_AND_RADIUS
from geo.i18n import translate
from geo.palette import CLUSTER_FILL

POINT_LIMIT = 15_000
CELL_DEG = 0.5
MAX_CELL_RADIUS_PX = 30.0

_ON_EACH_CELL = TEXT_TOOLTIP_AND_RADIUS


def grid_counts(events: pd.DataFrame, cell_deg: float = CELL_DEG) -> pd.DataFrame:
    """Located events counted per grid cell: ``lat``, ``lon`` (cell centre), ``count``."""
    lat = events["latitude"].to_numpy(dtype=float)
    lon = events["longitude"].to_numpy(dtype=float)
    located = ~(np.isnan(lat) | np.isnan(lon))
    if not located.any():
        return pd.DataFrame({"lat": [], "lon": [], "count": []})
    # Only the two coordinate arrays are touched: on a million events, copying the frame
    # (as dropna would) costs more than the counting.
    row = np.floor(lat[located] / cell_deg).astype(np.int64)
    col = np.floor(lon[located] / cell_deg).astype(np.int64)
    width = int(col.max() - col.min()) + 1
    keys, count = np.unique((row - row.min()) * width + (col - col.min()),
                            return_counts=True)
    order = np.argsort(-count, kind="stable")  # big cells first: small ones drawn on top
    keys, count = keys[order], count[order]
    return pd.DataFrame({"lat": (keys // width + row.min() + 0.5) * cell_deg,
                         "lon": (keys % width + col.min() + 0.5) * cell_deg,
                         "count": count.astype(int)})


def aggregate_layer(events: pd.DataFrame, lang: str = "en",
                    name: str = "events (aggregated)") -> folium.FeatureGroup:
    """One canvas GeoJSON layer of grid-cell circles (``kind: "cell"``, not selectable), the
    tooltip ("1,253 events") in ``lang``."""
    cells = grid_counts(events)
    group = folium.FeatureGroup(name=name)
    if cells.empty:
        return group
    top = float(cells["count"].max())
    radii = np.maximum(3.0, MAX_CELL_RADIUS_PX * np.sqrt(cells["count"] / top))
    features = [
        {"type": "Feature",
         "properties": {"kind": "cell", "r": round(float(r), 1),
                        "t": translate("ev_cell_tooltip", lang, count=int(n))},
         "geometry": {"type": "Point", "coordinates": [round(float(lon), 4),
                                                       round(float(lat), 4)]}}
        for lat, lon, n, r in zip(cells["lat"], cells["lon"], cells["count"], radii,
                                  strict=True)
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=4, color=CLUSTER_FILL, weight=1,
                                   fill_color=CLUSTER_FILL, fill_opacity=0.45),
        on_each_feature=_ON_EACH_CELL,
    ).add_to(group)
    return group
