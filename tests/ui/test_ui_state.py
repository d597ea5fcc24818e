"""The registry of session keys and URL parameters (geo.ui.state): every key or parameter
a page or a geo.ui module names is declared there, and no module uses a key the registry
gives to another page; the declared codecs read back what they write."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from geo.ui import state

ROOT = Path(__file__).resolve().parents[2]
# Which pages each module serves. A module may use a key only if the key is declared for
# every page it serves (shared keys for shared modules); ``_ANY_OF`` modules hold helpers
# for several pages, each helper for one of them, so a key of any of their pages will do.
MODULE_PAGES: dict[str, frozenset[str]] = {
    "dashboard.py": state.EVERY_PAGE,
    "pages/map.py": frozenset({state.MAP}),
    "pages/changes.py": frozenset({state.CHANGES}),
    "pages/analysis.py": frozenset({state.ANALYSIS}),
    "pages/charter.py": frozenset({state.CHARTER}),
    "pages/timeline.py": frozenset({state.TIMELINE}),
    "pages/data.py": frozenset({state.DATA}),
    "pages/help.py": frozenset({state.HELP}),
    "geo/ui/help.py": frozenset({state.HELP}),
    "geo/ui/__init__.py": state.EVERY_PAGE,
    "geo/ui/state.py": state.EVERY_PAGE,
    "geo/ui/shell.py": state.EVERY_PAGE,
    "geo/ui/warmup.py": state.EVERY_PAGE,
    "geo/ui/http.py": state.EVERY_PAGE,  # the index page of every page; no state used
    "geo/ui/store_health.py": state.EVERY_PAGE,
    "geo/ui/events.py": state.FILTER_PAGES,
    "geo/ui/map_page.py": frozenset({state.MAP}),
    "geo/ui/places.py": frozenset({state.MAP}),
    "geo/ui/mapdata.py": frozenset({state.MAP}),
    "geo/ui/instore.py": frozenset({state.MAP, state.ANALYSIS}),
    "geo/ui/signals.py": frozenset({state.CHANGES}),
    "geo/ui/figures.py": frozenset({state.MAP, state.ANALYSIS, state.CHANGES}),
    "geo/ui/analysis.py": frozenset({state.ANALYSIS}),
    "geo/ui/analysis_page.py": frozenset({state.ANALYSIS}),
    "geo/ui/analysis_rates.py": frozenset({state.ANALYSIS}),
    "geo/ui/data.py": frozenset({state.DATA}),
    "geo/ui/access.py": frozenset({state.DATA}),
    "geo/ui/acled_update.py": frozenset({state.DATA}),
    "geo/ui/facts.py": frozenset({state.MAP, state.TIMELINE, state.CHARTER}),
}
_ANY_OF = {"geo/ui/facts.py"}
_STATE = {"session_state", "query_params"}
_KEY_FUNCS = {"url_backed", "keep", "remember", "write_params"}  # take key names
_NAME_SUFFIXES = ("_KEY", "_KEYS", "_PARAM", "_PARAMS")


def _literal(node: ast.AST) -> tuple[str, bool] | None:
    """``(text, is_prefix)`` of a string literal or of an f-string's constant head."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, False
    if isinstance(node, ast.JoinedStr):
        head = node.values[0] if node.values else None
        return (head.value if isinstance(head, ast.Constant) else ""), True
    return None


def used_names(source: str) -> list[tuple[int, str, str, bool]]:
    """``(line, "key" | "param", name, is_prefix)`` of every literal key or parameter in
    ``source``: subscripts and methods of ``st.session_state`` / ``st.query_params`` (and
    names bound to them), ``in`` tests, widgets' ``key=``, ``query_params=`` dicts, the
    key arguments of geo.ui's state functions, and module constants named ``*_KEY`` or
    ``*_PARAM``."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in _STATE
        ):
            aliases.update({t.id: node.value.attr for t in node.targets if isinstance(t, ast.Name)})

    def kind_of(node: ast.AST) -> str | None:
        attr = (
            node.attr
            if isinstance(node, ast.Attribute) and node.attr in _STATE
            else aliases.get(node.id)
            if isinstance(node, ast.Name)
            else None
        )
        return None if attr is None else "param" if attr == "query_params" else "key"

    found: list[tuple[int, str, ast.AST]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and (kind := kind_of(node.value)):
            found.append((node.lineno, kind, node.slice))
        elif (
            isinstance(node, ast.Compare)
            and node.comparators
            and (kind := kind_of(node.comparators[0]))
        ):
            found.append((node.lineno, kind, node.left))
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and (kind := kind_of(func.value)) and node.args:
                found.append((node.lineno, kind, node.args[0]))
            for kw in node.keywords:
                if kw.arg == "key":
                    found.append((node.lineno, "key", kw.value))
                elif kw.arg == "query_params" and isinstance(kw.value, ast.Dict):
                    found += [(node.lineno, "param", k) for k in kw.value.keys if k]
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _KEY_FUNCS:
                args = node.args[:1] if name == "url_backed" else node.args
                for i, arg in enumerate(args):
                    kind = (
                        "param"
                        if name == "write_params" or (name == "remember" and i == 1)
                        else "key"
                    )
                    keys = arg.keys if isinstance(arg, ast.Dict) else [arg]
                    found += [(node.lineno, kind, k) for k in keys if k]
    for node in tree.body:  # module constants naming a key or a parameter
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.endswith(_NAME_SUFFIXES):
                    kind = "param" if "_PARAM" in target.id else "key"
                    values = (
                        node.value.elts
                        if isinstance(node.value, ast.Tuple | ast.List)
                        else [node.value]
                    )
                    found += [(node.lineno, kind, v) for v in values if v is not None]
    out = []
    for line, kind, node in found:
        lit = _literal(node)
        if lit is not None:
            out.append((line, kind, lit[0], lit[1]))
    return out


def problems(module: str, source: str) -> list[str]:
    """What is wrong with the keys and parameters ``source`` (module ``module``) names."""
    pages = MODULE_PAGES[module]
    out = []
    for line, kind, name, is_prefix in used_names(source):
        if is_prefix:
            # f"{x}_..." cannot be checked: a run-time key starts with a declared family
            allowed = next(
                (f.pages for f in state.FAMILIES if name and name.startswith(f.prefix)), None
            )
        else:
            allowed = state.key_pages(name) if kind == "key" else state.param_pages(name)
        where = f"{module}:{line}: {kind} {name!r}{'…' if is_prefix else ''}"
        if allowed is None:
            out.append(f"{where} is not declared in geo/ui/state.py")
        elif module in _ANY_OF and not (allowed & pages):
            out.append(f"{where} belongs to {sorted(allowed)}, not to {sorted(pages)}")
        elif module not in _ANY_OF and not pages <= allowed:
            out.append(f"{where} belongs to {sorted(allowed)}; this module serves {sorted(pages)}")
    return out


def _modules() -> list[str]:
    found = [
        "dashboard.py",
        *(
            str(p.relative_to(ROOT))
            for p in sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "geo" / "ui").glob("*.py")])
        ),
    ]
    return found


def test_every_page_and_ui_module_has_its_pages_declared() -> None:
    undeclared = sorted(set(_modules()) - set(MODULE_PAGES))
    assert not undeclared, f"add {undeclared} to MODULE_PAGES with the pages they serve"
    assert not set(MODULE_PAGES) - set(_modules()), "MODULE_PAGES names a module gone"


@pytest.mark.parametrize("module", _modules())
def test_a_module_names_only_declared_keys_of_its_pages(module: str) -> None:
    assert problems(module, (ROOT / module).read_text(encoding="utf-8")) == []


def test_the_check_catches_undeclared_and_foreign_keys() -> None:
    source = """
import streamlit as st
X_KEY = "made_up"
st.session_state["also_made_up"] = 1
st.query_params.get("nowhere")
st.toggle("x", key="pivot")
if "sg_end" in st.session_state:
    pass
st.button("y", key=f"zz_{1}")
st.button("z", key=f"{X_KEY}_{2}")
"""
    found = problems("pages/map.py", source)
    assert any("'made_up' is not declared" in p for p in found)
    assert any("'also_made_up' is not declared" in p for p in found)
    assert any("param 'nowhere' is not declared" in p for p in found)
    assert any("'pivot' belongs to ['analysis']" in p for p in found)  # another page's key
    assert any("'sg_end' belongs to ['changes']" in p for p in found)
    assert any("'zz_'…" in p for p in found)
    assert any("key ''…" in p for p in found)  # a run-time key with no declared family
    assert (
        problems(
            "pages/map.py",
            'import streamlit as st\nst.session_state["selection"]\n'
            'st.toggle("a", key="radius")\nst.query_params.get("sel")\n',
        )
        == []
    )


def test_shared_keys_are_declared_for_each_page_that_uses_them() -> None:
    # The map's filters and its core radius reach the analysis page through the registry.
    assert state.key_pages("ev_countries") >= state.FILTER_PAGES
    assert state.key_pages(state.EV_LAYERS("battle")) >= state.FILTER_PAGES
    assert {state.MAP, state.ANALYSIS} == state.key_pages("radius")
    assert state.key_pages("selection") == {state.MAP}
    assert state.param_pages("from") == state.FILTER_PAGES


def test_a_url_parameter_names_one_declaration() -> None:
    params = [k.param for k in state.KEYS.values() if k.param]
    assert len(params) == len(set(params))
    assert not set(params) & {p.name for p in state.PARAMS.values() if p.name not in params}


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        (state.ALG, False, "0"),
        (state.CORE, True, "1"),
        (state.RADIUS, 75.0, "75"),
        (state.RADIUS, 37.5, "37.5"),
        (state.SG_PERIOD, "week", "week"),
        (state.SG_END, date(2019, 12, 31), "2019-12-31"),
        (state.TL_UNVERIFIED, True, "1"),
        (state.PIVOT, date(2023, 7, 26), "2023-07-26"),
        (state.DENSITY, True, "1"),
    ],
)
def test_codecs_read_back_what_they_write(key: state.Key, value: object, text: str) -> None:
    assert state.encoded([(key, value)]) == {key.param: text}
    assert key.decode is not None and key.decode(text) == value


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (state.RADIUS, "401"),
        (state.RADIUS, "ten"),
        (state.ALG, "maybe"),
        (state.SG_PERIOD, "fortnight"),
        (state.SG_END, "2019-13-01"),
    ],
)
def test_codecs_refuse_what_the_page_cannot_take(key: state.Key, text: str) -> None:
    assert key.decode is not None and key.decode(text) is None


def test_defaults_are_dropped_from_the_url_where_the_page_drops_them() -> None:
    assert state.encoded([(state.EV_CLUSTER, True)]) == {"cluster": None}
    assert state.encoded([(state.EV_CLUSTER, False)]) == {"cluster": "0"}
    assert state.encoded([(state.HL, None)]) == {"hl": None}
    assert state.encoded([(state.DENSITY, False)]) == {"density": None}  # the events view
