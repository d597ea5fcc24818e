"""What the user clicked, as a small value that survives reruns and fits in a URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.i18n.catalogue import format_days
from geo.io.eventtexts import localized_locations
from geo.model.selection import Selection, payload_point, payload_properties


def selection_from_click(
    payload: dict[str, Any] | None, layers: dict[str, gpd.GeoDataFrame]
) -> Selection | None:
    """The feature a map click designates.

    The clicked feature's properties (``kind``/``id``, sent back by the map) win; when they
    are missing, the click position is located by point-in-polygon in ``layers``, tried in
    order (the first layer is the one drawn on top).
    """
    if not isinstance(payload, dict):
        return None
    props = payload_properties(payload)
    kind, ident = props.get("kind"), props.get("id")
    if (
        isinstance(kind, str)
        and isinstance(ident, str)
        and kind in layers
        and bool((layers[kind]["id"] == ident).any())
    ):
        return Selection(kind, ident)
    drawing = payload.get("last_active_drawing")
    geometry = drawing.get("geometry") if isinstance(drawing, dict) else None
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        return None  # a cluster or marker without our properties: not a place choice
    point = payload_point(payload)
    return locate(point[0], point[1], layers) if point else None


def locate(lon: float, lat: float, layers: dict[str, gpd.GeoDataFrame]) -> Selection | None:
    """The first feature, layer by layer, that contains the point (tables without geometry,
    such as events, are skipped)."""
    where = shapely.Point(lon, lat)
    for kind, gdf in layers.items():
        if not isinstance(gdf, gpd.GeoDataFrame):
            continue
        hits = gdf[gdf.geometry.intersects(where)]
        if len(hits):
            return Selection(kind, str(hits.iloc[0]["id"]))
    return None


def feature_choices(
    layers: Mapping[str, gpd.GeoDataFrame], events: pd.DataFrame, lang: str
) -> dict[str, str]:
    """Every selectable feature as ``{Selection.to_param(): label}``, for a searchable list
    that selects without a mouse: countries, then admin-1 regions and provinces (each
    with its type and country, sorted by name in ``lang``), then the given events by date.
    """
    from geo.model.countries import collation_key, country_name

    name_col, type_col = ("name_fr", "type_fr") if lang == "fr" else ("name_en", "type_en")
    choices: dict[str, str] = {}
    countries = layers["country"]
    for iso3, ident in sorted(
        zip(countries["iso3"], countries["id"], strict=True),
        key=lambda pair: collation_key(country_name(pair[0], lang)),
    ):
        choices[Selection("country", str(ident)).to_param()] = country_name(iso3, lang)
    for kind in ("admin1", "province"):
        units = layers[kind]
        labelled = [
            (
                f"{row[name_col]} — {row[type_col]}, {country_name(row['iso3'], lang)}",
                str(row["id"]),
            )
            for _, row in units.iterrows()
        ]
        for label, ident in sorted(labelled, key=lambda pair: collation_key(pair[0])):
            choices[Selection(kind, ident).to_param()] = label
    dated = events.sort_values("date", kind="stable")
    days = format_days(dated["date"], lang)
    places = localized_locations(dated, lang)
    for ident, day, place in zip(dated["id"], days, places, strict=True):
        choices[Selection("event", str(ident)).to_param()] = f"{day} · {place}"
    return choices


NEAR_DEGREES = 0.05
"""Events within this many degrees (about 5 km) count as "at the same place": a click on
overlapping symbols (a capital's coups under its insurgency circles) reaches all of them."""


def events_near(
    events: pd.DataFrame, lat: float, lon: float, degrees: float = NEAR_DEGREES
) -> pd.DataFrame:
    """The located events of ``events`` at or near ``(lat, lon)``, oldest first."""
    return events[near_rows(events, lat, lon, degrees)].sort_values("date", kind="stable")


def near_rows(
    events: pd.DataFrame, lat: float, lon: float, degrees: float = NEAR_DEGREES
) -> np.ndarray:
    """Which events are located at or near ``(lat, lon)`` (within ``degrees`` in latitude
    and in longitude): a boolean array, False for unlocated events."""
    lats = events["latitude"].to_numpy(dtype=float, na_value=np.nan)
    lons = events["longitude"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):  # NaN compares False: an unlocated event is far
        return (np.abs(lats - lat) <= degrees) & (np.abs(lons - lon) <= degrees)
