"""The gazetteer (data/places/places.csv, GeoNames towns) and finding places by name.

A search matches towns, countries, admin-1 regions, Burkina Faso's provinces and the events
on show by their English or French name (an event by its day and place), ignoring case,
accents and punctuation ("menaka" finds Ménaka, "tillaberi" Tillabéri, "n djamena"
N'Djamena). The page turns a match into a map move and a selection.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.io.paths import DATA_DIR
from geo.model.countries import country_name

PLACES_CSV = DATA_DIR / "places" / "places.csv"
PLACES_COLUMNS = (
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

# Which boundary kinds a search reaches, and their rank when names tie (a country first; a
# region named like its chief town before the town: selecting it shows its events; events
# last, after every place).
UNIT_KINDS = ("country", "admin1", "province")
KIND_RANK = {"country": 0, "admin1": 1, "province": 2, "town": 3, "event": 4}


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
    """Something a search can find: a town (``kind`` "town", ``id`` its GeoNames id), a
    boundary unit (``kind`` "country"/"admin1"/"province", ``id`` the unit's id) or an
    event (``kind`` "event", ``id`` the event's id; no coordinates when it has none)."""

    kind: str
    id: str
    name_en: str
    name_fr: str
    country_iso3: str
    latitude: float
    longitude: float
    population: int = 0
    other_names: tuple[str, ...] = ()
    order: str = ""
    """What orders it among equal matches of its kind (an event's ISO day; else its name)."""

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
            raise PlacesFileError(
                f"{path}, row {line}, column {column}: {raw!r} is not a number"
            ) from None
        if not low <= value <= high:
            raise PlacesFileError(
                f"{path}, row {line}, column {column}: {raw!r} is outside {low}..{high}"
            )
        return value

    name = (row.get("name") or "").strip()
    if not name:
        raise PlacesFileError(f"{path}, row {line}, column name: empty")
    return Town(
        geonameid=(row.get("geonameid") or "").strip(),
        name=name,
        name_fr=(row.get("name_fr") or "").strip(),
        country_iso3=(row.get("country_iso3") or "").strip(),
        latitude=float(number("latitude", float, -90, 90)),
        longitude=float(number("longitude", float, -180, 180)),
        population=int(number("population", int, 0, 10**9)),
        capital=(row.get("capital") or "").strip() == "1",
        other_names=tuple(n for n in (row.get("other_names") or "").split(";") if n.strip()),
    )


def gazetteer(towns: Iterable[Town], layers: Mapping[str, gpd.GeoDataFrame]) -> list[Place]:
    """Every searchable place: the units of ``layers`` (``UNIT_KINDS`` it has, placed at a
    point inside them; countries by the app's names of them) and the towns."""
    places: list[Place] = []
    for kind in (k for k in UNIT_KINDS if k in layers):
        frame = layers[kind]
        points = frame.geometry.representative_point()
        for row, point in zip(frame.itertuples(), points, strict=True):
            en, fr = (
                (country_name(str(row.iso3), "en"), country_name(str(row.iso3), "fr"))
                if kind == "country"
                else (str(row.name_en), str(row.name_fr))
            )
            places.append(
                Place(kind, str(row.id), en, fr, str(row.iso3), float(point.y), float(point.x))
            )
    places += [
        Place(
            "town",
            t.geonameid,
            t.name,
            t.name_fr or t.name,
            t.country_iso3,
            t.latitude,
            t.longitude,
            t.population,
            t.other_names,
        )
        for t in towns
    ]
    return places


def event_places(events: pd.DataFrame) -> list[Place]:
    """The ``events`` (id, date, location, layer, country, coordinates) as search entries:
    named by day and place in each language ("22 Mar 2012 · Bamako", "22 mars 2012 ·
    Bamako"), found by either or by the place alone."""
    from geo.i18n.catalogue import format_days
    from geo.io.eventtexts import localized_locations

    if events.empty:
        return []
    days = {lang: format_days(events["date"], lang).tolist() for lang in ("en", "fr")}
    where = {lang: localized_locations(events, lang).tolist() for lang in ("en", "fr")}
    iso_days = events["date"].dt.strftime("%Y-%m-%d").tolist()
    return [
        Place(
            "event",
            str(ident),
            f"{days['en'][i]} · {where['en'][i]}",
            f"{days['fr'][i]} · {where['fr'][i]}",
            str(iso3),
            float(lat),
            float(lon),
            order=f"{iso_days[i]} {ident}",
        )
        for i, (ident, iso3, lat, lon) in enumerate(
            zip(
                events["id"],
                events["country_iso3"],
                events["latitude"],
                events["longitude"],
                strict=True,
            )
        )
    ]


class PlaceIndex:
    """The gazetteer with each place's folded names, searched by :meth:`search`."""

    def __init__(self, places: Iterable[Place]) -> None:
        self._entries = [
            (
                place,
                tuple(
                    dict.fromkeys(
                        fold(name) for name in (place.name_en, place.name_fr, *place.other_names)
                    )
                ),
            )
            for place in places
        ]

    def search(self, query: str, limit: int = 8) -> list[Place]:
        """Places whose English or French name (or, for a town, another of its names)
        matches ``query`` (folded), best first:
        whole-name matches, then names starting with it, then names with a word starting
        with it, then names containing it; ties by kind (country, region, province, town,
        event), then by falling population, then by name (events by day)."""
        return search([self], query, limit)

    def scored(self, wanted: str) -> list[tuple[int, int, int, str, Place]]:
        """The matches of the folded query ``wanted`` with their sort keys."""
        scored = []
        for place, names in self._entries:
            score = min((_score(name, wanted) for name in names), default=None)
            if score is not None and score < 4:
                scored.append(
                    (
                        score,
                        KIND_RANK.get(place.kind, 9),
                        -place.population,
                        place.order or fold(place.name_en),
                        place,
                    )
                )
        return scored


def search(indexes: Iterable[PlaceIndex], query: str, limit: int = 8) -> list[Place]:
    """:meth:`PlaceIndex.search` over several indexes at once (the gazetteer, shared by
    every session, and the events on show, which depend on the filters)."""
    wanted = fold(query)
    if not wanted:
        return []
    scored = [item for index in indexes for item in index.scored(wanted)]
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
    return {
        "columns": ["lat", "lon", "name", "zoom", "capital"],
        "rows": [
            [
                round(t.latitude, 4),
                round(t.longitude, 4),
                t.label(lang),
                label_zoom(t),
                1 if t.capital else 0,
            ]
            for t in ordered
        ],
    }
