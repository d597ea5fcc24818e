"""Streamlit wiring of the Analysis page: cached inputs, URL state, Altair charts, choropleth.

The numbers come from :mod:`geo.analysis.measures`; this module only draws them.
"""

from __future__ import annotations

import gc
import html
import threading
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property, lru_cache
from typing import Any, Literal, cast

import altair as alt
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from babel import Locale
from pandas.io.formats.style import Styler

from geo import ui
from geo.analysis import measures as an
from geo.analysis import rates
from geo.analysis.tables import band_label
from geo.i18n.catalogue import format_number, normalise_language, translate
from geo.io import facts, placecache
from geo.io.actors import aliases
from geo.io.store import data_dir
from geo.model.countries import AES_MEMBERS, country_name
from geo.model.filters import EventFilter
from geo.render import charter as charter_view
from geo.render import mapbuild, palette
from geo.render.html import escape_value, render
from geo.spatial.geometry import alg_zone_members
from geo.ui import events as ui_events
from geo.ui import instore as ui_instore

PALETTE = palette.SEQUENTIAL  # choropleth classes, light to dark
ZERO_COLOR = palette.ZERO_COLOUR
NO_FIGURE_COLOR = palette.NO_FIGURE_COLOUR
NO_FIGURE_DASH = "4 3"
"""The dashed outline of a unit without a figure on the regions map."""
RULE_COLORS = {
    "coup": palette.BLACK,
    "charter": palette.REDDISH_PURPLE,
    "ecowas": palette.GREY,
    "other": palette.GREY,
}
BAND_COLORS = palette.BAND_COLOURS
CATEGORY_COLORS = {
    "coup": palette.REDDISH_PURPLE,
    "insurgency": palette.VERMILLION,
    "state-violence": palette.BLUE,
    "protest": palette.YELLOW,
    "riot": palette.SKY_BLUE,
    "strategic": palette.GREY,
}
"""One colour per event category in the trend charts: the hues of the map's layers."""
WINDOW_COLORS = (palette.GREY, palette.BLUE)  # before, after
ACTOR_COLOR = palette.VERMILLION
VICTIM_COLOR = palette.GREY


# --- cached inputs ----------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def alg_admin1_ids() -> frozenset[str]:
    """Ids of our admin-1 units in the ALG intervention zone."""
    admin1 = ui.boundary_layers()["admin1"]
    members = alg_zone_members(admin1, ui.zone_definitions().alg_units)
    return frozenset(admin1.loc[members, "id"])


def event_arrays(key: str) -> an.EventArrays:
    """:func:`geo.analysis.measures.prepare` of :func:`geo.ui.events.app_events` (distances to the
    tripoint included), once per set of events (``key``: :func:`geo.ui.events.events_key`,
    which the page reads once per run: each read opens the store): every analysis starts
    from these arrays."""
    return _event_arrays(key)


@st.cache_resource(show_spinner=False, max_entries=2)
def _event_arrays(key: str) -> an.EventArrays:
    events, _ = ui_events.app_events()
    center = ui.the_tripoint()
    return an.prepare(
        events,
        center,
        cache=placecache.cache_file(data_dir(), center),
        duplicates=ui_events.duplicates(events),
    )


@dataclass(frozen=True, eq=False)
class Selection:
    """What the page shows of the events one filter selects, in small aggregated frames:
    the charts regroup these (by country or category, per month, quarter or year, ranked
    by events or deaths) without going back to the events.

    The page draws one section at a time: what only another section reads (the distance
    bands, the actors' and the regions' sums) is summed the first time it is read, then
    kept with the rest."""

    key: str
    """:func:`geo.ui.events.events_key` of the events."""
    mask: np.ndarray = field(repr=False)
    """Which of the prepared events (:func:`event_arrays`) the filter selects."""
    date_from: date | None
    date_to: date | None
    count: int
    datasets: frozenset[str]
    years: list[int]
    unassigned: int
    """Selected events with no admin-1 unit."""
    cube: pd.DataFrame
    """:func:`geo.analysis.measures.trend_cube`."""

    @property
    def _arrays(self) -> an.EventArrays:
        return _event_arrays(self.key)

    @cached_property
    def _states(self) -> np.ndarray:
        return self.mask & self._arrays.isin("country", AES_MEMBERS)

    @cached_property
    def bands(self) -> an.DistanceBands | None:
        """Distance bands of the selected events in the three states (None: none there)."""
        states = self._states
        return an.distance_bands_arrays(self._arrays, states) if states.any() else None

    @cached_property
    def bands_datasets(self) -> frozenset[str]:
        return an.present(self._arrays, self._states, "dataset")

    @cached_property
    def actors(self) -> pd.DataFrame:
        """:func:`geo.analysis.measures.actor_sums`."""
        return an.actor_sums(self._arrays, self.mask)

    @cached_property
    def regions(self) -> pd.DataFrame:
        """:func:`geo.analysis.measures.admin1_sums` over the filter's dates."""
        return an.admin1_sums(self._arrays, self.mask, self.date_from, self.date_to)

    @cached_property
    def region_years(self) -> dict[int, pd.DataFrame]:
        """:func:`geo.analysis.measures.admin1_sums_by_year`: the choropleth's other periods."""
        return an.admin1_sums_by_year(self._arrays, self.mask)

    @cached_property
    def no_regions(self) -> pd.DataFrame:
        """:func:`geo.analysis.measures.admin1_sums` of no event (a year without units)."""
        return an.admin1_sums(self._arrays, np.zeros(self._arrays.size, dtype=bool))


SELECTIONS_KEPT = 16
"""Filters whose :class:`Selection` stays cached (a few kB each): going back to an
earlier filter costs nothing."""


def selection(key: str, f: EventFilter) -> Selection:
    """The :class:`Selection` of filter ``f``, computed once per set of events (``key``:
    :func:`geo.ui.events.events_key`) and filter."""
    return _selection(key, repr(f), f)


def selection_mask(arrays: an.EventArrays, f: EventFilter) -> np.ndarray:
    """Which events of ``arrays`` the filter ``f`` selects, as the Analysis and the
    signals pages count them."""
    # No layer ticked selects nothing (the map shows no events either).
    if not f.layers:
        return np.zeros(arrays.size, dtype=bool)
    return an.filter_mask(arrays, f)


@st.cache_resource(show_spinner=False, max_entries=SELECTIONS_KEPT)
def _selection(key: str, token: str, _f: EventFilter) -> Selection:
    """``token`` (the filter's repr) keys the cache; ``_f`` is the filter itself."""
    arrays = _event_arrays(key)
    mask = selection_mask(arrays, _f)
    return Selection(
        key=key,
        mask=mask,
        date_from=_f.date_from,
        date_to=_f.date_to,
        count=int(mask.sum()),
        datasets=an.present(arrays, mask, "dataset"),
        years=an.years_present(arrays, mask),
        unassigned=int((mask & (arrays.admin1 == arrays.code("admin1", ""))).sum()),
        cube=an.trend_cube(arrays, mask),
    )


TREND_GROUPINGS: tuple[str, ...] = ("country_iso3", "category")
"""What the trend charts group by (the page's "Group by" choice)."""


@dataclass(frozen=True, eq=False)
class TrendView:
    """The trend charts' numbers for one filter, grouping and language."""

    period: str
    """``month``, ``quarter`` or ``year`` (:func:`geo.analysis.measures.choose_period`)."""
    shown: pd.DataFrame
    """:func:`geo.analysis.measures.period_series` in chart order, with ``group_label``."""
    lang: str

    @cached_property
    def table(self) -> pd.DataFrame:
        """The wide table under the charts (periods x measure and group): built the first
        time its expander is open, then kept."""
        t = ui.translator(self.lang)
        labelled = self.shown.assign(group=self.shown["group_label"])
        wide = pd.concat(
            {
                t("an_events"): an.series_table(labelled, "events", self.period),
                t("an_fat_low"): an.series_table(labelled, "fatalities_low", self.period),
                t("an_fat_high"): an.series_table(labelled, "fatalities_high", self.period),
            },
            axis=1,
        )
        wide.index.name = t(f"an_period_{self.period}")
        return wide

    @cached_property
    def export(self) -> pd.DataFrame:
        """The rows of the CSV download (codes and names): built on the first click."""
        series = self.shown.drop(columns="group_label")
        export = series.assign(month=[an.period_label(m, self.period) for m in series["month"]])
        export.insert(2, "group_name", self.shown["group_label"].to_numpy())
        return export.rename(columns={"month": self.period})


def trend_view(key: str, f: EventFilter, by: str, lang: str) -> TrendView:
    """The :class:`TrendView` of the events ``f`` selects (at least one), grouped ``by``
    ``"country_iso3"`` (outside the three states: one "other" group) or ``"category"``.

    Both groupings are summed together, once per set of events, filter and language
    (a few hundredths of a second from the :class:`Selection`'s cube): a rerun that only
    regroups the charts reads one that is already there, it aggregates nothing."""
    return _trend_views(key, repr(f), lang, f)[by]


@st.cache_resource(show_spinner=False, max_entries=SELECTIONS_KEPT)
def _trend_views(key: str, token: str, lang: str, _f: EventFilter) -> dict[str, TrendView]:
    cube = _selection(key, token, _f).cube
    return {by: make_trend_view(cube, by, lang, _f.date_from, _f.date_to) for by in TREND_GROUPINGS}


def make_trend_view(
    cube: pd.DataFrame, by: str, lang: str, start: date | None, end: date | None
) -> TrendView:
    """The :class:`TrendView` of a :func:`geo.analysis.measures.trend_cube` grouped ``by``, every
    month from ``start`` to ``end``."""
    t = ui.translator(lang)
    monthly = an.monthly_from_cube(cube, by, start=start, end=end)
    period = an.choose_period(monthly["month"].min(), monthly["month"].max())
    series = an.period_series(monthly, period)
    # Groups in a fixed order (the three states, then the rest), each with its own colour
    # whatever its label reads in this language.
    present = set(series["group"])
    codes = list(dict.fromkeys([*(c for c in AES_MEMBERS if c in present), *sorted(present)]))
    series = (
        series.assign(group=pd.Categorical(series["group"], codes))
        .sort_values(["month", "group"], kind="stable")
        .assign(group=lambda d: d["group"].astype(str))
    )
    shown = series.assign(
        group_label=series["group"].map(
            (lambda c: t("an_other_countries") if c == "other" else country_name(c, lang))
            if by == "country_iso3"
            else (lambda c: t(f"cat_{c}"))
        )
    )
    return TrendView(period=period, shown=shown, lang=lang)


def before_after(
    key: str, f: EventFilter, pivot: date, months: int, radius_km: float
) -> tuple[an.BeforeAfter, frozenset[str]]:
    """:func:`geo.analysis.measures.before_after` of the events ``f`` selects whatever their dates
    (the windows set their own), and the datasets among them; once per set of events,
    filter, pivot, window and radius."""
    undated = replace(f, date_from=None, date_to=None)
    return _before_after(key, repr(undated), undated, pivot, months, float(radius_km))


@st.cache_resource(show_spinner=False, max_entries=SELECTIONS_KEPT)
def _before_after(
    key: str, token: str, _f: EventFilter, pivot: date, months: int, radius_km: float
) -> tuple[an.BeforeAfter, frozenset[str]]:
    arrays = _event_arrays(key)
    mask = selection_mask(arrays, _f)
    return (
        an.before_after_arrays(arrays, mask, pivot, months, alg_admin1_ids(), radius_km),
        an.present(arrays, mask, "dataset"),
    )


RANKINGS: tuple[str, ...] = ("events", "fatalities_high")
"""What the actors are ranked by (the page's "Rank by" choice)."""
RANKED: dict[bool, int] = {False: 10, True: 10_000}
"""How many actors the page ranks (the top 10) and victims (all, for their table)."""


def ranked_actors(
    key: str, f: EventFilter, by: str, victims: bool, n: int, lang: str = "en"
) -> pd.DataFrame:
    """:func:`geo.analysis.measures.rank_actors` of the :class:`Selection` of ``f``, each group
    named in ``lang`` (``geo.io.actors``). The page's rankings (:data:`RANKINGS` x
    :data:`RANKED`) are made together, once per set of events and filter: ranking by the
    other measure reads one already made."""
    if RANKED.get(victims) == n and by in RANKINGS:
        ranked = _rankings(key, repr(f), f)[by, victims]
    else:
        ranked = an.rank_actors(_selection(key, repr(f), f).actors, n, by, victims)
    table = aliases()
    named = ranked.copy()
    named["actor"] = named["actor"].map(lambda a: table.display(a, lang)).astype("str")
    return named


@st.cache_resource(show_spinner=False, max_entries=SELECTIONS_KEPT)
def _rankings(key: str, token: str, _f: EventFilter) -> dict[tuple[str, bool], pd.DataFrame]:
    sums = _selection(key, token, _f).actors
    return {
        (by, victims): an.rank_actors(sums, n, by, victims)
        for by in RANKINGS
        for victims, n in RANKED.items()
    }


def region_counts(key: str, f: EventFilter, start: date | None, end: date | None) -> pd.DataFrame:
    """:func:`geo.analysis.measures.admin1_counts` of the events ``f`` selects, first day in
    ``[start, end]``. The page's periods (the filter's dates, each calendar year) are in
    the :class:`Selection`, all summed the first time one is asked for, once per set of
    events and filter: choosing another reads its numbers; any other period is summed once
    per set of events, filter and period. With the shared store, the database sums its
    events (:mod:`geo.ui.instore`), once per set of events, filter and period."""
    chosen = selection(key, f)
    if ui_instore.in_database():
        events, _ = ui_events.app_events()
        return ui_instore.Asked(events, f, None, chosen.mask).unit_sums(start, end)
    chosen.region_years, chosen.no_regions  # noqa: B018 - every period summed at once
    if (start, end) == (f.date_from, f.date_to):
        return chosen.regions
    if (
        start is not None
        and end is not None
        and start.year == end.year
        and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    ):
        return chosen.region_years.get(start.year, chosen.no_regions)
    return _region_counts(key, repr(f), f, start, end)


@st.cache_resource(show_spinner=False, max_entries=SELECTIONS_KEPT)
def _region_counts(
    key: str, token: str, _f: EventFilter, start: date | None, end: date | None
) -> pd.DataFrame:
    arrays = _event_arrays(key)
    return an.admin1_sums(arrays, selection_mask(arrays, _f), start, end)


@st.cache_data(show_spinner=False)
def milestone_rules() -> pd.DataFrame:
    return an.milestone_rules(facts.load_timeline())


# --- the collector ---------------------------------------------------------------------------

_FROZEN_FOR: list[str | None] = [None]
_FREEZE_LOCK = threading.Lock()


def freeze_long_lived_objects(key: str) -> None:
    """Put what is alive once the pages have run (modules, functions, the cached events and
    aggregates) out of the garbage collector's sight (``gc.freeze``), once per set of
    events (``key``: :func:`geo.ui.events.events_key`). Called by the idle collector
    (:func:`geo.ui.warmup.collect_when_idle`), never on a page's path.

    A full collection with the app's libraries loaded goes through some 175,000 objects,
    0.13 to 0.23 s on this machine; Python's own collections during a run, and the idle
    collector's, then skip them.
    Frozen objects are still freed when nothing refers to them (pandas frames, numpy
    arrays: by reference counting); only reference cycles among them wait, until the
    next state of the events unfreezes everything and collects it first."""
    if _FROZEN_FOR[0] == key:
        return
    with _FREEZE_LOCK:
        if _FROZEN_FOR[0] == key:
            return
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _FROZEN_FOR[0] = key


# --- URL state ----------------------------------------------------------------------------------


def parse_pivot(span: tuple[date, date]) -> Callable[[str], date | None]:
    def parse(raw: str) -> date | None:
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            return None
        return value if span[0] <= value <= span[1] else None

    return parse


def parse_window(raw: str) -> int | None:
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 1 <= value <= an.MAX_WINDOW_MONTHS else None


def core_radius(default_km: float) -> float:
    """The tri-border core radius the map page uses: its session value, else the URL's
    ``radius``, else the default."""
    kept = ui.state.get(ui.state.RADIUS)  # shared with the map (geo.ui.state)
    if isinstance(kept, int | float):
        return float(kept)
    parsed = ui.state.from_url(ui.state.RADIUS)  # the map's codec and bounds
    return parsed if parsed is not None else default_km


# --- charts ------------------------------------------------------------------------------------


def vega_locale(lang: str) -> dict:
    """Vega's number and time format locales for ``lang`` (d3-format / d3-time-format
    definitions), from the same CLDR data as :func:`geo.i18n.catalogue.format_number`: axes, legends
    and tooltips then write ``1 000`` and ``sept. 2023`` in French."""
    loc = Locale.parse(normalise_language(lang))
    symbols = loc.number_symbols["latn"]
    percent = "\u202f%" if "\xa0%" in loc.percent_formats[None].pattern else "%"
    months, days = loc.months["format"], loc.days["format"]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # CLDR counts days from Monday, d3 from Sunday
    return {
        "formatLocale": {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": ["", ""],
            "percent": percent,
            "minus": "\u2212",
        },
        "timeFormatLocale": {
            "dateTime": "%x, %X",
            "date": "%d/%m/%Y" if lang == "fr" else "%m/%d/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days["wide"][i] for i in sunday_first],
            "shortDays": [days["abbreviated"][i] for i in sunday_first],
            "months": [months["wide"][i] for i in range(1, 13)],
            "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
        },
    }


def localised(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """``chart`` with the reader's number and time formats: Vega-Lite's ``config.locale``
    (Streamlit drops vega-embed's own ``formatLocale`` option). Drawn as SVG, so its text
    stays sharp when zoomed and is in the page (the charts have at most a few hundred
    marks; the data are aggregated first)."""
    locale = vega_locale(lang)
    return chart.configure(
        locale={"number": locale["formatLocale"], "time": locale["timeFormatLocale"]}
    ).properties(usermeta={"embedOptions": {"renderer": "svg"}})


def vega_spec(chart: alt.TopLevelMixin, prefix: str = "data") -> dict:
    """The Vega-Lite spec of ``chart`` as ``st.altair_chart`` sends it: its data frames as
    named datasets (Streamlit sends those as Arrow) and no Altair theme.

    ``st.vega_lite_chart`` draws it. Building and validating an Altair chart with its
    milestone layers takes a tenth of a second or more, longer than a whole rerun may: the
    page builds each spec once (:func:`cached_spec`). Replaces the data of ``chart`` (built
    for this call) in place."""
    frames: dict[int, tuple[str, pd.DataFrame]] = {}

    def name_data(node: Any) -> None:
        data = getattr(node, "data", alt.Undefined)
        if isinstance(data, pd.DataFrame):
            name, _ = frames.setdefault(id(data), (f"{prefix}-{len(frames)}", data))
            node.data = alt.NamedData(name=name)
        for attr in ("layer", "hconcat", "vconcat", "concat"):
            children = getattr(node, attr, alt.Undefined)
            if isinstance(children, list):
                for child in children:
                    name_data(child)
        inner = getattr(node, "spec", alt.Undefined)
        if not isinstance(inner, dict) and inner is not alt.Undefined:
            name_data(inner)

    name_data(chart)
    # Not validated against the Vega-Lite schema: the charts are the page's own, and
    # validating them took a third of the time of building them.
    spec = chart.to_dict(validate=False)
    # Altair's default theme adds a 300 px view size that Streamlit's own conversion leaves
    # out (our charts set their sizes or stretch to the column).
    view = spec.get("config", {}).get("view", {})
    for size in ("continuousWidth", "continuousHeight"):
        view.pop(size, None)
    if "view" in spec.get("config", {}) and not view:
        del spec["config"]["view"]
    spec["datasets"] = dict(frames.values())
    return spec


def cached_spec(kind: str, key: tuple, *args: object) -> dict:
    """The spec of the chart ``kind`` (:data:`CHARTS`) of ``args``, built once per ``key``:
    what determines ``args`` (the set of events, the filter, the widgets' values, the
    language). A key, not a hash of the arguments: hashing their frames on every rerun
    would cost more than the rest of it. ``st.vega_lite_chart`` draws it (it copies what
    it changes, so the cached spec stays as it is)."""
    return _cached_spec(kind, key, args)


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_spec(kind: str, key: tuple, _args: tuple) -> dict:
    if kind in TREND_BODIES:
        return trend_spec(kind, *_args)
    return vega_spec(CHARTS[kind](*_args))


def group_colours(codes: list[str], by: str) -> list[str]:
    """The fixed colour of each group code: a country's from :mod:`geo.render.palette`, a
    category's from :data:`CATEGORY_COLORS`; never from the (language-dependent) label."""
    if by == "country_iso3":
        return [palette.country_colour(c) for c in codes]
    return [CATEGORY_COLORS.get(c, palette.GREY) for c in codes]


_TIME_UNITS = {"month": "yearmonth", "quarter": "yearquarter", "year": "year"}
_TIME_FORMATS = {"month": "%B %Y", "quarter": "T%q %Y", "year": "%Y"}


def _period_format(period: str, lang: str) -> str:
    fmt = _TIME_FORMATS[period]
    return fmt.replace("T%q", "Q%q") if period == "quarter" and lang != "fr" else fmt


RULE_LABEL_KEYS = {
    "ecowas-exit-announced": "an_rule_ecowas_announced",
    "ecowas-exit-effective": "an_rule_ecowas_effective",
}
RULE_LABEL_PX = 14
"""Width a rotated label takes (11 px text and a gap); closer rules get staggered labels."""
PLOT_WIDTH_PX = 700
"""A conservative plot width (a 1400 px window gives about 850 px), to tell which rules are
close."""


def rule_labels(rules: pd.DataFrame, lang: str) -> pd.Series:
    """A short label per milestone rule: "Coup, Mali", "Liptako-Gourma Charter"..."""
    t = ui.translator(lang)

    def label(row: pd.Series) -> str:
        key = RULE_LABEL_KEYS.get(row["id"], f"an_rule_{row['kind']}")
        if key == "an_rule_coup" and row.get("country_iso3"):
            return t("an_rule_coup", country=country_name(row["country_iso3"], lang))
        if key in ("an_rule_coup", "an_rule_other"):
            return str(row[f"label_{lang}"])
        return t(key)

    return rules.apply(label, axis=1) if len(rules) else pd.Series(dtype="str")


def rule_lanes(
    dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp, width_px: float = PLOT_WIDTH_PX
) -> pd.DataFrame:
    """Where each rule's label goes so that none overlaps another: ``side`` (``left`` or
    ``right`` of its line) and ``lane`` (0 at the top, 1 lower down...).

    Greedy, in date order: a label takes the first free place among left of its line, right
    of it, then the same one lane lower; a label is :data:`RULE_LABEL_PX` wide at the
    position its date has in a plot ``width_px`` wide."""
    span_days = max((end - start).days, 1)
    taken: dict[int, list[tuple[float, float]]] = {}
    sides, lanes = [], []
    for when in dates:
        x = (when - start).days / span_days * width_px
        lane = 0
        while True:
            placed = None
            for side, (lo, hi) in (
                ("left", (x - RULE_LABEL_PX, x)),
                ("right", (x, x + RULE_LABEL_PX)),
            ):
                if all(hi <= a or lo >= b for a, b in taken.get(lane, [])):
                    placed = side, (lo, hi)
                    break
            if placed:
                break
            lane += 1
        taken.setdefault(lane, []).append(placed[1])
        sides.append(placed[0])
        lanes.append(lane)
    return pd.DataFrame({"side": sides, "lane": lanes}, index=dates.index)


TREND_HEIGHT_PX = 440
"""Height of a trend chart, legend and axes included (Streamlit fits the whole chart in it):
leaves about 280 px of plot for the bars and the milestone labels."""
LANE_PX = 150  # vertical room of a label lane (labels are shortened to fit it)


def _rules_layer(
    rules: pd.DataFrame, lang: str, start: pd.Timestamp, end: pd.Timestamp
) -> alt.TopLevelMixin | None:
    shown = rules[(rules["date"] >= start) & (rules["date"] <= end)].copy()
    if shown.empty:
        return None
    t = ui.translator(lang)
    shown["title"] = shown[f"label_{lang}"]
    shown["label"] = rule_labels(shown, lang)
    shown = shown.join(rule_lanes(shown["date"], start, end))
    shown["y"] = 4 + shown["lane"] * LANE_PX
    kinds = list(RULE_COLORS)
    colour = alt.Color(
        "kind:N", scale=alt.Scale(domain=kinds, range=[RULE_COLORS[k] for k in kinds]), legend=None
    )
    tooltip = [
        alt.Tooltip("title:N", title=t("an_milestone")),
        alt.Tooltip("date:T", title=t("an_date"), format="%-d %B %Y"),
    ]
    base = alt.Chart(shown)
    lines = base.mark_rule(strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="date:T", color=colour, tooltip=tooltip
    )
    layers = [lines]
    # Vertical labels reading upwards, hanging from the top: left of the line (text above
    # its baseline) or right of it (below), with a white halo over the bars.
    sides: tuple[tuple[str, Literal["bottom", "top"]], ...] = (("left", "bottom"), ("right", "top"))
    for side, baseline in sides:
        part = base.transform_filter(alt.datum.side == side)
        for halo in (True, False):
            style: dict[str, Any] = (
                {"stroke": "white", "strokeWidth": 3, "strokeOpacity": 0.85} if halo else {}
            )
            text = part.mark_text(
                angle=270,
                align="right",
                baseline=baseline,
                fontSize=11,
                limit=LANE_PX - 10,
                dy=-2 if side == "left" else 2,
                **style,
            ).encode(
                x="date:T", y=alt.Y("y:Q", scale=None, axis=None), text="label:N", tooltip=tooltip
            )
            layers.append(text if halo else text.encode(color=colour))
    return alt.layer(*layers)


def _rule_span(series: pd.DataFrame, period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day a trend chart of ``series`` covers (the rules drawn on it)."""
    freq = {"month": "MS", "quarter": "QS", "year": "YS"}[period]
    end = series["month"].max() + pd.tseries.frequencies.to_offset(freq) - pd.Timedelta(days=1)
    return series["month"].min(), end


def _layered(*charts: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``alt.layer`` of top-level charts (its annotations list each concrete chart class,
    not their common base)."""
    return alt.layer(*cast(list[Any], charts))


def _layer_with_rules(
    chart: alt.TopLevelMixin, rules: pd.DataFrame, lang: str, series: pd.DataFrame, period: str
) -> alt.TopLevelMixin:
    if series.empty:
        return chart
    layer = _rules_layer(rules, lang, *_rule_span(series, period))
    if layer is None:
        return chart
    return _layered(chart, layer).resolve_scale(color="independent")


def _colour(series: pd.DataFrame, by: str, group_label: str) -> alt.Color:
    pairs = series[["group", "group_label"]].drop_duplicates()
    return alt.Color(
        "group_label:N",
        title=group_label,
        sort=list(pairs["group_label"]),
        legend=alt.Legend(orient="bottom", labelLimit=320),
        scale=alt.Scale(
            domain=list(pairs["group_label"]), range=group_colours(list(pairs["group"]), by)
        ),
    )


def _period_title(key: str, period: str, lang: str) -> str:
    return translate(f"{key}_{period}", lang)


def events_chart(
    series: pd.DataFrame,
    rules: pd.DataFrame,
    lang: str,
    group_label: str,
    by: str = "country_iso3",
    period: str = "month",
) -> alt.TopLevelMixin:
    """Stacked bars of events per ``period`` (``series``:
    :func:`geo.analysis.measures.period_series`
    with a ``group_label`` column), the milestones as labelled dashed lines."""
    bars = events_bars(series, lang, group_label, by, period)
    return localised(
        _layer_with_rules(bars, rules, lang, series, period).properties(
            title=_period_title("an_events_per", period, lang)
        ),
        lang,
    )


def events_bars(
    series: pd.DataFrame,
    lang: str,
    group_label: str,
    by: str = "country_iso3",
    period: str = "month",
) -> alt.TopLevelMixin:
    """The bars of :func:`events_chart`, without the milestones."""
    t = ui.translator(lang)
    unit = _TIME_UNITS[period]
    period_title = t(f"an_period_{period}")
    return (
        alt.Chart(series)
        .mark_bar()
        .encode(
            x=alt.X(
                f"{unit}(month):T",
                title=period_title,
                axis=charter_view.time_axis(series["month"], lang),
            ),
            y=alt.Y("sum(events):Q", title=t("an_events")),
            color=_colour(series, by, group_label),
            tooltip=[
                alt.Tooltip(
                    f"{unit}(month):T", title=period_title, format=_period_format(period, lang)
                ),
                alt.Tooltip("group_label:N", title=group_label),
                alt.Tooltip("sum(events):Q", title=t("an_events"), format=","),
            ],
        )
        .properties(height=TREND_HEIGHT_PX)
    )


def fatalities_chart(
    series: pd.DataFrame,
    rules: pd.DataFrame,
    lang: str,
    group_label: str,
    by: str = "country_iso3",
    period: str = "month",
) -> alt.TopLevelMixin:
    """The range of known deaths per ``period`` (low to high) as a band under its upper
    line, the milestones as labelled dashed lines."""
    chart = fatalities_band(series, lang, group_label, by, period)
    return localised(
        _layer_with_rules(chart, rules, lang, series, period).properties(
            title=_period_title("an_fatalities_per", period, lang)
        ),
        lang,
    )


def fatalities_band(
    series: pd.DataFrame,
    lang: str,
    group_label: str,
    by: str = "country_iso3",
    period: str = "month",
) -> alt.TopLevelMixin:
    """The band and line of :func:`fatalities_chart`, without the milestones."""
    t = ui.translator(lang)
    period_title = t(f"an_period_{period}")
    # The data on the layer, not on each part: alt.layer would otherwise hash the frame of
    # each (a tenth of a second, through its text repr) to see that they are the same.
    base = alt.Chart().encode(
        x=alt.X("month:T", title=period_title, axis=charter_view.time_axis(series["month"], lang)),
        color=_colour(series, by, group_label),
    )
    tooltip = [
        alt.Tooltip("month:T", title=period_title, format=_period_format(period, lang)),
        alt.Tooltip("group_label:N", title=group_label),
        alt.Tooltip("fatalities_low:Q", title=t("an_fat_low"), format=","),
        alt.Tooltip("fatalities_high:Q", title=t("an_fat_high"), format=","),
        alt.Tooltip("fatalities_unknown:Q", title=t("an_fat_unknown"), format=","),
    ]
    band = base.mark_area(opacity=0.3, interpolate="step-after").encode(
        y=alt.Y("fatalities_low:Q", title=f"{t('an_fat_low')} – {t('an_fat_high')}"),
        y2="fatalities_high:Q",
        tooltip=tooltip,
    )
    line = base.mark_line(interpolate="step-after", strokeWidth=1.2).encode(
        y="fatalities_high:Q", tooltip=tooltip
    )
    return alt.layer(band, line, data=series).properties(height=TREND_HEIGHT_PX)


TREND_BODIES: dict[str, tuple[Callable[..., alt.TopLevelMixin], str]] = {
    "events": (events_bars, "an_events_per"),
    "fatalities": (fatalities_band, "an_fatalities_per"),
}


def trend_spec(
    kind: str,
    series: pd.DataFrame,
    rules: pd.DataFrame,
    lang: str,
    group_label: str,
    by: str = "country_iso3",
    period: str = "month",
) -> dict:
    """:func:`vega_spec` of :func:`events_chart` (``kind="events"``) or
    :func:`fatalities_chart` (``"fatalities"``), put together from the spec of the bars
    and that of the milestone layer (:func:`rules_spec`, once per language and span):
    regrouping a trend chart builds its bars only, in a few hundredths of a second, where
    the whole layered chart takes half a second."""
    body, title_key = TREND_BODIES[kind]
    chart = body(series, lang, group_label, by, period)
    title = _period_title(title_key, period, lang)
    rules_part = rules_spec(rules, lang, *_rule_span(series, period)) if len(series) else None
    if rules_part is None:
        return vega_spec(localised(chart.properties(title=title), lang))
    bars = vega_spec(localised(chart, lang), prefix=f"data-{kind}")
    top = ("$schema", "config", "usermeta", "datasets", "height")
    # As alt.layer does: the bars' height goes to the layered chart.
    return {
        "$schema": bars["$schema"],
        "config": bars["config"],
        "height": bars["height"],
        "layer": [{k: v for k, v in part.items() if k not in top} for part in (bars, rules_part)],
        "resolve": {"scale": {"color": "independent"}},
        "title": title,
        "usermeta": bars["usermeta"],
        "datasets": {**bars["datasets"], **rules_part["datasets"]},
    }


def rules_spec(
    rules: pd.DataFrame, lang: str, start: pd.Timestamp, end: pd.Timestamp
) -> dict | None:
    """:func:`vega_spec` of the milestone layer of a trend chart from ``start`` to ``end``
    (None: no milestone in it); built once per language and span."""
    return _rules_spec(lang, start, end, rules)


@st.cache_resource(show_spinner=False, max_entries=16)
def _rules_spec(
    lang: str, start: pd.Timestamp, end: pd.Timestamp, _rules: pd.DataFrame
) -> dict | None:
    # The rules are the timeline's (geo.ui.analysis.milestone_rules): the same in every run.
    layer = _rules_layer(_rules, lang, start, end)
    return None if layer is None else vega_spec(localised(layer, lang), prefix="data-rules")


def before_after_chart(
    long: pd.DataFrame, area_labels: dict[str, str], lang: str
) -> alt.TopLevelMixin:
    t = ui.translator(lang)
    data = long[long["measure"].isin(["events", "fatalities_high"])].copy()
    data["area_label"] = data["area"].map(area_labels)
    data["window_label"] = data["window"].map(
        {"before": t("an_window_before"), "after": t("an_window_after")}
    )
    data["measure_label"] = data["measure"].map(
        {"events": t("an_events"), "fatalities_high": t("an_fat_high")}
    )
    order = [area_labels[a] for a in an.AREAS]
    windows = [t("an_window_before"), t("an_window_after")]
    return localised(
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("area_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=240)),
            yOffset=alt.YOffset("window_label:N", sort=windows),
            x=alt.X("value:Q", title=None),
            color=alt.Color(
                "window_label:N",
                title=t("an_window_label"),
                sort=windows,
                scale=alt.Scale(domain=windows, range=list(WINDOW_COLORS)),
            ),
            tooltip=[
                alt.Tooltip("area_label:N", title=t("an_area")),
                alt.Tooltip("window_label:N", title=t("an_window_label")),
                alt.Tooltip("value:Q", title=t("an_value"), format=","),
            ],
        )
        .properties(height=230, width=260)
        .facet(column=alt.Column("measure_label:N", title=None))
        .resolve_scale(x="independent"),
        lang,
    )


def bands_chart(table: pd.DataFrame, share_col: str, lang: str) -> alt.TopLevelMixin:
    t = ui.translator(lang)
    data = table.copy()
    labels = [band_label(b, lang) for b in an.BAND_LABELS]
    data["band_label"] = (
        data["band"].astype(str).map(dict(zip(an.BAND_LABELS, labels, strict=True)))
    )
    data["band_order"] = data["band"].astype(str).map({b: i for i, b in enumerate(an.BAND_LABELS)})
    data["year"] = data["year"].astype(str)
    return localised(
        alt.Chart(data.drop(columns="band"))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=t("an_year")),
            y=alt.Y(f"{share_col}:Q", title=t("an_share"), axis=alt.Axis(format="%"), stack="zero"),
            color=alt.Color(
                "band_label:N",
                title=t("an_band"),
                sort=labels,
                scale=alt.Scale(domain=labels, range=list(BAND_COLORS)),
            ),
            order=alt.Order("band_order:Q"),
            tooltip=[
                alt.Tooltip("year:O", title=t("an_year")),
                alt.Tooltip("band_label:N", title=t("an_band")),
                alt.Tooltip(f"{share_col}:Q", title=t("an_share"), format=".0%"),
                alt.Tooltip("events:Q", title=t("an_events"), format=","),
                alt.Tooltip("fatalities_low:Q", title=t("an_fat_low"), format=","),
                alt.Tooltip("fatalities_high:Q", title=t("an_fat_high"), format=","),
            ],
        )
        .properties(height=300),
        lang,
    )


BAR_STEP_PX = 28
"""Room per actor bar: more than two lines of 12 px labels, so no label is dropped."""


def actors_chart(
    top: pd.DataFrame,
    measure: str,
    lang: str,
    colour: str = ACTOR_COLOR,
    name_title: str | None = None,
) -> alt.TopLevelMixin:
    """Horizontal bars, one per actor, every bar labelled with the full name (long names
    are cut with an ellipsis at 360 px; the tooltip has them whole)."""
    t = ui.translator(lang)
    titles = {"events": t("an_events"), "fatalities_high": t("an_fat_high")}
    return localised(
        alt.Chart(top)
        .mark_bar(color=colour)
        .encode(
            y=alt.Y(
                "actor:N",
                sort=list(top["actor"]),
                title=None,
                axis=alt.Axis(labelLimit=360, labelOverlap=False, labelFontSize=12, labelPadding=6),
            ),
            x=alt.X(f"{measure}:Q", title=titles[measure], axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                alt.Tooltip("actor:N", title=name_title or t("an_actor")),
                alt.Tooltip("events:Q", title=t("an_events"), format=","),
                alt.Tooltip("fatalities_low:Q", title=t("an_fat_low"), format=","),
                alt.Tooltip("fatalities_high:Q", title=t("an_fat_high"), format=","),
            ],
        )
        .properties(height=alt.Step(BAR_STEP_PX)),
        lang,
    )


CHARTS: dict[str, Callable[..., alt.TopLevelMixin]] = {
    "events": events_chart,
    "fatalities": fatalities_chart,
    "before_after": before_after_chart,
    "bands": bands_chart,
    "actors": actors_chart,
}
"""The page's charts by name, for :func:`cached_spec`."""


# --- choropleth -------------------------------------------------------------------------------


def class_breaks(max_value: float, classes: int = len(PALETTE)) -> list[float]:
    """Upper bounds of ``classes`` equal-width classes over (0, max] (whole numbers)."""
    if max_value <= 0:
        return []
    step = max(1.0, float(np.ceil(max_value / classes)))
    return [step * (i + 1) for i in range(classes)]


def color_for(value: float, breaks: list[float]) -> str:
    """A unit's class colour; NaN (no figure to divide by) has its own grey, apart from 0."""
    if value != value:  # NaN
        return NO_FIGURE_COLOR
    if value <= 0 or not breaks:
        return ZERO_COLOR
    for color, upper in zip(class_colours(breaks), breaks, strict=False):
        if value <= upper:
            return color
    return PALETTE[-1]


def class_colours(breaks: list[float]) -> tuple[str, ...]:
    """The colours of ``breaks``' classes: the darkest ones when there are fewer classes
    than colours (the highest class is always the darkest)."""
    return PALETTE[max(0, len(PALETTE) - len(breaks)) :]


@dataclass(frozen=True)
class MapClasses:
    """The regions map's classes: what :func:`choropleth`, its legend and its figure share."""

    breaks: list[float]
    rate: bool = False
    """A rate's classes (quantiles, bounds with decimals); else a count's (whole,
    equal-width: ``1–10``)."""
    no_figure: bool = False
    """Some unit has no figure (a per-capita rate without a population): the legend says
    what its grey means."""


def map_classes(values: np.ndarray, rate: bool = False) -> MapClasses:
    """Classes of the units' ``values`` (NaN: no figure): whole equal-width classes for a
    count, quantile classes with round bounds for a rate
    (:func:`geo.analysis.rates.rate_breaks`)."""
    known = values[~np.isnan(values)] if len(values) else values
    top = float(known.max()) if len(known) else 0.0
    if not rate:
        return MapClasses(class_breaks(top), False, bool(np.isnan(values).any()))
    breaks = rates.rate_breaks(values, len(PALETTE))
    return MapClasses(breaks, True, bool(np.isnan(values).any()))


def region_features(admin1: gpd.GeoDataFrame, lang: str) -> dict:
    """The admin-1 units as a GeoJSON FeatureCollection with ``id``, ``kind``
    (``admin1``) and the escaped ``label`` of each: what :func:`choropleth` draws whatever
    the numbers (the page builds it once per language, :func:`cached_region_features`)."""
    names = admin1["name_fr"] if lang == "fr" else admin1["name_en"]
    return gpd.GeoDataFrame(
        {
            "id": admin1["id"].to_numpy(),
            "kind": "admin1",
            "label": names.map(html.escape).to_numpy(),
        },
        geometry=admin1.geometry.to_numpy(),
        crs=admin1.crs,
    ).__geo_interface__


def cached_region_features(lang: str) -> dict:
    """:func:`region_features` of the app's admin-1 layer, once per language."""
    return _region_features(lang)


@st.cache_resource(show_spinner=False)
def _region_features(lang: str) -> dict:
    return region_features(ui.boundary_layers()["admin1"], lang)


def region_values(
    admin1: gpd.GeoDataFrame,
    counts: pd.DataFrame,
    measure: str,
    table: pd.DataFrame | None = None,
    basis: str = "count",
) -> np.ndarray:
    """Each unit's value on the regions map, in ``admin1``'s order: ``counts[measure]``
    (0 for a unit with no event), or its rate from ``table``
    (:func:`geo.analysis.rates.unit_rates`) per ``basis``; NaN where there is no figure."""
    if basis == "count" or table is None:
        return counts[measure].reindex(admin1["id"]).fillna(0).astype("float64").to_numpy()
    values = rates.map_values(table, measure, basis)
    return values.reindex(admin1["id"]).astype("float64").to_numpy()


def choropleth(
    admin1: gpd.GeoDataFrame,
    counts: pd.DataFrame,
    measure: str,
    lang: str,
    features: dict | None = None,
    table: pd.DataFrame | None = None,
    basis: str = "count",
) -> tuple[folium.Map, MapClasses]:
    """An offline folium map of the admin-1 units coloured by ``counts[measure]``, or by
    its rate per 10,000 km² or 100,000 people (``basis``, from ``table``:
    :func:`geo.analysis.rates.unit_rates`).

    Each feature carries ``id``, ``kind`` (``admin1``) and an escaped ``label`` and
    ``value`` for the tooltip; a unit without a figure is grey with a dashed outline and
    its tooltip says so. Returns the map and its classes for the legend.
    ``features``: :func:`region_features` of ``admin1`` in ``lang``, when already made
    (the units' shapes as GeoJSON; only the numbers and colours change from run to run).
    """
    t = ui.translator(lang)
    values = region_values(admin1, counts, measure, table, basis)
    classes = map_classes(values, rate=basis != "count")
    label = map_label(measure, basis, lang)
    shapes = features if features is not None else region_features(admin1, lang)

    def shown(v: float) -> str:
        if v != v:
            return t("rt_no_population")
        return rate_text(v, lang) if classes.rate else format_number(v, lang)

    collection = {
        **shapes,
        "features": [
            {
                **feature,
                "properties": {
                    **feature["properties"],
                    "value": str(escape_value(f"{label}: {shown(v)}")),
                    "fill": color_for(v, classes.breaks),
                    **({"dash": NO_FIGURE_DASH} if v != v else {}),
                },
            }
            for feature, v in zip(shapes["features"], values, strict=True)
        ],
    }
    return filled_regions_map(collection, t("an_regions"), admin1), classes


def map_label(measure: str, basis: str, lang: str) -> str:
    """What the regions map shows, in words: ``Events``, ``Events per 10,000 km²``..."""
    key = {
        ("events", "count"): "an_events",
        ("fatalities_high", "count"): "an_fat_high",
        ("events", "area"): "rt_events_area",
        ("fatalities_high", "area"): "rt_fat_high_area",
        ("events", "people"): "rt_events_people",
        ("fatalities_high", "people"): "rt_fat_high_people",
    }[(measure, basis)]
    return translate(key, lang)


def filled_regions_map(collection: dict, name: str, admin1: gpd.GeoDataFrame) -> folium.Map:
    """An offline map of admin-1 features filled with their ``fill`` property (outlined
    dashed where they have a ``dash``), their escaped ``label`` and ``value`` as tooltip,
    fitted to ``admin1``: the drawing of every choropleth of the app (counts and rates
    here, change levels in geo.ui.signals)."""
    fmap = mapbuild.offline_map(location=(16.0, 0.0), zoom=5)
    folium.GeoJson(
        collection,
        name=name,
        style_function=lambda f: {
            "color": mapbuild.COLORS["region_line"],
            "weight": 1,
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.85,
            **({"dashArray": f["properties"]["dash"]} if f["properties"].get("dash") else {}),
        },
        highlight_function=lambda _f: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(fields=["label", "value"], labels=False),
    ).add_to(fmap)
    west, south, east, north = admin1.total_bounds
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def legend_items(
    breaks: list[float] | MapClasses, lang: str, basis: str = "count"
) -> list[tuple[str, str]]:
    """(colour, label) of each class of the choropleth, zero first and "no population
    figure" last when a unit has none (its legend, and its figure's:
    geo.ui.analysis_page). ``breaks``: a count's breaks, or :class:`MapClasses`."""
    classes = breaks if isinstance(breaks, MapClasses) else MapClasses(list(breaks))
    items = [(ZERO_COLOR, translate("an_legend_zero", lang))]
    if classes.rate:
        lower = 0.0
        for color, upper in zip(class_colours(classes.breaks), classes.breaks, strict=False):
            items.append((color, f"{bound_text(lower, lang)}–{bound_text(upper, lang)}"))
            lower = upper
    else:
        lower_n = 1
        for color, upper in zip(PALETTE, classes.breaks, strict=False):
            high = format_number(upper, lang)
            items.append(
                (color, f"{format_number(lower_n, lang)}–{high}" if upper > lower_n else high)
            )
            lower_n = int(upper) + 1
    if classes.no_figure:
        key = "an_legend_no_population" if basis == "people" else "an_legend_no_figure"
        items.append((NO_FIGURE_COLOR, translate(key, lang)))
    return items


def bound_text(value: float, lang: str) -> str:
    """A rate class's bound with the decimals it has (``0.096``, ``1.6``, ``430``)."""
    return format_number(value, lang, rates.break_decimals([value]))


def rate_text(value: float, lang: str) -> str:
    """A unit's rate in its tooltip: 1 decimal from 1 up, 2 figures below (``0.096``)."""
    places = 1 if value >= 1 else 2 if value >= 0.1 else 3
    return format_number(value, lang, places)


def region_colours(
    counts: pd.DataFrame,
    measure: str,
    ids: pd.Series,
    breaks: list[float] | MapClasses,
    table: pd.DataFrame | None = None,
    basis: str = "count",
) -> dict:
    """Each admin-1 unit's colour on the choropleth (by id): the map's colours, for its
    figure."""
    classes = breaks if isinstance(breaks, MapClasses) else MapClasses(list(breaks))
    frame = gpd.GeoDataFrame({"id": ids.to_numpy()})
    values = region_values(frame, counts, measure, table, basis)
    return {str(i): color_for(v, classes.breaks) for i, v in zip(ids, values, strict=True)}


def legend_html(
    breaks: list[float] | MapClasses, lang: str, basis: str = "count", title: str = ""
) -> str:
    """The map's legend under it; ``title``: what the colours measure (a rate's unit)."""
    return render(
        "colour_legend.html.j2",
        css_class="an-legend",
        items=legend_items(breaks, lang, basis),
        title=title,
        dashed=NO_FIGURE_COLOR,
    )


# --- tables --------------------------------------------------------------------------------------


def number_table(
    frame: pd.DataFrame,
    lang: str,
    percent: Iterable[str] = (),
    decimals: Mapping[str, int] | None = None,
) -> Styler:
    """``frame`` for ``st.dataframe`` with every number in the reader's format (``1 253``,
    ``12,5`` in French): the cells keep their numbers (sorting stays numeric), only their
    display changes. ``percent`` columns hold fractions shown as ``45 %``; missing is ``–``.

    The styler's id is fixed (by the columns' names): pandas draws a random one per Styler,
    and Streamlit sends it, so an unchanged table would differ on every rerun and the
    browser would draw it again (a tenth of a second of a regrouping rerun)."""
    decimals = dict(decimals or {})
    percent = set(percent)
    formats: dict = {}
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col]):
            continue
        if col in percent:
            formats[col] = lambda v: _percent(v, lang)
        else:
            places = decimals.get(col, 0)
            formats[col] = lambda v, places=places: _number(v, lang, places)
    uuid = f"an{zlib.crc32(repr(list(frame.columns)).encode()):08x}"
    return Styler(frame, uuid=uuid).format(formats, na_rep="–")


@lru_cache(maxsize=65_536)
def _number(value: float, lang: str, places: int) -> str:
    """:func:`geo.i18n.catalogue.format_number`, remembered: tables repeat their numbers (zeros) and
    Babel takes a tenth of a millisecond for each."""
    return format_number(value, lang, places)


@lru_cache(maxsize=65_536)
def _percent(value: float, lang: str) -> str:
    return translate("an_percent", lang, value=format_number(value * 100, lang))
