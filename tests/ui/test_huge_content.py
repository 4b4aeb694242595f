"""Huge content keeps the window usable (issue 24): a paragraph too long for Qt to
lay out at every keystroke, and a draft too long to preview at every pause."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.storage import save_draft
from desktop.textclean import LONG_PARAGRAPH_CHARS

from .helpers import type_text

GIANT = "推动网络素养教育进学校进家庭。" * (LONG_PARAGRAPH_CHARS // 15 + 10)  # one paragraph


def _open(make_window, draft, tmp_path: Path, preview: bool = False):
    path = tmp_path / "长.plan.json"
    save_draft(draft, path)
    window = make_window(preview=preview)
    assert window.open_path(path)
    return window


def test_a_giant_paragraph_is_read_only_with_a_way_out(make_window, example_draft, tmp_path):
    example_draft.plan.goals = "第一段。\n" + GIANT
    window = _open(make_window, example_draft, tmp_path)
    field = window.show_section("goals").binder.find("plan.goals")
    assert field.edit.isReadOnly() and field.too_long is not None and field.too_long.isVisibleTo(window)
    assert "按句分段" in field.too_long_note.text() and str(len(GIANT)) in field.too_long_note.text()
    field.edit.setFocus()
    QTest.sendKeyEvent(QTest.KeyAction.Click, field.edit, Qt.Key.Key_unknown, "字", Qt.KeyboardModifier.NoModifier)
    assert not field.edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)  # nor through the IME
    assert window.doc.draft.plan.goals == "第一段。\n" + GIANT
    before = window.doc.undo_stack.count()
    field._split_long_paragraphs()
    text = window.doc.draft.plan.goals
    assert text.replace("\n", "") == ("第一段。\n" + GIANT).replace("\n", "")
    assert max(map(len, text.split("\n"))) <= 2000 and text.startswith("第一段。\n推动")
    assert all(p.endswith("。") for p in text.split("\n"))  # cut at sentence ends
    assert not field.edit.isReadOnly() and not field.too_long.isVisibleTo(window)
    assert window.doc.undo_stack.count() == before + 1
    window.undo_action.trigger()
    assert window.doc.draft.plan.goals == "第一段。\n" + GIANT and field.edit.isReadOnly()


def test_pasting_a_giant_paragraph_makes_the_field_read_only(make_window, example_draft, tmp_path):
    window = _open(make_window, example_draft, tmp_path)
    field = window.show_section("goals").binder.find("plan.goals")
    assert not field.edit.isReadOnly()
    field.edit.setFocus()
    field.edit.insertPlainText(GIANT)  # what Ctrl+V does
    QApplication.processEvents()
    assert GIANT in window.doc.draft.plan.goals
    assert field.edit.isReadOnly() and field.too_long.isVisibleTo(window)


def test_a_very_long_draft_is_previewed_on_request_only(make_window, example_draft, tmp_path, monkeypatch, qtbot):
    from desktop.ui import mainwindow

    monkeypatch.setattr(mainwindow, "LONG_DRAFT_CHARS", 3000)  # a small stand-in for ~300 pages
    example_draft.plan.goals = "推动网络素养教育进学校进家庭。\n" * 250
    window = _open(make_window, example_draft, tmp_path, preview=True)
    window.preview_dock.show()
    window.release_hold()
    window.refresh_preview()
    preview = window.ensure_preview()
    assert not preview.busy and preview.stale and preview.page_count() <= 0
    assert "刷新" in preview.status.text() and "不再随输入自动更新" in preview.message.text()
    with qtbot.waitSignal(preview.rendered, timeout=60000):
        preview.refresh_button.click()
    assert not preview.stale and preview.page_count() > 5
    type_text(window.show_section("goals").binder.find("plan.title").edit, "甲")
    window.refresh_preview()  # what the timer after typing does
    assert preview.stale and not preview.busy and preview.page_count() > 5  # the old pages stay, marked stale
