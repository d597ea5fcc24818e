"""Rates and context on the Analysis page: the regions section's rates table (per
10,000 km² and per 100,000 people, with the population sources) and the "Compare" section
(two countries or admin-1 units side by side over the filter's period).

Numbers come from :mod:`geo.analysis.rates`, computed once per set of events, filter and
period or place (cached here), never per rerun: a widget of these sections redraws from
frames already made.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from geo import ui
from geo.analysis import measures as an
from geo.analysis import rates
from geo.io import facts, population
from geo.io.actors import aliases
from geo.model.countries import AES_MEMBERS, country_name
from geo.model.filters import EventFilter
from geo.render import palette
from geo.render.figures.chartfigure import Chart, Series
from geo.ui import analysis as ui_an
from geo.ui import state

if TYPE_CHECKING:
    from geo.ui.analysis_page import AnalysisView

FIRST_KEY = state.CMP_A.name
SECOND_KEY = state.CMP_B.name
CMP_WIDGETS = (FIRST_KEY, SECOND_KEY)
"""The Compare section's widgets (their values outlive a visit to another section)."""
TOP_ACTORS = 5


# --- cached inputs ----------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def units() -> pd.DataFrame:
    """:func:`geo.io.population.load_population` (areas, populations), read once."""
    return population.load_population()


@st.cache_resource(show_spinner=False)
def provenance() -> dict:
    return population.load_provenance()


@st.cache_resource(show_spinner=False)
def usual_areas() -> dict[str, int]:
    """Each member state's usual published area (km²) where its sources give one
    (``data/facts/member_states.yaml``): a country's area in the one area rule
    (:func:`geo.analysis.rates.place_context`)."""
    return {
        iso: int(state.area_km2)
        for iso, state in facts.load_member_states().items()
        if state.area_km2 is not None
    }


def area_rule(lang: str, where: str = "rt_area_sources_below") -> str:
    """The area rule as the page states it, with each country's usual area and the sum of
    Niger's outline areas (why the two kinds differ); ``where``: the locale key saying
    where the usual areas' sources are."""
    t = ui.translator(lang)
    areas = usual_areas()
    countries = ("\u00a0; " if lang == "fr" else "; ").join(
        f"{country_name(iso, lang)} {rates.area_text(areas[iso], lang)}"
        for iso in AES_MEMBERS
        if iso in areas
    )
    outline = rates.place_context(units(), "NER").area_km2
    return t(
        "rt_area_rule",
        countries=countries,
        sources=t(where),
        outline=rates.area_text(outline, lang),
    )


def region_rates(key: str, f: EventFilter, start: date | None, end: date | None) -> pd.DataFrame:
    """:func:`geo.analysis.rates.unit_rates` of the regions' sums of ``f`` over
    ``[start, end]`` (:func:`geo.ui.analysis.region_counts`), once per set of events,
    filter and period."""
    return _region_rates(key, repr(f), f, start, end)


@st.cache_resource(show_spinner=False, max_entries=4 * ui_an.SELECTIONS_KEPT)
def _region_rates(
    key: str, token: str, _f: EventFilter, start: date | None, end: date | None
) -> pd.DataFrame:
    return rates.unit_rates(ui_an.region_counts(key, _f, start, end), units())


def compare_sides(key: str, f: EventFilter, first: str, second: str) -> list[rates.Side]:
    """Both sides of the comparison over the same months, each computed once per set of
    events, filter and place (changing one place recomputes that side only)."""
    return [_side(key, repr(f), f, place) for place in (first, second)]


@st.cache_resource(show_spinner=False, max_entries=4 * ui_an.SELECTIONS_KEPT)
def _side(key: str, token: str, _f: EventFilter, place: str) -> rates.Side:
    chosen = ui_an.selection(key, _f)
    arrays = ui_an.event_arrays(key)
    # The months of the filter's dates, else of all its events: the same for every place.
    span = rates.month_span(arrays, chosen.mask, _f.date_from, _f.date_to)
    return rates.compare_side(
        arrays, chosen.mask, units(), place, span, TOP_ACTORS, usual_areas=usual_areas()
    )


# --- the regions section's rates table ----------------------------------------------------------


def rates_block(
    view: AnalysisView, start: date | None, end: date | None, period_label: str
) -> None:
    """The rates table (sortable), its CSV, and the population sources under it."""
    from geo.ui.analysis_page import csv_button

    t, lang = view.t, view.lang
    table = region_rates(view.data_key, view.event_filter, start, end)
    st.subheader(t("rt_rates"))
    st.caption(t("rt_intro"))
    decimals = {t(label): 1 for label in rates.RATE_LABELS.values()}
    for per in ("area", "people"):
        st.markdown(f"**{t('rt_per_area' if per == 'area' else 'rt_per_people')}**")
        st.dataframe(
            ui_an.number_table(rates.rates_view(table, lang, per), lang, decimals=decimals),
            width="stretch",
            hide_index=True,
        )
    if missing := rates.missing_names(table, lang):
        st.caption(
            ui.markdown_text(
                t("rt_missing_note", count=len(missing)) + " " + ", ".join(missing) + "."
            )
        )
    csv_button(
        view,
        lambda: rates.rates_export(table, lang),
        "rates",
        t("rt_csv_title", period=period_label),
        view.chosen.datasets,
    )
    st.caption(" ".join([t("rt_units_note"), t("rt_years_note")]))
    st.caption(ui.markdown_text(area_rule(lang)))
    st.markdown(f"**{t('rt_sources_title')}**")
    for line, url in rates.source_lines(provenance(), units(), lang):
        st.caption(linked(line, url))
    area_sources(view)


def area_sources(view: AnalysisView) -> None:
    """Each country's usual area and its sources (with their publisher, type and grade)."""
    from geo.io.facts import load_member_states
    from geo.render.panels import source_list_html

    st.markdown(f"**{view.t('rt_area_sources_title')}**")
    states = load_member_states()
    for iso in AES_MEMBERS:
        state = states.get(iso)
        if state is None or state.area_km2 is None:
            continue
        name = country_name(iso, view.lang)
        area = rates.area_text(state.area_km2, view.lang)
        st.caption(ui.markdown_text(view.t("rt_area_country", country=name, area=area)))
        st.html(source_list_html(state.area_sources, view.lang))


def linked(line: str, url: str) -> str:
    """``line`` as Markdown, its text escaped and ``url`` in it an explicit link (a bare
    URL would be autolinked with the escapes in it)."""
    before, _, after = line.partition(url)
    target = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"{ui.markdown_text(before)}[{ui.markdown_text(url)}]({target}){ui.markdown_text(after)}"


# --- the Compare section ------------------------------------------------------------------------


def monthly_spec(side: rates.Side, y_max: int, lang: str, title: str) -> dict:
    """Bars of events per month on a y-scale from 0 to ``y_max`` (both sides' highest
    month: the two charts read on one scale)."""
    t = ui.translator(lang)
    frame = side.monthly[["month", "events"]].copy()
    chart = (
        alt.Chart(frame, title=title)
        .mark_bar(color=palette.BLUE)
        .encode(
            x=alt.X("month:T", title=t("cmp_month")),
            y=alt.Y(
                "events:Q",
                title=t("cmp_events"),
                scale=alt.Scale(domain=[0, max(1, y_max)]),
                axis=alt.Axis(tickMinStep=1, format="d"),  # counts: whole ticks
            ),
            tooltip=[
                alt.Tooltip("month:T", title=t("cmp_month"), format="%Y-%m"),
                alt.Tooltip("events:Q", title=t("cmp_events"), format=","),
            ],
        )
        .properties(height=220)
    )
    return ui_an.vega_spec(ui_an.localised(chart, lang))


@st.cache_resource(show_spinner=False, max_entries=64)
def _monthly_spec(
    key: str, token: str, place: str, y_max: int, lang: str, _side: rates.Side
) -> dict:
    return monthly_spec(_side, y_max, lang, ui.translator(lang)("cmp_monthly"))


def _metric_rate(value: float, view: AnalysisView) -> str:
    """A per-capita rate, or a dash where there is no population figure (the caption
    under the metrics says so in words: a metric's value has room for a number only)."""
    return "–" if pd.isna(value) else view.fmt(value, 1)


def draw_side(view: AnalysisView, side: rates.Side, y_max: int) -> None:
    t, fmt = view.t, view.fmt
    st.subheader(rates.place_label(units(), side.place, view.lang))
    m1, m2 = st.columns(2)
    m1.metric(t("cmp_events"), fmt(side.events))
    m2.metric(
        t("cmp_fatalities"),
        t("cmp_fat_range", low=fmt(side.fatalities_low), high=fmt(side.fatalities_high)),
    )
    r1, r2 = st.columns(2)
    r1.metric(t("cmp_per_area"), fmt(side.rates["events_per_10k_km2"], 1))
    r2.metric(t("cmp_per_people"), _metric_rate(side.rates["events_per_100k"], view))
    area = t(f"cmp_area_{side.area_kind}", area=rates.area_text(side.area_km2, view.lang))
    if side.population is None:
        st.caption(t("cmp_context_none", area=area))
    else:
        census = ", ".join(t("rt_census", year=str(y)) for y in side.census_years)
        st.caption(
            t(
                "cmp_context",
                area=area,
                population=fmt(side.population),
                census=census,
            )
        )
    if not side.events:
        st.info(t("cmp_no_events"))
    st.vega_lite_chart(
        _monthly_spec(view.data_key, repr(view.event_filter), side.place, y_max, view.lang, side),
        width="stretch",
    )
    st.markdown(f"**{t('cmp_top_actors')}**")
    if side.actors.empty:
        st.caption(t("cmp_no_actors"))
    else:
        named = side.actors.assign(
            actor=side.actors["actor"].map(lambda a: aliases().display(a, view.lang)).astype("str")
        )
        shown = rates.side_actors_view(named, view.lang)
        st.dataframe(
            ui_an.number_table(shown, view.lang),
            width="stretch",
            hide_index=True,
            # a long name is cut (its cell shows it whole), the numbers stay in view
            column_config={shown.columns[0]: st.column_config.TextColumn(width="medium")},
        )


def shared_y_max(sides: list[rates.Side]) -> int:
    """The highest monthly count of either side: both charts share one y-scale."""
    return max(int(s.monthly["events"].max()) if len(s.monthly) else 0 for s in sides)


def prepare_default_comparison(view: AnalysisView) -> None:
    """The Compare section's default pair and its charts (the warm-up at server start)."""
    first, second = state.CMP_A.default, state.CMP_B.default
    sides = compare_sides(view.data_key, view.event_filter, first, second)
    y_max = shared_y_max(sides)
    for side in sides:
        _monthly_spec(view.data_key, repr(view.event_filter), side.place, y_max, view.lang, side)


@st.fragment
def compare_section(view: AnalysisView) -> None:
    """Two places side by side: totals, rates, events per month on one scale, top actors."""
    from geo.ui.analysis_page import csv_button

    t, lang = view.t, view.lang
    st.header(t("cmp_title"))
    st.caption(t("cmp_intro"))
    options = rates.place_options(units())
    state.seed(state.CMP_A, valid=lambda v: v in options)
    state.seed(state.CMP_B, valid=lambda v: v in options)

    def label(place: str) -> str:
        return rates.place_label(units(), place, lang)

    pick_first, pick_second = st.columns(2)
    with pick_first:
        first = st.selectbox(t("cmp_first"), options, key=FIRST_KEY, format_func=label)
    with pick_second:
        second = st.selectbox(t("cmp_second"), options, key=SECOND_KEY, format_func=label)
    ui.remember(
        {FIRST_KEY: first, SECOND_KEY: second},
        state.encoded([(state.CMP_A, first), (state.CMP_B, second)]),
    )
    if first == second:
        st.info(t("cmp_same_place"))
    sides = compare_sides(view.data_key, view.event_filter, first, second)
    y_max = shared_y_max(sides)
    for column, side in zip(st.columns(2, gap="large"), sides, strict=True):
        with column:
            draw_side(view, side, y_max)
    compare_figure_buttons(view, sides, label(first), label(second))
    st.caption(t("cmp_same_scale") + " " + t("cmp_country_note") + " " + t("rt_years_note"))
    st.caption(ui.markdown_text(area_rule(lang, "rt_area_sources_regions")))
    csv_button(
        view,
        lambda: rates.compare_export(sides, units(), lang),
        "compare",
        t("cmp_csv_title", first=label(first), second=label(second)),
        view.chosen.datasets,
    )


# --- the Compare section's figures (PNG, SVG: geo.render.figures) ------------------------------

SIDE_COLOURS = (palette.BLUE, palette.ORANGE)
"""The two places in one figure (the page draws each in its own chart, in blue)."""


def compare_monthly_chart(sides: list[rates.Side], labels: list[str], lang: str) -> Chart:
    """Both places' events per month as two lines on one scale (their months are the
    same: :func:`geo.analysis.rates.month_span` of both)."""
    t = ui.translator(lang)
    months = sides[0].monthly["month"] if sides else pd.Series(dtype="datetime64[ns]")
    return Chart(
        "lines",
        [an.period_label(pd.Timestamp(m), "month") for m in months],
        [
            Series(label, colour, side.monthly["events"].astype(float).tolist())
            for side, label, colour in zip(sides, labels, SIDE_COLOURS, strict=True)
        ],
        t("cmp_events"),
        t("cmp_month"),
        t("cmp_place"),
    )


def compare_actors_chart(sides: list[rates.Side], labels: list[str], lang: str) -> Chart:
    """The top actors of either place (the first place's first), a bar per place where
    the actor is among its top :data:`TOP_ACTORS`: its events with that actor (no bar
    elsewhere: the place's count of an actor outside its top is not computed, not 0)."""
    t = ui.translator(lang)
    names: list[str] = []
    for side in sides:
        names += [a for a in side.actors["actor"].astype(str) if a not in names]
    series = []
    for side, label, colour in zip(sides, labels, SIDE_COLOURS, strict=True):
        counts = side.actors.set_index(side.actors["actor"].astype(str))["events"]
        series.append(Series(label, colour, [float(counts.get(a, np.nan)) for a in names]))
    return Chart(
        "hbars",
        [aliases().display(a, lang) for a in names],
        series,
        t("cmp_events"),
        legend_title=t("cmp_place"),
    )


def compare_notes(view: AnalysisView, sides: list[rates.Side], labels: list[str]) -> tuple:
    """A line per place for its figures: totals, rates and the population's source year."""
    t, fmt = view.t, view.fmt
    lines = []
    for side, label in zip(sides, labels, strict=True):
        if side.population is None:
            context = t("cmp_context_none", area=fmt(side.area_km2))
        else:
            census = ", ".join(t("rt_census", year=str(y)) for y in side.census_years)
            context = t(
                "cmp_context",
                area=fmt(side.area_km2),
                population=fmt(side.population),
                census=census,
            )
        lines.append(
            t(
                "cmp_fig_side",
                place=label,
                events=fmt(side.events),
                deaths=t(
                    "cmp_fat_range", low=fmt(side.fatalities_low), high=fmt(side.fatalities_high)
                ),
                per_area=fmt(side.rates["events_per_10k_km2"], 1),
                per_people=_metric_rate(side.rates["events_per_100k"], view),
                context=context,
            )
        )
    return tuple(lines)


def compare_figure_buttons(
    view: AnalysisView, sides: list[rates.Side], first: str, second: str
) -> None:
    """PNG and SVG of the two places' months and of their top actors."""
    from geo.ui.analysis_page import chart_figure_buttons

    labels = [first, second]
    notes = compare_notes(view, sides, labels)
    key = tuple(side.place for side in sides)
    for name, title_key, heading, chart in (
        ("compare-monthly", "cmp_fig_monthly", "cmp_monthly", compare_monthly_chart),
        ("compare-actors", "cmp_fig_actors", "cmp_top_actors", compare_actors_chart),
    ):
        # Which image the pair of buttons makes (both pairs' buttons have the same names).
        st.caption(view.t("cmp_fig_of", what=view.t(heading), first=first, second=second))
        chart_figure_buttons(
            view,
            name,
            key,
            view.t(title_key, first=first, second=second),
            view.chosen.datasets,
            partial(chart, sides, labels, view.lang),
            notes=(*notes, view.t("cmp_fig_actors_note", n=TOP_ACTORS))
            if name == "compare-actors"
            else notes,
        )
