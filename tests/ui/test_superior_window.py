"""文件 → 新建 → 从上级文件生成, as a clerk uses it: pick the city's Word file,
review, correct a title, save; the new district draft answers the city's
tasks and the window speaks of 市级, not 省级."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QPushButton

from desktop.export import export_one
from desktop.storage import load_draft
from desktop.templates import load_template, template_ids
from desktop.ui.superior_dialog import SuperiorDialog
from tests.conftest import BUNDLED_EXAMPLE
from tests.ui.recorder import recorder


@pytest.fixture
def city_docx(tmp_path: Path) -> Path:
    draft = load_draft(BUNDLED_EXAMPLE)
    out = tmp_path / "佛山市方案.docx"
    export_one(draft, load_template(draft.template), "docx", out)
    return out


def test_new_from_superior_reviews_saves_and_opens_a_draft(make_window, city_docx, monkeypatch):
    window = make_window()
    seen = {}

    def review(dialog: SuperiorDialog) -> int:
        seen["rows"] = dialog.tasks.rowCount()
        seen["title0"] = dialog.tasks.item(0, 2).text()
        seen["lead0"] = dialog.tasks.item(0, 4).text()
        dialog.tasks.item(1, 2).setText("提升教师信息技术应用能力（校对）")  # the clerk corrects a title
        dialog.name.setText("佛山市2020年方案（区级用）")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SuperiorDialog, "exec", review)
    assert window.new_from_superior(str(city_docx))
    QApplication.processEvents()
    assert seen == {"rows": 11, "title0": "开展青少年网络素养教育“双进”活动", "lead0": "市教育局"}
    template = window.doc.template
    assert template.name == "佛山市2020年方案（区级用）"
    assert template.id in template_ids()
    assert template.key_tasks[1].title == "提升教师信息技术应用能力（校对）"
    assert window.reference_dock.windowTitle() == "市级方案对照"
    tasks = window.show_section("tasks")
    button_texts = [b.text() for b in tasks.findChildren(QPushButton)]
    assert "市级任务对应情况" in button_texts and "省级任务对应情况" not in button_texts
    # the new template is offered again under 文件 → 新建
    window._fill_new_menu()
    assert "佛山市2020年方案（区级用）" in [a.text() for a in window.new_menu.actions()]
    assert "从上级文件生成(&S)…" in [a.text() for a in window.new_menu.actions()]


def test_a_damaged_superior_file_gives_a_plain_message(make_window, tmp_path):
    window = make_window()
    bad = tmp_path / "上级.docx"
    bad.write_bytes(b"not a docx")
    assert not window.new_from_superior(str(bad))
    shown = recorder.history[-1]
    assert shown.kind == "error" and "上级.docx" in shown.text


def test_the_clerk_changes_a_parts_role_and_the_document_is_read_again(qtbot):
    """国办发〔2018〕123号: “二、明确工作职责” is not read as tasks; the clerk makes it
    tasks with one click, and back; the table of tasks follows at once."""
    from desktop.superior import import_superior
    from tests.conftest import ROOT

    derived = import_superior(ROOT / "tests" / "corpus" / "superior" / "gov-2018-zhengwu-xinmeiti-yijian.txt")
    dialog = SuperiorDialog(derived)
    qtbot.addWidget(dialog)
    headings = [dialog.parts.item(r, 0).text() for r in range(dialog.parts.rowCount())]
    assert headings[:3] == ["（标题前的正文）", "总体要求", "明确工作职责"]
    roles = [box.currentText() for box in dialog.role_boxes]
    assert roles == ["不读取", "工作目标", "不读取", "重点任务", "重点任务", "工作要求"]
    assert dialog.tasks.rowCount() == 7
    duties = dialog.role_boxes[2]
    duties.setCurrentIndex(duties.findData("tasks"))  # one click: the part holds measures after all
    assert dialog.tasks.rowCount() == 7 + 3  # its three paragraphs, each a task
    assert dialog.tasks.item(0, 2).text().startswith("本意见所称政务新媒体")
    assert dialog.result_data()["key_tasks"][0]["group"] is not None
    dialog.role_boxes[2].setCurrentIndex(dialog.role_boxes[2].findData("ignored"))
    assert dialog.tasks.rowCount() == 7
    # the task level: 加强功能建设 read paragraph by paragraph gives its introduction as a task too
    dialog.level_boxes[3].setCurrentIndex(dialog.level_boxes[3].findData("paragraphs"))
    assert dialog.tasks.rowCount() == 8
    assert "重点任务（8 项）" in [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]


def test_a_year_the_document_does_not_state_is_shown_as_a_guess_at_the_top(qtbot):
    """广州 2012 科技创新 states no year of its own: the dialog's first line said “（2015年）” as a
    fact, and that it was only the first year in the text sat behind the 未能归类 tab."""
    from desktop.superior import import_superior
    from tests.conftest import ROOT

    derived = import_superior(ROOT / "tests" / "corpus" / "superior" / "gz-2012-keji-shishi-yijian.txt")
    dialog = SuperiorDialog(derived)
    qtbot.addWidget(dialog)
    head = dialog.head.text()
    assert "（2015年，原文未载明年度，请核对）" in head
    assert "暂按正文中最早出现的年份（2015年）" in head and "另有 2 条提示" in head
    stated = SuperiorDialog(import_superior(ROOT / "tests" / "corpus" / "superior"
                                            / "gov-2018-zhengwu-xinmeiti-yijian.txt"))
    qtbot.addWidget(stated)
    assert "（2018年，国办发〔2018〕123号）" in stated.head.text() and "请核对）" not in stated.head.text()
