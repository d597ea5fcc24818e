"""Leaflet and friends, served locally so the map works with no internet.

The files come from PyPI XStatic packages (installed by requirements.txt, never committed).
At start-up they are copied into ``static/vendor/`` and Streamlit serves them under
``/app/static/vendor/`` (``server.enableStaticServing`` in ``.streamlit/config.toml``).
"""

from __future__ import annotations

import importlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from geo.io.paths import STATIC_DIR

VENDOR_DIR = STATIC_DIR / "vendor"
VENDOR_URL = "/app/static/vendor"


@dataclass(frozen=True)
class VendorAsset:
    """One file or folder of an XStatic package and where it is served."""

    package: str  # XStatic module, e.g. "xstatic.pkg.leaflet"
    source: str  # path inside the package's data folder
    target: str  # path under static/vendor/


ASSETS: tuple[VendorAsset, ...] = (
    VendorAsset("xstatic.pkg.leaflet", "leaflet.js", "leaflet/leaflet.js"),
    VendorAsset("xstatic.pkg.leaflet", "leaflet.css", "leaflet/leaflet.css"),
    VendorAsset("xstatic.pkg.leaflet", "images", "leaflet/images"),
)

# folium's default_js / default_css, pointing at the local copies. No jQuery: nothing on the
# maps uses it (the served boundaries load without it, geo.render.mapbuild.BoundaryFile), and each
# script streamlit-folium loads is one more request before the map can draw.
MAP_JS: list[tuple[str, str]] = [
    ("leaflet", f"{VENDOR_URL}/leaflet/leaflet.js"),
]
MAP_CSS: list[tuple[str, str]] = [
    ("leaflet_css", f"{VENDOR_URL}/leaflet/leaflet.css"),
]


def package_data_dir(package: str) -> Path:
    """The data folder of an installed XStatic package."""
    return Path(importlib.import_module(package).BASE_DIR)


def install_vendor_assets(vendor_dir: Path = VENDOR_DIR) -> list[Path]:
    """Copy the XStatic files into ``vendor_dir`` when missing or changed; return targets.

    Cheap when up to date (a stat per file), so it can run on every app start.
    """
    written: list[Path] = []
    for asset in ASSETS:
        source = package_data_dir(asset.package) / asset.source
        target = vendor_dir / asset.target
        if source.is_dir():
            for file in source.rglob("*"):
                if file.is_file():
                    written += _copy_if_changed(file, target / file.relative_to(source))
        else:
            written += _copy_if_changed(source, target)
    return written


def _copy_if_changed(source: Path, target: Path) -> list[Path]:
    if target.exists() and target.stat().st_size == source.stat().st_size:
        return []
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return [target]
