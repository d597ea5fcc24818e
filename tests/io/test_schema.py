"""The schema walker: a dataclass declares a document's shape; problems name their path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

import pytest

from geo.io.schema import DERIVED, KEY, InRange, Matches, NonEmpty, OneOf, build

Url = Annotated[str, Matches(r"https?://\S+", "is not an http(s) URL")]


@dataclass(frozen=True)
class Leaf:
    name: str
    size: Annotated[int, InRange(1, 10)]
    kind: Literal["a", "b"] = "a"
    sources: tuple[Url, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Keyed:
    key: str = field(metadata=KEY)
    flag: bool
    origin: str | None = field(default=None, metadata=DERIVED)


@dataclass(frozen=True)
class Root:
    leaves: Annotated[tuple[Leaf, ...], NonEmpty()]
    keyed: dict[str, Keyed]
    country: Annotated[str, OneOf(("MLI", "BFA"))] = "MLI"
    ratio: float = 1.0


def _good() -> dict:
    return {
        "leaves": [
            {"name": "x", "size": 2, "sources": ["https://example.org/a"]},
            {"name": "y", "size": 3, "kind": "b", "note": None},
        ],
        "keyed": {"k1": {"flag": True}},
        "ratio": 2,
    }


def test_a_good_document_builds_with_no_problem():
    built = build(Root, _good())
    assert built.problems == ()
    assert built.value == Root(
        leaves=(Leaf("x", 2, sources=("https://example.org/a",)), Leaf("y", 3, kind="b")),
        keyed={"k1": Keyed(key="k1", flag=True)},
        ratio=2,
    )
    leaf = built.value.leaves[1]
    assert built.path(leaf) == "leaves[1]"
    assert [p for p, _ in built.of_type(Keyed)] == ["keyed.k1"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["leaves"][1].update(size="3"), "leaves[1].size: expected an integer, got str"),
        (
            lambda d: d["leaves"][1].update(size=True),
            "leaves[1].size: expected an integer, got bool",
        ),
        (lambda d: d["leaves"][0].update(size=11), "leaves[0].size: 11 is above 10"),
        (lambda d: d["leaves"][0].update(kind="c"), "leaves[0].kind: 'c' is not one of a, b"),
        (
            lambda d: d["leaves"][0]["sources"].append("ftp://x"),
            "leaves[0].sources[1]: 'ftp://x' is not an http(s) URL",
        ),
        (lambda d: d["leaves"][0].pop("name"), "leaves[0].name: missing (required)"),
        (lambda d: d["leaves"][0].update(colour="red"), "leaves[0].colour: unknown key"),
        (lambda d: d["keyed"]["k1"].update(origin="x"), "keyed.k1.origin: unknown key"),
        (lambda d: d["keyed"]["k1"].update(key="x"), "keyed.k1.key: unknown key"),
        (lambda d: d["keyed"]["k1"].update(flag="yes"), "keyed.k1.flag: expected true or false"),
        (lambda d: d.update(leaves=[]), "leaves: must not be empty"),
        (lambda d: d.update(leaves={"name": "x"}), "leaves: expected a list, got a mapping"),
        (lambda d: d.update(keyed=None), "keyed: expected a mapping, got null"),
        (lambda d: d["keyed"].update({1: {"flag": True}}), "keyed: key 1 is not a string"),
        (lambda d: d.update(country="NER"), "country: 'NER' is not one of MLI, BFA"),
        (lambda d: d.update(ratio="2"), "ratio: expected a number, got str"),
    ],
)
def test_each_problem_names_its_path(change, expected):
    raw = _good()
    change(raw)
    built = build(Root, raw)
    assert any(p.startswith(expected) for p in built.problems), built.problems


def test_not_a_mapping_at_the_top():
    assert build(Root, None).problems == ("(top level): expected a mapping, got null",)
    assert build(Root, None).value is None


def test_every_problem_is_reported_and_the_rest_is_built():
    raw = _good()
    raw["leaves"][0]["size"] = 0
    raw["leaves"][1]["kind"] = "z"
    raw["leaves"].append({"name": "z", "size": 4})
    built = build(Root, raw)
    assert built.problems == (
        "leaves[0].size: 0 is below 1",
        "leaves[1].kind: 'z' is not one of a, b",
    )
    # the failing items are left out; the one that is good keeps its own path
    assert built.value is not None
    assert [leaf.name for leaf in built.value.leaves] == ["z"]
    assert built.path(built.value.leaves[0]) == "leaves[2]"


def _at_least_min(value, siblings):
    return None if value >= siblings["min"] else f"{value} is below min"


@dataclass(frozen=True)
class Span:
    value: Annotated[int, _at_least_min]
    min: int = 5


def test_a_check_may_read_the_sibling_fields():
    assert build(Span, {"value": 6}).problems == ()
    assert build(Span, {"value": 4}).problems == ("value: 4 is below min",)  # the default
    assert build(Span, {"value": 4, "min": 3}).problems == ()


def test_unsupported_annotations_are_a_programming_error():
    @dataclass(frozen=True)
    class Bad:
        pair: tuple[int, str]

    with pytest.raises(TypeError, match="only tuple"):
        build(Bad, {"pair": [1, "a"]})


def test_a_list_of_plain_values_fails_whole_and_its_model_with_it():
    raw = _good()
    raw["leaves"][0]["sources"].append("not a url")
    built = build(Root, raw)
    assert built.problems == ("leaves[0].sources[1]: 'not a url' is not an http(s) URL",)
    assert built.value is not None
    assert [leaf.name for leaf in built.value.leaves] == ["y"]  # never a leaf with one source


def test_a_list_short_of_its_refused_items_is_not_checked_again():
    raw = _good()
    raw["leaves"] = [{"name": "x", "size": 0}]  # refused: the list left empty is not "empty"
    assert build(Root, raw).problems == ("leaves[0].size: 0 is below 1",)
