"""文件 → 新建 → 从上级文件生成: review what the import found, correct it, save
it as an office template.

The import itself is ``desktop.superior`` (Qt-free); this dialog shows its
result in editable tables, and every part of the document with how it was
read: the clerk changes a part's role or its task level with one click and
the document is read again at once (ask, don't guess). Gaps are shown as
gaps: an empty title stays empty (the template marks it 原文缺失) unless the
clerk types one from the paper original.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
    QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from desktop.errors import DesktopError
from desktop.superior import Derived, summary
from desktop.superior.parts import LEVEL_NAMES, ROLE_NAMES

from .common import hint_label

_TASK_COLUMNS = ("编号", "分组", "标题", "内容（节选）", "牵头单位", "完成时限")
_ACT_COLUMNS = ("编号", "活动名称", "时间", "牵头单位")
_PART_COLUMNS = ("部分", "读作", "任务层级", "读取结果")


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
        self.derived = derived
        self.data = copy.deepcopy(derived.data)
        layout = QVBoxLayout(self)
        self.head = QLabel()
        self.head.setWordWrap(True)
        self.head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.head)
        layout.addWidget(hint_label("请对照上级文件核对下面的内容；原文缺失的标题保持为空（模板中标注为“原文缺失”），"
                                    "不要凭记忆补写。某部分读错了，在“文件各部分”中改它的读法，程序立即重读。"))
        form = QFormLayout()
        self.name = QLineEdit(self.data["name"])
        form.addRow("模板名称", self.name)
        self.lit_name = QLineEdit()
        self.lit_items = QLineEdit()
        form.addRow("点名的清单", self.lit_name)
        form.addRow("清单各项（用“、”分隔）", self.lit_items)
        layout.addLayout(form)

        self.tabs = QTabWidget()
        self.tasks = self._table(_TASK_COLUMNS, [], editable=set())
        self.acts = self._table(_ACT_COLUMNS, [], editable=set())
        self.parts = self._table(_PART_COLUMNS, [], editable=set())
        self.note_text = QPlainTextEdit()  # scrolls, however many
        self.note_text.setReadOnly(True)
        for widget in (self.tasks, self.acts, self.parts, self.note_text):
            self.tabs.addTab(widget, "")
        layout.addWidget(self.tabs, 1)
        self._show(derived)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存为本单位模板", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _show(self, derived: Derived) -> None:
        """Fill every table from a (re)read document."""
        self.derived = derived
        name = self.name.text() if self.name.text() != self.data["name"] else derived.data["name"]
        self.data = copy.deepcopy(derived.data)
        self.name.setText(name)
        self.head.setText(summary(derived, notes=False).replace("\n", "<br>"))
        lists = self.data.get("named_lists") or []
        self.lit_name.setText(lists[0]["name"] if lists else "")
        self.lit_items.setText("、".join(self.data.get("literacies", [])))
        groups = {g["number"]: g["title"] for g in self.data.get("task_groups", [])}
        self._fill(self.tasks, [
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
        self._fill(self.acts, [(a["number"], a["name"], a.get("time", ""), a.get("lead", ""))
                               for a in self.data["key_activities"]], editable={1, 2, 3})
        self._fill_parts(derived)
        notes = self.data.get("import", {}).get("notes", [])
        self.note_text.setPlainText("\n".join(notes) if notes else "没有未能归类的内容。")
        self.tabs.setTabText(0, f"重点任务（{len(self.data['key_tasks'])} 项）")
        self.tabs.setTabText(1, f"重点活动（{len(self.data['key_activities'])} 项）")
        self.tabs.setTabText(2, f"文件各部分（{len(derived.parts)}）")
        self.tabs.setTabText(3, f"未能归类（{len(notes)}）")

    def _fill_parts(self, derived: Derived) -> None:
        """One row a part: its heading, a role and a task level to choose, and what was read."""
        rows = [(p.heading or "（标题前的正文）", "", "", "；".join(x for x in (p.found, p.reason) if x))
                for p in derived.parts]
        self._fill(self.parts, rows, editable=set())
        self.role_boxes: list[QComboBox] = []
        self.level_boxes: list[QComboBox] = []
        for r, part in enumerate(derived.parts):
            role = QComboBox()
            for key, label in ROLE_NAMES.items():
                role.addItem(label, key)
            role.setCurrentIndex(list(ROLE_NAMES).index(part.role))
            role.currentIndexChanged.connect(
                lambda _i, n=part.number, box=role: self._reread(roles={n: box.currentData()}))
            level = QComboBox()
            for key, label in LEVEL_NAMES.items():
                level.addItem(label, key)
            level.setCurrentIndex(list(LEVEL_NAMES).index(part.level))
            level.setEnabled(part.role == "tasks")
            level.currentIndexChanged.connect(
                lambda _i, n=part.number, box=level: self._reread(levels={n: box.currentData()}))
            self.parts.setCellWidget(r, 1, role)
            self.parts.setCellWidget(r, 2, level)
            self.role_boxes.append(role)
            self.level_boxes.append(level)
        self.parts.resizeColumnsToContents()
        for c in range(len(_PART_COLUMNS) - 1):
            self.parts.setColumnWidth(c, min(max(self.parts.columnWidth(c), 120), 260))

    def _reread(self, roles: dict[int, str] | None = None, levels: dict[int, str] | None = None) -> None:
        try:
            again = self.derived.reread(roles=roles, levels=levels)
        except DesktopError as err:
            from . import messages
            messages.error(self, str(err))
            self._fill_parts(self.derived)
            return
        self._show(again)

    def _table(self, columns: tuple[str, ...], rows: list[tuple], editable: set[int]) -> QTableWidget:
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(list(columns))
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._fill(table, rows, editable)
        return table

    def _fill(self, table: QTableWidget, rows: list[tuple], editable: set[int]) -> None:
        table.clearContents()
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, _item(value, c in editable))
        table.resizeColumnsToContents()
        for c in range(table.columnCount()):
            table.setColumnWidth(c, min(table.columnWidth(c), 260))

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
