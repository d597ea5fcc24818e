"""The events block the map draws one by one: layout, order, ids and the click's indices."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

from geo.model.selection import click_hits
from geo.render import pointlayer
from geo.render.pointlayer import DRAW_ORDER, decode, encode, event_block


def frame(rows: list[tuple]) -> pd.DataFrame:
    """Events with (id, layer, lat, lon, fatalities_high)."""
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "layer": [r[1] for r in rows],
            "latitude": [r[2] for r in rows],
            "longitude": [r[3] for r in rows],
            "fatalities_low": pd.array([None] * len(rows), dtype="Int64"),
            "fatalities_high": pd.array([r[4] for r in rows], dtype="Int64"),
        }
    )


def test_the_block_layout_is_the_documented_one() -> None:
    data = encode(
        np.array([12.5, -3.25]), np.array([-1.5, 2.0]), np.array([4.0, 28.0]), np.array([0, 4])
    )
    assert data[:4] == b"ATP1"
    assert int.from_bytes(data[4:8], "little") == 2
    assert len(data) == 8 + 10 * 2
    assert np.frombuffer(data, "<f4", 2, 8).tolist() == [12.5, -3.25]
    assert np.frombuffer(data, "<f4", 2, 16).tolist() == [-1.5, 2.0]
    assert list(data[24:26]) == [16, 112]  # quarter pixels
    assert list(data[26:28]) == [0, 4]
    back = decode(data)
    assert back["radius"].tolist() == [4.0, 28.0] and back["style"].tolist() == [0, 4]


def test_mismatched_arrays_are_refused() -> None:
    with pytest.raises(ValueError, match="length"):
        encode(np.zeros(2), np.zeros(3), np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="ATP1"):
        decode(b"XXXX\x00\x00\x00\x00")


def test_drawing_order_is_layers_then_largest_first_and_ids_follow_it() -> None:
    events = frame(
        [
            ("small-ins", "insurgency", 14.0, -1.0, 0),
            ("coup", "coup-successful", 12.4, -1.5, None),
            ("big-ins", "insurgency", 14.1, -1.1, 400),
            ("state", "state-violence", 13.0, 1.0, 9),
            ("plot", "coup-plot", 12.6, -8.0, None),
        ]
    )
    block = event_block(events)
    back = decode(block.data)
    styles = [DRAW_ORDER[i] for i in back["style"]]
    # Common layers below, coups on top (successful coups last); big marks under small ones.
    assert styles == ["insurgency", "insurgency", "state-violence", "coup-plot", "coup-successful"]
    assert block.ids.tolist() == ["big-ins", "small-ins", "state", "plot", "coup"]
    assert back["radius"][0] == pointlayer.MAX_RADIUS_PX
    assert back["radius"][1] == pointlayer.MIN_RADIUS_PX
    assert back["radius"][2] == pytest.approx(4 + 1.5 * 3, abs=0.125)  # sqrt(9) = 3
    np.testing.assert_allclose(back["lat"], [14.1, 14.0, 13.0, 12.6, 12.4], atol=1e-5)
    assert block.ids_at([4, 0]) == ["coup", "big-ins"]


def test_only_located_events_on_visible_layers_are_in_the_block() -> None:
    events = frame(
        [
            ("a", "insurgency", 14.0, -1.0, 1),
            ("no-place", "insurgency", None, None, 1),
            ("hidden", "state-violence", 13.0, 1.0, 1),
            ("unknown-layer", "other", 13.0, 1.0, 1),
        ]
    )
    block = event_block(events, layers=("insurgency", "coup-plot"))
    assert block.ids.tolist() == ["a"]
    assert len(block) == 1


def test_the_token_names_the_content() -> None:
    one = frame([("a", "insurgency", 14.0, -1.0, 1)])
    other = frame([("a", "insurgency", 14.0, -1.5, 1)])
    assert event_block(one).token == event_block(one.copy()).token
    assert event_block(one).token != event_block(other).token
    assert re.fullmatch(r"[0-9a-f]{20}", event_block(one).token)


def test_an_empty_view_is_a_valid_block() -> None:
    block = event_block(frame([]))
    assert len(block) == 0 and decode(block.data)["lat"].size == 0


def test_indices_from_a_click_never_reach_outside_the_block() -> None:
    block = event_block(
        frame([("a", "insurgency", 14.0, -1.0, 1), ("b", "insurgency", 14.0, -1.0, 2)])
    )
    assert block.ids.tolist() == ["b", "a"]  # the larger toll first
    assert block.ids_at([1, 5, -1, 0, "0", 1.0]) == ["a", "b"]


def test_click_hits_reads_only_a_well_formed_event_click() -> None:
    props = {"kind": "event-hits", "token": "ab12", "hits": [3, 1, True, "2", 0]}
    payload = {"last_active_drawing": {"properties": props}}
    assert click_hits(payload) == ("ab12", [3, 1, 0])
    assert (
        click_hits({"last_active_drawing": {"properties": {"kind": "admin1", "id": "ML-7"}}})
        is None
    )
    assert click_hits({"last_active_drawing": {"properties": {**props, "hits": "3"}}}) is None
    assert click_hits({"last_active_drawing": {"properties": {**props, "token": 5}}}) is None
    assert click_hits(None) is None


def test_layer_options_carry_the_block_inline_or_by_url_and_labels_in_the_language() -> None:
    block = event_block(frame([("a", "coup-plot", 14.0, -1.0, None)]))
    inline = pointlayer.layer_options(block, "fr", cluster=True)
    assert base64.b64decode(inline["data"]) == block.data and "url" not in inline
    assert inline["locale"] == "fr-FR" and inline["cluster"] is True
    labels = [style["label"] for style in inline["styles"]]
    assert "Complots présumés" in labels
    plot = inline["styles"][DRAW_ORDER.index("coup-plot")]
    assert plot["dash"] == [3.0, 3.0]
    served = pointlayer.layer_options(block, "en", cluster=False, url="/media/x.bin")
    assert served["url"] == "/media/x.bin" and "data" not in served
    assert served["hitLabel"] == "{n} events here"


def test_the_map_script_defines_the_layer_once_and_each_group_only_adds_it() -> None:
    import folium

    from geo.render import mapbuild

    fmap = mapbuild.offline_map()
    block = event_block(frame([("a", "insurgency", 14.0, -1.0, 1)]))
    pointlayer.point_group(block, "en", cluster=False, url="/media/x.bin").add_to(fmap)
    html = fmap.get_root().render()
    assert html.count("L.AtlasPoints = L.AtlasCanvas.extend") == 1
    assert html.count("L.AtlasCanvas = L.Renderer.extend") == 1
    assert '"url": "/media/x.bin"' in html
    assert "markercluster" not in html.lower()
    assert isinstance(fmap, folium.Map)


def test_the_naive_reference_is_one_marker_with_a_tooltip_per_event():
    from scripts.naive_layer import naive_marker_group

    events = frame(
        [
            ("a", "insurgency", 14.0, -1.0, 1),
            ("b", "coup-plot", 13.0, 0.0, None),
            ("c", "insurgency", None, None, 1),
        ]
    )
    events["location"] = ["x", "y", "z"]
    group = naive_marker_group(events)
    markers = [c for c in group._children.values() if type(c).__name__ == "CircleMarker"]
    assert len(markers) == 2


def test_legend_matches_the_map_symbols_in_both_languages():
    from geo.render import palette
    from geo.render.panels import event_legend_html, legend_html

    fr = event_legend_html("fr")
    assert "></span>0 mort</span>" in fr and "></span>10 morts</span>" in fr
    assert "Plusieurs événements proches" in fr  # the cluster bubble has its entry
    assert palette.CLUSTER_FILL in fr
    for style in pointlayer.LAYER_STYLES.values():
        assert style["fill_color"] in fr and style["color"] in fr
    en = event_legend_html("en")
    assert "></span>0 deaths</span>" in en and "Several events close together" in en
    zones = legend_html("en")
    for key in ("member_line", "alg", "core", "region_line"):
        assert palette.MAP_COLOURS[key] in zones
    assert "rgba(0,114,178,0.15)" in zones  # the ALG fill as drawn, from the palette blue


# --- the mask of the drawn points (a filter change sends only this) -------------------------


def test_the_mask_layout_is_one_bit_per_point_in_block_order() -> None:
    drawn = np.array([True, False, False, True, False, False, False, False, True])
    data = pointlayer.encode_mask(drawn)
    assert data[:4] == b"ATM1" and int.from_bytes(data[4:8], "little") == 9
    assert len(data) == 8 + 2  # ceil(9 / 8) bytes
    assert data[8] == 0b00001001 and data[9] == 0b00000001  # point i: bit i % 8
    assert pointlayer.decode_mask(data).tolist() == drawn.tolist()
    with pytest.raises(ValueError, match="ATM1"):
        pointlayer.decode_mask(b"ATP1\x00\x00\x00\x00")


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 1000])
def test_a_mask_decodes_to_what_was_encoded(n: int) -> None:
    drawn = np.random.default_rng(n).random(n) < 0.4
    assert pointlayer.decode_mask(pointlayer.encode_mask(drawn)).tolist() == drawn.tolist()
    assert len(pointlayer.encode_mask(drawn)) == 8 + (n + 7) // 8  # 1/8 byte an event


def test_the_mask_draws_exactly_the_filtered_rows_in_the_blocks_order() -> None:
    events = frame(
        [
            ("a", "insurgency", 14.0, -1.0, 0),
            ("b", "coup-successful", 12.4, -1.5, None),
            ("c", "insurgency", None, None, 3),  # not located: not in the block
            ("d", "state-violence", 13.0, 1.0, 9),
            ("e", "insurgency", 14.1, -1.1, 400),
        ]
    )
    block = event_block(events, DRAW_ORDER)
    kept = events["id"].isin(["b", "c", "e"]).to_numpy()  # a filter's rows
    drawn = pointlayer.visibility(block, kept)
    bits = pointlayer.decode_mask(drawn.data)
    assert sorted(block.ids[bits].tolist()) == ["b", "e"] and drawn.count == 2
    assert len(bits) == len(block) == 4
    everything = pointlayer.visibility(block, np.ones(len(events), dtype=bool))
    assert everything.count == 4 and everything.token != drawn.token


def test_the_layer_carries_the_mask_inline_or_by_url() -> None:
    events = frame([("a", "insurgency", 14.0, -1.0, 0), ("b", "insurgency", 14.5, -1.0, 0)])
    block = event_block(events)
    drawn = pointlayer.visibility(block, np.array([True, False]))
    inline = pointlayer.layer_options(block, "en", True, drawn=drawn)
    assert base64.b64decode(inline["mask"]) == drawn.data
    assert inline["maskToken"] == drawn.token and "maskUrl" not in inline
    served = pointlayer.layer_options(block, "en", True, "/media/b.bin", drawn, "/media/m.bin")
    assert served["maskUrl"] == "/media/m.bin" and "mask" not in served
    assert "maskToken" not in pointlayer.layer_options(block, "en", True)  # every point


# --- the points' days (the time slider's companion block) ---------------------------------


def test_days_count_from_1970_and_a_missing_date_is_no_day() -> None:
    days = pointlayer.day_numbers(
        pd.Series(["1970-01-01", "1970-01-02", "2012-01-24", None, "not a date", "1960-05-01"])
    )
    assert days.dtype == np.uint16
    # 2012-01-24: 42 years after 1970-01-01 with 10 leap days, plus 23 days
    assert days.tolist() == [0, 1, 42 * 365 + 10 + 23, 65535, 65535, 0]
    assert pointlayer.day_numbers(pd.Series(["2149-06-05", "2200-01-01"])).tolist() == [
        65534,
        65534,
    ]


def test_the_days_block_layout_is_the_documented_one() -> None:
    data = pointlayer.encode_days(np.array([3, 65535]), np.array([0, 7]))
    assert data[:4] == b"ATD1"
    assert int.from_bytes(data[4:8], "little") == 2
    assert len(data) == 8 + 4 * 2
    assert np.frombuffer(data, "<u2", 2, 8).tolist() == [3, 65535]
    assert np.frombuffer(data, "<u2", 2, 12).tolist() == [0, 7]
    back = pointlayer.decode_days(data)
    assert back["first"].tolist() == [3, 65535] and back["length"].tolist() == [0, 7]
    with pytest.raises(ValueError, match="differ in length"):
        pointlayer.encode_days(np.array([1, 2]), np.array([0]))
    with pytest.raises(ValueError, match="not an ATD1"):
        pointlayer.decode_days(b"ATM1" + data[4:])


def test_each_points_days_follow_the_blocks_order() -> None:
    events = frame(
        [
            ("small", "insurgency", 14.0, -1.0, 0),
            ("unlocated", "insurgency", None, None, 5),
            ("big", "insurgency", 14.1, -1.1, 200),
            ("coup", "coup-successful", 12.6, -8.0, 0),
        ]
    )
    events["date"] = pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-08-18"])
    events["date_end"] = pd.to_datetime([None, None, "2020-03-05", "2020-08-17"])
    block = event_block(events)
    days = pointlayer.point_days(events, block)
    back = pointlayer.decode_days(days.data)
    first = pointlayer.day_numbers(events["date"]).tolist()
    by_id = dict(zip(events["id"], first, strict=True))
    assert block.ids.tolist() == ["big", "small", "coup"]  # the largest first, coups last
    assert back["first"].tolist() == [by_id["big"], by_id["small"], by_id["coup"]]
    # a missing end, or an end before the start: one day
    assert back["length"].tolist() == [4, 0, 0]
    assert len(days.data) == 8 + 4 * len(block)
    assert (
        days.token
        != pointlayer.point_days(
            events.assign(date=events["date"] + pd.Timedelta(days=1)), block
        ).token
    )


def test_the_layer_carries_the_days_inline_or_by_url() -> None:
    events = frame([("a", "insurgency", 14.0, -1.0, 0)])
    events["date"] = pd.to_datetime(["2020-01-01"])
    block = event_block(events)
    days = pointlayer.point_days(events, block)
    inline = pointlayer.layer_options(block, "en", False, days=days)
    assert inline["daysToken"] == days.token
    assert base64.b64decode(inline["days"]) == days.data
    served = pointlayer.layer_options(block, "en", False, days=days, days_url="/media/d.bin")
    assert served["daysUrl"] == "/media/d.bin" and "days" not in served
    assert "daysToken" not in pointlayer.layer_options(block, "en", False)


def test_the_browsers_tooltips_have_french_spacing():
    block = event_block(frame([("a", "coup-plot", 14.0, -1.0, None)]))

    def labels(lang: str) -> tuple[str, str]:
        options = pointlayer.layer_options(block, lang, cluster=True)
        return options["bubbleLabel"], options["hitLabel"]

    assert labels("fr") == ("{n} événements\u00a0: cliquez pour zoomer", "{n} événements ici")
    assert labels("en")[0] == "{n} events: click to zoom in"
