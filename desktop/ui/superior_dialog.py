"""文件 → 新建 → 从上级文件生成: review what the import found, correct it, save
it as an office template.

The import itself is ``desktop.superior`` (Qt-free); this dialog only shows
its result in editable tables. Gaps are shown as gaps: an empty title stays
empty (the template marks it 原文缺失) unless the clerk types one from the
paper original.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QTableWidget,
    QTableWidgetItem,
    QTabWidget, QVBoxLayout, QWidget,
)

from desktop.superior import Derived, summary

from .common import hint_label

_TASK_COLUMNS = ("编号", "分组", "标题", "内容（节选）", "牵头单位", "完成时限")
_ACT_COLUMNS = ("编号", "活动名称", "时间", "牵头单位")


def _take_optional(entry: dict[str, Any], table: QTableWidget, row: int,
                   columns: tuple[tuple[int, str], ...]) -> None:
    """Optional keys (牵头单位, 时限…) as the clerk left them in the table: an emptied cell drops the key."""
    for column, key in columns:
        value = _cell(table, row, column).text().strip()
        if value:
            entry[key] = value
        else:
            entry.pop(key, None)


def _excerpt(task: dict[str, Any]) -> str:
    """The start of a task's text, saying what the source lost around it."""
    text = (task.get("text") or "")[:40]
    if task.get("text_starts_mid_sentence"):
        text = "（前文缺失）…" + text
    if task.get("text_cut_off"):
        text += "…（后文缺失）"
    return text


def _cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item every cell of our tables has (_table fills them all)."""
    item = table.item(row, column)
    assert item is not None
    return item


def _item(text: Any, editable: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    if not editable:
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


class SuperiorDialog(QDialog):
    """Shows a derived template; ``result_data()`` is the corrected template data."""

    def __init__(self, derived: Derived, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("从上级文件生成模板")
        self.resize(900, 620)
        self.data = copy.deepcopy(derived.data)
        layout = QVBoxLayout(self)
        head = QLabel(summary(derived, notes=False).replace("\n", "<br>"))
        head.setWordWrap(True)
        head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(head)
        layout.addWidget(hint_label("请对照上级文件核对下面的内容；原文缺失的标题保持为空（模板中标注为“原文缺失”），"
                                    "不要凭记忆补写。可以直接修改表格中的文字。"))
        form = QFormLayout()
        self.name = QLineEdit(self.data["name"])
        form.addRow("模板名称", self.name)
        lists = self.data.get("named_lists") or []
        self.lit_name = QLineEdit(lists[0]["name"] if lists else "")
        self.lit_items = QLineEdit("、".join(self.data.get("literacies", [])))
        form.addRow("点名的清单", self.lit_name)
        form.addRow("清单各项（用“、”分隔）", self.lit_items)
        layout.addLayout(form)

        tabs = QTabWidget()
        groups = {g["number"]: g["title"] for g in self.data.get("task_groups", [])}
        self.tasks = self._table(_TASK_COLUMNS, [
            (t["number"], groups.get(t.get("group"), "") if t.get("group") else "", t.get("title") or "",
             _excerpt(t), t.get("lead", ""), t.get("deadline", "")) for t in self.data["key_tasks"]],
            editable={2, 4, 5})
        for r, t in enumerate(self.data["key_tasks"]):
            if t.get("title") is None and t.get("text") is None:
                gap = _cell(self.tasks, r, 3)
                gap.setText("（原文此处整段缺失）")
                gap.setForeground(Qt.GlobalColor.darkGray)
            elif t.get("title") is None:
                _cell(self.tasks, r, 2).setToolTip("原文缺少标题；对照纸质原件可以补上，否则保持为空")
        self.tasks.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        tabs.addTab(self.tasks, f"重点任务（{len(self.data['key_tasks'])} 项）")
        self.acts = self._table(_ACT_COLUMNS, [
            (a["number"], a["name"], a.get("time", ""), a.get("lead", "")) for a in self.data["key_activities"]],
            editable={1, 2, 3})
        tabs.addTab(self.acts, f"重点活动（{len(self.data['key_activities'])} 项）")
        notes = self.data.get("import", {}).get("notes", [])
        note_text = QPlainTextEdit("\n".join(notes) if notes else "没有未能归类的内容。")  # scrolls, however many
        note_text.setReadOnly(True)
        tabs.addTab(note_text, f"未能归类（{len(notes)}）")
        layout.addWidget(tabs, 1)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存为本单位模板", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _table(self, columns: tuple[str, ...], rows: list[tuple], editable: set[int]) -> QTableWidget:
        table = QTableWidget(len(rows), len(columns))
        table.setHorizontalHeaderLabels(list(columns))
        table.verticalHeader().setVisible(False)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, _item(value, c in editable))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        table.resizeColumnsToContents()
        for c in range(len(columns)):
            table.setColumnWidth(c, min(table.columnWidth(c), 260))
        return table

    def result_data(self) -> dict[str, Any]:
        """The template data with the clerk's corrections."""
        data = copy.deepcopy(self.data)
        data["name"] = self.name.text().strip() or data["name"]
        for r, task in enumerate(data["key_tasks"]):
            title = _cell(self.tasks, r, 2).text().strip()
            if title != (task.get("title") or ""):
                task["title"] = title or None
                task["title_from_clerk"] = bool(title)
            _take_optional(task, self.tasks, r, ((4, "lead"), (5, "deadline")))
        for r, act in enumerate(data["key_activities"]):
            act["name"] = _cell(self.acts, r, 1).text().strip() or act["name"]
            _take_optional(act, self.acts, r, ((2, "time"), (3, "lead")))
        items = [i.strip() for i in self.lit_items.text().replace("，", "、").split("、") if i.strip()]
        data["literacies"] = items
        name = self.lit_name.text().strip()
        if items:
            # the first list is the one checked; the others the import found stay as they were
            others = list(data.get("named_lists") or [])[1:]
            data["named_lists"] = [{"name": name or "基本素养", "items": items}, *others]
            data["literacies_name"] = re.sub(r"^([一二三四五六七八九十两]|\d{1,2})个", "", name) or "基本素养"
        return data
