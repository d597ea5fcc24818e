"""Sahel Atlas: entry point and navigation. Run with ``streamlit run dashboard.py``."""

import streamlit as st

from geo import ui

st.set_page_config(page_title="Sahel Atlas", page_icon=":material/public:", layout="wide")
ui.install_assets()
lang = ui.language_selector()
t = ui.translator(lang)

# (file, title key, Material icon, URL path)
PAGES = [
    ("pages/map.py", "page_map", "map", "map"),
    ("pages/analysis.py", "page_analysis", "monitoring", "analysis"),
    ("pages/charter.py", "page_charter", "history_edu", "charter"),
    ("pages/timeline.py", "page_timeline", "timeline", "timeline"),
    ("pages/data.py", "page_data", "database", "data"),
]
pages = [
    st.Page(path, title=t(title), icon=f":material/{icon}:", url_path=url, default=(i == 0))
    for i, (path, title, icon, url) in enumerate(PAGES)
]
st.navigation(pages).run()
