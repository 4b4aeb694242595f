"""The merge's direct and lean ledger readers (issue 16) read exactly what openpyxl reads.

Every file is read each way: the direct reader (zipfile + lxml) and the lean
reader (openpyxl's parsers, trimmed) must give the same cells (value,
data_type, number_format) or refuse, in which case the merge falls back to
the next reader and finally openpyxl. Files are built the way colleagues send them: re-saved by
a spreadsheet program, edited as raw XML as Excel and WPS write it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from desktop.errors import LedgerError
from desktop.export import ExportOptions, export_one
from desktop.ledger import merge as merge_module
from desktop.ledger import reader
from desktop.ledger.common import MAX_COLUMNS
from desktop.ledger.merge import merge_ledgers
from desktop.model import DONE, Progress
from desktop.sample import make_draft

TODAY = dt.date(2020, 10, 1)
SHEET = "xl/worksheets/sheet1.xml"


def rezip(path: Path, edit) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info.filename)))
    path.write_bytes(out.getvalue())


def in_sheet(fn):
    return lambda name, data: fn(data.decode()).encode() if name == SHEET else data


def header(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[3] if c.value}


def resaved(path: Path, edit) -> None:
    wb = openpyxl.load_workbook(path)
    edit(wb["进度台账"], header(wb["进度台账"]))
    wb.save(path)


def _percent_and_dates(ws, h):
    ws.cell(5, h["完成率（%）"]).value, ws.cell(5, h["完成率（%）"]).number_format = 0.8, "0%"
    ws.cell(6, h["完成率（%）"]).value = "40%"
    ws.cell(7, h["更新日期"]).value = "2020/7/1"
    ws.cell(8, h["更新日期"]).value, ws.cell(8, h["更新日期"]).number_format = 44013, "yyyy/m/d"
    ws.cell(9, h["更新日期"]).value = dt.datetime(2020, 9, 9, 10, 30)
    ws.cell(10, h["状态"]).value = "差不多了"
    ws.cell(11, h["状态"]).value = True


def _columns_rows_rich(ws, h):
    ws.insert_cols(4)
    ws.cell(3, 4).value = "联系人"
    ws.insert_rows(8, 3)
    ws.cell(5, header(ws)["进展情况"]).value = CellRichText(
        [TextBlock(InlineFont(b=True), "已完成"), "部分，", TextBlock(InlineFont(i=True), "待验收")])


EDITS = {
    "as exported": lambda p: None,
    "re-saved, percents and dates typed": lambda p: resaved(p, _percent_and_dates),
    "extra column, empty rows, rich text": lambda p: resaved(p, _columns_rows_rich),
    "formulas, errors, empty inline string": lambda p: rezip(p, in_sheet(lambda s: re.sub(
        r'<c r="J4"([^>]*)><v>[^<]*</v></c>', r'<c r="J4"\1><f>20*2</f><v>40</v></c>', s).replace(
        '</row><row r="8"', '<c r="M7" t="e"><v>#N/A</v></c><c r="N7" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
        '</row><row r="8"', 1).replace('</row><row r="9"', '<c r="M8"><f>1/0</f></c><c r="N8" t="inlineStr">'
        '<is><t></t></is></c></row><row r="9"', 1).replace('</row><row r="10"', '<c r="M9" t="inlineStr"><is>'
        '<r><rPr><b/></rPr><t>粗</t></r><r><t>体</t></r></is></c></row><row r="10"', 1))),
    "cells without references": lambda p: rezip(p, in_sheet(lambda s: re.sub(r'<c r="[A-Z]+1[0-2]"', "<c", s))),
    "stale dimension": lambda p: rezip(p, in_sheet(lambda s: re.sub(r'<dimension ref="[^"]*"/>',
                                                                    '<dimension ref="A1:N12"/>', s))),
    "no dimension": lambda p: rezip(p, in_sheet(lambda s: re.sub(r'<dimension ref="[^"]*"/>', "", s))),
    "1904 dates": lambda p: rezip(p, lambda n, b: b.replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>')
                                  if n == "xl/workbook.xml" else b),
    "line breaks and comments between cells": lambda p: rezip(p, in_sheet(lambda s: s.replace(
        "<c ", "\n  <c ").replace('</row><row r="6"', '<!-- checked --></row><row r="6"', 1))),
}


def shared_strings_edit(path: Path) -> None:
    """As WPS writes it: shared strings with runs and a phonetic guide, rows without r."""
    openpyxl.load_workbook(path).save(path)

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/sharedStrings.xml":
            return data.replace(b"<si><t>\xe9\x87\x8d\xe7\x82\xb9\xe4\xbb\xbb\xe5\x8a\xa1</t></si>",  # 重点任务
                                "<si><r><rPr><b/></rPr><t>重点</t></r><r><t>任务</t></r><rPh sb=\"0\" eb=\"1\">"
                                "<t>zd</t></rPh></si>".encode(), 1)
        if name == SHEET:
            return re.sub(rb'<row r="1[34]"', b"<row", data)
        return data

    rezip(path, edit)


EDITS["WPS shared strings"] = shared_strings_edit


@pytest.fixture
def ledger_file(template, tmp_path):
    def make(edit) -> Path:
        d = make_draft(tasks=12, activities=4, seed=7)
        d.notice.issuers = ["甲区委网信办"]
        first = d.plan.task_groups[0].tasks[0].id
        d.progress[first] = Progress(status=DONE, percent=100, summary="　　开头的全角空格")
        path = export_one(d, template, "xlsx", tmp_path / "甲-台账.xlsx", ExportOptions(today=TODAY)).path
        edit(path)
        return path
    return make


def cells(ws, **kwargs) -> list[list[tuple]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [[(getattr(c, "value", None), getattr(c, "data_type", None), getattr(c, "number_format", None))
                 for c in row] for row in ws.iter_rows(**kwargs)]


READERS = {"lean": reader._lean_workbook, "direct": reader._direct_workbook}


@pytest.mark.parametrize("kind", list(READERS))
@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_fast_readers_read_what_openpyxl_reads(ledger_file, template, edit, kind):
    path = ledger_file(EDITS[edit])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    lean = READERS[kind](path)  # raises instead of falling back: must not for these
    try:
        assert lean.sheetnames == plain.sheetnames
        assert lean.epoch == plain.epoch
        for name in plain.sheetnames:
            assert cells(lean[name], max_col=MAX_COLUMNS) == cells(plain[name], max_col=MAX_COLUMNS), name
            assert cells(lean[name], min_row=4, max_col=14) == cells(plain[name], min_row=4, max_col=14), name
        a = reader._find_ledger(lean, path, template, [])
        b = reader._find_ledger(plain, path, template, [])
        same = ("columns", "office", "ours", "draft_id", "plan_title", "exported", "merged")
        assert [getattr(a, k) for k in same] == [getattr(b, k) for k in same]
        assert [(n, [(c.value, c.data_type, c.number_format) for c in row]) for n, row in a.rows()] == \
               [(n, [(c.value, c.data_type, c.number_format) for c in row]) for n, row in b.rows()]
    finally:
        lean.close()
        plain.close()


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_merge_reads_these_with_the_direct_reader(ledger_file, template, edit, monkeypatch):
    path = ledger_file(EDITS[edit])
    monkeypatch.setattr(reader, "_open_lean", lambda *a: pytest.fail("fell back to the lean reader"))
    with reader.open_ledger(path, template, fast=True) as ledger:
        assert isinstance(ledger.sheet, reader._DirectSheet)


def test_merge_output_and_messages_do_not_depend_on_the_reader(ledger_file, template, tmp_path, monkeypatch):
    folder = tmp_path / "报送"
    folder.mkdir()
    for i, edit in enumerate(EDITS.values()):
        ledger_file(edit).rename(folder / f"区{i}-台账.xlsx")
    good = (folder / "区0-台账.xlsx").read_bytes()
    (folder / "截断.xlsx").write_bytes(good[: len(good) // 2])
    (folder / "样式坏了.xlsx").write_bytes(good)
    rezip(folder / "样式坏了.xlsx", lambda n, b: b[: len(b) // 2] if n == "xl/styles.xml" else b)
    (folder / "名单.xlsx").write_bytes("姓名,电话\n".encode())
    other = openpyxl.Workbook()
    other.active.append(["姓名", "电话"])
    other.save(folder / "通讯录.xlsx")

    direct = merge_ledgers([folder], tmp_path / "direct.xlsx", template=template, today=TODAY)
    monkeypatch.setattr(reader, "DIRECT_READER", False)
    fast = merge_ledgers([folder], tmp_path / "lean.xlsx", template=template, today=TODAY)
    original = merge_module.open_ledger
    monkeypatch.setattr(merge_module, "open_ledger", lambda p, t, fast=False: original(p, t, fast=False))
    slow = merge_ledgers([folder], tmp_path / "openpyxl.xlsx", template=template, today=TODAY)

    def lines(report, out):
        return [line.replace(str(out), "OUT") for line in report.lines()]

    assert lines(direct, tmp_path / "direct.xlsx") == lines(slow, tmp_path / "openpyxl.xlsx")
    assert lines(fast, tmp_path / "lean.xlsx") == lines(slow, tmp_path / "openpyxl.xlsx")
    assert "样式坏了.xlsx" in "\n".join(direct.lines()) and "损坏" in "\n".join(direct.lines())
    for out in ("direct.xlsx", "lean.xlsx"):
        with zipfile.ZipFile(tmp_path / out) as a, zipfile.ZipFile(tmp_path / "openpyxl.xlsx") as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                if name != "docProps/core.xml":  # holds the time of writing
                    assert a.read(name) == b.read(name), (out, name)


def test_damaged_parts_fall_back_to_openpyxl(ledger_file, template):
    path = ledger_file(lambda p: rezip(p, lambda n, b: b[: len(b) // 2] if n == "xl/styles.xml" else b))
    assert reader._open_direct(path, template, []) is None
    assert reader._open_lean(path, template, []) is None
    messages = []
    for fast in (True, False):
        with pytest.raises(LedgerError) as err:
            with reader.open_ledger(path, template, fast=fast):
                pass
        messages.append(str(err.value))
    assert messages[0] == messages[1] and "损坏" in messages[0]


@pytest.mark.parametrize("edit", [
    pytest.param(in_sheet(lambda s: s.replace('t="inlineStr"', 't="x"', 1)), id="unknown cell type"),
    pytest.param(in_sheet(lambda s: '<!DOCTYPE worksheet [<!ENTITY e "x">]>' + s), id="DOCTYPE"),
    pytest.param(in_sheet(lambda s: s.replace("<v>", "<v>x", 1)), id="bad number"),
    pytest.param(in_sheet(lambda s: s.replace('<c r="A5"', '<x/><c r="A5"', 1)), id="not a cell in a row"),
    pytest.param(lambda n, b: b.replace(b"<workbookPr/>", b'<workbookPr date1904="ja"/>')
                 if n == "xl/workbook.xml" else b, id="odd date1904"),
])
def test_direct_reader_leaves_the_unusual_to_the_others(ledger_file, template, edit):
    path = ledger_file(lambda p: rezip(p, edit))
    assert reader._open_direct(path, template, []) is None
    messages = []
    for fast in (True, False):
        try:
            with reader.open_ledger(path, template, fast=fast) as ledger:
                messages.append([(n, [(c.value, c.number_format) for c in row]) for n, row in ledger.rows()])
        except LedgerError as err:
            messages.append(str(err))
        except ValueError as err:  # a bad number below the header: the readers fail alike
            messages.append(type(err).__name__)
    assert messages[0] == messages[1]


def reference_rows(path: Path, template, keys, today):
    """The merge's per-row reading as it was before issue 16, cell by cell through Columns."""
    from desktop.ledger.common import ValueProblem, cell_text, deadline_of, is_overdue, parse_ledger_value

    statuses = tuple(template.ledger.statuses)
    labels = {c.key: c.title for c in template.ledger.columns}
    rows, rejected = [], []
    with reader.open_ledger(path, template, fast=True) as ledger:
        office = ledger.office or merge_module.office_from_name(path)
        cols = ledger.columns
        for n, cells in ledger.rows():
            row_office = (cell_text(cols.get(cells, "unit")) or office) if "unit" in cols.index else office
            values, status, pct, deadline, reasons = [row_office], "", None, None, []
            for key in keys:
                cell = cols.cell(cells, key)
                raw = getattr(cell, "value", None)
                if key in ("status", "percent"):
                    try:
                        value = parse_ledger_value(key, raw, getattr(cell, "number_format", "") or "", statuses,
                                                   labels.get(key, key))
                    except ValueProblem as problem:
                        reasons.append(str(problem))
                        value = cell_text(raw)
                    if key == "status":
                        status = value if isinstance(value, str) else ""
                    elif not isinstance(value, str):
                        pct = value
                    values.append(value)
                elif key in ("deadline", "updated"):
                    day = merge_module._as_date(raw)
                    if key == "deadline":
                        deadline = day if day else deadline_of(raw)
                    values.append(day if day else cell_text(raw))
                elif key == "seq" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                    values.append(raw)
                else:
                    values.append(cell_text(raw))
            name = cell_text(cols.get(cells, "name"))
            if reasons:
                rejected.append(f"第 {n} 行“{name[:24]}”未合并：{'；'.join(reasons)}")
                continue
            values.append(cell_text(cols.get(cells, "key")))
            values.append(cell_text(cols.get(cells, "source")) or path.name)
            rows.append((row_office, values, status, pct, is_overdue(deadline, status, today)))
    return office, rows, rejected


def test_merge_rows_are_read_as_cell_by_cell_reading_reads_them(ledger_file, template, tmp_path):
    """The merge's per-file reading plan (issue 16) gives every value, type and refusal as before."""
    from tests.test_ledger_export import hostile_draft

    paths = []
    for i, edit in enumerate(EDITS.values()):
        paths.append(ledger_file(edit).rename(tmp_path / f"区{i}-台账.xlsx"))
    def odd_numbers(ws, h):
        ws.cell(5, h["序号"]).value, ws.cell(6, h["序号"]).value, ws.cell(7, h["序号"]).value = True, 2.5, "三"

    paths.append(ledger_file(lambda p: resaved(p, odd_numbers)).rename(tmp_path / "序号-台账.xlsx"))
    hostile = hostile_draft()
    paths.append(export_one(hostile, template, "xlsx", tmp_path / "丙-台账.xlsx", ExportOptions(today=TODAY)).path)
    merged = tmp_path / "合并.xlsx"
    merge_ledgers(paths[:3], merged, template=template, today=TODAY)
    paths.append(merged)
    keys = [c.key for c in template.ledger.columns]
    rejected_somewhere = False
    for path in paths:
        got = merge_module._read_file(path, template, keys, TODAY)
        office, rows, rejected = reference_rows(path, template, keys, TODAY)
        assert got.office == office, path.name
        assert [(r.office, r.values, r.status, r.percent, r.overdue) for r in got.rows] == rows, path.name
        assert [[type(v) for v in r.values] for r in got.rows] == [[type(v) for v in r[1]] for r in rows]
        assert got.rejected == rejected, path.name
        rejected_somewhere |= bool(rejected)
    assert rejected_somewhere  # the typed-in statuses and percents include refused ones
