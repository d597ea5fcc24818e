"""The map page's place search: a text box, the best match applied on Enter, the other
matches one click away (geo.places finds them; geo.maptools draws and moves)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import folium
import geopandas as gpd
import streamlit as st

from geo import maptools, places
from geo.countries import country_name
from geo.selection import Selection, locate
from geo.ui import state

QUERY_KEY = state.PLACE_QUERY.name
FOUND_KEY = state.PLACE_FOUND.name  # the found town's marker: ((lat, lon), name)
GOTO_KEY = state.PLACE_GOTO.name  # (nonce, view): the move, for the next drawn map only
SHOWN_KEY = state.PLACE_SHOWN.name  # the place applied last (its label, for the caption)
TOWN_ZOOM = 9
UNIT_MAX_ZOOM = 8


@st.cache_resource(show_spinner=False)
def place_index() -> places.PlaceIndex:
    """Towns, regions and provinces, shared by every session."""
    from geo import ui

    return places.PlaceIndex(places.gazetteer(places.load_towns(), ui.boundary_layers()))


def place_label(place: places.Place, lang: str, translate) -> str:
    return (f"{place.label(lang)} — {translate(f'place_kind_{place.kind}')}, "
            f"{country_name(place.country_iso3, lang)}")


def go_to(place: places.Place, layers: Mapping[str, gpd.GeoDataFrame], lang: str,
          translate) -> None:
    """Apply a found place: a region or province is selected as a click would and the map
    fits it; a town gets a marker, the map centres on it and the unit it lies in (AES
    region, else country) is selected, as a click there would."""
    if place.kind in places.UNIT_KINDS:
        frame = layers[place.kind]
        geometry = frame.loc[frame["id"] == place.id, "geometry"].iloc[0]
        west, south, east, north = (float(v) for v in geometry.bounds)
        view: dict = {"bounds": [[south, west], [north, east]], "maxZoom": UNIT_MAX_ZOOM}
        st.session_state[state.SELECTION.name] = Selection(place.kind, place.id)
        st.session_state[FOUND_KEY] = None
    else:
        view = {"center": [place.latitude, place.longitude], "zoom": TOWN_ZOOM}
        unit = locate(place.longitude, place.latitude,
                      {"admin1": layers["admin1"], "country": layers["country"]})
        if unit is not None:
            st.session_state[state.SELECTION.name] = unit
        st.session_state[FOUND_KEY] = ((place.latitude, place.longitude), place.label(lang))
    st.session_state[GOTO_KEY] = (uuid.uuid4().hex, view)
    st.session_state[SHOWN_KEY] = place_label(place, lang, translate)


def place_search(layers: Mapping[str, gpd.GeoDataFrame], lang: str, translate) -> None:
    """The search box and its results (call where the widgets belong)."""

    def searched() -> None:
        found = place_index().search(st.session_state.get(QUERY_KEY) or "", limit=1)
        if found:
            go_to(found[0], layers, lang, translate)

    st.text_input(translate("place_search"), key=QUERY_KEY, on_change=searched,
                  placeholder=translate("place_search_placeholder"),
                  help=translate("place_search_help"))
    query = (st.session_state.get(QUERY_KEY) or "").strip()
    if not query:
        return
    found = place_index().search(query, limit=6)
    if not found:
        st.caption(translate("place_none", query=query))
        return
    if st.session_state.get(SHOWN_KEY):
        st.caption(translate("place_shown", place=st.session_state[SHOWN_KEY]))
    others = found[1:]
    if others:
        with st.popover(translate("place_others")):
            for place in others:
                st.button(place_label(place, lang, translate),
                          key=state.PLACE_BUTTONS(place.kind, place.id), on_click=go_to,
                          args=(place, layers, lang, translate))
    if st.session_state.get(FOUND_KEY):
        st.button(translate("place_clear"), key=state.PLACE_CLEAR.name, on_click=_clear_marker)


def _clear_marker() -> None:
    st.session_state[FOUND_KEY] = None
    st.session_state[SHOWN_KEY] = None


def found_layer() -> folium.FeatureGroup:
    """The map's layer for the search: the town marker, and the move in the first run
    after the search only (popped here; the browser also moves once per nonce)."""
    goto = st.session_state.pop(GOTO_KEY, None)
    nonce, view = goto if goto else (None, None)
    return maptools.found_place_layer(st.session_state.get(FOUND_KEY), view, nonce)
