"""Web Mercator, as Leaflet draws the map: a view (centre, zoom, size in CSS pixels) and
the pixel of any longitude and latitude in it, vectorised with numpy."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TILE_PX = 256
MAX_LATITUDE = 85.0511287798
EARTH_CIRCUMFERENCE_M = 40_075_016.686


def world_px(lng: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Leaflet's pixel coordinates (``map.project``) of points at ``zoom``."""
    size = TILE_PX * 2.0**zoom
    lat = np.clip(np.asarray(lat, float), -MAX_LATITUDE, MAX_LATITUDE)
    x = (np.asarray(lng, float) + 180.0) / 360.0 * size
    sin = np.sin(np.radians(lat))
    y = (0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * size
    return x, y


@dataclass(frozen=True)
class View:
    """What the reader sees: the centre, the zoom and the map's size in CSS pixels."""

    lat: float
    lng: float
    zoom: float
    width: float
    height: float

    def to_px(self, lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pixels of points in the view (0, 0: its top left corner)."""
        x, y = world_px(lng, lat, self.zoom)
        cx, cy = world_px(np.array([self.lng]), np.array([self.lat]), self.zoom)
        return x - cx[0] + self.width / 2, y - cy[0] + self.height / 2

    def to_lnglat(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The inverse of :meth:`to_px`."""
        size = TILE_PX * 2.0**self.zoom
        cx, cy = world_px(np.array([self.lng]), np.array([self.lat]), self.zoom)
        wx = np.asarray(x, float) - self.width / 2 + cx[0]
        wy = np.asarray(y, float) - self.height / 2 + cy[0]
        lng = wx / size * 360.0 - 180.0
        lat = np.degrees(np.arctan(np.sinh(math.pi * (1 - 2 * wy / size))))
        return lng, lat

    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the view in degrees."""
        lng, lat = self.to_lnglat(np.array([0.0, self.width]), np.array([self.height, 0.0]))
        return float(lng[0]), float(lat[0]), float(lng[1]), float(lat[1])

    def metres_per_px(self) -> float:
        """Ground distance of one pixel at the view's centre."""
        return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(self.lat)) / (TILE_PX * 2.0**self.zoom)


def fit_view(
    bounds: tuple[float, float, float, float], width: float, height: float, max_zoom: float = 12
) -> View:
    """The view of ``(west, south, east, north)`` in a ``width`` x ``height`` frame, at the
    largest whole zoom that shows all of it (as Leaflet's ``fitBounds``)."""
    west, south, east, north = bounds
    lat_c = float(np.mean(world_px(np.array([0.0]), np.array([south, north]), 0)[1]))
    zoom = 0
    for z in range(int(max_zoom), -1, -1):
        x, y = world_px(np.array([west, east]), np.array([north, south]), z)
        if x[1] - x[0] <= width and y[1] - y[0] <= height:
            zoom = z
            break
    size = TILE_PX * 2.0**0
    centre_lat = float(np.degrees(np.arctan(np.sinh(math.pi * (1 - 2 * lat_c / size)))))
    return View(centre_lat, (west + east) / 2, zoom, width, height)
