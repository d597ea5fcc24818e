"""The shared filtered events (geo.ui.events): row masks cached per filter, equal to
``geo.analysis.filters.apply_filter`` whatever the layers, datasets and columns asked for."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from geo.analysis.filters import apply_filter, layer_counts
from geo.model.events import LAYERS
from geo.model.filters import EventFilter
from geo.ui import events as ui_events

FILTERS = [
    EventFilter(layers=LAYERS),
    EventFilter(layers=("insurgency",)),
    EventFilter(layers=()),
    EventFilter(date_from=date(2023, 9, 16), layers=LAYERS, include_non_aes_coups=True),
    EventFilter(countries=("BFA",), layers=("insurgency", "state-violence"), min_fatalities=5),
]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    frame, _ = ui_events.curated_events(ui_events.curated_path())
    return frame


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_the_shared_rows_are_those_of_apply_filter(events: pd.DataFrame, f: EventFilter) -> None:
    # No layer chosen in the sidebar draws nothing (apply_filter reads it as "any layer").
    expected = apply_filter(events, f) if f.layers else events.iloc[0:0]
    got = ui_events.filtered_events(events, f)
    pd.testing.assert_frame_equal(got, expected)
    slim = ui_events.filtered_events(events, f, columns=("id", "layer"))
    assert list(slim.columns) == ["id", "layer"] and slim.index.equals(expected.index)
    assert ui_events.filtered_rows(events, f).sum() == len(expected)


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_the_sidebar_counts_are_the_filters_counts_on_every_layer(
    events: pd.DataFrame, f: EventFilter
) -> None:
    assert ui_events.filtered_layer_counts(events, f) == layer_counts(
        apply_filter(events, replace(f, layers=()))
    )


def test_a_dataset_choice_keeps_only_its_events(events: pd.DataFrame) -> None:
    two = pd.concat(
        [events, events.assign(id=events["id"] + "-x", dataset="mine")], ignore_index=True
    )
    f = EventFilter(layers=LAYERS)
    mine = ui_events.filtered_events(two, f, datasets=("mine",))
    assert len(mine) == len(apply_filter(events, f)) and set(mine["dataset"]) == {"mine"}
    assert ui_events.filtered_events(two, f, datasets=()).empty
