"""The Help page's content file (data/help/help.yaml) and its loader, geo/render/helpcontent.py."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from geo.analysis import duplicates, signals
from geo.analysis import measures as analysis
from geo.i18n.catalogue import catalog, translate
from geo.io.sources import source_info
from geo.render import densitylayer
from geo.render import helpcontent as hc

TODAY = dt.date(2026, 12, 3)
PATH = Path("help.yaml")


def minimal() -> dict:
    """A valid help file with one section, one item, one glossary entry."""
    return {
        "sections": [
            {
                "id": "measures",
                "title": {"en": "Measures", "fr": "Mesures"},
                "items": [
                    {
                        "id": "duplicates",
                        "title": {"en": "Duplicates", "fr": "Doublons"},
                        "text": {"en": "Within {km} km.", "fr": "À {km} km au plus."},
                        "rule": "dup_winner_help",
                    }
                ],
            }
        ],
        "glossary": [
            {
                "id": "aes",
                "term": "AES",
                "also": ["Alliance of Sahel States"],
                "names": {"en": "Alliance of Sahel States", "fr": "Alliance des États du Sahel"},
                "definition": {
                    "en": "Mali, Burkina Faso and Niger.",
                    "fr": "Le Mali, le Burkina Faso et le Niger.",
                },
                "sources": [
                    {
                        "url": "https://www.example.org/aes",
                        "publisher": "Example",
                        "title": "AES",
                        "checked": dt.date(2026, 12, 3),
                    }
                ],
            }
        ],
    }


def parse(raw: dict) -> hc.HelpContent:
    return hc.parse_help(raw, PATH, today=TODAY)


def error(raw: dict) -> str:
    with pytest.raises(hc.HelpContentError) as caught:
        parse(raw)
    return str(caught.value)


def test_a_valid_file_is_read_with_both_languages_and_its_rule_keys():
    content = parse(minimal())
    item = content.sections[0].items[0]
    assert item.rules == ("dup_winner_help",)
    assert item.text == {"en": "Within {km} km.", "fr": "À {km} km au plus."}
    term = content.glossary[0]
    assert term.term == {"en": "AES", "fr": "AES"}
    assert term.sources[0].checked == dt.date(2026, 12, 3)


def test_a_missing_french_text_names_the_file_and_the_path():
    raw = minimal()
    del raw["glossary"][0]["definition"]["fr"]
    assert error(raw) == (
        "help.yaml: glossary[0].definition.fr: missing (every text has en and fr)"
    )
    raw = minimal()
    raw["sections"][0]["items"][0]["title"]["fr"] = "  "
    assert error(raw).startswith("help.yaml: sections[0].items[0].title.fr: ")


@pytest.mark.parametrize(
    "url",
    [
        "www.example.org/aes",
        "ftp://example.org/x",
        "https://",
        "javascript:alert(1)",
        "https://example.org/a page",
    ],
)
def test_a_bad_url_names_the_source(url):
    raw = minimal()
    raw["glossary"][0]["sources"][0]["url"] = url
    assert error(raw) == (f"help.yaml: glossary[0].sources[0].url: {url!r} is not an http(s) URL")


def test_a_duplicate_term_is_refused_whatever_its_case_and_accents():
    raw = minimal()
    other = copy.deepcopy(raw["glossary"][0])
    other["id"] = "aes-again"
    other["term"] = "aés"
    other["also"] = []
    raw["glossary"].append(other)
    assert error(raw) == (
        "help.yaml: glossary[1].term: 'aés' is already a term or spelling of glossary[0]"
    )
    raw["glossary"][1]["term"] = "Sahel States"
    raw["glossary"][1]["also"] = ["ALLIANCE OF SAHEL STATES"]
    assert error(raw).startswith("help.yaml: glossary[1].also[0]: ")


def test_a_duplicate_id_is_refused():
    raw = minimal()
    raw["glossary"][0]["id"] = "duplicates"  # the item's id: one anchor per page
    assert error(raw) == "help.yaml: glossary[0].id: id 'duplicates' is used twice"


def test_an_entry_without_sources_or_with_an_unread_date_is_refused():
    raw = minimal()
    raw["glossary"][0]["sources"] = []
    assert error(raw) == "help.yaml: glossary[0].sources: expected a non-empty list"
    raw = minimal()
    raw["glossary"][0]["sources"][0]["checked"] = dt.date(2027, 1, 1)
    assert error(raw) == "help.yaml: glossary[0].sources[0].checked: 2027-01-01 is in the future"
    raw["glossary"][0]["sources"][0]["checked"] = "last week"
    assert "is not a date" in error(raw)


def test_rules_and_placeholders_must_be_ones_the_app_can_fill():
    raw = minimal()
    raw["sections"][0]["items"][0]["rule"] = "no_such_string"
    assert error(raw) == (
        "help.yaml: sections[0].items[0].rule: no interface string "
        "'no_such_string' (geo/i18n/locales)"
    )
    raw = minimal()
    raw["sections"][0]["items"][0]["rule"] = ["an_month_rule", "an_ba_windows"]  # dates
    assert error(raw).startswith(
        "help.yaml: sections[0].items[0].rule[1]: interface string 'an_ba_windows' needs {"
    )
    raw = minimal()
    raw["sections"][0]["items"][0]["text"]["fr"] = "À {kms} km."
    assert error(raw).startswith(
        "help.yaml: sections[0].items[0].text.fr: unknown placeholder {kms}"
    )
    raw["sections"][0]["items"][0]["text"]["fr"] = "À {km km."
    assert "bad braces" in error(raw)


def test_an_unknown_element_or_an_empty_item_is_refused():
    raw = minimal()
    raw["sections"][0]["items"][0]["show"] = "map"
    assert error(raw).startswith("help.yaml: sections[0].items[0].show: 'map' is not one of")
    raw = minimal()
    for key in ("text", "rule"):
        del raw["sections"][0]["items"][0][key]
    assert error(raw) == ("help.yaml: sections[0].items[0]: an item needs a text, a rule or a show")


def test_an_unreadable_file_is_named(tmp_path):
    broken = tmp_path / "help.yaml"
    broken.write_text("sections: [\n", encoding="utf-8")
    with pytest.raises(hc.HelpContentError, match=r"^help\.yaml: cannot be read: "):
        hc.load_help(broken)


# --- the project's file ----------------------------------------------------------------------


def test_the_projects_help_file_is_valid_and_covers_the_required_terms():
    content = hc.load_help()
    ids = {t.id for t in content.glossary}
    for required in (
        "aes",
        "alg",
        "liptako-gourma-charter",
        "jnim",
        "issp",
        "vdp",
        "fama",
        "wagner-africa-corps",
        "g5-sahel",
        "minusma",
        "ecowas",
        "acled",
        "ucdp",
        "admin-1",
    ):
        assert required in ids
    found = {
        t.id
        for q in ("GSIM", "EIGS", "CEDEAO", "IS Sahel")
        for t in hc.search_terms(content.glossary, q, "fr")
    }
    assert {"jnim", "issp", "ecowas"} <= found


def test_every_glossary_entry_has_a_read_source_and_registered_ones_agree():
    """Each entry cites at least one page read on a stated day; a URL the source
    registries also hold was not read later than the registry says it was read (the
    registry's date is the one the panels show)."""
    for term in hc.load_help().glossary:
        assert term.sources, term.id
        for source in term.sources:
            assert re.match(r"^https?://[^/\s]+", source.url), (term.id, source.url)
            assert source.checked <= dt.date.today()
            info = source_info(source.url)
            if info is not None and info.checked is not None:
                assert info.checked <= source.checked, (term.id, source.url)


def test_every_rule_shown_is_the_apps_own_string_with_the_codes_numbers():
    params = {k: str(v) for k, v in hc.rule_params().items()}
    assert hc.rule_params()["km"] == duplicates.DUPLICATE_KM
    assert hc.rule_params()["min"] == signals.MIN_COUNT
    assert hc.rule_params()["max"] == analysis.MAX_BARS
    keys = {key for s in hc.load_help().sections for item in s.items for key in item.rules}
    assert {"sg_rule", "dup_winner_help", "an_bands_rule", "boundaries_note"} <= keys
    for key in keys:
        assert key in catalog()
        for lang in ("en", "fr"):
            translate(key, lang, **params)  # every placeholder is one the help can fill


def test_help_texts_state_the_thresholds_the_code_uses():
    content = hc.load_help()
    item = next(i for s in content.sections for i in s.items if i.id == "duplicates")
    assert (
        hc.fill(item.text["en"], "en").count(f"at most {int(duplicates.DUPLICATE_KM)} km apart")
        == 1
    )
    assert f"{duplicates.DUPLICATE_DAYS} day" in hc.fill(item.text["en"], "en")
    towns = next(i for s in content.sections for i in s.items if i.id == "town-labels")
    assert "over 50,000 people from zoom 6" in hc.fill(towns.text["en"], "en")
    assert "plus de 50\u202f000 habitants à partir du zoom 6" in hc.fill(towns.text["fr"], "fr")
    density = next(i for s in content.sections for i in s.items if i.id == "density-view")
    en, fr = hc.fill(density.text["en"], "en"), hc.fill(density.text["fr"], "fr")
    assert f"from zoom {densitylayer.RESOLVE_ZOOM} on, each event is drawn" in en
    assert "per 1,000\u00a0km² of ground" in en
    assert f"à partir du zoom {densitylayer.RESOLVE_ZOOM}, chaque événement" in fr
    assert "pour 1\u202f000\u00a0km² au sol\u00a0:" in fr and "«\u00a0Afficher" in fr
    # The hexagons' click and keyboard behaviour (geo/render/mapjs/atlas_density.js).
    assert "A click opens the region under the hexagon" in en
    assert f'"{translate("density_browse", "en")}"' in en
    assert "Un clic ouvre la région sous l'hexagone" in fr
    assert f"«\u00a0{translate('density_browse', 'fr')}\u00a0»" in fr


def test_the_file_is_plain_yaml_with_no_tabs():
    text = hc.HELP_FILE.read_text(encoding="utf-8")
    assert "\t" not in text
    assert isinstance(yaml.safe_load(text), dict)


# --- search ------------------------------------------------------------------------------------


def test_search_ignores_case_and_accents_and_ranks_names_first():
    content = hc.load_help()
    assert [t.id for t in hc.search_terms(content.glossary, "cedeao", "en")][:1] == ["ecowas"]
    assert next(t.id for t in hc.search_terms(content.glossary, "ETATS du SAHEL", "fr")) == "aes"
    # a word only in definitions finds the terms that use it, after those named by it
    wagner = [t.id for t in hc.search_terms(content.glossary, "wagner", "en")]
    assert wagner[0] == "wagner-africa-corps" and len(wagner) >= 1
    assert hc.search_terms(content.glossary, "  ", "en") == list(content.glossary)
    assert hc.search_terms(content.glossary, "zzzz", "en") == []


def test_terms_sort_in_the_readers_language():
    content = hc.load_help()
    fr = [t.term["fr"] for t in hc.sorted_terms(content.glossary, "fr")]
    assert fr.index("CEDEAO") < fr.index("Charte du Liptako-Gourma") < fr.index("VDP")
    en = [t.term["en"] for t in hc.sorted_terms(content.glossary, "en")]
    assert en.index("ECOWAS") < en.index("Liptako-Gourma Charter")


def test_the_rates_and_the_compare_view_are_explained_with_the_apps_own_notes():
    content = hc.load_help()
    items = {i.id: i for s in content.sections for i in s.items}
    rates_item, compare_item = items["rates"], items["compare"]
    assert {"rt_area_note", "rt_units_note"} <= set(rates_item.rules)
    assert "cmp_country_note" in compare_item.rules
    assert "no population figure" in hc.fill(rates_item.text["en"], "en")
    assert "pas de chiffre de population" in hc.fill(rates_item.text["fr"], "fr")
    assert "10\u00a0000\u00a0km²" in hc.fill(compare_item.text["fr"], "fr")


def test_the_time_slider_entry_names_the_controls_as_the_map_labels_them():
    item = next(i for s in hc.load_help().sections for i in s.items if i.id == "time-slider")
    for lang in ("en", "fr"):
        text = hc.fill(item.text[lang], lang)
        for key in ("time_keep", "time_all", "time_window", "time_cumulative"):
            assert translate(key, lang) in text, (lang, key)
        if lang == "fr":
            assert " :" not in text and " ;" not in text  # no-break spaces, the French way


def test_help_explains_the_figures_in_both_languages_with_the_buttons_names():
    items = {item.id: item for section in hc.load_help().sections for item in section.items}
    figures = items["figures"]
    for lang in ("en", "fr"):
        text = figures.text[lang]
        for key in ("fig_download_png", "fig_download_svg", "fig_use_view"):
            assert translate(key, lang) in text  # the buttons as the reader sees them


def test_a_glossary_source_publisher_label_is_read_in_both_languages():
    raw = minimal()
    source = raw["glossary"][0]["sources"][0]
    source["publisher"] = {"en": "United Nations", "fr": "Nations unies"}
    read = parse(raw).glossary[0].sources[0]
    assert (read.publisher_in("fr"), read.publisher_in("en")) == ("Nations unies", "United Nations")
    source["publisher"] = {"en": "United Nations"}
    assert "publisher.fr" in error(raw)


_WIRE_BRACKET = re.compile(r"\((?:(?:AFP|AP|Reuters)(?:, )?)+\)")


def test_every_descriptive_glossary_publisher_has_both_languages():
    """As in the source registries (data/SOURCES.md): a publisher written once is a bare
    proper name; a qualifier in brackets (other than the wire agencies) needs French."""
    once = [
        (term.id, s.publisher)
        for term in hc.load_help().glossary
        for s in term.sources
        if not s.publisher_fr and re.search(r"[(),;]", _WIRE_BRACKET.sub("", s.publisher))
    ]
    assert not once
