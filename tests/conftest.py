"""Every test runs against a temporary event store, never the user's real one, and with the
command line in English whatever the machine's locale (tests that want French say so)."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geo.io.boundaries import load_admin1, load_bfa_provinces, load_countries


@pytest.fixture(autouse=True, scope="session")
def _temporary_store(tmp_path_factory: pytest.TempPathFactory):
    patch = pytest.MonkeyPatch()
    patch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path_factory.mktemp("store")))
    patch.setenv("SAHEL_ATLAS_LANG", "en")
    yield
    patch.undo()


@pytest.fixture(scope="session")
def countries() -> gpd.GeoDataFrame:
    return load_countries()


@pytest.fixture(scope="session")
def admin1() -> gpd.GeoDataFrame:
    return load_admin1()


@pytest.fixture(scope="session")
def provinces() -> gpd.GeoDataFrame:
    return load_bfa_provinces()
