"""The map's choice "Events / Density" in Streamlit's AppTest: kept in the URL
(``density=1``), read back from it, a bad value falls back to the events."""

from __future__ import annotations

import pytest

from tests.app.test_app_map import app


def test_choosing_density_writes_it_to_the_url_and_back_to_events_drops_it():
    at = app()
    at.run()
    choice = at.radio(key="density")
    assert choice.value is False and "density" not in at.query_params
    choice.set_value(True).run()
    assert not at.exception
    assert at.query_params["density"] == "1"
    at.radio(key="density").set_value(False).run()
    assert "density" not in at.query_params


@pytest.mark.parametrize(("raw", "shown"), [("1", True), ("0", False), ("maybe", False)])
def test_the_density_choice_is_read_from_the_url(raw, shown):
    at = app(density=raw)
    at.run()
    assert not at.exception
    assert at.radio(key="density").value is shown


def test_the_choice_is_labelled_in_french():
    at = app(lang="fr")
    at.run()
    choice = at.radio(key="density")
    assert choice.label == "Afficher sur la carte"
    assert choice.options == ["Événements", "Densité"]
