"""A superior document -> a template: next year's plan, or the city's plan for
its districts, without a developer.

The reader turns a ``.docx``, a ``.pdf`` with a text layer, a ``.txt`` (or
pasted text) into paragraphs and tables in reading order; one of our own
``.plan.json`` drafts is mapped field by field. ``derive`` then finds the
document's own structure: the 版头 (organs, 发文字号), the notice and plan
titles, the level-1 sections (一、), the key tasks under their groups
(（一） / 1. / （1）), the key activities (a numbered list or an annex table
with a header row), the named lists the text announces ("五个基本素养" and its
five items) and the 版记.

Gaps stay gaps. An OCR copy marks a lost page with two or more blank lines; a
task whose number never appears is kept as a numbered gap, a paragraph that
begins mid-sentence after a gap is the surviving tail of the task before the
next number, and text that stops without a full stop is marked cut off.
Nothing is guessed: whatever could not be classified is listed in ``notes``.
The result is plain data for ``desktop.templates.parse_template``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from desktop import official as gb
from desktop.errors import TemplateError

# --- what the reader gives -------------------------------------------------------------


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


_TERMINAL = "。！？；…”」』）)"
MAX_TEXT_BYTES = 5 * 1024 * 1024  # a 100-page plan is under 1 MB of text
_CJK = r"\u3400-\u9fff"
_L1 = re.compile(r"^([一二三四五六七八九十]+)[、.．]\s*(.*)$")
_L2 = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*(.*)$")
_L3 = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.*)$")
_L4 = re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*(.*)$")
_DOC_NUMBER = re.compile(rf"([{_CJK}]{{1,16}}〔\d{{4}}〕\d{{1,4}}号)")
_PRINTED = re.compile(r"^(.*?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印\s*发\s*$")
_PAGE_NUMBER = re.compile(r"^[—\-–－]+\s*\d{1,4}\s*[—\-–－]+$")
_DATE_ONLY = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_TITLE_END = ("方案", "计划", "要点", "意见", "办法", "细则", "安排", "通知")
_LIST_ANNOUNCE = re.compile(rf"([一二三四五六七八九十两]|\d{{1,2}})个([{_CJK}]{{2,6}}?)(?=[，,：:、（(]|$)")
_LIST_PREFIXES = ("具备", "具有", "包括", "涵盖", "覆盖", "面向", "围绕", "突出", "聚焦", "即", "树立", "培养", "做到")
_SPACE = re.compile(r"\s+")
_CN = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}


def chinese_to_int(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 两 -> 2 (heading and list numbers)."""
    text = text.replace("两", "二")
    if not text or any(c not in _CN and c != "十" for c in text):
        return int(text) if text.isdigit() else None
    if "十" not in text:
        return _CN[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (_CN.get(tens, 0) if tens else 1) * 10 + (_CN.get(ones, 0) if ones else 0)


def squeeze(text: str) -> str:
    """A title as printed, without the spaces OCR and line breaks put in it."""
    return _SPACE.sub("", text)


def _tidy(text: str) -> str:
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


# --- reading --------------------------------------------------------------------------


def read_text(text: str, name: str = "粘贴的文本") -> Source:
    """Plain text: one paragraph a line; a line broken by a page (no full stop,
    one blank line, next line no heading) is glued back; two or more blank
    lines mark a gap."""
    src = Source(name)
    blanks = 0
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _tidy(raw)
        if not line:
            blanks += 1
            continue
        if _PAGE_NUMBER.match(line):
            continue
        prev = src.items[-1] if src.items else None
        if (isinstance(prev, Para) and blanks <= 1 and prev.text[-1] not in _TERMINAL + "：:"
                and not _marker(line) and len(prev.text) > 30
                and not squeeze(prev.text).endswith(_TITLE_END)):
            prev.text += line
            prev.joined = True
        else:
            src.items.append(Para(line, after_gap=blanks >= 2 and bool(src.items)))
        blanks = 0
    return src


def _marker(text: str) -> bool:
    return bool(_L1.match(text) or _L2.match(text) or _L3.match(text) or _L4.match(text)
                or text.startswith("附件") or _PRINTED.match(text) or text.startswith("抄送"))


def read_docx(path: Path) -> Source:
    """Paragraphs and tables in body order; a table with one column per row is
    read as paragraphs (our own 版头 and 版记 are tables)."""
    import docx  # python-docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    src = Source(path.name)
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = _tidy(block.text.replace("\n", ""))
            if text and not _PAGE_NUMBER.match(text):
                src.items.append(Para(text))
        elif isinstance(block, DocxTable):
            rows = []
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = _tidy("\n".join(p.text for p in cell.paragraphs))
                    if not cells or t != cells[-1] or not t:  # merged cells repeat
                        cells.append(t)
                rows.append(cells)
            _add_table(src, rows)
    return src


def _add_table(src: Source, rows: list[list[str]]) -> None:
    if _header_index(rows) is not None:
        src.items.append(Table(rows))
        return
    for row in rows:
        for cell in row:
            for line in cell.split("\n"):
                line = _tidy(line)
                if line and not _PAGE_NUMBER.match(line):
                    src.items.append(Para(line))


def _header_index(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:3]):
        names = [squeeze(c) for c in row]
        if len(names) >= 2 and any("名称" in c or c in ("活动", "项目", "任务") for c in names):
            return i
    return None


def read_pdf(path: Path) -> Source:
    """Lines of the text layer, glued into paragraphs: a paragraph starts where
    a line is indented (GB/T 9704 indents two characters) or centred; ruled
    tables from the 附件 label on are read cell by cell."""
    from pypdf import PdfReader

    from desktop.outputs import PDF_KEYWORD

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        try:
            return _read_pdf_exact(path)  # "no copying" PDFs open with an empty password
        except Exception as err:  # pdfminer raises many kinds; AES needs cryptography
            raise TemplateError(f"上级文件“{path.name}”是加密的 PDF，无法读取其中的文字。"
                                "请向发文单位索取 Word 版本或未加密的 PDF，或把正文复制为文本后导入。") from err
    info: Mapping[str, Any] = reader.metadata or {}
    keywords = str(info.get("/Keywords", "") or "")
    if PDF_KEYWORD not in keywords:
        # pypdf misplaces text after a change of font (LibreOffice and Word
        # write quotation marks in a Latin font); pdfminer does not.
        return _read_pdf_exact(path)
    # Our own PDF: pypdf up to the 附件 label, pdfplumber (which sees the
    # table's rules) from there.
    src = Source(path.name)
    for i, page in enumerate(reader.pages):
        lines = _lines(_page_chunks(page))
        if any(re.fullmatch(r"附件\d*", squeeze(ln["text"])) for ln in lines):
            return _read_pdf_exact(path, first=i, src=src)
        _glue(src, lines, [])
    return src


def _read_pdf_exact(path: Path, first: int = 0, src: Source | None = None) -> Source:
    """Any PDF (from page ``first``), with pdfplumber: slower, exact for every producer."""
    import pdfplumber

    src = src or Source(path.name)
    columns = 0
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages[first:]:
            found: list[tuple[tuple[float, float, float, float], list[list[str]]]] = []
            for t in page.find_tables():
                rows = [[_tidy(c or "").replace("\n", "") for c in row] for row in (t.extract() or [])]
                if rows and _header_index(rows) is not None:
                    columns = len(rows[0])
                    found.append((t.bbox, rows))
                elif columns and rows and len(rows[0]) == columns:
                    found.append((t.bbox, rows))
            outside = page
            for bbox, _ in found:
                def not_within(o: dict[str, Any], b: tuple[float, float, float, float] = bbox) -> bool:
                    return not _within(o, b)

                outside = outside.filter(not_within)
            # Our grid spreads digits between CJK characters by up to a quarter em;
            # a typed space is half an em.
            lines = [{"top": ln["top"], "x0": ln["x0"], "x1": ln["x1"], "text": ln["text"],
                      "size": round(ln["chars"][0]["size"], 1) if ln.get("chars") else 0.0}
                     for ln in outside.extract_text_lines(layout=False, strip=True, x_tolerance=5)]
            _glue(src, lines, [(bbox[1], rows) for bbox, rows in found])
    return src


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


def _glue(src: Source, lines: list[dict[str, Any]], tables: list[tuple[float, list[list[str]]]]) -> None:
    left = min((ln["x0"] for ln in lines), default=0.0)
    right = max((ln["x1"] for ln in lines), default=0.0)
    placed: list[tuple[float, Any]] = [(ln["top"], ln) for ln in lines]
    placed += [(top, rows) for top, rows in tables]
    placed.sort(key=lambda item: item[0])
    prev_line: dict[str, Any] | None = None
    for _, obj in placed:
        if not isinstance(obj, dict):
            src.items.append(Table(obj))
            prev_line = None
            continue
        text = _tidy(obj["text"])
        if not text or _PAGE_NUMBER.match(_SPACE.sub("", text)):
            continue
        size = obj["size"]
        em = size or 16.0
        prev = src.items[-1] if src.items else None
        if prev_line is None:
            # The top line of a page continues the paragraph the last page broke,
            # unless it is indented or that paragraph had ended.
            starts = (obj["x0"] - left > em * 0.5 or _marker(text) or not isinstance(prev, Para)
                      or prev.text[-1:] in _TERMINAL + "：:")
        else:
            starts = (obj["x0"] - left > em * 0.5 or _marker(text)
                      or abs(size - prev_line["size"]) > 0.5
                      or prev_line["x1"] < right - em * 1.5)
        if not starts and isinstance(prev, Para):
            prev.text += text
            prev.joined = True
        elif (isinstance(prev, Para) and prev_line is not None and size > 18
              and abs(size - prev_line["size"]) < 0.5 and obj["x0"] - left > em):
            prev.text += text  # a title of several centred lines
        else:
            src.items.append(Para(text))
        prev_line = {"x1": obj["x1"], "size": size}


def read_source(path: Path) -> Source | dict[str, Any]:
    """The paragraphs of a superior document, or the parsed JSON of a draft."""
    suffix = path.name.lower()
    try:
        if suffix.endswith(".json"):
            return {"draft": path}
        if suffix.endswith(".docx"):
            return read_docx(path)
        if suffix.endswith(".pdf"):
            import logging

            # pypdf and pdfminer report a damaged file in English on stderr; our message says it.
            for name in ("pypdf", "pdfminer"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
            return read_pdf(path)
        if suffix.endswith((".doc", ".wps")):
            raise TemplateError(f"“{path.name}”是旧版 Word/WPS 文件，本程序读不了；请在 Word 或 WPS 中"
                                "“另存为” .docx 后再导入。")
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise TemplateError(f"上级文件“{path.name}”过大（超过 {MAX_TEXT_BYTES // 1048576} MB），"
                                "不像是一份工作方案；请只保留方案正文后再导入。")
        data = path.read_bytes()
    except TemplateError:
        raise
    except OSError as err:
        from desktop.storage import os_reason
        raise TemplateError(f"无法读取上级文件“{path}”：{os_reason(err)}。") from err
    except Exception as err:  # a damaged .docx/.pdf: the libraries raise many kinds
        raise TemplateError(f"无法读取上级文件“{path.name}”：文件已损坏或不是{_kind(path)}。") from err
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return read_text(data.decode(encoding), path.name)
        except UnicodeDecodeError:
            continue
    raise TemplateError(f"无法读取上级文件“{path.name}”：不是文本、Word（.docx）、PDF 或方案草稿文件。")


def _kind(path: Path) -> str:
    return {".docx": " Word（.docx）文件", ".pdf": " PDF 文件"}.get(path.suffix.lower(), "可识别的文件")


# --- finding the structure -------------------------------------------------------------


@dataclass
class Derived:
    data: dict[str, Any]  # the template, as JSON data
    notes: list[str]  # what could not be classified or is missing, in plain Chinese


@dataclass
class _Item:
    level: int
    number: int
    text: str
    after_gap: bool
    group: int | None = None
    tail: list[str] = field(default_factory=list)
    starts_mid: bool = False


def _split_title(rest: str) -> tuple[str | None, str]:
    """'团结培育青年好网民。突出…' -> (title, text); a line without a full stop is a title."""
    rest = rest.strip()
    for mark in ("。", "：", ":"):
        i = rest.find(mark)
        if 0 < i <= 40:
            return rest[:i].strip(), rest[i + 1:].strip()
    if len(rest) <= 40 and rest[-1:] not in _TERMINAL:
        return rest, ""
    return None, rest


_UNITS = re.compile(r"[（(]\s*((?:牵头|责任|主责)单位[^）)]*)[）)]\s*$")
_LABEL_LINE = re.compile(r"^\s*[（(]?\s*"
                         r"(牵头单位|责任单位|主责单位|配合单位|参与单位|完成时限|完成时间|时间安排|时限)\s*[：:]")
_LABELLED = re.compile(r"(牵头单位|责任单位|主责单位|配合单位|参与单位|完成时限|完成时间|时间安排|时限)"
                       r"\s*[：:]\s*([^；;。，,）)]+)")


def _units(text: str) -> tuple[str, dict[str, str]]:
    """Text without its （牵头单位：…；完成时限：…） or 牵头单位：… lines, and the values found."""
    found: dict[str, str] = {}
    labelled: list[str] = []
    m = _UNITS.search(text)
    if m:
        labelled.append(m.group(1))
        text = text[: m.start()].rstrip()
    kept: list[str] = []
    for line in text.split("\n"):
        (labelled if _LABEL_LINE.match(line) else kept).append(line)
    for part in labelled:
        for key, value in _LABELLED.findall(part):
            value = value.strip()
            if key in ("牵头单位", "责任单位", "主责单位"):
                found.setdefault("lead", value)
            elif key in ("配合单位", "参与单位"):
                found.setdefault("partners", value)
            else:
                found.setdefault("deadline", value)
    return "\n".join(kept).strip(), found


def _complete(text: str) -> bool:
    return bool(text) and text[-1] in _TERMINAL


def _iso(date_text: str) -> str:
    return gb.iso_date_from_text(squeeze(date_text)) or ""


def _place(title: str) -> tuple[str, str]:
    """'广东省2020年…' -> ('广东省', '…'); the region that issued the plan."""
    # The place is all that precedes the year (广州市, 贵州省, 黔东南苗族侗族自治州…).
    m = re.match(rf"^([{_CJK}]{{2,16}})(?=\d{{4}}年)", title)
    if m and m.group(1).endswith(("自治区", "自治州", "特别行政区", "省", "市", "区", "县", "州", "盟", "旗")):
        return m.group(1), title[m.end():]
    return "", title


def _level_word(place: str) -> str:
    for end, word in (("省", "省级"), ("自治区", "省级"), ("市", "市级"), ("州", "州级"), ("区", "区级"),
                      ("县", "县级")):
        if place.endswith(end):
            return word
    return "上级"


def _sub_placeholder(place: str) -> str:
    return {"省级": "××市", "市级": "××区", "州级": "××县"}.get(_level_word(place), "××")


def _named_lists(texts: list[str]) -> list[dict[str, Any]]:
    """'聚焦五个基本素养，大力培育具备A、B、C、D、E等素养' -> 五个基本素养: [A…E]."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for text in texts:
        for m in _LIST_ANNOUNCE.finditer(text):
            count = chinese_to_int(m.group(1))
            name = m.group(0)
            if not count or count < 2 or name in seen:
                continue
            sentence = re.split(r"[。；]", text[m.end(): m.end() + 300])[0]
            for clause in re.split(r"[，,：:]", sentence):
                items = [p.strip() for p in clause.split("、")]
                if len(items) != count:
                    continue
                items[-1] = re.split(r"等", items[-1])[0].strip()
                first = items[0]
                for prefix in _LIST_PREFIXES:
                    if prefix in first:
                        first = first[first.rindex(prefix) + len(prefix):]
                items[0] = first.strip()
                if all(1 < len(i) <= 16 for i in items):
                    out.append({"name": name, "items": items})
                    seen.add(name)
                    break
    return out


def derive(src: Source) -> Derived:
    """A template from the paragraphs of a superior document."""
    notes: list[str] = []
    paras = [p for p in src.items]
    texts = [p.text for p in paras if isinstance(p, Para)]
    flat = [squeeze(t) for t in texts]

    # 版头: the organs above 文件 (or the mark line ending in 文件), the 发文字号.
    issuers: list[str] = []
    doc_number = ""
    head_end = 0
    for i, t in enumerate(flat[:40]):
        m = _DOC_NUMBER.search(t)
        if m:
            doc_number = m.group(1)
            head_end = i
            break
    if doc_number:
        for t in flat[:head_end]:
            if t == "文件":
                continue
            # "…文件" ends a one-organ mark; a PDF line may hold the joint mark's 文件 mid-line.
            for organ in (t.split("文件") if len(t) > 4 else [t]):
                if organ and not re.search(r"(份号|密级|机密|秘密|绝密|特急|加急|^\d+$)", organ):
                    issuers.append(organ)
    # Titles: the notice's 《…》 names the plan.
    notice_title = next((t for t in flat if t.startswith("关于") and t.endswith("通知")), "")
    quoted = re.search(r"《([^》]+)》", notice_title)
    plan_title = quoted.group(1) if quoted else ""
    start = None
    if plan_title:
        start = next((i for i, t in enumerate(flat) if t == plan_title and not t.startswith("关于")), None)
    if start is None:
        for i, t in enumerate(flat):
            if (t.endswith(_TITLE_END) and not t.startswith("关于") and len(t) <= 60
                    and not _marker(texts[i]) and i >= head_end):
                start, plan_title = i, plan_title or t
                break
    if start is None:
        raise TemplateError(f"在“{src.name}”中找不到方案标题（一行以“方案”“计划”或“要点”结尾的标题）。"
                            "请确认这是上级印发的工作方案。")
    year_m = re.search(r"(\d{4})年", plan_title) or re.search(r"〔(\d{4})〕", doc_number)
    if not year_m:
        raise TemplateError(f"在“{src.name}”的方案标题“{plan_title}”中找不到年度。")
    year = int(year_m.group(1))

    # The body after the plan title, in sections.
    sections: list[tuple[str, list[Para | Table]]] = [("", [])]
    annexes: list[tuple[str, list[Para | Table]]] = []  # (title, items) of 附件, 附件1, 附件2…
    annex: list[Para | Table] | None = None
    printer = print_date = ""
    signature_date = ""
    body_items = src.items[_index_of(src.items, texts, start) + 1:]
    for k, item in enumerate(body_items):
        if isinstance(item, Para):
            nxt = body_items[k + 1] if k + 1 < len(body_items) else None
            if isinstance(nxt, Para) and (nm := _PRINTED.match(nxt.text)) and not nm.group(1):
                printer = squeeze(item.text)  # the 印制机关 on its own line above the date
                continue
            t = item.text
            pm = _PRINTED.match(t)
            if pm:
                printer = squeeze(pm.group(1)) or printer
                print_date = _iso(pm.group(2))
                break
            if squeeze(t).startswith("抄送"):
                continue
            if re.fullmatch(r"附件\s*\d*", squeeze(t)):
                annex = []
                annexes.append(("", annex))
                continue
            if annex is not None:
                if not annexes[-1][0] and not _L3.match(t):
                    annexes[-1] = (squeeze(t), annex)
                    continue
                annex.append(item)
                continue
            m1 = _L1.match(t)
            if m1 and len(squeeze(m1.group(2))) <= 30:
                sections.append((squeeze(m1.group(2)), []))
                continue
            if _DATE_ONLY.match(t):
                signature_date = _iso(t)
                continue
        elif annex is not None:
            annex.append(item)
            continue
        sections[-1][1].append(item)

    goals_texts: list[str] = []
    task_section = _find_section(sections, ("任务",)) or _most_numbered(sections)
    goal_section = _find_section(sections, ("目标", "总体要求", "指导思想"), exclude=task_section)
    req_section = _find_section(sections, ("要求", "保障", "措施"), exclude=(task_section, goal_section))
    act_section = _find_section(sections, ("活动",), exclude=(task_section, goal_section, req_section))
    for name, _items in sections:
        if not name or name in (task_section, req_section, goal_section, act_section):
            continue
        notes.append(f"第“{name}”部分未归类（既不是重点任务、工作目标、工作要求，也不是重点活动），已略过。")
    section_items = dict(sections)
    if goal_section:
        goals_texts = [p.text for p in section_items[goal_section] if isinstance(p, Para)]

    groups, tasks, task_notes = _tasks(section_items.get(task_section, []) if task_section else [])
    notes += task_notes
    if not tasks:
        notes.append("没有找到重点任务（“二、重点任务”下编号的各项）。")
    requirements = _requirements(section_items.get(req_section, []) if req_section else [])
    # The activities are in the annex that says so (重点活动…), else the first one.
    chosen = next((a for a in annexes if "活动" in a[0]), annexes[0] if annexes else ("", []))
    annex_title = chosen[0]
    for i, (title, _items) in enumerate(annexes, start=1):
        if title != annex_title:
            notes.append(f"附件{i}（{title or '无标题'}）不是重点活动，未读取。")
    activities = _activities(chosen[1], notes) if chosen[1] else []
    if not activities and act_section:
        activities = _activities(section_items[act_section], notes)
    if not activities:
        notes.append("没有找到重点活动（附件中的编号清单或带表头的表格）。")

    lists = _named_lists(goals_texts + [p.text for p in paras if isinstance(p, Para)])
    place, rest = _place(plan_title)
    level = _level_word(place)
    if not lists:
        notes.append("没有找到正文点名的清单（如“五个基本素养”及其各项）。")
    body_rest = rest.replace("工作方案", "实施方案") if "工作方案" in rest else rest
    skeleton_title = "{city}" + body_rest
    sub_annex = "{city}" + _place(annex_title)[1] if annex_title else "{city}" + f"{year}年重点活动安排表"
    if annex_title and not sub_annex.endswith("表"):
        sub_annex += "安排表"
    # The notice's sentence that issues the plan (现将《…》印发给你们，请…。), not the rest:
    # what follows is the superior's own (向市委网信办反映) and may be cut by a page.
    notice_body = next((t for t in texts if "印发给你们" in t or "现将" in t), "")
    issuing = re.search(r"[^。]*《[^》]+》[^。]*。", squeeze(notice_body))
    body_pattern = (re.sub(r"《[^》]+》", "《{plan_title}》", issuing.group(0)) if issuing
                    else "现将《{plan_title}》印发给你们，请结合实际认真组织实施。")
    heading_names = [n for n in (goal_section, task_section, req_section) if n]
    digest = _digest([plan_title, doc_number, groups, tasks, activities, requirements, lists])
    upstream: dict[str, Any] = {
        "doc_number": doc_number, "title": plan_title, "notice_title": notice_title,
        "date": signature_date or print_date, "issuers": issuers, "printer": printer, "level": level,
        "source_note": f"据上级文件“{src.name}”生成；原文缺失的内容按缺失标注，未作补写。",
    }
    if not signature_date and print_date:
        upstream["date_note"] = "来源文本只载明印发日期，未载明成文日期。"
    data: dict[str, Any] = {
        "schema": 1,
        "id": f"sup-{year}-{digest}",
        "name": plan_title,
        "version": 1,
        "year": year,
        "description": f"依据{doc_number or '上级文件'}《{plan_title}》编制本地实施方案、印发通知和进度台账。",
        "upstream": upstream,
        "literacies": lists[0]["items"] if lists else [],
        "literacies_name": re.sub(r"^([一二三四五六七八九十两]|\d{1,2})个", "", lists[0]["name"]) if lists else "",
        "named_lists": lists,
        "task_groups": groups,
        "key_tasks": tasks,
        "key_activities": activities,
        "requirements": requirements,
        "skeleton": {
            "notice": {"header_suffix": "文件", "body": body_pattern, "recipients": "", "cc": []},
            "plan": {"title": skeleton_title,
                     "preamble": f"根据《{plan_title}》要求，结合{{place}}实际，制定本方案。",
                     "goals": "",
                     "requirements_from_upstream": [r["number"] for r in requirements if not r.get("source_gap")]},
            "sections": [f"{gb.heading_label(1, i)}{n}" for i, n in enumerate(heading_names, start=1)],
            "annex_title": sub_annex, "default_city": _sub_placeholder(place), "default_place": "本地",
        },
        "ledger": default_ledger(level),
        "checks": default_checks(year),
        "import": {"source": src.name, "notes": notes},
    }
    return Derived(data, notes)


def _digest(content: Any) -> str:
    """The template id's hash: the same superior gives the same id, and a document
    read differently (its PDF, a corrected copy) another one, never overwriting it."""
    return hashlib.sha1(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:8]


def _index_of(items: list[Para | Table], texts: list[str], text_index: int) -> int:
    k = -1
    for i, item in enumerate(items):
        if isinstance(item, Para):
            k += 1
            if k == text_index:
                return i
    return len(items) - 1


def _find_section(sections: list[tuple[str, list[Para | Table]]], words: tuple[str, ...],
                  exclude: str | None | tuple[str | None, ...] = None) -> str | None:
    skip = exclude if isinstance(exclude, tuple) else (exclude,)
    for name, _ in sections:
        if name and name not in skip and any(w in name for w in words):
            return name
    return None


def _most_numbered(sections: list[tuple[str, list[Para | Table]]]) -> str | None:
    best, count = None, 0
    for name, items in sections:
        n = sum(1 for p in items if isinstance(p, Para) and (_L3.match(p.text) or _L2.match(p.text)))
        if name and n > count:
            best, count = name, n
    return best


def _tasks(items: list[Para | Table]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Groups and numbered tasks of the key-task section, gaps kept."""
    paras = [p for p in items if isinstance(p, Para)]
    level = 3 if any(_L3.match(p.text) for p in paras) else 2
    notes: list[str] = []
    groups: list[dict[str, Any]] = []
    found: list[_Item] = []
    group: int | None = None
    pending: list[Para] = []  # text after a gap, before the next number
    ordinal = 0
    restart = False
    for p in paras:
        m2, m3 = _L2.match(p.text), _L3.match(p.text)
        if p.after_gap:
            group = None
        if level == 3 and m2:
            number = chinese_to_int(m2.group(1)) or len(groups) + 1
            groups.append({"number": number, "title": m2.group(2).strip()})
            group = number
            continue
        m = m3 if level == 3 else m2
        if m:
            n = int(m.group(1)) if level == 3 else (chinese_to_int(m.group(1)) or 0)
            if found and n <= found[-1].number and not restart:
                restart = True  # numbering starts again in each group
            ordinal += 1
            item = _Item(level, n, m.group(2).strip(), p.after_gap, group)
            if pending:
                item_tail = _Item(level, -1, "", True, None, [q.text for q in pending], starts_mid=True)
                found.append(item_tail)
                pending = []
            found.append(item)
            continue
        if not found and not p.after_gap and not pending:
            if p.text.strip():
                notes.append(f"重点任务前的段落“{p.text[:20]}…”未归入任何任务。")
            continue
        if p.after_gap or pending:
            pending.append(p)
        else:
            found[-1].tail.append(p.text)
    if pending:  # the section ends with a fragment: the tail of one more task
        found.append(_Item(level, -1, "", True, None, [q.text for q in pending], starts_mid=True))

    tasks: list[dict[str, Any]] = []
    it: _Item | None  # each loop below narrows it; by_number.get() may give None
    if restart:
        # Numbers repeat per group: the superior's tasks are numbered in reading order.
        for k, it in enumerate([f for f in found if f.number != -1], start=1):
            it.number = k
    numbered = [f for f in found if f.number != -1]
    # A fragment belongs to the number just before the next numbered task.
    for k, it in enumerate(found):
        if it.number == -1:
            nxt = next((f.number for f in found[k + 1:] if f.number != -1), None)
            prev = next((f.number for f in reversed(found[:k]) if f.number != -1), 0)
            it.number = (nxt - 1) if nxt is not None else prev + 1
            if it.number <= prev:
                notes.append(f"重点任务中的残段“{it.tail[0][:20]}…”无法确定属于哪一项，已并入第 {prev} 项。")
                target = next(f for f in found if f.number == prev)
                target.tail += it.tail
                it.number = -2
    found = [f for f in found if f.number > 0]
    by_number = {f.number: f for f in found}
    top = max(by_number, default=0)
    for n in range(1, top + 1):
        it = by_number.get(n)
        if it is None:
            tasks.append({"number": n, "group": None, "title": None, "text": None, "source_gap": True})
            continue
        if it.starts_mid:
            title, text = None, "".join(it.tail)
        else:
            # （牵头单位：…） after the title itself: taken off before the title is split at "："
            head, units = _units(it.text)
            title, text = _split_title(head)
            text = "".join([text] + it.tail) if it.tail and not text else \
                (text + ("\n" + "\n".join(it.tail) if it.tail else ""))
        text, more = _units(text.strip())
        units = {**more, **units} if not it.starts_mid else more
        cut = bool(text) and not _complete(text) and (n < top and by_number.get(n + 1) is None
                                                      or (by_number.get(n + 1) and by_number[n + 1].after_gap)
                                                      or n == top)
        lost_after = (n < top and by_number.get(n + 1) is None) or bool(by_number.get(n + 1)
                                                                     and by_number[n + 1].after_gap)
        # A title alone is a whole task (牵头单位 in brackets, no body) unless a page is lost after it.
        gap = title is None or cut or it.starts_mid or (not text and lost_after)
        entry: dict[str, Any] = {"number": n, "group": it.group, "title": title, "text": text or None,
                                 "source_gap": gap}
        if it.starts_mid:
            entry["text_starts_mid_sentence"] = True
        if cut:
            entry["text_cut_off"] = True
        for key in ("lead", "partners", "deadline"):
            if units.get(key):
                entry[key] = units[key]
        tasks.append(entry)
    if numbered and top != len(numbered):
        missing = [str(t["number"]) for t in tasks if t["title"] is None and t["text"] is None]
        if missing:
            notes.append(f"原文缺少第 {'、'.join(missing)} 项重点任务（编号跳过），已按缺失标注。")
    return groups, tasks, notes


def _requirements(items: list[Para | Table]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in items:
        if not isinstance(p, Para):
            continue
        m = _L2.match(p.text) or _L3.match(p.text)
        if m:
            title, text = _split_title(m.group(2))
            out.append({"number": len(out) + 1, "title": title or "", "text": text})
        elif out:
            out[-1]["text"] += "\n" + p.text
    for r in out:
        if r["text"] and not _complete(r["text"]):
            r["text_cut_off"] = True
            r["source_gap"] = True
    return out


_ROW = re.compile(r"^\d{1,3}\s+(.+)$")
_WHEN = re.compile(r"^(\d{4}年|\d{1,2}月|全年|上半年|下半年|第[一二三四]季度)")


def _row_activity(number: int, rest: str) -> dict[str, Any]:
    """'名称 2022年4月 省委网信办' (a table row read as a line): the name runs to the time."""
    parts = rest.split(" ")
    k = next((i for i, p in enumerate(parts) if i and _WHEN.match(p)), len(parts))
    entry: dict[str, Any] = {"number": number, "name": " ".join(parts[:k]).strip()}
    if k < len(parts):
        entry["time"] = parts[k]
        if parts[k + 1:]:
            entry["lead"] = " ".join(parts[k + 1:]).strip()
    return entry


def _activities(items: list[Para | Table], notes: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    header = False
    last_head: list[str] = []
    for item in items:
        if isinstance(item, Table):
            rows = item.rows
            h = _header_index(rows)
            if h is None:
                if not (last_head and rows and len(rows[0]) == len(last_head)):
                    continue
                rows, h = [last_head] + rows, 0  # the table runs on from the last page
            head = last_head = [squeeze(c) for c in rows[h]]
            col = next(i for i, c in enumerate(head) if "名称" in c or c in ("活动", "项目", "任务"))
            time_col = next((i for i, c in enumerate(head) if "时间" in c or "时限" in c), None)
            lead_col = next((i for i, c in enumerate(head) if "牵头" in c or "责任" in c), None)
            seq_col = next((i for i, c in enumerate(head) if c in ("序号", "编号")), None)
            for row in rows[h + 1:]:
                if col >= len(row) or not row[col].strip():
                    continue
                if squeeze(row[col]) == head[col]:
                    continue  # the header row repeated on the next page
                cells = {key: row[c].replace("\n", "").strip()
                         for key, c in (("name", col), ("time", time_col), ("lead", lead_col))
                         if c is not None and c < len(row) and row[c].strip()}
                if seq_col is not None and seq_col < len(row) and not row[seq_col].strip() and out:
                    for key, value in cells.items():  # a row the page broke: the rest of the one above
                        out[-1][key] = out[-1].get(key, "") + value
                    continue
                out.append({"number": len(out) + 1, **cells})
            continue
        m = _L3.match(item.text) or _L2.match(item.text)
        row_match = _ROW.match(item.text) if header else None
        if m:
            out.append({"number": len(out) + 1, "name": m.group(2).strip()})
        elif row_match:
            out.append(_row_activity(len(out) + 1, row_match.group(1)))
        elif _header_index([item.text.split()]) is not None:
            header = True  # a table without rules: its header line, then one line a row
        elif item.text.strip():
            notes.append(f"附件中的“{item.text[:20]}”不是编号的活动，已略过。")
    return out


def default_ledger(level: str = "上级") -> dict[str, Any]:
    cols = [("seq", "序号", 6), ("kind", "类别", 10), ("name", "名称", 30), ("upstream", f"对应{level}任务或活动", 16),
            ("lead", "牵头单位", 16), ("partners", "配合单位", 20), ("deadline", "完成时限", 14),
            ("summary", "进展情况", 36), ("status", "状态", 10), ("percent", "完成率（%）", 10),
            ("evidence", "佐证材料", 24), ("updated", "更新日期", 13), ("remark", "备注", 16)]
    return {"sheet": "进度台账", "columns": [{"key": k, "title": t, "width": w} for k, t, w in cols],
            "statuses": ["未开始", "进行中", "已完成", "延期", "不适用"],
            "kinds": {"task": "重点任务", "activity": "重点活动"}}


def default_checks(year: int) -> dict[str, Any]:
    return {"required": {"notice": ["issuers", "doc_number", "recipients", "body", "date", "signatures", "printer",
                                    "print_date"],
                         "plan": ["title", "goals"], "task": ["title", "lead", "deadline"],
                         "activity": ["name", "time", "lead"]},
            "require_task": True, "require_requirement": True, "measures_min_chars": 20,
            "task_coverage": "error", "activity_coverage": "warning", "literacies": "warning",
            "deadline_year": year}


# --- one of our own drafts -------------------------------------------------------------


def derive_from_draft(path: Path) -> Derived:
    """A city's draft -> the district's template: its tasks with 牵头单位 and 时限."""
    from desktop.document import annex_title as draft_annex_title
    from desktop.storage import load_draft
    from desktop.templates import load_template

    draft = load_draft(path)
    try:
        parent = load_template(draft.template)
    except TemplateError:
        parent = None
    title = draft.plan.title.strip()
    if not title:
        raise TemplateError(f"草稿“{path.name}”没有方案标题，不能作为上级文件。")
    year_m = re.search(r"(\d{4})年", title)
    year = int(year_m.group(1)) if year_m else (parent.year if parent else 0)
    if not year:
        raise TemplateError(f"草稿“{path.name}”的方案标题“{title}”中找不到年度。")
    groups, tasks = [], []
    n = 0
    for g, group in enumerate(draft.plan.task_groups, start=1):
        if group.title.strip():
            groups.append({"number": g, "title": group.title.strip()})
        for task in group.tasks:
            n += 1
            entry: dict[str, Any] = {"number": n, "group": g if group.title.strip() else None,
                                     "title": task.title.strip() or None, "text": task.text.strip() or None,
                                     "source_gap": not task.title.strip()}
            if task.lead.strip():
                entry["lead"] = task.lead.strip()
            if any(p.strip() for p in task.partners):
                entry["partners"] = "、".join(p.strip() for p in task.partners if p.strip())
            if task.deadline.strip():
                d = gb.parse_iso_date(task.deadline.strip())
                entry["deadline"] = gb.official_date(d) + "前" if d else task.deadline.strip()
            tasks.append(entry)
    activities = []
    for i, act in enumerate(draft.activities, start=1):
        entry = {"number": i, "name": act.name.strip()}
        if act.time.strip():
            entry["time"] = act.time.strip()
        if act.lead.strip():
            entry["lead"] = act.lead.strip()
        activities.append(entry)
    requirements = [{"number": i, "title": r.title.strip(), "text": r.text.strip()}
                    for i, r in enumerate(draft.plan.requirements, start=1)]
    place, rest = _place(title)
    level = _level_word(place)
    organs = [o.strip() for o in draft.notice.issuers if o.strip()]
    lists = [{"name": f"{gb.chinese_number(len(parent.literacies))}个{parent.literacies_name}",
              "items": list(parent.literacies)}] if parent and parent.literacies else []
    digest = _digest([title, draft.notice.doc_number, groups, tasks, activities, requirements, lists])
    atitle = draft_annex_title(draft, parent) if parent and draft.activities else ""
    data: dict[str, Any] = {
        "schema": 1, "id": f"sup-{year}-{digest}", "name": title,
        "version": 1, "year": year,
        "description": f"依据{draft.notice.doc_number.strip() or '上级方案'}《{title}》编制本地实施方案。",
        "upstream": {"doc_number": draft.notice.doc_number.strip(), "title": title,
                     "notice_title": draft.notice.title.strip() or gb.notice_title(title),
                     "date": draft.notice.date.strip(), "issuers": organs, "printer": draft.notice.printer.strip(),
                     "level": level, "source_note": f"据上级方案草稿“{path.name}”生成。"},
        "literacies": lists[0]["items"] if lists else [],
        "literacies_name": parent.literacies_name if parent and lists else "",
        "named_lists": lists,
        "task_groups": groups, "key_tasks": tasks, "key_activities": activities, "requirements": requirements,
        "skeleton": {
            "notice": {"header_suffix": "文件", "body": "现将《{plan_title}》印发给你们，请结合实际认真组织实施。",
                       "recipients": "", "cc": []},
            "plan": {"title": "{city}" + rest, "preamble": f"根据《{title}》要求，结合{{place}}实际，制定本方案。",
                     "goals": "", "requirements_from_upstream": [r["number"] for r in requirements]},
            "sections": list(parent.sections) if parent else ["一、工作目标", "二、重点任务", "三、工作要求"],
            "annex_title": "{city}" + _place(atitle)[1] if atitle else "{city}" + f"{year}年重点活动安排表",
            "default_city": _sub_placeholder(place), "default_place": "本地"},
        "ledger": default_ledger(level) if not parent else _ledger_for(parent, level),
        "checks": default_checks(year),
        "import": {"source": path.name, "notes": []},
    }
    return Derived(data, [])


def _ledger_for(parent: Any, level: str) -> dict[str, Any]:
    """The parent's ledger, so the district's ledger merges upwards into the city's."""
    cols = [{"key": c.key, "title": (f"对应{level}任务或活动" if c.key == "upstream" else c.title), "width": c.width}
            for c in parent.ledger.columns]
    return {"sheet": parent.ledger.sheet, "columns": cols, "statuses": list(parent.ledger.statuses),
            "kinds": dict(parent.ledger.kinds)}


# --- the one entry point -------------------------------------------------------------------


def import_superior(path: Path | str) -> Derived:
    """A template from a superior document (``.docx``/``.pdf``/``.txt``/``.plan.json``)."""
    path = Path(path)
    if not path.exists():
        raise TemplateError(f"找不到上级文件“{path}”。")
    src = read_source(path)
    if isinstance(src, dict):
        return derive_from_draft(path)
    if not any(isinstance(p, Para) for p in src.items):
        raise TemplateError(f"上级文件“{path.name}”中没有可读取的文字"
                            f"{'（可能是扫描件，没有文字层）' if path.suffix.lower() == '.pdf' else ''}。")
    return derive(src)


def import_text(text: str, name: str = "粘贴的文本") -> Derived:
    if not text.strip():
        raise TemplateError("没有读到任何文字：请把上级方案的正文粘贴进来（或给出文件名）。")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        raise TemplateError(f"粘贴的文字过多（超过 {MAX_TEXT_BYTES // 1048576} MB），不像是一份工作方案。")
    return derive(read_text(text, name))


def template_json(derived: Derived) -> str:
    return json.dumps(derived.data, ensure_ascii=False, indent=2) + "\n"


def summary(derived: Derived, notes: bool = True) -> str:
    """What was found, in the words a clerk checks it by."""
    d = derived.data
    tasks = d["key_tasks"]
    gaps = [t for t in tasks if t.get("source_gap")]
    titled = sum(1 for t in tasks if t.get("title"))
    lines = [f"上级文件：{d['upstream']['title']}"
             f"（{d['year']}年{('，' + d['upstream']['doc_number']) if d['upstream']['doc_number'] else ''}）",
             f"重点任务 {len(tasks)} 项（{titled} 项有标题，{len(gaps)} 项原文有缺失），"
             f"分组 {len(d['task_groups'])} 个；重点活动 {len(d['key_activities'])} 项。"]
    for lst in d.get("named_lists", []):
        lines.append(f"{lst['name']}：{'、'.join(lst['items'])}")
    if notes:
        lines += [f"提示：{n}" for n in derived.notes]
    elif derived.notes:
        lines.append(f"另有 {len(derived.notes)} 条提示，见“未能归类”。")
    return "\n".join(lines)
