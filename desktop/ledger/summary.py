"""Writing the merged summary, and reading an earlier one back.

The summary is written with XlsxWriter rather than openpyxl: for the 15,000
rows of 500 offices it writes the same sheets in well under half the time
(benchmarks/bench_merge.py measures both in one run). Only the merge result
is written this way; every ledger is still written and read with openpyxl.
XlsxWriter's constant-memory mode writes each row as it goes, so memory stays
flat however many offices there are.

Every text is written as a string, never a formula, and with Excel's quote
prefix where it looks like a number, a date or a formula (common.text_form),
exactly as set_text does for the ledger.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import APP_NAME, official
from desktop.ledger.common import (
    DATE_FORMAT, KEY_TITLE, MERGED_MARK, PLAN_COLUMN_TITLE, SOURCE_TITLE, UNIT_TITLE, YEAR_PROPERTY, canon,
    overdue_formula, text_form,
)
from desktop.templates import Template

if TYPE_CHECKING:
    from desktop.ledger.merge import MergePlan, OfficeStats

CREATOR = APP_NAME
_REUSE_CHARS = 64  # texts this short repeat from row to row (offices, statuses, files)


def _letter(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


class _Writer:
    """One workbook: the formats it uses and text written by set_text's rules."""

    def __init__(self, path: Path) -> None:
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "default_date_format": DATE_FORMAT,
        })
        self.head = self.book.add_format({"font_name": "黑体", "font_size": 10, "bold": True, "bg_color": "#D9E1F2",
                                          "align": "center", "valign": "vcenter", "text_wrap": True})
        self.body = self.book.add_format({"valign": "top"})
        self.quoted = self.book.add_format({"valign": "top", "quote_prefix": True})
        self.date = self.book.add_format({"num_format": DATE_FORMAT})
        self.overdue = self.book.add_format({"bg_color": "#F8CBAD"})
        self.wrapped = self.book.add_format({"valign": "top", "text_wrap": True})
        self._forms: dict[str, tuple[str, bool]] = {}

    def text(self, ws: Any, row: int, col: int, value: str) -> None:
        if not value:
            return
        form = self._forms.get(value)
        if form is None:
            form = text_form(value)
            if len(value) <= _REUSE_CHARS:
                self._forms[value] = form
        ws.write_string(row, col, form[0], self.quoted if form[1] else self.body)

    def cell(self, ws: Any, row: int, col: int, value: Any) -> None:
        if isinstance(value, str):
            self.text(ws, row, col, value)
        elif isinstance(value, _dt.date):
            ws.write_datetime(row, col, value, self.date)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if value == value and abs(value) != float("inf"):
                ws.write_number(row, col, value)
        elif value is not None:
            self.text(ws, row, col, str(value))

    def header(self, ws: Any, titles: list[str], widths: list[float]) -> None:
        for col, (title, width) in enumerate(zip(titles, widths, strict=True)):
            ws.set_column(col, col, width)
            ws.write_string(0, col, text_form(title)[0], self.head)

    @staticmethod
    def page(ws: Any, landscape: bool) -> None:
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_footer("&C第 &P 页 共 &N 页")


def write_summary(plan: MergePlan, path: Path, stats: list[OfficeStats]) -> None:
    """The three sheets of a merge result (see desktop.ledger.merge); ``stats`` are plan.stats()."""
    w = _Writer(path)
    try:
        _combined(w, plan)
        _offices(w, plan, stats)
        _skipped(w, plan)
        w.book.set_properties({"keywords": MERGED_MARK, "author": CREATOR, "title": "合并台账"})
        if plan.single_year:
            w.book.set_custom_property(YEAR_PROPERTY, str(plan.single_year))
    finally:
        w.book.close()


def _combined(w: _Writer, plan: MergePlan) -> None:
    from desktop.ledger.merge import COMBINED_SHEET

    spec = plan.template.ledger
    columns = list(spec.columns)
    keys = [c.key for c in columns]
    several = bool(plan.plans)
    lead = [UNIT_TITLE] + ([PLAN_COLUMN_TITLE] if several else [])
    titles = lead + [c.title for c in columns] + [KEY_TITLE, SOURCE_TITLE]
    widths = [22.0] + ([14.0] if several else []) + [min(float(c.width), 30.0) for c in columns] + [10.0, 24.0]
    ws = w.book.add_worksheet(COMBINED_SHEET)
    w.page(ws, landscape=True)
    ws.freeze_panes(1, len(lead) + 2)
    w.header(ws, titles, widths)
    first = len(lead)
    if "status" in keys and "deadline" in keys:
        deadline, status = _letter(first + keys.index("deadline")), _letter(first + keys.index("status"))
        formula = overdue_formula(f"${deadline}2", f"${status}2", plan.today, spec.finished)
        ws.conditional_format(1, 0, 1048575, len(titles) - 1,
                              {"type": "formula", "criteria": f"={formula}", "format": w.overdue})
    remark_at = keys.index("remark") if "remark" in keys else None
    open_cells: dict[int, list[str]] = {}
    for c in plan.conflicts:
        if not c.resolved:
            open_cells.setdefault(id(c.target), []).append(c.label)
    row = 0
    cell = w.cell
    for office in plan.offices:
        for values, key, source in office.rows:
            row += 1
            cell(ws, row, 0, office.label)
            if several:
                cell(ws, row, 1, office.plan)
            pending = open_cells.get(id(values))
            for i, value in enumerate(values):
                if pending and i == remark_at:
                    note = f"（冲突未决：{'、'.join(pending)}，见“未合并文件”）"
                    value = f"{value}\n{note}" if value else note
                cell(ws, row, first + i, value)
            cell(ws, row, first + len(values), key)
            cell(ws, row, first + len(values) + 1, source)
    ws.autofilter(0, 0, max(row, 1), len(titles) - 1)


def _offices(w: _Writer, plan: MergePlan, stats: list[OfficeStats]) -> None:
    from desktop.ledger.merge import OFFICES_SHEET, OfficeStats

    several = bool(plan.plans)
    ws = w.book.add_worksheet(OFFICES_SHEET)
    w.page(ws, landscape=False)
    titles = [UNIT_TITLE] + ([PLAN_COLUMN_TITLE] if several else []) + [
        "项数", plan.template.ledger.done or "已完成", "逾期", "平均完成率（%）", SOURCE_TITLE]
    w.header(ws, titles, [34.0] + ([14.0] if several else []) + [10.0, 10.0, 10.0, 16.0, 40.0])
    at = 2 if several else 1
    row = 0
    blocks = plan.plans or [""]
    chart_rows = (0, 0)  # the first plan's offices: one chart, each office once
    for block in blocks:
        total = OfficeStats("合计")
        first_row = row + 1
        for s in (s for s in stats if s.plan == block):
            row += 1
            w.text(ws, row, 0, s.office)
            if several:
                w.text(ws, row, 1, s.plan)
            for i, value in enumerate((s.items, s.done, s.overdue, s.average)):
                ws.write_number(row, at + i, value)
            w.text(ws, row, at + 4, "、".join(s.files))
            total.items += s.items
            total.done += s.done
            total.overdue += s.overdue
            total.pct_sum += s.pct_sum
            total.pct_n += s.pct_n
        if block == blocks[0]:
            chart_rows = (first_row, row)
        row += 1
        ws.write_string(row, 0, f"合计（{block}）" if block else "合计", w.head)
        for i, value in enumerate((total.items, total.done, total.overdue, total.average)):
            ws.write_number(row, at + i, value)
    if chart_rows[1] >= chart_rows[0] > 0:
        first, last = chart_rows
        chart = w.book.add_chart({"type": "bar"})
        chart.add_series({
            "name": "平均完成率（%）",
            "categories": [OFFICES_SHEET, first, 0, last, 0],
            "values": [OFFICES_SHEET, first, at + 3, last, at + 3],
            "data_labels": {"value": True},
        })
        chart.set_title({"name": f"各单位平均完成率（%）{'（' + blocks[0] + '）' if blocks[0] else ''}"})
        chart.set_legend({"none": True})
        chart.set_x_axis({"min": 0, "max": 100, "name": "完成率（%）"})
        chart.set_y_axis({"reverse": True})  # top-down in the table's order
        chart.set_size({"width": 760, "height": int(min(2200, max(280, 23 * (last - first + 1) + 110)))})
        ws.insert_chart(row + 2, 0, chart)


def _skipped(w: _Writer, plan: MergePlan) -> None:
    from desktop.ledger.merge import SKIPPED_SHEET, conflict_line

    report = plan.report
    ws = w.book.add_worksheet(SKIPPED_SHEET)
    w.page(ws, landscape=True)
    w.header(ws, ["文件", "原因", "处理结果"], [60.0, 70.0, 18.0])
    lines: list[tuple[str, str, str]] = [(str(i.path), i.reason, i.outcome)
                                         for i in sorted(report.skipped, key=lambda i: str(i.path)) + report.remarks]
    for c in plan.conflicts:
        kept = f"暂按导出时的值{_quoted(c.fallback)}" if c.fallback not in (None, "") else "暂为空白"
        lines.append(("、".join(dict.fromkeys(o.copy.name for o in c.options)), f"冲突：{conflict_line(c)}",
                      f"已处理：{c.how}" if c.resolved else f"冲突未处理，{kept}"))
    for row, texts in enumerate(lines, 1):
        for col, text in enumerate(texts):
            ws.write_string(row, col, text_form(text)[0], w.wrapped)
        # Reasons are sentences: rows tall enough for them (programs do not size wrapped rows on opening).
        need = max(math.ceil(official.text_units(t) / per) for t, per in zip(texts, (29, 34, 8), strict=True))
        ws.set_row(row, 15 * min(max(1, need), 20))
    if not lines:
        w.text(ws, 1, 0, "（没有未合并的文件）")


def _quoted(value: Any) -> str:
    text = canon(value)
    return f"“{text if len(text) <= 30 else text[:30] + '…'}”"


def read_previous(path: Path, template: Template) -> dict[str, Any] | None:
    """An earlier merge result's per-office figures and rows, to compare a new one with;
    None when it cannot be read as one."""
    from desktop.errors import LedgerError
    from desktop.ledger.merge import OFFICES_SHEET
    from desktop.ledger.reader import open_ledger

    keys = [c.key for c in template.ledger.columns]
    rows: dict[tuple[str, str, str], str] = {}
    try:
        with open_ledger(path, template, fast=True) as ledger:
            if not ledger.merged:
                return None
            index = ledger.columns.index
            for _, cells in ledger.rows():
                got = {k: getattr(cells[i], "value", None) for k, i in index.items() if i < len(cells)}
                rows[(canon(got.get("unit")), canon(got.get("plan")), canon(got.get("key")))] = \
                    "\0".join(canon(got.get(k)) for k in keys)
            table = ledger.sheet_values(OFFICES_SHEET, 100_000) if ledger.sheet_values else None
    except LedgerError:
        return None
    offices: dict[tuple[str, str], tuple[Any, ...]] = {}
    head = [canon(v) for v in (table or [()])[0]]
    if UNIT_TITLE in head and "项数" in head:
        first = head.index("项数")
        plan_at = head.index(PLAN_COLUMN_TITLE) if PLAN_COLUMN_TITLE in head else None
        for values in (table or [])[1:]:
            name = canon(values[0]) if values else ""
            if name and not name.startswith("合计") and len(values) >= first + 4:
                offices[(name, canon(values[plan_at]) if plan_at is not None else "")] = tuple(values[first:first + 4])
    return {"offices": offices, "rows": rows}


def office_figures(path: Path, template: Template) -> list[tuple[str, str, Any, Any, Any, Any]] | None:
    """Each office's figures in a merge result, as 各单位汇总 gives them:
    (office, plan, items, done, overdue, average); None when ``path`` is no merge result."""
    found = read_previous(path, template)
    if found is None:
        return None
    return [(office, plan, *figures) for (office, plan), figures in found["offices"].items()]


def differences(before: dict[str, Any], plan: MergePlan) -> list[str]:
    """Lines saying what the new summary changes: offices added and gone, each office's
    figures, and how many rows differ."""
    old_stats: dict[tuple[str, str], tuple[Any, ...]] = before["offices"]
    new_stats = {(s.office, s.plan): (s.items, s.done, s.overdue, s.average) for s in plan.stats()}

    def name(key: tuple[str, str]) -> str:
        return f"{key[0]}（{key[1]}）" if key[1] else key[0]

    lines = []
    added = [name(o) for o in new_stats if o not in old_stats]
    gone = [name(o) for o in old_stats if o not in new_stats]
    if added:
        lines.append(f"新增 {len(added)} 个单位：{'、'.join(added[:10])}{'等' if len(added) > 10 else ''}")
    if gone:
        lines.append(f"不再包含 {len(gone)} 个单位：{'、'.join(gone[:10])}{'等' if len(gone) > 10 else ''}")
    names = ("项数", plan.template.ledger.done or "已完成", "逾期", "平均完成率")
    changed = 0
    for office, new in new_stats.items():
        old = old_stats.get(office)
        if old is None or tuple(canon(v) for v in old) == tuple(canon(v) for v in new):
            continue
        changed += 1
        if changed <= 20:
            parts = [f"{n} {canon(a) or 0} → {canon(b)}" for n, a, b in zip(names, old, new, strict=True)
                     if canon(a) != canon(b)]
            lines.append(f"{name(office)}：{'，'.join(parts)}")
    if changed > 20:
        lines.append(f"……共 {changed} 个单位的数字有变化")
    old_rows: dict[tuple[str, str, str], str] = before["rows"]
    new_rows = {(o.label, o.plan, key): "\0".join(canon(v) for v in values)
                for o in plan.offices for values, key, _ in o.rows}
    differ = sum(1 for k, v in new_rows.items() if k in old_rows and old_rows[k] != v)
    fresh = sum(1 for k in new_rows if k not in old_rows)
    if differ or fresh:
        lines.append(f"共 {differ} 行内容有变化，{fresh} 行是新增的")
    if not lines:
        lines.append("内容没有变化")
    return lines
