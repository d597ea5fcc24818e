"""Sahel Atlas: entry point and navigation. Run with ``streamlit run dashboard.py``."""

import streamlit as st

from geo import ui

st.set_page_config(page_title="Sahel Atlas", page_icon="🌍", layout="wide")
ui.install_assets()
ui.keep_widget_values()  # before any page draws its widgets (see geo.ui.keep)
lang = ui.language_selector()
t = ui.translator(lang)

# (file, title key, URL path). No Material icons: Streamlit fetches them from Google Fonts.
PAGES = [
    ("pages/map.py", "page_map", "atlas"),  # the root page; /map is the alias below
    ("pages/analysis.py", "page_analysis", "analysis"),
    ("pages/charter.py", "page_charter", "charter"),
    ("pages/timeline.py", "page_timeline", "timeline"),
    ("pages/data.py", "page_data", "data"),
]
pages = [
    st.Page(path, title=t(title), url_path=url, default=(i == 0))
    for i, (path, title, url) in enumerate(PAGES)
]


def map_alias() -> None:
    """``/map``, the map page's own name, opens the map, which is the app's root page
    (Streamlit would otherwise say "Page not found")."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


hidden = [st.Page(map_alias, title=t("page_map"), url_path="map", visibility="hidden")]
st.navigation(pages + hidden).run()
