"""Sahel Atlas: entry point and navigation. Run with ``streamlit run dashboard.py``.

``streamlit run`` finds ``app`` below (an ``st.App``) and serves this same file as the app's
script, with a startup hook: a background thread prepares the default view of the pages
(``geo.ui.warmup``) while the server already answers, so the first visitor after a start
does not wait for the store to be read and every event to be encoded. The page code runs
only as the script (``__main__``), never when the server imports this file for ``app``.
"""

import contextlib
import threading
from collections.abc import AsyncIterator

import streamlit as st
from starlette.middleware import Middleware

from geo.ui.http import RunTimes, SystemFonts, system_fonts_wanted


def main() -> None:
    """The app: shell, language, navigation between the pages."""
    from geo import ui
    from geo.io.facts import FactsError
    from geo.ui.warmup import page_served, page_started

    st.set_page_config(page_title="Sahel Atlas", page_icon="🌍", layout="wide")
    ui.install_assets()
    ui.keep_widget_values()  # before any page draws its widgets (see geo.ui.keep)
    t = ui.translator(ui.language_selector())

    # (file, title key, URL path). No Material icons: Streamlit fetches them from Google
    # Fonts.
    files = [
        ("pages/map.py", "page_map", "atlas"),  # the root page; /map is the alias below
        ("pages/analysis.py", "page_analysis", "analysis"),
        ("pages/changes.py", "page_changes", "changes"),
        ("pages/charter.py", "page_charter", "charter"),
        ("pages/timeline.py", "page_timeline", "timeline"),
        ("pages/data.py", "page_data", "data"),
        ("pages/help.py", "page_help", "help"),
    ]
    pages = [
        st.Page(path, title=t(title), url_path=url, default=(i == 0))
        for i, (path, title, url) in enumerate(files)
    ]

    def map_alias() -> None:
        """``/map``, the map page's own name, opens the map, which is the app's root page
        (Streamlit would otherwise say "Page not found")."""
        st.switch_page(pages[0], query_params=st.query_params.to_dict())

    hidden = [st.Page(map_alias, title=t("page_map"), url_path="map", visibility="hidden")]
    navigation = st.navigation(pages + hidden)
    page_started()  # the warm-up pauses while a page runs
    try:
        navigation.run()
    except FactsError as err:  # a hand-edited facts file: say which file and where
        st.error(t("facts_broken"))
        st.code(str(err), language=None)
    finally:
        page_served()


def _warm_up() -> None:
    from geo.ui.warmup import warm_up  # imported here: the server starts without waiting

    warm_up()


@contextlib.asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """Server start: the warm-up runs beside the server, which serves at once. The server
    leaves Streamlit's legacy "pages/ folder" mode before any session exists, so a first
    request to a deep link (``/analysis``) runs through this file's navigation at once,
    without the rerun of ``geo.ui.shell.ensure_app_shell`` (kept for runs without this
    hook, such as AppTest)."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False  # private: see geo/ui/shell.py
    threading.Thread(target=_warm_up, name="sahel-atlas-warm-up", daemon=True).start()
    yield


class PageRequests:
    """ASGI middleware: tells the warm-up which page a browser is opening (its HTTP GET of
    ``/analysis`` comes a second before its script runs); then passes the request on."""

    def __init__(self, app: object) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        if scope.get("type") == "http" and scope.get("method") == "GET":
            from geo.ui.warmup import page_requested

            page_requested(str(scope.get("path", "")))
        await self.app(scope, receive, send)


KEPT_FOR_A_YEAR = b"public, max-age=31536000, immutable"
KEPT_FOR_A_DAY = b"public, max-age=86400"
CACHED_PATHS: tuple[tuple[str, bytes], ...] = (
    ("/media/", KEPT_FOR_A_YEAR),  # named by a hash of their content (geo/ui/mapdata.py)
    ("/app/static/", KEPT_FOR_A_DAY),  # Leaflet & co. (pinned versions, unhashed names)
    ("/component/", KEPT_FOR_A_DAY),  # the map component's bundle
)
# Responses a browser may keep without asking again, and for how long. Streamlit sends no
# Cache-Control for these, so a later visit fetches them again: over a slow link the base
# map's boundaries alone (140 kB) cost seconds (issue #16, scripts/benchmark_slowlink.py).
# Streamlit's own bundles already come with a year. (A comment, not a string: this file is
# the app's script, where Streamlit would print a bare string on every page.)


class CacheHeaders:
    """ASGI middleware: adds :data:`CACHED_PATHS`' ``Cache-Control`` to successful GET
    responses that have none."""

    def __init__(self, app: object) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        path = str(scope.get("path", ""))
        lifetime = next((value for prefix, value in CACHED_PATHS if path.startswith(prefix)), None)
        if scope.get("type") != "http" or scope.get("method") != "GET" or lifetime is None:
            await self.app(scope, receive, send)
            return

        async def with_lifetime(message: dict) -> None:
            if message.get("type") == "http.response.start" and message.get("status") == 200:
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    message = {**message, "headers": [*headers, (b"cache-control", lifetime)]}
            await send(message)  # type: ignore[operator]

        await self.app(scope, receive, with_lifetime)


app = st.App(
    "dashboard.py",
    lifespan=lifespan,
    middleware=[
        Middleware(PageRequests),
        Middleware(CacheHeaders),
        *([Middleware(SystemFonts)] if system_fonts_wanted() else []),
        Middleware(RunTimes),
    ],
)

if __name__ == "__main__":
    main()
