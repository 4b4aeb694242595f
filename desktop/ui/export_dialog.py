"""Export dialog: choose outputs and folder; the export runs in a worker thread."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QProgressBar, QPushButton,
    QVBoxLayout, QWidget,
)

from desktop.checks import ERROR, Problem
from desktop.filenames import safe_base
from desktop.kinds import kind_of

from . import messages, workers
from .common import browse_row, fit_on_screen, hint_label
from .document import DraftDocument
from .settings import AppSettings


class ExportDialog(QDialog):
    """Signals:
        export_finished(object): the list of ExportResult.
        export_failed(str): the clerk-facing message.
    """

    export_finished = Signal(object)
    export_failed = Signal(str)

    def __init__(self, doc: DraftDocument, settings: AppSettings, problems: list[Problem],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop.export import DEFAULT_FORMATS, REGISTRY, base_name

        self.doc = doc
        self.settings = settings
        self.results: list = []
        self.setWindowTitle("导出公文和台账")
        self.setMinimumWidth(560)
        self.checks: dict[str, QCheckBox] = {}
        boxes = QVBoxLayout()
        chosen = set(settings.value("export/formats", ",".join(DEFAULT_FORMATS)).split(","))
        kind = kind_of(doc.draft)
        for fmt in (f for f in REGISTRY if f.key in kind.formats):  # a report has no ledger
            box = QCheckBox(fmt.label)
            box.setChecked(fmt.key in chosen)
            box.toggled.connect(self._update_buttons)
            boxes.addWidget(box)
            self.checks[fmt.key] = box
        folder, why = default_folder(doc, settings)
        self.folder = QLineEdit(folder)
        self.folder_hint = hint_label(f"默认是{why}。")
        self.folder.textEdited.connect(lambda _text: self.folder_hint.setText(""))
        folder_row = browse_row(self.folder, self._on_browse_clicked)
        self.name = QLineEdit(base_name(doc.path) if doc.path else safe_base(kind.title_of(doc.draft), kind.untitled))
        self.name.setToolTip("导出文件的名称（不含扩展名）；台账文件名后加“-台账”")
        form = QFormLayout()
        form.addRow("导出内容", boxes)
        form.addRow("保存到文件夹", folder_row)
        form.addRow("", self.folder_hint)
        form.addRow("文件名", self.name)
        errors = sum(1 for p in problems if p.severity == ERROR)
        self.warning = QLabel(f"注意：检查发现 {errors} 个错误，导出的公文可能不完整或不合格式，"
                              "建议先在“检查结果”中处理。" if errors else "")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b3261e;")
        self.warning.setVisible(bool(errors))
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(self.status.textInteractionFlags()
                                            | Qt.TextInteractionFlag.TextSelectableByMouse)
        # The hints about fonts can be many: they scroll in a box of their own, so the
        # dialog keeps its size (it must fit a 1024×768 screen with any result).
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setMaximumHeight(self.notes.fontMetrics().lineSpacing() * 6 + 12)
        self.notes.setVisible(False)
        self.export_button = QPushButton("导出")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.open_button = QPushButton("打开文件夹")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_folder)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.export_button, self.open_button, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.notes)
        layout.addLayout(buttons)
        self._running = False
        self._update_buttons()

    def formats(self) -> list[str]:
        return [fmt for fmt, box in self.checks.items() if box.isChecked()]

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(bool(self.formats()) and not self._running)

    def _on_browse_clicked(self) -> None:
        folder = messages.folder_path(self, "选择导出文件夹", self.folder.text())
        if folder:
            self.folder.setText(folder)
            self.folder_hint.setText("")

    def start_export(self) -> None:
        from desktop.export import ExportOptions, export_all, output_path

        folder = Path(self.folder.text().strip())
        typed = self.name.text().strip()
        base = safe_base(typed)
        if base and base != typed:
            self.name.setText(base)
            messages.info(self, f"文件名中有 Windows 不允许的字符或太长，已改为“{base}”。")
        if not self.folder.text().strip() or not folder.is_dir():
            messages.warning(self, f"导出文件夹“{folder}”不存在，请重新选择。")
            return
        if not base:
            messages.warning(self, "请填写导出文件名。")
            self.name.setFocus()
            return
        formats = self.formats()
        from desktop.outputs import same_file

        if self.doc.path is not None:
            clash = [output_path(folder, base, f) for f in formats
                     if same_file(output_path(folder, base, f), self.doc.path)]
            if clash:
                messages.warning(self, f"导出文件“{clash[0].name}”就是当前草稿文件本身，导出会覆盖草稿。"
                                       "请换一个文件名或文件夹。")
                self.name.setFocus()
                return
        existing = [output_path(folder, base, f).name for f in formats if output_path(folder, base, f).exists()]
        if existing and messages.ask(self, "以下文件已存在，是否替换？\n" + "\n".join(existing),
                                     {"replace": "替换", "cancel": "取消"}, "replace", cancel="cancel") != "replace":
            return
        self.settings.set_value("export/folder", str(folder))
        self.settings.set_value("export/formats", ",".join(formats))
        options: ExportOptions = self.settings.export_options()
        self._running = True
        self._update_buttons()
        self.open_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, len(formats))
        self.progress.setValue(0)
        self.status.setText("正在导出…")
        self.status.setStyleSheet("")
        self.out_dir = folder
        inputs = [self.doc.path] if self.doc.path else []
        job = workers.Job(functools.partial(export_all, inputs=inputs), self.doc.draft.copy(), self.doc.template,
                          folder, base, formats, options, with_progress=True)
        job.signals.progressed.connect(self._on_progress)
        job.signals.succeeded.connect(self._on_succeeded)
        job.signals.failed.connect(self._on_failed)
        workers.start(job)

    def _on_progress(self, fmt: str, step: int, total: int) -> None:
        self.progress.setValue(step)
        if fmt:
            from desktop.export import BY_KEY

            self.status.setText(BY_KEY[fmt].step if fmt in BY_KEY else "正在导出…")

    def _on_succeeded(self, results: list) -> None:
        self._running = False
        self.results = results
        self._update_buttons()
        self.progress.setVisible(False)  # the result line takes its place, whole
        lines = [f"已导出到文件夹 {self.out_dir}："] + [f"　· {r.path.name}" for r in results]
        notes = list(dict.fromkeys(n for r in results for n in r.notes))  # once each, in the order given
        self.status.setText("\n".join(lines))
        self.status.setToolTip("\n".join(str(r.path) for r in results))
        self.status.setStyleSheet("color: #1e7d32;")
        self.notes.setPlainText("\n".join(f"提示：{n}" for n in notes))
        self.notes.setVisible(bool(notes))
        self.adjustSize()
        fit_on_screen(self)
        self.open_button.setEnabled(True)
        self.open_button.setFocus()
        self.export_finished.emit(results)

    def _on_failed(self, message: str, detail: str) -> None:
        self._running = False
        self._update_buttons()
        self.progress.setVisible(False)
        self.status.setText(message)
        self.status.setStyleSheet("color: #b3261e;")
        self.export_failed.emit(message)
        messages.error(self, message, detail)

    def open_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.out_dir)))

    def reject(self) -> None:
        if self._running:
            messages.info(self, "正在导出，请稍候完成后再关闭。")
            return
        super().reject()


def default_folder(doc: DraftDocument, settings: AppSettings) -> tuple[str, str]:
    """Where an export goes unless the clerk says otherwise, and how to say why:
    a saved draft's own folder (a district's files beside the district's draft),
    else the last export's folder, else 文档."""
    if doc.path is not None:
        return str(doc.path.parent), "草稿所在的文件夹"
    last = settings.value("export/folder", "")
    if last and Path(last).is_dir():
        return last, "上次导出用的文件夹（草稿还没有保存）"
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation), "“文档”文件夹"
