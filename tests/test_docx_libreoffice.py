"""The Word export as a clerk prints it: LibreOffice against our own PDF.

Each draft is exported twice, as .docx and as .pdf; LibreOffice prints the
.docx with the same open stand-in fonts our PDF uses (tests/support), and the
two printouts are compared the way a clerk holding them side by side would:
the same pages, the same lines on each page, 28 characters a full line, 22
lines a page, page numbers, the annex and the 版记 on the same pages, the
版头 at the same height. One conversion per draft, each with its own
LibreOffice profile (parallel-safe).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import official as gb
from desktop.export import ExportOptions, export_one
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template
from tests.conftest import example_paths
from tests.support.printed import SOFFICE, TA_BOTTOM, TA_LEFT, TA_RIGHT, TA_TOP, libreoffice_print, read_lines, \
    same_lines
from tests.test_docx import hostile_draft

pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")]


def _no_seal(draft):
    draft.notice.signature_layout = "no_seal"
    return draft


def _full_page_before_annex():
    """A plan whose last page before the annex is filled to its last line: the section break
    there must not spill onto a page of its own (LibreOffice then added two blank pages)."""
    from desktop.export import lay_out

    for tasks in range(16, 60):
        draft = make_draft(tasks=tasks, seed=3)
        laid = lay_out(draft, load_template(draft.template), ExportOptions())
        annex = next(p.index for p in laid.pages if any(r.kind == "attachment-label" for r in p.runs))
        if laid.pages[annex - 2].body_lines == gb.STANDARD.lines_per_page:
            return draft
    raise AssertionError("no plan of 16 to 59 tasks fills the page before its annex")


DRAFTS = {
    "full-page-before-annex": _full_page_before_annex,
    "example": lambda: load_draft(example_paths()[0]),
    "three-issuers-200-tasks": lambda: make_draft(tasks=200, activities=40, issuers=3),
    "six-issuers": lambda: make_draft(tasks=40, activities=13, issuers=6, seed=9),
    "two-issuers-no-seal": lambda: _no_seal(make_draft(tasks=60, activities=20, issuers=2, seed=5)),
    "hostile": hostile_draft,
    "preset-29.2pt-50mm-seals": lambda: make_draft(tasks=40, activities=13, issuers=4, seed=9),
}
# An office preset: exact 29.2 pt lines (21 a page) and 50 mm seals.
OPTIONS = {"preset-29.2pt-50mm-seals": ExportOptions(standard=gb.Standard(line_pitch_twips=584, exact_lines=True,
                                                                          seal_diameter_mm=50))}
# LibreOffice sets the text of an exact line at 80 % of its height, Word and our PDF in its middle
# (3 pt lower; 4 pt for the 黑体 stand-in, whose descent is large).
HEIGHT_TOLERANCE = {"preset-29.2pt-50mm-seals": 4.5}
# Emoji and characters outside the stand-in fonts are measured by each
# program with its own fallback font, so a few lines of the hostile draft differ;
# with no line break placed for them (issue 27.3) such a paragraph can take a
# line more or less, and the pages after it shift by that line.
SAME_LINES = {"hostile": 0.97}
FALLBACK_SHIFT = {"hostile": 1}
SAME_PAGES = {"hostile": 0.7}  # share of our lines on pages that read the same in both


def _outside_stand_in_fonts(text: str) -> bool:
    return any(ord(c) > 0xFFFF or 0x2600 <= ord(c) <= 0x27BF or c == "\u200d" for c in text)


def _moved_whole_pages(draft, options) -> set[int]:
    """The notice's pages whose lines LibreOffice sets otherwise, and why: when page 1
    can hold the paragraph before the 署名 but not the block, our layout (and Word)
    keeps only its last line with the block, so that page 1 shows body text (7.3.2);
    LibreOffice moves a paragraph kept with the next one whole, so it prints that
    paragraph on the 署名's page. No break may be placed to stop it (issue 27.3)."""
    from desktop.document import Signature
    from desktop.export import lay_out

    laid = lay_out(draft, load_template(draft.template), options)
    blocks = laid.doc.blocks
    sig = next(i for i, b in enumerate(blocks) if isinstance(b, Signature))
    before = sig - 1
    if before in laid.info.kept_together or before in laid.info.untied:
        return set()
    date = next(p.index for p in laid.pages if any(r.kind == "signature" for r in p.runs))
    return set(range(1, date + 1))


@pytest.fixture(scope="module", params=sorted(DRAFTS))
def printed(request, tmp_path_factory):
    name = request.param
    draft = DRAFTS[name]()
    template = load_template(draft.template)
    work = tmp_path_factory.mktemp(f"lo-{name}")
    options = OPTIONS.get(name, ExportOptions())
    export_one(draft, template, "docx", work / f"{name}.docx", options)
    export_one(draft, template, "pdf", work / f"{name}-ours.pdf", options)
    ours = read_lines(work / f"{name}-ours.pdf")
    theirs = read_lines(libreoffice_print(work / f"{name}.docx", work))
    ours.moved_whole = _moved_whole_pages(draft, options)  # type: ignore[attr-defined]
    return name, ours, theirs


def test_same_pages(printed):
    name, ours, theirs = printed
    assert theirs.pages == ours.pages, name
    assert ours.pages >= 4


def test_full_lines_hold_28_characters(printed):
    """The review that found 14 characters a line: every justified line LibreOffice
    prints reaches the right edge with 25 to 28 cells, almost all 27 or more."""
    name, _, theirs = printed
    full = [ln for ln in theirs.full_lines() if not any(ch.isascii() for ch in ln.text)  # spaces have no cells
            and not _outside_stand_in_fonts(ln.text)]
    assert len(full) >= 20
    for line in full:
        cells = (line.x0 - TA_LEFT) / ((TA_RIGHT - TA_LEFT) / 28) + line.cells
        assert 24.5 <= cells <= 28.05, (name, line.page, line.text)
    wide = [ln for ln in full if (ln.x0 - TA_LEFT) / ((TA_RIGHT - TA_LEFT) / 28) + ln.cells >= 26.95]
    assert len(wide) >= 0.8 * len(full)


def test_same_lines_on_each_page(printed):
    name, ours, theirs = printed
    mine, lo = ours.lines_per_page(), theirs.lines_per_page()
    assert set(mine) == set(lo)
    moved = ours.moved_whole
    for page in mine:
        if page in moved:  # the paragraph before the 署名 moves, nothing else
            continue
        assert abs(lo[page] - mine[page]) <= FALLBACK_SHIFT.get(name, 0), (name, page, lo[page], mine[page])
    if moved:
        assert sum(lo[p] for p in moved) == sum(mine[p] for p in moved)
        assert mine[1] > lo[1] and max(moved) in lo  # the same lines, fewer on page 1
    assert max(lo.values()) == (21 if name.startswith("preset-29.2") else 22)
    same, total, diffs = same_lines(ours, theirs)
    assert total > 50
    assert same / total >= SAME_LINES.get(name, 1.0), diffs


def test_same_page_numbers_annex_and_colophon(printed):
    name, ours, theirs = printed
    numbers = theirs.page_numbers()
    assert numbers == ours.page_numbers()
    assert numbers[1] == 1 and all(v == k for k, v in numbers.items())
    assert theirs.annex_pages() == ours.annex_pages() and len(ours.annex_pages()) == 1
    col = theirs.colophon_pages()
    assert col == ours.colophon_pages() == [theirs.pages]
    assert theirs.pages % 2 == 0  # the 版记 on the back of the last sheet
    # 7.5: every page is numbered but a blank page and the 版记 page after it
    blank = theirs.pages - 1 not in numbers
    assert (theirs.pages in numbers) != blank
    # where the PDF prints it: the footer's row centres the number 7 mm below the type area
    at = {ln.page: (ln.baseline, ln.x0) for ln in ours.lines if ln.page in numbers and ln.text.strip().startswith("—")}
    for ln in theirs.lines:
        if ln.page in at and ln.text.strip().startswith("—") and ln.baseline > TA_BOTTOM:
            assert abs(ln.baseline - at[ln.page][0]) <= 1.0 and abs(ln.x0 - at[ln.page][1]) <= 1.0, (name, ln.page)


def test_lines_at_the_same_height(printed):
    """Word and LibreOffice centre a line in its grid line, and so does our PDF. Compared
    on the pages that hold the same lines in both (see test_same_lines_on_each_page)."""
    name, ours, theirs = printed
    mine: dict[tuple[int, str], list[float]] = {}
    same_pages = {p for p in ours.lines_per_page()
                  if [ln.squashed for ln in ours.body_lines() if ln.page == p]
                  == [ln.squashed for ln in theirs.body_lines() if ln.page == p]}
    assert not set(ours.lines_per_page()) - same_pages - ours.moved_whole or name in FALLBACK_SHIFT
    for ln in ours.body_lines():
        mine.setdefault((ln.page, ln.squashed), []).append(ln.baseline)
    checked = 0
    for ln in theirs.body_lines():
        ys = mine.get((ln.page, ln.squashed))
        if ys and ln.page in same_pages:
            y = min(ys, key=lambda v: abs(v - ln.baseline))
            assert abs(ln.baseline - y) <= HEIGHT_TOLERANCE.get(name, 2.0), (name, ln.page, ln.text, ln.baseline, y)
            checked += 1
    assert checked >= SAME_PAGES.get(name, 0.85) * len(ours.body_lines())


def test_header_at_the_same_height(printed):
    name, ours, theirs = printed
    assert theirs.red_rule_y is not None and ours.red_rule_y is not None
    assert abs(theirs.red_rule_y - ours.red_rule_y) <= 1.4  # HD-08 strict tolerance
    mark = [ln for ln in theirs.lines if ln.page == 1 and ln.baseline < theirs.red_rule_y and ln.size > 17]
    mine = [ln for ln in ours.lines if ln.page == 1 and ln.baseline < ours.red_rule_y and ln.size > 17]
    assert mark and len(mark) == len(mine)
    for a, b in zip(mark, mine):
        assert a.squashed == b.squashed and abs(a.baseline - b.baseline) <= 1.4, (name, a.text)


def test_colophon_last_rule_on_the_type_area_bottom(printed, tmp_path):
    import pdfplumber

    name, _, theirs = printed
    with pdfplumber.open(theirs.path) as pdf:
        last = pdf.pages[-1]
        rules = [o for o in last.lines + last.rects if o["x1"] - o["x0"] > 400]
        assert rules
        bottom = max((o["top"] + o["bottom"]) / 2 for o in rules)
        assert abs(bottom - TA_BOTTOM) <= 2.8, (name, bottom)  # BJ-04
        for o in rules:
            assert abs(o["x0"] - TA_LEFT) < 3 and abs(o["x1"] - TA_RIGHT) < 3
    top = [ln for ln in theirs.lines if ln.page == theirs.pages]
    assert top and min(ln.baseline for ln in top) > TA_TOP


def test_mark_is_red(printed):
    import pdfplumber

    name, _, theirs = printed
    with pdfplumber.open(theirs.path) as pdf:
        first = pdf.pages[0]
        red = [c for c in first.chars if _is_red(c.get("non_stroking_color"))]
        assert red and all(c["top"] < theirs.red_rule_y for c in red)


def _is_red(col) -> bool:
    if not col or not isinstance(col, (tuple, list)):
        return False
    if len(col) == 3:
        return col[0] >= 0.8 and col[1] <= 0.3 and col[2] <= 0.3
    if len(col) == 4:
        return col[1] >= 0.6 and col[2] >= 0.6 and col[0] <= 0.15 and col[3] <= 0.15
    return False


def test_support_reads_lines_top_down(tmp_path: Path):
    """The comparison's own reader: lines come top to bottom, left to right."""
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "t.pdf"
    c = canvas.Canvas(str(pdf), pagesize=(595.3, 841.9))
    c.drawString(100, 700, "upper")
    c.drawString(100, 600, "lower")
    c.save()
    got = read_lines(pdf)
    assert [ln.text for ln in got.lines] == ["upper", "lower"]
