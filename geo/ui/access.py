"""The role of the person on this page (:mod:`geo.model.access`), from the request that
opened the session."""

from __future__ import annotations

import os

import streamlit as st

from geo.model.access import may_change_store, role_header, role_of


def current_role() -> str:
    header = role_header(os.environ)
    if header is None:
        return role_of({}, None)
    try:
        headers = dict(st.context.headers)
    except Exception:  # noqa: BLE001 - no request (AppTest, a thread): no role from a proxy
        headers = {}
    return role_of(headers, header)


def may_change() -> bool:
    """True when this session may import, update or remove datasets."""
    return may_change_store(current_role())
