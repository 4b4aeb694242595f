"""Folders as offices really send them (issue 28): copies of one ledger each filled in by
another colleague, conflicting edits, an untouched copy, last year's ledger of the same
office, two districts that kept the generic issuer, old ledgers without the exported
values, and the summary merged again into last week's."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from desktop.export import ExportOptions, export_one
from desktop.ledger.common import BASELINE_SHEET
from desktop.ledger.merge import COMBINED_SHEET, OFFICES_SHEET, SKIPPED_SHEET, merge_ledgers, plan_merge, write_merge
from desktop.model import Progress
from desktop.sample import make_draft

TODAY = dt.date(2020, 10, 1)
ROOT = Path(__file__).resolve().parent.parent
TITLE_2020 = "佛山市2020年争做中国好网民工程实施方案"


def draft(office: str, seed: int, title: str = TITLE_2020, draft_id: str = "c1c1c1c1c1c1c1c1"):
    d = make_draft(tasks=6, activities=2, seed=seed)
    d.id, d.notice.issuers, d.plan.title = draft_id, [office], title
    d.progress.clear()
    d.progress["t4"] = Progress(status="进行中", percent=50, summary="导出前已填")
    return d


def export(d, template, path: Path) -> Path:
    return export_one(d, template, "xlsx", path, ExportOptions(today=TODAY)).path


def edit(path: Path, changes: dict[str, dict[str, object]]) -> None:
    """Type into the rows of ``path`` by item id, column title -> value, as a colleague would."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    head = {c.value: c.column for c in ws[3]}
    for r in range(4, ws.max_row + 1):
        for title, value in changes.get(ws.cell(r, head["编号（请勿修改）"]).value, {}).items():
            ws.cell(r, head[title]).value = value
    wb.save(path)


def rows_of(out: Path) -> dict[tuple[str, str], dict[str, object]]:
    """The merged sheet as (unit, item id) -> column title -> value."""
    ws = openpyxl.load_workbook(out)[COMBINED_SHEET]
    head = [c.value for c in ws[1]]
    out_rows = {}
    for values in ws.iter_rows(min_row=2, values_only=True):
        row = dict(zip(head, values, strict=True))
        out_rows[(row["单位"], row["编号（请勿修改）"])] = row
    return out_rows


@pytest.fixture
def copies(template, tmp_path):
    """佛山's ledger exported once, copied to four colleagues; three fill in their own rows."""
    folder = tmp_path / "报送"
    folder.mkdir()
    base = export(draft("佛山市委网信办", 1), template, tmp_path / "导出.xlsx")
    names = {}
    for who in ("张三", "李四", "王五", "赵六"):
        names[who] = folder / f"佛山市-{who}.xlsx"
        shutil.copy(base, names[who])
    edit(names["张三"], {"t1": {"状态": "进行中", "完成率（%）": 40, "进展情况": "张三：已部署"},
                        "t2": {"状态": "已完成", "完成率（%）": 100}})
    edit(names["李四"], {"t3": {"状态": "进行中", "完成率（%）": 20, "佐证材料": "李四的照片"}})
    edit(names["王五"], {"a1": {"进展情况": "王五：活动已举办"}})
    return folder, names


def test_every_colleagues_edit_arrives_once(copies, template, tmp_path):
    folder, names = copies
    out = tmp_path / "汇总.xlsx"
    report = merge_ledgers([folder], out, template=template, today=TODAY)
    assert report.written and not report.conflicts and not report.skipped
    assert [(o.office, o.items) for o in report.offices] == [("佛山市委网信办", 8)]
    rows = rows_of(out)
    assert len(rows) == 8
    t1, t2, t3, t4, a1 = (rows[("佛山市委网信办", k)] for k in ("t1", "t2", "t3", "t4", "a1"))
    assert (t1["状态"], t1["完成率（%）"], t1["进展情况"]) == ("进行中", 40, "张三：已部署")
    assert (t2["状态"], t2["完成率（%）"]) == ("已完成", 100)
    assert (t3["状态"], t3["完成率（%）"], t3["佐证材料"]) == ("进行中", 20, "李四的照片")
    assert a1["进展情况"] == "王五：活动已举办"
    assert (t4["状态"], t4["完成率（%）"], t4["进展情况"]) == ("进行中", 50, "导出前已填")  # nobody changed it
    remarks = {i.path.name: i.reason for i in report.remarks}
    assert "采用了其中 2 行的修改" in remarks["佛山市-张三.xlsx"]
    assert "采用了其中 1 行的修改" in remarks["佛山市-李四.xlsx"]
    assert "本文件与导出时相同，没有修改" in remarks["佛山市-赵六.xlsx"]
    d = draft("佛山市委网信办", 1)
    late = sum(1 for _, t in d.plan.tasks() if dt.date.fromisoformat(t.deadline) < TODAY and t.id != "t2")
    ws = openpyxl.load_workbook(out)[OFFICES_SHEET]
    assert list(ws.iter_rows(min_row=2, max_row=2, max_col=5, values_only=True))[0] == (
        "佛山市委网信办", 8, 1, late, 26.2)  # (40 + 100 + 20 + 50) / 8, one decimal


def test_an_edited_copy_wins_over_an_untouched_newer_file(copies, template, tmp_path):
    """Same export date: the untouched copy saved later must not win, and the reason says why."""
    folder, names = copies
    for who in ("李四", "王五"):
        names[who].unlink()
    later = names["赵六"].stat().st_mtime + 3600
    os.utime(names["赵六"], (later, later))  # the untouched copy is the newer file
    out = tmp_path / "汇总.xlsx"
    report = merge_ledgers([folder], out, template=template, today=TODAY)
    t1 = rows_of(out)[("佛山市委网信办", "t1")]
    assert (t1["状态"], t1["完成率（%）"]) == ("进行中", 40)
    text = "\n".join(report.lines())
    assert "较新" not in text and "导出日期" not in text  # no reason from file times
    assert "本文件与导出时相同，没有修改" in text and "采用了其中 2 行的修改" in text


def test_conflicting_edits_are_listed_with_both_values_and_settled_only_on_request(copies, template, tmp_path,
                                                                                   capsys):
    from desktop.cli import main

    folder, names = copies
    edit(names["王五"], {"t1": {"状态": "延期", "完成率（%）": 10, "更新日期": "2020-09-25"}})
    out = tmp_path / "汇总.xlsx"
    assert main(["ledger", "merge", str(folder), "-o", str(out), "--today", "2020-10-01"]) == 1
    captured = capsys.readouterr()
    assert "2 处冲突没有处理" in captured.out and "--prefer" in captured.err
    assert "“佛山市-张三.xlsx”第 4 行为“进行中”，“佛山市-王五.xlsx”第 4 行为“延期”" in captured.out
    t1 = rows_of(out)[("佛山市委网信办", "t1")]
    assert t1["状态"] is None and t1["完成率（%）"] is None  # as exported: nobody's value chosen silently
    assert "冲突未决" in t1["备注"]
    assert t1["进展情况"] == "张三：已部署" and t1["更新日期"] == "2020-09-25"  # the edits that do not clash
    listed = [r for r in openpyxl.load_workbook(out)[SKIPPED_SHEET].iter_rows(min_row=2, values_only=True)
              if r[1].startswith("冲突")]
    assert len(listed) == 2 and all("进行中" in r[1] or "40" in r[1] for r in listed)
    assert all(r[2].startswith("冲突未处理") and "张三" in r[0] and "王五" in r[0] for r in listed)

    assert main(["ledger", "merge", str(folder), "-o", str(out), "--today", "2020-10-01",
                 "--prefer", "newest-edit"]) == 0
    captured = capsys.readouterr()
    assert "该行更新日期 2020-09-25 最晚" in captured.out and "“佛山市-王五.xlsx”" in captured.out
    t1 = rows_of(out)[("佛山市委网信办", "t1")]
    assert (t1["状态"], t1["完成率（%）"]) == ("延期", 10)
    assert (tmp_path / "汇总.xlsx.bak").is_file()  # last run's summary is kept

    assert main(["ledger", "merge", str(folder), "-o", str(out), "--today", "2020-10-01",
                 "--prefer", "file", "佛山市-张三.xlsx"]) == 0
    said = capsys.readouterr().out
    assert said.index("本次合并与它相比") < said.index("已合并") and "上次的汇总已保留为" in said
    assert "与上次的汇总相比" not in said  # said once, before
    t1 = rows_of(out)[("佛山市委网信办", "t1")]
    assert (t1["状态"], t1["完成率（%）"]) == ("进行中", 40)
    assert main(["ledger", "merge", str(folder), "-o", str(out), "--prefer", "oldest"]) == 2


def test_last_years_ledger_of_the_same_office_is_another_plan(copies, template, tmp_path):
    folder, _ = copies
    last = draft("佛山市委网信办", 2, "佛山市2019年争做中国好网民工程实施方案", "d2d2d2d2d2d2d2d2")
    export(last, template, folder / "佛山市-2019.xlsx")
    with_plan = merge_ledgers([folder], tmp_path / "本年.xlsx", template=template, today=TODAY)
    assert [(o.office, o.items) for o in with_plan.offices] == [("佛山市委网信办", 8)]  # not 16
    reason = {i.path.name: i.reason for i in with_plan.skipped}["佛山市-2019.xlsx"]
    assert "另一份方案（2019年《佛山市2019年争做中国好网民工程实施方案》）" in reason and "不计入本次2020年" in reason
    blocks = merge_ledgers([folder], tmp_path / "各年.xlsx", today=TODAY)
    assert sorted((o.office, o.plan, o.items) for o in blocks.offices) == [
        ("佛山市委网信办", "2019年方案", 8), ("佛山市委网信办", "2020年方案", 8)]
    head = [c.value for c in openpyxl.load_workbook(tmp_path / "各年.xlsx")[COMBINED_SHEET][1]]
    assert head[:2] == ["单位", "所属方案"]
    totals = [r for r in openpyxl.load_workbook(tmp_path / "各年.xlsx")[OFFICES_SHEET].iter_rows(values_only=True)
              if str(r[0]).startswith("合计")]
    assert [(r[0], r[2]) for r in totals] == [("合计（2020年方案）", 8), ("合计（2019年方案）", 8)]


def test_two_districts_with_the_generic_issuer_stay_apart_and_are_flagged(template, tmp_path):
    folder = tmp_path / "各区"
    folder.mkdir()
    for i, place in enumerate(("禅城区", "南海区")):
        d = draft("区委网信办", 10 + i, f"{place}2020年争做中国好网民工程实施方案", f"e{i}" * 8)
        export(d, template, folder / f"{place}.xlsx")
    report = merge_ledgers([folder], tmp_path / "汇总.xlsx", template=template, today=TODAY)
    assert sorted(o.office for o in report.offices) == ["区委网信办（南海区）", "区委网信办（禅城区）"]
    assert all(o.items == 8 for o in report.offices)
    flagged = {i.path.name: i.reason for i in report.remarks}
    assert set(flagged) == {"禅城区.xlsx", "南海区.xlsx"}
    assert all("同名单位“区委网信办”" in r and "分开统计" in r for r in flagged.values())


def test_swapped_key_cells_are_not_combined(copies, template, tmp_path):
    """A colleague moved the hidden ids between two rows: neither row's values land on the other task."""
    folder, names = copies
    wb = openpyxl.load_workbook(names["李四"])
    ws = wb.worksheets[0]
    head = {c.value: c.column for c in ws[3]}
    key = head["编号（请勿修改）"]
    rows = {ws.cell(r, key).value: r for r in range(4, ws.max_row + 1)}
    ws.cell(rows["t3"], key).value, ws.cell(rows["t5"], key).value = "t5", "t3"
    wb.save(names["李四"])
    out = tmp_path / "汇总.xlsx"
    report = merge_ledgers([folder], out, template=template, today=TODAY)
    refused = [i.reason for i in report.remarks if i.row_refused and i.path.name == "佛山市-李四.xlsx"]
    assert len(refused) == 2 and all("编号与名称不一致" in r and "导出时是" in r for r in refused)
    t3, t5 = (rows_of(out)[("佛山市委网信办", k)] for k in ("t3", "t5"))
    assert t3["状态"] is None and t5["状态"] is None  # 李四's row is refused, not given to the other task


def test_copies_exported_by_the_previous_version_fall_back_and_say_so(copies, template, tmp_path):
    """Ledgers exported before the exported values were kept: a value filled in one copy and empty
    in the others is taken, any other difference is a conflict, and the remarks say which rule."""
    folder, names = copies
    for path in names.values():
        wb = openpyxl.load_workbook(path)
        del wb[BASELINE_SHEET]
        wb.save(path)
    edit(names["赵六"], {"t4": {"状态": "已完成", "完成率（%）": 100}})
    report = merge_ledgers([folder], tmp_path / "汇总.xlsx", template=template, today=TODAY)
    rows = rows_of(tmp_path / "汇总.xlsx")
    assert rows[("佛山市委网信办", "t1")]["进展情况"] == "张三：已部署"
    assert rows[("佛山市委网信办", "a1")]["进展情况"] == "王五：活动已举办"
    text = "\n".join(report.lines())
    assert "由旧版本导出，没有记下导出时的内容" in text and "按“填写了内容的一份”合并" in text
    clash = {c.label for c in report.conflicts}
    assert clash == {"状态", "完成率（%）"}  # t4: 进行中/50 in three copies, 已完成/100 in one: cannot tell
    assert all(c.key == "t4" and "旧版本导出" in c.reason for c in report.conflicts)


def test_merging_into_last_weeks_summary_shows_the_change_first_and_keeps_it(copies, template, tmp_path):
    folder, names = copies
    out = tmp_path / "汇总.xlsx"
    merge_ledgers([folder], out, template=template, today=TODAY)
    week1 = out.read_bytes()
    edit(names["李四"], {"t5": {"状态": "已完成", "完成率（%）": 100}})
    plan = plan_merge([folder], template=template, today=TODAY, out=out)
    changes = plan.compare(out)
    assert "佛山市委网信办：已完成 1 → 2，平均完成率 26.2 → 38.8" in changes
    assert "共 1 行内容有变化，0 行是新增的" in changes
    assert out.read_bytes() == week1  # nothing written yet
    report = write_merge(plan, out)
    assert report.backup == tmp_path / "汇总.xlsx.bak" and report.backup.read_bytes() == week1
    assert rows_of(out)[("佛山市委网信办", "t5")]["状态"] == "已完成"


def test_pipes_and_devices_in_the_folder_are_listed_never_opened(copies, template, tmp_path):
    """Issue 24.4: a FIFO or a link to /dev/zero named .xlsx used to hang the merge."""
    folder, _ = copies
    os.mkfifo(folder / "管道.xlsx")
    (folder / "零.xlsx").symlink_to("/dev/zero")
    code = ("import sys, datetime as dt; from desktop.ledger.merge import merge_ledgers;"
            f"r = merge_ledgers([{str(folder)!r}], {str(tmp_path / 'm.xlsx')!r}, today=dt.date(2020, 10, 1));"
            "print('\\n'.join(r.lines()))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "管道.xlsx”：这不是普通文件" in done.stdout and "零.xlsx”：这不是普通文件" in done.stdout
    assert "已合并 4 个台账" in done.stdout
    template_pipe = tmp_path / "模板.json"
    os.mkfifo(template_pipe)
    done = subprocess.run([sys.executable, "-m", "desktop", "ledger", "merge", str(folder), "-o",
                           str(tmp_path / "n.xlsx"), "--template", str(template_pipe)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "不是普通文件" in done.stderr


def test_import_refuses_a_row_whose_id_and_name_disagree(template, tmp_path):
    """Issue 24.2: key cells swapped between two rows must not move progress between tasks."""
    from desktop.ledger.importing import apply_import, plan_import

    d = draft("佛山市委网信办", 3)
    path = export(d, template, tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    head = {c.value: c.column for c in ws[3]}
    key = head["编号（请勿修改）"]
    rows = {ws.cell(r, key).value: r for r in range(4, ws.max_row + 1)}
    ws.cell(rows["t1"], key).value, ws.cell(rows["t2"], key).value = "t2", "t1"
    ws.cell(rows["t1"], head["状态"]).value = "已完成"
    ws.cell(rows["t1"], head["完成率（%）"]).value = 100
    ws.cell(rows["t3"], head["完成率（%）"]).value = 30
    wb.save(path)
    t1, t2 = d.find_item("t1"), d.find_item("t2")
    plan = plan_import(d, template, path)
    messages = [r.message for r in plan.rejections]
    assert len(messages) == 2
    first = next(m for m in messages if f"第 {rows['t1']} 行" in m)
    assert f"编号“t2”对应的是“{t2.title[:24]}" in first and f"本行名称却是“{t1.title[:24]}" in first
    assert "草稿中叫这个名称的是编号“t1”" in first
    assert [c.item_id for c in plan.changes] == ["t3"]
    apply_import(d, plan)
    assert "t1" not in d.progress and "t2" not in d.progress and d.progress["t3"].percent == 30


def test_import_keeps_what_the_clerk_changed_after_the_export(template, tmp_path):
    """A value the colleague left alone does not undo the clerk's later change in the draft."""
    from desktop.ledger.importing import apply_import, plan_import

    d = draft("佛山市委网信办", 4)
    path = export(d, template, tmp_path / "l.xlsx")
    d.progress["t4"] = Progress(status="已完成", percent=100, summary="窗口中后来改的")
    edit(path, {"t1": {"状态": "进行中"}})
    plan = plan_import(d, template, path)
    assert [c.item_id for c in plan.changes] == ["t1"]
    assert any("在台账中没有改动" in n and "保留草稿中现在的内容" in n for n in plan.notes)
    apply_import(d, plan)
    assert (d.progress["t4"].status, d.progress["t4"].summary) == ("已完成", "窗口中后来改的")
    assert d.progress["t1"].status == "进行中"


def test_a_draft_without_an_id_gets_one_when_import_saves_it_and_says_so_once(template, tmp_path, capsys):
    import json

    from desktop.cli import main
    from desktop.storage import save_draft

    d = draft("佛山市委网信办", 5, draft_id="")
    path = tmp_path / "旧草稿.plan.json"
    save_draft(d, path, backup=False)
    raw = json.loads(path.read_text(encoding="utf-8"))
    del raw["id"]  # as drafts made before ids existed
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    from desktop.storage import load_draft

    ledger = export(load_draft(path), template, tmp_path / "l.xlsx")
    edit(ledger, {"t1": {"完成率（%）": 60}})
    assert main(["ledger", "import", str(path), str(ledger)]) == 0  # no --force: title and office agree
    out = capsys.readouterr().out
    assert out.count("草稿原来没有方案编号") == 1 and "方案名称和填报单位与当前草稿一致" in out
    new_id = json.loads(path.read_text(encoding="utf-8"))["id"]
    assert len(new_id) == 16
    edit(ledger, {"t1": {"完成率（%）": 70}})
    assert main(["ledger", "import", str(path), str(ledger)]) == 0
    assert "草稿原来没有方案编号" not in capsys.readouterr().out  # once
    assert json.loads(path.read_text(encoding="utf-8"))["id"] == new_id
