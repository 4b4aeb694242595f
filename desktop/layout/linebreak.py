"""Breaking Chinese text into justified lines (避头尾, whole numbers and words).

Rules, in order of strength:
- no line starts with a closing mark (``NO_START``) and none ends with an
  opening mark (``NO_END``): the break moves back, pushing characters to the
  next line (never squeezing past the type area's edge);
- runs of half-width Latin letters, digits and ASCII signs (2020,
  0757-83031234, H5, =1+1) are not split unless a run is longer than a line;
- a character is never separated from a following zero-width mark (combining
  marks, variation selectors, ZWJ sequences).
Every line but a paragraph's last is justified to the full measure; the last
keeps the grid spacing.
"""

from __future__ import annotations

from typing import NamedTuple

NO_START = frozenset(
    "，。、；：？！）》」』〕】〗〉］｝”’…—―～·‥〞々〻ゝゞヽヾーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    "﹐﹒﹔﹕﹖﹗﹚﹜﹞︰︶︸︺︼︾﹀﹂﹄%,.;:?!)]}｠｡､％"
)
NO_END = frozenset("（《「『“‘〔【〖〈［｛〝﹙﹛﹝([{｟")
ZERO_WIDTH_JOINERS = frozenset("\u200d")


def is_word_char(ch: str) -> bool:
    """Half-width letters, digits and signs that form unsplittable words."""
    return "!" <= ch <= "~"


class Glyph(NamedTuple):
    ch: str
    advance: float  # points at the run's size
    font: str
    role: str


class Line(NamedTuple):
    start: int
    end: int  # exclusive
    indent: float  # points from the measure's left edge
    last: bool  # a paragraph's last line (not justified)


def can_break(glyphs: list[Glyph], b: int, words: bool = True) -> bool:
    """May a line end before ``glyphs[b]``?"""
    a, c = glyphs[b - 1].ch, glyphs[b].ch
    if c in NO_START or a in NO_END:
        return False
    if glyphs[b].advance == 0.0 or a in ZERO_WIDTH_JOINERS:
        return False
    if words and is_word_char(a) and is_word_char(c):
        return False
    return True


def _best_break(glyphs: list[Glyph], s: int, e: int) -> int:
    for words in (True, False):
        for b in range(e, s, -1):
            if can_break(glyphs, b, words):
                return b
    # Nothing allowed (e.g. a run of closing marks longer than a line): cut,
    # but keep zero-width marks with their base character.
    b = e
    while b > s + 1 and glyphs[b].advance == 0.0:
        b -= 1
    return b


def break_lines(glyphs: list[Glyph], width: float, first_indent: float = 0.0, rest_indent: float = 0.0,
                grid_space: float = 0.0, tolerance: float = 0.25) -> list[Line]:
    """Greedy lines no wider than ``width`` (+ ``tolerance`` for the grid's
    rounding), each character advancing by its width plus ``grid_space``."""
    n = len(glyphs)
    lines: list[Line] = []
    s = 0
    while s < n:
        indent = first_indent if not lines else rest_indent
        if lines:
            while s < n and glyphs[s].ch == " ":  # a wrapped line does not start with a space
                s += 1
            if s >= n:
                break
        avail = max(width - indent, 0.0)
        used = 0.0
        e = s
        while e < n:
            w = glyphs[e].advance
            if e > s and used + w > avail + tolerance:
                break
            used += w + grid_space
            e += 1
        if e < n:
            e = _best_break(glyphs, s, e)
        lines.append(Line(s, e, indent, e >= n))
        s = e
    if not lines:
        lines.append(Line(0, 0, first_indent, True))
    return lines


def positions(glyphs: list[Glyph], line: Line, width: float, grid_space: float,
              justify: bool = True) -> tuple[list[float], float]:
    """x of each glyph of ``line`` (from the measure's left edge) and the
    character spacing used: grid spacing for a last line, else whatever makes
    the line meet the right edge exactly."""
    seg = glyphs[line.start:line.end]
    while seg and seg[-1].ch == " " and not line.last:  # trailing spaces do not count
        seg = seg[:-1]
    space = grid_space
    if justify and not line.last and len(seg) > 1:
        natural = sum(g.advance for g in seg)
        space = (width - line.indent - natural) / (len(seg) - 1)
    xs = []
    x = line.indent
    for g in glyphs[line.start:line.end]:
        xs.append(x)
        x += g.advance + space
    return xs, space
