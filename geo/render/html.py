"""HTML from Jinja2 templates (``geo/render/templates/*.html.j2``), escaped by default.

Every value a template prints is escaped unless it is a :class:`markupsafe.Markup`: data go
in as plain values, and only HTML already rendered by another template is passed as
``Markup`` (explicitly, at the call). An undefined variable is an error, not an empty string.

Two choices keep the output byte-identical to the hand-built HTML it replaces:

* values are escaped with :func:`html.escape` (``&quot;``, ``&#x27;``), the module's
  ``finalize``, rather than MarkupSafe's own entities (``&#34;``, ``&#39;``);
* the loader joins each template's lines: a line break and the indentation after it are
  dropped, so templates can be laid out over several lines without adding whitespace to the
  HTML. A space wanted between two pieces stays inside one line.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).with_name("templates")
_LINE_BREAK = re.compile(r"\n[ \t]*")


class _JoinedLinesLoader(jinja2.FileSystemLoader):
    """Templates with their line breaks (and the indentation that follows) removed."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        return _LINE_BREAK.sub("", source), filename, uptodate


def escape_value(value: object) -> Markup:
    """A printed value as HTML: trusted ``Markup`` as it is, anything else escaped (quotes
    included, for attribute values)."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(_html.escape(str(value), quote=True))


@cache
def environment() -> jinja2.Environment:
    """The one template environment: autoescaping, strict about undefined variables."""
    return jinja2.Environment(
        loader=_JoinedLinesLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=escape_value,
        keep_trailing_newline=False,
    )


def render(template: str, /, **values: object) -> str:
    """The ``template`` (a file of :data:`TEMPLATES_DIR`) rendered with ``values``.

    Returns a plain ``str`` (not ``Markup``), so callers that concatenate it with other text
    get no surprise escaping; pass it back into another template as ``Markup(...)``.
    """
    return environment().get_template(template).render(**values)
