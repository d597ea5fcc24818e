"""The project as an installable package: its declared dependencies agree with the pins.

`requirements.txt` (what the README's commands install), `pyproject.toml` (what
`pip install .` installs) and `requirements.lock` (the transitive versions CI tested) are
three lists of the same packages; a pin changed in one of them only is a fresh machine
getting another version than the one tested.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def _name(package: str) -> str:
    return re.sub(r"[-_.]+", "-", package).lower()


def _pins(lines: list[str]) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


def _file_pins(name: str) -> dict[str, str]:
    return _pins((REPO / name).read_text(encoding="utf-8").splitlines())


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_line_of_the_requirements_is_an_exact_pin() -> None:
    for name in ("requirements.txt", "requirements-dev.txt"):
        for number, line in enumerate((REPO / name).read_text("utf-8").splitlines(), 1):
            text = line.strip()
            if text and not text.startswith(("#", "-r ")):
                assert PIN.match(text), f"{name} line {number}: {text!r} is not name==version"


def test_the_package_declares_the_same_pins_as_the_requirements() -> None:
    declared = _pins(_pyproject()["project"]["dependencies"])
    assert declared == _file_pins("requirements.txt")


def test_the_dev_extra_declares_the_test_tools_pinned_in_the_dev_requirements() -> None:
    declared = _pins(_pyproject()["project"]["optional-dependencies"]["dev"])
    assert declared == _file_pins("requirements-dev.txt")


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_the_lock_holds_every_pin_at_the_same_version(name: str) -> None:
    lock = _file_pins("requirements.lock")
    for package, version in _file_pins(name).items():
        assert lock.get(package) == version, f"{package}=={version} of {name} in the lock"


def test_the_console_script_points_at_the_importers_entry_point() -> None:
    from geo.io import cli as importer

    target = _pyproject()["project"]["scripts"]["sahel-atlas"]
    module, function = target.split(":")
    assert module == "geo.io.cli"
    assert callable(getattr(importer, function))


def test_scripts_and_tests_import_the_project_without_editing_sys_path() -> None:
    """The project is installed (``make setup``): nothing needs ``sys.path`` edits. The one
    exception is the map benchmark's child processes, which build the page of another
    checkout (``--app-dir``) and so must import that checkout's ``geo``."""
    edits = re.compile(r"sys" r"\.path\.(insert|append)\(")  # split: not a match itself
    allowed = "sys" + ".path.insert(0, app_dir)"  # split like the pattern
    found = []
    for folder in ("scripts", "tests"):
        for path in sorted((REPO / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if edits.search(line) and line.strip() != allowed:
                    found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []
