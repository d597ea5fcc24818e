"""What the map page shows, computed without Streamlit (geo.render.mapview)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.i18n.catalogue import translate
from geo.model.selection import IdLookup, Selection
from geo.render import mapview


def test_opening_frame_is_the_three_states_unless_countries_are_named(countries) -> None:
    aes = mapview.aes_bounds(countries)
    (south, west), (north, east) = aes
    assert south < north and west < east
    assert 3 < south < 12 and 22 < north < 26  # Burkina Faso's south to Mali/Niger's north
    senegal = mapview.aes_bounds(countries, ("SEN",))
    assert senegal != aes and senegal[1][1] < aes[1][1]
    assert mapview.aes_bounds(countries, ("XXX",)) == aes  # unknown codes: the AES states


def test_unit_geometry_is_the_selected_unit(admin1) -> None:
    layers = {"admin1": admin1}
    gao = mapview.unit_geometry(layers, Selection("admin1", "ML-7"))
    assert gao.contains(mapview.event_point(16.94, 1.75))
    assert mapview.event_point(float("nan"), 1.0) is None


def test_clicked_events_keep_only_known_ids_first_one_selected() -> None:
    known = IdLookup(pd.Series(["a", "b", "c"]))
    assert mapview.clicked_events(["x", "b", "c"], known) == ("b", ["c"])
    assert mapview.clicked_events(["x"], known) is None


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_caption_counts_drawn_unlocated_and_hidden_copies(lang: str) -> None:
    assert mapview.shown_caption(5, 5, 0, lang) == translate("ev_shown", lang, count=5)
    full = mapview.shown_caption(5, 7, 3, lang)
    assert full == " · ".join(
        [
            translate("ev_shown", lang, count=5),
            translate("ev_not_located", lang, count=2),
            translate("dup_hidden", lang, count=3),
        ]
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_event_lists_name_day_place_and_layer_in_the_language(lang: str) -> None:
    events = pd.DataFrame(
        {
            "id": ["e1", "e2"],
            "date": pd.to_datetime(["2023-09-16", "2024-01-28"]),
            "location": ["Gao", "Djibo"],
            "layer": ["coup-successful", "insurgency"],
            "fatalities_low": [0, 3],
            "fatalities_high": [1, 5],
            "dataset": ["imported"] * 2,
        }
    )
    labels = mapview.event_labels(events, lang)
    assert [ident for ident, _ in labels] == ["e1", "e2"]
    assert labels[1][1].endswith(f"Djibo · {translate('ev_layer_insurgency', lang)}")
    table = mapview.event_table(events, lang)
    assert list(table.columns) == [
        translate(k, lang) for k in ("ev_col_date", "ev_col_place", "ev_col_layer", "ev_col_deaths")
    ]
    assert table.iloc[:, 3].tolist() == [1, 5]
    assert table.iloc[:, 2].tolist() == [
        translate("ev_layer_coup-successful", lang),
        translate("ev_layer_insurgency", lang),
    ]
