"""The sidebar's filters of ACLED's typology in AppTest: shown only when a stored dataset
has it, in English and French, filtering the map, kept in the URL, shared with the
Analysis page; the demonstration layers off by default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.io.importers import commit, prepare
from geo.io.store import Store

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"
DASHBOARD = str(ROOT / "dashboard.py")
ANALYSIS = str(ROOT / "pages" / "analysis.py")
TYPOLOGY_KEYS = ("ev_disorder", "ev_event_types", "ev_sub_event_types")


@pytest.fixture()
def store(tmp_path, monkeypatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    return Store()


@pytest.fixture()
def acled(store) -> Store:
    commit(prepare(FIX / "acled_typology.csv", store=store), store)
    return store


def run(path: str = DASHBOARD, **params: str) -> AppTest:
    at = AppTest.from_file(path, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> int:
    (caption,) = [c.value for c in at.caption if re.match(r"^\d[\d,]* events? shown", c.value)]
    return int(caption.split(" ")[0].replace(",", ""))


def keys(at: AppTest) -> set[str]:
    return {w.key for w in (*at.multiselect, *at.radio) if w.key}


def param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    if isinstance(value, list):
        value = value[-1] if value else None
    return value


def test_without_a_dataset_that_has_them_the_typology_filters_are_hidden(store) -> None:
    at = run(event_types="Protests")  # a shared link's typology is ignored, not applied
    assert not keys(at) & {*TYPOLOGY_KEYS, "ev_civ"}
    assert param(at, "event_types") is None
    assert at.checkbox(key="ev_layers_protest").value is False


def test_a_stored_acled_dataset_shows_its_typology_filters_in_both_languages(acled) -> None:
    at = run()
    assert {*TYPOLOGY_KEYS, "ev_civ"} <= keys(at)
    # ACLED's labels, as ACLED writes them
    assert at.multiselect(key="ev_event_types").options == [
        "Battles",
        "Explosions/Remote violence",
        "Protests",
        "Riots",
        "Strategic developments",
        "Violence against civilians",
    ]
    assert "Political violence; Demonstrations" in at.multiselect(key="ev_disorder").options
    assert at.multiselect(key="ev_event_types").label == "Event type (ACLED)"
    assert at.radio(key="ev_civ").label == "Civilian targeting"
    # The demonstration layers: off by default, with their counts.
    assert at.checkbox(key="ev_layers_protest").value is False
    assert at.checkbox(key="ev_layers_protest").label.startswith("Protests (ACLED) (2)")
    assert at.checkbox(key="ev_layers_insurgency").value is True
    at.radio(key="lang").set_value("fr").run()
    assert not at.exception
    assert at.multiselect(key="ev_event_types").label == "Type d'événement (ACLED)"
    assert at.multiselect(key="ev_sub_event_types").label == "Sous-type d'événement (ACLED)"
    assert at.radio(key="ev_civ").label == "Ciblage de civils"
    assert at.checkbox(key="ev_layers_riot").label.startswith("Émeutes (ACLED)")
    # ACLED's labels stay in English
    assert "Protests" in at.multiselect(key="ev_event_types").options


def test_typology_filters_filter_the_map_and_write_the_url(acled) -> None:
    at = run()
    before = shown(at)
    at.multiselect(key="ev_event_types").set_value(["Protests"]).run()
    assert shown(at) == 0  # the protest layer is off
    assert param(at, "event_types") == "Protests"
    at.checkbox(key="ev_layers_protest").check().run()
    assert shown(at) == 2
    assert "protest" in param(at, "layers").split(",")
    at.multiselect(key="ev_event_types").set_value([]).run()
    at.checkbox(key="ev_layers_protest").uncheck().run()
    at.radio(key="ev_civ").set_value("yes").run()
    assert shown(at) == 1  # the Wagner attack on civilians (the mob violence is a riot)
    assert param(at, "civ_targeting") == "yes"
    at.radio(key="ev_civ").set_value("").run()
    assert shown(at) == before and param(at, "civ_targeting") is None


def test_a_shared_link_with_typology_filters_is_honoured(acled) -> None:
    at = run(sub_event_types="Air/drone strike|Armed clash", civ_targeting="no")
    assert at.multiselect(key="ev_sub_event_types").value == ["Air/drone strike", "Armed clash"]
    assert at.radio(key="ev_civ").value == "no"
    assert shown(at) == 2
    # unknown labels are dropped, never an error
    at = run(event_types="<script>|Battles")
    assert at.multiselect(key="ev_event_types").value == ["Battles"]


def test_the_analysis_page_has_the_same_typology_filters(acled) -> None:
    at = run(ANALYSIS, event_types="Violence against civilians")
    assert {*TYPOLOGY_KEYS, "ev_civ"} <= keys(at)
    assert at.multiselect(key="ev_event_types").value == ["Violence against civilians"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "1 row skipped on purpose, not an error"),
        ("fr", "1 ligne ignorée volontairement, sans erreur"),
    ],
)
def test_only_a_type_outside_acleds_typology_is_skipped_and_said_so(store, lang, text):
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["data_plan"] = prepare(FIX / "acled_typology.csv", store=store)
    at.run()
    assert not at.exception
    assert any(text in c.value and "Non-political event (1)" in c.value for c in at.caption)


UCDP_KEYS = ("ev_violence", "ev_dyads")


@pytest.fixture()
def ucdp(store) -> Store:
    commit(prepare(FIX / "GEDEvent_v25_1_sample.csv", store=store), store)
    return store


def test_ucdp_filters_are_hidden_without_a_ucdp_dataset(acled) -> None:
    at = run(violence="3")  # a shared link's UCDP typology is ignored, not applied
    assert not keys(at) & set(UCDP_KEYS)
    assert param(at, "violence") is None


def test_a_stored_ucdp_dataset_shows_its_type_of_violence_and_dyads_in_both_languages(ucdp):
    at = run()
    assert set(UCDP_KEYS) <= keys(at)
    violence = at.multiselect(key="ev_violence")
    # the file's kept rows (its non-state row is rejected for its where_prec)
    assert violence.options == ["state-based conflict", "one-sided violence"]
    assert "Government of Mali - JNIM" in at.multiselect(key="ev_dyads").options
    at.radio(key="lang").set_value("fr").run()
    assert at.multiselect(key="ev_violence").label == "Type de violence (UCDP)"
    assert "violence unilatérale" in at.multiselect(key="ev_violence").options


def test_ucdp_filters_filter_the_map_and_write_the_url(ucdp) -> None:
    at = run()
    everything = shown(at)
    at.multiselect(key="ev_violence").set_value(["3"]).run()
    assert param(at, "violence") == "3"
    # one-sided violence: two of the three stored UCDP events; curated ones have no UCDP type
    assert shown(at) == 2 < everything
    at.multiselect(key="ev_violence").set_value([]).run()
    at.multiselect(key="ev_dyads").set_value(["IS Sahel - Civilians"]).run()
    assert param(at, "dyads") == "IS Sahel - Civilians"
    assert shown(at) == 1


def test_a_shared_link_with_ucdp_filters_is_honoured(ucdp) -> None:
    at = run(violence="1|9", dyads="Government of Mali - JNIM")
    assert at.multiselect(key="ev_violence").value == ["1"]  # 9 is no UCDP type: dropped
    assert at.multiselect(key="ev_dyads").value == ["Government of Mali - JNIM"]
    assert shown(at) == 1


def test_sub_event_choices_follow_the_chosen_event_types(acled) -> None:
    at = run()
    every = at.multiselect(key="ev_sub_event_types").options
    assert "Armed clash" in every
    at.multiselect(key="ev_sub_event_types").set_value(["Armed clash"]).run()
    at.multiselect(key="ev_event_types").set_value(["Protests"]).run()
    # only the protests' sub-event types; the battle's one, no longer offered, is dropped
    assert at.multiselect(key="ev_sub_event_types").options == [
        "Excessive force against protesters",
        "Peaceful protest",
    ]
    assert at.multiselect(key="ev_sub_event_types").value == []
    at.multiselect(key="ev_event_types").set_value(["Protests", "Battles"]).run()
    assert "Armed clash" in at.multiselect(key="ev_sub_event_types").options
    at.multiselect(key="ev_event_types").set_value([]).run()
    assert at.multiselect(key="ev_sub_event_types").options == every
