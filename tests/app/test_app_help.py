"""The Help page, run headless with Streamlit's AppTest, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from geo.analysis.signals import MIN_BASELINE_PERIODS, MIN_COUNT
from geo.i18n.catalogue import format_number, translate
from geo.render import helpcontent as hc

REPO = Path(__file__).resolve().parents[2]
HELP_PAGE = str(REPO / "pages" / "help.py")
TIMEOUT = 60


def run(lang: str = "en", query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(HELP_PAGE, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html_text(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def glossary_terms(at: AppTest) -> list[str]:
    return re.findall(r'<div class="help-term" id="term-[^"]+" data-term="([^"]+)"', html_text(at))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_draws_every_section_and_the_whole_glossary(lang):
    at = run(lang)
    content = hc.load_help()
    assert at.title[0].value == translate("help_title", lang)
    headers = [h.value for h in at.header]
    assert headers == [s.title[lang] for s in content.sections] + [translate("help_glossary", lang)]
    body = html_text(at)
    for section in content.sections:
        for item in section.items:
            assert f'id="help-{item.id}"' in body
    terms = glossary_terms(at)
    assert len(terms) == len(content.glossary)
    assert terms == sorted(terms, key=hc.fold)  # the reader's alphabetical order
    assert translate(
        "help_found", lang, count=len(terms), total=format_number(len(terms), lang)
    ) in [c.value for c in at.caption]


def test_the_french_page_is_in_french():
    at = run("fr")
    body = html_text(at)
    assert "Règle : nettement au-dessus" in body  # the Where-it-is-changing rule, as stated
    assert f"inférieurs à {MIN_COUNT}" in body and f"moins de {MIN_BASELINE_PERIODS}" in body
    assert "CEDEAO" in glossary_terms(at) and "ECOWAS" not in glossary_terms(at)
    assert "Charte du Liptako-Gourma" in glossary_terms(at)
    assert "lu le 3 décembre 2026" in body
    assert "Sources :" in body
    assert "Wagner Replaced by Russia" in body  # a source's own title is not translated
    for english in ("Event layers and their symbols", "read on ", "What the app computes"):
        assert english not in body


def test_the_english_page_states_the_rules_with_the_codes_numbers():
    body = html_text(run("en"))
    assert translate("sg_rule", "en", min=MIN_COUNT, periods=MIN_BASELINE_PERIODS) in (
        body.replace("&#x27;", "'")
    )
    assert "within 10 km and of a compatible category" in body  # dup_winner_help
    assert "at most 1 day apart, their points at most 10 km apart" in body
    assert "ECOWAS" in glossary_terms(run("en"))


def test_the_map_legends_and_the_zone_definitions_are_the_apps_own():
    from geo.render import panels
    from geo.spatial import zones

    body = html_text(run("en"))
    assert panels.legend_html("en") in body
    assert panels.event_legend_html("en") in body
    definitions = zones.load_zone_definitions()
    assert definitions.alg_definition["en"].split(";")[0] in body.replace("&quot;", '"')
    assert 'data-dataset="ACLED"' in body and 'data-dataset="UCDP"' in body


def test_the_coverage_is_computed_from_the_loaded_data():
    from geo.ui import events as ui_events

    events, _ = ui_events.app_events()
    curated = events[events["dataset"] == "curated"]
    body = html_text(run("en"))
    assert f"Curated events: {len(curated)} events, from " in body
    assert "Coverage end: " in body  # the facts' own coverage note (geo.render.charter)


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("en", "gsim", ["JNIM"]),
        ("fr", "ecowas", ["CEDEAO"]),
        ("fr", "eigs", ["EIS (EIGS)"]),
    ],
)
def test_the_glossary_search_comes_from_the_address_and_finds_other_spellings(
    lang, query, expected
):
    at = run(lang, {"term": query})
    assert at.text_input(key="term").value == query
    assert glossary_terms(at) == expected


def test_typing_a_search_filters_the_glossary_and_writes_the_address():
    at = run("en")
    at.text_input(key="term").input("Ménaka").run()  # a word of a definition, accented
    assert glossary_terms(at) == ["ISSP (ISGS)"]
    assert at.query_params["term"] == "Ménaka"
    at.text_input(key="term").input("nothing like this").run()
    assert glossary_terms(at) == []
    assert [i.value for i in at.info] == [
        translate("help_no_term", "en", query="nothing like this")
    ]
    at.text_input(key="term").input("").run()
    assert len(glossary_terms(at)) == len(hc.load_help().glossary)
    assert "term" not in at.query_params


def test_every_text_from_the_help_file_is_escaped():
    import datetime as dt

    from geo.ui import help as ui_help

    hostile = "<img src=x onerror=alert(1)>"
    term = hc.Term(
        id="x",
        term={"en": hostile, "fr": hostile},
        names={"en": "A & B", "fr": "A & B"},
        definition={"en": hostile, "fr": hostile},
        sources=(
            hc.Source(
                url='https://example.org/"><script>',
                publisher=hostile,
                title=hostile,
                checked=dt.date(2026, 12, 3),
            ),
        ),
    )
    item = hc.Item(
        id="y",
        title={"en": hostile, "fr": hostile},
        text={"en": hostile + " {km} km", "fr": hostile},
    )
    out = ui_help.term_html(term, "en") + ui_help.item_html(item, "en")
    assert "<img" not in out and "<script>" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "A &amp; B" in out
    assert "&lt;img src=x onerror=alert(1)&gt; 10 km" in out  # placeholders still filled


def test_a_broken_help_file_is_reported_by_name_not_as_a_traceback(tmp_path, monkeypatch):
    from geo.ui import help as ui_help

    broken = tmp_path / "help.yaml"
    raw = hc.read_yaml(hc.HELP_FILE)
    del raw["glossary"][2]["definition"]["fr"]
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(hc, "HELP_FILE", broken)
    ui_help.content.clear()
    try:
        at = run("fr")
        assert [e.value for e in at.error] == [
            translate(
                "help_broken",
                "fr",
                problem="help.yaml: glossary[2].definition.fr: missing (every text has en and fr)",
            )
        ]
        assert not at.header  # nothing else drawn
    finally:
        ui_help.content.clear()
