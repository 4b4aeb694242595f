"""The check results and the provincial reference, shown in docks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QStyle, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from desktop.model import Draft
from desktop.templates import Template

from desktop.severity import ERROR

if TYPE_CHECKING:
    from desktop.checks import Problem


_RED = QColor("#b3261e")
_AMBER = QColor("#8a5a00")
_GREEN = QColor("#1e7d32")


class ProblemsPanel(QWidget):
    """The list of check results.

    Signals:
        problem_activated(object): the clerk double-clicked a problem (a Problem).
        fix_requested(object): the clerk asked for a problem's automatic fix.
        fix_all_requested(): the clerk asked for every safe fix at once (checks.SAFE_FIX_RULES).
    """

    problem_activated = Signal(object)
    fix_requested = Signal(object)
    fix_all_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problems: list[Problem] = []
        self._filled = False  # the list and summary show a check result (even "no problems")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["类型", "位置", "说明"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(False)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.tree.setColumnWidth(1, 300)
        self.tree.itemActivated.connect(self._on_item_activated)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.filter = QComboBox()
        self.filter.addItems(["全部", "仅错误", "仅提醒"])
        self.filter.currentIndexChanged.connect(lambda _i: self._fill())
        self.fix_button = QPushButton("自动修正")
        self.fix_button.setToolTip("按检查给出的修正值修改选中的问题（可撤销）")
        self.fix_button.setEnabled(False)
        self.fix_button.clicked.connect(self._on_fix_clicked)
        self.fix_all_button = QPushButton("全部修正")
        self.fix_all_button.setToolTip("一次修正全部可放心自动修正的问题（标点、日期写法、重复或粘贴成一项的名称等），"
                                       "作为一步，可撤销")
        self.fix_all_button.setEnabled(False)
        self.fix_all_button.clicked.connect(self.fix_all_requested)
        self.go_button = QPushButton("转到")
        self.go_button.setToolTip("转到该问题所在的栏目（也可双击问题）")
        self.go_button.setEnabled(False)
        self.go_button.clicked.connect(self._on_go_clicked)
        self.summary = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(QLabel("显示"))
        bar.addWidget(self.filter)
        bar.addWidget(self.go_button)
        bar.addWidget(self.fix_button)
        bar.addWidget(self.fix_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        style = self.style()
        self._icons = {ERROR: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
                       "warning": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)}
        self._draft: Draft | None = None

    def counts(self) -> tuple[int, int]:
        errors = sum(1 for p in self.problems if p.severity == ERROR)
        return errors, len(self.problems) - errors

    def set_problems(self, problems: list[Problem], draft: Draft | None) -> None:
        self._draft = draft
        if self._filled and problems == self.problems:
            return
        self.problems = list(problems)
        self._filled = True
        self._fill()

    def clear(self) -> None:
        """No draft: no list and no summary, until the next set_problems."""
        self.problems = []
        self._draft = None
        self._filled = False
        self.tree.clear()
        self.summary.setText("")

    def _fill(self) -> None:
        selected = self.current_problem()
        mode = self.filter.currentIndex()
        shown = [p for p in self.problems
                 if mode == 0 or (mode == 1 and p.severity == ERROR) or (mode == 2 and p.severity != ERROR)]
        shown.sort(key=lambda p: 0 if p.severity == ERROR else 1)
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        items = []
        keep = None
        from desktop.locations import describer

        describe = describer(self._draft) if self._draft is not None else (lambda path: path)
        for p in shown:
            error = p.severity == ERROR
            where = describe(p.path)
            item = QTreeWidgetItem(["错误" if error else "提醒", where, p.message])
            item.setIcon(0, self._icons[ERROR if error else "warning"])
            item.setForeground(0, QBrush(_RED if error else _AMBER))
            item.setToolTip(2, p.message + ("\n（可自动修正）" if p.fix is not None else ""))
            item.setData(0, Qt.ItemDataRole.UserRole, p)
            items.append(item)
            if p == selected:
                keep = item
        self.tree.addTopLevelItems(items)
        if keep is not None:
            self.tree.setCurrentItem(keep)
        self.tree.setUpdatesEnabled(True)
        from desktop.checks import safe_fixes

        safe = len(safe_fixes(self.problems))
        self.fix_all_button.setEnabled(bool(safe))
        self.fix_all_button.setText(f"全部修正（{safe}）" if safe else "全部修正")
        errors, warnings = self.counts()
        if not self.problems:
            self.summary.setText("<span style='color:#1e7d32'>没有发现问题，可以导出。</span>")
        else:
            self.summary.setText(f"错误 <b style='color:#b3261e'>{errors}</b> 项，提醒 <b>{warnings}</b> 项"
                                 "（双击转到相应栏目）")
        self._on_current_changed(self.tree.currentItem(), None)

    def current_problem(self) -> Problem | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def item_for(self, problem: Problem) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == problem:
                return item
        return None

    def _on_current_changed(self, item, _prev) -> None:
        problem = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self.fix_button.setEnabled(problem is not None and problem.fix is not None)
        self.go_button.setEnabled(problem is not None)

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.problem_activated.emit(item.data(0, Qt.ItemDataRole.UserRole))

    def _on_go_clicked(self) -> None:
        problem = self.current_problem()
        if problem is not None:
            self.problem_activated.emit(problem)

    def _on_fix_clicked(self) -> None:
        problem = self.current_problem()
        if problem is not None and problem.fix is not None:
            self.fix_requested.emit(problem)


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
