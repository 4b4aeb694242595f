"""The start page: recent drafts of every kind, a new plan from a template, a work report from a plan,
the example, and a one-page guide."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QTextBrowser,
    QVBoxLayout, QWidget,
)

from desktop import APP_NAME

GUIDE_HTML = """
<h3>五步完成实施方案，一步写好工作报告</h3>
<ol>
<li><b>新建</b>：选模板（如“广东省2020年争做中国好网民工程实施方案”）新建，发文机关、印发机关等
按“编辑 → 单位默认设置”自动带上。上级印发了新方案时，用“文件 → 新建 → 从上级文件生成”把它
（Word、PDF、文本或上级的方案草稿）生成本单位模板，核对后保存。</li>
<li><b>填写</b>：左侧依次是通知要素、工作目标、重点任务、工作要求、重点活动、进度台账。
重点任务要勾选它对应的上级任务；右侧“上级方案对照”逐项显示上级方案的重点任务、重点活动和点名的素养是否都已对应。</li>
<li><b>检查</b>：下方“检查结果”随输入更新。红色是错误（如发文字号格式、还留着“××市”），
双击转到该栏目，能自动修正的点“修正”。按 F8 逐个查看。</li>
<li><b>导出</b>：“文件 → 导出”（Ctrl+E）生成 Word、PDF 公文和进度台账，格式符合 GB/T 9704-2012；
“预览”窗格就是打印出来的样子。</li>
<li><b>跟踪</b>：把台账发给各单位填写，收回后“台账 → 导入填好的台账”；多个单位的台账可“台账 → 合并”。
逾期按“进度台账”页的截至日期判断。</li>
<li><b>报告</b>：年中、年底向上级报告时，打开方案（先导入最新的台账），“文件 → 新建 → 工作情况报告”，
程序按进度起草一份上行文（签发人、主送上级机关、总体情况的数字、各项任务的进展、存在的问题和附件任务完成
情况表），补写“下一步工作打算”、核对后导出。方案又导入新台账后，在报告的“任务完成情况”页点“刷新数据”。</li>
</ol>
<p>小技巧：Ctrl+Z 撤销会回到改动的栏目；Ctrl+H 在全文中查找和替换（如把“我市”改为“我区”）；
程序会自动保存恢复文件，意外关闭后再次打开时可恢复。</p>
"""


class StartPage(QWidget):
    """Signals:
        open_requested(str): open this draft file ("" = ask for one).
        new_requested(str): a new plan from this template id.
        example_requested(): open the bundled example as an unsaved copy.
        derive_requested(str, str): draft a document of this kind (key) from a file of the kind
            it derives from ("" = ask for one): a work report from a plan.
    """

    open_requested = Signal(str)
    new_requested = Signal(str)
    example_requested = Signal()
    derive_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        title = QLabel(APP_NAME)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)

        start = QGroupBox("开始")
        self.templates = QComboBox()
        self.templates.setMinimumContentsLength(16)
        new = QPushButton("新建方案")
        new.setDefault(True)
        new.clicked.connect(lambda: self.new_requested.emit(self.templates.currentData() or ""))
        open_button = QPushButton("打开草稿…")
        open_button.clicked.connect(lambda: self.open_requested.emit(""))
        example = QPushButton("打开示例（佛山市）")
        example.setToolTip("打开自带的示例草稿，作为未保存的副本")
        example.clicked.connect(self.example_requested.emit)
        sv = QVBoxLayout(start)
        sv.addWidget(QLabel("按模板新建："))
        sv.addWidget(self.templates)
        sv.addWidget(new)
        sv.addWidget(open_button)
        from desktop.kinds import BY_KEY, KINDS

        for kind in KINDS:  # a work report from a plan, and any kind drafted from another
            if kind.deriver:
                source = BY_KEY[kind.derived_from]
                button = QPushButton(f"由{source.label}起草{kind.label}…")
                button.setToolTip(f"选择一份{source.label}，按其内容起草{kind.label}")
                button.clicked.connect(lambda _=False, k=kind.key: self.derive_requested.emit(k, ""))
                sv.addWidget(button)
        sv.addWidget(example)
        sv.addStretch(1)

        recent = QGroupBox("最近打开")
        self.recent = QListWidget()
        self.recent.itemActivated.connect(self._on_recent_activated)
        rv = QVBoxLayout(recent)
        rv.addWidget(self.recent)
        rv.addWidget(QLabel("双击打开。"))

        guide = QGroupBox("使用指南")
        self.guide = QTextBrowser()
        self.guide.setHtml(GUIDE_HTML)
        self.guide.setOpenLinks(False)
        gv = QVBoxLayout(guide)
        gv.addWidget(self.guide)

        left = QVBoxLayout()
        left.addWidget(start)
        left.addWidget(recent, 1)
        row = QHBoxLayout()
        row.addLayout(left, 2)
        row.addWidget(guide, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title)
        layout.addLayout(row, 1)

    def fill(self, recent: list[str], templates: list[tuple[str, str]]) -> None:
        from desktop.kinds import kind_of_name

        from .common import resource_icon

        self.recent.clear()
        icons = {}
        for path in recent:
            missing = not Path(path).is_file()
            kind = kind_of_name(path)
            if kind.key not in icons:
                icons[kind.key] = resource_icon(kind.icon)
            item = QListWidgetItem(f"{Path(path).name}{'（文件已不存在）' if missing else ''}")
            item.setToolTip(f"{kind.label}：{path}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            icon = icons[kind.key]
            if icon is not None:
                item.setIcon(icon)
            if missing:
                item.setForeground(Qt.GlobalColor.gray)
            self.recent.addItem(item)
        if not recent:
            item = QListWidgetItem("（还没有打开过草稿）")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(item)
        self.templates.clear()
        for template_id, name in templates:
            self.templates.addItem(name, template_id)

    def _on_recent_activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.open_requested.emit(path)
