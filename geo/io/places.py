"""The gazetteer (data/places/places.csv, GeoNames towns) and finding places by name.

A search matches towns, admin-1 regions and Burkina Faso's provinces by their English or
French name, ignoring case, accents and punctuation ("menaka" finds Ménaka, "tillaberi"
Tillabéri, "n djamena" N'Djamena). The page turns a match into a map move and a selection.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from geo.io.paths import DATA_DIR

PLACES_CSV = DATA_DIR / "places" / "places.csv"
PLACES_COLUMNS = ("geonameid", "name", "name_ascii", "name_fr", "country_iso3", "latitude",
                  "longitude", "population", "capital", "other_names")

# Which boundary kinds a search reaches, and their rank when names tie (a region named like
# its chief town comes first: selecting it shows its events).
UNIT_KINDS = ("admin1", "province")
KIND_RANK = {"admin1": 0, "province": 1, "town": 2}


class PlacesFileError(ValueError):
    """The gazetteer file is unreadable; the message names file, row and column."""


@dataclass(frozen=True)
class Town:
    geonameid: str
    name: str
    name_fr: str
    country_iso3: str
    latitude: float
    longitude: float
    population: int
    capital: bool
    other_names: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.name_fr if lang == "fr" and self.name_fr else self.name


@dataclass(frozen=True)
class Place:
    """Something a search can find: a town (``kind`` "town", ``id`` its GeoNames id) or a
    boundary unit (``kind`` "admin1"/"province", ``id`` the unit's id)."""

    kind: str
    id: str
    name_en: str
    name_fr: str
    country_iso3: str
    latitude: float
    longitude: float
    population: int = 0
    other_names: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.name_fr if lang == "fr" and self.name_fr else self.name_en


def fold(text: str) -> str:
    """``text`` for comparison: accents removed, case folded, every run of characters that
    are not letters or digits (apostrophes, hyphens, spaces) made one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\W_]+", " ", plain).strip()


def load_towns(path: Path = PLACES_CSV) -> list[Town]:
    """The towns of the gazetteer; a malformed row raises :class:`PlacesFileError`."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in PLACES_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise PlacesFileError(f"{path}: missing column(s) {', '.join(missing)}")
        towns = []
        for line, row in enumerate(reader, start=2):
            towns.append(_town(path, line, row))
    return towns


def _town(path: Path, line: int, row: Mapping[str, str]) -> Town:
    def number(column: str, kind: type, low: float, high: float) -> float:
        raw = (row.get(column) or "").strip()
        try:
            value = kind(raw)
        except ValueError:
            raise PlacesFileError(f"{path}, row {line}, column {column}: "
                                  f"{raw!r} is not a number") from None
        if not low <= value <= high:
            raise PlacesFileError(f"{path}, row {line}, column {column}: "
                                  f"{raw!r} is outside {low}..{high}")
        return value

    name = (row.get("name") or "").strip()
    if not name:
        raise PlacesFileError(f"{path}, row {line}, column name: empty")
    return Town(
        geonameid=(row.get("geonameid") or "").strip(), name=name,
        name_fr=(row.get("name_fr") or "").strip(),
        country_iso3=(row.get("country_iso3") or "").strip(),
        latitude=float(number("latitude", float, -90, 90)),
        longitude=float(number("longitude", float, -180, 180)),
        population=int(number("population", int, 0, 10**9)),
        capital=(row.get("capital") or "").strip() == "1",
        other_names=tuple(n for n in (row.get("other_names") or "").split(";") if n.strip()))


def gazetteer(towns: Iterable[Town], layers: Mapping[str, gpd.GeoDataFrame]) -> list[Place]:
    """Every searchable place: the units of ``layers`` (``UNIT_KINDS``, placed at a point
    inside them) and the towns."""
    places: list[Place] = []
    for kind in UNIT_KINDS:
        frame = layers[kind]
        points = frame.geometry.representative_point()
        for row, point in zip(frame.itertuples(), points, strict=True):
            places.append(Place(kind, str(row.id), str(row.name_en), str(row.name_fr),
                                str(row.iso3), float(point.y), float(point.x)))
    places += [Place("town", t.geonameid, t.name, t.name_fr or t.name, t.country_iso3,
                     t.latitude, t.longitude, t.population, t.other_names) for t in towns]
    return places


class PlaceIndex:
    """The gazetteer with each place's folded names, searched by :meth:`search`."""

    def __init__(self, places: Iterable[Place]) -> None:
        self._entries = [(place, tuple(dict.fromkeys(
            fold(name) for name in (place.name_en, place.name_fr, *place.other_names))))
            for place in places]

    def search(self, query: str, limit: int = 8) -> list[Place]:
        """Places whose English or French name (or, for a town, another of its names)
        matches ``query`` (folded), best first:
        whole-name matches, then names starting with it, then names with a word starting
        with it, then names containing it; ties by kind (region, province, town), then by
        falling population, then by name."""
        wanted = fold(query)
        if not wanted:
            return []
        scored = []
        for place, names in self._entries:
            score = min((_score(name, wanted) for name in names), default=None)
            if score is not None and score < 4:
                scored.append((score, KIND_RANK.get(place.kind, 9), -place.population,
                               fold(place.name_en), place))
        scored.sort(key=lambda item: item[:4])
        return [item[4] for item in scored[:limit]]


def _score(name: str, wanted: str) -> int:
    if name == wanted:
        return 0
    if name.startswith(wanted):
        return 1
    if f" {wanted}" in f" {name}":
        return 2
    if wanted in name:
        return 3
    return 4


TOWN_ALWAYS = 0  # capitals: from the smallest zoom
TOWN_TIERS: tuple[tuple[int, int], ...] = ((50_000, 6), (15_000, 8), (0, 9))
"""(minimum population, first zoom shown): capitals always, towns over 50,000 from zoom 6,
over 15,000 from zoom 8, the rest from zoom 9."""


def label_zoom(town: Town) -> int:
    """The first zoom at which the base map labels ``town``."""
    if town.capital:
        return TOWN_ALWAYS
    for population, zoom in TOWN_TIERS:
        if town.population > population:
            return zoom
    return TOWN_TIERS[-1][1]


def town_label_data(towns: Iterable[Town], lang: str) -> dict[str, object]:
    """The towns as the base map's label layer reads them (``geo/render/mapjs/atlas_places.js``):
    rows ``[lat, lon, name, first zoom, capital]``, most important first (capitals, then
    falling population), so that labels placed first win when they would collide. Names are
    plain text (the browser writes them with ``textContent``, never as HTML)."""
    ordered = sorted(towns, key=lambda t: (not t.capital, -t.population, t.name))
    return {"columns": ["lat", "lon", "name", "zoom", "capital"],
            "rows": [[round(t.latitude, 4), round(t.longitude, 4), t.label(lang),
                      label_zoom(t), 1 if t.capital else 0] for t in ordered]}
