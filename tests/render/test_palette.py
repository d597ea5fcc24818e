"""The palette stays distinguishable for readers with red-green colour vision deficiency.

Deuteranopia and protanopia are simulated with the matrices of Machado, Oliveira &
Fernandes (2009, "A physiologically-based model for simulation of color vision
deficiency", severity 1.0), applied to linearised sRGB; colours are then compared in
CIELAB (D65) with the CIE76 colour difference.

Threshold: a ΔE76 of about 2.3 is a just-noticeable difference for large patches seen side
by side; map symbols are small (a few pixels) and must be told apart from memory of the
legend, for which categorical-palette guidance asks for several times more. We require
ΔE76 >= 12 between every two event-layer colours and every two zone outlines, under each
simulation and for normal vision (the Okabe-Ito hues used here give 20 or more).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from geo.render import palette

MACHADO_2009 = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
}
MIN_DELTA_E = 12.0


def srgb_to_linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_lab(rgb: np.ndarray) -> np.ndarray:
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = m @ np.clip(rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen_as(hex_colour: str, vision: str) -> np.ndarray:
    return linear_to_lab(MACHADO_2009[vision] @ srgb_to_linear(hex_colour))


def delta_e(a: str, b: str, vision: str) -> float:
    return float(np.linalg.norm(seen_as(a, vision) - seen_as(b, vision)))


def test_the_simulation_is_the_published_one():
    # Grey stays grey (rows sum to 1) and pure red loses most of its chroma for a protanope.
    for matrix in MACHADO_2009.values():
        assert np.allclose(matrix.sum(axis=1), 1.0, atol=1e-3)
    assert delta_e("#808080", "#808080", "deuteranopia") == 0
    red, green = "#FF0000", "#00A000"
    assert delta_e(red, green, "normal") > 80
    assert delta_e(red, green, "deuteranopia") < 25  # the confusion the palette avoids


def _min_pair(colours: dict[str, str], vision: str) -> tuple[float, str, str]:
    return min(
        (delta_e(colours[a], colours[b], vision), a, b)
        for a, b in itertools.combinations(colours, 2)
    )


@pytest.mark.parametrize("vision", list(MACHADO_2009))
def test_event_layers_are_distinguishable(vision):
    # A layer is recognised by its fill (filled symbols) or, for the outlined coups, by
    # the line: compare what carries the identity of each layer.
    colours = {
        "coup-successful": palette.LAYER_COLOURS["coup-successful"]["fill"],
        "coup-outlined": palette.LAYER_COLOURS["coup-attempted"]["line"],
        "insurgency": palette.LAYER_COLOURS["insurgency"]["fill"],
        "state-violence": palette.LAYER_COLOURS["state-violence"]["fill"],
        "cluster": palette.CLUSTER_FILL,
    }
    value, a, b = _min_pair(colours, vision)
    assert value >= MIN_DELTA_E, f"{a} and {b}: ΔE {value:.1f} under {vision}"


@pytest.mark.parametrize("vision", list(MACHADO_2009))
def test_zone_outlines_are_distinguishable(vision):
    keys = ("member_line", "context_line", "alg", "core", "selection", "highlight")
    value, a, b = _min_pair({k: palette.MAP_COLOURS[k] for k in keys}, vision)
    assert value >= MIN_DELTA_E, f"{a} and {b}: ΔE {value:.1f} under {vision}"


@pytest.mark.parametrize("vision", list(MACHADO_2009))
def test_country_colours_are_distinguishable(vision):
    colours = {**palette.COUNTRY_COLOURS, "other": palette.OTHER_COUNTRY_COLOUR}
    value, a, b = _min_pair(colours, vision)
    assert value >= MIN_DELTA_E, f"{a} and {b}: ΔE {value:.1f} under {vision}"


@pytest.mark.parametrize("vision", list(MACHADO_2009))
def test_event_symbols_stand_out_from_the_basemap(vision):
    # Every event fill and the cluster bubble against the member-state fill (as drawn: 25 %
    # orange over the background) and against the neighbours' grey.
    fills = [c["line"] for c in palette.LAYER_COLOURS.values()]
    fills += [
        palette.LAYER_COLOURS[k]["fill"]
        for k in ("coup-successful", "insurgency", "state-violence")
    ]
    for ground in (palette.MAP_COLOURS["context_fill"], palette.BACKGROUND):
        for fill in [*fills, palette.CLUSTER_FILL]:
            assert delta_e(fill, ground, vision) >= MIN_DELTA_E, (fill, ground, vision)


@pytest.mark.parametrize("vision", list(MACHADO_2009))
def test_bands_and_sequential_scales_keep_their_order_in_lightness(vision):
    for scale in (palette.BAND_COLOURS, palette.SEQUENTIAL[::-1]):
        lightness = [seen_as(c, vision)[0] for c in scale]
        assert all(b - a >= 5 for a, b in itertools.pairwise(lightness)), (scale, lightness)


@pytest.mark.parametrize("vision", list(MACHADO_2009))
def test_the_no_figure_grey_stands_apart_from_every_choropleth_class(vision):
    """A unit without a population figure (grey, dashed outline) is not read as a class."""
    for colour in (palette.ZERO_COLOUR, *palette.SEQUENTIAL):
        value = delta_e(palette.NO_FIGURE_COLOUR, colour, vision)
        assert value >= MIN_DELTA_E, (colour, vision, round(value, 1))
