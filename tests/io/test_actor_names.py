"""The curated actors' and victims' names in English and French (data/events/actor_names.yaml).

Issue 14, item 1: every curated text exists in both languages, actor display names included;
a curated name without either language fails here (and stops scripts/build_events.py).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import yaml

from geo.io import actors as ac
from geo.io.events import load_events
from geo.io.eventtexts import french_texts
from geo.model.events import split_actors

# Proper names whose diacritics the issue names (Goïta, Traoré, Keïta) and the other ones the
# curated texts write (tests/io/test_facts.py checks the facts' texts for the same list).
NAMES_WITH_DIACRITICS = (
    "Goïta",
    "Traoré",
    "Keïta",
    "Kaboré",
    "Touré",
    "Compaoré",
    "Diendéré",
    "Somaïr",
    "Dembélé",
    "Déby",
    "Condé",
    "Embaló",
    "Júnior",
    "São Tomé",
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "actor_names.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def curated() -> pd.DataFrame:
    events = load_events().events
    return events[events["dataset"] == "curated"]


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return yaml.safe_load(ac.NAMES_FILE.read_text(encoding="utf-8"))["names"]


def _written(curated: pd.DataFrame) -> dict[str, None]:
    """Every name the curated events write, once, in the events' order."""
    return {name: None for text in curated["actors"] for name in split_actors(text)}


# --- the loader -------------------------------------------------------------------------------


def test_loader_reads_english_and_french(tmp_path):
    french = ac.read_names(
        _write(tmp_path, 'names:\n  - {en: "Dogon  civilians", fr: "civils dogons", note: x}\n')
    )
    assert french == {"Dogon civilians": "civils dogons"}  # white space collapsed
    table = ac.ActorAliases(french=french)
    assert table.written("Dogon civilians", "fr") == "civils dogons"
    assert table.written("Dogon civilians", "en") == "Dogon civilians"
    assert table.written("DOGON civilians", "fr") == "DOGON civilians"  # exact names only
    assert table.display("Dogon civilians", "fr") == "civils dogons"
    assert ac.read_names(tmp_path / "absent.yaml") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("names: {}", "actor_names.yaml: 'names' must be a list"),
        ("other: []", "actor_names.yaml: unknown field(s) other"),
        ("names:\n  - {en: A}\n", "names[0] (A): field 'fr' is missing"),
        ("names:\n  - {fr: A}\n", "names[0]: field 'en' is missing"),
        ('names:\n  - {en: A, fr: ""}\n', "names[0] (A): field 'fr' is missing"),
        ("names:\n  - {en: A, fr: B, why: x}\n", "names[0]: unknown field(s) why"),
        ("names:\n  - {en: A, fr: B}\n  - {en: A, fr: C}\n", "names[1] (A): the name is listed"),
        (
            "names:\n  - {en: A, fr: B}\n  - {en: C, fr: B}\n",
            "names[1] (C): the French 'B' is also that of 'A'",
        ),
    ],
)
def test_a_defective_table_is_refused_naming_the_entry(tmp_path, text, message):
    with pytest.raises(ac.ActorAliasError, match=re.escape(message)):
        ac.read_names(_write(tmp_path, text))


# --- the project's table ------------------------------------------------------------------------


def test_every_curated_actor_and_victim_name_has_english_and_french(curated, entries):
    """The completeness test of issue 14 item 1 for actor names: each name a curated event
    writes has an entry with both languages, and no entry is left for a name no event writes."""
    listed = {ac.written_key(e["en"]): e for e in entries}
    lacking = [
        name
        for name in _written(curated)
        if not str((listed.get(ac.written_key(name)) or {}).get("fr") or "").strip()
        or not str((listed.get(ac.written_key(name)) or {}).get("en") or "").strip()
    ]
    assert lacking == []
    stale = set(listed) - {ac.written_key(n) for n in _written(curated)}
    assert stale == set()
    assert len(entries) == len(listed)  # each name once


def test_the_loaded_table_is_the_projects(entries):
    table = ac.aliases()
    assert table.problem == ""
    assert len(table.french) == len(entries)
    assert table.written("President Mohamed Bazoum", "fr") == "le président Mohamed Bazoum"
    assert table.display("Dogon civilians", "fr") == "civils dogons"
    assert table.display("displaced civilians", "fr") == "civils déplacés"
    assert table.display("Jihadists (ISGS or JNIM suspected)", "fr") == (
        "jihadistes (EIGS ou JNIM soupçonnés)"
    )
    # a group is shown under its own name in each language
    assert table.display("Malian Armed Forces (FAMa)", "fr") == "Forces armées maliennes (FAMa)"
    assert table.display("Malian Armed Forces (FAMa)", "en") == "Malian Armed Forces (FAMa)"
    # English pages are unchanged; an imported name that is not listed stays as written
    assert table.display("Dogon civilians", "en") == "Dogon civilians"
    assert table.display("Civilians (Mali)", "fr") == "Civilians (Mali)"
    assert table.display("Civilians", "fr") == "Civilians"  # UCDP's, not the curated "civilians"


def test_french_labels_keep_the_rankings_apart(curated):
    """The rankings count by canonical name and label it in the reader's language: two
    canonical names must never read the same, or a French chart would merge their bars."""
    table = ac.aliases()
    canonical = {table.canonical(n) for n in _written(curated)}
    for lang in ("en", "fr"):
        labels = [ac.name_key(table.display(c, lang)) for c in canonical]
        doubled = sorted({label for label in labels if labels.count(label) > 1})
        assert doubled == [], lang


def test_descriptive_names_are_written_in_french(entries):
    """A name with English words in it (not only proper names and acronyms) has its own
    French wording, not the English copied."""
    english_word = re.compile(r"(?<![\w'-])[a-z]{2,}\b|\b(?:President|Government|Armed|Forces)\b")
    same_in_french = {"police"}
    copied = [
        e["en"]
        for e in entries
        if english_word.search(e["en"]) and e["fr"] == e["en"] and e["en"] not in same_in_french
    ]
    assert copied == []


def test_proper_names_keep_their_diacritics_in_both_languages(curated, entries):
    for entry in entries:
        for lang in ("en", "fr"):
            for proper in NAMES_WITH_DIACRITICS:
                bare = _fold(proper)
                assert not re.search(rf"\b{re.escape(bare)}\b", entry[lang]), (entry["en"], lang)
    written = " ".join(entries[i][lang] for i in range(len(entries)) for lang in ("en", "fr"))
    for proper in ("Goïta", "Traoré", "Keïta"):
        assert proper in written


@pytest.mark.parametrize(("other", "used"), [("Tchiani", "Abdourahamane Tiani"), ("Ndaw", "N'Daw")])
def test_a_name_is_written_one_way_in_each_language(curated, entries, other, used):
    """Tiani and Bah N'Daw in English and in French, as the app's other texts write them
    (the header of actor_names.yaml and curation.yaml say why); the other spelling is left
    only in source URLs and titles."""
    french = french_texts()
    texts = {
        "en": [*curated["actors"], *curated["summary"], *(e["en"] for e in entries)],
        "fr": [
            *(french[i][1] for i in curated["id"]),
            *(french[i][0] for i in curated["id"]),
            *(e["fr"] for e in entries),
        ],
    }
    for lang, values in texts.items():
        assert not [v for v in values if re.search(rf"\b{other}\b", v)], lang
        assert any(used in v for v in values), lang


# --- the build ---------------------------------------------------------------------------------


def test_the_build_stops_on_a_curated_name_without_french(tmp_path):
    from tests.io.test_events import FR_ONLY, build_module, event, write_curation, write_sheet

    build_events = build_module()
    source = write_sheet(
        build_events, tmp_path / "facts.csv", [(event(id="MLI-2020-08-18-COUP"), "true")]
    )
    curation = write_curation(tmp_path / "curation.yaml", FR_ONLY)
    names = _write(tmp_path, 'names:\n  - {en: "A", fr: "A (fr)"}\n')
    out = tmp_path / "out"
    args = [str(source), "--curation", str(curation), "--names", str(names), "--out-dir", str(out)]
    with pytest.raises(SystemExit, match=re.escape("no English and French display name for 'B'")):
        build_events.main(args)
    assert not (tmp_path / "out").exists()  # nothing written
