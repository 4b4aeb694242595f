"""Word export: the notice, the plan and its annex as a GB/T 9704-2012 .docx.

Renders ``desktop.document.build_document`` (the same blocks the PDF layout
draws) into WordprocessingML. Word decides the final line and page breaks, so
the file carries the structure that makes Word put things where the standard
wants them:

- the 22 x 28 grid (``w:docGrid linesAndChars``) with a 16 pt Normal style;
- the organ mark in a borderless table anchored 35 mm below the type area's
  top, whatever 份号/密级 lines precede it;
- the 版记 in a table anchored to the bottom of the type area, in a last
  section that starts on an even page (``w:type evenPage``) with empty
  footers: the 版记 page is always the back of the last sheet, and when Word
  has to add a blank page before it, neither page carries a number
  (GB/T 9704 7.5). The cost is that the 版记 never shares the last text page.
- odd/even footers with a PAGE field, placed 7 mm below the type area.
"""

from __future__ import annotations

import math
from pathlib import Path

from desktop import official as gb
from desktop.document import AnnexTable, Blank, Block, Colophon, Document, Header, PageBreak, Para, Signature, \
    Title, build_document
from desktop.export.docx_package import CHAR_PITCH, FOOTER_EVEN, FOOTER_NONE, FOOTER_ODD, LINE_PITCH, TEXT_H, \
    TEXT_W, Fonts, section_properties, write_package
from desktop.export.docx_xml import NIL_BORDERS, border, border_size, ppr, rpr, spacing_auto, \
    spacing_exact, text_runs, twips

# --- layout choices of this writer (GB/T 9704 numbers live in official) -------
MARK_LINE_GAP = 0.2  # extra space between stacked organ names, in ems
MARK_SUFFIX_GAP = 1.0  # space between the stacked names and "文件", in ems
MARK_MIN_SCALE = round(gb.MIN_HSCALE * 100)  # narrowest horizontal scaling (%) before a name may wrap
# Lines page 1 still needs under the mark (2 blank, 发文字号, red line, 2 blank,
# a two-line title, blank, 主送, two body lines): the mark may not eat them (7.2.4).
MARK_RESERVED_LINES = 11
TABLE_CELL_MARGIN = gb.mm_to_twips(1.0)
TABLE_BORDER = 4  # 0.5 pt black rules in the annex table
EMPTY_RPR_PT = 1.0
COLOPHON_SLACK_LINES = 2  # room left under the 版记 spacer for lines our estimate missed  # size of invisible helper paragraphs (spacer, section ends)


def _chars(n: float) -> int:
    """Twips of ``n`` grid cells (for the twips fallback of *Chars indents)."""
    return round(n * CHAR_PITCH)


class _Writer:
    def __init__(self, doc: Document, fonts: Fonts) -> None:
        self.doc = doc
        self.f = fonts
        self.out: list[str] = []
        self.break_before = False

    # --- primitives ---------------------------------------------------------
    def props(self, role: str, size: float = gb.BODY_SIZE, **kw: object) -> str:
        return rpr(self.f.role(role), size, **kw)  # type: ignore[arg-type]

    def para(self, runs: str, **kw: object) -> None:
        if self.break_before:
            kw["page_break_before"] = True
            self.break_before = False
        if not runs and "mark_rpr" not in kw:
            kw["mark_rpr"] = self.props(gb.FANGSONG)
        self.out.append(f"<w:p>{ppr(**kw)}{runs}</w:p>")  # type: ignore[arg-type]

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.para("", style="GwBody", ind='<w:ind w:firstLineChars="0" w:firstLine="0"/>')

    def tiny(self, **kw: object) -> None:
        """An invisible paragraph (spacer, section end, table anchor) of ~1 pt."""
        kw.setdefault("spacing", spacing_exact(twips(EMPTY_RPR_PT)))
        self.para("", snap=False, mark_rpr=self.props(gb.FANGSONG, EMPTY_RPR_PT), **kw)

    # --- 版头 ------------------------------------------------------------------
    def header(self, h: Header) -> None:
        lines = 0
        for text, role in ((h.copy_no, gb.FANGSONG), (h.secrecy, gb.HEITI), (h.urgency, gb.HEITI)):
            if text:
                self.para(text_runs(text, self.props(role)), style="GwHeaderLine", snap=False,
                          spacing=spacing_exact(LINE_PITCH), ind='<w:ind w:firstLine="0"/>', jc="left")
                lines += 1
        # The flow reaches the mark's anchor exactly 35 mm below the type area's
        # top, so the following lines wrap below the anchored mark, never above it.
        gap = gb.mm_to_twips(gb.ORGAN_MARK_TOP_MM) - lines * LINE_PITCH
        self.tiny(spacing=spacing_exact(max(gap, 1)))
        if h.organs:
            self.out.append(self.mark_table(h))
        self.blank(gb.DOC_NUMBER_GAP_LINES)
        self.doc_number(h)
        self.blank(gb.TITLE_GAP_LINES)

    def mark_table(self, h: Header) -> str:
        names = list(h.organs)
        suffix = h.suffix
        joint = len(names) > 1
        widest = max(gb.text_units(n) for n in names)
        su = gb.text_units(suffix)
        if joint:
            total = widest + ((MARK_SUFFIX_GAP + su) if suffix else 0.0)
        else:
            total = widest + su
        width_pt = TEXT_W / gb.TWIPS_PER_PT
        size = max(gb.ORGAN_MARK_MIN_SIZE, min(gb.ORGAN_MARK_SIZE, width_pt / max(total, 1.0)))
        budget = gb.TYPE_H_MM * gb.PT_PER_MM - gb.mm_to_pt(gb.ORGAN_MARK_TOP_MM) \
            - MARK_RESERVED_LINES * gb.LINE_PITCH_PT
        name_room = width_pt - ((MARK_SUFFIX_GAP + su) * size if joint and suffix else 0.0)

        def fit(size: float) -> tuple[float, int, int]:
            size = math.floor(size * 2) / 2  # Word sizes are half points
            scale = max(MARK_MIN_SCALE, min(100, math.floor(width_pt / (max(total, 1.0) * size) * 100)))
            room = name_room if joint else width_pt
            rows = sum(max(1, math.ceil((gb.text_units(n) + (0 if joint else su)) * size * scale / 100 / room))
                       for n in names)
            return size, scale, rows

        size, scale, rows = fit(size)
        while rows * size * (1 + MARK_LINE_GAP) > budget and size > gb.ORGAN_MARK_FLOOR_SIZE:  # body text on page 1
            size, scale, rows = fit(max(gb.ORGAN_MARK_FLOOR_SIZE, min(size - 0.5, budget / (rows * (1 + MARK_LINE_GAP)))))
        props = rpr(self.f.xbs, size, color=gb.RED_HEX, scale=scale, snap=False)
        gap = twips(size * MARK_LINE_GAP)

        def name_paras(jc: str) -> str:
            out = []
            for i, name in enumerate(names):
                out.append("<w:p>" + ppr(style="GwMark", snap=False, spacing=spacing_auto(before=gap if i else 0),
                                         jc=jc) + text_runs(name, props) + "</w:p>")
            return "".join(out)

        def cell(width: int, content: str, v: str = "center") -> str:
            return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="{v}"/></w:tcPr>'
                    f"{content}</w:tc>")

        if joint and suffix:
            suffix_w = min(TEXT_W // 2, math.ceil((MARK_SUFFIX_GAP + su) * size * scale / 100 * gb.TWIPS_PER_PT))
            names_w = min(TEXT_W - suffix_w, math.ceil(widest * size * scale / 100 * gb.TWIPS_PER_PT) + 40)
            cols = [names_w, suffix_w]
            suffix_p = ("<w:p>" + ppr(style="GwMark", snap=False, spacing=spacing_auto(), jc="right")
                        + text_runs(suffix, props) + "</w:p>")
            cells = cell(names_w, name_paras("distribute")) + cell(suffix_w, suffix_p)
        elif joint:
            names_w = min(TEXT_W, math.ceil(widest * size * scale / 100 * gb.TWIPS_PER_PT) + 40)
            cols = [names_w]
            cells = cell(names_w, name_paras("distribute"))
        else:
            cols = [TEXT_W]
            line = ("<w:p>" + ppr(style="GwMark", snap=False, spacing=spacing_auto(), jc="center")
                    + text_runs(names[0], props) + (text_runs(suffix, props) if suffix else "") + "</w:p>")
            cells = cell(TEXT_W, line)
        top = gb.mm_to_twips(gb.ORGAN_MARK_TOP_MM)
        return (
            "<w:tbl><w:tblPr>"
            '<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" '
            f'w:vertAnchor="margin" w:horzAnchor="margin" w:tblpXSpec="center" w:tblpY="{top}"/>'
            '<w:tblOverlap w:val="never"/>'
            f'<w:tblW w:w="{sum(cols)}" w:type="dxa"/><w:jc w:val="center"/>'
            f"{NIL_BORDERS}"
            '<w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in cols) + "</w:tblGrid>"
            f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr></w:tbl>"
        )

    def doc_number(self, h: Header) -> None:
        line = border_size(gb.RED_LINE_WIDTH_MM)
        # w:space (pt) lies between the line box's bottom (≈ the text's em-box
        # bottom at single spacing) and the rule, whose centre is 4 mm down.
        space = max(0, round(gb.mm_to_pt(gb.RED_LINE_GAP_MM) - line / 8 / 2))
        rule = border("bottom", line, gb.RED_HEX, space)
        fs = self.props(gb.FANGSONG, snap=False)
        if h.signer:  # 上行文: 发文字号 one character in from the left, 签发人 one in from the right
            one = twips(gb.BODY_SIZE)
            runs = (text_runs(h.doc_number, fs) + f"<w:r>{fs}<w:tab/></w:r>" + text_runs("签发人：", fs)
                    + text_runs(h.signer, self.props(gb.KAITI, snap=False)))
            self.para(runs, style="GwDocNumber", borders=rule, snap=False, spacing=spacing_auto(),
                      tabs=f'<w:tab w:val="right" w:pos="{TEXT_W - one}"/>',
                      ind=f'<w:ind w:left="{one}" w:right="{one}"/>', jc="left")
        else:
            self.para(text_runs(h.doc_number, fs), style="GwDocNumber", borders=rule, snap=False,
                      spacing=spacing_auto(), jc="center", mark_rpr=fs)

    # --- 主体 ------------------------------------------------------------------
    def title(self, t: Title) -> None:
        props = self.props(gb.XIAOBIAOSONG, gb.TITLE_SIZE, snap=False)
        runs = f"<w:r>{props}<w:br/></w:r>".join(text_runs(line, props) for line in t.lines)
        self.para(runs, style="GwTitle", keep_next=True, keep_lines=True, snap=False,
                  spacing=spacing_exact(LINE_PITCH), jc="center", mark_rpr=props)

    def paragraph(self, p: Para, keep_next: bool = False) -> None:
        runs = "".join(text_runs(s.text, self.props(s.role)) for s in p.spans)
        keep = p.keep_with_next or keep_next
        first = round(p.first_line_chars * 100)
        if p.kind == "heading1":
            style, ind = "Heading1", ""
        elif p.kind == "heading2":
            style, ind = "Heading2", ""
        elif p.kind == "attachment-note":  # wrapped lines align after "附件："
            style = "GwBody"
            ind = (f'<w:ind w:leftChars="500" w:left="{_chars(5)}" '
                   f'w:hangingChars="300" w:hanging="{_chars(3)}"/>')
        elif p.kind == "attachment-label":
            style, ind = "GwBody", '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
        else:
            style = "GwBody"
            ind = "" if first == 200 else \
                f'<w:ind w:firstLineChars="{first}" w:firstLine="{_chars(p.first_line_chars)}"/>'
        self.para(runs, style=style, keep_next=keep, ind=ind,
                  jc="left" if p.kind == "attachment-label" else "",
                  mark_rpr=self.props(p.spans[0].role if p.spans else gb.FANGSONG))

    def signature(self, s: Signature, keep_last: bool) -> None:
        width = float(gb.CHARS_PER_LINE)
        props = self.props(gb.FANGSONG)
        for i, line in enumerate(s.lines):
            keep = keep_last or i < len(s.lines) - 1
            if not line.items:
                self.para("", style="GwBody", keep_next=keep, ind='<w:ind w:firstLineChars="0" w:firstLine="0"/>')
                continue
            if line.kind == "date" and len(line.items) == 1:
                x, text = line.items[0]
                gap = max(0.0, width - x - gb.text_units(text))
                ind = f'<w:ind w:rightChars="{round(gap * 100)}" w:right="{_chars(gap)}" ' \
                      'w:firstLineChars="0" w:firstLine="0"/>'
                self.para(text_runs(text, props), style="GwBody", keep_next=keep, ind=ind, jc="right")
                continue
            x0, first_text = line.items[0]
            runs = text_runs(first_text, props)
            tabs = ""
            for x, text in line.items[1:]:
                tabs += f'<w:tab w:val="left" w:pos="{_chars(x)}"/>'
                runs += f"<w:r>{props}<w:tab/></w:r>" + text_runs(text, props)
            ind = f'<w:ind w:leftChars="{round(x0 * 100)}" w:left="{_chars(x0)}" w:firstLineChars="0" ' \
                  'w:firstLine="0"/>'
            self.para(runs, style="GwBody", keep_next=keep, tabs=tabs, ind=ind, jc="left")

    def annex_table(self, t: AnnexTable) -> None:
        widths = [math.floor(share * TEXT_W) for _, share in t.columns]
        widths[-1] -= max(0, sum(widths) - TEXT_W)
        b = "".join(border(side, TABLE_BORDER, "000000") for side in
                    ("top", "left", "bottom", "right", "insideH", "insideV"))
        centred = {0, 2}  # 序号 and 时间 read better centred

        def row(cells: tuple[str, ...], head: bool) -> str:
            role = gb.HEITI if head else gb.FANGSONG
            props = self.props(role, gb.TABLE_SIZE, snap=False)
            tcs = []
            for i, (w, text) in enumerate(zip(widths, cells)):
                jc = "center" if head or i in centred else "both"
                tcs.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                           f"<w:p>{ppr(style='GwTableText', snap=False, spacing=spacing_auto(), jc=jc, mark_rpr=props)}"
                           f"{text_runs(text, props)}</w:p></w:tc>")
            tr = f'<w:trHeight w:val="{LINE_PITCH}"/>'
            if head:
                tr = "<w:cantSplit/>" + tr + "<w:tblHeader/>"
            return f"<w:tr><w:trPr>{tr}</w:trPr>{''.join(tcs)}</w:tr>"

        heads = tuple(title for title, _ in t.columns)
        rows = [row(heads, True)]
        n = len(t.columns)
        for r in t.rows:
            cells = tuple(r[:n]) + ("",) * max(0, n - len(r))
            rows.append(row(cells, False))
        m = TABLE_CELL_MARGIN
        self.out.append(
            "<w:tbl><w:tblPr>"
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/>'
            f"<w:tblBorders>{b}</w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{m}" w:type="dxa"/>'
            f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{m}" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
            + "".join(rows) + "</w:tbl>")

    # --- 版记 ------------------------------------------------------------------
    def colophon_rows(self, c: Colophon) -> list[tuple[str, int]]:
        """(paragraph XML, lines it takes) for each 版记 row."""
        size = gb.COLOPHON_SIZE
        props = rpr(self.f.fs, size, snap=False)
        one = twips(size)  # 空一字 in 4号
        avail = (TEXT_W - 2 * one) / gb.TWIPS_PER_PT / size  # in 4号 characters
        rows = []
        if c.cc:
            label = gb.text_units("抄送：")
            ind = f'<w:ind w:left="{one + twips(size * label)}" w:right="{one}" w:hanging="{twips(size * label)}"/>'
            # Rounded up generously: a line that breaks before punctuation holds a character less.
            lines = 1 + max(0, math.ceil((gb.text_units(c.cc) - (avail - 1)) / (avail - label - 1)))
            rows.append((ppr(style="GwColophon", snap=False, spacing=spacing_exact(LINE_PITCH), ind=ind, jc="both",
                             mark_rpr=props) + text_runs(c.cc, props), lines))
        if c.printer or c.print_date:
            # Organ left and date right on one line: a long organ name is narrowed, not wrapped.
            room = avail - gb.text_units(c.print_date) - 2  # a character of slack for wider digits
            width = gb.text_units(c.printer)
            scale = 100 if width <= room else max(MARK_MIN_SCALE, math.floor(room / width * 100))
            lines = 1 if width * scale / 100 <= room else 2
            runs = (text_runs(c.printer, rpr(self.f.fs, size, snap=False, scale=scale))
                    + f"<w:r>{props}<w:tab/></w:r>" + text_runs(c.print_date, props))
            rows.append((ppr(style="GwColophon", snap=False, spacing=spacing_exact(LINE_PITCH),
                             tabs=f'<w:tab w:val="right" w:pos="{TEXT_W - one}"/>',
                             ind=f'<w:ind w:left="{one}" w:right="{one}"/>', jc="left", mark_rpr=props) + runs,
                         lines))
        return rows

    def colophon(self, c: Colophon) -> None:
        """版记 anchored to the bottom of the type area of its own, even page.

        Word places the floating table by ``tblpYSpec=bottom``. Readers that
        lay a full-width table inline (LibreOffice) put it after the spacer,
        which fills the page down to where the table starts; the spacer is
        kept short of that (COLOPHON_SLACK_LINES) so that it can never push Word's anchor paragraph
        below the table onto another page.
        """
        rows = self.colophon_rows(c)
        thick = border_size(gb.COLOPHON_THICK_MM)
        thin = border_size(gb.COLOPHON_THIN_MM)
        height = sum(n for _, n in rows) * LINE_PITCH + (2 * thick + thin * (len(rows) - 1)) * 20 // 8
        self.tiny(spacing=spacing_exact(max(1, TEXT_H - height - COLOPHON_SLACK_LINES * LINE_PITCH
                                            - twips(EMPTY_RPR_PT))))
        b = (border("top", thick, "000000") + '<w:left w:val="nil"/>' + border("bottom", thick, "000000")
             + '<w:right w:val="nil"/>' + border("insideH", thin, "000000") + '<w:insideV w:val="nil"/>')
        trs = "".join(f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{TEXT_W}" w:type="dxa"/>'
                      f"</w:tcPr><w:p>{r}</w:p></w:tc></w:tr>" for r, _ in rows)
        self.out.append(
            "<w:tbl><w:tblPr>"
            '<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" '
            'w:vertAnchor="margin" w:horzAnchor="margin" w:tblpXSpec="center" w:tblpYSpec="bottom"/>'
            '<w:tblOverlap w:val="never"/>'
            f'<w:tblW w:w="{TEXT_W}" w:type="dxa"/><w:jc w:val="center"/>'
            f"<w:tblBorders>{b}</w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/>'
            f'</w:tblPr><w:tblGrid><w:gridCol w:w="{TEXT_W}"/></w:tblGrid>{trs}</w:tbl>'
        )
        self.tiny()

    # --- the whole document -------------------------------------------------
    def render(self) -> str:
        doc = self.doc
        self.header(doc.header)
        blocks: list[Block] = doc.blocks
        for i, block in enumerate(blocks):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(block, Title):
                self.title(block)
            elif isinstance(block, Para):
                self.paragraph(block, keep_next=isinstance(nxt, Signature))
            elif isinstance(block, Blank):
                self.blank(block.lines)
            elif isinstance(block, PageBreak):
                self.break_before = True
            elif isinstance(block, Signature):
                self.signature(block, keep_last=isinstance(nxt, Para) and nxt.kind == "note")
            elif isinstance(block, AnnexTable):
                if self.break_before:  # a table cannot carry pageBreakBefore itself
                    self.tiny()
                self.annex_table(block)
        c = doc.colophon
        if c.cc or c.printer or c.print_date:
            self.tiny(sect=section_properties((FOOTER_ODD, FOOTER_EVEN)))
            self.colophon(c)
            last = section_properties((FOOTER_NONE, FOOTER_NONE), start_even=True)
        else:
            self.tiny()
            last = section_properties((FOOTER_ODD, FOOTER_EVEN))
        body = "".join(self.out)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f"<w:body>{body}{last}</w:body></w:document>")


def render_document_xml(doc: Document, fonts: Fonts) -> str:
    return _Writer(doc, fonts).render()


def write(draft, template, dest: Path, options) -> list[str]:
    """Write the official-format .docx of ``draft`` to ``dest``; return notes for the clerk."""
    doc = build_document(draft, template)
    fonts = Fonts.of(getattr(options, "font_preset", gb.DEFAULT_FONT_PRESET))
    xml = render_document_xml(doc, fonts)
    write_package(Path(dest), xml, fonts, title=doc.title, author=doc.author, subject=doc.subject)
    notes = []
    alt = fonts.fallbacks.get(fonts.xbs)
    if alt and alt != fonts.xbs:
        notes.append(f"标题和发文机关标志使用“{fonts.xbs}”字体；未安装该字体的电脑上，Word 会以“{alt}”显示。")
    c = doc.colophon
    if c.cc or c.printer or c.print_date:
        notes.append("版记单独排在最后一个偶数页（双面打印时为最后一张纸的背面）；"
                     "如 Word 需在其前补一张空白页，空白页和版记页均不编页码。")
    return notes
