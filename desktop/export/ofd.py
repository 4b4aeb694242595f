"""The OFD writer (GB/T 33190-2016): the same laid-out pages as the PDF.

Public API::

    write(draft, template, dest, options) -> notes        # the export facade's contract
    render_ofd_bytes(draft, template, options) -> (bytes, notes)
    render_pages_ofd(pages, fonts, title=..., author=..., subject=..., created=...) -> bytes

``desktop.layout.layout_document`` decides where everything goes; this module
writes it as an OFD package: one document ``Doc_0``, one body layer per page,
every ``TextRun`` a TextObject (Unicode TextCode with a DeltaX per glyph, so
glyphs sit exactly where the PDF puts them), every ``Rule`` a PathObject, and
the fonts embedded as TrueType subsets (``desktop.fonts.subset``: fontTools, cmap kept).
Lengths are millimetres, y grows downwards as in our layout. Identical input
gives identical bytes: no clock, fixed ZIP timestamps, DocID a content hash.
No signature, seal or annotation is written.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from desktop import APP_NAME, __version__
from desktop import official as gb
from desktop.errors import ExportError
from desktop.document import Document
from desktop.export import ExportOptions, Laid, lay_out
from desktop.fonts import FontFile, FontSet, face_by_key
from desktop.fonts.subset import subset_font
from desktop.layout import Page
from desktop.layout.model import BLACK, Rule, TextRun
from desktop.model import Draft
from desktop.outputs import PDF_KEYWORD
from desktop.templates import Template

NS = "http://www.ofdspec.org/2016"
MM_PER_PT = 25.4 / 72
CREATOR = APP_NAME
# Windows family names by font role: what an OFD reader looks for when it
# cannot use the embedded file.
FAMILY_NAMES = dict(gb.FONT_PRESETS["windows"].names)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_PAGE_BOX = f"0 0 {gb.PAGE_W_MM:g} {gb.PAGE_H_MM:g}"


def _num(v: float) -> str:
    """A length for the XML: at most 4 decimals (0.1 µm), no trailing zeros."""
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _mm(pt: float) -> float:
    return pt * MM_PER_PT


def _escape(text: str) -> str:
    # xml.sax.saxutils.escape's output, without its import of urllib.request and ssl
    # (30 ms of every OFD export's start)
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _xml_chars(text: str) -> str:
    """Text safe for XML 1.0, one character per character (DeltaX counts them)."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp < 0x20 and ch not in "\t\n\r" or 0xD800 <= cp <= 0xDFFF or cp in (0xFFFE, 0xFFFF):
            out.append("\ufffd")
        else:
            out.append(ch)
    return _escape("".join(out))


def _color(rgb: tuple[float, float, float]) -> str:
    return " ".join(str(max(0, min(255, round(c * 255)))) for c in rgb)


# --- fonts ------------------------------------------------------------------------

@dataclass
class _FontRes:
    id: int
    family: str
    file_name: str  # in Doc_0/Res/


@dataclass
class _Fonts:
    """Font resources: one per (face, family name); one embedded file per face."""

    fonts: FontSet
    names: dict[str, str]
    next_id: int = 1
    by_key: dict[tuple[str, str], _FontRes] = field(default_factory=dict)  # (face key, role) -> resource
    by_face: dict[tuple[FontFile, str], _FontRes] = field(default_factory=dict)
    files: dict[FontFile, str] = field(default_factory=dict)  # face file -> file name
    chars: dict[FontFile, set[str]] = field(default_factory=dict)

    def family(self, file: FontFile, role: str) -> str:
        if self.fonts.face(role).file == file:
            return self.names.get(role, file.label)
        for r in gb.ROLES:
            if self.fonts.face(r).file == file:
                return self.names.get(r, file.label)
        return file.label

    def resource(self, run: TextRun) -> _FontRes:
        res = self.by_key.get((run.font, run.role))
        face = face_by_key(run.font)
        if face is None:  # a run from fonts this process never loaded: the role's face
            face = self.fonts.face(run.role)
        file = face.file
        if res is None:
            family = self.family(file, run.role)
            res = self.by_face.get((file, family))
            if res is None:
                if file not in self.files:
                    self.files[file] = f"font_{len(self.files) + 1}.ttf"
                    self.chars[file] = set()
                res = self.by_face[(file, family)] = _FontRes(self.next_id, family, self.files[file])
                self.next_id += 1
            self.by_key[(run.font, run.role)] = res
        if not face.missing:
            self.chars[file].update(run.text)
        return res


class _Glyphs:
    """Per document: each font's advances (ems) and the DeltaX texts, looked up
    once each (a document draws some 10,000 glyphs of a few hundred kinds)."""

    def __init__(self) -> None:
        self.ems: dict[str, dict[str, float]] = {}
        self.texts: dict[float, str] = {}

    def advances_mm(self, run: TextRun) -> list[float]:
        """Each glyph's advance before horizontal scaling, as the PDF writer sets it."""
        known = self.ems.get(run.font)
        if known is None:
            face = face_by_key(run.font)
            known = self.ems[run.font] = {}
        else:
            face = None
        size, space = run.size, run.char_space
        out = []
        for ch in run.text:
            em = known.get(ch)
            if em is None:
                face = face or face_by_key(run.font)
                em = known[ch] = face.advance(ch) if face is not None else gb.char_units(ch)
            out.append(_mm(em * size + space))
        return out

    def num(self, v: float) -> str:
        text = self.texts.get(v)
        if text is None:
            text = self.texts[v] = _num(v)
        return text


# --- page content ----------------------------------------------------------------


def _deltas(values: list[str]) -> str:
    """DeltaX values, runs of three or more equal ones as 'g count value'."""
    out: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        if j - i >= 3:
            out.append(f"g {j - i} {values[i]}")
        else:
            out.extend(values[i:j])
        i = j
    return " ".join(out)


def _text_object(uid: int, run: TextRun, res: _FontRes, glyphs: _Glyphs) -> str:
    size = _mm(run.size)
    h = run.hscale if run.hscale > 0 else 1.0
    # The PDF puts glyph i at x + h * (advances before it); the CTM applies h.
    adv = glyphs.advances_mm(run)
    acc = sum(adv)
    values = list(map(glyphs.num, adv[:-1]))
    pad = 0.25 * size  # room for glyphs reaching beyond their advance box
    above, below = 1.25 * size, 0.4 * size
    x0, base = _mm(run.x), _mm(run.baseline)
    width = max(0.0, h * acc) + 2 * pad
    attrs = (f'ID="{uid}" Boundary="{_num(x0 - pad)} {_num(base - above)} {_num(width)} {_num(above + below)}" '
             f'Font="{res.id}" Size="{_num(size)}"')
    if h != 1.0:
        attrs += f' CTM="{_num(h)} 0 0 1 0 0"'
    parts = [f"<ofd:TextObject {attrs}>"]
    if tuple(run.color) != BLACK:
        parts.append(f'<ofd:FillColor Value="{_color(run.color)}"/>')
    face = face_by_key(run.font)
    if face is not None and face.missing and run.text:
        n = len(run.text)  # drawn as the missing-glyph box, glyph 0, keeping the text
        parts.append(f'<ofd:CGTransform CodePosition="0" CodeCount="{n}" GlyphCount="{n}">'
                     f'<ofd:Glyphs>{" ".join(["0"] * n)}</ofd:Glyphs></ofd:CGTransform>')
    delta = f' DeltaX="{_deltas(values)}"' if values else ""
    parts.append(f'<ofd:TextCode X="{_num(pad / h)}" Y="{_num(above)}"{delta}>{_xml_chars(run.text)}</ofd:TextCode>')
    parts.append("</ofd:TextObject>")
    return "".join(parts)


def _path_object(uid: int, rule: Rule) -> str:
    w = _mm(rule.width)
    x0, y0, x1, y1 = (_mm(v) for v in (rule.x0, rule.y0, rule.x1, rule.y1))
    left, top = min(x0, x1) - w / 2, min(y0, y1) - w / 2
    bw, bh = abs(x1 - x0) + w, abs(y1 - y0) + w
    path = f"M {_num(x0 - left)} {_num(y0 - top)} L {_num(x1 - left)} {_num(y1 - top)}"
    return (f'<ofd:PathObject ID="{uid}" Boundary="{_num(left)} {_num(top)} {_num(bw)} {_num(bh)}" '
            f'LineWidth="{_num(w)}"><ofd:StrokeColor Value="{_color(rule.color)}"/>'
            f"<ofd:AbbreviatedData>{path}</ofd:AbbreviatedData></ofd:PathObject>")


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


# --- the package -----------------------------------------------------------------


def _date_text(created: _dt.date | str | None) -> str | None:
    if isinstance(created, _dt.datetime):
        created = created.date()
    if isinstance(created, _dt.date):
        return created.isoformat()
    if isinstance(created, str) and created.strip():
        parts = gb.date_parts(created)
        if parts:
            try:
                return _dt.date(*parts).isoformat()
            except ValueError:
                return None
    return None


def render_pages_ofd(pages: list[Page], fonts: FontSet, title: str = "", author: str = "", subject: str = "",
                     created: _dt.date | str | None = None, family_names: dict[str, str] | None = None) -> bytes:
    """Write laid-out pages as an OFD package; returns its bytes.

    ``created`` (a date or a typed date text) becomes DocInfo/CreationDate;
    ``family_names`` maps font roles to the names readers look for
    (default: the Windows names)."""
    res = _Fonts(fonts, family_names or FAMILY_NAMES)
    # Fonts first (their IDs come first), then pages in order.
    page_res = [[res.resource(r) for r in p.runs] for p in pages]
    uid = res.next_id - 1
    files: dict[str, bytes] = {}
    page_list = []
    glyphs = _Glyphs()
    for n, (page, fres) in enumerate(zip(pages, page_res)):
        uid += 1
        page_list.append(f'<ofd:Page ID="{uid}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
        uid += 1
        objs = [f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{uid}" Type="Body">']
        for rule in page.rules:
            uid += 1
            objs.append(_path_object(uid, rule))
        for run, fr in zip(page.runs, fres):
            uid += 1
            objs.append(_text_object(uid, run, fr, glyphs))
        objs.append("</ofd:Layer></ofd:Content></ofd:Page>")
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = _xml("".join(objs))

    font_xml = []
    for (_file, family), fr in sorted(res.by_face.items(), key=lambda kv: kv[1].id):
        font_xml.append(f'<ofd:Font ID="{fr.id}" FontName="{_attr(family)}" FamilyName="{_attr(family)}">'
                        f"<ofd:FontFile>{fr.file_name}</ofd:FontFile></ofd:Font>")
    for file, name in res.files.items():
        try:
            files[f"Doc_0/Res/{name}"] = subset_font(file, res.chars[file])
        except Exception as err:  # a font fontTools cannot read: say which, in words
            raise ExportError(f"无法把字体“{file.label}”（字体文件 {file.path}）嵌入 OFD 文件。"
                              "请在设置中指定本单位字体文件夹，或换用其他字体后重新导出。") from err
    fonts_el = f"<ofd:Fonts>{''.join(font_xml)}</ofd:Fonts>" if font_xml else ""
    files["Doc_0/PublicRes.xml"] = _xml(f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">{fonts_el}</ofd:Res>')
    files["Doc_0/DocumentRes.xml"] = _xml(f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"/>')
    files["Doc_0/Document.xml"] = _xml(
        f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{uid}</ofd:MaxUnitID>"
        f"<ofd:PageArea><ofd:PhysicalBox>{_PAGE_BOX}</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        f"</ofd:CommonData><ofd:Pages>{''.join(page_list)}</ofd:Pages></ofd:Document>")

    date = _date_text(created)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    for text in (title, author, subject, date or ""):
        digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
    info = [f"<ofd:DocID>{digest.hexdigest()[:32]}</ofd:DocID>"]
    for tag, text in (("Title", title), ("Author", author), ("Subject", subject)):
        if text:
            info.append(f"<ofd:{tag}>{_xml_chars(text)}</ofd:{tag}>")
    if date:
        info.append(f"<ofd:CreationDate>{date}</ofd:CreationDate>")
    info.append(f"<ofd:Keywords><ofd:Keyword>{PDF_KEYWORD}</ofd:Keyword></ofd:Keywords>")
    info.append(f"<ofd:Creator>{CREATOR}</ofd:Creator><ofd:CreatorVersion>{__version__}</ofd:CreatorVersion>")
    ofd_xml = _xml(f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
                   f"<ofd:DocInfo>{''.join(info)}</ofd:DocInfo>"
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in [("OFD.xml", ofd_xml), *sorted(files.items())]:
            zi = zipfile.ZipInfo(name, _ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0  # not the platform's: same bytes on Windows and Linux
            zi.external_attr = 0
            zf.writestr(zi, data, compresslevel=6)
    return buf.getvalue()


def document_date(doc: Document) -> str | None:
    """The CreationDate: the document's 成文日期, else its 印发日期 (never the clock)."""
    for text in (doc.date, doc.print_date):
        date = _date_text(text)
        if date:
            return date
    return None


def render_ofd_bytes(draft: Draft, template: Template,
                     options: ExportOptions | None = None) -> tuple[bytes, list[str]]:
    """The whole document as OFD bytes, and notes for the clerk."""
    laid = lay_out(draft, template, options or ExportOptions())
    return _ofd_bytes(laid), laid.font_notes("OFD")


def _ofd_bytes(laid: Laid) -> bytes:
    doc = laid.doc
    return render_pages_ofd(laid.pages, laid.fonts, doc.title, doc.author, doc.subject, document_date(doc))


def write_laid(laid: Laid, dest: Path) -> list[str]:
    """Write the OFD of a layout already made to ``dest`` (notes about fonts: Laid.font_notes)."""
    Path(dest).write_bytes(_ofd_bytes(laid))
    return []


def write(draft: Draft, template: Template, dest: Path, options: ExportOptions) -> list[str]:
    """Write the OFD to ``dest`` (the facade renames it into place)."""
    data, notes = render_ofd_bytes(draft, template, options)
    Path(dest).write_bytes(data)
    return notes
