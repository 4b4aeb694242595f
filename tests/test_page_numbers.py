"""Page numbers by 7.5, read from the PDF and the Word file.

Every page carries "— N —" except a blank page and the 版记 page right after
it. Drafts are generated until each case appears in the PDF itself: the 版记
shares the annex's last page, follows the annex on the next page, or follows
a blank page.
"""

from __future__ import annotations

import io
import re
import zipfile

import pdfplumber
import pytest

from desktop.export import ExportOptions, export_one
from desktop.export.pdf import render_pdf_bytes
from desktop.sample import make_draft
from desktop.templates import load_template

TA_BOTTOM = 262 * 72 / 25.4
NUMBER = re.compile(r"^— (\d+) —$")


def _pages(draft):
    data, _ = render_pdf_bytes(draft, load_template(draft.template), ExportOptions())
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            foot = "".join(c["text"] for c in sorted(page.chars, key=lambda c: c["x0"]) if c["top"] > TA_BOTTOM)
            body = "".join(c["text"] for c in page.chars if c["top"] <= TA_BOTTOM)
            out.append((foot.strip(), body))
    return out


def _case(pages) -> str:
    colophon = next(i for i, (_, body) in enumerate(pages) if "印发" in body and "抄送" in body)
    if colophon > 0 and not pages[colophon - 1][1]:
        return "after-blank"
    return "with-annex" if "序号" in pages[colophon][1] else "after-annex"


@pytest.fixture(scope="module")
def cases():
    found = {}
    for acts in range(1, 40):
        d = make_draft(tasks=12, activities=acts, issuers=2, seed=4)
        pages = _pages(d)
        found.setdefault(_case(pages), (d, pages))
        if len(found) == 3:
            return found
    raise AssertionError(f"only these cases came up: {sorted(found)}")


@pytest.mark.parametrize("case", ["with-annex", "after-annex", "after-blank"])
def test_pdf_page_numbers(cases, case):
    _, pages = cases[case]
    n = len(pages)
    assert n % 2 == 0  # the 版记 on the back of the last sheet
    for i, (foot, body) in enumerate(pages, start=1):
        blank = not body
        last_after_blank = i == n and not pages[n - 2][1]
        if blank or last_after_blank:
            assert foot == "", (case, i)
        else:
            assert NUMBER.match(foot) and int(NUMBER.match(foot).group(1)) == i, (case, i, foot)
    if case == "after-blank":
        assert pages[-2] == ("", "") and pages[-1][0] == ""
    else:
        assert pages[-1][0] == f"— {n} —"


@pytest.mark.parametrize("case", ["with-annex", "after-annex", "after-blank"])
def test_word_numbers_the_same_pages(cases, case, tmp_path):
    draft, pages = cases[case]
    dest = tmp_path / "n.docx"
    export_one(draft, load_template(draft.template), "docx", dest)
    xml = zipfile.ZipFile(dest).read("word/document.xml").decode()
    sections = xml.count("<w:sectPr")
    footers = [n for n in zipfile.ZipFile(dest).namelist() if n.startswith("word/footer")]
    numbered = [n for n in footers if b"PAGE" in zipfile.ZipFile(dest).read(n)]
    # the annex opens a section on the page parity it has, so text added before it
    # cannot change where the 版记 goes (issue 27.3)
    if case == "after-blank":
        # a last section starting on an even page (the blank page comes before it by
        # itself), with footers that carry no number
        assert sections == 3 and len(numbered) == 2 and len(footers) == 4
    elif case == "after-annex":
        # the same last section, starting on the page after the annex's: numbered
        assert sections == 3 and len(numbered) == 4 and len(footers) == 4
    else:
        assert sections == 2 and len(numbered) == 2 and len(footers) == 2
    if case != "with-annex":
        assert '<w:type w:val="evenPage"/>' in xml[xml.rindex("<w:sectPr"):]
