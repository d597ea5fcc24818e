"""Reading the project's YAML files (facts, zones, interface strings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it (the wheels are): the same safe loading,
# about ten times faster, which matters on a dashboard's first page view.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The content of a UTF-8 YAML file, loaded safely (no arbitrary Python objects)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
