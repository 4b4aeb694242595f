"""Start-up and typing speed measures (issue 16) keep the window's behaviour."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtWidgets import QApplication

from desktop.ui import app as ui_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "foshan-2020.plan.json"


@pytest.fixture
def example(tmp_path) -> Path:
    """A copy of the example: opening a draft writes its lock file beside it, never into the checkout."""
    path = tmp_path / EXAMPLE.name
    shutil.copyfile(EXAMPLE, path)
    return path


def test_checks_and_first_preview_wait_for_the_first_paint_then_come_unasked(make_window, qtbot, example):
    window = make_window(show=False, preview=True)
    window.preview_dock.show()
    window.hold_until_painted()
    assert window.open_path(example, ask_save=False)
    window.show()
    QApplication.processEvents()
    # Nothing competes with the first paint: no checks, no render yet.
    assert window.problems == [] and window.problems_panel.tree.topLevelItemCount() == 0
    assert window.preview is None and not window.preview_timer.isActive()
    ui_app._FirstPaint(window, window.release_hold)
    qtbot.waitUntil(lambda: window.problems_panel.tree.topLevelItemCount() > 0, timeout=10000)
    assert window.count_label.text() and "提醒" in window.problems_panel.summary.text()
    assert window.reference_panel.answered_rows("tasks")
    qtbot.waitUntil(lambda: window.preview is not None and window.preview.page_count() > 0, timeout=30000)


def test_a_window_that_never_paints_still_checks_its_draft(make_window, qtbot, example):
    window = make_window(show=False, preview=True)
    window.hold_until_painted()
    assert window.open_path(example, ask_save=False)
    ui_app._FirstPaint(window, window.release_hold, fallback_ms=50)  # e.g. started minimised
    qtbot.waitUntil(lambda: bool(window.problems), timeout=10000)
    assert window.problems_panel.tree.topLevelItemCount() == len(window.problems)


def test_after_the_hold_a_draft_is_checked_and_previewed_at_once_as_before(make_window, example):
    window = make_window(show=False)
    window.hold_until_painted()
    window.release_hold()  # nothing open: nothing to do, and the hold is over
    assert window.open_path(example, ask_save=False)
    assert window.problems  # checked while opening, as every later draft is


def test_the_problem_pane_names_errors_as_the_checks_do():
    from desktop import checks
    from desktop.ui import panels

    assert panels.ERROR == checks.ERROR


def test_the_first_paint_imports_only_what_it_shows(tmp_path, example):
    """Opening the example up to its first paint needs no checks, exporters,
    dialogs, start page or ledger tools: each is imported when first used."""
    code = (
        "import sys\n"
        "from desktop.ui.app import create_app\n"
        "from desktop.ui.mainwindow import MainWindow\n"
        "app = create_app(sys.argv)\n"
        "w = MainWindow()\n"
        "w.hold_until_painted()\n"
        f"assert w.open_path({str(example)!r}, ask_save=False)\n"
        "w.show()\n"
        "app.processEvents()\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLAN_DRAFTER_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    unwanted = ["desktop.checks", "desktop.coverage", "desktop.export", "desktop.layout", "desktop.fonts",
                "desktop.superior", "desktop.ledger", "desktop.ui.start_page", "desktop.ui.preview",
                "desktop.ui.export_dialog", "desktop.ui.ledger_tools", "desktop.ui.settings_dialog",
                "desktop.ui.superior_dialog", "desktop.ui.find_dialog", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
                "PySide6.QtPrintSupport", "reportlab", "openpyxl", "docx", "logging.handlers", "importlib.resources"]
    assert [m for m in unwanted if m in out] == []
    assert "desktop.ui.editors" in out and "desktop.storage" in out  # the probe did see the window's own


def test_heap_is_settled_after_the_first_preview_of_a_draft(make_window, qtbot, monkeypatch, example):
    settled = []
    monkeypatch.setattr(ui_app, "settle_heap", lambda: settled.append(True))
    window = make_window(preview=True)
    window.preview_dock.show()
    ui_app.install_heap_policy(window)
    assert window.open_path(example, ask_save=False)
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


class _Wording:
    """A template's reword(): the provincial wording, or a city's."""

    def __init__(self, superior: str) -> None:
        self.superior = superior

    def reword(self, text: str) -> str:
        return text.replace("省级", self.superior)


def test_rewording_is_skipped_only_where_it_would_change_nothing(qtbot):
    from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

    from desktop.ui.common import reword

    root = QWidget()
    qtbot.addWidget(root)
    button = QPushButton("省级任务对应情况")
    QVBoxLayout(root).addWidget(button)
    reword(root, _Wording("省级"))  # the provincial template: nothing to walk
    assert button.text() == "省级任务对应情况" and button.property("wordingText") is None
    reword(root, _Wording("市级"))
    assert button.text() == "市级任务对应情况"
    reword(root, _Wording("省级"))  # reworded before: walked again, back to the original
    assert button.text() == "省级任务对应情况"


def test_a_date_fields_calendar_is_made_when_its_menu_first_opens(qtbot):
    from PySide6.QtWidgets import QCalendarWidget

    from desktop.ui.fields import DateField

    field = DateField("成文日期")
    qtbot.addWidget(field)
    menu = field.pick.menu()
    assert field.findChildren(QCalendarWidget) == [] and menu.actions() == []
    menu.aboutToShow.emit()  # what the menu does just before it pops up
    calendar = field.calendar
    assert menu.findChildren(QCalendarWidget) == [calendar] and len(menu.actions()) == 1
    menu.aboutToShow.emit()
    assert field.calendar is calendar and len(menu.actions()) == 1


def test_a_job_whose_window_went_first_ends_quietly():
    """Quitting while the first preview still renders: the result has nobody to go to."""
    import shiboken6

    from desktop.ui import workers

    job = workers.Job(lambda: "页面")
    shiboken6.delete(job.signals)  # what Qt does to it when the program quits first
    job.run()  # no RuntimeError in the worker thread, so no "unexpected error" at exit
    failing = workers.Job(lambda: 1 / 0)
    shiboken6.delete(failing.signals)
    failing.run()
    assert isinstance(failing.error, ZeroDivisionError)
