"""The few WordprocessingML properties python-docx has no call for.

Everything else in the Word export goes through python-docx's object model;
these helpers add, in schema order, what it lacks: East Asian font slots,
character scaling and tracking, indents in character units, grid snapping,
paragraph and table borders, the document grid, table width, cell margins,
repeated header rows and the PAGE field. Each takes a python-docx proxy.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Callable

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

if TYPE_CHECKING:
    from docx.oxml.text.font import CT_RPr
    from docx.oxml.text.parfmt import CT_PPr
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.section import Section
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

# Children of w:rPr / w:pPr in schema order (ECMA-376 17.3.2.28 / 17.3.1.26):
# Word "repairs" a file whose property children are out of order.
_RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
              "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
              "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
              "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
_TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")
_TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark")


def _child(parent: BaseOxmlElement, tag: str, order: tuple[str, ...]) -> BaseOxmlElement:
    """The ``w:tag`` child of ``parent``, created in schema order when missing."""
    found: BaseOxmlElement | None = parent.find(qn(f"w:{tag}"))
    if found is not None:
        return found
    el = OxmlElement(f"w:{tag}")
    rank = order.index(tag)
    for i, existing in enumerate(parent):
        local = existing.tag.split("}")[-1]
        if local in order and order.index(local) > rank:
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def _set(el: BaseOxmlElement, **attrs: object) -> None:
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))


# --- runs ------------------------------------------------------------------------


def east_asian_font(rpr: CT_RPr, name: str) -> None:
    """All four font slots to ``name`` (python-docx sets only ascii/hAnsi), no theme
    fonts, and ``w:hint="eastAsia"`` so “”‘’—… are drawn full-width by the Chinese font."""
    fonts = _child(rpr, "rFonts", _RPR_ORDER)
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    _set(fonts, ascii=name, hAnsi=name, eastAsia=name, cs=name, hint="eastAsia")


def copy_run_format(source: Run, run: Run) -> None:
    """Give ``run`` (new, unformatted) the run properties of ``source``."""
    run._r.insert(0, copy.deepcopy(source._r.rPr))


def format_snapshot(paragraph: Paragraph) -> CT_PPr:
    """A copy of the paragraph's properties as they are now (see apply_format_snapshot)."""
    return copy.deepcopy(paragraph._p.get_or_add_pPr())


def apply_format_snapshot(snapshot: CT_PPr, paragraph: Paragraph) -> None:
    """Give ``paragraph`` (new, unformatted) the properties of ``snapshot``."""
    old = paragraph._p.pPr
    if old is not None:
        paragraph._p.remove(old)
    paragraph._p.insert(0, copy.deepcopy(snapshot))


def tracking(rpr: CT_RPr, twips: int) -> None:
    """Character spacing (w:spacing, twentieths of a point)."""
    _set(_child(rpr, "spacing", _RPR_ORDER), val=twips)


def scale(rpr: CT_RPr, percent: int) -> None:
    """Horizontal character scaling (w:w): a long organ name narrowed, not wrapped."""
    _set(_child(rpr, "w", _RPR_ORDER), val=percent)


def run_snap(rpr: CT_RPr, on: bool) -> None:
    _set(_child(rpr, "snapToGrid", _RPR_ORDER), val=1 if on else 0)


# --- paragraphs ---------------------------------------------------------------------


def paragraph_snap(ppr: CT_PPr, on: bool) -> None:
    """Whether the paragraph's lines snap to the document grid's line pitch."""
    _set(_child(ppr, "snapToGrid", _PPR_ORDER), val=1 if on else 0)


def char_indent(ppr: CT_PPr, *, first: float | None = None, left: float | None = None, right: float | None = None,
                hanging: float | None = None, cell_twips: float) -> None:
    """Indents in 3号 character cells, written both as Word's character units
    (what its dialog shows) and in twips (what other readers use)."""
    ind = _child(ppr, "ind", _PPR_ORDER)
    for key in list(ind.attrib):
        del ind.attrib[key]
    for name, value in (("left", left), ("right", right), ("firstLine", first), ("hanging", hanging)):
        if value is not None:
            _set(ind, **{f"{name}Chars": round(value * 100), name: round(value * cell_twips)})


def twips_indent(ppr: CT_PPr, **twips: int) -> None:
    """Indents in twips only (left, right, firstLine, hanging)."""
    ind = _child(ppr, "ind", _PPR_ORDER)
    for key in list(ind.attrib):
        del ind.attrib[key]
    _set(ind, **twips)


def paragraph_border(ppr: CT_PPr, side: str, size_eighths: int, color: str, space_pt: int = 0) -> None:
    borders = _child(ppr, "pBdr", _PPR_ORDER)
    el = OxmlElement(f"w:{side}")
    _set(el, val="single", sz=size_eighths, space=space_pt, color=color)
    borders.append(el)


# --- sections ------------------------------------------------------------------------


def line_grid(section: Section, pitch_twips: int, on: bool = True) -> None:
    """The document grid of ``section``: lines only, one every ``pitch_twips``.

    Not a character grid: Word shrinks each glyph to a cell narrower than it,
    LibreOffice gives such a glyph two cells (14 characters a line). A line
    grid plus the Normal style's tracking (official.CHAR_SPACING_TWIPS) gives
    28 characters in Word, WPS and LibreOffice alike; Word's dialog then
    shows "只指定行网格". ``on=False``: no grid (an exact line spacing instead;
    LibreOffice centres a grid that does not fill the type area, Word does not)."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    for key in list(grid.attrib):
        del grid.attrib[key]
    if on:
        _set(grid, type="lines", linePitch=pitch_twips)
    else:
        _set(grid, linePitch=pitch_twips)


# --- tables ---------------------------------------------------------------------------


def table_width(table: Table, twips: int) -> None:
    tblpr = table._tbl.tblPr
    _set(_child(tblpr, "tblW", _TBLPR_ORDER), w=twips, type="dxa")
    _set(_child(tblpr, "tblInd", _TBLPR_ORDER), w=0, type="dxa")


def table_borders(table: Table, **sides: tuple[int, str] | None) -> None:
    """Table borders by side (top, left, bottom, right, insideH, insideV): (size in 1/8 pt, colour) or None."""
    borders = _child(table._tbl.tblPr, "tblBorders", _TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        spec = sides.get(side)
        if spec is None:
            _set(el, val="nil")
        else:
            _set(el, val="single", sz=spec[0], space=0, color=spec[1])
        borders.append(el)


def cell_margins(table: Table, *, left: int, right: int, top: int = 0, bottom: int = 0) -> None:
    mar = _child(table._tbl.tblPr, "tblCellMar", _TBLPR_ORDER)
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        el = OxmlElement(f"w:{side}")
        _set(el, w=value, type="dxa")
        mar.append(el)


def cell_border(cell: _Cell, side: str, size_eighths: int, color: str) -> None:
    borders = _child(cell._tc.get_or_add_tcPr(), "tcBorders", _TCPR_ORDER)
    el = OxmlElement(f"w:{side}")
    _set(el, val="single", sz=size_eighths, space=0, color=color)
    borders.append(el)


def repeat_as_header(row: _Row) -> None:
    """The row repeats at the top of every page the table continues onto."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))


def cant_split(row: _Row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.insert(0, OxmlElement("w:cantSplit"))


# --- fields -------------------------------------------------------------------------------


def page_field(paragraph: Paragraph, style_run: Callable[[Run], object]) -> None:
    """A PAGE field (the page's number) after the paragraph's runs; ``style_run(run)``
    gives each of its runs the footer's font and size."""
    def run_with(child_tag: str, **attrs: object) -> Run:
        run = paragraph.add_run()
        style_run(run)
        el = OxmlElement(f"w:{child_tag}")
        _set(el, **attrs)
        if child_tag == "instrText":
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        run._r.append(el)
        return run

    run_with("fldChar", fldCharType="begin")
    run_with("instrText")
    run_with("fldChar", fldCharType="separate")
    shown = paragraph.add_run("1")
    style_run(shown)
    run_with("fldChar", fldCharType="end")


def float_at_bottom(table: Table, left_twips: int) -> None:
    """Anchor the table to the bottom of the type area (Word: tblpYSpec=bottom), its left edge
    ``left_twips`` from the page's: placed from the page's edge, LibreOffice makes it a frame
    at the same place (a table placed from the margin and as wide as the text it keeps in the flow)."""
    pos = _child(table._tbl.tblPr, "tblpPr", _TBLPR_ORDER)
    _set(pos, leftFromText=0, rightFromText=0, topFromText=0, bottomFromText=0, vertAnchor="margin",
         horzAnchor="page", tblpX=left_twips, tblpYSpec="bottom")
    _set(_child(table._tbl.tblPr, "tblOverlap", _TBLPR_ORDER), val="never")


def end_section_in_previous(paragraph: Paragraph) -> bool:
    """Move the section break ``paragraph`` carries (python-docx's add_section adds one of its
    own) into the paragraph before it, as Word's own section breaks sit, and drop the empty one.
    A page filled to its last line cannot then spill the break onto a page of its own:
    LibreOffice does so even with a 1-twip paragraph, adding two blank pages before an
    even-page section. False (nothing moved) when a table or another break is before it."""
    p = paragraph._p
    before = p.getprevious()
    if before is None or before.tag != qn("w:p") or before.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
        return False
    sect = p.find(qn("w:pPr") + "/" + qn("w:sectPr"))
    if sect is None:
        return False
    ppr = before.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        before.insert(0, ppr)
    pos = next((i for i, child in enumerate(ppr) if child.tag == qn("w:pPrChange")), len(ppr))
    ppr.insert(pos, sect)  # sectPr is the last child of w:pPr but for a tracked change
    p.getparent().remove(p)
    return True
