"""The population reference sheet: name matching, the build's checks, the derived file."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from geo.io import population as pop
from scripts import build_population

UNITS = [
    pop.Unit("NE-6", "NER", ("Tillabéri", "Tillabéri")),
    pop.Unit("NE-8", "NER", ("Niamey", "Niamey")),
    pop.Unit("BF-CENTRE-EST", "BFA", ("Centre-Est", "Centre-Est")),
    pop.Unit("BF-EST", "BFA", ("Est", "Est")),
    pop.Unit("ML-6", "MLI", ("Timbuktu", "Tombouctou")),
]


def test_names_match_with_accents_case_and_punctuation_folded():
    rows = [
        {"iso3": "NER", "name": "TILLABERI"},
        {"iso3": "BFA", "name": "Centre Est"},
        {"iso3": "BFA", "name": "est"},
        {"iso3": "MLI", "name": "Tombouctou"},
        {"iso3": "NER", "name": "niamey "},
    ]
    assert pop.match_units(rows, UNITS) == ["NE-6", "BF-CENTRE-EST", "BF-EST", "ML-6", "NE-8"]


def test_a_page_spelling_is_matched_through_its_unit_field():
    rows = [{"iso3": "NER", "name": "Tillabéry", "unit": "Tillabéri"}]
    assert pop.match_units(rows, UNITS) == ["NE-6"]


def test_an_unknown_name_fails_naming_the_row_and_the_known_units():
    rows = [{"iso3": "NER", "name": "Niamey"}, {"iso3": "NER", "name": "Tillabéry"}]
    with pytest.raises(pop.PopulationError, match=r"unit row 2, name: 'Tillabéry' matches no unit"):
        pop.match_units(rows, UNITS)


def test_a_name_of_another_country_does_not_match():
    with pytest.raises(pop.PopulationError, match="row 1"):
        pop.match_units([{"iso3": "BFA", "name": "Niamey"}], UNITS)


def test_two_rows_for_one_unit_fail():
    rows = [{"iso3": "MLI", "name": "Timbuktu"}, {"iso3": "MLI", "name": "Tombouctou"}]
    with pytest.raises(pop.PopulationError, match=r"row 2.*ML-6, already given by row 1"):
        pop.match_units(rows, UNITS)


SOURCE = {
    "title": "t",
    "url": "https://example.org",
    "publisher": "p",
    "licence": "CC BY-SA",
    "census": "c",
    "year": 2012,
    "checked": "2026-12-03",
}
ADMIN1 = pd.DataFrame(
    {
        "id": ["NE-8", "NE-6"],
        "iso3": ["NER", "NER"],
        "name_en": ["Niamey", "Tillabéri"],
        "name_fr": ["Niamey", "Tillabéri"],
    }
)


def test_the_table_has_every_unit_and_no_figure_where_the_sheet_has_none():
    sheet = {
        "sources": {"s": SOURCE},
        "units": [{"iso3": "NER", "name": "Niamey", "population": 1026848, "source": "s"}],
    }
    table = pop.population_table(sheet, ADMIN1, {"NE-8": 670, "NE-6": 91400})
    assert table["admin1_id"].tolist() == ["NE-6", "NE-8"]
    assert table["population"].isna().tolist() == [True, False]
    assert table.loc[1, "population"] == 1026848
    assert table.loc[1, "census_year"] == 2012
    assert table["area_km2"].tolist() == [91400, 670]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"iso3": "NER", "name": "Niamey", "population": 0, "source": "s"}, "population: 0"),
        ({"iso3": "NER", "name": "Niamey", "population": "1 026 848", "source": "s"}, "population"),
        ({"iso3": "NER", "name": "Niamey", "population": 5, "source": "x"}, "source: 'x'"),
    ],
)
def test_bad_rows_are_named(row, message):
    with pytest.raises(pop.PopulationError, match=message):
        pop.population_table({"sources": {"s": SOURCE}, "units": [row]}, ADMIN1, {})


def test_a_source_without_its_licence_fails():
    source = {k: v for k, v in SOURCE.items() if k != "licence"}
    with pytest.raises(pop.PopulationError, match="source s, licence: missing"):
        pop.check_sheet({"sources": {"s": source}, "units": []})


def test_the_committed_file_is_what_the_sheet_gives():
    data, provenance = build_population.build()
    assert pop.POPULATION_FILE.read_bytes() == data
    assert provenance["outputs"]["admin1_population.csv"]["rows"] == 30


def test_the_app_file_matches_the_sheet_and_the_boundaries():
    table = pop.read_population()
    sheet = yaml.safe_load(pop.SOURCES_FILE.read_text(encoding="utf-8"))
    assert len(table) == 30
    assert table["population"].notna().sum() == len(sheet["units"])
    assert table.loc["NE-8", "population"] == 1026848
    assert table.loc["ML-6", "population"] == 681691  # "Timbuctù" on the page
    assert table.loc["NE-6", "census_year"] == 2012
    assert table.loc["BF-SAHEL", "population"] == 1_094_907  # its four provinces summed
    niger = table[table["iso3"] == "NER"]["population"].sum()
    # the national total of the INS's final results, which the primary source gives
    assert niger == 17_138_707
    # Burkina Faso's 13 figures, from several pages, add up to the preliminary national
    # total of the 2019 census the pages cite
    assert table[table["iso3"] == "BFA"]["population"].sum() == 20_487_979


def test_every_figure_comes_from_an_openly_licensed_page():
    """Issue #15 item 5: an openly licensed figure per unit (a press report or an
    official page that is not openly licensed stays in a source's note)."""
    sheet = yaml.safe_load(pop.SOURCES_FILE.read_text(encoding="utf-8"))
    used = {row["source"] for row in sheet["units"]}
    for name in sorted(used):
        assert str(sheet["sources"][name]["licence"]).startswith("CC BY"), name
    table = pop.read_population()
    # Tillabéri from its own article: the "Regions of Niger" table swaps two digits
    assert table.loc["NE-6", "population"] == 2_722_482
    assert table.loc["NE-6", "source"] == "ner_rgph_2012_tillaberi"


def test_a_unit_given_by_its_parts_has_their_sum():
    sheet = {
        "sources": {"s": SOURCE},
        "units": [{"iso3": "NER", "name": "Niamey", "parts": {"a": 1_000, "b": 26}, "source": "s"}],
    }
    table = pop.population_table(sheet, ADMIN1, {"NE-8": 670, "NE-6": 91400})
    assert table.set_index("admin1_id").loc["NE-8", "population"] == 1_026


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"parts": {"a": 0}}, "parts, a: 0"),
        ({"parts": {}}, "parts: a mapping"),
        ({"parts": {"a": 5}, "population": 5}, "instead of population"),
    ],
)
def test_bad_parts_are_named(row, message):
    full = {"iso3": "NER", "name": "Niamey", "source": "s", **row}
    with pytest.raises(pop.PopulationError, match=message):
        pop.population_table({"sources": {"s": SOURCE}, "units": [full]}, ADMIN1, {})


def test_a_bad_derived_file_is_named(tmp_path):
    path = tmp_path / "admin1_population.csv"
    path.write_text(
        "admin1_id,iso3,name_en,name_fr,area_km2,population,census_year,source\n"
        "NE-8,NER,Niamey,Niamey,670,-3,2012,s\n",
        encoding="utf-8",
    )
    with pytest.raises(pop.PopulationError, match="line 2, population"):
        pop.read_population(path)
