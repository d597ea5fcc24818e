"""Exports: CSV (formula-safe, attribution, round trip), GeoJSON and standalone HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo import exports, mapbuild
from geo.eventlayers import event_layer_group
from geo.events import LAYERS
from geo.importers import commit, prepare
from geo.store import ACLED_NOTICE, Store

FIX = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


def test_neutralise_formula_cells_but_not_numbers():
    frame = pd.DataFrame({"a": ["=1+1", "+x", "-cmd", "@SUM(A1)", "ok", "\tx"],
                          "n": [-7.5, 1, 2, 3, 4, 5]})
    out = exports.neutralise(frame)
    assert list(out["a"]) == ["'=1+1", "'+x", "'-cmd", "'@SUM(A1)", "ok", "'\tx"]
    assert list(out["n"]) == [-7.5, 1, 2, 3, 4, 5]


def test_acled_csv_export_has_attribution_filters_and_notice(store):
    commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    events = store.load_events()
    lines = exports.attribution_lines(events, store.datasets(), "from=2020-01-01; countries=MLI")
    text = exports.events_csv(events, lines).decode("utf-8")
    head = [line for line in text.splitlines() if line.startswith("# ")]
    assert any("ACLED" in line and "accessed" in line for line in head)
    assert any("Filters applied: from=2020-01-01; countries=MLI" in line for line in head)
    assert any(ACLED_NOTICE in line for line in head)
    # The HYPERLINK formula in the notes is neutralised.
    assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text


def test_round_trip_import_export_import_changes_nothing(store, tmp_path):
    for path in (FIX / "acled_numeric_bom.csv", FIX / "acled_labels.csv",
                 FIX / "GEDEvent_v25_1_sample.csv", FIX / "app_events.csv"):
        commit(prepare(path, store=store), store)
    stamp, before = store.stamp(), store.load_events()
    for name in {d.name for d in store.datasets()}:
        part = before[before["dataset"] == name]
        out = tmp_path / f"{name}.csv"
        out.write_bytes(exports.events_csv(part, exports.attribution_lines(
            part, store.datasets(), "none")))
        plan = prepare(out, store=store)
        assert plan.format == "app" and plan.dataset == name
        assert plan.accepted == len(part) and not plan.problems
        assert plan.count("unchanged") == len(part), name
        commit(plan, store)
    assert store.stamp() == stamp
    pd.testing.assert_frame_equal(store.load_events(), before)


def test_geojson_export(store):
    commit(prepare(FIX / "app_events.csv", store=store), store)
    events = store.load_events()
    doc = json.loads(exports.events_geojson(events, ["line 1"]))
    assert doc["type"] == "FeatureCollection" and doc["attribution"] == ["line 1"]
    assert len(doc["features"]) == 2  # the third event has no coordinates
    feature = doc["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["id"].startswith("FIELD-")


def test_standalone_html_embeds_assets_and_escapes(store):
    commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    events = store.load_events()
    fmap = mapbuild.offline_map()
    event_layer_group(events, LAYERS, cluster=True).add_to(fmap)
    html = exports.standalone_html(fmap, ["<b>ACLED</b> attribution"]).decode("utf-8")
    assert "/app/static/" not in html and "cdn.jsdelivr" not in html
    assert "<script src=" not in html and 'rel="stylesheet" href=' not in html
    assert "L.map(" in html or "L.map" in html
    assert "&lt;b&gt;ACLED&lt;/b&gt; attribution" in html
    assert "<script>alert('loc')</script>" not in html
