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

import hashlib
import io
import threading
from itertools import repeat
from pathlib import Path
from typing import Any

from desktop.export import ExportOptions, Laid, lay_out
from desktop.fonts import FontSet, canvas_document, embedding, ensure_codes, face_by_key
from desktop.layout import PAGE_H, PAGE_W, Page
from desktop.model import Draft
from desktop.outputs import PDF_KEYWORD
from desktop.templates import Template

_LOCK = threading.Lock()  # reportlab's font registry and rl_config are process-wide


def _register(fonts: FontSet, pages: list[Page]) -> list[str]:
    """Register every face the runs name, each knowing the characters it draws;
    returns their keys."""
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
    return list(texts)


def render_pages(pages: list[Page], fonts: FontSet, title: str = "", author: str = "", subject: str = "") -> bytes:
    """Draw laid-out pages; returns the PDF bytes."""
    from reportlab import rl_config
    from reportlab.pdfgen import canvas

    with _LOCK, embedding():
        keys = _register(fonts, pages)
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
            c.setCreator("好网民工程实施方案起草工具")
            c.setProducer("好网民工程实施方案起草工具")
            c.setKeywords(PDF_KEYWORD)
            # per document: fonts, subset names and numbers already looked up
            memo: dict[str | tuple[str, int], Any] = {}
            drawn = _DRAWN.start(keys)
            try:
                for page in pages:
                    _draw_page(c, page, memo, drawn)
                    c.showPage()
            finally:
                drawn.finish()
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


_RunKey = tuple[float, float, str, str, float, float, float, tuple[float, float, float]]
# What a page did to the fonts' subset state: per font object, the characters it
# drew first (in order, with a key that draws with that object), then the subsets
# it named first (in order). Each font object numbers its characters alone, and
# two keys can share one (reportlab shares faces by PostScript name); across
# fonts only the order of naming counts (the PDF font names are handed out in it).
_Effects = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, int], ...]]


class _DrawnPages:
    """Text blocks of the pages drawn by the last two renders, for the preview:
    it renders again after each pause in typing, and mostly one page changed.

    A page's block depends on its runs and on the fonts' subset state when the
    page starts (reportlab numbers characters in the order they are first
    drawn). A block is reused when the runs are equal and every page before it
    changed that state in the same way (a digest of those changes is part of
    the key). The changes a page made are kept with its block and made again
    through the same font calls (splitString of the characters it drew first,
    getSubsetInternalName of the subsets it named first), so the document ends
    in the state drawing every page gives, and the bytes are the same.
    """

    def __init__(self) -> None:
        self._fonts: dict[str, Any] = {}  # the font objects the last render drew with
        self._old: dict[tuple[bytes, tuple[_RunKey, ...]], tuple[str, _Effects]] = {}
        self._new: dict[tuple[bytes, tuple[_RunKey, ...]], tuple[str, _Effects]] = {}
        self.digest = hashlib.blake2b(digest_size=16)
        self.seen: dict[int, set[str]] = {}  # per font object: characters drawn so far in this document

    def start(self, keys: list[str]) -> _DrawnPages:
        """A new document, drawn with the fonts of ``keys``."""
        from reportlab.pdfbase import pdfmetrics

        # Every kept block was drawn by the last render or reused by it, so with
        # the fonts that render drew with: a key drawing with another object now
        # (a font replaced) makes them all suspect.
        fonts = {key: pdfmetrics.getFont(key) for key in keys}
        if any(self._fonts.get(key, font) is not font for key, font in fonts.items()):
            self._old, self._new = {}, {}
        self._fonts = fonts
        self.digest = hashlib.blake2b(digest_size=16)
        self.seen = {}
        return self

    def finish(self) -> None:
        self._old, self._new = self._new, {}
        self.seen = {}

    def key(self, runs: list[Any]) -> tuple[bytes, tuple[_RunKey, ...]]:
        return self.digest.digest(), tuple(
            (r.x, r.baseline, r.text, r.font, r.size, r.char_space, r.hscale, r.color) for r in runs)

    def get(self, key: tuple[bytes, tuple[_RunKey, ...]]) -> tuple[str, _Effects] | None:
        hit = self._new.get(key) or self._old.get(key)
        if hit is not None:
            self._new[key] = hit
        return hit

    def put(self, key: tuple[bytes, tuple[_RunKey, ...]], text: str, effects: _Effects) -> None:
        self._new[key] = (text, effects)
        self.done(effects)

    def done(self, effects: _Effects) -> None:
        """The page is drawn (or replayed): later pages' keys follow from its changes."""
        self.digest.update(repr(effects).encode())

    def replay(self, effects: _Effects, doc: Any, memo: dict[str | tuple[str, int], Any]) -> None:
        for key, chars in effects[0]:
            font = _font(memo, key)
            font.splitString(chars, doc)
            self.seen.setdefault(id(font), set()).update(chars)
        for key, subset in effects[1]:
            memo[(key, subset)] = _font(memo, key).getSubsetInternalName(subset, doc)
        self.done(effects)

    def first_drawn(self, font: Any, text: str) -> str:
        """The characters of ``text`` not drawn before with this font object, in order (and now drawn)."""
        seen = self.seen.get(id(font))
        if seen is None:
            seen = self.seen[id(font)] = set()
        if seen.issuperset(text):
            return ""
        new = "".join(dict.fromkeys(ch for ch in text if ch not in seen))
        seen.update(new)
        return new


_DRAWN = _DrawnPages()


def _font(memo: dict[str | tuple[str, int], Any], key: str) -> Any:
    """The font that draws ``key``, looked up once per document."""
    font = memo.get(key)
    if font is None:
        from reportlab.pdfbase import pdfmetrics

        font = memo[key] = pdfmetrics.getFont(key)
    return font


def _draw_page(c: Any, page: Page, memo: dict[str | tuple[str, int], Any] | None = None,
               drawn: _DrawnPages | None = None) -> None:
    """Rules with the canvas; text as one raw text object (reportlab's text
    object formats every number in pure Python, several times slower).
    ``memo`` carries lookups from page to page of one document; ``drawn``
    reuses the text of pages drawn before."""

    memo = {} if memo is None else memo
    for rule in page.rules:
        c.setStrokeColorRGB(*rule.color)
        c.setLineWidth(rule.width)
        c.line(rule.x0, PAGE_H - rule.y0, rule.x1, PAGE_H - rule.y1)
    if not page.runs:
        return
    doc = canvas_document(c)
    page_key = None
    first_chars: dict[int, tuple[str, str]] = {}  # per font object: a key drawing with it, characters
    named: list[tuple[str, int]] = []
    if drawn is not None:
        page_key = drawn.key(page.runs)
        hit = drawn.get(page_key)
        if hit is not None:
            drawn.replay(hit[1], doc, memo)
            c.addLiteral(hit[0])
            return
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
        if drawn is not None:
            first = drawn.first_drawn(font, r.text)
            if first:
                key, chars = first_chars.get(id(font), (r.font, ""))
                first_chars[id(font)] = (key, chars + first)
        chunks = font.splitString(r.text, doc)
        x = r.x
        pos = 0
        last = len(chunks) - 1
        for k, (subset, chunk) in enumerate(chunks):
            internal = memo.get((r.font, subset))
            if internal is None:  # only the first lookup has an effect (it registers the subset)
                internal = memo[(r.font, subset)] = font.getSubsetInternalName(subset, doc)
                named.append((r.font, subset))
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
    text = "\n".join(out)
    if drawn is not None and page_key is not None:
        drawn.put(page_key, text, (tuple(first_chars.values()), tuple(named)))
    c.addLiteral(text)


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
