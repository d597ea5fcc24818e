"""The tree is lint-clean and formatted: ``ruff check`` and ``ruff format --check`` pass with
the project's settings (``pyproject.toml``: ``[tool.ruff]``), so CI refuses what a reviewer
would ask to change by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_ruff_finds_nothing_to_fix() -> None:
    out = _ruff("check", "--no-cache", "--output-format", "concise", ".")
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_code_is_formatted() -> None:
    out = _ruff("format", "--no-cache", "--check", ".")
    assert out.returncode == 0, out.stdout + out.stderr
