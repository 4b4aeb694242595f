"""Merging many offices' ledgers, with hostile and damaged files among them."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop.export import ExportOptions, export_one
from desktop.ledger import safety
from desktop.ledger.common import KEY_TITLE
from desktop.ledger.merge import COMBINED_SHEET, OFFICES_SHEET, SKIPPED_SHEET, merge_ledgers
from desktop.model import Progress

from desktop.sample import make_draft
from tests.test_ledger_export import hostile_draft

DONE, NOT_APPLICABLE = "已完成", "不适用"  # the 2020 template's

TODAY = dt.date(2020, 10, 1)


def office_draft(name: str, seed: int, tasks: int = 6, activities: int = 3):
    d = make_draft(tasks=tasks, activities=activities, seed=seed)
    d.notice.issuers = [name]
    first = d.plan.task_groups[0].tasks[0].id
    d.progress[first] = Progress(status=DONE, percent=100)
    return d


def expected_stats(d):
    """Items, done, overdue and average by the rules as the README states them:
    blank percent counts 0 (已完成: 100), 不适用 is left out, overdue is a passed
    deadline not 已完成 or 不适用."""
    items = d.items()
    done = overdue = 0
    pcts = []
    for kind, _, item in items:
        p = d.progress.get(item.id)
        status = p.status if p else ""
        done += status == DONE
        deadline = dt.date.fromisoformat(item.deadline) if kind == "task" else None
        overdue += deadline is not None and deadline < TODAY and status not in (DONE, NOT_APPLICABLE)
        if status != NOT_APPLICABLE:
            pcts.append(p.percent if p and p.percent is not None else (100 if status == DONE else 0))
    return len(items), done, overdue, round(sum(pcts) / len(pcts), 1)


def rezip(src: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
          level: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", level) as zout:
        for info in zin.infolist():
            data = (replace or {}).get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def folder(template, tmp_path):
    """Three offices' ledgers (one with hostile text) and a zoo of bad files."""
    root = tmp_path / "报送"
    (root / "区县" / "南区").mkdir(parents=True)
    drafts = {
        "甲区委网信办": office_draft("甲区委网信办", 1),
        "乙区委网信办": office_draft("乙区委网信办", 2, tasks=10),
    }
    hostile = hostile_draft()
    hostile.notice.issuers = ["=丙区委网信办"]
    drafts["=丙区委网信办"] = hostile
    paths = {}
    for i, (name, d) in enumerate(drafts.items()):
        where = root / "区县" / "南区" if i == 1 else root
        paths[name] = export_one(d, template, "xlsx", where / f"ledger{i}.xlsx", ExportOptions(today=TODAY)).path
    good = paths["甲区委网信办"].read_bytes()
    # A ledger whose office is known only from its file name: strip the 填报单位 line, the lists
    # sheet and the document properties.
    wb = openpyxl.load_workbook(paths["甲区委网信办"])
    wb.worksheets[0]["A2"].value = None
    del wb["选项"]
    wb.properties.description = None
    wb.custom_doc_props.props = []
    wb.save(root / "丁镇-台账.xlsx")
    drafts["丁镇"] = drafts["甲区委网信办"]

    bad = {
        "zipbomb.xlsx": rezip(good, add={"xl/media/bomb.bin": b"\0" * (20 * 1024 * 1024)}),
        "laughs.xlsx": rezip(good, replace={"xl/workbook.xml": (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            + zipfile.ZipFile(io.BytesIO(good)).read("xl/workbook.xml").split(b"?>", 1)[-1])}),
        "encrypted.xlsx": safety.CFB_MAGIC + b"\0" * 1000 + "EncryptionInfo".encode("utf-16-le")
        + "EncryptedPackage".encode("utf-16-le"),
        "old.xls": safety.CFB_MAGIC + b"\0" * 1000 + "Workbook".encode("utf-16-le"),
        "report.xlsx": _docx_bytes(),
        "truncated.xlsx": good[: len(good) * 2 // 3],
        "empty.xlsx": b"",
        "~$ledger0.xlsx": b"\x0bTom" + b"\0" * 150,
        "副本-ledger0.xlsx": good,
    }
    for name, data in bad.items():
        (root / name).write_bytes(data)
    other = openpyxl.Workbook()
    other.active.append(["姓名", "电话"])
    other.active.append(["张三", "123"])
    other.save(root / "通讯录.xlsx")
    # Huge shared strings: a real table that is bigger than the (lowered) limit.
    (root / "strings.xlsx").write_bytes(rezip(good, add={"xl/sharedStrings.xml": (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"".join(b"<si><t>" + os.urandom(24).hex().encode() + b"</t></si>" for _ in range(4000)) + b"</sst>")}))
    # External links: merged, with a remark.
    (root / "links.xlsx").write_bytes(rezip(paths["乙区委网信办"].read_bytes(), add={
        "xl/externalLinks/externalLink1.xml": b'<?xml version="1.0"?><externalLink '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'}))
    return root, drafts, paths


def _docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


REASONS = {
    "zipbomb.xlsx": "压缩炸弹", "laughs.xlsx": "实体声明", "encrypted.xlsx": "密码", "old.xls": ".xls",
    "report.xlsx": "Word 文档", "truncated.xlsx": "损坏", "empty.xlsx": "空的", "~$ledger0.xlsx": "临时锁定文件",
    "副本-ledger0.xlsx": "内容完全相同", "通讯录.xlsx": "不是进度台账", "strings.xlsx": "共享字符串表过大",
}


def test_merge_lists_every_bad_file_and_loses_nothing_else(folder, template, tmp_path, monkeypatch):
    root, drafts, paths = folder
    monkeypatch.setattr(safety, "MAX_SHARED_STRINGS_BYTES", 100 * 1024)
    calls = []
    out = tmp_path / "合并.xlsx"
    report = merge_ledgers([root], out, template=template, today=TODAY,
                           progress=lambda done, total, p: calls.append((done, total)))
    assert report.written and out.exists()
    skipped = {i.path.name: i.reason for i in report.skipped}
    assert set(skipped) == set(REASONS), skipped
    for name, words in REASONS.items():
        assert words in skipped[name], (name, skipped[name])
    # links.xlsx is 乙's ledger again (with an external link): one office, one plan, its
    # two copies combined row by row, counted once.
    remarks = {}
    for i in report.remarks:
        remarks.setdefault(i.path.name, []).append(i.reason)
    assert set(remarks) == {"links.xlsx", "ledger1.xlsx"}, remarks
    assert any("外部链接" in r for r in remarks["links.xlsx"])
    for name in ("links.xlsx", "ledger1.xlsx"):
        assert any("同一单位（乙区委网信办）同一方案的台账，已逐行合并：本文件与导出时相同，没有修改" in r
                   for r in remarks[name]), remarks[name]
    total_files = len(list(p for p in root.rglob("*") if p.is_file()))
    assert calls[0] == (0, total_files) and calls[-1] == (total_files, total_files)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [COMBINED_SHEET, OFFICES_SHEET, SKIPPED_SHEET]
    ws = wb[COMBINED_SHEET]
    header = [c.value for c in ws[1]]
    assert header == ["单位"] + [c.title for c in template.ledger.columns] + [KEY_TITLE, "来源文件"]
    rows = list(ws.iter_rows(min_row=2))
    per_office: dict[str, list] = {}
    for row in rows:
        per_office.setdefault(row[0].value, []).append(row)
    # links.xlsx is the 乙 ledger again under another name: 乙 is counted once, from the newer file.
    counts = {k: len(v) for k, v in per_office.items()}
    assert counts == {"甲区委网信办": len(drafts["甲区委网信办"].items()),
                      "乙区委网信办": len(drafts["乙区委网信办"].items()),
                      "=丙区委网信办": len(drafts["=丙区委网信办"].items()),
                      "丁镇": len(drafts["丁镇"].items())}
    assert report.rows == len(rows)
    # Hostile text stays text, cell by cell, exactly as the office wrote it.
    hostile = drafts["=丙区委网信办"]
    names = [r[3].value for r in per_office["=丙区委网信办"]]
    assert names == [i.title if k == "task" else i.name for k, _, i in hostile.items()]
    for row in rows:
        for cell in row:
            assert cell.data_type != "f" and cell.data_type != "e"
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
                if cell.value.startswith(("=", "+", "-", "@", "#")):
                    assert cell.quotePrefix, cell.value  # Excel keeps it text when the cell is edited
    # Per-office summary: items, completed, overdue, average completion, and the chart.
    ws = wb[OFFICES_SHEET]
    table = {r[0]: r[1:5] for r in ws.iter_rows(min_row=2, values_only=True)}
    for office, d in (("甲区委网信办", drafts["甲区委网信办"]), ("=丙区委网信办", hostile), ("丁镇", drafts["丁镇"])):
        items, done, overdue, avg = expected_stats(d)
        assert table[office] == (items, done, overdue, pytest.approx(avg)), office
    items, done, overdue, avg = expected_stats(drafts["乙区委网信办"])
    assert table["乙区委网信办"] == (items, done, overdue, pytest.approx(avg))
    assert {r[-1] for r in per_office["乙区委网信办"]} == {None} or \
        {r[-1].value for r in per_office["乙区委网信办"]} == {"links.xlsx"}
    assert table["合计"][0] == report.rows
    assert len(ws._charts) == 1 and ws._charts[0].type == "bar"
    # The skipped sheet names every file with its reason.
    ws = wb[SKIPPED_SHEET]
    listed = {Path(r[0]).name: (r[1], r[2]) for r in ws.iter_rows(min_row=2, values_only=True)}
    for name, words in REASONS.items():
        assert words in listed[name][0] and listed[name][1] == "未合并"
    assert listed["links.xlsx"][1] == "已合并"


def test_merged_workbook_merges_again_upward(folder, template, tmp_path):
    root, drafts, paths = folder
    city = tmp_path / "市.xlsx"
    merge_ledgers([paths["甲区委网信办"], paths["乙区委网信办"]], city, template=template, today=TODAY)
    province = tmp_path / "省.xlsx"
    report = merge_ledgers([city, paths["=丙区委网信办"]], province, template=template, today=TODAY)
    offices = {o.office: o.items for o in report.offices}
    assert offices == {"甲区委网信办": len(drafts["甲区委网信办"].items()),
                       "乙区委网信办": len(drafts["乙区委网信办"].items()),
                       "=丙区委网信办": len(drafts["=丙区委网信办"].items())}
    ws = openpyxl.load_workbook(province)[COMBINED_SHEET]
    sources = {r[-1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert sources == {"ledger0.xlsx", "ledger1.xlsx", "ledger2.xlsx"}


def test_cancel_writes_nothing_and_no_ledgers_is_an_error(folder, template, tmp_path, capsys):
    from desktop.cli import main

    root, _, paths = folder
    out = tmp_path / "x.xlsx"
    seen = []
    report = merge_ledgers([root], out, template=template, cancel=lambda: len(seen) >= 2,
                           progress=lambda d, t, p: seen.append(d))
    assert report.cancelled and not report.written and not out.exists()
    assert not list(tmp_path.glob(".x.xlsx.*"))

    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.xlsx").write_bytes(b"")
    assert main(["ledger", "merge", str(junk), "-o", str(out)]) == 2
    err = capsys.readouterr()
    assert "没有可以合并的台账" in err.err and "空的" in err.out
    assert not out.exists()

    assert main(["ledger", "merge", str(paths["甲区委网信办"]), str(junk / "a.xlsx"), "-o", str(out),
                 "--today", "2020-10-01"]) == 0
    captured = capsys.readouterr()
    assert "正在合并" in captured.err and "已合并 1 个台账" in captured.out
    assert out.exists()
