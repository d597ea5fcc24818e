"""Streamlit's icon font cut down to the icons Streamlit and the app can show.

Streamlit draws its icons with the Material Symbols font (its own woff2, 375 kB, about 4,300
icons), and its frontend asks for the font as soon as it starts, whatever the page shows.
Over a slow link that is seven of a first visit's seconds (issue #16,
scripts/benchmark_slowlink.py). The team proxy (deploy/) serves this cut instead, under the
same file name, so the browser never fetches the whole font:

* the icons named anywhere in Streamlit's frontend bundles (``:material/name:`` and every
  quoted string that is an icon's name), in Streamlit's Python package (its defaults), and
  in the app's own code (``geo/``, ``pages/``, ``dashboard.py``);
* each icon's ligature (the font turns the letters ``check_circle`` into the icon) and the
  letters themselves.

An icon missing from the cut would show its name in letters, so the list is generous
(some 600 names, about 60 kB). The cut is made from the installed Streamlit when the proxy's
image is built (deploy/proxy.Dockerfile), never committed.

    python -m scripts.build_icon_font OUT_DIR   # writes OUT_DIR/static/media/<Streamlit's name>
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import re
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

REPO = Path(__file__).resolve().parents[1]
APP_SOURCES = ("geo", "pages", "dashboard.py")
FONT_GLOB = "MaterialSymbols-Rounded.*.woff2"
LIGATURE_LOOKUP, EXTENSION_LOOKUP = 4, 7

_EXPLICIT = re.compile(r":material/([a-z0-9_]+):")
_QUOTED = re.compile(r"[`\"']([a-z0-9_]+)[`\"']")


def streamlit_dir() -> Path:
    """The installed Streamlit package (found without importing it)."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("streamlit is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _ligature_tables(font: TTFont) -> Iterable[object]:
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            if lookup.LookupType == EXTENSION_LOOKUP:
                table = table.ExtSubTable
            if getattr(table, "ligatures", None):
                yield table


def ligatures(font: TTFont) -> dict[str, str]:
    """Icon name (the letters a ligature replaces) -> the icon's glyph."""
    letter = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    names = {}
    for table in _ligature_tables(font):
        for first, entries in table.ligatures.items():
            for entry in entries:
                letters = [letter.get(g) for g in (first, *entry.Component)]
                if all(letters):
                    names["".join(letters)] = entry.LigGlyph  # type: ignore[arg-type]
    return names


def wanted_names(streamlit: Path, app_sources: Iterable[Path], known: set[str]) -> set[str]:
    """The icon names (of ``known``) that Streamlit's bundles and packages or the app name."""
    names: set[str] = set()
    for path in (streamlit / "static" / "static" / "js").glob("*.js"):
        text = path.read_text(encoding="utf-8", errors="ignore")
        names |= set(_EXPLICIT.findall(text)) | set(_QUOTED.findall(text))
    python = list(streamlit.rglob("*.py"))
    for source in app_sources:
        python += [source] if source.is_file() else list(source.rglob("*.py"))
    for path in python:
        names |= set(_EXPLICIT.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return names & known


def cut(source: Path, names: set[str]) -> bytes:
    """``source`` (a woff2) with only the ligatures of ``names``, as woff2."""
    font = TTFont(source)
    glyphs = {glyph for name, glyph in ligatures(font).items() if name in names}
    for table in _ligature_tables(font):
        for first in list(table.ligatures):
            kept = [entry for entry in table.ligatures[first] if entry.LigGlyph in glyphs]
            if kept:
                table.ligatures[first] = kept
            else:
                del table.ligatures[first]
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted({c for name in names for c in name})), glyphs=glyphs)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def build(out_dir: Path, streamlit: Path | None = None) -> Path:
    """Writes the cut to ``out_dir``/static/media/ under Streamlit's own file name (the URL
    the frontend asks for); returns its path."""
    streamlit = streamlit or streamlit_dir()
    source = next((streamlit / "static" / "static" / "media").glob(FONT_GLOB))
    names = wanted_names(streamlit, [REPO / s for s in APP_SOURCES], set(ligatures(TTFont(source))))
    target = out_dir / "static" / "media" / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(cut(source, names))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    target = build(args.out_dir)
    print(f"{target}: {target.stat().st_size / 1000:.1f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
