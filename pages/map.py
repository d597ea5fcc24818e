"""The map page: AES states, neighbours, Liptako-Gourma layers, clickable regions."""

import streamlit as st
from streamlit_folium import st_folium

from geo import mapbuild, panels, ui
from geo.i18n import format_number, pick
from geo.selection import click_signature, selection_from_click, selection_from_param

MAP_KEY = "atlas_map"
RETURNED = ["last_object_clicked", "last_active_drawing"]

lang = ui.current_language()
t = ui.translator(lang)
layers = ui.boundary_layers()
zone_defs = ui.zone_definitions()
known_ids = {kind: set(gdf["id"]) for kind, gdf in layers.items()}

# --- sidebar: Liptako-Gourma layers ----------------------------------------------------------
ui.url_backed("alg", True, ui.parse_bool)
ui.url_backed("core", True, ui.parse_bool)
ui.url_backed("radius", zone_defs.default_radius_km, ui.parse_float_in(25, 400))
with st.sidebar:
    st.subheader(t("sidebar_layers"))
    show_alg = st.toggle(t("toggle_alg"), key="alg")
    with st.expander(t("definition")):
        st.write(pick(zone_defs.alg_definition, lang))
        st.caption(pick(zone_defs.alg_caveat, lang))
        st.html(panels.source_list_html(zone_defs.alg_sources))
    show_core = st.toggle(t("toggle_core"), key="core")
    radius = st.slider(t("core_radius"), 25.0, 400.0, step=25.0, key="radius",
                       format="%d", disabled=not show_core)
    core = ui.core_for_radius(radius)
    if show_core:
        names = layers["country"].set_index("iso3")["name_fr" if lang == "fr" else "name_en"]
        parts = ", ".join(f"{names[r.iso3]} {format_number(r.area_km2, lang)}"
                          for r in core.itertuples())
        st.caption(f"{t('core_area', area=format_number(core['area_km2'].sum(), lang))} "
                   f"({t('core_area_by_state', parts=parts)})")
    with st.expander(t("definition")):
        st.write(pick(zone_defs.core_definition, lang))
        st.caption(t("computed_layer"))

# --- selection: from the URL on first load, then from clicks ----------------------------------
if "selection" not in st.session_state:
    st.session_state["selection"] = selection_from_param(st.query_params.get("sel"), known_ids)

payload = st.session_state.get(MAP_KEY)
signature = click_signature(payload)
if signature and signature != st.session_state.get("_last_click"):
    st.session_state["_last_click"] = signature
    st.session_state["selection"] = selection_from_click(payload, layers) or st.session_state[
        "selection"]
selection = st.session_state["selection"]

# --- map and panel ----------------------------------------------------------------------------
map_col, panel_col = st.columns([5, 2], gap="medium")
with map_col:
    dynamic = []
    if show_alg:
        dynamic.append(mapbuild.alg_zone_layer(ui.alg_outline(), lang))
    if show_core:
        dynamic.append(mapbuild.tri_border_layer(core, ui.the_tripoint(), radius, lang))
    selected_geometry = None
    if selection is not None:
        gdf = layers[selection.kind]
        selected_geometry = gdf.loc[gdf["id"] == selection.id, "geometry"].iloc[0]
    dynamic.append(mapbuild.selection_layer(selected_geometry))
    base = mapbuild.base_map(mapbuild.BaseLayers(layers["country"], layers["admin1"],
                                                 layers["province"]), lang)
    st_folium(base, key=MAP_KEY, height=640, use_container_width=True,
              returned_objects=RETURNED, feature_group_to_add=dynamic)
    with st.expander(t("legend_title"), expanded=True):
        st.html(panels.legend_html(lang))
    with st.expander(t("boundaries_heading")):
        st.write(t("boundaries_note"))

with panel_col:
    if selection is None:
        st.info(t("panel_hint"))
    else:
        st.html(panels.unit_panel_html(selection, layers, ui.unit_facts(), lang))
        card = ui.member_card(layers, selection, lang)
        if card:
            st.html(card)
        if st.button(t("panel_clear")):
            st.session_state["selection"] = None
            st.rerun()

ui.remember(
    {"alg": show_alg, "core": show_core, "radius": radius},
    {"alg": "1" if show_alg else "0", "core": "1" if show_core else "0",
     "radius": f"{radius:g}", "sel": selection.to_param() if selection else None},
)
