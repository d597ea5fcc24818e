"""The density view's scale (geo.render.densitylayer): ground areas of the hexagons, the
classes and their labels in both languages, and the options the browser layer reads."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.render import densitylayer as dl
from geo.render import pointlayer


def test_a_pixel_spans_the_equator_length_over_the_world_width_times_cos_latitude():
    assert dl.metres_per_px(0, 0) == pytest.approx(40075016.686 / 256, rel=1e-9)
    assert dl.metres_per_px(60, 3) == pytest.approx(40075016.686 / 2048 / 2, rel=1e-9)


def test_a_hexagon_area_is_its_ground_area_at_its_latitude_not_its_pixel_count():
    r, zoom = dl.HEX_RADIUS_PX, 6
    flat = 1.5 * math.sqrt(3) * r**2  # px²
    for lat in (0, 14, 25):
        local = flat * (dl.metres_per_px(lat, zoom) / 1000) ** 2
        assert dl.hex_area_km2(lat, zoom) == pytest.approx(local, rel=1e-3)
    # The same hexagon on screen covers less ground towards the poles (cos² of latitude).
    assert dl.hex_area_km2(25, zoom) / dl.hex_area_km2(0, zoom) == pytest.approx(
        math.cos(math.radians(25)) ** 2, rel=1e-3
    )
    # Each zoom step quarters it.
    assert dl.hex_area_km2(14, 7) == pytest.approx(dl.hex_area_km2(14, 6) / 4, rel=1e-3)


def test_a_large_hexagon_integrates_the_latitude_change_across_it():
    """At zoom 2 a 14 px hexagon spans degrees of latitude: the area is not the centre's."""
    exact = dl.hex_area_km2(50, 2)
    centre_only = 1.5 * math.sqrt(3) * dl.HEX_RADIUS_PX**2 * (dl.metres_per_px(50, 2) / 1e3) ** 2
    assert exact != pytest.approx(centre_only, rel=1e-3)
    assert exact == pytest.approx(centre_only, rel=0.05)


def test_the_hexagon_width_at_zoom_6_in_the_sahel_is_about_57_km():
    assert dl.hex_width_km(14, 6) == pytest.approx(57.55, abs=0.05)


def test_classes_follow_the_bounds_per_thousand_km2():
    area = 2000.0  # km²
    assert dl.density_class(0, area) == 0
    assert dl.density_class(1, area) == 2  # 0.5 per 1,000 km²: "0.3 to 1"
    assert dl.density_class(2, area) == 3  # exactly 1: the class "1 to 3"
    assert dl.density_class(10_000, area) == len(dl.CLASS_BOUNDS)  # "100 or more"
    assert len(dl.CLASS_COLOURS) == len(dl.CLASS_BOUNDS) + 1


def test_class_labels_in_english_and_french():
    assert dl.class_labels("en") == [
        "under 0.1",
        "0.1 to 0.3",
        "0.3 to 1",
        "1 to 3",
        "3 to 10",
        "10 to 30",
        "30 to 100",
        "100 or more",
    ]
    fr = dl.class_labels("fr")
    assert fr[0] == "moins de 0,1" and fr[1] == "de 0,1 à 0,3" and fr[-1] == "100 ou plus"


def en_one(options: dict) -> str:
    assert "{n}" not in options["browseHexOne"]
    return options["browseHexOne"]


def test_the_legend_texts_are_spaced_the_french_way():
    fr = dl.layer_options({}, "fr")
    assert fr["title"] == "Événements pour 1\u202f000\u00a0km²"
    assert fr["sizeLabel"].startswith("Un hexagone\u00a0: {km}\u00a0km de large")
    assert fr["hexLabel"].endswith("km² (double-cliquez pour zoomer)")
    assert fr["browseHex"].endswith("visibles. Entrée\u00a0: zoomer")
    assert "{cls}" in fr["browseHex"] and "{i}" in fr["browseHex"] and "{m}" in fr["browseHex"]
    assert fr["browseHelp"].startswith("Flèches\u00a0: l'hexagone suivant")
    assert fr["boundLabels"] == ["0,1", "0,3", "1", "3", "10", "30", "100"]
    assert fr["foldLabel"] == "Replier la légende de densité"
    assert fr["hexLabelOne"].startswith("1 événement, {d} pour")
    assert en_one(dl.layer_options({}, "en")).startswith("1 event, {d} per")
    assert "{n}" in fr["hexLabel"] and "{d}" in fr["hexLabel"]  # filled in by the browser
    en = dl.layer_options({}, "en")
    assert en["title"] == "Events per 1,000\u00a0km²"
    assert en["resolveLabel"] == f"Zoom in to level {dl.RESOLVE_ZOOM} to see each event"


def test_the_layer_reads_the_events_layers_block_and_mask_and_nothing_else_of_it():
    import pandas as pd

    events = pd.DataFrame(
        {
            "id": ["a", "b"],
            "layer": ["insurgency", "insurgency"],
            "latitude": [14.0, 12.0],
            "longitude": [0.0, 2.0],
            "fatalities_low": pd.array([None, None], dtype="Int64"),
            "fatalities_high": pd.array([1, 2], dtype="Int64"),
        }
    )
    block = pointlayer.event_block(events)
    drawn = pointlayer.visibility(block, np.array([True, False]))
    points = pointlayer.layer_options(block, "en", True, "/b", drawn, "/m", "gzip")
    options = dl.layer_options(points, "en")
    assert options["token"] == block.token and options["maskToken"] == drawn.token
    assert options["url"] == "/b" and options["maskUrl"] == "/m" and options["encoding"] == "gzip"
    assert "styles" not in options and "cluster" not in options
    assert options["bounds"] == list(dl.CLASS_BOUNDS)
    assert [c["colour"] for c in options["classes"]] == list(dl.CLASS_COLOURS)
    # The events layer draws nothing below the zoom the density view hands over at.
    assert pointlayer.layer_options(block, "en", True, min_zoom=9)["minZoom"] == 9
    assert "minZoom" not in points
