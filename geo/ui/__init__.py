"""The thin Streamlit layer: cached loads, language, URL state, shared widgets.

The only place (with its submodules) where the geo package imports Streamlit.

Everything here wires widgets to the plain functions of the ``geo`` package; nothing here
computes geometry itself.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from geo.i18n.catalogue import LANGUAGES, normalise_language, translate
from geo.io import boundaries
from geo.model.selection import Selection
from geo.render import assets, mapbuild
from geo.spatial import zones
from geo.spatial.geometry import tri_border_core, tripoint
from geo.ui import shell, state

LANG_KEY = state.LANG.name
LANGUAGE_LABELS = {"en": "English", "fr": "Français"}
# Icons from Streamlit's own icon font (Material Symbols, served by the app, offline; the
# team proxy's cut keeps every ``:material/name:`` the app names): an emoji needs an emoji
# font, which a minimal Linux lacks, and then draws an empty box where the mark should be.
WARNING_ICON = ":material/warning:"
UNVERIFIED_ICON = ":material/help:"
DONE_ICON = ":material/check_circle:"


# --- cached data -------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def install_assets() -> None:
    """Copy Leaflet & co. from the XStatic packages into static/ once per server."""
    assets.install_vendor_assets()


@st.cache_resource(show_spinner=False)
def boundary_layers() -> dict[str, gpd.GeoDataFrame]:
    """Read-only boundary layers (shared by all sessions; callers must not mutate them)."""
    return {
        "admin1": boundaries.load_admin1(),
        "country": boundaries.load_countries(),
        "province": boundaries.load_bfa_provinces(),
    }


@st.cache_resource(show_spinner=False)
def zone_definitions() -> zones.ZoneDefinitions:
    return zones.load_zone_definitions()


@st.cache_resource(show_spinner=False)
def alg_outline() -> shapely.Geometry:
    return zones.alg_zone_outline(boundary_layers()["admin1"], zone_definitions().alg_units)


@st.cache_resource(show_spinner=False)
def the_tripoint() -> shapely.Point:
    return tripoint(boundary_layers()["country"])


@st.cache_resource(show_spinner=False)
def unit_facts() -> dict[str, pd.DataFrame]:
    layers, alg_units = boundary_layers(), zone_definitions().alg_units
    return {
        kind: zones.unit_facts(layers[kind], layers["country"], alg_units, layers["admin1"])
        for kind in ("admin1", "country", "province")
    }


@st.cache_resource(show_spinner=False)
def base_geojson(lang: str) -> dict[str, dict]:
    """The base map's GeoJSON per language (read-only; folium copies what it embeds)."""
    layers = boundary_layers()
    return mapbuild.labelled_geojson(
        mapbuild.BaseLayers(layers["country"], layers["admin1"], layers["province"]), lang
    )


@st.cache_data(show_spinner=False, max_entries=32)
def core_for_radius(radius_km: float) -> gpd.GeoDataFrame:
    return tri_border_core(boundary_layers()["country"], radius_km)


# --- language and URL state ----------------------------------------------------------------


def language_selector() -> str:
    """Sidebar language switch; the choice lives in the session and in the URL (``lang``).

    The choice is a kept key (``state.LANG``): dashboard.py re-assigns it before every run,
    so a run restarted before the switch is drawn does not drop it."""
    if not state.has(state.LANG):
        state.put(state.LANG, normalise_language(state.url_value(state.LANG)))
    lang = st.sidebar.radio(
        translate("language", state.get(state.LANG)),
        LANGUAGES,
        format_func=LANGUAGE_LABELS.get,
        key=state.LANG.name,
        horizontal=True,
    )
    state.write_params({state.LANG.name: lang})
    return lang


def current_language() -> str:
    return normalise_language(state.get(state.LANG))


def translator(lang: str) -> Callable[..., str]:
    return lambda key, **params: translate(key, lang, **params)


# The one widget-state mechanism and the URL codecs live in the registry (geo.ui.state);
# these names stay for the pages that call them.
keep = state.keep
keep_widget_values = state.keep_widget_values
url_backed = state.url_backed
remember = state.remember
parse_bool = state.parse_bool
parse_float_in = state.parse_float_in


@st.cache_resource(show_spinner=False)
def member_states() -> dict:
    from geo.io import facts

    return facts.load_member_states()


def member_card(layers: dict[str, gpd.GeoDataFrame], selection: Selection, lang: str) -> str | None:
    """The member-state card for the selected feature's country, if it is an AES state."""
    from geo.render.charter import member_state_html

    gdf = layers[selection.kind]
    iso3 = gdf.loc[gdf["id"] == selection.id, "iso3"].iloc[0]
    state = member_states().get(iso3)
    if state is None:
        return None
    return member_state_html(state, lang)


def markdown_text(text: str) -> str:
    """Data text for a widget label (labels render Markdown): escape its special characters."""
    specials = "\\`*_{}[]()#+-.!|<>$~"
    return "".join("\\" + c if c in specials else c for c in str(text))


# The private Streamlit attribute the shell needs is isolated there (with its reason).
ensure_app_shell = shell.ensure_app_shell
