"""Sahel Atlas: entry point and navigation. Run with ``streamlit run dashboard.py``."""

import streamlit as st

from geo import ui

st.set_page_config(page_title="Sahel Atlas", page_icon="🗺️", layout="wide")
ui.install_assets()
lang = ui.language_selector()
t = ui.translator(lang)

pages = [
    st.Page("pages/map.py", title=t("page_map"), icon="🗺️", url_path="map", default=True),
]
st.navigation(pages).run()
