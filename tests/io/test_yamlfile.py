"""The fast YAML reader gives exactly what PyYAML's pure-Python safe loader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from geo.io.yamlfile import read_yaml

REPO = Path(__file__).resolve().parents[2]
FILES = sorted([*REPO.glob("data/**/*.yaml"), *REPO.glob("geo/i18n/locales/*.yaml")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_same_content_as_the_safe_loader(path):
    assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_refuses_python_objects(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text("x: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        read_yaml(path)
