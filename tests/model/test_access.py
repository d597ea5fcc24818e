"""Roles of a shared deployment (geo/model/access.py): a single user may do everything; behind
the team's proxy only an exact ``editor`` role may change the store, and anything else reads."""

from __future__ import annotations

from geo.model.access import EDITOR, READER, may_change_store, role_header, role_of


def test_a_single_user_may_change_the_store():
    assert role_header({}) is None and role_header({"SAHEL_ATLAS_ROLE_HEADER": "  "}) is None
    assert role_of({"X-Sahel-Atlas-Role": "reader"}, None) == EDITOR


def test_behind_the_proxy_only_the_editor_role_changes_the_store():
    header = role_header({"SAHEL_ATLAS_ROLE_HEADER": "X-Sahel-Atlas-Role"})
    assert header == "X-Sahel-Atlas-Role"
    assert role_of({"x-sahel-atlas-role": "editor"}, header) == EDITOR  # any case of the name
    assert role_of({"X-Sahel-Atlas-Role": " Editor "}, header) == EDITOR
    for value in ("reader", "", "admin", "editor, reader", "editors"):
        assert role_of({"X-Sahel-Atlas-Role": value}, header) == READER, value
    assert role_of({}, header) == READER  # no header: fails closed
    assert may_change_store(EDITOR) and not may_change_store(READER)
