"""The clerk's main flow through the real window: fill in, fix, undo, save, reopen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.checks import run_checks
from desktop.storage import load_draft
from desktop.ui.fields import LineField, TextField
from tests.ui.recorder import recorder

from .helpers import focused_in, type_text


def _field(window, section: str, path: str):
    editor = window.show_section(section)
    field = editor.binder.find(path)
    assert field is not None, path
    return field


def _content(draft) -> dict:
    data = draft.to_dict()
    data.pop("generator", None)  # written by save, kept as an unknown key on load
    return data


def _problem_paths(window) -> set[str]:
    return {p.path for p in window.problems}


def _double_click_problem(qtbot, window, path: str) -> None:
    tree = window.problems_panel.tree
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        if item.data(0, Qt.ItemDataRole.UserRole).path == path:
            tree.scrollToItem(item)
            rect = tree.visualItemRect(item)
            qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"no problem at {path}")


def test_new_fill_fix_undo_save_reopen(qtbot, make_window, tmp_path: Path):
    window = make_window()
    window.new_document()
    assert window.windowTitle().startswith("未命名方案")
    start = len(window.problems)
    assert "notice.doc_number" in _problem_paths(window)

    # Type the 发文字号 in Chinese, as an input method commits it, in three bursts.
    doc_number = _field(window, "notice", "notice.doc_number")
    steps_before = window.doc.undo_stack.count()
    for part in ("佛委网办", "〔2020〕", "9号"):
        type_text(doc_number.edit, part)
    assert window.doc.draft.notice.doc_number == "佛委网办〔2020〕9号"
    assert window.doc.undo_stack.count() == steps_before + 1, "typing in one field is one undo step"
    assert window.isWindowModified()
    with qtbot.waitSignal(window.checks_updated, timeout=3000):
        pass
    assert "notice.doc_number" not in _problem_paths(window)
    assert len(window.problems) < start

    # Double-click the 印发机关 problem: the field gets the focus; type into it.
    assert "notice.printer" in _problem_paths(window)
    _double_click_problem(qtbot, window, "notice.printer")
    printer = _field(window, "notice", "notice.printer")
    qtbot.waitUntil(lambda: focused_in(printer), timeout=3000)
    type_text(QApplication.focusWidget(), "佛山市委网信办秘书科")
    assert window.doc.draft.notice.printer == "佛山市委网信办秘书科"

    # A task: add it, type title and measures; the required-title problem disappears.
    tasks = window.show_section("tasks")
    tasks.add_task()
    assert focused_in(tasks.task_fields["title"])
    type_text(QApplication.focusWidget(), "开展网络素养教育进校园活动𠀀")
    task = window.doc.draft.plan.task_groups[0].tasks[0]
    assert task.title == "开展网络素养教育进校园活动𠀀"
    assert task.id == "t1"
    text_field = tasks.task_fields["text"]
    assert isinstance(text_field, TextField)
    type_text(text_field.edit, "组织主题班会和家长课堂，覆盖全市中小学校，提升青少年文明用网习惯。")
    window.run_checks()
    assert "plan.task_groups[0].tasks[0].title" not in _problem_paths(window)
    assert "plan.task_groups[0].tasks[0].lead" in _problem_paths(window)

    # Double-click the lead problem: the task's lead field is focused.
    _double_click_problem(qtbot, window, "plan.task_groups[0].tasks[0].lead")
    qtbot.waitUntil(lambda: focused_in(tasks.task_fields["lead"]), timeout=3000)
    type_text(QApplication.focusWidget(), "市教育局")
    assert task.lead == "市教育局"

    # Undo / redo through the window's actions.
    window.undo_action.trigger()
    assert window.doc.draft.plan.task_groups[0].tasks[0].lead == ""
    assert isinstance(tasks.task_fields["lead"], LineField)
    assert tasks.task_fields["lead"].edit.text() == ""
    window.redo_action.trigger()
    assert window.doc.draft.plan.task_groups[0].tasks[0].lead == "市教育局"
    assert tasks.task_fields["lead"].edit.text() == "市教育局"

    # Save, then reopen in a fresh window: the same content.
    path = tmp_path / "方案.plan.json"
    assert window.save_to_new_path(path)
    assert not window.isWindowModified()
    assert window.windowTitle().startswith("方案.plan.json")
    saved = _content(window.doc.draft)
    assert _content(load_draft(path)) == saved

    for _ in range(2):
        recorder.queue_answer("discard")
    window.close()
    other = make_window()
    assert other.open_path(path)
    assert _content(other.doc.draft) == saved
    assert _field(other, "notice", "notice.doc_number").edit.text() == "佛委网办〔2020〕9号"
    other_tasks = other.show_section("tasks")
    other_tasks.select((0, 0))
    assert other_tasks.task_fields["title"].edit.text() == "开展网络素养教育进校园活动𠀀"


def test_every_problem_path_reaches_a_focused_widget(qtbot, make_window, template, tmp_path: Path):
    """Any path the checks produce maps to an editor widget that takes the focus."""
    from desktop.model import Progress
    from desktop.sample import make_draft
    from desktop.storage import save_draft

    draft = make_draft(tasks=6, activities=3)
    n, plan = draft.notice, draft.plan
    n.doc_number = "佛委网办[20]09号"
    n.date = "2020-02-30"
    n.print_date = ""
    n.title = "关于印发《别的方案》的通知。"
    n.recipients = "各区:"
    n.note = "联系人:张三，电话：12345"
    n.cc = []
    plan.goals = "短"
    plan.requirements = []
    plan.task_groups[0].title = "(一)组:标题"
    t0, t1 = plan.task_groups[0].tasks[0], plan.task_groups[1].tasks[0]
    t0.lead, t0.deadline, t0.upstream, t0.text = "", "2019-01-01", [99], "短"
    t1.id = t0.id
    t1.title = ""
    draft.activities[1].name = ""
    draft.activities[2].upstream = [40]
    plan.upstream_exemptions = {"77": "无"}
    draft.progress = {"t3": Progress(status="已完成", percent=50), "zz": Progress(status="乱填", percent=150)}
    path = tmp_path / "bad.plan.json"
    save_draft(draft, path)

    window = make_window()
    assert window.open_path(path)
    problems = run_checks(window.doc.draft, window.doc.template)
    paths = {p.path for p in problems}
    for expected in ("notice.doc_number", "notice.date", "notice.title", "notice.print_date", "notice.recipients",
                     "notice.note", "plan.goals", "plan.requirements", "plan.task_groups",
                     "plan.task_groups[0].tasks[0].lead", "plan.task_groups[0].tasks[0].deadline",
                     "plan.task_groups[0].tasks[0].upstream", "plan.task_groups[1].tasks[0].id",
                     "plan.task_groups[1].tasks[0].title", "plan.task_groups[0].title", "activities[1].name",
                     "activities[2].upstream", "activities", "plan.upstream_exemptions", "progress.t3", "progress.zz"):
        assert expected in paths, expected
    for problem in problems:
        assert window.go_to_problem(problem), problem.path
        QApplication.processEvents()
        focus = QApplication.focusWidget()
        assert focus is not None, problem.path
        editor = window.editors[window.current_section()]
        assert editor.isAncestorOf(focus), (problem.path, focus)
        assert focus.isVisible(), problem.path
        field = editor.binder.find(problem.path)
        if field is not None and field.path == problem.path:
            assert focused_in(field), problem.path


def test_automatic_fix_is_one_undo_step(qtbot, make_window):
    window = make_window()
    window.new_document()
    doc_number = _field(window, "notice", "notice.doc_number")
    type_text(doc_number.edit, "佛委网办[2020]第09号")
    window.run_checks()
    problem = next(p for p in window.problems if p.path == "notice.doc_number")
    assert problem.fix == "佛委网办〔2020〕9号"
    item = window.problems_panel.item_for(problem)
    window.problems_panel.tree.setCurrentItem(item)
    assert window.problems_panel.fix_button.isEnabled()
    qtbot.mouseClick(window.problems_panel.fix_button, Qt.MouseButton.LeftButton)
    assert window.doc.draft.notice.doc_number == "佛委网办〔2020〕9号"
    assert doc_number.edit.text() == "佛委网办〔2020〕9号"
    assert "notice.doc_number" not in _problem_paths(window)
    window.undo_action.trigger()
    assert window.doc.draft.notice.doc_number == "佛委网办[2020]第09号"
    assert doc_number.edit.text() == "佛委网办[2020]第09号"


def test_title_marker_and_close_prompt(qtbot, make_window, tmp_path: Path):
    window = make_window()
    window.new_document()
    assert not window.isWindowModified()
    type_text(_field(window, "notice", "notice.recipients").edit, "各区党委网信办")
    assert window.isWindowModified()
    assert "[*]" in window.windowTitle()
    recorder.queue_answer("cancel")
    window.close()
    assert window.isVisible(), "cancel keeps the window and the draft"
    assert recorder.history[-1].kind == "question" and "已修改" in recorder.history[-1].text
    window.undo_action.trigger()
    assert not window.isWindowModified(), "undoing back to the saved state clears the marker"
    recorder.reset()
    window.close()
    assert not window.isVisible()
    assert not [m for m in recorder.history if m.kind == "question"]


def test_hostile_text_round_trips_through_the_editors(qtbot, make_window, tmp_path: Path):
    window = make_window()
    window.new_document()
    hostile = "=1+1 #N/A 𪚥😀 " + "长" * 20000
    body = _field(window, "notice", "notice.body")
    body.edit.setFocus()
    body.edit.selectAll()
    type_text(body.edit, hostile)
    assert window.doc.draft.notice.body == hostile
    path = tmp_path / "h.plan.json"
    assert window.save_to_new_path(path)
    assert load_draft(path).notice.body == hostile


def test_menus_and_shortcuts(make_window):
    from PySide6.QtGui import QKeySequence

    window = make_window()
    a = window.actions_by_name
    wanted = {"new": "Ctrl+N", "open": "Ctrl+O", "save": "Ctrl+S", "save_as": "Ctrl+Shift+S", "undo": "Ctrl+Z",
              "redo": "Ctrl+Y", "print": "Ctrl+P", "export": "Ctrl+E"}
    for key, seq in wanted.items():
        shortcuts = [s.toString(QKeySequence.SequenceFormat.PortableText) for s in a[key].shortcuts()]
        assert seq in shortcuts, (key, shortcuts)
    menus = [m.title() for m in window.menuBar().findChildren(type(window.recent_menu))
             if m.parent() is window.menuBar()]
    assert {"文件(&F)", "编辑(&E)", "台账(&L)", "视图(&V)", "帮助(&H)"} <= set(menus)
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "通知要素", "工作目标", "重点任务", "工作要求", "重点活动", "进度台账"]
