"""What a browser keeps between visits (dashboard.py's ``CacheHeaders``): on a later visit
the base map's boundaries, the event block and the map's Leaflet files come from the
browser's cache, not over the link again (issue #16: slow links)."""

from __future__ import annotations

from tests.browser.mapdriver import map_frame

PAINTED = "() => !!(window.atlasPointStats && window.atlasPointStats.drawn > 0)"


def visit(context: object, url: str) -> dict[str, tuple[str | None, bool]]:
    """Open the map in a new tab of ``context`` until its events are painted: each
    response's path -> (its Cache-Control, whether it came from the browser's cache)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, tuple[str | None, bool]] = {}

    def received(event: dict) -> None:
        response = event["response"]
        path = response["url"].removeprefix(url)
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        cached = bool(response.get("fromDiskCache") or response.get("fromMemoryCache"))
        seen[path] = (headers.get("cache-control"), cached)

    cdp.on("Network.responseReceived", received)
    page.goto(url)
    map_frame(page).wait_for_function(PAINTED, timeout=60_000)
    page.wait_for_timeout(500)
    page.close()
    return seen


def test_a_later_visit_takes_the_base_map_and_leaflet_from_the_cache(app_url, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    try:
        first = visit(context, app_url)
        media = {p: v for p, v in first.items() if p.startswith("/media/")}
        vendor = {p: v for p, v in first.items() if p.startswith("/app/static/")}
        assert any(p.endswith(".json") for p in media), first.keys()  # the boundaries
        assert vendor, first.keys()
        for path, (control, _) in media.items():
            assert control == "public, max-age=31536000, immutable", (path, control)
        for path, (control, _) in vendor.items():
            assert control == "public, max-age=86400", (path, control)

        later = visit(context, app_url)
        for path in media.keys() | vendor.keys():
            if path in later:  # asked for again: answered by the browser's cache
                assert later[path][1], f"{path} came over the link again"
        # The page itself is never kept: a new version of the app is seen at once.
        assert later.get("/", (None, False))[1] is False
    finally:
        context.close()
