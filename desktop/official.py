"""GB/T 9704-2012 as code: the one place that states its numbers and forms.

Every exporter (docx, pdf, preview) and every check reads the standard from
here; nothing else hard-codes a margin, a font size or a date form.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# --- units -------------------------------------------------------------------
PT_PER_MM = 72 / 25.4
TWIPS_PER_PT = 20
EMU_PER_MM = 36000


def mm_to_pt(mm: float) -> float:
    return mm * PT_PER_MM


def mm_to_twips(mm: float) -> int:
    return round(mm * PT_PER_MM * TWIPS_PER_PT)


# --- page and type area (clauses 5.1, 5.2) ------------------------------------
PAGE_W_MM = 210.0
PAGE_H_MM = 297.0
MARGIN_TOP_MM = 37.0  # 天头
MARGIN_LEFT_MM = 28.0  # 订口
TYPE_W_MM = 156.0
TYPE_H_MM = 225.0
MARGIN_RIGHT_MM = PAGE_W_MM - MARGIN_LEFT_MM - TYPE_W_MM  # 26
MARGIN_BOTTOM_MM = PAGE_H_MM - MARGIN_TOP_MM - TYPE_H_MM  # 35
TYPE_W_PT = mm_to_pt(TYPE_W_MM)
TYPE_H_TWIPS = mm_to_twips(TYPE_H_MM)  # 12756
# The Word file's page: the type area's width and the right margin rounded to
# twips, the left margin what remains of the page's width (1588).
MARGIN_LEFT_TWIPS = mm_to_twips(PAGE_W_MM) - mm_to_twips(MARGIN_RIGHT_MM) - mm_to_twips(TYPE_W_MM)

# Word stores the 22-line grid as 579 twips (580 would give 21 lines).
GRID_PITCH_TWIPS = 579

# --- font sizes (字号 -> pt) ---------------------------------------------------
SIZE_2 = 22.0  # 二号: titles
SIZE_3 = 16.0  # 三号: default for every element
SIZE_4 = 14.0  # 四号: 版记 and page numbers
BODY_SIZE = SIZE_3
TITLE_SIZE = SIZE_2
COLOPHON_SIZE = SIZE_4
PAGE_NUMBER_SIZE = SIZE_4
ORGAN_MARK_SIZE = 36.0  # the standard leaves it to the organ; 小初 is customary
ORGAN_MARK_MIN_SIZE = 22.0
# Smallest mark size when very many organs must leave room for body text on
# page 1; below it the mark may take more room rather than become unreadable.
ORGAN_MARK_FLOOR_SIZE = 8.0
TABLE_SIZE = SIZE_4

# --- vertical positions (7.2, 7.4, 7.5) ---------------------------------------
ORGAN_MARK_TOP_MM = 35.0  # mark's top edge below the type area's top
ORGAN_MARK_LEADING = 1.25  # stacked organ names: line pitch in ems of the mark's size
ORGAN_MARK_SUFFIX_GAP = 0.5  # ems between the stacked names and "文件"
DOC_NUMBER_GAP_LINES = 2  # blank lines between mark and 发文字号
RED_LINE_GAP_MM = 4.0  # red separator below the 发文字号
RED_LINE_WIDTH_MM = 0.5
TITLE_GAP_LINES = 2  # blank lines between red line and title
# The two "two blank lines" of the 版头 may each be up to 2 pt shorter or a
# line's leading plus 2 pt longer (the strict tolerance of GB/T 9704 checks);
# page 1 uses that room so that the title starts on a line of the page's grid,
# which is where Word and LibreOffice start it too.
HEADER_GAP_SHORTER_PT = 2.0
PAGE_NUMBER_GAP_MM = 7.0  # the dash below the type area
COLOPHON_THICK_MM = 0.35
COLOPHON_THIN_MM = 0.25
# Narrowest horizontal scaling of a long organ name (the mark, the 印发机关)
# before it wraps: names stay on their line, still legible.
MIN_HSCALE = 0.6

# --- colours ------------------------------------------------------------------
RED_RGB = (0xFF, 0x00, 0x00)
RED_HEX = "FF0000"

# --- font roles and presets ---------------------------------------------------
FANGSONG = "fangsong"
HEITI = "heiti"
KAITI = "kaiti"
XIAOBIAOSONG = "xiaobiaosong"
SONGTI = "songti"
ROLES = (FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI)
ROLE_NAMES = {
    FANGSONG: "仿宋",
    HEITI: "黑体",
    KAITI: "楷体",
    XIAOBIAOSONG: "小标宋",
    SONGTI: "宋体",
}


@dataclass(frozen=True)
class FontPreset:
    """Font names written into Word documents, by role, with fallbacks."""

    id: str
    label: str
    names: dict[str, str]
    fallbacks: dict[str, str]


FONT_PRESETS: dict[str, FontPreset] = {
    "windows": FontPreset(
        id="windows",
        label="Windows 自带字体（仿宋、楷体、黑体、宋体）",
        names={
            FANGSONG: "仿宋",
            HEITI: "黑体",
            KAITI: "楷体",
            XIAOBIAOSONG: "方正小标宋简体",
            SONGTI: "宋体",
        },
        fallbacks={XIAOBIAOSONG: "宋体"},
    ),
    "gb2312": FontPreset(
        id="gb2312",
        label="GB2312 字体（仿宋_GB2312、楷体_GB2312、方正小标宋简体）",
        names={
            FANGSONG: "仿宋_GB2312",
            HEITI: "黑体",
            KAITI: "楷体_GB2312",
            XIAOBIAOSONG: "方正小标宋简体",
            SONGTI: "宋体",
        },
        fallbacks={FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: "宋体"},
    ),
}
DEFAULT_FONT_PRESET = "windows"

# Heading levels (7.3.3): level -> font role.
HEADING_ROLES = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}

# --- numbers, dates, numbering -------------------------------------------------
_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 21 -> 二十一, 105 -> 一百零五 (for heading numbers)."""
    if n <= 0:
        raise ValueError(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _CN_DIGITS[tens] + "十" + (_CN_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + _CN_DIGITS[rest]
        elif rest < 20:
            tail = "一" + chinese_number(rest)
        else:
            tail = chinese_number(rest)
        return _CN_DIGITS[hundreds] + "百" + tail
    return str(n)


def heading_label(level: int, n: int) -> str:
    """The number of a heading: 一、 / （一） / 1. / （1）."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def parse_iso_date(value: str) -> _dt.date | None:
    """The date of an ISO ``YYYY-MM-DD`` string, or None when it is not one."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


# A date as people type it: 2020-5-8, 2020/05/08, 2020.5.8, 2020年5月8日.
DATE_TEXT_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date typed in one of DATE_TEXT_RE's forms, not
    checked for existence; None when the text has no such form."""
    text = text.strip()
    m = DATE_TEXT_RE.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)  # also 20200601
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def iso_date_from_text(text: str) -> str | None:
    """A date as people write it (2020年6月1日, 2020/11/30, 2020.6.1, 2020-6-1) as
    ISO ``YYYY-MM-DD``; None when it is not one or does not exist."""
    parts = date_parts(text)
    if parts is None:
        return None
    try:
        return _dt.date(*parts).isoformat()
    except ValueError:
        return None


def official_date(value: str | _dt.date) -> str:
    """2020-05-08 -> 2020年5月8日 (Arabic numerals, full year, no leading zero).

    Text that is not an ISO date is returned unchanged so that exports never
    fail on a half-filled draft; the checks report it.
    """
    d = value if isinstance(value, _dt.date) else parse_iso_date(value)
    if d is None:
        return str(value)
    return f"{d.year}年{d.month}月{d.day}日"


def print_date_line(value: str) -> str:
    return f"{official_date(value)}印发" if value else ""


def join_cc(organs: list[str]) -> str:
    """抄送 line: organs separated by "，", ending with "。" (7.4.2)."""
    names = [o.strip().rstrip("，,、。.；;") for o in organs if o and o.strip()]
    if not names:
        return ""
    return "抄送：" + "，".join(names) + "。"


def recipients_line(recipients: str) -> str:
    """主送机关 with exactly one full-width colon at the end (7.3.2)."""
    text = recipients.strip().rstrip("：:，,。.；;、")
    return text + "：" if text else ""


def note_line(note: str) -> str:
    """附注 in full-width round brackets (7.3.6), without doubling them."""
    text = note.strip()
    if not text:
        return ""
    if text.startswith(("（", "(")) and text.endswith(("）", ")")):
        text = text[1:-1]
    return f"（{text}）"


def units_line(lead: str, partners: list[str], deadline: str) -> str:
    """（牵头单位：…；配合单位：…；完成时限：…前） after a task."""
    parts = []
    if lead.strip():
        parts.append(f"牵头单位：{lead.strip()}")
    names = [p.strip() for p in partners if p and p.strip()]
    if names:
        parts.append("配合单位：" + "、".join(names))
    if deadline.strip():
        d = parse_iso_date(deadline)
        parts.append(f"完成时限：{official_date(d)}前" if d else f"完成时限：{deadline.strip()}")
    return "（" + "；".join(parts) + "）" if parts else ""


def notice_title(plan_title: str) -> str:
    return f"关于印发《{plan_title}》的通知" if plan_title else ""


# --- line breaking: one policy for our layout and for the Word file ---------------
# The .docx states the same sets (w:noLineBreaksBefore/After) and the same
# spacing, so Word, WPS and LibreOffice break lines where our PDF does.

# No line starts with these (避头): closing marks and pause punctuation.
LINE_START_FORBIDDEN = frozenset(
    "，。、；：？！）》」』〕】〗〉］｝”’…—―～·‥〞々〻ゝゞヽヾーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    "﹐﹒﹔﹕﹖﹗﹚﹜﹞︰︶︸︺︼︾﹀﹂﹄%,.;:?!)]}｠｡､％"
)
# No line ends with these (避尾): opening marks.
LINE_END_FORBIDDEN = frozenset("（《「『“‘〔【〖〈［｛〝﹙﹛﹝([{｟")
# w:overflowPunct as the Word file states it. Our layout never hangs a mark
# past the type area: it moves the character before it down. Word reads 1 as
# "may hang", 0 as "never"; LibreOffice 7.4 reads it inverted (its importer
# maps 1 to no hanging, while its own .doc export writes the flag the other way
# round). No value makes both move the character down, and no manual break may
# do it for them (the file must stay right when a clerk edits it): the file
# says 1, so that LibreOffice, the suite whose print is compared with our PDF,
# breaks every line where the PDF does; Word and WPS may hang a closing mark
# there instead, as they do in most documents (their default when unstated).
WORD_OVERFLOW_PUNCT = True

# Tracking of every 3号 character: 16 pt − 0.25 pt = 15.75 pt, so 28 characters
# (441 pt) fit the 442.2 pt line and 29 do not. Word's character grid
# (w:charSpace −849, a 15.79 pt cell narrower than the glyph) is laid out by
# LibreOffice two cells a glyph; tracking means the same to Word, WPS and
# LibreOffice (ECMA-376 17.3.2.35 equates it with a grid's pitch). In twips
# (w:spacing/@w:val, twentieths of a point): −5, the smallest whole value
# that fits 28.
CHAR_SPACING_TWIPS = -5
CHAR_SPACING_PT = CHAR_SPACING_TWIPS / 20


# --- the standard as a value, with an office's local choices ------------------------
SEAL_DIAMETER_RANGE_MM = (38.0, 50.0)  # official seals of organs (印章), by the seal rules
LINE_PITCH_RANGE_PT = (20.0, 40.0)  # a local exact line spacing: 3号 text still legible, 15+ lines a page
SIGNATURE_LAYOUTS = ("seal", "no_seal")


@dataclass(frozen=True)
class Standard:
    """GB/T 9704-2012 with the choices it leaves to an office (its preset).

    The page, the margins and the type area are the standard's; an office may
    set the line pitch (the 22-line grid, or an exact spacing such as 29.2 pt),
    the font names Word files carry, the diameter of its seals and whether
    drafts are sealed by default. Lines a page and characters a line follow.
    """

    line_pitch_twips: int = GRID_PITCH_TWIPS
    exact_lines: bool = False  # an exact line spacing in the Word file, not only the grid
    font_preset: str = "windows"
    seal_diameter_mm: float = 42.0
    signature_layout: str = "seal"  # for drafts that do not choose
    name: str = ""

    @property
    def line_pitch_pt(self) -> float:
        return self.line_pitch_twips / TWIPS_PER_PT

    @property
    def lines_per_page(self) -> int:
        return TYPE_H_TWIPS // self.line_pitch_twips

    @property
    def chars_per_line(self) -> int:
        """28 for 3号 tracked by −0.25 pt: the last glyph takes its own width, each other 15.75 pt."""
        step = BODY_SIZE + CHAR_SPACING_PT
        return int((TYPE_W_PT - BODY_SIZE) // step) + 1

    @property
    def char_pitch_pt(self) -> float:
        """One cell of the measure (indents and signature positions are in cells)."""
        return TYPE_W_PT / self.chars_per_line

    @property
    def seal_diameter_pt(self) -> float:
        return mm_to_pt(self.seal_diameter_mm)

    @property
    def fonts(self) -> FontPreset:
        return FONT_PRESETS[self.font_preset]

    def problems(self) -> list[tuple[str, str]]:
        """(preset key, what is wrong) for every value that cannot be used."""
        out = []
        lo, hi = LINE_PITCH_RANGE_PT
        if not lo <= self.line_pitch_pt <= hi:
            lines = f"（225 毫米的版心按此行距排 {TYPE_H_TWIPS // self.line_pitch_twips} 行）" \
                if self.line_pitch_twips > 0 else ""
            out.append(("line_spacing", f"行距 {self.line_pitch_pt:g} 磅无法使用：应在 {lo:g}–{hi:g} 磅之间{lines}。"))
        if self.font_preset not in FONT_PRESETS:
            out.append(("fonts", f"字体方案“{self.font_preset}”不存在，可选：{'、'.join(FONT_PRESETS)}。"))
        lo, hi = SEAL_DIAMETER_RANGE_MM
        if not lo <= self.seal_diameter_mm <= hi:
            out.append(("seal_diameter_mm",
                        f"印章直径 {self.seal_diameter_mm:g} 毫米无法使用：应在 {lo:g}–{hi:g} 毫米之间。"))
        if self.signature_layout not in SIGNATURE_LAYOUTS:
            out.append(("signature_layout",
                        f"落款格式“{self.signature_layout}”无效：应为 seal（加盖印章）或 no_seal（不加盖印章）。"))
        return out


STANDARD = Standard()  # GB/T 9704-2012 as written, for everything not told otherwise
# Its numbers, for code that works with the standard's own values.
LINE_PITCH_TWIPS = STANDARD.line_pitch_twips  # 579
LINE_PITCH_PT = STANDARD.line_pitch_pt  # 28.95
LINES_PER_PAGE = STANDARD.lines_per_page  # 22
CHARS_PER_LINE = STANDARD.chars_per_line  # 28
CHAR_PITCH_PT = STANDARD.char_pitch_pt  # 15.79


def em_top_in_line(size: float, pitch: float) -> float:
    """Where a line's em box starts below the top of its grid line.

    Word and LibreOffice (sw CalcRealHeight) put the spare height of a
    snapped line half above and half below the text, so the preview does too.
    For SimSun, FangSong and SimHei (ascent + descent = 1 em) centring the em
    box is exactly what they do."""
    return (pitch - size) / 2

# 中西文自动间距: between a Chinese character and a Latin letter or digit,
# Word and LibreOffice both add space by default (w:autoSpaceDE/DN), and
# LibreOffice cannot be told otherwise in a .docx. We add it too, as much as
# LibreOffice does (a fifth of the font size, measured), in place of the
# tracking of the character before the gap.
AUTOSPACE_EM = 0.2


def is_han(ch: str) -> bool:
    """A Chinese character (CJK unified or compatibility ideograph)."""
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x3134F)


def is_western_alnum(ch: str) -> bool:
    """A half-width letter or digit (Latin, Greek, Cyrillic…): the other side of 中西文间距."""
    return ch.isalnum() and not is_han(ch) and unicodedata.east_asian_width(ch) not in ("W", "F")


@functools.lru_cache(maxsize=8192)
def autospace_class(ch: str) -> int:
    """1 for a Chinese character, 2 for a western letter or digit, 0 otherwise."""
    return 1 if is_han(ch) else 2 if is_western_alnum(ch) else 0


def autospace_after(a: str, b: str) -> bool:
    """Whether the gap between ``a`` and the following ``b`` gets 中西文间距."""
    return autospace_class(a) * autospace_class(b) == 2  # one Chinese, one western


class _ClassOf(dict):  # type: ignore[type-arg]  # code point -> class letter, filled on first sight
    """A str.translate table computed per character on first use: a long plan
    classifies every character once, and translate walks the text in C."""

    def __init__(self, classify: Callable[[str], str]):
        super().__init__()
        self._classify = classify

    def __missing__(self, cp: int) -> str:
        letter = self[cp] = self._classify(chr(cp))
        return letter


# H: a Chinese character, L: a western letter or digit, o: anything else.
_AUTOSPACE_CLASS = _ClassOf(lambda ch: "oHL"[autospace_class(ch)])
_AUTOSPACE_GAP = re.compile(r"H(?=L)|L(?=H)")


# Text made only of these (Chinese characters, full-width forms, CJK and weak
# punctuation) has no script change and no 中西文间距: most paragraphs of a plan,
# answered without classifying each character. tests/test_official.py checks
# every character of the class against the rules below.
ALL_EAST_ASIAN = re.compile("[\u3000-\u3029\u3030-\u303e\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60"
                            "\uffe0-\uffe6“”‘’—…· ]*")


def autospace_positions(text: str) -> list[int]:
    """Indexes i where the gap between text[i] and text[i + 1] gets 中西文间距."""
    if ALL_EAST_ASIAN.fullmatch(text):
        return []
    return [m.start() for m in _AUTOSPACE_GAP.finditer(text.translate(_AUTOSPACE_CLASS))]


def autospace_flags(text: str) -> list[bool]:
    """``autospace_after`` for each character of ``text`` and the next (False for the last)."""
    out = [False] * len(text)
    for i in autospace_positions(text):
        out[i] = True
    return out


# Punctuation and spaces that belong to the script of the text before them
# (LibreOffice's "weak" characters); the tracking stops where the script
# changes, as it does in Word and LibreOffice, whose runs end there.
_WEAK = frozenset("“”‘’—…· \u3000")
# A: East Asian, W: western, .: weak (takes the script of the text before it; East Asian at the start).
_SCRIPT_CLASS = _ClassOf(lambda ch: "." if ch in _WEAK else "A" if unicodedata.east_asian_width(ch) in ("W", "F")
                         else "W")
_SCRIPT_CHANGE = re.compile(r"A(?=W)|W(?=A)")
_WEAK_RUN = re.compile(r"([AW]?)(\.+)")


def _scripts(text: str) -> str:
    """One letter per character, A or W, weak characters resolved."""
    return _WEAK_RUN.sub(lambda m: m.group(1) * (1 + len(m.group(2))) if m.group(1) else "A" * len(m.group(2)),
                         text.translate(_SCRIPT_CLASS))


def script_changes(text: str) -> list[int]:
    """Indexes i where text[i] and text[i + 1] belong to different scripts (see script_runs)."""
    if ALL_EAST_ASIAN.fullmatch(text):
        return []
    return [m.start() for m in _SCRIPT_CHANGE.finditer(_scripts(text))]


def script_runs(text: str) -> list[bool]:
    """For each character: does it belong to East Asian text (True) or Western (False)?"""
    return [c == "A" for c in _scripts(text)]


def is_word_char(ch: str) -> bool:
    """Half-width letters, digits and signs that form unsplittable words (2020, H5, 0757-83031234)."""
    return "!" <= ch <= "~"


# --- character widths and the title's balanced line breaks --------------------


def char_units(ch: str) -> float:
    """Width of a character in full-width cells: CJK and full-width 1, else 0.5."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in "“”‘’—…·":  # Chinese punctuation that East Asian fonts draw full-width
        return 1.0
    if unicodedata.combining(ch):
        return 0.0
    return 0.5


def text_units(text: str) -> float:
    return sum(char_units(c) for c in text)


def display_units(text: str) -> float:
    """Width in cells as printed: the characters and the 中西文间距 between them."""
    return text_units(text) + AUTOSPACE_EM * sum(autospace_flags(text))


# Longer "titles" are pasted text: balancing them costs seconds, so they are cut.
TITLE_BALANCE_MAX_LINES = 8

# Points where a title may be broken, best first: after a closing book-title
# mark or punctuation, before an opening mark, around 的/和/与/关于/印发.
_GOOD_AFTER = "》，、；：）」』"
_GOOD_BEFORE = "《（「『"
_WORD_AFTER = ("的", "和", "与", "及", "于", "发")
_NO_SPLIT = re.compile(r"[0-9A-Za-z]")
# Phrases of this domain that a title break should not cut.
_KEEP_WHOLE = (
    "中国好网民", "好网民", "实施方案", "工作方案", "网络安全", "信息化",
    "委员会", "办公室", "教育局", "妇女联合会", "总工会", "共青团",
)


def _break_cost(text: str, i: int) -> float:
    """Cost of breaking ``text`` before index ``i`` (lower is better)."""
    a, b = text[i - 1], text[i]
    if _NO_SPLIT.match(a) and _NO_SPLIT.match(b):
        return 1000.0  # never split 2020 or H5
    if b in LINE_START_FORBIDDEN or a in LINE_END_FORBIDDEN:
        return 1000.0
    if a in _GOOD_AFTER or b in _GOOD_BEFORE:
        return 0.0
    if text[i - 2 : i] == "关于" or text[i : i + 2] == "关于":
        return 0.5
    if a in _WORD_AFTER:
        return 1.0
    for word in _KEEP_WHOLE:
        start = text.find(word, max(0, i - len(word) + 1))
        if 0 <= start < i < start + len(word):
            return 8.0
    if text[i : i + 2] in ("实施", "工作", "工程", "方案", "通知"):
        return 1.5
    if text[i - 2 : i] in ("实施", "工作", "工程", "方案", "中国", "网民", "年度") or a == "年":
        return 1.5
    return 4.0  # inside what may be a word


def break_title(text: str, max_units: float) -> list[str]:
    """Break a title into balanced lines no wider than ``max_units`` cells.

    Lines keep words whole where the text offers a better point, and form a
    trapezoid (each line no longer than the one above) or, failing that, a
    diamond; the cost trades imbalance against the quality of break points.
    Searched once per title and width (the preview lays out again on every edit).
    """
    return list(_break_title(text, max_units))


@functools.lru_cache(maxsize=256)
def _break_title(text: str, max_units: float) -> list[str]:
    """The search behind break_title; callers get a copy of the cached list."""
    text = text.strip()
    total = text_units(text)
    if total <= max_units or len(text) < 2:
        return [text] if text else []
    if total > max_units * TITLE_BALANCE_MAX_LINES:  # not a title but pasted text: cut, don't balance
        return _hard_cut(text, max_units)
    best: tuple[float, list[str]] | None = None
    min_lines = int(-(-total // max_units))
    for k in range(min_lines, min_lines + 2):
        target = total / k
        result = _best_split(text, k, max_units, target)
        if result is not None and k > min_lines:
            result = (result[0] + 15.0 * (k - min_lines), result[1])  # fewer lines read better
        if result is not None and (best is None or result[0] < best[0]):
            best = result
    if best is None:  # unbreakable (e.g. one long run of Latin letters): hard cut
        return _hard_cut(text, max_units)
    return best[1]


def _hard_cut(text: str, max_units: float) -> list[str]:
    lines, line, width = [], "", 0.0
    for ch in text:
        w = char_units(ch)
        if line and width + w > max_units:
            lines.append(line)
            line, width = "", 0.0
        line += ch
        width += w
    return lines + [line]


def _best_split(text: str, k: int, max_units: float, target: float) -> tuple[float, list[str]] | None:
    n = len(text)
    prefix = [0.0]
    for ch in text:
        prefix.append(prefix[-1] + char_units(ch))
    # dp[j][i]: best cost for text[:i] in j lines, with the last line's width
    inf = float("inf")
    dp: list[dict[int, tuple[float, int, float]]] = [dict() for _ in range(k + 1)]
    dp[0][0] = (0.0, -1, inf)
    for j in range(1, k + 1):
        for start, (cost, _, prev_w) in dp[j - 1].items():
            ends = [n] if j == k else range(start + 1, n)
            for end in ends:
                w = prefix[end] - prefix[start]
                if w > max_units + 1e-9:
                    break
                if end < n:
                    bc = _break_cost(text, end)
                    if bc >= 1000:
                        continue
                else:
                    bc = 0.0
                c = cost + bc * 2 + (w - target) ** 2 * 0.25
                if prev_w != inf and w > prev_w + 1e-9:
                    c += 6.0 if j == k else 2.0  # prefer a trapezoid
                if end not in dp[j] or c < dp[j][end][0]:
                    dp[j][end] = (c, start, w)
    if n not in dp[k]:
        return None
    lines, end = [], n
    for j in range(k, 0, -1):
        _, start, _ = dp[j][end]
        lines.append(text[start:end])
        end = start
    lines.reverse()
    return dp[k][n][0], lines


TITLE_MAX_UNITS = int(TYPE_W_PT // TITLE_SIZE)  # 20 cells of 二号 per line


def title_lines(text: str) -> list[str]:
    """The document title as the exporters print it (one rule for all)."""
    return break_title(text, TITLE_MAX_UNITS)


# --- 发文字号 (7.2.5) ------------------------------------------------------------
DOC_NUMBER_RE = re.compile(r"^[^〔〕\[\]【】（）()［］]+〔(\d{4})〕([1-9]\d*)号$")


# --- signature block (7.3.5) ------------------------------------------------------
SEAL_ROOM_LINES = 2  # blank lines above the first 署名 row at the standard's pitch and seal (seal_room)
DATE_RIGHT_GAP_SEAL = 4  # 右空四字
SIG_RIGHT_GAP_NO_SEAL = 2  # 右空二字
DATE_OFFSET_NO_SEAL = 2  # the date starts two characters right of the 署名
SEALS_PER_ROW = 3
SEAL_GAP_MM = 2.0  # between two seals, so they never touch
SEAL_CLEARANCE_PT = 2.0  # between the body text and the first seal's top
SEAL_PRESS = 0.35  # the 署名 (and date) sit at most this many diameters below a seal's centre


@dataclass(frozen=True)
class SigLine:
    """One line of the signature block: (x in character cells from the type
    area's left edge, text) pairs; an empty ``items`` is a blank line."""

    items: tuple[tuple[float, str], ...] = ()
    kind: str = "blank"  # "blank" | "name" | "date"


@dataclass(frozen=True)
class SealRoom:
    """The vertical room seals of the office's diameter need (7.3.5.1).

    A seal is pressed with its centre ``centre_above`` points above the middle
    of its 署名's line: the 署名 (and, for the last, the date under it) sit a
    little below the centre, the first seal's top falls within one line of the
    body, and seals of consecutive rows are ``row_lines`` lines apart, so they
    never touch. ``lines_below``: lines the last seal reaches under its 署名
    line, which must be on the same page (the date's line is one of them)."""

    lines_above: int
    row_lines: int
    centre_above: float
    lines_below: int


def seal_room(std: Standard = STANDARD) -> SealRoom:
    pitch, d, half_em = std.line_pitch_pt, std.seal_diameter_pt, BODY_SIZE / 2
    press = SEAL_PRESS * d - pitch / 2  # the last seal still presses its 署名 and the date below it
    for above in range(1, 12):
        # seal top = body bottom + (above + 1) lines − half an em − centre_above − d/2, within one line
        low = above * pitch - half_em - d / 2
        high = (above + 1) * pitch - half_em - d / 2 - SEAL_CLEARANCE_PT
        centre_above = min(high, press)
        if centre_above > 0 and centre_above >= low:
            break
    reach = pitch / 2 - centre_above + d / 2  # from its line's top to the seal's bottom
    return SealRoom(above, math.ceil((d + mm_to_pt(SEAL_GAP_MM)) / pitch), centre_above,
                    max(1, math.ceil(reach / pitch) - 1))


def _seal_rows(names: list[str], right_centre: float, std: Standard) -> list[tuple[list[str], float]]:
    """The 署名 in rows of up to three, each row with its column spacing in
    cells: the rows are filled from the last, whose last 署名 sits over the date."""
    cell = std.char_pitch_pt
    least = (std.seal_diameter_pt + mm_to_pt(SEAL_GAP_MM)) / cell
    half_seal = std.seal_diameter_pt / 2 / cell
    rows: list[tuple[list[str], float]] = []
    pending = list(names)
    while pending:
        for m in range(min(SEALS_PER_ROW, len(pending)), 0, -1):
            row = pending[-m:]
            spacing = max(least, max(display_units(n) for n in row) + 1)
            left = right_centre - (m - 1) * spacing
            if m == 1 or left - max(half_seal, display_units(row[0]) / 2) >= 0:
                break
        rows.insert(0, (row, spacing))
        pending = pending[:-m]
    # Seals line up in columns: the rows of two or three share the widest spacing where it fits.
    common = max((sp for row, sp in rows if len(row) > 1), default=least)
    return [(row, common if len(row) > 1 and right_centre - (len(row) - 1) * common
             - max(half_seal, display_units(row[0]) / 2) >= 0 else sp) for row, sp in rows]


def sealed(choice: str, std: Standard = STANDARD) -> bool:
    """Whether a draft's 落款 is sealed: its own choice, else the office's default."""
    return (choice.strip() or std.signature_layout) != "no_seal"


def signature_lines(names: list[str], date_text: str, seal: bool, std: Standard = STANDARD) -> list[SigLine]:
    """Place 署名 and 成文日期 on the grid, as both exporters print them."""
    width = std.chars_per_line
    names = [n.strip() for n in names if n and n.strip()]
    dw = display_units(date_text)
    out: list[SigLine] = []
    if seal:
        date_x = max(0.0, width - DATE_RIGHT_GAP_SEAL - dw)
        centre = date_x + dw / 2 if date_text else width - DATE_RIGHT_GAP_SEAL - 3.0

        def centred(name: str, c: float) -> float:
            w = display_units(name)
            return max(0.0, min(width - w, c - w / 2))

        room = seal_room(std)
        out += [SigLine()] * room.lines_above
        for r, (row, spacing) in enumerate(_seal_rows(names, centre, std)):
            if r:
                out += [SigLine()] * (room.row_lines - 1)
            first = centre - (len(row) - 1) * spacing
            out.append(SigLine(tuple((centred(n, first + k * spacing), n) for k, n in enumerate(row)), "name"))
        if date_text:
            out.append(SigLine(((date_x, date_text),), "date"))
        return out
    out.append(SigLine())
    widest = max((display_units(n) for n in names), default=0.0)
    name_x = width - SIG_RIGHT_GAP_NO_SEAL - widest
    date_x = name_x + DATE_OFFSET_NO_SEAL
    if date_x + dw > width - SIG_RIGHT_GAP_NO_SEAL:
        date_x = width - SIG_RIGHT_GAP_NO_SEAL - dw
        name_x = max(0.0, date_x - DATE_OFFSET_NO_SEAL)
    name_x = max(0.0, name_x)
    for n in names:
        out.append(SigLine(((name_x, n),), "name"))
    if date_text:
        out.append(SigLine(((max(0.0, date_x), date_text),), "date"))
    return out


# --- annex table -----------------------------------------------------------------
# (title, share of the type area's width, alignment of the column's cells)
ANNEX_COLUMNS = (("序号", 0.08, "center"), ("活动名称", 0.36, "left"), ("时间", 0.18, "center"),
                 ("牵头单位", 0.18, "left"), ("配合单位", 0.20, "left"))
TABLE_CELL_PAD_PT = 3.0  # left and right inside each cell
TABLE_RULE_PT = 0.5
# Rows of at most this many lines are kept whole on one page; longer ones may split.
TABLE_ROW_KEEP_LINES = 4


# --- the 版记's page and the page numbers (7.4.1, 7.5) -------------------------------


def colophon_placement(last_text_page: int, free_lines: int, colophon_lines: int) -> str:
    """Where the 版记 goes: at the foot of the last page, which is an even page
    (the back of the last sheet).

    "same": the text ends on an even page with room for it; "next": the text
    ends on an odd page, and the 版记 takes the even page after it; "blank":
    the text fills an even page, so a blank page and then the 版记 page follow.
    """
    if last_text_page % 2 == 0:
        return "same" if free_lines >= colophon_lines else "blank"
    return "next"


def numbered(kind: str, follows_blank: bool) -> bool:
    """7.5: every page carries its number, except a blank page and the 版记 page right after one."""
    return kind != "blank" and not (kind == "colophon" and follows_blank)


def page_number_text(n: int) -> str:
    """The printed page number: 4号宋体 Arabic numerals between 一字线."""
    return f"— {n} —"


def page_number_side(n: int) -> str:
    """Odd pages right, even pages left, one 4号 character in from that edge."""
    return "right" if n % 2 else "left"
