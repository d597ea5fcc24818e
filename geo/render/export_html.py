"""The map as one self-contained HTML file: Leaflet and the vendor assets inlined, the
events drawn by the app's own renderer, a title, the legend and the attribution beside the map.

Nothing here imports Streamlit or the store.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from markupsafe import Markup

from geo.i18n.catalogue import format_timestamp, translate
from geo.render import assets, foliumsafe, mapbuild, pointlayer
from geo.render.foliumsafe import LiteralElement
from geo.render.html import escape_value, render
from geo.render.mapbuild import BaseLayers

foliumsafe.install()  # data in a map must never be run as a template

_SCRIPT_RE = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_CSS_RE = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/?>')


def _local(url: str) -> str | None:
    prefix = assets.VENDOR_URL + "/"
    if url.startswith(prefix):
        path = assets.VENDOR_DIR / url[len(prefix) :]
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            # Images referenced by a stylesheet (Leaflet's layer icon) become data: URIs.
            return _CSS_URL_RE.sub(
                lambda m: _data_uri(path.parent / m.group(1)) or m.group(0), text
            )
    return None


_CSS_URL_RE = re.compile(r"url\((?![\"']?data:)[\"']?([^)\"']+)[\"']?\)")


def _data_uri(path) -> str | None:
    if not path.is_file() or path.suffix.lower() not in (".png", ".svg", ".gif"):
        return None
    kind = {"svg": "svg+xml"}.get(path.suffix[1:].lower(), path.suffix[1:].lower())
    return f"url(data:image/{kind};base64,{base64.b64encode(path.read_bytes()).decode()})"


def standalone_html(fmap: folium.Map, attribution: list[str]) -> bytes:
    """The map as one HTML file with Leaflet & co. inlined and the attribution shown.

    Script and style links to the local vendor copies are replaced by their content; any
    other external link (an online basemap the user may switch on) stays as a URL and is
    only fetched if the reader switches that layer on.
    """
    assets.install_vendor_assets()
    note = render("export_attribution.html.j2", lines=attribution)
    HtmlControl(note, "bottomright", "atlas-box atlas-attribution").add_to(fmap)
    page = fmap.get_root().render()

    def script(match: re.Match) -> str:
        body = _local(match.group("url"))
        return (
            match.group(0)
            if body is None
            else "<script>" + body.replace("</script", "<\\/script") + "</script>"
        )

    def style(match: re.Match) -> str:
        body = _local(match.group("url"))
        return match.group(0) if body is None else "<style>" + body + "</style>"

    page = _SCRIPT_RE.sub(script, page)
    page = _CSS_RE.sub(style, page)
    # Default marker images are never used (events are canvas circles).
    page = page.replace(f"L.Icon.Default.imagePath = '{assets.VENDOR_URL}/leaflet/images/';", "")
    return page.encode("utf-8")


# --- the standalone HTML map ------------------------------------------------------------------


class HtmlControl(MacroElement):
    """A Leaflet control showing ready HTML (escaped by the caller) in a map corner.

    Controls of one corner stack instead of overlapping (the scale bar, the legend and the
    attribution each keep their own place); ``first`` puts this one before the others of
    its corner (the title above the zoom buttons).
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function (map) {"
        " var control = L.control({position: {{ this.position|tojson }}});"
        " control.onAdd = function () {"
        "  var div = L.DomUtil.create('div', {{ this.css_class|tojson }});"
        "  div.innerHTML = {{ this.html|tojson }};"
        "  L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);"
        "  return div; };"
        " control.addTo(map);"
        "{% if this.first %}"
        " var c = control.getContainer(); c.parentNode.insertBefore(c, c.parentNode.firstChild);"
        "{% endif %}"
        "})({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, html: str, position: str, css_class: str, first: bool = False) -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html = html
        self.position = position
        self.css_class = css_class
        self.first = first


_EXPORT_CSS = (
    "<style>"
    ".atlas-box{background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;"
    "box-shadow:0 1px 4px rgba(0,0,0,0.3);font:12px/1.35 sans-serif;color:#222}"
    ".atlas-title{font:600 15px/1.3 sans-serif;max-width:340px}"
    ".atlas-title small{display:block;font-weight:400;font-size:11px;color:#555}"
    ".atlas-legend{max-height:55vh;overflow:auto;max-width:300px}"
    ".atlas-legend h5{margin:6px 0 2px;font-size:12px}"
    ".atlas-legend li{margin:2px 0}"
    ".atlas-attribution{max-width:min(46vw,520px);font-size:11px}"
    "</style>"
)


def standalone_map_html(
    layers: BaseLayers,
    lang: str,
    events: pd.DataFrame,
    event_layers: tuple[str, ...],
    cluster: bool,
    attribution: list[str],
    *,
    geojson: dict[str, dict] | None = None,
    alg_outline: shapely.Geometry | None = None,
    core: gpd.GeoDataFrame | None = None,
    tripoint: shapely.Point | None = None,
    radius_km: float = 0.0,
    now: dt.datetime | None = None,
) -> bytes:
    """The map page's current view as one self-contained HTML file.

    The same base map, the ALG zone and the tri-border core when given (the page passes
    them only when they are shown), the events of ``events`` on the layers
    ``event_layers`` (one "Events" entry in the layer menu), grouped or not, and
    beside the map a title, the legend and the attribution (datasets, filters, Natural
    Earth). Opens from disk with no network. The events are drawn one by one as in the
    app (the same renderer and drawing order), carried inline.
    """
    from geo.render.panels import event_legend_html, legend_html

    def t(key: str, **kw: object) -> str:
        return translate(key, lang, **kw)

    overlays: list[folium.FeatureGroup] = []
    if alg_outline is not None:
        overlays.append(mapbuild.alg_zone_layer(alg_outline, lang))
    if core is not None and tripoint is not None:
        overlays.append(mapbuild.tri_border_layer(core, tripoint, radius_km, lang))
    block = pointlayer.event_block(events, event_layers)
    # The layer menu shows a layer's name as HTML: the name goes in escaped.
    events_name = str(escape_value(t("exp_map_events")))
    overlays.append(pointlayer.point_group(block, lang, cluster, name=events_name))
    fmap = mapbuild.base_map(layers, lang, geojson, overlays=overlays)
    mapbuild.page_header(fmap).add_child(LiteralElement(_EXPORT_CSS))

    moment = format_timestamp(now or dt.datetime.now(dt.UTC), lang)
    HtmlControl(
        render(
            "export_title.html.j2", title=t("exp_map_title"), made=t("exp_map_made", moment=moment)
        ),
        "topleft",
        "atlas-box atlas-title",
        first=True,
    ).add_to(fmap)
    HtmlControl(
        render(
            "export_legend.html.j2",
            title=t("legend_title"),
            legend=Markup(legend_html(lang)),
            events=Markup(event_legend_html(lang)),
        ),
        "bottomleft",
        "atlas-box atlas-legend",
    ).add_to(fmap)
    located = int((events["latitude"].notna() & events["longitude"].notna()).sum())
    lines = [*attribution, t("exp_boundaries")]
    if len(events) > located:
        lines.insert(-1, t("exp_map_not_located", count=len(events) - located))
    return standalone_html(fmap, lines)
