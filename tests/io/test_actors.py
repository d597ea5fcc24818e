"""The actor alias table (data/events/actor_aliases.yaml), names and victims."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.analysis.filters import filter_mask
from geo.io import actors as ac
from geo.io.events import actor_lists, actor_pairs, load_events
from geo.model.events import split_actors
from geo.model.filters import EventFilter


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
groups:
  - key: jnim
    name_en: JNIM
    name_fr: JNIM (GSIM)
    aliases: [JNIM (suspected), Katiba Macina / JNIM]
    sources:
      - url: https://example.org/jnim
        checked: 2026-12-03
victims:
  - name: SEMAFO convoy
"""


def test_loader_reads_groups_sources_and_victims(tmp_path):
    table = ac.read_aliases(_write(tmp_path, GOOD))
    (group,) = table.groups
    assert group.sources[0].checked == dt.date(2026, 12, 3)
    assert table.canonical("jnim  (Suspected)") == "JNIM"  # case and spaces do not matter
    assert table.canonical("Katiba Macina / JNIM") == "JNIM"
    assert table.canonical("JNIM: Group for Support of Islam and Muslims") == (
        "JNIM: Group for Support of Islam and Muslims"
    )  # unknown names pass unchanged
    assert table.display("JNIM", "fr") == "JNIM (GSIM)"
    assert table.display("Wagner", "fr") == "Wagner"  # no group of that name
    assert table.is_victim("SEMAFO convoy") and table.is_victim("Civilians (Mali)")
    assert not table.is_victim("JNIM") and not table.is_victim("Civilian JTF")


@pytest.mark.parametrize(
    "text, message",
    [
        ("groups: {}", "aliases.yaml: 'groups' must be a list"),
        ("nonsense: []", "aliases.yaml: unknown field(s) nonsense"),
        (
            "groups:\n  - key: a\n    name_en: A\n    name_fr: A\n    aliases: [x]\n",
            "aliases.yaml: groups[0] (a): 'sources' must list at least one source",
        ),
        (
            "groups:\n  - key: a\n    name_en: A\n    aliases: [x]\n"
            "    sources: [{url: 'https://e.org', checked: 2026-01-01}]\n",
            "aliases.yaml: groups[0] (a): field 'name_fr' is missing",
        ),
        (
            "groups:\n  - key: a\n    name_en: A\n    name_fr: A\n    aliases: [x]\n"
            "    sources: [{url: 'javascript:alert(1)', checked: 2026-01-01}]\n",
            "aliases.yaml: groups[0] (a): sources[0]: url 'javascript:alert(1)' is not an http(s)",
        ),
        (
            "groups:\n  - key: a\n    name_en: A\n    name_fr: A\n    aliases: [x]\n"
            "    sources: [{url: 'https://e.org', checked: soon}]\n",
            "aliases.yaml: groups[0] (a): sources[0]: checked 'soon' is not a YYYY-MM-DD date",
        ),
        (
            "groups:\n  - key: a\n    name_en: A\n    name_fr: A\n    aliases: [x]\n"
            "    sources: [{url: 'https://e.org', checked: 2026-01-01}]\n"
            "  - key: b\n    name_en: B\n    name_fr: B\n    aliases: [X]\n"
            "    sources: [{url: 'https://e.org', checked: 2026-01-01}]\n",
            "aliases.yaml: groups[1] (b): 'X' is also listed under 'a'",
        ),
        (
            "groups:\n  - key: a\n    name_en: A\n    name_fr: A\n    aliases: [x]\n"
            "    sources: [{url: 'https://e.org', checked: 2026-01-01}]\n"
            "victims:\n  - name: x\n",
            "aliases.yaml: victims[0]: 'x' is also listed under 'a'",
        ),
    ],
)
def test_loader_errors_name_the_file_and_entry(tmp_path, text, message):
    with pytest.raises(ac.ActorAliasError) as err:
        ac.read_aliases(_write(tmp_path, text))
    assert message in str(err.value)


def test_missing_file_is_an_empty_table(tmp_path):
    table = ac.read_aliases(tmp_path / "none.yaml")
    assert table.canonical("JNIM (suspected)") == "JNIM (suspected)"


def test_project_table_is_valid_and_sourced():
    table = ac.read_aliases(ac.ALIASES_FILE)
    keys = {g.key for g in table.groups}
    assert {
        "jnim",
        "is-sahel",
        "fama",
        "vdp",
        "wagner-africa-corps",
        "burkina-armed-forces",
        "niger-armed-forces",
    } <= keys
    for group in table.groups:
        assert group.name_en and group.name_fr and group.sources
        assert all(s.url.startswith("https://") and s.checked for s in group.sources)


def test_every_curated_spelling_of_jnim_and_is_sahel_is_one_group():
    events = load_events().events
    written = {a for s in events["actors"] for a in split_actors(s)}
    table = ac.aliases()
    jnim = {a for a in written if table.canonical(a) == "JNIM"}
    is_sahel = {a for a in written if table.canonical(a) == "IS Sahel (ISSP / ISGS)"}
    assert len(jnim) >= 7 and len(is_sahel) >= 12
    # A name that leaves the author open is not attributed to a group.
    assert table.canonical("Unidentified gunmen (JNIM suspected)") == (
        "Unidentified gunmen (JNIM suspected)"
    )
    # Every alias of the table is a name of the curated file or of the group's sources
    # (no stale entries): at least the curated ones are all used.
    listed_victims = {"ACTED aid workers", "SEMAFO convoy", "fuel transporters"}
    assert listed_victims <= written


def test_one_event_counts_a_group_once_and_keeps_victims_apart():
    frame = pd.DataFrame(
        {
            "actors": [
                "JNIM; Katiba Macina / JNIM; civilians digging defensive trenches; VDP",
                "Civilians (Burkina Faso); Military Forces of Burkina Faso (2022-)",
                None,
                "",
            ]
        }
    )
    lists = actor_lists(frame)
    assert lists.loc[0, "actors"] == ("JNIM", "VDP (Volunteers for the Defence of the Homeland)")
    assert lists.loc[0, "targets"] == ("civilians digging defensive trenches",)
    # ACLED's names as ACLED writes them; its civilian actor is a target.
    assert lists.loc[1, "actors"] == ("Military Forces of Burkina Faso (2022-)",)
    assert lists.loc[1, "targets"] == ("Civilians (Burkina Faso)",)
    assert lists.loc[2, "actors"] == () and lists.loc[3, "targets"] == ()
    pairs = actor_pairs(frame)
    assert list(pairs.row) == [0, 0, 0, 1, 1]
    assert list(pairs.victim) == [False, True, False, True, False]


def test_actor_filter_selects_a_group_by_any_spelling():
    frame = load_events().events
    by_alias = filter_mask(
        frame, EventFilter(countries=("MLI", "BFA", "NER"), actors=("JNIM (suspected)",))
    )
    by_name = filter_mask(frame, EventFilter(countries=("MLI", "BFA", "NER"), actors=("JNIM",)))
    assert np.array_equal(by_alias, by_name)
    named = frame["actors"].map(
        lambda s: any(ac.aliases().canonical(a) == "JNIM" for a in split_actors(s))
    )
    aes = frame["country_iso3"].isin(["MLI", "BFA", "NER"])
    assert np.array_equal(by_name, (named & aes).to_numpy())
    assert by_name.sum() > 18  # more than the 18 events that write plain "JNIM"


def test_panel_shows_names_as_written_with_their_group_and_targets_apart():
    from geo.render.panels import actors_html, also_in_html

    text = "JNIM (suspected); VDP; Civilians (Mali); <b>x</b>"
    # a curated event's names in French (data/events/actor_names.yaml), then the group
    acting, targets = actors_html(text, "fr")
    assert "<li>JNIM (soupçonné) <span" in acting and "groupe : JNIM (GSIM)" in acting
    assert "<li>VDP</li>" in acting  # its group's name already says it
    assert "&lt;b&gt;x&lt;/b&gt;" in acting and "<b>" not in acting
    assert targets == '<ul class="targets"><li>Civilians (Mali)</li></ul>'  # no entry: as written
    assert actors_html("", "en") == ("", "")
    # in English, and for an imported event in French, each name as the event writes it
    english, _ = actors_html(text, "en")
    assert "<li>JNIM (suspected) <span" in english and "(group: JNIM)" in english
    imported, _ = actors_html(text, "fr", curated=False)
    assert "<li>JNIM (suspected) <span" in imported and "groupe : JNIM (GSIM)" in imported

    html = also_in_html(
        [("acled", "acled:X<1>", ("https://acleddata.com/", "javascript:x"))], "en", 10.0
    )
    assert 'data-id="acled:X&lt;1&gt;"' in html and "acled acled:X&lt;1&gt;" in html
    assert 'href="https://acleddata.com/"' in html and "javascript" not in html
    assert "within 10 km" in html
    assert also_in_html([], "en", 10.0) == ""
