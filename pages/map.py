"""The map page: AES states, neighbours, Liptako-Gourma layers, events, clickable features."""

import numpy as np
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo import ui
from geo.analysis.filters import keep_rows, region_stats
from geo.analysis.selection import events_near, feature_choices, selection_from_click
from geo.i18n.catalogue import format_days, format_number, pick
from geo.io import exports
from geo.io.eventtexts import localized_locations
from geo.model.countries import AES_MEMBERS, country_name
from geo.model.events import coverage_end, fatality_upper, rejected_row_count
from geo.model.selection import (
    IdLookup,
    Selection,
    click_hits,
    click_signature,
    parse_view,
    selection_from_param,
)
from geo.render import charter as charter_view
from geo.render import export_html, mapbuild, panels, pointlayer
from geo.ui import events as ui_events
from geo.ui import facts as ui_facts
from geo.ui import mapdata
from geo.ui import places as ui_places
from geo.ui.data import problems_table

ui.ensure_app_shell()

MAP_KEY = "atlas_map"
# Clicks only: a moved map writes its view to the URL in the browser (no rerun, see
# mapbuild.KeepViewInAddress).
RETURNED = ["last_object_clicked", "last_active_drawing"]
VIEW_PARAM = mapbuild.VIEW_PARAM
FIND_KEY = "find_feature"
HITS_KEY = "_click_hits"
FIND_EVENTS_MAX = 2_000  # events listed in the finder; beyond, reach them by region
BUTTONS_MAX = 12  # a longer list of events is a table (one widget, paged by the browser)
MAP_COLUMNS = ("id", "date", "location", "layer", "fatalities_low", "fatalities_high",
               "latitude", "longitude", "admin1_id", "dataset")

lang = ui.current_language()
t = ui.translator(lang)
layers = ui.boundary_layers()
zone_defs = ui.zone_definitions()
events, load_problems = ui_events.app_events()
clickable = {"event": events, **layers}
known_ids = {kind: IdLookup(df["id"]) for kind, df in clickable.items()}

# --- sidebar -----------------------------------------------------------------------------------
with st.sidebar:
    event_filter, cluster = ui_events.event_sidebar(events, lang)
    chosen_datasets = ui_events.dataset_sidebar(events, lang)  # imported datasets as layers

ui.url_backed("alg", True, ui.parse_bool)
ui.url_backed("core", True, ui.parse_bool)
ui.url_backed("radius", zone_defs.default_radius_km, ui.parse_float_in(25, 400))
with st.sidebar:
    st.subheader(t("sidebar_layers"))
    show_alg = st.toggle(t("toggle_alg"), key="alg")
    with st.expander(t("definition")):
        st.write(pick(zone_defs.alg_definition, lang))
        st.caption(pick(zone_defs.alg_caveat, lang))
        st.html(panels.source_list_html(zone_defs.alg_sources, lang))
    show_core = st.toggle(t("toggle_core"), key="core")
    radius = st.slider(t("core_radius"), 25.0, 400.0, step=25.0, key="radius",
                       format="%d", disabled=not show_core)
    core = ui.core_for_radius(radius)
    if show_core:
        parts = ", ".join(f"{country_name(r.iso3, lang)} {format_number(r.area_km2, lang)}"
                          for r in core.itertuples())
        st.caption(f"{t('core_area', area=format_number(core['area_km2'].sum(), lang))} "
                   f"({t('core_area_by_state', parts=parts)})")
    with st.expander(t("definition")):
        st.write(pick(zone_defs.core_definition, lang))
        st.caption(t("computed_layer"))

# Only the columns this page reads from the filtered events (a copy of every text would
# cost hundreds of megabytes at a million events); the exports take every column.
shown_rows = ui_events.filtered_rows(events, event_filter, tuple(chosen_datasets))
shown_count = int(np.count_nonzero(shown_rows))


def shown_events() -> pd.DataFrame:
    """The filtered events (``MAP_COLUMNS``), built when a panel or a list needs them: at a
    million events the copy costs tenths of a second, and a first view needs only their
    count (cached once built, see ``geo.ui.events.filtered_events``)."""
    return ui_events.filtered_events(events, event_filter, tuple(chosen_datasets),
                                     columns=MAP_COLUMNS, rows=shown_rows)


url_filters = ui_events.filter_query_params(event_filter, events)
# Every located event is drawn on its own (geo.render.pointlayer), at any count: one block of them
# all per state of the events, and the mask of those the filters keep.
block = mapdata.events_block(events, f"{ui_events.events_key()}|{len(events)}")
drawn = pointlayer.visibility(block, shown_rows)

# --- selection: from the URL on first load, then from clicks -----------------------------------
if "selection" not in st.session_state:
    st.session_state["selection"] = selection_from_param(st.query_params.get("sel"), known_ids)

payload = st.session_state.get(MAP_KEY)
signature = click_signature(payload)
if signature and signature != st.session_state.get("_last_click"):
    st.session_state["_last_click"] = signature
    hits = click_hits(payload)
    if hits is not None:  # events under the click, by their index in the drawn block
        clicked_block = mapdata.block_by_token(hits[0])
        ids = clicked_block.ids_at(hits[1]) if clicked_block is not None else []
        known = [ident for ident in ids if ident in known_ids["event"]]
        if known:
            st.session_state["selection"] = Selection("event", known[0])
            st.session_state[HITS_KEY] = (known[0], known[1:])
    else:
        clicked = selection_from_click(payload, clickable)
        if clicked is not None:
            st.session_state["selection"] = clicked

# --- a timeline milestone sent here from the Timeline page (or the ``hl`` URL parameter) -------
highlight_id = st.session_state.get(ui_facts.HIGHLIGHT_KEY) or st.query_params.get(
    ui_facts.HIGHLIGHT_PARAM)
highlight = charter_view.highlight_for_id(highlight_id, ui_facts.timeline(), events,
                                          layers["country"]["iso3"])
if highlight is None:
    highlight_id = None
elif st.session_state.get("_hl_applied") != highlight_id:
    st.session_state["_hl_applied"] = highlight_id
    st.session_state[ui_facts.HIGHLIGHT_KEY] = highlight_id
    # The milestone replaces whatever was selected before: its event, when the events data
    # have one, else nothing (an unrelated earlier selection would contradict the banner).
    st.session_state["selection"] = (Selection("event", highlight.event_ids[0])
                                     if highlight.event_ids else None)
selection: Selection | None = st.session_state["selection"]


def aes_bounds(countries: pd.DataFrame, codes: tuple[str, ...] = ()) -> list[list[float]]:
    """``[[south, west], [north, east]]`` (Leaflet's order) of the countries ``codes`` that
    the map has, else of the three AES states."""
    chosen = countries[countries["iso3"].isin(codes)]
    if chosen.empty:
        chosen = countries[countries["iso3"].isin(AES_MEMBERS)]
    west, south, east, north = chosen.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def _select(kind: str, ident: str) -> None:
    st.session_state["selection"] = Selection(kind, ident)


def _select_row(table_key: str, ids: list[str]) -> None:
    """A row chosen in an events table: select its event, as a click would."""
    rows = st.session_state[table_key]["selection"]["rows"]
    if rows:
        st.session_state["selection"] = Selection("event", ids[rows[0]])


def event_chooser(events: pd.DataFrame, key: str) -> None:
    """Each of ``events`` one action away: buttons for a few, else a table whose row
    selection opens the event (a single widget, however many events)."""
    days = format_days(events["date"], lang)
    places = localized_locations(events, lang)
    if len(events) <= BUTTONS_MAX:
        for ev_row, day, place in zip(events.itertuples(), days, places, strict=True):
            label = f"{day} · {place} · {t(f'ev_layer_{ev_row.layer}')}"
            st.button(ui.markdown_text(label), key=f"{key}_{ev_row.id}",
                      on_click=_select, args=("event", ev_row.id))
        return
    table = pd.DataFrame({
        t("ev_col_date"): days.to_numpy(),
        t("ev_col_place"): places.to_numpy(),
        t("ev_col_layer"): events["layer"].map(
            {layer: t(f"ev_layer_{layer}") for layer in pointlayer.DRAW_ORDER}).to_numpy(),
        t("ev_col_deaths"): fatality_upper(events).to_numpy(),
    })
    table_key = f"{key}_table_{len(events)}"
    ids = events["id"].astype(str).tolist()
    st.caption(t("ev_table_hint"))
    st.dataframe(table, key=table_key, on_select=lambda: _select_row(table_key, ids),
                 selection_mode="single-row", hide_index=True, height=320,
                 width="stretch")


def _select_found() -> None:
    """The searchable list chose a feature: select it as a click would, then empty the list
    (a later click must not leave an older choice on show)."""
    chosen = selection_from_param(st.session_state.get(FIND_KEY), known_ids)
    if chosen is not None:
        st.session_state["selection"] = chosen
    st.session_state[FIND_KEY] = None


def _select_none() -> None:
    st.session_state["selection"] = None


st.markdown(f"#### {t('app_title')}")
st.caption(t("app_subtitle"))

# --- map and panel -----------------------------------------------------------------------------
map_col, panel_col = st.columns([3, 1], gap="medium")  # the map takes most of the width
with map_col:
    # Find a place: goes there and selects it (geo.ui.places); the move is sent once.
    ui_places.place_search(layers, lang, t)
    dynamic = [ui_places.found_layer()]
    if show_alg:
        dynamic.append(mapbuild.alg_zone_layer(ui.alg_outline(), lang))
    if show_core:
        dynamic.append(mapbuild.tri_border_layer(core, ui.the_tripoint(), radius, lang))
    selected_geometry = None
    if selection is not None and selection.kind != "event":
        gdf = layers[selection.kind]
        selected_geometry = gdf.loc[gdf["id"] == selection.id, "geometry"].iloc[0]
    elif selection is not None:
        lat, lon = ui_events.event_row(events, selection.id)[["latitude", "longitude"]]
        selected_geometry = None if pd.isna(lat) else shapely.Point(lon, lat)
    dynamic.append(mapbuild.selection_layer(selected_geometry))
    if highlight is not None:
        outlines = layers["country"][layers["country"]["iso3"].isin(highlight.countries)]
        dynamic.append(mapbuild.highlight_layer(outlines.geometry.union_all()
                                                if len(outlines) else None))
    block_url, block_encoding = mapdata.served_block(block)
    dynamic.append(pointlayer.point_group(
        block, lang, cluster, block_url, drawn=drawn,
        drawn_url=mapdata.served_url(drawn.data, "sahel-atlas-map-drawn"),
        encoding=block_encoding))
    # The events start downloading first, while the boundaries load.
    prefetch = ([pointlayer.AtlasPointsPrefetch(block.token, block_url, block_encoding)]
                if block_url else [])
    base = mapbuild.base_map(mapbuild.BaseLayers(layers["country"], layers["admin1"],
                                                 layers["province"]), lang,
                             ui.base_geojson(lang), boundaries_url=mapdata.boundary_url(lang),
                             first=prefetch)
    # A shared link's view (URL ``view``, used by the session's first map only: the map then
    # keeps its own view, in the browser tab, across page switches); else the three states,
    # whatever the viewport, or a highlighted milestone's countries.
    if "_view_from_url" not in st.session_state:
        st.session_state["_view_from_url"] = parse_view(st.query_params.get(VIEW_PARAM))
        st.session_state["_view_url_used"] = False
    start_view = None if st.session_state["_view_url_used"] else st.session_state["_view_from_url"]
    st.session_state["_view_url_used"] = True
    if start_view is None:
        base.fit_bounds(aes_bounds(layers["country"], highlight.countries if highlight else ()))
    mapbuild.KeepViewInAddress(restore=start_view is None and highlight is None).add_to(base)
    st_folium(base, key=MAP_KEY, height=640, width="stretch",
              returned_objects=RETURNED,
              center=start_view[:2] if start_view else None,
              zoom=start_view[2] if start_view else None,
              feature_group_to_add=mapbuild.dynamic_layers(dynamic))
    shown = drawn.count
    caption = t("ev_shown", count=shown)
    if shown_count > shown:
        caption += " · " + t("ev_not_located", count=shown_count - shown)
    if hidden := ui_events.hidden_duplicates(events, event_filter, tuple(chosen_datasets)):
        caption += " · " + t("dup_hidden", count=hidden)
    st.caption(caption)
    if load_problems:
        with st.expander(f"{t('ev_load_problems', count=rejected_row_count(load_problems))}"
                         f" ({t('ev_load_notes', count=len(load_problems))})"):
            st.dataframe(problems_table(load_problems, lang), hide_index=True)
    with st.expander(t("boundaries_heading")):
        st.write(t("boundaries_note"))

def _clear_highlight() -> None:
    st.session_state[ui_facts.HIGHLIGHT_KEY] = None
    st.session_state["_hl_applied"] = None
    st.query_params.pop(ui_facts.HIGHLIGHT_PARAM, None)


with panel_col:
    # Selecting without a mouse: the same Selection (panel, URL ``sel``) as a map click.
    # Events are listed while the list stays usable; beyond, a region's table lists them.
    choices = feature_choices(
        layers, shown_events() if shown_count <= FIND_EVENTS_MAX else events.iloc[0:0], lang)
    st.selectbox(t("find_feature"), list(choices), index=None, key=FIND_KEY,
                 format_func=choices.get, placeholder=t("find_placeholder"),
                 on_change=_select_found)
    # Beside the map, above the panel: readable without scrolling on a desktop window.
    with st.expander(t("legend_title"), expanded=True):
        st.html(panels.legend_html(lang) + panels.event_legend_html(
            lang, coverage_end(ui_events.curated_events(ui_events.curated_path())[0]),
            ui_events.outline_slots(events, tuple(chosen_datasets))))
    if highlight is not None:
        milestone = charter_view.milestone_by_id(ui_facts.timeline(), highlight_id)
        st.html(charter_view.highlight_banner_html(milestone, highlight, lang,
                                                   ui_facts.categories()))
        st.button(t("highlight_clear"), on_click=_clear_highlight, key="hl_clear")
    selection_tab, charter_tab = st.tabs([t("tab_selection"), t("charter_panel_heading")])
with charter_tab:
    ui_facts.render_charter_panel(lang)
with selection_tab:
    if selection is None:
        st.info(t("panel_hint"))
    elif selection.kind == "event":
        filtered = shown_events()
        row = ui_events.event_row(events, selection.id)
        st.html(panels.event_panel_html(row, country_name(row["country_iso3"], lang), lang,
                                        ui_events.also_in(events, selection.id)))
        if not bool((filtered["id"] == selection.id).any()):
            st.warning(t("panel_hidden"))  # never shown as if it were on the map
        clicked_with = st.session_state.get(HITS_KEY)
        if clicked_with and clicked_with[0] == selection.id and clicked_with[1]:
            # The click hit several marks: every one of them is one action away.
            others = filtered[filtered["id"].isin(clicked_with[1])]
            st.markdown(f"**{t('panel_hits', count=len(others))}**")
            event_chooser(others.sort_values("date", kind="stable"), "hit")
        elif not pd.isna(row["latitude"]):
            # Symbols at one spot overlap: every event there is one action away.
            here = events_near(filtered, row["latitude"], row["longitude"])
            here = here[here["id"] != selection.id]
            if len(here):
                st.markdown(f"**{t('panel_same_place', count=len(here))}**")
                event_chooser(here, "near")
    else:
        st.html(panels.unit_panel_html(selection, layers, ui.unit_facts(), lang))
        if selection.kind == "admin1":
            filtered = shown_events()
            stats = region_stats(filtered, selection.id)
            st.markdown(f"**{t('region_events')}**")
            if stats.events:
                st.write(t("region_events_count", count=stats.events,
                           low=format_number(stats.fatalities_low, lang),
                           high=format_number(stats.fatalities_high, lang)))
                here = filtered[filtered["admin1_id"] == selection.id].sort_values("date")
                event_chooser(here, "pick")
            else:
                st.write(t("region_events_none"))
        card = ui.member_card(layers, selection, lang)
        if card:
            st.html(card)
    if selection is not None:
        st.button(t("panel_clear"), on_click=_select_none)

# --- exports (last in the sidebar; built after the map so they never delay it) -------------
def every_column() -> pd.DataFrame:
    """The filtered events with all their columns, for a file being downloaded."""
    return keep_rows(events, pd.Series(shown_rows, index=events.index))


with st.sidebar.expander(t("export_heading")):
    filters_text = exports.describe_filter(
        {**url_filters, "datasets": ",".join(chosen_datasets)}, lang)
    attribution = exports.attribution_lines(
        pd.DataFrame({"dataset": ui_events.shown_datasets(events, shown_rows)}),
        ui_events.stored_datasets(), filters_text, lang)
    st.caption(t("export_note", count=shown_count))
    st.download_button(t("export_csv"), lambda: exports.events_csv(every_column(), attribution),
                       file_name="sahel-atlas-events.csv", mime="text/csv",
                       key="export_csv", on_click="ignore", width="stretch")
    st.download_button(t("exp_csv_excel"),
                       lambda: exports.events_csv(every_column(), attribution, excel=True),
                       file_name="sahel-atlas-events-excel.csv", mime="text/csv",
                       key="export_csv_excel", on_click="ignore", width="stretch",
                       help=t("exp_csv_help"))
    st.download_button(t("export_geojson"),
                       lambda: exports.events_geojson(every_column(), attribution, lang),
                       file_name="sahel-atlas-events.geojson", mime="application/geo+json",
                       key="export_geojson", on_click="ignore", width="stretch")
    st.download_button(
        t("export_html"),
        lambda: export_html.standalone_map_html(
            mapbuild.BaseLayers(layers["country"], layers["admin1"], layers["province"]),
            lang, every_column(), event_filter.layers, cluster, attribution,
            geojson=ui.base_geojson(lang),
            alg_outline=ui.alg_outline() if show_alg else None,
            core=core if show_core else None, tripoint=ui.the_tripoint(),
            radius_km=radius),
        file_name="sahel-atlas-map.html", mime="text/html", key="export_html",
        on_click="ignore", width="stretch")
    for line in attribution:
        st.caption(line)

ui.remember(
    {"alg": show_alg, "core": show_core, "radius": radius},
    {"alg": "1" if show_alg else "0", "core": "1" if show_core else "0",
     "radius": f"{radius:g}", "sel": selection.to_param() if selection else None,
     ui_events.CLUSTER_PARAM: None if cluster else "0",
     VIEW_PARAM: None,  # the browser writes it (mapbuild.KeepViewInAddress)
     ui_facts.HIGHLIGHT_PARAM: highlight_id},
)
ui_events.write_filter_params(url_filters)
