"""The exported 进度台账 workbook, reloaded with openpyxl."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop import official
from desktop.checks import run_checks
from desktop.export import ExportOptions, export_one
from desktop.ledger.common import BASELINE_SHEET, KEY_TITLE, LISTS_SHEET, MARK, SUMMARY_SHEET
from desktop.model import Progress

from desktop.sample import make_draft

DONE, NOT_APPLICABLE = "已完成", "不适用"  # the 2020 template's

TODAY = dt.date(2020, 10, 1)
LONG = "网络素养教育" * 3334  # 20,004 characters
HOSTILE = ["=1+1", "+8675783000000", "-5", "@SUM(A1:A2)", "#N/A", "#DIV/0!", '=HYPERLINK("http://x","点我")',
           "😀 表情", "𠀀𪚥 生僻字", "12", "2020-07-01", LONG]


def hostile_draft():
    """A sample draft whose user text is formula-like, emoji, rare CJK, very long."""
    d = make_draft(tasks=14, activities=5, issuers=2, seed=7)
    tasks = [t for _, t in d.plan.tasks()]
    for i, text in enumerate(HOSTILE):
        t = tasks[i % len(tasks)]
        if i < 8:
            t.title = text
        t.partners = [text, "市妇联"] if i % 2 else t.partners
        d.progress[t.id] = Progress(status="进行中", percent=i * 5, summary=text, evidence=text[:200],
                                    updated="2020-07-01")
    d.activities[0].name = "=SUM(1,2)"
    d.activities[1].time = "#REF!"
    d.activities[2].lead = "-市委网信办"
    d.progress[tasks[-1].id] = Progress(status=DONE, percent=100, summary="完成", updated="2020-09-30")
    d.progress[tasks[-2].id] = Progress(status=NOT_APPLICABLE)
    d.progress[d.activities[3].id] = Progress(status="延期", percent=None, summary="顺延")
    return d


@pytest.fixture
def hostile(template, tmp_path):
    d = hostile_draft()
    path = tmp_path / "清远-台账.xlsx"
    res = export_one(d, template, "xlsx", path, ExportOptions(today=TODAY))
    return d, path, res


def expected_rows(d, template):
    """Every row as it must appear: (key, {column key: value})."""
    rows = []
    for seq, (kind, _, item) in enumerate(d.items(), 1):
        p = d.progress.get(item.id)
        is_task = kind == "task"
        rows.append((item.id, {
            "seq": seq, "kind": template.ledger.kinds[kind], "name": item.title if is_task else item.name,
            "lead": item.lead, "partners": "、".join(item.partners),
            "deadline": dt.datetime.fromisoformat(item.deadline) if is_task else item.time,
            "summary": p.summary if p else "", "status": p.status if p else "",
            "percent": p.percent if p else None, "evidence": p.evidence if p else "",
            "updated": dt.datetime.fromisoformat(p.updated) if p and p.updated else "",
        }))
    return rows


def test_columns_rows_and_text_cells(hostile, template):
    d, path, res = hostile
    assert res.notes == []
    wb = openpyxl.load_workbook(path)
    ws = wb[template.ledger.sheet]
    titles = [c.title for c in template.ledger.columns]
    header = [c.value for c in ws[3]]
    assert header == titles + [KEY_TITLE]
    keys = [c.key for c in template.ledger.columns]
    assert ws["A1"].value == "清远市2020年争做中国好网民工程进度台账"
    assert "A1:M1" in {str(r) for r in ws.merged_cells.ranges}
    key_letter = openpyxl.utils.get_column_letter(len(titles) + 1)
    assert ws.column_dimensions[key_letter].hidden
    exp = expected_rows(d, template)
    assert ws.max_row == 3 + len(exp)
    for n, (key, values) in enumerate(exp, 4):
        row = {k: ws.cell(n, i + 1) for i, k in enumerate(keys)}
        assert ws.cell(n, len(keys) + 1).value == key
        for k, want in values.items():
            cell = row[k]
            got = cell.value
            if isinstance(want, str):
                assert (got or "") == want, (n, k)
                if want:
                    assert cell.data_type == "s", (n, k, want[:20])
            else:
                assert got == want, (n, k)
    # Every text cell anywhere in the workbook is text, never a formula or error, except our summary formulas.
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert sheet.title == SUMMARY_SHEET and cell.column == 3, cell.coordinate
                assert cell.data_type != "e"
    hostile_cells = [c for c in ws.iter_rows() for c in c if isinstance(c.value, str) and c.value[:1] in "=+-@#"]
    assert len(hostile_cells) >= 10
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile_cells)


def test_layout_validations_and_print_settings(hostile, template):
    d, path, _ = hostile
    wb = openpyxl.load_workbook(path)
    ws = wb[template.ledger.sheet]
    n = len(d.items())
    last = 3 + n
    assert ws.freeze_panes == "D4"
    assert ws.auto_filter.ref == f"A3:N{last}"
    for c, col in zip(template.ledger.columns, "ABCDEFGHIJKLM"):
        width = ws.column_dimensions[col].width
        assert official.text_units(c.title) + 3 <= width + 0.01 <= c.width + 0.01, c.title
    name_cell = ws.cell(4, 3)
    assert name_cell.alignment.wrap_text
    # Validations: status list from the hidden lists sheet, whole 0-100 percent, dates.
    dvs = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert set(dvs) == {"list", "whole", "date"}
    assert dvs["list"].formula1 == f"'{LISTS_SHEET}'!$A$1:$A$5"
    assert str(dvs["list"].sqref) == f"I4:I{last}"
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(i, 1).value for i in range(1, 6)] == list(template.ledger.statuses)
    assert MARK in [c.value for c in lists["D"]]
    assert (dvs["whole"].operator, dvs["whole"].formula1, dvs["whole"].formula2) == ("between", "0", "100")
    assert str(dvs["whole"].sqref) == f"J4:J{last}"
    assert str(dvs["date"].sqref) == f"L4:L{last}"
    # Conditional formats: completed rows and overdue rows, over the whole data range.
    rules = {str(rng.sqref): rng.rules for rng in ws.conditional_formatting}
    assert list(rules) == [f"A4:M{last}"]
    formulas = [r.formula[0] for r in rules[f"A4:M{last}"]]
    assert '$I4="已完成"' in formulas
    overdue = next(f for f in formulas if "DATE(2020,10,1)" in f)
    assert "$G4<DATE(2020,10,1)" in overdue and '$I4<>"已完成"' in overdue and '$I4<>"不适用"' in overdue
    assert all(r.dxf.fill is not None for r in rules[f"A4:M{last}"])
    # Printing: A4 landscape, one page wide, header repeated, page N of M.
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$3:$3"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.print_area == f"'{ws.title}'!$A$1:$M${last}"


def test_overdue_rows_are_marked(hostile, template):
    d, path, _ = hostile
    ws = openpyxl.load_workbook(path)[template.ledger.sheet]
    overdue_ids = {p.path.split(".", 1)[1] for p in run_checks(d, template, TODAY) if p.rule == "overdue"}
    assert overdue_ids  # the sample has deadlines before 2020-10-01
    marked = {ws.cell(r, 14).value for r in range(4, ws.max_row + 1)
              if "截至2020年10月1日已逾期" in (ws.cell(r, 13).value or "")}
    assert marked == overdue_ids


def test_summary_sheet_numbers_and_chart(hostile, template):
    d, path, _ = hostile
    wb = openpyxl.load_workbook(path)
    ws = wb[SUMMARY_SHEET]
    items = d.items()
    status = {i.id: (d.progress[i.id].status if i.id in d.progress else "") for _, _, i in items}
    values = {}
    for row in ws.iter_rows(values_only=True):
        if row[0] and row[1] is not None:
            values.setdefault(row[0], row[1:])
    assert values["总项数（重点任务和重点活动）"][0] == len(items)
    assert values["已完成"][0] == sum(s == DONE for s in status.values())
    overdue = sum(p.rule == "overdue" for p in run_checks(d, template, TODAY))
    assert values["逾期未完成"][0] == overdue
    pcts = []
    for _, _, i in items:
        p = d.progress.get(i.id)
        if p and p.status == NOT_APPLICABLE:
            continue
        pcts.append(p.percent if p and p.percent is not None else (100 if p and p.status == DONE else 0))
    assert values["总体完成率（%）"][0] == pytest.approx(round(sum(pcts) / len(pcts), 1))
    for s in template.ledger.statuses:
        assert values[s][0] == sum(v == s for v in status.values()), s
    assert values["未填报"][0] == sum(v == "" for v in status.values())
    leads = {}
    for _, _, i in items:
        leads.setdefault(i.lead, 0)
        leads[i.lead] += 1
    for lead, count in leads.items():
        assert values[lead][0] == count, lead
    # Live formulas beside the computed totals.
    assert str(ws["C6"].value).startswith("=COUNTA(")
    charts = ws._charts
    assert len(charts) == 1 and charts[0].type == "bar"
    with zipfile.ZipFile(path) as zf:
        chart_xml = zf.read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in chart_xml.replace(" ", "") or "barChart" in chart_xml
    ref = charts[0].series[0].val.numRef.f
    assert ref.startswith(f"'{SUMMARY_SHEET}'!$E$")


def test_very_long_text_is_cut_with_a_note(template, tmp_path):
    d = make_draft(tasks=2, activities=0)
    d.progress["t1"] = Progress(status="进行中", summary="长" * 40000)
    res = export_one(d, template, "xlsx", tmp_path / "x-台账.xlsx", ExportOptions(today=TODAY))
    assert any("32767" in n for n in res.notes)
    ws = openpyxl.load_workbook(res.path)[template.ledger.sheet]
    assert len(ws["H4"].value) == 32767 and ws["H4"].value.endswith("…")


def test_empty_plan_and_cli_export(template, tmp_path, example_path):
    from desktop.cli import main

    d = make_draft(tasks=0, activities=0)
    d.plan.task_groups = []
    res = export_one(d, template, "xlsx", tmp_path / "empty.xlsx", ExportOptions(today=TODAY))
    wb = openpyxl.load_workbook(res.path)
    assert [c.value for c in wb[template.ledger.sheet][3]][:3] == ["序号", "类别", "名称"]
    assert main(["export", str(example_path), "--xlsx", "--out", str(tmp_path)]) == 0
    out = tmp_path / (example_path.name.replace(".plan.json", "") + "-台账.xlsx")
    assert out.exists() and not list(Path(tmp_path).glob(".*.tmp"))
    assert openpyxl.load_workbook(out).sheetnames == [template.ledger.sheet, SUMMARY_SHEET, LISTS_SHEET, BASELINE_SHEET]


def test_checks_need_no_ledger_package():
    """The one dependency arrow that ran up (issue 29): checks take the overdue rule from the
    model and the statuses from the template."""
    import subprocess
    import sys

    code = "import sys, desktop.checks; print(sorted(m for m in sys.modules if m.startswith('desktop.ledger')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_what_counts_as_done_comes_from_the_template(template, tmp_path):
    """A template whose done status is 已办结: the summary counts it, 已完成 means nothing."""
    import dataclasses

    spec = dataclasses.replace(template.ledger, statuses=("未启动", "推进中", "已办结", "不适用"), done="已办结")
    other = dataclasses.replace(template, ledger=spec)
    d = make_draft(tasks=3, activities=0, seed=2)
    ids = [t.id for _, t in d.plan.tasks()]
    d.progress[ids[0]] = Progress(status="已办结")
    d.progress[ids[1]] = Progress(status="推进中", percent=50)
    res = export_one(d, other, "xlsx", tmp_path / "l.xlsx", ExportOptions(today=TODAY))
    ws = openpyxl.load_workbook(res.path)[SUMMARY_SHEET]
    figures = {r[0]: r[1] for r in ws.iter_rows(min_row=6, max_row=9, values_only=True)}
    assert figures["已办结"] == 1 and figures["总体完成率（%）"] == 50.0  # (100 + 50 + 0) / 3


def test_upstream_column_names_the_superiors_items(template, tmp_path):
    """对应省级任务 shows the superior's item with its name, not only 第6项 (issue 27.8)."""
    d = make_draft(tasks=3, activities=1, seed=2)
    tasks = [t for _, t in d.plan.tasks()]
    tasks[0].upstream = [6]
    tasks[1].upstream = [1, 6]
    tasks[2].upstream = []
    d.activities[0].upstream = [2]
    ws = openpyxl.load_workbook(export_one(d, template, "xlsx", tmp_path / "l.xlsx",
                                           ExportOptions(today=TODAY)).path)[template.ledger.sheet]
    head = {c.value: c.column for c in ws[3]}
    col = head["对应省级任务或活动"]
    shown = [ws.cell(r, col).value for r in range(4, 8)]
    assert shown[0] == "第6项：团结培育青年好网民"
    first, sixth = shown[1].split("\n")
    assert first.startswith("第1项：") and len(first) > 5 and sixth == "第6项：团结培育青年好网民"
    assert shown[2] is None
    assert shown[3] == "第2项：2020 儿童互联网大会暨青少年网络素养论坛"
