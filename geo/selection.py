"""What the user clicked, as a small value that survives reruns and fits in a URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely

KINDS = ("admin1", "country", "province")


@dataclass(frozen=True)
class Selection:
    """A selected map feature: its kind and id (e.g. ``admin1`` / ``ML-7``)."""

    kind: str
    id: str

    def to_param(self) -> str:
        return f"{self.kind}:{self.id}"


def selection_from_param(value: str | None, known_ids: dict[str, set[str]]) -> Selection | None:
    """Parse ``kind:id`` from a URL; unknown kinds or ids give ``None`` (never an error)."""
    if not value or ":" not in value:
        return None
    kind, _, ident = value.partition(":")
    if ident in known_ids.get(kind, set()):
        return Selection(kind, ident)
    return None


def click_signature(payload: dict[str, Any] | None) -> str | None:
    """A string that changes whenever the user clicks again (used to spot new clicks)."""
    if not payload:
        return None
    point = payload.get("last_object_clicked")
    drawing = payload.get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    if not point and not props:
        return None
    return repr((point, props.get("kind"), props.get("id")))


def selection_from_click(payload: dict[str, Any] | None,
                         layers: dict[str, gpd.GeoDataFrame]) -> Selection | None:
    """The feature a map click designates.

    The clicked feature's properties (``kind``/``id``, sent back by the map) win; when they
    are missing, the click position is located by point-in-polygon in ``layers``, tried in
    order (the first layer is the one drawn on top).
    """
    if not payload:
        return None
    drawing = payload.get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    kind, ident = props.get("kind"), props.get("id")
    if kind in layers and ident in set(layers[kind]["id"]):
        return Selection(kind, ident)
    point = payload.get("last_object_clicked") or {}
    if "lat" not in point or "lng" not in point:
        return None
    return locate(float(point["lng"]), float(point["lat"]), layers)


def locate(lon: float, lat: float, layers: dict[str, gpd.GeoDataFrame]) -> Selection | None:
    """The first feature, layer by layer, that contains the point."""
    where = shapely.Point(lon, lat)
    for kind, gdf in layers.items():
        hits = gdf[gdf.geometry.intersects(where)]
        if len(hits):
            return Selection(kind, str(hits.iloc[0]["id"]))
    return None
