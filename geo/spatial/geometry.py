"""Spatial computation: tripoint, tri-border buffer, areas, distances, ALG zone.

Distances and buffers are computed in an azimuthal equidistant projection centred on the
tripoint (distances from the centre are exact there); areas in the Africa Albers equal-area
conic projection (ESRI:102022).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from geo.model.countries import AES_MEMBERS

EQUAL_AREA_CRS = "ESRI:102022"  # Africa Albers Equal Area Conic
WGS84 = "EPSG:4326"  # longitude / latitude: the data files, the map
METRIC_CRS = "ESRI:102023"  # Africa Equidistant Conic: distances to borders (geo.io.events)
_GEOD = Geod(ellps="WGS84")


def tripoint(countries: gpd.GeoDataFrame, isos: tuple[str, ...] = AES_MEMBERS) -> shapely.Point:
    """The single point where the borders of the three ``isos`` countries meet.

    Computed from the boundary data: the intersection of the three outlines. The
    derived boundaries form a coverage, so the three borders share that vertex exactly.
    """
    outlines = [
        countries.loc[countries["iso3"] == iso, "geometry"].union_all().boundary for iso in isos
    ]
    common = shapely.intersection_all(outlines)
    points = shapely.get_parts(common)
    points = [p for p in points if p.geom_type == "Point"] or [
        shapely.Point(p.coords[0]) for p in points if not p.is_empty
    ]
    if len(points) != 1:
        raise ValueError(f"expected one tripoint for {isos}, found {len(points)}")
    return points[0]


def local_equidistant_crs(center: shapely.Point) -> str:
    """An azimuthal equidistant projection centred on ``center`` (metres)."""
    return (
        f"+proj=aeqd +lat_0={center.y:.6f} +lon_0={center.x:.6f} "
        "+x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )


def tri_border_core(
    countries: gpd.GeoDataFrame, radius_km: float, isos: tuple[str, ...] = AES_MEMBERS
) -> gpd.GeoDataFrame:
    """The buffer of ``radius_km`` around the tripoint, clipped to the three states.

    Returns one row per state (iso3, geometry in EPSG:4326, area_km2) so the map can show
    each state's share; their union is the core.
    """
    if radius_km <= 0:
        raise ValueError("radius_km must be positive")
    center = tripoint(countries, isos)
    crs = local_equidistant_crs(center)
    states = countries[countries["iso3"].isin(isos)][["iso3", "geometry"]].to_crs(crs)
    disc = shapely.Point(0.0, 0.0).buffer(radius_km * 1000.0, quad_segs=32)
    clipped = states.assign(geometry=states.geometry.intersection(disc))
    clipped = clipped[~clipped.geometry.is_empty]
    clipped["area_km2"] = area_km2(clipped)
    return clipped.to_crs(WGS84).reset_index(drop=True)


def rounded_km2(value: float, significant: int = 3) -> int:
    """An area computed from the simplified outlines, rounded to ``significant`` figures.

    The outlines are Natural Earth's, simplified at 0.01 degrees: their areas are not
    exact to the km² (Niger's computes to 1,181,224 km² against the usual 1,267,000), so
    the panels show ``1,180,000``, never ``1,181,224``.
    """
    if not value or value != value:  # 0 or NaN
        return 0
    from math import floor, log10

    digits = significant - 1 - floor(log10(abs(value)))
    return int(round(value, min(digits, 0)))


def area_km2(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Area of each geometry in km², in an equal-area projection."""
    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    return geoms.to_crs(EQUAL_AREA_CRS).area / 1e6


def equal_area_centroids(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Centroids computed in the equal-area projection, returned in EPSG:4326."""
    return gdf.geometry.to_crs(EQUAL_AREA_CRS).centroid.to_crs(WGS84)


def geodesic_km(points: gpd.GeoSeries, target: shapely.Point) -> np.ndarray:
    """Geodesic (WGS84 ellipsoid) distance in km from each point to ``target``."""
    lons = shapely.get_x(points.values)
    lats = shapely.get_y(points.values)
    _, _, metres = _GEOD.inv(lons, lats, np.full_like(lons, target.x), np.full_like(lats, target.y))
    return np.asarray(metres) / 1000.0


def alg_zone_members(admin1: gpd.GeoDataFrame, units: dict[str, list[str]]) -> pd.Series:
    """Whether each admin-1 unit is in the ALG intervention zone.

    ``units`` maps iso3 to the unit names the ALG lists; they are matched to our units by
    their French or English names, accents and case ignored.
    """
    wanted = {(iso, _fold(name)) for iso, names in units.items() for name in names}
    names = zip(admin1["iso3"], admin1["name_fr"], admin1["name_en"], strict=True)
    return pd.Series(
        [(iso, _fold(fr)) in wanted or (iso, _fold(en)) in wanted for iso, fr, en in names],
        index=admin1.index,
    )


def unmatched_alg_units(admin1: gpd.GeoDataFrame, units: dict[str, list[str]]) -> list[str]:
    """ALG-listed unit names that match none of our admin-1 units (should be empty)."""
    names = zip(admin1["iso3"], admin1["name_fr"], admin1["name_en"], strict=True)
    ours = {(iso, _fold(n)) for iso, fr, en in names for n in (fr, en)}
    return [
        f"{iso}:{name}"
        for iso, names in units.items()
        for name in names
        if (iso, _fold(name)) not in ours
    ]


def dissolve_outline(gdf: gpd.GeoDataFrame) -> BaseGeometry:
    """One outline for a set of units of a coverage (no slivers along shared edges)."""
    return shapely.coverage_union_all(gdf.geometry.values)


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
