"""The facts files against their models: a broken copy of each file gives a problem naming
the file and the path inside it; the committed data gives none."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from geo.io import facts

TODAY = dt.date(2026, 12, 3)


def _raws() -> dict:
    return {
        name: yaml.safe_load((facts.FACTS_DIR / name).read_text(encoding="utf-8"))
        for name in facts._MODELS
    }


RAWS = _raws()


def test_the_committed_data_has_no_problem():
    assert facts.validate_documents(copy.deepcopy(RAWS), today=TODAY) == []
    for name, model in facts._MODELS.items():
        assert isinstance(facts._load(name, model), model)


def _milestone_index(raw: dict, precision: str = "day") -> int:
    return next(i for i, m in enumerate(raw["milestones"]) if m["date_precision"] == precision)


def _set_duplicate_provision(raw):
    raw["provisions_unlocated"][1]["id"] = raw["provisions_unlocated"][0]["id"]


def _set_duplicate_milestone(raw):
    raw["milestones"][7]["id"] = raw["milestones"][6]["id"]


def _swap_mali_milestones(raw):
    steps = raw["member_states"]["MLI"]["milestones"]
    steps[0], steps[1] = steps[1], steps[0]


def _future_milestone(raw):
    i = _milestone_index(raw)
    raw["milestones"][i].update(date="2030-01-01", sort_date="2030-01-01")


CASES = [
    # charter.yaml
    (
        "charter.yaml",
        "wrong type",
        lambda r: r["articles"][0].update(number="one"),
        "charter.yaml: articles[0].number: expected an integer, got str",
    ),
    (
        "charter.yaml",
        "missing fr",
        lambda r: r["charter"].update(name={"en": "Charter"}),
        "charter.yaml: charter.name: needs non-empty 'fr' text",
    ),
    (
        "charter.yaml",
        "bad URL",
        lambda r: r["charter"]["sources"].__setitem__(0, "www.x.org"),
        "charter.yaml: charter.sources[0]: 'www.x.org' is not an http(s) URL",
    ),
    (
        "charter.yaml",
        "bad date",
        lambda r: r["charter"].update(signing_date="2023-09-31"),
        "charter.yaml: charter.signing_date: '2023-09-31' is not a valid date",
    ),
    (
        "charter.yaml",
        "unknown key",
        lambda r: r["articles"][2].update(sumary="typo"),
        "charter.yaml: articles[2].sumary: unknown key",
    ),
    (
        "charter.yaml",
        "missing key",
        lambda r: r["charter"]["depositary"].pop("verified"),
        "charter.yaml: charter.depositary.verified: missing (required)",
    ),
    (
        "charter.yaml",
        "duplicate id",
        _set_duplicate_provision,
        "charter.yaml: provisions_unlocated[1].id: duplicate id",
    ),
    (
        "charter.yaml",
        "unknown signatory",
        lambda r: r["charter"]["signatories"][0].update(country="TCD"),
        "charter.yaml: charter.signatories[0].country: 'TCD' is not one of MLI, BFA, NER",
    ),
    # timeline.yaml
    (
        "timeline.yaml",
        "wrong type",
        lambda r: r["milestones"][5].update(verified="yes"),
        "timeline.yaml: milestones[5].verified: expected true or false, got str",
    ),
    (
        "timeline.yaml",
        "missing fr",
        lambda r: r["categories"]["coup"].update(label={"en": "Coup"}),
        "timeline.yaml: categories.coup.label: needs non-empty 'fr' text",
    ),
    (
        "timeline.yaml",
        "extra language",
        lambda r: r["milestones"][3]["title"].update(de="Titel"),
        "timeline.yaml: milestones[3].title: unexpected keys ['de'] in a text",
    ),
    (
        "timeline.yaml",
        "bad URL",
        lambda r: r["milestones"][12]["sources"].__setitem__(0, "AFP, 3 May"),
        "timeline.yaml: milestones[12].sources[0]: 'AFP, 3 May' is not an http(s) URL",
    ),
    (
        "timeline.yaml",
        "bad date",
        lambda r: r["milestones"][4].update(sort_date="2020-13-01"),
        "timeline.yaml: milestones[4].sort_date: '2020-13-01' is not a valid date",
    ),
    (
        "timeline.yaml",
        "bad precision",
        lambda r: r["milestones"][0].update(date_precision="week"),
        "timeline.yaml: milestones[0].date_precision: 'week' is not one of day, month, year",
    ),
    (
        "timeline.yaml",
        "unknown key",
        lambda r: r["milestones"][0].update(source="x"),
        "timeline.yaml: milestones[0].source: unknown key",
    ),
    (
        "timeline.yaml",
        "duplicate id",
        _set_duplicate_milestone,
        "timeline.yaml: milestones[7].id: duplicate id",
    ),
    (
        "timeline.yaml",
        "not ISO3",
        lambda r: r["milestones"][2].update(countries=["Mali"]),
        "timeline.yaml: milestones[2].countries[0]: 'Mali' is not an ISO3 country code",
    ),
    (
        "timeline.yaml",
        "date in the future",
        _future_milestone,
        "is in the future (today is 2026-12-03)",
    ),
    # member_states.yaml
    (
        "member_states.yaml",
        "wrong type",
        lambda r: r["member_states"]["NER"].update(area_km2="1,267,000"),
        "member_states.yaml: member_states.NER.area_km2: expected an integer, got str",
    ),
    (
        "member_states.yaml",
        "missing fr",
        lambda r: r["member_states"]["MLI"].update(capital={"en": "Bamako"}),
        "member_states.yaml: member_states.MLI.capital: needs non-empty 'fr' text",
    ),
    (
        "member_states.yaml",
        "bad URL",
        lambda r: r["member_states"]["BFA"]["sources"].__setitem__(0, "http:/x"),
        "member_states.yaml: member_states.BFA.sources[0]: 'http:/x' is not an http(s) URL",
    ),
    (
        "member_states.yaml",
        "bad date",
        lambda r: r["member_states"]["MLI"]["coups"][0].update(date="2020-08-32"),
        "member_states.yaml: member_states.MLI.coups[0].date: '2020-08-32' is not a valid date",
    ),
    (
        "member_states.yaml",
        "unknown key",
        lambda r: r["member_states"]["NER"].update(president="x"),
        "member_states.yaml: member_states.NER.president: unknown key",
    ),
    (
        "member_states.yaml",
        "steps out of order",
        _swap_mali_milestones,
        "member_states.yaml: member_states.MLI.milestones[1].date:",
    ),
    (
        "member_states.yaml",
        "dangling timeline id",
        lambda r: r["member_states"]["BFA"]["milestones"][0].update(timeline_id="nope"),
        "member_states.yaml: member_states.BFA.milestones[0].timeline_id: dangling timeline id "
        "'nope'",
    ),
    # seed_coverage.yaml
    (
        "seed_coverage.yaml",
        "wrong type",
        lambda r: r["points"][0].update(number="1"),
        "seed_coverage.yaml: points[0].number: expected an integer, got str",
    ),
    (
        "seed_coverage.yaml",
        "bad vocabulary",
        lambda r: r["points"][1].update(coverage="most"),
        "seed_coverage.yaml: points[1].coverage: 'most' is not one of full, partial",
    ),
    (
        "seed_coverage.yaml",
        "unknown key",
        lambda r: r["points"][2].update(note="x"),
        "seed_coverage.yaml: points[2].note: unknown key",
    ),
    (
        "seed_coverage.yaml",
        "duplicate number",
        lambda r: r["points"][3].update(number=3),
        "seed_coverage.yaml: points[3].number: duplicate number 3 (first at points[2])",
    ),
]


@pytest.mark.parametrize(
    ("name", "what", "change", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_a_broken_copy_names_the_file_and_the_path(name, what, change, expected):
    raws = copy.deepcopy(RAWS)
    change(raws[name])
    problems = facts.validate_documents(raws, today=TODAY)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(tuple(f"{n}: " for n in facts._MODELS)) for p in problems)


def test_loading_a_broken_file_raises_with_every_problem(tmp_path, monkeypatch):
    raw = copy.deepcopy(RAWS["timeline.yaml"])
    raw["milestones"][12]["sources"][0] = "AFP"
    raw["milestones"][4]["sort_date"] = "2020-13-01"
    (tmp_path / "timeline.yaml").write_text(
        yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8"
    )
    monkeypatch.setattr(facts, "FACTS_DIR", tmp_path)
    with pytest.raises(facts.FactsError) as error:
        facts._load("timeline.yaml", facts.TimelineFile)
    assert str(error.value).splitlines() == [
        "timeline.yaml: milestones[4].sort_date: '2020-13-01' is not a valid date "
        "(month must be in 1..12)",
        "timeline.yaml: milestones[12].sources[0]: 'AFP' is not an http(s) URL",
    ]


def test_an_unreadable_file_is_reported_not_raised(tmp_path, monkeypatch):
    for name in facts._MODELS:
        (tmp_path / name).write_text(
            (facts.FACTS_DIR / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    (tmp_path / "seed_coverage.yaml").write_text("points: [\n", encoding="utf-8")
    monkeypatch.setattr(facts, "FACTS_DIR", tmp_path)
    problems = facts.validate_facts()
    assert len(problems) == 1
    assert problems[0].startswith("seed_coverage.yaml: cannot be read (")


def test_a_refused_item_is_reported_once():
    """An item its model refuses is named once: the references to it still find it."""
    raws = copy.deepcopy(RAWS)
    target = raws["seed_coverage.yaml"]["points"][0]["timeline"][0]
    index, milestone = next(
        (i, m) for i, m in enumerate(raws["timeline.yaml"]["milestones"]) if m["id"] == target
    )
    milestone["sort_date"] = "2023-02-30"
    assert facts.validate_documents(raws, today=TODAY) == [
        f"timeline.yaml: milestones[{index}].sort_date: '2023-02-30' is not a valid date "
        "(day is out of range for month)",
    ]


def test_the_rules_still_run_beside_the_model_problems():
    raws = copy.deepcopy(RAWS)
    raws["charter.yaml"]["charter"]["name"] = {"en": "Charter"}  # refuses the whole metadata
    raws["charter.yaml"]["articles"][3]["themes"] = ["astrology"]
    assert facts.validate_documents(raws, today=TODAY) == [
        "charter.yaml: charter.name: needs non-empty 'fr' text",
        "charter.yaml: articles[3].themes[0]: unknown theme 'astrology'",
    ]
