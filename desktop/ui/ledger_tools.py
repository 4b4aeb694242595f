"""Ledger tools: import an edited ledger (changes shown first), merge many ledgers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QProgressBar,
    QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from . import messages, workers
from .common import browse_row


class LedgerHost(Protocol):
    """What the ledger tools need of the window (MainWindow is one): no import
    of the main window here, so the two modules do not depend on each other."""

    doc: Any  # DraftDocument | None
    settings: Any  # AppSettings

    def statusBar(self) -> Any: ...  # noqa: N802 - Qt's name

    def show_import_plan(self, dialog: QDialog) -> None: ...

def _parent(window: LedgerHost) -> QWidget | None:
    """The window as the parent of the boxes it opens (MainWindow is a widget)."""
    return window if isinstance(window, QWidget) else None


LEDGER_FILTER = "Excel 台账 (*.xlsx *.xlsm);;所有文件 (*)"


# --- import -------------------------------------------------------------------------


def start_import(window: LedgerHost, path: str | None = None) -> workers.Job | None:
    """Ask for a ledger (unless given), read it in the background, then show the changes."""
    if window.doc is None:
        return None
    if path is None:
        folder = str(window.doc.path.parent) if window.doc.path else window.settings.value("files/last_dir")
        path = messages.open_path(_parent(window), "选择填好的台账", folder, LEDGER_FILTER)
        if not path:
            return None
    return _read_ledger(window, path, force=False)


def _read_ledger(window: LedgerHost, path: str, *, force: bool) -> workers.Job | None:
    import functools

    from desktop.ledger.importing import plan_import

    assert window.doc is not None
    window.statusBar().showMessage("正在读取台账…")
    job = workers.Job(functools.partial(plan_import, force=force), window.doc.draft.copy(), window.doc.template,
                      Path(path))
    job.signals.succeeded.connect(lambda plan: _show_plan(window, plan))
    job.signals.failed.connect(lambda msg, detail: _on_read_failed(window, job, path, msg, detail))
    return workers.start(job)


def _on_read_failed(window: LedgerHost, job: workers.Job, path: str, message: str, detail: str) -> None:
    from desktop.errors import LedgerIdentityError

    window.statusBar().clearMessage()
    if isinstance(job.error, LedgerIdentityError) and job.error.overridable:
        answer = messages.ask(_parent(window), message, {"import": "确属本单位，仍然查看并导入", "cancel": "取消"},
                              "cancel", cancel="cancel")
        if answer == "import":
            _read_ledger(window, path, force=True)
        return
    messages.error(_parent(window), message, detail)


def _show_plan(window: LedgerHost, plan) -> None:
    window.statusBar().clearMessage()
    window.show_import_plan(ImportPreviewDialog(window, plan, _parent(window)))


class ImportPreviewDialog(QDialog):
    """What the import would change; nothing changes until the clerk confirms.

    Signals:
        applied(int): the import was applied (items changed) as one undo step.
    """

    applied = Signal(int)

    def __init__(self, window: LedgerHost, plan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.plan = plan
        self.setWindowTitle(f"导入台账：{Path(plan.source).name}")
        self.resize(820, 560)
        summary = QLabel(f"将更新 {len(plan.changes)} 项进度；{plan.unchanged} 项没有变化；"
                         f"{len(plan.rejections)} 行有错误不导入。请核对后点“导入”（导入后可撤销）。")
        summary.setWordWrap(True)
        self.identity = QLabel(f"注意：{plan.identity_warning}" if plan.identity_warning else "")
        self.identity.setWordWrap(True)
        self.identity.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.identity.setVisible(bool(plan.identity_warning))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["台账行", "任务或活动", "变化"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setColumnWidth(1, 260)
        for change in plan.changes:
            how = "（按名称对应）" if change.matched_by == "name" else ""
            item = QTreeWidgetItem([f"第 {change.row} 行", change.name + how,
                                    "；".join(c.describe() for c in change.changes)])
            for c in change.changes:
                QTreeWidgetItem(item, ["", "", c.describe()])
            self.tree.addTopLevelItem(item)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        lines = [r.message for r in plan.rejections] + [f"提示：{n}" for n in plan.notes]
        self.problems.setPlainText("\n".join(lines) or "没有错误。")
        self.problems.setMaximumHeight(140)
        self.apply_button = QPushButton("导入")
        self.apply_button.setDefault(True)
        self.apply_button.setEnabled(bool(plan.changes))
        self.apply_button.clicked.connect(self.apply)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.identity)
        layout.addWidget(summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(QLabel("未导入的行和提示："))
        layout.addWidget(self.problems)
        layout.addLayout(buttons)

    def apply(self) -> int:
        from desktop.ledger.importing import apply_import

        doc = self.window_.doc
        if doc is None:
            return 0
        counted: list[int] = []
        doc.edit_structure(f"导入台账“{Path(self.plan.source).name}”",
                           lambda d: counted.append(apply_import(d, self.plan)))
        n = counted[0] if counted else 0
        self.window_.statusBar().showMessage(f"已从台账更新 {n} 项进度（可撤销）。", 6000)
        self.applied.emit(n)
        self.accept()
        return n


# --- merge -------------------------------------------------------------------------------


def _merge(folder: str, out: str, template, cancel, progress):
    from desktop.ledger.merge import merge_ledgers

    return merge_ledgers([folder], out, template=template,
                         progress=lambda done, total, path: progress(str(path), done, total), cancel=cancel)


class MergeDialog(QDialog):
    """Merge a folder of ledgers into one workbook, with progress and a report.

    Signals:
        merge_finished(object): the MergeReport.
    """

    merge_finished = Signal(object)

    def __init__(self, settings, parent: QWidget | None = None, template=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.template = template  # the open plan's: its statuses and columns (None: the default plan)
        self.report = None
        self._cancelled = False
        self._running = False
        self.setWindowTitle("合并多个台账")
        self.resize(720, 480)
        self.folder = QLineEdit(settings.value("ledger/merge_folder", ""))
        self.folder.setPlaceholderText("存放各单位台账（.xlsx）的文件夹，含子文件夹")
        row = browse_row(self.folder, self._on_browse_folder)
        self.out = QLineEdit(settings.value("ledger/merge_out", ""))
        self.out.setPlaceholderText("合并结果保存为（.xlsx）")
        row2 = browse_row(self.out, self._on_browse_out)
        form = QFormLayout()
        form.addRow("台账文件夹", row)
        form.addRow("合并结果", row2)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.report_box = QPlainTextEdit()
        self.report_box.setReadOnly(True)
        self.report_box.setPlaceholderText("合并结果和未合并文件的原因会显示在这里。")
        self.merge_button = QPushButton("合并")
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.start_merge)
        self.cancel_button = QPushButton("停止")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.merge_button, self.cancel_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.report_box, 1)
        layout.addLayout(buttons)

    def _on_browse_folder(self) -> None:
        folder = messages.folder_path(self, "选择台账文件夹", self.folder.text())
        if folder:
            self.folder.setText(folder)
            if not self.out.text().strip():
                self.out.setText(str(Path(folder).parent / f"{Path(folder).name}-合并台账.xlsx"))

    def _on_browse_out(self) -> None:
        path = messages.save_path(self, "合并结果保存为", self.out.text(), "Excel 工作簿 (*.xlsx)")
        if path:
            self.out.setText(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    def start_merge(self) -> None:
        folder, out = self.folder.text().strip(), self.out.text().strip()
        if not folder or not Path(folder).is_dir():
            messages.warning(self, f"台账文件夹“{folder}”不存在，请重新选择。")
            return
        if not out:
            messages.warning(self, "请填写合并结果的保存位置。")
            return
        if not out.lower().endswith(".xlsx"):
            out += ".xlsx"
            self.out.setText(out)
        from desktop.ledger.reader import is_merge_result

        if Path(out).exists() and not is_merge_result(Path(out)):
            messages.warning(self, f"“{out}”已存在，而且不是合并结果。为避免覆盖它，请另选合并结果的文件名。")
            return
        if Path(out).exists() and messages.ask(
                self, f"合并结果“{Path(out).name}”已存在（上次合并生成），是否用本次的结果替换它？",
                {"replace": "替换", "cancel": "取消"}, "replace", cancel="cancel") != "replace":
            return
        self.settings.set_value("ledger/merge_folder", folder)
        self.settings.set_value("ledger/merge_out", out)
        self._cancelled = False
        self._running = True
        self.merge_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText("正在查找台账文件…")
        self.report_box.clear()
        job = workers.Job(_merge, folder, out, self.template, lambda: self._cancelled, with_progress=True)
        job.signals.progressed.connect(self._on_progress)
        job.signals.succeeded.connect(self._on_succeeded)
        job.signals.failed.connect(self._on_failed)
        workers.start(job)

    def _on_cancel_clicked(self) -> None:
        self._cancelled = True
        self.status.setText("正在停止…")

    def _on_progress(self, path: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.status.setText(f"正在合并 {done + 1}/{total}：{Path(path).name}" if done < total else "正在保存…")

    def _finish(self) -> None:
        self._running = False
        self.merge_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _on_succeeded(self, report) -> None:
        self._finish()
        self.report = report
        self.progress.setValue(self.progress.maximum())
        if report.cancelled:
            self.status.setText("已停止，没有写入任何文件。")
        elif not report.written:
            self.status.setText("没有可以合并的台账，没有写入任何文件。")
        else:
            self.status.setText(f"合并完成：{report.out}")
        self.report_box.setPlainText("\n".join(report.lines()) or "没有找到台账文件。")
        self.merge_finished.emit(report)

    def _on_failed(self, message: str, detail: str) -> None:
        self._finish()
        self.progress.setVisible(False)
        self.status.setText(message)
        messages.error(self, message, detail)

    def reject(self) -> None:
        if self._running:
            self._on_cancel_clicked()
            return
        super().reject()
