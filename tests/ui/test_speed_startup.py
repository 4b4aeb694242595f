"""Start-up and typing speed measures (issue 16) keep the window's behaviour."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop.ui import app as ui_app

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "foshan-2020.plan.json"


def test_first_preview_waits_for_the_first_paint_then_renders(make_window, qtbot):
    window = make_window(show=False, preview=True)
    window.preview_dock.show()
    assert window.open_path(EXAMPLE, ask_save=False)
    window.show()
    ui_app._defer_preview(window)
    assert not window.preview_timer.isActive()  # nothing competes with the first paint
    qtbot.waitUntil(lambda: window.preview is not None and window.preview.page_count() > 0, timeout=30000)


def test_heap_is_settled_after_the_first_preview_of_a_draft(make_window, qtbot, monkeypatch):
    settled = []
    monkeypatch.setattr(ui_app, "settle_heap", lambda: settled.append(True))
    window = make_window(preview=True)
    window.preview_dock.show()
    ui_app.install_heap_policy(window)
    assert window.open_path(EXAMPLE, ask_save=False)
    qtbot.waitUntil(lambda: bool(settled), timeout=30000)
    assert window.preview is not None and window.preview.page_count() > 0
    QApplication.processEvents()
    assert len(settled) == 1  # once per opened draft, not after every render


def test_settle_heap_freezes_and_can_run_again():
    try:
        ui_app.settle_heap()
        assert gc.get_freeze_count() > 0
        ui_app.settle_heap()  # unfreezes first: the previous draft's cycles are still collectable
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
