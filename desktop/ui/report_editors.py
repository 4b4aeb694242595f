"""The work report's editors (its sections table: desktop.kinds.report.KIND)."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop import official

from . import messages
from .common import hint_label
from .editors import Editor, _form, _ListEditor, _scroll
from .fields import ChoiceField, DateField, LineField, ListField, PercentField, TextField


class HeaderEditor(Editor):
    title = "版头与主送"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget()
        outer = QVBoxLayout(content)
        outer.setContentsMargins(16, 12, 16, 16)
        f = self._field
        head = QGroupBox("版头（上行文）")
        form = _form()
        form.addRow("发文机关", f(ListField("发文机关", "报告通常由本单位单独行文；双击修改", rows=2),
                                  "header.issuers"))
        form.addRow("版头后缀", f(LineField("版头后缀", "通常为“文件”，不需要时留空"), "header.header_suffix"))
        form.addRow("发文字号", f(LineField("发文字号", "如 佛委网办〔2020〕30号"), "header.doc_number"))
        form.addRow("签发人", f(LineField("签发人", "上行文必须标注签发人姓名"), "header.signer"))
        row = QHBoxLayout()
        row.addWidget(QLabel("份号"))
        row.addWidget(f(LineField("份号", "可不填"), "header.copy_no"))
        row.addWidget(QLabel("密级"))
        row.addWidget(f(LineField("密级和保密期限", "可不填"), "header.secrecy"))
        row.addWidget(QLabel("紧急程度"))
        urgency = ChoiceField("紧急程度", [("", "（无）"), ("加急", "加急"), ("特急", "特急")])
        row.addWidget(f(urgency, "header.urgency"))
        form.addRow("", row)
        head.setLayout(form)
        outer.addWidget(head)
        main = QGroupBox("标题与主送")
        form = _form()
        form.addRow("标题", f(LineField("报告标题", "如 关于佛山市2020年争做中国好网民工程工作情况的报告"), "title"))
        form.addRow("主送机关", f(LineField("主送机关", "一个上级机关，如 中共广东省委网络安全和信息化委员会办公室"),
                                  "recipients"))
        main.setLayout(form)
        outer.addWidget(main)
        outer.addWidget(hint_label("发文字号居左空一字、签发人姓名居右空一字，排在同一行（GB/T 9704 7.2.4–7.2.5）。"
                                   "报告只主送一个上级机关，不得夹带请示事项。"))
        outer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_scroll(content))


class BodyEditor(_ListEditor):
    title = "报告正文"
    list_path = "sections"
    noun = "部分"

    def _build_form(self) -> None:
        self._add("heading", "标题", LineField("部分标题", "如 主要做法和成效"))
        self._add("text", "内容", TextField("部分内容", "每段一行；以（一）开头的句子排为小标题", lines=16))

    def _items_of(self, draft) -> list:
        return draft.sections

    def _new_item(self, draft):
        from desktop.kinds.report.model import Section

        return Section()

    def _text(self, i: int, item) -> str:
        return official.heading_label(1, i + 1) + (item.heading.strip() or "（未填写标题）")


class AnnexEditor(_ListEditor):
    title = "任务完成情况"
    list_path = "rows"
    noun = "任务"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        top = QWidget()
        form = _form()
        form.addRow("附件标题", self._field(LineField("附件标题", "留空则不附任务完成情况表"), "annex_title"))
        form.addRow("截至日期", self._field(DateField("截至日期"), "as_of"))
        self.source = hint_label("")
        self.refresh_button = QPushButton("刷新数据")
        self.refresh_button.setToolTip("按方案当前的进度（如刚导入的台账）重新填写本表，并更新正文中的数字")
        self.refresh_button.clicked.connect(self.refresh_from_plan)
        self.units_button = QPushButton("加入下级汇总台账…")
        self.units_button.setToolTip("把各下级单位台账的合并结果（台账 → 合并多个台账）"
                                     "作为附件“各单位任务完成情况表”加入报告")
        self.units_button.clicked.connect(self.add_units)
        self.units = hint_label("")
        self.stale = QLabel("")
        self.stale.setStyleSheet("color: #8a5a00;")
        self.stale.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.source, 1)
        row.addWidget(self.refresh_button)
        box = QVBoxLayout(top)
        box.setContentsMargins(16, 8, 16, 0)
        box.addLayout(form)
        box.addLayout(row)
        units_row = QHBoxLayout()
        units_row.addWidget(self.units, 1)
        units_row.addWidget(self.units_button)
        box.addLayout(units_row)
        box.addWidget(self.stale)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, top)

    def _build_form(self) -> None:
        self._add("title", "任务名称", LineField("任务名称"))
        self._add("lead", "牵头单位", LineField("牵头单位"))
        self._add("deadline", "完成时限", DateField("完成时限"))
        self._add("status", "状态", ChoiceField("状态", [("", "（未填写）")]))
        self._add("percent", "完成率", PercentField("完成率"))
        self._add("summary", "进展情况", TextField("进展情况", lines=6))

    def refresh(self) -> None:
        if self.doc is not None:
            status = self.item_fields["status"]
            assert isinstance(status, ChoiceField)
            status.set_options([("", "（未填写）")] + [(s, s) for s in self.doc.template.ledger.statuses])
            src = self.doc.draft.source
            self.source.setText(f"数据来自方案《{src.plan_title}》" if src.plan_title else "")
            report = self.doc.draft
            self.units.setText(f"已加入 {len(report.units)} 个单位的完成情况（附件“{report.units_title}”）"
                               if report.units else "市级报告可以加入各区县报送台账的合并结果。")
            self.update_stale()
        super().refresh()

    def update_stale(self) -> None:
        from desktop.kinds.report.source import stale_against_plan

        if self.doc is None:
            return
        problem = stale_against_plan(self.doc.draft, self.doc.path)
        self.stale.setText(f"{problem.message}" if problem else "")
        self.stale.setVisible(problem is not None)

    def refresh_from_plan(self) -> None:
        """The rows and every stated figure from the plan as it is now (one undo step)."""
        from desktop.errors import DesktopError
        from desktop.kinds.report.drafting import refreshed
        from desktop.kinds.report.source import find_plan

        if self.doc is None:
            return
        report = self.doc.draft
        try:
            found = find_plan(report, self.doc.path)
        except DesktopError as err:
            messages.warning(self, str(err))
            found = None
        if found is None:
            chosen = messages.open_path(self, "选择起草报告所依据的方案", "", "实施方案草稿 (*.plan.json *.json)")
            if not chosen:
                return
            try:
                found = find_plan(report, self.doc.path, chosen)
            except DesktopError as err:
                messages.error(self, str(err))
                return
        if found is None:
            messages.warning(self, "所选文件中找不到方案。")
            return
        plan, _where = found
        new = refreshed(report, plan, self.doc.template)

        def replace(r) -> None:
            r.rows, r.sections, r.as_of, r.source = new.rows, new.sections, new.as_of, new.source

        self.doc.edit_structure("刷新数据", replace)
        self.update_stale()
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(
                f"已按方案的最新进度更新 {len(new.rows)} 项任务和正文中的数字（可撤销）。", 8000)

    def add_units(self, path: str = "") -> bool:
        """The districts' merged ledger as the report's table by unit (one undo step)."""
        from pathlib import Path

        from desktop.errors import DesktopError
        from desktop.kinds.report.units import units_of, with_units

        if self.doc is None:
            return False
        path = path or messages.open_path(self, "选择各单位台账的合并结果", "", "Excel 工作簿 (*.xlsx);;所有文件 (*)")
        if not path:
            return False
        try:
            units = units_of(Path(path), self.doc.template)
        except DesktopError as err:
            messages.error(self, str(err))
            return False
        new = with_units(self.doc.draft, units, self.doc.draft.units_title or "各单位任务完成情况表")

        def replace(r) -> None:
            r.units, r.units_title, r.sections = new.units, new.units_title, new.sections

        self.doc.edit_structure("加入各单位完成情况", replace)
        return True

    def _items_of(self, draft) -> list:
        return draft.rows

    def _new_item(self, draft):
        from desktop.kinds.report.model import Row

        return Row()

    def _text(self, i: int, item) -> str:
        state = f"（{item.status}）" if item.status.strip() else ""
        return f"{i + 1}. {item.title.strip() or '（未填写任务名称）'}{state}"


class ClosingEditor(Editor):
    title = "落款与版记"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget()
        outer = QVBoxLayout(content)
        outer.setContentsMargins(16, 12, 16, 16)
        f = self._field
        main = QGroupBox("落款")
        form = _form()
        form.addRow("落款方式", f(ChoiceField("落款方式", [("", "按单位默认设置"), ("seal", "加盖印章"),
                                                      ("no_seal", "不加盖印章")]), "signature_layout"))
        form.addRow("发文机关署名", f(ListField("发文机关署名", "留空则与发文机关相同", rows=2), "signatures"))
        form.addRow("成文日期", f(DateField("成文日期"), "date"))
        form.addRow("附注", f(LineField("附注", "如 联系人：张敏，电话：0757-83031234"), "note"))
        main.setLayout(form)
        outer.addWidget(main)
        tail = QGroupBox("版记")
        form = _form()
        form.addRow("抄送机关", f(ListField("抄送机关", "可不填", rows=2), "cc"))
        form.addRow("印发机关", f(LineField("印发机关"), "printer"))
        form.addRow("印发日期", f(DateField("印发日期"), "print_date"))
        tail.setLayout(form)
        outer.addWidget(tail)
        outer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_scroll(content))


class NewReportDialog(QWidget):
    """What a new report needs besides its plan: the period, the day the figures stop, the 签发人."""

    def __init__(self, as_of: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = _form()
        self.period = _combo(["年度", "半年"])
        self.as_of = QLineEdit(as_of)
        self.as_of.setPlaceholderText("如 2020-12-20 或 2020年12月20日")
        self.signer = QLineEdit()
        self.signer.setPlaceholderText("签发人姓名（也可以之后填写）")
        form.addRow("报告类型", self.period)
        form.addRow("数据截至", self.as_of)
        form.addRow("签发人", self.signer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(hint_label("程序按方案中各项任务的进度起草报告：总体情况的数字、各组任务的做法和成效、"
                                    "逾期和尚未启动的任务、附件任务完成情况表。每个字都可以修改。"))


def _combo(items: list[str]):
    from PySide6.QtWidgets import QComboBox

    combo = QComboBox()
    combo.addItems(items)
    return combo


def ask_new_report(parent: QWidget, as_of: str) -> tuple[str, str, str] | None:
    """(period, as_of as typed, signer) for a new report, or None when the clerk cancels."""
    from PySide6.QtWidgets import QDialog

    from .common import ok_cancel

    dialog = QDialog(parent)
    dialog.setWindowTitle("起草工作情况报告")
    form = NewReportDialog(as_of, dialog)
    layout = QVBoxLayout(dialog)
    layout.addWidget(form)
    layout.addWidget(ok_cancel(dialog))
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return form.period.currentText(), form.as_of.text().strip(), form.signer.text().strip()
    finally:
        dialog.deleteLater()


def draft_from(parent: QWidget, plan, template, plan_path):
    """The report kind's deriver (desktop.kinds.base.Kind.deriver): a report on ``plan``
    after asking the period, the day the figures stop and the 签发人; None when cancelled."""
    from desktop import official
    from desktop.kinds.report.drafting import new_report

    answer = ask_new_report(parent, plan.as_of_date().isoformat())
    if answer is None:
        return None
    period, typed, signer = answer
    as_of = official.parse_iso_date(official.iso_date_from_text(typed) or "")
    if typed and as_of is None:
        messages.warning(parent, f"“{typed}”不是有效的日期，已按方案的截至日期（没有则为今天）计算。")
    return new_report(plan, template, period=period, as_of=as_of, plan_path=plan_path, signer=signer)
