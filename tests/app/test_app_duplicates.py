"""An event in two datasets (curated + a small ACLED store) through the real pages
(AppTest): drawn and counted once, the winner chosen in the sidebar and kept in the URL,
its panel naming both sources; a group counted once in the Analysis page's top actors."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo.analysis.filters import filter_mask
from geo.i18n.catalogue import translate
from geo.io.events import actor_lists
from geo.io.importers import commit, prepare
from geo.io.store import Store
from geo.model.events import split_actors
from geo.render import pointlayer
from geo.ui import mapdata

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = str(ROOT / "dashboard.py")
ANALYSIS = str(ROOT / "pages" / "analysis.py")
MAP_KEY = "atlas_map"
CURATED_ID = "BFA-2024-08-24-BARSALOGHO"
ACLED_ID = "acled:BFA9001"

HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,"
    "civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,"
    "longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
)
# Written for this test (not ACLED data): Barsalogho, the curated event's day, ~1 km away,
# and one event elsewhere that duplicates nothing.
ROWS = (
    "BFA9001,2024-08-24,2024,1,Political violence,Violence against civilians,Attack,"
    "JNIM: Group for Support of Islam and Muslims,,Rebel group,Civilians (Burkina Faso),,"
    "Civilians,Rebel group-Civilians,Civilian targeting,854,Western Africa,Burkina Faso,"
    "Centre-Nord,Sanmatenga,Barsalogho,Barsalogho,13.4167,-1.0667,1,Test source,Local,"
    '"Test row: an attack at Barsalogho.",133,,1725000000',
    "BFA9002,2024-09-02,2024,1,Political violence,Battles,Armed clash,"
    "Military Forces of Burkina Faso (2022-),,State forces,JNIM: Group for Support of Islam "
    "and Muslims,,Rebel group,State forces-Rebel group,,854,Western Africa,Burkina Faso,"
    'Sahel,Soum,Djibo,Djibo,14.1000,-1.6300,1,Test source,Local,"Test row: a clash.",4,,'
    "1725000001",
)


@pytest.fixture
def acled_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.setattr(mapdata, "served_url", lambda *args, **kwargs: None)
    source = tmp_path / "acled_test.csv"
    source.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    store = Store()
    assert commit(prepare(source, store=store, dataset="acled"), store) == 2
    return store


def layer_options(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    group = json.loads(component.proto.json_args)["feature_group"]
    return json.loads(re.search(r"L\.atlasPoints\((\{.*?\})\)\.addTo", group).group(1))


def drawn_ids(at: AppTest) -> set[str]:
    """The ids of the events the map's mask draws."""
    from geo.ui import events as ui_events

    options = layer_options(at)
    mask = pointlayer.decode_mask(base64.b64decode(options["mask"]))
    events, _ = ui_events.app_events()
    block = mapdata.events_block(events, f"{ui_events.events_key()}|{len(events)}")
    return set(block.ids[mask])


def test_duplicate_is_drawn_once_and_its_panel_names_both(acled_store):
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.query_params["sel"] = f"event:{CURATED_ID}"
    at.run()
    assert not at.exception
    ids = drawn_ids(at)
    assert CURATED_ID in ids and ACLED_ID not in ids and "acled:BFA9002" in ids
    assert any(translate("dup_hidden", "en", count=1) in c.value for c in at.caption)
    (panel,) = [h.value for h in at.get("html") if 'class="event-panel"' in h.value]
    assert 'data-id="acled:BFA9001"' in panel and "acled acled:BFA9001" in panel
    assert translate("field_targets", "en") in panel  # civilians are targets, not actors
    # Each dataset has its own outline in the legend and in the style table.
    legend = "".join(h.value for h in at.get("html") if "legend-dataset" in h.value)
    assert 'data-dataset="curated"' in legend and 'data-dataset="acled"' in legend
    styles = layer_options(at)["styles"]
    acled_slot = pointlayer.DATASET_SLOTS.index("acled")
    acled_style = styles[acled_slot * len(pointlayer.DRAW_ORDER)]
    assert acled_style["dataset"] == "acled" and acled_style["line"] == "#000000"

    # The winner is a sidebar choice, kept in the URL: ACLED's copy is drawn instead.
    at.selectbox(key="ev_winner").select("acled").run()
    assert not at.exception
    assert at.query_params["winner"] == "acled"
    ids = drawn_ids(at)
    assert ACLED_ID in ids and CURATED_ID not in ids


def test_winner_from_the_url_and_counted_once_in_analysis(acled_store):
    from geo.ui import events as ui_events

    events, _ = ui_events.app_events()
    at = AppTest.from_file(ANALYSIS, default_timeout=90)
    at.session_state["lang"] = "en"
    at.session_state["an_table_actors"] = True
    at.query_params["section"] = "actors"  # the page draws one section at a time
    at.run()
    assert not at.exception
    curated_default = at.caption[0].value
    count = int(re.search(r"([\d,]+) event", curated_default).group(1).replace(",", ""))
    default = ui_events.default_filter(events)
    every_copy = int(filter_mask(events, default, once=False).sum())
    # Every event once: the ACLED copy of Barsalogho is not counted.
    assert count == every_copy - 1 == int(filter_mask(events, default).sum())
    tables = [d.value for d in at.dataframe]
    actor = translate("an_actor", "en")
    top = next(t for t in tables if actor in t.columns).set_index(actor)
    # JNIM under one name: every curated spelling counts for the one group.
    shown = events[filter_mask(events, default)]
    with_jnim = actor_lists(shown)["actors"].map(lambda names: "JNIM" in names)
    written = {a for s in shown["actors"][with_jnim] for a in split_actors(s) if "JNIM" in a}
    assert len(written) >= 5  # several spellings...
    assert top.loc["JNIM", translate("an_events", "en")] == with_jnim.sum()  # ...one group
    assert not any("JNIM (" in name for name in top.index)

    at = AppTest.from_file(ANALYSIS, default_timeout=90)
    at.session_state["lang"] = "en"
    at.query_params["winner"] = "acled"
    at.run()
    assert not at.exception
    acled_first = int(re.search(r"([\d,]+) event", at.caption[0].value).group(1).replace(",", ""))
    assert acled_first == count  # the same events, the other copy of the duplicate
    assert np.isfinite(acled_first)


def test_a_broken_alias_table_is_named_and_the_page_still_works(tmp_path, monkeypatch):
    from geo.io import actors

    broken = tmp_path / "actor_aliases.yaml"
    broken.write_text("groups:\n  - key: jnim\n    name_en: JNIM\n", encoding="utf-8")
    monkeypatch.setattr(actors, "ALIASES_FILE", broken)
    actors.aliases.cache_clear()
    try:
        assert actors.aliases().problem.startswith("actor_aliases.yaml: groups[0] (jnim):")
        at = AppTest.from_file(ANALYSIS, default_timeout=90)
        at.session_state["lang"] = "fr"
        at.run()
        assert not at.exception
        (warning,) = [w.value for w in at.warning if "alias" in w.value]
        assert "actor_aliases.yaml: groups[0] (jnim): 'aliases' must be a non-empty list" in warning
        assert warning.startswith("La table des alias d'acteurs n'a pas pu être lue")
    finally:
        monkeypatch.undo()  # the project's table again, for the tests that follow
        actors.aliases.cache_clear()
        st.cache_resource.clear()  # nothing computed with the broken table stays cached
        st.cache_data.clear()
    assert actors.aliases().problem == ""


def test_the_data_page_counts_an_imported_copy_of_a_curated_event_as_a_duplicate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """After an import, "on the map" counts what the map draws: the ACLED copy of Barsalogho
    is drawn as the curated copy, so it is said to be a duplicate, not on the map; with the
    ACLED copy chosen to win, it is on the map again."""
    from dataclasses import replace

    from geo.io.events import load_events
    from geo.model.filters import EventFilter
    from geo.ui.data import visibility, visibility_lines

    monkeypatch.setenv("SAHEL_ATLAS_DATA_DIR", str(tmp_path / "store"))
    source = tmp_path / "acled_test.csv"
    source.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    plan = prepare(source, store=Store(), dataset="acled")
    imported = plan.to_write
    everything = pd.concat([load_events().events, imported], ignore_index=True)
    f = EventFilter()
    v = visibility(imported, f, everything)
    assert (v.visible, v.hidden_duplicates) == (1, 1)
    assert visibility_lines(v, "en")[1].startswith(
        "1 is the same event as one already in another dataset"
    )
    assert visibility_lines(v, "fr")[1].startswith(
        "1 est le même événement qu'un autre déjà présent dans un autre jeu de données"
    )
    v = visibility(imported, replace(f, winner="acled"), everything)
    assert (v.visible, v.hidden_duplicates) == (2, 0)
    # without the other events (as before this check existed) both were said to be shown
    assert visibility(imported, f).visible == 2
