"""Exports of the current filtered view: CSV, GeoJSON and a standalone HTML map.

Every export carries the attribution its datasets require (:func:`attribution_lines`):
for ACLED the dataset, the access date and the filters applied, plus the notice that the
user's own ACLED licence governs raw ACLED rows; for UCDP the CC BY 4.0 citation.

* CSV is in the app's schema (``DATA_DICTIONARY.md``; ``timestamp`` only when a source gave one,
  ``admin1_source_name`` (the region as the source wrote it) when at least one event has it: no
  column is always blank), so it can be imported again unchanged; the attribution is written as
  leading ``# `` lines, which the importer skips. UTF-8 with a byte-order mark, so that Excel reads
  the accents; a semicolon-separated variant with decimal commas opens in columns in Excel set to a
  French (or other decimal-comma) locale. Text cells starting with ``=``, ``+``, ``-``, ``@``, tab
  or carriage return get a leading apostrophe (spreadsheet formula injection); numbers are written
  as numbers. The importer removes that apostrophe again.
* GeoJSON: a FeatureCollection of every event (those without coordinates with
  ``"geometry": null``, as RFC 7946 allows, and counted in the attribution), booleans and
  numbers as JSON values, the attribution as a foreign member ``attribution``.
* HTML: the folium map saved as one self-contained file: Leaflet & co. are *embedded*
  (inline ``<script>``/``<style>`` from the local XStatic copies), no CDN link and no
  request to our server; the stylesheet's images become data: URIs and default marker
  images are not needed (events are circles). :func:`standalone_map_html` builds it from
  what the map page shows: zones, events, legend, title and attribution.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo import assets, foliumsafe, mapbuild, pointlayer
from geo.countries import country_name
from geo.events import CSV_COLUMNS, LAYERS, TYPOLOGY_COLUMNS
from geo.foliumsafe import LiteralElement
from geo.i18n import format_day, format_timestamp, translate
from geo.mapbuild import BaseLayers
from geo.store import DatasetInfo

foliumsafe.install()  # data in a map must never be run as a template

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells (and column names) starting a spreadsheet formula get a leading ``'``;
    numbers stay."""
    out = frame.copy()
    out.columns = [_safe_text(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            values = out[col].astype(str)
            risky = values.str.startswith(FORMULA_START) & out[col].notna()
            if risky.any():
                out[col] = values.where(~risky, "'" + values)
    return out


def describe_filter(params: Mapping[str, str], lang: str = "en") -> str:
    """The filters applied, in words in ``lang``, from the map's URL parameters (only those
    that differ from the default view; see ``geo.filters.to_query_params``)."""
    def t(key: str, **kw: object) -> str:
        return translate(key, lang, **kw)

    def listed(values: list[str]) -> str:
        return ", ".join(values) if values else t("exp_f_nothing")

    def codes(value: str) -> list[str]:
        return [c for c in value.split(",") if c]

    parts = []
    for key, value in params.items():
        value = str(value)
        if key in ("from", "to"):
            if value:
                parts.append(t(f"exp_f_{key}", date=_day(value, lang)))
        elif key == "countries":
            parts.append(t("exp_f_countries", values=listed(
                [country_name(c, lang) for c in codes(value)])))
        elif key == "layers":
            parts.append(t("exp_f_layers", values=listed(
                [translate(f"ev_layer_{c}", lang) if c in LAYERS else c
                 for c in codes(value)])))
        elif key == "subtypes":
            parts.append(t("exp_f_subtypes", values=listed(
                [_label(f"sub_{c}", c, lang) for c in codes(value)])))
        elif key == "actors":
            parts.append(t("exp_f_actors", values=listed(
                [a for a in value.split("|") if a])))
        elif key == "min_fatalities" and value.strip().isdigit():
            parts.append(t("exp_f_min_fatalities", count=int(value)))
        elif key == "non_aes_coups":
            on = value.strip().lower() in ("1", "true", "yes", "on")
            parts.append(t("exp_f_non_aes_on" if on else "exp_f_non_aes_off"))
        elif key == "winner" and value:
            parts.append(t("exp_f_winner", dataset=dataset_label(value, lang)))
        elif key == "datasets":
            parts.append(t("exp_f_datasets", values=listed(
                [dataset_label(c, lang) for c in codes(value)])))
        elif value:
            parts.append(f"{key}={value}")
    return "; ".join(parts) or t("exp_filters_none")


def dataset_label(name: str, lang: str) -> str:
    """A dataset as readers see it: the curated one by its description, others by name."""
    return translate("ev_dataset_curated", lang) if name == "curated" else name


def _label(key: str, fallback: str, lang: str) -> str:
    try:
        return translate(key, lang)
    except KeyError:
        return fallback


def _day(text: str, lang: str) -> str:
    try:
        return format_day(dt.date.fromisoformat(text), lang)
    except ValueError:
        return text


def dataset_attribution(info: DatasetInfo, lang: str) -> str:
    """The citation a dataset requires, in ``lang`` (ACLED: access date; UCDP: CC BY 4.0)."""
    if info.format == "acled":
        return translate("exp_acled", lang, accessed=_day(info.accessed, lang), name=info.name)
    if info.format == "ucdp":
        return translate("exp_ucdp", lang, version=info.version, name=info.name)
    return translate("exp_user_dataset", lang, version=info.version, name=info.name)


def attribution_lines(events: pd.DataFrame, datasets: Iterable[DatasetInfo],
                      filters: str, lang: str = "en") -> list[str]:
    """One line per dataset present in ``events``, the filters, and licence notices, in
    ``lang``."""
    present = set(events["dataset"].unique()) if len(events) else set()
    by_name = {d.name: d for d in datasets}
    lines = []
    if "curated" in present:
        lines.append(translate("exp_curated", lang))
    acled = False
    for name in sorted(present - {"curated"}):
        info = by_name.get(name)
        if info is None:
            lines.append(translate("exp_unknown_dataset", lang, name=name))
            continue
        lines.append(dataset_attribution(info, lang))
        acled |= info.format == "acled"
    lines.append(translate("exp_filters", lang, filters=filters))
    if acled:
        lines.append(translate("exp_acled_notice", lang))
    return lines


def _csv_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The events in the CSV schema; a column that the events cannot fill is left out."""
    out = pd.DataFrame({
        "id": events["id"], "dataset": events["dataset"],
        "date": events["date"].dt.strftime("%Y-%m-%d"),
        "date_end": events["date_end"].dt.strftime("%Y-%m-%d"),
        "date_precision": events["date_precision"], "category": events["category"],
        "subtype": events["subtype"], "country_iso3": events["country_iso3"],
        "admin1_id": events["admin1_id"], "admin1_name": events["admin1_name"],
        "admin1_source_name": events["admin1_source_name"],
        "location": events["location"],
        "latitude": events["latitude"], "longitude": events["longitude"],
        "geo_precision": events["geo_precision"], "actors": events["actors"],
        "fatalities_low": events["fatalities_low"],
        "fatalities_high": events["fatalities_high"], "summary": events["summary"],
        "sources": events["sources"].map(" ".join),
        "verified": events["verified"].map({True: "true", False: "false"}),
        **{col: events[col] for col in TYPOLOGY_COLUMNS},
    })
    assert tuple(out.columns) == CSV_COLUMNS
    if not (events["admin1_source_name"].astype(str).str.strip() != "").any():
        out = out.drop(columns="admin1_source_name")  # e.g. events stored before 0.2: blank
    # A column of the sources' typology only when some event has it (curated events
    # have none; ACLED's events no UCDP dyad).
    blank = [col for col in TYPOLOGY_COLUMNS
             if not (events[col].astype("string").fillna("").str.strip() != "").any()]
    out = out.drop(columns=blank)
    if "timestamp" in events and events["timestamp"].fillna(0).astype("int64").any():
        out["timestamp"] = events["timestamp"].fillna(0).astype("int64").to_numpy()
    return out


def table_csv(table: pd.DataFrame, attribution: Iterable[str] = (), title: str = "",
              excel: bool = False) -> bytes:
    """The one writer of every CSV the app hands a user (events, analysis tables, rejected
    rows): a title and the attribution first as ``# `` lines (which the importer skips),
    cells and column names through :func:`neutralise`, UTF-8 with a byte-order mark (so
    Excel reads the accents). ``excel``: semicolons and decimal commas, for Excel in a
    locale whose list separator is ``;`` (French and most of Europe); the importer reads
    commas only."""
    sep, decimal = (";", ",") if excel else (",", ".")
    buf = io.StringIO()
    for line in ([title] if title else []) + list(attribution):
        buf.write("# " + str(line).replace("\n", " ").replace("\r", " ") + "\n")
    neutralise(table).to_csv(buf, index=False, lineterminator="\n", sep=sep, decimal=decimal)
    return buf.getvalue().encode("utf-8-sig")


def events_csv(events: pd.DataFrame, attribution: list[str], excel: bool = False) -> bytes:
    """The events in the app's CSV schema (:func:`table_csv`)."""
    return table_csv(_csv_frame(events), attribution, excel=excel)


def _json_value(value: object) -> object:
    """A cell as a JSON value: missing -> null, numpy numbers -> int/float, bool stays."""
    if isinstance(value, list | tuple):
        return list(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def events_geojson(events: pd.DataFrame, attribution: list[str], lang: str = "en") -> bytes:
    """Every event as a GeoJSON Feature (``"geometry": null`` without coordinates, counted
    in ``attribution``), typed properties, ``attribution`` as a foreign member."""
    columns = [c for c in _csv_frame(events.iloc[0:0]).columns
               if c not in ("latitude", "longitude")]
    props = pd.DataFrame({c: events[c] for c in columns if c in events})
    for col in ("date", "date_end"):
        props[col] = events[col].dt.strftime("%Y-%m-%d")
    props["sources"] = events["sources"].map(list)
    props["verified"] = events["verified"].astype(bool)
    located = (events["latitude"].notna() & events["longitude"].notna()).to_numpy()
    features = []
    for rec, has_point, lat, lon in zip(props.to_dict("records"), located,
                                        events["latitude"], events["longitude"], strict=True):
        geometry = ({"type": "Point", "coordinates": [float(lon), float(lat)]}
                    if has_point else None)
        features.append({"type": "Feature",
                         "properties": {k: _json_value(v) for k, v in rec.items()},
                         "geometry": geometry})
    lines = list(attribution)
    if (~located).any():
        lines.append(translate("exp_not_located", lang, count=int((~located).sum())))
    doc = {"type": "FeatureCollection", "attribution": lines, "features": features}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


_SCRIPT_RE = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_CSS_RE = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"\s*/?>')


def _local(url: str) -> str | None:
    prefix = assets.VENDOR_URL + "/"
    if url.startswith(prefix):
        path = assets.VENDOR_DIR / url[len(prefix):]
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            # Images referenced by a stylesheet (Leaflet's layer icon) become data: URIs.
            return _CSS_URL_RE.sub(lambda m: _data_uri(path.parent / m.group(1)) or m.group(0),
                                   text)
    return None


_CSS_URL_RE = re.compile(r"url\((?![\"']?data:)[\"']?([^)\"']+)[\"']?\)")


def _data_uri(path) -> str | None:  # noqa: ANN001 - a Path
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
    from geo.panels import esc

    assets.install_vendor_assets()
    note = "<br>".join(esc(line) for line in attribution)
    HtmlControl(note, "bottomright", "atlas-box atlas-attribution").add_to(fmap)
    page = fmap.get_root().render()

    def script(match: re.Match) -> str:
        body = _local(match.group("url"))
        return match.group(0) if body is None else "<script>" + body.replace(
            "</script", "<\\/script") + "</script>"

    def style(match: re.Match) -> str:
        body = _local(match.group("url"))
        return match.group(0) if body is None else "<style>" + body + "</style>"

    page = _SCRIPT_RE.sub(script, page)
    page = _CSS_RE.sub(style, page)
    # Default marker images are never used (events are canvas circles).
    page = page.replace(f"L.Icon.Default.imagePath = '{assets.VENDOR_URL}/leaflet/images/';",
                        "")
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
        "{% endmacro %}")

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
    "</style>")


def standalone_map_html(layers: BaseLayers, lang: str, events: pd.DataFrame,
                        event_layers: tuple[str, ...], cluster: bool,
                        attribution: list[str], *, geojson: dict[str, dict] | None = None,
                        alg_outline: shapely.Geometry | None = None,
                        core: gpd.GeoDataFrame | None = None,
                        tripoint: shapely.Point | None = None, radius_km: float = 0.0,
                        now: dt.datetime | None = None) -> bytes:
    """The map page's current view as one self-contained HTML file.

    The same base map, the ALG zone and the tri-border core when given (the page passes
    them only when they are shown), the events of ``events`` on the layers
    ``event_layers`` (one "Events" entry in the layer menu), grouped or not, and
    beside the map a title, the legend and the attribution (datasets, filters, Natural
    Earth). Opens from disk with no network. The events are drawn one by one as in the
    app (the same renderer and drawing order), carried inline.
    """
    from geo.panels import esc, event_legend_html, legend_html

    def t(key: str, **kw: object) -> str:
        return translate(key, lang, **kw)

    overlays: list[folium.FeatureGroup] = []
    if alg_outline is not None:
        overlays.append(mapbuild.alg_zone_layer(alg_outline, lang))
    if core is not None and tripoint is not None:
        overlays.append(mapbuild.tri_border_layer(core, tripoint, radius_km, lang))
    block = pointlayer.event_block(events, event_layers)
    overlays.append(pointlayer.point_group(block, lang, cluster, name=esc(t("exp_map_events"))))
    fmap = mapbuild.base_map(layers, lang, geojson, overlays=overlays)
    mapbuild.page_header(fmap).add_child(LiteralElement(_EXPORT_CSS))

    moment = format_timestamp(now or dt.datetime.now(dt.UTC), lang)
    HtmlControl(f"{esc(t('exp_map_title'))}<small>{esc(t('exp_map_made', moment=moment))}"
                "</small>", "topleft", "atlas-box atlas-title", first=True).add_to(fmap)
    HtmlControl(f"<h5>{esc(t('legend_title'))}</h5>" + legend_html(lang)
                + event_legend_html(lang), "bottomleft", "atlas-box atlas-legend").add_to(fmap)
    located = int((events["latitude"].notna() & events["longitude"].notna()).sum())
    lines = [*attribution, t("exp_boundaries")]
    if len(events) > located:
        lines.insert(-1, t("exp_map_not_located", count=len(events) - located))
    return standalone_html(fmap, lines)
