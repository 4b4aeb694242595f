"""Word export: the notice, the plan and its annex as a GB/T 9704-2012 .docx.

Built with python-docx from our base document (``resources/base.docx``,
rebuilt by ``scripts/make_base_docx.py``: A4, zh-CN, our styles, no theme).
Paragraphs, runs, tables, sections and footers go through python-docx's
object model; ``docx_oxml`` adds the few properties it has no call for.

The document is laid out first, by the same engine as the PDF (one layout
per export: ``desktop.export.Laid``), and the Word file follows its
decisions with properties Word, WPS and LibreOffice keep applying after a
clerk edits the file, never with breaks placed for the text as exported:

- a line grid of 22 lines (``w:docGrid w:type="lines"``, 579 twips) with
  the body's tracking (official.CHAR_SPACING_TWIPS) and our 避头尾 sets, so
  lines break where ours do (see official for why not a character grid, and
  WORD_OVERFLOW_PUNCT for the one rule they read differently);
- the 版头 in one table of exact row heights: the organ mark at its size and
  compression, 35 mm below the type area, the 发文字号, the red line, and the
  title starting on the grid line where the PDF starts it;
- the paragraph before the 署名 kept with the block (LayoutInfo.kept_together),
  the block's lines kept with each other and with the seal's room below;
- table rows of whole grid lines, kept whole where the PDF keeps them;
- the last part (annex, else plan) a section starting on the page parity it
  has, so text added before it cannot change where the 版记 goes;
- the 版记 anchored to the type area's bottom: on the text's last page, or in
  a last section that starts on an even page, numbered or not (7.5).
"""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, assert_never

from docx import Document as open_docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips

from desktop import official as gb
from desktop.document import (
    AnnexTable,
    Blank,
    Colophon,
    Document,
    PageBreak,
    Para,
    Signature,
    Title,
)
from desktop.export import docx_oxml as ox
from desktop.layout import LayoutInfo
from desktop.textclean import clean_text

if TYPE_CHECKING:
    from docx.oxml.text.parfmt import CT_PPr
    from docx.section import _Footer
    from docx.table import _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    from desktop.export import ExportOptions, Laid
    from desktop.layout.engine import MarkLayout
    from desktop.model import Draft
    from desktop.templates import Template

TEXT_W = gb.mm_to_twips(gb.TYPE_W_MM)  # 8844
CELL = TEXT_W / gb.CHARS_PER_LINE  # twips of one 3号 cell of the 28-cell measure
TA_TOP_PT = gb.mm_to_pt(gb.MARGIN_TOP_MM)
# The page number's line is centred in a footer row from the type area's
# bottom to 14 mm below it: its dash 7 mm below the type area (7.5). A row of
# exact height: LibreOffice makes the footer of the 版记's even-page section
# as tall as its content, and a footer as tall as the bottom margin leaves
# under the footer distance keeps that page's type area where the others' is.
FOOTER_DISTANCE = gb.mm_to_twips(gb.MARGIN_BOTTOM_MM - 2 * gb.PAGE_NUMBER_GAP_MM)
FOOTER_ROW = gb.mm_to_twips(gb.MARGIN_BOTTOM_MM) - FOOTER_DISTANCE - 1  # and a 1-twip closing paragraph
ONE_4 = round(gb.SIZE_4 * 20)  # 空一字 in 4号
TABLE_RULE_ALLOWANCE = 12  # twips (0.6 pt): the annex table's rule below each row, as LibreOffice counts it
SUFFIX_SLACK = 60  # twips (3 pt): LibreOffice wraps "文件" in a cell exactly its width
# Word's border widths (eighths of a point).
_BORDER_SIZES = (2, 4, 6, 8, 12, 18, 24, 36, 48)
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
          "both": WD_ALIGN_PARAGRAPH.JUSTIFY, "distribute": WD_ALIGN_PARAGRAPH.DISTRIBUTE}


def twips(pt: float) -> int:
    return round(pt * 20)


def border_size(mm: float) -> int:
    """The Word border width (1/8 pt) nearest to ``mm``."""
    eighths = gb.mm_to_pt(mm) * 8
    return min(_BORDER_SIZES, key=lambda s: abs(s - eighths))


def base_document_bytes() -> bytes:
    return resources.files("desktop_resources").joinpath("base.docx").read_bytes()


def _clean(text: str) -> str:
    return clean_text(text)[0]


class _Writer:
    def __init__(self, doc: Document, info: LayoutInfo) -> None:
        self.doc = doc
        self.info = info
        std = doc.standard
        self.names = std.fonts.names
        self.line = std.line_pitch_twips
        self.lines = std.lines_per_page
        self.d = open_docx(io.BytesIO(base_document_bytes()))
        self.style = {s.style_id: s for s in self.d.styles}
        self.break_before = False
        self._formats: dict[tuple[str, float, str, int, bool | None], Run] = {}
        self._styled: dict[str, CT_PPr] = {}
        self._set_style_fonts()
        self._set_style_pitch(std)

    def _set_style_pitch(self, std: gb.Standard) -> None:
        """The base document is set for the 22-line grid: an office's own pitch
        goes into the styles of one-line elements, and, for an exact spacing,
        into Normal so that every paragraph has it."""
        if self.line != gb.GRID_PITCH_TWIPS:
            for sid in ("GwTitle", "GwHeaderLine", "GwTableText", "GwColophon"):
                self.style[sid].paragraph_format.line_spacing = Twips(self.line)
        if std.exact_lines:
            normal = self.style["Normal"].paragraph_format
            normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            normal.line_spacing = Twips(self.line)

    # --- fonts ----------------------------------------------------------------------
    def _set_style_fonts(self) -> None:
        """The base document names the default preset's fonts; give each style this preset's."""
        roles = {"Normal": gb.FANGSONG, "GwBody": gb.FANGSONG, "Heading1": gb.HEADING_ROLES[1],
                 "Heading2": gb.HEADING_ROLES[2], "GwTitle": gb.XIAOBIAOSONG, "GwMark": gb.XIAOBIAOSONG,
                 "GwHeaderLine": gb.FANGSONG, "GwDocNumber": gb.FANGSONG, "GwTableText": gb.FANGSONG,
                 "GwColophon": gb.FANGSONG, "GwSpacer": gb.FANGSONG, "Footer": gb.SONGTI}
        for sid, role in roles.items():
            style = self.style[sid]
            style.font.name = self.names[role]
            ox.east_asian_font(style.element.get_or_add_rPr(), self.names[role])
        defaults = self.d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
        ox.east_asian_font(defaults.find(qn("w:rPr")), self.names[gb.FANGSONG])

    def run(self, paragraph: Paragraph, text: str, role: str = gb.FANGSONG, size: float = gb.BODY_SIZE, *,
            color: str = "", scale: int = 100, snap: bool | None = None) -> Run:
        """A run of literal text in the role's font (tabs and line breaks become w:tab and w:br)."""
        run = paragraph.add_run(_clean(text))
        self.font(run, role, size, color=color, scale=scale, snap=snap)
        return run

    def font(self, run: Run, role: str, size: float, *, color: str = "", scale: int = 100,
             snap: bool | None = None) -> Run:
        """The run's font, size, colour and scale. Each combination is set once
        through python-docx and copied to later runs: setting every property on
        each of a long plan's thousand runs was most of the export's time."""
        key = (role, size, color, scale, snap)
        done = self._formats.get(key)
        if done is not None:
            ox.copy_run_format(done, run)
            return run
        run.font.size = Pt(size)
        rpr = run._r.get_or_add_rPr()
        ox.east_asian_font(rpr, self.names[role])
        if snap is not None:
            ox.run_snap(rpr, snap)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        if scale != 100:
            ox.scale(rpr, scale)
        self._formats[key] = run
        return run

    # --- paragraphs -------------------------------------------------------------------
    def _snapshot(self, style: str) -> CT_PPr:
        """The properties of a new paragraph of ``style`` (python-docx looks the default
        style up on every style set: once per style, then copied)."""
        styled = self._styled.get(style)
        if styled is None:
            p = self.d.add_paragraph(style=self.style[style])
            styled = self._styled[style] = ox.format_snapshot(p)
            p._p.getparent().remove(p._p)
        return styled

    def para(self, style: str, *, keep_next: bool = False) -> Paragraph:
        p = self.d.add_paragraph()
        ox.apply_format_snapshot(self._snapshot(style), p)
        if self.break_before:
            p.paragraph_format.page_break_before = True
            self.break_before = False
        if keep_next:
            p.paragraph_format.keep_with_next = True
        return p

    def spacer(self, height_twips: int) -> Paragraph:
        """An empty paragraph exactly ``height_twips`` high (off the grid)."""
        p = self.para("GwSpacer")
        p.paragraph_format.line_spacing = Twips(max(1, height_twips))
        return p

    def blank(self, keep_next: bool = False) -> Paragraph:
        p = self.para("GwBody", keep_next=keep_next)
        ox.char_indent(p._p.get_or_add_pPr(), first=0, cell_twips=CELL)
        return p

    # --- 版头 -----------------------------------------------------------------------------
    def header(self) -> None:
        h = self.doc.header
        geo = self.info.header
        for text, role in ((h.copy_no, gb.FANGSONG), (h.secrecy, gb.HEITI), (h.urgency, gb.HEITI)):
            if text:
                self.run(self.para("GwHeaderLine"), text, role)
        # Row boundaries in twips from the type area's top, so the rows add up exactly.
        top = twips(geo.top_lines * gb.LINE_PITCH_PT)
        mark = geo.mark
        # Word and LibreOffice centre the mark's em box in its exact line, so
        # the row starts half the spare height above where the PDF puts the em
        # top, and the mark's top still lands 35 mm below the type area.
        spare = (mark.pitch - mark.size) / 2 if mark is not None else 0.0
        edges = [twips(y - TA_TOP_PT) for y in (geo.mark_top - spare, geo.mark_bottom + spare, geo.number_top,
                                                geo.red_y, geo.flow_top)]
        heights = [edges[0] - top] + [b - a for a, b in zip(edges, edges[1:])]
        widths = [TEXT_W]
        if mark is not None and mark.joint:
            block = mark.names_width + mark.gap + mark.suffix_width
            pad = (gb.TYPE_W_PT - block) / 2
            widths = [twips(pad), twips(mark.names_width), twips(mark.gap), twips(mark.suffix_width)]
            # A cell exactly as wide as "文件" wraps it in LibreOffice: give it slack
            # from the right pad and set the text flush left, where the PDF has it.
            slack = min(SUFFIX_SLACK, max(0, TEXT_W - sum(widths)))
            widths[3] += slack
            widths.append(TEXT_W - sum(widths))
        table = self.d.add_table(rows=5, cols=len(widths))
        table.autofit = False
        ox.table_width(table, TEXT_W)
        ox.table_borders(table)
        ox.cell_margins(table, left=0, right=0)
        for c, w in enumerate(widths):
            table.columns[c].width = Twips(w)
        for r, row in enumerate(table.rows):
            row.height = Twips(max(1, heights[r]))
            row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
            for c, cell in enumerate(row.cells):
                cell.width = Twips(widths[c])
                cell.paragraphs[0].style = self.style["GwSpacer"]
            if not (r == 1 and len(widths) > 1):
                row.cells[0].merge(row.cells[-1])
        if mark is not None:
            self.mark(table.rows[1], mark)
        number = table.rows[3].cells[0]
        number.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        self.doc_number(number.paragraphs[0])
        ox.cell_border(number, "bottom", border_size(gb.RED_LINE_WIDTH_MM), gb.RED_HEX)

    def mark(self, row: _Row, mark: MarkLayout) -> None:
        size = mark.size
        scale = round(mark.hscale * 100)

        def line(p: Paragraph, text: str, align: str) -> None:
            p.style = self.style["GwMark"]
            fmt = p.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(mark.pitch)
            fmt.alignment = _ALIGN[align]
            self.run(p, text, gb.XIAOBIAOSONG, size, color=gb.RED_HEX, scale=scale)

        cells = row.cells
        if not mark.joint:
            cell = cells[0]
            for k, text in enumerate(mark.lines):
                line(cell.paragraphs[0] if k == 0 else cell.add_paragraph(), text, "center")
            return
        names = cells[1]
        for k, text in enumerate(mark.lines):
            line(names.paragraphs[0] if k == 0 else names.add_paragraph(), text,
                 "distribute" if len(text) > 1 else "center")  # 分散对齐, as the PDF spreads them
        if mark.suffix:
            suffix = cells[3]
            suffix.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            line(suffix.paragraphs[0], mark.suffix, "left")

    def doc_number(self, p: Paragraph) -> None:
        h = self.doc.header
        p.style = self.style["GwDocNumber"]
        if not h.doc_number:
            return
        if h.signer:  # 上行文: 发文字号 one character in from the left, 签发人 one in from the right
            one = round(CELL)
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            ox.twips_indent(p._p.get_or_add_pPr(), left=one, right=one)
            p.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_W - one), WD_TAB_ALIGNMENT.RIGHT)
            self.run(p, h.doc_number + "\t签发人：")
            self.run(p, h.signer, gb.KAITI)
        else:
            self.run(p, h.doc_number)

    # --- 主体 ------------------------------------------------------------------------------
    def title(self, t: Title) -> None:
        p = self.para("GwTitle")
        for k, text in enumerate(t.lines):
            run = self.run(p, text, gb.XIAOBIAOSONG, gb.TITLE_SIZE)
            if k < len(t.lines) - 1:
                run.add_break()

    def paragraph(self, b: Para, keep_next: bool, together: bool) -> Paragraph:
        style = {"heading1": "Heading1", "heading2": "Heading2"}.get(b.kind, "GwBody")
        p = self.para(style, keep_next=b.keep_with_next or keep_next)
        if together:  # the layout moves every line of it with what follows (LayoutInfo.kept_together)
            p.paragraph_format.keep_together = True
        ppr = p._p.get_or_add_pPr()
        if b.kind == "attachment-note":  # wrapped names align after "附件："
            ox.char_indent(ppr, left=b.first_line_chars + 3, hanging=3, cell_twips=CELL)
        elif b.kind in ("recipients", "attachment-label"):
            ox.char_indent(ppr, first=0, cell_twips=CELL)
        elif b.first_line_chars != 2:
            ox.char_indent(ppr, first=b.first_line_chars, cell_twips=CELL)
        if b.kind == "attachment-label":
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for span in b.spans:
            self.run(p, span.text, span.role)
        return p

    def signature(self, s: Signature, keep_last: bool) -> None:
        """署名 and 成文日期, each line kept with the next (and the last with the
        附注 or the seal's room below, when they follow)."""
        for i, line in enumerate(s.lines):
            keep = keep_last or i < len(s.lines) - 1
            if not line.items:
                self.blank(keep_next=keep)
                continue
            p = self.para("GwBody", keep_next=keep)
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            x0, text = line.items[0]
            ox.twips_indent(p._p.get_or_add_pPr(), left=round(x0 * CELL), firstLine=0)
            for x, more in line.items[1:]:
                p.paragraph_format.tab_stops.add_tab_stop(Twips(round(x * CELL)), WD_TAB_ALIGNMENT.LEFT)
                text += "\t" + more
            self.run(p, text)

    def annex_table(self, t: AnnexTable) -> None:
        widths = [int(c[1] * TEXT_W) for c in t.columns]
        widths[-1] = TEXT_W - sum(widths[:-1])
        table = self.d.add_table(rows=1 + len(t.rows), cols=len(widths))
        table.autofit = False
        ox.table_width(table, TEXT_W)
        black = (border_size(0.18), "000000")
        ox.table_borders(table, top=black, left=black, bottom=black, right=black, insideH=black, insideV=black)
        pad = twips(gb.TABLE_CELL_PAD_PT)
        ox.cell_margins(table, left=pad, right=pad)
        for c, w in enumerate(widths):
            table.columns[c].width = Twips(w)
        kept = self.info.table_rows_kept
        lines = self.info.table_row_lines
        formats: dict[tuple[int, str], CT_PPr] = {}
        for r, row in enumerate(table.rows):
            head = r == 0
            cells = tuple(c[0] for c in t.columns) if head else t.rows[r - 1]
            row.height = Twips(self.line)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            # A row of n lines is n grid lines in the PDF; LibreOffice adds the
            # rule between rows to its height, so its lines are set a little
            # closer and the row with its rule takes no more than n grid lines.
            n = lines[r] if r < len(lines) else 1
            line = (n * self.line - TABLE_RULE_ALLOWANCE) // n
            if head:
                ox.cant_split(row)
                ox.repeat_as_header(row)
            elif r - 1 < len(kept) and kept[r - 1]:
                ox.cant_split(row)
            whole = head or (r - 1 < len(kept) and kept[r - 1])
            for c, cell in enumerate(row.cells):
                cell.width = Twips(widths[c])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER if whole else WD_CELL_VERTICAL_ALIGNMENT.TOP
                p = cell.paragraphs[0]
                align = "center" if head else t.columns[c][2]
                done = formats.get((line, align))
                if done is not None:  # as in font(): set once, then copied
                    ox.apply_format_snapshot(done, p)
                else:
                    p.style = self.style["GwTableText"]
                    p.paragraph_format.line_spacing = Twips(line)
                    p.paragraph_format.alignment = _ALIGN[align]
                    formats[(line, align)] = ox.format_snapshot(p)
                text = cells[c] if c < len(cells) else ""
                self.run(p, text, gb.HEITI if head else gb.FANGSONG, gb.TABLE_SIZE)

    # --- 版记 ---------------------------------------------------------------------------------
    def colophon(self, c: Colophon) -> None:
        """The 版记 at the foot of the last, even page, whatever a clerk adds before it.

        A table anchored to the bottom of the type area (Word; LibreOffice makes
        it a frame there, as it is placed from the page's edge), so it grows
        upwards, stays whole and ends on the type area's bottom. When it has a
        page of its own, that page is a last section starting on an even page:
        Word, WPS and LibreOffice put it on the back of the last sheet, adding
        the blank page themselves when the text ends on an even page (7.4)."""
        placement = self.info.colophon_placement
        if placement != "same":
            self.new_section(WD_SECTION.EVEN_PAGE)
            # Footers of its own: LibreOffice gives an inherited footer the height of its
            # text, not the bottom margin's, and the 版记 would end 11.6 pt below the type area.
            # 7.5: the blank page and the 版记 page after it carry no number.
            section = self.d.sections[-1]
            for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
                footer.is_linked_to_previous = False
                self.footer(footer, odd if placement == "next" else None)
        self.spacer(1)  # the table's anchor
        col = self.info.colophon
        printer = bool(c.printer or c.print_date)
        room = twips(col.printer_room) + ONE_4
        table = self.d.add_table(rows=(1 if c.cc else 0) + (1 if printer else 0), cols=2)
        table.autofit = False
        ox.table_width(table, TEXT_W)
        ox.float_at_bottom(table, gb.MARGIN_LEFT_TWIPS)
        thick = (border_size(gb.COLOPHON_THICK_MM), "000000")
        thin = (border_size(gb.COLOPHON_THIN_MM), "000000")
        ox.table_borders(table, top=thick, bottom=thick, insideH=thin)
        nrows = len(table.rows)
        # twips of rule per row, as LibreOffice counts them (eighths of a point: 5/2 twips each)
        rules = round((2 * thick[0] + (nrows - 1) * thin[0]) * 5 / 2 / nrows)
        ox.cell_margins(table, left=0, right=0)
        widths = (room, TEXT_W - room)
        for k, w in enumerate(widths):
            table.columns[k].width = Twips(w)
        rows = iter(table.rows)
        label = twips(gb.text_units("抄送：") * gb.COLOPHON_SIZE)
        if c.cc:
            row = next(rows)
            self._colophon_row(row, col.cc_lines, widths, rules)
            cell = row.cells[0].merge(row.cells[1])
            p = cell.paragraphs[0]
            ox.twips_indent(p._p.get_or_add_pPr(), left=ONE_4 + label, right=ONE_4, hanging=label)
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            self.run(p, c.cc, size=gb.COLOPHON_SIZE)
        if printer:  # 印发机关 one character in, 印发日期 one character from the right, on its last line
            row = next(rows)
            self._colophon_row(row, col.lines - col.cc_lines, widths, rules)
            organ, date = (cell.paragraphs[0] for cell in row.cells)
            ox.twips_indent(organ._p.get_or_add_pPr(), left=ONE_4)
            if c.printer:
                self.run(organ, c.printer, size=gb.COLOPHON_SIZE, scale=round(col.printer_hscale * 100))
            row.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            ox.twips_indent(date._p.get_or_add_pPr(), right=ONE_4)
            date.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if c.print_date:
                self.run(date, c.print_date, size=gb.COLOPHON_SIZE)
        self.spacer(1)  # a document (and a section) ends with a paragraph

    def _colophon_row(self, row: _Row, lines: int, widths: tuple[int, int], rules: int) -> None:
        """A row of whole lines that grows with its text (an organ added to 抄送) and never breaks.

        LibreOffice adds the table's rules to its rows (``rules`` twips of them fall to
        this row): its lines are set that much closer, so that with them the 版记 is no
        taller than its lines and never pushes the text above it onto the next page."""
        ox.cant_split(row)
        lines = max(1, lines)
        line = (lines * self.line - rules) // lines
        row.height = Twips(lines * line)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, w in zip(row.cells, widths):
            cell.width = Twips(w)
            p = cell.paragraphs[0]
            p.style = self.style["GwColophon"]
            p.paragraph_format.line_spacing = Twips(line)

    # --- sections and footers ---------------------------------------------------------------------
    def new_section(self, start: WD_SECTION) -> None:
        """A section from here, starting on a new (odd or even) page; its footers are the last one's."""
        self.d.add_section(start)
        brk = self.d.paragraphs[-1]
        if ox.end_section_in_previous(brk):
            return
        # After a table a paragraph must end the section: 1 twip, off the grid.
        brk.style = self.style["GwSpacer"]
        brk.paragraph_format.line_spacing = Twips(1)

    def footers(self) -> None:
        first = self.d.sections[0]
        for footer, odd in ((first.footer, True), (first.even_page_footer, False)):
            footer.is_linked_to_previous = False
            self.footer(footer, odd)
        for section in self.d.sections:
            ox.line_grid(section, self.line, on=not self.doc.standard.exact_lines)
            section.footer_distance = Twips(FOOTER_DISTANCE)

    def footer(self, footer: _Footer, odd: bool | None) -> None:
        """The footer's row, with the page number of odd or even pages (None: no number)."""
        table = footer.add_table(1, 1, Twips(TEXT_W))
        footer._element.insert(0, table._tbl)  # the row first, then the closing paragraph
        table.autofit = False
        ox.table_width(table, TEXT_W)
        ox.table_borders(table)
        ox.cell_margins(table, left=0, right=0)
        row = table.rows[0]
        row.height = Twips(FOOTER_ROW)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        cell = row.cells[0]
        cell.width = Twips(TEXT_W)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        closing = footer.paragraphs[-1]
        closing.style = self.style["GwSpacer"]
        closing.paragraph_format.line_spacing = Twips(1)
        p = cell.paragraphs[0]
        p.style = self.style["Footer"]
        if odd is not None:
            self.page_number(p, odd)

    def page_number(self, p: Paragraph, odd: bool) -> None:
        """— N — in 4号宋体, one character in from the outer edge (7.5)."""
        prefix, suffix = gb.page_number_text(0).split("0")
        side = gb.page_number_side(1 if odd else 2)
        p.paragraph_format.alignment = _ALIGN[side]
        ox.twips_indent(p._p.get_or_add_pPr(), **{side: ONE_4})
        self.run(p, prefix, gb.SONGTI, gb.PAGE_NUMBER_SIZE, snap=False)
        ox.page_field(p, lambda run: self.font(run, gb.SONGTI, gb.PAGE_NUMBER_SIZE, snap=False))
        self.run(p, suffix, gb.SONGTI, gb.PAGE_NUMBER_SIZE, snap=False)

    # --- the whole document -------------------------------------------------------------------------
    def render(self) -> None:
        self.header()
        blocks = self.doc.blocks
        info = self.info
        for i, block in enumerate(blocks):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            reserve = info.seal_reserve.get(i, 0)
            match block:  # every Block kind, or the type checker says which is missing
                case Title():
                    self.title(block)
                case Para():
                    p = self.paragraph(block, isinstance(nxt, Signature) and i not in info.untied or reserve > 0,
                                       i in info.kept_together)
                    if block.kind == "note" and i and isinstance(blocks[i - 1], Signature):
                        p.paragraph_format.keep_together = True  # one block with the 署名 above it
                case Blank():
                    for _ in range(block.lines):
                        self.blank()
                case PageBreak() if info.parity_anchor and info.parity_anchor[0] == i:
                    # where the last part starts (the annex, else the plan): a section on a page
                    # of the parity it has now, whatever is added or removed before it
                    self.new_section(WD_SECTION.EVEN_PAGE if info.parity_anchor[1] % 2 == 0 else WD_SECTION.ODD_PAGE)
                case PageBreak():
                    self.break_before = True
                case Signature():
                    self.signature(block, keep_last=reserve > 0 or isinstance(nxt, Para) and nxt.kind == "note")
                case AnnexTable():
                    if self.break_before:  # a table cannot carry pageBreakBefore itself
                        self.spacer(1)
                    self.annex_table(block)
                case _:
                    assert_never(block)
            for k in range(reserve):  # room for the last seal below its 署名, kept with the block
                self.blank(keep_next=k < reserve - 1)
        self.footers()
        c = self.doc.colophon
        if info.colophon_placement != "none":
            self.colophon(c)
        elif not self.d.paragraphs or blocks and isinstance(blocks[-1], AnnexTable):
            self.spacer(1)

    def save(self, dest: Path, *, title: str, author: str, subject: str, date: str) -> None:
        props = self.d.core_properties
        # Word's document properties hold at most 255 characters each.
        props.title, props.author, props.subject = (_clean(v)[:255] for v in (title, author, subject))
        props.last_modified_by = props.author
        props.language = "zh-CN"
        when = gb.parse_iso_date(date)
        stamp = _dt.datetime(when.year, when.month, when.day) if when else _dt.datetime(2020, 1, 1)
        props.created = props.modified = stamp
        raw = io.BytesIO()
        self.d.save(raw)
        _deterministic_zip(raw.getvalue(), Path(dest))


def _deterministic_zip(data: bytes, dest: Path) -> None:
    """The package python-docx wrote, with fixed member times: identical input, identical bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(dest, "w") as out:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(member, src.read(info.filename))


def write_laid(laid: Laid, dest: Path) -> list[str]:
    """Write the .docx of a layout already made to ``dest``; return notes for the clerk."""
    doc, info = laid.doc, laid.info
    writer = _Writer(doc, info)
    writer.render()
    writer.save(Path(dest), title=doc.title, author=doc.author, subject=doc.subject, date=doc.date)
    notes = []
    preset = doc.standard.fonts
    xbs = preset.names[gb.XIAOBIAOSONG]
    alt = preset.fallbacks.get(gb.XIAOBIAOSONG)
    if alt and alt != xbs:
        notes.append(f"标题和发文机关标志使用“{xbs}”字体；未安装该字体的电脑上，Word 会以“{alt}”显示。")
    if info.colophon_placement == "blank":
        notes.append("正文结束在偶数页且该页排不下版记，已在版记页前补一张空白页；空白页和版记页不编页码。")
    return notes


def write(draft: Draft, template: Template, dest: Path, options: ExportOptions) -> list[str]:
    """Write the official-format .docx of ``draft`` to ``dest``; return notes for the clerk."""
    from desktop.export import lay_out

    return write_laid(lay_out(draft, template, options), dest)
