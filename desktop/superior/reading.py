"""Reading a superior document: a ``.docx``, a ``.pdf`` with a text layer, a
``.txt`` or pasted text become paragraphs and tables in reading order.

Every reader keeps to the budgets of ``limits``: the file's size, the XML
inside a .docx, the pages of a PDF, the number of paragraphs and the time,
each refused before the work it would cost. An OCR copy marks a lost page with
two or more blank lines (``Para.after_gap``); a line that a page broke is
glued back (``Para.joined``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from desktop.errors import TemplateError

from . import limits
from .limits import Deadline, mb, too_large
from .text import PAGE_NUMBER, PRINTED, SPACE, TERMINAL, TITLE_END, marker, squeeze, tidy


@dataclass
class Para:
    text: str
    after_gap: bool = False  # an OCR copy lost something just before this paragraph
    joined: bool = False  # a line that the page broke, glued back


@dataclass
class Table:
    rows: list[list[str]]


@dataclass
class Source:
    name: str
    items: list[Para | Table] = field(default_factory=list)


class _Counter:
    """Paragraph budget and time budget, checked as items are added."""

    def __init__(self, name: str, deadline: Deadline | None) -> None:
        self.name = name
        self.deadline = deadline or Deadline(name)
        self.n = 0

    def tick(self) -> None:
        self.n += 1
        if self.n > limits.MAX_PARAGRAPHS:
            raise too_large(self.name, f"的段落超过 {limits.MAX_PARAGRAPHS} 个", f"{limits.MAX_PARAGRAPHS} 段")
        if self.n % 256 == 0:
            self.deadline.check()


def read_text(text: str, name: str = "粘贴的文本", deadline: Deadline | None = None) -> Source:
    """Plain text: one paragraph a line; a line broken by a page (no full stop,
    one blank line, next line no heading) is glued back; two or more blank
    lines mark a gap."""
    src = Source(name)
    count = _Counter(name, deadline)
    blanks = 0
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = tidy(raw)
        if not line:
            blanks += 1
            continue
        if PAGE_NUMBER.match(line):
            continue
        prev = src.items[-1] if src.items else None
        if (isinstance(prev, Para) and blanks <= 1 and prev.text[-1] not in TERMINAL + "：:"
                and not marker(line) and len(prev.text) > 30
                and not squeeze(prev.text).endswith(TITLE_END)):
            prev.text += line
            prev.joined = True
        else:
            count.tick()
            src.items.append(Para(line, after_gap=blanks >= 2 and bool(src.items)))
        blanks = 0
    return src


# --- text encodings ----------------------------------------------------------------------

def _looks_simplified(text: str) -> bool:
    """Real simplified Chinese is nearly all GB2312 characters; Big5 bytes read
    as GBK give private-use and rare characters."""
    cjk = [c for c in text[:20000] if "\u3400" <= c <= "\u9fff" or "\ue000" <= c <= "\uf8ff"]
    if len(cjk) < 20:
        return True
    common = 0
    for c in cjk:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.9 * len(cjk)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030; anything else
    (Big5, binary) is refused as an encoding problem, never read as nonsense."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise TemplateError(f"无法读取上级文件“{name}”：不是文本、Word（.docx）、PDF 或方案草稿文件。")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_simplified(text):
        return text
    big5 = False
    try:
        data.decode("big5")
        big5 = True
    except UnicodeDecodeError:
        pass
    kind = "繁体中文 Big5 编码" if big5 else "无法识别的编码"
    raise TemplateError(f"上级文件“{name}”的文字是{kind}，本程序只读 UTF-8 和 GBK（GB18030）编码的文本。"
                        "请在记事本中“另存为”UTF-8 编码后再导入，或直接导入 Word、PDF 原件。")


def stdin_text(data: bytes) -> str:
    """Pasted text arrives as UTF-8; bytes that are not are an encoding problem
    (a console in another code page), said as such."""
    if len(data) > limits.MAX_TEXT_BYTES:
        raise TemplateError(f"粘贴的文字过多（超过 {mb(limits.MAX_TEXT_BYTES)}），不像是一份工作方案。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    guess = "GBK" if _gbk_ok(data) else "无法识别的编码"
    raise TemplateError(f"标准输入中的文字不是 UTF-8 编码（像是 {guess}）。请先执行 chcp 65001 切换为 UTF-8，"
                        "或把文字保存为文件后用文件名导入。")


def _gbk_ok(data: bytes) -> bool:
    try:
        return _looks_simplified(data.decode("gb18030"))
    except UnicodeDecodeError:
        return False


# --- Word ----------------------------------------------------------------------------------

def _check_docx_package(path: Path, name: str) -> None:
    """Refuse a .docx whose XML would unpack past the budget, before any parsing."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > 2000:
                raise too_large(name, "内含的部件过多", "2000 个")
            body = next((i for i in infos if i.filename == "word/document.xml"), None)
            if body is None:
                raise TemplateError(f"无法读取上级文件“{name}”：文件已损坏或不是 Word（.docx）文件。")
            if body.file_size > limits.MAX_DOCX_XML_BYTES:
                raise too_large(name, f"的正文 XML 解压后有 {body.file_size // 1048576} MB",
                                f"{mb(limits.MAX_DOCX_XML_BYTES)}（正文 XML）")
            parts = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
            if parts > limits.MAX_DOCX_PARTS_BYTES:
                raise too_large(name, f"内含的 XML 解压后共 {parts // 1048576} MB",
                                f"{mb(limits.MAX_DOCX_PARTS_BYTES)}（全部 XML）")
            xml = z.read(body)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as err:
        raise TemplateError(f"无法读取上级文件“{name}”：文件已损坏或不是 Word（.docx）文件。") from err
    paragraphs = xml.count(b"<w:p>") + xml.count(b"<w:p ")
    if paragraphs > limits.MAX_PARAGRAPHS:
        raise too_large(name, f"有 {paragraphs} 个段落", f"{limits.MAX_PARAGRAPHS} 段")


def read_docx(path: Path, deadline: Deadline | None = None) -> Source:
    """Paragraphs and tables in body order; a table without a header row is read
    as paragraphs (our own 版头 and 版记 are tables)."""
    _check_docx_package(path, path.name)
    import docx  # python-docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    src = Source(path.name)
    count = _Counter(path.name, deadline)
    for block in document.iter_inner_content():
        count.tick()
        if isinstance(block, Paragraph):
            text = tidy(block.text.replace("\n", ""))
            if text and not PAGE_NUMBER.match(text):
                src.items.append(Para(text))
        elif isinstance(block, DocxTable):
            rows = []
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    count.tick()
                    t = tidy("\n".join(p.text for p in cell.paragraphs))
                    if not cells or t != cells[-1] or not t:  # merged cells repeat
                        cells.append(t)
                rows.append(cells)
            add_table(src, rows)
    return src


HEADER_WORDS = ("名称", "活动", "项目", "任务", "措施", "内容", "事项", "工作")


def header_index(rows: list[list[str]]) -> int | None:
    """The header row of a table read by its words (序号 / 任务 / 牵头单位 / 完成时限…)."""
    for i, row in enumerate(rows[:3]):
        names = [squeeze(c) for c in row]
        if len(names) < 2 or any(len(c) > 12 for c in names):
            continue
        if any("名称" in c or c in ("活动", "项目", "任务") for c in names):
            return i
        if any(re.search(r"(任务|措施|工作内容|事项|重点工作)", c) for c in names) and \
                any(re.search(r"(牵头|责任|主责|单位|部门|时限|时间)", c) for c in names):
            return i
    return None


def add_table(src: Source, rows: list[list[str]]) -> None:
    if header_index(rows) is not None:
        src.items.append(Table(rows))
        return
    for row in rows:
        for cell in row:
            for line in cell.split("\n"):
                line = tidy(line)
                if line and not PAGE_NUMBER.match(line):
                    src.items.append(Para(line))


# --- PDF -------------------------------------------------------------------------------------

def read_pdf(path: Path, deadline: Deadline | None = None) -> Source:
    """Lines of the text layer, glued into paragraphs: a paragraph starts where
    a line is indented (GB/T 9704 indents two characters) or centred; ruled
    tables with a header row are read cell by cell."""
    from pypdf import PdfReader

    from desktop.outputs import PDF_KEYWORD

    deadline = deadline or Deadline(path.name)
    reader = PdfReader(str(path))
    if reader.is_encrypted:
        try:
            return _read_pdf_exact(path, deadline)  # "no copying" PDFs open with an empty password
        except TemplateError:
            raise
        except Exception as err:  # pdfminer raises many kinds; AES needs cryptography
            raise TemplateError(f"上级文件“{path.name}”是加密的 PDF，无法读取其中的文字。"
                                "请向发文单位索取 Word 版本或未加密的 PDF，或把正文复制为文本后导入。") from err
    pages = len(reader.pages)
    if pages > limits.MAX_PDF_PAGES:
        raise too_large(path.name, f"有 {pages} 页", f"{limits.MAX_PDF_PAGES} 页")
    info: Mapping[str, Any] = reader.metadata or {}
    keywords = str(info.get("/Keywords", "") or "")
    if PDF_KEYWORD not in keywords:
        # pypdf misplaces text after a change of font (LibreOffice and Word
        # write quotation marks in a Latin font); pdfminer does not.
        return _read_pdf_exact(path, deadline)
    # Our own PDF: pypdf up to the 附件 label, pdfplumber (which sees the
    # table's rules) from there.
    src = Source(path.name)
    count = _Counter(path.name, deadline)
    for i, page in enumerate(reader.pages):
        deadline.check()
        lines = _lines(_page_chunks(page))
        if any(re.fullmatch(r"附件\d*", squeeze(ln["text"])) for ln in lines):
            return _read_pdf_exact(path, deadline, first=i, src=src)
        _glue(src, lines, [], count)
    return src


def _read_pdf_exact(path: Path, deadline: Deadline, first: int = 0, src: Source | None = None) -> Source:
    """Any PDF from page ``first``. Text comes from pdfium's text layer (C, a few ms a
    page); pdfplumber, which builds a Python object per character, reads only the
    pages that draw rules, for their tables."""
    src = src or Source(path.name)
    count = _Counter(path.name, deadline)
    try:
        import pypdfium2 as pdfium
    except ImportError:  # a bundle built without pdfium: pdfplumber reads every page, slower
        return _read_pdf_plumber(path, deadline, first, src, count)
    pdf = pdfium.PdfDocument(str(path))
    plumber: Any = None
    try:
        if len(pdf) > limits.MAX_PDF_PAGES:
            raise too_large(path.name, f"有 {len(pdf)} 页", f"{limits.MAX_PDF_PAGES} 页")
        columns = 0
        ruled: list[list[float]] = []  # the column starts of a borderless table that may go on
        for i in range(first, len(pdf)):
            deadline.check()
            page = pdf[i]
            try:
                if _has_rules(page):
                    if plumber is None:
                        import pdfplumber

                        plumber = pdfplumber.open(str(path))
                    columns = _plumber_page(plumber.pages[i], src, count, columns)
                    ruled = []
                    continue
                lines = _pdfium_lines(page)
            finally:
                page.close()
            edge = max((ln["x1"] for ln in lines), default=0.0)  # table rows included
            lines, tables, ruled = _borderless(lines, ruled)
            _glue(src, lines, tables, count, edge)
    finally:
        pdf.close()
        if plumber is not None:
            plumber.close()
    return src


def _read_pdf_plumber(path: Path, deadline: Deadline, first: int, src: Source, count: _Counter) -> Source:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        if len(pdf.pages) > limits.MAX_PDF_PAGES:
            raise too_large(path.name, f"有 {len(pdf.pages)} 页", f"{limits.MAX_PDF_PAGES} 页")
        columns = 0
        for page in pdf.pages[first:]:
            deadline.check()
            columns = _plumber_page(page, src, count, columns)
    return src


def _has_rules(page: Any) -> bool:
    """Does the page draw lines or boxes (a ruled table, our 版头's red line)?"""
    import pypdfium2.raw as pdfium_c

    for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=3):
        return True
    return False


def _plumber_page(page: Any, src: Source, count: _Counter, columns: int) -> int:
    """One page with rules: ruled tables with a header row (or running on from the last
    page, same columns) cell by cell, the rest as lines."""
    found: list[tuple[tuple[float, float, float, float], list[list[str]]]] = []
    for t in page.find_tables():
        rows = [[tidy(c or "").replace("\n", "") for c in row] for row in (t.extract() or [])]
        if rows and header_index(rows) is not None:
            columns = len(rows[0])
            found.append((t.bbox, rows))
        elif columns and rows and len(rows[0]) == columns:
            found.append((t.bbox, rows))
    outside = page
    for bbox, _ in found:
        def not_within(o: dict[str, Any], b: tuple[float, float, float, float] = bbox) -> bool:
            return not _within(o, b)

        outside = outside.filter(not_within)
    # Our grid spreads digits between CJK characters by up to a quarter em; a typed space is half an em.
    lines = [{"top": ln["top"], "x0": ln["x0"], "x1": ln["x1"], "text": ln["text"],
              "size": round(ln["chars"][0]["size"], 1) if ln.get("chars") else 0.0}
             for ln in outside.extract_text_lines(layout=False, strip=True, x_tolerance=5)]
    right = max([ln["x1"] for ln in lines] + [bbox[2] for bbox, _ in found], default=0.0)
    _glue(src, lines, [(bbox[1], rows) for bbox, rows in found], count, right)
    page.close()  # pdfplumber keeps every page's objects otherwise: memory grows with the file
    return columns


def _pdfium_lines(page: Any) -> list[dict[str, Any]]:
    """The page's lines with their left and right edges, top, font size and segments.
    Characters are put on lines by their baseline and in order by their left edge, not
    in the order the file stores them (quotation marks in a Latin font come last). A gap
    of two characters or more splits a line into segments: the columns of a table drawn
    without rules."""
    import pypdfium2.raw as pdfium_c

    height = page.get_height()
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        text = tp.get_text_range(0, n) if n else ""
        if len(text) != n:  # characters outside the BMP: one call each keeps the indexes right
            text = "".join((tp.get_text_range(k, 1) or " ")[:1] for k in range(n))
        rows: list[dict[str, Any]] = []
        by_base: dict[int, list[dict[str, Any]]] = {}
        for k, ch in enumerate(text):
            if ch.isspace():
                continue  # spaces and line breaks pdfium made up, or typed spaces: the gap says it
            # the loose box spans the glyph's advance, as typeset: gaps between ink are no spaces
            left, bottom, right, top = tp.get_charbox(k, loose=True)
            if right <= left:
                continue
            # a table's columns come one after the other in the file: a cell's line joins the
            # row it shares a baseline with, however far back that row was started
            key = round(bottom / 2)
            row = next((r for d in (0, -1, 1, -2, 2) for r in by_base.get(key + d, ())
                        if abs(bottom - r["base"]) <= r["size"] * 0.6), None)
            if row is None:
                size = round(pdfium_c.FPDFText_GetFontSize(tp.raw, k), 1) or round(top - bottom, 1)
                row = {"base": bottom, "size": size, "chars": []}
                rows.append(row)
                by_base.setdefault(key, []).append(row)
            row["chars"].append((left, right, top, ch))
    finally:
        tp.close()
    lines: list[dict[str, Any]] = []
    for row in rows:
        chars = sorted(row["chars"])
        em = row["size"] or 12.0
        segs: list[list[Any]] = [[chars[0][0], "", chars[0][1]]]
        text = ""
        prev_right = chars[0][0]
        for left, right, _top, ch in chars:
            gap = left - prev_right
            if gap > em:
                segs.append([left, "", right])  # a table column's gap (a typed double space is under an em)
                text += " "
            elif gap > 5:
                text += " "
                segs[-1][1] += " "
            text += ch
            segs[-1][1] += ch
            segs[-1][2] = max(segs[-1][2], right)
            prev_right = max(prev_right, right)
        lines.append({"top": height - max(c[2] for c in chars), "x0": chars[0][0], "x1": prev_right, "text": text,
                      "size": row["size"], "segs": segs})
    return lines


def _borderless(lines: list[dict[str, Any]], columns: list[list[float]]
                ) -> tuple[list[dict[str, Any]], list[tuple[float, list[list[str]]]], list[list[float]]]:
    """A table drawn without rules: a header line whose segments are header words
    (序号 / 任务 / 牵头单位 / 完成时限…), then the lines whose segments fall in its
    columns. A row starts where the first column has text; a line with text only in
    other columns continues the row above (a cell that wraps, or a row the page broke).
    ``columns`` carries the column starts of a table that ran off the last page."""
    lines = sorted(lines, key=lambda ln: ln["top"])
    kept: list[dict[str, Any]] = []
    tables: list[tuple[float, list[list[str]]]] = []
    starts: list[float] = columns[0] if columns else []
    rows: list[list[str]] = []
    top = 0.0

    def close() -> None:
        if rows:
            tables.append((top, [r[:] for r in rows]))
            rows.clear()

    for ln in lines:
        cells = [tidy(seg[1]) for seg in ln["segs"]]
        if len(cells) >= 2 and header_index([cells]) == 0:
            close()
            segs = ln["segs"]
            # column boundaries halfway between the header's words: header cells are often centred
            starts = [float("-inf")] + [(a[2] + b[0]) / 2 for a, b in zip(segs, segs[1:])]
            rows.append(cells)
            top = ln["top"]
            continue
        if starts:
            placed = _place_cells(ln["segs"], starts)
            if placed is not None:
                if not rows:  # a table running on from the last page
                    top = ln["top"]
                if placed[0] or not rows:
                    rows.append(placed)
                else:
                    rows[-1] = [(a + b) if b else a for a, b in zip(rows[-1], placed)]
                continue
            close()
            starts = []
        kept.append(ln)
    close()
    return kept, tables, [starts] if starts else []


def _place_cells(segs: list[list[Any]], starts: list[float]) -> list[str] | None:
    """Segments into the table's columns by their left edge, or None when the line is
    no table row (one segment starting left of the second column that is no row number:
    the text after the table)."""
    if len(segs) == 1 and segs[0][0] < starts[1] and not tidy(segs[0][1]).isdigit():
        return None
    cells = [""] * len(starts)
    for x, text, _right in segs:
        c = max(i for i, s in enumerate(starts) if x >= s)
        cells[c] += tidy(text)
    return cells


def _within(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x: float = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
    y: float = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


_Chunk = tuple[float, float, float, str]  # top, x, size, text


def _page_chunks(page: Any) -> list[_Chunk]:
    """Text chunks of one page with their baseline measured from the top."""
    height = float(page.mediabox.height)
    chunks: list[_Chunk] = []

    def text(t: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if t.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            chunks.append((round(height - y, 1), x, size * (abs(tm[3] * cm[3]) or 1.0), t.replace("\n", "")))

    page.extract_text(visitor_text=text)
    return chunks


def _lines(chunks: list[_Chunk]) -> list[dict[str, Any]]:
    """Chunks on one baseline (within 2 pt) joined left to right."""
    lines: list[dict[str, Any]] = []
    for top, x, size, text in sorted(chunks, key=lambda c: (c[0], c[1])):
        width = sum(size if ord(ch) > 0x2000 else size / 2 for ch in text)
        last = lines[-1] if lines else None
        if last is not None and abs(last["top"] - top) < 2.0:
            last["text"] += text
            last["x1"] = max(last["x1"], x + width)
            continue
        lines.append({"top": top, "x0": x, "x1": x + width, "size": round(size, 1), "text": text})
    return lines


def _glue(src: Source, lines: list[dict[str, Any]], tables: list[tuple[float, list[list[str]]]],
          count: _Counter, right: float = 0.0) -> None:
    """Lines into paragraphs. ``right`` is the text's right edge where a table on the page
    shows it better than the lines around it (a page of short lines above a table)."""
    left = min((ln["x0"] for ln in lines), default=0.0)
    right = max([ln["x1"] for ln in lines] + [right])
    placed: list[tuple[float, Any]] = [(ln["top"], ln) for ln in lines]
    placed += [(top, rows) for top, rows in tables]
    placed.sort(key=lambda item: item[0])
    prev_line: dict[str, Any] | None = None
    for _, obj in placed:
        if not isinstance(obj, dict):
            src.items.append(Table(obj))
            prev_line = None
            continue
        text = tidy(obj["text"])
        if not text or PAGE_NUMBER.match(SPACE.sub("", text)):
            continue
        size = obj["size"]
        em = size or 16.0
        prev = src.items[-1] if src.items else None
        if prev_line is None:
            # The top line of a page continues the paragraph the last page broke,
            # unless it is indented or that paragraph had ended.
            starts = (obj["x0"] - left > em * 0.5 or marker(text) or not isinstance(prev, Para)
                      or prev.text[-1:] in TERMINAL + "：:")
        else:
            starts = (obj["x0"] - left > em * 0.5 or marker(text)
                      or abs(size - prev_line["size"]) > 0.5
                      or prev_line["x1"] < right - em * 1.5)
        if not starts and isinstance(prev, Para):
            prev.text += text
            prev.joined = True
        elif (isinstance(prev, Para) and prev_line is not None and size > 18
              and abs(size - prev_line["size"]) < 0.5 and obj["x0"] - left > em):
            prev.text += text  # a title of several centred lines
        else:
            count.tick()
            src.items.append(Para(text))
        prev_line = {"x1": obj["x1"], "size": size}


# --- any file ------------------------------------------------------------------------------

def _kind(path: Path) -> str:
    return {".docx": " Word（.docx）文件", ".pdf": " PDF 文件"}.get(path.suffix.lower(), "可识别的文件")


def read_source(path: Path, deadline: Deadline | None = None) -> Source:
    """The paragraphs of a superior document (not a draft: see ``import_superior``)."""
    deadline = deadline or Deadline(path.name)
    suffix = path.name.lower()
    size = limits.regular_file(path)
    try:
        if suffix.endswith(".docx"):
            if size > limits.MAX_DOCX_BYTES:
                raise too_large(path.name, f"有 {size // 1048576} MB", mb(limits.MAX_DOCX_BYTES))
            return read_docx(path, deadline)
        if suffix.endswith(".pdf"):
            if size > limits.MAX_PDF_BYTES:
                raise too_large(path.name, f"有 {size // 1048576} MB", mb(limits.MAX_PDF_BYTES))
            import logging

            # pypdf and pdfminer report a damaged file in English on stderr; our message says it.
            for name in ("pypdf", "pdfminer"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
            return read_pdf(path, deadline)
        if suffix.endswith((".doc", ".wps")):
            raise TemplateError(f"“{path.name}”是旧版 Word/WPS 文件，本程序读不了；请在 Word 或 WPS 中"
                                "“另存为” .docx 后再导入。")
        if size > limits.MAX_TEXT_BYTES:
            raise too_large(path.name, f"有 {size // 1048576} MB 文字", mb(limits.MAX_TEXT_BYTES))
        with open(path, "rb") as fh:
            data = fh.read(limits.MAX_TEXT_BYTES + 1)  # the file may grow after stat()
        if len(data) > limits.MAX_TEXT_BYTES:
            raise too_large(path.name, "的文字过多", mb(limits.MAX_TEXT_BYTES))
    except TemplateError:
        raise
    except MemoryError as err:
        raise too_large(path.name, "过大，读取时内存不足", "可用内存") from err
    except OSError as err:
        from desktop.storage import os_reason
        raise TemplateError(f"无法读取上级文件“{path}”：{os_reason(err)}。") from err
    except RecursionError as err:
        raise TemplateError(f"无法读取上级文件“{path.name}”：文件结构嵌套过深，已损坏或不是{_kind(path)}。") from err
    except Exception as err:  # a damaged .docx/.pdf: the libraries raise many kinds
        raise TemplateError(f"无法读取上级文件“{path.name}”：文件已损坏或不是{_kind(path)}。") from err
    return read_text(decode_text(data, path.name), path.name, deadline)


PRINTED_LINE = PRINTED
