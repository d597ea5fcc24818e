"""The base map's tools: town labels, fullscreen, distance measurement, and the one-shot
move of a place search (browser half: ``geo/render/mapjs/atlas_tools.js``).

The code, the controls and the town names travel with the base map, which the browser
loads once per session (the town names in the served boundary file, part ``town``, see
``geo.render.mapbuild.BoundaryFile``); only a search's marker and move follow widgets.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import folium
from branca.element import MacroElement
from jinja2 import Template

from geo.i18n.catalogue import translate
from geo.render.html import escape_value
from geo.render.palette import MAP_COLOURS

JS_SOURCE = Path(__file__).with_name("mapjs") / "atlas_tools.js"
TOWN_PART = "town"

TOOLS_CSS = (
    "<style>"
    ".atlas-town{position:absolute;white-space:nowrap;font:12px/1 sans-serif;color:#222;"
    "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;transform:translate(-3px,-6px)}"
    ".atlas-capital{font-weight:600}"
    ".atlas-town-dot{display:inline-block;width:5px;height:5px;border-radius:50%;"
    "background:#333;border:1px solid #fff;margin-right:3px;vertical-align:1px}"
    ".atlas-capital .atlas-town-dot{width:7px;height:7px;background:#000}"
    ".atlas-tool-button{display:block;width:34px;height:34px;border:none;"
    "background:#fff;font:18px/34px sans-serif;cursor:pointer;padding:0;color:#000}"
    ".atlas-tool-button:hover{background:#f0f0f0}"
    ".atlas-tool-button:focus-visible{outline:3px solid #0072B2;outline-offset:-3px}"
    ".atlas-tool-button[aria-pressed=true]{background:#ffe08a}"
    # Icons drawn in CSS: the emoji and symbol glyphs used before were missing from the
    # fonts of a plain Linux install (empty boxes).
    ".atlas-fullscreen-button::before{content:'';display:inline-block;width:14px;"
    "height:14px;border:2px dashed #000;vertical-align:-2px}"
    ".atlas-measure-button::before{content:'';display:inline-block;width:18px;height:7px;"
    "border:2px solid #000;vertical-align:1px;background:repeating-linear-gradient("
    "90deg,#000 0 1px,transparent 1px 4px)}"
    ".atlas-measure-output{background:#fff;padding:4px 6px;font:13px/1.3 sans-serif;"
    "max-width:220px;border-top:1px solid #ccc}"
    ".atlas-measure-sheet{position:absolute;inset:0;z-index:700;cursor:crosshair}"
    ".atlas-measuring::after{content:'+';position:absolute;left:50%;top:50%;z-index:701;"
    "transform:translate(-50%,-50%);font:24px/1 sans-serif;color:#000;pointer-events:none;"
    "text-shadow:0 0 3px #fff}"
    ".atlas-found-label{font:600 13px/1.2 sans-serif;color:#000;white-space:nowrap;"
    "text-shadow:0 0 3px #fff,0 0 3px #fff}"
    ".atlas-found-icon{background:none;border:none}"
    "</style>"
)


def js_source() -> str:
    return JS_SOURCE.read_text(encoding="utf-8")


class AtlasToolsCode(MacroElement):
    """Defines the tools' classes once, in the base map's script."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.source }}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "AtlasToolsCode"
        self.source = js_source()


class TownLabels(MacroElement):
    """The town label layer, from the served boundary file (``url``) or inline ``data``
    (a standalone map). Names are written as text by the browser (never HTML)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "new L.AtlasTownLabels("
        "{% if this.url %}atlasBoundary({{ this.url|tojson }}, {{ this.part|tojson }})"
        "{% else %}{{ this.data|tojson }}{% endif %},"
        " {attribution: {{ this.attribution|tojson }}}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, lang: str, data: dict | None = None, url: str | None = None) -> None:
        super().__init__()
        self._name = "TownLabels"
        # Leaflet writes attributions as HTML: the text is escaped.
        self.attribution = str(escape_value(translate("places_attribution", lang)))
        self.data = data or {"rows": []}
        self.url = url
        self.part = TOWN_PART


class MapTools(MacroElement):
    """The fullscreen button and the distance tool, labelled in ``lang``."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "new L.Control.AtlasFullscreen({labels: {{ this.fullscreen|tojson }}})"
        ".addTo({{ this._parent.get_name() }});"
        "new L.Control.AtlasMeasure({locale: {{ this.locale|tojson }},"
        " color: {{ this.color|tojson }}, labels: {{ this.measure|tojson }}})"
        ".addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "MapTools"
        self.locale = "fr-FR" if lang == "fr" else "en-GB"
        self.color = MAP_COLOURS["selection"]
        self.fullscreen = {
            "enter": translate("tool_fullscreen", lang),
            "exit": translate("tool_fullscreen_exit", lang),
        }
        self.measure = {
            key: translate(name, lang)
            for key, name in (
                ("start", "tool_measure"),
                ("stop", "tool_measure_stop"),
                ("clear", "tool_measure_clear"),
                ("hint", "tool_measure_hint"),
                ("total", "tool_measure_total"),
                ("unit", "tool_unit_km"),
            )
        }


class GoTo(MacroElement):
    """Move the map once (per ``nonce``) to a point and zoom, or to bounds."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function (group) { var map = group._map || window.map;"
        " if (map && window.atlasGoTo) { window.atlasGoTo(map, {{ this.nonce|tojson }},"
        " {{ this.view|tojson }}); } })({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, view: dict, nonce: str | None = None) -> None:
        super().__init__()
        self._name = "GoTo"
        self.view = view
        self.nonce = nonce or uuid.uuid4().hex


class PlaceMarker(MacroElement):
    """A found town: a ring and its name (written as text, never HTML)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function (group) { var el = document.createElement('div');"
        " el.className = 'atlas-found-label'; el.textContent = {{ this.text|tojson }};"
        " L.circleMarker({{ this.location|tojson }}, {radius: 9, weight: 3,"
        "  color: {{ this.color|tojson }}, fill: false, interactive: false}).addTo(group);"
        " L.marker({{ this.location|tojson }}, {interactive: false, keyboard: false,"
        "  icon: L.divIcon({html: el, className: 'atlas-found-icon', iconSize: [200, 18],"
        "   iconAnchor: [-12, 9]})}).addTo(group); })({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, location: tuple[float, float], text: str) -> None:
        super().__init__()
        self._name = "PlaceMarker"
        self.location = [float(location[0]), float(location[1])]
        self.text = str(text)
        self.color = MAP_COLOURS["selection"]


def found_place_layer(
    marker: tuple[tuple[float, float], str] | None, view: dict | None, nonce: str | None
) -> folium.FeatureGroup:
    """The dynamic layer of a place search: the found town's marker (if any) and, in the
    run right after the search only, the move there (``view``: ``center``/``zoom`` or
    ``bounds``)."""
    group = folium.FeatureGroup(name="place", control=False)
    if marker is not None:
        PlaceMarker(*marker).add_to(group)
    if view is not None:
        GoTo(view, nonce).add_to(group)
    return group
