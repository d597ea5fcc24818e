"""A shared store whose server does not answer, through the real map page (AppTest): the
banner says the shared database cannot be reached, offers no repair (the atlas repairs
only its own SQLite file), and the page keeps working on the curated events, a region's
panel included, in English and French."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n.catalogue import translate
from geo.io.store import DATABASE_URL_ENV
from geo.ui.events import EVENTS_ENV

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")
NOBODY = "postgresql://atlas:secret@127.0.0.1:1/atlas"  # port 1: nothing listens


@pytest.fixture(autouse=True)
def _unreachable(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.setenv(DATABASE_URL_ENV, NOBODY)
    monkeypatch.delenv(EVENTS_ENV, raising=False)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_unreachable_shared_store_says_so_and_offers_no_repair(lang):
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.session_state["lang"] = lang
    at.query_params["sel"] = "admin1:ML-7"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (banner,) = [e.value for e in at.error]
    assert translate("store_shared_unreachable_title", lang) in banner
    assert translate("store_shared_curated_shown", lang) in banner
    assert "secret" not in banner and "127.0.0.1:1" in banner.replace("\\", "")
    assert translate("store_damaged_title", lang) not in banner
    captions = [c.value for c in at.caption]
    assert translate("store_shared_hint", lang) in captions
    assert translate("store_repair_on_data", lang) not in captions
    # the region panel still shows the curated events of the unit
    assert f"**{translate('region_events', lang)}**" in [m.value for m in at.markdown]
    assert [b for b in at.button if (b.key or "").startswith("pick_")]
