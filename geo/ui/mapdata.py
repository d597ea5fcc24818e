"""The map's event block for the browser: built once per view, served by URL.

The block (``geo.pointlayer``) can be megabytes. Inline in the map's script it would be
sent again with every rerun (a click, a toggle), because Streamlit re-sends the component's
arguments whole. Served as a Streamlit media file, the script carries only its URL; the
browser fetches it once per view and keeps it while its token is unchanged.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.pointlayer import PointBlock, event_block

_BLOCKS = "_point_blocks"
_KEEP = 3  # the current view, the one before it (a click may name it), one spare
MEDIA_COORDINATES = "sahel-atlas-map-events"


def view_block(events: pd.DataFrame, layers: tuple[str, ...], key: str) -> PointBlock:
    """The block of ``events`` (already filtered) for the view named ``key``, built once
    per session and view."""
    memo: dict[str, PointBlock] = st.session_state.setdefault(_BLOCKS, {})
    block = memo.get(key)
    if block is None:
        block = event_block(events, layers)
        memo[key] = block
        while len(memo) > _KEEP:
            memo.pop(next(iter(memo)))
    return block


def block_by_token(token: object) -> PointBlock | None:
    """The session's block whose token a click sent back (None when it is gone)."""
    for block in st.session_state.get(_BLOCKS, {}).values():
        if block.token == token:
            return block
    return None


def served_url(block: PointBlock) -> str | None:
    """A same-origin URL of the block for this run (None outside a running server, e.g.
    in ``AppTest``: the map then carries the block inline)."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    manager = runtime.get_instance().media_file_mgr
    return manager.add(block.data, "application/octet-stream", MEDIA_COORDINATES,
                       file_name=None)
