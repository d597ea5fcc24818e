"""Render folium maps without running data through Jinja a second time.

branca (folium's base) renders each map element's template, then wraps the *output* in an
``Element`` whose constructor compiles that text as a new Jinja template, which is rendered
again when the page is assembled. The output contains the data (GeoJSON properties, names,
tooltips), so text from an imported file such as ``{{ cycler.__init__.__globals__.os... }}``
would be executed on the user's machine, and a stray ``{%`` breaks the map with a
``TemplateSyntaxError``. It also costs time: the boundary GeoJSON is compiled as a
template on every rerun.

:func:`install` replaces ``MacroElement.render`` (used by every folium layer, marker
cluster, GeoJSON and the map itself) with the same steps, except that the rendered text
goes into a :class:`LiteralElement`, which returns it unchanged. Folium relies on the
second pass in one place only: a style value that is another element is written as
``{{'variable_name'}}``; :func:`install` resolves those references itself, like
streamlit-folium does. folium's ``Popup`` (not used by the app today, but the obvious way
to show an event's text) wraps its output the same way and is patched too; branca's
``Div`` is not (nothing here uses it). ``tests/render/test_foliumsafe.py`` renders hostile text
through every map the app builds and through a popup, so a folium or branca upgrade that
changes this path fails loudly.
"""

from __future__ import annotations

import re

from branca.element import Element, Figure, MacroElement
from folium.map import Popup

# folium's element variables: camel-cased class name, "_", a 32-digit hex id.
_ELEMENT_REF = re.compile(r"\{\{\s*'([a-z0-9_]+_[0-9a-f]{32})'\s*\}\}")
_INSTALLED = "_sahel_atlas_literal_render"


class LiteralElement(Element):
    """An element whose text is output as it is (never compiled as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "LiteralElement"
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


def _figure(element: Element) -> Figure:
    figure = element.get_root()
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    return figure


def _literal(rendered: object) -> LiteralElement:
    """Rendered output as a literal element, folium's element references resolved."""
    return LiteralElement(_ELEMENT_REF.sub(r"\1", str(rendered)))


def _literal_macro_render(self: MacroElement, **kwargs: object) -> None:
    """``MacroElement.render`` of branca, with the rendered macros kept literal."""
    figure = _figure(self)
    module = self._template.module.__dict__
    for macro, target in (
        ("header", figure.header),
        ("html", figure.html),
        ("script", figure.script),
    ):
        render = module.get(macro)
        if render is not None:
            target.add_child(_literal(render(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


def _literal_popup_render(self: Popup, **kwargs: object) -> None:
    """``Popup.render`` of folium, with the rendered popup kept literal."""
    for child in self._children.values():
        child.render(**kwargs)
    _figure(self).script.add_child(
        _literal(self._template.render(this=self, kwargs=kwargs)), name=self.get_name()
    )


def install() -> None:
    """Patch branca and folium once per process (idempotent)."""
    if getattr(MacroElement, _INSTALLED, False):
        return
    # Patched on the classes on purpose: every element folium draws goes through them.
    MacroElement.render = _literal_macro_render  # type: ignore[method-assign]
    Popup.render = _literal_popup_render  # type: ignore[method-assign]
    setattr(MacroElement, _INSTALLED, True)
