"""Who may change the event store: the roles of a shared deployment.

A single user (``make run``) may do everything, as before. A team's deployment puts the app
behind a proxy that signs people in (``deploy/nginx/sahel-atlas.conf``: nginx's sign-in and
a map from each user to a role) and tells the app each request's role in a header; the app
is told which header with :data:`ROLE_HEADER_ENV`. Then only an ``editor`` may import,
update or remove datasets; anyone else, a missing header or an unknown role included, only
reads (it fails closed). The header is trusted because the app is reachable through the
proxy only, which always sets it (a header sent by a browser is replaced).
"""

from __future__ import annotations

from collections.abc import Mapping

EDITOR = "editor"
READER = "reader"
ROLES = (EDITOR, READER)
ROLE_HEADER_ENV = "SAHEL_ATLAS_ROLE_HEADER"
"""The environment variable naming the proxy's role header (unset: a single user)."""


def role_header(environ: Mapping[str, str]) -> str | None:
    """The header that carries each request's role, or None when no proxy signs people in."""
    name = environ.get(ROLE_HEADER_ENV, "").strip()
    return name or None


def role_of(headers: Mapping[str, str], header: str | None) -> str:
    """The role of a request with ``headers`` (any case of their names): :data:`EDITOR`
    without a role header (a single user); else the header's role when it is exactly
    ``editor``, and :data:`READER` for anything else or nothing."""
    if header is None:
        return EDITOR
    wanted = header.lower()
    value = next((v for k, v in headers.items() if k.lower() == wanted), "")
    return EDITOR if value.strip().lower() == EDITOR else READER


def may_change_store(role: str) -> bool:
    return role == EDITOR
