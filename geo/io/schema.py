"""Typed YAML documents: a dataclass declares a file's shape, :func:`build` checks a parsed
document against it and names every problem by its path inside the document
(``milestones[12].sources[0]: 'x' is not an http(s) URL``).

The annotations read: ``str``, ``int``, ``bool``, ``float``, ``Literal[...]``, ``X | None``,
``tuple[X, ...]``, ``dict[str, X]``, nested dataclasses, and ``Annotated[X, check, ...]``
where each check is called with the built value and the raw sibling fields (so a date can
read its precision from the field beside it) and returns a problem or ``None``. A field
without a default is required, a key the dataclass does not declare is refused, and a value
of the wrong type is never coerced. Two kinds of field are not read from the document:
fields with :data:`KEY` metadata (filled from the mapping key of a ``dict[str, Model]``) and
with :data:`DERIVED` metadata (left at their default, for the loader to fill).

A document with problems still gives what could be built (a model that fails is left out of
its list or mapping; a list or mapping of plain values fails whole) and the path of every
instance built, so that the rules a schema cannot say (ids unique, references that exist)
also run on it and name their paths.

A hand-written walker, not pydantic: the project adds no dependency for it.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass
from functools import cache
from typing import (
    Annotated,
    Any,
    Generic,
    Literal,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

T = TypeVar("T")
T2 = TypeVar("T2")

Check = Callable[[Any, Mapping[str, Any]], "str | None"]
"""A rule on a built value (and the raw sibling fields): the problem, or ``None``."""

_ROLE = "geo.io.schema"


KEY: Mapping[str, str] = {_ROLE: "key"}
"""``field(metadata=KEY)``: a field filled from the key under which the model sits in a
``dict[str, Model]`` (``iso3: str = field(metadata=KEY)``)."""

DERIVED: Mapping[str, str] = {_ROLE: "derived"}
"""``field(default=..., metadata=DERIVED)``: a field the document does not hold (a key of
that name is refused); the loader fills it, with :func:`dataclasses.replace`."""


class _Invalid:
    """The result of a value that failed: its problems are already recorded."""


INVALID: Any = _Invalid()


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Matches:
    """A string that matches ``pattern`` (whole), else ``'<value>' <message>``."""

    pattern: str
    message: str

    def __call__(self, value: Any, siblings: Mapping[str, Any]) -> str | None:
        if re.fullmatch(self.pattern, value):
            return None
        return f"{value!r} {self.message}"


@dataclass(frozen=True)
class OneOf:
    """A value among ``values`` (for vocabularies known only at run time; else Literal)."""

    values: tuple[Any, ...]

    def __call__(self, value: Any, siblings: Mapping[str, Any]) -> str | None:
        if value in self.values:
            return None
        return f"{value!r} is not one of {', '.join(map(str, self.values))}"


@dataclass(frozen=True)
class NonEmpty:
    """A string with some text, or a list or mapping with at least one item."""

    def __call__(self, value: Any, siblings: Mapping[str, Any]) -> str | None:
        empty = not value.strip() if isinstance(value, str) else not value
        return "must not be empty" if empty else None


@dataclass(frozen=True)
class InRange:
    """A number from ``low`` to ``high`` (either bound may be open: ``None``)."""

    low: float | None = None
    high: float | None = None

    def __call__(self, value: Any, siblings: Mapping[str, Any]) -> str | None:
        if self.low is not None and value < self.low:
            return f"{value} is below {self.low}"
        if self.high is not None and value > self.high:
            return f"{value} is above {self.high}"
        return None


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class _Field:
    name: str
    annotation: Any
    role: str | None
    required: bool
    default: Any


@cache
def _fields(model: type) -> tuple[_Field, ...]:
    hints = get_type_hints(model, include_extras=True)
    declared = []
    for f in fields(model):
        if f.default is not MISSING:
            default = f.default
        elif f.default_factory is not MISSING:
            default = f.default_factory()
        else:
            default = MISSING
        declared.append(
            _Field(f.name, hints[f.name], f.metadata.get(_ROLE), default is MISSING, default)
        )
    return tuple(declared)


def _holds_models(tp: Any) -> bool:
    """Whether ``tp`` is a model (maybe annotated or optional): a list or mapping of models
    leaves a refused item out; one of plain values is refused whole."""
    while get_origin(tp) in (Annotated, Union, types.UnionType):
        tp = next(a for a in get_args(tp) if a is not type(None))
    return isinstance(tp, type) and is_dataclass(tp)


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


class _Builder:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.instances: list[tuple[str, Any]] = []

    def fail(self, path: str, message: str) -> Any:
        self.problems.append(f"{path or '(top level)'}: {message}")
        return INVALID

    def value(
        self, tp: Any, raw: Any, path: str, siblings: Mapping[str, Any], key: str | None = None
    ) -> Any:
        origin, args = get_origin(tp), get_args(tp)
        if origin is Annotated:
            before = len(self.problems)
            value = self.value(args[0], raw, path, siblings, key)
            if value is INVALID or len(self.problems) > before:
                return value  # refused, or a list short of its refused items: not checked
            for check in tp.__metadata__:
                problem = check(value, siblings)
                if problem is not None:
                    return self.fail(path, problem)
            return value
        if origin in (Union, types.UnionType):
            options = [a for a in args if a is not type(None)]
            if len(options) != 1 or len(args) != 2:
                raise TypeError(f"unsupported union {tp!r}: only X | None")
            return None if raw is None else self.value(options[0], raw, path, siblings, key)
        if origin is Literal:
            if any(raw == a and type(raw) is type(a) for a in args):
                return raw
            return self.fail(path, f"{raw!r} is not one of {', '.join(map(str, args))}")
        if origin is tuple:
            if len(args) != 2 or args[1] is not Ellipsis:
                raise TypeError(f"unsupported tuple {tp!r}: only tuple[X, ...]")
            if not isinstance(raw, list | tuple):
                return self.fail(path, f"expected a list, got {_kind(raw)}")
            items = [
                self.value(args[0], item, f"{path}[{i}]", siblings) for i, item in enumerate(raw)
            ]
            if any(i is INVALID for i in items) and not _holds_models(args[0]):
                return INVALID
            return tuple(i for i in items if i is not INVALID)
        if origin is dict:
            if args[0] is not str:
                raise TypeError(f"unsupported mapping {tp!r}: only dict[str, X]")
            if not isinstance(raw, Mapping):
                return self.fail(path, f"expected a mapping, got {_kind(raw)}")
            out: dict[str, Any] = {}
            for k, item in raw.items():
                if not isinstance(k, str):
                    self.fail(path, f"key {k!r} is not a string")
                    continue
                value = self.value(args[1], item, _join(path, k), siblings, key=k)
                if value is not INVALID:
                    out[k] = value
                elif not _holds_models(args[1]):
                    return INVALID
            return out
        if isinstance(tp, type) and is_dataclass(tp):
            return self.model(tp, raw, path, key)
        if tp in (str, bool):
            if isinstance(raw, tp):
                return raw
            return self.fail(
                path, f"expected {'a string' if tp is str else 'true or false'}, got {_kind(raw)}"
            )
        if tp in (int, float):
            if isinstance(raw, int | float if tp is float else int) and not isinstance(raw, bool):
                return raw
            return self.fail(
                path, f"expected {'an integer' if tp is int else 'a number'}, got {_kind(raw)}"
            )
        raise TypeError(f"unsupported annotation {tp!r}")

    def model(self, model: type, raw: Any, path: str, key: str | None) -> Any:
        if not isinstance(raw, Mapping):
            return self.fail(path, f"expected a mapping, got {_kind(raw)}")
        declared = _fields(model)
        readable = {f.name for f in declared if f.role is None}
        for name in raw:
            if name not in readable:
                self.fail(_join(path, name), "unknown key")
        siblings = {f.name: f.default for f in declared if not f.required} | dict(raw)
        values: dict[str, Any] = {}
        for f in declared:
            if f.role == "key":
                if key is None:
                    raise TypeError(f"{model.__name__}.{f.name} is a key field outside a dict")
                values[f.name] = key
            elif f.role == "derived":
                continue
            elif f.name in raw:
                values[f.name] = self.value(
                    f.annotation, raw[f.name], _join(path, f.name), siblings
                )
            elif f.required:
                values[f.name] = self.fail(_join(path, f.name), "missing (required)")
        if any(v is INVALID for v in values.values()) or any(name not in readable for name in raw):
            return INVALID
        instance = model(**values)
        self.instances.append((path, instance))
        return instance


@dataclass(frozen=True)
class Built(Generic[T]):
    """What :func:`build` made of a document."""

    value: T | None
    """The document as its model; ``None`` if its top level could not be built."""
    problems: tuple[str, ...]
    """Every problem, ``"path: problem"`` (empty: the document matches its model)."""
    instances: tuple[tuple[str, Any], ...]
    """Every model instance built, with its path: children before their parent, and also
    those inside a parent refused for another of its fields (they are in the file too)."""

    def path(self, instance: Any) -> str:
        """The path of an instance of :attr:`value` (``"milestones[12]"``)."""
        for path, candidate in self.instances:
            if candidate is instance:
                return path
        raise KeyError(instance)

    def of_type(self, model: type[T2]) -> Iterator[tuple[str, T2]]:
        """The instances of ``model`` with their paths."""
        return ((p, i) for p, i in self.instances if isinstance(i, model))


def build(model: type[T], raw: Any) -> Built[T]:
    """``raw`` (a parsed YAML document) as a ``model`` instance, with every problem found.

    A model that fails is left out of its list or mapping (its problems are recorded), so a
    document with problems still gives the rest; a caller that needs the whole document
    refuses it when :attr:`Built.problems` is not empty."""
    builder = _Builder()
    value = builder.model(model, raw, "", None)
    return Built(
        None if value is INVALID else value, tuple(builder.problems), tuple(builder.instances)
    )
