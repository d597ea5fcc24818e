"""The derived boundary files (data/boundaries/, built by scripts/build_boundaries.py).

What the map relies on: the right units with the right roles and names, valid geometries,
and borders that neighbours share exactly (valid coverages: no gaps, no overlaps).
"""

from __future__ import annotations

import hashlib
import itertools
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo.io.boundaries import (
    ADMIN1_FILE,
    BOUNDARIES_DIR,
    COUNTRIES_FILE,
    PROVINCES_FILE,
    load_admin1,
    load_bfa_provinces,
    load_countries,
    load_provenance,
)
from geo.model.countries import BORDERS_AES, COUNTRY_ROLES, country_role
from geo.spatial.geometry import area_km2

MEMBERS = {"MLI", "BFA", "NER"}
ECOWAS_OTHERS = {"BEN", "CPV", "CIV", "GMB", "GHA", "GIN", "GNB", "LBR", "NGA", "SEN", "SLE", "TGO"}
NEIGHBOURS = {"DZA", "LBY", "TCD", "MRT", "CMR"}
GRID = 1e-4


@pytest.fixture(scope="module")
def outline(countries):
    """Country geometry by iso3."""
    return countries.set_index("iso3").geometry


def shared_vertices(a: shapely.Geometry, b: shapely.Geometry) -> set[tuple[float, float]]:
    """The vertices of ``a``'s outline that lie on ``b``'s outline."""
    other = b.boundary
    return {
        tuple(xy)
        for xy in shapely.get_coordinates(a.boundary)
        if other.intersects(shapely.Point(xy))
    }


# --- the files load, with the expected units --------------------------------------------------


@pytest.mark.parametrize("loader", [load_countries, load_admin1, load_bfa_provinces])
def test_files_load_in_wgs84_with_unique_ids(loader):
    gdf = loader()
    assert len(gdf) > 0
    assert gdf.crs.to_epsg() == 4326
    assert gdf["id"].is_unique


def test_twenty_countries():
    assert len(load_countries()) == 20


def test_country_roles(countries):
    by_role = countries.groupby("role")["iso3"].apply(set).to_dict()
    no_border = {"CPV", "GMB", "GNB", "LBR", "SLE"}
    assert by_role == {
        "member": MEMBERS,
        "ecowas_neighbour": ECOWAS_OTHERS - no_border,
        "ecowas": no_border,
        "neighbour": NEIGHBOURS - {"CMR"},
        "region": {"CMR"},
    }
    assert set(countries["role"]) <= set(COUNTRY_ROLES)
    assert (countries["role"] == countries["iso3"].map(country_role)).all()


def test_a_neighbour_touches_an_aes_state(countries):
    """A country is called a neighbour exactly when its outline meets an AES state's."""
    by_iso = countries.set_index("iso3").geometry
    aes = shapely.union_all(by_iso.loc[sorted(MEMBERS)].values)
    for iso3, geometry in by_iso.items():
        if iso3 in MEMBERS:
            continue
        role = country_role(iso3)
        assert geometry.intersects(aes) == (iso3 in BORDERS_AES), iso3
        assert (role in ("neighbour", "ecowas_neighbour")) == geometry.intersects(aes), iso3


def test_country_ids_are_iso3(countries):
    assert (countries["id"] == countries["iso3"]).all()


@pytest.mark.parametrize(("iso3", "count"), [("MLI", 9), ("NER", 8), ("BFA", 13)])
def test_admin1_unit_count_per_member(admin1, iso3, count):
    assert (admin1["iso3"] == iso3).sum() == count


def test_admin1_covers_only_member_states(admin1):
    assert set(admin1["iso3"]) == MEMBERS


def test_burkina_has_45_provinces_in_13_regions(provinces, admin1):
    assert len(provinces) == 45
    bfa_regions = set(admin1.loc[admin1["iso3"] == "BFA", "id"])
    assert set(provinces["region_id"]) == bfa_regions
    assert len(bfa_regions) == 13


def test_each_region_is_the_union_of_its_provinces(provinces, admin1):
    regions = admin1.set_index("id").geometry
    for region_id, group in provinces.groupby("region_id"):
        union = shapely.union_all(group.geometry.values)
        region = regions[region_id]
        assert union.symmetric_difference(region).area <= 1e-9 * region.area, region_id


@pytest.mark.parametrize("iso3", sorted(MEMBERS))
def test_each_member_is_the_union_of_its_admin1_units(admin1, outline, iso3):
    union = shapely.union_all(admin1.loc[admin1["iso3"] == iso3].geometry.values)
    assert union.symmetric_difference(outline[iso3]).area <= 1e-9 * outline[iso3].area


# --- geometry validity and exact shared borders ---------------------------------------------


@pytest.mark.parametrize("loader", [load_countries, load_admin1, load_bfa_provinces])
def test_every_geometry_is_valid_polygonal_and_non_empty(loader):
    geoms = loader().geometry
    assert geoms.is_valid.all()
    assert not geoms.is_empty.any()
    assert set(geoms.geom_type) <= {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize("loader", [load_countries, load_admin1, load_bfa_provinces])
def test_units_form_a_valid_coverage(loader):
    assert shapely.coverage_is_valid(loader().geometry.values)


def test_admin1_units_and_other_countries_form_one_coverage(admin1, countries):
    # Gao's border with Algeria is the same line as Mali's border with Algeria.
    others = countries.loc[~countries["iso3"].isin(MEMBERS)].geometry.values
    assert shapely.coverage_is_valid(np.concatenate([admin1.geometry.values, others]))


def test_provinces_and_other_countries_form_one_coverage(provinces, countries):
    others = countries.loc[countries["iso3"] != "BFA"].geometry.values
    assert shapely.coverage_is_valid(np.concatenate([provinces.geometry.values, others]))


def test_members_admin1_area_equals_members_country_area(admin1, countries):
    units = area_km2(admin1).sum()
    states = area_km2(countries.loc[countries["iso3"].isin(MEMBERS)]).sum()
    assert units == pytest.approx(states, rel=1e-4)


def test_neighbouring_countries_do_not_overlap(countries):
    touching = 0
    for a, b in itertools.combinations(countries.itertuples(), 2):
        if a.geometry.intersects(b.geometry):
            touching += 1
            assert a.geometry.intersection(b.geometry).area == pytest.approx(0.0, abs=1e-12), (
                a.iso3,
                b.iso3,
            )
    assert touching >= 30  # the test is not vacuous: most of these countries touch


@pytest.mark.parametrize(
    ("a", "b"), [("MLI", "NER"), ("MLI", "BFA"), ("BFA", "NER"), ("NER", "NGA"), ("MLI", "DZA")]
)
def test_neighbours_share_a_border_line(outline, a, b):
    border = outline[a].boundary.intersection(outline[b].boundary)
    assert border.geom_type in {"LineString", "MultiLineString"}
    assert border.length > 0


def test_mali_niger_border_is_identical_from_both_sides(outline):
    from_mali = outline["MLI"].boundary.intersection(outline["NER"].boundary)
    from_niger = outline["NER"].boundary.intersection(outline["MLI"].boundary)
    assert from_mali.length > 0
    assert from_mali.equals(from_niger)
    assert shared_vertices(outline["MLI"], outline["NER"]) == shared_vertices(
        outline["NER"], outline["MLI"]
    )


def test_mali_niger_border_is_one_line_of_the_published_length(outline):
    border = shapely.line_merge(outline["MLI"].boundary.intersection(outline["NER"].boundary))
    assert border.geom_type == "LineString"  # one continuous border, no gaps
    km = Geod(ellps="WGS84").geometry_length(border) / 1000
    assert km == pytest.approx(838, rel=0.1)  # CIA World Factbook: 838 km


def test_gao_tillaberi_border_is_shared_exactly(admin1):
    units = admin1.set_index("id").geometry
    gao, tillaberi = units["ML-7"], units["NE-6"]
    assert gao.boundary.intersection(tillaberi.boundary).length > 0
    assert gao.intersection(tillaberi).area == pytest.approx(0.0, abs=1e-12)
    assert shared_vertices(gao, tillaberi) == shared_vertices(tillaberi, gao)


# --- the files themselves: grid, size, provenance -------------------------------------------


@pytest.mark.parametrize("path", [COUNTRIES_FILE, ADMIN1_FILE, PROVINCES_FILE])
def test_coordinates_are_on_the_1e4_degree_grid(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    coords = np.concatenate(
        [shapely.get_coordinates(shapely.geometry.shape(f["geometry"])) for f in data["features"]]
    )
    steps = coords / GRID
    assert np.abs(steps - np.round(steps)).max() < 1e-6


def test_drawn_files_total_less_than_one_megabyte():
    total = sum(p.stat().st_size for p in (COUNTRIES_FILE, ADMIN1_FILE, PROVINCES_FILE))
    assert total < 1_000_000


def test_provenance_sha256_matches_each_output():
    outputs = load_provenance()["outputs"]
    assert {"countries.geojson", "admin1.geojson", "bfa_provinces.geojson"} <= set(outputs)
    for name, info in outputs.items():
        digest = hashlib.sha256((BOUNDARIES_DIR / name).read_bytes()).hexdigest()
        assert digest == info["sha256"], name


def test_provenance_feature_counts_match_each_output():
    for name, info in load_provenance()["outputs"].items():
        assert len(gpd.read_file(BOUNDARIES_DIR / name)) == info["features"], name


def test_provenance_names_public_domain_natural_earth_source():
    source = load_provenance()["source"]
    assert "Natural Earth" in source["dataset"]
    assert "public domain" in source["licence"].lower()
    assert len(source["sha256"]) == 64


# --- attribute fixes -------------------------------------------------------------------------


def test_sikasso_is_named_sikasso_not_wassoulou(admin1):
    sikasso = admin1.set_index("id").loc["ML-3"]
    assert sikasso["name_en"] == "Sikasso"
    assert sikasso["name_fr"] == "Sikasso"
    names = set(admin1["name_en"]) | set(admin1["name_fr"])
    assert not any("Wassoulou" in name for name in names)


def test_timbuktu_has_english_and_french_names(admin1):
    timbuktu = admin1.set_index("id").loc["ML-6"]
    assert timbuktu["name_en"] == "Timbuktu"
    assert timbuktu["name_fr"] == "Tombouctou"


def test_niger_units_are_regions_and_niamey_a_capital_district(admin1):
    niger = admin1.loc[admin1["iso3"] == "NER"].set_index("id")
    assert set(niger.drop(index="NE-8")["type_en"]) == {"Region"}
    assert "Capital" in niger.loc["NE-8", "type_en"]
    assert not niger["type_en"].str.contains("Department").any()


def test_every_unit_has_english_and_french_names(admin1, provinces, countries):
    for gdf in (countries, admin1, provinces):
        assert (gdf["name_en"].str.strip() != "").all()
        assert (gdf["name_fr"].str.strip() != "").all()


def test_the_countries_file_names_each_country_as_the_code_does() -> None:
    """Country names have one source, geo.model.countries (the file's names are derived from it):
    the map's labels and panels, which read country_name, and the file never disagree."""
    from geo.model.countries import country_name

    for row in load_countries().itertuples():
        assert (row.name_en, row.name_fr) == (
            country_name(row.iso3, "en"),
            country_name(row.iso3, "fr"),
        ), row.iso3
