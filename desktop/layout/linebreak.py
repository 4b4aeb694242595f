"""Breaking Chinese text into justified lines (避头尾, whole numbers and words).

The policy is ``desktop.official``'s, the one the Word file states too:
- no line starts with a mark of ``LINE_START_FORBIDDEN`` and none ends with
  one of ``LINE_END_FORBIDDEN``: the break moves back, pushing characters to
  the next line (punctuation never hangs past the type area's edge);
- runs of half-width Latin letters, digits and ASCII signs (2020,
  0757-83031234, H5, =1+1) are not split unless a run is longer than a line;
- every character advances by its width plus the tracking, except that a
  Chinese character next to a Latin letter or digit is followed by the
  中西文间距 instead (``official.autospace_after``), as Word and LibreOffice do;
- a character is never separated from a following zero-width mark (combining
  marks, variation selectors, ZWJ sequences).
Every line but a paragraph's last is justified to the full measure; the last
keeps the natural advances.
"""

from __future__ import annotations

from itertools import accumulate
from operator import add
from typing import NamedTuple

from desktop.official import (LINE_END_FORBIDDEN, LINE_START_FORBIDDEN, autospace_positions, is_word_char,
                              script_changes)

NO_START = LINE_START_FORBIDDEN
NO_END = LINE_END_FORBIDDEN
ZERO_WIDTH_JOINERS = frozenset("\u200d")
FIT_EPSILON = 0.01  # points: rounding, not room


class Glyph(NamedTuple):
    ch: str
    advance: float  # natural width in points at the run's size
    font: str
    role: str


class Line(NamedTuple):
    start: int
    end: int  # exclusive
    indent: float  # points from the measure's left edge
    last: bool  # a paragraph's last line (not justified)
    pushed: bool = False  # ended early so that a mark does not start (or end) a line


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


def gaps(glyphs: list[Glyph], tracking: float, autospace: float) -> list[float]:
    """What follows each glyph on a line: the tracking; nothing where the
    script changes (East Asian / Western text); 中西文间距 where it applies."""
    out = [tracking] * len(glyphs)
    if not (tracking and len(glyphs) > 1) and not autospace:
        return out
    text = "".join([g.ch for g in glyphs])
    if tracking and len(glyphs) > 1:
        for i in script_changes(text):
            out[i] = 0.0
    if autospace:
        for i in autospace_positions(text):
            out[i] = autospace
    return out


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
                tracking: float = 0.0, autospace: float = 0.0, after: list[float] | None = None) -> list[Line]:
    """Greedy lines no wider than ``width``.

    A glyph takes its advance plus what follows it (``gaps``); the last glyph
    of a line only its advance (the line ends where its ink ends, as in
    LibreOffice: 27 x 15.75 + 16 = 441.25 pt for 28 characters).
    """
    n = len(glyphs)
    if after is None:
        after = gaps(glyphs, tracking, autospace)
    advances = [g.advance for g in glyphs]
    steps = list(map(add, advances, after))  # the same sums the loop below would make
    lines: list[Line] = []
    s = 0
    while s < n:
        indent = first_indent if not lines else rest_indent
        if lines:
            while s < n and glyphs[s].ch == " ":  # a wrapped line does not start with a space
                s += 1
            if s >= n:
                break
        avail = max(width - indent, 0.0) + FIT_EPSILON
        used = steps[s]
        e = s + 1
        while e < n and used + advances[e] <= avail:
            used += steps[e]
            e += 1
        pushed = False
        if e < n:
            pushed = glyphs[e].ch in NO_START or glyphs[e - 1].ch in NO_END
            e = _best_break(glyphs, s, e)
        lines.append(Line(s, e, indent, e >= n, pushed))
        s = e
    if not lines:
        lines.append(Line(0, 0, first_indent, True))
    return lines


def positions(glyphs: list[Glyph], line: Line, width: float, tracking: float = 0.0, autospace: float = 0.0,
              justify: bool = True, after: list[float] | None = None) -> tuple[list[float], float]:
    """x of each glyph of ``line`` (from the measure's left edge) and the extra
    space justification put into every gap (0 for a last line). ``after``:
    the paragraph's ``gaps``, when the caller has them."""
    seg = glyphs[line.start:line.end]
    after = gaps(seg, tracking, autospace) if after is None else after[line.start:line.end]
    if not seg:
        return [], 0.0
    after[-1] = tracking
    shown = len(seg)
    while shown and seg[shown - 1].ch == " " and not line.last:  # trailing spaces do not count
        shown -= 1
    steps = list(map(add, [g.advance for g in seg], after))
    extra = 0.0
    if justify and not line.last and shown > 1:
        natural = sum(steps[:shown]) - after[shown - 1]
        extra = (width - line.indent - natural) / (shown - 1)
    steps.pop()
    return list(accumulate([v + extra for v in steps], initial=line.indent)), extra
