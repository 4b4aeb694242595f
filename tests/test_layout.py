"""The layout engine on its own: line breaking, justification, pagination,
the 版记's even last page. Uses GridFonts (no font files) so the geometry is
exact and independent of the machine."""

from __future__ import annotations

import pytest

from desktop import official as gb
from desktop.document import Span, build_document
from desktop.layout import NO_END, NO_START, TA_BOTTOM, TA_LEFT, TA_RIGHT, TA_TOP, GridFonts, layout_document
from desktop.layout.engine import L, PITCH, TRACK, layout_memo, paragraph_lines
from desktop.layout.linebreak import Glyph, break_lines, positions
from desktop.sample import make_draft

FONTS = GridFonts()
W = gb.TYPE_W_PT


def glyphs(text: str, size: float = 16.0) -> list[Glyph]:
    return [Glyph(ch, gb.char_units(ch) * size, "f", gb.FANGSONG) for ch in text]


def lines_of(text: str, first: float = 0.0) -> list[str]:
    g = glyphs(text)
    return [text[ln.start:ln.end] for ln in break_lines(g, W, first * PITCH, 0, TRACK, 3.2)]


def test_28_cells_a_line():
    assert lines_of("国" * 28) == ["国" * 28]
    assert lines_of("国" * 29) == ["国" * 28, "国"]
    assert lines_of("国" * 60, first=2) == ["国" * 26, "国" * 28, "国" * 6]


def test_closing_mark_pushes_a_character_out():
    out = lines_of("国" * 28 + "。后文")
    assert out == ["国" * 27, "国。后文"]
    out = lines_of("国" * 27 + "“引号”")
    assert out[0] == "国" * 27 and out[1].startswith("“")  # opening mark never ends a line
    out = lines_of("国" * 26 + "……——后")
    assert all(line[0] not in NO_START and line[-1] not in NO_END for line in out)
    assert "".join(out) == "国" * 26 + "……——后"


@pytest.mark.parametrize("word", ["2020", "0757-83031234", "H5", "=1+1", "#N/A"])
def test_numbers_and_words_stay_whole(word):
    for k in range(20, 29):
        text = "国" * k + word + "国" * 10
        out = lines_of(text)
        assert "".join(out) == text
        assert any(word in line for line in out), (k, out)


def test_word_longer_than_a_line_is_cut():
    text = "A" * 100
    out = lines_of(text)
    # 57 x (8 - 0.25) = 441.75 pt fits the 442.2 pt line, 58 would not
    assert "".join(out) == text and [len(x) for x in out] == [57, 43]


def test_full_lines_meet_the_right_edge_last_line_tracked():
    g = glyphs("国" * 27 + "2020年的工作" + "国" * 5)
    lines = break_lines(g, W, 0, 0, TRACK, 3.2)
    xs, extra = positions(g, lines[0], W, TRACK, 3.2)
    last = lines[0].end - 1
    assert xs[0] == 0 and abs(xs[-1] + g[last].advance - W) < 1e-6
    xs, extra = positions(g, lines[-1], W, TRACK, 3.2)
    assert extra == 0
    seg = g[lines[-1].start:lines[-1].end]
    # Tracked at -0.25 pt, except 3.2 pt of 中西文间距 between 国/年 and 2020.
    steps = [round(b - a - ch.advance, 6) for a, b, ch in zip(xs, xs[1:], seg)]
    text = "".join(ch.ch for ch in seg)
    want = [3.2 if (x.isdigit()) != (y.isdigit()) and "年" in (x + y) + "国" else -0.25
            for x, y in zip(text, text[1:])]
    assert steps == [3.2 if gb.autospace_after(x, y) else -0.25 for x, y in zip(text, text[1:])]
    assert 3.2 in steps and -0.25 in steps and len(want) == len(steps)


def test_28_characters_fit_with_tracking_and_29_do_not():
    g = glyphs("国" * 29)
    assert [ln.end - ln.start for ln in break_lines(g, W, 0, 0, TRACK, 3.2)] == [28, 1]
    # Without the tracking only 27 fit: 28 x 16 pt = 448 pt > 442.2 pt.
    assert [ln.end - ln.start for ln in break_lines(g, W, 0, 0, 0.0, 3.2)] == [27, 2]


def test_autospace_takes_room_at_the_line_end():
    # 26 Chinese + "10" = 27 cells; the two gaps of 3.2 pt push the last character out.
    text = "国" * 25 + "年10月" + "国"
    out = [text[ln.start:ln.end] for ln in break_lines(glyphs(text), W, 0, 0, TRACK, 3.2)]
    assert out == ["国" * 25 + "年10", "月国"]


def test_paragraph_lines_keep_within_type_width():
    runs = paragraph_lines(FONTS, [Span("网络" * 500)], 16, W, 2 * PITCH, 0, TRACK)
    for line in runs:
        for r in line:
            end = r.x + len(r.text) * (16 + r.char_space) - r.char_space
            assert r.x >= 0 and end <= W + 0.3


@pytest.fixture(scope="module")
def tmpl():
    from desktop.templates import load_template

    return load_template("gd-2020-haowangmin")


def test_last_page_even_in_every_case(tmpl):
    """Vary the length so the text ends on odd pages, on even pages with and
    without room for the 版记: each branch must give an even last page with the
    版记 on it; only a blank page and the 版记 page right after it go unnumbered
    (7.5)."""
    seen = set()
    for tasks in range(1, 46):
        draft = make_draft(tasks=tasks, activities=0, issuers=1 + tasks % 3, paragraph_chars=70 + tasks % 5 * 9)
        pages = layout_document(build_document(draft, tmpl), FONTS)
        assert len(pages) % 2 == 0
        last = pages[-1]
        assert any(r.kind == "colophon" for r in last.runs)
        assert all(r.kind != "colophon" for p in pages[:-1] for r in p.runs)
        bottom = max(rule.y0 for rule in last.rules if rule.kind == "colophon")
        assert abs(bottom - TA_BOTTOM) < 1e-6
        top = min(rule.y0 for rule in last.rules if rule.kind == "colophon")
        assert all(r.baseline < top for r in last.runs if r.kind not in ("colophon", "page-number"))
        kinds = tuple(p.kind for p in pages[-2:])
        seen.add(kinds)
        after_blank = len(pages) > 1 and pages[-2].kind == "blank"
        for p in pages:
            if p.kind == "blank" or (p is last and after_blank):
                assert p.number is None and not [r for r in p.runs if r.kind == "page-number"]
            else:
                assert p.number == p.index
                assert [r for r in p.runs if r.kind == "page-number"]
            if p.kind == "blank":
                assert not p.runs and p is pages[-2]
    assert ("body", "body") in seen  # 版记 shares the even last page with text
    assert ("body", "colophon") in seen  # text ended on an odd page
    assert ("blank", "colophon") in seen  # text filled an even page


def test_grid_positions(tmpl):
    draft = make_draft(tasks=40, issuers=3)
    pages = layout_document(build_document(draft, tmpl), FONTS)
    for p in pages[1:]:
        body = [r for r in p.runs if r.kind not in ("page-number", "colophon", "table")]
        if not body:
            continue
        # Word and LibreOffice centre a 3号 line in its 28.95 pt grid line:
        # the em box starts (28.95 - 16) / 2 = 6.475 pt below the line's top.
        tops = sorted({round(r.baseline - 16 * (1 - 0.12) - 6.475, 3) for r in body if r.size == 16})
        assert tops and abs(tops[0] - TA_TOP) < 1e-6 or min(r.baseline for r in body) > TA_TOP
        assert len(tops) <= gb.LINES_PER_PAGE
        for t in tops:  # every 3号 line sits on a grid line
            k = (t - TA_TOP) / L
            assert abs(k - round(k)) < 1e-4
        for r in body:
            assert r.x >= TA_LEFT - 1e-6
            # GridFonts: CJK a full em, ASCII half; tracking between glyphs
            width = sum(8.0 if ord(ch) < 0x2000 else 16.0 for ch in r.text) + (len(r.text) - 1) * r.char_space
            assert r.x + width <= TA_RIGHT + 0.05


def test_keep_heading_with_next_and_signature_with_body(tmpl):
    draft = make_draft(tasks=60, issuers=2)
    pages = layout_document(build_document(draft, tmpl), FONTS)
    for p in pages:
        body = sorted((r for r in p.runs if r.kind in ("heading", "body")), key=lambda r: r.baseline)
        if body:
            assert body[-1].kind != "heading" or body[-1].baseline == max(
                r.baseline for r in p.runs if r.kind not in ("page-number", "colophon"))
            # a heading is never the last text line of a page
            last_line = max(r.baseline for r in p.runs if r.kind in ("heading", "body", "table", "title"))
            assert not [r for r in p.runs if r.kind == "heading" and r.baseline == last_line]
    date = gb.official_date(draft.notice.date)

    def line_texts(p):  # runs split at 中西文间距: a line's text is its runs' texts in order
        by_y: dict[float, list] = {}
        for r in p.runs:
            by_y.setdefault(r.baseline, []).append(r)
        return {y: "".join(r.text for r in sorted(rs, key=lambda r: r.x)) for y, rs in by_y.items()}

    page = next(p for p in pages if date in line_texts(p).values())
    date_y = next(y for y, t in line_texts(page).items() if t == date)
    assert [r for r in page.runs if r.kind == "body" and r.baseline < date_y]


def test_joint_mark_fits_and_page_one_shows_body(tmpl):
    for issuers in (1, 2, 6):
        draft = make_draft(tasks=3, issuers=issuers)
        draft.notice.issuers = draft.notice.issuers + ["某某" * 25] * (issuers > 5) + ["办公室"] * (issuers > 5) * 8
        pages = layout_document(build_document(draft, tmpl), FONTS)
        mark = [r for r in pages[0].runs if r.kind == "mark"]
        assert mark
        for r in mark:
            assert r.x >= TA_LEFT - 1e-6
            assert r.x + sum(gb.char_units(c) * r.size + r.char_space for c in r.text) * r.hscale - \
                r.char_space * r.hscale <= TA_RIGHT + 0.3
        assert abs(min(r.baseline - r.size * 0.88 for r in mark) - (TA_TOP + 35 * gb.PT_PER_MM)) < 1e-6
        assert [r for r in pages[0].runs if r.kind == "body"], issuers


def test_overlong_header_and_colophon_texts_wrap_without_loss(tmpl):
    draft = make_draft(tasks=3)
    draft.notice.copy_no = "1" * 100
    draft.notice.secrecy = "机密" * 30
    draft.notice.signer = "张三" * 40
    draft.notice.print_date = "明天" * 40
    draft.notice.doc_number = "超长发文字号" * 12
    pages = layout_document(build_document(draft, tmpl), FONTS)
    text = "".join(p.text for p in pages)
    # (counted by character: a line may end between 张 and 三)
    assert text.count("1") >= 100 and text.count("机") >= 30 and text.count("张") >= 40 and text.count("三") >= 40
    assert text.count("明") >= 40 and text.count("超") >= 12 and text.count("号") >= 12
    for p in pages:
        for r in p.runs:
            if r.kind != "page-number":
                assert TA_LEFT - 1e-6 <= r.x <= TA_RIGHT


@pytest.mark.parametrize("printer, narrowed", [
    ("中共佛山市委网络安全和信息化委员会办公室秘书科", True),  # 24 characters: narrowed onto one line
    ("佛山市委网信办秘书科", False),
])
def test_printer_and_print_date_share_one_line(printer, narrowed):
    from desktop.document import Colophon
    from desktop.layout.engine import layout_colophon

    col = layout_colophon(FONTS, Colophon("抄送：省委网信办，省教育厅。", printer, "2020年5月13日印发"))
    runs = col.runs
    assert col.lines == 2 and (col.printer_hscale < 1) is narrowed
    line = [r for r in runs if r.baseline == max(x.baseline for x in runs)]
    assert "".join(r.text for r in line) == printer + "2020年5月13日印发"
    organ = [r for r in line if r.text in printer]
    assert all((r.hscale < 1) is narrowed for r in organ)
    assert all(r.hscale >= gb.MIN_HSCALE for r in line)
    date = [r for r in line if "印发" in r.text][0]
    organ_end = max(r.x + sum(gb.char_units(c) * r.size for c in r.text) * r.hscale for r in organ)
    assert organ_end <= date.x  # the organ never runs into the date


def _page_texts(pages) -> list[list[tuple[float, float, str]]]:
    return [[(round(r.x, 3), round(r.baseline, 3), r.text) for r in p.runs] for p in pages]


def test_laying_out_again_after_an_edit_equals_a_fresh_layout():
    """The preview lays the plan out after every edit and reuses the lines of
    paragraphs that did not change: the result must be what a fresh font set
    (no remembered lines) gives, and the edit must show."""
    from desktop.templates import load_template

    template = load_template("gd-2020-haowangmin")
    draft = make_draft(tasks=12, activities=4)
    fonts = GridFonts()
    layout_document(build_document(draft, template), fonts)
    task = draft.plan.task_groups[0].tasks[0]
    task.text = "改过的工作目标：" + "每月开展一次网络文明宣传活动，" * 6
    again = layout_document(build_document(draft, template), fonts)
    assert layout_memo(fonts).lines, "lines were remembered"
    fresh = layout_document(build_document(draft, template), GridFonts())
    assert _page_texts(again) == _page_texts(fresh)
    assert "改过的工作目标" in "".join(r.text for p in again for r in p.runs)
    # the runs handed out are the caller's own: changing one list leaves the remembered lines alone
    again[0].runs.clear()
    assert _page_texts(layout_document(build_document(draft, template), fonts)) == _page_texts(fresh)
