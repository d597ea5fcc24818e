"""French grammar where generated text meets data: contractions, elision, coordination.

A French template such as ``"renversement de {ousted}"`` cannot simply be formatted: with
``ousted = "Le président Mohamed Bazoum"`` it must read "renversement **du** président
Mohamed Bazoum", with ``"Ousmane …"`` "renversement **d'**Ousmane …". The rules, applied
only at the junction of a template word and an inserted value:

* de + le → du, de + les → des, de + des → de, à + le → au, à + les → aux
  (:func:`with_preposition`); a capitalised article that opened the value ("Le président")
  is lowercased there, unless it is part of a place name ("La Haye", :data:`NAMES_WITH_ARTICLE`);
* de, le, la, que before a vowel or a mute h elide: d'Ousmane, l'État, qu'il
  (:func:`elide`, :func:`starts_with_vowel_sound`);
* the preposition is repeated before each coordinated complement that has its own
  article: "de Le président X et le Premier ministre Y" → "du président X et du Premier
  ministre Y".

:func:`fill` formats a template with these junction rules; :func:`translate` is
:func:`geo.i18n.catalogue.translate` with them for French. English text passes through unchanged.
Plain Python, no Streamlit.
"""

from __future__ import annotations

import re
import string
import unicodedata

from geo.i18n import catalogue as i18n

# Words whose h is "aspiré" (no elision, no contraction across it: "de Hongrie", "le
# héros"). Every other word starting with h elides ("l'homme", "d'Haïti").
H_ASPIRE: frozenset[str] = frozenset(
    {
        "hache",
        "haine",
        "hall",
        "halte",
        "hameau",
        "hamas",
        "hameçon",
        "hanche",
        "handicap",
        "hangar",
        "hanté",
        "haoussa",
        "harcèlement",
        "hardi",
        "hareng",
        "haricot",
        "harpe",
        "hasard",
        "hâte",
        "hausse",
        "haut",
        "haute",
        "hautes",
        "hauts",
        "hauteur",
        "havre",
        "hérisson",
        "hernie",
        "héron",
        "héros",
        "hêtre",
        "hibou",
        "hiérarchie",
        "hockey",
        "hollande",
        "hollandais",
        "homard",
        "hongrie",
        "hongrois",
        "honte",
        "hoquet",
        "hors",
        "houthis",
        "huit",
        "huitième",
        "hurler",
        "hutte",
    }
)
# Vowel-initial words that take no elision ("le onze", "de un à trois" is not "d'un"
# when it is the numeral, but the article "un" elides, so only these are listed).
NO_ELISION: frozenset[str] = frozenset({"onze", "onzième", "ouistiti", "yacht", "yaourt"})

# Place names whose capitalised article is part of the name ("de La Haye"; le/les contract
# anyway: "du Caire").
NAMES_WITH_ARTICLE: tuple[str, ...] = ("La Haye", "La Havane", "La Mecque", "La Paz", "La Valette")

_VOWELS = "aeiouy"
_ARTICLE = re.compile(r"^(les|le|la|l'|l’|des)(\s+|(?<=')|(?<=’))(?=\S)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A template word that changes with the value it is followed by, at the end of the text
# written so far: a preposition or an article, then exactly one space.
_TRIGGER = re.compile(r"(?:^|(?<=[\s(«\u00a0\u202f]))(de|à|le|la|que)\s$", re.IGNORECASE)


def _base(letter: str) -> str:
    return unicodedata.normalize("NFD", letter)[0].lower()


def starts_with_vowel_sound(phrase: str) -> bool:
    """Whether ``phrase`` opens with a vowel or a mute h (so a preceding de/le/la/que
    elides): "Ousmane", "État", "avril 2025", "homme" yes; "Hongrie", "onze", "Yémen",
    "2025" no. A ``y`` before a vowel is a consonant ("Yémen"), before a consonant a vowel
    ("Yves")."""
    match = _WORD.match(phrase.strip())
    if not match:
        return False
    word = match.group(0)
    lowered = word.lower()
    if lowered in NO_ELISION:
        return False
    first = _base(word[0])
    if first == "h":
        return lowered not in H_ASPIRE
    if first == "y":
        return len(word) > 1 and _base(word[1]) not in _VOWELS
    return first in _VOWELS


def elide(word: str, phrase: str) -> str:
    """``word`` (de, le, la, que, ne, se, je, me, te) followed by ``phrase``: "de" +
    "Ousmane" → "d'Ousmane", "le" + "État" → "l'État", "le" + "Niger" → "le Niger"."""
    if word.lower() in {
        "de",
        "le",
        "la",
        "que",
        "ne",
        "se",
        "je",
        "me",
        "te",
    } and starts_with_vowel_sound(phrase):
        return f"{word[:-1]}'{phrase.lstrip()}"
    return f"{word} {phrase.lstrip()}"


def _match_case(model: str, word: str) -> str:
    return word[0].upper() + word[1:] if model[:1].isupper() else word


def _split_article(phrase: str) -> tuple[str, str] | None:
    """``("Le", "président X")`` for ``"Le président X"``: the opening article (as written)
    and the rest; ``None`` when the phrase opens with no article or with a place name of
    :data:`NAMES_WITH_ARTICLE`."""
    match = _ARTICLE.match(phrase)
    if not match or phrase.startswith(NAMES_WITH_ARTICLE):
        return None
    article = match.group(1).replace("’", "'")
    rest = phrase[match.end() :]
    return article, rest


def with_preposition(preposition: str, phrase: str) -> str:
    """``preposition`` (de or à, any case) joined to ``phrase`` by French rules: contraction
    with le/les, elision before a vowel, and the preposition repeated before each coordinated
    complement that carries its own article."""
    (_, head), *others = _coordinated(phrase)
    joined = _join(preposition, head)
    for conjunction, part in others:
        joined += f"{conjunction}{_join(preposition.lower(), part)}"
    return joined


def _join(preposition: str, phrase: str) -> str:
    prep = preposition.lower()
    split = _split_article(phrase)
    if split is not None:
        article, rest = split
        low = article.lower()
        contracted = {
            ("de", "le"): "du",
            ("de", "les"): "des",
            ("de", "des"): "de",
            ("à", "le"): "au",
            ("à", "les"): "aux",
        }.get((prep, low))
        if contracted:
            return f"{_match_case(preposition, contracted)} {rest}"
        return f"{preposition} {low}{'' if low.endswith(chr(39)) else ' '}{rest}"
    if prep == "de":
        return elide(preposition, phrase)
    return f"{preposition} {phrase}"


def _coordinated(phrase: str) -> list[tuple[str, str]]:
    """``phrase`` cut before each top-level " et " (outside brackets and quotes) that is
    followed by an article: ``[("", first), (" et ", second), ...]``. Only when the phrase
    itself opens with an article, so "de Bah N'Daw et le Premier ministre" is left alone."""
    if _split_article(phrase) is None:
        return [("", phrase)]
    parts: list[tuple[str, str]] = []
    depth, start, conjunction = 0, 0, ""
    for index, char in enumerate(phrase):
        if char in "([«":
            depth += 1
        elif char in ")]»":
            depth = max(0, depth - 1)
        elif (
            depth == 0
            and phrase.startswith(" et ", index)
            and _split_article(phrase[index + 4 :]) is not None
        ):
            parts.append((conjunction, phrase[start:index]))
            start, conjunction = index + 4, " et "
    parts.append((conjunction, phrase[start:]))
    return parts


def junction(text_before: str, value: str) -> str:
    """``text_before + value`` with the grammar of their junction: the last word of
    ``text_before`` (de, à, le, la, que followed by one space) merged with ``value``."""
    match = _TRIGGER.search(text_before)
    if not match or not value:
        return text_before + value
    word = match.group(1)
    head = text_before[: match.start()]
    if word.lower() in {"de", "à"}:
        return head + with_preposition(word, value)
    return head + elide(word, value)


def fill(template: str, **params: object) -> str:
    """``template.format(**params)`` with French junction rules where a value follows a
    preposition or an article of the template (see the module docstring)."""
    out = ""
    formatter = string.Formatter()
    for literal, field, spec, conversion in formatter.parse(template):
        out += literal
        if field is None:
            continue
        value = formatter.get_field(field, (), params)[0]
        value = formatter.convert_field(value, conversion)
        out = junction(out, formatter.format_field(value, spec or ""))
    return out


NBSP = "\u00a0"
"""The no-break space French puts before : ; ? ! and inside « » (as in data/facts)."""
_SPACE_BEFORE = re.compile(r"[ \u202f]([:;?!»])")
_SPACE_AFTER = re.compile(r"«[ \u202f]")


def typography(text: str) -> str:
    """French spacing: a no-break space (never a line break) before : ; ? ! » and after «,
    where a plain space stands. A colon with no space ("14:05", "https:") is left alone."""
    return _SPACE_AFTER.sub("«" + NBSP, _SPACE_BEFORE.sub(NBSP + r"\1", text))


def translate(key: str, lang: str, **params: object) -> str:
    """:func:`~geo.i18n.catalogue.translate` (plural
    forms, the reader's number format) with the French
    junction rules of :func:`fill` applied to every inserted value and the template's spacing
    made French (:func:`typography`; the values are inserted as they are)."""
    if i18n.normalise_language(lang) != "fr":
        return i18n.translate(key, lang, **params)
    others = {name: value for name, value in params.items() if name != "count"}
    holes = {name: "{" + name + "}" for name in others}
    template = typography(i18n.translate(key, lang, **{**params, **holes}))
    return fill(template, **others)


def browser_template(key: str, lang: str) -> str:
    """The template ``key`` for the browser to fill (its ``{n}`` left as it is) with French
    spacing in French; :func:`translate` would try to fill it."""
    text = i18n.translate(key, lang)
    return typography(text) if i18n.normalise_language(lang) == "fr" else text
