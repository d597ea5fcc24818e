"""Streamlit wiring of the "Where it is changing" page: cached signals, their map and
tables. The numbers come from :mod:`geo.analysis.signals`; this module only draws them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import ui
from geo.analysis import signals as sg
from geo.i18n.catalogue import format_day, format_number, translate
from geo.io.actors import aliases
from geo.model.countries import country_name
from geo.model.filters import EventFilter
from geo.render import palette
from geo.render.figures.scene import Scene
from geo.render.html import escape_value, render
from geo.ui import analysis as ui_an
from geo.ui import figures as ui_figures
from geo.ui import state

LEVEL_COLOURS: dict[str, str] = {
    "well_above": palette.VERMILLION,
    "above": palette.ORANGE,
    "usual": palette.OTHER_COUNTRY_COLOUR,
    "below": palette.SKY_BLUE,
    "too_few": palette.ZERO_COLOUR,
    "short_baseline": palette.ZERO_COLOUR,
}
"""One colour per change level (Okabe-Ito hues); no level and no event share the pale
ground of the Analysis page's choropleth."""
NO_EVENT_COLOUR = palette.ZERO_COLOUR
LEGEND_LEVELS: tuple[str, ...] = ("well_above", "above", "usual", "below", "too_few")


@dataclass(frozen=True, eq=False)
class Signals:
    end: date
    period: str
    regions: pd.DataFrame
    """:func:`geo.analysis.signals.change_table` per admin-1 unit."""
    countries: pd.DataFrame
    records: pd.DataFrame
    """:func:`geo.analysis.signals.record_table` per admin-1 unit."""
    new_actors: sg.NewActors
    first_day: date


def undated(f: EventFilter) -> EventFilter:
    """The filter without its dates: the periods set their own."""
    return replace(f, date_from=None, date_to=None)


def data_end(key: str, f: EventFilter) -> tuple[date, date] | None:
    """First and last day of the events ``f`` selects whatever their dates."""
    u = undated(f)
    return _span(key, repr(u), u)


@st.cache_resource(show_spinner=False, max_entries=ui_an.SELECTIONS_KEPT)
def _span(key: str, token: str, _f: EventFilter) -> tuple[date, date] | None:
    arrays = ui_an.event_arrays(key)
    return sg.data_span(arrays, ui_an.selection_mask(arrays, _f))


def signals(key: str, f: EventFilter, period: str, end: date) -> Signals | None:
    """Every signal of the events ``f`` selects (dates aside) for the period ending
    ``end``; once per set of events, filter, period and end day. None: no event."""
    u = undated(f)
    return _signals(key, repr(u), u, period, end)


@st.cache_resource(show_spinner=False, max_entries=ui_an.SELECTIONS_KEPT)
def _signals(key: str, token: str, _f: EventFilter, period: str, end: date) -> Signals | None:
    arrays = ui_an.event_arrays(key)
    mask = ui_an.selection_mask(arrays, _f)
    span = sg.data_span(arrays, mask)
    if span is None:
        return None
    return Signals(
        end=end,
        period=period,
        regions=sg.change_table(arrays, mask, "admin1", period, end),
        countries=sg.change_table(arrays, mask, "country", period, end),
        records=sg.record_table(arrays, mask, "admin1", period, end),
        new_actors=sg.new_actors(arrays, mask, period, end),
        first_day=span[0],
    )


# --- texts ---------------------------------------------------------------------------------


def level_label(level: str, lang: str) -> str:
    return translate(f"sg_level_{level}", lang)


def baseline_text(row: pd.Series, measure: str, lang: str) -> str:
    """``12 (baseline 2.2 ± 0.6 over 12 months)``."""
    return translate(
        "sg_baseline_text",
        lang,
        count=format_number(int(row[measure]), lang),
        mean=format_number(float(row[f"{measure}_mean"]), lang, 1),
        sd=format_number(float(row[f"{measure}_sd"]), lang, 1),
        periods=int(row["baseline_periods"]),
    )


def unit_names(admin1: gpd.GeoDataFrame, lang: str) -> pd.Series:
    return admin1.set_index("id")["name_fr" if lang == "fr" else "name_en"]


def change_view(table: pd.DataFrame, names: pd.Series | None, lang: str) -> pd.DataFrame:
    """The change table for ``st.dataframe``: names, counts, baseline, level, per measure."""
    t = ui.translator(lang)
    index = table.index.to_series()
    name = (
        index.map(names).fillna(index)
        if names is not None
        else index.map(lambda iso: country_name(iso, lang))
    )
    out = pd.DataFrame({t("sg_unit"): name.to_numpy()})
    for measure, label in (("events", t("an_events")), ("fatalities", t("an_fat_high"))):
        out[label] = table[measure].to_numpy()
        out[f"{label} · {t('sg_mean')}"] = table[f"{measure}_mean"].round(1).to_numpy()
        out[f"{label} · {t('sg_sd')}"] = table[f"{measure}_sd"].round(1).to_numpy()
        out[f"{label} · {t('sg_level')}"] = [
            level_label(v, lang) for v in table[f"{measure}_level"]
        ]
    out[t("sg_baseline_periods")] = table["baseline_periods"].to_numpy()
    return out


def records_view(records: pd.DataFrame, names: pd.Series, period: str, lang: str) -> pd.DataFrame:
    t = ui.translator(lang)

    def when(row: pd.Series) -> str:
        if row["previous_start"] is None or pd.isna(row["previous_start"]):
            return t("sg_none_before")
        return t(
            "sg_span",
            first=format_day(row["previous_start"], lang, "medium"),
            last=format_day(row["previous_end"], lang, "medium"),
        )

    return pd.DataFrame(
        {
            t("sg_unit"): records["admin1"].map(names).fillna(records["admin1"]).to_numpy(),
            t("sg_measure"): [
                t("an_events" if m == "events" else "an_fat_high") for m in records["measure"]
            ],
            t("sg_this_period"): records["value"].to_numpy(),
            t("sg_events_base"): records["events"].to_numpy(),
            t("sg_not_seen"): [t("sg_years", count=int(y)) for y in records["years"]],
            t("sg_previous_max"): records["previous_max"].to_numpy(),
            t("sg_previous_when"): [when(r) for _, r in records.iterrows()],
        }
    )


def actors_view(table: pd.DataFrame, names: pd.Series, lang: str) -> pd.DataFrame:
    t = ui.translator(lang)
    return pd.DataFrame(
        {
            t("sg_unit"): table["admin1"].map(names).fillna(table["admin1"]).to_numpy(),
            t("an_actor"): table["actor"].map(lambda a: aliases().display(a, lang)).to_numpy(),
            t("an_events"): table["events"].to_numpy(),
            t("sg_first_seen"): [format_day(d, lang, "medium") for d in table["first"]],
        }
    )


# --- map -----------------------------------------------------------------------------------


def level_map(
    admin1: gpd.GeoDataFrame,
    regions: pd.DataFrame,
    measure: str,
    lang: str,
    features: dict | None = None,
) -> folium.Map:
    """An offline folium map of the admin-1 units coloured by the change level of
    ``measure`` (``events`` or ``fatalities``); the tooltip gives the unit, its level and
    its base counts (escaped)."""
    t = ui.translator(lang)
    shapes = features if features is not None else ui_an.region_features(admin1, lang)
    label = t("an_events") if measure == "events" else t("an_fat_high")
    by_id = regions.reindex(admin1["id"])
    feats = []
    for feature, (_, row) in zip(shapes["features"], by_id.iterrows(), strict=True):
        fill = level_colour(row, measure)
        if pd.isna(row[measure]):
            value = t("sg_no_event")
        else:
            level = str(row[f"{measure}_level"])
            value = f"{label}: {baseline_text(row, measure, lang)} · {level_label(level, lang)}"
        feats.append(
            {
                **feature,
                "properties": {
                    **feature["properties"],
                    "value": str(escape_value(value)),
                    "fill": fill,
                },
            }
        )
    return ui_an.filled_regions_map({**shapes, "features": feats}, t("sg_map"), admin1)


def level_colour(row: pd.Series, measure: str) -> str:
    """A unit's colour on the map of levels: its level's, or none for no event."""
    if pd.isna(row[measure]):
        return NO_EVENT_COLOUR
    return LEVEL_COLOURS[str(row[f"{measure}_level"])]


def level_figure(
    admin1: gpd.GeoDataFrame,
    regions: pd.DataFrame,
    measure: str,
    lang: str,
    filters: str,
    note: str,
) -> Scene:
    """The map of levels as a figure (geo.render.figures), with its legend; ``note``: the
    period and its baseline."""
    t = ui.translator(lang)
    by_id = regions.reindex(admin1["id"])
    colours = {
        str(i): level_colour(row, measure)
        for i, (_, row) in zip(admin1["id"], by_id.iterrows(), strict=True)
    }
    legend = [(LEVEL_COLOURS[lv], level_label(lv, lang)) for lv in LEGEND_LEVELS]
    legend.append((NO_EVENT_COLOUR, t("sg_no_event")))
    heading = t("an_events") if measure == "events" else t("an_fat_high")
    return ui_figures.region_figure(
        admin1, colours, legend, f"{t('sg_map')} · {heading}", lang, heading, filters, (note,)
    )


def level_legend_html(lang: str) -> str:
    """The change levels' legend: each level's colour and name."""
    return render(
        "colour_legend.html.j2",
        css_class="sg-legend",
        items=[(LEVEL_COLOURS[lv], level_label(lv, lang)) for lv in LEGEND_LEVELS],
    )


# --- the page's controller -----------------------------------------------------------------


def _one_place(lang: str) -> dict[str, int]:
    """The mean and deviation columns, written with one decimal."""
    t = ui.translator(lang)
    return {
        f"{t(m)} · {t(s)}": 1 for m in ("an_events", "an_fat_high") for s in ("sg_mean", "sg_sd")
    }


def _period_widgets(span: tuple[date, date], lang: str) -> tuple[str, date, str]:
    """Period, end day and measure (the first two from the URL, kept in it)."""
    t = ui.translator(lang)

    def in_span(day: object) -> bool:
        return isinstance(day, date) and span[0] <= day <= span[1]

    state.seed(state.SG_PERIOD)
    if state.has(state.SG_END) and not in_span(state.get(state.SG_END)):
        state.put(state.SG_END, span[1])  # the filters changed the data's span
    state.seed(state.SG_END, span[1], valid=in_span)
    pcol, ecol, mcol = st.columns(3)
    with pcol:
        period = st.radio(
            t("sg_period"),
            list(sg.PERIODS),
            horizontal=True,
            key=state.SG_PERIOD.name,
            format_func=lambda p: t(f"sg_period_{p}"),
        )
    with ecol:
        end = st.date_input(
            t("sg_end"),
            min_value=span[0],
            max_value=span[1],
            key=state.SG_END.name,
            format=t("date_input_format"),
        )
    with mcol:
        measure = st.radio(
            t("an_measure"),
            list(sg.MEASURES),
            horizontal=True,
            key=state.SG_MEASURE.name,
            format_func=lambda m: t("an_events" if m == "events" else "an_fat_high"),
        )
    ui.remember(
        {state.SG_PERIOD.name: period, state.SG_END.name: end},
        state.encoded([(state.SG_PERIOD, period), (state.SG_END, end)]),
    )
    return period, end, measure


@st.fragment
def signals_section(
    span: tuple[date, date],
    data_key: str,
    f: EventFilter,
    admin1: gpd.GeoDataFrame,
    lang: str,
    filters: str = "",
) -> None:
    """Period, end day and measure; the map of levels and the tables (a fragment: a change
    of period reruns only this). ``filters``: the sidebar's filters in words, for the
    map's figure."""
    t = ui.translator(lang)
    period, end, measure = _period_widgets(span, lang)
    found = signals(data_key, f, period, end)
    if found is None:
        st.info(t("an_no_events"))
        return
    first, last = sg.period_span(end, period)
    st.markdown(
        ui.markdown_text(
            t(
                "sg_period_line",
                first=format_day(first, lang),
                last=format_day(last, lang),
                count=sg.BASELINE_PERIODS,
                unit=t(f"sg_periods_{period}"),
            )
        )
    )
    st.caption(t("sg_rule", min=sg.MIN_COUNT, periods=sg.MIN_BASELINE_PERIODS))
    names = unit_names(admin1, lang)

    st.header(t("sg_records"))
    st.caption(t("sg_records_rule", min=sg.MIN_COUNT))
    if found.records.empty:
        st.info(t("sg_no_records"))
    else:
        st.dataframe(
            ui_an.number_table(records_view(found.records, names, period, lang), lang),
            width="stretch",
            hide_index=True,
            key=state.SG_RECORDS_TABLE.name,
        )

    # Imported in a script run, not with this module: the warm-up imports this module in
    # its own thread, and a component imported outside a run is never registered (its
    # frame answers 404 on every page; see geo.ui.warmup._libraries).
    from streamlit_folium import st_folium  # type: ignore[import-untyped]

    st.header(t("sg_map"))
    map_col, info_col = st.columns([3, 2], gap="medium")
    with map_col:
        fmap = level_map(admin1, found.regions, measure, lang, ui_an.cached_region_features(lang))
        st_folium(
            fmap, key=state.SG_LEVEL_MAP.name, height=460, width="stretch", returned_objects=[]
        )
        st.html(level_legend_html(lang))
        note = t(
            "sg_period_line",
            first=format_day(first, lang),
            last=format_day(last, lang),
            count=sg.BASELINE_PERIODS,
            unit=t(f"sg_periods_{period}"),
        )
        filters_line = t("exp_filters", filters=filters)
        ui_figures.figure_buttons(
            "change-levels",
            ("levels", data_key, repr(f), period, end, measure, lang),
            lambda: level_figure(admin1, found.regions, measure, lang, filters_line, note),
            lang,
        )
    with info_col:
        st.subheader(t("sg_countries"))
        st.dataframe(
            ui_an.number_table(
                change_view(found.countries, None, lang), lang, decimals=_one_place(lang)
            ),
            width="stretch",
            hide_index=True,
        )
    st.subheader(t("sg_regions"))
    st.dataframe(
        ui_an.number_table(
            change_view(found.regions, names, lang), lang, decimals=_one_place(lang)
        ),
        width="stretch",
        hide_index=True,
    )

    st.header(t("sg_new_actors"))
    new = found.new_actors
    st.caption(
        t("sg_new_actors_rule", months=sg.NEW_ACTOR_MONTHS, since=format_day(new.since, lang))
    )
    if not new.covered:
        st.warning(
            t("sg_new_actors_uncovered", first=format_day(found.first_day, lang)),
            icon=ui.WARNING_ICON,
        )
    if new.table.empty:
        st.info(t("sg_no_new_actors"))
    else:
        st.dataframe(
            ui_an.number_table(actors_view(new.table, names, lang), lang),
            width="stretch",
            hide_index=True,
        )
