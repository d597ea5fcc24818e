"""The map page's events in AppTest: one block of every event, a mask per filter, clicks.

The block (every located event, ``geo.render.pointlayer``) is the same whatever the filters; a
filter change sends only the mask of the drawn points. ``served_url`` is patched to None so
that the layer carries its block and mask inline, where the test can read them.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from geo.render import pointlayer
from geo.render.pointlayer import DRAW_ORDER
from geo.ui import mapdata

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")
MAP_KEY = "atlas_map"


def layer_options(at: AppTest) -> dict:
    """The options of the page's ``L.atlasPoints`` layer."""
    (component,) = at.get("component_instance")
    group = json.loads(component.proto.json_args)["feature_group"]
    return json.loads(re.search(r"L\.atlasPoints\((\{.*?\})\)\.addTo", group).group(1))


def block_and_mask(options: dict) -> tuple[dict, np.ndarray]:
    return (
        pointlayer.decode(base64.b64decode(options["data"])),
        pointlayer.decode_mask(base64.b64decode(options["mask"])),
    )


def shown_caption(at: AppTest) -> int:
    (caption,) = [c.value for c in at.caption if re.match(r"^\d[\d,]* events? shown", c.value)]
    return int(caption.split(" ")[0].replace(",", ""))


@pytest.fixture
def inline(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setattr(mapdata, "served_url", lambda *args, **kwargs: None)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_a_filter_change_sends_a_new_mask_and_keeps_the_block(inline: AppTest) -> None:
    before = layer_options(inline)
    block, mask = block_and_mask(before)
    state = block["style"] == DRAW_ORDER.index("state-violence")
    assert state[mask].any() and shown_caption(inline) == mask.sum()
    (box,) = [c for c in inline.checkbox if c.label.startswith("State violence")]
    box.uncheck().run()
    after = layer_options(inline)
    assert after["token"] == before["token"] and after["data"] == before["data"]
    assert after["maskToken"] != before["maskToken"]
    _, drawn = block_and_mask(after)
    assert drawn.tolist() == (mask & ~state).tolist()  # exactly the layer's points went
    assert shown_caption(inline) == drawn.sum()


def test_the_block_holds_every_located_event_whatever_the_filter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mapdata, "served_url", lambda *args, **kwargs: None)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params["layers"] = "coup-successful"
    at.run()
    from geo.ui.events import curated_events, curated_path

    events, _ = curated_events(curated_path())
    block, mask = block_and_mask(layer_options(at))
    assert len(block["lat"]) == int(events["latitude"].notna().sum())
    coups = block["style"] == DRAW_ORDER.index("coup-successful")
    assert mask.tolist() == coups.tolist() and shown_caption(at) == coups.sum() > 0


def test_a_click_on_drawn_points_opens_the_top_one_and_lists_the_others(inline: AppTest) -> None:
    options = layer_options(inline)
    from geo.ui.events import curated_events, curated_path

    events, _ = curated_events(curated_path())
    block = pointlayer.event_block(events, DRAW_ORDER)
    assert block.token == options["token"]  # the page drew every located event, in order
    top, other = len(block) - 1, 0
    inline.session_state[MAP_KEY] = {
        "last_object_clicked": {"lat": 14.0, "lng": -1.0},
        "last_active_drawing": {
            "type": "Feature",
            "properties": {"kind": "event-hits", "token": block.token, "hits": [top, other]},
        },
    }
    inline.run()
    assert not inline.exception
    panels = [h.value for h in inline.get("html") if 'class="event-panel"' in h.value]
    assert len(panels) == 1 and f'data-id="{block.ids.iloc[top]}"' in panels[0]
    assert any("1 other event under this click" in m.value for m in inline.markdown)


def test_a_click_naming_an_unknown_block_selects_nothing(inline: AppTest) -> None:
    inline.session_state[MAP_KEY] = {
        "last_object_clicked": {"lat": 14.0, "lng": -1.0},
        "last_active_drawing": {
            "type": "Feature",
            "properties": {"kind": "event-hits", "token": "0" * 20, "hits": [0]},
        },
    }
    inline.run()
    assert not inline.exception
    assert not [h for h in inline.get("html") if 'class="event-panel"' in h.value]


def test_the_layer_carries_each_points_days_in_the_blocks_order(inline: AppTest) -> None:
    options = layer_options(inline)
    from geo.ui.events import curated_events, curated_path

    events, _ = curated_events(curated_path())
    block = pointlayer.event_block(events, DRAW_ORDER)
    days = pointlayer.decode_days(base64.b64decode(options["days"]))
    by_id = dict(zip(events["id"], pointlayer.day_numbers(events["date"]), strict=True))
    assert days["first"].tolist() == [by_id[i] for i in block.ids]
    assert options["daysToken"] == pointlayer.point_days(events, block).token


def test_a_period_kept_from_the_time_slider_becomes_the_date_filter_once(inline: AppTest) -> None:
    from datetime import date

    from geo.analysis.filters import apply_filter
    from geo.ui.events import curated_events, curated_path, default_filter

    events, _ = curated_events(curated_path())
    period = {"kind": "time-period", "from": "2023-07-01", "to": "2023-09-30", "nonce": "k1"}
    inline.session_state[MAP_KEY] = {
        "last_object_clicked": {"lat": 14.0, "lng": -1.0},
        "last_active_drawing": {"type": "Feature", "properties": period},
    }
    inline.run()
    assert not inline.exception
    assert inline.session_state["ev_dates"] == (date(2023, 7, 1), date(2023, 9, 30))
    expected = apply_filter(
        events,
        replace(default_filter(events), date_from=date(2023, 7, 1), date_to=date(2023, 9, 30)),
    )
    _, mask = block_and_mask(layer_options(inline))
    assert mask.sum() == len(expected.dropna(subset=["latitude", "longitude"])) > 0
    assert not [h for h in inline.get("html") if 'class="event-panel"' in h.value]  # no selection
    # the same period again (every later run holds it) leaves the dates the reader sets
    inline.session_state["ev_dates"] = (date(2020, 1, 1), date(2024, 1, 1))
    inline.run()
    assert inline.session_state["ev_dates"] == (date(2020, 1, 1), date(2024, 1, 1))
