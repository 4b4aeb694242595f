"""The mistakes clerks make and the command line as they use it (issue: everyday use).

Each check is shown to fire on a defective draft at the right place and to stay
quiet on the correct form; the command line speaks Chinese, ends quietly on a
closed pipe, and runs the README's examples in an empty folder.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.checks import apply_fix, run_checks
from desktop.drafting import OfficeDefaults, new_draft
from desktop.export import ExportOptions, export_one
from desktop.search import occurrences, replace_all
from desktop.storage import draft_to_bytes, load_draft, parse_draft_bytes
from tests.conftest import ROOT

CLI = [sys.executable, "-m", "desktop"]


def _problems(draft, template, rule, **kw):
    return [p for p in run_checks(draft, template, **kw) if p.rule == rule]


# --- checks --------------------------------------------------------------------------
def test_template_placeholders_are_errors(template):
    d = new_draft(template, OfficeDefaults(issuers=["中共某某区委网信办"]))  # no city set: "××市" stays
    assert "××" in d.plan.title
    found = _problems(d, template, "placeholder")
    assert {p.path for p in found} >= {"plan.title", "notice.body"}
    assert all(p.severity == "error" and "××" in p.message for p in found)
    from desktop.model import Activity, Task, TaskGroup

    d.plan.task_groups = [TaskGroup(title="强化网络素养教育", tasks=[Task(id="t1", title="开展活动")])]
    d.plan.task_groups[0].tasks[0].lead = "XX局"
    d.activities.append(Activity(id="a1", name="（此处填写活动名称）"))
    paths = {p.path for p in _problems(d, template, "placeholder")}
    assert "plan.task_groups[0].tasks[0].lead" in paths and "activities[0].name" in paths
    d.notice.issuers = ["××市委网信办"]
    assert "notice.issuers" in {p.path for p in _problems(d, template, "placeholder")}


def test_placeholders_quiet_on_real_text(example_draft, template):
    assert not _problems(example_draft, template, "placeholder")
    example_draft.notice.note = "联系人：张敏，电话：0757-83031234，网址 www.example.gov.cn/xxgk"  # xxgk is a word
    assert not _problems(example_draft, template, "placeholder")


def test_a_pasted_list_becomes_entries(example_draft, template):
    example_draft.notice.issuers = ["中共佛山市委网络安全和信息化委员会办公室\r\n佛山市教育局\n佛山市总工会"]
    [p] = _problems(example_draft, template, "list-multiline")
    assert p.path == "notice.issuers" and p.severity == "error"
    assert apply_fix(example_draft, p)
    assert example_draft.notice.issuers == ["中共佛山市委网络安全和信息化委员会办公室", "佛山市教育局", "佛山市总工会"]
    assert not _problems(example_draft, template, "list-multiline")


@pytest.mark.parametrize("text,fixed", [
    ("请结合实际认真组织实施.", "请结合实际认真组织实施。"),
    ("组织实施.实施过程中", "组织实施。实施过程中"),
])
def test_half_width_full_stop_is_fixed(example_draft, template, text, fixed):
    example_draft.notice.body = text
    [p] = [p for p in _problems(example_draft, template, "punctuation-halfwidth") if p.path == "notice.body"]
    assert p.fix == fixed


@pytest.mark.parametrize("text", ["1.开展主题活动", "依托提升工程2.0开展培训", "登录www.gd.gov.cn查看", "H5.0页面"])
def test_full_stops_that_belong_stay(example_draft, template, text):
    example_draft.plan.goals = text
    assert not [p for p in _problems(example_draft, template, "punctuation-halfwidth") if p.path == "plan.goals"]


def test_notice_body_quoting_an_old_title(example_draft, template):
    example_draft.plan.title = "佛山市2020年好网民工程实施方案"
    [p] = _problems(example_draft, template, "body-title-mismatch")
    assert p.path == "notice.body" and "《佛山市2020年争做中国好网民工程实施方案》" in p.message
    assert "《佛山市2020年好网民工程实施方案》" in p.fix
    example_draft.notice.body = "根据《网络安全法》，现将《佛山市2020年好网民工程实施方案》印发给你们。"
    assert not _problems(example_draft, template, "body-title-mismatch")  # other documents may be cited


@pytest.mark.parametrize("note,bad", [
    ("联系人：张敏，电话：12345", "12345"),
    ("联系人：张敏，电话：0757-831", "0757-831"),
    ("联系人：张敏，手机：1380013800", "1380013800"),
])
def test_phone_numbers_that_are_not(example_draft, template, note, bad):
    example_draft.notice.note = note
    [p] = _problems(example_draft, template, "phone-invalid")
    assert p.path == "notice.note" and bad in p.message


@pytest.mark.parametrize("note", ["联系人：张敏，电话：0757-83031234", "联系人：张敏，电话：13800138000",
                                  "联系人：张敏，电话：020-83031234"])
def test_phone_numbers_that_are(example_draft, template, note):
    example_draft.notice.note = note
    assert not _problems(example_draft, template, "phone-invalid")


def test_an_exemption_needs_a_reason(template):
    d = new_draft(template, OfficeDefaults(city="南海区"))
    unanswered = next(p.upstream_task for p in _problems(d, template, "task-coverage"))
    for reason in ("N/A", "无", "不适用", "n.a."):
        d.plan.upstream_exemptions = {str(unanswered): reason}
        [p] = [p for p in _problems(d, template, "exemption-short") if p.upstream_task == unanswered]
        assert p.path == "plan.upstream_exemptions" and p.severity == "error" and reason in p.message
    d.plan.upstream_exemptions = {str(unanswered): "我区无人民银行分支机构，由市级统筹"}
    assert not _problems(d, template, "exemption-short")
    assert unanswered not in {p.upstream_task for p in _problems(d, template, "task-coverage")}


# --- the 截至日期 ----------------------------------------------------------------------
def test_overdue_by_the_drafts_as_of_date(example_draft, template):
    late = [p for p in _problems(example_draft, template, "overdue", today=dt.date(2020, 12, 31))]
    assert late
    example_draft.as_of = "2020-07-01"
    assert not _problems(example_draft, template, "overdue")  # nothing due before July
    assert _problems(example_draft, template, "overdue", today=dt.date(2020, 12, 31))  # --today overrides
    example_draft.as_of = "2020-13-01"
    assert any(p.path == "as_of" for p in _problems(example_draft, template, "date-invalid"))


def test_as_of_round_trips_and_is_optional(example_draft, tmp_path):
    from desktop.storage import save_draft

    assert "as_of" not in example_draft.to_dict()
    example_draft.as_of = "2020-07-01"
    save_draft(example_draft, tmp_path / "a.plan.json", backup=False)
    assert json.loads((tmp_path / "a.plan.json").read_text(encoding="utf-8"))["as_of"] == "2020-07-01"
    assert load_draft(tmp_path / "a.plan.json").as_of == "2020-07-01"


def test_ledger_writes_the_as_of_date_never_the_pc_clock(example_draft, template, tmp_path):
    def remarks(path):
        ws = openpyxl.load_workbook(path)["进度台账"]
        return " ".join(str(c.value or "") for row in ws.iter_rows() for c in row)

    export_one(example_draft, template, "xlsx", tmp_path / "a.xlsx")
    assert "已逾期" not in remarks(tmp_path / "a.xlsx")  # Excel shows overdue by its own TODAY()
    example_draft.as_of = "2020-12-20"
    export_one(example_draft, template, "xlsx", tmp_path / "b.xlsx")
    text = remarks(tmp_path / "b.xlsx")
    assert "截至日期：2020年12月20日" in text and "截至2020年12月20日已逾期" in text
    export_one(example_draft, template, "xlsx", tmp_path / "c.xlsx", ExportOptions(today=dt.date(2020, 12, 31)))
    assert "截至2020年12月31日已逾期" in remarks(tmp_path / "c.xlsx")


# --- dates as people write them ------------------------------------------------------------
@pytest.mark.parametrize("text,iso", [("2020年6月1日", "2020-06-01"), ("2020/11/30", "2020-11-30"),
                                      ("2020.6.1", "2020-06-01"), ("2020-6-1", "2020-06-01"),
                                      ("20200601", "2020-06-01"), ("2020年2月30日", None), ("六月一日", None)])
def test_dates_as_people_write_them(text, iso):
    from desktop import official

    assert official.iso_date_from_text(text) == iso


# --- find and replace ----------------------------------------------------------------------
def test_replace_everywhere_counts(example_draft):
    d = copy.deepcopy(example_draft)
    d.plan.goals += "我市要做好。"
    d.notice.issuers.append("我市某局")
    before = sum(n for _, n in occurrences(d, "我市"))
    assert before >= 3
    assert replace_all(d, "我市", "我区") == before
    assert not occurrences(d, "我市") and "我区某局" in d.notice.issuers
    assert d.plan.task_groups[0].tasks[0].id == example_draft.plan.task_groups[0].tasks[0].id  # ids untouched


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=6), min_size=1, max_size=4,
                     unique=True))
def test_replace_reaches_every_exemption_whatever_its_key(example_draft, keys):
    """Map keys are not parsed out of a path: "", "2]", "1.x", "a[0]" are written back
    where they were, nothing else is touched, and the saved draft opens again."""
    d = copy.deepcopy(example_draft)
    d.plan.upstream_exemptions = {k: f"本市无此项工作{i}" for i, k in enumerate(keys)}
    assert replace_all(d, "本市", "本区") == len(keys)
    assert d.plan.upstream_exemptions == {k: f"本区无此项工作{i}" for i, k in enumerate(keys)}
    again = parse_draft_bytes(draft_to_bytes(d), "替换后.plan.json")
    assert again.plan.upstream_exemptions == d.plan.upstream_exemptions


# --- files colleagues send, plain messages ----------------------------------------------------
def test_a_utf16_draft_opens(example_path):
    data = example_path.read_text(encoding="utf-8").encode("utf-16")
    assert parse_draft_bytes(data, "甲.plan.json").plan.title


def test_the_lock_file_opened_as_a_draft(tmp_path):
    lock = tmp_path / "~$方案.plan.json"
    lock.write_text(json.dumps({"user": "王五", "host": "PC-1", "pid": 42, "time": "2020-05-12 09:00:00"}),
                    encoding="utf-8")
    proc = subprocess.run(CLI + ["check", str(lock)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "锁定文件" in proc.stderr and "王五" in proc.stderr
    assert not re.search(r"format|JSON|\{|\}", proc.stderr)


def test_os_errors_in_chinese():
    import errno

    from desktop.storage import os_reason

    for code in (errno.ENAMETOOLONG, errno.ENOSPC, errno.EACCES, errno.EIO, 9999):
        reason = os_reason(OSError(code, "File name too long"))
        assert re.search(r"[\u4e00-\u9fff]", reason) and "File" not in reason


# --- the command line ------------------------------------------------------------------------
@pytest.mark.parametrize("args,words", [(["chek"], "没有“chek”这一项"), (["check"], "缺少必需的参数"),
                                        (["export", "x.plan.json", "--bogus"], "无法识别的参数")])
def test_usage_errors_in_chinese(args, words):
    proc = subprocess.run(CLI + args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and words in proc.stderr and "用法：" in proc.stderr
    assert not re.search(r"usage:|invalid choice|required|unrecognized", proc.stderr)


def test_a_closed_pipe_ends_quietly(example_path):
    proc = subprocess.Popen(CLI + ["check", str(example_path)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read()
    proc.stderr.close()
    proc.wait(timeout=60)
    assert "意外错误" not in err and "Traceback" not in err and "BrokenPipe" not in err
    assert proc.returncode in (0, 1, 141)


def test_a_too_long_path_is_a_message(example_path, tmp_path):
    proc = subprocess.run(CLI + ["export", str(example_path), "--docx", "--out", str(tmp_path / ("长" * 200))],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "太长" in proc.stderr and "意外错误" not in proc.stderr
    assert "Traceback" not in proc.stderr and "File name too long" not in proc.stderr


def test_a_long_draft_name_gives_shortened_outputs(example_path, tmp_path):
    long = tmp_path / ("很长的文件名" * 13 + ".plan.json")  # 78 characters, 244 bytes
    long.write_bytes(example_path.read_bytes())
    out = tmp_path / "out"
    proc = subprocess.run(CLI + ["export", str(long), "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "已缩短" in proc.stdout
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 3 and all(len(n.encode("utf-8")) <= 255 for n in names)
    assert names[0].startswith("很长的文件名")


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## 命令行一览", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines()
            if line.strip().startswith("python -m desktop")]


def test_readme_command_line_examples_run_in_an_empty_folder(tmp_path):
    import shlex

    commands = _readme_commands()
    assert len(commands) >= 6
    for command in commands:
        args = shlex.split(command)[3:]  # after "python -m desktop"
        proc = subprocess.run(CLI + args, cwd=tmp_path, capture_output=True, text=True, timeout=240,
                              env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
        allowed = (0, 1) if args and args[0] == "check" else (0,)  # a new plan still has problems to fix
        assert proc.returncode in allowed, (command, proc.stdout[-500:], proc.stderr[-500:])
        assert "Traceback" not in proc.stderr
    assert (tmp_path / "导出" / "示例.docx").is_file() and (tmp_path / "全市汇总.xlsx").is_file()
    assert Path(tmp_path / "更新后.plan.json").is_file()
