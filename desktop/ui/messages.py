"""The one place that shows messages to the clerk.

``error``/``warning``/``info`` log the text and show it in a box; ``ask``
offers a choice; ``open_path``/``save_path``/``folder_path`` ask for a file.
What actually shows them is the installed presenter: ``Dialogs`` (message
boxes) normally, ``Silent`` for ``--no-err-windows`` (logged only, questions
take their default). Tests install their own recorder (tests/ui/recorder.py)
with ``install``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from desktop import APP_NAME

if TYPE_CHECKING:  # QMessageBox is imported when a box first opens: the window's first paint needs none
    from PySide6.QtWidgets import QWidget

log = logging.getLogger("plan_drafter.ui")


class Presenter(Protocol):
    def show(self, kind: str, parent: QWidget | None, text: str, detail: str) -> None: ...

    def ask(self, parent: QWidget | None, text: str, choices: dict[str, str], default: str,
            cancel: str | None, detail: str) -> str: ...

    def path(self, kind: str, title: str, run: Callable[[], str]) -> str: ...


class Dialogs:
    """Message boxes and the system's file dialogs."""

    def show(self, kind: str, parent: QWidget | None, text: str, detail: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        icon = {"error": QMessageBox.Icon.Critical, "warning": QMessageBox.Icon.Warning}.get(
            kind, QMessageBox.Icon.Information)
        box = QMessageBox(icon, APP_NAME, text, QMessageBox.StandardButton.Ok, parent)
        if detail:
            box.setDetailedText(detail)
        box.exec()

    def ask(self, parent: QWidget | None, text: str, choices: dict[str, str], default: str,
            cancel: str | None, detail: str) -> str:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, text, QMessageBox.StandardButton.NoButton, parent)
        if detail:
            box.setInformativeText(detail)
        buttons: dict[Any, str] = {}  # QPushButton -> key; clickedButton() is typed more widely
        for key, label in choices.items():
            role = QMessageBox.ButtonRole.RejectRole if key == cancel else QMessageBox.ButtonRole.AcceptRole
            buttons[box.addButton(label, role)] = key
        for button, key in buttons.items():
            if key == default:
                box.setDefaultButton(button)
            if key == cancel:
                box.setEscapeButton(button)
        box.exec()
        return buttons.get(box.clickedButton(), cancel or default)

    def path(self, kind: str, title: str, run: Callable[[], str]) -> str:
        return run()


class Silent:
    """No window opens (--no-err-windows, unattended runs): everything is in the log."""

    def show(self, kind: str, parent: QWidget | None, text: str, detail: str) -> None:
        pass

    def ask(self, parent: QWidget | None, text: str, choices: dict[str, str], default: str,
            cancel: str | None, detail: str) -> str:
        return default

    def path(self, kind: str, title: str, run: Callable[[], str]) -> str:
        return ""


_presenter: Presenter = Dialogs()


def install(presenter: Presenter) -> Presenter:
    """Make ``presenter`` show every message from now on; returns the previous one."""
    global _presenter
    previous, _presenter = _presenter, presenter
    return previous


def set_noninteractive(value: bool) -> None:
    install(Silent() if value else Dialogs())


def _dialog_path(kind: str, title: str, run: Callable[[], str]) -> str:
    return _presenter.path(kind, title, run)


def open_path(parent: QWidget | None, title: str, folder: str, filters: str) -> str:
    """A file to open, chosen in a file dialog; "" when cancelled."""
    from .file_dialogs import choose

    return _dialog_path("open", title, lambda: choose(parent, "open", title, folder, filters))


def save_path(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    from .file_dialogs import choose

    return _dialog_path("save", title, lambda: choose(parent, "save", title, suggested, filters))


def folder_path(parent: QWidget | None, title: str, folder: str) -> str:
    from .file_dialogs import choose

    return _dialog_path("folder", title, lambda: choose(parent, "folder", title, folder))


def _show(kind: str, parent: QWidget | None, text: str, detail: str) -> None:
    getattr(log, "error" if kind == "error" else "warning" if kind == "warning" else "info")(text)
    _presenter.show(kind, parent, text, detail)


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
    answer = _presenter.ask(parent, text, choices, default, cancel, detail)
    log.info("answer: %s", answer)
    return answer
