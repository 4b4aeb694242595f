"""The Word file after a clerk has edited it, as LibreOffice prints it (issue 27.3).

The exported .docx is edited the way a clerk edits before issuing it, with
python-docx: two sentences added to the last body paragraph of the notice, a
paragraph added after it, the 成文日期 changed, an organ added to 抄送. Then
LibreOffice prints it (the stand-in fonts of tests/support) and the printout
must still be laid out as GB/T 9704 says, by the properties the file carries
rather than by breaks placed for the text as exported:

- the 署名 block is whole and shares its page with the last lines of the body
  (7.3.5: never a page of signature alone);
- the 版记 is whole, at the foot of the last page, which is even (7.4), its
  last rule on the type area's bottom;
- every page carries its number, odd pages on the right and even pages on the
  left, except a blank page before the 版记 and the 版记 page after it (7.5);
- the file has no line break and no paragraph split placed to control layout.

Run for the default layout and the 29.2 pt, 35 pt and GB2312-font presets,
and with so much added that the notice takes another page: the last part
(the annex, else the plan) is a section that starts on a page of the parity it
had, so the end of the text keeps its parity and the 版记 its page and number
(a blank page comes before that part instead).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from docx import Document as open_docx

from desktop import official as gb
from desktop.export import ExportOptions, export_one
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template
from tests.conftest import example_paths
from tests.support.printed import SOFFICE, TA_BOTTOM, TA_LEFT, TA_RIGHT, TA_TOP, libreoffice_print, read_lines

pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")]

PRESETS = {
    "default": gb.STANDARD,
    "29.2pt": gb.Standard(line_pitch_twips=584, exact_lines=True),
    "35pt": gb.Standard(line_pitch_twips=700, exact_lines=True),
    "gb2312": gb.Standard(font_preset="gb2312"),
}
ADDED = "各单位要加强组织领导，明确责任分工，确保各项任务落到实处。工作中遇到的问题请及时报告。"
NEW_PARAGRAPH = "请各单位于2020年12月20日前将全年工作总结报送市委网信办，逾期未报的将予以通报。"
NEW_DATE = "2020年12月31日"
NEW_ORGAN = "市委办公室"


def _edit_as_a_clerk(path: Path, draft, grow: int = 0) -> None:
    """python-docx, as a clerk's edits in Word would leave the file; ``grow`` more
    paragraphs of text before the notice's first paragraph."""
    d = open_docx(str(path))
    body = [line.strip() for line in draft.notice.body.strip().splitlines() if line.strip()]
    first = next(p for p in d.paragraphs if p.text.strip() == body[0])
    last = next(p for p in d.paragraphs if p.text.strip() == body[-1])
    tail = last.runs[-1]  # add two sentences to the last body paragraph
    tail._r.addnext(copy.deepcopy(tail._r))
    last.runs[-1].text = ADDED
    _paragraph_after(d, last, NEW_PARAGRAPH)  # and a paragraph after it
    for _ in range(grow):
        first.insert_paragraph_before(ADDED * 3, style=d.styles["公文正文"])
    old_date = gb.official_date(draft.notice.date)
    dated = [p for p in d.paragraphs if p.text.strip() == old_date]
    assert len(dated) == 1  # the 成文日期 line of the signature block
    for r in dated[0].runs:
        r.text = r.text.replace(old_date, NEW_DATE)
    cc = list({p._p: p for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs
               if p.text.startswith("抄送：")}.values())  # a merged cell is listed once per column
    assert len(cc) == 1
    cc[0].runs[-1].text = cc[0].runs[-1].text.rstrip("。") + f"，{NEW_ORGAN}。"
    d.save(str(path))


def _paragraph_after(d, paragraph, text: str) -> None:
    """A new paragraph after ``paragraph`` with its formatting, as Enter at its end gives in Word."""
    new = copy.deepcopy(paragraph._p)
    paragraph._p.addnext(new)
    added = next(p for p in d.paragraphs if p._p is new)
    for r in added.runs[1:]:
        r._r.getparent().remove(r._r)
    added.runs[0].text = text


def _check_printout(printed, draft) -> None:
    lines = printed.lines
    pages = printed.pages
    # 7.4: the 版记 whole at the foot of the last page, which is even
    cc = [ln for ln in lines if ln.squashed.startswith("抄送：")]
    issued = [ln for ln in lines if ln.squashed.endswith("印发") and 13 <= ln.size <= 15]
    assert cc and issued, "版记 missing"
    assert {ln.page for ln in cc} == {ln.page for ln in issued} == {pages}, (cc, issued, pages)
    assert pages % 2 == 0, f"the 版记 is on page {pages}, an odd page"
    assert NEW_ORGAN in "".join(ln.squashed for ln in lines if ln.page == pages and 13 <= ln.size <= 15)
    assert max(ln.baseline for ln in issued) <= TA_BOTTOM and max(ln.baseline for ln in issued) > TA_BOTTOM - 29
    import pdfplumber

    with pdfplumber.open(printed.path) as pdf:
        last = pdf.pages[-1]
        rules = [o for o in last.lines + last.rects if o["x1"] - o["x0"] > 400]
        assert rules and abs(max((o["top"] + o["bottom"]) / 2 for o in rules) - TA_BOTTOM) <= 2.8  # BJ-04
    # 7.3.5: the signature block whole, with body text above it on its page
    names = [n.strip() for n in draft.notice.effective_signatures]
    date = [ln for ln in lines if ln.squashed == NEW_DATE]
    assert len(date) == 1, "成文日期"
    sig_page = date[0].page
    for name in names:
        found = [ln for ln in lines if name in ln.squashed and ln.baseline < date[0].baseline + 1
                 and ln.page == sig_page]
        assert found, (name, sig_page)
    first_name = min((ln.baseline for ln in lines if ln.page == sig_page and any(n in ln.squashed for n in names)
                      and 15.5 <= ln.size <= 16.5 and ln.baseline > TA_TOP), default=None)
    assert first_name is not None
    body_above = [ln for ln in lines if ln.page == sig_page and 15.5 <= ln.size <= 16.5
                  and TA_TOP < ln.baseline < first_name]
    assert body_above, f"no body line above the 署名 on page {sig_page}"
    # the line right above the block is the end of the paragraph the clerk added
    assert max(body_above, key=lambda ln: ln.baseline).squashed in NEW_PARAGRAPH
    # 7.5: numbers on every page but a blank page and the 版记 page after it; odd right, even left
    numbers = printed.page_numbers()
    blank = [k for k in range(1, pages + 1) if not [ln for ln in lines if ln.page == k]]
    colophon_only = not [ln for ln in lines if ln.page == pages and 15.5 <= ln.size <= 16.5 and ln.baseline < TA_BOTTOM]
    for k in range(1, pages + 1):
        if k in blank:
            assert k not in numbers, f"page {k} should carry no number"
        elif k == pages and pages - 1 in blank and colophon_only:
            assert k not in numbers, f"page {k} should carry no number"
        else:
            assert numbers.get(k) == k, (k, numbers)
    for ln in lines:
        if re.fullmatch(r"—\s*\d+\s*—", ln.text.strip()) and ln.baseline > TA_BOTTOM:
            if ln.page % 2:
                assert abs(ln.x1 - (TA_RIGHT - 14)) < 3, (ln.page, ln.x1)
            else:
                assert abs(ln.x0 - (TA_LEFT + 14)) < 3, (ln.page, ln.x0)


def _no_layout_breaks(path: Path, draft) -> None:
    """No w:br in the text (the titles' chosen lines aside), no paragraph split before the 署名."""
    d = open_docx(str(path))
    for p in d.paragraphs:
        if p.style.style_id in ("GwTitle",):
            continue
        assert not p._p.xpath(".//w:br"), p.text[:30]
    body_end = draft.notice.body.strip().splitlines()[-1].strip()
    assert sum(body_end in p.text for p in d.paragraphs) == 1
    assert not any(p.paragraph_format.alignment == 4 for p in d.paragraphs)  # no 分散对齐 left behind


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_edited_word_file_keeps_its_layout(preset, tmp_path):
    draft = load_draft(example_paths()[0])
    template = load_template(draft.template)
    path = tmp_path / f"{preset}.docx"
    export_one(draft, template, "docx", path, ExportOptions(standard=PRESETS[preset]))
    _no_layout_breaks(path, draft)
    _edit_as_a_clerk(path, draft)
    _check_printout(read_lines(libreoffice_print(path, tmp_path)), draft)


@pytest.mark.parametrize("issuers,grow", [(3, 3), (1, 5), (2, 4)])
def test_edits_that_move_the_end_of_the_text_to_another_page(issuers, grow, tmp_path):
    """So much added to the notice that the later pages move on: the annex (or the plan) still
    starts on a page of the parity it had, so the 版记 keeps its place and number."""
    draft = make_draft(tasks=14, activities=5, issuers=issuers, seed=11)
    template = load_template(draft.template)
    path = tmp_path / "moved.docx"
    export_one(draft, template, "docx", path, ExportOptions())
    (tmp_path / "before").mkdir()
    before = read_lines(libreoffice_print(path, tmp_path / "before")).pages
    _edit_as_a_clerk(path, draft, grow)
    printed = read_lines(libreoffice_print(path, tmp_path))
    assert printed.pages > before
    _check_printout(printed, draft)
