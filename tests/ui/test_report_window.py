"""The window with the second kind: a work report drafted from the open plan,
edited, checked, refreshed and saved like a plan, with its own navigator."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.kinds import PLAN, REPORT
from desktop.model import Progress
from desktop.storage import load_record, save_draft
from tests.ui.recorder import recorder

from .helpers import type_text


@pytest.fixture
def plan_window(make_window, example_draft, tmp_path: Path):
    path = tmp_path / "佛山方案.plan.json"
    example_draft.as_of = "2020-12-20"
    save_draft(example_draft, path)
    window = make_window()
    assert window.open_path(path)
    return window


def _draft_report(window, monkeypatch, signer="张三"):
    from desktop.ui import report_editors

    monkeypatch.setattr(report_editors, "ask_new_report", lambda _parent, as_of: ("年度", as_of, signer))
    assert window.new_derived("report")
    return window.doc.draft


def test_a_report_from_the_open_plan_has_its_own_navigator(plan_window, monkeypatch):
    window = plan_window
    assert [window.nav.item(i).data(256) for i in range(window.nav.count())] == [s.key for s in PLAN.sections]
    report = _draft_report(window, monkeypatch)
    assert window.kind is REPORT and report.header.signer == "张三"
    assert [window.nav.item(i).data(256) for i in range(window.nav.count())] == [s.key for s in REPORT.sections]
    assert not window.reference_dock.isVisible() and not window.reference_dock.toggleViewAction().isVisible()
    assert window.windowTitle().startswith("未命名报告")
    assert {p.rule for p in window.problems} >= {"placeholder"}  # 下一步工作打算 is the clerk's to write
    where = window.problems_panel.tree.topLevelItem(0).text(1)
    assert where.startswith(("版头", "正文"))


def test_editing_checking_and_saving_a_report(plan_window, monkeypatch, tmp_path):
    window = plan_window
    _draft_report(window, monkeypatch, signer="")
    assert window.doc.draft.header.signer == "×××"  # printed where it goes, and asked for by the checks
    window.doc.edit_value("header.signer", "", merge=False)
    window.run_checks()
    assert "report-signer" in {p.rule for p in window.problems}
    header = window.show_section("header")
    type_text(header.binder.find("header.signer").edit, "李四")
    window.run_checks()
    assert "report-signer" not in {p.rule for p in window.problems}
    body = window.show_section("body")
    body.select(3)
    body.item_fields["text"].edit.setPlainText("明年重点抓好青少年网络素养教育。妥否，请批示。")
    window.run_checks()
    found = [p for p in window.problems if p.rule == "report-request"]
    assert [p.path for p in found] == ["sections[3].text"]
    assert window.go_to_problem(found[0]) and window.current_section() == "body"
    recorder.queue_path(str(tmp_path / "佛山报告"))
    assert window.save()
    saved = tmp_path / "佛山报告.report.json"
    assert saved.exists() and load_record(saved).header.signer == "李四"
    assert window.windowTitle().startswith("佛山报告.report.json")
    window.undo_action.trigger()  # undo works in the report as in the plan
    assert window.doc.draft.sections[3].text != "明年重点抓好青少年网络素养教育。妥否，请批示。"


def test_refresh_after_the_plan_imported_a_newer_ledger(plan_window, monkeypatch, tmp_path):
    window = plan_window
    plan_path = window.doc.path
    _draft_report(window, monkeypatch)
    recorder.queue_path(str(tmp_path / "佛山报告.report.json"))
    assert window.save()
    plan = load_record(plan_path)
    first = plan.plan.task_groups[0].tasks[0].id
    plan.progress[first] = Progress("已完成", 100, "全部完成。")
    save_draft(plan, plan_path)  # what ledger import does to the plan
    annex = window.show_section("annex")
    annex.refresh()
    assert annex.stale.isVisibleTo(window) and "刷新数据" in annex.stale.text()
    window.run_checks()
    assert "report-stale" in {p.rule for p in window.problems}
    annex.refresh_button.click()
    assert window.doc.draft.rows[0].summary == "全部完成。"
    window.run_checks()
    assert "report-stale" not in {p.rule for p in window.problems} and not annex.stale.isVisibleTo(window)


def test_recent_files_show_each_kind_with_its_icon(make_window, tmp_path, template):
    from desktop.kinds.report.drafting import new_report
    from desktop.sample import make_draft

    plan, report = tmp_path / "方案.plan.json", tmp_path / "报告.report.json"
    draft = make_draft(4, 1)
    save_draft(draft, plan)
    save_draft(new_report(draft, template), report)
    window = make_window()
    window.settings.add_recent(plan)
    window.settings.add_recent(report)
    assert window.show_start()
    items = {window.start_page.recent.item(i).text(): window.start_page.recent.item(i)
             for i in range(window.start_page.recent.count())}
    assert not items["方案.plan.json"].icon().isNull() and not items["报告.report.json"].icon().isNull()
    assert items["报告.report.json"].toolTip().startswith("工作情况报告")
    assert items["方案.plan.json"].icon().cacheKey() != items["报告.report.json"].icon().cacheKey()
    window.start_page.recent.itemActivated.emit(items["报告.report.json"])
    assert window.kind is REPORT and window.doc.path == report


def test_exporting_a_report_from_the_window(plan_window, monkeypatch, tmp_path, qtbot):
    """Ctrl+E on a report: Word, PDF and OFD offered, no ledger, files beside the saved draft."""
    import pdfplumber

    window = plan_window
    _draft_report(window, monkeypatch)
    recorder.queue_path(str(tmp_path / "佛山报告"))
    assert window.save()
    window.export()
    dialog = window.export_dialog
    assert set(dialog.checks) == {"docx", "pdf", "ofd"}  # a report has no ledger
    assert dialog.folder.text() == str(tmp_path)
    for box in dialog.checks.values():
        box.setChecked(True)
    with qtbot.waitSignal(dialog.export_finished, timeout=120000):
        dialog.start_export()
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".docx", ".pdf", ".ofd", ".xlsx"))
    assert names == ["佛山报告.docx", "佛山报告.ofd", "佛山报告.pdf"]
    with pdfplumber.open(tmp_path / "佛山报告.pdf") as pdf:
        first = pdf.pages[0].extract_text()
    assert "签发人：张三" in first.replace(" ", "") and "工作情况的报告" in first.replace(" ", "").replace("\n", "")
    dialog.reject()


def test_the_annex_page_shows_the_reports_own_date_and_title(plan_window, monkeypatch):
    """The 截至日期 and 附件标题 above the annex's list were shown empty."""
    window = plan_window
    report = _draft_report(window, monkeypatch)
    assert report.as_of == "2020-12-20" and report.annex_title
    annex = window.show_section("annex")
    assert annex.binder.find("as_of").edit.text() in ("2020-12-20", "2020年12月20日")
    assert annex.binder.find("annex_title").edit.text() == report.annex_title
    window.doc.edit_value("as_of", "2020-12-31", merge=False)
    window.undo_action.trigger()  # back to the drafted date, shown again
    assert annex.binder.find("as_of").edit.text() in ("2020-12-20", "2020年12月20日")


def test_a_list_page_opens_on_its_first_item(plan_window, monkeypatch):
    window = plan_window
    requirements = window.show_section("requirements")
    assert requirements.list.currentRow() == 0 and requirements.stack.currentIndex() == 1
    _draft_report(window, monkeypatch)
    body = window.show_section("body")
    assert body.list.currentRow() == 0 and body.stack.currentIndex() == 1
    assert body.item_fields["heading"].edit.text() == "总体情况"


def test_fix_all_in_a_report_uses_the_reports_own_checks(plan_window, monkeypatch):
    """全部修正 on a report ran the plan's checks on it and crashed (no as_of_date)."""
    window = plan_window
    report = _draft_report(window, monkeypatch)
    said = report.sections[0].text
    assert "逾期未完成" in said
    window.doc.edit_value("sections[0].text", said.replace("逾期未完成", "逾期未完成9", 1), merge=False)
    window.run_checks()
    assert "report-figures" in {p.rule for p in window.problems}
    assert window.fix_all() == 1
    assert window.doc.draft.sections[0].text == said
    assert "report-figures" not in {p.rule for p in window.problems}
    window.undo_action.trigger()  # one undo step, as for a plan
    assert "逾期未完成9" in window.doc.draft.sections[0].text


def test_a_ledger_is_imported_into_the_plan_not_the_report(plan_window, monkeypatch, tmp_path, qtbot):
    """台账 → 导入填好的台账 with a report open ran the plan's import on it: 处理时发生意外错误
    and a traceback under 显示详情."""
    import datetime as dt

    from desktop.export import ExportOptions, export_one
    from desktop.ui.ledger_tools import start_import

    window = plan_window
    ledger = tmp_path / "台账.xlsx"
    export_one(window.doc.draft, window.doc.template, "xlsx", ledger, ExportOptions(today=dt.date(2020, 12, 20)))
    assert window.actions_by_name["import_ledger"].isEnabled()
    _draft_report(window, monkeypatch)
    assert not window.actions_by_name["import_ledger"].isEnabled()
    before = window.doc.draft.to_dict()
    recorder.reset()
    assert start_import(window, str(ledger)) is None
    qtbot.wait(50)
    shown = [s for s in recorder.history if s.kind in ("error", "warning", "info")]
    assert len(shown) == 1 and "实施方案" in shown[0].text and "刷新数据" in shown[0].text
    assert "Traceback" not in shown[0].detail
    assert window.doc.draft.to_dict() == before
    window.open_path(window.doc.draft.source.plan_path)  # back to the plan: import is offered again
    assert window.kind is PLAN and window.actions_by_name["import_ledger"].isEnabled()


def test_a_draft_opened_by_a_relative_name_exports_beside_it_by_its_full_folder(make_window, tmp_path, monkeypatch,
                                                                                template):
    """plan-drafter 年度报告.report.json: the export dialog offered the folder “.”."""
    from desktop.kinds.report.drafting import new_report
    from desktop.sample import make_draft

    save_draft(new_report(make_draft(3, 1), template), tmp_path / "年度报告.report.json")
    monkeypatch.chdir(tmp_path)
    window = make_window()
    assert window.open_path("年度报告.report.json")
    assert window.doc.path == tmp_path / "年度报告.report.json"
    window.export()
    assert window.export_dialog.folder.text() == str(tmp_path)
    assert window.settings.value("files/last_dir") == str(tmp_path)
    window.export_dialog.reject()
