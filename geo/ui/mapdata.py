"""The map's event data for the browser: one block per state of the events, a mask per view.

The block (``geo.render.pointlayer``) holds every located event and can be megabytes. Inline in
the map's script it would be sent again with every rerun (a click, a toggle), because
Streamlit re-sends the component's arguments whole. Served as a Streamlit media file, the
script carries only its URL; the browser fetches it once and keeps it while its token is
unchanged. A filter change then sends only the view's mask (one bit per event), likewise
by URL. The block is shared by every session (built once per state of the events).
"""

from __future__ import annotations

import gzip
import json

import pandas as pd
import streamlit as st

from geo.render.mapbuild import packed_boundaries
from geo.render.pointlayer import DRAW_ORDER, PointBlock, PointDays, event_block, point_days
from geo.ui import state

_BLOCKS = state.POINT_BLOCKS.name
_KEEP = 2  # the current block and the one before it (a click may name it)
MEDIA_COORDINATES = "sahel-atlas-map-events"
MEDIA_DAYS = "sahel-atlas-map-days"


def shared_block(key: str, events: pd.DataFrame) -> PointBlock:
    """Every located event of ``events`` (``key`` names their state), in drawing order,
    built once per state and shared by every session."""
    return _shared_block(key, events)


@st.cache_resource(show_spinner=False, max_entries=2)
def _shared_block(key: str, _events: pd.DataFrame) -> PointBlock:
    return event_block(_events, DRAW_ORDER)


def events_block(events: pd.DataFrame, key: str) -> PointBlock:
    """The block of all ``events`` (``key``: their state, e.g. ``geo.ui.events.events_key``
    plus the frame's shape), remembered for this session so that a click naming its token
    finds it."""
    block = _shared_block(key, events)
    memo: dict[str, PointBlock] = st.session_state.setdefault(_BLOCKS, {})
    if block.token not in memo:
        memo[block.token] = block
        while len(memo) > _KEEP:
            memo.pop(next(iter(memo)))
    return block


@st.cache_resource(show_spinner=False, max_entries=4)  # a block and its days, twice
def _compressed(token: str, _data: bytes) -> bytes:
    """The block ``token`` gzip-compressed, once per state of the events. The server would
    otherwise compress it again for every page that fetches it (10 MB at a million events:
    about 0.3 s each time); level 1 keeps nearly all of the saving (30 %) for a slow link."""
    return gzip.compress(_data, compresslevel=1, mtime=0)


def compressed_block(block: PointBlock) -> bytes:
    """The bytes the browser is sent for ``block`` (compressed once per state)."""
    return _compressed(block.token, block.data)


def served_block(block: PointBlock) -> tuple[str | None, str | None]:
    """(URL, encoding) of ``block`` for the browser: compressed (``"gzip"``: the browser
    layer inflates it), or (None, None) outside a running server (the map then carries the
    block inline)."""
    url = served_url(compressed_block(block), MEDIA_COORDINATES, "application/gzip")
    return (url, "gzip") if url else (None, None)


@st.cache_resource(show_spinner=False, max_entries=2)
def _shared_days(key: str, token: str, _events: pd.DataFrame, _block: PointBlock) -> PointDays:
    return point_days(_events, _block)


def events_days(events: pd.DataFrame, block: PointBlock, key: str) -> PointDays:
    """The days of the points of ``block`` (the time slider's companion block, built from
    ``events``, once per state of the events and shared by every session)."""
    return _shared_days(key, block.token, events, block)


def compressed_days(days: PointDays) -> bytes:
    """The bytes the browser is sent for ``days`` (compressed once per state)."""
    return _compressed(days.token, days.data)


def served_days(days: PointDays) -> str | None:
    """A URL of ``days``, gzip-compressed once per state (the browser layer inflates it);
    None outside a running server (the map then carries them inline)."""
    return served_url(compressed_days(days), MEDIA_DAYS, "application/gzip")


def block_by_token(token: object) -> PointBlock | None:
    """The session's block whose token a click sent back (None when it is gone)."""
    return st.session_state.get(_BLOCKS, {}).get(token) if isinstance(token, str) else None


def served_url(
    data: bytes, name: str = MEDIA_COORDINATES, mimetype: str = "application/octet-stream"
) -> str | None:
    """A same-origin URL of ``data`` for this run (None outside a running server, e.g. in
    ``AppTest``: the map then carries the data inline). Media files are named by a hash of
    their content, so unchanged data keeps its URL from one run to the next."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    manager = runtime.get_instance().media_file_mgr
    return manager.add(data, mimetype, name, file_name=None)


@st.cache_resource(show_spinner=False, max_entries=4)
def boundary_file(lang: str) -> bytes:
    """The base map's boundary layers in ``lang``: one JSON object keyed by layer, its rings
    packed (``geo.render.mapbuild.packed_boundaries``: 67 instead of 105 kB over the
    team proxy's Brotli)."""
    from geo import ui

    packed = packed_boundaries(ui.base_geojson(lang))
    return json.dumps(packed, separators=(",", ":")).encode("utf-8")


def boundary_url(lang: str) -> str | None:
    """A same-origin URL of the base map's boundary layers in ``lang``, one JSON object keyed
    by layer (``geo.render.mapbuild.BoundaryFile``); None outside a running server (the map then
    carries them)."""
    return served_url(boundary_file(lang), "sahel-atlas-boundaries", "application/json")
