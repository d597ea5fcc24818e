"""Rates and context: events and fatalities per 10,000 km² and per 100,000 people, per
admin-1 unit or country, and the side-by-side comparison of two of them.

Areas and populations come from ``data/population/admin1_population.csv``
(:func:`geo.io.population.load_population`): areas computed on the equal-area projection
from the Natural Earth outlines, populations from the censuses its sources name. A unit
without a population figure has no per-capita rate (NaN), never 0; a country's
population is the sum of its units' only when every unit has a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from geo.analysis import measures as an
from geo.analysis.tables import actor_columns
from geo.i18n.catalogue import format_day, format_number, translate
from geo.model.countries import AES_MEMBERS, country_name
from geo.spatial.geometry import rounded_km2

AREA_UNIT_KM2 = 10_000
"""Per-area rates are per this many km²."""
PEOPLE_UNIT = 100_000
"""Per-capita rates are per this many people."""
SUMS = ("events", "fatalities_low", "fatalities_high")
CONTEXT = ("iso3", "area_km2", "population", "census_year", "source")
RATE_COLUMNS = tuple(f"{s}_per_{u}" for u in ("10k_km2", "100k") for s in SUMS)
"""``events_per_10k_km2`` ... ``fatalities_high_per_100k``."""


def add_rates(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (:data:`SUMS`, ``area_km2``, ``population``) with :data:`RATE_COLUMNS`:
    NaN where the area or the population is missing."""
    out = table.copy()
    area = pd.to_numeric(out["area_km2"], errors="coerce").astype("float64")
    people = pd.to_numeric(out["population"], errors="coerce").astype("float64")
    area = area.where(area > 0)
    people = people.where(people > 0)
    for s in SUMS:
        values = out[s].astype("float64")
        out[f"{s}_per_10k_km2"] = values * AREA_UNIT_KM2 / area
        out[f"{s}_per_100k"] = values * PEOPLE_UNIT / people
    return out


def unit_rates(counts: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """One row per unit of ``units`` (:func:`geo.io.population.load_population`, indexed by
    ``admin1_id``): its sums from ``counts`` (:func:`geo.analysis.measures.admin1_counts`;
    0 for a unit with no event), ``area_km2``, ``population``, ``census_year`` and the
    rates (:func:`add_rates`), indexed by ``admin1_id`` in the units' order."""
    sums = counts.reindex(units.index)[list(SUMS)].fillna(0).astype("int64")
    context = [c for c in ("name_en", "name_fr", *CONTEXT) if c in units.columns]
    table = pd.concat([units[context], sums], axis=1)
    table.index.name = "admin1_id"
    return add_rates(table)


def place_units(units: pd.DataFrame, place: str) -> pd.DataFrame:
    """The units of ``place``: a country (ISO3: all its units) or one admin-1 id."""
    return units[units["iso3"] == place] if place in set(units["iso3"]) else units.loc[[place]]


def place_context(units: pd.DataFrame, place: str) -> tuple[int, int | None, list[int]]:
    """``place``'s area (km², its units' sum, to 3 significant figures), population (None
    unless every unit has a figure) and the census years of those figures."""
    part = place_units(units, place)
    # each unit's area has 3 significant figures: so has their sum
    area = rounded_km2(float(part["area_km2"].sum()))
    people = part["population"]
    years = sorted({int(y) for y in part["census_year"].dropna()})
    population = int(people.sum()) if people.notna().all() and len(people) else None
    return area, population, years


def place_mask(arrays: an.EventArrays, mask: np.ndarray, place: str) -> np.ndarray:
    """The selected events of ``place``: a country (by the events' country, with or without
    a unit) or one admin-1 unit."""
    if len(place) == 3 and place.isupper():
        return mask & (arrays.country == arrays.code("country", place))
    return mask & (arrays.admin1 == arrays.code("admin1", place))


def month_span(
    arrays: an.EventArrays, mask: np.ndarray, start: date | None, end: date | None
) -> tuple[int, int] | None:
    """The months (since January 1970) a comparison's series cover: the filter's dates,
    else those of the selected events (None: no date and no event)."""
    months = arrays.month[mask]
    first = (start.year - 1970) * 12 + start.month - 1 if start else None
    last = (end.year - 1970) * 12 + end.month - 1 if end else None
    if first is None:
        if not len(months):
            return None
        first = int(months.min())
    if last is None:
        if not len(months):
            return None
        last = int(months.max())
    return (first, last) if first <= last else None


def monthly_counts(arrays: an.EventArrays, mask: np.ndarray, span: tuple[int, int]) -> pd.DataFrame:
    """Events and fatality sums of the selected events per month of ``span`` (every month,
    0 when none): ``month`` (first day), :data:`SUMS`."""
    first, last = span
    size = last - first + 1
    where = mask & (arrays.month >= first) & (arrays.month <= last)
    codes = (arrays.month.astype(np.int64) - first).clip(0, size - 1)
    sums = an._sums_by(codes, size, arrays, where)[list(SUMS)]
    months = np.arange(first, last + 1)
    sums.insert(
        0,
        "month",
        pd.to_datetime({"year": 1970 + months // 12, "month": months % 12 + 1, "day": 1}).astype(
            "datetime64[ns]"
        ),
    )
    return sums


@dataclass(frozen=True, eq=False)
class Side:
    """One side of the comparison: what :func:`compare_side` sums for a place."""

    place: str
    events: int
    fatalities_low: int
    fatalities_high: int
    area_km2: int
    population: int | None
    census_years: list[int]
    rates: dict[str, float]
    """:data:`RATE_COLUMNS` of the place (NaN per capita without a population)."""
    monthly: pd.DataFrame
    """:func:`monthly_counts`."""
    actors: pd.DataFrame
    """:func:`geo.analysis.measures.rank_actors`, the top ``n``."""


def compare_side(
    arrays: an.EventArrays,
    mask: np.ndarray,
    units: pd.DataFrame,
    place: str,
    span: tuple[int, int] | None,
    n: int = 5,
) -> Side:
    """The totals, rates, monthly series and top actors of ``place`` among the selected
    events (``mask``); ``span``: :func:`month_span` of both sides (the same months)."""
    where = place_mask(arrays, mask, place)
    area, population, years = place_context(units, place)
    high, low = arrays.high[where], arrays.low[where]
    totals = {
        "events": int(where.sum()),
        "fatalities_low": int(low.sum()),
        "fatalities_high": int(high.sum()),
    }
    rated = add_rates(pd.DataFrame([{**totals, "area_km2": area, "population": population}]))
    monthly = (
        monthly_counts(arrays, where, span)
        if span
        else pd.DataFrame({"month": pd.Series(dtype="datetime64[ns]")})
    )
    return Side(
        place=place,
        **totals,
        area_km2=area,
        population=population,
        census_years=years,
        rates={c: float(rated[c].iloc[0]) for c in RATE_COLUMNS},
        monthly=monthly,
        actors=an.rank_actors(an.actor_sums(arrays, where), n, "events", victims=False),
    )


RATE_LABELS = {
    "events_per_10k_km2": "rt_events_area",
    "fatalities_low_per_10k_km2": "rt_fat_low_area",
    "fatalities_high_per_10k_km2": "rt_fat_high_area",
    "events_per_100k": "rt_events_people",
    "fatalities_low_per_100k": "rt_fat_low_people",
    "fatalities_high_per_100k": "rt_fat_high_people",
}
"""Each rate's column label (a locale key)."""


def population_note(census_year: int | float | None, lang: str) -> str:
    """``2009 census`` / ``no population figure`` (the table's "Population figure")."""
    if census_year is None or pd.isna(census_year):
        return translate("rt_no_population", lang)
    return translate("rt_census", lang, year=str(int(census_year)))


def rates_view(table: pd.DataFrame, lang: str, per: str = "area") -> pd.DataFrame:
    """:func:`unit_rates` as the reader reads it, ``per`` ``"area"`` (every unit, per
    10,000 km²) or ``"people"`` (the units with a population figure, per 100,000 people,
    with the census year): names, labelled columns (numbers kept, so the table sorts by any
    of them, and no empty cell), highest rate of events first."""
    t = lambda key: translate(key, lang)  # noqa: E731
    if per == "people":
        table = table[table["population"].notna()]
    suffix = "_per_10k_km2" if per == "area" else "_per_100k"
    names = table["name_fr" if lang == "fr" else "name_en"]
    columns: dict[str, object] = {
        t("an_region"): names.to_numpy(),
        t("rt_country"): [country_name(iso, lang) for iso in table["iso3"]],
        **{label: table[c].to_numpy() for c, label in actor_columns(lang).items() if c in SUMS},
    }
    if per == "area":
        columns[t("rt_area")] = table["area_km2"].astype("int64").to_numpy()
    else:
        columns[t("rt_population")] = table["population"].astype("int64").to_numpy()
        columns[t("rt_population_source")] = [
            population_note(y, lang) for y in table["census_year"]
        ]
    for c, label in RATE_LABELS.items():
        if c.endswith(suffix):
            columns[t(label)] = table[c].astype("float64").to_numpy()
    view = pd.DataFrame(columns)
    order = np.argsort(-table[f"events{suffix}"].to_numpy(dtype="float64"), kind="stable")
    return view.iloc[order].reset_index(drop=True)


def missing_names(table: pd.DataFrame, lang: str) -> list[str]:
    """The units of :func:`unit_rates` without a population figure, by name."""
    names = table.loc[table["population"].isna(), "name_fr" if lang == "fr" else "name_en"]
    return sorted(names, key=str.casefold)


def rates_export(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`unit_rates` for the CSV: ids and names, sums, area, population, its census
    year and source id, the rates (empty where no population figure)."""
    out = table.reset_index()
    out.insert(1, "name", out["name_fr" if lang == "fr" else "name_en"])
    return out.drop(columns=[c for c in ("name_en", "name_fr") if c in out.columns])


def source_lines(provenance: dict, units: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """One line per source the units' figures come from, country by country (Mali,
    Burkina Faso, Niger): census, publisher, title, URL, licence, day checked; with the URL
    it contains (the page makes it a link)."""
    lines = []
    for iso in AES_MEMBERS:
        used = units.loc[units["iso3"] == iso, "source"]
        for name in dict.fromkeys(s for s in used if s):
            source = provenance["sources"][name]
            line = translate(
                "rt_source_line",
                lang,
                country=country_name(iso, lang),
                census=source["census"],
                publisher=source["publisher"],
                title=source["title"],
                url=source["url"],
                licence=source["licence"],
                checked=format_day(date.fromisoformat(str(source["checked"])), lang),
            )
            lines.append((line, str(source["url"])))
    return lines


def place_label(units: pd.DataFrame, place: str, lang: str) -> str:
    """A country's name, or a unit's name with its country's."""
    if place in AES_MEMBERS:
        return country_name(place, lang)
    row = units.loc[place]
    return translate(
        "cmp_place_unit",
        lang,
        name=row["name_fr" if lang == "fr" else "name_en"],
        country=country_name(row["iso3"], lang),
    )


def place_options(units: pd.DataFrame) -> list[str]:
    """What the comparison can show: the three states, then their units (by country)."""
    order = {iso: i for i, iso in enumerate(AES_MEMBERS)}
    ids = sorted(
        (u for u in units.index if units.loc[u, "iso3"] in order),
        key=lambda u: (order[units.loc[u, "iso3"]], u),
    )
    return [*AES_MEMBERS, *ids]


def compare_export(sides: list[Side], units: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Both sides' monthly series in one table: place id, name, month, sums."""
    frames = []
    for side in sides:
        frame = side.monthly.copy()
        frame.insert(0, "name", place_label(units, side.place, lang))
        frame.insert(0, "place", side.place)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["month"] = pd.to_datetime(out["month"]).dt.strftime("%Y-%m")
    return out


def side_actors_view(actors: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A side's top actors in three columns that fit half the page: actor, events and the
    fatality range (``low–high``), most events first."""
    return pd.DataFrame(
        {
            translate("an_actor", lang): actors["actor"].astype("str").to_numpy(),
            translate("cmp_events", lang): actors["events"].to_numpy(),
            translate("cmp_fatalities", lang): [
                translate(
                    "cmp_fat_range",
                    lang,
                    low=format_number(low, lang),
                    high=format_number(high, lang),
                )
                for low, high in zip(
                    actors["fatalities_low"], actors["fatalities_high"], strict=True
                )
            ],
        }
    )
