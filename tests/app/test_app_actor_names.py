"""The curated actors' and victims' names on French and English pages, in AppTest: the map's
event panel and actor filter, the Analysis rankings (chart and table) and Compare's top actors.

French pages show the names of data/events/actor_names.yaml (a group's French name where a
name is counted under its group); the counts are those of the English page, only the labels
change. English pages are unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n.catalogue import translate
from geo.io.actors import aliases
from geo.model.countries import collation_key
from geo.ui.events import EVENTS_ENV
from tests.app.test_app_analysis import app as analysis_app

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


@pytest.fixture(autouse=True)
def _curated_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EVENTS_ENV, raising=False)  # the curated file, not a test file


def _map(**params: str) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _panel(at: AppTest) -> str:
    panels = [h.body for h in at.html if 'class="event-panel"' in h.body]
    assert len(panels) == 1
    return panels[0]


def test_the_french_event_panel_names_the_actors_in_french() -> None:
    fr = _panel(_map(sel="event:NER-2023-07-26-COUP", lang="fr"))
    assert "<li>Garde présidentielle / CNSP (général Abdourahamane Tiani)</li>" in fr
    assert "<li>le président Mohamed Bazoum</li>" in fr
    assert "<li>President Mohamed Bazoum</li>" not in fr
    fama = _panel(_map(sel="event:MLI-2012-01-24-AGUELHOK", lang="fr"))
    assert "<li>Forces armées maliennes (FAMa)</li>" in fama and "groupe :" not in fama


def test_the_english_event_panel_is_unchanged() -> None:
    en = _panel(_map(sel="event:NER-2023-07-26-COUP", lang="en"))
    assert "<li>Presidential Guard / CNSP (Gen. Abdourahamane Tiani)</li>" in en
    assert "<li>President Mohamed Bazoum</li>" in en
    fama = _panel(_map(sel="event:MLI-2012-01-24-AGUELHOK", lang="en"))
    assert "<li>Malian Armed Forces (FAMa)</li>" in fama and "group:" not in fama


def test_the_actor_filter_offers_the_french_names_on_the_french_page() -> None:
    fr = list(_map(lang="fr").multiselect(key="ev_actors").options)
    en = list(_map(lang="en").multiselect(key="ev_actors").options)
    assert len(fr) == len(en)  # the same choices, named in each language
    assert "jihadistes (EIGS ou JNIM soupçonnés)" in fr and "Forces armées maliennes (FAMa)" in fr
    assert "Jihadists (ISGS or JNIM suspected)" in en and "Malian Armed Forces (FAMa)" in en
    assert "Jihadists (ISGS or JNIM suspected)" not in fr
    # the French list reads alphabetically (accents and case ignored), as the English one
    assert fr == sorted(fr, key=collation_key)
    assert en == sorted(en, key=str.casefold)


@pytest.fixture(scope="module")
def rankings() -> dict[str, AppTest]:
    runs = {}
    for lang in ("en", "fr"):
        at = analysis_app(lang, tables=True, section="actors")
        at.run()
        assert not at.exception, at.exception
        runs[lang] = at
    return runs


def _table(at: AppTest, lang: str, label: str) -> pd.DataFrame:
    column = translate(label, lang)
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_french_victims_chart_and_table_name_the_victims_in_french(rankings) -> None:
    en = _table(rankings["en"], "en", "an_victim")
    fr = _table(rankings["fr"], "fr", "an_victim")
    en_names = list(en[translate("an_victim", "en")])
    fr_names = list(fr[translate("an_victim", "fr")])
    assert "Dogon civilians" in en_names and "displaced civilians" in en_names
    assert "civils dogons" in fr_names and "civils déplacés" in fr_names
    assert not {"Dogon civilians", "displaced civilians", "civilians"} & set(fr_names)
    # grouped by the same key: the same rows and numbers, only the labels change
    assert fr_names == [aliases().display(n, "fr") for n in en_names]
    assert en.iloc[:, 1:].to_numpy().tolist() == fr.iloc[:, 1:].to_numpy().tolist()
    specs = [json.loads(c.proto.spec) for c in rankings["fr"].get("vega_lite_chart")]
    bars = [s["encoding"]["y"]["sort"] for s in specs if s["encoding"]["y"]["field"] == "actor"]
    assert len(bars) == 2  # the top actors, then the victims
    assert bars[1] == fr_names[:10] and "civils" in bars[1]
    assert "Dogon civilians" not in json.dumps(specs, ensure_ascii=False)


def test_the_french_top_actors_name_the_groups_and_actors_in_french(rankings) -> None:
    en = list(_table(rankings["en"], "en", "an_actor")[translate("an_actor", "en")])
    fr = list(_table(rankings["fr"], "fr", "an_actor")[translate("an_actor", "fr")])
    assert "Malian Armed Forces (FAMa)" in en and "Forces armées maliennes (FAMa)" in fr
    assert fr == [aliases().display(n, "fr") for n in en]
    translated = {n for n in en if aliases().display(n, "fr") != n}
    assert translated and not translated & set(fr)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_compares_top_actors_are_named_in_the_readers_language(lang) -> None:
    at = analysis_app(lang, section="compare", cmp_a="BFA", cmp_b="NER").run()
    assert not at.exception
    column = translate("an_actor", lang)
    names = [n for d in at.dataframe if column in d.value.columns for n in d.value[column]]
    assert names
    if lang == "fr":
        assert "Forces armées burkinabè" in names
        assert "Jihadists (ISGS or JNIM suspected)" not in names
        assert set(names) <= fr_only()
    else:
        assert "Burkinabè Armed Forces" in names


def fr_only() -> set[str]:
    """The French labels of every curated name (what a French Compare table may show)."""
    table = aliases()
    return {table.display(table.canonical(en), "fr") for en in table.french} | {
        g.name_fr for g in table.groups
    }
