"""Everyday use of the window: small screens, dates as typed, pasted lists, undo
that shows its change, find and replace, the start page, export results, 截至日期."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.storage import save_draft
from tests.ui.recorder import recorder

from .helpers import focused_in, type_text


@pytest.fixture
def window(make_window, example_draft, tmp_path: Path):
    path = tmp_path / "佛山.plan.json"
    save_draft(example_draft, path)
    window = make_window()
    assert window.open_path(path)
    return window


def _settle(n: int = 4) -> None:
    for _ in range(n):
        QApplication.processEvents()


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_task_editor_usable_on_small_screens_with_every_pane_open(window, size):
    window.resize(*size)
    for dock in (window.problems_dock, window.reference_dock, window.preview_dock):
        dock.show()
    window.resizeDocks([window.preview_dock], [480], Qt.Orientation.Horizontal)  # a clerk widens the preview
    tasks = window.show_section("tasks")
    tasks.select((0, 0))
    _settle()
    assert (window.width(), window.height()) == size
    area = tasks.stack.currentWidget()  # the form's scroll area
    for key in ("title", "text", "lead", "partners", "deadline"):
        field = tasks.task_fields[key]
        assert field.isVisibleTo(window) and field.width() >= 240, (size, key, field.width())
        # the whole input is inside the visible part of the form: no sideways scrolling needed
        left = field.mapTo(area, field.rect().topLeft()).x()
        assert left >= 0 and left + field.width() <= area.width(), (size, key, left, field.width(), area.width())
    assert tasks.tree.width() >= 240 and tasks.tree.height() >= 100


def test_dates_as_people_write_them_and_the_picker_in_the_plans_year(window):
    field = window.show_section("notice").binder.find("notice.date")
    field.edit.clear()
    type_text(field.edit, "2020年6月1日")
    field.edit.editingFinished.emit()
    assert window.doc.draft.notice.date == "2020-06-01" and field.edit.text() == "2020-06-01"
    assert "2020年6月1日" in field.shown.text()
    type_text(field.edit, "")
    field.edit.setText("2020/11/30")
    field.edit.textEdited.emit("2020/11/30")
    field.edit.editingFinished.emit()
    assert window.doc.draft.notice.date == "2020-11-30"
    print_date = window.show_section("notice").binder.find("notice.print_date")
    print_date.edit.setText("")
    print_date.edit.textEdited.emit("")
    print_date._on_menu_about_to_show()
    assert print_date.calendar.selectedDate().year() == 2020  # the template's year, not today's


def test_a_list_pasted_from_word_becomes_entries_in_one_step(window):
    issuers = window.show_section("notice").binder.find("notice.issuers")
    before = list(window.doc.draft.notice.issuers)
    QGuiApplication.clipboard().setText("清远市教育局\r\n清远市总工会\n\n清远市妇联")
    issuers.list.setCurrentRow(len(before) - 1)
    issuers.list.setFocus()
    QTest.keySequence(issuers.list, "Ctrl+V")
    assert window.doc.draft.notice.issuers == before + ["清远市教育局", "清远市总工会", "清远市妇联"]
    window.undo_action.trigger()
    assert window.doc.draft.notice.issuers == before
    # An entry edited to hold several lines splits too; one left empty is not saved.
    item = issuers.list.item(0)
    item.setText("甲单位\n乙单位")
    assert window.doc.draft.notice.issuers[:2] == ["甲单位", "乙单位"]
    issuers.add_item()
    issuers._drop_empty_rows()
    assert "" not in window.doc.draft.notice.issuers and issuers.list.count() == len(window.doc.draft.notice.issuers)


def test_undo_and_redo_go_to_what_they_changed(window):
    title = window.show_section("goals").binder.find("plan.title")
    type_text(title.edit, "（修订）")
    assert window.doc.draft.plan.title.endswith("（修订）")
    window.show_section("activities")
    window.undo_action.trigger()
    _settle()
    assert window.current_section() == "goals" and focused_in(title)
    window.show_section("ledger")
    window.redo_action.trigger()
    _settle()
    assert window.current_section() == "goals" and window.doc.draft.plan.title.endswith("（修订）")
    # A structural change: undoing a deleted activity shows it again.
    acts = window.show_section("activities")
    acts.select(1)
    name = window.doc.draft.activities[1].name
    recorder.queue_answer("delete")
    acts.delete_item()
    assert "删除活动" in [m.text for m in recorder.history if m.kind == "question"][-1][:6]
    window.show_section("notice")
    window.undo_action.trigger()
    _settle()
    assert window.current_section() == "activities" and window.doc.draft.activities[1].name == name
    assert acts.list.currentRow() == 1


def test_find_and_replace_everywhere_as_one_step(window):
    from desktop.ui.find_dialog import FindReplaceDialog

    window.doc.edit_value("plan.goals", window.doc.draft.plan.goals + "我市要抓好落实。", merge=False)
    dialog = FindReplaceDialog(window)
    dialog.find_edit.setText("我市")
    assert "共找到" in dialog.count.text() and dialog.results.count() >= 2
    dialog.find_next()
    _settle()
    assert isinstance(QApplication.focusWidget(), (QLineEdit,)) or QApplication.focusWidget() is not None
    dialog.replace.setText("我区")
    before = window.doc.undo_stack.count()
    dialog.replace_everywhere()
    assert "已替换" in dialog.count.text()
    assert "我市" not in window.doc.draft.plan.goals and "我区要抓好落实" in window.doc.draft.plan.goals
    assert window.doc.undo_stack.count() == before + 1
    window.undo_action.trigger()
    assert "我市要抓好落实" in window.doc.draft.plan.goals


def test_replace_in_a_draft_with_odd_exemption_keys_saves_a_draft_that_opens(make_window, example_draft, tmp_path):
    """Keys a colleague's draft may hold ("", "2]", "1.x") once crashed 全部替换 or
    made it write the reason to a false key; the next save was then unopenable."""
    from desktop.storage import load_draft
    from desktop.ui.find_dialog import FindReplaceDialog

    odd = {"": "我市无此项一", "2]": "我市无此项二", "1.x": "我市无此项三", "3": "我市无此项四"}
    example_draft.plan.upstream_exemptions = dict(odd)
    path = tmp_path / "怪键.plan.json"
    save_draft(example_draft, path)
    window = make_window()
    assert window.open_path(path)
    dialog = FindReplaceDialog(window)
    dialog.find_edit.setText("无此项")
    assert dialog.results.count() >= 4
    for row in range(dialog.results.count()):  # every result can be visited
        dialog.results.itemActivated.emit(dialog.results.item(row))
    dialog.replace.setText("没有此项")
    dialog.replace_everywhere()
    assert [h.text for h in recorder.history if h.kind == "error"] == []
    assert window.doc.draft.plan.upstream_exemptions == {k: v.replace("无此项", "没有此项") for k, v in odd.items()}
    assert window.save()
    assert load_draft(path).plan.upstream_exemptions == {k: v.replace("无此项", "没有此项") for k, v in odd.items()}


def test_names_proposed_from_a_title_work_on_every_pc(window, monkeypatch):
    """An unsaved plan's title becomes the export name and the 另存为 name: newlines,
    separators and device names (CON) are not carried into them."""
    from desktop.ui import messages

    window.doc.set_path(None)  # as a new, unsaved draft
    window.doc.edit_value("plan.title", "CON", merge=False)
    window.export()
    assert window.export_dialog.name.text() == "_CON"
    window.export_dialog.reject()
    window.doc.edit_value("plan.title", "佛山市2020年\n实施方案/（送审稿）", merge=False)
    window.export()
    assert window.export_dialog.name.text() == "佛山市2020年 实施方案 （送审稿）"
    window.export_dialog.reject()
    offered = []
    monkeypatch.setattr(messages, "save_path", lambda _w, _t, suggested, _f: offered.append(suggested) or "")
    assert not window.save_as()
    assert Path(offered[0]).name == "佛山市2020年 实施方案 （送审稿）.plan.json"


def test_save_as_a_device_name_saves_under_a_usable_one(window, tmp_path):
    assert window.save_to_new_path(tmp_path / "CON.plan.json")
    assert (tmp_path / "_CON.plan.json").exists() and not (tmp_path / "CON.plan.json").exists()
    assert any("保留的设备名" in h.text and "_CON.plan.json" in h.text for h in recorder.history)
    assert window.doc.path == tmp_path / "_CON.plan.json"


def test_start_page_recent_drafts_templates_and_the_example(make_window, example_draft, tmp_path):
    path = tmp_path / "最近.plan.json"
    save_draft(example_draft, path)
    window = make_window()
    window.settings.add_recent(path)
    assert window.show_start()
    page = window.start_page
    assert window.stack.currentWidget() is window.start_area and not window.nav.isEnabled()
    assert not window.actions_by_name["export"].isEnabled()
    names = [page.recent.item(i).text() for i in range(page.recent.count())]
    assert "最近.plan.json" in names
    assert page.templates.count() >= 1 and "好网民" in page.templates.itemText(0)
    assert "五步" in page.guide.toPlainText()
    page.recent.itemActivated.emit(page.recent.item(names.index("最近.plan.json")))
    assert window.doc is not None and window.doc.path == path
    assert window.show_start()
    page.example_requested.emit()
    assert window.doc is not None and window.doc.path is None and window.doc.draft.plan.title.startswith("佛山市")
    assert window.show_start()
    page.new_requested.emit(page.templates.currentData())
    assert window.doc is not None and window.nav.isEnabled()


def test_export_results_fully_shown_with_open_folder(window, tmp_path, qtbot):
    from desktop.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window.doc, window.settings, [], window)
    dialog.folder.setText(str(tmp_path))
    for fmt, box in dialog.checks.items():
        box.setChecked(fmt == "docx")
    with qtbot.waitSignal(dialog.export_finished, timeout=60000):
        dialog.start_export()
    assert not dialog.progress.isVisible()
    assert "佛山.docx" in dialog.status.text() and str(tmp_path) in dialog.status.text()
    assert dialog.open_button.isEnabled()


def test_export_goes_to_the_drafts_own_folder_and_says_so(make_window, example_draft, tmp_path):
    """The district's files were offered the city's folder (the last one used)."""
    city, district = tmp_path / "市", tmp_path / "区"
    city.mkdir()
    district.mkdir()
    path = district / "禅城.plan.json"
    save_draft(example_draft, path)
    window = make_window()
    window.settings.set_value("export/folder", str(city))
    assert window.open_path(path)
    window.export()
    dialog = window.export_dialog
    assert dialog.folder.text() == str(district) and "草稿所在的文件夹" in dialog.folder_hint.text()
    dialog.reject()
    window.doc.set_path(None)  # a new draft, not saved yet: the last folder used
    window.export()
    assert window.export_dialog.folder.text() == str(city) and "上次导出" in window.export_dialog.folder_hint.text()
    window.export_dialog.reject()


def test_the_export_result_fits_the_screen_however_long(window):
    from desktop.export import ExportResult
    from desktop.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window.doc, window.settings, [], window)
    dialog.show()
    dialog.out_dir = Path("/导出")
    notes = [f"本机没有字体“方正小标宋简体{i}”，PDF 和 OFD 中以“宋体”代替。" for i in range(60)]
    results = [ExportResult("docx", Path("/导出/方案.docx"), notes[:30]),
               ExportResult("pdf", Path("/导出/方案.pdf"), notes)]
    dialog._on_succeeded(results)
    QApplication.processEvents()
    area = dialog.screen().availableGeometry()
    assert area.contains(dialog.frameGeometry()), (area, dialog.frameGeometry())
    assert dialog.notes.isVisible() and dialog.notes.toPlainText().count("提示：") == 60  # each hint once
    assert dialog.height() < 600 and "方案.pdf" in dialog.status.text()
    dialog.reject()


def test_the_toolbar_stays_put_as_the_undo_text_changes(window):
    """The undo button said what it undoes, beside its icon: each edit changed its
    width and the toolbar moved sideways under the clerk's mouse."""
    from PySide6.QtWidgets import QToolBar

    bar = window.findChild(QToolBar, "mainToolBar")
    export = bar.widgetForAction(window.actions_by_name["export"])
    before = export.geometry()
    window.doc.edit_value("plan.goals", window.doc.draft.plan.goals + "补充一句很长的话。", merge=False,
                          label="工作目标中很长的一段描述")
    QApplication.processEvents()
    assert window.undo_action.text().startswith("撤销") and len(window.undo_action.text()) > 2
    assert export.geometry() == before
    undo = bar.widgetForAction(window.toolbar_undo)
    assert undo.text() == "撤销" and "工作目标中很长的一段描述" in window.toolbar_undo.toolTip()
    window.toolbar_undo.trigger()
    assert not window.doc.draft.plan.goals.endswith("补充一句很长的话。")


def test_fix_all_tidies_everything_safe_in_one_step(window):
    d = window.doc.draft
    goals_before, people_before = d.plan.goals, list(d.notice.issuers)
    window.doc.edit_structure("弄乱", lambda draft: (
        setattr(draft.plan, "goals", draft.plan.goals + "全面提升网民素养,争做好网民."),
        setattr(draft.notice, "recipients", draft.notice.recipients + "："),
        setattr(draft.notice, "doc_number", "佛委网办[2020]09号"),
        setattr(draft.notice, "issuers", draft.notice.issuers + [draft.notice.issuers[0]]),
        setattr(draft.notice, "date", "2020年5月12日"),
        setattr(draft.notice, "signatures", []),
    ))
    window.run_checks()
    panel = window.problems_panel
    assert panel.fix_all_button.isEnabled() and panel.fix_all_button.text() == "全部修正（5）"
    steps = window.doc.undo_stack.count()
    panel.fix_all_button.click()
    d = window.doc.draft
    assert d.plan.goals == goals_before + "全面提升网民素养，争做好网民。"
    assert d.notice.doc_number == "佛委网办〔2020〕9号" and d.notice.date == "2020-05-12"
    assert d.notice.issuers == people_before and not d.notice.recipients.endswith("：")
    assert window.doc.undo_stack.count() == steps + 1
    assert not panel.fix_all_button.isEnabled() and panel.fix_all_button.text() == "全部修正"
    window.undo_action.trigger()
    assert window.doc.draft.notice.doc_number == "佛委网办[2020]09号"


def _small_screen_with_every_pane(window, size=(1024, 768)):
    window.resize(*size)
    for dock in (window.problems_dock, window.reference_dock, window.preview_dock):
        dock.show()
    _settle()


def test_a_new_task_opens_at_its_title_with_the_cursor_there(window):
    _small_screen_with_every_pane(window)
    tasks = window.show_section("tasks")
    tasks.select((0, 2))
    _settle()
    tasks.task_scroll.verticalScrollBar().setValue(tasks.task_scroll.verticalScrollBar().maximum())  # far down
    tasks.add_task()
    _settle()
    assert tasks.task_scroll.verticalScrollBar().value() == 0
    assert focused_in(tasks.task_fields["title"]) and tasks.task_fields["title"].edit.text() == ""
    viewport = tasks.task_scroll.viewport()
    for key in ("title", "text", "lead"):  # visible without scrolling, at 1024×768 with every pane open
        field = tasks.task_fields[key]
        top = field.mapTo(viewport, field.rect().topLeft()).y()
        assert 0 <= top and top + field.height() <= viewport.height(), (key, top, field.height(), viewport.height())


@pytest.mark.parametrize("panes", [True, False])
def test_the_fields_stay_where_they_are_while_the_clerk_types(window, panes):
    """The units line under the form grew as 牵头单位/配合单位/完成时限 were typed and the
    stretched 具体措施 gave it room: the fields below it moved under the pointer."""
    if panes:
        _small_screen_with_every_pane(window)
    else:  # the form has more room than it needs: where a stretched field gives way
        window.resize(1366, 1000)
        for dock in (window.problems_dock, window.reference_dock, window.preview_dock):
            dock.hide()
        _settle()
    tasks = window.show_section("tasks")
    tasks.select((0, 0))
    _settle()

    def tops() -> dict[str, int]:
        return {k: f.mapTo(tasks, f.rect().topLeft()).y() for k, f in tasks.task_fields.items()}

    before = tops()
    type_text(tasks.task_fields["lead"].edit, "、市委宣传部、市文明办、市文化广电旅游体育局、团市委、市妇联、市科协")
    window.doc.edit_value("plan.task_groups[0].tasks[0].partners",
                          [f"某某区第{i}个配合单位的很长的名称" for i in range(8)], merge=False)
    type_text(tasks.task_fields["text"].edit, "补充措施。" * 300)
    _settle()
    assert len(tasks.units_preview.text()) > 200
    assert tops() == before


def test_as_of_date_in_the_ledger_page_drives_overdue(window):
    ledger = window.show_section("ledger")
    window.run_checks()
    overdue_now = [p for p in window.problems if p.rule == "overdue"]
    type_text(ledger.as_of.edit, "2020年7月1日")
    ledger.as_of.edit.editingFinished.emit()
    assert window.doc.draft.as_of == "2020-07-01"
    window.run_checks()
    assert len([p for p in window.problems if p.rule == "overdue"]) < max(1, len(overdue_now)) or not overdue_now


def test_declining_to_open_a_draft_someone_has_open_leaves_no_window(example_draft, tmp_path, qtbot):
    import json

    from desktop import recovery
    from desktop.ui import app

    path = tmp_path / "他人.plan.json"
    save_draft(example_draft, path)
    recovery.lock_path(path).write_text(json.dumps({"user": "王五", "host": recovery.hostname(), "pid": 1,
                                                    "time": "2020-01-01 08:00:00"}), encoding="utf-8")
    from desktop.ui.mainwindow import windows

    count = len(windows)
    assert app.main(["plan-drafter", str(path)]) == 0  # the recorder answers with the default, 取消
    assert any("已被" in m.text for m in recorder.history if m.kind == "question")
    assert len(windows) == count
