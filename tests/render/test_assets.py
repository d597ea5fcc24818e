"""The map works offline: Leaflet & co. are served locally
(geo/render/assets.py, geo/render/mapbuild.py)."""

from __future__ import annotations

import re

import folium
import pytest

from geo.io.boundaries import load_admin1, load_bfa_provinces, load_countries
from geo.render import assets, mapbuild
from geo.render.assets import VENDOR_URL, install_vendor_assets, package_data_dir

EXPECTED_FILES = [
    "leaflet/leaflet.js",
    "leaflet/leaflet.css",
    "leaflet/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png",
    "leaflet/images/layers.png",
]
TAG_URL = re.compile(
    r"<(?:script|link|img)\b[^>]*?\b(?:src|href)\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE
)


@pytest.fixture(scope="module")
def base_layers() -> mapbuild.BaseLayers:
    return mapbuild.BaseLayers(load_countries(), load_admin1(), load_bfa_provinces())


@pytest.fixture(scope="module", params=["en", "fr"])
def rendered(request, base_layers) -> str:
    return mapbuild.base_map(base_layers, request.param).get_root().render()


def map_options(html: str) -> str:
    """The options object passed to ``L.map(...)``."""
    match = re.search(r"L\.map\(\s*\"[^\"]+\",\s*\{(.*?)\}\s*\);", html, re.DOTALL)
    assert match, "no L.map(...) call in the rendered map"
    return match.group(1)


# --- install_vendor_assets -------------------------------------------------------------------


def test_install_copies_leaflet(tmp_path):
    written = install_vendor_assets(tmp_path)
    for name in EXPECTED_FILES:
        assert (tmp_path / name).is_file(), name
        assert tmp_path / name in written, name


def test_installed_files_are_identical_to_the_packages(tmp_path):
    install_vendor_assets(tmp_path)
    leaflet = package_data_dir("xstatic.pkg.leaflet")
    assert (tmp_path / "leaflet/leaflet.js").read_bytes() == (leaflet / "leaflet.js").read_bytes()


def test_install_writes_only_inside_the_target_folder(tmp_path):
    for path in install_vendor_assets(tmp_path):
        assert path.is_relative_to(tmp_path)


def test_second_install_copies_nothing(tmp_path):
    install_vendor_assets(tmp_path)
    assert install_vendor_assets(tmp_path) == []


def test_install_replaces_a_damaged_copy(tmp_path):
    install_vendor_assets(tmp_path)
    damaged = tmp_path / "leaflet/leaflet.js"
    damaged.write_text("truncated", encoding="utf-8")
    assert install_vendor_assets(tmp_path) == [damaged]
    source = package_data_dir("xstatic.pkg.leaflet") / "leaflet.js"
    assert damaged.read_bytes() == source.read_bytes()


def test_install_restores_a_deleted_file(tmp_path):
    install_vendor_assets(tmp_path)
    (tmp_path / "leaflet/leaflet.css").unlink()
    assert install_vendor_assets(tmp_path) == [tmp_path / "leaflet/leaflet.css"]


def test_every_vendor_url_the_map_uses_is_installed(tmp_path):
    install_vendor_assets(tmp_path)
    urls = [url for _, url in assets.MAP_JS + assets.MAP_CSS]
    for url in urls:
        assert url.startswith(VENDOR_URL + "/"), url
        assert (tmp_path / url.removeprefix(VENDOR_URL + "/")).is_file(), url


# --- the rendered base map -------------------------------------------------------------------


def test_rendered_map_loads_no_script_or_stylesheet_from_the_internet(rendered):
    urls = TAG_URL.findall(rendered)
    assert urls, "no script or link tags found"
    for url in urls:
        assert not re.match(r"(?i)(https?:)?//", url), url


def test_rendered_map_has_no_cdn_reference(rendered):
    for cdn in (
        "cdn.jsdelivr.net",
        "cdnjs.cloudflare.com",
        "unpkg.com",
        "code.jquery.com",
        "netdna.bootstrapcdn.com",
    ):
        assert cdn not in rendered, cdn


def test_rendered_map_loads_leaflet_from_the_vendor_folder(rendered):
    urls = TAG_URL.findall(rendered)
    assert "/app/static/vendor/leaflet/leaflet.js" in urls
    assert "/app/static/vendor/leaflet/leaflet.css" in urls


def test_leaflet_marker_images_point_at_the_vendor_folder(rendered):
    assert "L.Icon.Default.imagePath = '/app/static/vendor/leaflet/images/'" in rendered


def test_map_has_zoom_limits(rendered):
    options = map_options(rendered)
    min_zoom = int(re.search(r"\"minZoom\":\s*(\d+)", options).group(1))
    max_zoom = int(re.search(r"\"maxZoom\":\s*(\d+)", options).group(1))
    assert 0 <= min_zoom < max_zoom <= 19


def test_online_basemaps_are_not_shown_by_default(rendered):
    layers = re.findall(r"var (tile_layer_\w+) = L\.tileLayer\(", rendered)
    assert len(layers) == len(mapbuild.ONLINE_BASEMAPS)
    for name in layers:
        assert f"{name}.addTo(" not in rendered, name


def test_online_basemaps_can_be_switched_on_from_the_layer_control(rendered):
    layers = re.findall(r"var (tile_layer_\w+) = L\.tileLayer\(", rendered)
    control = re.search(
        r"var layer_control_\w+_layers = \{.*?overlays\s*:\s*\{(.*?)\}", rendered, re.DOTALL
    )
    assert control, "no layer control"
    for name in layers:
        assert re.search(rf"\"[^\"]+\"\s*:\s*{name}\b", control.group(1)), name


def test_offline_map_has_no_tile_layer_shown(base_layers):
    fmap = mapbuild.base_map(base_layers, "en")
    tiles = [
        child
        for child in fmap._children.values()
        if isinstance(child, folium.raster_layers.TileLayer)
    ]
    assert len(tiles) == len(mapbuild.ONLINE_BASEMAPS)
    assert not any(tile.show for tile in tiles)


def test_basemap_names_follow_the_language(base_layers):
    html = mapbuild.base_map(base_layers, "fr").get_root().render()
    assert "Fond OpenStreetMap (en ligne seulement)" in html
    assert "OpenStreetMap tiles (online only)" not in html
