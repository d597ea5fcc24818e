"""Population per admin-1 unit: the hand-entered reference sheet, its matching to the
boundary units, and the derived file the app reads.

``data/population/sources.yaml`` is entered by hand from the pages it names;
``scripts/build_population.py`` matches its rows to the units of
``data/boundaries/admin1.geojson`` (:func:`match_units`), adds each unit's area and writes
``admin1_population.csv`` and ``PROVENANCE.json`` (:func:`load_population` reads them). A
unit without a sourced figure keeps an empty population: never 0, never a guess.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from geo.io.paths import DATA_DIR

POPULATION_DIR = DATA_DIR / "population"
SOURCES_FILE = POPULATION_DIR / "sources.yaml"
POPULATION_FILE = POPULATION_DIR / "admin1_population.csv"
PROVENANCE_FILE = POPULATION_DIR / "PROVENANCE.json"

COLUMNS = (
    "admin1_id",
    "iso3",
    "name_en",
    "name_fr",
    "area_km2",
    "population",
    "census_year",
    "source",
)
SOURCE_FIELDS = ("title", "url", "publisher", "licence", "census", "year", "checked")


class PopulationError(ValueError):
    """The reference sheet or the derived file is wrong; the message names file, row and
    field."""


def fold(name: str) -> str:
    """A name for matching: accents, case, spaces and punctuation dropped
    ("Centre-Est", "Centre Est", "CENTRE EST" and "centre-est" are one name)."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^0-9a-z]+", "", bare)


@dataclass(frozen=True)
class Unit:
    """One boundary unit: what :func:`match_units` matches names against."""

    id: str
    iso3: str
    names: tuple[str, ...]


def units_of(admin1: pd.DataFrame) -> list[Unit]:
    """The units of an admin-1 table (``id``, ``iso3``, ``name_en``, ``name_fr``)."""
    return [
        Unit(str(r.id), str(r.iso3), (str(r.name_en), str(r.name_fr)))
        for r in admin1[["id", "iso3", "name_en", "name_fr"]].itertuples(index=False)
    ]


def match_units(
    rows: Iterable[Mapping[str, Any]], units: Iterable[Unit], file: str = "sources.yaml"
) -> list[str]:
    """The unit id of each row (``iso3``, ``name``, optional ``unit``: the boundary's name
    when the page's cannot be matched), matched by :func:`fold` within the row's country.

    Raises :class:`PopulationError` (file, row, field) for a name matching no unit or two,
    and for two rows of one unit: a mismatch fails loudly, it never drops a figure."""
    by_country: dict[str, dict[str, set[str]]] = {}
    known: dict[str, set[str]] = {}
    for unit in units:
        for name in unit.names:
            by_country.setdefault(unit.iso3, {}).setdefault(fold(name), set()).add(unit.id)
            known.setdefault(unit.iso3, set()).add(name)
    ids: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        iso3 = str(row.get("iso3", ""))
        field = "unit" if row.get("unit") else "name"
        name = str(row.get(field) or "")
        if iso3 not in by_country:
            raise PopulationError(f"{file}: unit row {number}, iso3: no units of {iso3!r}")
        found = by_country[iso3].get(fold(name), set())
        if len(found) != 1:
            what = "no unit" if not found else f"{len(found)} units"
            raise PopulationError(
                f"{file}: unit row {number}, {field}: {name!r} matches {what} of {iso3} "
                f"(known: {', '.join(sorted(known[iso3]))})"
            )
        unit_id = next(iter(found))
        if unit_id in seen:
            raise PopulationError(
                f"{file}: unit row {number}, {field}: {name!r} is {unit_id}, "
                f"already given by row {seen[unit_id]}"
            )
        seen[unit_id] = number
        ids.append(unit_id)
    return ids


def check_sheet(sheet: Mapping[str, Any], file: str = "sources.yaml") -> None:
    """Every source has its fields; every row a positive whole population and a known
    source."""
    sources = sheet.get("sources")
    if not isinstance(sources, Mapping) or not sources:
        raise PopulationError(f"{file}: sources: missing")
    for name, source in sources.items():
        for key in SOURCE_FIELDS:
            if not isinstance(source, Mapping) or source.get(key) in (None, ""):
                raise PopulationError(f"{file}: source {name}, {key}: missing")
    rows = sheet.get("units")
    if not isinstance(rows, list):
        raise PopulationError(f"{file}: units: missing")
    for number, row in enumerate(rows, start=1):
        if isinstance(row, Mapping) and "parts" in row:
            parts = row["parts"]
            if "population" in row or not isinstance(parts, Mapping) or not parts:
                raise PopulationError(
                    f"{file}: unit row {number}, parts: a mapping of part -> figure, "
                    "instead of population"
                )
            for part, value in parts.items():
                if not _positive(value):
                    raise PopulationError(
                        f"{file}: unit row {number}, parts, {part}: {value!r} is not a "
                        "positive whole number"
                    )
        else:
            value = row.get("population") if isinstance(row, Mapping) else None
            if not _positive(value):
                raise PopulationError(
                    f"{file}: unit row {number}, population: {value!r} is not a positive "
                    "whole number"
                )
        if row.get("source") not in sources:
            raise PopulationError(
                f"{file}: unit row {number}, source: {row.get('source')!r} is not in sources"
            )


def _positive(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value > 0


def row_population(row: Mapping[str, Any]) -> int:
    """A sheet row's figure: its ``population``, or the sum of its ``parts`` (a unit whose
    page gives only its parts' figures, e.g. a region's provinces: the sum is the only
    arithmetic the build does on a figure, recorded in the provenance)."""
    if "parts" in row:
        return sum(int(v) for v in row["parts"].values())
    return int(row["population"])


def population_table(
    sheet: Mapping[str, Any],
    admin1: pd.DataFrame,
    areas: Mapping[str, int],
    file: str = "sources.yaml",
) -> pd.DataFrame:
    """The derived table: one row per boundary unit (:data:`COLUMNS`), its area (km²,
    ``areas``) and, when the sheet gives one, its population, census year and source."""
    check_sheet(sheet, file)
    rows = sheet["units"]
    ids = match_units(rows, units_of(admin1), file)
    given = dict(zip(ids, rows, strict=True))
    out = []
    for unit in admin1.sort_values("id").itertuples(index=False):
        row = given.get(unit.id)
        source = sheet["sources"][row["source"]] if row else None
        out.append(
            {
                "admin1_id": unit.id,
                "iso3": unit.iso3,
                "name_en": unit.name_en,
                "name_fr": unit.name_fr,
                "area_km2": int(areas[unit.id]),
                "population": row_population(row) if row else None,
                "census_year": int(source["year"]) if source else None,
                "source": row["source"] if row else "",
            }
        )
    table = pd.DataFrame(out, columns=list(COLUMNS))
    return table.astype({"population": "Int64", "census_year": "Int64"})


def read_population(path: Path = POPULATION_FILE) -> pd.DataFrame:
    """The derived file, indexed by ``admin1_id``; a missing column or a bad number is a
    :class:`PopulationError` naming the file, row and column."""
    table = pd.read_csv(path, dtype={"source": "str"}, keep_default_na=False, na_values=[""])
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise PopulationError(f"{path.name}: missing columns {', '.join(missing)}")
    for column in ("area_km2", "population", "census_year"):
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() & table[column].notna() | (values <= 0)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2  # the header is line 1
            raise PopulationError(
                f"{path.name}: line {row}, {column}: {table[column].iloc[row - 2]!r} "
                "is not a positive number"
            )
        table[column] = values.astype("Int64")
    table["source"] = table["source"].fillna("")
    return table.set_index("admin1_id")


@lru_cache(maxsize=1)
def load_population() -> pd.DataFrame:
    """:func:`read_population` of the app's file (read once)."""
    return read_population()


@lru_cache(maxsize=1)
def load_provenance() -> dict:
    """The build's provenance record: the sources (title, url, publisher, licence, census,
    year, checked), the transformation, the outputs."""
    return json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))
