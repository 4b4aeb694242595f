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
