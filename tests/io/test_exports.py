"""Exports: CSV (formula-safe, attribution, round trip), GeoJSON and standalone HTML."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from geo.io import exports
from geo.io.importers import commit, prepare
from geo.io.store import ACLED_NOTICE, Store
from geo.model.events import LAYERS
from geo.render import export_html, mapbuild
from geo.render.pointlayer import event_block, point_group

FIX = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


def test_neutralise_formula_cells_but_not_numbers():
    frame = pd.DataFrame(
        {"a": ["=1+1", "+x", "-cmd", "@SUM(A1)", "ok", "\tx"], "n": [-7.5, 1, 2, 3, 4, 5]}
    )
    out = exports.neutralise(frame)
    assert list(out["a"]) == ["'=1+1", "'+x", "'-cmd", "'@SUM(A1)", "ok", "'\tx"]
    assert list(out["n"]) == [-7.5, 1, 2, 3, 4, 5]


def test_acled_csv_export_has_attribution_filters_and_notice(store):
    commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    events = store.load_events()
    lines = exports.attribution_lines(events, store.datasets(), "from=2020-01-01; countries=MLI")
    text = exports.events_csv(events, lines).decode("utf-8-sig")
    head = [line for line in text.splitlines() if line.startswith("# ")]
    assert any("ACLED" in line and "accessed" in line for line in head)
    assert any("Filters applied: from=2020-01-01; countries=MLI" in line for line in head)
    assert any(ACLED_NOTICE in line for line in head)
    # The HYPERLINK formula in the notes is neutralised.
    assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text


def test_round_trip_import_export_import_changes_nothing(store, tmp_path):
    for path in (
        FIX / "acled_numeric_bom.csv",
        FIX / "acled_labels.csv",
        FIX / "GEDEvent_v25_1_sample.csv",
        FIX / "app_events.csv",
    ):
        commit(prepare(path, store=store), store)
    stamp, before = store.stamp(), store.load_events()
    for name in {d.name for d in store.datasets()}:
        part = before[before["dataset"] == name]
        out = tmp_path / f"{name}.csv"
        out.write_bytes(
            exports.events_csv(part, exports.attribution_lines(part, store.datasets(), "none"))
        )
        plan = prepare(out, store=store)
        assert plan.format == "app" and plan.dataset == name
        assert plan.accepted == len(part) and not plan.problems
        assert plan.count("unchanged") == len(part), name
        commit(plan, store)
        # the semicolon variant for Excel (decimal commas) reads back the same
        excel = tmp_path / f"{name}-excel.csv"
        excel.write_bytes(exports.events_csv(part, ["none"], excel=True))
        plan = prepare(excel, store=store)
        assert plan.decimal_comma and plan.dataset == name and not plan.problems
        assert plan.count("unchanged") == len(part), name
    assert store.stamp() == stamp
    pd.testing.assert_frame_equal(store.load_events(), before)


def test_geojson_keeps_unlocated_events_with_null_geometry_and_typed_values(store):
    commit(prepare(FIX / "app_events.csv", store=store), store)
    events = store.load_events()
    doc = json.loads(exports.events_geojson(events, ["line 1"]))
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == len(events) == 3  # none dropped
    nulls = [f for f in doc["features"] if f["geometry"] is None]
    assert len(nulls) == 1  # the third event has no coordinates
    assert doc["attribution"] == [
        "line 1",
        '1 event has no coordinates: it is listed with "geometry": null.',
    ]
    feature = next(f for f in doc["features"] if f["geometry"] is not None)
    assert feature["geometry"]["type"] == "Point"
    props = feature["properties"]
    assert props["id"].startswith("FIELD-")
    assert [f["properties"]["verified"] for f in doc["features"]] == [
        bool(v) for v in events["verified"]
    ]  # JSON booleans, not "true"/"false"
    assert isinstance(props["sources"], list) and props["sources"][0].startswith("http")
    assert all(
        v is None or isinstance(v, int)
        for p in doc["features"]
        for v in (p["properties"]["fatalities_low"], p["properties"]["fatalities_high"])
    )
    assert ("latitude" not in props and "timestamp" not in props) or props["timestamp"] > 0


def test_geojson_attribution_in_french():
    events = _events(3, lat=[12.6, None, None])
    doc = json.loads(exports.events_geojson(events, [], lang="fr"))
    assert doc["attribution"] == [
        '2 événements n\'ont pas de coordonnées : ils figurent avec "geometry": null.'
    ]


def _events(n: int, lat=None, **extra) -> pd.DataFrame:
    from geo.io.events import load_events

    base = load_events().events.head(n).reset_index(drop=True).copy()
    if lat is not None:
        base["latitude"] = lat
        base.loc[base["latitude"].isna(), "longitude"] = float("nan")
    for key, value in extra.items():
        base[key] = value
    return base


def test_csv_has_a_bom_and_no_column_that_is_always_blank():
    events = _events(4)
    raw = exports.events_csv(events, ["a"])
    assert raw.startswith(b"\xef\xbb\xbf# a\n")
    frame = pd.read_csv(io.BytesIO(raw), comment="#", encoding="utf-8-sig")
    assert "timestamp" not in frame  # curated events have no source timestamp
    # the region as the source wrote it (older divisions or newer ones than our boundaries)
    assert list(frame["admin1_source_name"]) == list(events["admin1_source_name"])
    assert frame["admin1_source_name"].str.len().gt(0).all()
    blank = exports.events_csv(events.assign(admin1_source_name=""), ["a"])
    assert "admin1_source_name" not in pd.read_csv(
        io.BytesIO(blank), comment="#", encoding="utf-8-sig"
    )
    assert not any(frame[c].isna().all() for c in frame.columns if c != "date_end"), [
        c for c in frame.columns if frame[c].isna().all()
    ]


def test_csv_writes_admin1_source_name_and_timestamps_when_the_events_have_them():
    events = _events(2, admin1_source_name=["Bamako District", "Ménaka"], timestamp=[1722000000, 0])
    frame = pd.read_csv(io.BytesIO(exports.events_csv(events, [])), encoding="utf-8-sig")
    assert list(frame["admin1_source_name"]) == ["Bamako District", "Ménaka"]
    assert list(frame["timestamp"]) == [1722000000, 0]


def test_excel_csv_uses_semicolons_and_decimal_commas():
    events = _events(3)
    raw = exports.events_csv(events, ["Filtres appliqués : aucun."], excel=True)
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[1]
    assert header.startswith("id;dataset;date;")
    frame = pd.read_csv(io.StringIO(text), sep=";", decimal=",", comment="#")
    assert list(frame["latitude"]) == list(events["latitude"])
    assert f"{events['latitude'][0]}".replace(".", ",") in text
    assert list(frame["verified"]) == [True] * 3


def test_attribution_and_filter_lines_in_french(store):
    commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    events = store.load_events()
    filters = exports.describe_filter(
        {
            "from": "2020-01-01",
            "countries": "MLI,BFA",
            "min_fatalities": "1",
            "layers": "insurgency",
            "datasets": "curated,acled",
        },
        "fr",
    )
    assert filters == (
        "à partir du 1er janvier 2020; pays : Mali, Burkina Faso; "
        "au moins 1 mort (borne haute); couches : Violences insurgées; "
        "jeux de données : Événements vérifiés, acled"
    )
    lines = exports.attribution_lines(events, store.datasets(), filters, "fr")
    assert any("ACLED" in line and "consulté le" in line for line in lines)
    assert f"Filtres appliqués : {filters}." in lines
    assert lines[-1].startswith("Données ACLED : utilisées sous votre propre licence")
    assert not any("accessed" in line or "Filters" in line for line in lines)


def test_describe_filter_names_things_in_english():
    assert exports.describe_filter({}, "en") == "none (default view)"
    assert exports.describe_filter(
        {"countries": "COD,GAB", "min_fatalities": "5", "layers": "", "non_aes_coups": "0"}, "en"
    ) == (
        "countries: DR Congo, Gabon; at least 5 deaths (upper bound); layers: none; "
        "coups outside the AES states hidden"
    )


def test_standalone_html_embeds_assets_and_escapes(store):
    commit(prepare(FIX / "acled_numeric_bom.csv", store=store), store)
    events = store.load_events()
    fmap = mapbuild.offline_map()
    point_group(event_block(events, LAYERS), "en", cluster=True).add_to(fmap)
    html = export_html.standalone_html(fmap, ["<b>ACLED</b> attribution"]).decode("utf-8")
    assert "/app/static/" not in html and "cdn.jsdelivr" not in html
    assert "<script src=" not in html and 'rel="stylesheet" href=' not in html
    assert "L.map(" in html or "L.map" in html
    # Escaped once, then JSON-encoded into the script that fills the control.
    assert "\\u0026lt;b\\u0026gt;ACLED\\u0026lt;/b\\u0026gt; attribution" in html
    assert "<b>ACLED" not in html
    assert "<script>alert('loc')</script>" not in html


def test_standalone_map_defines_every_layer_before_the_layer_menu():
    from geo.io.boundaries import load_admin1, load_bfa_provinces, load_countries

    layers = mapbuild.BaseLayers(load_countries(), load_admin1(), load_bfa_provinces())
    events = _events(30)
    html = export_html.standalone_map_html(
        layers, "fr", events, LAYERS, cluster=False, attribution=["x"]
    ).decode("utf-8")
    menu = html.index("L.control.layers(")
    for var in re.findall(r"var (feature_group_[0-9a-f]+) = L\.featureGroup", html):
        assert html.index(f"var {var} =") < menu, var
    assert "marker-icon" not in html.split("</style>")[-1]  # no default marker is created
    assert "Natural Earth" in html and "Atlas du Sahel" in html


HOSTILE_CELLS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1+1", "-2+3", "\tTAB"]


def test_every_csv_for_a_user_goes_through_the_one_writer():
    """Events, analysis tables and rejected rows: the same writer, so each has its
    attribution first and no cell or column name a spreadsheet would run as a formula."""
    from geo.analysis import measures as analysis
    from geo.io.importers import ImportPlan, rejected_csv

    table = pd.DataFrame({"=cmd|' /C calc'!A0": HOSTILE_CELLS, "n": range(5)})
    plan = ImportPlan("f.csv", "acled", "acled", "1", "2024-01-01", 5, pd.DataFrame(), [], table)
    outputs = {
        "events": exports.events_csv(_events(2, actors=HOSTILE_CELLS[:2]), ["ACLED line"]),
        "analysis": analysis.csv_bytes(table, ["ACLED line"], title="Top actors"),
        "rejected": rejected_csv(plan),
    }
    for name, raw in outputs.items():
        assert raw.startswith(b"\xef\xbb\xbf# "), name
        text = raw.decode("utf-8-sig")
        assert "ACLED" in text.splitlines()[0] + text.splitlines()[1], name
        frame = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
        cells = [str(c) for c in frame.columns] + frame.astype(str).to_numpy().ravel().tolist()
        risky = [
            c
            for c in cells
            if c.startswith(exports.FORMULA_START) and pd.isna(pd.to_numeric(c, errors="coerce"))
        ]  # -7.9752 is a number
        assert not risky, (name, risky)


def test_the_actor_filter_line_names_the_actors_in_the_readers_language():
    """The filter's names (canonical, as the URL keeps them) are named as the page names
    them: a group under its name in each language, a curated name in French on French
    exports (data/events/actor_names.yaml); an unlisted name as written."""
    params = {"actors": "JNIM|Dogon civilians|Civilians (Mali)"}
    fr = exports.describe_filter(params, "fr")
    en = exports.describe_filter(params, "en")
    assert "JNIM (GSIM), civils dogons, Civilians (Mali)" in fr
    assert "JNIM, Dogon civilians, Civilians (Mali)" in en
