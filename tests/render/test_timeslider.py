"""The time slider's Python half: its texts in both languages, the map script it adds, and
the period it sends back."""

from __future__ import annotations

from datetime import date

import folium
import pytest

from geo.render import timeslider


def test_every_label_exists_in_both_languages_and_french_is_spaced_the_french_way() -> None:
    en, fr = timeslider.labels("en"), timeslider.labels("fr")
    assert set(en) == set(fr) == set(timeslider.LABEL_KEYS)
    assert en["keep"] == "Keep as date filter"
    assert fr["keep"] == "Garder comme filtre de dates"
    assert fr["count"] == "Événements dessinés\u00a0: {n}"
    assert fr["upTo"] == "Cumul\u00a0: {period}"
    for text in fr.values():
        for mark in ":;?!":
            assert f" {mark}" not in text, text  # a no-break space, never a plain one
    assert all(en[k] != fr[k] for k in ("prev", "next", "play", "week", "quarter", "all"))


def test_the_control_is_added_with_its_code_css_and_labels_in_the_language() -> None:
    fmap = folium.Map(tiles=None)
    timeslider.TimeSlider("fr").add_to(fmap)
    html = fmap.get_root().render()
    assert "L.Control.AtlasTime = L.Control.extend" in html
    assert 'new L.Control.AtlasTime({locale: "fr-FR"' in html
    assert ".atlas-time{" in html
    assert "Garder comme filtre de dates" in html


def test_a_kept_period_is_read_back_from_the_clicked_properties() -> None:
    props = {"kind": "time-period", "from": "2020-03-01", "to": "2020-03-31", "nonce": "n1"}
    assert timeslider.period_from_click(props) == ("n1", date(2020, 3, 1), date(2020, 3, 31))


@pytest.mark.parametrize(
    "props",
    [
        {"kind": "event-hits", "from": "2020-03-01", "to": "2020-03-31", "nonce": "n"},
        {"kind": "time-period", "from": "2020-03-31", "to": "2020-03-01", "nonce": "n"},
        {"kind": "time-period", "from": "March", "to": "2020-03-31", "nonce": "n"},
        {"kind": "time-period", "from": "2020-03-01", "to": "2020-03-31"},
        {"kind": "time-period", "from": "2020-03-01", "to": "2020-03-31", "nonce": 3},
        {},
    ],
)
def test_any_other_or_malformed_click_is_no_period(props: dict) -> None:
    assert timeslider.period_from_click(props) is None
