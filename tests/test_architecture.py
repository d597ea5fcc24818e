"""The layers of ``geo/`` and the direction of their imports, checked over the real import graph.

    ui  >  render  >  analysis | spatial | io  >  model  >  i18n

A module may import its own layer and the layers below it, never one above: ``geo.model``
knows nothing of files, ``geo.render`` only produces output (HTML, map layers, charts) and
never touches the store, and only ``geo.ui`` imports Streamlit. Every import statement counts,
also one inside a function (a late import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GEO = Path(__file__).resolve().parent.parent / "geo"

RANK = {"i18n": 0, "model": 1, "io": 2, "spatial": 2, "analysis": 2, "render": 3, "ui": 4}
STREAMLIT = ("streamlit", "streamlit_folium")
RENDER_FORBIDDEN = ("geo.io.store", "geo.io.snapshot", *STREAMLIT)


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for path in sorted(GEO.rglob("*.py")):
        parts = path.relative_to(GEO.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # "from geo import io" names a sub-package: count it as imported
            found += [
                (node.lineno, f"{base}.{alias.name}")
                for alias in node.names
                if f"{base}.{alias.name}" in MODULES
            ]
    return found


MODULES = _modules()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "geo" else None


def _violations() -> list[str]:
    problems = []
    for module, path in MODULES.items():
        own = _layer(module)
        if own is None:
            continue
        for line, target in _imports(path, module):
            shown = path.relative_to(GEO.parent) if path.is_relative_to(GEO.parent) else path
            where = f"{shown}:{line} imports {target}"
            if target.split(".")[0] in STREAMLIT and own != "ui":
                problems.append(f"{where}: only geo.ui imports Streamlit")
            if own == "render" and target.startswith(RENDER_FORBIDDEN):
                problems.append(f"{where}: geo.render never reads the store")
            theirs = _layer(target)
            if theirs is None or theirs == own:
                continue
            if theirs not in RANK:
                problems.append(f"{where}: geo.{theirs} is not a layer")
            elif RANK[theirs] > RANK[own]:
                problems.append(f"{where}: geo.{own} is below geo.{theirs}")
    return problems


def test_every_module_sits_in_a_layer():
    flat = [m for m in MODULES if m != "geo" and _layer(m) not in RANK]
    assert flat == [], f"modules outside the layers {sorted(RANK)}: {flat}"


def test_imports_only_go_down_the_layers():
    assert _violations() == []


@pytest.mark.parametrize("layer", sorted(RANK))
def test_each_layer_says_in_one_line_what_it_owns(layer):
    doc = ast.get_docstring(ast.parse((GEO / layer / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"geo/{layer}/__init__.py has no docstring"
    summary = doc.split("\n\n")[0]
    assert summary.endswith(".") and len(summary) <= 200, summary


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The check is not vacuous: a model module importing the UI, a render module reading
    the store, and a late import inside a function are each caught."""
    model = tmp_path / "model.py"
    model.write_text("def f():\n    from geo.ui import events\n", encoding="utf-8")
    render = tmp_path / "render.py"
    render.write_text("from geo.io import store\nimport streamlit as st\n", encoding="utf-8")
    fake = {"geo.model.bad": model, "geo.render.bad": render, "geo.io.store": render}
    monkeypatch.setattr(__import__(__name__, fromlist=["MODULES"]), "MODULES", fake)
    found = "\n".join(_violations())
    assert "geo.model is below geo.ui" in found
    assert "geo.render never reads the store" in found
    assert "only geo.ui imports Streamlit" in found


TESTS = Path(__file__).resolve().parent
# Folders of tests that are not about one layer of geo/.
NOT_A_LAYER = {
    "app": "page logic through AppTest",
    "browser": "real Chromium against a server",
    "fixtures": "small real-shaped input files",
}


def test_the_tests_mirror_the_layers():
    """Each layer's unit tests sit in the folder of that name; the top level keeps only the
    project-wide checks (this file, the team deployment, lint and format, packaging, typing,
    the server's network exposure)."""
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(RANK) | set(NOT_A_LAYER)
    top = sorted(p.name for p in TESTS.glob("test_*.py"))
    assert top == [
        "test_architecture.py",
        "test_deploy.py",
        "test_lint.py",
        "test_packaging.py",
        "test_server_privacy.py",
        "test_typing.py",
    ]
