"""Rates and context: events and fatalities per 10,000 km² and per 100,000 people, per
admin-1 unit or country, and the side-by-side comparison of two of them.

Areas and populations come from ``data/population/admin1_population.csv``
(:func:`geo.io.population.load_population`): areas computed on the equal-area projection
from the Natural Earth outlines, populations from the censuses its sources name. A unit
without a population figure has no per-capita rate (NaN), never 0; a country's
population is the sum of its units' only when every unit has a figure.

One area rule (:data:`AREA_RULE`, stated on the page): a country's area is its usual
published area (``data/facts/member_states.yaml``, sourced), an admin-1 unit's is the one
computed from the simplified outline (rounded to 3 significant figures). The outlines do
not add up to the usual figures (Niger's compute to about 1,180,000 km² against the usual
1,267,000), so a country's rate per area is not its units' average.
"""

from __future__ import annotations

from collections.abc import Mapping
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
BASES = ("count", "area", "people")
"""What the regions' map shows: the count, per 10,000 km², per 100,000 people."""
AREA_RULE = ("usual", "outline")
"""The two kinds of area (:func:`place_context`): a country's usual published area, a
unit's outline area."""
SIGNIFICANT = 3
"""Areas are shown to this many significant figures, no more (the data allow no more)."""


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


@dataclass(frozen=True)
class Context:
    """A place's area, population and where they come from (:func:`place_context`)."""

    area_km2: int
    area_kind: str
    """``usual`` (a country's published area) or ``outline`` (computed: a unit, or a
    country without a usual figure, from its units' sum); :data:`AREA_RULE`."""
    population: int | None
    census_years: list[int]


def place_context(
    units: pd.DataFrame, place: str, usual_areas: Mapping[str, int] | None = None
) -> Context:
    """``place``'s area by the one rule (:data:`AREA_RULE`): a country's usual area from
    ``usual_areas`` (ISO3 -> km²) when it has one, else its units' outline areas summed
    (3 significant figures); a unit's outline area. Its population: the sum of its units'
    (None unless every unit has a figure), with the census years of those figures."""
    part = place_units(units, place)
    usual = (usual_areas or {}).get(place) if place in set(units["iso3"]) else None
    if usual:
        area, kind = int(usual), "usual"
    else:
        # each unit's area has 3 significant figures: so has their sum
        area, kind = rounded_km2(float(part["area_km2"].sum()), SIGNIFICANT), "outline"
    people = part["population"]
    years = sorted({int(y) for y in part["census_year"].dropna()})
    population = int(people.sum()) if people.notna().all() and len(people) else None
    return Context(area, kind, population, years)


def area_text(km2: float, lang: str) -> str:
    """An area as the reader reads it, no more precisely than :data:`SIGNIFICANT`
    figures: ``about 1.27 million km²``, ``about 274,000 km²``, ``about 213 km²``."""
    value = rounded_km2(float(km2), SIGNIFICANT)
    if value >= 1_000_000:
        millions = value / 1_000_000
        digits = max(0, SIGNIFICANT - 1 - int(np.floor(np.log10(millions))))
        key = "rt_area_million" if millions < 2 else "rt_area_millions"
        return translate(key, lang, value=format_number(millions, lang, digits))
    return translate("rt_area_about", lang, value=format_number(value, lang))


def map_values(table: pd.DataFrame, measure: str, basis: str) -> pd.Series:
    """What the regions' map colours each unit of :func:`unit_rates` by: ``measure``
    (``events`` or a fatality sum) as a count, per 10,000 km² (``area``) or per 100,000
    people (``people``; NaN: no population figure, drawn as such, never as 0)."""
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}")
    column = {"count": measure, "area": f"{measure}_per_10k_km2", "people": f"{measure}_per_100k"}
    return table[column[basis]].astype("float64")


def ceil_significant(value: float, significant: int = 2) -> float:
    """``value`` rounded up to ``significant`` figures (``0.734`` -> ``0.74``)."""
    power = 10.0 ** (np.floor(np.log10(value)) - (significant - 1))
    return round(float(np.ceil(value / power - 1e-9) * power), 10)


def rate_breaks(values: np.ndarray, classes: int) -> list[float]:
    """Upper bounds of at most ``classes`` classes of the positive ``values`` (NaN and 0
    left out: their own colours): quantile classes, each holding about as many units,
    their bounds rounded up to 2 significant figures, the last one the highest value's.

    Rates are skewed (Bamako's 213 km² give it ten times any other unit's rate per area):
    equal-width classes would put every other unit in the lightest one. Fewer distinct
    bounds than ``classes`` give fewer classes."""
    positive = np.asarray(values, dtype="float64")
    positive = positive[np.isfinite(positive) & (positive > 0)]
    if not len(positive):
        return []
    quantiles = np.quantile(
        positive, [(i + 1) / classes for i in range(classes)], method="inverted_cdf"
    )
    return sorted({ceil_significant(float(q)) for q in quantiles})


def break_decimals(breaks: list[float]) -> int:
    """The decimals a legend needs to write ``breaks`` exactly (0 to 3)."""
    for places in range(4):
        if all(abs(b - round(b, places)) < 1e-9 for b in breaks):
            return places
    return 3


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
    area_kind: str
    """:attr:`Context.area_kind`."""
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
    usual_areas: Mapping[str, int] | None = None,
) -> Side:
    """The totals, rates, monthly series and top actors of ``place`` among the selected
    events (``mask``); ``span``: :func:`month_span` of both sides (the same months);
    ``usual_areas``: the countries' usual areas (:func:`place_context`)."""
    where = place_mask(arrays, mask, place)
    context = place_context(units, place, usual_areas)
    area, population = context.area_km2, context.population
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
        area_kind=context.area_kind,
        population=population,
        census_years=context.census_years,
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
                licence=str(source["licence"]).rstrip("."),  # the line goes on after it
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
