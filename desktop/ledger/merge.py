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
import copy
import datetime as _dt
import hashlib
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from desktop.errors import LedgerError
from desktop.ledger.common import (
    DATE_FORMAT, KEY_TITLE, MERGED_MARK, SOURCE_TITLE, UNIT_TITLE, ValueProblem, cell_text, completion_chart,
    counts_in_average, deadline_of, effective_percent, is_overdue, norm_name, parse_date, parse_ledger_value,
    overdue_formula, set_text, text_form, value_at,
)
from desktop.ledger.reader import open_ledger
from desktop.model import DEFAULT_TEMPLATE, DONE
from desktop.outputs import input_among, same_file
from desktop.storage import atomic_target
from desktop.textclean import clean_text

COMBINED_SHEET = "合并台账"
OFFICES_SHEET = "各单位汇总"
SKIPPED_SHEET = "未合并文件"
READ_SUFFIXES = (".xlsx", ".xlsm")
REPORT_SUFFIXES = (".xls", ".et", ".xlsb")

_HEAD_FONT = Font(name="黑体", size=10, bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_WRAP = Alignment(vertical="top")  # no wrap: write-only rows keep the default height
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass
class FileIssue:
    path: Path
    reason: str
    merged: bool = False  # True: merged, with a remark
    row_refused: bool = False  # the file was merged, but not this row of it

    @property
    def message(self) -> str:
        return f"“{self.path}”：{self.reason}"

    @property
    def outcome(self) -> str:
        if self.row_refused:
            return "该行未合并"
        return "已合并" if self.merged else "未合并"


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
    """Merge the ledgers in ``paths`` into ``out``; see the module docstring.

    Raises LedgerError when ``out`` is one of the files named in ``paths``
    (a folder's files are searched: the result found there is skipped).
    """
    if template is None:
        from desktop.templates import load_template

        template = load_template(DEFAULT_TEMPLATE)
    today = today or _dt.date.today()
    out = Path(out)
    paths = list(paths)
    report = MergeReport(out)
    hit = input_among(out, [p for p in paths if not Path(p).is_dir()])
    if hit is not None:
        raise LedgerError(f"合并结果“{out}”就是要合并的台账“{hit}”，写入会覆盖它，已停止。请另选合并结果的文件名。")
    if not out.parent.is_dir():
        raise LedgerError(f"保存合并结果的文件夹“{out.parent}”不存在，请先创建它。")
    files, issues = collect_files(paths)
    report.skipped += issues
    earlier = [f for f in files if same_file(f, out)]
    files = [f for f in files if not same_file(f, out)]
    for f in earlier:
        report.skipped.append(FileIssue(f, "这是本次合并的结果文件（上次合并生成），将被新的结果替换，不参与合并"))
    report.found = len(files)
    try:
        with atomic_target(out, error_cls=LedgerError, action="保存合并结果") as tmp:
            _merge_into(tmp, files, template, today, report, progress, cancel)
        report.written = True
    except _Stop:
        report.written = False
    report.skipped.sort(key=lambda i: str(i.path))
    return report


@dataclass
class _Row:
    office: str
    values: list[Any]  # cell values in the merged sheet's column order
    status: str
    percent: float | int | None
    overdue: bool


@dataclass
class _Read:
    """One input ledger, read into memory before anything is written."""

    path: Path
    office: str
    draft_id: str
    plan_title: str
    exported: str
    merged: bool
    rows: list[_Row]
    notes: list[str]
    rejected: list[str]
    mtime: float = 0.0

    @property
    def same_plan_key(self) -> tuple[str, str]:
        """Two ledgers with this key are versions of one office's ledger of one plan."""
        plan = self.draft_id or f"《{self.plan_title}》" if (self.draft_id or self.plan_title) else str(self.path)
        return plan, norm_name(self.office)

    @property
    def newness(self) -> tuple[str, float]:
        return self.exported, self.mtime


def _merge_into(tmp: Path, files: list[Path], template: Any, today: _dt.date, report: MergeReport,
                progress: Callable[[int, int, Path], None] | None, cancel: Callable[[], bool] | None) -> None:
    columns = list(template.ledger.columns)
    keys = [c.key for c in columns]
    titles = [UNIT_TITLE] + [c.title for c in columns] + [KEY_TITLE, SOURCE_TITLE]
    read = _read_all(files, template, keys, today, report, progress, cancel)
    kept = _drop_double_counting(read, report)
    if not kept:
        raise _Stop()
    wb = Workbook(write_only=True)
    try:
        _write_merged(wb, kept, titles, columns, keys, today, report)
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


def _read_all(files: list[Path], template: Any, keys: list[str], today: _dt.date, report: MergeReport,
              progress: Callable[[int, int, Path], None] | None, cancel: Callable[[], bool] | None) -> list[_Read]:
    digests: dict[str, Path] = {}
    out: list[_Read] = []
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
            one = _read_file(path, template, keys, today)
        except LedgerError as err:
            report.skipped.append(FileIssue(path, str(err)))
            continue
        if digest:
            digests[digest] = path
        out.append(one)
    if progress:
        progress(total, total, Path(""))
    return out


def _drop_double_counting(read: list[_Read], report: MergeReport) -> list[_Read]:
    """Every office counted once.

    - Two versions of one office's ledger of one plan: the newer one is used.
    - A merge result (ours, or any table with a 单位 column) gives only the
      offices no other input gives: last week's result lying in the folder
      beside this week's ledgers adds nothing twice.
    """
    newest: dict[tuple[str, str], _Read] = {}
    for r in read:
        if r.merged:
            continue
        key = r.same_plan_key
        other = newest.get(key)
        if other is None or r.newness > other.newness:
            newest[key] = r
    kept: list[_Read] = []
    for r in read:
        if r.merged:
            continue
        best = newest[r.same_plan_key]
        if best is not r:
            report.skipped.append(FileIssue(r.path, f"与“{best.path.name}”是同一单位（{r.office or '未填写'}）"
                                                    "同一方案的台账，"
                                                    "已使用导出日期较新的那一份，未重复合并"))
            continue
        kept.append(r)
    claimed = {norm_name(r.office) for r in kept}
    for r in sorted((r for r in read if r.merged), key=lambda r: r.newness, reverse=True):
        rows = [row for row in r.rows if norm_name(row.office) not in claimed]
        dropped = sorted({row.office for row in r.rows if norm_name(row.office) in claimed})
        if not rows:
            report.skipped.append(FileIssue(r.path, "这是之前合并生成的汇总台账，其中各单位（" + "、".join(dropped[:6])
                                            + ("等" if len(dropped) > 6 else "") + "）的台账本次已在合并之中，"
                                            "为避免重复计算，未合并"))
            continue
        if dropped:
            r.notes.append(f"汇总台账中 {'、'.join(dropped[:6])}{'等' if len(dropped) > 6 else ''} 的行已由本次合并的"
                           "单位台账提供，未重复计入")
        r.rows = rows
        claimed |= {norm_name(row.office) for row in rows}
        kept.append(r)
    return kept


def _write_merged(wb: Workbook, kept: list[_Read], titles: list[str], columns: list[Any], keys: list[str],
                  today: _dt.date, report: MergeReport) -> None:
    ws = wb.create_sheet(COMBINED_SHEET)
    widths = [22] + [min(float(c.width), 30.0) for c in columns] + [10, 24]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "D2"
    _print_setup(ws, landscape=True)
    ws.append([_head(ws, t) for t in titles])
    col_of = {k: get_column_letter(i + 2) for i, k in enumerate(keys)}
    if "status" in col_of and "deadline" in col_of:
        last = get_column_letter(len(titles))
        ws.conditional_formatting.add(f"A2:{last}1048576", FormulaRule(
            formula=[overdue_formula(f"${col_of['deadline']}2", f"${col_of['status']}2", today)],
            fill=PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")))
    offices: dict[str, OfficeStats] = {}
    cells = _Cells(ws, reuse=True)
    for r in kept:
        for row in r.rows:
            ws.append(cells.row(row.values))
            o = offices.get(row.office)
            if o is None:
                o = offices[row.office] = OfficeStats(row.office)
            if r.path.name not in o.files:
                o.files.append(r.path.name)
            o.items += 1
            o.done += row.status == DONE
            o.overdue += row.overdue
            if counts_in_average(row.status):
                o.pct_sum += effective_percent(row.status, row.percent)
                o.pct_n += 1
        report.merged_files += 1
        report.rows += len(r.rows)
        for note in r.notes:
            report.remarks.append(FileIssue(r.path, note, merged=True))
        for reason in r.rejected:
            report.remarks.append(FileIssue(r.path, reason, merged=True, row_refused=True))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{report.rows + 1}"
    wb.properties.keywords = MERGED_MARK
    wb.properties.creator = "好网民工程实施方案起草助手"
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


_TEXT, _STATUS, _PERCENT, _DEADLINE, _UPDATED, _SEQ = range(6)
_KINDS = {"status": _STATUS, "percent": _PERCENT, "deadline": _DEADLINE, "updated": _UPDATED, "seq": _SEQ}


def _text_of(raw: Any) -> str:
    """cell_text(raw), with the common cases first: most cells are text or empty."""
    if raw is None:
        return ""
    if type(raw) is str:
        return clean_text(raw)[0].strip()
    return cell_text(raw)


def _read_file(path: Path, template: Any, keys: list[str], today: _dt.date) -> _Read:
    """One ledger's rows, checked by the same rules as an import (parse_ledger_value)."""
    statuses = tuple(template.ledger.statuses)
    labels = {c.key: c.title for c in template.ledger.columns}
    rows: list[_Row] = []
    rejected: list[str] = []
    with open_ledger(path, template, fast=True) as ledger:
        office = ledger.office or office_from_name(path)
        index = ledger.columns.index
        # Where each merged column comes from, worked out once per file rather than per cell.
        plan = [(key, index.get(key), _KINDS.get(key, _TEXT), labels.get(key, key)) for key in keys]
        unit_at, name_at = index.get("unit"), index.get("name")
        key_at, source_at = index.get("key"), index.get("source")
        for n, cells in ledger.rows():
            width = len(cells)
            row_office = (_text_of(value_at(cells, unit_at)) or office) if unit_at is not None else office
            values: list[Any] = [row_office]
            status = ""
            pct_value: float | int | None = None
            deadline = None
            reasons: list[str] = []
            for key, i, kind, label in plan:
                cell = cells[i] if i is not None and i < width else None  # Columns.cell
                raw = getattr(cell, "value", None)
                if kind == _TEXT:
                    values.append(_text_of(raw))
                elif kind == _STATUS or kind == _PERCENT:
                    try:
                        value = parse_ledger_value(key, raw, getattr(cell, "number_format", "") or "", statuses,
                                                   label)
                    except ValueProblem as problem:
                        reasons.append(str(problem))
                        value = cell_text(raw)
                    if kind == _STATUS:
                        status = value if isinstance(value, str) else ""
                    elif not isinstance(value, str):
                        pct_value = value
                    values.append(value)
                elif kind == _DEADLINE or kind == _UPDATED:
                    day = _as_date(raw)
                    if kind == _DEADLINE:
                        deadline = day if day else deadline_of(raw)
                    values.append(day if day else _text_of(raw))
                elif isinstance(raw, (int, float)) and not isinstance(raw, bool):  # seq
                    values.append(raw)
                else:
                    values.append(_text_of(raw))
            if reasons:
                name = _text_of(value_at(cells, name_at))
                rejected.append(f"第 {n} 行“{name[:24]}”未合并：{'；'.join(reasons)}")
                continue
            values.append(_text_of(value_at(cells, key_at)))
            values.append(_text_of(value_at(cells, source_at)) or path.name)
            rows.append(_Row(row_office, values, status, pct_value, is_overdue(deadline, status, today)))
        notes = list(ledger.notes)
        info = _Read(path, office, ledger.draft_id, ledger.plan_title, ledger.exported, ledger.merged, rows, notes,
                     rejected)
    if not rows:
        raise LedgerError("台账中没有任何数据行" if not rejected else
                          f"台账中没有一行可以合并（{len(rejected)} 行有错误，如{rejected[0]}）")
    with contextlib.suppress(OSError):
        info.mtime = path.stat().st_mtime
    return info


def _as_date(raw: Any) -> _dt.date | None:
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return parse_date(raw, "")
    return None


def _head(ws: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    set_text(cell, text)
    cell.font, cell.fill, cell.alignment = _HEAD_FONT, _HEAD_FILL, _CENTER
    return cell


class _BodyCell(Cell):  # type: ignore[misc]  # openpyxl ships no types
    """A styled write-only cell of a sheet's body.

    append() tries every cell it is given as a plain value first, and the error
    it then catches formats repr(cell) (sheet title and coordinate) for each
    cell: a constant repr keeps that from costing more than writing the cell.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "<merged ledger cell>"


class _Cells:
    """Write-only cells for one sheet's body: text (top-aligned, set_text's rules) and dates.

    Setting alignment or number_format on a cell looks the style up in the
    workbook's lists (hashing openpyxl objects); instead the sheet's first cell of
    each kind is styled that way and later cells are built on a copy of its
    StyleArray: the same style ids, registered in the same order as before.

    With ``reuse``, rows built by ``row()`` share one cell per short text or date
    (offices, statuses, file names and deadlines repeat from row to row): a
    write-only sheet serialises a row's cells during ``append`` and only moves a
    cell to where it is appended, so a cell can be appended again in a later row.
    Within one row every cell is a distinct object.
    """

    _REUSE_CHARS = 64  # longer texts rarely repeat: not worth keeping
    _REUSE_MAX = 20_000

    def __init__(self, ws: Any, *, reuse: bool = False) -> None:
        self.ws = ws
        self._plain: Any = None
        self._quoted: Any = None
        self._dates: dict[type, Any] = {}
        self._reuse = reuse
        self._row = 0  # rows built so far: the row a kept cell was last handed out for
        self._kept: dict[Any, list[Any]] = {}  # text or (type, day) -> [cell, row]

    def row(self, values: Iterable[Any]) -> list[Any]:
        self._row += 1
        value = self.value
        return [value(v) for v in values]

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, _dt.date):
            return self.date(value)
        return value

    def _again(self, key: Any) -> Any:
        kept = self._kept.get(key)
        if kept is None or kept[1] == self._row:
            return None
        kept[1] = self._row
        return kept[0]

    def _keep(self, key: Any, cell: Cell) -> None:
        if self._reuse:
            if len(self._kept) >= self._REUSE_MAX:
                self._kept.clear()
            self._kept[key] = [cell, self._row]

    def text(self, value: str) -> Cell | None:
        if not value:
            return None
        if self._reuse:
            again = self._again(value)
            if again is not None:
                return again
        text, quote = text_form(value)
        if self._plain is None:
            first = WriteOnlyCell(self.ws)
            first.alignment = _WRAP
            self._plain = copy.copy(first._style)
            first.quotePrefix = True
            self._quoted = copy.copy(first._style)
        cell = _BodyCell(self.ws, 1, 1, text, self._quoted if quote else self._plain)  # a WriteOnlyCell, styled
        cell.data_type = "s"  # set_text: never a formula or an error value
        if len(value) <= self._REUSE_CHARS:
            self._keep(value, cell)
        return cell

    def date(self, day: _dt.date) -> Cell:
        key = (type(day), day)
        if self._reuse:
            again = self._again(key)
            if again is not None:
                return again
        style = self._dates.get(type(day))
        if style is None:
            cell = WriteOnlyCell(self.ws, day)  # as before: the value first (it registers yyyy-mm-dd)
            cell.number_format = DATE_FORMAT
            self._dates[type(day)] = copy.copy(cell._style)
        else:
            cell = _BodyCell(self.ws, 1, 1, day, style)
        self._keep(key, cell)
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
    text = _Cells(ws).text
    for o in offices:
        ws.append([text(o.office), o.items, o.done, o.overdue, o.average, text("、".join(o.files))])
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
    text = _Cells(ws).text
    for issue in issues:
        ws.append([text(str(issue.path)), text(issue.reason), text(issue.outcome)])
    if not issues:
        ws.append([text("（没有未合并的文件）"), None, None])
