"""The document's header fields: the 版头 (organs, 发文字号), the notice and
plan titles (关于… titles and titles printed over two or three lines
included), the year, the issuing organ and the 成文日期.

The organ comes from the 版头, else the signature above the 成文日期, else the
title's own prefix (国务院办公厅关于…), never from half a title."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop.errors import TemplateError

from .reading import Para, Source
from .text import DOC_NUMBER, L1, L2, L3, PRINTED, TERMINAL, TITLE_END, is_date_line, iso, marker, squeeze

_ORGAN_END = re.compile(r"(人民政府|办公厅|办公室|委员会|委|厅|局|部|署|院|会|办|政府|中心|联合会|总工会"
                        r"|团委|省委|市委|县委|区委|党委|分行|支行|公司|集团|管委会|街道|镇|乡)$")
_SECRET = re.compile(r"(份号|密级|机密|秘密|绝密|特急|加急|^\d+$)")
_NOTICE = re.compile(r"^(.{0,40}?)关于(.+)的通知$")
_ABOUT = re.compile(r"^(.{0,40}?)关于.+$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
MAX_TITLE = 80


@dataclass
class Header:
    issuers: list[str] = field(default_factory=list)
    doc_number: str = ""
    notice_title: str = ""
    plan_title: str = ""
    body_start: int = 0  # index into Source.items of the first item after the plan title
    date: str = ""  # 成文日期, ISO
    year: int = 0


def _is_title_line(t: str) -> bool:
    return (0 < len(t) <= MAX_TITLE and not re.search(r"[。，；：:,;]", t) and not marker(t)
            and not re.fullmatch(r"[（(].*[）)]", t)  # （此件公开发布）, （本文有删减）: a note, never a title
            and not is_date_line(t) and not DOC_NUMBER.search(t) and t != "文件")


def _titles(flat: list[str]) -> list[tuple[int, int, str]]:
    """(first, last, title) for every title, joining a title printed over 2–3 lines."""
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(flat):
        t = flat[i]
        if _is_title_line(t):
            joined, last = t, i
            # a line that does not end a title, followed by short lines that do
            if not t.endswith(TITLE_END):
                for k in range(i + 1, min(i + 3, len(flat))):
                    if not _is_title_line(flat[k]) or len(joined + flat[k]) > MAX_TITLE:
                        break
                    joined, last = joined + flat[k], k
                    if joined.endswith(TITLE_END):
                        break
            if joined.endswith(TITLE_END) and (len(joined) >= 6):
                out.append((i, last, joined))
                i = last + 1
                continue
        i += 1
    return out


def _organ(text: str) -> str:
    return text if 2 <= len(text) <= 40 and _ORGAN_END.search(text) and not _SECRET.search(text) else ""


def _item_index(src: Source, para_index: int) -> int:
    k = -1
    for i, item in enumerate(src.items):
        if isinstance(item, Para):
            k += 1
            if k == para_index:
                return i
    return len(src.items) - 1


def read_header(src: Source) -> Header:
    h = Header()
    texts = [p.text for p in src.items if isinstance(p, Para)]
    flat = [squeeze(t) for t in texts]
    head_end = 0
    for i, t in enumerate(flat[:40]):
        m = DOC_NUMBER.search(t)
        if m and len(t) <= 40:
            h.doc_number = m.group(1)
            head_end = i
            break
    titles = _titles(flat)
    # a title printed above the 发文字号 (a document as published online) is no 版头
    above = next((tt for tt in titles if tt[1] < head_end), None) if h.doc_number else None
    if h.doc_number:
        for t in flat[:above[0] if above else head_end]:
            if t == "文件":
                continue
            # "…文件" ends a one-organ mark; a PDF line may hold the joint mark's 文件 mid-line.
            for organ in (t.split("文件") if len(t) > 4 else [t]):
                if organ and not _SECRET.search(organ) and len(organ) <= 40 and not _NOTICE.match(organ):
                    h.issuers.append(organ)
    titles = [tt for tt in titles if tt[0] >= (above[0] if above else head_end)]
    notice = next((tt for tt in titles if _NOTICE.match(tt[2])), None)
    if notice:
        h.notice_title = notice[2]
    plan_name = ""
    if notice:
        quoted = re.search(r"《([^》]+)》", notice[2])
        issuing = re.search(r"(?:印发|转发|发布)(.+?)的通知$", notice[2])
        if quoted:
            plan_name = quoted.group(1)
        elif issuing:
            plan_name = issuing.group(1)
    start: tuple[int, int, str] | None = None
    if plan_name:
        start = next((tt for tt in titles if tt[2] == plan_name and tt != notice), None)
    if start is None:
        start = next((tt for tt in titles if tt != notice and not tt[2].startswith("关于印发")
                      and (notice is None or tt[0] > notice[1])), None)
        if start is not None and plan_name and start[2] != plan_name:
            start = None if _NOTICE.match(start[2]) else start
    if start is None and notice is not None and (plan_name or any(
            L1.match(t) or L2.match(t) or L3.match(t) or re.match(r"附件\d*", t) for t in flat[notice[1] + 1:])):
        start = notice  # a 通知 whose measures are its own body or its annex
        if plan_name:
            h.plan_title = plan_name
    if start is None:
        raise TemplateError(f"在“{src.name}”中找不到方案标题：找的是一行（或连续两三行）以“方案”“意见”“要点”“计划”"
                            "“办法”“通知”等结尾的标题，如“××市2024年××工作方案”或“关于……的实施意见”。"
                            "请确认这是上级印发的工作方案、实施意见或通知。")
    h.plan_title = h.plan_title or start[2]
    h.body_start = _item_index(src, start[1]) + 1
    h.date = _signature_date(flat, start, notice)
    h.year = _year(h)
    signed = _signature_organs(texts, start, notice)
    if not h.issuers:
        h.issuers = signed or _title_organs(h.notice_title or h.plan_title)
    elif len(signed) == len(h.issuers) and all(s.endswith(i) or i in s for s, i in zip(signed, h.issuers)):
        h.issuers = signed  # the 版头 may use a short form ("发展改革委办公厅"); the signature names it in full
    return h


def _signature_date(flat: list[str], start: tuple[int, int, str], notice: tuple[int, int, str] | None) -> str:
    """The 成文日期: the notice's date (between the notice and the plan), else the
    last date line of the body before any annex or 版记."""
    if notice is not None and notice != start:
        between = [t for t in flat[notice[1] + 1:start[0]] if is_date_line(t)]
        if between:
            return iso(between[-1])
    last = ""
    for t in flat[start[1] + 1:]:
        if re.fullmatch(r"附件\d*", t) or PRINTED.match(t) or t.startswith("抄送"):
            break
        if is_date_line(t):
            last = iso(t)
    return last


def _line_organs(text: str) -> list[str]:
    """'国务院办公厅　中央军委办公厅' (one signature line, several organs) -> each organ."""
    pieces = [squeeze(x) for x in re.split(r"\s{1,}|、", text.strip()) if x.strip()]
    if len(pieces) > 1 and all(_organ(x) for x in pieces):
        return pieces
    flat = squeeze(text)
    return [flat] if _organ(flat) else []


def _signature_organs(texts: list[str], start: tuple[int, int, str], notice: tuple[int, int, str] | None) -> list[str]:
    """The organs signed above the 成文日期 (a joint document signs several, a line each or on one line)."""
    flat = [squeeze(t) for t in texts]
    lo = notice[1] + 1 if notice is not None and notice != start else start[1] + 1
    for i in range(lo, len(flat)):
        t = flat[i]
        if re.fullmatch(r"附件\d*", t) or PRINTED.match(t):
            break
        if is_date_line(t):
            organs: list[str] = []
            k = i - 1
            while k >= lo and _line_organs(texts[k]) and flat[k][-1:] not in TERMINAL and not L1.match(flat[k]) \
                    and not L2.match(flat[k]) and not L3.match(flat[k]):
                organs[:0] = _line_organs(texts[k])
                k -= 1
            if organs:
                return organs
            if notice is not None and notice != start and i < start[0]:
                continue
    return []


def _title_organs(title: str) -> list[str]:
    m = _ABOUT.match(title)
    if m:
        pieces = [x for x in re.split(r"[、，,]", m.group(1)) if x]
        if pieces and all(_organ(x) for x in pieces):
            return pieces
    return []


def _year(h: Header) -> int:
    """The year the document states about itself: its title, 文号 or 成文日期 (0: not stated)."""
    for text in (h.plan_title, h.doc_number.replace("〔", "").replace("〕", "年"), h.notice_title):
        m = _YEAR.search(text)
        if m:
            return int(m.group(1))
    m = re.search(r"[〔\[［【(（]\s*((?:19|20)\d{2})", h.doc_number)
    if m:
        return int(m.group(1))
    if h.date:
        return int(h.date[:4])
    return 0
