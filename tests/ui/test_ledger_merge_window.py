"""Merging in the window (issue 28): conflicts chosen field by field, the change against the
last summary shown before it is replaced, and the merge undone."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl

from desktop.export import ExportOptions, export_one
from desktop.model import Progress
from desktop.sample import make_draft
from tests.ui.recorder import recorder


def _edit(path: Path, key: str, changes: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    head = {c.value: c.column for c in ws[3]}
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, head["编号（请勿修改）"]).value == key)
    for title, value in changes.items():
        ws.cell(row, head[title]).value = value
    wb.save(path)


def _status_of(out: Path, key: str):
    ws = openpyxl.load_workbook(out)["合并台账"]
    head = [c.value for c in ws[1]]
    return next(r[head.index("状态")] for r in ws.iter_rows(min_row=2, values_only=True)
                if r[head.index("编号（请勿修改）")] == key)


def test_conflicts_are_chosen_field_by_field_and_a_merge_can_be_undone(qtbot, make_window, template,
                                                                         tmp_path: Path):
    from desktop.ui.ledger_tools import KEEP_OPEN, MergeDialog

    folder = tmp_path / "报送"
    folder.mkdir()
    d = make_draft(tasks=4, activities=1, seed=5)
    d.id, d.notice.issuers = "f0f0f0f0f0f0f0f0", ["顺德区委网信办"]
    d.progress["t3"] = Progress(status="进行中", percent=10)
    base = export_one(d, template, "xlsx", tmp_path / "台账.xlsx", ExportOptions(today=dt.date(2020, 10, 1))).path
    a, b = folder / "甲.xlsx", folder / "乙.xlsx"
    shutil.copy(base, a)
    shutil.copy(base, b)
    _edit(a, "t1", {"状态": "进行中", "完成率（%）": 40})
    _edit(b, "t1", {"状态": "已完成", "完成率（%）": 100})

    window = make_window()
    dialog = MergeDialog(window.settings, window, template)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(folder))
    out = tmp_path / "汇总.xlsx"
    dialog.out.setText(str(out))
    dialog.start_merge()
    qtbot.waitUntil(lambda: not dialog.conflict_box.isHidden(), timeout=60000)
    assert not out.exists()  # nothing written before the clerk has chosen
    assert dialog.conflicts.rowCount() == 2
    fields = [dialog.conflicts.item(r, 2).text() for r in range(2)]
    assert fields == ["状态", "完成率（%）"]
    combo = dialog.choice(0)
    options = [combo.itemText(i) for i in range(combo.count())]
    assert options[0] == KEEP_OPEN and any("甲.xlsx" in o and "进行中" in o for o in options)
    assert any("乙.xlsx" in o and "已完成" in o for o in options)
    combo.setCurrentIndex(next(i for i, o in enumerate(options) if "乙.xlsx" in o))
    with qtbot.waitSignal(dialog.merge_finished, timeout=60000) as blocker:
        dialog.write_button.click()
    report = blocker.args[0]
    assert report.written and _status_of(out, "t1") == "已完成"
    assert [c.resolved for c in report.conflicts] == [True, False]  # 完成率 left open: listed, not decided
    assert "冲突没有处理" in dialog.report_box.toPlainText()
    first = out.read_bytes()

    # Again, after a colleague's later edit: the change is shown first, the old summary kept.
    _edit(a, "t3", {"状态": "已完成", "完成率（%）": 100})
    recorder.queue_answer("replace")
    dialog.start_merge()
    qtbot.waitUntil(lambda: not dialog.conflict_box.isHidden(), timeout=60000)
    combo = dialog.choice(0)
    combo.setCurrentIndex(next(i for i in range(combo.count()) if "乙.xlsx" in combo.itemText(i)))
    with qtbot.waitSignal(dialog.merge_finished, timeout=60000):
        dialog.write_button.click()
    question = recorder.history[-1].text
    assert "上次合并生成" in question and "顺德区委网信办：已完成" in question and ".bak" in question
    assert _status_of(out, "t3") == "已完成"
    assert dialog.undo_button.isEnabled()
    dialog.undo_button.click()
    assert out.read_bytes() == first and not (tmp_path / "汇总.xlsx.bak").exists()
    assert "已撤销本次合并" in dialog.status.text()
