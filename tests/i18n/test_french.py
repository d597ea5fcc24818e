"""French grammar at the junction of a template and a value (geo/i18n/french.py), and every
French sentence the Charter, Timeline and member-state views generate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest
import yaml

from geo.i18n import french
from geo.i18n.catalogue import LOCALES_DIR, format_day, pick, translate
from geo.io import facts
from geo.render import charter as cv


@pytest.mark.parametrize(
    ("preposition", "phrase", "expected"),
    [
        ("de", "Le président Mohamed Bazoum", "du président Mohamed Bazoum"),
        ("de", "le 16 septembre 2023", "du 16 septembre 2023"),
        (
            "de",
            "Le lieutenant-colonel Paul-Henri Sandaogo Damiba",
            "du lieutenant-colonel Paul-Henri Sandaogo Damiba",
        ),
        ("de", "les États membres", "des États membres"),
        ("de", "des sources", "de sources"),
        ("de", "La sortie de la CEDEAO", "de la sortie de la CEDEAO"),
        ("de", "L'État malien", "de l'État malien"),
        ("de", "La Haye", "de La Haye"),  # the article belongs to the name
        ("de", "Le Caire", "du Caire"),
        ("de", "Ousmane Sonko", "d'Ousmane Sonko"),
        ("de", "avril 2025", "d'avril 2025"),
        ("de", "août 2020", "d'août 2020"),
        ("de", "Haïti", "d'Haïti"),  # mute h
        ("de", "Hongrie", "de Hongrie"),  # aspirated h
        ("de", "Yémen", "de Yémen"),
        ("de", "1970", "de 1970"),
        ("de", "juin 2025", "de juin 2025"),
        ("De", "le 3 décembre 1970", "Du 3 décembre 1970"),
        ("à", "le 26 février 2026", "au 26 février 2026"),
        ("à", "les États-Unis", "aux États-Unis"),
        ("à", "la Charte", "à la Charte"),
        ("à", "avril 2025", "à avril 2025"),
        # each coordinated complement with its own article takes the preposition again
        (
            "de",
            "Le président de transition Bah N'Daw et le Premier ministre Moctar Ouane",
            "du président de transition Bah N'Daw et du Premier ministre Moctar Ouane",
        ),
        ("à", "le Mali et les États voisins", "au Mali et aux États voisins"),
        # ... but not inside brackets, nor when the first complement has no article
        (
            "de",
            "Le président Keïta (arrêté le 18 août et le 19 libéré)",
            "du président Keïta (arrêté le 18 août et le 19 libéré)",
        ),
        ("de", "Bah N'Daw et le Premier ministre", "de Bah N'Daw et le Premier ministre"),
    ],
)
def test_with_preposition(preposition, phrase, expected):
    assert french.with_preposition(preposition, phrase) == expected


@pytest.mark.parametrize(
    ("word", "phrase", "expected"),
    [
        ("le", "État", "l'État"),
        ("la", "Alliance", "l'Alliance"),
        ("le", "homme", "l'homme"),
        ("le", "héros", "le héros"),
        ("le", "Niger", "le Niger"),
        ("que", "il", "qu'il"),
        ("le", "onze", "le onze"),
        ("de", "Yves", "d'Yves"),
    ],
)
def test_elide(word, phrase, expected):
    assert french.elide(word, phrase) == expected


def test_fill_applies_the_rules_only_where_a_value_meets_the_template():
    assert (
        french.fill(
            "{date} : renversement de {ousted}",
            date="26 juillet 2023",
            ousted="Le président Mohamed Bazoum",
        )
        == "26 juillet 2023 : renversement du président Mohamed Bazoum"
    )
    assert french.fill("de {a} à {b}", a="le 3 mai", b="le 4 juin") == "du 3 mai au 4 juin"
    assert french.fill("le {x} et la {y}", x="État", y="Alliance") == "l'État et l'Alliance"
    # a "de le" inside a value is the value's own text (a pronoun: "de le renverser")
    assert (
        french.fill("Note : {text}", text="décidé de le renverser")
        == "Note : décidé de le renverser"
    )
    assert french.fill("Mode{x} de", x="") == "Mode de"
    assert french.fill("{n:>3} de {x}", n=7, x="Ousmane") == "  7 d'Ousmane"


def test_translate_keeps_plural_forms_and_number_format():
    assert french.translate("tl_count", "fr", count=1, total="79") == "1 étape affichée sur 79."
    assert (
        french.translate("tl_count", "fr", count=1253, total="79")
        == "1\u202f253 étapes affichées sur 79."
    )
    assert (
        french.translate(
            "ms_coup_line", "fr", date="26 juillet 2023", ousted="Le président Mohamed Bazoum"
        )
        == "26 juillet 2023\u00a0: renversement du président Mohamed Bazoum"
    )
    # English is geo.i18n.catalogue.translate unchanged
    assert french.translate("ms_coup_line", "en", date="x", ousted="President Bazoum") == translate(
        "ms_coup_line", "en", date="x", ousted="President Bazoum"
    )


def test_typography_puts_no_break_spaces_where_french_wants_them():
    assert french.typography("Lieu : Bamako ; « contenu » ? oui !") == (
        "Lieu\u00a0: Bamako\u00a0; «\u00a0contenu\u00a0»\u00a0? oui\u00a0!"
    )
    assert french.typography("14:05, https://x.org") == "14:05, https://x.org"
    assert french.typography("Lieu\u00a0: x") == "Lieu\u00a0: x"  # idempotent
    # templates get it, inserted values keep their own text
    assert french.translate("tl_place", "fr", place="a : b") == "Lieu\u00a0: a : b"


def test_every_french_string_of_the_facts_locale_is_spaced_the_french_way():
    entries = yaml.safe_load((LOCALES_DIR / "facts.yaml").read_text(encoding="utf-8"))
    for key, value in entries.items():
        forms = value["fr"].values() if isinstance(value["fr"], dict) else [value["fr"]]
        for text in forms:
            assert french.typography(text) == text, key


def test_first_of_the_month_is_an_ordinal_in_french():
    assert format_day(dt.date(2020, 1, 1), "fr") == "1er janvier 2020"
    assert format_day(dt.date(2020, 1, 1), "fr", "medium") == "1er janv. 2020"
    assert format_day(dt.date(2020, 1, 11), "fr") == "11 janvier 2020"
    assert "1er" not in format_day(dt.date(2020, 1, 1), "en")
    assert facts.format_date("2020-01-01", "day", "fr") == "1er janvier 2020"  # same rule


# --------------------------------------------------------------------------- generated text


class _Text(HTMLParser):
    """The visible text of an HTML fragment (links' addresses are not text)."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def visible_text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    return html.unescape(" ".join(parser.chunks))


# Junctions French never writes (outside quoted data): a preposition before an article it
# contracts with, a word that elides before a vowel, a capitalised article after "de".
WRONG = [
    re.compile(r"\b(de|De) (le|les|Le|Les|La|L')\b"),
    re.compile(r"\b(à|À) (le|les)\b"),
    re.compile(r"\b(de|De|le|la|que) [aeiouéèêâîôûAEIOUÉÈÊÂÎÔÛ]\w*"),
]


def generated_french(lang: str = "fr") -> dict[str, str]:
    """Every text the views generate in French (or ``lang``), by where it comes from."""
    charter, timeline = facts.load_charter(), facts.load_timeline()
    categories, states = facts.load_categories(), facts.load_member_states()
    texts = {
        f"member_state:{iso3}": visible_text(cv.member_state_html(state, lang))
        for iso3, state in states.items()
    }
    texts["glance"] = visible_text(cv.charter_glance_html(charter, lang))
    texts["glance-compact"] = visible_text(cv.charter_glance_html(charter, lang, compact=True))
    texts["articles"] = visible_text(cv.articles_html(charter.articles, charter, lang))
    texts["provisions"] = visible_text(
        cv.provisions_html(charter.provisions_unlocated, charter, lang)
    )
    for correction in charter.corrections:
        texts[f"correction:{correction.id}"] = visible_text(cv.correction_html(correction, lang))
    for m in timeline:
        texts[f"milestone:{m.id}"] = visible_text(
            cv.milestone_html(m, lang, categories, with_title=True)
        )
        texts[f"banner:{m.id}"] = visible_text(
            cv.highlight_banner_html(m, cv.Highlight(m.countries, ("a",)), lang, categories)
        )
    texts["intro"] = cv.timeline_intro(timeline, lang) or ""
    texts["periods"] = " | ".join(cv.period_labels(timeline, charter, lang).values())
    texts["counts"] = " | ".join(cv.timeline_count(n, 79, lang) for n in (0, 1, 2, 1253))
    texts["articles-caption"] = cv.articles_caption(charter, charter.articles[:1], lang)
    texts["as_of"] = " ".join(pick(s.as_of, lang) for s in states.values() if s.as_of)
    return texts


# Correct French of the data where "le"/"les" is a pronoun before a verb, not an article.
PRONOUNS_IN_DATA = ("de les avoir abandonnés",)


def test_no_uncontracted_or_unelided_junction_in_generated_french():
    problems = [
        (where, text[match.start() : match.end() + 20])
        for where, text in generated_french().items()
        for pattern in WRONG
        for match in pattern.finditer(text)
        if not text.startswith(PRONOUNS_IN_DATA, match.start())
    ]
    assert problems == []


URL = re.compile(r"https?://\S+")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_internal_field_or_file_name_reaches_the_reader(lang):
    """Notes speak of what the reader sees ("Provisions reported without an article
    number"), never of data fields (provisions_unlocated, sort_date) or files (.yaml)."""
    leaks = [
        (where, match.group(0))
        for where, text in generated_french(lang).items()
        for match in re.finditer(
            r"\b[a-z]+_[a-z_]+\b|\b[\w/]+\.(?:yaml|md|py)\b", URL.sub("", text)
        )
    ]
    assert leaks == []


def test_member_state_coups_read_as_french():
    states = facts.load_member_states()
    lines = {
        iso3: visible_text(cv.member_state_html(state, "fr")) for iso3, state in states.items()
    }
    assert "26 juillet 2023\u00a0: renversement du président Mohamed Bazoum" in lines["NER"]
    assert (
        "24 mai 2021\u00a0: renversement du président de transition Bah N'Daw et du Premier "
        "ministre Moctar Ouane"
    ) in lines["MLI"]
    assert "18 août 2020\u00a0: renversement du président Ibrahim Boubacar Keïta (" in lines["MLI"]
    assert (
        "30 septembre 2022\u00a0: renversement du lieutenant-colonel Paul-Henri Sandaogo Damiba"
    ) in lines["BFA"]


def test_timeline_sentences_read_as_french():
    charter, timeline = facts.load_charter(), facts.load_timeline()
    assert cv.timeline_intro(timeline, "fr") == (
        "88 étapes, du 3 décembre 1970 au 26 février 2026 (dernière étape vérifiée)."
    )
    assert cv.timeline_intro(timeline, "en") == (
        "88 milestones, from 3 December 1970 to 26 February 2026 (the latest verified one)."
    )
    labels = cv.period_labels(timeline, charter, "fr")
    assert labels["all"] == "Tout (depuis le 3 décembre 1970)"
    assert labels["charter"] == "Depuis la Charte (16 septembre 2023)"
    month = {"date": "2025-06", "date_precision": "month", "sort_date": "2025-06-01"}
    year = {"date": "1970", "date_precision": "year", "sort_date": "1970-01-01"}
    for shape, intro, since in (
        (month, "de juin 2025 à juin 2025", "depuis juin 2025"),
        (year, "de 1970 à 1970", "depuis 1970"),
    ):
        one = [dataclasses.replace(timeline[0], **shape)]
        assert intro in cv.timeline_intro(one, "fr")
        assert since in cv.period_labels(one, charter, "fr")["all"]
    april = [
        dataclasses.replace(
            timeline[0], date="2025-04", date_precision="month", sort_date="2025-04-01"
        )
    ]
    assert "1 étape, d'avril 2025 à avril 2025" in cv.timeline_intro(april, "fr")


def test_unverified_badge_agrees_with_its_noun():
    charter, timeline = facts.load_charter(), facts.load_timeline()
    categories = facts.load_categories()
    unverified = dataclasses.replace(timeline[0], verified=False)
    assert "non vérifiée" in visible_text(cv.milestone_html(unverified, "fr", categories))
    # the one correction is verified since 2026-12-03: the badge is checked on an unverified copy
    correction = dataclasses.replace(charter.corrections[0], verified=False, sources=())
    assert "non vérifiée" in visible_text(cv.correction_html(correction, "fr"))
    article = next(a for a in charter.articles if not a.verified)
    assert "non vérifié" in visible_text(cv.article_html(article, charter, "fr"))
    assert "non vérifiée" not in visible_text(cv.article_html(article, charter, "fr"))
    assert "unverified" in visible_text(cv.milestone_html(unverified, "en", categories))
