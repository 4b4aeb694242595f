"""Reading an edited ledger back into the draft (``ledger import``)."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from desktop.errors import LedgerError
from desktop.export import ExportOptions, export_one
from desktop.ledger.importing import apply_import, plan_import
from desktop.model import Progress
from desktop.sample import make_draft
from desktop.storage import load_draft, save_draft

TODAY = dt.date(2020, 10, 1)
KEY_COL, NAME_COL, STATUS_COL, PCT_COL, SUMMARY_COL, EVID_COL, UPD_COL = 14, 3, 9, 10, 8, 11, 12


def export(draft, template, path: Path) -> Path:
    return export_one(draft, template, "xlsx", path, ExportOptions(today=TODAY)).path


def row_of(ws, key: str) -> int:
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, KEY_COL).value == key:
            return r
    raise KeyError(key)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def draft():
    d = make_draft(tasks=9, activities=4, seed=3)
    d.progress["t2"] = Progress(status="进行中", percent=40, summary="开展中", evidence="", updated="2020-07-01",
                                extra={"owner": "张三"})
    return d


def test_round_trip_like_a_clerk(draft, template, tmp_path):
    """Reorder rows, type 80%, set 已完成, delete one key: exactly those changes arrive."""
    path = export(draft, template, tmp_path / "台账.xlsx")
    before = copy.deepcopy(draft.to_dict()["progress"])
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    # Reorder: reverse the data rows (values only, as a sort would).
    last = ws.max_row
    grid = [[ws.cell(r, c).value for c in range(1, KEY_COL + 1)] for r in range(4, last + 1)]
    for r, values in zip(range(4, last + 1), reversed(grid)):
        for c, v in enumerate(values, 1):
            ws.cell(r, c).value = v
    ws.cell(row_of(ws, "t2"), PCT_COL).value = "80%"
    ws.cell(row_of(ws, "t4"), STATUS_COL).value = "已完成"
    ws.cell(row_of(ws, "t4"), PCT_COL).value = 100
    lost = row_of(ws, "a2")
    ws.cell(lost, KEY_COL).value = None
    ws.cell(lost, SUMMARY_COL).value = "已举办两场"
    edited = tmp_path / "台账-已填.xlsx"
    wb.save(edited)
    sha = digest(edited)

    plan = plan_import(draft, template, edited)
    assert plan.rejections == []
    assert any("编号已被删除" in n and "a2" in n for n in plan.notes)
    assert apply_import(draft, plan) == 3
    assert digest(edited) == sha  # the ledger is never modified

    expected = before
    expected["t2"]["percent"] = 80
    t4 = expected.setdefault("t4", Progress().to_dict())
    t4.update(status="已完成", percent=100)
    a2 = expected.setdefault("a2", Progress().to_dict())
    a2["summary"] = "已举办两场"
    assert draft.to_dict()["progress"] == expected
    assert draft.progress["t2"].extra == {"owner": "张三"}


@pytest.mark.parametrize("typed, number_format, want", [
    (40, "General", 40), ("40%", "General", 40), (0.4, "General", 40), (40.0, "General", 40),
    ("４０％", "General", 40), (0.8, "0%", 80), ("40.5", "General", 40.5), (None, "General", None),
])
def test_percent_as_people_type_it(draft, template, tmp_path, typed, number_format, want):
    path = export(draft, template, tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cell = ws.cell(row_of(ws, "t2"), PCT_COL)
    cell.value = typed
    cell.number_format = number_format
    wb.save(path)
    plan = plan_import(draft, template, path)
    assert plan.rejections == []
    apply_import(draft, plan)
    assert draft.progress["t2"].percent == want


@pytest.mark.parametrize("typed", [dt.datetime(2020, 7, 9), "2020-07-09", "2020/7/9", "2020年7月9日", "2020.7.9",
                                   " 2020 年 7 月 9 日 ", 44021])
def test_dates_as_dates_or_text(draft, template, tmp_path, typed):
    path = export(draft, template, tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cell = ws.cell(row_of(ws, "t2"), UPD_COL)
    cell.value = typed
    if isinstance(typed, int):
        cell.number_format = "General"
    wb.save(path)
    plan = plan_import(draft, template, path)
    assert plan.rejections == []
    apply_import(draft, plan)
    assert draft.progress["t2"].updated == "2020-07-09"


def test_rejected_rows_apply_nothing(draft, template, tmp_path):
    path = export(draft, template, tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    bad = {
        "t1": (STATUS_COL, "完成了", "状态“完成了”无效"),
        "t2": (PCT_COL, 120, "超出 0–100"),
        "t3": (PCT_COL, "一半", "不是数字"),
        "t5": (UPD_COL, "2020-02-30", "不是真实存在的日期"),
        "t6": (UPD_COL, "下周", "不是日期"),
    }
    for key, (col, value, _) in bad.items():
        r = row_of(ws, key)
        ws.cell(r, col).value = value
        ws.cell(r, SUMMARY_COL).value = "这一格本身没有问题"
    ok = row_of(ws, "t7")
    ws.cell(ok, STATUS_COL).value = "进行中"
    extra = ws.max_row + 1
    ws.cell(extra, NAME_COL).value = "草稿里没有的新任务"
    ws.cell(extra, STATUS_COL).value = "进行中"
    ws.cell(extra, KEY_COL).value = "t99"
    dup = ws.max_row + 1
    for c in range(1, KEY_COL + 1):
        ws.cell(dup, c).value = ws.cell(ok, c).value
    wb.save(path)
    before = json.dumps(draft.to_dict()["progress"], ensure_ascii=False, sort_keys=True)
    plan = plan_import(draft, template, path)
    assert json.dumps(draft.to_dict()["progress"], ensure_ascii=False, sort_keys=True) == before  # plan only
    messages = {r.row: r.message for r in plan.rejections}
    for key, (_, _, words) in bad.items():
        assert words in messages[row_of(ws, key)], messages
    assert "找不到" in messages[extra]
    assert "重复" in messages[dup]
    assert [c.item_id for c in plan.changes] == ["t7"]
    apply_import(draft, plan)
    for key in bad:
        assert draft.progress.get(key, Progress()).summary != "这一格本身没有问题"
    assert draft.progress["t7"].status == "进行中"


def test_unedited_ledger_changes_nothing_and_old_free_text_is_kept(draft, template, tmp_path):
    draft.progress["t3"] = Progress(status="进行中", updated="2020年7月上旬")  # not a date, as typed long ago
    path = export(draft, template, tmp_path / "l.xlsx")
    plan = plan_import(draft, template, path)
    assert plan.changes == [] and plan.rejections == []


def test_cli_import_writes_back_with_backup_or_to_output(draft, template, tmp_path, capsys):
    from desktop.cli import main

    draft_path = tmp_path / "方案.plan.json"
    save_draft(draft, draft_path, backup=False)
    path = export(draft, template, tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.cell(row_of(ws, "t2"), PCT_COL).value = "90%"
    ws.cell(row_of(ws, "t3"), STATUS_COL).value = "胡乱"
    wb.save(path)
    original = draft_path.read_bytes()

    out = tmp_path / "新.plan.json"
    assert main(["ledger", "import", str(draft_path), str(path), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert "完成率（%）：“40” → “90”" in captured.out
    assert "状态“胡乱”无效" in captured.err
    assert draft_path.read_bytes() == original
    assert load_draft(out).progress["t2"].percent == 90

    assert main(["ledger", "import", str(draft_path), str(path)]) == 1
    assert load_draft(draft_path).progress["t2"].percent == 90
    assert (tmp_path / "方案.plan.json.bak").read_bytes() == original


def test_ledger_of_another_plan_is_refused(draft, template, tmp_path):
    other = make_draft(tasks=3, activities=0, seed=99)
    for _, t in other.plan.tasks():
        t.id, t.title = "x" + t.id, "别的方案的任务" + t.id
    path = export(other, template, tmp_path / "other.xlsx")
    with pytest.raises(LedgerError, match="不是这份方案的台账"):
        plan_import(draft, template, path)


def test_damaged_files_give_a_clear_message(draft, template, tmp_path):
    from desktop.cli import main

    good = export(draft, template, tmp_path / "good.xlsx").read_bytes()
    cases = {
        "empty.xlsx": (b"", "空的"),
        "half.xlsx": (good[: len(good) // 2], "损坏"),
        "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "Workbook".encode("utf-16-le"), ".xls"),
        "text.xlsx": (b"hello, world", "不是 Excel"),
    }
    draft_path = tmp_path / "d.plan.json"
    save_draft(draft, draft_path, backup=False)
    saved = draft_path.read_bytes()
    for name, (data, words) in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(LedgerError, match=words):
            plan_import(draft, template, p)
        assert main(["ledger", "import", str(draft_path), str(p)]) == 2
    assert draft_path.read_bytes() == saved
    with pytest.raises(LedgerError, match="找不到"):
        plan_import(draft, template, tmp_path / "missing.xlsx")
