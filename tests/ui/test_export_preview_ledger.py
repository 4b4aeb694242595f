"""Export dialog, preview and printing, ledger import and merge, through the window."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt

from desktop.storage import save_draft
from tests.ui.recorder import recorder

from .helpers import type_text


@pytest.fixture
def opened(make_window, example_draft, tmp_path: Path):
    def make(preview: bool = False):
        path = tmp_path / "佛山方案.plan.json"
        save_draft(example_draft, path)
        window = make_window(preview=preview)
        assert window.open_path(path)
        return window
    return make


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_export_dialog_writes_the_three_files(qtbot, opened, tmp_path: Path, monkeypatch):
    window = opened()
    out = tmp_path / "导出"
    out.mkdir()
    window.export()
    dialog = window.export_dialog
    assert dialog.isVisible()
    assert dialog.formats() == ["docx", "pdf", "xlsx"]
    dialog.folder.setText(str(out))
    assert dialog.name.text() == "佛山方案"
    with qtbot.waitSignal(dialog.export_finished, timeout=60000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert dialog._running, "the export runs in the background"
        assert not dialog.export_button.isEnabled()
    results = blocker.args[0]
    assert [r.fmt for r in results] == ["docx", "pdf", "xlsx"]
    names = sorted(p.name for p in out.iterdir())
    assert names == ["佛山方案-台账.xlsx", "佛山方案.docx", "佛山方案.pdf"]
    title = window.doc.draft.plan.title
    with zipfile.ZipFile(out / "佛山方案.docx") as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "佛委网办〔2020〕9号" in xml
    pdf = PdfReader(str(out / "佛山方案.pdf"))
    assert len(pdf.pages) >= 4
    assert title[:8] in "".join(p.extract_text() or "" for p in pdf.pages)
    wb = load_workbook(out / "佛山方案-台账.xlsx")
    assert window.doc.template.ledger.sheet in wb.sheetnames
    assert dialog.open_button.isEnabled()
    opened_urls = []
    monkeypatch.setattr("desktop.ui.export_dialog.QDesktopServices.openUrl",
                        lambda url: opened_urls.append(url.toLocalFile()) or True)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened_urls == [str(out)]


def test_each_export_dialog_goes_when_the_next_one_opens(qtbot, opened, tmp_path: Path):
    """Every export opened a new dialog as the window's child and kept the old
    ones (about 1 MB each) until the window closed."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from desktop.ui.export_dialog import ExportDialog

    window = opened()
    for _ in range(4):
        window.export()
        assert window.export_dialog.isVisible()
        window.export_dialog.reject()
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    kept = window.findChildren(ExportDialog)
    assert kept == [window.export_dialog]
    window.export()  # the last one is still usable, and replaced in turn
    assert window.export_dialog.isVisible() and window.export_dialog is not kept[0]
    window.export_dialog.reject()


def test_export_dialog_offers_ofd(qtbot, opened, tmp_path: Path):
    window = opened()
    out = tmp_path / "电子公文"
    out.mkdir()
    window.export()
    dialog = window.export_dialog
    assert [b.text() for b in dialog.checks.values()] == [
        "Word 公文（.docx）", "PDF 公文（.pdf）", "进度台账（.xlsx）", "OFD 版式公文（.ofd）"]
    assert not dialog.checks["ofd"].isChecked()  # opt-in: only offices that send OFD need it
    for key, box in dialog.checks.items():
        box.setChecked(key == "ofd")
    dialog.folder.setText(str(out))
    with qtbot.waitSignal(dialog.export_finished, timeout=60000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert [r.fmt for r in blocker.args[0]] == ["ofd"]
    assert sorted(p.name for p in out.iterdir()) == ["佛山方案.ofd"]
    with zipfile.ZipFile(out / "佛山方案.ofd") as zf:
        assert "Doc_0/Document.xml" in zf.namelist()


def test_export_to_a_file_open_in_word_reports_it_and_keeps_the_old_file(qtbot, opened, tmp_path: Path,
                                                                         monkeypatch):
    window = opened()
    out = tmp_path / "被占用"
    out.mkdir()
    target = out / "佛山方案.docx"
    target.write_bytes(b"old document")
    real_replace = os.replace

    def locked(src, dst, *a, **k):  # what Windows does while Word holds the file
        if Path(dst) == target:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", locked)
    window.export()
    dialog = window.export_dialog
    dialog.folder.setText(str(out))
    recorder.queue_answer("replace")
    with qtbot.waitSignal(dialog.export_failed, timeout=60000) as blocker:
        dialog.start_export()
    message = blocker.args[0]
    assert "请先关闭已在 Word 或 WPS 中打开的文件" in message and "佛山方案.docx" in message
    assert recorder.history[-1].kind == "error"
    assert target.read_bytes() == b"old document"
    assert sorted(p.name for p in out.iterdir()) == ["佛山方案.docx"], "no half-written or temporary file left"
    assert dialog.export_button.isEnabled()


def _with_preview_rendered(qtbot, opened):
    """The example open with its preview pane shown and its first render done."""
    window = opened(preview=True)
    window.preview_dock.show()
    window.preview_dock.raise_()
    with qtbot.waitSignal(window.ensure_preview().rendered, timeout=60000):
        window.refresh_preview()
    return window


def test_preview_shows_the_pdf_export_pages_and_prints_them(qtbot, opened, tmp_path: Path):
    from PySide6.QtPrintSupport import QPrinter

    from desktop.export import ExportOptions
    from desktop.export.pdf import render_pdf_bytes

    window = _with_preview_rendered(qtbot, opened)
    preview = window.preview
    exported, _ = render_pdf_bytes(window.doc.draft, window.doc.template, ExportOptions())
    assert preview.page_count() == len(PdfReader(io.BytesIO(exported)).pages)
    assert _pdf_text(preview.pdf_bytes) == _pdf_text(exported), "the preview is the export's PDF"
    preview.go_to_page(2)
    assert preview.current_page() == 2
    assert preview.page_label.text() == f"第 3 / {preview.page_count()} 页"
    preview.set_zoom(1.5)
    assert preview.view.zoomFactor() == 1.5

    # Typing refreshes the preview shortly after the edits stop.
    window.preview_timer.setInterval(50)
    title = window.show_section("goals").binder.find("plan.title")
    title.edit.setFocus()
    title.edit.selectAll()
    with qtbot.waitSignal(preview.rendered, timeout=60000):
        type_text(title.edit, "南海区2020年争做中国好网民工程实施方案")
    qtbot.waitUntil(lambda: "南海区2020年" in _pdf_text(preview.pdf_bytes), timeout=60000)

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert preview.print_to(printer) == preview.page_count()
    pages = PdfReader(str(printed)).pages
    assert len(pages) == preview.page_count()
    assert abs(float(pages[0].mediabox.width) - 595.3) < 2 and abs(float(pages[0].mediabox.height) - 841.9) < 2


def test_ledger_import_shows_changes_and_applies_as_one_undo_step(qtbot, opened, tmp_path: Path):
    from desktop.export import ExportOptions, export_one

    window = opened()
    ledger = tmp_path / "台账.xlsx"
    export_one(window.doc.draft, window.doc.template, "xlsx", ledger, ExportOptions())
    wb = load_workbook(ledger)
    ws = wb[window.doc.template.ledger.sheet]
    header_row, cols = None, {}
    for row in ws.iter_rows(min_row=1, max_row=12):
        titles = {str(c.value).strip(): c.column for c in row if c.value}
        if "状态" in titles:
            header_row, cols = row[0].row, titles
            break
    assert header_row
    name_col = next(c for t, c in cols.items() if t.startswith("名称"))
    pct_col = next(c for t, c in cols.items() if t.startswith("完成率"))
    target_row = next(r for r in range(header_row + 1, ws.max_row + 1)
                      if ws.cell(r, name_col).value == window.doc.draft.plan.task_groups[0].tasks[1].title)
    ws.cell(target_row, cols["状态"]).value = "已完成"
    ws.cell(target_row, pct_col).value = 100
    ws.cell(target_row, cols["进展情况"]).value = "已全员轮训=1+1"
    wb.save(ledger)
    task_id = window.doc.draft.plan.task_groups[0].tasks[1].id
    before = window.doc.draft.to_dict()
    steps = window.doc.undo_stack.count()

    from desktop.ui.ledger_tools import start_import

    job = start_import(window, str(ledger))
    qtbot.waitUntil(lambda: getattr(window, "import_dialog", None) is not None, timeout=30000)
    dialog = window.import_dialog
    assert dialog.isVisible()
    assert window.doc.draft.to_dict() == before, "nothing changes before the clerk confirms"
    shown = [dialog.tree.topLevelItem(i).text(2) for i in range(dialog.tree.topLevelItemCount())]
    assert any("已完成" in s and "已全员轮训=1+1" in s for s in shown)
    assert job is not None
    dialog.apply()
    entry = window.doc.draft.progress[task_id]
    assert (entry.status, entry.percent, entry.summary) == ("已完成", 100, "已全员轮训=1+1")
    assert window.doc.undo_stack.count() == steps + 1
    ledger_editor = window.show_section("ledger")
    row = ledger_editor._ids.index(task_id)
    status = ledger_editor.column("status")
    assert ledger_editor.table.item(row, status).text() == "已完成"
    window.undo_action.trigger()
    assert window.doc.draft.to_dict() == before
    assert ledger_editor.table.item(row, status).text() != "已完成"


def test_ledger_merge_reports_skipped_files(qtbot, make_window, example_draft, tmp_path: Path):
    from desktop.export import export_one
    from desktop.templates import load_template
    from desktop.ui.ledger_tools import MergeDialog

    folder = tmp_path / "各区台账"
    folder.mkdir()
    template = load_template(example_draft.template)
    for n, name in enumerate(("禅城区", "南海区")):
        draft = example_draft.copy()
        draft.notice.issuers = [f"中共佛山市{name}委网信办"]
        draft.plan.task_groups[0].tasks[0].title += "（" + name + "）" * (n + 1)
        export_one(draft, template, "xlsx", folder / f"{name}.xlsx")
    (folder / "说明.xlsx").write_bytes(b"not a workbook")
    window = make_window()
    dialog = MergeDialog(window.settings, window)
    dialog.folder.setText(str(folder))
    out = tmp_path / "合并.xlsx"
    dialog.out.setText(str(out))
    with qtbot.waitSignal(dialog.merge_finished, timeout=60000) as blocker:
        dialog.start_merge()
    report = blocker.args[0]
    assert report.written and report.merged_files == 2
    assert [i.path.name for i in report.skipped] == ["说明.xlsx"]
    assert "说明.xlsx" in dialog.report_box.toPlainText()
    assert dialog.progress.value() == dialog.progress.maximum()
    assert out.is_file()
    # Again into the same file: the earlier result is replaced after a question;
    # a file that is not a merge result is never replaced.
    recorder.queue_answer("replace")
    with qtbot.waitSignal(dialog.merge_finished, timeout=60000) as blocker:
        dialog.start_merge()
    assert blocker.args[0].written and "上次合并生成" in recorder.history[-1].text
    theirs = tmp_path / "别人的表.xlsx"
    theirs.write_bytes(b"PK\x03\x04 somebody's workbook")
    dialog.out.setText(str(theirs))
    dialog.start_merge()
    assert "不是合并结果" in recorder.history[-1].text and theirs.read_bytes() == b"PK\x03\x04 somebody's workbook"


def test_the_preview_says_what_to_do_when_no_draft_is_open(qtbot, opened):
    """Back on the start page the preview shows no old pages and no endless
    "preparing"; opening a draft again renders it."""
    from desktop.ui.common import PREVIEW_NO_DRAFT

    window = _with_preview_rendered(qtbot, opened)
    preview = window.preview
    path = window.doc.path
    window.doc.undo_stack.setClean()
    assert window.show_start()
    assert preview.stack.currentIndex() == 0 and preview.message.text() == PREVIEW_NO_DRAFT
    assert preview.page_label.text() == "—" and not preview.next_button.isEnabled()
    with qtbot.waitSignal(preview.rendered, timeout=60000):
        assert window.open_path(path)
    assert preview.stack.currentIndex() == 1 and preview.page_count() > 1


def test_a_window_started_without_a_draft_says_so_in_the_preview(make_window):
    from desktop.ui.common import PREVIEW_NO_DRAFT

    window = make_window(preview=True)
    window.show_start()
    assert window.preview is None, "the preview module is not loaded for the start page"
    assert window.preview_holder.text() == PREVIEW_NO_DRAFT
