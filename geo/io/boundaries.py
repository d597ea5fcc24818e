"""Load the derived boundary files (see scripts/build_boundaries.py and PROVENANCE.json)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd

from geo.io.paths import BOUNDARIES_DIR
from geo.spatial.geometry import WGS84

COUNTRIES_FILE = BOUNDARIES_DIR / "countries.geojson"
ADMIN1_FILE = BOUNDARIES_DIR / "admin1.geojson"
PROVINCES_FILE = BOUNDARIES_DIR / "bfa_provinces.geojson"
AFRICA_FILE = BOUNDARIES_DIR / "africa_countries.geojson"
PROVENANCE_FILE = BOUNDARIES_DIR / "PROVENANCE.json"


def read_boundaries(path: Path) -> gpd.GeoDataFrame:
    """Read one derived GeoJSON file, indexed by nothing, in EPSG:4326."""
    gdf = gpd.read_file(path)
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    return gdf


@lru_cache(maxsize=1)
def load_countries() -> gpd.GeoDataFrame:
    """The 20 countries the map draws: id, iso3, name_en, name_fr, role, geometry."""
    return read_boundaries(COUNTRIES_FILE)


@lru_cache(maxsize=1)
def load_admin1() -> gpd.GeoDataFrame:
    """Admin-1 units of the AES states: id, iso3, name_en, name_fr, type_en, type_fr."""
    return read_boundaries(ADMIN1_FILE)


@lru_cache(maxsize=1)
def load_bfa_provinces() -> gpd.GeoDataFrame:
    """Burkina Faso's 45 provinces, with the id of their region."""
    return read_boundaries(PROVINCES_FILE)


@lru_cache(maxsize=1)
def load_africa_countries() -> gpd.GeoDataFrame:
    """Every African country (iso3, geometry): not drawn, used to validate coordinates."""
    return read_boundaries(AFRICA_FILE)


def load_provenance() -> dict:
    return json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))
