"""A :class:`~geo.render.figures.scene.Scene` as PNG, drawn with Pillow at ``scale`` device
pixels per CSS pixel (2: sharp in a printed report).

Filled shapes are painted through one mask per shape (holes drawn back out of it), so that
a translucent fill is blended once; marks are drawn in a loop over the marks of a figure,
which the map has already merged to one per pixel, style and size (see
:mod:`geo.render.figures.mapfigure`): a few hundred thousand events stay a fraction of a
second.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw

from geo.render.figures.scene import Marks, Rect, Scene, Shape, Style, Text, font

SCALE = 2.0


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _rgba(colour: str, opacity: float) -> tuple[int, int, int, int]:
    return (*_rgb(colour), max(0, min(255, round(opacity * 255))))


def _dashed(points: np.ndarray, dash: tuple[float, ...]) -> list[np.ndarray]:
    """The pieces of a polyline drawn by the dash pattern ``dash`` (on, off, ... lengths)."""
    if len(points) < 2 or not dash or sum(dash) <= 0:
        return [points]
    pattern = list(dash) * (2 if len(dash) % 2 else 1)
    seg = np.diff(points, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    total = along[-1]
    pieces: list[np.ndarray] = []
    start, index = 0.0, 0
    while start < total:
        stop = min(start + pattern[index % len(pattern)], total)
        if index % 2 == 0 and stop > start:
            inner = (along > start) & (along < stop)
            ends = np.array(
                [
                    [np.interp(start, along, points[:, 0]), np.interp(start, along, points[:, 1])],
                    [np.interp(stop, along, points[:, 0]), np.interp(stop, along, points[:, 1])],
                ]
            )
            pieces.append(np.vstack([ends[:1], points[inner], ends[1:]]))
        start, index = stop, index + 1
    return pieces


class _Painter:
    def __init__(self, scene: Scene, scale: float) -> None:
        self.scale = scale
        self.size = (max(1, round(scene.width * scale)), max(1, round(scene.height * scale)))
        self.image = Image.new("RGB", self.size, _rgb(scene.background))

    def _xy(self, ring: np.ndarray) -> list[tuple[float, float]]:
        scaled = np.asarray(ring, float) * self.scale
        return [(float(x), float(y)) for x, y in scaled]

    def _blend(self, mask: Image.Image, colour: str, opacity: float) -> None:
        if opacity < 1:
            mask = mask.point(lambda v: round(v * opacity))
        self.image.paste(_rgb(colour), (0, 0, *self.size), mask)

    def _lines(self, rings: list[np.ndarray], style: Style, closed: bool) -> None:
        if not style.stroke or style.stroke_width <= 0:
            return
        mask = Image.new("L", self.size, 0)
        draw = ImageDraw.Draw(mask)
        width = max(1, round(style.stroke_width * self.scale))
        dash = tuple(d * self.scale for d in style.dash)
        for ring in rings:
            points = np.asarray(ring, float) * self.scale
            if closed and len(points) > 2:
                points = np.vstack([points, points[:1]])
            for piece in _dashed(points, dash):
                if len(piece) >= 2:
                    draw.line(
                        [(float(x), float(y)) for x, y in piece],
                        fill=255,
                        width=width,
                        joint="curve",
                    )
        self._blend(mask, style.stroke, 1.0)

    def shape(self, item: Shape) -> None:
        rings = [r for r in item.rings if len(r) >= 2]
        if not rings:
            return
        if item.closed and item.style.fill and item.style.fill_opacity > 0:
            mask = Image.new("L", self.size, 0)
            draw = ImageDraw.Draw(mask)
            for ring in rings:
                if len(ring) >= 3:
                    draw.polygon(self._xy(ring), fill=255)
            for hole in item.holes:
                if len(hole) >= 3:
                    draw.polygon(self._xy(hole), fill=0)
            self._blend(mask, item.style.fill, item.style.fill_opacity)
        self._lines([*rings, *(h for h in item.holes if len(h) >= 2)], item.style, item.closed)

    def marks(self, item: Marks) -> None:
        layer = Image.new("RGBA", self.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        style = item.style
        fill = _rgba(style.fill, style.fill_opacity) if style.fill else None
        line = _rgba(style.stroke, 1.0) if style.stroke else None
        width = max(1, round(style.stroke_width * self.scale)) if line else 0
        s = self.scale
        dash = tuple(d * s for d in style.dash)
        turn = np.linspace(0, 2 * np.pi, 49)
        for x, y, r in zip(item.x * s, item.y * s, item.r * s, strict=True):
            if not dash:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=line, width=width)
                continue
            # A dashed outline (alleged plots, some imported datasets), as the map draws it.
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
            ring = np.column_stack(
                [x + (r - width / 2) * np.cos(turn), y + (r - width / 2) * np.sin(turn)]
            )
            for piece in _dashed(ring, dash):
                if len(piece) >= 2 and line:
                    draw.line([(float(a), float(b)) for a, b in piece], fill=line, width=width)
        self.image.paste(layer, (0, 0), layer)

    def rect(self, item: Rect) -> None:
        s = self.scale
        box = (item.x * s, item.y * s, (item.x + item.width) * s, (item.y + item.height) * s)
        draw = ImageDraw.Draw(self.image, "RGBA")
        style = item.style
        draw.rectangle(
            box,
            fill=_rgba(style.fill, style.fill_opacity) if style.fill else None,
            outline=_rgb(style.stroke) if style.stroke else None,
            width=max(1, round(style.stroke_width * s)) if style.stroke else 0,
        )

    def text(self, item: Text) -> None:
        face = font(item.size * self.scale, item.bold)
        s = self.scale
        anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item.anchor]
        if not item.rotate:
            ImageDraw.Draw(self.image).text(
                (item.x * s, item.y * s),
                item.text,
                font=face,
                fill=_rgb(item.colour),
                anchor=anchor,
            )
            return
        left, top, right, bottom = face.getbbox(item.text, anchor=anchor)
        tile = Image.new("RGBA", (int(right - left) + 2, int(bottom - top) + 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text(
            (-left + 1, -top + 1), item.text, font=face, fill=_rgba(item.colour, 1.0), anchor=anchor
        )
        turned = tile.rotate(90, expand=True)
        # The anchor point (x, y) ends at the tile's bottom-left... after the turn: place
        # the turned tile so that the baseline runs upwards through (x, y).
        x0 = round(item.x * s + top - 1)
        y0 = round(item.y * s - turned.height - left + 1)
        self.image.paste(turned, (x0, y0), turned)

    def draw(self, item: Shape | Marks | Rect | Text) -> None:
        if isinstance(item, Shape):
            self.shape(item)
        elif isinstance(item, Marks):
            self.marks(item)
        elif isinstance(item, Rect):
            self.rect(item)
        else:
            self.text(item)


def png_image(scene: Scene, scale: float = SCALE) -> Image.Image:
    """The figure drawn at ``scale`` device pixels per CSS pixel."""
    painter = _Painter(scene, scale)
    if scene.clip:
        x, y, w, h = scene.clip
        box = (round(x * scale), round(y * scale), round((x + w) * scale), round((y + h) * scale))
        before = painter.image.copy()
        for item in scene.clipped:
            painter.draw(item)
        before.paste(painter.image.crop(box), box[:2])  # what falls outside the frame is lost
        painter.image = before
    for item in scene.items:
        painter.draw(item)
    return painter.image


def png_bytes(scene: Scene, scale: float = SCALE) -> bytes:
    """The figure as a PNG file."""
    out = io.BytesIO()
    png_image(scene, scale).save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
