"""The Analysis page's controller and sections: what ``pages/analysis.py`` draws.

The page shows one section at a time, the one the reader picks (:func:`section_picker`,
kept in the URL as ``section``): every chart stays one click away, and a load draws and
computes only what is shown (the browser's work grew with the ~90 elements and six charts
of the whole page drawn at once). Each section is a fragment: a widget of one section (its
grouping, ranking, period, a table opened, a region clicked) reruns that section alone,
from numbers already aggregated (:mod:`geo.ui.analysis`). A change of filter or of section
reruns the whole page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from geo import ui
from geo.analysis import measures as an
from geo.analysis import rates, tables
from geo.i18n.catalogue import format_day, format_number, format_timestamp
from geo.io import exports
from geo.model.filters import EventFilter
from geo.render.figures.chartfigure import Chart, Milestone, Series, chart_scene
from geo.render.figures.layout import Captions
from geo.render.figures.scene import Scene
from geo.ui import analysis as ui_an
from geo.ui import analysis_rates as ui_rates
from geo.ui import events as ui_events
from geo.ui import figures as ui_figures
from geo.ui import state

MAP_KEY = state.AN_MAP.name
SECTION_KEY = state.AN_SECTION.name
SECTION_PARAM = state.AN_SECTION.url_name
SECTIONS: dict[str, str] = {
    "trends": "an_trends",
    "before_after": "an_ba",
    "bands": "an_bands",
    "actors": "an_actors",
    "regions": "an_regions",
    "compare": "cmp_title",
    "all": "an_all_sections",
}
"""The page's choices in order (the first is shown by default) and each one's title: every
section on its own, or ``all`` of them on one page, in this order."""
BAND_MEASURES = tuple(tables.BAND_SHARES)


def analysis_events() -> pd.DataFrame:
    """The app's events without the texts no one here reads (the sidebar's filtering then
    does not copy them)."""
    events, _problems = ui_events.app_events()
    return events.drop(columns=["summary", "sources", "location"])


@dataclass(eq=False)
class AnalysisView:
    """What every section of one run reads: the language, the events and their filter,
    the filter's :class:`geo.ui.analysis.Selection` and the timeline's milestones."""

    lang: str
    events: pd.DataFrame
    event_filter: EventFilter
    url_filters: dict[str, str]
    data_key: str
    """:func:`geo.ui.events.events_key`, read once (each read opens the store)."""
    chosen: ui_an.Selection
    rules: pd.DataFrame
    _attributions: dict[frozenset[str], list[str]] = field(default_factory=dict)

    @property
    def view_key(self) -> tuple:
        """What a chart's spec depends on besides its own widget (:func:`ui_an.cached_spec`)."""
        return (self.data_key, repr(self.event_filter), self.lang)

    def t(self, key: str, **params: object) -> str:
        return ui.translator(self.lang)(key, **params)

    def fmt(self, value: float, decimals: int = 0) -> str:
        return format_number(value, self.lang, decimals)

    def day(self, value) -> str:  # a date or a Timestamp
        return format_day(pd.Timestamp(value).date(), self.lang)

    def attribution(self, used: set[str] | frozenset[str]) -> list[str]:
        """Attribution lines when imported data are among ``used`` datasets (none
        otherwise), made once per run and set of datasets."""
        if not set(used) - {"curated"}:
            return []
        key = frozenset(used)
        if key not in self._attributions:
            filters = exports.describe_filter(self.url_filters, self.lang)
            # attribution_lines reads only which datasets the events come from.
            self._attributions[key] = exports.attribution_lines(
                pd.DataFrame({"dataset": sorted(used)}),
                ui_events.stored_datasets(),
                filters,
                self.lang,
            )
        return self._attributions[key]


def analysis_view(events: pd.DataFrame, event_filter: EventFilter, lang: str) -> AnalysisView:
    """The controller of a run: writes the filter's URL parameters (shared with the map) and
    reads the filter's numbers, computed once per set of events and filter
    (:func:`geo.ui.analysis.selection`)."""
    url_filters = ui_events.filter_query_params(event_filter, events)
    ui_events.write_filter_params(url_filters)
    data_key = ui_events.events_key()
    return AnalysisView(
        lang=lang,
        events=events,
        event_filter=event_filter,
        url_filters=url_filters,
        data_key=data_key,
        chosen=ui_an.selection(data_key, event_filter),
        rules=ui_an.milestone_rules(),
    )


def draw_intro(view: AnalysisView) -> None:
    st.title(view.t("an_title"))
    st.caption(view.t("an_intro", count=view.chosen.count))
    for line in view.attribution(view.chosen.datasets):  # imported data: their attribution
        st.caption(line)
    if not view.chosen.count:
        st.info(view.t("an_no_events"))


SECTION_WIDGETS = (
    "an_by",
    "an_rank",
    "an_band_measure",
    "an_map_measure",
    state.AN_MAP_BASIS.name,
    "an_period",
    *(f"an_table_{name}" for name in ("trends", "bands", "actors", "victims", "regions")),
    *ui_rates.CMP_WIDGETS,
)
"""The sections' own widgets: their values outlive a visit to another section."""


def section_picker(view: AnalysisView) -> str:
    """The section the reader picks (the URL's ``section`` first, else the first one); the
    choice goes back to the URL, so a copied address opens the same section.

    Streamlit forgets the value of a widget a run does not draw: the other sections'
    widgets are re-assigned here, before any is drawn, so that coming back to a section
    finds its grouping, ranking, period and open tables as they were (and
    :func:`geo.ui.keep` carries them across pages)."""
    for key in SECTION_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    ui.keep(*SECTION_WIDGETS, SECTION_KEY)
    if SECTION_KEY not in st.session_state:
        raw = st.query_params.get(SECTION_PARAM)
        st.session_state[SECTION_KEY] = (raw if raw in SECTIONS else None) or next(iter(SECTIONS))
    section = st.radio(
        view.t("an_section"),
        list(SECTIONS),
        key=SECTION_KEY,
        horizontal=True,
        format_func=lambda s: view.t(SECTIONS[s]),
    )
    ui.remember({SECTION_KEY: section}, {SECTION_PARAM: section})
    return section


def draw_section(view: AnalysisView, section: str) -> None:
    """``section`` of :data:`SECTIONS`; ``all`` draws every section, one under the other."""
    for name in DRAW if section == "all" else (section,):
        DRAW[name](view)


def csv_button(
    view: AnalysisView,
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    title: str,
    used: set[str] | frozenset[str],
    index: bool = False,
) -> None:
    """``table`` (or what ``table()`` gives) as a CSV download, written when the button is
    clicked, not on every rerun."""
    lines = view.attribution(used)

    def data() -> bytes:
        return an.csv_bytes(table() if callable(table) else table, lines, title, index=index)

    st.download_button(
        view.t("an_download_csv"),
        data,
        file_name=f"sahel-atlas-{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
    )


def table_box(view: AnalysisView, name: str):  # Streamlit's ExpanderContainer
    """The "Table" expander under a chart: its table is built only while it is open (opening
    it reruns the section), not on every rerun."""
    return st.expander(view.t("an_table"), key=f"an_table_{name}", on_change="rerun")


# --- the charts' specs (each built once per key, ui_an.cached_spec) ----------------------------


def trend_specs(view: AnalysisView, by: str) -> list[dict]:
    trend = ui_an.trend_view(view.data_key, view.event_filter, by, view.lang)
    label = view.t("an_by_country" if by == "country_iso3" else "an_by_category")
    return [
        ui_an.cached_spec(
            kind, (*view.view_key, by), trend.shown, view.rules, view.lang, label, by, trend.period
        )
        for kind in ("events", "fatalities")
    ]


def ranked(view: AnalysisView, rank: str, victims: bool) -> pd.DataFrame:
    return ui_an.ranked_actors(
        view.data_key, view.event_filter, rank, victims, ui_an.RANKED[victims], view.lang
    )


def actors_spec(view: AnalysisView, rank: str, victims: bool) -> dict:
    if victims:
        return ui_an.cached_spec(
            "actors",
            (*view.view_key, rank, "victims"),
            ranked(view, rank, True).head(10),
            rank,
            view.lang,
            ui_an.VICTIM_COLOR,
            view.t("an_victim"),
        )
    return ui_an.cached_spec(
        "actors", (*view.view_key, rank), ranked(view, rank, False), rank, view.lang
    )


def warm_other_choices(view: AnalysisView, section: str) -> None:
    """The trend charts of the other grouping, built after everything is drawn (the
    browser draws the page meanwhile): regrouping the trends then finds its specs made.
    The other charts' specs (a ranking, a band share: a hundredth of a second each) are
    built when first chosen, so that a change of filter does not pay for all of them."""
    if view.chosen.count and section in ("trends", "all"):
        for by in ui_an.TREND_GROUPINGS:
            trend_specs(view, by)


def prepare_default_view(lang: str) -> None:
    """What a first visit to the page computes for the default filter, in every section
    (the numbers and the chart specs its default choices draw), through the sections' own
    caches: the warm-up at server start calls it (``geo.ui.warmup``), so that the first
    visit, of one section or of the whole page, finds them made. Outside a session: the
    tri-border core's radius is the default one (a session's own is read by the page)."""
    events = analysis_events()
    f = ui_events.default_filter(events)
    key = ui_events.events_key()
    view = AnalysisView(
        lang=lang,
        events=events,
        event_filter=f,
        url_filters={},
        data_key=key,
        chosen=ui_an.selection(key, f),
        rules=ui_an.milestone_rules(),
    )
    if not view.chosen.count:
        return
    for by in ui_an.TREND_GROUPINGS:
        trend_specs(view, by)
    span = ui_events.data_span(events)
    pivot = an.DEFAULT_PIVOT if span[0] <= an.DEFAULT_PIVOT <= span[1] else span[1]
    window, radius = an.DEFAULT_WINDOW_MONTHS, ui.zone_definitions().default_radius_km
    ba, _ = ui_an.before_after(key, f, pivot, window, radius)
    ui_an.cached_spec(
        "before_after",
        (key, repr(f), pivot, window, radius, lang),
        an.before_after_long(ba.table),
        tables.area_labels(radius, lang),
        lang,
    )
    if (bands := view.chosen.bands) is not None:
        share = BAND_MEASURES[0]
        ui_an.cached_spec("bands", (*view.view_key, share), bands.table, share, lang)
    for victims in (False, True):
        if not ranked(view, ui_an.RANKINGS[0], victims).empty:
            actors_spec(view, ui_an.RANKINGS[0], victims)
    ui_an.region_counts(key, f, f.date_from, f.date_to)
    ui_an.cached_region_features(lang)
    ui_rates.region_rates(key, f, f.date_from, f.date_to)
    ui_rates.prepare_default_comparison(view)


# --- 1. trends per month ----------------------------------------------------------------------


@st.fragment
def trends_section(view: AnalysisView) -> None:
    """Monthly trends, regrouped by country or category."""
    t = view.t
    st.header(t("an_trends"))
    by = st.radio(
        t("an_group_by"),
        list(ui_an.TREND_GROUPINGS),
        horizontal=True,
        key="an_by",
        format_func=lambda v: t("an_by_country" if v == "country_iso3" else "an_by_category"),
    )
    if not view.chosen.count:
        return
    group_label = t("an_by_country" if by == "country_iso3" else "an_by_category")
    trend = ui_an.trend_view(view.data_key, view.event_filter, by, view.lang)
    for kind, spec in zip(("events", "fatalities"), trend_specs(view, by), strict=True):
        st.vega_lite_chart(spec, width="stretch")
        title_key = "an_events_per" if kind == "events" else "an_fatalities_per"
        chart_figure_buttons(
            view,
            f"trend-{kind}",
            (by,),
            t(f"{title_key}_{trend.period}"),
            view.chosen.datasets,
            partial(trend_chart, trend, kind, by, view.lang, view.rules),
        )
    st.caption(
        f"{t('an_rules_hint')} {t('an_month_rule')} "
        f"{t('an_period_rule', max=an.MAX_BARS)} {t('an_save_hint')}"
    )
    if (box := table_box(view, "trends")).open:
        with box:
            st.dataframe(ui_an.number_table(trend.table, view.lang), width="stretch")
    csv_button(
        view,
        lambda: trend.export,
        tables.trend_download_name(trend.period, by),
        t("an_csv_title_trend", by=group_label, period=t(f"an_csv_period_{trend.period}")),
        view.chosen.datasets,
    )


# --- 2. before / after ------------------------------------------------------------------------


@st.fragment
def before_after_section(view: AnalysisView) -> None:
    """The two windows around a pivot date, per area."""
    t, fmt, day, lang = view.t, view.fmt, view.day, view.lang
    st.header(t("an_ba"))
    span = ui_events.data_span(view.events)
    default_pivot = an.DEFAULT_PIVOT if span[0] <= an.DEFAULT_PIVOT <= span[1] else span[1]
    ui.url_backed("pivot", default_pivot, ui_an.parse_pivot(span))
    ui.url_backed("window", an.DEFAULT_WINDOW_MONTHS, ui_an.parse_window)
    pivot_col, window_col = st.columns(2)
    with pivot_col:
        pivot = st.date_input(
            t("an_pivot"),
            min_value=span[0],
            max_value=span[1],
            key="pivot",
            format=t("date_input_format"),
        )
    with window_col:
        window = int(
            st.number_input(
                t("an_window"), min_value=1, max_value=an.MAX_WINDOW_MONTHS, step=1, key="window"
            )
        )
    radius = ui_an.core_radius(ui.zone_definitions().default_radius_km)
    # The windows set their own dates: every filter but the date range applies.
    ba, ba_datasets = ui_an.before_after(view.data_key, view.event_filter, pivot, window, radius)
    w = ba.windows
    st.caption(
        t(
            "an_ba_windows",
            b_start=day(w.before_start),
            b_end=day(w.before_last_day),
            a_start=day(w.pivot),
            a_end=day(w.after_last_day),
        )
        + " "
        + t("an_ba_dates_note")
    )
    st.warning(t("an_descriptive"), icon=ui.WARNING_ICON)
    if w.after_last_day.date() > span[1]:
        st.caption(t("an_ba_beyond", last=day(span[1])))
    if w.before_start.date() < span[0]:
        st.caption(t("an_ba_before_data", first=day(span[0])))

    aes = ba.table.loc["AES"]
    m1, m2 = st.columns(2)
    m1.metric(
        t("an_metric_events"),
        f"{fmt(aes['events_before'])} → {fmt(aes['events_after'])}",
        delta=tables.signed(aes["events_change"], lang),
        delta_color="off",
    )
    fat_before = t(
        "an_fat_range",
        low=fmt(aes["fatalities_low_before"]),
        high=fmt(aes["fatalities_high_before"]),
    )
    fat_after = t(
        "an_fat_range", low=fmt(aes["fatalities_low_after"]), high=fmt(aes["fatalities_high_after"])
    )
    m2.metric(
        t("an_metric_fat"),
        f"{fat_before} → {fat_after}",
        delta=t(
            "an_fat_delta",
            low=tables.signed(aes["fatalities_low_change"], lang),
            high=tables.signed(aes["fatalities_high_change"], lang),
        ),
        delta_color="off",
    )

    labels = tables.area_labels(radius, lang)
    ba_view = tables.before_after_view(ba.table, labels, lang)
    st.dataframe(
        ui_an.number_table(
            ba_view,
            lang,
            decimals={c: 1 for c in ba_view.columns if c.endswith(t("an_change_pct"))},
        ),
        width="stretch",
    )
    st.vega_lite_chart(
        ui_an.cached_spec(
            "before_after",
            (view.data_key, repr(view.event_filter), pivot, window, radius, lang),
            an.before_after_long(ba.table),
            labels,
            lang,
        )
    )
    for measure in ("events", "fatalities_high"):
        chart_figure_buttons(
            view,
            f"before-after-{'events' if measure == 'events' else 'deaths'}",
            (pivot, window, radius),
            f"{t('an_ba')} · {t('an_events' if measure == 'events' else 'an_fat_high')}",
            ba_datasets,
            partial(before_after_figure_chart, ba.table, labels, measure, lang),
            note=st_windows_note(view, w),
        )
    cb, ca = ba.completeness_before, ba.completeness_after
    st.caption(
        t(
            "an_completeness",
            b_date=fmt(cb.inexact_date),
            b_total=fmt(cb.total),
            b_place=fmt(cb.inexact_place),
            a_date=fmt(ca.inexact_date),
            a_total=fmt(ca.total),
            a_place=fmt(ca.inexact_place),
        )
        + " "
        + t("an_straddling_count", count=ba.straddling)
        + " "
        + t("an_core_radius_note", radius=tables.radius_text(radius, lang))
    )
    csv_button(
        view,
        lambda: tables.before_after_export(ba.table, labels),
        "before-after",
        t("an_csv_title_ba", pivot=w.pivot.date().isoformat(), count=window),
        ba_datasets,
        index=True,
    )
    ui.remember(
        {"pivot": pivot, "window": window}, {"pivot": pivot.isoformat(), "window": str(window)}
    )


# --- 3. distance bands ------------------------------------------------------------------------


@st.fragment
def bands_section(view: AnalysisView) -> None:
    """Shares per distance band from the tripoint, per year."""
    t, lang = view.t, view.lang
    st.header(t("an_bands"))
    bands = view.chosen.bands
    if bands is None:
        return
    share_col = st.radio(
        t("an_band_measure"),
        list(BAND_MEASURES),
        horizontal=True,
        key="an_band_measure",
        format_func=lambda c: t(tables.BAND_SHARES[c]),
    )
    st.vega_lite_chart(
        ui_an.cached_spec("bands", (*view.view_key, share_col), bands.table, share_col, lang),
        width="stretch",
    )
    chart_figure_buttons(
        view,
        "distance-bands",
        (share_col,),
        f"{t('an_bands')} · {t(tables.BAND_SHARES[share_col])}",
        view.chosen.bands_datasets,
        lambda: bands_figure_chart(bands.table, share_col, lang),
    )
    st.write(tables.bands_sentence(bands.summary, lang))
    st.caption(
        t("an_bands_rule")
        + " "
        + t("an_bands_unlocated", count=int(bands.unlocated.sum()))
        + " "
        + t("an_save_hint")
    )
    if (box := table_box(view, "bands")).open:
        with box:
            st.dataframe(
                ui_an.number_table(
                    tables.bands_summary_view(bands.summary, lang),
                    lang,
                    percent=[t("an_within_100")],
                    decimals={t("an_median_km"): 1},
                ),
                width="stretch",
            )
            st.dataframe(
                ui_an.number_table(
                    tables.bands_table_view(bands.table, lang),
                    lang,
                    percent=tables.band_share_columns(lang).values(),
                ),
                width="stretch",
                hide_index=True,
            )
    csv_button(
        view, bands.table, "distance-bands", t("an_csv_title_bands"), view.chosen.bands_datasets
    )


# --- 4. top actors ----------------------------------------------------------------------------


@st.fragment
def actors_section(view: AnalysisView) -> None:
    """Top actors and victims, ranked by events or deaths."""
    t, lang = view.t, view.lang
    st.header(t("an_actors"))
    rank = st.radio(
        t("an_rank_by"),
        list(ui_an.RANKINGS),
        horizontal=True,
        key="an_rank",
        format_func=lambda m: t("an_events" if m == "events" else "an_fat_high"),
    )
    top = ranked(view, rank, False)
    if not top.empty:
        st.vega_lite_chart(actors_spec(view, rank, False), width="stretch")
        chart_figure_buttons(
            view,
            "top-actors",
            (rank,),
            t("an_actors"),
            view.chosen.datasets,
            lambda: actors_figure_chart(top, rank, ui_an.ACTOR_COLOR, lang),
        )
        st.caption(t("an_actors_note") + " " + t("an_save_hint"))
        if (box := table_box(view, "actors")).open:
            with box:
                st.dataframe(
                    ui_an.number_table(tables.actors_view(top, lang), lang),
                    width="stretch",
                    hide_index=True,
                )
        csv_button(view, top, "top-actors", t("an_csv_title_actors"), view.chosen.datasets)
    victims = ranked(view, rank, True)
    if not victims.empty:
        st.subheader(t("an_victims"))
        st.caption(t("an_victims_count", count=len(victims)))
        st.vega_lite_chart(actors_spec(view, rank, True), width="stretch")
        chart_figure_buttons(
            view,
            "victims",
            (rank,),
            t("an_victims"),
            view.chosen.datasets,
            lambda: actors_figure_chart(victims.head(10), rank, ui_an.VICTIM_COLOR, lang),
        )
        if (box := table_box(view, "victims")).open:
            with box:
                st.dataframe(
                    ui_an.number_table(tables.actors_view(victims, lang, True), lang),
                    width="stretch",
                    hide_index=True,
                )
        csv_button(view, victims, "victims", t("an_csv_title_victims"), view.chosen.datasets)


# --- 5. admin-1 choropleth --------------------------------------------------------------------


def clicked_region(payload: object) -> str | None:
    """The admin-1 id of the region last clicked on the choropleth, from the value
    ``st_folium`` keeps in the session under its key (None: none, or not a region)."""
    drawing = (payload if isinstance(payload, dict) else {}).get("last_active_drawing")
    properties = drawing.get("properties") if isinstance(drawing, dict) else None
    clicked = properties.get("id") if isinstance(properties, dict) else None
    return clicked if isinstance(clicked, str) else None


def map_basis_picker(view: AnalysisView) -> str:
    """What the regions map shows (:data:`geo.analysis.rates.BASES`): the count, per
    10,000 km² or per 100,000 people; first from the URL (``map_rate``), and back to it."""
    state.seed(state.AN_MAP_BASIS, valid=lambda v: v in rates.BASES)
    basis = st.radio(
        view.t("an_map_basis"),
        list(rates.BASES),
        horizontal=True,
        key=state.AN_MAP_BASIS.name,
        format_func=lambda b: view.t(f"an_basis_{b}"),
    )
    ui.remember({state.AN_MAP_BASIS.name: basis}, state.encoded([(state.AN_MAP_BASIS, basis)]))
    return str(basis)


@st.fragment
def regions_section(view: AnalysisView) -> None:
    """The admin-1 choropleth, its period and measure, the clicked region."""
    # Imported in a script run (a component registers itself on its first import, see
    # geo.ui.warmup), and only by the section that draws it.
    from streamlit_folium import st_folium  # type: ignore[import-untyped]

    t, fmt, lang, f = view.t, view.fmt, view.lang, view.event_filter
    st.header(t("an_regions"))
    pcol, mcol, bcol = st.columns([2, 2, 3])
    with pcol:
        period = st.selectbox(
            t("an_period"),
            ["all", *[str(y) for y in view.chosen.years]],
            key="an_period",
            format_func=lambda p: t("an_period_all") if p == "all" else p,
        )
    with mcol:
        map_measure = st.radio(
            t("an_measure"),
            ["events", "fatalities_high"],
            horizontal=True,
            key="an_map_measure",
            format_func=lambda m: t("an_events" if m == "events" else "an_fat_high"),
        )
    with bcol:
        basis = map_basis_picker(view)
    if period == "all":
        start, end, period_label = f.date_from, f.date_to, t("an_period_all")
    else:
        start, end, period_label = date(int(period), 1, 1), date(int(period), 12, 31), period
    counts = ui_an.region_counts(view.data_key, f, start, end)
    # the rates of the same sums (one table for the map, its figure and the rates block)
    table = ui_rates.region_rates(view.data_key, f, start, end) if basis != "count" else None
    admin1 = ui.boundary_layers()["admin1"]
    fmap, classes = ui_an.choropleth(
        admin1, counts, map_measure, lang, ui_an.cached_region_features(lang), table, basis
    )
    map_col, info_col = st.columns([3, 2], gap="medium")
    with map_col:
        st_folium(
            fmap, key=MAP_KEY, height=480, width="stretch", returned_objects=["last_active_drawing"]
        )
        measure_label = ui_an.map_label(map_measure, basis, lang)
        st.html(ui_an.legend_html(classes, lang, basis, title=measure_label))
        if basis != "count":
            st.caption(t("an_map_rate_note"))
        captions = figure_captions(
            view, f"{t('an_regions')} · {measure_label} · {period_label}", view.chosen.datasets
        )
        ui_figures.figure_buttons(
            "regions",
            ("regions", *view.view_key, period, map_measure, basis),
            lambda: ui_figures.region_figure(
                admin1,
                ui_an.region_colours(counts, map_measure, admin1["id"], classes, table, basis),
                ui_an.legend_items(classes, lang, basis),
                captions.title,
                lang,
                measure_label,
                captions.filters,
                attribution=captions.attribution,
            ),
            lang,
        )
    with info_col:
        clicked = clicked_region(st.session_state.get(MAP_KEY))
        names = admin1.set_index("id")["name_fr" if lang == "fr" else "name_en"]
        if clicked is not None and clicked in names.index:
            row = counts.loc[clicked] if clicked in counts.index else None
            st.markdown(
                ui.markdown_text(
                    t(
                        "an_region_line",
                        name=names[clicked],
                        period=period_label,
                        count=0 if row is None else int(row["events"]),
                        low=fmt(0 if row is None else int(row["fatalities_low"])),
                        high=fmt(0 if row is None else int(row["fatalities_high"])),
                    )
                )
            )
        else:
            st.info(t("an_region_hint"))
        if view.chosen.unassigned:
            st.caption(t("an_region_unassigned", count=view.chosen.unassigned))
        region_table = tables.region_table(counts, names)
        if (box := table_box(view, "regions")).open:
            with box:
                st.dataframe(
                    ui_an.number_table(tables.regions_view(region_table, lang), lang),
                    width="stretch",
                    hide_index=True,
                )
        csv_button(
            view,
            region_table,
            "regions",
            t("an_csv_title_regions", period=period_label),
            view.chosen.datasets,
        )
    ui_rates.rates_block(view, start, end, period_label)


DRAW: dict[str, Callable[[AnalysisView], None]] = {
    "trends": trends_section,
    "before_after": before_after_section,
    "bands": bands_section,
    "actors": actors_section,
    "regions": regions_section,
    "compare": ui_rates.compare_section,
}
"""The drawing of each of :data:`SECTIONS`."""


# --- figures of the charts (PNG, SVG: geo.render.figures) ------------------------------------


def figure_captions(view: AnalysisView, title: str, used: set[str] | frozenset[str]) -> Captions:
    """Title, filters, date and the datasets' attribution of a chart's figure."""
    filters_line = view.t(
        "exp_filters", filters=exports.describe_filter(view.url_filters, view.lang)
    )
    lines = [line for line in view.attribution(used) if line != filters_line]
    return Captions(
        title,
        filters_line,
        view.t("exp_map_made", moment=format_timestamp(dt.datetime.now(dt.UTC), view.lang)),
        attribution=tuple(lines or [view.t("exp_curated")]),
    )


PERIOD_FREQ = {"month": "MS", "quarter": "QS", "year": "YS"}


def chart_milestones(
    rules: pd.DataFrame, periods: list[pd.Timestamp], period: str, lang: str
) -> list[Milestone]:
    """The milestones (:func:`geo.ui.analysis.milestone_rules`) that fall in the chart's
    ``periods`` (each one's first day), placed within their period, with the page's
    labels and colours."""
    if rules.empty or not periods:
        return []
    starts = pd.DatetimeIndex(periods)
    step = pd.tseries.frequencies.to_offset(PERIOD_FREQ[period])
    labels = ui_an.rule_labels(rules, lang)
    out = []
    for (_, rule), label in zip(rules.iterrows(), labels, strict=True):
        when = pd.Timestamp(rule["date"])
        i = int(starts.searchsorted(when, side="right")) - 1
        if i < 0:
            continue
        start, end = starts[i], starts[i] + step
        if i == len(starts) - 1 and when >= end:
            continue  # after the chart's last period
        fraction = min(1.0, (when - start) / (end - start))
        colour = ui_an.RULE_COLORS.get(str(rule["kind"]), ui_an.RULE_COLORS["other"])
        out.append(Milestone(i + fraction, str(label), colour))
    return out


def trend_chart(
    trend: ui_an.TrendView, kind: str, by: str, lang: str, rules: pd.DataFrame | None = None
) -> Chart:
    """The trend chart's numbers (events as stacked bars, deaths as lines over their band),
    from the same series the page's chart draws, with its milestones (``rules``)."""
    t = ui.translator(lang)
    shown = trend.shown
    periods = sorted(shown["month"].unique())
    pairs = shown[["group", "group_label"]].drop_duplicates()
    colours = ui_an.group_colours(list(pairs["group"]), by)
    series = []
    for (code, label), colour in zip(pairs.itertuples(index=False), colours, strict=True):
        rows = shown[shown["group"] == code].set_index("month").reindex(periods)
        if kind == "events":
            series.append(Series(label, colour, rows["events"].fillna(0).tolist()))
        else:
            series.append(
                Series(
                    label,
                    colour,
                    rows["fatalities_high"].fillna(0).tolist(),
                    rows["fatalities_low"].fillna(0).tolist(),
                )
            )
    return Chart(
        "bars" if kind == "events" else "lines",
        [an.period_label(pd.Timestamp(p), trend.period) for p in periods],
        series,
        t("an_events") if kind == "events" else f"{t('an_fat_low')} – {t('an_fat_high')}",
        t(f"an_period_{trend.period}"),
        t("an_by_country" if by == "country_iso3" else "an_by_category"),
        milestones=chart_milestones(
            rules if rules is not None else pd.DataFrame(),
            [pd.Timestamp(p) for p in periods],
            trend.period,
            lang,
        ),
        milestone_legend=t("an_milestone"),
    )


def bands_figure_chart(table: pd.DataFrame, share_col: str, lang: str) -> Chart:
    t = ui.translator(lang)
    years = sorted(table["year"].unique())
    series = []
    for band, colour in zip(an.BAND_LABELS, ui_an.BAND_COLORS, strict=True):
        rows = table[table["band"].astype(str) == band].set_index("year").reindex(years)
        series.append(
            Series(tables.band_label(band, lang), colour, rows[share_col].fillna(0).tolist())
        )
    return Chart(
        "bars",
        [str(y) for y in years],
        series,
        t("an_share"),
        t("an_year"),
        t("an_band"),
        percent=True,
    )


def before_after_figure_chart(
    table: pd.DataFrame, labels: dict[str, str], measure: str, lang: str
) -> Chart:
    """One measure of the before/after chart: a bar per window and area."""
    t = ui.translator(lang)
    return Chart(
        "hbars",
        [labels[a] for a in an.AREAS],
        [
            Series(
                t(f"an_window_{window}"),
                colour,
                table[f"{measure}_{window}"].reindex(an.AREAS).fillna(0).tolist(),
            )
            for window, colour in zip(("before", "after"), ui_an.WINDOW_COLORS, strict=True)
        ],
        t("an_events" if measure == "events" else "an_fat_high"),
        legend_title=t("an_window_label"),
    )


def st_windows_note(view: AnalysisView, w: an.Windows) -> str:
    """The two windows' days, for the before/after figures."""
    return view.t(
        "an_ba_windows",
        b_start=view.day(w.before_start),
        b_end=view.day(w.before_last_day),
        a_start=view.day(w.pivot),
        a_end=view.day(w.after_last_day),
    )


def actors_figure_chart(top: pd.DataFrame, measure: str, colour: str, lang: str) -> Chart:
    t = ui.translator(lang)
    title = t("an_events") if measure == "events" else t("an_fat_high")
    return Chart(
        "hbars",
        [str(a) for a in top["actor"]],
        [Series(title, colour, top[measure].tolist())],
        title,
    )


def chart_figure_buttons(
    view: AnalysisView,
    name: str,
    key: tuple,
    title: str,
    used: set[str] | frozenset[str],
    chart: Callable[[], Chart],
    note: str = "",
    notes: tuple[str, ...] = (),
) -> None:
    """A chart's PNG and SVG, drawn on click (``key``: what its numbers depend on;
    ``note``, ``notes``: lines the figure adds under the chart)."""
    lines = ((note,) if note else ()) + tuple(notes)

    def scene() -> Scene:
        captions = figure_captions(view, title, used)
        return chart_scene(chart(), replace(captions, notes=lines), view.lang)

    ui_figures.figure_buttons(name, (name, *view.view_key, *key), scene, view.lang)
