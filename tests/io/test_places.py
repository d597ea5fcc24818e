"""The gazetteer: its derivation from GeoNames, reading it, and finding places by name."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from geo.io import boundaries, places

ROOT = Path(__file__).resolve().parents[2]


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_places", ROOT / "scripts" / "build_places.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def index() -> places.PlaceIndex:
    layers = {"admin1": boundaries.load_admin1(), "province": boundaries.load_bfa_provinces()}
    return places.PlaceIndex(places.gazetteer(places.load_towns(), layers))


def _found(index: places.PlaceIndex, query: str) -> list[tuple[str, str]]:
    return [(p.kind, p.name_en) for p in index.search(query)]


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert places.fold("Tillabéri") == places.fold("TILLABERI") == "tillaberi"
    assert places.fold("N'Djamena") == places.fold("n-djamena") == "n djamena"
    assert places.fold("  Ménaka ") == "menaka"


@pytest.mark.parametrize(
    ("query", "kind", "name"),
    [
        ("Menaka", "town", "Ménaka"),  # no accent typed
        ("tillaberi", "admin1", "Tillabéri"),  # the region before its chief town
        ("Djibo", "town", "Djibo"),
        ("Tombouctou", "admin1", "Timbuktu"),  # the French name of the region
        ("soum", "province", "Soum"),  # a Burkina Faso province
    ],
)
def test_search_finds_places_in_either_language(index, query, kind, name) -> None:
    assert _found(index, query)[0] == (kind, name)


def test_search_finds_a_town_by_another_of_its_names(index) -> None:
    assert ("town", "Timbuktu") in _found(index, "tombouctou")


def test_search_ranks_whole_names_before_prefixes_and_bigger_towns_first(index) -> None:
    found = _found(index, "gao")
    assert found[:3] == [("admin1", "Gao"), ("town", "Gao"), ("town", "Gao")]
    gaos = [p for p in index.search("gao") if p.kind == "town" and p.name_en == "Gao"]
    assert gaos[0].country_iso3 == "MLI" and gaos[0].population > gaos[1].population
    assert ("town", "Gaoua") in found[3:]


def test_search_of_nothing_or_of_an_unknown_name_finds_nothing(index) -> None:
    assert index.search("   ") == []
    assert index.search("'-") == []
    assert index.search("Xyzzyville") == []


def test_search_respects_its_limit(index) -> None:
    assert len(index.search("a", limit=5)) == 5


def test_label_zoom_tiers() -> None:
    def town(population: int, capital: bool = False) -> places.Town:
        return places.Town("1", "T", "", "MLI", 0.0, 0.0, population, capital)

    assert places.label_zoom(town(800, capital=True)) == 0
    assert places.label_zoom(town(60_000)) == 6
    assert places.label_zoom(town(20_000)) == 8
    assert places.label_zoom(town(2_000)) == 9


def test_town_label_data_puts_capitals_first_and_keeps_names_as_text() -> None:
    towns = [
        places.Town("1", "Big <b>", "", "MLI", 12.0, -8.0, 500_000, False),
        places.Town("2", "Capital", "", "MLI", 12.6, -7.9, 1_000, True),
    ]
    rows = places.town_label_data(towns, "en")["rows"]
    assert [r[2] for r in rows] == ["Capital", "Big <b>"]  # escaped by textContent in JS
    assert rows[0][3:] == [0, 1]


def test_load_towns_names_file_row_and_column_of_a_bad_value(tmp_path) -> None:
    path = tmp_path / "places.csv"
    header = ",".join(places.PLACES_COLUMNS)
    path.write_text(
        f"{header}\n1,Djibo,Djibo,,BFA,14.1,-1.6,61462,0,\n"
        f"2,Nowhere,Nowhere,,BFA,north,-1.6,10,0,\n",
        encoding="utf-8",
    )
    with pytest.raises(places.PlacesFileError, match=r"places.csv, row 3, column latitude"):
        places.load_towns(path)


def test_the_shipped_gazetteer_has_the_aes_towns_and_capitals() -> None:
    towns = places.load_towns()
    by_name = {t.name: t for t in towns}
    assert {"Djibo", "Ménaka", "Tillabéri"} <= set(by_name)
    capitals = {t.name for t in towns if t.capital}
    assert {"Bamako", "Ouagadougou", "Niamey"} <= capitals
    assert all(t.country_iso3 in {"MLI", "BFA", "NER"} or t.population > 15_000 for t in towns)


def test_build_derives_rows_and_provenance(tmp_path) -> None:
    """The build script on a two-country extract: the members kept whole, the neighbours
    above the threshold, the capital marked, accents folded, provenance written."""
    build = _build_module()
    data = tmp_path / "data"
    data.mkdir()
    cities = {
        "1": {
            "geonameid": 1,
            "name": "Ménaka",
            "latitude": 15.9,
            "longitude": 2.4,
            "countrycode": "ML",
            "population": 14085,
            "alternatenames": ["Menaca", "mnka"],
        },
        "2": {
            "geonameid": 2,
            "name": "Bamako",
            "latitude": 12.6,
            "longitude": -7.98,
            "countrycode": "ML",
            "population": 4227569,
            "alternatenames": [],
        },
        "3": {
            "geonameid": 3,
            "name": "Smallville",
            "latitude": 9.0,
            "longitude": 7.0,
            "countrycode": "NG",
            "population": 9000,
            "alternatenames": [],
        },
        "4": {
            "geonameid": 4,
            "name": "Kano",
            "latitude": 12.0,
            "longitude": 8.5,
            "countrycode": "NG",
            "population": 3626068,
            "alternatenames": [],
        },
        "5": {
            "geonameid": 5,
            "name": "Paris",
            "latitude": 48.9,
            "longitude": 2.35,
            "countrycode": "FR",
            "population": 2138551,
            "alternatenames": [],
        },
    }
    countries = {"ML": {"capital": "Bamako"}, "NG": {"capital": "Abuja"}}
    (data / "cities1000.json").write_text(json.dumps(cities), encoding="utf-8")
    (data / "countries.json").write_text(json.dumps(countries), encoding="utf-8")
    out = tmp_path / "out"
    assert build.main(["--data-dir", str(data), "--out", str(out)]) == 0
    towns = places.load_towns(out / "places.csv")
    assert [(t.name, t.country_iso3, t.capital) for t in towns] == [
        ("Bamako", "MLI", True),
        ("Ménaka", "MLI", False),
        ("Kano", "NGA", False),
    ]
    menaka = towns[1]
    assert menaka.other_names == ("Menaca",)
    row = (out / "places.csv").read_text(encoding="utf-8").splitlines()[2]
    assert ",Menaka," in row  # the ASCII name
    provenance = json.loads((out / "PROVENANCE.json").read_text(encoding="utf-8"))
    assert "CC BY 4.0" in provenance["source"]["licence"]
    assert provenance["outputs"]["places.csv"]["rows"] == 3
    assert set(provenance["source"]["sha256"]) == {"cities1000.json", "countries.json"}


@pytest.fixture(scope="module")
def with_countries() -> places.PlaceIndex:
    layers = {
        "country": boundaries.load_countries(),
        "admin1": boundaries.load_admin1(),
        "province": boundaries.load_bfa_provinces(),
    }
    return places.PlaceIndex(places.gazetteer(places.load_towns(), layers))


@pytest.mark.parametrize(
    ("query", "kind", "ident"),
    [
        ("niger", "country", "NER"),  # the country, before Nigeria
        ("cote d ivoire", "country", "CIV"),  # the app's name, without its accent
        ("Côte d'Ivoire", "country", "CIV"),
        ("tchad", "country", "TCD"),  # the French name
    ],
)
def test_search_finds_countries_in_either_language(with_countries, query, kind, ident) -> None:
    first = with_countries.search(query)[0]
    assert (first.kind, first.id) == (kind, ident)


def _events():
    return pd.DataFrame(
        {
            "id": ["e1", "e2", "e3"],
            "date": pd.to_datetime(["2023-09-16", "2012-03-22", "2024-01-28"]),
            "location": ["Liptako", "Bamako", "Djibo"],
            "layer": ["insurgency"] * 3,
            "country_iso3": ["NER", "MLI", "BFA"],
            "latitude": [14.0, 12.65, float("nan")],
            "longitude": [1.0, -8.0, float("nan")],
            "dataset": ["imported"] * 3,
        }
    )


def test_events_are_found_by_day_in_either_language_or_by_place(with_countries) -> None:
    shown = places.PlaceIndex(places.event_places(_events()))
    assert [p.id for p in places.search([with_countries, shown], "sep 2023")] == ["e1"]
    assert [p.id for p in places.search([with_countries, shown], "SEPT. 2023")] == ["e1"]
    assert [p.id for p in places.search([with_countries, shown], "22 mars 2012")] == ["e2"]
    # A place's name finds the place first, then its events.
    found = places.search([with_countries, shown], "djibo")
    assert found[0].kind == "town" and [p.id for p in found if p.kind == "event"] == ["e3"]
    event = next(p for p in found if p.kind == "event")
    assert event.label("en") == "28 Jan 2024 · Djibo"
    assert event.country_iso3 == "BFA"


def test_events_matching_alike_come_in_date_order() -> None:
    events = _events()
    events["date"] = pd.to_datetime(["2023-09-26", "2023-09-04", "2023-09-07"])
    shown = places.PlaceIndex(places.event_places(events))
    assert [p.id for p in shown.search("sep 2023")] == ["e2", "e3", "e1"]


def test_no_event_no_entry() -> None:
    assert places.event_places(_events().iloc[0:0]) == []
