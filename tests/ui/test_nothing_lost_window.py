"""The window never loses work to another writer, a stale recovery file or a wrong ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from desktop import recovery
from desktop.export import ExportOptions, export_one
from desktop.model import Progress
from desktop.sample import make_draft
from desktop.storage import load_draft, save_draft
from tests.ui.recorder import recorder

from .helpers import crash_with_unsaved_work, type_into

_type = type_into


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_save_after_another_program_changed_the_file_asks_first(make_window, tmp_path: Path):
    path = tmp_path / "方案.plan.json"
    save_draft(make_draft(4, 1), path)
    window = make_window()
    assert window.open_path(path)
    _type(window, "goals", "plan.goals", "窗口里的新内容。")
    theirs = load_draft(path)  # e.g. `ledger import … --force` while the window is open
    theirs.progress["t1"] = Progress(status="已完成", percent=100)
    save_draft(theirs, path)
    before = _sha(path)

    recorder.queue_answer("cancel")
    assert not window.save()
    assert _sha(path) == before and window.is_modified()
    assert "已被其他程序或其他人修改" in recorder.history[-1].text

    recorder.queue_answer("save_as")
    recorder.queue_path(str(tmp_path / "另存.plan.json"))
    assert window.save()
    assert _sha(path) == before  # both kept
    assert load_draft(tmp_path / "另存.plan.json").plan.goals.startswith("窗口里的新内容。")

    _type(window, "goals", "plan.goals", "再改一句。")
    assert window.save()  # the file it now belongs to did not change: no question
    assert recorder.history[-1].kind != "question" or "另存" not in recorder.history[-1].text


def _crashed_session(make_window, tmp_path: Path, text: str) -> Path:
    """A saved draft, opened, edited, autosaved, and then the program died."""
    path = tmp_path / "方案.plan.json"
    save_draft(make_draft(4, 1), path)
    crashed = make_window()
    assert crashed.open_path(path)
    crash_with_unsaved_work(crashed, text)
    return path


def _next_start(make_window, answer: str):
    window = make_window()
    window.new_document()
    recorder.queue_answer(answer)
    assert window.offer_recovery()
    return window


def test_a_stale_recovery_file_is_offered_only_as_a_copy(make_window, tmp_path: Path):
    path = _crashed_session(make_window, tmp_path, "崩溃前未保存的内容。")
    later = load_draft(path)  # the clerk redid the work and saved it
    later.plan.goals = "后来保存的较新内容。"
    save_draft(later, path)
    before = _sha(path)

    nxt = _next_start(make_window, "copy")
    question = [m for m in recorder.history if m.kind == "question"][-1]
    assert "又被保存过" in question.text and "副本" in question.text
    assert nxt.doc.path is None and nxt.doc.draft.plan.goals.startswith("崩溃前未保存的内容。")
    assert _sha(path) == before
    recorder.queue_path(str(tmp_path / "恢复的副本.plan.json"))
    assert nxt.save()
    assert _sha(path) == before and load_draft(path).plan.goals == "后来保存的较新内容。"


def test_an_unchanged_draft_is_recovered_in_place(make_window, tmp_path: Path):
    path = _crashed_session(make_window, tmp_path, "未保存。")
    assert recovery.orphaned_entries()[0].source_state() == "same"
    assert _next_start(make_window, "recover").doc.path == path


def test_recovering_a_draft_a_colleague_now_has_open_warns_and_offers_a_copy(make_window, tmp_path: Path):
    import json
    import subprocess
    import sys

    path = _crashed_session(make_window, tmp_path, "崩溃前未保存的内容。")
    colleague = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        recovery.lock_path(path).write_text(json.dumps({
            "user": "李四", "host": recovery.hostname(), "pid": colleague.pid, "time": "2020-05-12 09:30:00",
            "token": "colleague"}), encoding="utf-8")
        before = _sha(path)
        window = make_window()
        window.new_document()
        recorder.queue_answer("recover")  # the recovery offer: back to the draft itself
        recorder.queue_answer("copy")  # then the warning: the clerk keeps both
        assert window.offer_recovery()
        warning = [m for m in recorder.history if m.kind == "question"][-1]
        assert "李四" in warning.text and "覆盖对方的修改" in warning.text
        assert window.doc.path is None and window.doc.draft.plan.goals.startswith("崩溃前未保存的内容。")
        assert json.loads(recovery.lock_path(path).read_text(encoding="utf-8"))["token"] == "colleague"
        assert _sha(path) == before
    finally:
        colleague.kill()
        colleague.wait()


def test_import_of_another_units_ledger_asks_and_old_ledger_warns(qtbot, make_window, template, tmp_path: Path):
    from desktop.ui.ledger_tools import start_import

    draft = make_draft(5, 1, seed=21)
    draft.notice.issuers = ["南海区委网信办"]
    path = tmp_path / "方案.plan.json"
    save_draft(draft, path)
    ledger = export_one(draft, template, "xlsx", tmp_path / "l.xlsx", ExportOptions(today=dt.date(2020, 9, 1))).path
    wb = openpyxl.load_workbook(ledger)
    wb.worksheets[0].cell(4, 10).value = 66
    wb.save(ledger)
    window = make_window()
    assert window.open_path(path)
    window.doc.draft.notice.issuers = ["顺德区委网信办"]

    recorder.queue_answer("cancel")
    start_import(window, str(ledger))
    QThreadPool.globalInstance().waitForDone(20000)
    qtbot.waitUntil(lambda: any(m.kind == "question" for m in recorder.history), timeout=5000)
    assert "南海区委网信办" in recorder.history[-1].text and "顺德区委网信办" in recorder.history[-1].text
    assert getattr(window, "import_dialog", None) is None

    recorder.queue_answer("import")
    start_import(window, str(ledger))
    QThreadPool.globalInstance().waitForDone(20000)
    qtbot.waitUntil(lambda: getattr(window, "import_dialog", None) is not None, timeout=5000)
    dialog = window.import_dialog
    assert dialog.apply() == 1
    assert window.doc.draft.progress["t1"].percent == 66


def test_export_dialog_refuses_to_write_over_the_draft(qtbot, make_window, example_draft, tmp_path: Path):
    from desktop.ui.export_dialog import ExportDialog

    path = tmp_path / "方案.docx"  # a draft named like an export
    save_draft(example_draft, path)
    before = _sha(path)
    window = make_window()
    assert window.open_path(path)
    dialog = ExportDialog(window.doc, window.settings, [], window)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path))
    dialog.name.setText("方案")
    dialog.start_export()
    QThreadPool.globalInstance().waitForDone(20000)
    QApplication.processEvents()
    assert "覆盖草稿" in recorder.history[-1].text
    assert _sha(path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["~$方案.docx", "方案.docx"]
