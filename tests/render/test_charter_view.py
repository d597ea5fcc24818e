"""The Charter, timeline and member-state views (geo/render/charter.py): filters, unverified
items, the map highlight rule, and escaping of hostile text."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from geo.i18n.catalogue import LANGUAGES, LOCALES_DIR, catalog
from geo.io import facts
from geo.io.events import load_events
from geo.io.facts import Article, Milestone
from geo.render import charter as cv

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def charter() -> facts.Charter:
    return facts.load_charter()


@pytest.fixture(scope="module")
def timeline() -> list[Milestone]:
    return facts.load_timeline()


@pytest.fixture(scope="module")
def categories() -> dict[str, facts.Category]:
    return facts.load_categories()


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events().events


def milestone(
    id_: str = "m",
    date: str = "2023-07-26",
    category: str = "coup",
    countries: tuple[str, ...] = ("NER",),
    **kw,
) -> Milestone:
    values = {
        "id": id_,
        "date": date,
        "date_precision": kw.pop("precision", "day"),
        "sort_date": kw.pop("sort_date", date if len(date) == 10 else f"{date}-01"),
        "title": {"en": f"Title {id_}", "fr": f"Titre {id_}"},
        "summary": {"en": "Summary", "fr": "Résumé"},
        "countries": countries,
        "category": category,
        "verified": kw.pop("verified", True),
        "sources": kw.pop("sources", ("https://example.org/a",)),
    }
    values.update(kw)
    return Milestone(**values)


def event_frame(rows: list[tuple]) -> pd.DataFrame:
    """id, layer, country, date, date_end, verified."""
    df = pd.DataFrame(rows, columns=["id", "layer", "country_iso3", "date", "date_end", "verified"])
    df["date"] = pd.to_datetime(df["date"])
    df["date_end"] = pd.to_datetime(df["date_end"])
    return df


# --------------------------------------------------------------------------- module rules


def test_module_does_not_use_streamlit():
    source = Path(cv.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+streamlit", source, re.MULTILINE)


def test_locale_file_is_complete_and_bilingual():
    entries = yaml.safe_load((LOCALES_DIR / "facts.yaml").read_text(encoding="utf-8"))
    for key, value in entries.items():
        assert isinstance(key, str)
        assert set(value) == set(LANGUAGES), key
        for text in value.values():  # one text, or plural forms (one/other)
            forms = text.values() if isinstance(text, dict) else [text]
            assert all(isinstance(v, str) and v.strip() for v in forms), key
    assert set(entries) <= set(catalog())  # loads with the other files, no duplicate key


# --------------------------------------------------------------------------- charter


def test_theme_filter(charter):
    assert [a.number for a in cv.articles_for_theme(charter, None)] == list(range(1, 18))
    assert [a.number for a in cv.articles_for_theme(charter, cv.ALL)] == list(range(1, 18))
    assert [a.number for a in cv.articles_for_theme(charter, "collective-defence")] == [2, 5, 6, 7]
    assert [a.number for a in cv.articles_for_theme(charter, "membership")] == [11]
    assert cv.articles_for_theme(charter, "withdrawal") == ()
    assert [p.id for p in cv.provisions_for_theme(charter, "withdrawal")] == ["withdrawal-notice"]
    assert len(cv.provisions_for_theme(charter, None)) == 6
    options = cv.theme_options(charter)
    assert options[0] == "establishment" and "disputes" in options


def test_unverified_articles_are_shown_as_not_verified_and_not_filled_in(charter):
    unverified = [a for a in charter.articles if not a.verified]
    assert [a.number for a in unverified] == [9, 12, 13, 14, 15, 16]
    for article in unverified:
        assert cv.article_label(article, "en") == f"Article {article.number} — Content not verified"
        assert cv.article_label(article, "fr") == f"Article {article.number} — Contenu non vérifié"
        html = cv.article_html(article, charter, "en")
        assert 'data-verified="false"' in html
        assert 'class="badge unverified"' in html
        assert "<a " not in html
        # the data's speculative summary is not shown as content
        assert "unanimity" not in html and "provisions_unlocated" not in html


def test_unverified_article_content_is_never_rendered(charter):
    secret = Article(
        number=9,
        title={"en": "Secret title", "fr": "Titre secret"},
        summary={"en": "Secret content", "fr": "Contenu secret"},
        themes=("other",),
        verified=False,
        sources=(),
    )
    html = cv.article_html(secret, charter, "en")
    assert "Secret" not in html and "Content not verified" in html


def test_verified_article_has_summary_themes_and_sources(charter):
    html = cv.article_html(charter.article(6), charter, "fr")
    assert "Article 6 — Attaque contre un, attaque contre tous" in html
    assert "Thèmes\u00a0: Défense collective" in html
    assert 'href="https://tchadinfos.com/' in html
    assert "badge" not in html


def test_provision_not_found_is_labelled(charter):
    html = cv.provisions_html(charter.provisions_unlocated, charter, "en")
    assert html.count('class="provision"') == 6
    assert 'data-id="disputes-and-amendment" data-found="false"' in html
    assert "not found in any source read" in html
    assert "Reported by sources without an article number" in html


def test_charter_at_a_glance(charter):
    html = cv.charter_glance_html(charter, "en")
    assert "16 September 2023, Bamako, Mali" in html
    assert html.count("<li data-country=") == 3
    assert "President of the Transition, Head of State of Mali" in html
    assert "Republic of Mali" in html
    # entry into force is unverified in the data: flagged next to it
    assert re.search(r"On signature \(reported\)<span class=\"badge unverified\"", html)
    assert re.search(r"Republic of Mali<span class=\"badge", html) is None  # verified
    assert "collective defence and mutual support" in html  # purpose, Article 2
    fr = cv.charter_glance_html(charter, "fr", compact=True)
    assert "16 septembre 2023, Bamako (Mali)" in fr
    assert 'À la signature (rapporté)<span class="badge unverified"' in fr
    assert "<table" not in fr  # stacked for the narrow side column


def test_diop_correction_shows_its_verified_status_and_sources(charter):
    """Sourced on 2026-12-03 (Seneweb, Maliweb, an AFP copy): shown verified, with its
    sources; the same correction without sources would show as not verified."""
    (correction,) = [c for c in charter.corrections if c.id == "diop-foreign-minister"]
    html = cv.correction_html(correction, "en")
    assert 'data-verified="true"' in html and "badge" not in html
    assert "Abdoulaye Diop was Mali&#x27;s foreign minister" in html
    assert "Sadio Camara" in html
    assert "seneweb.com" in html and "maliweb.net" in html
    unsourced = dataclasses.replace(correction, verified=False, sources=())
    html = cv.correction_html(unsourced, "en")
    assert 'data-verified="false"' in html
    assert "Correction reported, not verified" in html
    assert "No source is recorded" in html


def test_what_followed_comes_from_the_timeline(timeline, categories):
    items = cv.what_followed(timeline)
    ids = [m.id for m in items]
    assert ids == sorted(ids, key=lambda i: next(m.sort_date for m in items if m.id == i))
    by_id = {m.id: m for m in items}
    assert by_id["confederation-treaty"].date == "2024-07-06"
    assert by_id["ecowas-exit-announced"].date == "2024-01-28"
    assert by_id["ecowas-exit-effective"].date == "2025-01-29"
    assert "fu-aes-launch" in by_id and "aes-joint-force-announced" in by_id
    assert all(m.sources for m in items)
    html = cv.what_followed_html(items, "en", categories)
    assert "6 July 2024" in html and "AES becomes a confederation" in html
    assert cv.what_followed(timeline, ("no-such-id", "confederation-treaty"))[0].id == (
        "confederation-treaty"
    )


def test_every_what_followed_id_is_a_milestone(timeline):
    """The ids the Charter page names are timeline ids (what_followed skips a missing one
    silently, so a renamed milestone would just vanish from the page)."""
    assert {m.id for m in timeline} >= set(cv.WHAT_FOLLOWED_IDS)
    assert len(cv.what_followed(timeline)) == len(cv.WHAT_FOLLOWED_IDS)


def test_member_state_card(categories):
    states = facts.load_member_states()
    html = cv.member_state_html(states["NER"], "en")
    assert 'data-iso3="NER"' in html
    assert "26 July 2023: ousted President Mohamed Bazoum" in html
    assert 'data-timeline="bfa-ner-quit-g5"' in html  # G5 Sahel exit
    assert 'data-timeline="ecowas-exit-effective"' in html
    bfa = cv.member_state_html(states["BFA"], "fr")
    assert "Dernière source confirmant le dirigeant en fonction\u00a0: février 2026" in bfa
    assert "2026-02" not in bfa  # month precision, not a raw ISO string


# --------------------------------------------------------------------------- timeline


def test_filter_timeline_by_category_country_period_and_verified():
    ms = [
        milestone("a", "2010-02-18", "coup", ("NER",)),
        milestone("b", "2023-09-16", "alliance", ("MLI", "BFA", "NER")),
        milestone("c", "2024-08-05", "foreign-forces", ("NER", "USA")),
        milestone("d", "2025-01-01", "coup", ("MLI",), verified=False),
    ]
    ids = lambda xs: [m.id for m in xs]  # noqa: E731
    assert ids(cv.filter_timeline(ms)) == ["a", "b", "c"]
    assert ids(cv.filter_timeline(ms, include_unverified=True)) == ["a", "b", "c", "d"]
    assert ids(cv.filter_timeline(ms, ["coup"])) == ["a"]
    assert ids(cv.filter_timeline(ms, ["coup"], include_unverified=True)) == ["a", "d"]
    assert ids(cv.filter_timeline(ms, countries=["USA"])) == ["c"]
    assert ids(cv.filter_timeline(ms, countries=["MLI", "USA"])) == ["b", "c"]
    assert ids(cv.filter_timeline(ms, ["alliance", "coup"], ["NER"])) == ["a", "b"]
    assert ids(cv.filter_timeline(ms, since="2023-09-16")) == ["b", "c"]
    assert cv.filter_timeline(ms, ["economy"]) == []


def test_filters_on_real_timeline(timeline, charter):
    # 79 milestones of the shared sheets and 8 verified ones added on 2026-12-03; the
    # unverified one (Goïta's defence portfolio) is left out by default
    assert len(cv.filter_timeline(timeline)) == 87
    assert len(cv.filter_timeline(timeline, include_unverified=True)) == 88
    coups = cv.filter_timeline(timeline, ["coup"])
    assert len(coups) == 13 and all(m.category == "coup" for m in coups)
    niger_coups = cv.filter_timeline(timeline, ["coup"], ["NER"])
    assert [m.id for m in niger_coups] == ["niger-coup-2010", "niger-coup-2023", "tiani-sworn-in"]
    since = cv.period_start("charter", charter)
    assert since == "2023-09-16"
    assert cv.filter_timeline(timeline, since=since)[0].id == "liptako-gourma-charter"
    assert cv.period_start("all", charter) is None
    assert cv.period_start("2010", charter) == "2010-01-01"


def test_timeline_countries_puts_members_first_then_sorts_by_name(timeline):
    countries = cv.timeline_countries(timeline, "en")
    assert countries[:3] == ["MLI", "BFA", "NER"]
    # Algeria, Chad, France, Mauritania, Russia (Wagner's departure), United States
    assert countries[3:] == ["DZA", "TCD", "FRA", "MRT", "RUS", "USA"]
    french = cv.timeline_countries(timeline, "fr")
    # Algérie, États-Unis (among the E's, accent ignored), France, Mauritanie, Russie, Tchad
    assert french[3:] == ["DZA", "USA", "FRA", "MRT", "RUS", "TCD"]


def test_countries_are_named_in_the_reader_language_never_as_codes():
    assert cv.country_name("FRA", "en") == "France"
    assert cv.country_name("USA", "fr") == "États-Unis"
    assert cv.country_name("NER", "fr") == "Niger"
    # any ISO country, not only those the map draws or a locale file lists
    assert cv.country_name("GAB", "fr") == "Gabon"
    assert cv.country_name("RUS", "fr") == "Russie"
    assert cv.country_name("CHN", "en") == "China"
    assert cv.country_list(("RUS", "TUR", "DEU"), "fr") == "Russie, Turquie, Allemagne"
    banner = cv.highlight_banner_html(
        milestone(countries=("NER", "RUS")), cv.Highlight(("NER",), ()), "fr", {}
    )
    assert "Niger, Russie." in banner and "RUS" not in banner.split("data-events")[1]


def test_dates_follow_their_precision(timeline):
    by_id = {m.id: m for m in timeline}
    assert cv.milestone_date_label(by_id["somair-nationalised"], "fr") == "19 juin 2025"
    assert cv.milestone_date_label(by_id["jnim-formed"], "fr") == "mars 2017"
    assert cv.milestone_date_label(by_id["insurgency-spreads-2015"], "en") == "2015"
    assert cv.milestone_date_label(by_id["tinzaouaten"], "en") == "25 July 2024 – 27 July 2024"
    assert cv.milestone_label(by_id["niger-coup-2023"], "en").startswith("26 July 2023 — ")


def test_chart_spec(timeline, categories):
    frame = cv.timeline_frame(timeline, "fr", categories)
    assert len(frame) == 88 and frame["date"].is_monotonic_increasing
    spec = cv.timeline_chart(frame, "fr", categories).to_dict()
    names = [p["name"] for p in spec["params"]]
    assert cv.CHART_SELECTION in names
    point = next(p for p in spec["params"] if p["name"] == cv.CHART_SELECTION)
    assert point["select"]["type"] == "point" and point["select"]["fields"] == ["id"]
    tooltip = [t["field"] for t in spec["encoding"]["tooltip"]]
    assert tooltip == ["date_label", "title", "category_label", "countries"]
    assert spec["encoding"]["y"]["field"] == "category_label"
    assert spec["encoding"]["color"]["field"] == "category_label"
    assert "Coup d'État" in spec["encoding"]["y"]["scale"]["domain"]
    # the longest French category name fits in its label width (Vega cuts at 180 px)
    assert spec["encoding"]["y"]["axis"]["labelLimit"] >= 220
    one = cv.timeline_chart(frame[frame["category"] == "coup"], "en", categories).to_dict()
    assert one["encoding"]["y"]["scale"]["domain"] == ["Coup"]  # only present rows


def test_selected_milestone_id():
    state = {"selection": {cv.CHART_SELECTION: [{"id": "niger-coup-2023"}]}}
    assert cv.selected_milestone_id(state) == "niger-coup-2023"
    assert cv.selected_milestone_id(state["selection"]) == "niger-coup-2023"
    assert cv.selected_milestone_id({"selection": {cv.CHART_SELECTION: {"id": ["x"]}}}) == "x"
    assert cv.selected_milestone_id({"selection": {cv.CHART_SELECTION: []}}) is None
    assert cv.selected_milestone_id({"selection": {cv.CHART_SELECTION: {}}}) is None
    assert cv.selected_milestone_id(None) is None
    assert cv.selected_milestone_id(state, known=["other"]) is None


# --------------------------------------------------------------------------- highlight


def test_highlight_on_hand_built_data():
    events = event_frame(
        [
            ("COUP", "coup-successful", "NER", "2023-07-26", "2023-07-26", True),
            ("COUP-NEXT-DAY", "coup-successful", "NER", "2023-07-27", "2023-07-27", True),
            ("COUP-LATE", "coup-successful", "NER", "2023-07-29", "2023-07-29", True),
            ("COUP-MLI", "coup-successful", "MLI", "2023-07-26", "2023-07-26", True),
            ("COUP-UNVERIFIED", "coup-successful", "NER", "2023-07-26", "2023-07-26", False),
            ("PLOT", "coup-plot", "NER", "2023-07-26", "2023-07-26", True),
            ("ATTACK", "insurgency", "NER", "2023-07-26", "2023-07-26", True),
        ]
    )
    coup = milestone("coup", "2023-07-26", "coup", ("NER", "FRA"))
    assert cv.timeline_highlight(coup, events, ["MLI", "BFA", "NER"]) == cv.Highlight(
        countries=("NER",), event_ids=("COUP", "COUP-NEXT-DAY")
    )
    assert cv.timeline_highlight(coup, events, None).countries == ("NER", "FRA")
    security = milestone("sec", "2023-07-26", "security", ("NER",))
    assert cv.timeline_highlight(security, events).event_ids == ("ATTACK",)
    alliance = milestone("all", "2023-07-26", "alliance", ("NER",))
    assert cv.timeline_highlight(alliance, events) == cv.Highlight(("NER",), ())
    assert cv.timeline_highlight(coup, None) == cv.Highlight(("NER", "FRA"), ())
    assert cv.timeline_highlight(coup, events.iloc[0:0]).event_ids == ()


def test_highlight_announcement_lag_only_for_coup_attempts():
    events = event_frame(
        [
            ("PLOT", "coup-plot", "BFA", "2025-04-16", "2025-04-16", True),
            ("OLD-PLOT", "coup-plot", "BFA", "2025-04-10", "2025-04-10", True),
            ("AFTER", "coup-attempted", "BFA", "2025-04-25", "2025-04-25", True),
        ]
    )
    announced = milestone("plot", "2025-04-21", "coup-attempt", ("BFA",))
    assert cv.timeline_highlight(announced, events).event_ids == ("PLOT",)
    coup = milestone("coup", "2025-04-21", "coup", ("BFA",))
    assert cv.timeline_highlight(coup, events).event_ids == ()


def test_highlight_month_precision_and_ranges():
    events = event_frame(
        [
            ("IN-MONTH", "insurgency", "MLI", "2025-09-20", "2025-09-20", True),
            ("NEXT-MONTH", "insurgency", "MLI", "2025-10-05", "2025-10-05", True),
            ("RANGE", "insurgency", "MLI", "2025-08-20", "2025-09-02", True),
        ]
    )
    month = milestone(
        "m", "2025-09", "security", ("MLI",), precision="month", sort_date="2025-09-01"
    )
    assert cv.milestone_span(month) == (
        pd.Timestamp("2025-09-01").date(),
        pd.Timestamp("2025-09-30").date(),
    )
    assert cv.timeline_highlight(month, events).event_ids == ("RANGE", "IN-MONTH")
    ranged = milestone("r", "2025-08-28", "security", ("MLI",), end_date="2025-08-30")
    assert cv.timeline_highlight(ranged, events).event_ids == ("RANGE",)


def test_highlight_on_real_data(timeline, events):
    by_id = {m.id: m for m in timeline}
    aes = ["MLI", "BFA", "NER"]
    niger = cv.timeline_highlight(by_id["niger-coup-2023"], events, aes)
    assert niger.countries == ("NER",)
    if "NER-2023-07-26-COUP" in set(events["id"]):
        assert niger.event_ids == ("NER-2023-07-26-COUP",)
    assert cv.timeline_highlight(by_id["burkina-plot-apr-2025"], events).event_ids == (
        "BFA-2025-04-16-PLOT",
    )
    assert cv.timeline_highlight(by_id["tinzaouaten"], events).event_ids == (
        "MLI-2024-07-25-TINZAOUATEN",
    )
    # post-coup consolidation steps and non-violent categories match no event
    for mid in (
        "goita-sworn-in-2021",
        "tiani-sworn-in",
        "liptako-gourma-charter",
        "confederation-treaty",
        "ecowas-exit-effective",
    ):
        assert cv.timeline_highlight(by_id[mid], events).event_ids == ()
    assert cv.timeline_highlight(by_id["liptako-gourma-charter"], events, aes).countries == (
        "MLI",
        "BFA",
        "NER",
    )
    assert cv.timeline_highlight(by_id["barkhane-ended"], events, aes).countries == ()
    # every match names one of the milestone's countries with a compatible layer
    indexed = events.set_index("id")
    for m in timeline:
        for event_id in cv.timeline_highlight(m, events).event_ids:
            row = indexed.loc[event_id]
            assert row["country_iso3"] in m.countries
            assert row["layer"] in cv.EVENT_LAYERS_FOR_CATEGORY[m.category]


def test_highlight_for_id(timeline, events, categories):
    assert cv.highlight_for_id("no-such-milestone", timeline, events) is None
    assert cv.highlight_for_id(None, timeline, events) is None
    found = cv.highlight_for_id("niger-coup-2023", timeline, events, ["NER"])
    assert found is not None and found.countries == ("NER",)
    m = cv.milestone_by_id(timeline, "niger-coup-2023")
    banner = cv.highlight_banner_html(m, found, "fr", categories)
    assert 'data-milestone="niger-coup-2023"' in banner and 'data-countries="NER"' in banner
    assert "26 juillet 2023" in banner


# --------------------------------------------------------------------------- escaping


def test_hostile_text_is_escaped(charter, categories):
    bad = {"en": HOSTILE, "fr": HOSTILE}
    m = milestone(
        'x"><script>',
        "2023-07-26",
        "coup",
        ("NER",),
        title=bad,
        summary=bad,
        place=bad,
        notes=bad,
        sources=("javascript:alert(1)", "https://ok.example/"),
    )
    article = Article(
        number=1,
        title=bad,
        summary=bad,
        themes=("establishment",),
        verified=True,
        sources=("javascript:alert(1)",),
        notes=bad,
    )
    hostile_charter = dataclasses.replace(charter, name=bad, place=bad, articles=(article,))
    state = dataclasses.replace(
        facts.load_member_states()["NER"], name=bad, capital=bad, head_of_state=bad
    )
    htmls = [
        cv.milestone_html(m, "en", categories, with_title=True),
        cv.highlight_banner_html(m, cv.Highlight(("NER",), ("E<1>",)), "en", categories),
        cv.article_html(article, charter, "en"),
        cv.articles_html((article,), charter, "en"),
        cv.charter_glance_html(hostile_charter, "en"),
        cv.member_state_html(state, "en"),
    ]
    for html in htmls:
        assert "<script" not in html and "<img" not in html
        assert 'href="javascript' not in html
    assert "&lt;script&gt;" in htmls[0]
    assert 'href="https://ok.example/"' in htmls[0]
    frame = cv.timeline_frame([m], "en", categories)
    assert frame.loc[0, "title"] == HOSTILE  # raw for Vega tooltips (rendered as text)


def test_labels_escape_markdown():
    label = cv.md_escape("[click](https://evil.example) **bold**")
    assert "\\[click\\]\\(https" in label and "\\*\\*bold\\*\\*" in label


def test_time_axis_labels_months_in_the_reader_language():
    short = pd.Series(pd.to_datetime(["2023-01-01", "2024-06-01"]))
    fr = cv.time_axis(short, "fr").to_dict()
    assert '"janvier", "février"' in fr["labelExpr"] and '"août"' in fr["labelExpr"]
    assert '"sept."' in fr["labelExpr"]  # a day's label: "16 sept."
    assert '"January"' in cv.time_axis(short, "en").to_dict()["labelExpr"]
    assert fr["tickCount"] == 6  # about one a quarter
    long = pd.Series(pd.to_datetime(["2012-01-01", "2024-06-01"]))
    years = cv.time_axis(long, "fr").to_dict()
    # a number, not a fixed interval, so Vega picks finer ticks when the reader zooms in
    assert years["tickCount"] == 13 and "timeFormat(datum.value, '%Y')" in years["labelExpr"]


def test_counts_use_plural_forms_and_the_reader_number_format(charter):
    m = milestone()
    one = cv.highlight_banner_html(m, cv.Highlight(("NER",), ("a",)), "fr", {})
    assert "sélection\u00a0: 1 événement correspondant sur la carte." in one
    many = cv.highlight_banner_html(m, cv.Highlight(("NER",), tuple("abc")), "en", {})
    assert "selected: 3 matching events on the map." in many
    assert "event(s)" not in many
    article = next(a for a in charter.articles if a.verified and len(a.sources) == 1)
    assert "<summary>1 source</summary>" in cv.article_body_html(article, charter, "en")
    several = next(a for a in charter.articles if a.verified and len(a.sources) > 1)
    assert f"<summary>{len(several.sources)} sources</summary>" in cv.article_body_html(
        several, charter, "fr"
    )
    assert "17 articles" in cv.charter_glance_html(charter, "fr")
    assert cv.timeline_count(1253, 2000, "fr") == "1\u202f253 étapes affichées sur 2\u202f000."
    assert cv.timeline_count(0, 79, "fr") == "0 étape affichée sur 79."
    assert cv.timeline_count(1, 79, "en") == "1 of 79 milestones shown."


@pytest.mark.parametrize(
    ("iso3", "ids"),
    [
        ("MLI", ["wagner-leaves-mali", "goita-mandate-law", "aes-television"]),
        ("BFA", ["burkina-17-regions", "aes-second-summit"]),
        ("NER", ["somair-nationalised", "tiani-uranium-offer"]),
    ],
)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_member_card_lists_what_happened_since_mid_2025(iso3, ids, lang):
    state = facts.load_member_states()[iso3]
    html = cv.member_state_html(state, lang)
    heading = "Since mid-2025" if lang == "en" else "Depuis la mi-2025"
    assert f"<h5>{heading}</h5>" in html
    section = html.split(f"<h5>{heading}</h5>")[1].split("</ul>")[0]
    assert re.findall(r'data-timeline="([^"]+)"', section) == ids
    assert all(m.date >= "2025-06" for m in state.recent)
