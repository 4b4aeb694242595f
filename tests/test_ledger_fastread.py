"""The merge's fast path (python-calamine) reads what openpyxl reads, or leaves the file to it.

Every file is built the way colleagues send them (re-saved by a spreadsheet
program, edited as raw XML as Excel and WPS write it) and read both ways: the
rows, values and identity must agree, and so must the merged workbook and
every message. ``test_calamine_still_behaves_as_the_adapter_expects`` fails
loudly when a new python-calamine reads anything differently.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from desktop.errors import LedgerError
from desktop.export import ExportOptions, export_one
from desktop.ledger import fastread
from desktop.ledger import merge as merge_module
from desktop.ledger import reader
from desktop.ledger.common import canon
from desktop.ledger.merge import COMBINED_SHEET, merge_ledgers
from desktop.model import Progress
from desktop.sample import make_draft

DONE = "已完成"  # the 2020 template's
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


def cell(sheet: str, ref: str, xml: str) -> str:
    """``sheet`` with the cell ``ref`` replaced by ``xml`` (exactly one such cell)."""
    out, n = re.subn(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', xml, sheet, count=1)
    assert n == 1, ref
    return out


def header(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[3] if c.value}


def resaved(path: Path, edit) -> None:
    wb = openpyxl.load_workbook(path)
    edit(wb["进度台账"], header(wb["进度台账"]))
    wb.save(path)


def _dates_and_statuses(ws, h):
    ws.cell(6, h["完成率（%）"]).value = "40%"
    ws.cell(7, h["更新日期"]).value = "2020/7/1"
    ws.cell(8, h["更新日期"]).value, ws.cell(8, h["更新日期"]).number_format = 44013, "yyyy/m/d"
    ws.cell(9, h["更新日期"]).value = dt.datetime(2020, 9, 9, 10, 30)
    ws.cell(10, h["状态"]).value = "差不多了"
    ws.cell(11, h["状态"]).value = True
    ws.cell(12, h["完成率（%）"]).value = 33.33


def _columns_rows_rich(ws, h):
    ws.insert_cols(4)
    ws.cell(3, 4).value = "联系人"
    ws.insert_rows(8, 3)
    ws.cell(5, header(ws)["进展情况"]).value = CellRichText(
        [TextBlock(InlineFont(b=True), "已完成"), "部分，", TextBlock(InlineFont(i=True), "待验收")])


def shared_strings_edit(path: Path) -> None:
    """As WPS writes it: shared strings with runs and a phonetic guide."""
    openpyxl.load_workbook(path).save(path)

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/sharedStrings.xml":
            return data.replace("<si><t>重点任务</t></si>".encode(),
                                "<si><r><rPr><b/></rPr><t>重点</t></r><r><t>任务</t></r><rPh sb=\"0\" eb=\"1\">"
                                "<t>zd</t></rPh></si>".encode(), 1)
        return data

    rezip(path, edit)


# Read by calamine: the fast path must give what openpyxl gives.
FAST = {
    "as exported": lambda p: None,
    "re-saved, dates and statuses typed": lambda p: resaved(p, _dates_and_statuses),
    "extra column, empty rows, rich text": lambda p: resaved(p, _columns_rows_rich),
    "formulas, empty inline string, runs": lambda p: rezip(p, in_sheet(lambda s: cell(cell(cell(cell(
        s, "J4", '<c r="J4"><f>20*2</f><v>40</v></c>'), "K8", '<c r="K8"><f>1/0</f></c>'),
        "L8", '<c r="L8" t="inlineStr"><is><t></t></is></c>'),
        "H9", '<c r="H9" t="inlineStr"><is><r><rPr><b/></rPr><t>粗</t></r><r><t>体</t></r></is></c>'))),
    "stale dimension": lambda p: rezip(p, in_sheet(lambda s: re.sub(r'<dimension ref="[^"]*"/>',
                                                                    '<dimension ref="A1:N12"/>', s))),
    "no dimension": lambda p: rezip(p, in_sheet(lambda s: re.sub(r'<dimension ref="[^"]*"/>', "", s))),
    "1904 dates": lambda p: rezip(p, lambda n, b: b.replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>')
                                  if n == "xl/workbook.xml" else b),
    "line breaks and comments between cells": lambda p: rezip(p, in_sheet(lambda s: s.replace(
        "<c ", "\n  <c ").replace('</row><row r="6"', '<!-- checked --></row><row r="6"', 1))),
    "WPS shared strings": shared_strings_edit,
}


def _percent_typed(ws, h):
    cell = ws.cell(5, h["完成率（%）"])
    cell.value, cell.number_format = 1, "0%"  # 100% typed into the cell: Excel stores 1
    cell = ws.cell(6, h["完成率（%）"])
    cell.value, cell.number_format = 0.8, "0%"


# Left to openpyxl: calamine would read these differently, or build a huge grid.
SLOW = {
    "100% typed into a cell (percent format)": lambda p: resaved(p, _percent_typed),
    "an error cell": lambda p: rezip(p, in_sheet(lambda s: s.replace(
        '</row><row r="8"', '<c r="I7" t="e"><v>#N/A</v></c></row><row r="8"', 1))),
    "cells without references": lambda p: rezip(p, in_sheet(lambda s: re.sub(r'<c r="[A-Z]+1[0-2]"', "<c", s))),
    "two cells at one reference": lambda p: rezip(p, in_sheet(lambda s: s.replace(
        '</row><row r="8"', '<c r="M7" t="inlineStr"><is><t>后写的</t></is></c></row><row r="8"', 1))),
    "a cell far out": lambda p: rezip(p, in_sheet(lambda s: s.replace(
        "</sheetData>", '<row r="99999"><c r="XFD99999" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))),
}


@pytest.fixture
def ledger_file(template, tmp_path):
    def make(edit, name: str = "甲-台账.xlsx") -> Path:
        d = make_draft(tasks=12, activities=4, seed=7)
        d.id = "a1b2c3d4e5f60718"
        d.notice.issuers = ["甲区委网信办"]
        first = d.plan.task_groups[0].tasks[0].id
        d.progress[first] = Progress(status=DONE, percent=100, summary="　　开头的全角空格")
        path = export_one(d, template, "xlsx", tmp_path / name, ExportOptions(today=TODAY)).path
        edit(path)
        return path
    return make


def _kind(value) -> str:
    if value is None or value == "":  # an empty string cell is a blank to every reader of ledgers
        return "blank"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return type(value).__name__


def read(path: Path, template, fast: bool):
    with reader.open_ledger(path, template, fast=fast) as ledger:
        kind = type(ledger.rows().__next__()[1][0]).__name__
        rows = [(n, [(_kind(getattr(c, "value", None)), canon(getattr(c, "value", None))) for c in row])
                for n, row in ledger.rows()]
        return kind, ledger.identity, ledger.columns, rows, ledger.baseline(template)


@pytest.mark.parametrize("edit", list(FAST), ids=list(FAST))
def test_fast_path_reads_what_openpyxl_reads(ledger_file, template, edit):
    path = ledger_file(FAST[edit])
    kind, identity, columns, rows, baseline = read(path, template, fast=True)
    assert kind == "FastCell"  # calamine read it
    slow_kind, slow_identity, slow_columns, slow_rows, slow_baseline = read(path, template, fast=False)
    assert slow_kind != "FastCell"
    assert identity == slow_identity and identity.draft_id == "a1b2c3d4e5f60718" and identity.year == 2020
    assert columns == slow_columns
    assert rows == slow_rows
    assert baseline == slow_baseline and baseline is not None


@pytest.mark.parametrize("edit", list(SLOW), ids=list(SLOW))
def test_what_calamine_would_misread_goes_to_openpyxl(ledger_file, template, edit):
    path = ledger_file(SLOW[edit])
    with zipfile.ZipFile(path) as zf:
        assert not fastread.reads_exactly(zf)
    kind, *_ = read(path, template, fast=True)
    assert kind != "FastCell"


def test_a_percent_typed_as_100_percent_counts_as_100(ledger_file, template, tmp_path):
    """Excel stores 100% as 1 in a cell formatted 0%: only the format tells it from 1 %."""
    path = ledger_file(SLOW["100% typed into a cell (percent format)"])
    out = tmp_path / "合并.xlsx"
    merge_ledgers([path], out, template=template, today=TODAY)
    ws = openpyxl.load_workbook(out)[COMBINED_SHEET]
    head = [c.value for c in ws[1]]
    percents = [r[head.index("完成率（%）")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert percents[1:3] == [100, 80]


def test_merge_output_and_messages_do_not_depend_on_the_reader(ledger_file, template, tmp_path, monkeypatch):
    folder = tmp_path / "报送"
    folder.mkdir()
    for i, edit in enumerate(list(FAST.values()) + list(SLOW.values())):
        ledger_file(edit, f"区{i}.xlsx").rename(folder / f"区{i}-台账.xlsx")
    good = (folder / "区0-台账.xlsx").read_bytes()
    (folder / "截断.xlsx").write_bytes(good[: len(good) // 2])
    (folder / "样式坏了.xlsx").write_bytes(good)
    rezip(folder / "样式坏了.xlsx", lambda n, b: b[: len(b) // 2] if n == "xl/styles.xml" else b)
    (folder / "名单.xlsx").write_bytes("姓名,电话\n".encode())
    other = openpyxl.Workbook()
    other.active.append(["姓名", "电话"])
    other.save(folder / "通讯录.xlsx")

    fast = merge_ledgers([folder], tmp_path / "fast.xlsx", template=template, today=TODAY)
    original = merge_module.open_ledger
    monkeypatch.setattr(merge_module, "open_ledger", lambda p, t, fast=False: original(p, t, fast=False))
    slow = merge_ledgers([folder], tmp_path / "openpyxl.xlsx", template=template, today=TODAY)

    def lines(report, out):
        return [line.replace(str(out), "OUT") for line in report.lines()]

    assert lines(fast, tmp_path / "fast.xlsx") == lines(slow, tmp_path / "openpyxl.xlsx")
    assert "样式坏了.xlsx" in "\n".join(fast.lines()) and "损坏" in "\n".join(fast.lines())
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as a, zipfile.ZipFile(tmp_path / "openpyxl.xlsx") as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":  # holds the time of writing
                assert a.read(name) == b.read(name), name


def test_damaged_parts_give_the_same_message_either_way(ledger_file, template):
    path = ledger_file(lambda p: rezip(p, lambda n, b: b[: len(b) // 2] if n == "xl/styles.xml" else b))
    messages = []
    for fast in (True, False):
        with pytest.raises(LedgerError) as err:
            with reader.open_ledger(path, template, fast=fast):
                pass
        messages.append(str(err.value))
    assert messages[0] == messages[1] and "损坏" in messages[0]


def test_numbers_of_thousands_of_digits_are_refused_with_a_message(ledger_file, template, tmp_path):
    """No OverflowError or ValueError reaches the clerk (issue 24.2): numbers are bounded where read."""
    from desktop.ledger.importing import plan_import

    huge = "9" * 5000
    path = ledger_file(lambda p: rezip(p, in_sheet(lambda s: cell(cell(
        s, "J4", f'<c r="J4"><v>{huge}</v></c>'), "L5", '<c r="L5"><v>1e400</v></c>'))))
    report = merge_ledgers([path], tmp_path / "m.xlsx", template=template, today=TODAY)
    text = "\n".join(report.lines())
    assert report.written and "第 4 行" in text and "完成率" in text and "超出" in text, text
    assert "inf" not in text, text
    ws = openpyxl.load_workbook(tmp_path / "m.xlsx")[COMBINED_SHEET]
    assert ws.max_row == 1 + 15  # every other row merged
    draft = make_draft(tasks=12, activities=4, seed=7)
    draft.id = "a1b2c3d4e5f60718"
    draft.notice.issuers = ["甲区委网信办"]
    try:
        plan = plan_import(draft, template, path)
        message = "\n".join(r.message for r in plan.rejections)
    except LedgerError as err:
        message = str(err)
    assert "完成率" in message or "无法读取" in message or "损坏" in message, message


def test_calamine_still_behaves_as_the_adapter_expects(tmp_path):
    """What fastread relies on. If this fails, python-calamine has changed: adapt fastread
    (and its guards) before relaxing anything here."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["C3"] = "文字"
    ws["D5"] = dt.datetime(2020, 7, 1, 10, 30)
    ws["E5"] = dt.date(2020, 7, 1)
    ws["E5"].number_format = 'yyyy"年"m"月"d"日"'
    ws["F5"] = 40
    ws["G5"] = 33.33
    ws["H5"] = True
    ws["I5"] = "007"
    hidden = wb.create_sheet("藏")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    path = tmp_path / "probe.xlsx"
    wb.save(path)
    rezip(path, in_sheet(lambda s: s.replace("</row></sheetData>", '<c r="J5" t="e"><v>#N/A</v></c></row>'
                                            "</sheetData>")))
    book = CalamineWorkbook.from_path(str(path))
    meta = {m.name: (m.typ, m.visible) for m in book.sheets_metadata}
    assert meta == {"表": (SheetTypeEnum.WorkSheet, SheetVisibleEnum.Visible),
                    "藏": (SheetTypeEnum.WorkSheet, SheetVisibleEnum.Hidden)}
    grid = book.get_sheet_by_name("表").to_python(skip_empty_area=False)
    assert grid[2][2] == "文字", "skip_empty_area=False no longer anchors the grid at A1"
    row = grid[4]
    assert row[3] == dt.datetime(2020, 7, 1, 10, 30) and row[4] == dt.date(2020, 7, 1), "dates"
    assert row[5] == 40.0 and type(row[5]) is float and row[6] == 33.33, "numbers come as floats"
    assert row[7] is True and row[8] == "007", "booleans and number-like text"
    assert row[9] == "", "error cells come as empty strings (fastread sends such files to openpyxl)"
    assert grid[0][0] == "", "blank cells come as empty strings"
    assert [fastread.value(v) for v in row[3:10]] == [dt.datetime(2020, 7, 1, 10, 30), dt.date(2020, 7, 1), 40,
                                                      33.33, True, "007", None]
