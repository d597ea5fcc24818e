"""The team deployment's nginx in front of a real `streamlit run`, for the tests.

``nginx`` itself comes from Debian (``make nginx``). Outside CI a missing nginx skips, loudly;
under ``CI=true`` it fails, as every other server a test needs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts.benchmark_slowlink import NGINX, TEAM_ENV, nginx
from tests.browser.server import streamlit_server


def require_nginx() -> None:
    """Skip (outside CI) or fail (under CI) when Debian's nginx is missing."""
    if not Path(NGINX).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{NGINX} is missing: `make nginx` installs it (CI must)")
        pytest.skip(f"SKIPPED LOUDLY: {NGINX} is missing; `make nginx` installs it")


@contextmanager
def proxied_app(work: Path) -> Iterator[str]:
    """The app with the team settings (an empty store in ``work``) behind the deployment's
    nginx (its configuration, sign-in and icon font cut as the proxy image does); yields the
    proxy's URL."""
    require_nginx()
    (work / "data").mkdir()
    env = {"SAHEL_ATLAS_DATA_DIR": str(work / "data"), **TEAM_ENV}
    with streamlit_server(work / "app.log", env=env) as app_url:
        (work / "proxy").mkdir()
        with nginx(app_url, work / "proxy") as url:
            yield url
