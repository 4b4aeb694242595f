"""Merging many offices' ledgers into one workbook.

Public API (command line and UI):

``merge_ledgers(paths, out, *, template=None, today=None, progress=None,
cancel=None) -> MergeReport``

- ``paths``: files and folders; folders are searched recursively for
  workbooks (*.xlsx, *.xlsm, and *.xls / *.et so that those are reported
  rather than silently missed).
- ``progress(done, total, path)`` is called before each file and once at the
  end with ``done == total``; ``cancel()`` returning True stops the merge
  (nothing is written, ``report.cancelled`` is True).
- ``today`` (a date) fixes "today" for the overdue counts.

The result ``out`` is written atomically and holds three sheets: 合并台账
(every row of every ledger with a 单位 column and the source file),
各单位汇总 (items, completed, overdue, average completion per office, with a
bar chart) and 未合并文件 (every file skipped and why, plus files merged with
a remark, e.g. external links ignored). The office comes from the ledger (its
填报单位 line, the hidden 选项 sheet or the document properties) or else from
the file name. A merged workbook can itself be merged again (district → city
→ province): its 单位 column is kept.

Memory stays flat: each file is pre-checked (desktop.ledger.safety) and
opened with ``read_only=True``; rows are streamed into a ``write_only``
workbook and only per-office totals are kept. ``report.written`` is False
when no file could be merged (then nothing is written).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from desktop.errors import LedgerError
from desktop.ledger.common import (
    DATE_FORMAT, KEY_TITLE, SOURCE_TITLE, UNIT_TITLE, ValueProblem, cell_text, counts_in_average, deadline_of,
    completion_chart, effective_percent, is_overdue, parse_date, parse_percent, set_text,
)
from desktop.ledger.reader import open_ledger
from desktop.model import DONE
from desktop.storage import atomic_target

COMBINED_SHEET = "合并台账"
OFFICES_SHEET = "各单位汇总"
SKIPPED_SHEET = "未合并文件"
READ_SUFFIXES = (".xlsx", ".xlsm")
REPORT_SUFFIXES = (".xls", ".et", ".xlsb")

_HEAD_FONT = Font(name="黑体", size=10, bold=True)
_BODY_FONT = Font(name="宋体", size=10)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_WRAP = Alignment(vertical="top")  # no wrap: write-only rows keep the default height
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass
class FileIssue:
    path: Path
    reason: str
    merged: bool = False  # True: merged, with a remark

    @property
    def message(self) -> str:
        return f"“{self.path}”：{self.reason}"


@dataclass
class OfficeStats:
    office: str
    files: list[str] = field(default_factory=list)
    items: int = 0
    done: int = 0
    overdue: int = 0
    pct_sum: float = 0.0
    pct_n: int = 0

    @property
    def average(self) -> float:
        return round(self.pct_sum / self.pct_n, 1) if self.pct_n else 0.0


@dataclass
class MergeReport:
    out: Path
    found: int = 0  # workbook files considered
    merged_files: int = 0
    rows: int = 0
    offices: list[OfficeStats] = field(default_factory=list)
    skipped: list[FileIssue] = field(default_factory=list)
    remarks: list[FileIssue] = field(default_factory=list)
    cancelled: bool = False
    written: bool = False

    def lines(self) -> list[str]:
        out = []
        if self.written:
            out.append(f"已合并 {self.merged_files} 个台账（{len(self.offices)} 个单位，共 {self.rows} 行），"
                       f"结果保存在“{self.out}”。")
        if self.skipped:
            out.append(f"以下 {len(self.skipped)} 个文件未合并：")
            out += [f"  {i.message}" for i in self.skipped]
        if self.remarks:
            out.append("以下文件已合并，但请留意：")
            out += [f"  {i.message}" for i in self.remarks]
        return out


class _Stop(Exception):
    """Abort the atomic write (cancelled, or nothing to merge)."""


def collect_files(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[FileIssue]]:
    """Workbook files from files and folders (recursive), sorted, without duplicates."""
    files: list[Path] = []
    issues: list[FileIssue] = []
    seen: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.normcase(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            files.append(p)

    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = []
            for root, dirs, names in os.walk(p):
                dirs.sort()
                for name in names:
                    if name.lower().endswith(READ_SUFFIXES + REPORT_SUFFIXES):
                        found.append(Path(root) / name)
            for f in sorted(found):
                add(f)
        elif p.exists():
            add(p)
        else:
            issues.append(FileIssue(p, "找不到该文件或文件夹"))
    return files, issues


def office_from_name(path: Path) -> str:
    stem = path.name
    for suffix in (".xlsx", ".xlsm", ".xls"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    for tail in ("-台账", "_台账", "进度台账", "台账"):
        if stem.endswith(tail) and len(stem) > len(tail):
            stem = stem[: -len(tail)]
            break
    return stem.strip(" -_") or path.name


def merge_ledgers(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
                  template: Any = None, today: _dt.date | None = None,
                  progress: Callable[[int, int, Path], None] | None = None,
                  cancel: Callable[[], bool] | None = None) -> MergeReport:
    """Merge the ledgers in ``paths`` into ``out``; see the module docstring."""
    if template is None:
        from desktop.templates import load_template

        template = load_template("gd-2020-haowangmin")
    today = today or _dt.date.today()
    out = Path(out)
    report = MergeReport(out)
    if not out.parent.is_dir():
        raise LedgerError(f"保存合并结果的文件夹“{out.parent}”不存在，请先创建它。")
    files, issues = collect_files(paths)
    report.skipped += issues
    out_key = os.path.normcase(os.path.abspath(out))
    files = [f for f in files if os.path.normcase(os.path.abspath(f)) != out_key]
    report.found = len(files)
    try:
        with atomic_target(out, error_cls=LedgerError, action="保存合并结果") as tmp:
            _merge_into(tmp, files, template, today, report, progress, cancel)
        report.written = True
    except _Stop:
        report.written = False
    report.skipped.sort(key=lambda i: str(i.path))
    return report


def _merge_into(tmp: Path, files: list[Path], template: Any, today: _dt.date, report: MergeReport,
                progress: Callable[[int, int, Path], None] | None, cancel: Callable[[], bool] | None) -> None:
    columns = list(template.ledger.columns)
    keys = [c.key for c in columns]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(COMBINED_SHEET)
    titles = [UNIT_TITLE] + [c.title for c in columns] + [KEY_TITLE, SOURCE_TITLE]
    widths = [22] + [min(float(c.width), 30.0) for c in columns] + [10, 24]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "D2"
    _print_setup(ws, landscape=True)
    ws.append([_head(ws, t) for t in titles])
    col_of = {k: get_column_letter(i + 2) for i, k in enumerate(keys)}
    if "status" in col_of and "deadline" in col_of:
        st, dl = f"${col_of['status']}2", f"${col_of['deadline']}2"
        last = get_column_letter(len(titles))
        now = f"DATE({today.year},{today.month},{today.day})"
        ws.conditional_formatting.add(f"A2:{last}1048576", FormulaRule(
            formula=[f'AND(ISNUMBER({dl}),{dl}<{now},{st}<>"{DONE}",{st}<>"不适用")'],
            fill=PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")))

    try:
        _merge_files(wb, ws, titles, files, template, keys, today, report, progress, cancel)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb.save(tmp)
    except BaseException:
        _discard(wb)
        raise


def _discard(wb: Workbook) -> None:
    """Finish and delete the write-only sheets' temporary files of an abandoned merge."""
    for sheet in getattr(wb, "_sheets", []):
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            sheet.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


def _merge_files(wb: Workbook, ws: Any, titles: list[str], files: list[Path], template: Any, keys: list[str],
                 today: _dt.date, report: MergeReport, progress: Callable[[int, int, Path], None] | None,
                 cancel: Callable[[], bool] | None) -> None:
    offices: dict[str, OfficeStats] = {}
    digests: dict[str, Path] = {}
    total = len(files)
    for done, path in enumerate(files):
        if cancel and cancel():
            report.cancelled = True
            raise _Stop()
        if progress:
            progress(done, total, path)
        if path.name.startswith("~$"):
            report.skipped.append(FileIssue(path, "这是 Excel 打开文件时生成的临时锁定文件，不是台账"))
            continue
        digest = _digest(path)
        if digest and digest in digests:
            report.skipped.append(FileIssue(path, f"与“{digests[digest].name}”内容完全相同，未重复合并"))
            continue
        try:
            rows = _read_file(path, template, keys, today, offices, report, ws)
        except LedgerError as err:
            report.skipped.append(FileIssue(path, str(err)))
            continue
        if digest:
            digests[digest] = path
        report.merged_files += 1
        report.rows += rows
    if progress:
        progress(total, total, Path(""))
    if not report.merged_files:
        raise _Stop()
    ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{report.rows + 1}"
    report.offices = list(offices.values())
    _offices_sheet(wb, report.offices)
    _skipped_sheet(wb, report)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()


def _read_file(path: Path, template: Any, keys: list[str], today: _dt.date, offices: dict[str, OfficeStats],
               report: MergeReport, ws: Any) -> int:
    """Stream one ledger's rows into ``ws``; returns the number of rows."""
    # Rows are buffered per file (one ledger, bounded by the pre-check) so that a
    # file failing half-way adds nothing to the merged sheet.
    buffered: list[list[Any]] = []
    stats: list[tuple[str, str, float | int | None, bool]] = []
    with open_ledger(path, template) as ledger:
        office = ledger.office or office_from_name(path)
        cols = ledger.columns
        for _n, cells in ledger.rows():
            row_office = cell_text(cols.get(cells, "unit")) or office if "unit" in cols.index else office
            values: list[Any] = [_text(ws, row_office)]
            status = cell_text(cols.get(cells, "status"))
            pct_value: float | int | None = None
            deadline = None
            for key in keys:
                cell = cols.cell(cells, key)
                raw = getattr(cell, "value", None)
                if key == "percent":
                    try:
                        pct_value = parse_percent(raw, getattr(cell, "number_format", "") or "")
                        values.append(pct_value)
                    except ValueProblem:
                        values.append(_text(ws, cell_text(raw)))
                elif key in ("deadline", "updated"):
                    day = _as_date(raw)
                    if key == "deadline":
                        deadline = day if day else deadline_of(raw)
                    values.append(_date(ws, day) if day else _text(ws, cell_text(raw)))
                elif key == "seq" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                    values.append(raw)
                else:
                    values.append(_text(ws, cell_text(raw)))
            values.append(_text(ws, cell_text(cols.get(cells, "key"))))
            values.append(_text(ws, cell_text(cols.get(cells, "source")) or path.name))
            buffered.append(values)
            stats.append((row_office, status, pct_value, is_overdue(deadline, status, today)))
        notes = list(ledger.notes)
    if not buffered:
        raise LedgerError("台账中没有任何数据行")
    for values in buffered:
        ws.append(values)
    for row_office, status, pct, overdue in stats:
        o = offices.get(row_office)
        if o is None:
            o = offices[row_office] = OfficeStats(row_office)
        if path.name not in o.files:
            o.files.append(path.name)
        o.items += 1
        o.done += status == DONE
        o.overdue += overdue
        if counts_in_average(status):
            o.pct_sum += effective_percent(status, pct)
            o.pct_n += 1
    for note in notes:
        report.remarks.append(FileIssue(path, note, merged=True))
    return len(buffered)


def _as_date(raw: Any) -> _dt.date | None:
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return parse_date(raw, "")
    return None


def _head(ws: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    set_text(cell, text)
    cell.font, cell.fill, cell.alignment = _HEAD_FONT, _HEAD_FILL, _CENTER
    return cell


def _text(ws: Any, text: str) -> WriteOnlyCell | None:
    if not text:
        return None
    cell = WriteOnlyCell(ws)
    set_text(cell, text)
    cell.alignment = _WRAP
    return cell


def _date(ws: Any, day: _dt.date) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, day)
    cell.number_format = DATE_FORMAT
    return cell


def _print_setup(ws: Any, landscape: bool) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


def _offices_sheet(wb: Workbook, offices: list[OfficeStats]) -> None:
    ws = wb.create_sheet(OFFICES_SHEET)
    for col, w in zip("ABCDEF", (34, 10, 10, 10, 16, 40)):
        ws.column_dimensions[col].width = w
    _print_setup(ws, landscape=False)
    ws.append([_head(ws, t) for t in (UNIT_TITLE, "项数", "已完成", "逾期", "平均完成率（%）", SOURCE_TITLE)])
    total = OfficeStats("合计")
    for o in offices:
        ws.append([_text(ws, o.office), o.items, o.done, o.overdue, o.average, _text(ws, "、".join(o.files))])
        total.items += o.items
        total.done += o.done
        total.overdue += o.overdue
        total.pct_sum += o.pct_sum
        total.pct_n += o.pct_n
    ws.append([_head(ws, "合计"), total.items, total.done, total.overdue, total.average, None])
    chart = completion_chart("各单位平均完成率（%）",
                             Reference(ws, min_col=5, min_row=1, max_row=len(offices) + 1),
                             Reference(ws, min_col=1, min_row=2, max_row=len(offices) + 1),
                             width=20, height=min(60.0, max(7.5, 0.6 * len(offices) + 3)))
    ws.add_chart(chart, f"A{len(offices) + 4}")  # below the table: the page stays one wide


def _skipped_sheet(wb: Workbook, report: MergeReport) -> None:
    ws = wb.create_sheet(SKIPPED_SHEET)
    for col, w in zip("ABC", (60, 70, 14)):
        ws.column_dimensions[col].width = w
    _print_setup(ws, landscape=True)
    ws.append([_head(ws, t) for t in ("文件", "原因", "处理结果")])
    issues = sorted(report.skipped, key=lambda i: str(i.path)) + report.remarks
    for issue in issues:
        ws.append([_text(ws, str(issue.path)), _text(ws, issue.reason),
                   _text(ws, "已合并" if issue.merged else "未合并")])
    if not issues:
        ws.append([_text(ws, "（没有未合并的文件）"), None, None])
