"""The editors: every kind of edit is one undo step and reaches the draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from desktop.model import Progress
from desktop.storage import save_draft
from tests.ui.recorder import recorder

from .helpers import type_text


@pytest.fixture
def window(make_window, example_draft, tmp_path: Path):
    path = tmp_path / "佛山.plan.json"
    example_draft.progress["t2"] = Progress(status="进行中", percent=30)
    save_draft(example_draft, path)
    window = make_window()
    assert window.open_path(path)
    return window


def _titles(window) -> list[list[str]]:
    return [[t.title for t in g.tasks] for g in window.doc.draft.plan.task_groups]


def test_task_tree_add_move_drop_delete_each_one_step(window):
    tasks = window.show_section("tasks")
    stack = window.doc.undo_stack
    before = _titles(window)
    tasks.select((0, 0))
    tasks.move_current(1)
    assert _titles(window)[0][:2] == [before[0][1], before[0][0]]
    assert tasks.tree.currentItem().text(0).startswith("2.")
    # Moving past the end of a group carries the task into the next group.
    tasks.select((0, len(before[0]) - 1))
    tasks.move_current(1)
    assert _titles(window)[1][0] == before[0][-1]
    # A drag of the first group's first task onto the last task of group 3 (below it).
    g3 = len(window.doc.draft.plan.task_groups[2].tasks) - 1
    moved = _titles(window)[0][0]
    tasks.drop((0, 0), (2, g3), QAbstractItemView.DropIndicatorPosition.BelowItem)
    assert _titles(window)[2][-1] == moved
    # Groups reorder too.
    tasks.select((3, -1))
    tasks.move_current(-1)
    assert window.doc.draft.plan.task_groups[2].title.startswith("强化宣传推广")
    assert stack.count() == 4
    for _ in range(4):
        window.undo_action.trigger()
    assert _titles(window) == before
    # Delete a task: asked first (it has content; the default keeps it), then it and
    # its ledger entry go in one step; undo brings both back and shows it.
    tasks.select((0, 1))
    task_id = window.doc.draft.plan.task_groups[0].tasks[1].id
    assert task_id in window.doc.draft.progress
    tasks.delete_current()
    assert recorder.history[-1].kind == "question" and "删除任务" in recorder.history[-1].text
    assert "进度记录" in recorder.history[-1].text and task_id in window.doc.draft.progress
    recorder.queue_answer("delete")
    tasks.delete_current()
    assert task_id not in window.doc.draft.progress
    assert len(_titles(window)[0]) == len(before[0]) - 1
    window.undo_action.trigger()
    assert _titles(window) == before and task_id in window.doc.draft.progress
    # Deleting a group with tasks asks first; the default answer keeps it.
    tasks.select((1, -1))
    tasks.delete_current()
    assert recorder.history[-1].kind == "question" and "删除分组" in recorder.history[-1].text
    assert _titles(window) == before
    recorder.queue_answer("delete")
    tasks.delete_current()
    assert len(window.doc.draft.plan.task_groups) == len(before) - 1


def test_new_task_gets_fresh_id_and_fields_bind_to_it(window):
    tasks = window.show_section("tasks")
    tasks.select((1, 0))
    tasks.add_task()
    task = window.doc.draft.plan.task_groups[1].tasks[1]
    ids = [t.id for _, t in window.doc.draft.plan.tasks()]
    assert task.id and ids.count(task.id) == 1
    type_text(QApplication.focusWidget(), "新增任务")
    type_text(tasks.task_fields["lead"].edit, "市文广旅体局")
    tasks.task_fields["deadline"].edit.setFocus()
    tasks.task_fields["deadline"]._on_calendar_clicked(QDate(2020, 9, 8))
    assert (task.title, task.lead, task.deadline) == ("新增任务", "市文广旅体局", "2020-09-08")
    assert tasks.task_fields["deadline"].shown.text() == "即 2020年9月8日"
    assert "完成时限：2020年9月8日前" in tasks.units_preview.text()
    assert "（二）2. 新增任务" in tasks.tree.currentItem().text(0) or tasks.tree.currentItem().text(0) == "2. 新增任务"


def test_upstream_picker_and_exemptions_update_reference(window):
    tasks = window.show_section("tasks")
    # Provincial task 7: nobody answers it once its local answers untick it.
    answering = [(g, t) for g, grp in enumerate(window.doc.draft.plan.task_groups)
                 for t, task in enumerate(grp.tasks) if 7 in task.upstream]
    for key in answering:
        tasks.select(key)
        tasks.task_fields["upstream"].set_checked(7, False)
    window.run_checks()
    rows = dict(window.reference_panel.answered_rows("tasks"))
    assert next(v for k, v in rows.items() if k.startswith("7.")) == "未对应"
    assert any(p.upstream_task == 7 for p in window.problems)
    assert any(k.startswith("1. ") and "缺失" in k for k in rows), "missing titles shown as the template marks them"
    # Tick it on another task: the reference names that task.
    tasks.select((0, 1))
    tasks.task_fields["upstream"].set_checked(7, True)
    task = window.doc.draft.plan.task_groups[0].tasks[1]
    assert 7 in task.upstream
    window.run_checks()
    rows = dict(window.reference_panel.answered_rows("tasks"))
    assert task.title in next(v for k, v in rows.items() if k.startswith("7."))
    window.undo_action.trigger()
    assert 7 not in window.doc.draft.plan.task_groups[0].tasks[1].upstream
    window.run_checks()
    # An exemption typed in the coverage table answers it too.
    problem = next(p for p in window.problems if p.upstream_task == 7)
    assert window.go_to_problem(problem)
    assert tasks.stack.currentIndex() == 3 and tasks.coverage.currentRow() == 6
    tasks.coverage.item(6, 3).setText("我市无此项工作")
    assert window.doc.draft.plan.upstream_exemptions["7"] == "我市无此项工作"
    window.run_checks()
    rows = dict(window.reference_panel.answered_rows("tasks"))
    assert next(v for k, v in rows.items() if k.startswith("7.")) == "不适用：我市无此项工作"
    assert not any(p.upstream_task == 7 for p in window.problems)


def test_issuer_list_add_reorder_remove(window):
    issuers = window.show_section("notice").binder.find("notice.issuers")
    original = list(window.doc.draft.notice.issuers)
    issuers.add_item()
    issuers.list.item(issuers.list.count() - 1).setText("佛山市文化广电旅游体育局")
    assert window.doc.draft.notice.issuers == original + ["佛山市文化广电旅游体育局"]
    issuers.list.setCurrentRow(len(original))
    issuers.move_item(-1)
    assert window.doc.draft.notice.issuers[-2] == "佛山市文化广电旅游体育局"
    issuers.list.setCurrentRow(0)
    issuers.remove_item()
    assert window.doc.draft.notice.issuers[0] == original[1]
    for _ in range(3):
        window.undo_action.trigger()
    assert window.doc.draft.notice.issuers == original
    assert issuers.values() == original


def test_typing_steps_split_at_focus_change(window):
    notice = window.show_section("notice")
    recipients = notice.binder.find("notice.recipients").edit
    note = notice.binder.find("notice.note").edit
    start = window.doc.undo_stack.count()
    type_text(recipients, "甲")
    type_text(recipients, "乙")
    type_text(note, "丙")
    type_text(recipients, "丁")
    assert window.doc.undo_stack.count() == start + 3
    window.undo_action.trigger()
    assert window.doc.draft.notice.recipients.endswith("甲乙")


def test_ctrl_z_in_a_field_undoes_the_document(qtbot, window):
    edit = window.show_section("notice").binder.find("notice.doc_number").edit
    original = edit.text()
    type_text(edit, "改")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is edit, timeout=3000)
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.doc.draft.notice.doc_number == original
    assert edit.text() == original
    qtbot.keyClick(edit, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert window.doc.draft.notice.doc_number == original + "改"


def test_ledger_view_edits_status_and_percent(window):
    ledger = window.show_section("ledger")
    status, percent, summary = (ledger.column(k) for k in ("status", "percent", "summary"))
    row = ledger._ids.index("t2")
    assert ledger.table.item(row, status).text() == "进行中"
    ledger.table.item(row, status).setText("已完成")
    ledger.table.item(row, percent).setText("100%")
    entry = window.doc.draft.progress["t2"]
    assert (entry.status, entry.percent) == ("已完成", 100)
    ledger.table.item(row, percent).setText("一百")
    assert "不是数字" in recorder.history[-1].text
    assert window.doc.draft.progress["t2"].percent == 100
    assert ledger.table.item(row, percent).text() == "100"
    # An activity's row.
    first = window.doc.draft.activities[0].id
    arow = ledger._ids.index(first)
    old = window.doc.draft.progress[first].summary if first in window.doc.draft.progress else ""
    ledger.table.item(arow, summary).setText("已举办两场")
    assert window.doc.draft.progress[first].summary == "已举办两场"
    window.undo_action.trigger()
    assert window.doc.get(f"progress:{first}:summary") == old
    assert ledger.table.item(arow, summary).text() == old


def test_ledger_view_has_the_templates_columns_and_the_exported_rows(window, tmp_path):
    """The page is built from the template's columns (issue 29) and shows what the
    exported workbook shows, 对应上级任务 with the task's name (issue 27.8)."""
    import openpyxl

    from desktop.export import ExportOptions, export_one

    ledger = window.show_section("ledger")
    spec = window.doc.template.ledger
    titles = [ledger.table.horizontalHeaderItem(c).text() for c in range(ledger.table.columnCount())]
    assert titles == [c.title for c in spec.columns]
    path = export_one(window.doc.draft, window.doc.template, "xlsx", tmp_path / "l.xlsx",
                      ExportOptions(today=window.doc.draft.as_of_date())).path
    ws = openpyxl.load_workbook(path)[spec.sheet]
    upstream = ledger.column("upstream")
    on_page = [ledger.table.item(r, upstream).text() for r in range(ledger.table.rowCount())]
    in_file = [ws.cell(r, upstream + 1).value or "" for r in range(4, 4 + ledger.table.rowCount())]
    assert on_page == in_file
    assert any(text.startswith("第") and "：" in text and len(text) > 6 for text in on_page)
    editable = {ledger.column(k) for k in ("status", "percent", "summary", "evidence", "updated")}
    for col in range(ledger.table.columnCount()):
        flags = ledger.table.item(0, col).flags()
        assert bool(flags & Qt.ItemFlag.ItemIsEditable) == (col in editable), titles[col]


def test_activities_and_requirements(window):
    acts = window.show_section("activities")
    n = len(window.doc.draft.activities)
    acts.select(n - 1)
    acts.add_item()
    assert len(window.doc.draft.activities) == n + 1
    type_text(QApplication.focusWidget(), "网络文明进社区")
    new = window.doc.draft.activities[n]
    assert new.name == "网络文明进社区" and new.id
    acts.item_fields["upstream"].set_checked(12, True)
    assert new.upstream == [12]
    acts._apply_drag(n, 0)
    assert window.doc.draft.activities[0].name == "网络文明进社区"
    reqs = window.show_section("requirements")
    count = len(window.doc.draft.plan.requirements)
    reqs._fill_insert_menu()
    reqs.insert_menu.actions()[0].trigger()
    assert len(window.doc.draft.plan.requirements) == count + 1
    assert window.doc.draft.plan.requirements[-1].title == window.doc.template.requirements[0].title


def test_large_text_editor_commits_one_step(window):
    goals = window.show_section("goals").binder.find("plan.goals")
    start = window.doc.undo_stack.count()
    goals.open_large_editor()
    dialog, edit = goals.large_editor
    assert dialog.isVisible()
    edit.setPlainText("新的工作目标。\n第二段。")
    dialog.accept()
    assert window.doc.draft.plan.goals == "新的工作目标。\n第二段。"
    assert goals.edit.toPlainText() == "新的工作目标。\n第二段。"
    assert goals.count.text() == "12 字"
    assert window.doc.undo_stack.count() == start + 1
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication, QDialog

    for _ in range(3):  # opened and closed again: no dialog (with its copy of the text) stays behind
        goals.open_large_editor()
        goals.large_editor[0].reject()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not [d for d in window.findChildren(QDialog) if d.windowTitle().startswith("编辑：")]


def test_a_check_without_problems_says_so_even_the_first_time(qtbot):
    """The list starts empty; a first check that finds nothing must still say
    "no problems", and so must one after returning from the start page."""
    from desktop.ui.panels import ProblemsPanel

    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    assert panel.summary.text() == ""
    panel.set_problems([], None)
    assert "没有发现问题" in panel.summary.text()
    panel.clear()
    assert panel.summary.text() == "" and panel.tree.topLevelItemCount() == 0
    panel.set_problems([], None)
    assert "没有发现问题" in panel.summary.text()
