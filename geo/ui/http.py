"""ASGI middleware for the app's own traffic: the index page in the system's fonts
(:class:`SystemFonts`) and, for benchmarks, each script run's time on the server
(:class:`RunTimes`, which alone imports Streamlit, its message definitions).

Streamlit bundles its fonts (Source Sans, Source Code Pro: 260 kB of woff2) and fetches them
on a first visit whatever the theme says: its index page (served for ``/`` and every page's
path) preloads Source Sans, the page is drawn once in Streamlit's default theme before the
app's theme arrives over the websocket, and a few of its elements name "Source Sans"
itself. Over a slow link that is five of the first visit's seconds (issue #16,
scripts/benchmark_slowlink.py). With :data:`SYSTEM_FONTS_SETTINGS` (the team
deployment's) the theme uses the system's fonts; :class:`SystemFonts` makes the index page
agree: it removes the preload and declares Streamlit's font names as the system's own
(``local()`` faces, declared after Streamlit's stylesheet, so they win), so nothing asks for
the woff2 files.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from markupsafe import Markup

from geo.render.html import render

SYSTEM_FONTS_ENV = "SAHEL_ATLAS_SYSTEM_FONTS"
SYSTEM_FONTS_SETTINGS = {
    SYSTEM_FONTS_ENV: "1",
    "STREAMLIT_THEME_FONT": (
        "system-ui, 'Segoe UI', Roboto, 'Helvetica Neue', 'Noto Sans', 'Liberation Sans', Arial, "
        "sans-serif"
    ),
    "STREAMLIT_THEME_CODE_FONT": (
        "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', "
        "monospace"
    ),
}
"""The environment of a server drawn in the system's fonts: :class:`SystemFonts` on, and the
theme's fonts as stacks that end in the generic family on every system (on Debian,
DejaVu or Liberation). The team deployment sets them (deploy/compose.yaml) for slow links;
a plain ``streamlit run`` keeps Streamlit's bundled fonts, which a local browser reads from
this machine, because the Analysis page's charts redraw about twice as slowly in the system
fonts here (a regroup 0.32 -> 0.72 s at 200k events, scripts/benchmark_analysis.py)."""


def system_fonts_wanted(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get(SYSTEM_FONTS_ENV) == "1"


Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]

_FONT_PRELOAD = re.compile(rb"<link\b(?=[^>]*\brel=\"preload\")(?=[^>]*\bas=\"font\")[^>]*>\s*")

# Full names of fonts found on Windows, macOS, Android and Linux (Debian's DejaVu and
# Liberation), in the order of the theme's stacks in .streamlit/config.toml.
SANS = (
    "Segoe UI",
    "Helvetica Neue",
    "Roboto",
    "Noto Sans",
    "DejaVu Sans",
    "Liberation Sans",
    "Arial",
)
MONO = ("SF Mono", "Menlo", "Consolas", "Liberation Mono", "DejaVu Sans Mono", "Courier New")
ALIASES = {"Source Sans": SANS, "Source Code Pro": MONO}
"""Streamlit's font families (its stylesheet's ``@font-face`` names) -> local fonts."""

FACES = {  # font-style -> the suffixes of a face's full name
    "normal": ("",),
    "italic": (" Italic", " Oblique"),  # DejaVu says "Oblique"
}
# Each face has the descriptors of the Streamlit face it replaces (weights 100 to 900): a
# face with other descriptors would leave Streamlit's in the running, and Chromium then
# downloads it for some weights (the charts' bold titles). Bold text in these families is
# drawn from the regular face by the browser; the theme's fonts (config.toml) keep their
# own bold faces, and these families are only a fallback.


def _local_faces() -> str:
    return "".join(
        f'@font-face{{font-family:"{family}";font-style:{style};font-weight:100 900;src:'
        + ",".join(f'local("{name}{suffix}")' for name in names for suffix in suffixes)
        + "}"
        for family, names in ALIASES.items()
        for style, suffixes in FACES.items()
    )


LOCAL_FACES = _local_faces()

EMOJI_FONTS = ("Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji")
"""The colour emoji fonts of macOS and iOS, Windows, Android and most Linux desktops."""
EMOJI_ICONS = ('[data-testid="stIconEmoji"]', '[data-testid="stAlertDynamicIcon"]')
"""Streamlit's emoji icons (an element's ``icon="⚠️"``; an alert names its own)."""


def _emoji_icon_rule() -> str:
    families = ",".join(f'"{name}"' for name in EMOJI_FONTS)
    return f"{','.join(EMOJI_ICONS)}{{font-family:{families},system-ui,sans-serif}}"


EMOJI_ICON_RULE = _emoji_icon_rule()
"""Emoji icons in the system's emoji fonts, and never in "Source Sans": Streamlit ends every
theme font's stack with it, and a character that no local font draws (an emoji, where no
colour emoji font is installed) sends the browser down the stack to Streamlit's own face,
which it then downloads (170 kB: the Analysis page's "⚠️" warning did)."""


def system_fonts_page(html: bytes) -> bytes:
    """``html`` without ``<link rel="preload" as="font">`` tags, with :data:`LOCAL_FACES`
    and :data:`EMOJI_ICON_RULE` as the head's last style."""
    html = _FONT_PRELOAD.sub(b"", html)
    # (the faces are this module's own constant CSS, not data: kept as they are)
    faces = Markup(LOCAL_FACES + EMOJI_ICON_RULE)
    style = (render("system_fonts.html.j2", faces=faces) + "\n").encode()
    head_end = html.find(b"</head>")
    if head_end < 0:
        return html
    return html[:head_end] + style + html[head_end:]


ASSET_PREFIXES = ("/static/", "/media/", "/_stcore/", "/component/", "/app/static/")
"""Paths that are never the index page: their requests pass through untouched."""


class SystemFonts:
    """Applies :func:`system_fonts_page` to HTML answers to GET requests for pages.

    Streamlit compresses a page's answer after this middleware has seen it (its gzip
    middleware sits inside), so the request reaches it without ``Accept-Encoding`` and the
    rewritten page is compressed here instead, for a browser that asked for gzip.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Message, receive: Any, send: Send) -> None:
        path = str(scope.get("path", ""))
        if (
            scope.get("type") != "http"
            or scope.get("method") != "GET"
            or path.startswith(ASSET_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        request_headers = scope.get("headers", [])
        accepted = b",".join(v for k, v in request_headers if k.lower() == b"accept-encoding")
        gzip_ok = b"gzip" in accepted.lower()
        scope = {
            **scope,
            "headers": [(k, v) for k, v in request_headers if k.lower() != b"accept-encoding"],
        }
        start: Message | None = None
        body: list[bytes] = []

        async def rewritten(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                answer = dict(message.get("headers", []))
                is_html = answer.get(b"content-type", b"").startswith(b"text/html")
                if not is_html or b"content-encoding" in answer:
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            html = system_fonts_page(b"".join(body))
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            if gzip_ok:
                html = gzip.compress(html, compresslevel=6)
                headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
            headers.append((b"content-length", str(len(html)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, rewritten)


RUN_TIMES_ENV = "SAHEL_ATLAS_RUN_TIMES"
"""A file to append each script run's server time to (scripts/benchmark_load.py sets it)."""


class RunTimes:
    """Measures, on the server, how long each script run takes from the moment its request
    arrives over the websocket (a rerun: a page opened, a widget changed) until the server
    sends "script finished": waiting for the script thread included, the network and the
    browser's drawing excluded. Off unless :data:`RUN_TIMES_ENV` names a file; each run
    is then one line there: ``wall-clock-time seconds``. A benchmark's instrument: it
    decodes every message of every session."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.path = os.environ.get(RUN_TIMES_ENV) or None

    async def __call__(self, scope: Message, receive: Any, send: Send) -> None:
        if self.path is None or scope.get("type") != "websocket":
            await self.app(scope, receive, send)
            return
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        asked: list[float] = []  # arrival times of the reruns not finished yet
        path = self.path

        async def receiving() -> Message:
            message = await receive()
            data = message.get("bytes") if message.get("type") == "websocket.receive" else None
            if data:
                back = BackMsg()
                with contextlib.suppress(Exception):
                    back.ParseFromString(data)
                    if back.WhichOneof("type") == "rerun_script":
                        asked.append(time.perf_counter())
            return message

        async def sending(message: Message) -> None:
            data = message.get("bytes") if message.get("type") == "websocket.send" else None
            if data and asked:
                forward = ForwardMsg()
                with contextlib.suppress(Exception):
                    forward.ParseFromString(data)
                    if forward.WhichOneof("type") == "script_finished":
                        # A rerun asked while one ran replaces it: the last one finishes.
                        seconds = time.perf_counter() - asked[0]
                        asked.clear()
                        with open(path, "a", encoding="utf-8") as out:
                            out.write(f"{time.time():.3f} {seconds:.4f}\n")
            await send(message)

        await self.app(scope, receiving, sending)
