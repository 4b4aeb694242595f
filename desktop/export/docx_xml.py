"""Small WordprocessingML writing helpers shared by the Word exporter.

We write the XML as text: the package is ours from the first byte (no
python-docx template, no theme part), and string building is fast enough for
a 60-page plan. Element order inside property containers follows the
ECMA-376 schema, because Word "repairs" files whose children are out of order.
"""

from __future__ import annotations

import re

from desktop import official as gb

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_DECL = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

TWIPS_PER_PT = gb.TWIPS_PER_PT

# Defensive: the loader already strips these, but drafts built in code may not.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def esc(text: str) -> str:
    """Text content escaped for XML (also safe inside double-quoted attributes)."""
    text = _ILLEGAL.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def twips(pt: float) -> int:
    return round(pt * TWIPS_PER_PT)


def half_points(pt: float) -> int:
    return round(pt * 2)


# Border widths Word offers (in eighths of a point); other values get rounded by Word.
_WORD_BORDER_SIZES = (2, 4, 6, 8, 12, 18, 24, 36, 48)


def border_size(mm: float) -> int:
    """The Word border width (1/8 pt) nearest to ``mm``."""
    eighths = gb.mm_to_pt(mm) * 8
    return min(_WORD_BORDER_SIZES, key=lambda s: abs(s - eighths))


def rfonts(name: str) -> str:
    """All four font slots set to one (East Asian) font, no theme attributes.

    ``w:hint="eastAsia"`` keeps ambiguous characters (“”‘’—…·) in the Chinese
    font, where they are drawn full-width as Chinese text expects.
    """
    n = esc(name)
    return f'<w:rFonts w:ascii="{n}" w:hAnsi="{n}" w:eastAsia="{n}" w:cs="{n}" w:hint="eastAsia"/>'


def rpr(font: str, size_pt: float, *, color: str = "", bold: bool = False, scale: int = 100,
        snap: bool = True) -> str:
    parts = [rfonts(font)]
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if not snap:
        parts.append('<w:snapToGrid w:val="0"/>')
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if scale != 100:
        parts.append(f'<w:w w:val="{scale}"/>')
    hp = half_points(size_pt)
    parts.append(f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def text_runs(text: str, props: str) -> str:
    """Runs for literal user text: tabs become w:tab, newlines w:br.

    Nothing is interpreted: "=1+1", "{PAGE}" or a URL stay plain text.
    """
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append(f"<w:r>{props}<w:br/></w:r>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                out.append(f"<w:r>{props}<w:tab/></w:r>")
            if chunk:
                out.append(f'<w:r>{props}<w:t xml:space="preserve">{esc(chunk)}</w:t></w:r>')
    return "".join(out)


def ppr(*, style: str = "", keep_next: bool = False, keep_lines: bool = False,
        page_break_before: bool = False, borders: str = "", tabs: str = "", snap: bool | None = None,
        spacing: str = "", ind: str = "", jc: str = "", outline: int | None = None,
        mark_rpr: str = "", sect: str = "") -> str:
    """Paragraph properties in schema order."""
    parts = []
    if style:
        parts.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if page_break_before:
        parts.append("<w:pageBreakBefore/>")
    if borders:
        parts.append(f"<w:pBdr>{borders}</w:pBdr>")
    if tabs:
        parts.append(f"<w:tabs>{tabs}</w:tabs>")
    if snap is not None:
        parts.append(f'<w:snapToGrid w:val="{1 if snap else 0}"/>')
    if spacing:
        parts.append(spacing)
    if ind:
        parts.append(ind)
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    if mark_rpr:
        parts.append(mark_rpr)
    if sect:
        parts.append(sect)
    return "<w:pPr>" + "".join(parts) + "</w:pPr>" if parts else ""


def spacing_exact(line_twips: int, before: int = 0, after: int = 0) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line_twips}" w:lineRule="exact"/>'


def spacing_auto(line: int = 240, before: int = 0, after: int = 0) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="auto"/>'


def border(side: str, size: int, color: str, space: int = 0) -> str:
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="{color}"/>'


NIL_BORDERS = ("<w:tblBorders>" + "".join(f'<w:{s} w:val="nil"/>' for s in
                                            ("top", "left", "bottom", "right", "insideH", "insideV"))
               + "</w:tblBorders>")
