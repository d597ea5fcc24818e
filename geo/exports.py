"""Exports of the current filtered view: CSV, GeoJSON and a standalone HTML map.

Every export carries the attribution its datasets require (:func:`attribution_lines`):
for ACLED the dataset, the access date and the filters applied, plus the notice that the
user's own ACLED licence governs raw ACLED rows; for UCDP the CC BY 4.0 citation.

* CSV is in the app's schema (``DATA_DICTIONARY.md``, plus ``timestamp``), so it can be
  imported again unchanged; the attribution is written as leading ``# `` lines, which the
  importer skips. Text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
  return get a leading apostrophe (spreadsheet formula injection); numbers are written as
  numbers. The importer removes that apostrophe again.
* GeoJSON: a FeatureCollection of the located events with the attribution as a foreign
  member ``attribution`` (RFC 7946 allows it).
* HTML: the folium map saved as one self-contained file: Leaflet & co. are *embedded*
  (inline ``<script>``/``<style>`` from the local XStatic copies), no CDN link and no
  request to our server; the stylesheet's images become data: URIs and default marker
  images are not needed (events are canvas circles).

Nothing here imports Streamlit.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterable

import folium
import pandas as pd

from geo import assets, foliumsafe
from geo.events import CSV_COLUMNS
from geo.foliumsafe import LiteralElement
from geo.store import ACLED_NOTICE, DatasetInfo

foliumsafe.install()  # data in a map must never be run as a template

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CURATED_ATTRIBUTION = ("Sahel Atlas curated events (verified against the sources listed "
                       "per event).")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting a spreadsheet formula get a leading ``'``; numbers stay."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            values = out[col].astype(str)
            risky = values.str.startswith(FORMULA_START) & out[col].notna()
            if risky.any():
                out[col] = values.where(~risky, "'" + values)
    return out


def describe_filter(params: dict[str, str]) -> str:
    """The filters applied, as ``key=value`` pairs (URL parameters of the map)."""
    return "; ".join(f"{k}={v}" for k, v in sorted(params.items()) if v) or "none"


def attribution_lines(events: pd.DataFrame, datasets: Iterable[DatasetInfo],
                      filters: str) -> list[str]:
    """One line per dataset present in ``events``, the filters, and licence notices."""
    present = set(events["dataset"].unique()) if len(events) else set()
    by_name = {d.name: d for d in datasets}
    lines = []
    if "curated" in present:
        lines.append(CURATED_ATTRIBUTION)
    acled = False
    for name in sorted(present - {"curated"}):
        info = by_name.get(name)
        if info is None:
            lines.append(f"Dataset '{name}'.")
            continue
        lines.append(info.attribution())
        acled |= info.format == "acled"
    lines.append(f"Filters applied: {filters}.")
    if acled:
        lines.append(ACLED_NOTICE)
    return lines


def _csv_frame(events: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "id": events["id"], "dataset": events["dataset"],
        "date": events["date"].dt.strftime("%Y-%m-%d"),
        "date_end": events["date_end"].dt.strftime("%Y-%m-%d"),
        "date_precision": events["date_precision"], "category": events["category"],
        "subtype": events["subtype"], "country_iso3": events["country_iso3"],
        "admin1_id": events["admin1_id"], "admin1_name": events["admin1_name"],
        "admin1_source_name": "", "location": events["location"],
        "latitude": events["latitude"], "longitude": events["longitude"],
        "geo_precision": events["geo_precision"], "actors": events["actors"],
        "fatalities_low": events["fatalities_low"],
        "fatalities_high": events["fatalities_high"], "summary": events["summary"],
        "sources": events["sources"].map(" ".join),
        "verified": events["verified"].map({True: "true", False: "false"}),
    })
    assert tuple(out.columns) == CSV_COLUMNS
    stamp = events["timestamp"] if "timestamp" in events else pd.Series(0, events.index)
    out["timestamp"] = stamp.fillna(0).astype("int64").to_numpy()
    return out


def events_csv(events: pd.DataFrame, attribution: list[str]) -> bytes:
    """The events in the app's CSV schema, attribution first as ``# `` lines; UTF-8."""
    buf = io.StringIO()
    for line in attribution:
        buf.write("# " + line.replace("\n", " ").replace("\r", " ") + "\n")
    neutralise(_csv_frame(events)).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def events_geojson(events: pd.DataFrame, attribution: list[str]) -> bytes:
    """Located events as a GeoJSON FeatureCollection with ``attribution``."""
    frame = _csv_frame(events)
    located = events["latitude"].notna() & events["longitude"].notna()
    features = []
    for rec, lat, lon in zip(frame[located.to_numpy()].to_dict("records"),
                             events.loc[located, "latitude"], events.loc[located, "longitude"],
                             strict=True):
        props = {k: (None if pd.isna(v) else (int(v) if hasattr(v, "item")
                                               and isinstance(v.item(), int) else v))
                 for k, v in rec.items() if k not in ("latitude", "longitude")}
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]}})
    doc = {"type": "FeatureCollection", "attribution": attribution, "features": features}
    return json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8")


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
    fmap.get_root().html.add_child(LiteralElement(
        '<div class="atlas-attribution" style="position:fixed;bottom:4px;left:4px;'
        'z-index:1000;background:#fffc;padding:4px 6px;font:11px sans-serif;max-width:60%">'
        f"{note}</div>"))
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
