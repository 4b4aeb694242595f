"""Pieces shared by the ledger's export, import and merge.

The ledger workbook is a contract with people, not only with code: clerks
reorder rows, retype percentages and dates in their own way, and rename or
forward files. Everything that reads a ledger back therefore finds columns by
their titles (not positions), rows by the hidden key column, and parses values
the way people type them.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop import official
from desktop.textclean import clean_text

if TYPE_CHECKING:
    from desktop.model import Draft
    from desktop.templates import LedgerColumn

MARK = "plan-drafter-ledger"  # document keywords + lists sheet: "this is our ledger"
MERGED_MARK = "plan-drafter-merged-ledger"  # document keywords of a merge result
LISTS_SHEET = "选项"  # hidden: status list for the drop-down, issuing office, draft identity
DRAFT_ID_LABEL = "方案编号"  # lists sheet: the draft the ledger was exported from
PLAN_TITLE_LABEL = "方案名称"
EXPORT_DATE_LABEL = "导出日期"
TEMPLATE_LABEL = "模板"  # the template the draft was made from
YEAR_LABEL = "方案年度"  # the plan's year: a ledger of another year is another plan
EXPORT_ID_LABEL = "导出时间"  # the export, to the second: copies of one export share it (and their exported values)
# The same identity as custom document properties: Excel, WPS and Calc keep both
# when they save the workbook again, and either is enough to tell whose it is.
DRAFT_ID_PROPERTY = "plan-drafter-draft-id"
OFFICE_PROPERTY = "plan-drafter-office"
PLAN_TITLE_PROPERTY = "plan-drafter-plan-title"
TEMPLATE_PROPERTY = "plan-drafter-template"
YEAR_PROPERTY = "plan-drafter-year"
EXPORT_ID_PROPERTY = "plan-drafter-export-id"
EXPORT_DATE_PROPERTY = "plan-drafter-export-date"
# Hidden and protected: every row's values as exported, so that a merge or an
# import can tell what a colleague changed from what was already there.
BASELINE_SHEET = "导出时的内容"
SUMMARY_SHEET = "汇总"
KEY_TITLE = "编号（请勿修改）"
OFFICE_PREFIX = "填报单位："
OFFICE_LABEL = "填报单位"  # label cell on the lists sheet, value beside it
UNIT_TITLE = "单位"  # first column of a merged ledger
SOURCE_TITLE = "来源文件"
PLAN_COLUMN_TITLE = "所属方案"  # a merge of several years' plans: which one a row belongs to
MAX_CELL_CHARS = 32767  # Excel's limit for one cell
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
HEADER_SCAN_ROWS = 12
MAX_COLUMNS = 40

_QUOTE_START = ("=", "+", "-", "@", "#")
_NUMBER_LIKE = re.compile(r"^\s*[-+]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?\s*%?\s*$")
_DATE_LIKE = re.compile(r"^\s*\d{1,4}[-/.年]\d{1,2}([-/.月]\d{1,2}日?)?\s*$")


def safe_text(value: Any) -> tuple[str, bool]:
    """Text an .xlsx cell can hold; True when it had to be shortened."""
    text, _ = clean_text("" if value is None else str(value))
    if len(text) > MAX_CELL_CHARS:
        return text[: MAX_CELL_CHARS - 1] + "…", True
    return text, False


def set_text(cell: Any, value: Any) -> Any:
    """Store ``value`` as plain text, never as a formula, error or number.

    openpyxl turns "=…" into a formula and "#N/A" into an error value; forcing
    the type keeps what the clerk wrote. ``quotePrefix`` makes Excel keep it as
    text when someone edits the cell later.
    """
    text, quote = text_form(value)
    cell.value = text
    cell.data_type = "s"
    if quote:
        cell.quotePrefix = True
    return cell


def text_form(value: Any) -> tuple[str, bool]:
    """(the text set_text stores, whether it needs quotePrefix): the merge's
    writer applies it to many cells of one style without a cell per lookup."""
    text, _ = safe_text(value)
    return text, bool(text.startswith(_QUOTE_START) or _NUMBER_LIKE.match(text) or _DATE_LIKE.match(text))


def norm_title(value: Any) -> str:
    """Header title as compared: width-folded, no spaces, no (%)."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    return _norm_title_cached(text) if len(text) <= 64 else _norm_title(text)


def _norm_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return text.replace("(%)", "").replace("%", "")


# The merge compares the same few titles in every ledger; long texts are not titles.
_norm_title_cached = functools.lru_cache(maxsize=4096)(_norm_title)


def norm_name(value: Any) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def plan_ledger_title(plan_title: str) -> str:
    """佛山市2020年争做中国好网民工程实施方案 -> 佛山市2020年争做中国好网民工程进度台账"""
    base = plan_title.strip()
    if base.endswith("实施方案"):
        base = base[: -len("实施方案")]
    elif base.endswith("方案"):
        base = base[: -len("方案")]
    return f"{base}进度台账" if base else "进度台账"


def office_of(draft: Draft) -> str:
    """The office a draft's ledger belongs to: its host issuer (发文机关 first)."""
    names = [s.strip() for s in draft.notice.issuers if s.strip()]
    return names[0] if names else ""


def excel_date(day: _dt.date | None) -> str:
    """A fixed day in a formula (DATE(2020,10,1)); None: Excel's own TODAY()."""
    return f"DATE({day.year},{day.month},{day.day})" if day else "TODAY()"


def overdue_formula(deadline_cell: str, status_cell: str, today: _dt.date | None,
                    finished: tuple[str, ...]) -> str:
    """model.is_overdue as an Excel formula, for conditional formats that follow
    later edits; ``finished`` as in is_overdue (the template's statuses are plain
    words, checked when it is loaded, so they can stand in a formula)."""
    tests = "".join(f',{status_cell}<>"{s}"' for s in finished)
    return f"AND(ISNUMBER({deadline_cell}),{deadline_cell}<{excel_date(today)}{tests})"


# --- parsing what people type ----------------------------------------------------

class ValueProblem(ValueError):
    """A cell value that cannot be accepted; the message is Chinese."""


_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_EPOCH = _dt.date(1899, 12, 30)


def parse_date(value: Any, label: str) -> _dt.date | None:
    """A date cell, an Excel serial number or text such as 2020年7月1日."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(f"{label}“{value}”不是日期")
    if isinstance(value, (int, float)):
        # A date typed into a cell formatted as a number arrives as a serial.
        if 36526 <= value <= 73050 and float(value).is_integer():
            return _EXCEL_EPOCH + _dt.timedelta(days=int(value))
        raise ValueProblem(f"{label}“{value:g}”不是日期，应写成 2020-07-01 或 2020年7月1日")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    compact = _DATE_COMPACT.fullmatch(text)
    parts = official.date_parts(text) or (tuple(int(g) for g in compact.groups()) if compact else None)
    if not parts:
        raise ValueProblem(f"{label}“{_short(value)}”不是日期，应写成 2020-07-01 或 2020年7月1日")
    try:
        return _dt.date(*parts)
    except ValueError:
        raise ValueProblem(f"{label}“{_short(value)}”不是真实存在的日期") from None


def parse_percent(value: Any, number_format: str = "") -> float | int | None:
    """40, "40%", 0.4, 40.0, "４０％" -> 40; blank -> None; range-checked."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"完成率“{value}”不是数字")
    if isinstance(value, (int, float)):
        value = bounded(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueProblem("完成率不是有效的数字（位数过多，超出范围）")
        number = float(value)
        if "%" in (number_format or ""):
            number *= 100  # Excel stored 80% as 0.8
        elif 0 < number < 1:
            number *= 100  # 0.4 means 40 %
        shown = f"{value:g}" if isinstance(value, float) else str(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
        if not text:
            return None
        shown = _short(value)
        had_percent = text.endswith("%")
        body = text.rstrip("%")
        try:
            number = float(body)
        except ValueError:
            raise ValueProblem(f"完成率“{shown}”不是数字，应填写 0–100 之间的数，例如 80 或 80%") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueProblem(f"完成率“{shown}”不是有效的数字（位数过多，超出范围）")
        if not had_percent and 0 < number < 1:
            number *= 100
    if not 0 <= number <= 100:
        raise ValueProblem(f"完成率“{shown}”超出 0–100 的范围")
    # Kept as typed (33.33 stays 33.33); rounding only removes binary noise such as 0.4 * 100.
    number = round(number, 6)
    return int(number) if number.is_integer() else number


def cell_text(value: Any, *, strip: bool = True) -> str:
    """A cell read back as text (numbers without .0, dates as ISO).

    ``strip=False`` keeps leading and trailing space: the 　　 indent of a
    progress text is the clerk's, and a round trip must not change it.
    """
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text, _ = clean_text(str(value))
    return text.strip() if strip else text


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 20 else text[:20] + "…"


# --- finding the ledger's columns ---------------------------------------------------

def value_at(row: tuple[Any, ...], i: int | None) -> Any:
    """The value in column ``i`` of a read row (None beyond the row or without a column)."""
    if i is None or i >= len(row):
        return None
    cell = row[i]
    return getattr(cell, "value", cell)


@dataclass
class Columns:
    """Column index (0-based) of each ledger key found in the header row."""

    header_row: int  # 1-based row number of the header
    index: dict[str, int]

    def get(self, row: tuple[Any, ...], key: str) -> Any:
        return value_at(row, self.index.get(key))

    def cell(self, row: tuple[Any, ...], key: str) -> Any:
        i = self.index.get(key)
        if i is None or i >= len(row):
            return None
        return row[i]


def title_map(columns: Iterable[LedgerColumn]) -> dict[str, str]:
    """Normalised title -> column key, for the template's columns and ours."""
    out = {norm_title(c.title): c.key for c in columns}
    out.setdefault(norm_title("完成率"), "percent")
    out[norm_title(KEY_TITLE)] = "key"
    out[norm_title("编号")] = "key"
    out[norm_title(UNIT_TITLE)] = "unit"
    out[norm_title(SOURCE_TITLE)] = "source"
    out[norm_title(PLAN_COLUMN_TITLE)] = "plan"
    return out


def match_header(values: tuple[Any, ...], titles: dict[str, str]) -> dict[str, int] | None:
    """Column keys of a header row, or None when it is not our header."""
    index: dict[str, int] = {}
    for i, value in enumerate(values):
        key = titles.get(norm_title(value))
        if key and key not in index:
            index[key] = i
    if "name" in index and ("status" in index or "percent" in index):
        return index
    return None


def deadline_of(value: Any) -> _dt.date | None:
    """A deadline cell as a date when it is one (activities hold free text)."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value, "完成时限")
        except ValueProblem:
            return None
    return None


def official_day(day: _dt.date) -> str:
    return official.official_date(day)


def parse_ledger_value(key: str, raw: Any, number_format: str, statuses: tuple[str, ...],
                       label: str) -> Any:
    """A ledger cell as the draft stores it, or ValueProblem: one rule for the
    import and the merge, so both accept and refuse the same rows."""
    if key == "percent":
        return parse_percent(raw, number_format)
    if key == "updated":
        day = parse_date(raw, label)
        return day.isoformat() if isinstance(day, _dt.date) else ""
    if key == "status":
        text = cell_text(raw)
        if text and text not in statuses:
            raise ValueProblem(f"状态“{_short(text)}”无效，应为{'、'.join(statuses)}之一")
        return text
    return cell_text(raw, strip=key not in ("summary", "evidence"))


# --- comparing values across copies and exports ----------------------------------------

MAX_READ_NUMBER = 10.0**15  # beyond any percent, serial date or row number a ledger holds


def bounded(value: Any) -> Any:
    """A number as read from a workbook, made safe to format and compare: an
    integer of thousands of digits (which str() and float() refuse) or anything
    beyond ±MAX_READ_NUMBER becomes ±inf, which every parser here refuses with a
    message instead of an OverflowError or ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if -MAX_READ_NUMBER <= value <= MAX_READ_NUMBER or value != value:
        return float(value) if isinstance(value, int) and abs(value) > 2**53 else value
    return float("inf") if value > 0 else float("-inf")


def canon(value: Any) -> str:
    """One text form for a cell value, for deciding whether it changed: the
    exported values are kept in this form on the hidden sheet, and a value read
    back (a date cell or its text, 40 or 40.0) is compared in it."""
    value = bounded(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        value = round(value, 6)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return clean_text(str(value))[0].strip()


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def plan_year(*texts: str) -> int:
    """The year a plan is for, from the first text that names one (2020年…); 0 when none does."""
    for text in texts:
        m = _YEAR.search(unicodedata.normalize("NFKC", text or ""))
        if m:
            return int(m.group(1))
    return 0
