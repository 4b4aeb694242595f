"""The progress ledger (进度台账) as an .xlsx workbook.

``write(draft, template, dest, options) -> list[str]`` is the exporter the
facade (desktop.export) calls for ``export --xlsx``; it writes the whole
workbook to ``dest`` (a temporary path the facade renames atomically).

Sheets:
- 进度台账 (template.ledger.sheet): title row, 填报单位 line, header row, one row
  per task then per activity; the last column (hidden) holds the item id so an
  edited copy can be matched row by row. Frozen header, auto-filter, wrapped
  text, drop-down 状态 from the hidden 选项 sheet, whole-number 0–100 完成率,
  date validation for 更新日期, conditional formats for overdue (deadline
  passed, not 已完成/不适用) and completed rows, A4 landscape one page wide with
  the header repeated and 第 N 页 共 M 页 in the footer.
- 汇总: counts by status and by lead unit, overall completion and overdue
  count computed here (plus live COUNTIF formulas beside the totals) and a
  bar chart of completion by lead unit.
- 选项 (hidden, protected): the statuses, and who the ledger belongs to: the
  office, the plan's title and year, the draft's id, the template, the export
  date and time, and a format mark that the merge uses to recognise our
  ledgers. The same identity is in the custom document properties: Excel, WPS
  and LibreOffice Calc keep both when they save the file again.
- 导出时的内容 (hidden, protected): every row's values as exported (in
  ``common.canon`` form), so that the merge and the import decide what a
  colleague changed by content, never by file times.

The 截至日期 (``options.today``, the command line's ``--today``, else the
draft's ``as_of``) fixes the day overdue is judged by and is written out;
without one the conditional format uses TODAY(), so an opened copy stays
current, and no date goes into 备注.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from desktop import APP_NAME, official
from desktop.ledger.common import (
    BASELINE_SHEET, DATE_FORMAT, DRAFT_ID_LABEL, DRAFT_ID_PROPERTY, EXPORT_DATE_LABEL, EXPORT_DATE_PROPERTY,
    EXPORT_ID_LABEL, EXPORT_ID_PROPERTY, KEY_TITLE, LISTS_SHEET, MARK, OFFICE_LABEL, OFFICE_PREFIX, OFFICE_PROPERTY,
    PLAN_TITLE_LABEL, PLAN_TITLE_PROPERTY, SUMMARY_SHEET, TEMPLATE_LABEL, TEMPLATE_PROPERTY, YEAR_LABEL, YEAR_PROPERTY,
    canon, excel_date, office_of, overdue_formula, plan_ledger_title, plan_year, safe_text, set_text,
)
from desktop.ledger.rows import UNFILLED, LedgerRow, Summary, build_rows, summarize
from desktop.model import Draft
from desktop.templates import LedgerColumn, LedgerSpec, Template

TITLE_ROW, INFO_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4
BODY_FONT = "宋体"
HEAD_FONT = "黑体"
BODY_SIZE = 10
LINE_PT = 13.5  # one wrapped line of 10 pt text
MAX_ROW_PT = 409  # Excel's row height limit

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_OVERDUE_FILL = PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")
_DONE_FILL = PatternFill("solid", fgColor="E2EFDA", bgColor="E2EFDA")
_WRAP_TOP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TEXT_KEYS = ("name", "upstream", "lead", "partners", "summary", "evidence", "remark")


def _fit_width(texts: list[str], cap: float, floor: float) -> float:
    """Column width (Excel units, ≈ half a CJK character) for the given texts."""
    need = floor
    for text in texts:
        for line in text.split("\n"):
            need = max(need, official.text_units(line) * 2 + 2)
            if need >= cap:
                return cap
    return need


def _lines(text: str, width: float) -> int:
    per_line = max(1.0, (width - 1.5) / 2)  # CJK characters a line holds
    return sum(max(1, math.ceil(official.text_units(line) / per_line)) for line in text.split("\n"))


def _display(value: Any) -> str:
    if isinstance(value, _dt.date):
        return official.official_date(value)
    return "" if value is None else str(value)


def write(draft: Draft, template: Template, dest: Path, options: Any) -> list[str]:
    """Write the ledger workbook to ``dest``; returns notes for the clerk."""
    # 截至日期: the command line's --today, else the draft's; without one the
    # workbook marks overdue rows by Excel's TODAY() and writes no date in 备注.
    override = getattr(options, "today", None)
    fixed_today = override is not None or bool(official.parse_iso_date(draft.as_of.strip()))
    today = draft.as_of_date(override)
    exported_at = _dt.datetime.now().replace(microsecond=0)
    exported = exported_at.date()
    spec = template.ledger
    columns: list[LedgerColumn] = list(spec.columns)
    keys = [c.key for c in columns]
    rows = build_rows(draft, template, today, mark=fixed_today)
    summary = summarize(rows, spec)
    notes: list[str] = []
    office = office_of(draft)
    title = plan_ledger_title(draft.plan.title)
    if not draft.id:
        notes.append("这份草稿还没有方案编号（保存草稿时生成），台账中因此没有记下它：导回时按方案名称、填报单位"
                     "和各行名称核对。保存草稿后再导出的台账带有方案编号。")
    identity = {
        OFFICE_LABEL: office, PLAN_TITLE_LABEL: draft.plan.title, "台账格式": MARK,
        EXPORT_DATE_LABEL: exported.isoformat(), DRAFT_ID_LABEL: draft.id, TEMPLATE_LABEL: template.id,
        YEAR_LABEL: str(plan_year(draft.plan.title) or template.year),
        EXPORT_ID_LABEL: exported_at.isoformat(),
    }

    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet
    lists = wb.create_sheet(LISTS_SHEET)
    _write_lists(lists, spec.statuses, identity)

    ncol = len(columns)
    key_col = ncol + 1
    last_letter = get_column_letter(ncol)
    letter = {k: get_column_letter(i + 1) for i, k in enumerate(keys)}
    last_row = FIRST_ROW + len(rows) - 1

    # Widths: the template's width is the most a column takes; short content shrinks it.
    widths = {}
    for c in columns:
        texts = [_display(r.values.get(c.key)) for r in rows]
        head_floor = official.text_units(c.title) + 3  # header may wrap onto two lines
        widths[c.key] = round(_fit_width(texts, float(c.width), max(6.0, head_floor)), 1)
        ws.column_dimensions[letter[c.key]].width = widths[c.key]
    ws.column_dimensions[get_column_letter(key_col)].width = 12
    ws.column_dimensions[get_column_letter(key_col)].hidden = True

    # Title and the 填报单位 line.
    set_text(ws.cell(TITLE_ROW, 1), title)
    ws.cell(TITLE_ROW, 1).font = Font(name=HEAD_FONT, size=16, bold=True)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=ncol)
    ws.row_dimensions[TITLE_ROW].height = 30
    split = max(2, ncol // 2)
    set_text(ws.cell(INFO_ROW, 1), f"{OFFICE_PREFIX}{office}")
    when = (f"截至日期：{official.official_date(today)}" if fixed_today
            else f"导出日期：{official.official_date(exported)}")
    set_text(ws.cell(INFO_ROW, split + 1), f"{when}　　状态请从下拉列表选择，完成率填 0–100 的整数")
    for col in (1, split + 1):
        ws.cell(INFO_ROW, col).font = Font(name=BODY_FONT, size=BODY_SIZE)
        ws.cell(INFO_ROW, col).alignment = Alignment(vertical="center", horizontal="left" if col == 1 else "right")
    ws.merge_cells(start_row=INFO_ROW, start_column=1, end_row=INFO_ROW, end_column=split)
    ws.merge_cells(start_row=INFO_ROW, start_column=split + 1, end_row=INFO_ROW, end_column=ncol)
    ws.row_dimensions[INFO_ROW].height = 18

    # Header.
    head_font = Font(name=HEAD_FONT, size=BODY_SIZE, bold=True)
    head_lines = 1
    heads: list[LedgerColumn | None] = [*columns, None]
    for i, head in enumerate(heads, 1):
        cell = ws.cell(HEADER_ROW, i)
        set_text(cell, head.title if head else KEY_TITLE)
        cell.font, cell.fill, cell.border, cell.alignment = head_font, _HEAD_FILL, _BORDER, _CENTER
        if head:
            head_lines = max(head_lines, _lines(head.title, widths[head.key]))
    ws.row_dimensions[HEADER_ROW].height = head_lines * LINE_PT + 6

    # Data.
    body_font = Font(name=BODY_FONT, size=BODY_SIZE)
    cut = 0
    for n, r in enumerate(rows):
        row = FIRST_ROW + n
        lines = 1
        for i, key in enumerate(keys, 1):
            cell = ws.cell(row, i)
            value = r.values.get(key)
            if key == "seq":
                cell.value = value
                cell.alignment = _CENTER
            elif key == "percent":
                cell.value = value
                cell.number_format = "0" if isinstance(value, int) else "General"
                cell.alignment = _CENTER
            elif isinstance(value, _dt.date):
                cell.value = value
                cell.number_format = DATE_FORMAT
                cell.alignment = _CENTER
            else:
                text, was_cut = safe_text(value)
                cut += was_cut
                set_text(cell, text)
                cell.alignment = _CENTER if key in ("kind", "status") else _WRAP_TOP
                if key in _TEXT_KEYS or key in ("deadline", "updated"):
                    lines = max(lines, _lines(text, widths[key]))
            cell.font, cell.border = body_font, _BORDER
        key_cell = ws.cell(row, key_col)
        set_text(key_cell, r.key)
        key_cell.font = body_font
        ws.row_dimensions[row].height = min(MAX_ROW_PT, lines * LINE_PT + 4)
    if cut:
        notes.append(f"台账中有 {cut} 个单元格的文字超过 Excel 单元格上限（32767 字），已截断并以“…”结尾。")

    ws.freeze_panes = ws.cell(FIRST_ROW, 4 if ncol >= 4 else 1).coordinate
    data_end = max(last_row, FIRST_ROW)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(key_col)}{data_end}"

    if rows:
        _validations(ws, letter, spec.statuses, last_row)
        _conditional_formats(ws, letter, last_letter, key_col, last_row, today if fixed_today else None, spec)
    _page_setup(ws, f"A1:{last_letter}{data_end}")

    _summary_sheet(wb, summary, spec, title, office, today if fixed_today else None, today, letter, last_row)
    _baseline_sheet(wb, rows, columns)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True  # not to be edited by hand: unhiding it still shows the values
    wb.active = 0

    props = wb.properties
    props.title = title
    props.subject = "进度台账"
    props.creator = APP_NAME
    props.keywords = MARK
    props.description = f"{OFFICE_LABEL}：{office}"
    props.category = office[:255]
    from openpyxl.packaging.custom import StringProperty

    for name, label in ((DRAFT_ID_PROPERTY, DRAFT_ID_LABEL), (OFFICE_PROPERTY, OFFICE_LABEL),
                        (PLAN_TITLE_PROPERTY, PLAN_TITLE_LABEL), (TEMPLATE_PROPERTY, TEMPLATE_LABEL),
                        (YEAR_PROPERTY, YEAR_LABEL), (EXPORT_DATE_PROPERTY, EXPORT_DATE_LABEL),
                        (EXPORT_ID_PROPERTY, EXPORT_ID_LABEL)):
        value = safe_text(identity[label])[0][:255]
        if value:
            wb.custom_doc_props.append(StringProperty(name=name, value=value))
    # Build the zip in memory: openpyxl leaves its ZipFile open when a disk
    # write fails, and the half-closed archive then fails again at exit.
    buffer = io.BytesIO()
    wb.save(buffer)
    Path(dest).write_bytes(buffer.getvalue())
    return notes


def _write_lists(ws: Any, statuses: tuple[str, ...], identity: dict[str, str]) -> None:
    # Labels in C, values in D: older versions wrote the first five in this order.
    for i, status in enumerate(statuses, 1):
        set_text(ws.cell(i, 1), status)
    for i, (label, value) in enumerate(identity.items(), 1):
        set_text(ws.cell(i, 3), label)
        set_text(ws.cell(i, 4), value)


def _baseline_sheet(wb: Workbook, rows: list[LedgerRow], columns: list[Any]) -> None:
    """Every row's exported values, as text in canon() form, keyed by the row's id."""
    ws = wb.create_sheet(BASELINE_SHEET)
    keys = [c.key for c in columns if c.key != "seq"]
    for i, title in enumerate([KEY_TITLE] + [c.title for c in columns if c.key != "seq"], 1):
        set_text(ws.cell(1, i), title)
    for n, r in enumerate(rows, 2):
        set_text(ws.cell(n, 1), r.key)
        for i, key in enumerate(keys, 2):
            value = r.values.get(key)
            text = canon(safe_text(value)[0] if isinstance(value, str) else value)
            if text:
                set_text(ws.cell(n, i), text)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _validations(ws: Any, letter: dict[str, str], statuses: tuple[str, ...], last_row: int) -> None:
    if "status" in letter:
        ref = f"{quote_sheetname(LISTS_SHEET)}!$A$1:$A${len(statuses)}"
        dv = DataValidation(type="list", formula1=ref, allow_blank=True, showDropDown=False,
                            showErrorMessage=True, showInputMessage=True,
                            errorTitle="状态无效", error="请从下拉列表中选择：" + "、".join(statuses),
                            promptTitle="状态", prompt="请从下拉列表中选择")
        dv.add(f"{letter['status']}{FIRST_ROW}:{letter['status']}{last_row}")
        ws.add_data_validation(dv)
    if "percent" in letter:
        dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                            showErrorMessage=True, errorTitle="完成率无效",
                            error="完成率请填写 0 到 100 之间的整数，例如 80。")
        dv.add(f"{letter['percent']}{FIRST_ROW}:{letter['percent']}{last_row}")
        ws.add_data_validation(dv)
    if "updated" in letter:
        dv = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                            formula2="DATE(2099,12,31)", allow_blank=True, showErrorMessage=True,
                            errorTitle="日期无效", error="请填写日期，例如 2020-07-01 或 2020/7/1。")
        dv.add(f"{letter['updated']}{FIRST_ROW}:{letter['updated']}{last_row}")
        ws.add_data_validation(dv)


def _conditional_formats(ws: Any, letter: dict[str, str], last_letter: str, key_col: int, last_row: int,
                         today: _dt.date | None, spec: LedgerSpec) -> None:
    if "status" not in letter:
        return
    rng = f"A{FIRST_ROW}:{last_letter}{last_row}"
    st = f"${letter['status']}{FIRST_ROW}"
    if spec.done:
        done = FormulaRule(formula=[f'{st}="{spec.done}"'], fill=_DONE_FILL, font=Font(color="375623"),
                           stopIfTrue=True)
        ws.conditional_formatting.add(rng, done)
    if "deadline" in letter:
        formula = overdue_formula(f"${letter['deadline']}{FIRST_ROW}", st, today, spec.finished)
        ws.conditional_formatting.add(rng, FormulaRule(formula=[formula], fill=_OVERDUE_FILL,
                                                       font=Font(color="9C0006")))


def _live_overdue(rng: Callable[[str], str], letter: dict[str, str], spec: LedgerSpec,
                  fixed_today: _dt.date | None) -> str | None:
    """model.is_overdue counted over the ledger sheet (SUMPRODUCT: Excel, WPS and Calc alike)."""
    if "status" not in letter or "deadline" not in letter:
        return None
    dl, st = rng("deadline"), rng("status")
    terms = [f"ISNUMBER({dl})", f"({dl}<{excel_date(fixed_today)})"] + [f'({st}<>"{f}")' for f in spec.finished]
    return f"=SUMPRODUCT({'*'.join(terms)})"


def _live_average(rng: Callable[[str], str], letter: dict[str, str], spec: LedgerSpec,
                  keys_range: str) -> str | None:
    """The average of summarize() as a formula: blank counts 0 (done: 100), not applicable left out."""
    if "status" not in letter or "percent" not in letter:
        return None
    st, pct = rng("status"), rng("percent")
    if spec.not_applicable:
        total = f'SUMIFS({pct},{st},"<>{spec.not_applicable}")'
        count = f'(COUNTA({keys_range})-COUNTIF({st},"{spec.not_applicable}"))'
    else:
        total, count = f"SUM({pct})", f"COUNTA({keys_range})"
    if spec.done:
        total += f'+100*COUNTIFS({st},"{spec.done}",{pct},"")'
    return f"=IFERROR(ROUND(({total})/{count},1),0)"


def completion_chart(title: str, data: Any, categories: Any, width: float, height: float) -> Any:
    """A horizontal bar chart of average completion (0–100 %), values shown on
    the bars, in the same top-down order as the table it sits under."""
    from openpyxl.chart import BarChart
    from openpyxl.chart.label import DataLabelList

    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = title
    chart.legend = None
    chart.y_axis.title = "完成率（%）"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.dataLabels.showSerName = False
    chart.dataLabels.showCatName = False
    chart.dataLabels.showLegendKey = False
    chart.width = width
    chart.height = height
    return chart


def _page_setup(ws: Any, area: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.footer = 0.25
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = area
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9


def _summary_sheet(wb: Workbook, s: Summary, spec: LedgerSpec, title: str, office: str,
                   fixed_today: _dt.date | None, today: _dt.date, letter: dict[str, str], last_row: int) -> None:
    ws = wb.create_sheet(SUMMARY_SHEET, 1)
    ledger = quote_sheetname(wb.worksheets[0].title)
    bold = Font(name=HEAD_FONT, size=BODY_SIZE, bold=True)
    body = Font(name=BODY_FONT, size=BODY_SIZE)
    widths = {"A": 34, "B": 10, "C": 10, "D": 10, "E": 14, "F": 14}
    for column, w in widths.items():
        ws.column_dimensions[column].width = w

    def text(row: int, col: int, value: Any, font: Font = body, head: bool = False) -> None:
        cell = ws.cell(row, col)
        set_text(cell, value)
        cell.font = font
        cell.border = _BORDER
        cell.alignment = _CENTER if head else Alignment(vertical="center", wrap_text=True)
        if head:
            cell.fill = _HEAD_FILL

    def number(row: int, col: int, value: Any, fmt: str = "0") -> None:
        cell = ws.cell(row, col, value)
        cell.number_format = fmt
        cell.font, cell.border, cell.alignment = body, _BORDER, _CENTER

    set_text(ws.cell(1, 1), title.replace("进度台账", "") + "进度汇总" if title != "进度台账" else "进度汇总")
    ws.cell(1, 1).font = Font(name=HEAD_FONT, size=16, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells("A1:E1")
    ws.row_dimensions[1].height = 30
    set_text(ws.cell(2, 1), f"{OFFICE_PREFIX}{office}　　统计日期：{official.official_date(today)}")
    ws.cell(2, 1).font = body
    ws.merge_cells("A2:E2")

    # 一、总体情况: our values, and live formulas that follow later edits of the ledger.
    row = 4
    set_text(ws.cell(row, 1), "一、总体情况")
    ws.cell(row, 1).font = bold
    row += 1
    for col, head in enumerate(("项目", "导出时", "当前"), 1):
        text(row, col, head, bold, head=True)
    key_letter = get_column_letter(len(letter) + 1)

    def rng(k: str) -> str:
        return f"{ledger}!${letter[k]}${FIRST_ROW}:${letter[k]}${max(last_row, FIRST_ROW)}"

    keys_range = f"{ledger}!${key_letter}${FIRST_ROW}:${key_letter}${max(last_row, FIRST_ROW)}"
    live_total = f"=COUNTA({keys_range})"
    live_done = f'=COUNTIF({rng("status")},"{spec.done}")' if "status" in letter and spec.done else None
    overall = [
        ("总项数（重点任务和重点活动）", s.total, "0", live_total),
        (f"{spec.done or '已完成'}", s.done, "0", live_done),
        ("逾期未完成", s.overdue, "0", _live_overdue(rng, letter, spec, fixed_today)),
        ("总体完成率（%）", s.average, "0.0", _live_average(rng, letter, spec, keys_range)),
    ]
    for label, value, fmt, live in overall:
        row += 1
        text(row, 1, label)
        number(row, 2, value, fmt)
        cell = ws.cell(row, 3, live)
        cell.font, cell.border, cell.alignment = body, _BORDER, _CENTER
    row += 1
    note = ws.cell(row, 1)
    set_text(note, "说明：完成率未填写的按 0 计（已完成按 100 计），不适用的不计入；“当前”列随台账修改自动更新。")
    note.font = Font(name=BODY_FONT, size=9, color="595959")
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    ws.row_dimensions[row].height = 28

    # 二、按状态统计
    row += 2
    set_text(ws.cell(row, 1), "二、按状态统计")
    ws.cell(row, 1).font = bold
    row += 1
    for col, head in enumerate(("状态", "项数", "当前"), 1):
        text(row, col, head, bold, head=True)
    for status, count in s.by_status.items():
        row += 1
        text(row, 1, status)
        number(row, 2, count)
        if "status" in letter:
            crit = f'"{status}"' if status != UNFILLED else '""'
            formula = f"=COUNTIF({rng('status')},{crit})"
            if status == UNFILLED:
                formula = f"=COUNTA({ledger}!${key_letter}${FIRST_ROW}:${key_letter}${max(last_row, FIRST_ROW)})" \
                          f"-SUM(C{row - len(s.by_status) + 1}:C{row - 1})"
            cell = ws.cell(row, 3, formula)
            cell.font, cell.border, cell.alignment = body, _BORDER, _CENTER

    # 三、按牵头单位统计 + chart
    row += 2
    set_text(ws.cell(row, 1), "三、按牵头单位统计")
    ws.cell(row, 1).font = bold
    row += 1
    head_row = row
    for col, head in enumerate(("牵头单位", "项数", spec.done or "已完成", "逾期", "平均完成率（%）"), 1):
        text(row, col, head, bold, head=True)
    for lead, unit in s.by_lead.items():
        row += 1
        text(row, 1, lead)
        number(row, 2, unit["items"])
        number(row, 3, unit["done"])
        number(row, 4, unit["overdue"])
        number(row, 5, unit["average"], "0.0")
    if s.by_lead:
        chart = completion_chart("各牵头单位平均完成率（%）",
                                 Reference(ws, min_col=5, min_row=head_row, max_row=row),
                                 Reference(ws, min_col=1, min_row=head_row + 1, max_row=row),
                                 width=18, height=max(7.5, 1.0 * len(s.by_lead) + 3))
        ws.add_chart(chart, f"A{row + 2}")
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
