"""Derive data/population/admin1_population.csv from the hand-entered reference sheet.

Source: data/population/sources.yaml, figures copied by hand from the pages it names (each
with its URL, publisher, licence, census and the day it was checked); see that file.

Transformation (recorded in data/population/PROVENANCE.json):
1. check the sheet (every source has its fields, every figure is a positive whole number
   with a known source) and match each row to one unit of data/boundaries/admin1.geojson by
   its name, accents, case and punctuation folded, within its country
   (:func:`geo.io.population.match_units`); a name matching no unit, or two rows for one
   unit, stops the build with the file, row and field;
2. compute each unit's area in the Africa Albers equal-area projection (ESRI:102022) from
   the Natural Earth 1:10m outlines as simplified by scripts/build_boundaries.py, rounded
   to 3 significant figures (the outlines do not give the area to the km²; see
   :func:`geo.spatial.geometry.rounded_km2`);
3. write one row per unit, sorted by id: id, country, names, area, and the population, census
   year and source when the sheet gives one (empty otherwise: the app says "no population
   figure", never 0); a unit the sheet gives by its parts (``parts``: a region's provinces
   on the page) has their sum, the parts listed in the provenance.

Run: ``PYTHONPATH=$PWD python -m scripts.build_population`` (``--check``: fail when the
committed outputs differ from what the sheet gives).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path

import yaml

from geo.io.boundaries import ADMIN1_FILE, read_boundaries
from geo.io.population import (
    POPULATION_FILE,
    PROVENANCE_FILE,
    SOURCES_FILE,
    PopulationError,
    population_table,
)
from geo.spatial.geometry import EQUAL_AREA_CRS, area_km2, rounded_km2


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(sources: Path = SOURCES_FILE, boundaries: Path = ADMIN1_FILE) -> tuple[bytes, dict]:
    """The CSV's bytes and the provenance record."""
    raw = sources.read_bytes()
    sheet = yaml.safe_load(raw)
    admin1 = read_boundaries(boundaries)
    areas = dict(zip(admin1["id"], (rounded_km2(a) for a in area_km2(admin1)), strict=True))
    table = population_table(sheet, admin1.drop(columns="geometry"), areas, sources.name)
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    data = buffer.getvalue().encode("utf-8")
    given = table["population"].notna()
    provenance = {
        "sources": {
            name: {**source, "year": int(source["year"]), "checked": str(source["checked"])}
            for name, source in sheet["sources"].items()
        },
        "input": {"file": f"data/population/{sources.name}", "sha256": _sha256(raw)},
        "boundaries": {
            "file": "data/boundaries/admin1.geojson",
            "sha256": _sha256(boundaries.read_bytes()),
            "outline": "Natural Earth 1:10m admin-1 units, simplified at 0.01 degrees "
            "(data/boundaries/PROVENANCE.json)",
        },
        "transformation": [
            "names matched to the boundary units by folding accents, case and punctuation, "
            "within the country; the sheet's 'unit' field where the page's name differs",
            f"area_km2: area in {EQUAL_AREA_CRS} (Africa Albers equal-area), rounded to 3 "
            "significant figures",
            "population, census_year, source: as the sheet gives them; empty for a unit the "
            "sheet has no figure for",
            "population of a unit the sheet gives by its parts (a region's provinces, "
            "'parts'): the sum of the parts' figures (listed under 'summed')",
        ],
        "summed": {
            str(row["name"]): {
                "parts": {str(k): int(v) for k, v in row["parts"].items()},
                "sum": sum(int(v) for v in row["parts"].values()),
                "source": row["source"],
            }
            for row in sheet["units"]
            if "parts" in row
        },
        "script": "scripts/build_population.py",
        "outputs": {
            POPULATION_FILE.name: {
                "rows": len(table),
                "with_population": int(given.sum()),
                "without_population": sorted(table.loc[~given, "admin1_id"]),
                "sha256": _sha256(data),
            }
        },
    }
    return data, provenance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    try:
        data, provenance = build()
    except PopulationError as error:
        print(f"build_population: {error}", file=sys.stderr)
        return 1
    record = (json.dumps(provenance, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if args.check:
        same = POPULATION_FILE.read_bytes() == data and PROVENANCE_FILE.read_bytes() == record
        print("up to date" if same else "outputs differ from the sheet: rebuild")
        return 0 if same else 1
    POPULATION_FILE.write_bytes(data)
    PROVENANCE_FILE.write_bytes(record)
    outputs = provenance["outputs"][POPULATION_FILE.name]
    given = outputs["with_population"]
    print(f"{POPULATION_FILE.name}: {outputs['rows']} units, {given} with a figure")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
