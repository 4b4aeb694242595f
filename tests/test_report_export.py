"""The work report exported: an upward document on the GB/T 9704 grid, in .docx, .pdf
and .ofd, and LibreOffice's print of the .docx showing what our PDF shows.

Positions are the standard's, written out in points: A4 is 595.28 × 841.89; the type
area starts 28 mm (79.37 pt) from the left and 37 mm (104.88 pt) from the top and is
156 mm (442.20 pt) wide, so it ends at 521.57 pt; a 3号 character is 16 pt, set at a
pitch of 15.75 pt (16 pt less 0.25 pt of tracking, 28 to a line).
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from desktop.model import Progress
from desktop.sample import make_draft
from desktop.storage import load_record, save_draft
from tests.conftest import ROOT
from tests.support.printed import SOFFICE, libreoffice_print, read_lines, same_lines

CLI = [sys.executable, "-m", "desktop"]
LEFT, RIGHT, TOP = 79.37, 521.57, 104.88
PITCH = 15.75


def _plan():
    draft = make_draft(30, 3, groups=4)
    for i, (_, task) in enumerate(draft.plan.tasks()):
        draft.progress[task.id] = Progress(("已完成", "进行中", "未开始", "延期")[i % 4], (100, 60, None, 30)[i % 4],
                                           "已召开专题会议部署，组织各单位开展宣传活动，覆盖群众三万余人次。"
                                           if i % 4 != 2 else "")
    draft.as_of = "2020-12-20"
    return draft


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    work = tmp_path_factory.mktemp("report-export")
    plan = work / "清远方案.plan.json"
    save_draft(_plan(), plan)
    report = work / "清远报告.report.json"
    for args in (["report", "new", str(plan), "-o", str(report), "--signer", "张三"],
                 ["export", str(report), "--docx", "--pdf", "--ofd", "--out", str(work)]):
        proc = subprocess.run(CLI + args, cwd=ROOT, capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    return work, load_record(report)


def _words(pdf: Path, page: int = 0) -> list[dict]:
    with pdfplumber.open(pdf) as doc:
        return doc.pages[page].extract_words(keep_blank_chars=False, use_text_flow=True, extra_attrs=["size"])


def test_the_formats_a_report_has(exported):
    work, _ = exported
    names = sorted(p.name for p in work.iterdir() if p.name.startswith("清远报告") and not p.name.endswith(".json"))
    assert names == ["清远报告.docx", "清远报告.ofd", "清远报告.pdf"]  # a report has no ledger of its own


def test_a4_and_the_type_area(exported):
    work, _ = exported
    with pdfplumber.open(work / "清远报告.pdf") as doc:
        for page in doc.pages:
            assert (round(page.width, 1), round(page.height, 1)) == (595.3, 841.9)
            inside = [c for c in page.chars if 15.5 <= c["size"] <= 16.5]
            assert all(LEFT - 0.5 <= c["x0"] and c["x1"] <= RIGHT + 0.5 for c in inside)


def test_number_and_signer_share_one_line_in_their_places(exported):
    """7.2.4–7.2.5: 发文字号 one character in from the left, 签发人 name one character in
    from the right, on one baseline; 签发人 in 仿宋 with a full-width colon, the name in 楷体."""
    work, report = exported
    with pdfplumber.open(work / "清远报告.pdf") as doc:
        chars = doc.pages[0].chars
    number = report.header.doc_number
    line = [c for c in chars if 15.5 <= c["size"] <= 16.5 and c["top"] < 300]
    rows: dict[float, list[dict]] = {}
    for c in line:
        rows.setdefault(round(c["matrix"][5], 1), []).append(c)
    row = next(sorted(r, key=lambda c: c["x0"]) for r in rows.values()
               if "".join(c["text"] for c in sorted(r, key=lambda c: c["x0"])).startswith(number[:4]))
    text = "".join(c["text"] for c in row)
    assert text.startswith(number) and text.endswith("签发人：张三")
    assert abs(row[0]["x0"] - (LEFT + PITCH)) <= 1.0, row[0]["x0"]  # 95.12
    assert abs(row[-1]["x1"] - (RIGHT - PITCH)) <= 1.5, row[-1]["x1"]  # 505.82
    assert len({round(c["matrix"][5], 1) for c in row}) == 1  # one baseline
    name = [c for c in row if c["text"] in "张三"]
    label = [c for c in row if c["text"] in "签发人："]
    assert all("Kai" in c["fontname"] or "kai" in c["fontname"].lower() or "WenKai" in c["fontname"] for c in name)
    assert not any("Kai" in c["fontname"] or "WenKai" in c["fontname"] for c in label)


def test_every_task_and_the_figures_are_printed(exported):
    work, report = exported
    with pdfplumber.open(work / "清远报告.pdf") as doc:
        text = "".join((p.extract_text() or "").replace("\n", "").replace(" ", "") for p in doc.pages)
    text = re.sub(r"—\d+—", "", text)  # page numbers, where a paragraph runs on to the next page
    body = text.split("附件")[0]  # the body, before the annex table's cells
    for row in report.rows:
        assert row.title.replace(" ", "") in body, row.title
    # 30 tasks, statuses in turn 已完成/进行中/未开始/延期: 8 done, 15 in progress (8 进行中 + 7 延期),
    # 7 not started.
    assert "共部署重点任务30项" in text and "重点任务已完成8项，正在推进15项，尚未启动7项" in text
    assert "关于清远市2020年争做中国好网民工程工作情况的报告" in text


def test_22_lines_of_28_characters(exported):
    work, _ = exported
    printed = read_lines(work / "清远报告.pdf")
    assert max(printed.lines_per_page().values()) == 22
    full = [ln for ln in printed.full_lines() if not any(ch.isascii() for ch in ln.text) and ln.x0 <= LEFT + 0.5]
    # 28 characters, but for a line that gave its last one or two to the next (避头尾: no line starts with 。)
    assert len(full) >= 20 and max(ln.cells for ln in full) == 28 and all(25.5 <= ln.cells <= 28 for ln in full)
    assert sum(ln.cells == 28 for ln in full) >= 0.8 * len(full)


def test_the_docx_names_the_signer_and_the_ofd_holds_the_text(exported):
    work, report = exported
    with zipfile.ZipFile(work / "清远报告.docx") as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "签发人：" in xml and "张三" in xml and report.header.doc_number in xml
    with zipfile.ZipFile(work / "清远报告.ofd") as zf:
        contents = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith("Content.xml"))
    assert "张三" in contents and "任务完成情况表" in contents


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")
def test_libreoffice_prints_the_docx_as_our_pdf(exported, tmp_path):
    work, _ = exported
    ours = read_lines(work / "清远报告.pdf")
    theirs = read_lines(libreoffice_print(work / "清远报告.docx", tmp_path))
    assert theirs.pages == ours.pages
    assert theirs.page_numbers() == ours.page_numbers()
    assert theirs.colophon_pages() == ours.colophon_pages() and theirs.annex_pages() == ours.annex_pages()
    same, total, diffs = same_lines(ours, theirs)
    assert total > 40 and same / total >= 0.97, diffs


def _printed_cells(pdf: Path) -> list[list[str]]:
    """Each printed line as its pieces: characters on one baseline, split where a gap wider
    than a character's padding (6 pt) parts them (one table cell from the next)."""
    out = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            rows: dict[int, list[dict]] = {}
            for ch in page.chars:
                rows.setdefault(round(ch["top"]), []).append(ch)
            for _, chars in sorted(rows.items()):
                pieces, last = [""], None
                for c in sorted(chars, key=lambda c: c["x0"]):
                    if last is not None and c["x0"] - last > 6:
                        pieces.append("")
                    pieces[-1] += c["text"]
                    last = c["x1"]
                out.append(pieces)
    return out


def test_the_annex_headers_statuses_and_dates_are_not_broken(exported):
    """序号 was printed 序/号, 完成率 完成/率, a status 进行/中 and a deadline on three lines
    (2020年/11月/30日): each column is wide enough for its header, a status and a date."""
    work, report = exported
    cells = _printed_cells(work / "清远报告.pdf")
    header = next(line for line in cells if "任务名称" in line)
    for title in ("序号", "任务名称", "完成时限", "状态", "完成率", "进展情况"):
        assert title in header, (title, header)
    printed = {piece for line in cells for piece in line}
    assert {"已完成", "进行中", "未开始"} <= printed
    deadlines = {r.deadline for r in report.rows}
    assert len(deadlines) > 3 and {d[:4] for d in deadlines} == {"2020"} and "2020年" in report.annex_title
    for day in deadlines:  # the title names 2020年: each deadline whole on one line of its cell
        y, m, d = (int(x) for x in day.split("-"))
        assert f"{m}月{d}日" in printed, day


def test_the_units_table_headers_are_not_broken(exported, tmp_path):
    """任务和活动, 逾期未完成 and 平均完成率 were printed over two lines (平均完成/率)."""
    from desktop.export import ExportOptions, export_one
    from desktop.kinds.report.model import UnitRow
    from desktop.templates import load_template

    _, report = exported
    report = report.copy()
    report.units_title = "各区任务完成情况表"
    report.units = [UnitRow("清城区委网信办", 16, 8, 3, 51.9), UnitRow("清新区委网信办", 16, 16, 0, 100)]
    pdf = tmp_path / "报告.pdf"
    export_one(report, load_template(report.template), "pdf", pdf, ExportOptions())
    cells = _printed_cells(pdf)
    header = next(line for line in cells if "单位" in line and "序号" in line)
    assert header == ["序号", "单位", "任务和活动", "已完成", "逾期未完成", "平均完成率"]
    assert ["1", "清城区委网信办", "16", "8", "3", "51.9%"] in cells
    if SOFFICE:  # the Word file's table is as wide: LibreOffice keeps each header on one line too
        export_one(report, load_template(report.template), "docx", tmp_path / "报告.docx", ExportOptions())
        theirs = read_lines(libreoffice_print(tmp_path / "报告.docx", tmp_path / "lo"))
        ours = read_lines(pdf)
        assert theirs.pages == ours.pages
        same, total, diffs = same_lines(ours, theirs)
        assert same / total >= 0.97, diffs


def test_a_report_named_like_its_plan_does_not_replace_the_plans_files(tmp_path):
    """示例.plan.json and 示例.report.json in one folder: the report's export replaced 示例.docx."""
    plan = tmp_path / "示例.plan.json"
    save_draft(_plan(), plan)
    report = tmp_path / "示例.report.json"
    named = tmp_path / "清远市工作情况报告.report.json"
    runs = (["export", str(plan), "--docx", "--pdf", "--out", str(tmp_path)],
            ["report", "new", str(plan), "-o", str(report), "--signer", "张三"],
            ["export", str(report), "--docx", "--pdf", "--out", str(tmp_path)],
            ["report", "new", str(plan), "-o", str(named), "--signer", "张三"],
            ["export", str(named), "--pdf", "--out", str(tmp_path)])
    for n, args in enumerate(runs):
        proc = subprocess.run(CLI + args, cwd=ROOT, capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0, (args, proc.stderr)
        if n == 0:
            plan_docx = (tmp_path / "示例.docx").read_bytes()
    assert (tmp_path / "示例.docx").read_bytes() == plan_docx
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".docx", ".pdf")) == [
        "清远市工作情况报告.pdf", "示例-工作情况报告.docx", "示例-工作情况报告.pdf", "示例.docx", "示例.pdf"]
