"""查找和替换: every field of the draft at once, as one undo step (Ctrl+H)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QVBoxLayout, QWidget,
)

from desktop.kinds import kind_of
from desktop.model import Address, get_at, path_of
from desktop.search import occurrences, replace_all

from .common import hint_label

def field_path(record: Any, address: Address) -> tuple[str, int | None]:
    """Where the window shows a text of ``search.occurrences``: (path, number). An
    entry of a list of names is shown at its list; a value of a map (a plan's
    exemption reasons, keyed by task number) at its map, with its key when that
    is a number (the editor then goes to that row)."""
    if len(address) > 1:
        parent = get_at(record, address[:-1])
        if isinstance(parent, list):
            return path_of(address[:-1]), None
        if isinstance(parent, dict):
            key = str(address[-1])
            return path_of(address[:-1]), int(key) if key.isascii() and key.isdigit() and len(key) < 6 else None
    return path_of(address), None


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
        self._places: list[tuple[Address, int]] = []
        self._next = 0
        self.refresh()

    def refresh(self) -> None:
        doc = self.window_.doc
        needle = self.find_edit.text()
        self._places = occurrences(doc.draft, needle) if doc is not None else []
        self._next = 0
        self.results.clear()
        where = kind_of(doc.draft).describe(doc.draft) if doc is not None else (lambda p: p)
        for i, (address, n) in enumerate(self._places):
            item = QListWidgetItem(f"{where(field_path(doc.draft, address)[0])}（{n} 处）")
            item.setData(Qt.ItemDataRole.UserRole, i)
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
        address = self._places[self._next % len(self._places)][0]
        self.results.setCurrentRow(self._next % len(self._places))
        self._next += 1
        self._go(address)

    def _on_result_activated(self, item: QListWidgetItem) -> None:
        self._go(self._places[item.data(Qt.ItemDataRole.UserRole)][0])

    def _go(self, address: Address) -> None:
        shown, number = field_path(self.window_.doc.draft, address)
        if self.window_.go_to_path(shown, number):
            field = self.window_.editor(self.window_.current_section()).binder.find(shown)
            if field is not None:
                field.highlight(self.find_edit.text())

    def replace_everywhere(self) -> None:
        doc = self.window_.doc
        needle, new = self.find_edit.text(), self.replace.text()
        if doc is None or not needle:
            return
        found = occurrences(doc.draft, needle)
        total, fields = sum(n for _, n in found), len(found)
        doc.edit_structure(f"全部替换“{needle}”为“{new}”", lambda d: replace_all(d, needle, new))
        self.refresh()
        self.count.setText(f"已替换 {total} 处（{fields} 个栏目）。可用“撤销”（Ctrl+Z）一次恢复。")
        self.window_.statusBar().showMessage(f"已把 {total} 处“{needle}”替换为“{new}”。", 8000)
