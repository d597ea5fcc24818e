"""The map page's one search: towns, countries, regions, provinces and the events on show,
in a text box; the best match applied on Enter, the other matches one click away
(geo.io.places finds them; geo.render.maptools draws and moves)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.analysis.selection import locate
from geo.io import places
from geo.model.countries import country_name
from geo.model.selection import Selection
from geo.render import maptools
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


@st.cache_resource(show_spinner=False, max_entries=4)
def _event_index(view: str, _events: pd.DataFrame) -> places.PlaceIndex:
    """The events on show as search entries, once per view (``view`` names it)."""
    return places.PlaceIndex(places.event_places(_events))


class ShownEvents:
    """The events the search may find: built only when a query is typed (``load``), once
    per view (``view``: the events' state, filter and datasets)."""

    def __init__(self, view: str, load: Callable[[], pd.DataFrame]) -> None:
        self.view, self.load = view, load

    def index(self) -> places.PlaceIndex:
        return _event_index(self.view, self.load())


def find(query: str, shown: ShownEvents | None, limit: int) -> list[places.Place]:
    """The best ``limit`` matches of ``query`` among the places and the events on show."""
    indexes = [place_index()]
    if shown is not None and places.fold(query):
        indexes.append(shown.index())
    return places.search(indexes, query, limit)


def place_label(place: places.Place, lang: str, translate) -> str:
    kind = translate(f"place_kind_{place.kind}")
    if place.kind == "country":
        return f"{place.label(lang)} — {kind}"
    return f"{place.label(lang)} — {kind}, {country_name(place.country_iso3, lang)}"


def go_to(
    place: places.Place, layers: Mapping[str, gpd.GeoDataFrame], lang: str, translate
) -> None:
    """Apply a found place: a country, region or province is selected as a click would and
    the map fits it; an event is selected and the map centres on it (when it has a
    location); a town gets a marker, the map centres on it and the unit it lies in (AES
    region, else country) is selected, as a click there would."""
    view: dict | None
    if place.kind == "event":
        located = not (pd.isna(place.latitude) or pd.isna(place.longitude))
        view = {"center": [place.latitude, place.longitude], "zoom": TOWN_ZOOM} if located else None
        st.session_state[state.SELECTION.name] = Selection("event", place.id)
        st.session_state[FOUND_KEY] = None
    elif place.kind in places.UNIT_KINDS:
        frame = layers[place.kind]
        geometry = frame.loc[frame["id"] == place.id, "geometry"].iloc[0]
        west, south, east, north = (float(v) for v in geometry.bounds)
        view = {"bounds": [[south, west], [north, east]], "maxZoom": UNIT_MAX_ZOOM}
        st.session_state[state.SELECTION.name] = Selection(place.kind, place.id)
        st.session_state[FOUND_KEY] = None
    else:
        view = {"center": [place.latitude, place.longitude], "zoom": TOWN_ZOOM}
        unit = locate(
            place.longitude,
            place.latitude,
            {"admin1": layers["admin1"], "country": layers["country"]},
        )
        if unit is not None:
            st.session_state[state.SELECTION.name] = unit
        st.session_state[FOUND_KEY] = ((place.latitude, place.longitude), place.label(lang))
    if view is not None:
        st.session_state[GOTO_KEY] = (uuid.uuid4().hex, view)
    st.session_state[SHOWN_KEY] = place_label(place, lang, translate)


def place_search(
    layers: Mapping[str, gpd.GeoDataFrame], lang: str, translate, shown: ShownEvents | None = None
) -> None:
    """The search box and its results (call where the widgets belong); ``shown``: the
    events on show it may find too."""

    def searched() -> None:
        found = find(st.session_state.get(QUERY_KEY) or "", shown, limit=1)
        if found:
            go_to(found[0], layers, lang, translate)

    st.text_input(
        translate("place_search"),
        key=QUERY_KEY,
        on_change=searched,
        placeholder=translate("place_search_placeholder"),
        help=translate("place_search_help"),
    )
    query = (st.session_state.get(QUERY_KEY) or "").strip()
    if not query:
        return
    found = find(query, shown, limit=6)
    if not found:
        st.caption(translate("place_none", query=query))
        return
    if st.session_state.get(SHOWN_KEY):
        st.caption(translate("place_shown", place=st.session_state[SHOWN_KEY]))
    others = found[1:]
    if others:
        with st.popover(translate("place_others")):
            for place in others:
                st.button(
                    place_label(place, lang, translate),
                    key=state.PLACE_BUTTONS(place.kind, place.id),
                    on_click=go_to,
                    args=(place, layers, lang, translate),
                )
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
