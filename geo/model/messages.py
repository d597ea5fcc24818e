"""Messages the app generates (import problems, file errors), kept as a catalogue key and
its parameters so that each is written in the reader's language when it is shown.

The English text used by the command line, logs and the rejected-rows CSV comes from the
same catalogue entry (``Message.en``), so the two can never drift. Parameter values are
written as they are (values quoted from the user's file stay verbatim), except whole
numbers, which are written in the reader's format, and ``country``, an ISO 3166 alpha-3
code, which is named in the reader's language; ``count`` chooses a plural form
(:func:`geo.i18n.catalogue.translate`).

Nothing here imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from geo.i18n.catalogue import format_number, translate
from geo.model.countries import country_name

Param: TypeAlias = "str | int | float | Message | Joined"


@dataclass(frozen=True)
class Message:
    """A catalogue key (``geo/i18n/locales/problems.yaml``) and its parameters."""

    key: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, key: str, **params: Param) -> Message:
        return cls(key, tuple(params.items()))

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        values = {name: _render(name, value, lang) for name, value in self.params}
        return translate(self.key, lang, **values)

    @property
    def en(self) -> str:
        return self.text("en")

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Joined:
    """Parts of a message (texts or messages) joined by ``separator`` in every language."""

    separator: str
    parts: tuple[str | Message, ...]

    def text(self, lang: str) -> str:
        return self.separator.join(text_of(part, lang) for part in self.parts)


def _render(name: str, value: Param, lang: str) -> Param:
    if name == "count":  # translate() picks the plural form from the number and formats it
        return value
    if isinstance(value, Message | Joined):  # a part of the message (where in the file, say)
        return value.text(lang)
    if name == "country" and isinstance(value, str):
        return country_name(value, lang)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value, lang)
    return value


def text_of(value: str | Message, lang: str) -> str:
    """A message in ``lang``; plain text (a file name, say) as it is."""
    return value.text(lang) if isinstance(value, Message) else value
