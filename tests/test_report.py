"""The work report (kind two): drafted from a plan and its ledger, checked, refreshed.

The plan here is built by hand so that every figure can be written out: six tasks
whose progress covers each status, judged as of 2020-12-20.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.kinds.report.checks import run_checks
from desktop.kinds.report.drafting import new_report, refreshed
from desktop.model import Draft, Progress, Task, TaskGroup
from desktop.sample import make_draft
from desktop.storage import load_record, save_draft
from tests.conftest import ROOT

CLI = [sys.executable, "-m", "desktop"]


def _plan() -> Draft:
    draft = make_draft(6, 2, groups=2)
    draft.plan.task_groups = [
        TaskGroup("强化网络素养教育", [
            Task(id="t1", title="开展“双进”活动", lead="市教育局", deadline="2020-06-30"),
            Task(id="t2", title="提升教师能力", lead="市教育局", deadline="2020-12-31"),
            Task(id="t3", title="开展金融知识普及", lead="人行佛山中支", deadline="2020-09-30")]),
        TaskGroup("聚焦重点群体", [
            Task(id="t4", title="开展职工系列活动", lead="市总工会", deadline="2020-10-31"),
            Task(id="t5", title="团结培育青年好网民", lead="团市委", deadline="2020-12-31"),
            Task(id="t6", title="开展短视频展播", lead="市妇联", deadline="2020-08-31")]),
    ]
    draft.progress = {
        "t1": Progress("已完成", 100, "已在126所学校开展主题班会。"),
        "t2": Progress("进行中", 40, "完成首轮培训"),
        "t3": Progress("延期", 20, ""),
        "t4": Progress("未开始", None, ""),
        "t6": Progress("不适用", None, "本市无此项目。"),
    }
    for i, act in enumerate(draft.activities):
        draft.progress[act.id] = Progress("已完成" if i == 0 else "进行中", 100 if i == 0 else 50, "")
    draft.as_of = "2020-12-20"
    return draft


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "佛山方案.plan.json"
    save_draft(_plan(), path)
    return path


def _report(plan_file: Path, tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "佛山报告.report.json"
    proc = subprocess.run(CLI + ["report", "new", str(plan_file), "-o", str(out), *extra], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return out


def test_the_figures_are_the_plans_as_numerals(plan_file, tmp_path):
    report = load_record(_report(plan_file, tmp_path, "--signer", "张三"))
    overall = report.sections[0].text
    # 6 tasks; done: t1; in progress: t2 (进行中), t3 (延期); not started: t4 (未开始), t5 (none);
    # not applicable: t6; overdue on 2020-12-20: t3 (9-30), t4 (10-31); average of t1–t5:
    # (100 + 40 + 20 + 0 + 0) / 5 = 32; activities: 2, held 1.
    assert "共部署重点任务6项、重点活动2项" in overall
    assert ("截至2020年12月20日，重点任务已完成1项，正在推进2项，尚未启动2项，不适用1项，平均完成率32%；"
            "全部任务中逾期未完成2项；重点活动已举办1项。") in overall
    practices = report.sections[1].text.split("\n")
    assert practices[0].startswith("（一）强化网络素养教育。一是开展“双进”活动。已在126所学校开展主题班会。")
    assert "二是提升教师能力。完成首轮培训。" in practices[0]
    assert practices[1].startswith("（二）聚焦重点群体。")
    problems = report.sections[2].text
    assert "“开展金融知识普及”、“开展职工系列活动”已超过完成时限" in problems
    assert "“团结培育青年好网民”尚未启动" in problems
    assert [s.heading for s in report.sections] == ["总体情况", "主要做法和成效", "存在的问题", "下一步工作打算"]
    assert [r.task_id for r in report.rows] == ["t1", "t2", "t3", "t4", "t5", "t6"]
    assert report.title == "关于清远市2020年争做中国好网民工程工作情况的报告"  # make_draft's plan title
    assert report.header.signer == "张三" and report.recipients == "中共广东省委网络安全和信息化委员会办公室"
    assert report.header.doc_number.endswith("〔2020〕××号")


def test_a_half_year_report_says_so(plan_file, tmp_path):
    report = load_record(_report(plan_file, tmp_path, "--period", "半年", "--as-of", "2020-06-30"))
    assert report.title == "关于清远市2020年上半年争做中国好网民工程工作情况的报告" and report.period == "半年"
    assert "截至2020年6月30日" in report.sections[0].text


@pytest.mark.parametrize("change, rule, path", [
    (lambda r: setattr(r.header, "signer", ""), "report-signer", "header.signer"),
    (lambda r: setattr(r, "recipients", "省委网信办、省教育厅"), "report-recipient", "recipients"),
    (lambda r: setattr(r.sections[3], "text", "拟于明年继续推进。妥否，请批示。"), "report-request",
     "sections[3].text"),
    (lambda r: setattr(r.sections[0], "text", r.sections[0].text + "恳请省委网信办给予经费支持。"), "report-request",
     "sections[0].text"),
    (lambda r: setattr(r, "title", "关于佛山市2020年工作情况"), "report-title", "title"),
])
def test_what_a_report_may_not_do_is_reported_at_its_field(template, change, rule, path):
    report = new_report(_plan(), template, signer="张三")
    report.header.doc_number = "佛委网办〔2020〕30号"
    assert [p for p in run_checks(report, template) if p.rule.startswith("report-")] == []
    change(report)
    found = [(p.rule, p.severity, p.path) for p in run_checks(report, template) if p.rule.startswith("report-")]
    assert found == [(rule, "error", path)]


def test_a_figure_the_data_no_longer_bears_out_is_flagged_and_fixed(template):
    from desktop.checks import apply_fix

    report = new_report(_plan(), template, signer="张三")
    report.rows[1].status, report.rows[1].percent = "已完成", 100  # the clerk edits the annex
    found = [p for p in run_checks(report, template) if p.rule == "report-figures"]
    assert [(p.path, p.severity) for p in found] == [("sections[0].text", "warning")]
    assert "已完成写的是 1，附件数据是 2" in found[0].message
    assert apply_fix(report, found[0])
    assert "重点任务已完成2项，正在推进1项" in report.sections[0].text and "平均完成率44%" in report.sections[0].text
    assert [p for p in run_checks(report, template) if p.rule == "report-figures"] == []


def test_refreshing_from_a_newer_ledger_keeps_the_clerks_words(template):
    plan = _plan()
    report = new_report(plan, template, signer="张三")
    report.sections[0].text += "各项工作扎实推进。"
    report.sections[3].text = "明年重点抓好青少年网络素养教育。"
    plan.progress["t4"] = Progress("已完成", 100, "职工系列活动已举办三场。")
    plan.progress["t5"] = Progress("进行中", 60, "")
    again = refreshed(report, plan, template)
    overall = again.sections[0].text
    assert "重点任务已完成2项，正在推进3项，尚未启动0项" in overall and "逾期未完成1项" in overall
    assert overall.endswith("各项工作扎实推进。") and again.sections[3].text == "明年重点抓好青少年网络素养教育。"
    assert again.rows[3].summary == "职工系列活动已举办三场。"


def test_every_plan_task_is_accounted_for(template):
    report = new_report(_plan(), template, signer="张三")
    del report.rows[4]  # 团结培育青年好网民: named in 存在的问题 still
    del report.rows[0]  # 开展“双进”活动: named in 主要做法和成效
    assert [p for p in run_checks(report, template) if p.rule == "report-tasks"] == []
    report.sections[1].text = report.sections[1].text.replace("开展“双进”活动", "开展进校园活动")
    found = [p for p in run_checks(report, template) if p.rule == "report-tasks"]
    assert [p.message for p in found] == ["方案中的任务“开展“双进”活动”在报告正文和附件中都没有提到。"]


def test_the_report_finds_its_plan_and_knows_when_it_moved_on(plan_file, tmp_path):
    from desktop.kinds.report.source import find_plan, stale_against_plan

    path = _report(plan_file, tmp_path)
    report = load_record(path)
    assert find_plan(report, path)[1] == plan_file and stale_against_plan(report, path) is None
    plan = load_record(plan_file)
    plan.progress["t4"] = Progress("进行中", 10, "已启动。")
    save_draft(plan, plan_file)
    stale = stale_against_plan(report, path)
    assert stale is not None and stale.rule == "report-stale" and "刷新数据" in stale.message
    proc = subprocess.run(CLI + ["check", str(path), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "report-stale" in {p["rule"] for p in json.loads(proc.stdout)}
    other = tmp_path / "另一份方案.plan.json"
    another = make_draft(3, 1)
    another.id = "0123456789abcdef"  # another office's plan, or last year's
    save_draft(another, other)
    from desktop.errors import DesktopError

    with pytest.raises(DesktopError, match="不是起草本报告所依据的方案"):
        find_plan(report, path, other)
    proc = subprocess.run(CLI + ["report", "refresh", str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stale_against_plan(load_record(path), path) is None


def test_a_city_adds_its_districts_merged_ledger(plan_file, tmp_path, template):
    """The cascade upward: districts' ledgers merged (ledger merge), then added to the
    city's report as a table by unit and a sentence; the plan's own figures untouched."""
    import datetime as dt

    from desktop.export import ExportOptions, export_one

    folder = tmp_path / "各区台账"
    folder.mkdir()
    for n, (district, finished) in enumerate((("禅城区委网信办", ()), ("南海区委网信办", ("t2", "t3", "t4", "t5")))):
        draft = _plan()
        draft.id = f"{n + 1:016x}"
        draft.notice.issuers = [district]
        for key in finished:
            draft.progress[key] = Progress("已完成", 100, "")
        export_one(draft, template, "xlsx", folder / f"{district}.xlsx", ExportOptions(today=dt.date(2020, 12, 20)))
    merged = tmp_path / "全市汇总.xlsx"
    proc = subprocess.run(CLI + ["ledger", "merge", str(folder), "-o", str(merged), "--today", "2020-12-20"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    path = _report(plan_file, tmp_path)
    proc = subprocess.run(CLI + ["report", "units", str(path), str(merged)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = load_record(path)
    # Each district: 6 tasks + 2 activities. 禅城: done t1, a1; overdue t3, t4; average of the 7 that count
    # (t6 is 不适用): (100+40+20+0+0+100+50)/7 = 44.3. 南海: done t1–t5, a1; overdue none; (600+50)/7 = 92.9.
    units = {u.unit: (u.items, u.done, u.overdue, u.average) for u in report.units}
    assert units == {"禅城区委网信办": (8, 2, 2, 44.3), "南海区委网信办": (8, 6, 0, 92.9)}
    assert report.units_title == "各单位任务完成情况表"
    assert report.sections[0].text.endswith("各单位报送的进度台账已汇总（见附件2）：共2个单位、16项任务和活动，"
                                            "其中已完成8项，超过完成时限尚未完成2项。")
    assert [p for p in run_checks(report, template) if p.rule == "report-figures"] == []
    from desktop.kinds.report.document import build_document

    doc = build_document(report)
    assert [p.text for p in doc.blocks if getattr(p, "kind", "") == "attachment-note"] == [
        "附件：1.清远市2020年争做中国好网民工程任务完成情况表", "2.各单位任务完成情况表"]
    proc = subprocess.run(CLI + ["report", "units", str(path), str(plan_file)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "不是台账的合并结果" in proc.stderr


def test_refreshing_keeps_the_reports_own_cut_off_date(template):
    """The clerk chose 截至 2020-12-20 for the report; 刷新数据 took the plan's date instead
    (today when the plan has none, 2026 for a 2020 report) and rewrote the text with it."""
    plan = _plan()
    plan.as_of = ""  # the plan was never given a 截至日期: the plan's date is today
    report = new_report(plan, template, signer="张三", as_of=dt.date(2020, 12, 20))
    assert "截至2020年12月20日" in report.sections[0].text
    plan.progress["t4"] = Progress("已完成", 100, "职工系列活动已举办三场。")
    again = refreshed(report, plan, template)
    assert again.as_of == "2020-12-20"
    assert "截至2020年12月20日，重点任务已完成2项" in again.sections[0].text
    assert "逾期未完成1项" in again.sections[0].text  # t3 (延期, due 2020-09-30) as of 2020-12-20
    asked = refreshed(report, plan, template, dt.date(2020, 12, 31))  # a date asked for still wins
    assert asked.as_of == "2020-12-31" and "截至2020年12月31日" in asked.sections[0].text


def test_the_cut_off_date_the_text_states_follows_the_reports(template):
    """The 截至日期 field moved on, the 总体情况 still said the old day: no check saw it and
    自动修正 fixed the figures only. A 截至 date elsewhere (a task's progress) is the clerk's."""
    from desktop.checks import apply_fix

    plan = _plan()
    plan.progress["t2"] = Progress("进行中", 40, "截至2020年10月31日，已培训教师300名。")
    report = new_report(plan, template, signer="张三", as_of=dt.date(2020, 12, 20))
    assert [p for p in run_checks(report, template) if p.rule == "report-figures"] == []
    report.as_of = "2020-12-31"
    found = [p for p in run_checks(report, template) if p.rule == "report-figures"]
    assert [p.path for p in found] == ["sections[0].text"]
    assert "截至日期写的是 2020年12月20日，报告的截至日期是 2020年12月31日" in found[0].message
    assert apply_fix(report, found[0])
    assert "截至2020年12月31日，重点任务已完成1项" in report.sections[0].text
    assert "截至2020年10月31日，已培训教师300名" in report.sections[1].text
    again = refreshed(report, plan, template, dt.date(2021, 1, 5))
    assert "截至2021年1月5日，重点任务已完成1项" in again.sections[0].text
    assert "截至2020年10月31日，已培训教师300名" in again.sections[1].text  # not the report's date
    again.as_of = "2021-02-30"  # no such day: date-invalid says so, the figures check does not guess one
    assert [p.rule for p in run_checks(again, template) if p.path in ("as_of", "sections[0].text")] == ["date-invalid"]


def test_find_and_replace_in_a_report_leaves_its_task_ids(template):
    """替换 “1” would have renamed the rows' task ids (t1, t10…): the annex lost its tasks
    (report-tasks) and every refresh looked stale."""
    from desktop.search import occurrences, replace_all

    report = new_report(_plan(), template, signer="张三", as_of=dt.date(2020, 12, 20))
    assert occurrences(report, "t1") == []
    before = [r.task_id for r in report.rows]
    n = replace_all(report, "1", "一")
    assert n > 0 and "截至2020年12月20日" not in report.sections[0].text  # the text did change
    assert [r.task_id for r in report.rows] == before == ["t1", "t2", "t3", "t4", "t5", "t6"]
    assert [p for p in run_checks(report, template) if p.rule == "report-tasks"] == []


@pytest.mark.parametrize("command", ["new", "refresh"])
def test_an_impossible_cut_off_date_names_its_option(plan_file, tmp_path, command):
    path = _report(plan_file, tmp_path) if command == "refresh" else tmp_path / "新报告.report.json"
    before = path.read_bytes() if path.exists() else None
    args = [str(plan_file), "-o", str(path)] if command == "new" else [str(path)]
    proc = subprocess.run(CLI + ["report", command, *args, "--as-of", "2020-02-30"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--as-of 的值“2020-02-30”不是有效日期" in proc.stderr and "--today" not in proc.stderr
    assert (path.read_bytes() if path.exists() else None) == before


def test_report_commands_honour_the_window_lock(plan_file, tmp_path, capsys):
    """report refresh and report units rewrite the report in place: like ledger import, they
    refuse while a window has it open (its next save would lose what they wrote)."""
    from desktop.cli import main as cli
    from desktop.recovery import DraftLock, read_lock

    path = _report(plan_file, tmp_path)
    plan = load_record(plan_file)
    plan.progress["t4"] = Progress("进行中", 10, "已启动。")
    save_draft(plan, plan_file)
    window = DraftLock(path)  # what an open window holds
    assert window.acquire()
    before = path.read_bytes()
    assert cli(["report", "refresh", str(path)]) == 2
    err = capsys.readouterr().err
    assert "正被" in err and path.name in err and "--force" in err
    assert cli(["report", "units", str(path), str(tmp_path / "全市汇总.xlsx")]) == 2
    assert "正被" in capsys.readouterr().err and path.read_bytes() == before
    assert cli(["report", "refresh", str(path), "--force"]) == 0
    assert load_record(path).rows[3].summary == "已启动。"
    assert read_lock(path).token == window.holder.token  # the window's lock is left alone
    window.release()


def test_the_plan_a_report_names_must_be_a_plan_file_and_the_same_plan(plan_file, tmp_path):
    """--plan pointing at a folder or a device was answered "找不到方案，请用 --plan 指定";
    a report drafted from a plan without an id (an unsaved example) took any plan put at its path."""
    from desktop.errors import DesktopError
    from desktop.kinds.report.source import find_plan, stale_against_plan

    path = _report(plan_file, tmp_path)
    report = load_record(path)
    for chosen, why in ((tmp_path, "文件夹"), (Path("/dev/null"), "不是普通文件")):
        with pytest.raises(DesktopError, match=why) as caught:
            find_plan(report, path, chosen)
        assert chosen.name in str(caught.value)
    report.source.plan_id = ""  # drafted before the plan had its id
    assert find_plan(report, path)[1] == plan_file  # the same plan, by its title
    other = make_draft(3, 1)
    other.id = ""
    other.plan.title = "佛山市2021年争做中国好网民工程实施方案"  # next year's, saved over the old file
    save_draft(other, plan_file)
    with pytest.raises(DesktopError, match="不是起草本报告所依据的方案"):
        find_plan(report, path)
    assert stale_against_plan(report, path) is None  # nothing to compare with: no warning that says refresh


def test_refreshing_a_report_records_its_plans_id(template):
    plan = _plan()
    plan.id = ""
    report = new_report(plan, template, signer="张三")
    assert report.source.plan_id == ""
    plan.id = "00000000000000aa"  # the plan got its id when it was saved
    assert refreshed(report, plan, template).source.plan_id == "00000000000000aa"


@pytest.mark.parametrize("where, why", [("folder", "这是一个文件夹"), ("/dev/zero", "不是普通文件"),
                                        ("missing.xlsx", "不存在")])
def test_a_merged_ledger_that_is_no_file_is_named(tmp_path, template, where, why):
    from desktop.errors import DesktopError
    from desktop.kinds.report.units import units_of

    path = Path(where) if where.startswith("/") else tmp_path / where
    if where == "folder":
        path.mkdir()
    with pytest.raises(DesktopError) as caught:
        units_of(path, template)
    assert why in str(caught.value) and str(path) in str(caught.value)


def test_a_task_with_no_progress_is_a_prompt_the_checks_ask_about(template):
    """团结培育青年好网民 (t5) has no progress: the draft said 进展情况待补充。, which no check
    asked about, so a report could go out saying it."""
    report = new_report(_plan(), template, signer="张三", as_of=dt.date(2020, 12, 20))
    practice = report.sections[1].text
    assert "二是团结培育青年好网民。" in practice and "待补充" not in practice
    said = practice.split("二是团结培育青年好网民。", 1)[1]
    assert said.startswith("（此处填写")
    found = [p for p in run_checks(report, template) if p.rule == "placeholder" and p.path == "sections[1].text"]
    assert len(found) == 1 and "此处填写" in found[0].message
    report.sections[1].text = practice.replace(said[:said.index("）") + 1], "已组建青年网络文明志愿者队伍。")
    assert [p for p in run_checks(report, template) if p.path == "sections[1].text"] == []


@pytest.mark.parametrize("as_of, date, words", [
    ("2020-12-31", "2020-12-20", "晚于成文日期（2020年12月20日）"),
    ("2019-06-30", "2020-12-20", "早于报告所说的 2020 年"),
])
def test_a_cut_off_date_outside_the_reports_time_is_flagged(template, as_of, date, words):
    report = new_report(_plan(), template, signer="张三", as_of=dt.date(2020, 12, 20))
    report.date = date
    assert [p for p in run_checks(report, template) if p.rule == "report-as-of"] == []
    report.as_of = as_of
    found = [p for p in run_checks(report, template) if p.rule == "report-as-of"]
    assert [(p.path, p.severity) for p in found] == [("as_of", "warning")] and words in found[0].message
