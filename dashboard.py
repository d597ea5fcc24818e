"""Sahel Atlas: entry point and navigation. Run with ``streamlit run dashboard.py``."""

import streamlit as st

from geo import ui

st.set_page_config(page_title="Sahel Atlas", page_icon="🌍", layout="wide")
ui.install_assets()
lang = ui.language_selector()
t = ui.translator(lang)

# (file, title key, URL path). No Material icons: Streamlit fetches them from Google Fonts.
PAGES = [
    ("pages/map.py", "page_map", "map"),
    ("pages/analysis.py", "page_analysis", "analysis"),
    ("pages/charter.py", "page_charter", "charter"),
    ("pages/timeline.py", "page_timeline", "timeline"),
    ("pages/data.py", "page_data", "data"),
]
pages = [
    st.Page(path, title=t(title), url_path=url, default=(i == 0))
    for i, (path, title, url) in enumerate(PAGES)
]
st.navigation(pages).run()
