"""Where it is changing: each admin-1 unit's and country's last week, month or quarter
against its own recent baseline, record levels and new actors, on the events the
sidebar's filters select (dates aside: the periods set their own).

Wiring only: the widgets and tables are in :mod:`geo.ui.signals`."""

import streamlit as st

from geo import ui
from geo.io import exports
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
if span is None:
    st.info(t("an_no_events"))
else:
    # The filters in words for the map's figure (the periods set their own dates).
    undated = {k: v for k, v in url_filters.items() if k not in ("from", "to")}
    filters = exports.describe_filter(undated, lang)
    ui_sg.signals_section(span, data_key, event_filter, layers["admin1"], lang, filters)
