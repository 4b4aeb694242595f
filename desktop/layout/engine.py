"""GB/T 9704 page layout of a ``desktop.document.Document``.

The text flows through grid lines ("slots") of one line pitch each: 22 a page
on the 156 x 225 mm type area, 28 cells of 3号 a line. Page 1 starts below the
版头 (organ mark 35 mm below the type area's top, 发文字号 two lines under
it, the red line 4 mm under that, the title two lines under the red line);
later pages start on grid line 1. Text sits with its em box at the top of its
slot, so the first line's top is exactly the type area's top (37 mm).
Table rows take whole slots too, so every page keeps the 22-line rhythm.
The 版记 fills the last slots of the last, even page, its last line on the
type area's bottom edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from desktop import official as gb
from desktop.document import AnnexTable, Blank, Colophon, Document, Header, PageBreak, Para, Signature, Title
from desktop.layout.linebreak import Glyph, break_lines, positions
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
L = gb.LINE_PITCH_PT
PITCH = gb.CHAR_PITCH_PT  # one 3号 cell
GRID_SPACE = PITCH - gb.BODY_SIZE  # character spacing that puts 3号 text on the 28-cell grid
C4 = gb.SIZE_4  # one 4号 character (版记 and page-number gaps)
TABLE_PAD = 3.0  # cell padding left/right
TABLE_RULE = 0.5
FIT = 0.5  # points a slot may reach past the type area's bottom (grid rounding)

# Paragraph kinds -> (first-line indent, wrapped-line indent) in 3号 cells.
_INDENTS = {"recipients": (0, 0), "attachment-label": (0, 0)}


# --- slots -------------------------------------------------------------------------


@dataclass
class Slot:
    """One grid line of the flow."""

    kind: str  # text | blank | break | table
    runs: list[TextRun] = field(default_factory=list)  # x absolute, baseline relative to the em top (0)
    keep: bool = False  # stay on the same page as the next slot
    droppable: bool = False  # skipped at the top of a page
    centre: bool = False  # em box centred in the slot (4号 text) instead of at its top
    table: AnnexTable | None = None
    row: int = -1  # table row (-1: header)
    row_lines: int = 1
    src: int = -1


def _metrics(fonts: FontsLike, role: str, ch: str) -> tuple[str, float]:
    """(font key, advance in ems), memoised on the fonts object."""
    memo = fonts.__dict__.setdefault("_layout_memo", {})
    hit = memo.get((role, ch))
    if hit is None:
        face = fonts.face_for(role, ch)
        hit = memo[(role, ch)] = (face.key, face.advance(ch))
    return hit


def _glyphs(fonts: FontsLike, spans, size: float) -> list[Glyph]:
    out = []
    memo = fonts.__dict__.setdefault("_layout_memo", {})
    for span in spans:
        role = span.role
        for ch in span.text:
            if ch in "\t\n\r\x0b\x0c":
                ch = " "
            hit = memo.get((role, ch)) or _metrics(fonts, role, ch)
            out.append(Glyph(ch, hit[1] * size, hit[0], role))
    return out


def _runs_for_line(glyphs: list[Glyph], xs: list[float], space: float, x0: float, size: float,
                   baseline: float, kind: str, color=BLACK, hscale: float = 1.0) -> list[TextRun]:
    runs: list[TextRun] = []
    i = 0
    n = len(xs)
    while i < n:
        j = i + 1
        while j < n and glyphs[j].font == glyphs[i].font and glyphs[j].role == glyphs[i].role:
            j += 1
        text = "".join(g.ch for g in glyphs[i:j])
        runs.append(TextRun(x0 + xs[i], baseline, text, glyphs[i].font, size, glyphs[i].role,
                            space, hscale, color, kind))
        i = j
    return runs


def _baseline(fonts: FontsLike, role: str, size: float) -> float:
    """Baseline below the em box's top: pdf readers put the em box from
    descent - size to descent, with the font's own descent."""
    return size * (1 + fonts.face(role).descent)


def paragraph_lines(fonts: FontsLike, spans, size: float, width: float, first_indent: float,
                    rest_indent: float, grid_space: float, justify: bool = True,
                    kind: str = "body") -> list[list[TextRun]]:
    """Runs of each line of a paragraph; x relative to the measure, baseline
    relative to the line's em top."""
    glyphs = _glyphs(fonts, spans, size)
    role = spans[0].role if spans else gb.FANGSONG
    base = _baseline(fonts, role, size)
    out = []
    for line in break_lines(glyphs, width, first_indent, rest_indent, grid_space):
        xs, space = positions(glyphs, line, width, grid_space, justify)
        out.append(_runs_for_line(glyphs[line.start:line.end], xs, space, 0.0, size, base, kind))
    return out


def _shift(runs: list[TextRun], dx: float = 0.0, dy: float = 0.0) -> list[TextRun]:
    return [TextRun(r.x + dx, r.baseline + dy, r.text, r.font, r.size, r.role, r.char_space, r.hscale, r.color, r.kind)
            for r in runs]


def _width(fonts: FontsLike, text: str, role: str, size: float, space: float = 0.0) -> float:
    if not text:
        return 0.0
    return sum(_metrics(fonts, role, ch)[1] * size + space for ch in text) - space


def _centred_line(fonts: FontsLike, text: str, role: str, size: float, kind: str,
                  space: float = 0.0, color=BLACK, width: float = TA_W, left: float = TA_LEFT) -> list[TextRun]:
    """A single line centred on [left, left + width]; squeezed if wider."""
    from desktop.document import Span

    glyphs = _glyphs(fonts, [Span(text, role)], size)
    natural = sum(g.advance for g in glyphs)
    total = natural + space * (len(glyphs) - 1)
    if total > width and len(glyphs) > 1:
        space = (width - natural) / (len(glyphs) - 1)
        total = width
    xs, x = [], 0.0
    for g in glyphs:
        xs.append(x)
        x += g.advance + space
    x0 = left + max(0.0, (width - total) / 2)
    return _runs_for_line(glyphs, xs, space, x0, size, _baseline(fonts, role, size), kind, color)


# --- blocks -> slots -------------------------------------------------------------


def _para_slots(fonts: FontsLike, p: Para) -> list[Slot]:
    first, rest = _INDENTS.get(p.kind, (p.first_line_chars, 0))
    if p.kind == "attachment-note":  # wrapped names align after "附件："
        rest = first + 3
    kind = {"heading1": "heading", "heading2": "heading"}.get(p.kind, p.kind)
    lines = paragraph_lines(fonts, p.spans, gb.BODY_SIZE, TA_W, first * PITCH, rest * PITCH, GRID_SPACE,
                            kind=kind)
    return [Slot("text", _shift(runs, TA_LEFT), keep=p.keep_with_next) for runs in lines]


def _title_slots(fonts: FontsLike, t: Title) -> list[Slot]:
    slots = [Slot("text", _centred_line(fonts, line, gb.XIAOBIAOSONG, gb.TITLE_SIZE, "title"), keep=True)
             for line in t.lines]
    return slots


def _signature_slots(fonts: FontsLike, sig: Signature) -> list[Slot]:
    from desktop.document import Span

    slots: list[Slot] = []
    for line in sig.lines:
        if not line.items:
            slots.append(Slot("blank", keep=True))
            continue
        runs: list[TextRun] = []
        extra: list[list[TextRun]] = []
        for x_cells, text in line.items:
            x = x_cells * PITCH
            w = _width(fonts, text, gb.FANGSONG, gb.BODY_SIZE, GRID_SPACE)
            if x + w <= TA_W + 0.3:
                lines = paragraph_lines(fonts, [Span(text)], gb.BODY_SIZE, TA_W - x, 0, 0, GRID_SPACE,
                                        justify=False, kind="signature")
            else:  # a name longer than the room it has: wrap it at the right edge
                lines = paragraph_lines(fonts, [Span(text)], gb.BODY_SIZE, TA_W - x if TA_W - x > 8 * PITCH else TA_W,
                                        0, 0, GRID_SPACE, kind="signature")
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


def _cell_lines(fonts: FontsLike, text: str, role: str, width: float, centre: bool) -> list[list[TextRun]]:
    from desktop.document import Span

    size = gb.TABLE_SIZE
    lines = paragraph_lines(fonts, [Span(text, role)], size, width, 0, 0, 0.0, justify=False, kind="table")
    if centre:
        out = []
        for runs in lines:
            if runs:
                right = max(r.x + _width(fonts, r.text, r.role, size, r.char_space) for r in runs)
                left = min(r.x for r in runs)
                out.append(_shift(runs, (width - (right - left)) / 2 - left))
            else:
                out.append(runs)
        return out
    return lines


def _row_slots(fonts: FontsLike, table: AnnexTable, cells: tuple[str, ...], row: int) -> list[Slot]:
    header = row < 0
    role = gb.HEITI if header else gb.FANGSONG
    x = TA_LEFT
    per_col: list[list[list[TextRun]]] = []
    for c, (_, share) in enumerate(table.columns):
        w = TA_W * share
        text = cells[c] if c < len(cells) else ""
        lines = _cell_lines(fonts, text, role, w - 2 * TABLE_PAD, centre=header or c == 0)
        per_col.append([_shift(r, x + TABLE_PAD) for r in lines if r] or [[]])
        x += w
    n = max(len(c) for c in per_col)
    # Rows of a few lines stay whole; longer rows may split across pages.
    whole = header or n <= 4
    slots = [Slot("table", [], table=table, row=row, row_lines=n, centre=True, keep=whole) for _ in range(n)]
    if not header:
        slots[-1].keep = False
    for col in per_col:
        off = (n - len(col)) // 2  # centre the cell's lines vertically by whole lines
        for k, runs in enumerate(col):
            slots[off + k].runs += runs
    return slots


def build_slots(doc: Document, fonts: FontsLike) -> list[Slot]:
    slots: list[Slot] = []
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if isinstance(b, Title):
            slots += _title_slots(fonts, b)
        elif isinstance(b, Para):
            slots += _para_slots(fonts, b)
        elif isinstance(b, Blank):
            slots += [Slot("blank", droppable=True, keep=bool(slots and slots[-1].keep and slots[-1].kind != "blank"))
                      for _ in range(b.lines)]
        elif isinstance(b, PageBreak):
            slots.append(Slot("break"))
        elif isinstance(b, Signature):
            sig = _signature_slots(fonts, b)
            # Never a page of signature alone: keep the last text line with it.
            for s in reversed(slots):
                if s.kind == "text":
                    s.keep = True
                    break
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if sig and isinstance(nxt, Para) and nxt.kind == "note":
                sig[-1].keep = True  # 附注 on the line after the date
            slots += sig
        elif isinstance(b, AnnexTable):
            slots += _row_slots(fonts, b, tuple(c for c, _ in b.columns), -1)
            for r, row in enumerate(b.rows):
                slots += _row_slots(fonts, b, row, r)
    for k, s in enumerate(slots):
        s.src = k
    return slots


# --- 版头 --------------------------------------------------------------------------


@dataclass
class HeaderLayout:
    runs: list[TextRun]
    rules: list[Rule]
    flow_top: float  # where the title's slot starts


def _mark_lines(fonts: FontsLike, h: Header, size: float) -> tuple[list[TextRun], float]:
    """The organ mark from its top edge; returns runs and the bottom of its em boxes."""
    from desktop.document import Span

    role = gb.XIAOBIAOSONG
    organs = list(h.organs)
    if not organs:
        return [], TA_TOP + gb.mm_to_pt(gb.ORGAN_MARK_TOP_MM)
    top = TA_TOP + gb.mm_to_pt(gb.ORGAN_MARK_TOP_MM)
    suffix = h.suffix
    joint = len(organs) > 1
    unit = 1.0  # widths below are at size 1
    if joint:
        names_w = max(_width(fonts, n, role, unit) for n in organs)
        suf_w = _width(fonts, suffix, role, unit)
        gap = 0.5 if suffix else 0.0
        fit = TA_W / (names_w + gap + suf_w)
    else:
        fit = TA_W / max(_width(fonts, organs[0] + suffix, role, unit), 1e-6)
    target = min(size, gb.ORGAN_MARK_MIN_SIZE)
    size = min(size, fit)
    hscale = 1.0
    if size < target:
        # Long names: keep a legible size and compress the face, as printed
        # marks do (长体); past 60 % the names wrap instead.
        hscale = max(gb.MIN_HSCALE, size / target)
        size = target
    base = _baseline(fonts, role, size)
    pitch = size * 1.25
    runs: list[TextRun] = []

    def line_runs(text: str, width: float, left: float, y: float, justify_to: float | None) -> list[TextRun]:
        glyphs = _glyphs(fonts, [Span(text, role)], size)
        natural = sum(g.advance for g in glyphs) * hscale
        space = 0.0
        total = natural
        if justify_to is not None and len(glyphs) > 1:
            space = (justify_to - natural) / (len(glyphs) - 1) / hscale
            total = justify_to
        xs, x = [], 0.0
        for g in glyphs:
            xs.append(x)
            x += (g.advance + space) * hscale
        x0 = left + max(0.0, (width - total) / 2)
        return _runs_for_line(glyphs, xs, space, x0, size, y + base, "mark", RED, hscale)

    if not joint:
        text = organs[0] + suffix
        lines = [text]
        if _width(fonts, text, role, size) * hscale > TA_W + 0.1:
            lines = gb.break_title(text, TA_W / (size * hscale))
        for k, text in enumerate(lines):
            runs += line_runs(text, TA_W, TA_LEFT, top + k * pitch, None)
        return runs, top + (len(lines) - 1) * pitch + size
    suf_w = _width(fonts, suffix, role, size) * hscale
    gap = (0.5 * size * hscale) if suffix else 0.0
    col_w = TA_W - suf_w - gap
    names: list[str] = []
    for n in organs:
        if _width(fonts, n, role, size) * hscale > col_w + 0.1:
            names += gb.break_title(n, col_w / (size * hscale))
        else:
            names.append(n)
    names_w = min(col_w, max(_width(fonts, n, role, size) * hscale for n in names))
    block_w = names_w + gap + suf_w
    left = TA_LEFT + (TA_W - block_w) / 2
    for k, n in enumerate(names):
        # 分散对齐: every name spans the column, the usual look of a joint mark
        runs += line_runs(n, names_w, left, top + k * pitch, names_w if len(n) > 1 else None)
    height = (len(names) - 1) * pitch + size
    if suffix:
        runs += line_runs(suffix, suf_w, left + names_w + gap, top + (height - size) / 2, None)
    return runs, top + height


def layout_header(fonts: FontsLike, h: Header, min_flow_lines: int) -> HeaderLayout:
    """The 版头; the mark shrinks until ``min_flow_lines`` grid lines fit below
    the title's top on page 1 (page 1 must show body text)."""
    size = gb.ORGAN_MARK_SIZE
    while True:
        hl = _layout_header(fonts, h, size)
        room = int((TA_BOTTOM + FIT - hl.flow_top) // L)
        if room >= min_flow_lines or size <= gb.ORGAN_MARK_FLOOR_SIZE:
            return hl
        size *= 0.85


def _layout_header(fonts: FontsLike, h: Header, mark_size: float) -> HeaderLayout:
    runs: list[TextRun] = []
    rules: list[Rule] = []
    k = 0
    for text, role in ((h.copy_no, gb.FANGSONG), (h.secrecy, gb.HEITI), (h.urgency, gb.HEITI)):
        if text:
            for line in paragraph_lines(fonts, [_span(text, role)], gb.BODY_SIZE, TA_W, 0, 0, GRID_SPACE,
                                        justify=False, kind="header"):
                runs += _shift(line, TA_LEFT, TA_TOP + k * L)
                k += 1
    mark, mark_bottom = _mark_lines(fonts, h, mark_size)
    runs += mark
    num_top = mark_bottom + gb.DOC_NUMBER_GAP_LINES * L
    num_lines = 1
    if h.doc_number:
        if h.signer:  # 上行文: number one cell in from the left, 签发人 one cell in from the right
            half = TA_W / 2 - PITCH
            nlines = paragraph_lines(fonts, [_span(h.doc_number)], gb.BODY_SIZE, half, 0, 0, GRID_SPACE,
                                     justify=False, kind="doc-number")
            for n, line in enumerate(nlines):
                runs += _shift(line, TA_LEFT + PITCH, num_top + n * L)
            label, name = "签发人：", h.signer
            w = _width(fonts, label, gb.FANGSONG, gb.BODY_SIZE, GRID_SPACE) + GRID_SPACE + \
                _width(fonts, name, gb.KAITI, gb.BODY_SIZE, GRID_SPACE)
            spans = [_span(label), _span(name, gb.KAITI)]
            w = min(w, half)
            slines = paragraph_lines(fonts, spans, gb.BODY_SIZE, w + 0.3, 0, 0, GRID_SPACE, justify=False,
                                     kind="signer")
            for n, line in enumerate(slines):
                runs += _shift(line, TA_RIGHT - PITCH - w, num_top + n * L)
            num_lines = max(len(nlines), len(slines))
        else:
            w = _width(fonts, h.doc_number, gb.FANGSONG, gb.BODY_SIZE, GRID_SPACE)
            if w <= TA_W + 0.3:
                runs += _shift(_centred_line(fonts, h.doc_number, gb.FANGSONG, gb.BODY_SIZE, "doc-number",
                                             GRID_SPACE), 0, num_top)
            else:  # not a real 发文字号, but never lose text: wrap it
                nlines = paragraph_lines(fonts, [_span(h.doc_number)], gb.BODY_SIZE, TA_W, 0, 0, GRID_SPACE,
                                         kind="doc-number")
                for n, line in enumerate(nlines):
                    runs += _shift(line, TA_LEFT, num_top + n * L)
                num_lines = len(nlines)
    red_y = num_top + (num_lines - 1) * L + gb.BODY_SIZE + gb.mm_to_pt(gb.RED_LINE_GAP_MM)
    rules.append(Rule(TA_LEFT, red_y, TA_RIGHT, red_y, gb.mm_to_pt(gb.RED_LINE_WIDTH_MM), RED, "red-line"))
    return HeaderLayout(runs, rules, red_y + gb.TITLE_GAP_LINES * L)


def _span(text: str, role: str = gb.FANGSONG):
    from desktop.document import Span

    return Span(text, role)


# --- 版记 --------------------------------------------------------------------------


def layout_colophon(fonts: FontsLike, col: Colophon) -> tuple[int, list[TextRun], list[Rule]]:
    """(grid lines used, runs, rules) with the last rule on the type area's bottom."""
    size = gb.COLOPHON_SIZE
    width = TA_W - 2 * C4
    rows: list[list[TextRun]] = []
    if col.cc:
        label = col.cc[:3] if col.cc.startswith("抄送：") else ""
        hang = _width(fonts, label, gb.FANGSONG, size)
        for runs in paragraph_lines(fonts, [_span(col.cc)], size, width, 0, hang, 0.0, kind="colophon"):
            rows.append(_shift(runs, TA_LEFT + C4))
    n_cc = len(rows)
    if col.printer or col.print_date:
        date_w = _width(fonts, col.print_date, gb.FANGSONG, size)
        room = width - min(date_w, width / 2) - (C4 if col.print_date else 0)
        printer_w = _width(fonts, col.printer, gb.FANGSONG, size)
        if col.printer and room < printer_w <= room / gb.MIN_HSCALE:
            # 印发机关 and 印发日期 belong on one line: narrow a long organ name
            # (as the Word export does) rather than wrap it.
            hscale = room / printer_w
            glyphs = _glyphs(fonts, [_span(col.printer)], size)
            xs, x = [], 0.0
            for g in glyphs:
                xs.append(x)
                x += g.advance * hscale
            plines = [_runs_for_line(glyphs, xs, 0.0, 0.0, size, _baseline(fonts, gb.FANGSONG, size), "colophon",
                                     BLACK, hscale)]
        elif col.printer:
            plines = paragraph_lines(fonts, [_span(col.printer)], size, max(room, 4 * C4), 0, 0, 0.0,
                                     justify=False, kind="colophon")
        else:
            plines = [[]]
        prows = [_shift(r, TA_LEFT + C4) for r in plines]
        if col.print_date:
            dlines = paragraph_lines(fonts, [_span(col.print_date)], size, width / 2, 0, 0, 0.0, justify=False,
                                     kind="colophon")
            date_w = min(date_w, width / 2)
            while len(prows) < len(dlines):  # an unusually long date text: more rows, printer on top
                prows.append([])
            for n, line in enumerate(dlines):
                row = len(prows) - len(dlines) + n
                prows[row] = prows[row] + _shift(line, TA_RIGHT - C4 - date_w)
        rows += prows
    k = len(rows)
    if not k:
        return 0, [], []
    thick = gb.mm_to_pt(gb.COLOPHON_THICK_MM)
    thin = gb.mm_to_pt(gb.COLOPHON_THIN_MM)
    runs: list[TextRun] = []
    for r, row in enumerate(rows):
        top = TA_BOTTOM - (k - r) * L + (L - size) / 2
        runs += _shift(row, 0, top)
    rules = [Rule(TA_LEFT, TA_BOTTOM - k * L, TA_RIGHT, TA_BOTTOM - k * L, thick, BLACK, "colophon")]
    if n_cc and n_cc < k:
        y = TA_BOTTOM - (k - n_cc) * L
        rules.append(Rule(TA_LEFT, y, TA_RIGHT, y, thin, BLACK, "colophon"))
    rules.append(Rule(TA_LEFT, TA_BOTTOM, TA_RIGHT, TA_BOTTOM, thick, BLACK, "colophon"))
    return k, runs, rules


def page_number_runs(fonts: FontsLike, n: int) -> list[TextRun]:
    """— N —, 4号宋体, the dash's em-box centre 7 mm below the type area,
    odd pages right and even pages left, one 4号 character in."""
    size = gb.PAGE_NUMBER_SIZE
    text = f"— {n} —"
    w = _width(fonts, text, gb.SONGTI, size)
    x = TA_RIGHT - C4 - w if n % 2 else TA_LEFT + C4
    top = TA_BOTTOM + gb.mm_to_pt(gb.PAGE_NUMBER_GAP_MM) - size / 2
    line = paragraph_lines(fonts, [_span(text, gb.SONGTI)], size, TA_W, 0, 0, 0.0, justify=False,
                           kind="page-number")[0]
    return _shift(line, x, top)


# --- pagination ----------------------------------------------------------------------


def paginate(slots: list[Slot], first_cap: int) -> list[list[Slot]]:
    """Fill pages with slots, honouring forced breaks, keep-with-next chains
    and the annex table's repeated header row."""
    pages: list[list[Slot]] = []
    cur: list[Slot] = []
    cap = first_cap
    forced = True  # the current page began with a forced break (keep its blanks)
    i = 0
    n = len(slots)

    def close() -> None:
        nonlocal cur, cap
        pages.append(cur)
        cur = []
        cap = gb.LINES_PER_PAGE

    while i < n:
        s = slots[i]
        if s.kind == "break":
            if cur or not pages:
                close()
            forced = True
            i += 1
            continue
        if not cur and s.droppable and not forced:
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
        forced = False
    if cur or not pages:
        pages.append(cur)
    return pages


def _place(page: Page, slots: list[Slot], top: float) -> None:
    table_groups: list[list[tuple[Slot, float]]] = []
    prev = -2
    for k, s in enumerate(slots):
        y = top + k * L
        if s.kind in ("text", "table"):
            dy = y + ((L - s.runs[0].size) / 2 if s.centre and s.runs else 0.0)
            page.runs += _shift(s.runs, 0, dy)
        if s.kind == "table":
            if table_groups and prev == k - 1 and table_groups[-1][-1][0].table is s.table:
                table_groups[-1].append((s, y))
            else:
                table_groups.append([(s, y)])
            prev = k
    page.body_lines = len(slots)
    for group in table_groups:
        g_top, g_bottom = group[0][1], group[-1][1] + L
        table = group[0][0].table
        page.rules.append(Rule(TA_LEFT, g_top, TA_RIGHT, g_top, TABLE_RULE))
        for (a, _), (b, y) in zip(group, group[1:]):
            if a.row != b.row:
                page.rules.append(Rule(TA_LEFT, y, TA_RIGHT, y, TABLE_RULE))
        page.rules.append(Rule(TA_LEFT, g_bottom, TA_RIGHT, g_bottom, TABLE_RULE))
        x = TA_LEFT
        xs = [x]
        for _, share in table.columns:
            x += TA_W * share
            xs.append(x)
        xs[-1] = TA_RIGHT
        for x in xs:
            page.rules.append(Rule(x, g_top, x, g_bottom, TABLE_RULE))


def layout_document(doc: Document, fonts: FontsLike) -> list[Page]:
    """Pages of ``doc``: header, flowing text, annex table, 版记 and page numbers."""
    slots = build_slots(doc, fonts)
    # Page 1 must show the title, the recipients and a first body line.
    need = 0
    for s in slots:
        need += 1
        if s.kind == "text" and s.runs and s.runs[0].kind == "body":
            break
        if s.kind == "break":
            break
    header = layout_header(fonts, doc.header, min(need, 8))
    first_cap = max(1, int((TA_BOTTOM + FIT - header.flow_top) // L))
    chunks = paginate(slots, first_cap)
    pages: list[Page] = []
    for idx, chunk in enumerate(chunks, start=1):
        page = Page(idx)
        if idx == 1:
            page.runs += header.runs
            page.rules += header.rules
            _place(page, chunk, header.flow_top)
        else:
            _place(page, chunk, TA_TOP)
        pages.append(page)

    k, c_runs, c_rules = layout_colophon(fonts, doc.colophon)
    if k:
        last = pages[-1]
        free = (gb.LINES_PER_PAGE if last.index > 1 else first_cap) - last.body_lines
        if last.index % 2 == 0 and free >= k:
            target = last
        else:
            if last.index % 2 == 0:  # even but full: a blank page, then the 版记 page
                pages.append(Page(len(pages) + 1, kind="blank"))
            target = Page(len(pages) + 1, kind="colophon")
            pages.append(target)
        target.runs += c_runs
        target.rules += c_rules
    # The page that carries the 版记 is never numbered, even when it shares
    # the page with the end of the text (as the product spec asks).
    colophon_page = pages[-1] if k else None
    for p in pages:
        if p.kind == "body" and p is not colophon_page:
            p.number = p.index
            p.runs += page_number_runs(fonts, p.index)
    return pages
