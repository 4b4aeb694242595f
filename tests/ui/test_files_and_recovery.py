"""Files: autosave and crash recovery, lock files, settings, layout, drag and drop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from desktop import recovery
from desktop import settings_model as S
from desktop.storage import save_draft
from tests.ui.recorder import recorder

from .helpers import lock_of_an_ended_process, type_into

_type = type_into


def test_autosave_then_crash_leaves_a_recovery_file_the_next_start_offers(qtbot, make_window, example_draft,
                                                                          tmp_path: Path):
    from desktop.ui.app import handle_exception

    path = tmp_path / "佛山.plan.json"
    save_draft(example_draft, path)
    window = make_window()
    window.autosave_timer.setInterval(50)
    assert window.open_path(path)
    _type(window, "notice", "notice.recipients", "，市直有关单位补充")
    with qtbot.waitSignal(window.autosaved, timeout=3000):
        pass
    assert window.recovery.path.is_file()
    assert recovery.orphaned_entries() == [], "a live session's file is not offered"
    _type(window, "goals", "plan.goals", "再补一句。")
    # An unexpected error: the crash handler saves first, then shows one plain message.
    try:
        raise RuntimeError("模拟的程序错误")
    except RuntimeError:
        handle_exception(*sys.exc_info())
    shown = recorder.history[-1]
    assert shown.kind == "error" and "恢复文件" in shown.text and "RuntimeError" in shown.detail
    entries = recovery.orphaned_entries()
    assert len(entries) == 1 and entries[0].source == str(path)
    expected = window.doc.draft.to_dict()
    assert expected["plan"]["goals"].startswith("再补一句。")
    assert "再补一句。" in entries[0].path.read_text(encoding="utf-8"), "the crash handler wrote the latest text"

    # The next start offers it; recovering restores the unsaved text, marked unsaved.
    window.recovery.discard = lambda: None  # the crashed process cannot clean up any more
    window.hide()
    lock_of_an_ended_process(window)
    nxt = make_window()
    nxt.new_document()
    recorder.queue_answer("recover")
    assert nxt.offer_recovery()
    question = [m for m in recorder.history if m.kind == "question"][-1]
    assert "上次程序没有正常关闭" in question.text and "佛山.plan.json" in question.text
    got = nxt.doc.draft.to_dict()
    got.pop("generator", None)
    expected.pop("generator", None)
    assert got == expected
    assert nxt.doc.path == path
    assert nxt.isWindowModified()
    assert recovery.orphaned_entries() == [], "the old file is gone, the new session holds a copy"
    assert nxt.recovery.path.is_file()
    assert nxt.save()
    assert not nxt.recovery.path.exists()


def test_discarding_a_recovery_file(make_window, tmp_path: Path):
    rf = recovery.RecoveryFile()
    rf.write(b'{"format": "plan-draft", "version": 1}', None, "某方案")
    rf.abandon()
    assert len(recovery.orphaned_entries()) == 1
    window = make_window()
    window.new_document()
    recorder.queue_answer("discard")
    assert not window.offer_recovery()
    assert recovery.orphaned_entries() == []
    assert not rf.path.exists()


def test_lock_file_warns_when_another_live_holder_has_the_draft(make_window, example_draft, tmp_path: Path):
    path = tmp_path / "共享.plan.json"
    save_draft(example_draft, path)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = recovery.lock_path(path)
        lock.write_text(json.dumps({"user": "李四", "host": recovery.hostname(), "pid": holder.pid,
                                    "time": "2020-05-12 09:30:00", "token": "other"}), encoding="utf-8")
        window = make_window()
        window.new_document()
        assert not window.open_path(path), "default answer: do not open"
        question = recorder.history[-1]
        assert question.kind == "question" and "李四" in question.text and "已被" in question.text
        assert window.doc.path is None
        recorder.queue_answer("open")
        assert window.open_path(path)
        assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == os.getpid()
        window.close()
        assert not lock.exists(), "our lock is removed when the window closes"
    finally:
        holder.kill()
        holder.wait()


def test_stale_lock_of_a_dead_process_is_replaced_silently(make_window, example_draft, tmp_path: Path):
    path = tmp_path / "旧锁.plan.json"
    save_draft(example_draft, path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    recovery.lock_path(path).write_text(json.dumps({"user": "王五", "host": recovery.hostname(), "pid": dead.pid,
                                                    "time": "2020-01-01 08:00:00"}), encoding="utf-8")
    window = make_window()
    assert window.open_path(path)
    assert not [m for m in recorder.history if m.kind == "question"]
    assert recovery.read_lock(path).pid == os.getpid()


def test_settings_dialog_defaults_flow_into_a_new_draft(qtbot, make_window):
    from desktop.ui.settings_dialog import SettingsDialog

    window = make_window()
    dialog = SettingsDialog(window.settings, window)
    dialog.issuers.set_values(["中共南海区委网信办", "南海区教育局"])
    dialog.city.setText("南海区")
    dialog.printer.setText("中共南海区委网信办综合股")
    dialog.note.setText("联系人：陈明，电话：0757-86280000")
    dialog.cc.set_values(["市委网信办"])
    dialog.seal.setChecked(False)
    dialog.font_preset.setCurrentIndex(dialog.font_preset.findData("gb2312"))
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    window.new_document()
    n = window.doc.draft.notice
    assert n.issuers == ["中共南海区委网信办", "南海区教育局"]
    assert n.signatures == n.issuers
    assert n.printer == "中共南海区委网信办综合股"
    assert n.note == "联系人：陈明，电话：0757-86280000"
    assert n.cc == ["市委网信办"]
    assert n.signature_layout == "no_seal"
    assert window.doc.draft.plan.title.startswith("南海区")
    issuers = window.show_section("notice").binder.find("notice.issuers")
    assert issuers.values() == ["中共南海区委网信办", "南海区教育局"]
    # Stored in the INI file under the per-user folder and read back by a new window.
    window.settings.sync()
    ini = Path(os.environ["PLAN_DRAFTER_HOME"]) / "settings.ini"
    assert ini.is_file()
    again = make_window(show=False)
    assert again.settings.get(S.OFFICE_SEAL) is False
    assert again.settings.font_preset() == "gb2312"
    assert again.settings.office_defaults().issuers == ["中共南海区委网信办", "南海区教育局"]


def test_settings_dialog_refuses_a_missing_font_folder(make_window, tmp_path: Path):
    from desktop.ui.settings_dialog import SettingsDialog

    window = make_window()
    dialog = SettingsDialog(window.settings, window)
    dialog.font_dir.setText(str(tmp_path / "没有这个文件夹"))
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "不存在" in recorder.history[-1].text
    assert window.settings.get(S.OFFICE_FONT_DIR) == ""


def test_window_layout_is_remembered(qtbot, make_window):
    window = make_window()
    window.resize(701, 503)  # the offscreen screen is 800 × 600
    window.problems_dock.hide()
    QApplication.processEvents()
    window.close()
    again = make_window()
    assert (again.width(), again.height()) == (701, 503)
    assert not again.problems_dock.isVisible()


def test_open_by_drop_and_recent_files(qtbot, make_window, example_draft, tmp_path: Path):
    path = tmp_path / "拖入.plan.json"
    save_draft(example_draft, path)
    window = make_window()
    window.new_document()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.doc.path == path, timeout=3000)
    assert window.windowTitle().startswith("拖入.plan.json")
    assert window.settings.recent_files()[0] == str(path.resolve())
    window._fill_recent_menu()
    assert any("拖入.plan.json" in a.text() for a in window.recent_menu.actions())


def test_open_dialog_and_unreadable_file_gives_a_plain_message(make_window, tmp_path: Path):
    bad = tmp_path / "坏.plan.json"
    bad.write_text("{ 这不是 JSON", encoding="utf-8")
    window = make_window()
    window.new_document()
    recorder.queue_path(str(bad))
    window.open_dialog()
    shown = recorder.history[-1]
    assert shown.kind == "error" and "坏.plan.json" in shown.text and "损坏" in shown.text
    assert window.doc.path is None
    assert bad.read_text(encoding="utf-8") == "{ 这不是 JSON"


def test_python_m_desktop_ui_opens_the_path_on_the_command_line(example_path: Path, tmp_path: Path):
    home = tmp_path / "home"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLAN_DRAFTER_HOME=str(home))
    proc = subprocess.run([sys.executable, "-m", "desktop.ui", str(example_path), "--quit-after-show",
                           "--no-err-windows"], cwd=Path(__file__).resolve().parents[2], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    from PySide6.QtCore import QSettings

    state = QSettings(str(home / "state.ini"), QSettings.Format.IniFormat)
    assert json.loads(state.value("files/recent")) == [str(example_path.resolve())]


def test_qt_dialogs_speak_chinese(qapp):
    from PySide6.QtCore import QCoreApplication

    from desktop.ui.app import install_translations

    assert install_translations(qapp)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QCoreApplication.translate("QPlatformTheme", "Save") == "保存"


def test_errors_and_warnings_are_distinct_and_counted(make_window):
    window = make_window()
    window.new_document()
    errors = sum(p.severity == "error" for p in window.problems)
    warnings = len(window.problems) - errors
    assert errors and warnings
    assert f"错误 {errors}" in window.count_label.text() and f"提醒 {warnings}" in window.count_label.text()
    tree = window.problems_panel.tree
    kinds = {tree.topLevelItem(i).text(0): tree.topLevelItem(i).foreground(0).color().name()
             for i in range(tree.topLevelItemCount())}
    assert set(kinds) == {"错误", "提醒"} and kinds["错误"] != kinds["提醒"]
    window.problems_panel.filter.setCurrentIndex(1)
    assert tree.topLevelItemCount() == errors
    assert "（" in window.nav.item(0).text(), "the navigator counts the errors of each part"


def test_settings_dialog_office_preset_shapes_exports_and_travels_as_a_file(qtbot, make_window, tmp_path: Path):
    from desktop.ui.settings_dialog import SettingsDialog

    window = make_window()
    dialog = SettingsDialog(window.settings, window)
    dialog.tabs.setCurrentIndex(1)
    assert dialog.lines_note.text() == "每页 22 行" and not dialog.line_pitch.isEnabled()
    dialog.line_mode.setCurrentIndex(dialog.line_mode.findData("exact"))
    dialog.line_pitch.setValue(29.2)
    assert dialog.lines_note.text() == "每页 21 行"
    dialog.seal_diameter.setValue(45)
    shared = tmp_path / "本科室.json"
    recorder.queue_path(str(shared))
    dialog._on_export_clicked()
    assert json.loads(shared.read_text(encoding="utf-8"))["line_spacing"] == 29.2
    dialog.accept()
    std = window.settings.standard()
    assert (std.lines_per_page, std.seal_diameter_mm, std.exact_lines) == (21, 45.0, True)
    assert window.settings.export_options().standard == std
    # A colleague imports the file; a broken one is refused and changes nothing.
    other = make_window(show=False)
    bad = tmp_path / "坏.json"
    bad.write_text('{"line_spacing": 70}', encoding="utf-8")
    dialog = SettingsDialog(other.settings, other)
    recorder.queue_path(str(bad))
    dialog._on_import_clicked()
    assert "line_spacing" in recorder.history[-1].text and "70 磅" in recorder.history[-1].text
    assert dialog.line_mode.currentData() == "exact"  # unchanged: this window shares the settings file
    recorder.queue_path(str(shared))
    dialog._on_import_clicked()
    assert "已导入单位预设" in recorder.history[-1].text
    assert dialog.seal_diameter.value() == 45 and dialog.lines_note.text() == "每页 21 行"


def test_an_error_in_a_background_thread_is_reported_on_the_gui_thread(qtbot, make_window):
    """A message box may only be opened on the GUI thread: an error raised in
    a worker goes there (queued) and is shown as any other."""
    import threading

    from desktop.ui import app

    make_window()
    app.install_crash_handler()
    seen: list[bool] = []
    real = app.messages.error

    def record(parent, text, detail=""):
        seen.append(threading.current_thread() is threading.main_thread())
        real(parent, text, detail)

    app.messages.error = record
    try:
        worker = threading.Thread(target=lambda: (_ for _ in ()).throw(RuntimeError("后台线程的错误")))
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    finally:
        app.messages.error = real
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__
    assert seen == [True]
    shown = recorder.history[-1]
    assert shown.kind == "error" and "意外错误" in shown.text and "后台线程的错误" in shown.detail
