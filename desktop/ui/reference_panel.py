"""The superior plan beside a plan (上级方案对照): which of its key tasks, key
activities and named lists the local plan answers. A plan-kind pane
(desktop.kinds.plan: reference_pane)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from desktop.model import Draft
from desktop.templates import Template

_AMBER = QColor("#8a5a00")
_GREEN = QColor("#1e7d32")
_RED = QColor("#b3261e")


class ReferencePanel(QWidget):
    """The provincial plan's 16 key tasks, 13 key activities and five literacies,
    with the local items that answer each.

    Signals:
        path_requested(str, object): go to this path (and provincial task number or None).
    """

    path_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["省级方案", "本地对应"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 250)
        self.tree.itemActivated.connect(self._on_item_activated)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5f6368;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(self.tree, 1)
        self._sections: dict[str, QTreeWidgetItem] = {}
        self._state: object = None

    def clear(self) -> None:
        self.tree.clear()
        self._sections.clear()
        self._state = None

    def update_from(self, draft: Draft, template: Template) -> None:
        from desktop import coverage  # with the checks, after the first paint

        tasks_by = {u: [(a.label, a.path) for a in answers] for u, answers in coverage.task_answers(draft).items()}
        acts_by = {u: [(a.label, a.path) for a in answers] for u, answers in coverage.activity_answers(draft).items()}
        exemptions = draft.plan.upstream_exemptions
        state = (tasks_by, acts_by, coverage.literacies_mentioned(draft, template), dict(exemptions), template.id)
        if state == self._state:
            return
        self._state = state
        expanded = {k: v.isExpanded() for k, v in self._sections.items()}
        self.tree.clear()
        self._sections.clear()  # their items went with the tree's
        self.tree.setHeaderLabels([f"{template.superior}方案", "本地对应"])
        number = f"（{template.upstream.doc_number}）" if template.upstream.doc_number else ""
        self.note.setText(f"依据：{template.upstream.title}{number}。双击条目转到对应内容。")

        done = sum(1 for kt in template.key_tasks if coverage.is_covered(draft, kt.number))
        sec = self._section("tasks", f"{template.superior}重点任务（{len(template.key_tasks)} 项，已对应 {done} 项）")
        for kt in template.key_tasks:
            local = tasks_by.get(kt.number, [])
            reason = exemptions.get(str(kt.number), "").strip()
            if local:
                text, color, path = "；".join(label for label, _ in local), _GREEN, local[0][1]
            elif reason:
                text, color, path = f"不适用：{reason}", _AMBER, "plan.upstream_exemptions"
            else:
                text, color, path = "未对应", _RED, "plan.task_groups"
            item = QTreeWidgetItem([f"{kt.number}. {kt.label}", text])
            if kt.title is None:
                # The source lacks the title: its surviving words tell the tasks apart.
                item.setForeground(0, QBrush(QColor("#6b6b6b")))
                item.setToolTip(0, f"{template.superior}原文缺少标题，残存原文：“{kt.text}”" if kt.text
                                else f"{template.superior}原文此处整段缺失（标题和内容都没有），请对照纸质原件。")
            elif kt.units or kt.text:
                item.setToolTip(0, f"{kt.title}{kt.units}\n{kt.text or ''}".strip())
            if kt.units:
                item.setText(0, f"{kt.number}. {kt.label}{kt.units}")
            item.setForeground(1, QBrush(color))
            item.setToolTip(1, text)
            item.setData(0, Qt.ItemDataRole.UserRole, (path, None if local else kt.number))
            sec.addChild(item)
        done = sum(1 for ka in template.key_activities if ka.number in acts_by)
        sec = self._section("activities",
                            f"{template.superior}重点活动（{len(template.key_activities)} 项，已对应 {done} 项）")
        for ka in template.key_activities:
            local = acts_by.get(ka.number, [])
            item = QTreeWidgetItem([f"{ka.number}. {ka.name}", "；".join(lbl for lbl, _ in local) or "未安排"])
            item.setForeground(1, QBrush(_GREEN if local else _AMBER))
            item.setToolTip(0, ka.name + "".join(f"（{v}）" for v in (ka.time, ka.lead) if v))
            item.setData(0, Qt.ItemDataRole.UserRole, (local[0][1] if local else "activities", None))
            sec.addChild(item)
        mentioned = state[2]
        if template.literacies:  # a superior that names no list has no such section
            sec = self._section("literacies", f"{template.literacies_label}（已提及 {sum(mentioned)} 项）")
            for lit, ok in zip(template.literacies, mentioned, strict=True):
                item = QTreeWidgetItem([lit, "已提及" if ok else "未提及"])
                item.setForeground(1, QBrush(_GREEN if ok else _RED))
                item.setData(0, Qt.ItemDataRole.UserRole, ("plan.goals", None))
                sec.addChild(item)
        for key, item in self._sections.items():
            item.setExpanded(expanded.get(key, True))

    def _section(self, key: str, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        self.tree.addTopLevelItem(item)
        item.setFirstColumnSpanned(True)
        self._sections[key] = item
        return item

    def answered_rows(self, key: str) -> list[tuple[str, str]]:
        """(provincial item, local answer) rows of a section (for tests and tooltips)."""
        sec = self._sections[key]
        children = [sec.child(i) for i in range(sec.childCount())]
        return [(c.text(0), c.text(1)) for c in children if c is not None]

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data:
            path, number = data
            self.path_requested.emit(path, number)
