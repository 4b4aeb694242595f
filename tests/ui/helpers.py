"""Helpers for the window tests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` as an input method would commit it (keyClicks cannot do Chinese)."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def focused_in(widget: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is widget or widget.isAncestorOf(focus))


def type_into(window, section: str, path: str, text: str) -> None:
    """Type ``text`` into the field bound to ``path`` in the editor of ``section``."""
    field = window.show_section(section).binder.find(path)
    type_text(field.focusProxy(), text)


def crash_with_unsaved_work(window, text: str) -> None:
    """Type into the goals, write the recovery file, then end as a crash does:
    the session's files stay behind and nothing cleans up."""
    type_into(window, "goals", "plan.goals", text)
    assert window.autosave()
    window.recovery.abandon()
    window.recovery.discard = lambda: None
    window.hide()
    lock_of_an_ended_process(window)


def lock_of_an_ended_process(window) -> None:
    """The window's lock file as a crash leaves it: naming a process that has ended
    (this test process lives on, and a live holder is a colleague)."""
    if window.lock is None or not window.lock.held:
        return
    import json
    import subprocess
    import sys

    from desktop import recovery

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True)
    lock = recovery.lock_path(window.lock.draft_path)
    held = json.loads(lock.read_text(encoding="utf-8"))
    lock.write_text(json.dumps(dict(held, pid=int(ended.stdout))), encoding="utf-8")
    window.lock.held = False  # and nothing of it cleans up
