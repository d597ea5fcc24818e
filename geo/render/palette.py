"""The app's colours, in one place: event layers, countries, distance bands, choropleths.

Built on Okabe & Ito's colour-blind-safe set ("Color Universal Design", 2008): the hues stay
apart under deuteranopia and protanopia (checked by ``tests/render/test_palette.py`` with the
Machado et al. 2009 simulation). Sequential scales vary in lightness, which every reader
sees. Every view takes its colours from here, so a country or a layer has one colour in
the map, the charts and the exports, in every language.
"""

from __future__ import annotations

# Okabe-Ito.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#8C8C8C"

# One fixed colour per country in every chart (the three states first).
COUNTRY_COLOURS: dict[str, str] = {
    "MLI": BLUISH_GREEN,
    "BFA": VERMILLION,
    "NER": BLUE,
}
OTHER_COUNTRY_COLOUR = "#BDBDBD"  # lighter than GREY: apart from green for a deuteranope


def country_colour(iso3: str) -> str:
    return COUNTRY_COLOURS.get(iso3, OTHER_COUNTRY_COLOUR)


# Distance bands from the tripoint, nearest first (a lightness ramp with hue, CVD-safe:
# cividis-like, dark blue to yellow).
BAND_COLOURS: tuple[str, ...] = ("#00204D", "#414D6B", "#7C7B78", "#BCAF6F", "#FFEA46")

# Choropleth of counts, light to dark (one hue: lightness alone carries the order).
SEQUENTIAL: tuple[str, ...] = ("#fde0c5", "#facba6", "#f59e72", "#e4643f", "#b8321c")
ZERO_COLOUR = "#f3f1ec"
NO_FIGURE_COLOUR = "#9e9e9e"
"""A unit with no figure to divide by (a per-capita rate without a population): a neutral
grey, apart from the zero class and from the orange classes by its lack of hue."""

# --- the map ------------------------------------------------------------------------------------
# Event layers: coups in reddish purple (filled for successful, outlined for attempts and
# plots), insurgency in vermillion, state violence in blue. Each has a dark outline of its
# own hue so a small circle stays visible on the pale basemap.
LAYER_COLOURS: dict[str, dict[str, str]] = {
    "coup-successful": {"line": "#5A1F48", "fill": REDDISH_PURPLE},
    "coup-attempted": {"line": "#8E3B74", "fill": "#FFFFFF"},
    "coup-plot": {"line": "#8E3B74", "fill": "#FFFFFF"},
    "insurgency": {"line": "#7A3600", "fill": VERMILLION},
    "state-violence": {"line": "#003D61", "fill": BLUE},
    # ACLED's demonstrations and strategic developments (off by default): yellow protests,
    # sky-blue riots, grey strategic developments, each with a dark outline of its hue.
    "protest": {"line": "#6B6200", "fill": YELLOW},
    "riot": {"line": "#1D5B80", "fill": SKY_BLUE},
    "strategic": {"line": "#4D4D4D", "fill": GREY},
}

# Cluster bubbles (a count of events of any layer, so no layer's hue): neutral dark grey.
CLUSTER_FILL = "#4D4D4D"
CLUSTER_TEXT = "#FFFFFF"

# Boundaries and zones. The three states in light orange (a warm area colour no event layer
# uses), their neighbours in grey, the ALG zone in blue dashes, the tri-border core in bluish
# green, the selection in black, a timeline highlight in yellow-on-black dashes.
MAP_COLOURS: dict[str, str] = {
    "member_fill": ORANGE,
    "member_line": "#7A4B00",
    "context_fill": "#F3F1EC",
    "context_line": "#AAAAAA",
    "region_line": "#A36A00",
    "province_line": "#C89A4B",
    "alg": BLUE,
    "core": BLUISH_GREEN,
    "selection": BLACK,
    "highlight": SKY_BLUE,
}
BACKGROUND = "#DFE8EE"
