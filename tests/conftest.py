"""Every test runs against a temporary event store, never the user's real one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _temporary_store(tmp_path_factory: pytest.TempPathFactory):
    patch = pytest.MonkeyPatch()
    patch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path_factory.mktemp("store")))
    yield
    patch.undo()
