"""Figures for a report: the map as the reader sees it and each chart, as SVG and PNG.

One drawing (:class:`geo.render.figures.scene.Scene`: shapes, marks and texts in CSS
pixels) is built per figure (:mod:`.mapfigure`, :mod:`.chartfigure`) and written by two
writers, :mod:`.svg` (a Jinja2 template, escaped like every other output) and :mod:`.png`
(Pillow), so both files carry the same legend, title, filters, date and attribution.
"""
