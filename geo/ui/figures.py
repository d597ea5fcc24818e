"""The PNG and SVG downloads of the map and of each chart (:mod:`geo.render.figures`).

A figure is drawn when its button is clicked (Streamlit calls the download's callable
then), never on a rerun, and kept for the same view of the same data: a second click, or
the other format, reads it. The map's figure shows the view the reader has on screen: the
map keeps its view in the browser (``geo.render.mapbuild.KeepViewInAddress``, no rerun), so
a small button reads it there and sends it to the page (:func:`view_reader`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import geopandas as gpd
import streamlit as st
from streamlit.components import v2 as components_v2

from geo import ui
from geo.i18n.catalogue import format_timestamp
from geo.model.selection import parse_view
from geo.render import mapbuild
from geo.render.figures import png, svg
from geo.render.figures.layout import Captions
from geo.render.figures.mapfigure import Fill, map_scene
from geo.render.figures.projection import View, fit_view
from geo.render.figures.scene import Scene
from geo.ui import state

KEPT = 8
"""Figures kept (both formats of a few views: each is drawn once)."""
FIGURE_SIZE = (900.0, 640.0)
"""The frame of a choropleth's figure (CSS px), the three states fitted in it."""
DEFAULT_SIZE = (1000.0, 640.0)
"""The map's size when the browser has not told it (the page's map is 640 px high)."""

_lock = threading.Lock()
_scenes: OrderedDict[Hashable, Scene] = OrderedDict()
_files: OrderedDict[tuple[Hashable, str], bytes] = OrderedDict()


def _remember(store: OrderedDict, key: Hashable, value: object) -> None:
    store[key] = value
    store.move_to_end(key)
    while len(store) > KEPT * (2 if store is _files else 1):
        store.popitem(last=False)


def figure_file(key: Hashable, kind: str, scene: Callable[[], Scene]) -> bytes:
    """The figure ``key`` as ``kind`` (``png`` or ``svg``), drawn once (its scene is shared
    by both formats)."""
    with _lock:
        if (key, kind) in _files:
            return _files[(key, kind)]
        drawn = _scenes.get(key)
    if drawn is None:
        drawn = scene()
        with _lock:
            _remember(_scenes, key, drawn)
    data = png.png_bytes(drawn) if kind == "png" else svg.svg_bytes(drawn)
    with _lock:
        _remember(_files, (key, kind), data)
    return data


def figure_buttons(name: str, key: Hashable, scene: Callable[[], Scene], lang: str) -> None:
    """The PNG and SVG downloads of a figure (``name``: its file name and its buttons'
    keys; ``key``: what it depends on, for the cache)."""
    t = ui.translator(lang)
    png_col, svg_col = st.columns(2)
    with png_col:
        st.download_button(
            t("fig_download_png"),
            lambda: figure_file(key, "png", scene),
            file_name=f"sahel-atlas-{name}.png",
            mime="image/png",
            key=state.FIGURE(name, "png"),
            on_click="ignore",
            width="stretch",
        )
    with svg_col:
        st.download_button(
            t("fig_download_svg"),
            lambda: figure_file(key, "svg", scene),
            file_name=f"sahel-atlas-{name}.svg",
            mime="image/svg+xml",
            key=state.FIGURE(name, "svg"),
            on_click="ignore",
            width="stretch",
        )


# --- the map's current view ----------------------------------------------------------------

_READER_HTML = '<button type="button" class="fig-view-reader"></button>'
_READER_CSS = (
    ".fig-view-reader{width:100%;padding:.35rem .75rem;border-radius:.5rem;"
    "border:1px solid rgba(49,51,63,.2);background:#fff;color:inherit;font:inherit;"
    "cursor:pointer}.fig-view-reader:hover{border-color:#E69F00}"
    ".fig-view-reader:focus-visible{outline:2px solid #0072B2;outline-offset:2px}"
)
_READER_JS = """
export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  const button = parentElement.querySelector("button");
  button.textContent = data.label;
  button.onclick = () => {
    let raw = "";
    try { raw = new URL(window.location.href).searchParams.get(data.param) || ""; }
    catch (e) { raw = ""; }
    if (!raw) {
      try { raw = window.sessionStorage.getItem(data.storage) || ""; } catch (e) { raw = ""; }
    }
    const frame = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    const box = frame ? frame.getBoundingClientRect() : null;
    setTriggerValue("view", {
      view: raw, width: box ? Math.round(box.width) : 0, height: box ? Math.round(box.height) : 0
    });
  };
}
"""
_reader = None


def _view_from(value: object) -> tuple[tuple[float, float, int], tuple[float, float]] | None:
    """The view a click on the reader sent (None when it sent nothing usable)."""
    if not isinstance(value, dict):
        return None
    view = parse_view(str(value.get("view") or ""))
    if view is None:
        return None
    try:
        width, height = float(value.get("width") or 0), float(value.get("height") or 0)
    except (TypeError, ValueError):
        width = height = 0.0
    size = (width, height) if width > 100 and height > 100 else DEFAULT_SIZE
    return view, size


def _ignore() -> None:
    """The reader's trigger needs a callback; its value is read from what the mount returns."""


def view_reader(lang: str) -> None:
    """A button that takes the map's current view (centre, zoom and size, from the browser)
    for the map's figure."""
    global _reader
    if _reader is None:
        _reader = components_v2.component(
            "sahel_atlas_view_reader", html=_READER_HTML, css=_READER_CSS, js=_READER_JS
        )
    result = _reader(
        key=state.FIG_VIEW_READER.name,
        data={
            "label": ui.translator(lang)("fig_use_view"),
            "param": mapbuild.VIEW_PARAM,
            "storage": mapbuild.VIEW_STORAGE_KEY,
        },
        on_view_change=_ignore,
    )
    sent = getattr(result, "view", None) if result is not None else None
    found = _view_from(sent)
    if found is not None:
        state.put(state.FIG_VIEW, found)


def figure_view(fallback: View) -> View:
    """The view the map's figure shows: the one last read from the browser, else
    ``fallback`` (the map's opening view)."""
    found = state.get(state.FIG_VIEW)
    if not found:
        return fallback
    (lat, lng, zoom), (width, height) = found
    return View(lat, lng, zoom, width, height)


# --- choropleths ---------------------------------------------------------------------------


def region_figure(
    admin1: gpd.GeoDataFrame,
    colours: dict[str, str],
    legend: list[tuple[str, str]],
    title: str,
    lang: str,
    heading: str,
    filters: str = "",
    notes: tuple[str, ...] = (),
    attribution: tuple[str, ...] = (),
) -> Scene:
    """A choropleth of the admin-1 units as a figure, framed on them."""
    t = ui.translator(lang)
    west, south, east, north = (float(v) for v in admin1.total_bounds)
    view = fit_view((west, south, east, north), *FIGURE_SIZE)
    captions = Captions(
        title,
        filters,
        t("exp_map_made", moment=format_timestamp(dt.datetime.now(dt.UTC), lang)),
        attribution=attribution or (t("exp_curated"),),
        notes=notes,
    )
    countries = ui.boundary_layers()["country"]
    return map_scene(
        view,
        countries,
        admin1,
        None,
        captions,
        lang,
        fill=Fill(admin1, colours, legend, heading, 0.85),
    )
