"""The map page: AES states, neighbours, Liptako-Gourma layers, events, clickable features.

Wiring only: the state and the widgets are in :mod:`geo.ui.map_page`."""

import streamlit as st

from geo import ui
from geo.ui import facts as ui_facts
from geo.ui import map_page

ui.ensure_app_shell()

data = map_page.load()
with st.sidebar:
    choices = map_page.sidebar(data)
shown = map_page.prepare(data, choices)

st.markdown(f"#### {data.t('app_title')}")
st.caption(data.t("app_subtitle"))

map_col, panel_col = st.columns([3, 1], gap="medium")  # the map takes most of the width
with map_col:
    map_page.draw_map(data, choices, shown)
with panel_col:
    selection_tab, charter_tab = map_page.panel_head(data, choices, shown)
with charter_tab:
    ui_facts.render_charter_panel(data.lang)
with selection_tab:
    map_page.selection_panel(data, choices, shown)

map_page.export_expander(data, choices, shown)  # last in the sidebar: built after the map
map_page.remember(choices, shown)
