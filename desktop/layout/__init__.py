"""GB/T 9704 typesetting as pure data (no Qt, no reportlab).

Public API (used by the PDF writer and the on-screen preview)::

    from desktop.document import build_document
    from desktop.fonts import font_set
    from desktop.layout import layout_document

    doc = build_document(draft, template)
    pages = layout_document(doc, font_set(options.font_dirs))
    for page in pages:          # Page: index, number (None = unnumbered), kind
        for run in page.runs:   # TextRun: x, baseline, text, font (Face key), size,
            ...                 #   role, char_space, hscale, color, kind
        for rule in page.rules: # Rule: x0, y0, x1, y1, width, color, kind
            ...

Coordinates are points from the page's top-left corner (y grows downwards);
pages are A4 (``PAGE_W`` x ``PAGE_H``). A run advances each glyph by its
natural width (``font.advance(ch) * size``) plus ``char_space``, times
``hscale``. ``GridFonts`` stands in for real fonts where only geometry
matters. The rules of the standard come from ``desktop.official``.
"""

from desktop.layout.engine import (
    PAGE_H, PAGE_W, TA_BOTTOM, TA_LEFT, TA_RIGHT, TA_TOP, TA_W, LayoutInfo, layout, layout_document,
)
from desktop.layout.linebreak import NO_END, NO_START, Glyph, break_lines, positions
from desktop.layout.model import BLACK, RED, GridFonts, Page, Rule, TextRun

__all__ = [
    "BLACK", "NO_END", "NO_START", "PAGE_H", "PAGE_W", "RED", "TA_BOTTOM", "TA_LEFT", "TA_RIGHT", "TA_TOP", "TA_W",
    "Glyph", "GridFonts", "LayoutInfo", "Page", "Rule", "TextRun", "break_lines", "layout", "layout_document",
    "positions",
]
