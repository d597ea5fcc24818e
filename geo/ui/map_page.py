"""The map page's controller: its state (selection, clicks, highlight, view, layers) and the
widgets of its sidebar, map, side panel and exports. ``pages/map.py`` only lays them out;
what is computed without Streamlit lives in :mod:`geo.render.mapview`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium  # type: ignore[import-untyped]

from geo import ui
from geo.analysis.filters import RegionStats, keep_rows, region_stats, rows_where
from geo.analysis.selection import near_rows, selection_from_click
from geo.i18n.catalogue import format_day, format_number, format_timestamp, pick
from geo.io import exports
from geo.model.countries import country_name
from geo.model.events import coverage_end, rejected_row_count
from geo.model.filters import EventFilter
from geo.model.selection import (
    IdLookup,
    Selection,
    click_hits,
    click_signature,
    parse_view,
    payload_properties,
    selection_from_param,
)
from geo.render import charter as charter_view
from geo.render import (
    densitylayer,
    export_html,
    mapbuild,
    mapview,
    panels,
    pointlayer,
    timeslider,
)
from geo.render.figures.layout import Captions
from geo.render.figures.mapfigure import Points, Zones, map_scene, time_mask
from geo.render.figures.projection import View, fit_view
from geo.render.figures.scene import Scene
from geo.spatial import zones
from geo.spatial.geometry import rounded_km2
from geo.ui import events as ui_events
from geo.ui import facts as ui_facts
from geo.ui import figures as ui_figures
from geo.ui import instore as ui_instore
from geo.ui import mapdata, state
from geo.ui import places as ui_places
from geo.ui.data import problems_table

# Clicks only: a moved map writes its view to the URL in the browser (no rerun, see
# mapbuild.KeepViewInAddress).
RETURNED = ["last_object_clicked", "last_active_drawing"]


@dataclass(frozen=True)
class MapData:
    """What every run of the page reads: language, boundaries, zones and events."""

    lang: str
    t: Callable[..., str]
    layers: dict[str, gpd.GeoDataFrame]
    zone_defs: zones.ZoneDefinitions
    events: pd.DataFrame
    load_problems: list
    known_ids: dict[str, IdLookup]

    @property
    def clickable(self) -> dict[str, pd.DataFrame]:
        return {"event": self.events, **self.layers}


@dataclass(frozen=True)
class Choices:
    """The sidebar's choices: event filter, clustering, datasets, zone layers, and whether
    the map shows the events' density."""

    event_filter: EventFilter
    cluster: bool
    datasets: tuple[str, ...]
    show_alg: bool
    show_core: bool
    radius: float
    core: gpd.GeoDataFrame
    density: bool = False


@dataclass(frozen=True)
class Shown:
    """What the map shows in this run: the filtered rows, the drawn block, the selection
    and the highlighted milestone."""

    rows: np.ndarray
    count: int
    url_filters: dict[str, str]
    block: pointlayer.PointBlock
    drawn: pointlayer.Visibility
    days: pointlayer.PointDays
    selection: Selection | None
    highlight_id: str | None
    highlight: charter_view.Highlight | None


def load() -> MapData:
    lang = ui.current_language()
    layers = ui.boundary_layers()
    events, load_problems = ui_events.app_events()
    clickable = {"event": events, **layers}
    return MapData(
        lang,
        ui.translator(lang),
        layers,
        ui.zone_definitions(),
        events,
        load_problems,
        {kind: IdLookup(df["id"]) for kind, df in clickable.items()},
    )


# --- sidebar -------------------------------------------------------------------------------


def sidebar(data: MapData) -> Choices:
    """The event filters, the datasets and the zone layers (call inside ``st.sidebar``)."""
    t, lang, zone_defs = data.t, data.lang, data.zone_defs
    _apply_period(data)
    density = map_show(t)
    event_filter, cluster = ui_events.event_sidebar(data.events, lang)
    datasets = ui_events.dataset_sidebar(data.events, lang)  # imported datasets as layers
    state.seed(state.ALG)
    state.seed(state.CORE)
    state.seed(state.RADIUS, zone_defs.default_radius_km)
    st.subheader(t("sidebar_layers"))
    show_alg = st.toggle(t("toggle_alg"), key=state.ALG.name)
    with st.expander(t("definition")):
        st.write(pick(zone_defs.alg_definition, lang))
        st.caption(pick(zone_defs.alg_caveat, lang))
        st.html(panels.source_list_html(zone_defs.alg_sources, lang))
    show_core = st.toggle(t("toggle_core"), key=state.CORE.name)
    radius = st.slider(
        t("core_radius"),
        *mapview.CORE_RADIUS_KM,
        step=mapview.CORE_RADIUS_STEP_KM,
        key=state.RADIUS.name,
        format="%d",
        disabled=not show_core,
    )
    core = ui.core_for_radius(radius)
    if show_core:
        # areas clipped by the simplified outlines: 3 significant figures, no more
        parts = ", ".join(
            f"{country_name(r.iso3, lang)} {format_number(rounded_km2(r.area_km2), lang)}"
            for r in core.itertuples()
        )
        total = format_number(rounded_km2(float(core["area_km2"].sum())), lang)
        st.caption(f"{t('core_area', area=total)} ({t('core_area_by_state', parts=parts)})")
    with st.expander(t("definition")):
        st.write(pick(zone_defs.core_definition, lang))
        st.caption(t("computed_layer"))
    return Choices(
        event_filter, cluster, tuple(datasets), show_alg, show_core, radius, core, density
    )


def map_show(t: Callable[..., str]) -> bool:
    """The choice "Events / Density" (URL ``density=1``): True for the density view."""
    state.seed(state.DENSITY)
    return bool(
        st.radio(
            t("map_show"),
            [False, True],
            format_func=lambda on: t("map_show_density" if on else "map_show_events"),
            key=state.DENSITY.name,
            horizontal=True,
            help=t("map_show_help", zoom=densitylayer.RESOLVE_ZOOM),
        )
    )


def _apply_period(data: MapData) -> None:
    """A period the map's time slider sent back ("Keep as date filter") becomes the date
    filter, once (by its nonce), before the sidebar draws the date widget."""
    payload = state.get(state.ATLAS_MAP)
    if not isinstance(payload, dict):
        return
    period = timeslider.period_from_click(payload_properties(payload))
    if period is None or period[0] == state.get(state.LAST_PERIOD):
        return
    state.put(state.LAST_PERIOD, period[0])
    ui_events.set_date_range(data.events, period[1], period[2])


# --- state: filtered rows, selection from the URL and from clicks, highlight -----------------


def prepare(data: MapData, choices: Choices) -> Shown:
    events = data.events
    rows = ui_events.filtered_rows(events, choices.event_filter, choices.datasets)
    url_filters = ui_events.filter_query_params(choices.event_filter, events)
    # Every located event is drawn on its own (geo.render.pointlayer), at any count: one block of
    # them all per state of the events, and the mask of those the filters keep.
    key = f"{ui_events.events_key()}|{len(events)}"
    block = mapdata.events_block(events, key)
    drawn = pointlayer.visibility(block, rows)
    days = mapdata.events_days(events, block, key)  # for the time slider, in the browser
    if not state.has(state.SELECTION):
        state.put(state.SELECTION, selection_from_param(state.url_value(state.SEL), data.known_ids))
    _apply_click(data)
    highlight_id, highlight = _apply_highlight(data)
    return Shown(
        rows,
        int(np.count_nonzero(rows)),
        url_filters,
        block,
        drawn,
        days,
        state.get(state.SELECTION),
        highlight_id,
        highlight,
    )


def _apply_click(data: MapData) -> None:
    """A new click on the map selects what it hit: the events under it (by their index in
    the drawn block), else the feature."""
    payload = state.get(state.ATLAS_MAP)
    signature = click_signature(payload)
    if not signature or signature == state.get(state.LAST_CLICK):
        return
    state.put(state.LAST_CLICK, signature)
    hits = click_hits(payload)
    if hits is not None:
        clicked_block = mapdata.block_by_token(hits[0])
        ids = clicked_block.ids_at(hits[1]) if clicked_block is not None else []
        found = mapview.clicked_events(ids, data.known_ids["event"])
        if found:
            state.put(state.SELECTION, Selection("event", found[0]))
            state.put(state.CLICK_HITS, found)
    else:
        clicked = selection_from_click(payload, data.clickable)
        if clicked is not None:
            state.put(state.SELECTION, clicked)


def _apply_highlight(data: MapData) -> tuple[str | None, charter_view.Highlight | None]:
    """A timeline milestone sent here from the Timeline page (or the ``hl`` URL parameter)."""
    highlight_id = state.get(state.HIGHLIGHT) or state.url_value(state.HL)
    highlight = charter_view.highlight_for_id(
        highlight_id, ui_facts.timeline(), data.events, data.layers["country"]["iso3"]
    )
    if highlight is None:
        return None, None
    if state.get(state.HL_APPLIED) != highlight_id:
        state.put(state.HL_APPLIED, highlight_id)
        state.put(state.HIGHLIGHT, highlight_id)
        # The milestone replaces whatever was selected before: its event, when the events
        # data have one, else nothing (an unrelated earlier selection would contradict the
        # banner).
        state.put(
            state.SELECTION,
            Selection("event", highlight.event_ids[0]) if highlight.event_ids else None,
        )
    return highlight_id, highlight


def _select(kind: str, ident: str) -> None:
    state.put(state.SELECTION, Selection(kind, ident))


def _select_none() -> None:
    state.put(state.SELECTION, None)


def _clear_highlight() -> None:
    state.put(state.HIGHLIGHT, None)
    state.put(state.HL_APPLIED, None)
    state.write_params({state.HL.name: None})


# --- the map -------------------------------------------------------------------------------


def draw_map(data: MapData, choices: Choices, shown: Shown) -> None:
    """The place search, the map with its layers, and the lines under it."""
    layers, lang, t, selection = data.layers, data.lang, data.t, shown.selection
    # Find a place or an event shown: goes there and selects it (geo.ui.places); the move
    # is sent once. Events are searched while they stay few; beyond, reach them by region.
    ui_places.place_search(
        layers,
        lang,
        t,
        ui_places.ShownEvents(
            repr(
                (
                    ui_events.events_key(),
                    len(data.events),
                    choices.event_filter,
                    choices.datasets,
                    shown.count <= mapview.FIND_EVENTS_MAX,
                )
            ),
            lambda: (
                shown_events(data, choices, shown)
                if shown.count <= mapview.FIND_EVENTS_MAX
                else data.events.iloc[0:0]
            ),
        ),
    )
    dynamic = [ui_places.found_layer()]
    if choices.show_alg:
        dynamic.append(mapbuild.alg_zone_layer(ui.alg_outline(), lang))
    if choices.show_core:
        dynamic.append(
            mapbuild.tri_border_layer(choices.core, ui.the_tripoint(), choices.radius, lang)
        )
    dynamic.append(mapbuild.selection_layer(selected_geometry(data, selection)))
    highlight = shown.highlight
    if highlight is not None:
        outlines = layers["country"][layers["country"]["iso3"].isin(highlight.countries)]
        dynamic.append(
            mapbuild.highlight_layer(outlines.geometry.union_all() if len(outlines) else None)
        )
    block_url, block_encoding = mapdata.served_block(shown.block)
    drawn_url = mapdata.served_url(shown.drawn.data, "sahel-atlas-map-drawn")
    if choices.density:  # hexagons below the zoom where each event is drawn
        dynamic.append(
            densitylayer.density_group(
                pointlayer.layer_options(
                    shown.block, lang, False, block_url, shown.drawn, drawn_url, block_encoding
                ),
                lang,
            )
        )
    dynamic.append(
        pointlayer.point_group(
            shown.block,
            lang,
            choices.cluster,
            block_url,
            drawn=shown.drawn,
            drawn_url=drawn_url,
            encoding=block_encoding,
            days=shown.days,
            days_url=mapdata.served_days(shown.days),
            min_zoom=densitylayer.RESOLVE_ZOOM if choices.density else 0,
        )
    )
    # The events start downloading first, while the boundaries load.
    prefetch = (
        [pointlayer.AtlasPointsPrefetch(shown.block.token, block_url, block_encoding)]
        if block_url
        else []
    )
    base = mapbuild.base_map(
        mapbuild.BaseLayers(layers["country"], layers["admin1"], layers["province"]),
        lang,
        ui.base_geojson(lang),
        boundaries_url=mapdata.boundary_url(lang),
        first=prefetch,
    )
    timeslider.TimeSlider(lang).add_to(base)  # plays the events through time, in the browser
    start_view = _start_view()
    if start_view is None:
        base.fit_bounds(
            mapview.aes_bounds(layers["country"], highlight.countries if highlight else ())
        )
    mapbuild.KeepViewInAddress(restore=start_view is None and highlight is None).add_to(base)
    st_folium(
        base,
        key=state.ATLAS_MAP.name,
        height=640,
        width="stretch",
        returned_objects=RETURNED,
        center=start_view[:2] if start_view else None,
        zoom=start_view[2] if start_view else None,
        feature_group_to_add=mapbuild.dynamic_layers(dynamic),
    )
    st.caption(
        mapview.shown_caption(
            shown.drawn.count,
            shown.count,
            ui_events.hidden_duplicates(data.events, choices.event_filter, choices.datasets),
            lang,
        )
    )
    if data.load_problems:
        with st.expander(
            f"{t('ev_load_problems', count=rejected_row_count(data.load_problems))}"
            f" ({t('ev_load_notes', count=len(data.load_problems))})"
        ):
            st.dataframe(problems_table(data.load_problems, lang), hide_index=True)
    with st.expander(t("boundaries_heading")):
        st.write(t("boundaries_note"))


def selected_geometry(data: MapData, selection: Selection | None) -> shapely.Geometry | None:
    """The outline of the selected unit, or the selected event's point (None: nothing)."""
    if selection is None:
        return None
    if selection.kind != "event":
        return mapview.unit_geometry(data.layers, selection)
    lat, lon = ui_events.event_row(data.events, selection.id)[["latitude", "longitude"]]
    return mapview.event_point(lat, lon)


def _start_view() -> tuple[float, float, int] | None:
    """A shared link's view (URL ``view``, used by the session's first map only: the map
    then keeps its own view, in the browser tab, across page switches); None: the page
    frames the three states, whatever the viewport, or a highlighted milestone's
    countries."""
    if not state.has(state.VIEW_FROM_URL):
        state.put(state.VIEW_FROM_URL, parse_view(state.url_value(state.VIEW)))
        state.put(state.VIEW_URL_USED, False)
    start_view = None if state.get(state.VIEW_URL_USED) else state.get(state.VIEW_FROM_URL)
    state.put(state.VIEW_URL_USED, True)
    return start_view


# --- the side panel ------------------------------------------------------------------------


def shown_events(data: MapData, choices: Choices, shown: Shown) -> pd.DataFrame:
    """The filtered events (``mapview.MAP_COLUMNS``), for the search while they are few
    (cached once built, see ``geo.ui.events.filtered_events``). The panels take only the
    rows they show (:func:`geo.analysis.filters.rows_where`): a copy of every filtered
    event costs about 160 MB per filter at a million events, kept while cached."""
    return ui_events.filtered_events(
        data.events,
        choices.event_filter,
        choices.datasets,
        columns=mapview.MAP_COLUMNS,
        rows=shown.rows,
    )


def panel_head(data: MapData, choices: Choices, shown: Shown) -> Sequence[Any]:
    """The legend and the highlight banner; the panel's two tabs."""
    t, lang, highlight = data.t, data.lang, shown.highlight
    # Beside the map, above the panel: readable without scrolling on a desktop window.
    with st.expander(t("legend_title"), expanded=True):
        st.html(
            panels.legend_html(lang)
            + panels.event_legend_html(
                lang,
                coverage_end(ui_events.curated_events(ui_events.curated_path())[0]),
                ui_events.outline_slots(data.events, choices.datasets),
            )
        )
    if highlight is not None:
        milestone = charter_view.milestone_by_id(ui_facts.timeline(), shown.highlight_id)
        assert milestone is not None  # a highlight is found from its milestone
        st.html(
            charter_view.highlight_banner_html(milestone, highlight, lang, ui_facts.categories())
        )
        st.button(t("highlight_clear"), on_click=_clear_highlight, key=state.HL_CLEAR.name)
    return st.tabs([t("tab_selection"), t("charter_panel_heading")])


def event_chooser(events: pd.DataFrame, family: state.Family, lang: str) -> None:
    """Each of ``events`` one action away: buttons for a few, else a table whose row
    selection opens the event (a single widget, however many events)."""
    if len(events) <= mapview.BUTTONS_MAX:
        for ident, label in mapview.event_labels(events, lang):
            st.button(
                ui.markdown_text(label), key=family(ident), on_click=_select, args=("event", ident)
            )
        return
    table_key = family("table", len(events))
    ids = events["id"].astype(str).tolist()

    def select_row() -> None:
        """A row chosen in the table: select its event, as a click would."""
        rows = st.session_state[table_key]["selection"]["rows"]
        if rows:
            _select("event", ids[rows[0]])

    st.caption(ui.translator(lang)("ev_table_hint"))
    st.dataframe(
        mapview.event_table(events, lang),
        key=table_key,
        on_select=select_row,
        selection_mode="single-row",
        hide_index=True,
        height=320,
        width="stretch",
    )


def selection_panel(data: MapData, choices: Choices, shown: Shown) -> None:
    """The selected event's or unit's panel, with the events one action away."""
    t, lang, events, selection = data.t, data.lang, data.events, shown.selection
    if selection is None:
        st.info(t("panel_hint"))
    elif selection.kind == "event":
        position = ui_events.event_position(events, selection.id)
        row = events.iloc[position]
        st.html(
            panels.event_panel_html(
                row,
                country_name(row["country_iso3"], lang),
                lang,
                ui_events.also_in(events, selection.id),
            )
        )
        if not bool(shown.rows[position]):
            st.warning(t("panel_hidden"))  # never shown as if it were on the map
        clicked_with = state.get(state.CLICK_HITS)
        if clicked_with and clicked_with[0] == selection.id and clicked_with[1]:
            # The click hit several marks: every one of them is one action away.
            others = _shown_where(events, shown, events["id"].isin(clicked_with[1]))
            st.markdown(f"**{t('panel_hits', count=len(others))}**")
            event_chooser(others.sort_values("date", kind="stable"), state.HIT_EVENTS, lang)
        elif not pd.isna(row["latitude"]):
            # Symbols at one spot overlap: every event there is one action away.
            if ui_instore.in_database():  # the shared store finds them by its spatial index
                here = _asked(data, choices, shown).near(row["latitude"], row["longitude"])
                here = here[list(mapview.MAP_COLUMNS)]
            else:
                near = near_rows(events, row["latitude"], row["longitude"])
                here = _shown_where(events, shown, near).sort_values("date", kind="stable")
            here = here[here["id"] != selection.id]
            if len(here):
                st.markdown(f"**{t('panel_same_place', count=len(here))}**")
                event_chooser(here, state.NEAR_EVENTS, lang)
    else:
        st.html(panels.unit_panel_html(selection, data.layers, ui.unit_facts(), lang))
        if selection.kind == "admin1":
            stats, here = _region_events(data, choices, shown, selection.id)
            st.markdown(f"**{t('region_events')}**")
            if stats.events:
                st.write(
                    t(
                        "region_events_count",
                        count=stats.events,
                        low=format_number(stats.fatalities_low, lang),
                        high=format_number(stats.fatalities_high, lang),
                    )
                )
                event_chooser(here, state.PICK_EVENTS, lang)
            else:
                st.write(t("region_events_none"))
        card = ui.member_card(data.layers, selection, lang)
        if card:
            st.html(card)
    if selection is not None:
        st.button(t("panel_clear"), on_click=_select_none)


def _asked(data: MapData, choices: Choices, shown: Shown) -> ui_instore.Asked:
    """The shared store's answers for the events the map shows."""
    return ui_instore.Asked(data.events, choices.event_filter, choices.datasets, shown.rows)


def _region_events(
    data: MapData, choices: Choices, shown: Shown, admin1_id: str
) -> tuple[RegionStats, pd.DataFrame]:
    """The shown events of one admin-1 unit (oldest first) and their sums: asked of the
    database with the shared store, else taken from the events in memory."""
    if ui_instore.in_database():
        (count, low, high), here = _asked(data, choices, shown).region(admin1_id)
        return RegionStats(count, low, high), here
    here = _shown_where(data.events, shown, data.events["admin1_id"] == admin1_id)
    return region_stats(here, admin1_id), here.sort_values("date", kind="stable")


def _shown_where(events: pd.DataFrame, shown: Shown, where: pd.Series | np.ndarray) -> pd.DataFrame:
    """The shown events (map columns) where ``where`` holds: only those rows are copied."""
    wanted = where.to_numpy(dtype=bool, na_value=False) if isinstance(where, pd.Series) else where
    return rows_where(events, shown.rows & wanted, mapview.MAP_COLUMNS)


# --- exports (last in the sidebar; built after the map so they never delay it) --------------


def export_expander(data: MapData, choices: Choices, shown: Shown) -> None:
    """The sidebar's expander of downloads, its content drawn only while it is open (its
    opening reruns the page): closed, a first visit downloads none of the code of its
    elements (the view reader's component and its Arrow modules, the download buttons:
    about 45 kB, scripts/benchmark_slowlink.py) and the page's run sends none of them."""
    expander = st.sidebar.expander(
        data.t("export_heading"), key=state.EXPORTS_OPEN.name, on_change="rerun"
    )
    if expander.open:
        with expander:
            export_buttons(data, choices, shown)


def export_buttons(data: MapData, choices: Choices, shown: Shown) -> None:
    """The downloads of the filtered events and of the map (call inside their expander)."""
    t, lang, events, layers = data.t, data.lang, data.events, data.layers

    def every_column() -> pd.DataFrame:
        """The filtered events with all their columns, for a file being downloaded."""
        return keep_rows(events, pd.Series(shown.rows, index=events.index))

    filters_text = exports.describe_filter(
        {**shown.url_filters, "datasets": ",".join(choices.datasets)}, lang
    )
    attribution = exports.attribution_lines(
        pd.DataFrame({"dataset": ui_events.shown_datasets(events, shown.rows)}),
        ui_events.stored_datasets(),
        filters_text,
        lang,
    )
    st.caption(t("export_note", count=shown.count))
    st.download_button(
        t("export_csv"),
        lambda: exports.events_csv(every_column(), attribution),
        file_name="sahel-atlas-events.csv",
        mime="text/csv",
        key=state.EXPORT_CSV.name,
        on_click="ignore",
        width="stretch",
    )
    st.download_button(
        t("exp_csv_excel"),
        lambda: exports.events_csv(every_column(), attribution, excel=True),
        file_name="sahel-atlas-events-excel.csv",
        mime="text/csv",
        key=state.EXPORT_CSV_EXCEL.name,
        on_click="ignore",
        width="stretch",
        help=t("exp_csv_help"),
    )
    st.download_button(
        t("export_geojson"),
        lambda: exports.events_geojson(every_column(), attribution, lang),
        file_name="sahel-atlas-events.geojson",
        mime="application/geo+json",
        key=state.EXPORT_GEOJSON.name,
        on_click="ignore",
        width="stretch",
    )
    st.download_button(
        t("export_html"),
        lambda: export_html.standalone_map_html(
            mapbuild.BaseLayers(layers["country"], layers["admin1"], layers["province"]),
            lang,
            every_column(),
            choices.event_filter.layers,
            choices.cluster,
            attribution,
            geojson=ui.base_geojson(lang),
            alg_outline=ui.alg_outline() if choices.show_alg else None,
            core=choices.core if choices.show_core else None,
            tripoint=ui.the_tripoint(),
            radius_km=choices.radius,
        ),
        file_name="sahel-atlas-map.html",
        mime="text/html",
        key=state.EXPORT_HTML.name,
        on_click="ignore",
        width="stretch",
    )
    for line in attribution:
        st.caption(line)
    map_figure(data, choices, shown, filters_text, attribution)


def map_figure(
    data: MapData, choices: Choices, shown: Shown, filters_text: str, attribution: list[str]
) -> None:
    """The map as it is shown, as PNG and SVG (geo.render.figures): the view read from the
    browser by the reader's button, else the opening view."""
    t, lang, layers = data.t, data.lang, data.layers
    st.markdown(f"**{t('fig_heading')}**")
    ui_figures.view_reader(lang)
    start = state.get(state.VIEW_FROM_URL)
    fallback = (
        View(start[0], start[1], start[2], *ui_figures.DEFAULT_SIZE)
        if start
        else fit_view(
            _lng_lat_bounds(mapview.aes_bounds(layers["country"])), *ui_figures.DEFAULT_SIZE
        )
    )
    view = ui_figures.figure_view(fallback)
    if state.get(state.FIG_VIEW):
        st.caption(
            t(
                "fig_view_line",
                lat=format_number(view.lat, lang, 2),
                lng=format_number(view.lng, lang, 2),
                zoom=int(view.zoom),
            )
        )
    else:
        st.caption(t("fig_view_default"))
    filters_line = t("exp_filters", filters=filters_text)
    key = (
        "map",
        ui_events.events_key(),
        len(data.events),
        repr(choices.event_filter),
        choices.datasets,
        choices.show_alg,
        choices.show_core,
        choices.radius,
        choices.cluster,
        choices.density,
        shown.selection,
        view,
        ui_figures.figure_time(),
        lang,
    )
    block, drawn, days = shown.block, shown.drawn, shown.days
    period = ui_figures.figure_time()
    period_note = (
        t("fig_time_window", label=period[2] or f"{period[0]} – {period[1]}") if period else ""
    )
    if period_note:
        st.caption(period_note)

    def scene() -> Scene:
        kept = pointlayer.decode_mask(drawn.data)
        if period is not None:  # the time slider's period, as the map shows it
            kept = kept & time_mask(pointlayer.decode_days(days.data), period[0], period[1])
        curated_end = coverage_end(ui_events.curated_events(ui_events.curated_path())[0])
        captions = Captions(
            t("exp_map_title"),
            filters_line,
            t("exp_map_made", moment=format_timestamp(dt.datetime.now(dt.UTC), lang)),
            t("ev_coverage", date=format_day(curated_end, lang)) if curated_end else "",
            tuple(line for line in attribution if line != filters_line),
            (
                *((period_note,) if period_note else ()),
                *((t("fig_no_grouping"),) if choices.cluster else ()),
                *(
                    (t("fig_no_density"),)
                    if choices.density and view.zoom < densitylayer.RESOLVE_ZOOM
                    else ()
                ),
            ),
        )
        zones_shown = Zones(
            alg=ui.alg_outline() if choices.show_alg else None,
            core=shapely.union_all(choices.core.geometry.values) if choices.show_core else None,
            tripoint=ui.the_tripoint() if choices.show_core else None,
            selection=selected_geometry(data, shown.selection),
        )
        return map_scene(
            view,
            layers["country"],
            layers["admin1"],
            Points.from_block(pointlayer.decode(block.data), kept),
            captions,
            lang,
            zones_shown,
        )

    ui_figures.figure_buttons("map", key, scene, lang, stacked=True)


def _lng_lat_bounds(corners: list[list[float]]) -> tuple[float, float, float, float]:
    """Leaflet's ``[[south, west], [north, east]]`` as ``(west, south, east, north)``."""
    (south, west), (north, east) = corners
    return west, south, east, north


def remember(choices: Choices, shown: Shown) -> None:
    """The page's state in the URL (a copied address reproduces the view)."""
    ui.remember(
        {
            state.ALG.name: choices.show_alg,
            state.CORE.name: choices.show_core,
            state.RADIUS.name: choices.radius,
            state.DENSITY.name: choices.density,
        },
        {
            **state.encoded(
                [
                    (state.ALG, choices.show_alg),
                    (state.CORE, choices.show_core),
                    (state.RADIUS, choices.radius),
                ]
            ),
            state.SEL.name: shown.selection.to_param() if shown.selection else None,
            **state.encoded(
                [(state.EV_CLUSTER, choices.cluster), (state.DENSITY, choices.density)]
            ),
            state.VIEW.name: None,  # the browser writes it (mapbuild.KeepViewInAddress)
            **state.encoded([(state.HL, shown.highlight_id)]),
        },
    )
    ui_events.write_filter_params(shown.url_filters)
