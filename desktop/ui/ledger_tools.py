"""Ledger tools: import an edited ledger (changes shown first), merge many ledgers
(conflicts settled field by field, the change against the last summary shown first)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QProgressBar,
    QPushButton, QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from . import messages, workers
from .common import browse_row

if TYPE_CHECKING:  # imported when first used: the window starts without the ledger package
    from desktop.ledger.merge import MergePlan, MergeReport
    from desktop.templates import Template


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
    from desktop.kinds import BY_KEY, kind_of

    kind = kind_of(window.doc.draft)
    if not kind.keeps_ledger:  # a report: its figures come from its plan's ledger
        said = f"{kind.label}没有自己的进度台账。"
        if kind.derived_from:
            base = BY_KEY[kind.derived_from].label
            said += (f"台账是导入到{base}中的：请打开{base}导入台账并保存，再回到{kind.label}，"
                     "在“任务完成情况”页点“刷新数据”。")
        messages.info(_parent(window), said)
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


def _plan(folder: str, out: str, template: Template | None, cancel: Callable[[], bool],
          progress: Callable[[str, int, int], None]) -> MergePlan:
    from desktop.ledger.merge import plan_merge

    plan = plan_merge([folder], template=template, out=out, cancel=cancel,
                      progress=lambda done, total, path: progress(str(path), done, total))
    if Path(out).exists() and not plan.report.cancelled:
        plan.report.changes = plan.compare(Path(out))
    return plan


def _write(plan: MergePlan, out: str) -> MergeReport:
    from desktop.ledger.merge import write_merge

    report = write_merge(plan, out)
    report.skipped.sort(key=lambda i: str(i.path))
    return report


def _shown(value: Any) -> str:
    from desktop.ledger.common import canon

    text = canon(value).replace("\n", " ")
    return f"“{text[:40]}{'…' if len(text) > 40 else ''}”" if text else "（空白）"


KEEP_OPEN = "暂不决定（按导出时的值写入，列入“未合并文件”）"


class MergeDialog(QDialog):
    """Merge a folder of ledgers into one workbook: read, settle conflicts field by
    field, see what changes against the previous summary, then write (the previous
    summary is kept as a .bak until the clerk undoes or merges again).

    Signals:
        merge_finished(object): the MergeReport (written, cancelled or with nothing to merge).
    """

    merge_finished = Signal(object)

    def __init__(self, settings: Any, parent: QWidget | None = None, template: Template | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.template = template  # the open plan's: its statuses, columns and year (None: every year apart)
        self.report: MergeReport | None = None
        self.plan: MergePlan | None = None
        self._out = ""
        self._choosing = False  # the conflict table holds the clerk's choices for self.plan
        self._cancelled = False
        self._running = False
        self.setWindowTitle("合并多个台账")
        self.resize(860, 600)
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
        self.conflicts = QTableWidget(0, 4)
        self.conflicts.setHorizontalHeaderLabels(["单位", "任务或活动", "项目", "取哪一份"])
        self.conflicts.verticalHeader().setVisible(False)
        self.conflicts.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for col, width in enumerate((150, 220, 90)):
            self.conflicts.setColumnWidth(col, width)
        self.conflicts_label = QLabel("")
        self.conflicts_label.setWordWrap(True)
        self.newest_button = QPushButton("全部取更新日期较晚的一份")
        self.newest_button.clicked.connect(self.prefer_newest)
        self.write_button = QPushButton("写入合并结果")
        self.write_button.clicked.connect(self.write)
        conflict_buttons = QHBoxLayout()
        conflict_buttons.addWidget(self.conflicts_label, 1)
        conflict_buttons.addWidget(self.newest_button)
        conflict_buttons.addWidget(self.write_button)
        self.conflict_box = QWidget()
        box = QVBoxLayout(self.conflict_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.conflicts, 1)
        box.addLayout(conflict_buttons)
        self.conflict_box.setVisible(False)
        self.merge_button = QPushButton("合并")
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.start_merge)
        self.cancel_button = QPushButton("停止")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.undo_button = QPushButton("撤销本次合并")
        self.undo_button.setToolTip("用上次的汇总（.bak）换回本次写入的合并结果")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        for b in (self.merge_button, self.cancel_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.conflict_box, 2)
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
        """Read and combine every ledger in the folder (in the background); nothing is written yet."""
        from desktop.ledger.reader import is_merge_result
        from desktop.storage import regular_file_problem

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
        target = Path(out)
        problem = regular_file_problem(target)
        if problem or (target.exists() and not is_merge_result(target)):
            messages.warning(self, f"“{out}”已存在，而且不是合并结果{('（' + problem + '）') if problem else ''}。"
                                   "为避免覆盖它，请另选合并结果的文件名。")
            return
        self.settings.set_value("ledger/merge_folder", folder)
        self.settings.set_value("ledger/merge_out", out)
        self._out = out
        self._cancelled = False
        self._busy(True, "正在查找台账文件…")
        self.conflict_box.setVisible(False)
        self._choosing = False
        self.undo_button.setEnabled(False)
        self.report_box.clear()
        job = workers.Job(_plan, folder, out, self.template, lambda: self._cancelled, with_progress=True)
        job.signals.progressed.connect(self._on_progress)
        job.signals.succeeded.connect(self._on_planned)
        job.signals.failed.connect(self._on_failed)
        workers.start(job)

    def _busy(self, running: bool, text: str = "") -> None:
        self._running = running
        self.merge_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.write_button.setEnabled(not running)
        if running:
            self.progress.setVisible(True)
            self.progress.setRange(0, 0)
        if text:
            self.status.setText(text)

    def _on_cancel_clicked(self) -> None:
        self._cancelled = True
        self.status.setText("正在停止…")

    def _on_progress(self, path: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.status.setText(f"正在读取 {done + 1}/{total}：{Path(path).name}" if done < total else "正在合并…")

    def _on_planned(self, plan: MergePlan) -> None:
        self._busy(False)
        self.plan = plan
        report = plan.report
        self.progress.setValue(self.progress.maximum())
        if report.cancelled or not plan.offices:
            self.status.setText("已停止，没有写入任何文件。" if report.cancelled else
                                "没有可以合并的台账，没有写入任何文件。")
            self.report_box.setPlainText("\n".join(report.lines()) or "没有找到台账文件。")
            self.report = report
            self.merge_finished.emit(report)
            return
        if plan.conflicts:
            self._show_conflicts(plan)
            return
        self.write()

    def _show_conflicts(self, plan: MergePlan) -> None:
        """One row per conflicting field, with every copy's value to choose from."""
        from desktop.ledger.merge import conflict_line

        self.conflicts.setRowCount(len(plan.conflicts))
        for row, c in enumerate(plan.conflicts):
            for col, text in enumerate((c.office, c.name, c.label)):
                item = QTableWidgetItem(text)
                item.setToolTip(conflict_line(c))
                self.conflicts.setItem(row, col, item)
            combo = QComboBox()
            combo.addItem(KEEP_OPEN)
            for o in c.options:
                combo.addItem(f"“{o.copy.name}”第 {o.line} 行：{_shown(o.value)}")
            combo.setCurrentIndex(c.chosen + 1)
            combo.setToolTip(c.reason)
            self.conflicts.setCellWidget(row, 3, combo)
        self.conflicts_label.setText(
            f"有 {len(plan.conflicts)} 处冲突：同一单位的几份台账把同一格改得不一样。请逐项选择取哪一份，"
            "再点“写入合并结果”；不选的按导出时的值写入，并列在结果的“未合并文件”工作表中。")
        self.conflict_box.setVisible(True)
        self._choosing = True
        self.status.setText("请处理冲突后写入。")
        self.report_box.setPlainText("\n".join(plan.report.lines()))

    def choice(self, row: int) -> QComboBox:
        widget = self.conflicts.cellWidget(row, 3)
        assert isinstance(widget, QComboBox)
        return widget

    def prefer_newest(self) -> None:
        """Set every open choice to the copy whose row was updated last (--prefer newest-edit)."""
        if self.plan is None:
            return
        from desktop.ledger.merge import preferred_option

        for row, c in enumerate(self.plan.conflicts):
            if self.choice(row).currentIndex() == 0:
                pick = preferred_option(c, "newest-edit")
                if pick is not None:
                    self.choice(row).setCurrentIndex(pick + 1)

    def write(self) -> None:
        """Apply the choices, show what changes against the previous summary, then write."""
        plan = self.plan
        if plan is None or self._running:
            return
        for row, c in enumerate(plan.conflicts):
            index = self.choice(row).currentIndex() - 1 if self._choosing else c.chosen
            c.choose(index, "在窗口中选择" if index >= 0 else "")
        out = Path(self._out)
        if out.exists():
            plan.report.changes = plan.compare()  # with the choices just made
            changes = "\n".join(f"  {line}" for line in plan.report.changes) or "  （无法读取上次的汇总，不能比较）"
            answer = messages.ask(
                self, f"合并结果“{out.name}”已存在（上次合并生成）。与它相比：\n{changes}\n\n"
                      f"是否用本次的结果替换它？上次的汇总会保留为“{out.name}.bak”，可以撤销。",
                {"replace": "替换", "cancel": "取消"}, "replace", cancel="cancel")
            if answer != "replace":
                self.status.setText("没有写入，上次的汇总不变。")
                return
        self._busy(True, "正在保存合并结果…")
        job = workers.Job(_write, plan, self._out)
        job.signals.succeeded.connect(self._on_written)
        job.signals.failed.connect(self._on_failed)
        workers.start(job)

    def _on_written(self, report: MergeReport) -> None:
        self._busy(False)
        self.report = report
        self.conflict_box.setVisible(False)
        self._choosing = False
        self.progress.setValue(self.progress.maximum())
        self.status.setText(f"合并完成：{report.out}")
        self.report_box.setPlainText("\n".join(report.lines()))
        self.undo_button.setEnabled(report.backup is not None and report.backup.exists())
        self.merge_finished.emit(report)

    def undo(self) -> None:
        """Put the previous summary back (the one this merge replaced)."""
        from desktop.errors import DesktopError
        from desktop.storage import atomic_write_bytes

        report = self.report
        if report is None or report.backup is None or not report.backup.exists():
            return
        try:
            atomic_write_bytes(report.out, report.backup.read_bytes(), action="恢复上次的汇总")
            report.backup.unlink()
        except (DesktopError, OSError) as err:
            messages.error(self, f"无法恢复上次的汇总：{err}")
            return
        self.undo_button.setEnabled(False)
        self.status.setText(f"已撤销本次合并：“{report.out.name}”恢复为上次的汇总。")

    def _on_failed(self, message: str, detail: str) -> None:
        self._busy(False)
        self.progress.setVisible(False)
        self.status.setText(message)
        messages.error(self, message, detail)

    def reject(self) -> None:
        if self._running:
            self._on_cancel_clicked()
            return
        super().reject()
