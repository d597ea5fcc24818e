"""The team deployment (deploy/): the compose file runs the app with the settings the
slow-link benchmark measured, nginx accepts the configuration (``nginx -t``), and the
proxy's icon font (scripts/build_icon_font.py) is Streamlit's Material Symbols cut to the
icons Streamlit and the app name, every one still drawn by its ligature, in a fraction of
the whole font's size."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont

from scripts.benchmark_slowlink import NGINX, NGINX_TEMPLATE, TEAM_ENV, nginx_conf
from scripts.build_icon_font import APP_SOURCES, FONT_GLOB, REPO, build, ligatures, streamlit_dir
from tests.proxy import require_nginx

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_the_compose_file_runs_the_app_as_the_benchmark_measured_it():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    app = compose["services"]["app"]
    for name, value in TEAM_ENV.items():
        assert app["environment"][name] == value, name
    assert "ports" not in app, "the app is reached through the proxy only"
    proxy = compose["services"]["proxy"]
    assert proxy["ports"] == ["8443:8443"], "HTTPS (HTTP/2) only"
    assert proxy["build"] == {"context": "..", "dockerfile": "deploy/proxy.Dockerfile"}
    assert "proxy-tls:/etc/nginx/tls" in proxy["volumes"]
    proxy_image = (DEPLOY / "proxy.Dockerfile").read_text(encoding="utf-8")
    assert "nginx/sahel-atlas.conf" in proxy_image and "brotli" in proxy_image
    # The icon font cut as the benchmark measured it, where the configuration looks for it.
    assert "python -m scripts.build_icon_font /out" in proxy_image
    assert "python -m scripts.precompress_static /out" in proxy_image
    assert "COPY --from=static /out /srv/sahel-atlas/static" in proxy_image
    assert "libnginx-mod-http-brotli-static" in proxy_image
    assert "openssl req -x509" in proxy_image  # a first start without a certificate


def test_the_websocket_and_the_static_files_are_proxied_as_intended():
    conf = NGINX_TEMPLATE.read_text(encoding="utf-8")
    assert "location /_stcore/stream" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert 'add_header Cache-Control "public, max-age=31536000, immutable" always;' in conf
    assert "gzip on;" in conf and "brotli on;" in conf
    assert "listen 8443 ssl http2;" in conf
    assert "ssl_certificate /etc/nginx/tls/cert.pem;" in conf
    # The app answers uncompressed, so that nginx compresses everything (Brotli included).
    assert 'proxy_set_header Accept-Encoding "";' in conf
    assert "root /srv/sahel-atlas/static;" in conf and "try_files $uri @streamlit_static;" in conf
    assert "brotli_static on;" in conf


def test_nginx_accepts_the_configuration(tmp_path: Path):
    require_nginx()
    conf = nginx_conf(NGINX_TEMPLATE, 18080, "127.0.0.1:18501", tmp_path, tls_listen=18443)
    assert "listen 127.0.0.1:18443 ssl http2;" in conf.read_text(encoding="utf-8")
    out = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "syntax is ok" in out.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)


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


def test_the_bundles_are_copied_with_a_brotli_copy_each_and_kept_next_time(tmp_path: Path):
    import brotli

    from scripts.precompress_static import build as precompress

    fake = tmp_path / "streamlit"
    for folder, name in (("js", "index.abc123.js"), ("css", "index.def456.css")):
        (fake / "static" / "static" / folder).mkdir(parents=True)
        (fake / "static" / "static" / folder / name).write_text("body{color:red}" * 100)
    out = tmp_path / "out"
    assert precompress(out, streamlit=fake) == 2
    for folder, name in (("js", "index.abc123.js"), ("css", "index.def456.css")):
        original = (fake / "static" / "static" / folder / name).read_bytes()
        assert (out / "static" / folder / name).read_bytes() == original  # try_files needs it
        packed = (out / "static" / folder / f"{name}.br").read_bytes()
        assert brotli.decompress(packed) == original and len(packed) < len(original)
    assert precompress(out, streamlit=fake) == 0  # nothing to do again
