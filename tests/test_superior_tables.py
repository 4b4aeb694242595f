"""Responsibility tables in an annex (序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限), as
a clerk's Word file has them and as LibreOffice prints that file: ruled and drawn
without rules, long enough to run over several pages, with cells that wrap and a
row the page breaks. The expected tasks are the rows written below, not what the
reader found."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.superior import import_superior
from tests.support.printed import SOFFICE, libreoffice_print

LEADS = ["县发展改革局", "县财政局", "县教育局", "县卫生健康局", "县住房城乡建设局"]
WHEN = ["2024年6月底前", "2024年底前", "长期坚持", "持续推进"]
ROWS = [(n, f"第{n}项重点工作。" + ("围绕年度目标细化措施，明确进度安排和责任人，逐月调度推进情况，" * (1 + n % 3))
         + "确保按期完成。", LEADS[n % len(LEADS)], "各乡镇人民政府", WHEN[n % len(WHEN)]) for n in range(1, 41)]


def _plan(path: Path, ruled: bool) -> Path:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.size = Pt(14)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    for text in ("某某县2024年重点工作任务分工方案", "为抓好年度重点工作落实，制定本方案。", "一、工作目标",
                 "全年重点工作全部按期完成。", "二、工作要求", "各牵头单位要按月报送进展情况。",
                 "附件", "2024年重点工作任务分工表"):
        d.add_paragraph(text)
    table = d.add_table(rows=1 + len(ROWS), cols=5)
    if ruled:
        table.style = "Table Grid"  # without a style python-docx's table has no borders: drawn without rules
    for c, head in enumerate(("序号", "重点任务", "牵头单位", "配合单位", "完成时限")):
        table.cell(0, c).text = head
    for r, row in enumerate(ROWS, start=1):
        for c, value in enumerate(row):
            table.cell(r, c).text = str(value)
    d.save(str(path))
    return path


def _check(data: dict) -> None:
    tasks = data["key_tasks"]
    assert [t["title"] for t in tasks] == [f"第{n}项重点工作" for n, *_ in ROWS]
    assert [t.get("lead") for t in tasks] == [lead for *_, lead, _p, _w in ROWS]
    assert [t.get("partners") for t in tasks] == ["各乡镇人民政府"] * len(ROWS)
    assert [t.get("deadline") for t in tasks] == [w for *_, w in ROWS]
    # a row the page broke or a cell that wrapped is one task with all its text
    assert all((t.get("text") or "").endswith("确保按期完成。") for t in tasks), [t.get("text") for t in tasks]


def test_word_table_in_an_annex(tmp_path):
    _check(import_superior(_plan(tmp_path / "分工.docx", ruled=True)).data)


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")
@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "borderless"])
def test_printed_table_over_several_pages(tmp_path, ruled):
    pdf = libreoffice_print(_plan(tmp_path / "分工.docx", ruled=ruled), tmp_path)
    from pypdf import PdfReader

    assert len(PdfReader(str(pdf)).pages) >= 3  # the table runs over pages, rows broken by them
    _check(import_superior(pdf).data)


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")
def test_a_bundle_without_pdfium_still_reads_the_ruled_table(tmp_path, monkeypatch):
    import sys

    pdf = libreoffice_print(_plan(tmp_path / "分工.docx", ruled=True), tmp_path)
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import fails, as in a bundle built without it
    _check(import_superior(pdf).data)
