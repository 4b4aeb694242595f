"""The check results, shown in a dock, for a document of any kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QStyle, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

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
        self._describe: Callable[[str], str] = lambda path: path

    def counts(self) -> tuple[int, int]:
        errors = sum(1 for p in self.problems if p.severity == ERROR)
        return errors, len(self.problems) - errors

    def set_problems(self, problems: list[Problem], describe: Callable[[str], str] | None = None) -> None:
        """Show ``problems``; ``describe`` says where a path is (the document kind's describer)."""
        self._describe = describe or (lambda path: path)
        if self._filled and problems == self.problems:
            return
        self.problems = list(problems)
        self._filled = True
        self._fill()

    def clear(self) -> None:
        """No draft: no list and no summary, until the next set_problems."""
        self.problems = []
        self._describe = lambda path: path
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
        describe = self._describe
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
