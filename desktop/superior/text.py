"""The words and numbering of Chinese official documents, shared by the
readers and the derivation: heading numbers (一、 （一） 1. （1）), dates,
titles, and the helpers that normalise text as printed."""

from __future__ import annotations

import re

from desktop import official as gb

TERMINAL = "。！？；…”」』）)"
CJK = r"\u3400-\u9fff"
L1 = re.compile(r"^([一二三四五六七八九十]+)[、.．]\s*(.*)$")
L2 = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*(.*)$")
# Digits then a separator; a digit straight after "11." is allowed only where the
# sequence expects that number ("11.121人才梯队项目"), which the callers decide.
L3 = re.compile(r"^(\d{1,6})\s*[.．、]\s*(.*)$")
L4 = re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*(.*)$")
CIRCLED = re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")
DOC_NUMBER = re.compile(rf"([{CJK}]{{1,16}}[〔\[［【(（]\s*\d{{4}}\s*[〕\]］】)）]\s*\d{{1,4}}\s*号)")
PRINTED = re.compile(r"^(.*?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印\s*发\s*$")
PAGE_NUMBER = re.compile(r"^[—\-–－]+\s*\d{1,4}\s*[—\-–－]+$|^第\s*\d{1,4}\s*页(\s*[，,/]?\s*共\s*\d{1,4}\s*页)?$")
DATE_ONLY = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_CN_DATE = re.compile(r"^([〇○零一二三四五六七八九]{4})年"
                      r"([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")
TITLE_END = ("方案", "计划", "要点", "意见", "办法", "细则", "安排", "通知", "规划", "措施", "清单", "报告")
SPACE = re.compile(r"\s+")
_CN = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}
_CN_DIGIT = {**{c: str(i) for i, c in enumerate("〇一二三四五六七八九")}, "○": "0", "零": "0"}


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
    return SPACE.sub("", text)


def tidy(text: str) -> str:
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


def marker(text: str) -> bool:
    """A line that starts something (a heading, an annex, the 版记): never glued to the line above."""
    return bool(L1.match(text) or L2.match(text) or L3.match(text) or L4.match(text)
                or text.startswith("附件") or PRINTED.match(text) or text.startswith("抄送"))


def complete(text: str) -> bool:
    return bool(text) and text[-1] in TERMINAL


def iso(date_text: str) -> str:
    """'2018年12月7日' or '二〇一一年十月十四日' -> '2018-12-07' ("" if neither)."""
    flat = squeeze(date_text)
    m = _CN_DATE.match(flat)
    if m:
        year = "".join(_CN_DIGIT[c] for c in m.group(1))
        flat = f"{year}年{chinese_to_int(m.group(2))}月{chinese_to_int(m.group(3))}日"
    return gb.iso_date_from_text(flat) or ""


def is_date_line(text: str) -> bool:
    flat = squeeze(text)
    return bool(DATE_ONLY.match(flat) or _CN_DATE.match(flat))


def split_title(rest: str) -> tuple[str | None, str]:
    """'团结培育青年好网民。突出…' -> (title, text); a line without a full stop is a title."""
    rest = rest.strip()
    for mark in ("。", "：", ":"):
        i = rest.find(mark)
        if 0 < i <= 40:
            return rest[:i].strip(), rest[i + 1:].strip()
    if len(rest) <= 40 and rest[-1:] not in TERMINAL:
        return rest, ""
    return None, rest


def first_sentence(text: str, limit: int = 60) -> tuple[str | None, str]:
    """An unnumbered measure: its first sentence (up to 。；：) is its title."""
    m = re.search(r"[。；;：:！？]", text)
    if m and 0 < m.start() <= limit:
        return text[:m.start()].strip(), text[m.end():].strip()
    return None, text.strip()
