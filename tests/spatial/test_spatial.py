"""Spatial computations (geo/spatial/geometry.py, geo/spatial/zones.py) against
hand-worked and published values."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo.spatial.geometry import (
    alg_zone_members,
    area_km2,
    geodesic_km,
    local_equidistant_crs,
    tri_border_core,
    tripoint,
    unmatched_alg_units,
)
from geo.spatial.zones import alg_zone_outline, load_zone_definitions

MEMBERS = {"MLI", "BFA", "NER"}
UTM_31N = "EPSG:32631"  # metric, covers 0-6 degrees E: the tripoint's zone
GEOD = Geod(ellps="WGS84")

ALG_IDS = {
    "ML-5",
    "ML-6",
    "ML-7",
    "ML-8",  # Mopti, Tombouctou, Gao, Kidal
    "NE-3",
    "NE-6",
    "NE-8",  # Dosso, Tillabéri, Niamey
    "BF-CENTRE",
    "BF-CENTRE-EST",
    "BF-CENTRE-SUD",
    "BF-CENTRE-NORD",
    "BF-EST",
    "BF-PLATEAU-CENTRAL",
    "BF-NORD",
    "BF-SAHEL",
}


@pytest.fixture(scope="module")
def point(countries) -> shapely.Point:
    return tripoint(countries)


@pytest.fixture(scope="module")
def alg_units() -> dict[str, list[str]]:
    return load_zone_definitions().alg_units


@pytest.fixture(scope="module")
def core150(countries) -> gpd.GeoDataFrame:
    return tri_border_core(countries, 150)


def one(gdf: gpd.GeoDataFrame, column: str, value: str) -> shapely.Geometry:
    return gdf.loc[gdf[column] == value, "geometry"].iloc[0]


def series(*geoms: shapely.Geometry) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs="EPSG:4326")


def make_units(rows: list[tuple[str, str, str]]) -> gpd.GeoDataFrame:
    """Hand-built admin-1 layer (iso3, name_fr, name_en) with dummy squares."""
    return gpd.GeoDataFrame(
        {
            "iso3": [r[0] for r in rows],
            "name_fr": [r[1] for r in rows],
            "name_en": [r[2] for r in rows],
        },
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(len(rows))],
        crs="EPSG:4326",
    )


# --- tripoint --------------------------------------------------------------------------------


@pytest.mark.parametrize("iso3", sorted(MEMBERS))
def test_tripoint_lies_on_each_members_border(countries, point, iso3):
    metric = countries.loc[countries["iso3"] == iso3].to_crs(UTM_31N)
    where = series(point).to_crs(UTM_31N).iloc[0]
    assert metric.boundary.distance(where).iloc[0] < 1.0  # metres


def test_tripoint_is_a_vertex_of_all_three_outlines(countries, point):
    for iso3 in MEMBERS:
        vertices = {tuple(xy) for xy in shapely.get_coordinates(one(countries, "iso3", iso3))}
        assert (point.x, point.y) in vertices, iso3


def test_tripoint_is_near_the_published_location(point):
    # "roughly 0.2 E, 14.9-15.0 N" (shared/facts/liptako_gourma_zone.yaml)
    assert abs(point.x - 0.2) < 0.3
    assert 14.9 - 0.3 < point.y < 15.0 + 0.3


def test_tripoint_of_countries_that_do_not_meet_raises(countries):
    with pytest.raises(ValueError, match="tripoint"):
        tripoint(countries, ("MLI", "NER", "GHA"))


def test_local_equidistant_crs_is_centred_on_the_point(point):
    centre = series(point).to_crs(local_equidistant_crs(point)).iloc[0]
    assert abs(centre.x) < 1e-6 and abs(centre.y) < 1e-6


# --- tri-border core -------------------------------------------------------------------------


def test_core_has_one_part_per_member_state(core150):
    assert sorted(core150["iso3"]) == sorted(MEMBERS)
    assert core150.crs.to_epsg() == 4326
    assert core150.geometry.is_valid.all()


def test_core_area_is_just_under_the_disc_area(core150):
    disc = math.pi * 150**2
    total = core150["area_km2"].sum()
    assert total <= disc
    assert total > 0.95 * disc


def test_core_area_column_matches_its_geometry(core150):
    np.testing.assert_allclose(core150["area_km2"], area_km2(core150), rtol=1e-4)


def test_core_parts_lie_within_their_state(countries, core150, point):
    crs = local_equidistant_crs(point)  # the projection the core is cut in
    states = countries.set_index("iso3").geometry.to_crs(crs)
    for part in core150.to_crs(crs).itertuples():
        assert part.geometry.within(states[part.iso3].buffer(1.0)), part.iso3  # 1 m


def test_core_stays_within_the_radius(core150, point):
    coords = shapely.get_coordinates(core150.geometry.values)
    _, _, metres = GEOD.inv(
        coords[:, 0], coords[:, 1], np.full(len(coords), point.x), np.full(len(coords), point.y)
    )
    assert metres.max() <= 150_000 * 1.001


def test_core_is_clipped_to_the_three_states(countries, point):
    # At 400 km the disc reaches Benin; the core must not.
    core = shapely.union_all(tri_border_core(countries, 400).geometry.values)
    disc = (
        gpd.GeoSeries([shapely.Point(0, 0).buffer(400_000)], crs=local_equidistant_crs(point))
        .to_crs("EPSG:4326")
        .iloc[0]
    )
    others = countries.loc[~countries["iso3"].isin(MEMBERS)]
    benin = one(countries, "iso3", "BEN")
    assert area_km2(series(benin.intersection(disc))).iloc[0] > 100  # not vacuous
    overlap = area_km2(series(*others.geometry.intersection(core)))
    assert overlap.max() < 0.01  # km²


@pytest.mark.parametrize("radius", [0, -10, -0.5])
def test_core_radius_must_be_positive(countries, radius):
    with pytest.raises(ValueError, match="positive"):
        tri_border_core(countries, radius)


def test_core_area_grows_with_radius(countries):
    areas = [tri_border_core(countries, r)["area_km2"].sum() for r in (25, 50, 100, 150, 300)]
    assert areas == sorted(areas)
    assert len(set(areas)) == len(areas)


# --- areas and distances ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "published_km2"),
    [
        ("MLI", 1_240_000),
        ("BFA", 274_000),
        ("NER", 1_267_000),
    ],
)
def test_member_area_matches_published_magnitude(countries, iso3, published_km2):
    area = area_km2(countries.loc[countries["iso3"] == iso3]).iloc[0]
    assert area == pytest.approx(published_km2, rel=0.10)


def test_bamako_district_area_is_a_few_hundred_km2(admin1):
    area = area_km2(admin1.loc[admin1["id"] == "ML-BKO"]).iloc[0]
    assert 100 < area < 600  # published: about 250 km²


def test_area_of_one_degree_square_at_the_equator():
    # 111.32 km (1 degree of longitude) x 110.57 km (1 degree of latitude) ~= 12,309 km²
    area = area_km2(series(shapely.box(0, 0, 1, 1))).iloc[0]
    assert area == pytest.approx(111.32 * 110.57, rel=1e-3)


def test_area_km2_accepts_a_geodataframe_or_a_geoseries(countries):
    np.testing.assert_allclose(area_km2(countries), area_km2(countries.geometry))


def test_geodesic_one_degree_of_latitude_at_the_equator():
    km = geodesic_km(series(shapely.Point(0, 0)), shapely.Point(0, 1))
    assert km[0] == pytest.approx(110.57, abs=0.05)


def test_geodesic_one_degree_of_longitude_at_the_equator():
    km = geodesic_km(series(shapely.Point(0, 0)), shapely.Point(1, 0))
    assert km[0] == pytest.approx(111.32, abs=0.05)


def test_geodesic_distance_is_per_point_and_zero_at_the_target():
    points = series(shapely.Point(2, 13), shapely.Point(2, 14), shapely.Point(2, 15))
    km = geodesic_km(points, shapely.Point(2, 13))
    assert km.shape == (3,)
    assert km[0] == pytest.approx(0.0, abs=1e-9)
    assert 0 < km[1] < km[2]


# --- Liptako-Gourma Authority zone -----------------------------------------------------------


def test_alg_zone_is_exactly_the_listed_units(admin1, alg_units):
    members = alg_zone_members(admin1, alg_units)
    assert set(admin1.loc[members, "id"]) == ALG_IDS


def test_every_listed_alg_unit_is_found(admin1, alg_units):
    assert unmatched_alg_units(admin1, alg_units) == []


def test_unknown_alg_unit_is_reported(admin1):
    assert unmatched_alg_units(admin1, {"MLI": ["Gao", "Atlantis"]}) == ["MLI:Atlantis"]


def test_alg_outline_is_one_valid_polygon(admin1, alg_units):
    outline = alg_zone_outline(admin1, alg_units)
    assert outline.is_valid
    assert outline.geom_type == "Polygon"
    assert len(outline.interiors) == 0  # no slivers left between the units


def test_alg_outline_contains_gao_not_kayes(admin1, alg_units):
    outline = alg_zone_outline(admin1, alg_units)
    assert outline.contains(one(admin1, "id", "ML-7").representative_point())
    assert not outline.contains(one(admin1, "id", "ML-1").representative_point())


def test_alg_outline_contains_the_tripoint(admin1, alg_units, point):
    assert alg_zone_outline(admin1, alg_units).contains(point)


def test_alg_outline_area_is_the_sum_of_its_units(admin1, alg_units):
    outline = alg_zone_outline(admin1, alg_units)
    units = admin1.loc[admin1["id"].isin(ALG_IDS)]
    assert area_km2(series(outline)).iloc[0] == pytest.approx(area_km2(units).sum(), rel=1e-6)


def test_alg_outline_with_a_missing_unit_raises(admin1):
    with pytest.raises(ValueError, match="Atlantis"):
        alg_zone_outline(admin1, {"MLI": ["Atlantis"]})


@pytest.mark.parametrize(
    "spelling", ["Tillabéri", "TILLABERI", "tillaberi", " Tillaberi ", "Tillabe\u0301ri"]
)
def test_alg_matching_ignores_accents_case_and_spaces(spelling):
    units = make_units([("NER", "Tillabéri", "Tillabéri"), ("NER", "Dosso", "Dosso")])
    assert alg_zone_members(units, {"NER": [spelling]}).tolist() == [True, False]


def test_alg_matching_accepts_the_english_name():
    units = make_units([("MLI", "Tombouctou", "Timbuktu")])
    assert alg_zone_members(units, {"MLI": ["timbuktu"]}).tolist() == [True]


def test_alg_matching_respects_the_country():
    units = make_units([("NER", "Tillabéri", "Tillabéri")])
    assert alg_zone_members(units, {"MLI": ["Tillabéri"]}).tolist() == [False]
    assert unmatched_alg_units(units, {"MLI": ["Tillabéri"]}) == ["MLI:Tillabéri"]
