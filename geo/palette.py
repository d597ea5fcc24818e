"""The app's colours, in one place: event layers, countries, distance bands, choropleths.

Built on Okabe & Ito's colour-blind-safe set ("Color Universal Design", 2008): the hues stay
apart under deuteranopia and protanopia (checked by ``tests/test_palette.py`` with the
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
OTHER_COUNTRY_COLOUR = GREY


def country_colour(iso3: str) -> str:
    return COUNTRY_COLOURS.get(iso3, OTHER_COUNTRY_COLOUR)


# Distance bands from the tripoint, nearest first (a lightness ramp with hue, CVD-safe:
# cividis-like, dark blue to yellow).
BAND_COLOURS: tuple[str, ...] = ("#00204D", "#414D6B", "#7C7B78", "#BCAF6F", "#FFEA46")

# Choropleth of counts, light to dark (one hue: lightness alone carries the order).
SEQUENTIAL: tuple[str, ...] = ("#fde0c5", "#facba6", "#f59e72", "#e4643f", "#b8321c")
ZERO_COLOUR = "#f3f1ec"
