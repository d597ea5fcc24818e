"""The Analysis page: monthly trends, before/after a pivot date, distance bands from the
tripoint, top actors, the admin-1 choropleth with its rates per area and per capita, and two
places side by side, on the events the map's filters select;
one section at a time, the one the reader picks (kept in the URL)."""

import streamlit as st

from geo import ui
from geo.ui import analysis_page as page
from geo.ui import events as ui_events

ui.ensure_app_shell()

lang = ui.current_language()
events = page.analysis_events()
with st.sidebar:  # the map's filters: shared state and URL parameters
    event_filter, _cluster = ui_events.event_sidebar(events, lang)
view = page.analysis_view(events, event_filter, lang)

page.draw_intro(view)
section = page.section_picker(view)
page.draw_section(view, section)
page.warm_other_choices(view, section)
