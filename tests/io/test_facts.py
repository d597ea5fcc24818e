"""The curated facts in data/facts: shape, sources, languages, and agreement with the shared
fact sheets they were derived from."""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from geo.io import facts
from geo.io.paths import REPO_ROOT
from geo.model.countries import AES_MEMBERS

FACTS_DIR = facts.FACTS_DIR
FILES = ("charter.yaml", "timeline.yaml", "member_states.yaml", "seed_coverage.yaml")
UNVERIFIED_ARTICLES = {9, 12, 13, 14, 15, 16}
SHARED_MILESTONES = 79
ADDED_MILESTONES = {  # added by hand on 2026-12-03 (issue 14), each from sources read that day
    "insurgency-spreads-2015",
    "jnim-formed",
    "mali-bfa-war-warning",
    "niger-expels-french-ambassador",
    "aes-founding-statements",
    "wagner-leaves-mali",
    "burkina-17-regions",
    "aes-television",
    "goita-defence-portfolio",
}
REVISED_MILESTONES = {  # milestones of the shared sheets corrected or given stronger sources
    "somair-nationalised",
    "bfa-ner-quit-g5",
    "alg-expansion-decision",
    "g5-joint-force-launch",
    "algiers-accord-ended",
    "ecowas-exit-effective",
    "minusma-ends",
    "jnim-fuel-blockade",
    "barkhane-ended",
    "g5-dissolution",
    "minusma-established",
    "azawad-independence",
    "tiani-uranium-offer",
    "tinzaouaten",
    "mnla-rebellion-2012",
    "mali-coup-2012",
    "mali-quits-g5",
    "algiers-accord-signed",
}
URL = re.compile(r"^https?://\S+$")


def _shared_dir() -> Path | None:
    for candidate in (Path("/work/shared/facts"), REPO_ROOT.parent / "shared" / "facts"):
        if (candidate / "charter.yaml").is_file() and (candidate / "timeline.yaml").is_file():
            return candidate
    return None


SHARED = _shared_dir()
needs_shared = pytest.mark.skipif(SHARED is None, reason="shared/facts folder is absent")


def _fold(text: str) -> str:
    """``text`` without diacritics, to compare names across spellings."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _raw(name: str) -> dict:
    return yaml.safe_load((FACTS_DIR / name).read_text(encoding="utf-8"))


def _shared(name: str) -> dict:
    assert SHARED is not None
    return yaml.safe_load((SHARED / name).read_text(encoding="utf-8"))


def _is_text(value: object) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"en", "fr"}
        and all(isinstance(v, str) and v.strip() for v in value.values())
    )


# --------------------------------------------------------------------------- whole data set


def test_validate_facts_finds_no_problem():
    assert facts.validate_facts() == []


def test_module_does_not_use_streamlit():
    source = Path(facts.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+streamlit", source, re.MULTILINE)


def test_counts():
    charter = facts.load_charter()
    timeline = facts.load_timeline()
    assert len(charter.articles) == charter.article_count == 17
    assert len(charter.verified_articles) == 11
    assert len(timeline) == SHARED_MILESTONES + len(ADDED_MILESTONES)
    assert {m.id for m in timeline if m.added} == ADDED_MILESTONES
    assert {m.id for m in timeline if m.revised} == REVISED_MILESTONES
    assert set(facts.load_member_states()) == set(AES_MEMBERS)
    assert [p.number for p in facts.load_seed_coverage()] == list(range(1, 15))


# --------------------------------------------------------------------------- dates


def _all_dates():
    charter = facts.load_charter()
    yield "charter.signing_date", charter.signing_date, charter.signing_date_precision
    for m in facts.load_timeline():
        yield f"{m.id}.date", m.date, m.date_precision
        yield f"{m.id}.sort_date", m.sort_date, "day"
        if m.end_date:
            yield f"{m.id}.end_date", m.end_date, "day"
    for iso3, s in facts.load_member_states().items():
        yield f"{iso3}.in_power_since", s.in_power_since, s.in_power_since_precision
        yield f"{iso3}.latest_verified", s.latest_verified, s.latest_verified_precision
        for c in s.coups:
            yield f"{iso3}.coup", c.date, c.precision
        for m in s.milestones:
            yield f"{iso3}.{m.timeline_id}", m.date, m.precision


def test_every_date_parses_at_its_precision():
    checked = 0
    for where, iso, precision in _all_dates():
        assert precision in facts.PRECISIONS, where
        facts.parse_date(iso, precision)  # raises on a bad date
        for lang in ("en", "fr"):
            assert facts.format_date(iso, precision, lang), where
        checked += 1
    assert checked > SHARED_MILESTONES * 2


def test_month_precision_dates_stay_month_precision():
    reduced = {m.id: m for m in facts.load_timeline() if m.date_precision != "day"}
    assert set(reduced) == {
        "fu-aes-hq-niamey",
        "jnim-fuel-blockade",
        "jnim-formed",
        "goita-defence-portfolio",
        "insurgency-spreads-2015",
    }
    for m in reduced.values():
        pattern = r"\d{4}-\d{2}" if m.date_precision == "month" else r"\d{4}"
        assert re.fullmatch(pattern, m.date)
        assert m.sort_date.startswith(m.date)
    # the Somaïr nationalisation is now dated to the day its sources give (19 June 2025)
    somair = next(m for m in facts.load_timeline() if m.id == "somair-nationalised")
    assert (somair.date, somair.date_precision) == ("2025-06-19", "day")


def test_timeline_is_sorted_and_ids_unique():
    timeline = facts.load_timeline()
    assert [m.sort_date for m in timeline] == sorted(m.sort_date for m in timeline)
    ids = [m.id for m in timeline]
    assert len(ids) == len(set(ids))
    timeline.clear()  # callers get their own list
    assert len(facts.load_timeline()) == SHARED_MILESTONES + len(ADDED_MILESTONES)


# --------------------------------------------------------------------------- sources


def _verified_items():
    charter = facts.load_charter()
    for a in charter.articles:
        yield f"article {a.number}", a.verified, a.sources
    for name in ("languages", "depositary", "entry_into_force"):
        value = getattr(charter, name)
        yield f"charter.{name}", value.verified, value.sources
    yield "charter.preamble", charter.preamble_verified, charter.preamble_sources
    yield "charter", True, charter.sources
    yield "charter.signatories", True, charter.signatories_sources
    for p in charter.provisions_unlocated:
        yield f"provision {p.id}", p.found, p.sources
    for k in charter.corrections:
        yield f"correction {k.id}", k.verified, k.sources
    for m in facts.load_timeline():
        yield f"timeline {m.id}", m.verified, m.sources
    for iso3, s in facts.load_member_states().items():
        yield f"member state {iso3}", True, s.sources


def test_every_verified_item_has_an_http_source():
    for where, verified, sources in _verified_items():
        assert all(URL.match(url) for url in sources), where
        if verified:
            assert sources, f"{where} is verified but has no source"


def test_unverified_articles_are_flagged():
    charter = facts.load_charter()
    unverified = {a.number for a in charter.articles if not a.verified}
    assert unverified == UNVERIFIED_ARTICLES
    for number in UNVERIFIED_ARTICLES:
        article = charter.article(number)
        assert article.sources == ()
        assert article.uncertainty is not None
        assert article.themes == ("other",)


def test_provision_without_source_is_marked_not_found():
    provisions = facts.load_charter().provisions_unlocated
    assert len(provisions) == 6
    not_found = [p for p in provisions if not p.found]
    assert [p.id for p in not_found] == ["disputes-and-amendment"]
    assert not_found[0].sources == ()
    assert all(p.sources for p in provisions if p.found)


def test_unverified_charter_metadata_stays_flagged():
    charter = facts.load_charter()
    assert charter.depositary.verified is True
    assert charter.entry_into_force.verified is False
    assert charter.languages.verified is False
    assert charter.preamble_verified is True


# --------------------------------------------------------------------------- languages


def _walk(node, path, found):
    if isinstance(node, dict):
        if "en" in node or "fr" in node:
            found.append((path, node))
            return
        for key, value in node.items():
            _walk(value, f"{path}.{key}", found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(value, f"{path}[{i}]", found)


@pytest.mark.parametrize("name", FILES)
def test_every_text_has_english_and_french(name):
    texts: list = []
    _walk(_raw(name), name, texts)
    if name != "seed_coverage.yaml":  # the seed points are English only, as in the brief
        assert texts
    for path, value in texts:
        assert _is_text(value), path


def test_bilingual_fields_of_the_dataclasses():
    charter = facts.load_charter()
    for name in (
        "name",
        "place",
        "place_notes",
        "preamble_summary",
        "contracting_parties",
        "signing_date_notes",
        "length_note",
    ):
        assert _is_text(getattr(charter, name)), name
    for s in charter.signatories:
        assert _is_text(s.name) and _is_text(s.title_at_signing)
    for a in charter.articles:
        assert _is_text(a.title) and _is_text(a.summary)
        assert a.notes is None or _is_text(a.notes)
    for p in charter.provisions_unlocated:
        assert _is_text(p.provision)
    for theme, label in charter.themes.items():
        assert _is_text(label), theme
    for key, category in facts.load_categories().items():
        assert _is_text(category.label), key
    for m in facts.load_timeline():
        assert _is_text(m.title) and _is_text(m.summary), m.id
        for name in ("place", "notes", "category_note"):
            assert getattr(m, name) is None or _is_text(getattr(m, name)), (m.id, name)
    for s in facts.load_member_states().values():
        for name in (
            "name",
            "capital",
            "head_of_state",
            "title",
            "notes",
            "as_of",
            "latest_verified_note",
        ):
            assert _is_text(getattr(s, name)), (s.iso3, name)
        assert all(_is_text(c.ousted) for c in s.coups)
        assert all(_is_text(m.label) for m in s.milestones)


def test_french_is_not_a_copy_of_english():
    same = [m.id for m in facts.load_timeline() if m.summary["en"] == m.summary["fr"]]
    assert same == []
    assert all(a.summary["en"] != a.summary["fr"] for a in facts.load_charter().articles)


def test_vocabularies_cover_what_is_used():
    charter = facts.load_charter()
    used = {t for a in charter.articles for t in a.themes}
    used |= {t for p in charter.provisions_unlocated for t in p.themes}
    assert used <= set(charter.themes)
    assert {
        "collective-defence",
        "counter-terrorism",
        "institutions",
        "membership",
        "establishment",
        "conflict-prevention",
        "non-aggression",
        "decision-making",
        "withdrawal",
        "entry-into-force",
        "disputes",
        "amendment",
        "other",
    } <= set(charter.themes)
    categories = facts.load_categories()
    assert set(categories) == {
        "alliance",
        "coup",
        "coup-attempt",
        "security",
        "diplomacy",
        "foreign-forces",
        "peace-process",
        "economy",
    }
    assert {m.category for m in facts.load_timeline()} <= set(categories)


# --------------------------------------------------------------------------- format_date


@pytest.mark.parametrize(
    ("iso", "precision", "lang", "expected"),
    [
        ("2023-09-16", "day", "en", "16 September 2023"),
        ("2023-09-16", "day", "fr", "16 septembre 2023"),
        ("2024-07", "month", "en", "July 2024"),
        ("2024-07", "month", "fr", "juillet 2024"),
        ("2015", "year", "en", "2015"),
        ("2015", "year", "fr", "2015"),
        ("2025-08-01", "day", "fr", "1er août 2025"),
        ("2025-08-01", "day", "en", "1 August 2025"),
        ("2025-06-15", "month", "en", "June 2025"),
        ("2024-02", "month", "fr", "février 2024"),
        ("2015-05-15", "year", "fr", "2015"),
        ("2023-12-02", "day", "de", "2 December 2023"),
    ],
)
def test_format_date(iso, precision, lang, expected):
    assert facts.format_date(iso, precision, lang) == expected


@pytest.mark.parametrize(
    ("iso", "precision"),
    [
        ("2023-13-01", "day"),
        ("2023-02-30", "day"),
        ("2024-07", "day"),
        ("2015", "month"),
        ("16/09/2023", "day"),
        ("2023-09-16", "week"),
        ("", "year"),
    ],
)
def test_format_date_rejects_bad_dates(iso, precision):
    with pytest.raises(ValueError):
        facts.format_date(iso, precision, "en")


# --------------------------------------------------------------------------- member states


def test_member_state_shape():
    expected = [
        "iso3",
        "name",
        "capital",
        "head_of_state",
        "title",
        "in_power_since",
        "in_power_since_precision",
        "coups",
        "milestones",
        "latest_verified",
        "sources",
    ]
    assert [f.name for f in fields(facts.MemberState)][: len(expected)] == expected
    assert [f.name for f in fields(facts.Coup)] == ["date", "precision", "ousted", "timeline_id"]
    assert [f.name for f in fields(facts.MembershipMilestone)] == [
        "date",
        "precision",
        "label",
        "timeline_id",
    ]
    states = facts.load_member_states()
    assert list(states) == list(AES_MEMBERS)
    for iso3, s in states.items():
        assert s.iso3 == iso3
        assert isinstance(s.coups, tuple) and isinstance(s.milestones, tuple)
        assert isinstance(s.sources, tuple) and s.sources
        assert [c.date for c in s.coups] == sorted(c.date for c in s.coups)
        assert [m.date for m in s.milestones] == sorted(m.date for m in s.milestones)


def test_member_state_milestones_follow_the_timeline():
    timeline = {m.id: m for m in facts.load_timeline()}
    for iso3, s in facts.load_member_states().items():
        ids = {m.timeline_id: m for m in s.milestones}
        assert {
            "liptako-gourma-charter",
            "ecowas-exit-announced",
            "ecowas-exit-effective",
            "confederation-treaty",
        } <= set(ids)
        assert ids["ecowas-exit-announced"].date == "2024-01-28"
        assert ids["ecowas-exit-effective"].date == "2025-01-29"
        assert ids["confederation-treaty"].date == "2024-07-06"
        g5 = "mali-quits-g5" if iso3 == "MLI" else "bfa-ner-quit-g5"
        assert g5 in ids
        for m in s.milestones:
            target = timeline[m.timeline_id]
            assert (m.date, m.precision) == (target.date, target.date_precision)
            assert iso3 in target.countries
        for c in s.coups:
            assert c.timeline_id in timeline
            assert timeline[c.timeline_id].date == c.date
            assert timeline[c.timeline_id].category == "coup"


def test_coups_of_the_period():
    states = facts.load_member_states()
    assert [c.timeline_id for c in states["MLI"].coups] == ["mali-coup-2020", "mali-coup-2021"]
    assert [c.timeline_id for c in states["BFA"].coups] == [
        "burkina-coup-jan-2022",
        "burkina-coup-sep-2022",
    ]
    assert [c.timeline_id for c in states["NER"].coups] == ["niger-coup-2023"]
    assert states["BFA"].latest_verified_precision == "month"


# --------------------------------------------------------------------------- seed coverage


def test_every_seed_point_is_covered_by_existing_items():
    charter = facts.load_charter()
    timeline = {m.id for m in facts.load_timeline()}
    states = facts.load_member_states()
    charter_fields = {f.name for f in fields(facts.Charter)}
    for point in facts.load_seed_coverage():
        assert point.references, point.number
        assert point.coverage in ("full", "partial")
        assert point.coverage == "full" or point.gaps
        assert set(point.charter) <= charter_fields
        for number in point.articles:
            charter.article(number)
        assert set(point.provisions) <= {p.id for p in charter.provisions_unlocated}
        assert set(point.corrections) <= {k.id for k in charter.corrections}
        assert set(point.timeline) <= timeline, point.number
        for ref in point.member_states:
            iso3, _, field = ref.partition(".")
            assert hasattr(states[iso3], field), ref
        # every point names at least one item that carries a sourced, verified statement
        # or, for point 5, the correction of the brief
        assert point.timeline or point.articles or point.corrections


def test_point_5_references_the_diop_correction():
    point = facts.load_seed_coverage()[4]
    assert point.number == 5
    corrections = {k.id: k for k in facts.load_charter().corrections}
    stated = [corrections[i] for i in point.corrections]
    assert stated, "point 5 must reference the item stating the correct fact"
    correction = stated[0]
    assert "Abdoulaye Diop" in correction.statement["en"]
    assert "foreign minister" in correction.statement["en"]
    assert "Sadio Camara" in correction.statement["en"]
    assert "Abdoulaye Diop" in correction.statement["fr"]
    # the shared facts give no source for it, so it must not pass as verified
    assert correction.verified is bool(correction.sources)


def test_invalid_data_is_reported():
    raws = {name: _raw(name) for name in FILES}
    assert facts.validate_documents(raws) == []

    broken = copy.deepcopy(raws)
    broken["timeline.yaml"]["milestones"][0]["category"] = "gossip"
    broken["timeline.yaml"]["milestones"][1]["date"] = "2010-02-30"
    broken["timeline.yaml"]["milestones"][2]["sources"] = []
    broken["charter.yaml"]["articles"][0]["themes"] = ["astrology"]
    broken["member_states.yaml"]["member_states"]["MLI"]["coups"][0]["timeline_id"] = "nope"
    broken["seed_coverage.yaml"]["points"][0]["timeline"] = ["no-such-milestone"]
    broken["timeline.yaml"]["milestones"][3]["title"] = {"en": "only English"}
    problems = "\n".join(facts.validate_documents(broken))
    assert "unknown category 'gossip'" in problems
    assert "2010-02-30" in problems
    assert "verified but has no source" in problems
    assert "unknown theme 'astrology'" in problems
    assert "dangling timeline id 'nope'" in problems
    assert "timeline:no-such-milestone" in problems
    assert "timeline.yaml: milestones[3].title: needs non-empty 'fr' text" in problems


# --------------------------------------------------------------------------- shared sources


@needs_shared
def test_timeline_matches_shared_source():
    """Every shared milestone is kept; the ones revised by hand only refine a date to the day
    their sources give and keep every shared source; the rest are marked as added."""
    shared = {e["id"]: e for e in _shared("timeline.yaml")["events"]}
    ours = {m.id: m for m in facts.load_timeline()}
    assert set(shared) <= set(ours)
    assert set(ours) - set(shared) == ADDED_MILESTONES
    assert all(ours[mid].added is None for mid in shared)
    for mid, e in shared.items():
        m = ours[mid]
        if m.revised:
            assert m.date.startswith(e["date"]), mid
            assert set(e["sources"]) <= set(m.sources), mid
        else:
            assert m.date == e["date"], mid
            assert m.date_precision == e["date_precision"], mid
            assert m.sort_date == e["sort_date"], mid
            assert m.sources == tuple(e["sources"]), mid
            assert (m.notes is None) == ("notes" not in e), mid
        assert m.end_date == e.get("end_date"), mid
        assert m.verified is e["verified"], mid
        assert m.category == e["category"], mid
        assert m.countries == tuple(e["countries"]), mid


@needs_shared
def test_charter_matches_shared_source():
    shared = _shared("charter.yaml")
    charter = facts.load_charter()
    c = shared["charter"]
    assert charter.signing_date == c["signing_date"]
    assert charter.article_count == c["article_count"]
    assert charter.name == {"en": c["name_en"], "fr": c["name_fr"]}
    assert charter.depositary.verified is c["depositary"]["verified"]
    assert charter.entry_into_force.verified is c["entry_into_force"]["verified"]
    assert charter.languages.verified is c["languages"]["verified"]
    assert charter.preamble_verified is c["preamble_verified"]
    assert charter.sources == tuple(c["sources"])
    assert charter.signatories_sources == tuple(c["signatories_sources"])
    assert [s.country for s in charter.signatories] == [s["country"] for s in c["signatories"]]
    for source_list in (
        charter.depositary.sources,
        charter.entry_into_force.sources,
        charter.preamble_sources,
        charter.ratification_sources,
    ):
        assert set(source_list) <= set(c["sources"])
    articles = {a["number"]: a for a in shared["articles"]}
    assert {a.number for a in charter.articles} == set(articles)
    for a in charter.articles:
        src = articles[a.number]
        assert a.verified is src["verified"], a.number
        assert a.themes == tuple(src["themes"]), a.number
        assert a.sources == tuple(src["sources"]), a.number
        assert (a.notes is None) == ("notes" not in src), a.number
    provisions = shared["provisions_unlocated"]
    assert len(charter.provisions_unlocated) == len(provisions)
    for ours, src in zip(charter.provisions_unlocated, provisions, strict=True):
        assert ours.sources == tuple(src["sources"])
        assert ours.themes == tuple(src["themes"])
        assert ours.found is bool(src["sources"])


@needs_shared
def test_member_states_match_shared_source():
    shared = _shared("charter.yaml")["member_states"]
    for iso3, s in facts.load_member_states().items():
        src = shared[iso3]
        assert s.in_power_since == src["in_power_since"]
        assert s.capital["en"] == src["capital"]
        assert s.name["en"] == src["name"]
        # the English takes the names' diacritics (Goïta, Traoré); otherwise the sheet's words
        assert _fold(s.head_of_state["en"]) == _fold(src["head_of_state"])
        assert s.sources == tuple(src["sources"])
        assert src["latest_verified"].startswith(s.latest_verified)
        assert sorted(c.date for c in s.coups) == sorted(
            c["date"] for c in src["coups_bringing_current_leadership"]
        )


@needs_shared
def test_seed_points_match_shared_brief():
    text = (SHARED / "seed_facts.md").read_text(encoding="utf-8")
    points = dict(re.findall(r"^(\d+)\. (.+)$", text, re.MULTILINE))
    assert len(points) == facts.SEED_POINT_COUNT
    for point in facts.load_seed_coverage():
        assert point.point == points[str(point.number)].strip(), point.number


def test_the_diop_correction_is_sourced_and_read():
    """Its sources were added by hand: each is registered and was opened and read on or after
    the day they were added (2026-12-03), not graded unseen."""
    from geo.io.sources import source_info

    correction = {k.id: k for k in facts.load_charter().corrections}["diop-foreign-minister"]
    assert correction.verified and correction.sources
    for url in correction.sources:
        info = source_info(url)
        assert info is not None, url
        assert info.checked.isoformat() >= "2026-12-03", url


NAMES_WITH_DIACRITICS = (
    "Goïta",
    "Traoré",
    "Keïta",
    "Kaboré",
    "Touré",
    "Compaoré",
    "Diendéré",
    "Maïga",
    "Somaïr",
    "Itté",
    "Tillabéri",
    "Ménaka",
    "Côte d'Ivoire",
)


@pytest.mark.parametrize("name", ["charter.yaml", "timeline.yaml", "member_states.yaml"])
def test_proper_names_keep_their_diacritics_in_both_languages(name):
    texts: list = []
    _walk(_raw(name), name, texts)
    for path, value in texts:
        for lang in ("en", "fr"):
            for proper in NAMES_WITH_DIACRITICS:
                bare = _fold(proper)
                assert not re.search(rf"\b{re.escape(bare)}\b", value[lang]), (path, lang, bare)


def test_added_milestones_are_bilingual_written_texts():
    """The hand-added milestones have their own French (not a copy of the English) and keep
    the names' diacritics in both languages."""
    added = [m for m in facts.load_timeline() if m.added]
    assert {m.id for m in added} == ADDED_MILESTONES
    for m in added:
        for field in (m.title, m.summary):
            assert _is_text(field) and field["en"] != field["fr"], m.id
        assert m.sources, m.id
    founding = next(m for m in added if m.id == "aes-founding-statements")
    for lang in ("en", "fr"):
        assert "Goïta" in founding.summary[lang] and "Abdoulaye Diop" in founding.summary[lang]
    assert "foreign minister" in founding.summary["en"]
    assert "ministère malien des Affaires étrangères" in founding.summary["fr"]


def test_the_code_s_charter_date_is_the_sourced_one() -> None:
    """The one constant of the charter's date (defaults, "since the charter") agrees with
    the charter's sourced signing date."""
    from geo.analysis.measures import DEFAULT_PIVOT
    from geo.model.countries import CHARTER_DATE

    charter = facts.load_charter()
    assert charter.signing_date_precision == "day"
    assert CHARTER_DATE.isoformat() == charter.signing_date == DEFAULT_PIVOT.isoformat()
