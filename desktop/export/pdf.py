"""The PDF writer: our own GB/T 9704 layout drawn with reportlab.

Public API::

    write(draft, template, dest, options) -> notes        # the export facade's contract
    render_pdf_bytes(draft, template, options) -> (bytes, notes)
    render_pages(pages, fonts, title=..., author=..., subject=...) -> bytes

``desktop.layout.layout_document`` decides where everything goes; this module
only draws it: fonts embedded as subsets, the organ mark and the red line in
red, title/author/subject metadata, and ``rl_config.invariant`` so identical
input gives identical bytes. ``notes`` are plain-Chinese remarks for the clerk
(stand-in fonts, characters drawn from another font or not drawable at all).
"""

from __future__ import annotations

import io
import threading
from itertools import repeat
from pathlib import Path
from typing import Any

from desktop import APP_NAME
from desktop.export import ExportOptions, Laid, lay_out
from desktop.fonts import FontSet, canvas_document, embedding, ensure_codes, face_by_key
from desktop.layout import PAGE_H, PAGE_W, Page
from desktop.model import Draft
from desktop.outputs import PDF_KEYWORD
from desktop.templates import Template

_LOCK = threading.Lock()  # reportlab's font registry and rl_config are process-wide


def _register(fonts: FontSet, pages: list[Page]) -> None:
    """Register every face the runs name, each knowing the characters it draws."""
    from reportlab.pdfbase import pdfmetrics

    texts: dict[str, list[str]] = {fonts.face("fangsong").key: []}
    for p in pages:
        for r in p.runs:
            texts.setdefault(r.font, []).append(r.text)
    known = set(pdfmetrics.getRegisteredFontNames())
    for key in sorted(texts):
        face = face_by_key(key)
        assert face is not None  # the layout loaded every face its runs name
        if key not in known:
            pdfmetrics.registerFont(face.ttfont)
        # What draws: reportlab may hand out a face registered earlier under the same
        # PostScript name (two copies of one font file), and that one must know the characters.
        ensure_codes(pdfmetrics.getFont(key).face, set(map(ord, "".join(texts[key]))))


def render_pages(pages: list[Page], fonts: FontSet, title: str = "", author: str = "", subject: str = "") -> bytes:
    """Draw laid-out pages; returns the PDF bytes."""
    from reportlab import rl_config
    from reportlab.pdfgen import canvas

    with _LOCK, embedding():
        _register(fonts, pages)
        old = rl_config.invariant, rl_config.useA85
        rl_config.invariant, rl_config.useA85 = 1, 0
        try:
            buf = io.BytesIO()
            body_font = fonts.face("fangsong").key
            c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), initialFontName=body_font, initialFontSize=16,
                              pageCompression=1, invariant=1)
            c.setTitle(title)
            c.setAuthor(author)
            c.setSubject(subject)
            c.setCreator(APP_NAME)
            c.setProducer(APP_NAME)
            c.setKeywords(PDF_KEYWORD)
            # per document: fonts and subset names already looked up
            memo: dict[str | tuple[str, int], Any] = {}
            for page in pages:
                _draw_page(c, page, memo)
                c.showPage()
            c.save()
            return buf.getvalue()
        finally:
            rl_config.invariant, rl_config.useA85 = old


# Bytes of a PDF string: printable ASCII as itself, ( ) and backslash escaped, the rest octal.
# A full table: str.translate finds every byte without a failed lookup.
_ESCAPE = ["\\" + chr(b) if b in (0x28, 0x29, 0x5C) else chr(b) if 32 <= b < 127 else f"\\{b:03o}"
           for b in range(256)]


def _num(v: float) -> str:
    hit = _NUMS.get(v)
    if hit is None:
        text = f"{v:.4f}".rstrip("0").rstrip(".")
        hit = _NUMS[v] = "0" if text in ("-0", "") else text
    return hit


_NUMS: dict[float, str] = {}  # a document uses a handful of sizes, spacings and colours


def _font(memo: dict[str | tuple[str, int], Any], key: str) -> Any:
    """The font that draws ``key``, looked up once per document."""
    font = memo.get(key)
    if font is None:
        from reportlab.pdfbase import pdfmetrics

        font = memo[key] = pdfmetrics.getFont(key)
    return font


def _draw_page(c: Any, page: Page, memo: dict[str | tuple[str, int], Any]) -> None:
    """Rules with the canvas; text as one raw text object (reportlab's text
    object formats every number in pure Python, several times slower), its
    strings split into reportlab's subsets by TTFont's API for dynamic fonts
    (splitString, getSubsetInternalName). ``memo`` carries lookups from page
    to page of one document."""
    for rule in page.rules:
        c.setStrokeColorRGB(*rule.color)
        c.setLineWidth(rule.width)
        c.line(rule.x0, PAGE_H - rule.y0, rule.x1, PAGE_H - rule.y1)
    if not page.runs:
        return
    doc = canvas_document(c)
    out = ["BT"]
    append = out.append
    cur_font = cur_space = cur_scale = cur_color = None
    for r in page.runs:
        font = _font(memo, r.font)
        if r.char_space != cur_space:
            append(f"{_num(r.char_space)} Tc")
            cur_space = r.char_space
        if r.hscale != cur_scale:
            append(f"{_num(r.hscale * 100)} Tz")
            cur_scale = r.hscale
        if r.color != cur_color:
            append(" ".join(_num(v) for v in r.color) + " rg")
            cur_color = r.color
        # reportlab's subsets hold 256 glyphs, one string each. Place every
        # string explicitly: readers differ on whether the character spacing
        # after a string's last glyph counts (pdfminer drops it).
        y = f"{PAGE_H - r.baseline:.3f}"
        chunks = font.splitString(r.text, doc)
        x = r.x
        pos = 0
        last = len(chunks) - 1
        for k, (subset, chunk) in enumerate(chunks):
            internal = memo.get((r.font, subset))
            if internal is None:
                internal = memo[(r.font, subset)] = font.getSubsetInternalName(subset, doc)
            if (internal, r.size) != cur_font:
                append(f"{internal} {_num(r.size)} Tf")
                cur_font = (internal, r.size)
            append(f"1 0 0 1 {x:.3f} {y} Tm ({chunk.decode('latin-1').translate(_ESCAPE)}) Tj")
            if k < last:  # the next string starts where this one's glyphs end
                end = pos + len(chunk)
                em = sum(map(font.face.charWidths.get, map(ord, r.text[pos:end]),
                             repeat(font.face.defaultWidth, end - pos)))
                pos = end
                x += (em / 1000 * r.size + r.char_space * len(chunk)) * r.hscale
    append("ET")
    c.addLiteral("\n".join(out))


def render_pdf_bytes(draft: Draft, template: Template,
                     options: ExportOptions | None = None) -> tuple[bytes, list[str]]:
    """The whole document as PDF bytes, and notes for the clerk."""
    laid = lay_out(draft, template, options or ExportOptions())
    return _pdf_bytes(laid), laid.font_notes("PDF")


def _pdf_bytes(laid: Laid) -> bytes:
    return render_pages(laid.pages, laid.fonts, laid.doc.title, laid.doc.author, laid.doc.subject)


def write_laid(laid: Laid, dest: Path) -> list[str]:
    """Write the PDF of a layout already made to ``dest`` (notes about fonts: Laid.font_notes)."""
    Path(dest).write_bytes(_pdf_bytes(laid))
    return []


def write(draft: Draft, template: Template, dest: Path, options: ExportOptions) -> list[str]:
    """Write the PDF to ``dest`` (the facade renames it into place)."""
    data, notes = render_pdf_bytes(draft, template, options)
    Path(dest).write_bytes(data)
    return notes
