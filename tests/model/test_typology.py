"""ACLED's and UCDP's typology: the category rule (geo/model/typology.py), the importers' new
columns, the store's migration to schema 3, the typology filters and their URL form, and
the event panel."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from geo.analysis.filters import apply_filter
from geo.io.importers import commit, prepare
from geo.io.store import SCHEMA_VERSION, Store
from geo.model import typology
from geo.model.events import DEFAULT_LAYERS, LAYERS, TYPOLOGY_COLUMNS
from geo.model.filters import EventFilter, from_query_params, to_query_params
from geo.render.panels import event_panel_html

FIX = Path(__file__).resolve().parents[1] / "fixtures"
ACLED_TYPOLOGY = FIX / "acled_typology.csv"
UCDP = FIX / "GEDEvent_v25_1_sample.csv"


# --- the rule, case by case ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "inter1", "inter2", "civilian", "expected"),
    [
        # Violence against civilians: by state forces or external/other forces (Wagner) -> state
        ("Violence against civilians", 1, 7, "Civilian targeting", "state-violence"),
        ("Violence against civilians", 8, 7, "Civilian targeting", "state-violence"),
        ("Violence against civilians", 2, 7, "Civilian targeting", "insurgency"),
        ("Violence against civilians", 3, 7, "Civilian targeting", "insurgency"),
        ("Violence against civilians", 4, 7, "Civilian targeting", "insurgency"),
        # Explosions/Remote violence: the state's air and drone strikes are state violence
        ("Explosions/Remote violence", 1, 2, "", "state-violence"),
        ("Explosions/Remote violence", 1, 7, "Civilian targeting", "state-violence"),
        ("Explosions/Remote violence", 8, 2, "", "state-violence"),
        ("Explosions/Remote violence", 2, 1, "", "insurgency"),
        # Battles: whoever fights
        ("Battles", 1, 2, "", "insurgency"),
        ("Battles", 8, 2, "", "insurgency"),
        ("Battles", 2, 3, "", "insurgency"),
        ("Battles", 4, 4, "", "insurgency"),
        # Demonstrations and strategic developments: their own categories
        ("Protests", 6, 0, "", "protest"),
        ("Protests", 6, 1, "", "protest"),  # excessive force against protesters stays a protest
        ("Riots", 5, 1, "", "riot"),
        ("Riots", 4, 7, "Civilian targeting", "riot"),  # mob violence
        ("Strategic developments", 1, 0, "", "strategic"),
        # pre-2019 Riots/Protests: rioters -> riot, else protest
        ("Riots/Protests", 5, 1, "", "riot"),
        ("Riots/Protests", 6, 0, "", "protest"),
        # case and white space as a re-saved file may write them
        (" battles ", 1, 2, "", "insurgency"),
        ("VIOLENCE AGAINST CIVILIANS", 1, 7, "", "state-violence"),
        # outside ACLED's typology: no category (the importer skips and counts the row)
        ("Non-political event", 1, 0, "", None),
        ("", 1, 0, "", None),
    ],
)
def test_acled_category_rule(event_type, inter1, inter2, civilian, expected):
    assert typology.acled_category(event_type, inter1, inter2, civilian) == expected


@pytest.mark.parametrize(
    ("category", "sub_event_type", "expected"),
    [
        ("insurgency", "Armed clash", "armed-clash"),
        ("insurgency", "Non-state actor overtakes territory", "capture-of-town"),
        ("state-violence", "Air/drone strike", "air-or-drone-strike"),
        ("state-violence", "Abduction/forced disappearance", "kidnapping"),
        ("state-violence", "Attack", "attack-on-civilians"),
        ("insurgency", "", "other"),  # pre-2019: no sub-event type
        ("protest", "Excessive force against protesters", "excessive-force"),
        ("protest", "Peaceful protest", "peaceful-protest"),
        ("riot", "Mob violence", "mob-violence"),
        ("strategic", "Looting/property destruction", "looting"),
        ("strategic", "Headquarters or base established", "base-established"),
        ("protest", "Looting/property destruction", "other"),  # not a protest's sub-event type
    ],
)
def test_acled_subtype_rule(category, sub_event_type, expected):
    assert typology.acled_subtype(category, sub_event_type) == expected


@pytest.mark.parametrize(
    ("inter1", "inter2", "code", "label"),
    [
        (1, 7, "17", "State forces-Civilians"),
        (8, 2, "82", "External/Other forces-Rebel group"),
        (2, 0, "20", "Rebel group only"),
        (0, 0, "", ""),
    ],
)
def test_interaction_code_and_label(inter1, inter2, code, label):
    assert typology.interaction_code(inter1, inter2) == code
    assert typology.interaction_label(inter1, inter2) == label


@pytest.mark.parametrize(
    ("tov", "side_a", "expected"),
    [
        ("3", "Government of Mali", "state-violence"),
        ("3", "JNIM", "insurgency"),
        ("1", "Government of Mali", "insurgency"),
        ("2", "JNIM", "insurgency"),
    ],
)
def test_ucdp_category_rule(tov, side_a, expected):
    assert typology.ucdp_category(tov, side_a) == expected


def test_the_columnwise_rule_is_the_rule_row_by_row():
    rows = [
        ("Battles", "Armed clash", 1, 2, ""),
        ("Protests", "Peaceful protest", 6, 0, ""),
        ("Explosions/Remote violence", "Air/drone strike", 1, 2, ""),
        ("Battles", "Armed clash", 1, 2, ""),
        ("Oddity", "", 1, 0, ""),
    ]
    frame = pd.DataFrame(rows, columns=["t", "s", "a", "b", "c"], index=[10, 11, 12, 13, 14])
    out = typology.acled_categories(frame["t"], frame["s"], frame["a"], frame["b"], frame["c"])
    assert list(out.index) == [10, 11, 12, 13, 14]
    for (t, s, a, b, c), (cat, sub) in zip(rows, out.itertuples(index=False), strict=True):
        expected = typology.acled_category(t, a, b, c)
        assert cat == expected if expected is not None else pd.isna(cat)
        assert sub == typology.acled_subtype(expected or "", s)


# --- the importers' new columns ------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def test_acled_import_keeps_the_typology_and_derives_the_categories(store):
    plan = prepare(ACLED_TYPOLOGY, store=store)
    assert plan.total_rows == 8 and len(plan.rejected) == 0
    # Only a type outside ACLED's typology is skipped (counted under its name).
    assert plan.skipped == {"Non-political event": 1}
    ev = plan.events.set_index("id")
    wagner = ev.loc["acled:MLI7001"]  # Wagner (external/other forces) against civilians
    assert (wagner["category"], wagner["subtype"], wagner["layer"]) == (
        "state-violence",
        "attack-on-civilians",
        "state-violence",
    )
    assert wagner[
        [
            "disorder_type",
            "event_type",
            "sub_event_type",
            "interaction",
            "interaction_code",
            "civilian_targeting",
        ]
    ].tolist() == [
        "Political violence",
        "Violence against civilians",
        "Attack",
        "External/Other forces-Civilians",
        "87",
        "Civilian targeting",
    ]
    strike = ev.loc["acled:BFA7002"]  # the state's drone strike on an armed group
    assert (strike["category"], strike["subtype"]) == ("state-violence", "air-or-drone-strike")
    assert strike["civilian_targeting"] == ""
    battle = ev.loc["acled:NER7003"]
    assert (battle["category"], battle["interaction"]) == ("insurgency", "State forces-Rebel group")
    assert ev.loc["acled:MLI7004", ["category", "layer", "subtype"]].tolist() == [
        "protest",
        "protest",
        "peaceful-protest",
    ]
    assert ev.loc["acled:BFA7005", ["category", "layer", "subtype"]].tolist() == [
        "riot",
        "riot",
        "mob-violence",
    ]
    assert ev.loc["acled:NER7006", ["category", "layer", "subtype"]].tolist() == [
        "strategic",
        "strategic",
        "looting",
    ]
    # ACLED's combined disorder type is kept as ACLED writes it.
    assert ev.loc["acled:MLI7007", "disorder_type"] == "Political violence; Demonstrations"
    assert ev.loc["acled:MLI7007", "category"] == "protest"
    # ACLED has no UCDP fields.
    assert (ev[["type_of_violence", "dyad_name", "dyad_id"]] == "").all().all()
    assert ev["fatalities_best"].isna().all()


def test_ucdp_import_keeps_type_of_violence_dyad_and_best_low_high(store):
    plan = prepare(UCDP, store=store)
    raw = pd.read_csv(UCDP, dtype=str, keep_default_na=False)
    ev = plan.events.set_index("id")
    assert len(ev) and (ev["event_type"] == "").all()
    for _, row in raw.iterrows():
        key = f"ucdp:{row['id']}"
        if key not in ev.index:
            continue
        got = ev.loc[key]
        assert got["type_of_violence"] == row["type_of_violence"]
        assert got["dyad_name"] == row["dyad_name"]
        assert got["dyad_id"] == row["dyad_new_id"]
        assert (
            int(got["fatalities_best"]),
            int(got["fatalities_low"]),
            int(got["fatalities_high"]),
        ) == (int(row["best"]), int(row["low"]), int(row["high"]))
        assert got["category"] == typology.ucdp_category(row["type_of_violence"], row["side_a"])


def test_typology_is_stored_and_read_back_through_sqlite_and_the_snapshot(store):
    plan = prepare(ACLED_TYPOLOGY, store=store)
    commit(plan, store)
    cached = store.load_events().set_index("id")  # the snapshot written on commit
    (_, _, _), from_sql = store._load_sql(None)
    from_sql = from_sql.set_index("id")
    for col in TYPOLOGY_COLUMNS:
        assert cached[col].fillna(-1).tolist() == from_sql[col].fillna(-1).tolist(), col
    assert cached.loc["acled:MLI7001", "interaction"] == "External/Other forces-Civilians"
    # Re-importing the same file changes nothing.
    assert prepare(ACLED_TYPOLOGY, store=store).count("unchanged") == len(plan.events)


# --- the store's migration -------------------------------------------------------------------

_SCHEMA_2 = """
CREATE TABLE events (
    id TEXT PRIMARY KEY, dataset TEXT NOT NULL, date INTEGER NOT NULL,
    date_end INTEGER NOT NULL, date_precision TEXT NOT NULL, category TEXT NOT NULL,
    subtype TEXT NOT NULL, layer TEXT NOT NULL, country_iso3 TEXT NOT NULL,
    admin1_id TEXT NOT NULL, admin1_name TEXT NOT NULL,
    admin1_source_name TEXT NOT NULL DEFAULT '', location TEXT NOT NULL,
    latitude REAL, longitude REAL, geo_precision INTEGER, actors TEXT NOT NULL,
    fatalities_low INTEGER, fatalities_high INTEGER, summary TEXT NOT NULL,
    sources TEXT NOT NULL, verified INTEGER NOT NULL, timestamp INTEGER NOT NULL,
    row_hash INTEGER NOT NULL
);
CREATE INDEX events_date ON events(date);
CREATE INDEX events_country ON events(country_iso3);
CREATE INDEX events_dataset ON events(dataset, date);
CREATE TABLE datasets (
    name TEXT PRIMARY KEY, format TEXT NOT NULL, version TEXT NOT NULL,
    accessed TEXT NOT NULL, file_name TEXT NOT NULL, imported_at TEXT NOT NULL
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('generation', '3');
"""
_OLD_ROWS = [
    (
        "acled:MLI1",
        "acled",
        19000,
        19000,
        "day",
        "insurgency",
        "armed-clash",
        "insurgency",
        "MLI",
        "ML-7",
        "Mopti",
        "Mopti",
        "Boni",
        15.0,
        -2.0,
        1,
        "JNIM; FAMa",
        3,
        3,
        "a battle",
        "https://acleddata.com/",
        0,
        1700000000,
        111,
    ),
    (
        "acled:MLI2",
        "acled",
        19001,
        19001,
        "approx",
        "state-violence",
        "attack-on-civilians",
        "state-violence",
        "MLI",
        "",
        "",
        "",
        "Moura",
        None,
        None,
        None,
        "FAMa; Civilians",
        None,
        None,
        "<b>escaped</b>",
        "https://acleddata.com/",
        0,
        1700000001,
        222,
    ),
    # stored before the typology, under the old rule (every battle or strike "insurgency")
    (
        "acled:MLI7001",
        "acled",
        19787,
        19787,
        "day",
        "insurgency",
        "attack-on-civilians",
        "insurgency",
        "MLI",
        "",
        "",
        "Mopti",
        "Mopti",
        14.4843,
        -4.1828,
        2,
        "Wagner Group; Military Forces of Mali (2021-); Civilians (Mali)",
        9,
        9,
        "old copy",
        "https://acleddata.com/",
        0,
        1700000000,
        333,
    ),
]


def _schema_2_store(directory: Path) -> Path:
    """A store as the release before schema 3 wrote it (its tables, version and rows)."""
    directory.mkdir(parents=True)
    path = directory / "events.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(_SCHEMA_2)
    con.executemany(f"INSERT INTO events VALUES ({', '.join('?' * 24)})", _OLD_ROWS)
    con.execute(
        "INSERT INTO datasets VALUES ('acled', 'acled', '2024-01-01', '2024-01-01', "
        "'old.csv', '2024-01-02T00:00:00+00:00')"
    )
    con.execute("PRAGMA user_version=2")
    con.commit()
    con.close()
    return path


def test_a_schema_2_store_is_read_and_migrated_keeping_every_row(tmp_path):
    path = _schema_2_store(tmp_path / "old")
    store = Store(tmp_path / "old")
    assert store.health().kind == "ok"
    before = store.load_events().set_index("id")  # read before any migration
    assert list(before.index) == ["acled:MLI1", "acled:MLI2", "acled:MLI7001"]
    assert (before[[c for c in TYPOLOGY_COLUMNS if c != "fatalities_best"]] == "").all().all()
    assert before["fatalities_best"].isna().all()
    # Opening it for writing (the next import) migrates it in place; the event stored
    # without its typology is updated by the export that has it.
    plan = prepare(ACLED_TYPOLOGY, store=store)
    assert plan.count("update") == 1 and plan.count("new") == 6
    commit(plan, store)
    con = sqlite3.connect(path)
    version = con.execute("PRAGMA user_version").fetchone()[0]
    columns = {row[1] for row in con.execute("PRAGMA table_info('events')")}
    old = con.execute(
        "SELECT id, category, location, summary, row_hash, disorder_type, "
        "fatalities_best FROM events WHERE id LIKE 'acled:MLI_' "
        "ORDER BY id"
    ).fetchall()
    con.close()
    assert version == SCHEMA_VERSION == 3
    assert set(TYPOLOGY_COLUMNS) <= columns
    assert old == [
        ("acled:MLI1", "insurgency", "Boni", "a battle", 111, "", None),
        ("acled:MLI2", "state-violence", "Moura", "<b>escaped</b>", 222, "", None),
    ]
    after = store.load_events().set_index("id")
    for ident in ("acled:MLI1", "acled:MLI2"):
        for col in ("date", "category", "actors", "summary", "fatalities_low"):
            assert str(after.loc[ident, col]) == str(before.loc[ident, col]), (ident, col)
    assert len(after) == 2 + 7
    updated = after.loc["acled:MLI7001"]
    assert (updated["category"], updated["event_type"], updated["interaction_code"]) == (
        "state-violence",
        "Violence against civilians",
        "87",
    )


# --- the filters and their URL form ------------------------------------------------------


def _typed_events(store) -> pd.DataFrame:
    return prepare(ACLED_TYPOLOGY, store=store).events


def test_typology_filters_select_on_acleds_labels(store):
    events = _typed_events(store)
    every = EventFilter(countries=("MLI", "BFA", "NER"))

    def ids(**changes) -> list[str]:
        f = EventFilter(**{**every.__dict__, **changes})
        return sorted(apply_filter(events, f)["id"])

    assert ids(event_types=("Protests",)) == ["acled:MLI7004", "acled:MLI7007"]
    assert ids(sub_event_types=("Air/drone strike", "Mob violence")) == [
        "acled:BFA7002",
        "acled:BFA7005",
    ]
    assert ids(disorder_types=("Strategic developments",)) == ["acled:NER7006"]
    assert ids(civilian_targeting="yes") == ["acled:BFA7005", "acled:MLI7001"]
    assert "acled:MLI7001" not in ids(civilian_targeting="no")
    assert len(ids(civilian_targeting="no")) == len(events) - 2
    # Events without ACLED's typology (curated, UCDP) never match a typology choice.
    blank = events.assign(event_type="", sub_event_type="", civilian_targeting="")
    f = EventFilter(countries=("MLI", "BFA", "NER"), event_types=("Protests",))
    assert apply_filter(blank, f).empty
    assert apply_filter(
        blank, EventFilter(countries=("MLI", "BFA", "NER"), civilian_targeting="no")
    ).empty


def test_typology_filters_round_trip_through_the_url():
    f = EventFilter(
        disorder_types=("Political violence; Demonstrations",),
        event_types=("Explosions/Remote violence", "Violence against civilians"),
        sub_event_types=("Abduction/forced disappearance",),
        civilian_targeting="yes",
    )
    params = to_query_params(f, EventFilter())
    assert params == {
        "disorder": "Political violence; Demonstrations",
        "event_types": "Explosions/Remote violence|Violence against civilians",
        "sub_event_types": "Abduction/forced disappearance",
        "civ_targeting": "yes",
    }
    assert from_query_params(params) == f
    # Garbage falls back to the defaults.
    bad = from_query_params({"civ_targeting": "maybe", "event_types": "x" * 500})
    assert bad.civilian_targeting == "" and bad.event_types == ()


def test_demonstration_layers_are_off_by_default():
    assert set(LAYERS) - set(DEFAULT_LAYERS) == {"protest", "riot", "strategic"}


# --- the event panel ---------------------------------------------------------------------------


def test_event_panel_shows_the_typology_escaped(store):
    event = _typed_events(store).set_index("id", drop=False).loc["acled:MLI7001"].copy()
    event["sub_event_type"] = "<script>alert(1)</script>"
    for lang, label in (("en", "Interaction (ACLED)"), ("fr", "Interaction (ACLED)")):
        html = event_panel_html(event, "Mali", lang)
        assert label in html
        assert "External/Other forces-Civilians" in html and "(87)" in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "Sous-type d&#x27;événement (ACLED)" in event_panel_html(event, "Mali", "fr")


def test_event_panel_of_a_ucdp_event_shows_type_of_violence_dyad_and_best(store):
    event = prepare(UCDP, store=store).events.iloc[0]
    html = event_panel_html(event, "Mali", "fr")
    assert "Type de violence (UCDP)" in html and "Dyade (UCDP)" in html
    assert "Morts, meilleure estimation (UCDP)" in html
    assert "Event type (ACLED)" not in event_panel_html(event, "Mali", "en")
