"""Events drawn one by one on a canvas, at any count: the binary block and its map layer.

The browser half is ``geo/render/mapjs/atlas_points.js`` (``L.AtlasPoints``); this module writes
what it reads. A block holds located events in drawing order (bottom first):

=========  =====================  ==========================================
offset     type (little-endian)   content
=========  =====================  ==========================================
0          4 bytes                ``ATP1``
4          uint32                 n, the number of points
8          float32[n]             latitudes
8 + 4n     float32[n]             longitudes
8 + 8n     uint8[n]               radius in quarter pixels
8 + 9n     uint8[n]               style index (into the layer's style table)
=========  =====================  ==========================================

Ten bytes an event (2 MB for 200,000). float32 keeps coordinates to about a metre here.
The drawing order is the layers' order (rare coups last, on top), then the largest marks
first, so a small mark is never under a big one. A click sends back indices in this order;
:class:`PointBlock` keeps the event ids in the same order to turn them into events.

The app builds one block of every located event once per state of the events, and a
filter change sends only which of its points are drawn: a :class:`Visibility` mask, one bit
a point (``ATM1``, uint32 n, then ``ceil(n / 8)`` bytes, point i in bit ``i % 8`` of byte
``i // 8``): 125 KB for a million events, where a new block would be 10 MB.

The time slider (``geo/render/timeslider.py``) plays the filtered events through time in
the browser, without a rerun per frame: a companion block gives each point its days
(:class:`PointDays`, ``ATD1``, uint32 n, then uint16[n] first days and uint16[n] lengths in
days, in block order; days counted from 1970-01-01, :data:`NO_DAY` for an event without a
date, lengths capped at 65,534), fetched once per state of the events, and the layer keeps
the points of the mask whose ``[first, first + length]`` overlaps the slider's period (the
rule of the date filter, ``geo.analysis.filters``). Four bytes an event; the lengths, zero
for nearly every event, compress to almost nothing (the block is served gzip-compressed).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.i18n.catalogue import translate
from geo.i18n.french import browser_template
from geo.model.events import LAYERS, fatality_upper
from geo.render import foliumsafe
from geo.render.palette import BLACK, CLUSTER_FILL, CLUSTER_TEXT, LAYER_COLOURS

foliumsafe.install()

MAGIC = b"ATP1"
MASK_MAGIC = b"ATM1"
DAYS_MAGIC = b"ATD1"
DAY_EPOCH = np.datetime64("1970-01-01", "D")
NO_DAY = 65535  # an event without a (readable) date: never in a period of the slider
MAX_DAY = NO_DAY - 1
HEADER_BYTES = 8
JS_SOURCE = Path(__file__).with_name("mapjs") / "atlas_points.js"

# Radius in pixels from the upper bound of the fatality range: a stated, square-root scale
# (so the area grows with the count), capped.
MIN_RADIUS_PX = 4.0
RADIUS_PER_SQRT_DEATH = 1.5
MAX_RADIUS_PX = 28.0

# Common layers first, the rare coup layers last (successful coups on top).
RARE_LAYERS: tuple[str, ...] = ("coup-plot", "coup-attempted", "coup-successful")
DRAW_ORDER: tuple[str, ...] = (*(lay for lay in LAYERS if lay not in RARE_LAYERS), *RARE_LAYERS)

# Colours from geo.render.palette (Okabe-Ito, checked under deuteranopia and protanopia).
LAYER_STYLES: dict[str, dict] = {
    "coup-successful": {"weight": 2, "fill_opacity": 0.95},
    "coup-attempted": {"weight": 3, "fill_opacity": 0.9},
    "coup-plot": {"weight": 2, "fill_opacity": 0.6, "dash_array": "3 3"},
    "insurgency": {"weight": 1, "fill_opacity": 0.6},
    "state-violence": {"weight": 1, "fill_opacity": 0.65},
    "protest": {"weight": 1, "fill_opacity": 0.7},
    "riot": {"weight": 1, "fill_opacity": 0.7},
    "strategic": {"weight": 1, "fill_opacity": 0.5},
}
for _layer, _style in LAYER_STYLES.items():
    _style["color"] = LAYER_COLOURS[_layer]["line"]
    _style["fill_color"] = LAYER_COLOURS[_layer]["fill"]

# Each dataset has its own outline, the same on every layer: curated events keep their
# layer's outline; imported ones get a black outline, solid (ACLED), dashed (UCDP) or
# dotted (any other), one pixel wider. Style index = layer rank + len(DRAW_ORDER) * slot.
DATASET_SLOTS: tuple[str, ...] = ("curated", "acled", "ucdp", "other")
DATASET_OUTLINES: dict[str, dict] = {
    "acled": {"color": BLACK, "dash_array": None},
    "ucdp": {"color": BLACK, "dash_array": "4 2"},
    "other": {"color": BLACK, "dash_array": "1 2"},
}


def dataset_slot(name: str, first_id: str = "") -> int:
    """The outline slot of a dataset: its own for curated, ACLED and UCDP imports (by
    name: ``acled``, ``acled-mali``, ``ucdp_ged``..., else by the prefix of its events'
    ids, ``acled:`` / ``ucdp:``, which the importers write), the last one for any other."""
    name = str(name).lower()
    for slot, prefix in enumerate(DATASET_SLOTS[:-1]):
        if name == prefix or name.startswith((prefix + "-", prefix + "_", prefix + ".")):
            return slot
        if slot and str(first_id).lower().startswith(prefix + ":"):
            return slot
    return len(DATASET_SLOTS) - 1


def dataset_slots(events: pd.DataFrame) -> dict[str, int]:
    """:func:`dataset_slot` of each dataset of ``events`` (by its name and first id)."""
    if "dataset" not in events.columns or events.empty:
        return {}
    codes, names = pd.factorize(events["dataset"])
    first = np.unique(codes, return_index=True)[1]
    first = first[codes[first] >= 0]
    ids = (
        events["id"].iloc[first].astype(str).tolist()
        if "id" in events.columns
        else [""] * len(first)
    )
    return {
        str(names[codes[i]]): dataset_slot(names[codes[i]], ident)
        for i, ident in zip(first, ids, strict=True)
    }


def dataset_style(layer: str, slot: int) -> dict:
    """The style of a layer's marks for the dataset slot ``slot``."""
    style = dict(LAYER_STYLES[layer])
    outline = DATASET_OUTLINES.get(DATASET_SLOTS[slot])
    if outline is not None:
        style["color"] = outline["color"]
        style["weight"] = style["weight"] + 1
        if outline["dash_array"] is not None:  # else the layer's own (coup plots)
            style["dash_array"] = outline["dash_array"]
    return style


CLUSTER_MAX_ZOOM = 10  # from this zoom on, every event is drawn on its own even when grouped


def radius_px(upper: pd.Series) -> np.ndarray:
    """Marker radius for each event (unknown fatalities get the minimum)."""
    deaths = pd.to_numeric(upper, errors="coerce").fillna(0).clip(lower=0).to_numpy(float)
    return np.minimum(MIN_RADIUS_PX + RADIUS_PER_SQRT_DEATH * np.sqrt(deaths), MAX_RADIUS_PX)


def legend_sizes() -> list[tuple[int, float]]:
    """(deaths, radius px) pairs for the size legend."""
    return [
        (n, float(min(MIN_RADIUS_PX + RADIUS_PER_SQRT_DEATH * np.sqrt(n), MAX_RADIUS_PX)))
        for n in (0, 10, 50, 100, 250)
    ]


@dataclass(frozen=True)
class PointBlock:
    """The encoded points and their positions (``rows``) in the frame the block was built
    from, whose id column (``source_ids``, the frame's own, not a copy) names their events:
    a copy of a million ids in block order took a tenth of a second per state of the
    events, for the few ids a click needs."""

    data: bytes
    source_ids: pd.Series
    token: str
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def ids(self) -> pd.Series:
        """Every point's event id, in block order (for tools and tests)."""
        return self.source_ids.iloc[self.rows].reset_index(drop=True)

    def ids_at(self, indices: list[int]) -> list[str]:
        """Event ids of the indices a click sent back; invalid indices are ignored."""
        n = len(self.rows)
        return [
            str(self.source_ids.iloc[int(self.rows[i])])
            for i in indices
            if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n
        ]


def encode(lat: np.ndarray, lng: np.ndarray, radius: np.ndarray, style: np.ndarray) -> bytes:
    """The ``ATP1`` block of these points, in the order given."""
    n = len(lat)
    if not (len(lng) == len(radius) == len(style) == n):
        raise ValueError("point arrays differ in length")
    quarter_px = np.clip(np.rint(np.asarray(radius, float) * 4), 0, 255).astype("<u1")
    parts = [
        MAGIC,
        np.uint32(n).astype("<u4").tobytes(),
        np.asarray(lat, "<f4").tobytes(),
        np.asarray(lng, "<f4").tobytes(),
        quarter_px.tobytes(),
        np.asarray(style, "<u1").tobytes(),
    ]
    return b"".join(parts)


def decode(data: bytes) -> dict[str, np.ndarray]:
    """The arrays of a block (the inverse of :func:`encode`, for tests and tools)."""
    if data[:4] != MAGIC:
        raise ValueError("not an ATP1 block")
    n = int(np.frombuffer(data, "<u4", 1, 4)[0])
    return {
        "lat": np.frombuffer(data, "<f4", n, HEADER_BYTES),
        "lng": np.frombuffer(data, "<f4", n, HEADER_BYTES + 4 * n),
        "radius": np.frombuffer(data, "<u1", n, HEADER_BYTES + 8 * n) / 4,
        "style": np.frombuffer(data, "<u1", n, HEADER_BYTES + 9 * n),
    }


def event_block(events: pd.DataFrame, layers: tuple[str, ...] = LAYERS) -> PointBlock:
    """The located events of ``events`` on the visible ``layers``, in drawing order.

    The style index of a point is its layer's position in :data:`DRAW_ORDER`, plus
    ``len(DRAW_ORDER)`` times its dataset's slot (:func:`dataset_slot`; curated: 0).
    """
    lat = pd.to_numeric(events["latitude"], errors="coerce").to_numpy(float)
    lng = pd.to_numeric(events["longitude"], errors="coerce").to_numpy(float)
    codes, names = pd.factorize(events["layer"])  # a handful of distinct layers
    rank_of_name = np.array(
        [DRAW_ORDER.index(n) if n in DRAW_ORDER else -1 for n in names] + [-1], dtype=np.int16
    )
    rank = rank_of_name[codes]  # -1: not a display layer (codes -1: missing layer)
    shown = np.array([DRAW_ORDER.index(n) for n in layers if n in DRAW_ORDER], dtype=np.int16)
    visible = np.isin(rank, shown) & np.isfinite(lat) & np.isfinite(lng)
    rank = rank[visible]
    if "dataset" in events.columns:
        ds_codes, ds_names = pd.factorize(events["dataset"])
        slots = dataset_slots(events)
        slot_of = np.array([slots.get(str(n), 0) for n in ds_names] + [0], dtype=np.int16)
        slot = slot_of[ds_codes][visible]
    else:
        slot = np.zeros(len(rank), dtype=np.int16)
    style = (rank + len(DRAW_ORDER) * slot).astype(np.uint8)
    radius = radius_px(fatality_upper(events))[visible]
    order = np.lexsort((-radius, slot, rank))  # by layer, dataset, then the largest first
    rows = np.flatnonzero(visible)[order]
    data = encode(lat[visible][order], lng[visible][order], radius[order], style[order])
    return PointBlock(data, events["id"], _token(data), rows)


def _token(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=10).hexdigest()


@dataclass(frozen=True)
class Visibility:
    """Which points of a block are drawn (one bit each), and how many."""

    data: bytes
    token: str
    count: int


def encode_mask(drawn: np.ndarray) -> bytes:
    """The ``ATM1`` mask of a boolean array over a block's points, in block order."""
    drawn = np.asarray(drawn, dtype=bool)
    return b"".join(
        [
            MASK_MAGIC,
            np.uint32(len(drawn)).astype("<u4").tobytes(),
            np.packbits(drawn, bitorder="little").tobytes(),
        ]
    )


def decode_mask(data: bytes) -> np.ndarray:
    """The boolean array of an ``ATM1`` mask (the inverse of :func:`encode_mask`)."""
    if data[:4] != MASK_MAGIC:
        raise ValueError("not an ATM1 mask")
    n = int(np.frombuffer(data, "<u4", 1, 4)[0])
    bits = np.frombuffer(data, np.uint8, offset=HEADER_BYTES)
    return np.unpackbits(bits, count=n, bitorder="little").astype(bool)


def visibility(block: PointBlock, keep: np.ndarray) -> Visibility:
    """The mask of ``block`` drawing the rows of its source frame where ``keep`` (a boolean
    array over that frame's rows) is true."""
    drawn = np.asarray(keep, dtype=bool)[block.rows]
    data = encode_mask(drawn)
    return Visibility(data, _token(data), int(drawn.sum()))


def style_table(lang: str) -> list[dict]:
    """The style of each style index, as the browser layer reads it."""
    table = []
    for slot, dataset in enumerate(DATASET_SLOTS):
        for layer in DRAW_ORDER:
            style = dataset_style(layer, slot)
            dash = style.get("dash_array")
            table.append(
                {
                    "fill": style["fill_color"],
                    "line": style["color"],
                    "weight": style["weight"],
                    "fillOpacity": style["fill_opacity"],
                    "dash": [float(v) for v in dash.split()] if dash else [],
                    "label": translate(f"ev_layer_{layer}", lang),
                    "layer": layer,
                    "dataset": dataset,
                }
            )
    return table


@cache
def js_source() -> str:
    return JS_SOURCE.read_text(encoding="utf-8")


class AtlasPointsCode(MacroElement):
    """Defines ``L.AtlasPoints`` once, in the base map's script (a map loaded once by the
    browser), so the layers that follow widgets carry only their data."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.source }}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "AtlasPointsCode"
        self.source = js_source()


class AtlasPointsPrefetch(MacroElement):
    """Starts the download of a block (``L.AtlasPoints.prefetch``) from the base map's
    script, before the boundaries load; the layer drawing it then finds it on its way.
    Only the block: it changes with the data, so the base script stays the same across
    reruns (a mask, which changes with every filter, is small and fetched by its layer)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.AtlasPoints.prefetch({{ this.token|tojson }}, {{ this.url|tojson }},"
        " {{ this.encoding|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, token: str, url: str, encoding: str | None = None) -> None:
        super().__init__()
        self._name = "AtlasPointsPrefetch"
        self.token = token
        self.url = url
        self.encoding = encoding


class AtlasPointsLayer(MacroElement):
    """One ``L.AtlasPoints`` layer in its parent feature group."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = L.atlasPoints({{ this.options|tojson }})"
        ".addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, options: dict) -> None:
        super().__init__()
        self._name = "AtlasPointsLayer"
        self.options = options


def layer_options(
    block: PointBlock,
    lang: str,
    cluster: bool,
    url: str | None = None,
    drawn: Visibility | None = None,
    drawn_url: str | None = None,
    encoding: str | None = None,
    days: PointDays | None = None,
    days_url: str | None = None,
    min_zoom: int = 0,
) -> dict:
    """Options of the browser layer: the block by ``url`` when the server serves it (gzip
    compressed when ``encoding`` is ``"gzip"``), else inline (base64), which of its points
    are drawn (``drawn``: every point when None; by ``drawn_url`` or inline likewise), the
    points' days for the time slider (``days``, by ``days_url`` gzip-compressed or inline;
    none: no time slider), and the styles, labels and grouping; below ``min_zoom`` nothing
    is drawn (the density view, geo.render.densitylayer, shows hexagons there)."""
    options: dict = {
        "token": block.token,
        "styles": style_table(lang),
        "cluster": cluster,
        "clusterMaxZoom": CLUSTER_MAX_ZOOM,
        "clusterFill": CLUSTER_FILL,
        "clusterText": CLUSTER_TEXT,
        "locale": "fr-FR" if lang == "fr" else "en-GB",
        "hitLabel": browser_template("map_hits_here", lang),
        "bubbleLabel": browser_template("map_bubble_tip", lang),
    }
    if min_zoom:
        options["minZoom"] = min_zoom
    if url:
        options["url"] = url
        if encoding:
            options["encoding"] = encoding
    else:
        options["data"] = base64.b64encode(block.data).decode("ascii")
    if drawn is not None:
        options["maskToken"] = drawn.token
        if drawn_url:
            options["maskUrl"] = drawn_url
        else:
            options["mask"] = base64.b64encode(drawn.data).decode("ascii")
    if days is not None:
        options["daysToken"] = days.token
        if days_url:
            options["daysUrl"] = days_url
        else:
            options["days"] = base64.b64encode(days.data).decode("ascii")
    return options


def point_group(
    block: PointBlock,
    lang: str,
    cluster: bool,
    url: str | None = None,
    name: str = "events",
    drawn: Visibility | None = None,
    drawn_url: str | None = None,
    encoding: str | None = None,
    days: PointDays | None = None,
    days_url: str | None = None,
    min_zoom: int = 0,
) -> folium.FeatureGroup:
    """A feature group holding the events of ``block`` (those of ``drawn``, when given),
    one mark each (from ``min_zoom`` on)."""
    group = folium.FeatureGroup(name=name)
    AtlasPointsLayer(
        layer_options(
            block, lang, cluster, url, drawn, drawn_url, encoding, days, days_url, min_zoom
        )
    ).add_to(group)
    return group


@dataclass(frozen=True)
class PointDays:
    """Each point's first day and length in days (``ATD1``), in block order."""

    data: bytes
    token: str


def day_numbers(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of ``dates`` (uint16; :data:`NO_DAY` for a missing or
    unreadable date; days before 1970 are day 0, after 2149-06-05 :data:`MAX_DAY`)."""
    values = pd.to_datetime(pd.Series(dates), errors="coerce").to_numpy("datetime64[D]")
    missing = np.isnat(values)
    days = (values - DAY_EPOCH).astype("int64")
    days = np.clip(days, 0, MAX_DAY)
    days[missing] = NO_DAY
    return days.astype(np.uint16)


def encode_days(first: np.ndarray, length: np.ndarray) -> bytes:
    """The ``ATD1`` block of these first days and lengths (uint16 each), in the order given."""
    n = len(first)
    if len(length) != n:
        raise ValueError("day arrays differ in length")
    return b"".join(
        [
            DAYS_MAGIC,
            np.uint32(n).astype("<u4").tobytes(),
            np.asarray(first, "<u2").tobytes(),
            np.asarray(length, "<u2").tobytes(),
        ]
    )


def decode_days(data: bytes) -> dict[str, np.ndarray]:
    """The arrays of an ``ATD1`` block (the inverse of :func:`encode_days`)."""
    if data[:4] != DAYS_MAGIC:
        raise ValueError("not an ATD1 block")
    n = int(np.frombuffer(data, "<u4", 1, 4)[0])
    return {
        "first": np.frombuffer(data, "<u2", n, HEADER_BYTES),
        "length": np.frombuffer(data, "<u2", n, HEADER_BYTES + 2 * n),
    }


def point_days(events: pd.DataFrame, block: PointBlock) -> PointDays:
    """The days of the points of ``block``, built from ``events``, the frame it was built
    from: the first day is ``date``, the last ``date_end`` (when missing or before the
    first day: the first day)."""
    rows = block.rows
    first = day_numbers(events["date"].iloc[rows])
    last = day_numbers(events["date_end"].iloc[rows]) if "date_end" in events.columns else first
    known = (first != NO_DAY) & (last != NO_DAY)
    length = np.where(known, np.clip(last.astype(np.int64) - first, 0, MAX_DAY), 0)
    data = encode_days(first, length.astype(np.uint16))
    return PointDays(data, _token(data))
