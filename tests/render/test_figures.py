"""The figure renderer (geo.render.figures): the projection is Leaflet's, the SVG is valid
XML with every text escaped, the PNG decodes at the stated size, French text is drawn, and
200k events stay fast with every event accounted for."""

from __future__ import annotations

import io
import math
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from geo.io import boundaries
from geo.render.figures import png, svg
from geo.render.figures.chartfigure import (
    MILESTONE_DASH,
    Chart,
    Milestone,
    Series,
    chart_scene,
    label_lanes,
    nice_ticks,
)
from geo.render.figures.layout import Captions
from geo.render.figures.mapfigure import Points, map_scene, merged_marks
from geo.render.figures.projection import View, fit_view, world_px
from geo.render.figures.scene import Rect, Shape, Text, font, text_width, wrap
from geo.render.pointlayer import style_table

HOSTILE = "<script>alert(\"x\")</script> & 'q' {{ 7*7 }}"
SVG_NS = "{http://www.w3.org/2000/svg}"


def captions(title: str = HOSTILE) -> Captions:
    return Captions(
        title,
        f"Filtres appliqués : acteurs : {HOSTILE}.",
        "Exporté le 3 déc. 2026, 16:40 UTC",
        "Événements vérifiés jusqu'au 5 mai 2025",
        (f"Jeu de données « {HOSTILE} ».",),
    )


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return ["".join(node.itertext()) for node in root.iter(f"{SVG_NS}text")]


def test_projection_matches_leaflet_on_known_points():
    # Leaflet at zoom 0: (0, 0) is the centre of the 256 px world, the antimeridian its edges.
    x, y = world_px(np.array([0.0, -180.0, 180.0]), np.array([0.0, 0.0, 0.0]), 0)
    assert x.tolist() == [128.0, 0.0, 256.0] and y.tolist() == [128.0] * 3
    # 85.0511 degrees north is the top of the world; each zoom doubles the pixels.
    _, top = world_px(np.array([0.0]), np.array([85.0511287798]), 3)
    assert abs(top[0]) < 1e-6
    x5, _ = world_px(np.array([90.0]), np.array([0.0]), 5)
    assert x5[0] == 256 * 32 * 0.75
    view = View(14.0, -2.0, 5, 1000, 640)
    cx, cy = view.to_px(np.array([-2.0]), np.array([14.0]))
    assert (cx[0], cy[0]) == (500.0, 320.0)
    lng, lat = view.to_lnglat(np.array([123.0]), np.array([456.0]))
    back = view.to_px(lng, lat)
    assert np.allclose([back[0][0], back[1][0]], [123.0, 456.0])
    west, south, east, north = view.bounds()
    assert west < -2 < east and south < 14 < north
    # a degree of longitude at zoom 5 is 256 * 32 / 360 pixels
    assert math.isclose(east - west, 1000 / (256 * 32 / 360))


def test_fit_view_shows_the_whole_box():
    view = fit_view((-12.0, 9.0, 16.0, 25.0), 1000, 640)
    x, y = view.to_px(np.array([-12.0, 16.0]), np.array([25.0, 9.0]))
    assert 0 <= x[0] < x[1] <= 1000 and 0 <= y[0] < y[1] <= 640
    assert view.zoom == 5


@pytest.fixture(scope="module")
def layers():
    return boundaries.load_countries(), boundaries.load_admin1()


def some_points(n: int, seed: int = 1) -> Points:
    rng = np.random.default_rng(seed)
    return Points(
        rng.uniform(-6, 4, n),
        rng.uniform(11, 18, n),
        rng.choice([4.0, 6.0, 10.0], n),
        rng.choice([0, 1, 3], n).astype(np.int64),
    )


def test_map_svg_is_valid_xml_with_its_texts_escaped(layers):
    scene = map_scene(View(14.0, -2.0, 5, 900, 600), *layers, some_points(50), captions(), "fr")
    data = svg.svg_bytes(scene)
    texts = svg_texts(data)
    assert HOSTILE in texts  # the title, as text: the markup was escaped, not interpreted
    assert b"<script" not in data
    joined = " ".join(texts)
    for expected in (
        "Légende",
        "Violences insurgées",
        "États membres de l'AES",
        "Natural Earth",
        "Exporté le 3 déc. 2026",
        "Filtres appliqués",
        "événements dans cette vue",
    ):
        assert expected in joined
    title = ET.fromstring(data).find(f"{SVG_NS}title")
    assert title is not None and title.text == HOSTILE


def test_map_png_decodes_at_twice_the_figure_size(layers):
    scene = map_scene(View(14.0, -2.0, 5, 900, 600), *layers, some_points(50), captions(), "en")
    image = Image.open(io.BytesIO(png.png_bytes(scene)))
    assert image.format == "PNG"
    assert image.size == (round(scene.width * 2), round(scene.height * 2))
    assert scene.width == 900 + 32 and scene.height > 600


def test_the_png_font_draws_french_accents():
    # Pillow's own font has no "é": the figures must find one that has (a box otherwise).
    face = font(40)
    assert face.getmask("é").getbbox() != face.getmask("\uffff").getbbox()
    assert text_width("Événements", 12) > 0


def test_every_event_is_drawn_and_merges_are_counted():
    view = View(14.0, -2.0, 5, 1000, 640)
    points = Points(
        np.array([0.0, 0.0, 0.0001, 1.0, 40.0]),
        np.array([14.0, 14.0, 14.0, 14.0, 14.0]),
        np.array([4.0, 4.0, 4.0, 4.0, 4.0]),
        np.array([0, 0, 0, 1, 0]),
    )
    marks, counts = merged_marks(view, points, style_table("en"))
    assert counts.in_view == 4 and counts.outside == 1 and counts.drawn == 4
    assert counts.marks == 2  # three events on one pixel with one style share a mark
    assert sum(len(m.x) for m in marks) == 2


def test_two_hundred_thousand_events_stay_fast_and_small(layers):
    points = some_points(200_000)
    start = time.perf_counter()
    scene = map_scene(View(14.0, -2.0, 5, 1000, 640), *layers, points, captions("t"), "en")
    data = png.png_bytes(scene)
    elapsed = time.perf_counter() - start
    assert elapsed < 15  # about 2 s on the development machine
    assert Image.open(io.BytesIO(data)).size[0] == round(scene.width * 2)
    svg_data = svg.svg_bytes(scene)
    assert len(svg_data) < 12_000_000
    assert b"share one mark" in svg_data


def test_chart_figure_has_title_axes_legend_and_attribution():
    chart = Chart(
        "bars",
        ["2024", "2025"],
        [Series("Mali", "#009E73", [3, 4]), Series(HOSTILE, "#D55E00", [1, 0])],
        "Événements",
        "Année",
        "Pays",
    )
    scene = chart_scene(chart, captions("Événements par an"), "fr")
    texts = svg_texts(svg.svg_bytes(scene))
    for expected in ("Événements par an", "Événements", "Année", "Pays", "Mali", HOSTILE, "2024"):
        assert expected in texts
    image = Image.open(io.BytesIO(png.png_bytes(scene)))
    assert image.size == (round(scene.width * 2), round(scene.height * 2))


@pytest.mark.parametrize("kind", ["hbars", "lines"])
def test_other_chart_kinds_draw(kind):
    chart = Chart(kind, ["a", "b", "c"], [Series("s", "#0072B2", [5, 2, 0], [1, 1, 0])], "v")
    scene = chart_scene(chart, captions("t"), "en")
    assert ET.fromstring(svg.svg_bytes(scene)) is not None
    assert png.png_image(scene).size[0] == round(scene.width * 2)


def _dashed_lines(scene) -> list[Shape]:
    return [i for i in scene.items if isinstance(i, Shape) and i.style.dash == MILESTONE_DASH]


@pytest.mark.parametrize("kind", ["bars", "lines"])
def test_a_time_chart_draws_its_milestones_as_labelled_dashed_lines(kind):
    chart = Chart(
        kind,
        ["2023-06", "2023-07", "2023-08"],
        [Series("Mali", "#009E73", [3, 4, 1]), Series("Niger", "#0072B2", [1, 0, 2])],
        "Events",
        "Month",
        milestones=[
            Milestone(1.5, "Coup, Niger", "#000000"),
            Milestone(2.9, f"Charter {HOSTILE}", "#CC79A7"),
            Milestone(3.5, "After the chart", "#8C8C8C"),  # beyond the last month: left out
        ],
        milestone_legend="Milestone",
    )
    scene = chart_scene(chart, captions("t"), "en")
    lines = _dashed_lines(scene)
    assert len(lines) == 2 + 1  # two milestones, and the legend's sample
    first, second = lines[0].rings[0], lines[1].rings[0]
    assert first[0, 0] == first[1, 0] and first[0, 1] < first[1, 1]  # vertical
    assert lines[0].style.stroke == "#000000" and lines[1].style.stroke == "#CC79A7"
    # At 1.5 and 2.9 of 3 categories: their x in the plot's proportion.
    axis = next(i for i in scene.items if isinstance(i, Shape) and i.style.stroke == "#777777")
    left, right = axis.rings[0][0, 0], axis.rings[0][1, 0]
    assert first[0, 0] == pytest.approx(left + 1.5 / 3 * (right - left))
    assert second[0, 0] == pytest.approx(left + 2.9 / 3 * (right - left))
    labels = [i for i in scene.items if isinstance(i, Text) and i.rotate and i.size == 11]
    assert len(labels) == 2 and labels[0].text == "Coup, Niger"
    assert labels[0].anchor == "end" and labels[0].colour == "#000000"
    assert labels[1].text.startswith("Charter ")  # shortened to its lane, escaped in the SVG
    data = svg.svg_bytes(scene)
    texts = svg_texts(data)
    assert "Coup, Niger" in texts and "Milestone" in texts and "After the chart" not in texts
    assert b"<script>" not in data
    assert b'stroke-dasharray="4 3"' in data
    assert png.png_image(scene).size[0] == round(scene.width * 2)


def test_milestone_labels_take_the_other_side_then_a_lower_lane_when_close():
    assert label_lanes([100, 300]) == [("left", 0), ("left", 0)]
    assert label_lanes([100, 105, 108]) == [("left", 0), ("right", 0), ("left", 1)]


def test_a_bar_chart_and_hbars_draw_no_milestone():
    chart = Chart(
        "hbars",
        ["a", "b"],
        [Series("s", "#0072B2", [5, 2])],
        "v",
        milestones=[Milestone(1, "x", "#000000")],
        milestone_legend="Milestone",
    )
    scene = chart_scene(chart, captions("t"), "en")
    assert _dashed_lines(scene) == [] and "Milestone" not in svg_texts(svg.svg_bytes(scene))


def test_a_missing_hbar_value_draws_no_bar_and_no_number():
    chart = Chart(
        "hbars",
        ["FAMa", "ISSP"],
        [Series("Mali", "#0072B2", [28, 6]), Series("Niger", "#E69F00", [math.nan, 12])],
        "Events",
    )
    scene = chart_scene(chart, captions("t"), "en")
    bars = [
        i
        for i in scene.items
        if isinstance(i, Rect) and i.style.fill == "#E69F00" and i.style.fill_opacity == 0.9
    ]
    assert len(bars) == 1  # ISSP's only (the other one is the legend's swatch)
    numbers = [i.text for i in scene.items if isinstance(i, Text) and i.size == 10]
    assert sorted(numbers) == ["12", "28", "6"]


def test_wrap_keeps_french_numbers_and_punctuation_whole():
    text = "Superficie 1\u202f250\u202f000\u00a0km² ; population 14\u202f517\u202f176 (recensement)"
    lines = wrap(text, 12, 160)
    assert any("14\u202f517\u202f176" in line for line in lines)
    assert all("\u202f" not in line[:1] for line in lines)


def test_nice_ticks_cover_the_highest_value():
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(0.93)[-1] >= 0.93


def test_time_mask_keeps_the_points_of_the_slider_period_by_its_rule():
    from datetime import date

    from geo.render.figures.mapfigure import time_mask
    from geo.render.pointlayer import NO_DAY, day_numbers

    first = day_numbers(["2024-01-10", "2024-02-01", "2023-12-25", "2024-03-01", None])
    length = np.array([0, 0, 20, 0, 0], dtype=np.uint16)  # the third lasts to 14 January
    kept = time_mask({"first": first, "length": length}, date(2024, 1, 1), date(2024, 1, 31))
    assert kept.tolist() == [True, False, True, False, False]
    assert first[-1] == NO_DAY  # an undated event is in no period
