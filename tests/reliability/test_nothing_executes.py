"""No user text becomes a formula, a hyperlink, a Word field code or PDF
markup; it is printed literally everywhere."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from desktop.export import ExportOptions, export_all
from desktop.sample import make_draft
from desktop.templates import load_template

TRAPS = [
    "=HYPERLINK(\"http://evil.example/x\",\"点我\")", "+cmd|' /C calc'!A0", "-1+2", "@SUM(1+1)", "#N/A",
    "http://evil.example/登录", "www.evil.example", "mailto:a@b.cn", "<b>粗体</b><font color=red>红</font>",
    "&amp;&lt;", "{ PAGE }", "MERGEFIELD 姓名", "DDE(\"cmd\";\"/c calc\")", "\\\\server\\share\\a.exe",
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> tuple[dict[str, Path], object]:
    draft = make_draft(len(TRAPS), len(TRAPS))
    for (_path, task), trap in zip(draft.plan.tasks(), TRAPS):
        task.title = trap
        task.text = f"{trap}，这是用来检验的足够长的具体措施说明文字。"
        task.lead = trap
    for act, trap in zip(draft.activities, TRAPS):
        act.name = trap
    draft.notice.note = "联系人：http://evil.example 电话：0763-3362000"
    draft.notice.cc = TRAPS[:3]
    out = tmp_path_factory.mktemp("out")
    results = export_all(draft, load_template(draft.template), out, "陷阱", options=ExportOptions())
    return {r.fmt: r.path for r in results}, draft


def test_workbook_has_no_formula_or_link_from_user_text(outputs):
    paths, _ = outputs
    wb = load_workbook(paths["xlsx"])
    ws = wb.worksheets[0]
    seen = set()
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value in TRAPS:
                assert cell.data_type == "s", (cell.coordinate, cell.value)
                assert cell.hyperlink is None
                seen.add(cell.value)
    assert seen == set(TRAPS)
    for sheet in wb.worksheets:
        assert not sheet._hyperlinks
    with zipfile.ZipFile(paths["xlsx"]) as zf:
        names = zf.namelist()
        assert not [n for n in names if "externalLink" in n]
        sheet_xml = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # formulas live only on the 汇总 sheet


def test_word_document_has_no_field_or_link_but_page_numbers(outputs):
    paths, _ = outputs
    with zipfile.ZipFile(paths["docx"]) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
        rels = zf.read("word/_rels/document.xml.rels").decode("utf-8")
        footers = [zf.read(n).decode("utf-8") for n in zf.namelist() if re.match(r"word/footer\d*\.xml", n)]
    assert "<w:hyperlink" not in body and "<w:fldSimple" not in body and "<w:instrText" not in body
    assert "TargetMode=\"External\"" not in rels
    instructions = [i for f in footers for i in re.findall(r"<w:instrText[^>]*>([^<]*)<", f)]
    instructions += [i for f in footers for i in re.findall(r'w:instr="([^"]*)"', f)]
    assert instructions and all(i.strip() == "PAGE" for i in instructions), instructions
    text = re.sub(r"<[^>]+>", "", body)
    import html

    text = html.unescape(text)
    for trap in TRAPS:
        assert trap in text, trap


def test_pdf_prints_markup_literally_and_has_no_links(outputs):
    paths, _ = outputs
    reader = PdfReader(str(paths["pdf"]))
    for page in reader.pages:
        assert "/Annots" not in page
    assert "/JavaScript" not in reader.trailer["/Root"] and "/OpenAction" not in reader.trailer["/Root"]
    with pdfplumber.open(paths["pdf"]) as pdf:
        text = "".join(ch["text"] for p in pdf.pages for ch in p.chars)
    for trap in ("<b>粗体</b><font color=red>红</font>", "&amp;&lt;", "{ PAGE }"):
        assert trap in text, trap
