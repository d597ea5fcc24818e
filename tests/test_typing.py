"""The type annotations of ``geo/`` hold: mypy over the package finds no error.

Its settings are in ``pyproject.toml`` (``[tool.mypy]``): pandas, geopandas, shapely and
pyarrow carry no type information here, so their values are ``Any``; everything else,
Streamlit, Altair, folium and the project's own code, is checked.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_error_in_geo() -> None:
    from mypy import api

    cwd = os.getcwd()
    os.chdir(REPO)  # the configuration and `files = ["geo"]` are read from here
    try:
        out, err, status = api.run(["--no-error-summary", "--hide-error-context"])
    finally:
        os.chdir(cwd)
    assert status == 0, f"mypy:\n{out}{err}"
