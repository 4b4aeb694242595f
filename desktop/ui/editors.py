"""The editors of the draft's parts, one per navigator entry.

Each editor has ``set_document(doc)``, ``refresh()`` (after structural
changes) and ``focus_path(path)`` (select the item and focus the field of a
problem path; returns False when the path is not its own).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QListWidget,
    QListWidgetItem, QMenu, QPushButton, QScrollArea, QSizePolicy, QStackedWidget, QStyledItemDelegate,
    QTableWidget, QTableWidgetItem, QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from desktop import official
from desktop.model import Activity, Progress, Requirement, Task, TaskGroup, new_id

from . import messages
from .common import fill_with_split, hint_label, reword
from .document import DraftDocument, progress_address
from .fields import Binder, ChoiceField, DateField, Field, LineField, ListField, NumberPicker, TextField

_TASK_PATH = re.compile(r"^plan\.task_groups\[(\d+)\](?:\.tasks\[(\d+)\])?(?:\.(\w+))?")


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setVerticalSpacing(8)
    return form


def _button(text: str, tip: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


class Editor(QWidget):
    """Base of the part editors."""

    title = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binder = Binder(self)
        self.doc: DraftDocument | None = None

    def set_document(self, doc: DraftDocument) -> None:
        if self.doc is not None:
            self.doc.structure_changed.disconnect(self.refresh)
            self.doc.value_changed.disconnect(self._on_doc_value_changed)
        self.doc = doc
        reword(self, doc.template)
        self.binder.set_document(doc)
        doc.structure_changed.connect(self.refresh)
        doc.value_changed.connect(self._on_doc_value_changed)
        self.refresh()

    def refresh(self) -> None:
        self.binder.load_all()

    def _on_doc_value_changed(self, path: str) -> None:
        pass

    def focus_path(self, path: str, **_kw) -> bool:
        field = self.binder.find(path)
        if field is None:
            return False
        self._reveal(field)
        field.focus_field()
        return True

    def _reveal(self, widget: QWidget) -> None:
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(widget, 20, 40)
                break
            parent = parent.parentWidget()

    def _field(self, field: Field, path: str | None) -> Field:
        self.binder.add(field)
        field.bind(path)
        return field


def _scroll(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(content)
    return area


# --- 通知要素 ----------------------------------------------------------------------


class NoticeEditor(Editor):
    title = "通知要素"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget()
        outer = QVBoxLayout(content)
        outer.setContentsMargins(16, 12, 16, 16)
        f = self._field

        head = QGroupBox("版头")
        form = _form()
        form.addRow("发文机关", f(ListField("发文机关", "联合发文时按顺序排列，第一个为主办机关；双击修改"),
                                  "notice.issuers"))
        form.addRow("版头后缀", f(LineField("版头后缀", "通常为“文件”，不需要时留空"), "notice.header_suffix"))
        form.addRow("发文字号", f(LineField("发文字号", "如 佛委网办〔2020〕9号"), "notice.doc_number"))
        row = QHBoxLayout()
        row.addWidget(QLabel("份号"))
        row.addWidget(f(LineField("份号", "可不填"), "notice.copy_no"))
        row.addWidget(QLabel("密级"))
        row.addWidget(f(LineField("密级和保密期限", "可不填"), "notice.secrecy"))
        row.addWidget(QLabel("紧急程度"))
        row.addWidget(f(ChoiceField("紧急程度", [("", "（无）"), ("加急", "加急"), ("特急", "特急")]),
                        "notice.urgency"))
        form.addRow("", row)
        form.addRow("签发人", f(LineField("签发人", "仅上行文需要"), "notice.signer"))
        head.setLayout(form)
        outer.addWidget(head)

        main = QGroupBox("主体")
        form = _form()
        form.addRow("标题", f(LineField("通知标题", "留空则为：关于印发《方案标题》的通知"), "notice.title"))
        form.addRow("主送机关", f(LineField("主送机关", "如 各区党委网信办，市直有关单位（末尾不加冒号）"),
                                  "notice.recipients"))
        form.addRow("正文", f(TextField("通知正文", "每段一行", lines=5), "notice.body"))
        form.addRow("落款方式", f(ChoiceField("落款方式", [("", "按单位默认设置"), ("seal", "加盖印章"),
                                                      ("no_seal", "不加盖印章")]), "notice.signature_layout"))
        form.addRow("发文机关署名", f(ListField("发文机关署名", "留空则与发文机关相同"), "notice.signatures"))
        form.addRow("成文日期", f(DateField("成文日期"), "notice.date"))
        form.addRow("附注", f(LineField("附注", "如 联系人：张敏，电话：0757-83031234"), "notice.note"))
        main.setLayout(form)
        outer.addWidget(main)

        tail = QGroupBox("版记")
        form = _form()
        form.addRow("抄送机关", f(ListField("抄送机关", "导出时用逗号连接，末尾加句号"), "notice.cc"))
        form.addRow("印发机关", f(LineField("印发机关"), "notice.printer"))
        form.addRow("印发日期", f(DateField("印发日期"), "notice.print_date"))
        tail.setLayout(form)
        outer.addWidget(tail)
        outer.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_scroll(content))


# --- 工作目标 ---------------------------------------------------------------------


class GoalsEditor(Editor):
    title = "工作目标"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget()
        outer = QVBoxLayout(content)
        outer.setContentsMargins(16, 12, 16, 16)
        form = _form()
        f = self._field
        form.addRow("方案标题", f(LineField("方案标题", "如 佛山市2020年争做中国好网民工程实施方案"), "plan.title"))
        form.addRow("开头段", f(TextField("开头段", lines=4), "plan.preamble"))
        form.addRow("工作目标", f(TextField("工作目标", lines=9), "plan.goals"))
        form.addRow("附件标题", f(LineField("附件标题", "留空则按模板生成：××市2020年争做中国好网民工程重点活动安排表"),
                                  "plan.annex_title"))
        outer.addLayout(form)
        self.literacies = QLabel()
        self.literacies.setWordWrap(True)
        self.literacies.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.literacies)
        outer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_scroll(content))

    def refresh(self) -> None:
        super().refresh()
        self._update_literacies()

    def _on_doc_value_changed(self, path: str) -> None:
        if path == "plan.goals" or path.endswith((".title", ".text")):
            self._update_literacies()

    def _update_literacies(self) -> None:
        if self.doc is None:
            return
        from desktop import coverage

        parts = []
        for lit, mentioned in zip(self.doc.template.literacies,
                                  coverage.literacies_mentioned(self.doc.draft, self.doc.template), strict=True):
            if mentioned:
                parts.append(f"<span style='color:#1e7d32'>✓ {lit}</span>")
            else:
                parts.append(f"<span style='color:#b3261e'>✗ {lit}</span>")
        self.literacies.setText(f"{self.doc.template.literacies_label}（工作目标或任务中应全部提到）：<br>"
                                + "&nbsp;&nbsp;".join(parts))


# --- 重点任务 ---------------------------------------------------------------------


class _TaskTree(QTreeWidget):
    """Tree of groups and tasks; a drop is turned into one move command."""

    def __init__(self, editor: TasksEditor) -> None:
        super().__init__()
        self.editor = editor
        self.setHeaderHidden(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setUniformRowHeights(True)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        source = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        position = self.dropIndicatorPosition()
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if source is None:
            return
        src = source.data(0, Qt.ItemDataRole.UserRole)
        dst = target.data(0, Qt.ItemDataRole.UserRole) if target is not None else None
        QTimer.singleShot(0, self, lambda: self.editor.drop(src, dst, position))


class TasksEditor(Editor):
    title = "重点任务"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._current: tuple[int, int] | None = None  # (group, task or -1)
        self.tree = _TaskTree(self)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(8, 8, 0, 8)
        lv.addWidget(self.tree, 1)
        row1 = QHBoxLayout()
        row1.addWidget(_button("添加分组", "在末尾添加一个任务分组（（一）（二）…）", self.add_group))
        row1.addWidget(_button("添加任务", "在选中的分组中添加一项任务", self.add_task))
        row1.addWidget(_button("删除", "删除选中的任务或分组（可撤销）", self.delete_current))
        lv.addLayout(row1)
        row2 = QHBoxLayout()
        row2.addWidget(_button("上移", "选中项上移", lambda: self.move_current(-1)))
        row2.addWidget(_button("下移", "选中项下移", lambda: self.move_current(1)))
        row2.addWidget(_button("省级任务对应情况", "查看 16 项省级重点任务的对应情况，填写不适用理由",
                               self.show_coverage))
        lv.addLayout(row2)

        self.stack = QStackedWidget()
        self.stack.addWidget(hint_label("在左侧选择一个分组或任务进行编辑，或点“添加任务”。"))
        # group form
        group_page = QWidget()
        gf = _form()
        self.group_title = self._field(LineField("分组标题", "如 强化网络素养教育，夯实好网民培育基础"), None)
        gf.addRow("分组标题", self.group_title)
        gv = QVBoxLayout(group_page)
        gv.setContentsMargins(16, 12, 16, 12)
        gv.addLayout(gf)
        gv.addWidget(hint_label("分组在方案中显示为（一）（二）…，其下的任务编为 1. 2. …"))
        gv.addStretch(1)
        self.stack.addWidget(group_page)
        # task form
        task_content = QWidget()
        tf = _form()
        f = self._field
        self.task_fields: dict[str, Field] = {}
        for key, label, field in (
            ("title", "任务标题", LineField("任务标题", "如 开展青少年网络素养教育“双进”活动")),
            ("text", "具体措施", TextField("具体措施", "写明做什么、怎么做、达到什么目标", lines=8)),
            ("lead", "牵头单位", LineField("牵头单位", "如 市教育局")),
            ("partners", "配合单位", ListField("配合单位", "双击修改；可拖动调整顺序", rows=3)),
            ("deadline", "完成时限", DateField("完成时限")),
            ("upstream", "对应省级任务", NumberPicker("对应省级任务", [])),
            ("id", "编号", LineField("编号", "台账用的唯一编号，如 t1")),
        ):
            self.task_fields[key] = f(field, None)
            tf.addRow(label, field)
        self.task_fields["upstream"].setMinimumHeight(180)
        # 具体措施 keeps its height: stretched to fill the form, it gave and took the
        # lines the units line below needs as 牵头单位 or 完成时限 were typed, and the
        # fields under it moved under the clerk's pointer (a date went into 配合单位).
        self.task_fields["text"].setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.units_preview = hint_label("")
        tf.addRow("", self.units_preview)
        tv = QVBoxLayout(task_content)
        tv.setContentsMargins(16, 12, 16, 12)
        tv.addLayout(tf)
        tv.addStretch(1)
        self.task_scroll = _scroll(task_content)
        self.stack.addWidget(self.task_scroll)
        # coverage / exemptions page
        cov = QWidget()
        cv = QVBoxLayout(cov)
        cv.setContentsMargins(16, 12, 16, 12)
        cv.addWidget(hint_label("每项省级重点任务都应有对应的本地任务（在任务中勾选“对应省级任务”），"
                           "或在最后一列写明本地不适用的理由。原文缺失的标题按模板标注显示。"))
        self.coverage = QTableWidget(0, 4)
        self.coverage.setHorizontalHeaderLabels(["编号", "省级重点任务", "对应的本地任务", "不适用理由"])
        self.coverage.verticalHeader().setVisible(False)
        header = self.coverage.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.coverage.setWordWrap(True)
        self.coverage.itemChanged.connect(self._on_coverage_item_changed)
        cv.addWidget(self.coverage, 1)
        self.stack.addWidget(cov)

        fill_with_split(self, left, self.stack)
        self._filling = False

    # --- tree -------------------------------------------------------------------
    def refresh(self) -> None:
        if self.doc is None:
            return
        picker = self.task_fields["upstream"]
        assert isinstance(picker, NumberPicker)
        picker.entries = [(kt.number, kt.label) for kt in self.doc.template.key_tasks]
        self.coverage.setHorizontalHeaderLabels(["编号", f"{self.doc.template.superior}重点任务", "对应的本地任务",
                                                 "不适用理由"])
        keep = self._current
        self._filling = True
        self.tree.clear()
        for g, group in enumerate(self.doc.draft.plan.task_groups):
            gi = QTreeWidgetItem([self._group_text(g, group)])
            gi.setData(0, Qt.ItemDataRole.UserRole, (g, -1))
            gi.setFlags(gi.flags() | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled)
            font = gi.font(0)
            font.setBold(True)
            gi.setFont(0, font)
            for t, task in enumerate(group.tasks):
                ti = QTreeWidgetItem([self._task_text(t, task)])
                ti.setData(0, Qt.ItemDataRole.UserRole, (g, t))
                ti.setFlags((ti.flags() | Qt.ItemFlag.ItemIsDragEnabled) & ~Qt.ItemFlag.ItemIsDropEnabled)
                gi.addChild(ti)
            self.tree.addTopLevelItem(gi)
        self.tree.expandAll()
        self._filling = False
        if self.stack.currentIndex() == 3:
            self._fill_coverage()
        self.select(keep)

    @staticmethod
    def _group_text(g: int, group: TaskGroup) -> str:
        return official.heading_label(2, g + 1) + (group.title.strip() or "（未填写分组标题）")

    @staticmethod
    def _task_text(t: int, task: Task) -> str:
        return official.heading_label(3, t + 1) + " " + (task.title.strip() or "（未填写任务标题）")

    def _item(self, key: tuple[int, int] | None) -> QTreeWidgetItem | None:
        if key is None:
            return None
        g, t = key
        if not 0 <= g < self.tree.topLevelItemCount():
            return None
        gi = self.tree.topLevelItem(g)
        assert gi is not None  # g is in range (checked above)
        if t < 0:
            return gi
        return gi.child(t) if 0 <= t < gi.childCount() else None

    def select(self, key: tuple[int, int] | None) -> None:
        item = self._item(key)
        if item is None:
            self._current = None
            if self.stack.currentIndex() != 3:
                self._show_form(None)
            return
        if self.tree.currentItem() is item:
            self._show_form(key)
        else:
            self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)

    def _on_tree_current_item_changed(self, item: QTreeWidgetItem | None, _prev) -> None:
        if self._filling:
            return
        key = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self._show_form(tuple(key) if key is not None else None)

    def _show_form(self, key: tuple[int, int] | None) -> None:
        self._current = key
        if key is None:
            self.stack.setCurrentIndex(0)
            return
        g, t = key
        if t < 0:
            self.group_title.bind(f"plan.task_groups[{g}].title")
            self.stack.setCurrentIndex(1)
            return
        prefix = f"plan.task_groups[{g}].tasks[{t}]"
        if self.task_fields["title"].path != f"{prefix}.title":  # another task: its form from the top
            self.task_scroll.verticalScrollBar().setValue(0)
        for name, field in self.task_fields.items():
            field.bind(f"{prefix}.{name}")
        self._update_units()
        self.stack.setCurrentIndex(2)

    def _update_units(self) -> None:
        if self.doc is None or self._current is None or self._current[1] < 0:
            return
        g, t = self._current
        try:
            task = self.doc.draft.plan.task_groups[g].tasks[t]
        except IndexError:
            return
        line = official.units_line(task.lead, task.partners, task.deadline)
        self.units_preview.setText(f"导出时写作：{line}" if line else "")

    def _on_doc_value_changed(self, path: str) -> None:
        m = _TASK_PATH.match(path)
        if not m or self.doc is None:
            if path == "plan.upstream_exemptions" and self.stack.currentIndex() == 3:
                self._fill_coverage()
            return
        g, t, key = int(m.group(1)), m.group(2), m.group(3)
        if key == "title":
            item = self._item((g, int(t) if t is not None else -1))
            groups = self.doc.draft.plan.task_groups
            if item is not None and g < len(groups):
                if t is None:
                    item.setText(0, self._group_text(g, groups[g]))
                elif int(t) < len(groups[g].tasks):
                    item.setText(0, self._task_text(int(t), groups[g].tasks[int(t)]))
        if key in ("lead", "partners", "deadline"):
            self._update_units()

    # --- coverage page ------------------------------------------------------------
    def show_coverage(self, number: int | None = None) -> None:
        self.tree.clearSelection()
        self._fill_coverage()
        self.stack.setCurrentIndex(3)
        if number is not None:
            for row in range(self.coverage.rowCount()):
                first, reason = self.coverage.item(row, 0), self.coverage.item(row, 3)
                assert first is not None and reason is not None  # _fill_coverage() sets every cell
                if first.data(Qt.ItemDataRole.UserRole) == number:
                    self.coverage.setCurrentCell(row, 3)
                    self.coverage.scrollToItem(reason)
        self.coverage.setFocus()

    def _fill_coverage(self) -> None:
        from desktop import coverage  # the module; self.coverage is the table

        if self.doc is None:
            return
        draft = self.doc.draft
        self._filling = True
        keys = self.doc.template.key_tasks
        self.coverage.setRowCount(len(keys))
        answered = {u: [a.label for a in answers] for u, answers in coverage.task_answers(draft).items()}
        for row, kt in enumerate(keys):
            number = QTableWidgetItem(str(kt.number))
            number.setData(Qt.ItemDataRole.UserRole, kt.number)
            number.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            title = QTableWidgetItem(kt.label + kt.units)
            title.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if kt.title is None:
                title.setForeground(Qt.GlobalColor.darkGray)
                title.setToolTip("省级原文此处缺失，按模板标注显示")
            local = QTableWidgetItem("；".join(answered.get(kt.number, [])) or "（无）")
            local.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            reason = QTableWidgetItem(draft.plan.upstream_exemptions.get(str(kt.number), ""))
            reason.setToolTip("双击填写本地不适用的理由")
            for col, item in enumerate((number, title, local, reason)):
                self.coverage.setItem(row, col, item)
        self.coverage.resizeRowsToContents()
        self._filling = False

    def _on_coverage_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or self.doc is None or item.column() != 3:
            return
        first = self.coverage.item(item.row(), 0)
        assert first is not None  # _fill_coverage() sets every cell
        number = first.data(Qt.ItemDataRole.UserRole)
        exemptions = dict(self.doc.draft.plan.upstream_exemptions)
        text = item.text().strip()
        if text:
            exemptions[str(number)] = text
        else:
            exemptions.pop(str(number), None)
        self.doc.edit_value("plan.upstream_exemptions", exemptions, merge=False, label="不适用理由")

    # --- structural edits -----------------------------------------------------------
    def add_group(self) -> None:
        assert self.doc is not None
        g = len(self.doc.draft.plan.task_groups)
        self.doc.edit_structure("添加任务分组", lambda d: d.plan.task_groups.append(TaskGroup()),
                                f"plan.task_groups[{g}]")
        self.select((g, -1))
        self.group_title.focus_field()

    def add_task(self) -> None:
        assert self.doc is not None
        groups = self.doc.draft.plan.task_groups
        if self._current is not None and self._current[0] < len(groups):
            g, t = self._current
            pos = t + 1 if t >= 0 else len(groups[g].tasks)
        else:
            g, pos = max(0, len(groups) - 1), len(groups[-1].tasks) if groups else 0

        def mutate(d) -> None:
            if not d.plan.task_groups:
                d.plan.task_groups.append(TaskGroup())
            d.plan.task_groups[g].tasks.insert(pos, Task(id=new_id(d, "t")))

        self.doc.edit_structure("添加任务", mutate, f"plan.task_groups[{g}].tasks[{pos}]")
        self.select((g, pos))
        self.task_scroll.verticalScrollBar().setValue(0)
        self.task_fields["title"].focus_field()

    def delete_current(self) -> None:
        if self.doc is None or self._current is None:
            return
        g, t = self._current
        groups = self.doc.draft.plan.task_groups
        if t < 0:
            n = len(groups[g].tasks)
            what = f"及其中的 {n} 项任务" if n else ""
            if (n or groups[g].title.strip()) and not _confirm_delete(
                    self, f"分组“{groups[g].title.strip() or '（未填写标题）'}”{what}"):
                return

            def mutate(d) -> None:
                for task in d.plan.task_groups[g].tasks:
                    d.progress.pop(task.id, None)
                del d.plan.task_groups[g]

            self.doc.edit_structure("删除任务分组", mutate, f"plan.task_groups[{g}]")
            self.select((min(g, len(self.doc.draft.plan.task_groups) - 1), -1))
        else:
            task = groups[g].tasks[t]
            filled = task.title.strip() or task.text.strip() or task.lead.strip() or task.partners
            progress = " 及其进度记录" if task.id in self.doc.draft.progress else ""
            if filled and not _confirm_delete(self, f"任务“{task.title.strip() or '（未填写标题）'}”{progress}"):
                return

            def mutate(d) -> None:
                task = d.plan.task_groups[g].tasks.pop(t)
                d.progress.pop(task.id, None)

            self.doc.edit_structure("删除任务", mutate, f"plan.task_groups[{g}].tasks[{t}]")
            remaining = len(self.doc.draft.plan.task_groups[g].tasks)
            self.select((g, min(t, remaining - 1)) if remaining else (g, -1))

    def move_current(self, delta: int) -> None:
        if self.doc is None or self._current is None:
            return
        g, t = self._current
        groups = self.doc.draft.plan.task_groups
        if t < 0:
            target = g + delta
            if not 0 <= target < len(groups):
                return
            self.doc.edit_structure("移动任务分组", lambda d: _move(d.plan.task_groups, g, target),
                                    f"plan.task_groups[{target}]")
            self.select((target, -1))
            return
        target = t + delta
        if 0 <= target < len(groups[g].tasks):
            self.doc.edit_structure("移动任务", lambda d: _move(d.plan.task_groups[g].tasks, t, target),
                                    f"plan.task_groups[{g}].tasks[{target}]")
            self.select((g, target))
        elif 0 <= g + delta < len(groups):  # across the group boundary
            ng = g + delta
            npos = len(groups[ng].tasks) if delta < 0 else 0

            def mutate(d) -> None:
                d.plan.task_groups[ng].tasks.insert(npos, d.plan.task_groups[g].tasks.pop(t))

            self.doc.edit_structure("移动任务", mutate, f"plan.task_groups[{ng}].tasks[{npos}]")
            self.select((ng, npos))

    def drop(self, src, dst, position) -> None:
        """A drag of ``src`` onto ``dst`` (tree keys) became one move."""
        if self.doc is None or src is None:
            return
        g, t = src
        groups = self.doc.draft.plan.task_groups
        pos = QAbstractItemView.DropIndicatorPosition
        if t < 0:  # a group moves among groups
            if dst is None:
                target = len(groups) - 1
            else:
                target = dst[0] + (1 if position == pos.BelowItem and dst[1] < 0 else 0)
                if target > g:
                    target -= 1
            target = max(0, min(target, len(groups) - 1))
            if target != g:
                self.doc.edit_structure("移动任务分组", lambda d: _move(d.plan.task_groups, g, target),
                                        f"plan.task_groups[{target}]")
                self.select((target, -1))
            return
        if dst is None:
            ng, npos = len(groups) - 1, len(groups[-1].tasks)
        elif dst[1] < 0:  # onto a group: append to it (or before it: end of previous group)
            ng = dst[0]
            if position == pos.AboveItem and ng > 0:
                ng -= 1
            npos = 0 if position == pos.BelowItem else len(groups[ng].tasks)
        else:
            ng = dst[0]
            npos = dst[1] + (1 if position == pos.BelowItem else 0)
        if ng == g and npos > t:
            npos -= 1
        if (ng, npos) == (g, t):
            return

        def mutate(d) -> None:
            task = d.plan.task_groups[g].tasks.pop(t)
            d.plan.task_groups[ng].tasks.insert(npos, task)

        self.doc.edit_structure("移动任务", mutate, f"plan.task_groups[{ng}].tasks[{npos}]")
        self.select((ng, npos))

    # --- problems -------------------------------------------------------------------
    def focus_path(self, path: str, upstream_task: int | None = None, **_kw: object) -> bool:
        if path.startswith("plan.upstream_exemptions") or (path == "plan.task_groups" and upstream_task):
            self.show_coverage(upstream_task)
            return True
        if path == "plan.task_groups":
            if self.tree.currentItem() is None and self.tree.topLevelItemCount():
                top = self.tree.topLevelItem(0)
                assert top is not None  # the tree has a top-level item
                self.tree.setCurrentItem(top)
            self.tree.setFocus()
            return True
        m = _TASK_PATH.match(path)
        if not m:
            return False
        g, t, key = int(m.group(1)), m.group(2), m.group(3)
        self.select((g, int(t) if t is not None else -1))
        if t is None:
            self.group_title.focus_field()
            return True
        field = self.task_fields.get(key or "title", self.task_fields["title"])
        self._reveal(field)
        field.focus_field()
        return True


def _move(items: list, src: int, dst: int) -> None:
    items.insert(dst, items.pop(src))


def _confirm_delete(parent: QWidget, what: str) -> bool:
    return messages.ask(parent, f"删除{what}？\n（删除后可用“撤销”（Ctrl+Z）恢复）",
                        {"delete": "删除", "cancel": "取消"}, "cancel", cancel="cancel") == "delete"


def _has_content(item) -> bool:
    """Whether an item holds anything typed (ids and provincial numbers aside)."""
    return any(isinstance(v, str) and v.strip() or isinstance(v, list) and any(str(x).strip() for x in v)
               for k, v in vars(item).items() if k not in ("id", "upstream", "extra"))


# --- lists of items (工作要求, 重点活动) -------------------------------------------------


class _ListEditor(Editor):
    """A reorderable list on the left, the selected item's form on the right."""

    list_path = ""  # plan.requirements / activities
    noun = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(8, 8, 0, 8)
        lv.addWidget(self.list, 1)
        self.buttons_row = QHBoxLayout()
        self.buttons_row.addWidget(_button("添加", f"在选中项后添加一项{self.noun}", self.add_item))
        self.buttons_row.addWidget(_button("删除", f"删除选中的{self.noun}（可撤销）", self.delete_item))
        self.buttons_row.addWidget(_button("上移", "选中项上移", lambda: self.move_item(-1)))
        self.buttons_row.addWidget(_button("下移", "选中项下移", lambda: self.move_item(1)))
        lv.addLayout(self.buttons_row)
        self.stack = QStackedWidget()
        self.stack.addWidget(hint_label(f"在左侧选择一项{self.noun}进行编辑，或点“添加”。"))
        content = QWidget()
        self.form = _form()
        cv = QVBoxLayout(content)
        cv.setContentsMargins(16, 12, 16, 12)
        cv.addLayout(self.form)
        self.item_fields: dict[str, Field] = {}
        self._build_form()
        cv.addStretch(1)
        self.stack.addWidget(_scroll(content))
        fill_with_split(self, left, self.stack)
        self._filling = False
        self._row = -1

    def _build_form(self) -> None:
        raise NotImplementedError

    def _items(self) -> list:
        return self._items_of(self.doc.draft) if self.doc else []

    def _items_of(self, draft) -> list:
        raise NotImplementedError

    def _new_item(self, draft):
        raise NotImplementedError

    def _text(self, i: int, item) -> str:
        raise NotImplementedError

    def _add(self, key: str, label: str, field: Field) -> None:
        self.item_fields[key] = self._field(field, None)
        self.form.addRow(label, field)

    def refresh(self) -> None:
        if self.doc is None:
            return
        keep = self._row
        self._filling = True
        self.list.clear()
        for i, item in enumerate(self._items()):
            li = QListWidgetItem(self._text(i, item))
            li.setFlags(li.flags() | Qt.ItemFlag.ItemIsDragEnabled)
            self.list.addItem(li)
        self._filling = False
        items = set(self.item_fields.values())
        for field in self.binder.fields:  # fields beside the list (a subclass's), not the item's
            if field not in items:
                field.load()
        # the first item open from the start: a blank form beside a full list looks broken
        self.select(min(max(keep, 0), self.list.count() - 1))

    def select(self, row: int) -> None:
        if row < 0:
            self._row = -1
            self.stack.setCurrentIndex(0)
            for field in self.item_fields.values():
                field.bind(None)
            return
        if self.list.currentRow() == row:
            self._show(row)
        else:
            self.list.setCurrentRow(row)

    def _on_list_current_row_changed(self, row: int) -> None:
        if not self._filling:
            self._show(row)

    def _show(self, row: int) -> None:
        self._row = row
        if row < 0:
            self.stack.setCurrentIndex(0)
            return
        for key, field in self.item_fields.items():
            field.bind(f"{self.list_path}[{row}].{key}")
        self.stack.setCurrentIndex(1)

    def _item_path(self, path: str) -> re.Match[str] | None:
        """``list_path[i].key`` -> (i, key)."""
        return re.match(rf"^{re.escape(self.list_path)}\[(\d+)\](?:\.(\w+))?", path)

    def _on_doc_value_changed(self, path: str) -> None:
        m = self._item_path(path)
        if m and self.doc is not None:
            i = int(m.group(1))
            items = self._items()
            if i < len(items) and i < self.list.count():
                self.list.item(i).setText(self._text(i, items[i]))

    def add_item(self) -> None:
        assert self.doc is not None
        pos = self._row + 1 if self._row >= 0 else len(self._items())
        self.doc.edit_structure(f"添加{self.noun}", lambda d: self._items_of(d).insert(pos, self._new_item(d)),
                                f"{self.list_path}[{pos}]")
        self.select(pos)
        next(iter(self.item_fields.values())).focus_field()

    def delete_item(self) -> None:
        if self.doc is None or self._row < 0:
            return
        row = self._row
        item = self._items()[row]
        if _has_content(item) and not _confirm_delete(self, f"{self.noun}“{self._text(row, item)}”"):
            return
        self.doc.edit_structure(f"删除{self.noun}", lambda d: self._delete(d, row), f"{self.list_path}[{row}]")
        self.select(min(row, len(self._items()) - 1))

    def _delete(self, draft, row: int) -> None:
        del self._items_of(draft)[row]

    def move_item(self, delta: int) -> None:
        if self.doc is None or self._row < 0:
            return
        row, target = self._row, self._row + delta
        if not 0 <= target < len(self._items()):
            return
        self.doc.edit_structure(f"移动{self.noun}", lambda d: _move(self._items_of(d), row, target),
                                f"{self.list_path}[{target}]")
        self.select(target)

    def _on_rows_moved(self, _parent, start: int, _end: int, _dest, row: int) -> None:
        if self._filling or self.doc is None:
            return
        target = row - 1 if row > start else row
        QTimer.singleShot(0, self, lambda: self._apply_drag(start, target))

    def _apply_drag(self, start: int, target: int) -> None:
        assert self.doc is not None
        if start == target:
            return
        self.doc.edit_structure(f"移动{self.noun}", lambda d: _move(self._items_of(d), start, target),
                                f"{self.list_path}[{target}]")
        self.select(target)

    def focus_path(self, path: str, **_kw) -> bool:
        if path == self.list_path:
            if self.list.currentRow() < 0 and self.list.count():
                self.select(0)
            self.list.setFocus()
            return True
        m = self._item_path(path)
        if not m:
            return False
        self.select(int(m.group(1)))
        field = self.item_fields.get(m.group(2) or "", next(iter(self.item_fields.values())))
        self._reveal(field)
        field.focus_field()
        return True


class RequirementsEditor(_ListEditor):
    title = "工作要求"
    list_path = "plan.requirements"
    noun = "工作要求"

    def _build_form(self) -> None:
        self._add("title", "标题", LineField("工作要求标题", "如 加强组织领导"))
        self._add("text", "内容", TextField("工作要求内容", lines=10))
        insert = QToolButton()
        insert.setText("插入省级方案的工作要求")
        insert.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_menu = QMenu(insert)
        insert.setMenu(self.insert_menu)
        self.insert_menu.aboutToShow.connect(self._fill_insert_menu)
        self.buttons_row.addWidget(insert)

    def _fill_insert_menu(self) -> None:
        self.insert_menu.clear()
        if self.doc is None:
            return
        for req in self.doc.template.requirements:
            action = self.insert_menu.addAction(f"{official.heading_label(2, req.number)}{req.title}")
            action.triggered.connect(lambda _=False, r=req: self._insert_upstream(r.title, r.text))

    def _insert_upstream(self, title: str, text: str) -> None:
        assert self.doc is not None
        pos = len(self._items())
        self.doc.edit_structure("插入省级工作要求",
                                lambda d: d.plan.requirements.append(Requirement(title=title, text=text)))
        self.select(pos)

    def _items_of(self, draft) -> list:
        return draft.plan.requirements

    def _new_item(self, draft):
        return Requirement()

    def _text(self, i: int, item) -> str:
        return official.heading_label(2, i + 1) + (item.title.strip() or "（未填写标题）")


class ActivitiesEditor(_ListEditor):
    title = "重点活动"
    list_path = "activities"
    noun = "活动"

    def _build_form(self) -> None:
        self._add("name", "活动名称", LineField("活动名称"))
        self._add("time", "时间", LineField("活动时间", "如 2020年6月至12月"))
        self._add("lead", "牵头单位", LineField("牵头单位"))
        self._add("partners", "配合单位", ListField("配合单位", rows=3))
        self._add("upstream", "对应省级活动", NumberPicker("对应省级活动", []))
        self.item_fields["upstream"].setMinimumHeight(200)
        self._add("id", "编号", LineField("编号", "台账用的唯一编号，如 a1"))

    def refresh(self) -> None:
        if self.doc is not None:
            picker = self.item_fields["upstream"]
            assert isinstance(picker, NumberPicker)
            picker.entries = [(a.number, a.name) for a in self.doc.template.key_activities]
        super().refresh()

    def _items_of(self, draft) -> list:
        return draft.activities

    def _new_item(self, draft):
        return Activity(id=new_id(draft, "a"))

    def _delete(self, draft, row: int) -> None:
        act = draft.activities.pop(row)
        draft.progress.pop(act.id, None)

    def _text(self, i: int, item) -> str:
        return f"{i + 1}. " + (item.name.strip() or "（未填写活动名称）")


# --- 进度台账 ----------------------------------------------------------------------

# The ledger's columns a clerk edits on the page (the same the import reads); the
# others are the plan's own text. The columns themselves are the template's.
_LEDGER_EDITABLE = ("status", "percent", "summary", "evidence", "updated")
_PX_PER_WIDTH = 8  # a template column width (Excel units) in pixels


class _StatusDelegate(QStyledItemDelegate):
    """The template's statuses: a plan of another year may say 推进中."""

    def __init__(self, owner: Editor) -> None:
        super().__init__(owner.table)  # type: ignore[attr-defined]
        self.owner = owner

    def statuses(self) -> tuple[str, ...]:
        doc = self.owner.doc
        return tuple(doc.template.ledger.statuses) if doc is not None else ()

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt's name
        combo = QComboBox(parent)
        combo.addItem("")
        combo.addItems(list(self.statuses()))
        return combo

    def setEditorData(self, editor, index):  # noqa: N802 - Qt's name
        editor.setCurrentText(index.data() or "")

    def setModelData(self, editor, model, index):  # noqa: N802 - Qt's name
        model.setData(index, editor.currentText())


class LedgerEditor(Editor):
    """The ledger as the exported workbook shows it: the template's columns, the same
    rows (desktop.ledger.rows); 状态, 完成率, 进展情况, 佐证材料 and 更新日期 are edited here."""

    title = "进度台账"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 0)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self._status_delegate = _StatusDelegate(self)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.summary = hint_label("")
        self.as_of = self._field(DateField("截至日期"), "as_of")
        as_of_row = QHBoxLayout()
        as_of_row.addWidget(QLabel("截至日期"))
        as_of_row.addWidget(self.as_of, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(as_of_row)
        layout.addWidget(hint_label("是否逾期按截至日期判断，导出的台账也写明截至日期；留空则按今天（电脑上的日期）。"))
        layout.addWidget(hint_label("每项任务和活动一行。双击“状态”“完成率”“进展情况”“佐证材料”“更新日期”修改；"
                               "也可在“台账”菜单中导入同事填好的台账。"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self._filling = False
        self._ids: list[str] = []
        self._keys: list[str] = []  # column -> the template's column key
        self._titles: list[str] = []

    def column(self, key: str) -> int:
        """The table column of a ledger column key (-1 when the template has none)."""
        return self._keys.index(key) if key in self._keys else -1

    def _set_columns(self) -> None:
        assert self.doc is not None
        columns = list(self.doc.template.ledger.columns)
        keys = [c.key for c in columns]
        if keys == self._keys:
            return
        old = self.column("status")
        if old >= 0:
            self.table.setItemDelegateForColumn(old, self.table.itemDelegate())
        self._keys, self._titles = keys, [c.title for c in columns]
        self.table.setColumnCount(len(columns))
        self.table.setHorizontalHeaderLabels(self._titles)
        for col, c in enumerate(columns):
            self.table.setColumnWidth(col, int(min(c.width, 40) * _PX_PER_WIDTH))
        if "status" in keys:
            self.table.setItemDelegateForColumn(self.column("status"), self._status_delegate)

    def _text(self, key: str, value: object, entry: Progress | None) -> str:
        if key in _LEDGER_EDITABLE:  # what the draft holds, as the clerk typed it
            raw = getattr(entry, key) if entry is not None else None
            if key == "percent":
                return "" if raw is None else f"{raw:g}"
            return "" if raw is None else str(raw)
        if isinstance(value, _dt.date):
            return official.official_date(value)
        return "" if value is None else str(value)

    def refresh(self) -> None:
        if self.doc is None:
            return
        from desktop.ledger.rows import build_rows

        super().refresh()  # the 截至日期 field
        draft = self.doc.draft
        self._filling = True
        self._set_columns()
        rows = build_rows(draft, self.doc.template, draft.as_of_date(), mark=False)
        self.table.setRowCount(len(rows))
        self._ids = []
        for row, r in enumerate(rows):
            entry = draft.progress.get(r.key)
            for col, key in enumerate(self._keys):
                cell = QTableWidgetItem(self._text(key, r.values.get(key), entry))
                if key not in _LEDGER_EDITABLE:
                    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, col, cell)
            self._ids.append(r.key)
        self._filling = False
        self._update_summary()

    def _update_summary(self) -> None:
        if self.doc is None:
            return
        counts: dict[str, int] = {}
        for _, _, item in self.doc.draft.items():
            entry = self.doc.draft.progress.get(item.id)
            status = entry.status if entry and entry.status else "未填写"
            counts[status] = counts.get(status, 0) + 1
        self.summary.setText("　".join(f"{k} {v} 项" for k, v in counts.items()))

    def _on_doc_value_changed(self, path: str) -> None:
        if path.startswith("progress:") and self.doc is not None:
            item_id = path.split(":")[1]
            if item_id in self._ids:
                row = self._ids.index(item_id)
                entry = self.doc.draft.progress.get(item_id)
                self._filling = True
                for col, key in enumerate(self._keys):
                    if key not in _LEDGER_EDITABLE:
                        continue
                    text = self._text(key, None, entry)
                    cell = self.table.item(row, col)
                    assert cell is not None  # refresh() sets every cell
                    if cell.text() != text:
                        cell.setText(text)
                self._filling = False
            self._update_summary()

    def _on_table_item_changed(self, cell: QTableWidgetItem) -> None:
        if self._filling or self.doc is None or not 0 <= cell.column() < len(self._keys):
            return
        key = self._keys[cell.column()]
        if key not in _LEDGER_EDITABLE:
            return
        item_id = self._ids[cell.row()]
        text = cell.text().strip()
        value: object = text
        if key == "percent":
            from desktop.ledger.common import ValueProblem, parse_percent

            try:
                value = parse_percent(text or None)  # the ledger import's rule: 40, 40%, 0.4
            except ValueProblem as problem:
                messages.warning(self, f"{problem}。")
                self._filling = True
                current = self.doc.get(progress_address(item_id, "percent"))
                cell.setText("" if current is None else f"{current:g}")
                self._filling = False
                return
        self.doc.edit_value(progress_address(item_id, key), value, merge=False, label=self._titles[cell.column()])

    def focus_path(self, path: str, **_kw) -> bool:
        if path == "as_of":
            return super().focus_path(path)
        if not path.startswith("progress") or self.doc is None:
            return False
        item_id = path[len("progress."):] if path.startswith("progress.") else ""
        row = self._ids.index(item_id) if item_id in self._ids else 0
        col = self.column("percent" if "percent" in path else "status")
        if self.table.rowCount() and col >= 0:
            self.table.setCurrentCell(row, col)
            target = self.table.item(row, col)
            assert target is not None  # refresh() sets every cell
            self.table.scrollToItem(target)
        self.table.setFocus()
        return True
