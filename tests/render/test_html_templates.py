"""HTML comes from autoescaping templates (``geo.render.html``): text from data shows as text,
never as markup nor as a template expression, in every template family; no module that was
converted builds HTML by hand again."""

from __future__ import annotations

import ast
import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pandas as pd
import pytest
from markupsafe import Markup

from geo.io import facts
from geo.io.events import load_events
from geo.render import charter as cv
from geo.render import html as tpl
from geo.render import panels

ROOT = Path(__file__).resolve().parents[2]
# Every module that writes HTML (the render and UI layers), but the template layer itself.
CONVERTED = sorted(
    str(path.relative_to(ROOT))
    for folder in ("geo/render", "geo/ui")
    for path in (ROOT / folder).glob("*.py")
    if path.name != "html.py"
)


def hostile(field: str) -> str:
    """A text for ``field`` that would be markup, an attribute break-out or a Jinja
    expression if it were not escaped."""
    return (
        f'<script>alert("{field}")</script><img src=x onerror=alert(1)> '
        f"& 'q' \"{field}\" {{{{ 7*7 }}}} {{% if 1 %}}{field}-ran{{% endif %}}"
    )


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)

    def handle_data(self, data):
        self.text.append(data)


def assert_shown_as_text(html: str, fields: list[str]) -> None:
    """No element nor event handler came from data, and each field's hostile text is
    there whole (its ``{{ 7*7 }}`` and ``{% if %}`` unevaluated), as text or in an
    attribute's value."""
    parsed = _Parsed()
    parsed.feed(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags, html
    assert not [name for name, _ in parsed.attrs if name.startswith("on")], html
    text = "".join(parsed.text)
    values = [value for _, value in parsed.attrs]
    for field in fields:
        expected = hostile(field)
        assert expected in text or any(expected in value for value in values), (field, html)


def texts(field: str) -> dict[str, str]:
    return {"en": hostile(field), "fr": hostile(field)}


# --------------------------------------------------------------------------- the environment


def test_the_environment_escapes_every_value_and_trusts_only_markup():
    env = tpl.environment()
    template = env.from_string('<p title="{{ value }}">{{ value }}{{ trusted }}</p>')
    html = template.render(value="<b>\"Gao\" & 'Ménaka'</b>", trusted=Markup("<br>"))
    assert html == (
        '<p title="&lt;b&gt;&quot;Gao&quot; &amp; &#x27;Ménaka&#x27;&lt;/b&gt;">'
        "&lt;b&gt;&quot;Gao&quot; &amp; &#x27;Ménaka&#x27;&lt;/b&gt;<br></p>"
    )
    assert env.autoescape is True


def test_an_undefined_variable_is_an_error_not_an_empty_string():
    with pytest.raises(jinja2.UndefinedError):
        tpl.environment().from_string("<p>{{ missing }}</p>").render()
    with pytest.raises(jinja2.UndefinedError):
        tpl.render("facts_table.html.j2")


def test_a_value_is_never_run_as_a_template():
    html = tpl.environment().from_string("{{ value }}").render(value="{{ 7*7 }}{% if 1 %}x")
    assert html == "{{ 7*7 }}{% if 1 %}x"


def test_template_lines_are_joined_without_whitespace(tmp_path):
    (tmp_path / "t.html.j2").write_text(
        "<ul>\n  <li>{{ a }} ·\n    {{ b }}</li>\n</ul>\n", encoding="utf-8"
    )
    env = jinja2.Environment(loader=tpl._JoinedLinesLoader(tmp_path), autoescape=True)
    assert env.get_template("t.html.j2").render(a="A", b="B") == "<ul><li>A ·B</li></ul>"


def test_every_template_compiles_and_none_bypasses_the_escaping():
    """``|safe`` and ``autoescape false`` would print data as HTML; ``|e``, ``|join``,
    ``~`` and ``|format`` escape with MarkupSafe's entities, not the module's."""
    names = sorted(p.name for p in tpl.TEMPLATES_DIR.glob("*.html.j2"))
    assert len(names) > 20
    env = tpl.environment()
    for name in names:
        env.get_template(name)
        source = (tpl.TEMPLATES_DIR / name).read_text(encoding="utf-8")
        for tag in re.findall(r"{{.*?}}|{%.*?%}", source, flags=re.S):
            assert not re.search(
                r"\|\s*(safe|e|escape|join|format|forceescape)\b|~|"
                r"autoescape\s+false|Markup",
                tag,
            ), (name, tag)


# --------------------------------------------------------------------------- panels


@pytest.fixture(scope="module")
def event_row() -> pd.Series:
    return load_events().events.iloc[0].copy()


PANEL_FIELDS = [
    "id",
    "admin1_name",
    "location",
    "summary",
    "dataset",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "interaction",
    "interaction_code",
    "civilian_targeting",
    "dyad_name",
    "dyad_id",
]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_event_panel_shows_every_field_from_data_as_text(event_row, lang):
    row = event_row.copy()
    for column in PANEL_FIELDS:
        row[column] = hostile(column)
    row["actors"] = hostile("actors")
    row["sources"] = [hostile("source"), "https://example.org/" + hostile("url")]
    html = panels.event_panel_html(
        row,
        hostile("country"),
        lang,
        also_in=[(hostile("ds"), hostile("ident"), ("https://x.org/" + hostile("copy-url"),))],
    )
    assert_shown_as_text(html, [*PANEL_FIELDS, "actors", "source", "country", "ds", "ident"])
    assert 'href="https://example.org/&lt;script&gt;' in html
    assert 'href="https://x.org/&lt;script&gt;' in html


def test_source_list_and_legends_show_data_as_text():
    html = panels.source_list_html([hostile("plain"), "https://a.org/?a=1&b=" + hostile("q")])
    assert_shown_as_text(html, ["plain"])
    assert 'href="https://a.org/?a=1&amp;b=&lt;script&gt;' in html
    legend = panels.event_legend_html("en", datasets={"curated": 0, hostile("dataset"): 1})
    assert_shown_as_text(legend, ["dataset"])


def test_actor_lists_show_names_as_text():
    acting, _targets = panels.actors_html(hostile("actor") + "; civilians", "en")
    assert_shown_as_text(acting, ["actor"])


# --------------------------------------------------------------------------- charter


def hostile_copy(obj: object, skip: frozenset[str] = frozenset()) -> object:
    """``obj`` (a fact dataclass) with every text, name and source replaced by a hostile
    one naming its field; dates, codes, flags and numbers kept (the loader checks them)."""
    keep = {
        "date",
        "date_precision",
        "sort_date",
        "end_date",
        "signing_date",
        "signing_date_precision",
        "in_power_since",
        "in_power_since_precision",
        "latest_verified",
        "latest_verified_precision",
        "precision",
        "iso3",
        "country",
        "countries",
        "themes",
        "category",
        "added",
        "revised",
    } | skip
    changes: dict[str, object] = {}
    for field in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, field.name)
        if field.name in keep or value is None:
            continue
        if isinstance(value, dict) and set(value) <= {"en", "fr"}:
            changes[field.name] = texts(field.name)
        elif isinstance(value, str):
            changes[field.name] = hostile(field.name)
        elif isinstance(value, tuple) and value and isinstance(value[0], str):
            changes[field.name] = (hostile(field.name),)
        elif isinstance(value, tuple) and value and isinstance(value[0], dict):
            changes[field.name] = (texts(field.name),)
        elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            changes[field.name] = tuple(hostile_copy(v, skip) for v in value)
        elif dataclasses.is_dataclass(value):
            changes[field.name] = hostile_copy(value, skip)
    return dataclasses.replace(obj, **changes)  # type: ignore[type-var]


@pytest.fixture(scope="module")
def hostile_charter() -> facts.Charter:
    return hostile_copy(facts.load_charter(), frozenset({"timeline_id"}))


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("compact", [False, True])
def test_charter_glance_shows_every_text_as_text(hostile_charter, lang, compact):
    html = cv.charter_glance_html(hostile_charter, lang, compact=compact)
    fields = ["name", "abbreviation", "place", "title_at_signing", "value"]
    if not compact:
        fields += [
            "length_note",
            "signing_date_notes",
            "place_notes",
            "contracting_parties",
            "preamble_summary",
            "ratification_notes",
            "sources",
            "notes",
        ]
    assert_shown_as_text(html, fields)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_articles_provisions_and_corrections_show_every_text_as_text(hostile_charter, lang):
    verified = [
        dataclasses.replace(a, notes=texts("notes"), uncertainty=texts("uncertainty"))
        for a in hostile_charter.articles
        if a.verified
    ]
    assert_shown_as_text(
        cv.articles_html(verified, hostile_charter, lang),
        ["title", "summary", "notes", "uncertainty", "sources"],
    )
    assert_shown_as_text(
        cv.provisions_html(hostile_charter.provisions_unlocated, hostile_charter, lang),
        ["id", "provision", "sources"],
    )
    for correction in hostile_charter.corrections:
        assert_shown_as_text(
            cv.correction_html(correction, lang),
            ["id", "statement", "wrong_claim", "notes", "sources"],
        )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_milestones_and_the_banner_show_every_text_as_text(lang):
    milestone = hostile_copy(facts.load_timeline()[0])
    milestone = dataclasses.replace(
        milestone,
        place=texts("place"),
        notes=texts("notes"),
        category_note=texts("category_note"),
        verified=False,
    )
    fields = ["id", "title", "summary", "place", "notes", "category_note", "sources"]
    assert_shown_as_text(cv.milestone_html(milestone, lang, {}, with_title=True), fields)
    assert_shown_as_text(cv.what_followed_html([milestone], lang, {}), fields)
    banner = cv.highlight_banner_html(
        milestone, cv.Highlight(("NER",), (hostile("event"),)), lang, {}
    )
    assert_shown_as_text(banner, ["id", "title", "event"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_member_state_card_shows_every_text_as_text(lang):
    state = hostile_copy(facts.load_member_states()["NER"])
    state = dataclasses.replace(
        state, latest_verified_note=texts("latest_verified_note"), notes=texts("notes")
    )
    html = cv.member_state_html(state, lang)
    assert_shown_as_text(
        html,
        [
            "name",
            "capital",
            "head_of_state",
            "title",
            "ousted",
            "label",
            "timeline_id",
            "latest_verified_note",
            "notes",
            "sources",
        ],
    )


# --------------------------------------------------------------------------- export, help


def test_standalone_map_boxes_show_text_as_text():
    assert_shown_as_text(
        tpl.render("export_attribution.html.j2", lines=[hostile("line1"), hostile("line2")]),
        ["line1", "line2"],
    )
    assert_shown_as_text(
        tpl.render("export_title.html.j2", title=hostile("title"), made=hostile("made")),
        ["title", "made"],
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_help_page_shows_every_text_as_text(lang):
    import datetime as dt

    from geo.render import helpcontent as hc
    from geo.spatial.zones import load_zone_definitions
    from geo.ui import help as page

    # A help text is a format string (placeholders such as {cluster_zoom}): braces doubled.
    text = hostile("text").replace("{", "{{").replace("}", "}}")
    item = hc.Item(
        id=hostile("item_id"),
        title=texts("item_title"),
        text={"en": text, "fr": text},
        show=hostile("show"),
    )
    assert_shown_as_text(
        page.item_html(item, lang, "<b>drawn</b>"), ["item_id", "item_title", "text", "show"]
    )
    source = hc.Source(
        url="https://x.org/" + hostile("url"),
        publisher=hostile("publisher"),
        title=hostile("source_title"),
        checked=dt.date(2026, 1, 5),
    )
    term = hc.Term(
        id=hostile("term_id"),
        term=texts("term"),
        names=texts("names"),
        definition=texts("definition"),
        sources=(source,),
    )
    assert_shown_as_text(
        page.glossary_html([term], lang),
        ["term_id", "term", "names", "definition", "publisher", "source_title"],
    )
    zones = dataclasses.replace(
        load_zone_definitions(),
        alg_name=texts("alg_name"),
        alg_definition=texts("alg_definition"),
        alg_caveat=texts("alg_caveat"),
        alg_units={"NER": [hostile("unit")]},
        core_name=texts("core_name"),
        core_definition=texts("core_definition"),
    )
    assert_shown_as_text(
        page.alg_zone_html(zones, lang), ["alg_name", "alg_definition", "alg_caveat", "unit"]
    )
    assert_shown_as_text(page.core_zone_html(zones, lang), ["core_name", "core_definition"])


# --------------------------------------------------------------------------- no hand-built HTML


def _hand_built_html(path: Path) -> list[str]:
    """``esc(...)`` calls, ``html.escape`` and f-strings that write a tag, in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in ("esc", "escape"):
                found.append(f"line {node.lineno}: {name}(...)")
        elif isinstance(node, ast.JoinedStr):
            literal = "".join(
                part.value
                for part in node.values
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
            if re.search(r"</?[a-zA-Z][^>]*>?|&[a-z]+;", literal):
                found.append(f"line {node.lineno}: f-string {literal[:40]!r}")
    return found


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_modules_build_no_html_by_hand(module):
    found = _hand_built_html(ROOT / module)
    assert not found, (
        f"{module} builds HTML by hand (use a template of geo/render/templates): {found}"
    )


def test_the_check_finds_hand_built_html(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('def f(x):\n    return f"<li>{esc(x)}</li>"\n', encoding="utf-8")
    assert len(_hand_built_html(sample)) == 2
