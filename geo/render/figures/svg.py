"""A :class:`~geo.render.figures.scene.Scene` as SVG, from the template ``figure.svg.j2``:
every text (titles, names from the data, filters, attribution) is escaped by the template
layer (:mod:`geo.render.html`)."""

from __future__ import annotations

import numpy as np

from geo.render.figures.scene import FONT_FAMILY, Marks, Rect, Scene, Shape, Style, Text
from geo.render.html import render


def _n(value: float) -> str:
    """A coordinate to a tenth of a pixel (shorter files; a tenth is below what any screen
    or printer shows at the figure's size)."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _paint(style: Style) -> dict[str, str]:
    return {
        "fill": style.fill or "none",
        "fill_opacity": f"{style.fill_opacity:g}",
        "stroke": style.stroke or "none",
        "stroke_width": f"{style.stroke_width:g}" if style.stroke else "0",
        "dash": " ".join(f"{d:g}" for d in style.dash),
    }


def _path_data(shape: Shape) -> str:
    parts = []
    for ring in (*shape.rings, *shape.holes):
        if len(ring) < 2:
            continue
        xs = np.round(ring[:, 0], 1)
        ys = np.round(ring[:, 1], 1)
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in zip(xs, ys, strict=True))
        parts.append(f"M{points}{'Z' if shape.closed else ''}")
    return "".join(parts)


def _item(item: Shape | Marks | Rect | Text) -> dict:
    if isinstance(item, Shape):
        return {"kind": "path", "d": _path_data(item), **_paint(item.style)}
    if isinstance(item, Marks):
        circles = [(_n(x), _n(y), _n(r)) for x, y, r in zip(item.x, item.y, item.r, strict=True)]
        return {"kind": "marks", "circles": circles, **_paint(item.style)}
    if isinstance(item, Rect):
        return {
            "kind": "rect",
            "x": _n(item.x),
            "y": _n(item.y),
            "width": _n(max(item.width, 0.0)),
            "height": _n(max(item.height, 0.0)),
            **_paint(item.style),
        }
    return {
        "kind": "text",
        "x": _n(item.x),
        "y": _n(item.y),
        "text": item.text,
        "size": _n(item.size),
        "bold": item.bold,
        "colour": item.colour,
        "anchor": item.anchor,
        "rotate": item.rotate,
    }


def svg_bytes(scene: Scene) -> bytes:
    """The figure as a standalone SVG file (UTF-8)."""
    text = render(
        "figure.svg.j2",
        width=_n(scene.width),
        height=_n(scene.height),
        title=scene.title,
        background=scene.background,
        font_family=FONT_FAMILY,
        clip=[_n(v) for v in scene.clip] if scene.clip else None,
        clipped=[_item(i) for i in scene.clipped],
        items=[_item(i) for i in scene.items],
    )
    return (text + "\n").encode("utf-8")
