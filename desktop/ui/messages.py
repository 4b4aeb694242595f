"""The one place that shows messages to the clerk.

``error``/``warning``/``info`` log the text and show it in a box; ``ask``
offers a choice. With ``set_noninteractive(True)`` (tests, ``--selftest``)
nothing opens: messages are logged and kept in ``history`` and questions take
the next answer queued with ``queue_answer`` (or their default).
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop import APP_NAME

log = logging.getLogger("plan_drafter.ui")


@dataclass
class Shown:
    kind: str  # error / warning / info / question
    text: str
    detail: str = ""
    answer: str = ""


history: list[Shown] = []
_answers: deque[str] = deque()
_noninteractive = False


def set_noninteractive(value: bool) -> None:
    global _noninteractive
    _noninteractive = value


def noninteractive() -> bool:
    return _noninteractive


def queue_answer(answer: str) -> None:
    """The answer (a key of the ``choices`` passed to ``ask``) the next question gets."""
    _answers.append(answer)


def reset() -> None:
    history.clear()
    _answers.clear()
    _paths.clear()


_paths: deque[str] = deque()


def queue_path(path: str) -> None:
    """The path the next file or folder dialog returns when non-interactive ("" = cancelled)."""
    _paths.append(path)


def _dialog_path(kind: str, title: str, run) -> str:
    if _noninteractive:
        path = _paths.popleft() if _paths else ""
        history.append(Shown(kind, title, answer=path))
        return path
    return run()


def open_path(parent: QWidget | None, title: str, folder: str, filters: str) -> str:
    """A file to open, chosen in the system dialog; "" when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    return _dialog_path("open", title, lambda: QFileDialog.getOpenFileName(parent, title, folder, filters)[0])


def save_path(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    from PySide6.QtWidgets import QFileDialog

    return _dialog_path("save", title, lambda: QFileDialog.getSaveFileName(parent, title, suggested, filters)[0])


def folder_path(parent: QWidget | None, title: str, folder: str) -> str:
    from PySide6.QtWidgets import QFileDialog

    return _dialog_path("folder", title, lambda: QFileDialog.getExistingDirectory(parent, title, folder))


def _show(kind: str, parent: QWidget | None, text: str, detail: str) -> None:
    getattr(log, "error" if kind == "error" else "warning" if kind == "warning" else "info")(text)
    history.append(Shown(kind, text, detail))
    if _noninteractive:
        return
    icon = {"error": QMessageBox.Icon.Critical, "warning": QMessageBox.Icon.Warning}.get(
        kind, QMessageBox.Icon.Information)
    box = QMessageBox(icon, APP_NAME, text, QMessageBox.StandardButton.Ok, parent)
    if detail:
        box.setDetailedText(detail)
    box.exec()


def error(parent: QWidget | None, text: str, detail: str = "") -> None:
    _show("error", parent, text, detail)


def warning(parent: QWidget | None, text: str, detail: str = "") -> None:
    _show("warning", parent, text, detail)


def info(parent: QWidget | None, text: str, detail: str = "") -> None:
    _show("info", parent, text, detail)


def ask(parent: QWidget | None, text: str, choices: dict[str, str], default: str,
        *, cancel: str | None = None, detail: str = "") -> str:
    """Ask a question; ``choices`` maps answer keys to button labels (in order).

    Returns the chosen key; ``cancel`` is returned when the box is closed.
    """
    log.info("question: %s", text)
    if _noninteractive:
        answer = _answers.popleft() if _answers else default
        history.append(Shown("question", text, detail, answer))
        return answer
    box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, text, QMessageBox.StandardButton.NoButton, parent)
    if detail:
        box.setInformativeText(detail)
    buttons = {}
    for key, label in choices.items():
        role = QMessageBox.ButtonRole.RejectRole if key == cancel else QMessageBox.ButtonRole.AcceptRole
        buttons[box.addButton(label, role)] = key
    for button, key in buttons.items():
        if key == default:
            box.setDefaultButton(button)
        if key == cancel:
            box.setEscapeButton(button)
    box.exec()
    answer = buttons.get(box.clickedButton(), cancel or default)
    history.append(Shown("question", text, detail, answer))
    return answer
