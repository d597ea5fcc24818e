"""The Liptako-Gourma layers and the per-unit facts shown in the side panel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.io.paths import DATA_DIR
from geo.io.yamlfile import read_yaml
from geo.spatial.geometry import (
    alg_zone_members,
    area_km2,
    dissolve_outline,
    equal_area_centroids,
    geodesic_km,
    tripoint,
    unmatched_alg_units,
)

ZONE_FILE = DATA_DIR / "zones" / "liptako_gourma.yaml"


@dataclass(frozen=True)
class ZoneDefinitions:
    """What the two Liptako-Gourma layers mean, from data/zones/liptako_gourma.yaml."""

    alg_name: dict[str, str]
    alg_definition: dict[str, str]
    alg_caveat: dict[str, str]
    alg_units: dict[str, list[str]]
    alg_sources: tuple[str, ...]
    core_name: dict[str, str]
    core_definition: dict[str, str]
    default_radius_km: float


def load_zone_definitions(path: Path = ZONE_FILE) -> ZoneDefinitions:
    raw = read_yaml(path)
    alg, core = raw["alg_intervention_zone"], raw["tri_border_core"]
    return ZoneDefinitions(
        alg_name=alg["name"],
        alg_definition=alg["definition"],
        alg_caveat=alg["caveat"],
        alg_units={iso: list(names) for iso, names in alg["units"].items()},
        alg_sources=tuple(alg["sources"]),
        core_name=core["name"],
        core_definition=core["definition"],
        default_radius_km=float(core["default_radius_km"]),
    )


def alg_zone_outline(admin1: gpd.GeoDataFrame, units: dict[str, list[str]]) -> shapely.Geometry:
    """The ALG zone as one outline; raises if a listed unit is not in our boundaries."""
    missing = unmatched_alg_units(admin1, units)
    if missing:
        raise ValueError(f"ALG units not found in the boundary data: {missing}")
    return dissolve_outline(admin1[alg_zone_members(admin1, units)])


def unit_facts(
    units: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    alg_units: dict[str, list[str]],
    admin1: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Per unit (admin-1, province or country): area (km², equal-area), ALG membership,
    distance from its equal-area centroid to the tripoint (km, geodesic). Indexed by ``id``.

    Units with a ``region_id`` (Burkina Faso's provinces) are in the ALG zone when their
    region is; pass ``admin1`` for that lookup.
    """
    point = tripoint(countries)
    in_alg = alg_zone_members(units, alg_units)
    if "region_id" in units and admin1 is not None:
        region_in_alg = dict(zip(admin1["id"], alg_zone_members(admin1, alg_units), strict=True))
        in_alg = in_alg | units["region_id"].map(region_in_alg).fillna(False).astype(bool)
    facts = pd.DataFrame(
        {
            "id": units["id"].to_numpy(),
            "iso3": units["iso3"].to_numpy(),
            "area_km2": area_km2(units).to_numpy(),
            "in_alg": in_alg.to_numpy(),
            "tripoint_km": geodesic_km(equal_area_centroids(units), point),
        }
    )
    return facts.set_index("id")
