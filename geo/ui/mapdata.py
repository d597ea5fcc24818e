"""The map's event data for the browser: one block per state of the events, a mask per view.

The block (``geo.pointlayer``) holds every located event and can be megabytes. Inline in
the map's script it would be sent again with every rerun (a click, a toggle), because
Streamlit re-sends the component's arguments whole. Served as a Streamlit media file, the
script carries only its URL; the browser fetches it once and keeps it while its token is
unchanged. A filter change then sends only the view's mask (one bit per event), likewise
by URL. The block is shared by every session (built once per state of the events).
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from geo.pointlayer import DRAW_ORDER, PointBlock, event_block

_BLOCKS = "_point_blocks"
_KEEP = 2  # the current block and the one before it (a click may name it)
MEDIA_COORDINATES = "sahel-atlas-map-events"


@st.cache_resource(show_spinner=False, max_entries=2)
def _shared_block(key: str, _events: pd.DataFrame) -> PointBlock:
    """Every located event of ``_events`` (``key`` names their state), in drawing order."""
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


def block_by_token(token: object) -> PointBlock | None:
    """The session's block whose token a click sent back (None when it is gone)."""
    return st.session_state.get(_BLOCKS, {}).get(token) if isinstance(token, str) else None


def served_url(data: bytes, name: str = MEDIA_COORDINATES,
               mimetype: str = "application/octet-stream") -> str | None:
    """A same-origin URL of ``data`` for this run (None outside a running server, e.g. in
    ``AppTest``: the map then carries the data inline). Media files are named by a hash of
    their content, so unchanged data keeps its URL from one run to the next."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    manager = runtime.get_instance().media_file_mgr
    return manager.add(data, mimetype, name, file_name=None)


@st.cache_resource(show_spinner=False, max_entries=4)
def _boundary_files(lang: str) -> dict[str, bytes]:
    from geo import ui

    return {kind: json.dumps(layer, separators=(",", ":")).encode("utf-8")
            for kind, layer in ui.base_geojson(lang).items()}


def boundary_urls(lang: str) -> dict[str, str] | None:
    """Same-origin URLs of the base map's boundary layers in ``lang`` (None outside a
    running server: the map then carries them)."""
    files = _boundary_files(lang)
    urls = {kind: served_url(data, f"sahel-atlas-boundaries-{kind}", "application/json")
            for kind, data in files.items()}
    return None if None in urls.values() else urls  # type: ignore[return-value]
