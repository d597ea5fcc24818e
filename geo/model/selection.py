"""What the reader selected on the map (a country, a region or province, events under a click),
as a URL parameter and as read from a click's payload. Locating a click in the boundaries is
:mod:`geo.analysis.selection`.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

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


def selection_from_param(
    value: str | None, known_ids: Mapping[str, Container[str]]
) -> Selection | None:
    """Parse ``kind:id`` from a URL; unknown kinds or ids give ``None`` (never an error)."""
    if not value or ":" not in value:
        return None
    kind, _, ident = value.partition(":")
    if ident in known_ids.get(kind, set()):
        return Selection(kind, ident)
    return None


def payload_properties(payload: dict[str, Any]) -> dict[str, Any]:
    drawing = payload.get("last_active_drawing")
    props = drawing.get("properties") if isinstance(drawing, dict) else None
    return props if isinstance(props, dict) else {}


def payload_point(payload: dict[str, Any]) -> tuple[float, float] | None:
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
    point, props = payload.get("last_object_clicked"), payload_properties(payload)
    if not point and not props:
        return None
    return repr((point, props.get("kind"), props.get("id"), props.get("token"), props.get("hits")))


def click_hits(payload: dict[str, Any] | None) -> tuple[str, list[int]] | None:
    """``(token, indices)`` when the click hit marks of the events layer
    (``geo.render.pointlayer``): the indices, top-most first, into the block named by the token."""
    if not isinstance(payload, dict):
        return None
    props = payload_properties(payload)
    token, hits = props.get("token"), props.get("hits")
    if (
        props.get("kind") != "event-hits"
        or not isinstance(token, str)
        or not isinstance(hits, list)
    ):
        return None
    return token, [i for i in hits if isinstance(i, int) and not isinstance(i, bool)]


MIN_VIEW_ZOOM, MAX_VIEW_ZOOM = 0, 19


def parse_view(raw: str | None) -> tuple[float, float, int] | None:
    """``lat,lng,zoom`` of a shared map view (URL ``view``); None when absent or invalid."""
    try:
        lat, lng, zoom = (part.strip() for part in (raw or "").split(","))
        view = float(lat), float(lng), int(zoom)
    except ValueError:
        return None
    ok = (
        -90 <= view[0] <= 90
        and -180 <= view[1] <= 180
        and MIN_VIEW_ZOOM <= view[2] <= MAX_VIEW_ZOOM
    )
    return view if ok else None
