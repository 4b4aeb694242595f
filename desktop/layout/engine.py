"""GB/T 9704 page layout of a ``desktop.document.Document``.

The text flows through grid lines ("slots") of one line pitch each: 22 a page
on the 156 x 225 mm type area. Page 1 starts below the 版头 (organ mark 35 mm
below the type area's top, 发文字号 two lines under it, the red line 4 mm
under that, the title two lines under the red line, on a line of the page's
grid); later pages start on grid line 1. Text sits with its em box at the top
of its slot, so the first line's top is exactly the type area's top (37 mm).
Table rows take whole slots too, so every page keeps the 22-line rhythm.
The 版记 fills the last slots of the last, even page, its last line on the
type area's bottom edge.

``layout(doc, fonts)`` returns the pages and a ``LayoutInfo``: the decisions
the Word writer copies (header geometry, the mark's size, table rows kept
whole, what is kept together, where the 版记 goes, which pages are
numbered), so that Word and the PDF are laid out by one set of rules. Every
such decision is one a word processor makes again after a clerk's edit (keep
with next, keep lines together, rows that cannot break, the 版记 on an even
page): pages break where they would, not where a fixed break says.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence, assert_never, cast
from weakref import WeakKeyDictionary

from desktop import official as gb
from desktop.document import (
    AnnexTable,
    Blank,
    Block,
    Colophon,
    Document,
    Header,
    PageBreak,
    Para,
    Signature,
    Span,
    Title,
)
from desktop.layout.linebreak import Glyph, Line, break_lines, gaps, positions
from desktop.layout.model import BLACK, RED, FontsLike, Page, Rule, TextRun

MM = gb.PT_PER_MM
PAGE_W = gb.mm_to_pt(gb.PAGE_W_MM)
PAGE_H = gb.mm_to_pt(gb.PAGE_H_MM)
TA_LEFT = gb.mm_to_pt(gb.MARGIN_LEFT_MM)
TA_TOP = gb.mm_to_pt(gb.MARGIN_TOP_MM)
TA_W = gb.TYPE_W_PT
TA_RIGHT = TA_LEFT + TA_W
TA_BOTTOM = TA_TOP + gb.mm_to_pt(gb.TYPE_H_MM)
TA_CENTRE = TA_LEFT + TA_W / 2
L = gb.LINE_PITCH_PT  # the standard's pitch; a layout uses its document's (Document.standard)
PITCH = gb.CHAR_PITCH_PT  # one 3号 cell of the 28-cell measure (indents, signature positions)
TRACK = gb.CHAR_SPACING_PT  # tracking of 3号 text (the Word file's Normal style has the same)
C4 = gb.SIZE_4  # one 4号 character (版记 and page-number gaps)
TABLE_PAD = gb.TABLE_CELL_PAD_PT
TABLE_RULE = gb.TABLE_RULE_PT
FIT = 0.5  # points a slot may reach past the type area's bottom (grid rounding)

# Paragraph kinds -> (first-line indent, wrapped-line indent) in 3号 cells.
_INDENTS: dict[str, tuple[float, float]] = {"recipients": (0, 0), "attachment-label": (0, 0)}


def autospace(size: float) -> float:
    """中西文间距 at this font size (official.AUTOSPACE_EM)."""
    return gb.AUTOSPACE_EM * size


# --- slots -------------------------------------------------------------------------


@dataclass
class Slot:
    """One grid line of the flow."""

    kind: str  # text | blank | break | table
    runs: list[TextRun] = field(default_factory=list)  # x absolute, baseline relative to the em top (0)
    keep: bool = False  # stay on the same page as the next slot
    table: AnnexTable | None = None
    row: int = -1  # table row (-1: header)
    row_lines: int = 1
    src: int = -1
    block: int = -1  # index of the document block it comes from


@dataclass
class LayoutMemo:
    """What the layout remembers per font set: the preview lays the whole plan
    out again after every edit, and most of it has not changed.

    ``metrics``: (role, char) -> (font key, advance in ems);
    ``glyphs``: (role, size) -> char -> Glyph (immutable, shared);
    ``lines``: a paragraph's spans and measure -> its lines, bounded by
    ``lines_chars``, the characters they hold (see _LINES_MEMO_MAX_CHARS).
    """

    metrics: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)
    glyphs: dict[tuple[str, float], dict[str, Glyph]] = field(default_factory=dict)
    lines: dict[tuple[object, ...], tuple[tuple[tuple[TextRun, ...], Line], ...]] = field(default_factory=dict)
    lines_chars: int = 0


# One memo per font set, gone with it (a font set is read again when its files change).
_MEMOS: WeakKeyDictionary[FontsLike, LayoutMemo] = WeakKeyDictionary()


def layout_memo(fonts: FontsLike) -> LayoutMemo:
    """The layout's memo for this font set."""
    memo = _MEMOS.get(fonts)
    if memo is None:
        memo = _MEMOS.setdefault(fonts, LayoutMemo())
    return memo


def _metrics(fonts: FontsLike, role: str, ch: str, memo: LayoutMemo) -> tuple[str, float]:
    """(font key, advance in ems)."""
    hit = memo.metrics.get((role, ch))
    if hit is None:
        face = fonts.face_for(role, ch)
        hit = memo.metrics[(role, ch)] = (face.key, face.advance(ch))
    return hit


def _glyphs(fonts: FontsLike, spans: Sequence[Span], size: float) -> list[Glyph]:
    out: list[Glyph] = []
    # Glyphs are immutable: one per (role, size, char), looked up a span at a time
    memo = layout_memo(fonts)
    made = memo.glyphs
    for span in spans:
        role = span.role
        table = made.get((role, size))
        if table is None:
            table = made[(role, size)] = {}
        got = list(map(table.get, span.text))
        if None in got:
            for k, g in enumerate(got):
                if g is None:
                    ch = span.text[k]
                    g = table.get(ch)
                    if g is None:
                        c = " " if ch in "\t\n\r\x0b\x0c" else ch
                        key, advance = _metrics(fonts, role, c, memo)
                        g = table[ch] = Glyph(c, advance * size, key, role)
                    got[k] = g
        out += cast(list[Glyph], got)  # every None was filled above
    return out


def _runs_for_line(glyphs: list[Glyph], xs: list[float], last_space: float, x0: float, size: float,
                   baseline: float, kind: str, color: tuple[float, float, float] = BLACK,
                   hscale: float = 1.0) -> list[TextRun]:
    """Runs of one font and one character spacing each; a run ends after a glyph
    whose gap differs (中西文间距) and the next one starts at its own x."""
    n = len(glyphs)
    if not n:
        return []
    chars = [g.ch for g in glyphs]
    fonts = [g.font for g in glyphs]
    roles = [g.role for g in glyphs]
    spaces = [(b - a) / hscale - g.advance for a, b, g in zip(xs, xs[1:], glyphs)]
    spaces.append(last_space)
    runs: list[TextRun] = []
    i = 0
    while i < n:
        font, role, space = fonts[i], roles[i], spaces[i]
        j = i + 1
        while j < n and fonts[j] == font and roles[j] == role and -1e-6 < spaces[j - 1] - space < 1e-6:
            j += 1
        runs.append(TextRun(x0 + xs[i], baseline, "".join(chars[i:j]), font, size, role,
                            space if j - i > 1 else last_space, hscale, color, kind))
        i = j
    return runs


def _baseline(fonts: FontsLike, role: str, size: float) -> float:
    """Baseline below the em box's top: pdf readers put the em box from
    descent - size to descent, with the font's own descent."""
    return size * (1 + fonts.face(role).descent)


def paragraph_lines(fonts: FontsLike, spans: Sequence[Span], size: float, width: float, first_indent: float,
                    rest_indent: float, tracking: float, justify: bool = True,
                    kind: str = "body") -> list[list[TextRun]]:
    """Runs of each line of a paragraph; x relative to the measure, baseline
    relative to the line's em top."""
    return [runs for runs, _ in _lines(fonts, spans, size, width, first_indent, rest_indent, tracking, justify, kind)]


# Paragraphs laid out before, per font set: the preview lays the whole plan out
# again after every edit, and most paragraphs have not changed. Bounded by the
# characters kept (every edit of a long paragraph adds one): a plan of 1,000
# tasks has about 300,000.
_LINES_MEMO_MAX_CHARS = 1_000_000


def _lines(fonts: FontsLike, spans: Sequence[Span], size: float, width: float, first_indent: float,
           rest_indent: float, tracking: float, justify: bool, kind: str) -> list[tuple[list[TextRun], Line]]:
    """(runs, the line) for each line of a paragraph."""
    memo = layout_memo(fonts)
    key = (tuple((s.text, s.role) for s in spans), size, width, first_indent, rest_indent, tracking, justify, kind)
    hit = memo.lines.get(key)
    if hit is None:
        chars = sum(len(s.text) for s in spans)
        kept = memo.lines_chars + chars
        if kept > _LINES_MEMO_MAX_CHARS:
            memo.lines.clear()
            kept = chars
        memo.lines_chars = kept
        hit = memo.lines[key] = tuple((tuple(runs), line) for runs, line in
                                _lay_lines(fonts, spans, size, width, first_indent, rest_indent, tracking, justify,
                                           kind))
    return [(list(runs), line) for runs, line in hit]  # TextRuns are never changed once made


def _lay_lines(fonts: FontsLike, spans: Sequence[Span], size: float, width: float, first_indent: float,
               rest_indent: float, tracking: float, justify: bool, kind: str) -> list[tuple[list[TextRun], Line]]:
    glyphs = _glyphs(fonts, spans, size)
    role = spans[0].role if spans else gb.FANGSONG
    base = _baseline(fonts, role, size)
    auto = autospace(size)
    out = []
    after = gaps(glyphs, tracking, auto)
    for line in break_lines(glyphs, width, first_indent, rest_indent, tracking, auto, after):
        xs, extra = positions(glyphs, line, width, tracking, auto, justify, after)
        out.append((_runs_for_line(glyphs[line.start:line.end], xs, tracking + extra, 0.0, size, base, kind),
                    line))
    return out


def _shift(runs: list[TextRun], dx: float = 0.0, dy: float = 0.0) -> list[TextRun]:
    # the constructor, not dataclasses.replace: this runs for every line of a long plan
    return [TextRun(r.x + dx, r.baseline + dy, r.text, r.font, r.size, r.role, r.char_space, r.hscale, r.color,
                    r.kind) for r in runs]


def _natural(glyphs: list[Glyph], tracking: float, size: float) -> tuple[list[float], float]:
    """xs of glyphs set with their advances and gaps, and the width they take."""
    after = gaps(glyphs, tracking, autospace(size))
    xs, x = [], 0.0
    for g, a in zip(glyphs, after):
        xs.append(x)
        x += g.advance + a
    width = x - (after[-1] if after else 0.0)
    return xs, width


def _width(fonts: FontsLike, text: str, role: str, size: float, tracking: float = 0.0) -> float:
    if not text:
        return 0.0
    return _natural(_glyphs(fonts, [Span(text, role)], size), tracking, size)[1]


def _centred_line(fonts: FontsLike, text: str, role: str, size: float, kind: str,
                  tracking: float = 0.0, color: tuple[float, float, float] = BLACK, width: float = TA_W,
                  left: float = TA_LEFT) -> list[TextRun]:
    """A single line centred on [left, left + width]; squeezed if wider."""
    glyphs = _glyphs(fonts, [Span(text, role)], size)
    xs, total = _natural(glyphs, tracking, size)
    if total > width and len(glyphs) > 1:
        squeeze = (width - total) / (len(glyphs) - 1)
        xs = [x + k * squeeze for k, x in enumerate(xs)]
        total = width
    x0 = left + max(0.0, (width - total) / 2)
    return _runs_for_line(glyphs, xs, tracking, x0, size, _baseline(fonts, role, size), kind, color)


# --- blocks -> slots -------------------------------------------------------------


def _para_slots(fonts: FontsLike, p: Para) -> list[Slot]:
    first, rest = _INDENTS.get(p.kind, (p.first_line_chars, 0))
    if p.kind == "attachment-note":  # wrapped names align after "附件："
        rest = first + 3
    kind = {"heading1": "heading", "heading2": "heading"}.get(p.kind, p.kind)
    lines = _lines(fonts, p.spans, gb.BODY_SIZE, TA_W, first * PITCH, rest * PITCH, TRACK, True, kind)
    return [Slot("text", _shift(runs, TA_LEFT), keep=p.keep_with_next) for runs, _ in lines]


def _title_slots(fonts: FontsLike, t: Title) -> list[Slot]:
    return [Slot("text", _centred_line(fonts, line, gb.XIAOBIAOSONG, gb.TITLE_SIZE, "title"), keep=True)
            for line in t.lines]


def _signature_slots(fonts: FontsLike, sig: Signature) -> list[Slot]:
    slots: list[Slot] = []
    for line in sig.lines:
        if not line.items:
            slots.append(Slot("blank", keep=True))
            continue
        runs: list[TextRun] = []
        extra: list[list[TextRun]] = []
        for x_cells, text in line.items:
            x = x_cells * PITCH
            w = _width(fonts, text, gb.FANGSONG, gb.BODY_SIZE, TRACK)
            if x + w <= TA_W + 0.3:
                lines = paragraph_lines(fonts, [Span(text)], gb.BODY_SIZE, TA_W - x, 0, 0, TRACK,
                                        justify=False, kind="signature")
            else:  # a name longer than the room it has: wrap it at the right edge
                lines = paragraph_lines(fonts, [Span(text)], gb.BODY_SIZE, TA_W - x if TA_W - x > 8 * PITCH else TA_W,
                                        0, 0, TRACK, kind="signature")
                if TA_W - x <= 8 * PITCH:
                    x = 0.0
            runs += _shift(lines[0], TA_LEFT + x)
            for k, more in enumerate(lines[1:]):
                if len(extra) <= k:
                    extra.append([])
                extra[k] += _shift(more, TA_LEFT + x)
        slots.append(Slot("text", runs, keep=True))
        slots += [Slot("text", r, keep=True) for r in extra]
    if slots:
        slots[-1].keep = False
    return slots


def seal_reserve(sig: Signature, lines_after: int) -> int:
    """Blank lines kept below the signature block (after the 附注's ``lines_after``
    lines, if one follows) so that the last seal's reach (Signature.room_below)
    is on the 署名's page: a word processor keeps them together as it keeps
    the block, where a page break before the block would not follow an edit."""
    names = [k for k, line in enumerate(sig.lines) if line.kind == "name"]
    if not sig.room_below or not names:
        return 0
    below = len(sig.lines) - 1 - names[-1]  # the date, and a name's wrapped lines
    return max(0, sig.room_below - below - lines_after)


def _cell_lines(fonts: FontsLike, text: str, role: str, width: float, align: str) -> list[list[TextRun]]:
    size = gb.TABLE_SIZE
    lines = paragraph_lines(fonts, [Span(text, role)], size, width, 0, 0, 0.0, False, "table")
    if align != "center":
        return lines
    out = []
    for runs in lines:
        if runs:
            right = max(r.x + _width(fonts, r.text, r.role, size, r.char_space) for r in runs)
            left = min(r.x for r in runs)
            out.append(_shift(runs, (width - (right - left)) / 2 - left))
        else:
            out.append(runs)
    return out


def _row_slots(fonts: FontsLike, table: AnnexTable, cells: tuple[str, ...], row: int, pitch: float) -> list[Slot]:
    header = row < 0
    role = gb.HEITI if header else gb.FANGSONG
    x = TA_LEFT
    per_col: list[list[list[TextRun]]] = []
    for c, (_, share, align) in enumerate(table.columns):
        w = TA_W * share
        text = cells[c] if c < len(cells) else ""
        lines = _cell_lines(fonts, text, role, w - 2 * TABLE_PAD, "center" if header else align)
        per_col.append([_shift(r, x + TABLE_PAD) for r in lines if r] or [[]])
        x += w
    n = max(len(c) for c in per_col)
    whole = header or n <= gb.TABLE_ROW_KEEP_LINES
    slots = [Slot("table", [], table=table, row=row, row_lines=n, keep=whole) for _ in range(n)]
    if not header:
        slots[-1].keep = False
    for col in per_col:
        # A row kept on one page has its cells centred; a row that may break
        # across pages is set from the top, in the Word file too, so that every
        # suite breaks it at the same line.
        # Centred by half lines, as a word processor centres the cell.
        half = n - len(col) if whole else 0
        for k, runs in enumerate(col):
            slots[half // 2 + k].runs += _shift(runs, 0, pitch / 2) if half % 2 else runs
    return slots


def build_slots(doc: Document, fonts: FontsLike, together: set[int] | None = None,
                reserve: dict[int, int] | None = None, loose: set[int] | frozenset[int] = frozenset(),
                tie: bool = True) -> list[Slot]:
    """The slots of every block; ``together`` collects the paragraphs kept on one page
    and ``reserve`` the blank lines kept after a block (seal_reserve), by block index.
    A paragraph before the 署名 in ``loose`` is not kept whole: it ties its last line to
    the block (``tie``) or nothing."""
    slots: list[Slot] = []
    blocks = doc.blocks
    std = doc.standard
    together = set() if together is None else together
    reserve = {} if reserve is None else reserve
    for i, b in enumerate(blocks):
        first = len(slots)
        _add_block_slots(fonts, slots, blocks, i, b, std, together, loose, tie)
        for s in slots[first:]:
            s.block = i
        if isinstance(b, Para) and b.kind == "note" and i and isinstance(blocks[i - 1], Signature):
            for s in slots[first:-1]:  # one block with the 署名: the Word file sets them in one row
                s.keep = True
        if isinstance(b, Signature):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(nxt, Para) and nxt.kind == "note":  # the 附注's lines are under the seal too
                extra = seal_reserve(b, len(_para_slots(fonts, nxt)))
                at = i + 1
            else:
                extra, at = seal_reserve(b, 0), i
            if extra:
                reserve[at] = extra
        if reserve.get(i):
            slots[-1].keep = True
            slots += [Slot("blank", keep=True, block=i) for _ in range(reserve[i])]
            slots[-1].keep = False
    for k, s in enumerate(slots):
        s.src = k
    return slots


def _add_block_slots(fonts: FontsLike, slots: list[Slot], blocks: list[Block], i: int, b: Block,
                     std: gb.Standard, together: set[int], loose: set[int] | frozenset[int], tie: bool) -> None:
    """Append the slots of block ``i`` (it may tie the slots before it to itself)."""
    pitch = std.line_pitch_pt
    match b:  # every Block kind, or the type checker says which is missing
        case Title():
            slots += _title_slots(fonts, b)
        case Para():
            slots += _para_slots(fonts, b)
            if b.keep_with_next:
                together.add(i)
        case Blank():
            # An empty line is a line, at the top of a page too: as in Word.
            slots += [Slot("blank", keep=bool(slots and slots[-1].keep and slots[-1].kind != "blank"))
                      for _ in range(b.lines)]
        case PageBreak():
            slots.append(Slot("break"))
        case Signature():
            sig = _signature_slots(fonts, b)
            # Never a page of signature alone: the paragraph before it goes with it,
            # whole (keep lines together and keep with next, which Word, WPS and
            # LibreOffice honour after an edit too). When the two cannot share a
            # page they start one, and break where it ends, as those do.
            last = next((s for s in reversed(slots) if s.kind == "text"), None)
            if last is not None and last.block in loose:
                last.keep = tie
            elif last is not None:
                together.add(last.block)
                for s in slots:
                    if s.block == last.block and s.kind == "text":
                        s.keep = True
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if sig and isinstance(nxt, Para) and nxt.kind == "note":
                sig[-1].keep = True  # 附注 on the line after the date
            slots += sig
        case AnnexTable():
            slots += _row_slots(fonts, b, tuple(c[0] for c in b.columns), -1, pitch)
            for r, row in enumerate(b.rows):
                slots += _row_slots(fonts, b, row, r, pitch)
        case _:
            assert_never(b)


# --- 版头 --------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkLayout:
    """The organ mark as both exporters set it.

    ``lines`` are the stacked (or wrapped) names; a joint issue sets each one
    spread over ``names_width`` and ``suffix`` to their right, vertically
    centred. Widths in points, ``hscale`` the horizontal compression.
    """

    size: float
    hscale: float
    pitch: float
    joint: bool
    lines: tuple[str, ...]
    suffix: str
    names_width: float
    suffix_width: float
    gap: float

    @property
    def height(self) -> float:
        return (len(self.lines) - 1) * self.pitch + self.size


@dataclass
class HeaderLayout:
    """The 版头 of page 1, drawn and described (positions from the page's top)."""

    runs: list[TextRun]
    rules: list[Rule]
    flow_top: float  # where the title's slot starts: on a grid line
    top_lines: int  # 份号/密级/紧急程度 lines above the mark
    mark: MarkLayout | None
    mark_top: float
    mark_bottom: float
    number_top: float
    number_lines: int
    red_y: float


def mark_layout(fonts: FontsLike, h: Header, size: float) -> MarkLayout | None:
    """Size, compression and lines of the organ mark at most ``size`` points."""
    role = gb.XIAOBIAOSONG
    organs = list(h.organs)
    if not organs:
        return None
    suffix = h.suffix
    joint = len(organs) > 1
    if joint:
        names_w = max(_width(fonts, n, role, 1.0) for n in organs)
        suf_w = _width(fonts, suffix, role, 1.0)
        gap = gb.ORGAN_MARK_SUFFIX_GAP if suffix else 0.0
        fit = TA_W / (names_w + gap + suf_w)
    else:
        fit = TA_W / max(_width(fonts, organs[0] + suffix, role, 1.0), 1e-6)
    target = min(size, gb.ORGAN_MARK_MIN_SIZE)
    size = min(size, fit)
    hscale = 1.0
    if size < target:
        # Long names: keep a legible size and compress the face, as printed
        # marks do (长体); past MIN_HSCALE the names wrap instead.
        hscale = max(gb.MIN_HSCALE, size / target)
        size = target
    # What a Word file can state: sizes in half points, scaling in whole percent.
    size = max(1.0, int(size * 2) / 2)
    hscale = int(round(hscale * 1000) // 10) / 100
    pitch = size * gb.ORGAN_MARK_LEADING
    if not joint:
        text = organs[0] + suffix
        lines = [text]
        if _width(fonts, text, role, size) * hscale > TA_W + 0.1:
            lines = gb.break_title(text, TA_W / (size * hscale))
        return MarkLayout(size, hscale, pitch, False, tuple(lines), "", TA_W, 0.0, 0.0)
    suf_w = _width(fonts, suffix, role, size) * hscale
    gap = (gb.ORGAN_MARK_SUFFIX_GAP * size * hscale) if suffix else 0.0
    col_w = TA_W - suf_w - gap
    names: list[str] = []
    for n in organs:
        if _width(fonts, n, role, size) * hscale > col_w + 0.1:
            names += gb.break_title(n, col_w / (size * hscale))
        else:
            names.append(n)
    names_w = min(col_w, max(_width(fonts, n, role, size) * hscale for n in names))
    return MarkLayout(size, hscale, pitch, True, tuple(names), suffix, names_w, suf_w, gap)


def _mark_runs(fonts: FontsLike, mark: MarkLayout, top: float) -> list[TextRun]:
    role, size, hscale = gb.XIAOBIAOSONG, mark.size, mark.hscale
    base = _baseline(fonts, role, size)

    def line_runs(text: str, width: float, left: float, y: float, spread: bool) -> list[TextRun]:
        glyphs = _glyphs(fonts, [Span(text, role)], size)
        natural = sum(g.advance for g in glyphs) * hscale
        space = (width - natural) / (len(glyphs) - 1) / hscale if spread and len(glyphs) > 1 else 0.0
        total = width if spread and len(glyphs) > 1 else natural
        xs, x = [], 0.0
        for g in glyphs:
            xs.append(x)
            x += (g.advance + space) * hscale
        x0 = left + max(0.0, (width - total) / 2)
        return _runs_for_line(glyphs, xs, space, x0, size, y + base, "mark", RED, hscale)

    runs: list[TextRun] = []
    if not mark.joint:
        for k, text in enumerate(mark.lines):
            runs += line_runs(text, TA_W, TA_LEFT, top + k * mark.pitch, False)
        return runs
    block_w = mark.names_width + mark.gap + mark.suffix_width
    left = TA_LEFT + (TA_W - block_w) / 2
    for k, n in enumerate(mark.lines):
        # 分散对齐: every name spans the column, the usual look of a joint mark
        runs += line_runs(n, mark.names_width, left, top + k * mark.pitch, True)
    if mark.suffix:
        runs += line_runs(mark.suffix, mark.suffix_width, left + mark.names_width + mark.gap,
                          top + (mark.height - size) / 2, False)
    return runs


def layout_header(fonts: FontsLike, h: Header, min_flow_lines: int, pitch: float = L) -> HeaderLayout:
    """The 版头; the mark shrinks until ``min_flow_lines`` grid lines fit below
    the title's top on page 1 (page 1 must show body text)."""
    size = gb.ORGAN_MARK_SIZE
    while True:
        hl = _layout_header(fonts, h, size, pitch)
        room = int((TA_BOTTOM + FIT - hl.flow_top) // pitch)
        if room >= min_flow_lines or size <= gb.ORGAN_MARK_FLOOR_SIZE:
            return hl
        size *= 0.85


def _grid_aligned(mark_bottom: float, number_lines: int, pitch: float) -> tuple[float, float, float]:
    """(number top, red line, title top) with the title on a line of the page's grid.

    Both "two blank lines" (mark to 发文字号, red line to title) are stretched
    or shrunk by the same amount, within the strict tolerance (official).
    """
    longer = pitch - gb.BODY_SIZE + gb.HEADER_GAP_SHORTER_PT

    def place(delta: float) -> tuple[float, float, float]:
        number_top = mark_bottom + gb.DOC_NUMBER_GAP_LINES * pitch + delta / 2
        red_y = number_top + (number_lines - 1) * pitch + gb.BODY_SIZE + gb.mm_to_pt(gb.RED_LINE_GAP_MM)
        return number_top, red_y, red_y + gb.TITLE_GAP_LINES * pitch + delta / 2

    nominal = place(0.0)[2]
    k = (nominal - TA_TOP) / pitch
    shifts = [TA_TOP + int(k) * pitch - nominal, TA_TOP + (int(k) + 1) * pitch - nominal]
    lo, hi = -2 * gb.HEADER_GAP_SHORTER_PT, 2 * longer
    feasible = [d for d in shifts if lo <= d <= hi]
    if feasible:
        return place(min(feasible, key=abs))
    # Below about 24 pt (an exact spacing, so no grid that Word or LibreOffice
    # snaps to) the tolerance can miss every grid line: keep the 版头 within
    # it, as near a line as it allows.
    nearest = min(shifts, key=lambda d: abs(d - min(max(d, lo), hi)))
    return place(min(max(nearest, lo), hi))


def _layout_header(fonts: FontsLike, h: Header, mark_size: float, pitch: float) -> HeaderLayout:
    runs: list[TextRun] = []
    rules: list[Rule] = []
    k = 0
    for text, role in ((h.copy_no, gb.FANGSONG), (h.secrecy, gb.HEITI), (h.urgency, gb.HEITI)):
        if text:
            for line in paragraph_lines(fonts, [Span(text, role)], gb.BODY_SIZE, TA_W, 0, 0, TRACK,
                                        justify=False, kind="header"):
                runs += _shift(line, TA_LEFT, TA_TOP + k * pitch)
                k += 1
    mark = mark_layout(fonts, h, mark_size)
    mark_top = TA_TOP + gb.mm_to_pt(gb.ORGAN_MARK_TOP_MM)
    mark_bottom = mark_top + (mark.height if mark else 0.0)
    if mark:
        runs += _mark_runs(fonts, mark, mark_top)
    number: list[tuple[float, list[TextRun]]] = []  # (x, runs) per line
    if h.doc_number:
        if h.signer:  # 上行文: number one cell in from the left, 签发人 one cell in from the right
            half = TA_W / 2 - PITCH
            nlines = paragraph_lines(fonts, [Span(h.doc_number)], gb.BODY_SIZE, half, 0, 0, TRACK,
                                     justify=False, kind="doc-number")
            label, name = "签发人：", h.signer
            w = min(_width(fonts, label, gb.FANGSONG, gb.BODY_SIZE, TRACK) + TRACK
                    + _width(fonts, name, gb.KAITI, gb.BODY_SIZE, TRACK), half)
            slines = paragraph_lines(fonts, [Span(label), Span(name, gb.KAITI)], gb.BODY_SIZE, w + 0.3, 0, 0, TRACK,
                                     justify=False, kind="signer")
            for n in range(max(len(nlines), len(slines))):
                row = _shift(nlines[n], TA_LEFT + PITCH) if n < len(nlines) else []
                row += _shift(slines[n], TA_RIGHT - PITCH - w) if n < len(slines) else []
                number.append((0.0, row))
        elif _width(fonts, h.doc_number, gb.FANGSONG, gb.BODY_SIZE, TRACK) <= TA_W + 0.3:
            number.append((0.0, _centred_line(fonts, h.doc_number, gb.FANGSONG, gb.BODY_SIZE, "doc-number", TRACK)))
        else:  # not a real 发文字号, but never lose text: wrap it
            for line in paragraph_lines(fonts, [Span(h.doc_number)], gb.BODY_SIZE, TA_W, 0, 0, TRACK,
                                        kind="doc-number"):
                number.append((0.0, _shift(line, TA_LEFT)))
    number_lines = max(1, len(number))
    number_top, red_y, flow_top = _grid_aligned(mark_bottom, number_lines, pitch)
    for n, (_, line) in enumerate(number):
        runs += _shift(line, 0, number_top + n * pitch)
    rules.append(Rule(TA_LEFT, red_y, TA_RIGHT, red_y, gb.mm_to_pt(gb.RED_LINE_WIDTH_MM), RED, "red-line"))
    return HeaderLayout(runs, rules, flow_top, k, mark, mark_top, mark_bottom, number_top, number_lines, red_y)


# --- 版记 --------------------------------------------------------------------------


@dataclass(frozen=True)
class ColophonLayout:
    """The 版记 as both exporters set it: rows of 4号 text above the type area's bottom."""

    lines: int  # grid lines it takes
    cc_lines: int
    printer_hscale: float  # a long 印发机关 narrowed to share its line with the date
    runs: tuple[TextRun, ...]
    rules: tuple[Rule, ...]
    # The 印发机关 wraps in this width (points, from one 4号 character in), the
    # 印发日期 sits right of it on its last line: two cells of one row in Word.
    printer_room: float = 0.0


def layout_colophon(fonts: FontsLike, col: Colophon, pitch: float = L) -> ColophonLayout:
    """The 版记 with its last rule on the type area's bottom (0 lines when empty), in rows of ``pitch``."""
    size = gb.COLOPHON_SIZE
    width = TA_W - 2 * C4
    rows: list[list[TextRun]] = []
    if col.cc:
        label = col.cc[:3] if col.cc.startswith("抄送：") else ""
        hang = _width(fonts, label, gb.FANGSONG, size)
        for line_runs in paragraph_lines(fonts, [Span(col.cc)], size, width, 0, hang, 0.0, kind="colophon"):
            rows.append(_shift(line_runs, TA_LEFT + C4))
    n_cc = len(rows)
    hscale = 1.0
    room = 0.0
    if col.printer or col.print_date:
        date_w = _width(fonts, col.print_date, gb.FANGSONG, size)
        room = width - min(date_w, width / 2) - (C4 if col.print_date else 0)
        printer_w = _width(fonts, col.printer, gb.FANGSONG, size)
        if col.printer and room < printer_w <= room / gb.MIN_HSCALE:
            # 印发机关 and 印发日期 belong on one line: narrow a long organ name
            # rather than wrap it (the Word file uses the same scale).
            hscale = int(room / printer_w * 100) / 100  # whole percent, as Word states it
            glyphs = _glyphs(fonts, [Span(col.printer)], size)
            xs, _ = _natural(glyphs, 0.0, size)
            xs = [x * hscale for x in xs]
            plines = [_runs_for_line(glyphs, xs, 0.0, 0.0, size, _baseline(fonts, gb.FANGSONG, size), "colophon",
                                     BLACK, hscale)]
        elif col.printer:
            plines = paragraph_lines(fonts, [Span(col.printer)], size, max(room, 4 * C4), 0, 0, 0.0,
                                     justify=False, kind="colophon")
        else:
            plines = [[]]
        prows = [_shift(r, TA_LEFT + C4) for r in plines]
        if col.print_date:
            dlines = paragraph_lines(fonts, [Span(col.print_date)], size, width / 2, 0, 0, 0.0, justify=False,
                                     kind="colophon")
            date_w = min(date_w, width / 2)
            while len(prows) < len(dlines):  # an unusually long date text: more rows, printer on top
                prows.append([])
            for n, line in enumerate(dlines):
                at = len(prows) - len(dlines) + n
                prows[at] = prows[at] + _shift(line, TA_RIGHT - C4 - date_w)
        rows += prows
    k = len(rows)
    if not k:
        return ColophonLayout(0, 0, 1.0, (), ())
    thick = gb.mm_to_pt(gb.COLOPHON_THICK_MM)
    thin = gb.mm_to_pt(gb.COLOPHON_THIN_MM)
    runs: list[TextRun] = []
    for r, row in enumerate(rows):
        top = TA_BOTTOM - (k - r) * pitch + (pitch - size) / 2
        runs += _shift(row, 0, top)
    rules = [Rule(TA_LEFT, TA_BOTTOM - k * pitch, TA_RIGHT, TA_BOTTOM - k * pitch, thick, BLACK, "colophon")]
    if n_cc and n_cc < k:
        y = TA_BOTTOM - (k - n_cc) * pitch
        rules.append(Rule(TA_LEFT, y, TA_RIGHT, y, thin, BLACK, "colophon"))
    rules.append(Rule(TA_LEFT, TA_BOTTOM, TA_RIGHT, TA_BOTTOM, thick, BLACK, "colophon"))
    return ColophonLayout(k, n_cc, hscale, tuple(runs), tuple(rules), room)


def page_number_runs(fonts: FontsLike, n: int) -> list[TextRun]:
    """The page number (official.page_number_text), 4号宋体, the dash's em-box
    centre 7 mm below the type area, on official.page_number_side, one 4号
    character in."""
    size = gb.PAGE_NUMBER_SIZE
    text = gb.page_number_text(n)
    w = _width(fonts, text, gb.SONGTI, size)
    x = TA_RIGHT - C4 - w if gb.page_number_side(n) == "right" else TA_LEFT + C4
    top = TA_BOTTOM + gb.mm_to_pt(gb.PAGE_NUMBER_GAP_MM) - size / 2
    line = paragraph_lines(fonts, [Span(text, gb.SONGTI)], size, TA_W, 0, 0, 0.0, justify=False,
                           kind="page-number")[0]
    return _shift(line, x, top)


# --- pagination ----------------------------------------------------------------------


def paginate(slots: list[Slot], first_cap: int, lines: int = gb.LINES_PER_PAGE) -> list[list[Slot]]:
    """Fill pages of ``lines`` slots (page 1: ``first_cap``), honouring forced
    breaks, keep-with-next chains and the annex table's repeated header row."""
    pages: list[list[Slot]] = []
    cur: list[Slot] = []
    cap = first_cap
    i = 0
    n = len(slots)

    def close() -> None:
        nonlocal cur, cap
        pages.append(cur)
        cur = []
        cap = lines

    while i < n:
        s = slots[i]
        if s.kind == "break":
            if cur or not pages:
                close()
            i += 1
            continue
        if not cur and s.kind == "table" and s.row >= 0:
            header = [replace(h, src=-1) for h in slots if h.kind == "table" and h.table is s.table and h.row < 0]
            cur.extend(header)
        if len(cur) < cap:
            cur.append(s)
            i += 1
            continue
        j = len(cur)
        while j > 0 and cur[j - 1].keep:
            j -= 1
        movable = [c for c in cur[j:] if c.src >= 0]
        if j == 0 or not movable or all(c.kind == "table" and c.row < 0 for c in cur[:j]):
            j = len(cur)
            movable = []
        if movable:
            i = min(c.src for c in movable)
        cur = cur[:j]
        close()
    if cur or not pages:
        pages.append(cur)
    return pages


def _parity_anchor(doc: Document, chunks: list[list[Slot]]) -> tuple[int, int] | None:
    breaks = [i for i, b in enumerate(doc.blocks) if isinstance(b, PageBreak)]
    if not breaks:
        return None
    after = breaks[-1]
    for page, chunk in enumerate(chunks, start=1):
        if any(s.block > after and s.src >= 0 for s in chunk):
            return after, page
    return None


def _shows_body(slots: list[Slot]) -> bool:
    return any(s.kind == "text" and s.runs and s.runs[0].kind == "body" for s in slots)


def _place(page: Page, slots: list[Slot], top: float, pitch: float) -> None:
    table_groups: list[list[tuple[Slot, float]]] = []
    prev = -2
    for k, s in enumerate(slots):
        y = top + k * pitch
        if s.kind in ("text", "table"):
            # Word and LibreOffice centre a line on its grid line (see official.em_top_in_line).
            dy = y + (gb.em_top_in_line(s.runs[0].size, pitch) if s.runs else 0.0)
            page.runs += _shift(s.runs, 0, dy)
        if s.kind == "table":
            if table_groups and prev == k - 1 and table_groups[-1][-1][0].table is s.table:
                table_groups[-1].append((s, y))
            else:
                table_groups.append([(s, y)])
            prev = k
    page.body_lines = len(slots)
    for group in table_groups:
        g_top, g_bottom = group[0][1], group[-1][1] + pitch
        table = group[0][0].table
        assert table is not None  # a "table" slot always carries its table
        page.rules.append(Rule(TA_LEFT, g_top, TA_RIGHT, g_top, TABLE_RULE))
        for (a, _), (b, y) in zip(group, group[1:]):
            if a.row != b.row:
                page.rules.append(Rule(TA_LEFT, y, TA_RIGHT, y, TABLE_RULE))
        page.rules.append(Rule(TA_LEFT, g_bottom, TA_RIGHT, g_bottom, TABLE_RULE))
        x = TA_LEFT
        xs = [x]
        for c in table.columns:
            x += TA_W * c[1]
            xs.append(x)
        xs[-1] = TA_RIGHT
        for x in xs:
            page.rules.append(Rule(x, g_top, x, g_bottom, TABLE_RULE))


@dataclass
class LayoutInfo:
    """What the layout decided, for the Word writer to follow with properties a
    word processor keeps applying after a clerk's edit."""

    header: HeaderLayout
    colophon: ColophonLayout
    colophon_placement: str  # official.colophon_placement, or "none"
    table_rows_kept: tuple[bool, ...]  # per annex row: kept whole on one page
    first_cap: int  # grid lines of page 1 below the 版头
    table_row_lines: tuple[int, ...] = ()  # grid lines of the annex header row, then of each row
    # Paragraphs (block indices) whose lines stay on one page, with what follows:
    # headings, and the paragraph before the 署名.
    kept_together: frozenset[int] = frozenset()
    # Blank lines kept after a block (the signature block, or the 附注 under it)
    # so that the last seal's reach is on the 署名's page (seal_reserve).
    seal_reserve: dict[int, int] = field(default_factory=dict)
    # The paragraph before the 署名 when page 1 ends inside it: not kept with the block.
    untied: frozenset[int] = frozenset()
    # The last forced page break (block index) and the page the text after it starts on:
    # the Word file starts a section there on a page of that parity, so that text a
    # clerk adds before it cannot move the end of the document to the other parity.
    parity_anchor: tuple[int, int] | None = None


def layout_document(doc: Document, fonts: FontsLike) -> list[Page]:
    """Pages of ``doc``: header, flowing text, annex table, 版记 and page numbers."""
    return layout(doc, fonts)[0]


def layout(doc: Document, fonts: FontsLike) -> tuple[list[Page], LayoutInfo]:
    """Pages of ``doc`` (by its standard) and the decisions behind them."""
    std = doc.standard
    pitch, lines = std.line_pitch_pt, std.lines_per_page
    together: set[int] = set()
    reserve: dict[int, int] = {}
    slots = build_slots(doc, fonts, together, reserve)
    # Page 1 must show the title, the recipients and a first body line.
    need = 0
    for s in slots:
        need += 1
        if s.kind == "text" and s.runs and s.runs[0].kind == "body":
            break
        if s.kind == "break":
            break
    header = layout_header(fonts, doc.header, min(need, 8), pitch)
    first_cap = max(1, min(lines, int((TA_BOTTOM + FIT - header.flow_top) // pitch)))
    chunks = paginate(slots, first_cap, lines)
    untied: set[int] = set()
    if not _shows_body(chunks[0]) and _shows_body(slots[:need]):
        # The paragraph before the 署名 is the body of page 1 and cannot take the
        # block with it there (page 1 must show body text): it starts on page 1.
        # If the page ends inside it, the block follows its last lines with no
        # keep at all (LibreOffice would move a kept paragraph whole); if it
        # ends on page 1, its last line goes with the block (keep with next, as
        # Word keeps it; LibreOffice moves the paragraph whole).
        loose = {s.block for s in slots[:need] if s.kind == "text"} & together
        for tie in (False, True):
            together.clear()
            reserve.clear()
            slots = build_slots(doc, fonts, together, reserve, loose, tie)
            chunks = paginate(slots, first_cap, lines)
            if not any(s.block in loose for s in chunks[0][-1:]):
                break
        if not tie:
            untied = set(loose)
    pages: list[Page] = []
    for idx, chunk in enumerate(chunks, start=1):
        page = Page(idx)
        if idx == 1:
            page.runs += header.runs
            page.rules += header.rules
            _place(page, chunk, header.flow_top, pitch)
        else:
            _place(page, chunk, TA_TOP, pitch)
        pages.append(page)

    col = layout_colophon(fonts, doc.colophon, pitch)
    placement = "none"
    if col.lines:
        last = pages[-1]
        cap = lines if last.index > 1 else first_cap
        placement = gb.colophon_placement(last.index, cap - last.body_lines, col.lines)
        if placement == "same":
            target = last
        else:
            if placement == "blank":
                pages.append(Page(len(pages) + 1, kind="blank"))
            target = Page(len(pages) + 1, kind="colophon")
            pages.append(target)
        target.runs += col.runs
        target.rules += col.rules
    previous = "body"
    for p in pages:
        if gb.numbered(p.kind, previous == "blank"):
            p.number = p.index
            p.runs += page_number_runs(fonts, p.index)
        previous = p.kind
    firsts = [s for i, s in enumerate(slots) if s.kind == "table"
              and (i == 0 or slots[i - 1].kind != "table" or slots[i - 1].row != s.row)]
    rows_kept = tuple(s.keep or s.row_lines == 1 for s in firsts if s.row >= 0)
    row_lines = tuple(s.row_lines for s in firsts)
    info = LayoutInfo(header, col, placement, rows_kept, first_cap, row_lines, frozenset(together), reserve,
                      frozenset(untied), _parity_anchor(doc, chunks))
    return pages, info
