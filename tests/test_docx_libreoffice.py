"""A real client opens the Word export: LibreOffice converts it to PDF.

LibreOffice lays Word's character grid out its own way (glyphs a hair wider
than a grid cell take two cells), so these tests check that the file opens,
paginates on A4 and holds the text, not lines per page or characters per line.
Two conversions in all, each with its own LibreOffice profile (parallel-safe).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from desktop import official as gb
from desktop.document import build_document
from desktop.export import export_one
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template
from tests.conftest import example_paths

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")]
# Keep the blank page LibreOffice inserts before an even-page section, as a printer would.
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def convert(docx: Path, work: Path) -> Path:
    profile = work / "lo-profile"
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", PDF_FILTER, "--outdir", str(work), str(docx)],
        capture_output=True, text=True, timeout=90)
    pdf = work / (docx.stem + ".pdf")
    assert proc.returncode == 0, proc.stderr
    assert pdf.is_file(), f"LibreOffice wrote no PDF: {proc.stdout} {proc.stderr}"
    return pdf


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def drafts():
    yield pytest.param(("example", example_paths()[0]), id="example")
    yield pytest.param(("generated", None), id="three-issuers-120-tasks")


@pytest.fixture(scope="module", params=list(drafts()))
def converted(request, tmp_path_factory):
    kind, path = request.param
    draft = load_draft(path) if kind == "example" else make_draft(tasks=120, activities=30, issuers=3)
    template = load_template("gd-2020-haowangmin")
    work = tmp_path_factory.mktemp(f"lo-{kind}")
    docx = work / f"{kind}.docx"
    export_one(draft, template, "docx", docx)
    pdf = convert(docx, work)
    with pdfplumber.open(pdf) as p:
        pages = [(pg.width, pg.height, pg.extract_text() or "") for pg in p.pages]
    return draft, build_document(draft, template), pages, pdf


def test_pages_are_a4(converted):
    _, _, pages, _ = converted
    assert len(pages) >= 4
    for w, h, _ in pages:
        assert abs(w - gb.mm_to_pt(gb.PAGE_W_MM)) < 0.5 and abs(h - gb.mm_to_pt(gb.PAGE_H_MM)) < 0.5


def test_pdf_holds_title_tasks_and_colophon(converted):
    draft, doc, pages, _ = converted
    # page numbers interrupt text that runs over a page break
    text = squash("".join(re.sub(r"—\s*\d+\s*—", "", t) for _, _, t in pages))
    assert squash(doc.subject) in text  # the notice title
    assert squash(draft.plan.title) in text
    for issuer in draft.notice.issuers:
        assert squash(issuer) in text
    pos = 0
    for group in draft.plan.task_groups:
        for task in group.tasks:
            pos = text.index(squash(task.title), pos)  # every task title, in order
    # (annex cells wrap, and text extraction interleaves columns: the XML tests check cell texts)
    last = squash(pages[-1][2])
    assert squash(doc.colophon.cc) in last
    assert squash(doc.colophon.printer) in last and squash(doc.colophon.print_date) in last


def test_colophon_page_is_even_and_unnumbered(converted):
    _, _, pages, _ = converted
    assert len(pages) % 2 == 0  # the 版记 is on the back of the last sheet
    assert not re.search(r"—\s*\d+\s*—", pages[-1][2])
    assert re.search(r"—\s*1\s*—", pages[0][2])  # page 1 is numbered
    numbered = [int(m.group(1)) for _, _, t in pages for m in re.finditer(r"—\s*(\d+)\s*—", t)]
    assert numbered == list(range(1, len(numbered) + 1))


def test_red_mark_and_black_colophon_rules(converted):
    _, _, _, pdf = converted
    with pdfplumber.open(pdf) as p:
        first, last = p.pages[0], p.pages[-1]
        red = [c for c in first.chars if _is_red(c.get("non_stroking_color"))]
        assert red, "organ mark not red"
        rules = [o for o in first.lines + first.rects if _is_red(o.get("stroking_color"))
                 or _is_red(o.get("non_stroking_color"))]
        assert rules and abs(rules[0]["x0"] - 79.37) < 3 and abs(rules[0]["x1"] - 521.57) < 3
        lines = last.lines + last.rects
        assert len(lines) >= 2
        for ln in lines:
            assert abs(ln["x0"] - 79.37) < 3 and abs(ln["x1"] - 521.57) < 3
            assert not _is_red(ln.get("stroking_color")) and not _is_red(ln.get("non_stroking_color"))


def _is_red(col) -> bool:
    if not col or not isinstance(col, (tuple, list)):
        return False
    if len(col) == 3:
        return col[0] >= 0.8 and col[1] <= 0.3 and col[2] <= 0.3
    if len(col) == 4:
        return col[1] >= 0.6 and col[2] >= 0.6 and col[0] <= 0.15 and col[3] <= 0.15
    return False
