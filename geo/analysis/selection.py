"""What the user clicked, as a small value that survives reruns and fits in a URL."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo.i18n.catalogue import format_days
from geo.io.eventtexts import localized_locations

KINDS = ("admin1", "country", "province")


@dataclass(frozen=True)
class Selection:
    """A selected map feature: its kind and id (e.g. ``admin1`` / ``ML-7``)."""

    kind: str
    id: str

    def to_param(self) -> str:
        return f"{self.kind}:{self.id}"


class IdLookup:
    """``ident in IdLookup(df["id"])`` without building a Python set (a million event ids
    take seconds to hash; one vectorised comparison takes milliseconds)."""

    def __init__(self, ids: pd.Series) -> None:
        self._ids = ids

    def __contains__(self, ident: object) -> bool:
        return isinstance(ident, str) and bool((self._ids == ident).any())


def selection_from_param(value: str | None,
                         known_ids: Mapping[str, Container[str]]) -> Selection | None:
    """Parse ``kind:id`` from a URL; unknown kinds or ids give ``None`` (never an error)."""
    if not value or ":" not in value:
        return None
    kind, _, ident = value.partition(":")
    if ident in known_ids.get(kind, set()):
        return Selection(kind, ident)
    return None


def _properties(payload: dict[str, Any]) -> dict[str, Any]:
    drawing = payload.get("last_active_drawing")
    props = drawing.get("properties") if isinstance(drawing, dict) else None
    return props if isinstance(props, dict) else {}


def _point(payload: dict[str, Any]) -> tuple[float, float] | None:
    """``(lon, lat)`` of the click, or None when missing or malformed."""
    point = payload.get("last_object_clicked")
    if not isinstance(point, dict):
        return None
    try:
        lon, lat = float(point["lng"]), float(point["lat"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


def click_signature(payload: dict[str, Any] | None) -> str | None:
    """A string that changes whenever the user clicks again (used to spot new clicks)."""
    if not isinstance(payload, dict):
        return None
    point, props = payload.get("last_object_clicked"), _properties(payload)
    if not point and not props:
        return None
    return repr((point, props.get("kind"), props.get("id"), props.get("token"),
                 props.get("hits")))


def click_hits(payload: dict[str, Any] | None) -> tuple[str, list[int]] | None:
    """``(token, indices)`` when the click hit marks of the events layer
    (``geo.render.pointlayer``): the indices, top-most first, into the block named by the token."""
    if not isinstance(payload, dict):
        return None
    props = _properties(payload)
    token, hits = props.get("token"), props.get("hits")
    if props.get("kind") != "event-hits" or not isinstance(token, str) \
            or not isinstance(hits, list):
        return None
    return token, [i for i in hits if isinstance(i, int) and not isinstance(i, bool)]


def selection_from_click(payload: dict[str, Any] | None,
                         layers: dict[str, gpd.GeoDataFrame]) -> Selection | None:
    """The feature a map click designates.

    The clicked feature's properties (``kind``/``id``, sent back by the map) win; when they
    are missing, the click position is located by point-in-polygon in ``layers``, tried in
    order (the first layer is the one drawn on top).
    """
    if not isinstance(payload, dict):
        return None
    props = _properties(payload)
    kind, ident = props.get("kind"), props.get("id")
    if (isinstance(kind, str) and isinstance(ident, str) and kind in layers
            and bool((layers[kind]["id"] == ident).any())):
        return Selection(kind, ident)
    drawing = payload.get("last_active_drawing")
    geometry = drawing.get("geometry") if isinstance(drawing, dict) else None
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        return None  # a cluster or marker without our properties: not a place choice
    point = _point(payload)
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


def feature_choices(layers: Mapping[str, gpd.GeoDataFrame], events: pd.DataFrame,
                    lang: str) -> dict[str, str]:
    """Every selectable feature as ``{Selection.to_param(): label}``, for a searchable list
    that selects without a mouse: countries, then admin-1 regions and provinces (each
    with its type and country, sorted by name in ``lang``), then the given events by date.
    """
    from geo.model.countries import collation_key, country_name

    name_col, type_col = ("name_fr", "type_fr") if lang == "fr" else ("name_en", "type_en")
    choices: dict[str, str] = {}
    countries = layers["country"]
    for iso3, ident in sorted(zip(countries["iso3"], countries["id"], strict=True),
                              key=lambda pair: collation_key(country_name(pair[0], lang))):
        choices[Selection("country", str(ident)).to_param()] = country_name(iso3, lang)
    for kind in ("admin1", "province"):
        units = layers[kind]
        labelled = [(f"{row[name_col]} — {row[type_col]}, {country_name(row['iso3'], lang)}",
                     str(row["id"])) for _, row in units.iterrows()]
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


def events_near(events: pd.DataFrame, lat: float, lon: float,
                degrees: float = NEAR_DEGREES) -> pd.DataFrame:
    """The located events of ``events`` at or near ``(lat, lon)``, oldest first."""
    near = ((events["latitude"] - lat).abs() <= degrees) & (
        (events["longitude"] - lon).abs() <= degrees)
    return events[near.fillna(False).astype(bool)].sort_values("date", kind="stable")


MIN_VIEW_ZOOM, MAX_VIEW_ZOOM = 0, 19


def parse_view(raw: str | None) -> tuple[float, float, int] | None:
    """``lat,lng,zoom`` of a shared map view (URL ``view``); None when absent or invalid."""
    try:
        lat, lng, zoom = (part.strip() for part in (raw or "").split(","))
        view = float(lat), float(lng), int(zoom)
    except ValueError:
        return None
    ok = (-90 <= view[0] <= 90 and -180 <= view[1] <= 180
          and MIN_VIEW_ZOOM <= view[2] <= MAX_VIEW_ZOOM)
    return view if ok else None
