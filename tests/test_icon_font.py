"""The team proxy's icon font (scripts/build_icon_font.py): Streamlit's Material Symbols cut
to the icons Streamlit and the app name, every one of them still drawn by its ligature, in
a fraction of the whole font's size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from scripts.build_icon_font import APP_SOURCES, FONT_GLOB, REPO, build, ligatures, streamlit_dir

STREAMLIT = streamlit_dir()
WHOLE = next((STREAMLIT / "static" / "static" / "media").glob(FONT_GLOB))


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("icons"))


def named(paths: list[Path]) -> set[str]:
    text = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in paths)
    return set(re.findall(r":material/([a-z0-9_]+):", text))


def test_the_cut_has_streamlits_file_name_and_a_fraction_of_its_size(cut: Path):
    assert cut.name == WHOLE.name  # the URL Streamlit's frontend asks for
    assert cut.parent.parts[-2:] == ("static", "media")
    assert cut.stat().st_size < 0.25 * WHOLE.stat().st_size, cut.stat().st_size


def test_every_icon_streamlit_and_the_app_name_keeps_its_ligature(cut: Path):
    whole = ligatures(TTFont(WHOLE))
    kept = ligatures(TTFont(cut))
    app = [
        p
        for s in APP_SOURCES
        for p in ((REPO / s).rglob("*.py") if (REPO / s).is_dir() else [REPO / s])
    ]
    assert {"check_circle", "build"} <= named(app)  # the app's own (geo/ui/store_health.py)
    frontend = list((STREAMLIT / "static" / "static" / "js").glob("*.js"))
    python = list(STREAMLIT.rglob("*.py"))
    wanted = (named(app) | named(frontend) | named(python)) & whole.keys()
    # the icons a map page shows (the sidebar's fold button, the expanders' arrows)
    assert {"keyboard_double_arrow_left", "keyboard_arrow_down", "keyboard_arrow_right"} <= wanted
    missing = wanted - kept.keys()
    assert not missing, sorted(missing)
    # a ligature still leads to a drawn glyph, not an empty one
    font = TTFont(cut)
    glyphs = font.getGlyphSet()
    for name in ("check_circle", "keyboard_double_arrow_left"):
        assert glyphs[kept[name]].width > 0
        assert font["glyf"][kept[name]].numberOfContours > 0 if "glyf" in font else True
    assert len(kept) < 0.25 * len(whole)
