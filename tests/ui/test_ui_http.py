"""The app's index page asks for none of Streamlit's bundled text fonts (geo.ui.http):
the font preload is removed and Streamlit's font names resolve to the system's fonts;
other responses pass through unchanged. (The browser's side:
tests/browser/test_fonts_browser.py.)"""

from __future__ import annotations

import asyncio
import gzip
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import streamlit

from geo.ui.http import EMOJI_ICON_RULE, LOCAL_FACES, SystemFonts, system_fonts_page

INDEX = Path(streamlit.__file__).parent / "static" / "index.html"


def test_streamlits_index_page_loses_its_font_preload_and_gains_local_faces():
    original = INDEX.read_bytes()
    assert b'as="font"' in original  # what this guards against is still there
    page = system_fonts_page(original).decode()
    assert 'as="font"' not in page and ".woff2" not in page
    # The modules and the stylesheet are untouched.
    assert page.count('rel="modulepreload"') == original.decode().count('rel="modulepreload"')
    assert re.search(r'<link rel="stylesheet"[^>]*index\.[^"]*\.css', page)
    # The local faces come after Streamlit's stylesheet: of two faces with the same
    # descriptors, the one declared last is used.
    assert page.index("data-sahel-atlas-fonts") > page.index('rel="stylesheet"')
    assert page.index("data-sahel-atlas-fonts") < page.index("</head>")


def test_both_styles_of_streamlits_fonts_are_declared_local_with_streamlits_descriptors():
    # The same descriptors as Streamlit's faces (weights 100 to 900): the face declared
    # last replaces Streamlit's for every weight, so its woff2 is never chosen.
    for family in ("Source Sans", "Source Code Pro"):
        faces = re.findall(r'@font-face\{font-family:"' + family + r'";([^}]*)\}', LOCAL_FACES)
        styles = sorted(re.search(r"font-style:(\w+);font-weight:100 900;", f)[1] for f in faces)
        assert styles == ["italic", "normal"]
        for face in faces:
            assert "url(" not in face  # nothing to download
            assert 'local("DejaVu' in face and 'local("Liberation' in face  # Debian's


def test_emoji_icons_are_drawn_in_emoji_fonts_never_in_streamlits_source_sans():
    """Streamlit ends the theme's font stack with "Source Sans"; an emoji icon (the
    Analysis page's "⚠️" warning) that no local font draws would send the browser down to
    Streamlit's face and its 170 kB download. The rule names emoji fonts and the system's,
    not Streamlit's families, and comes with the local faces."""
    selectors, _, declaration = EMOJI_ICON_RULE.partition("{")
    assert '[data-testid="stIconEmoji"]' in selectors
    assert '[data-testid="stAlertDynamicIcon"]' in selectors
    assert '"Noto Color Emoji"' in declaration and '"Segoe UI Emoji"' in declaration
    assert "Source" not in declaration and declaration.endswith("sans-serif}")
    page = system_fonts_page(INDEX.read_bytes()).decode()
    style = page[
        page.index("data-sahel-atlas-fonts") : page.index(
            "</style>", page.index("data-sahel-atlas-fonts")
        )
    ]
    assert EMOJI_ICON_RULE in style and LOCAL_FACES in style


def serve(
    content_type: bytes,
    body: bytes,
    method: str = "GET",
    chunks: int = 1,
    path: str = "/",
    accept: bytes = b"",
    seen: list[dict] | None = None,
) -> list[Any]:
    """The messages :class:`SystemFonts` sends for an app answering ``body`` (the scope the
    app was called with is appended to ``seen``)."""

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if seen is not None:
            seen.append(scope)
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        step = max(1, len(body) // chunks)
        parts = [body[i : i + step] for i in range(0, len(body), step)] or [b""]
        for i, part in enumerate(parts):
            await send(
                {"type": "http.response.body", "body": part, "more_body": i < len(parts) - 1}
            )

    sent: list[Any] = []

    async def send(message: dict) -> None:
        sent.append(message)

    headers = [(b"accept-encoding", accept)] if accept else []
    scope = {"type": "http", "method": method, "path": path, "headers": headers}
    # (in a thread of its own: a browser test's Playwright may hold this thread's loop)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, SystemFonts(app)(scope, None, send)).result()
    return sent


def test_the_middleware_rewrites_html_and_its_length_even_when_sent_in_parts():
    original = INDEX.read_bytes()
    sent = serve(b"text/html; charset=utf-8", original, chunks=5)
    start, *bodies = sent
    body = b"".join(m["body"] for m in bodies)
    assert body == system_fonts_page(original)
    assert dict(start["headers"])[b"content-length"] == str(len(body)).encode()
    assert not bodies[-1].get("more_body", False)


def test_a_page_is_compressed_here_for_a_browser_that_accepts_gzip():
    # Streamlit's own gzip sits inside: the app must not see the Accept-Encoding.
    original = INDEX.read_bytes()
    seen: list[dict] = []
    start, *bodies = serve(b"text/html", original, path="/analysis", accept=b"gzip, br", seen=seen)
    assert not [k for k, _ in seen[0]["headers"] if k.lower() == b"accept-encoding"]
    headers = dict(start["headers"])
    assert headers[b"content-encoding"] == b"gzip"
    body = b"".join(m["body"] for m in bodies)
    assert headers[b"content-length"] == str(len(body)).encode()
    assert gzip.decompress(body) == system_fonts_page(original)


def test_the_middleware_leaves_other_answers_alone():
    script = b'<link rel="preload" as="font" href="x.woff2">'  # not HTML: untouched
    for content_type, method in ((b"application/javascript", "GET"), (b"text/html", "HEAD")):
        sent = serve(content_type, script, method=method)
        assert b"".join(m.get("body", b"") for m in sent[1:]) == script
    # Streamlit's assets pass through with the browser's Accept-Encoding.
    seen: list[dict] = []
    sent = serve(b"text/html", script, path="/static/x.html", accept=b"gzip", seen=seen)
    assert b"".join(m.get("body", b"") for m in sent[1:]) == script
    assert seen[0]["headers"] == [(b"accept-encoding", b"gzip")]
