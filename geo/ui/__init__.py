"""The thin Streamlit layer: cached loads, language, URL state, shared widgets.

The only place (with its submodules) where the geo package imports Streamlit.

Everything here wires widgets to the plain functions of the ``geo`` package; nothing here
computes geometry itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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

T = TypeVar("T")
LANG_KEY = "lang"
LANGUAGE_LABELS = {"en": "English", "fr": "Français"}


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
    return {kind: zones.unit_facts(layers[kind], layers["country"], alg_units, layers["admin1"])
            for kind in ("admin1", "country", "province")}


@st.cache_resource(show_spinner=False)
def base_geojson(lang: str) -> dict[str, dict]:
    """The base map's GeoJSON per language (read-only; folium copies what it embeds)."""
    layers = boundary_layers()
    return mapbuild.labelled_geojson(
        mapbuild.BaseLayers(layers["country"], layers["admin1"], layers["province"]), lang)


@st.cache_data(show_spinner=False, max_entries=32)
def core_for_radius(radius_km: float) -> gpd.GeoDataFrame:
    return tri_border_core(boundary_layers()["country"], radius_km)


# --- language and URL state ----------------------------------------------------------------

def language_selector() -> str:
    """Sidebar language switch; the choice lives in the session and in the URL (``lang``)."""
    chosen = st.session_state.get(_LANG_CHOSEN)
    if chosen is not None:
        # A widget's state can be dropped when a run is restarted before the widget is drawn
        # (see ensure_app_shell); the copy made by the change callback survives that.
        st.session_state[LANG_KEY] = chosen
    elif LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalise_language(st.query_params.get(LANG_KEY))
    lang = st.sidebar.radio(
        translate("language", st.session_state[LANG_KEY]),
        LANGUAGES,
        format_func=LANGUAGE_LABELS.get,
        key=LANG_KEY,
        horizontal=True,
        on_change=_remember_language,
    )
    st.query_params[LANG_KEY] = lang
    return lang


_LANG_CHOSEN = "_lang_chosen"


def _remember_language() -> None:
    st.session_state[_LANG_CHOSEN] = st.session_state[LANG_KEY]


def current_language() -> str:
    return normalise_language(st.session_state.get(LANG_KEY))


def translator(lang: str) -> Callable[..., str]:
    return lambda key, **params: translate(key, lang, **params)


KEPT_KEYS = "_kept_widget_keys"


def keep(*keys: str) -> None:
    """Keep the values of these widget keys for the whole session, across page switches.

    Streamlit ties a widget's value to the page it was drawn on and drops it when a run of
    another page ends, even when that page draws a widget with the same key: the filters
    of the map came back unchecked on the analysis page. :func:`keep_widget_values` (run by
    dashboard.py before every page) re-assigns each kept key, which is Streamlit's
    documented way to carry a widget's value from one page to another.
    """
    kept = st.session_state.setdefault(KEPT_KEYS, set())
    kept.update(keys)


def keep_widget_values() -> None:
    """Re-assign every kept widget value so no page switch drops it (see :func:`keep`)."""
    for key in st.session_state.get(KEPT_KEYS, ()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def url_backed(key: str, default: T, parse: Callable[[str], T | None]) -> None:
    """Give widget ``key`` its first value from the URL (else ``default``) and keep it for
    the session (:func:`keep`): the URL lets a copied address reproduce the view."""
    keep(key)
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    parsed = parse(raw) if raw is not None else None
    st.session_state[key] = parsed if parsed is not None else default


def remember(values: dict[str, Any], to_url: dict[str, str | None]) -> None:
    """Keep these widget values for the session (:func:`keep`) and write the URL
    parameters (``None`` removes one)."""
    keep(*values)
    for key, value in to_url.items():
        if value is None:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


def parse_bool(raw: str) -> bool | None:
    return {"1": True, "0": False, "true": True, "false": False}.get(raw.strip().lower())


def parse_float_in(low: float, high: float) -> Callable[[str], float | None]:
    def parse(raw: str) -> float | None:
        try:
            value = float(raw)
        except ValueError:
            return None
        return value if low <= value <= high else None
    return parse


@st.cache_resource(show_spinner=False)
def member_states() -> dict:
    from geo.io import facts

    return facts.load_member_states()


def member_card(layers: dict[str, gpd.GeoDataFrame], selection: Selection,
                lang: str) -> str | None:
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


def ensure_app_shell() -> None:
    """Run this page inside dashboard.py's navigation, even on a fresh server's first request.

    Streamlit starts in its legacy "pages/ folder" mode until the first ``st.navigation``
    call of the process, so the very first request to a deep link (``/charter``) would run
    the page on its own, without the language switch and shared layout. Leave that mode and
    rerun: the rerun goes through dashboard.py, which routes to the requested page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
