"""Nothing a clerk typed or tracked is lost: the ways work was lost in plain use.

Each test reproduces one way work used to be lost (colleagues' files,
ordinary mistakes, two programs at once) and checks the file on disk, byte
for byte, afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.cli import main as cli
from desktop.errors import DesktopError, LedgerError, LedgerIdentityError
from desktop.export import ExportOptions, export_all, export_one
from desktop.ledger.importing import apply_import, plan_import
from desktop.ledger.merge import merge_ledgers
from desktop.model import Progress
from desktop.recovery import DraftLock, RecoveryFile, lock_path, orphaned_entries, read_lock
from desktop.sample import make_draft
from desktop.storage import DraftChangedOnDisk, draft_to_bytes, load_draft, parse_draft_bytes, save_draft

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2020, 10, 1)
STATUS_COL, PCT_COL, SUMMARY_COL, KEY_COL = 9, 10, 8, 14


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def office(name: str, seed: int):
    d = make_draft(tasks=6, activities=2, seed=seed)
    d.notice.issuers = [name]
    return d


def ledger_of(draft, template, path: Path) -> Path:
    return export_one(draft, template, "xlsx", path, ExportOptions(today=TODAY)).path


def edit_ledger(path: Path, changes: dict[str, dict[int, object]]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for r in range(4, ws.max_row + 1):
        key = ws.cell(r, KEY_COL).value
        for col, value in changes.get(key, {}).items():
            ws.cell(r, col).value = value
    wb.save(path)


# --- a ledger knows its draft ---------------------------------------------------------


def test_city_ledger_is_refused_by_a_district_draft(template, tmp_path):
    """Every draft numbers its tasks t1, t2, …: the city's ledger would blank the district's progress."""
    city, district = office("佛山市委网信办", 1), office("南海区委网信办", 2)
    city.plan.title, district.plan.title = "佛山市2020年实施方案", "南海区2020年实施方案"
    district.progress["t1"] = Progress(status="已完成", percent=100)
    path = tmp_path / "district.plan.json"
    save_draft(district, path)
    before = sha(path)
    ledger = ledger_of(city, template, tmp_path / "市台账.xlsx")
    with pytest.raises(LedgerIdentityError) as info:
        plan_import(load_draft(path), template, ledger)
    message = str(info.value)
    assert "佛山市2020年实施方案" in message and "南海区2020年实施方案" in message
    assert "佛山市委网信办" in message and "南海区委网信办" in message
    assert not info.value.overridable
    assert cli(["ledger", "import", str(path), str(ledger)]) == 2
    assert cli(["ledger", "import", str(path), str(ledger), "--force"]) == 2  # another draft: never
    assert sha(path) == before


def test_same_draft_other_unit_needs_confirmation(template, tmp_path, capsys):
    draft = office("南海区委网信办", 3)
    path = tmp_path / "d.plan.json"
    save_draft(draft, path)
    ledger = ledger_of(draft, template, tmp_path / "l.xlsx")
    edit_ledger(ledger, {"t1": {STATUS_COL: "进行中", PCT_COL: 30}})
    renamed = load_draft(path)
    renamed.notice.issuers = ["顺德区委网信办"]
    save_draft(renamed, path)
    before = sha(path)
    with pytest.raises(LedgerIdentityError) as info:
        plan_import(load_draft(path), template, ledger)
    assert info.value.overridable and "南海区委网信办" in str(info.value) and "顺德区委网信办" in str(info.value)
    assert cli(["ledger", "import", str(path), str(ledger)]) == 2 and sha(path) == before
    assert cli(["ledger", "import", str(path), str(ledger), "--force"]) == 0
    assert load_draft(path).progress["t1"].percent == 30


def test_old_ledger_without_identity_is_checked_by_title_office_and_names(template, tmp_path, capsys):
    """An older ledger has no draft id: it is this draft's when its plan title and office are
    (every row's name is checked against its id too); when they are not, it is previewed first."""
    draft = office("南海区委网信办", 4)
    path = tmp_path / "d.plan.json"
    save_draft(draft, path)
    ledger = ledger_of(draft, template, tmp_path / "old.xlsx")
    wb = openpyxl.load_workbook(ledger)  # as an older version exported it: no identity
    lists = wb["选项"]
    for row in lists.iter_rows():
        for cell in row:
            if cell.value == "方案编号":
                lists.cell(cell.row, cell.column + 1).value = None
    wb.custom_doc_props.props = []
    wb.worksheets[0].cell(4, PCT_COL).value = 70
    wb.save(ledger)
    plan = plan_import(load_draft(path), template, ledger)
    assert not plan.needs_confirmation and len(plan.changes) == 1
    assert any("方案名称和填报单位与当前草稿一致" in n for n in plan.notes)
    assert cli(["ledger", "import", str(path), str(ledger), "--dry-run"]) == 0

    renamed = load_draft(path)  # the office's other plan: the title no longer vouches for the ledger
    renamed.plan.title = "南海区2021年争做中国好网民工程实施方案"
    save_draft(renamed, path)
    before = sha(path)
    plan = plan_import(load_draft(path), template, ledger)
    assert plan.needs_confirmation and "无法确认" in plan.identity_warning and len(plan.changes) == 1
    capsys.readouterr()
    assert cli(["ledger", "import", str(path), str(ledger)]) == 2
    out = capsys.readouterr()
    assert "完成率" in out.out and "--force" in out.err and "无法确认" in out.err
    assert sha(path) == before
    assert cli(["ledger", "import", str(path), str(ledger), "--force"]) == 0
    assert load_draft(path).progress[draft.plan.task_groups[0].tasks[0].id].percent == 70


def test_merge_result_cannot_be_imported(template, tmp_path):
    a, b = office("甲", 5), office("乙", 6)
    merged = tmp_path / "合并.xlsx"
    merge_ledgers([ledger_of(a, template, tmp_path / "a.xlsx"), ledger_of(b, template, tmp_path / "b.xlsx")],
                  merged, template=template, today=TODAY)
    with pytest.raises(LedgerIdentityError, match="合并后的汇总台账"):
        plan_import(a, template, merged)


def test_draft_identity_survives_save_and_new(tmp_path, template):
    from desktop.drafting import new_draft

    d1, d2 = new_draft(template), new_draft(template)
    assert d1.id and d2.id and d1.id != d2.id
    path = tmp_path / "x.plan.json"
    save_draft(d1, path)
    assert json.loads(path.read_text(encoding="utf-8"))["id"] == d1.id
    legacy = tmp_path / "legacy.plan.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    del raw["id"]
    legacy.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    loaded = load_draft(legacy)
    assert loaded.id == ""
    save_draft(loaded, legacy)  # the first save gives it one, and keeps it
    first = json.loads(legacy.read_text(encoding="utf-8"))["id"]
    save_draft(load_draft(legacy), legacy)
    assert first and json.loads(legacy.read_text(encoding="utf-8"))["id"] == first


# --- no output ever overwrites an input -------------------------------------------------


@pytest.mark.parametrize("name", ["方案.docx", "方案.pdf"])
def test_export_never_replaces_the_draft(example_raw, tmp_path, name, capsys):
    path = tmp_path / name
    path.write_text(json.dumps(example_raw, ensure_ascii=False), encoding="utf-8")
    before = sha(path)
    assert cli(["export", str(path), "--out", str(tmp_path)]) == 2
    assert "同一个文件" in capsys.readouterr().err
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_export_keeps_a_colleagues_file_of_the_same_name(example_path, tmp_path, capsys):
    out = tmp_path / "导出"
    out.mkdir()
    theirs = out / f"{example_path.name.removesuffix('.plan.json')}.docx"
    theirs.write_bytes(b"PK\x03\x04 a colleague's hand-edited Word file")
    before = sha(theirs)
    assert cli(["export", str(example_path), "--out", str(out)]) == 2
    assert "不是本软件导出的文件" in capsys.readouterr().err and sha(theirs) == before
    assert cli(["export", str(example_path), "--out", str(out), "--force"]) == 0
    # Our own earlier exports are simply replaced, as every re-export does.
    assert cli(["export", str(example_path), "--out", str(out)]) == 0


def test_a_long_plan_exports_again_into_the_same_folder(tmp_path, capsys):
    """Our PDF names us in its document information, which reportlab writes after the
    fonts: in a long plan that is far from the end of the file (it was looked for
    only in the last 64 KB, and the second export was refused as a colleague's file)."""
    from desktop.sample import make_draft

    path = tmp_path / "长方案.plan.json"
    save_draft(make_draft(tasks=200, activities=40, issuers=3), path)
    assert cli(["export", str(path), "--pdf", "--out", str(tmp_path)]) == 0
    pdf = tmp_path / "长方案.pdf"
    data = pdf.read_bytes()
    assert len(data) - data.rindex(b"/Keywords (plan-drafter)") > 64 * 1024  # the case that was refused
    assert cli(["export", str(path), "--pdf", "--out", str(tmp_path)]) == 0, capsys.readouterr().err
    foreign = tmp_path / "同事.pdf"
    foreign.write_bytes(data.replace(b"/Keywords (plan-drafter)", b"/Keywords (colleague   )"))
    from desktop.outputs import written_by_us

    assert written_by_us(pdf) and not written_by_us(foreign)


def test_import_output_onto_the_ledger_or_another_file(template, tmp_path, capsys):
    draft = office("甲", 7)
    path = tmp_path / "d.plan.json"
    save_draft(draft, path)
    ledger = ledger_of(draft, template, tmp_path / "l.xlsx")
    other = tmp_path / "别的方案.plan.json"
    other.write_text("{}", encoding="utf-8")
    sums = {p: sha(p) for p in (path, ledger, other)}
    assert cli(["ledger", "import", str(path), str(ledger), "-o", str(ledger)]) == 2
    assert cli(["ledger", "import", str(path), str(ledger), "-o", str(other)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert {p: sha(p) for p in sums} == sums
    assert cli(["ledger", "import", str(path), str(ledger), "-o", str(other), "--force"]) == 0
    assert load_draft(other).id == draft.id


def test_merge_output_that_is_an_input_is_refused(template, tmp_path):
    a, b = (ledger_of(office(n, s), template, tmp_path / f"{n}.xlsx") for n, s in (("甲", 8), ("乙", 9)))
    before = sha(a)
    assert cli(["ledger", "merge", str(a), str(b), "-o", str(a)]) == 2
    with pytest.raises(LedgerError, match="覆盖"):
        merge_ledgers([a, b], a, template=template)
    assert sha(a) == before
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"last week")
    assert cli(["ledger", "merge", str(a), str(b), "-o", str(out)]) == 2
    assert out.read_bytes() == b"last week"
    assert cli(["ledger", "merge", str(a), str(b), "-o", str(out), "--force", "--today", "2020-10-01"]) == 0


def test_last_weeks_merge_result_in_the_folder_is_not_counted_again(template, tmp_path):
    folder = tmp_path / "各区台账"
    folder.mkdir()
    drafts = {n: office(n, s) for n, s in (("甲区", 10), ("乙区", 11), ("丙区", 12))}
    for n, d in drafts.items():
        ledger_of(d, template, folder / f"{n}.xlsx")
    week1 = merge_ledgers([folder], folder / "上周汇总.xlsx", template=template, today=TODAY)
    assert week1.written and week1.rows == 3 * 8
    report = merge_ledgers([folder], tmp_path / "本周汇总.xlsx", template=template, today=TODAY)
    assert report.rows == 3 * 8 and {o.office: o.items for o in report.offices} == {n: 8 for n in drafts}
    skipped = {i.path.name: i.reason for i in report.skipped}
    assert "之前合并生成的汇总台账" in skipped["上周汇总.xlsx"]
    # And the same output again: the old result is replaced, never read.
    again = merge_ledgers([folder], folder / "上周汇总.xlsx", template=template, today=TODAY)
    assert again.rows == 3 * 8
    assert "本次合并的结果文件" in {i.path.name: i.reason for i in again.skipped}["上周汇总.xlsx"]


# --- every loaded draft can be saved ----------------------------------------------------------


def _draft_with(extra: dict) -> bytes:
    raw = json.loads(draft_to_bytes(make_draft(3, 1)))
    raw.update(extra)
    return json.dumps(raw, ensure_ascii=True).encode("utf-8")


def test_lone_surrogates_in_unknown_keys_round_trip(tmp_path):
    data = _draft_with({"x-note": "前\ud800后", "x-map": {"\udfff键": ["\ud83d", 1]}})
    path = tmp_path / "s.plan.json"
    path.write_bytes(data)
    draft = load_draft(path)
    save_draft(draft, path)
    again = load_draft(path)
    assert again.extra["x-note"] == "前\ud800后" and again.extra["x-map"] == {"\udfff键": ["\ud83d", 1]}
    path.read_bytes().decode("utf-8")  # the file itself is valid UTF-8


def test_deep_unknown_data_is_refused_up_front_not_at_every_save(tmp_path):
    deep = {"x": 1}
    for _ in range(600):
        deep = {"x": deep}
    path = tmp_path / "deep.plan.json"
    path.write_bytes(_draft_with({"x-deep": deep}))
    with pytest.raises(DesktopError, match="嵌套过深"):
        load_draft(path)
    ok = {"x": 1}
    for _ in range(90):
        ok = {"x": ok}
    path.write_bytes(_draft_with({"x-deep": ok}))
    draft = load_draft(path)
    save_draft(draft, path)
    assert load_draft(path).extra["x-deep"] == ok


_json = st.recursive(st.none() | st.booleans() | st.integers(-10**30, 10**30)
                     | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
                     lambda inner: (st.lists(inner, max_size=4)
                                    | st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                     max_leaves=20)


@settings(max_examples=int(os.environ.get("PLAN_DRAFTER_FUZZ", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k not in (
    "format", "version", "id", "template", "notice", "plan", "activities", "progress", "generator")),
    _json, max_size=4))
def test_whatever_loads_saves_and_reads_back_the_same(extra):
    data = _draft_with(extra)
    try:
        draft = parse_draft_bytes(data, "fuzz")
    except DesktopError:
        return  # refused up front, with a message: allowed
    written = draft_to_bytes(draft)
    written.decode("utf-8")
    assert parse_draft_bytes(written, "again").extra == draft.extra


@pytest.mark.parametrize("value, words", [("1" * 400, "过大"), ("1e400", "无效的数值"),
                                          ("-" + "9" * 5000, "无效的数值")])
def test_huge_numbers_give_messages(tmp_path, value, words):
    raw = draft_to_bytes(make_draft(3, 1)).decode("utf-8").replace('"percent": ', f'"percent": {value}, "x": ', 1)
    path = tmp_path / "n.plan.json"
    path.write_text(raw, encoding="utf-8")
    with pytest.raises(DesktopError) as info:
        load_draft(path)
    assert words in str(info.value) and "Exceeds" not in str(info.value)


# --- files keep their nature ----------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="symlinks and modes as on Linux")
def test_save_through_a_symlink_and_keep_permissions(tmp_path):
    real = tmp_path / "共享盘" / "方案.plan.json"
    real.parent.mkdir()
    save_draft(make_draft(3, 1), real)
    os.chmod(real, 0o600)
    link = tmp_path / "桌面快捷.plan.json"
    link.symlink_to(real)
    draft = load_draft(link)
    draft.plan.title = "改过的标题"
    save_draft(draft, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load_draft(real).plan.title == "改过的标题"
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o600
    assert (real.parent / "方案.plan.json.bak").exists() and not (tmp_path / "桌面快捷.plan.json.bak").exists()


# --- locks and concurrent writers ------------------------------------------------------------------


def test_cli_import_honours_the_window_lock(template, tmp_path, capsys):
    draft = office("甲", 13)
    path = tmp_path / "d.plan.json"
    save_draft(draft, path)
    ledger = ledger_of(draft, template, tmp_path / "l.xlsx")
    edit_ledger(ledger, {"t1": {PCT_COL: 55}})
    window = DraftLock(path)  # what an open window holds
    assert window.acquire()
    before = sha(path)
    assert cli(["ledger", "import", str(path), str(ledger)]) == 2
    assert "正被" in capsys.readouterr().err and sha(path) == before
    assert cli(["ledger", "import", str(path), str(ledger), "--force"]) == 0
    assert read_lock(path).token == window.holder.token  # the window's lock is left alone
    window.release()


def test_two_imports_at_once_never_both_succeed_with_one_lost(template, tmp_path):
    draft = office("甲", 14)
    path = tmp_path / "d.plan.json"
    save_draft(draft, path)
    ledgers = []
    for n, key in enumerate(("t1", "t2")):
        ledger = ledger_of(draft, template, tmp_path / f"l{n}.xlsx")
        edit_ledger(ledger, {key: {PCT_COL: 11 + n}})
        ledgers.append(ledger)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(int(os.environ.get("PLAN_DRAFTER_RACES", "10"))):
        save_draft(draft, path)
        procs = [subprocess.Popen([sys.executable, "-m", "desktop", "ledger", "import", str(path), str(lp)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for lp in ledgers]
        codes = [p.wait(timeout=120) for p in procs]
        result = load_draft(path).progress
        got = [result.get(k) is not None and result[k].percent == 11 + n for n, k in enumerate(("t1", "t2"))]
        for ok, code in zip(got, codes):
            if code == 0:
                assert ok, f"an import reported success but its change is gone: {codes}"
        assert all(code in (0, 2) for code in codes)


def test_save_refuses_a_file_changed_since_it_was_read(tmp_path):
    from desktop.storage import load_draft_with_digest

    path = tmp_path / "d.plan.json"
    save_draft(make_draft(3, 1), path)
    mine, digest = load_draft_with_digest(path)
    theirs = load_draft(path)
    theirs.plan.title = "别人先保存的"
    save_draft(theirs, path)
    mine.plan.title = "我的"
    with pytest.raises(DraftChangedOnDisk):
        save_draft(mine, path, expect=digest)
    assert load_draft(path).plan.title == "别人先保存的"


def test_huge_pids_in_lock_and_recovery_files_are_no_crash(tmp_path):
    path = tmp_path / "d.plan.json"
    save_draft(make_draft(3, 1), path)
    lock_path(path).write_text(json.dumps({"user": "u", "host": os.uname().nodename, "pid": 10**40}), encoding="utf-8")
    assert read_lock(path) is None and DraftLock(path).other_holder() is None
    rec = RecoveryFile()
    rec.write(draft_to_bytes(make_draft(3, 1)), path, "t")
    meta = json.loads(rec.meta_path.read_text(encoding="utf-8"))
    meta["pid"] = 10**40
    rec.meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert [e.session for e in orphaned_entries()] == [rec.session]  # offered, never a crash
    rec.close()


# --- round trips change nothing -------------------------------------------------------------------------


def test_reimporting_an_untouched_ledger_changes_nothing(template, tmp_path):
    draft = office("甲", 15)
    keys = [item.id for _, _, item in draft.items()]
    draft.progress[keys[0]] = Progress(status="进行中", percent=33.33, summary="　　已开展三次。\n\t第二段  ",
                                       evidence=" 照片 ", updated="2020-07-01")
    draft.progress[keys[1]] = Progress(status="进行中", percent=12.5, summary="长" * 40000)
    ledger = ledger_of(draft, template, tmp_path / "l.xlsx")
    plan = plan_import(draft, template, ledger)
    assert plan.changes == [] and plan.rejections == []
    before = draft.to_dict()
    assert apply_import(draft, plan) == 0 and draft.to_dict() == before
    assert draft.progress[keys[1]].summary == "长" * 40000


def test_uncalculated_formula_keeps_the_old_value_and_says_so(template, tmp_path):
    draft = office("甲", 16)
    key = draft.plan.task_groups[0].tasks[0].id
    draft.progress[key] = Progress(status="已完成", percent=100)
    ledger = ledger_of(draft, template, tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(ledger)
    ws = wb.worksheets[0]
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, KEY_COL).value == key:
            ws.cell(r, PCT_COL).value = "=50+50"  # openpyxl writes no cached result
    wb.save(ledger)
    plan = plan_import(draft, template, ledger)
    assert plan.changes == []
    assert any("公式" in n and "保留" in n for n in plan.notes)


# --- bounded everything ---------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_pipes_and_devices_named_like_documents_are_refused_without_reading(template, tmp_path):
    fifo = tmp_path / "台账.xlsx"
    os.mkfifo(fifo)
    dfifo = tmp_path / "方案.plan.json"
    os.mkfifo(dfifo)
    zero = tmp_path / "zero.xlsx"
    zero.symlink_to("/dev/zero")
    results: dict[str, str] = {}

    def run() -> None:
        for name, call in (("fifo", lambda: plan_import(make_draft(3, 1), template, fifo)),
                           ("zero", lambda: plan_import(make_draft(3, 1), template, zero)),
                           ("draft", lambda: load_draft(dfifo))):
            try:
                call()
                results[name] = "no error"
            except DesktopError as err:
                results[name] = str(err)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "reading a pipe or a device hung"
    assert all("不是普通文件" in results[k] for k in ("fifo", "zero", "draft")), results


def test_a_huge_file_in_the_font_folder_is_skipped_and_named(tmp_path):
    folder = tmp_path / "字体"
    folder.mkdir()
    big = folder / "巨大.ttf"
    with open(big, "wb") as fh:
        fh.truncate(1024 * 1024 * 1024)  # sparse: 1 GB long, nothing on disk
    # Python's own allocations (a file read whole would be one 1 GB bytes object);
    # the process's maxrss is no measure here, a child inherits its parent's.
    code = ("import sys, tracemalloc; from pathlib import Path; from desktop.fonts import font_set;"
            "tracemalloc.start(); fs = font_set((Path(sys.argv[1]),)); print(tracemalloc.get_traced_memory()[1]);"
            "print('\\n'.join(fs.notes()))")
    proc = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stderr
    peak = int(proc.stdout.splitlines()[0])
    assert peak < 200 * 1024 * 1024, f"peak Python memory {peak // 1024 // 1024} MB"
    assert "巨大.ttf" in proc.stdout and "过大" in proc.stdout


def test_hundreds_of_issuers_export_without_a_crash(template, tmp_path):
    draft = make_draft(4, 1)
    draft.notice.issuers = [f"第{i}家单位" for i in range(400)]
    results = export_all(draft, template, tmp_path, "多机关", ("docx", "pdf"), ExportOptions(today=TODAY))
    assert [r.path.exists() for r in results] == [True, True]


def test_printing_many_problems_indexes_the_draft_once(template, monkeypatch, capsys, tmp_path):
    """20,000 problems printed in time linear in their number: no per-problem search of the draft."""
    from desktop.model import Draft

    draft = make_draft(tasks=600, activities=50)
    for _, _, item in draft.items():
        draft.progress[item.id] = Progress(status="已完成", percent=-5)  # two errors per entry
    path = tmp_path / "many.plan.json"
    save_draft(draft, path)
    calls = {"items": 0}
    real_items = Draft.items

    def counting(self):
        calls["items"] += 1
        return real_items(self)

    monkeypatch.setattr(Draft, "items", counting)
    monkeypatch.setattr(Draft, "find_item", lambda self, item_id: pytest.fail("a search per problem"))
    assert cli(["check", str(path), "--today", "2020-06-01"]) == 1
    out = capsys.readouterr().out
    assert out.count("[错误]") >= 1300
    assert calls["items"] <= 10, calls


def test_an_exclusive_lock_takes_over_only_what_is_really_stale(tmp_path):
    """A lock of an ended process is taken over; a live one is respected; a
    lock file being written (empty for a moment on disks without hard links)
    is not mistaken for a stale one, unless it is old (a crash left it)."""
    import json
    import time as _time

    from desktop.recovery import DraftLock, lock_path, read_lock

    path = tmp_path / "d.plan.json"
    save_draft(office("甲", 15), path)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(ended.stdout)
    lock_path(path).write_text(json.dumps({"user": "旧", "host": __import__("socket").gethostname(),
                                           "pid": dead_pid, "time": "2020-01-01 08:00", "token": "old"}))
    mine = DraftLock(path)
    assert mine.acquire_exclusive() is None and mine.held
    assert read_lock(path).token == mine.holder.token

    other = DraftLock(path)
    holder = other.acquire_exclusive()
    assert holder is not None and holder.token == mine.holder.token and not other.held
    mine.release()
    assert not lock_path(path).exists()

    lock_path(path).write_bytes(b"")  # another process has just created it
    start = _time.monotonic()
    waiting = DraftLock(path)
    holder = waiting.acquire_exclusive()
    assert holder is not None and not waiting.held and _time.monotonic() - start < 3
    assert lock_path(path).read_bytes() == b"", "someone else's lock is left alone"
    old = _time.time() - 60
    os.utime(lock_path(path), (old, old))  # left empty by a crash a minute ago
    assert waiting.acquire_exclusive() is None and waiting.held
    assert read_lock(path).token == waiting.holder.token
    waiting.release()
