"""Streamlit's frontend bundles compressed ahead of time, for the team proxy to serve.

nginx compresses what it passes on the fly, at a level that costs little CPU per request
(Brotli 6). Compressed once at the highest level (Brotli 11), Streamlit's JavaScript and CSS
that a first visit of the map downloads shrink from about 630 to 576 kB: a second less over
a 400 kbit/s link (issue #16, scripts/benchmark_slowlink.py). The proxy's image
(deploy/proxy.Dockerfile) copies the pinned Streamlit's ``static/js`` and ``static/css``
with a ``.br`` beside each file; nginx's ``brotli_static`` sends the ``.br`` to browsers
that accept Brotli. Made when the image is built, never committed.

    python -m scripts.precompress_static OUT_DIR   # writes OUT_DIR/static/{js,css}/
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import brotli

from scripts.build_icon_font import streamlit_dir

FOLDERS = ("js", "css")
QUALITY = 11


def build(out_dir: Path, streamlit: Path | None = None) -> int:
    """Copies the bundles of ``FOLDERS`` under ``out_dir``/static/, each with its ``.br``
    (an existing pair is kept); returns how many files were compressed."""
    source = (streamlit or streamlit_dir()) / "static" / "static"
    made = 0
    for folder in FOLDERS:
        target = out_dir / "static" / folder
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((source / folder).iterdir()):
            if not path.is_file():
                continue
            copy, packed = target / path.name, target / f"{path.name}.br"
            if packed.exists() and copy.exists() and copy.stat().st_size == path.stat().st_size:
                continue
            shutil.copyfile(path, copy)
            packed.write_bytes(brotli.compress(path.read_bytes(), quality=QUALITY))
            made += 1
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    print(f"{build(args.out_dir)} files compressed into {args.out_dir}/static/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
