"""What a map click or a URL designates (geo/analysis/selection.py)."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geo.analysis.selection import selection_from_click
from geo.io.boundaries import load_admin1, load_countries
from geo.model.selection import Selection, click_signature, selection_from_param

GAO = {"lat": 16.94, "lng": 1.75}  # inside Gao region (ML-7), Mali
KAYES = {"lat": 14.0, "lng": -10.5}  # inside Kayes region (ML-1), Mali
GHANA = {"lat": 7.95, "lng": -1.08}  # inside Ghana, which has no admin-1 layer here
ATLANTIC = {"lat": 0.0, "lng": -20.0}  # in none of the drawn countries


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    """Tried in this order, as on the map: admin-1 regions on top of countries."""
    return {"admin1": load_admin1(), "country": load_countries()}


@pytest.fixture(scope="module")
def known_ids(layers) -> dict[str, set[str]]:
    return {kind: set(gdf["id"]) for kind, gdf in layers.items()}


def clicked(point=None, properties=None) -> dict:
    """A payload as st_folium returns it."""
    drawing = None if properties is None else {"type": "Feature", "properties": properties}
    return {"last_object_clicked": point, "last_active_drawing": drawing}


# --- selection_from_click --------------------------------------------------------------------


def test_feature_properties_select_the_feature(layers):
    payload = clicked(GHANA, {"kind": "admin1", "id": "ML-7"})
    assert selection_from_click(payload, layers) == Selection("admin1", "ML-7")


def test_feature_properties_win_over_the_click_position(layers):
    payload = clicked(GAO, {"kind": "country", "id": "GHA"})
    assert selection_from_click(payload, layers) == Selection("country", "GHA")


def test_position_alone_selects_the_region_under_it(layers):
    assert selection_from_click(clicked(GAO), layers) == Selection("admin1", "ML-7")
    assert selection_from_click(clicked(KAYES), layers) == Selection("admin1", "ML-1")


def test_position_outside_member_regions_falls_through_to_the_country(layers):
    assert selection_from_click(clicked(GHANA), layers) == Selection("country", "GHA")


def test_layer_order_decides_which_feature_wins(layers):
    countries_first = {"country": layers["country"], "admin1": layers["admin1"]}
    assert selection_from_click(clicked(GAO), countries_first) == Selection("country", "MLI")


def test_position_in_no_feature_selects_nothing(layers):
    assert selection_from_click(clicked(ATLANTIC), layers) is None


def test_unknown_feature_id_falls_back_to_the_position(layers):
    payload = clicked(GAO, {"kind": "admin1", "id": "XX-99"})
    assert selection_from_click(payload, layers) == Selection("admin1", "ML-7")


def test_feature_of_a_kind_not_offered_falls_back_to_the_position(layers):
    payload = clicked(GAO, {"kind": "province", "id": "BFA-2805"})
    assert selection_from_click(payload, layers) == Selection("admin1", "ML-7")


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {},
        {"last_object_clicked": None},
        {"last_active_drawing": None},
        {"last_object_clicked": None, "last_active_drawing": None},
        {"last_object_clicked": {}},
        {"last_object_clicked": {"lat": 16.94}},
        {"last_object_clicked": {"lng": 1.75}},
        {"last_active_drawing": {}},
        {"last_active_drawing": {"properties": None}},
        {"last_active_drawing": {"properties": {}}},
        {"last_active_drawing": {"properties": {"kind": "admin1"}}},
        {"last_active_drawing": {"properties": {"id": "ML-7"}}},
        {"last_active_drawing": {"properties": {"kind": "admin1", "id": "XX-99"}}},
        {"last_active_drawing": {"properties": {"kind": "bogus", "id": "ML-7"}}},
        {"last_active_drawing": {"properties": {"kind": "country", "id": "ML-7"}}},
        {"unrelated": 1},
    ],
)
def test_garbage_payload_selects_nothing(layers, payload):
    assert selection_from_click(payload, layers) is None


@pytest.mark.parametrize(
    "payload",
    [
        {"last_object_clicked": {"lat": None, "lng": None}},
        {"last_object_clicked": {"lat": "north", "lng": "east"}},
        {"last_active_drawing": "not a feature"},
        {"last_active_drawing": {"properties": {"kind": ["admin1"], "id": "ML-7"}}},
    ],
)
def test_wrongly_typed_payload_selects_nothing(layers, payload):
    assert selection_from_click(payload, layers) is None


# --- selection_from_param --------------------------------------------------------------------


@pytest.mark.parametrize(
    "selection",
    [
        Selection("admin1", "ML-7"),
        Selection("admin1", "NE-6"),
        Selection("admin1", "BF-SAHEL"),
        Selection("country", "GHA"),
        Selection("country", "MLI"),
    ],
)
def test_param_round_trip(known_ids, selection):
    assert selection_from_param(selection.to_param(), known_ids) == selection


def test_param_format_is_kind_colon_id():
    assert Selection("admin1", "NE-6").to_param() == "admin1:NE-6"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        ":",
        "admin1",
        "admin1:",
        ":ML-7",
        "ML-7",
        "bogus:ML-7",
        "admin1:XX-99",
        "country:ML-7",
        "admin1:ml-7",
        "admin1:ML-7:extra",
        " admin1:ML-7",
        "admin1: ML-7",
        "<script>:alert(1)",
    ],
)
def test_garbage_param_selects_nothing(known_ids, value):
    assert selection_from_param(value, known_ids) is None


def test_param_with_no_known_ids_selects_nothing():
    assert selection_from_param("admin1:ML-7", {}) is None


# --- click_signature -------------------------------------------------------------------------


def test_signature_differs_between_two_clicks():
    assert click_signature(clicked(GAO)) != click_signature(clicked(KAYES))


def test_signature_differs_between_features_clicked_at_the_same_place():
    first = clicked(GAO, {"kind": "admin1", "id": "ML-7"})
    second = clicked(GAO, {"kind": "country", "id": "MLI"})
    assert click_signature(first) != click_signature(second)


def test_signature_is_stable_for_the_same_click():
    assert click_signature(clicked(GAO)) == click_signature(clicked(dict(GAO)))
    assert click_signature(clicked(GAO)) is not None


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {},
        clicked(),
        {"last_active_drawing": {"properties": {}}},
    ],
)
def test_no_click_has_no_signature(payload):
    assert click_signature(payload) is None


def test_feature_choices_name_every_feature_in_the_language_and_parse_back() -> None:
    import pandas as pd

    from geo.analysis.selection import feature_choices
    from geo.io.boundaries import load_bfa_provinces

    layers = {
        "country": load_countries(),
        "admin1": load_admin1(),
        "province": load_bfa_provinces(),
    }
    events = pd.DataFrame(
        {
            "id": ["B", "A"],
            "location": ["Niamey", "Gao"],
            "date": pd.to_datetime(["2023-07-26", "2012-03-31"]),
        }
    )
    fr = feature_choices(layers, events, "fr")
    assert len(fr) == sum(len(df) for df in layers.values()) + 2
    assert fr["country:DZA"] == "Algérie" and fr["admin1:ML-6"] == "Tombouctou — Région, Mali"
    assert list(fr)[-2:] == ["event:A", "event:B"]  # events by date
    assert fr["event:A"] == "31 mars 2012 · Gao"  # the day in the reader's format
    countries = [label for key, label in fr.items() if key.startswith("country:")]
    assert countries[0] == "Algérie"  # sorted by name in French, not by code
    known = {kind: set(df["id"]) for kind, df in layers.items()} | {"event": {"A", "B"}}
    assert all(selection_from_param(key, known) is not None for key in fr)


def test_the_finder_names_a_curated_event_by_its_place_in_the_readers_language() -> None:
    import pandas as pd

    from geo.analysis.selection import feature_choices

    empty = {
        kind: df.iloc[0:0]
        for kind, df in (
            ("country", load_countries()),
            ("admin1", load_admin1()),
            ("province", load_admin1()),
        )
    }
    events = pd.DataFrame(
        {
            "id": ["NER-2020-08-09-KOURE", "X"],
            "location": ["Kouré giraffe reserve", "Kouré giraffe reserve"],
            "dataset": ["curated", "acled"],
            "date": pd.to_datetime(["2020-08-09", "2020-08-09"]),
        }
    )
    fr = feature_choices(empty, events, "fr")
    assert fr["event:NER-2020-08-09-KOURE"] == "9 août 2020 · réserve de girafes de Kouré"
    assert fr["event:X"] == "9 août 2020 · Kouré giraffe reserve"  # an import: as given
    en = feature_choices(empty, events, "en")
    assert en["event:NER-2020-08-09-KOURE"] == "9 Aug 2020 · Kouré giraffe reserve"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13.51,2.11,8", (13.51, 2.11, 8)),
        (" 16.2 , -1.5 , 5 ", (16.2, -1.5, 5)),
        (None, None),
        ("", None),
        ("13.5,2.1", None),
        ("a,b,c", None),
        ("13.5,2.1,5.5", None),
        ("95,2,5", None),
        ("13,200,5", None),
        ("13,2,40", None),
        ("1,2,3,4", None),
    ],
)
def test_parse_view_accepts_only_a_valid_centre_and_zoom(raw, expected) -> None:
    from geo.model.selection import parse_view

    assert parse_view(raw) == expected
