"""Where it is changing: each admin-1 unit's and country's last week, month or quarter
against its own recent baseline, record levels and new actors, on the events the
sidebar's filters select (dates aside: the periods set their own)."""

from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from geo import ui
from geo.analysis import signals as sg
from geo.i18n.catalogue import format_day
from geo.ui import analysis as ui_an
from geo.ui import events as ui_events
from geo.ui import signals as ui_sg

ui.ensure_app_shell()

lang = ui.current_language()
t = ui.translator(lang)
layers = ui.boundary_layers()
events, _problems = ui_events.app_events()
events = events.drop(columns=["summary", "sources", "location"])

with st.sidebar:
    event_filter, _cluster = ui_events.event_sidebar(events, lang)
url_filters = ui_events.filter_query_params(event_filter, events)
ui_events.write_filter_params(url_filters)
data_key = ui_events.events_key()

st.title(t("sg_title"))
st.caption(t("sg_intro"))
span = ui_sg.data_end(data_key, event_filter)


def parse_end(raw: str) -> date | None:
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    return value if span is not None and span[0] <= value <= span[1] else None


@st.fragment
def signals_section() -> None:
    """Period, end day and measure; the map of levels and the tables."""
    assert span is not None
    ui.url_backed("sg_period", "month", lambda raw: raw if raw in sg.PERIODS else None)
    if "sg_end" in st.session_state and parse_end(str(st.session_state["sg_end"])) is None:
        st.session_state["sg_end"] = span[1]  # the filters changed the data's span
    ui.url_backed("sg_end", span[1], parse_end)
    pcol, ecol, mcol = st.columns(3)
    with pcol:
        period = st.radio(t("sg_period"), list(sg.PERIODS), horizontal=True, key="sg_period",
                          format_func=lambda p: t(f"sg_period_{p}"))
    with ecol:
        end = st.date_input(t("sg_end"), min_value=span[0], max_value=span[1], key="sg_end",
                            format=t("date_input_format"))
    with mcol:
        measure = st.radio(t("an_measure"), list(sg.MEASURES), horizontal=True,
                           key="sg_measure",
                           format_func=lambda m: t("an_events" if m == "events"
                                                   else "an_fat_high"))
    ui.remember({"sg_period": period, "sg_end": end},
                {"sg_period": period, "sg_end": end.isoformat()})
    found = ui_sg.signals(data_key, event_filter, period, end)
    if found is None:
        st.info(t("an_no_events"))
        return
    first, last = sg.period_span(end, period)
    st.markdown(ui.markdown_text(t("sg_period_line", first=format_day(first, lang),
                                   last=format_day(last, lang),
                                   count=sg.BASELINE_PERIODS,
                                   unit=t(f"sg_periods_{period}"))))
    st.caption(t("sg_rule", min=sg.MIN_COUNT, periods=sg.MIN_BASELINE_PERIODS))
    names = ui_sg.unit_names(layers["admin1"], lang)

    st.header(t("sg_records"))
    st.caption(t("sg_records_rule", min=sg.MIN_COUNT))
    if found.records.empty:
        st.info(t("sg_no_records"))
    else:
        st.dataframe(ui_an.number_table(
            ui_sg.records_view(found.records, names, period, lang), lang),
            width="stretch", hide_index=True, key="sg_records_table")

    st.header(t("sg_map"))
    map_col, info_col = st.columns([3, 2], gap="medium")
    with map_col:
        fmap = ui_sg.level_map(layers["admin1"], found.regions, measure, lang,
                               ui_an.cached_region_features(lang))
        st_folium(fmap, key="sg_level_map", height=460, width="stretch",
                  returned_objects=[])
        st.html(ui_sg.level_legend_html(lang))
    with info_col:
        st.subheader(t("sg_countries"))
        st.dataframe(ui_an.number_table(ui_sg.change_view(found.countries, None, lang), lang,
                                        decimals=_one_place(lang)),
                     width="stretch", hide_index=True)
    st.subheader(t("sg_regions"))
    st.dataframe(ui_an.number_table(ui_sg.change_view(found.regions, names, lang), lang,
                                    decimals=_one_place(lang)),
                 width="stretch", hide_index=True)

    st.header(t("sg_new_actors"))
    new = found.new_actors
    st.caption(t("sg_new_actors_rule", months=sg.NEW_ACTOR_MONTHS,
                 since=format_day(new.since, lang)))
    if not new.covered:
        st.warning(t("sg_new_actors_uncovered", first=format_day(found.first_day, lang)),
                   icon="⚠️")
    if new.table.empty:
        st.info(t("sg_no_new_actors"))
    else:
        st.dataframe(ui_an.number_table(ui_sg.actors_view(new.table, names, lang), lang),
                     width="stretch", hide_index=True)


def _one_place(lang: str) -> dict[str, int]:
    return {f"{t(m)} · {t(s)}": 1 for m in ("an_events", "an_fat_high")
            for s in ("sg_mean", "sg_sd")}


if span is None:
    st.info(t("an_no_events"))
else:
    signals_section()
