"""Fixtures for driving the real window offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.recorder import recorder


@pytest.fixture(autouse=True)
def _quiet_messages():
    from desktop.ui import messages

    previous = messages.install(recorder)
    recorder.reset()
    yield
    recorder.reset()
    messages.install(previous)


@pytest.fixture
def make_window(qtbot):
    """Build main windows; every one is closed (discarding changes) at the end."""
    from desktop.ui.mainwindow import MainWindow

    made = []

    def make(show: bool = True, preview: bool = False):
        window = MainWindow()
        window._preview_enabled = preview
        if not preview:
            window.preview_dock.hide()
        made.append(window)  # closed below, not by qtbot (its close would ask to save)
        if show:
            window.show()
            window.activateWindow()
            qtbot.waitExposed(window)
        return window

    yield make
    import shiboken6

    for window in made:
        if shiboken6.isValid(window) and window.isVisible():  # a closed window is deleted by Qt
            for _ in range(3):
                recorder.queue_answer("discard")
            window.close()
    QApplication.processEvents()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(20000)
    QApplication.processEvents()
