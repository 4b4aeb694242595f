"""What the layout produces: pages of positioned text runs and rules.

All lengths are PDF points; ``x`` from the page's left edge, ``y`` from the
page's TOP edge, growing downwards (as pdfplumber and Qt report them). A
renderer flips ``y`` if its origin is at the bottom.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from desktop import official as gb

BLACK = (0.0, 0.0, 0.0)
RED = (gb.RED_RGB[0] / 255, gb.RED_RGB[1] / 255, gb.RED_RGB[2] / 255)


class FaceLike(Protocol):
    key: str  # names the font for the renderer
    missing: bool  # draws a box for characters no font has

    def advance(self, ch: str) -> float: ...  # in ems

    @property
    def descent(self) -> float: ...  # negative, in ems


class FontsLike(Protocol):
    """What the layout asks of fonts (``desktop.fonts.FontSet`` is one)."""

    def face(self, role: str) -> FaceLike: ...

    def face_for(self, role: str, ch: str) -> FaceLike: ...


@dataclass(slots=True)
class TextRun:
    """Characters drawn from (x, baseline) in one font, advancing by each
    glyph's natural width plus ``char_space``; ``hscale`` < 1 compresses."""

    x: float
    baseline: float
    text: str
    font: str  # FaceLike.key
    size: float
    role: str
    char_space: float = 0.0
    hscale: float = 1.0
    color: tuple[float, float, float] = BLACK
    kind: str = "body"  # mark, doc-number, title, body, heading, signature, table, colophon, page-number…


@dataclass(frozen=True)
class Rule:
    """A horizontal or vertical stroked line from (x0, y0) to (x1, y1)."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    color: tuple[float, float, float] = BLACK
    kind: str = "table"  # red-line, colophon, table


@dataclass
class Page:
    """One A4 page. ``number`` is the printed page number (None: unnumbered);
    ``kind`` is "body", "blank" (before the 版记 page) or "colophon" (版记 only)."""

    index: int  # 1-based physical page
    number: int | None = None
    kind: str = "body"
    runs: list[TextRun] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    body_lines: int = 0  # grid lines used by text (not the 版记)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


class GridFonts:
    """Stand-in metrics without font files (tests, quick previews): CJK one em,
    Latin half an em, one 'font' per role."""

    class _Face:
        missing = False
        descent = -0.12

        def __init__(self, key: str):
            self.key = key

        def advance(self, ch: str) -> float:
            return gb.char_units(ch)

    def __init__(self) -> None:
        self._faces = {r: self._Face(r) for r in gb.ROLES}

    def face(self, role: str) -> GridFonts._Face:
        return self._faces.get(role, self._faces[gb.FANGSONG])

    def face_for(self, role: str, ch: str) -> GridFonts._Face:
        return self.face(role)
