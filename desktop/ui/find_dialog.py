"""查找和替换: every field of the draft at once, as one undo step (Ctrl+H)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QVBoxLayout, QWidget,
)

from desktop.locations import describer
from desktop.search import occurrences, replace_all

from .common import hint_label

_LIST_ENTRY = re.compile(r"^(.*\.(?:issuers|signatures|cc|partners))\[\d+\]$")
_EXEMPTION = re.compile(r"^plan\.upstream_exemptions\.(\d+)$")


def field_path(path: str) -> tuple[str, int | None]:
    """Where the window shows a text of ``search.occurrences``: (path, provincial task)."""
    m = _EXEMPTION.match(path)
    if m:
        return "plan.upstream_exemptions", int(m.group(1))
    m = _LIST_ENTRY.match(path)
    return (m.group(1) if m else path), None


class FindReplaceDialog(QDialog):
    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.setWindowTitle("查找和替换")
        self.setMinimumWidth(460)
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("如 我市")
        self.replace = QLineEdit()
        self.replace.setPlaceholderText("如 我区（留空则删除找到的文字）")
        form = QFormLayout()
        form.addRow("查找", self.find_edit)
        form.addRow("替换为", self.replace)
        self.count = QLabel("")
        self.results = QListWidget()
        self.results.setMinimumHeight(160)
        self.results.itemActivated.connect(self._on_result_activated)
        self.next_button = QPushButton("查找下一个")
        self.next_button.setToolTip("转到下一处（F3）")
        self.next_button.clicked.connect(self.find_next)
        self.replace_button = QPushButton("全部替换")
        self.replace_button.setToolTip("在方案的所有栏目中替换，可用“撤销”一次恢复")
        self.replace_button.clicked.connect(self.replace_everywhere)
        buttons = QDialogButtonBox()
        buttons.addButton(self.next_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.replace_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)
        layout.addWidget(hint_label("查找所有栏目（通知、方案、任务、活动和各项名单）；双击结果转到该处。"))
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.FindNext), self, self.find_next)
        self.find_edit.textChanged.connect(self.refresh)
        self.find_edit.returnPressed.connect(self.find_next)
        self._places: list[tuple[str, int]] = []
        self._next = 0
        self.refresh()

    def refresh(self) -> None:
        doc = self.window_.doc
        needle = self.find_edit.text()
        self._places = occurrences(doc.draft, needle) if doc is not None else []
        self._next = 0
        self.results.clear()
        where = describer(doc.draft) if doc is not None else (lambda p: p)
        for path, n in self._places:
            item = QListWidgetItem(f"{where(field_path(path)[0])}（{n} 处）")
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.results.addItem(item)
        total = sum(n for _, n in self._places)
        if not needle:
            self.count.setText("")
        elif total:
            self.count.setText(f"共找到 {total} 处，在 {len(self._places)} 个栏目中。")
        else:
            self.count.setText("没有找到。")
        self.next_button.setEnabled(bool(total))
        self.replace_button.setEnabled(bool(total))

    def find_next(self) -> None:
        if not self._places:
            return
        path = self._places[self._next % len(self._places)][0]
        self.results.setCurrentRow(self._next % len(self._places))
        self._next += 1
        self._go(path)

    def _on_result_activated(self, item: QListWidgetItem) -> None:
        self._go(item.data(Qt.ItemDataRole.UserRole))

    def _go(self, path: str) -> None:
        shown, number = field_path(path)
        if self.window_.go_to_path(shown, number):
            field = self.window_.editor(self.window_.current_section()).binder.find(shown)
            if field is not None:
                field.highlight(self.find_edit.text())

    def replace_everywhere(self) -> None:
        doc = self.window_.doc
        needle, new = self.find_edit.text(), self.replace.text()
        if doc is None or not needle:
            return
        total = sum(n for _, n in occurrences(doc.draft, needle))
        fields = len(occurrences(doc.draft, needle))
        doc.edit_structure(f"全部替换“{needle}”为“{new}”", lambda d: replace_all(d, needle, new))
        self.refresh()
        self.count.setText(f"已替换 {total} 处（{fields} 个栏目）。可用“撤销”（Ctrl+Z）一次恢复。")
        self.window_.statusBar().showMessage(f"已把 {total} 处“{needle}”替换为“{new}”。", 8000)
