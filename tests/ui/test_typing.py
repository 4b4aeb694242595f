"""Long typing: the window stays up, loses no character, and keeps a recovery file.

Key events go through Qt's own event delivery one by one (QTest), with the
event loop running between them as it does between a clerk's keystrokes, so
every timer (checks, autosave) fires as in real use.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop import recovery
from desktop.storage import load_draft

LETTERS = "abcdefghijklmnopqrstuvwxyz"
KEYS = [getattr(Qt.Key, f"Key_{c.upper()}") for c in LETTERS]


def test_typing_5000_characters_into_the_goals(make_window, qtbot):
    window = make_window()
    window.new_document()
    # Only the deadline may write the recovery file: the pause timer never
    # fires while keys keep coming, which is what used to leave nothing.
    window.autosave_timer.setInterval(600_000)
    window.autosave_deadline.setInterval(500)
    editor = window.show_section("goals")
    field = editor.binder.find("plan.goals")
    edit = field.edit
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    start_text = edit.toPlainText()
    saved_at: list[float] = []
    window.autosaved.connect(lambda: saved_at.append(time.monotonic()))

    typed = 5000
    for i in range(typed):
        QTest.keyClick(edit, KEYS[i % 26])
        if i % 10 == 0:
            QApplication.processEvents()
    finished = time.monotonic()

    assert window.isVisible()
    expected = start_text + "".join(LETTERS[i % 26] for i in range(typed))
    assert edit.toPlainText() == expected
    assert window.doc.draft.plan.goals == expected
    assert saved_at and saved_at[0] < finished, "no recovery file was written while typing"
    # What the recovery file holds is real work: a prefix of what was typed.
    entries = [e for e in recovery.orphaned_entries()]
    assert entries == []  # our own live session is not offered to ourselves
    data = load_draft(window.recovery.path)
    assert expected.startswith(data.plan.goals) and len(data.plan.goals) > len(start_text)
