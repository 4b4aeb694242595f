"""The PDF export, read back with pdfplumber and checked against GB/T 9704
(strict column of the conformance matrix) on the example, a long joint-issue
plan and hostile text."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from desktop import official as gb
from desktop.document import build_document
from desktop.export import ExportOptions, export_one
from desktop.export.pdf import render_pdf_bytes
from desktop.fonts import font_set
from desktop.layout import NO_END, NO_START
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template
from tests.conftest import example_paths

MM = gb.PT_PER_MM
TA_LEFT, TA_RIGHT = 28 * MM, 184 * MM
TA_TOP, TA_BOTTOM = 37 * MM, 262 * MM
L = gb.LINE_PITCH_PT
C = gb.CHAR_PITCH_PT
C4 = gb.SIZE_4
SUBSET = re.compile(r"^[A-Z]{6}\+")


def hostile_draft():
    d = make_draft(tasks=8, activities=6, issuers=6, seed=7)
    long_organ = "中华人民共和国某某省某某市某某区人民政府网络安全和信息化工作领导小组办公室综合协调与宣传教育科"
    d.notice.issuers[1] = long_organ
    d.notice.signatures = list(d.notice.issuers)
    d.notice.body = ("现将方案印发给你们😀，公式=1+1、#N/A、@SUM(A1:A2)照常显示；生僻字𠀀𪚥也要保留。"
                     "咨询电话0757-83031234，网址https://www.example.gov.cn/haowangmin/2020/notice-index.html。"
                     "引号“测试”（括号）《书名》……——！？")
    big = "".join(f"第{i}句：网络文明建设需要全社会共同参与，H5作品与2020年数据同步发布。" for i in range(1, 700))
    d.plan.task_groups[0].tasks[0].text = big[:20000]
    d.plan.task_groups[1].tasks[0].text = "A" * 90 + "中文" + "，" * 3 + "（开" + "！" * 2
    d.activities[0].name = "=1+1 #N/A 😀𠀀 超长活动名称" * 4
    d.notice.cc = ["省委网信办", long_organ, "省教育厅"]
    return d


@pytest.fixture(scope="module")
def tmpl():
    return load_template("gd-2020-haowangmin")


CASES = {
    "example": lambda: load_draft(example_paths()[0]),
    "long-joint": lambda: make_draft(tasks=200, issuers=5),
    "hostile": hostile_draft,
}
_CACHE: dict[str, tuple] = {}


def rendered(name: str, tmpl):
    if name not in _CACHE:
        draft = CASES[name]()
        data, notes = render_pdf_bytes(draft, tmpl, ExportOptions())
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [{"w": p.width, "h": p.height, "chars": list(p.chars), "lines": list(p.lines),
                      "rects": list(p.rects)} for p in pdf.pages]
            fonts = _font_objects(pdf)
        _CACHE[name] = (draft, data, notes, pages, fonts)
    return _CACHE[name]


def _font_objects(pdf) -> list[dict]:
    out = []
    for page in pdf.pages:
        res = page.page_obj.resources or {}
        fonts = res.get("Font", {})
        fonts = fonts.resolve() if hasattr(fonts, "resolve") else fonts
        for ref in fonts.values():
            f = ref.resolve() if hasattr(ref, "resolve") else ref
            desc = f.get("FontDescriptor")
            desc = desc.resolve() if hasattr(desc, "resolve") else desc
            out.append({"name": f.get("BaseFont").name, "desc": desc or {}})
    return out


def is_red(col) -> bool:
    return col is not None and len(col) == 3 and col[0] >= 0.8 and col[1] <= 0.3 and col[2] <= 0.3


def is_black(col) -> bool:
    if col is None:
        return True
    return max(col) <= 0.1 if len(col) in (1, 3) else col[3] >= 0.9


def baseline(ch, page_h) -> float:
    return page_h - ch["matrix"][5]


def text_lines(page, pred=lambda ch: True):
    """Lines of chars (same baseline within 0.5 pt), sorted by x."""
    chars = sorted((c for c in page["chars"] if pred(c)), key=lambda c: (baseline(c, page["h"]), c["x0"]))
    lines: list[list[dict]] = []
    for c in chars:
        if lines and abs(baseline(lines[-1][0], page["h"]) - baseline(c, page["h"])) <= 0.5:
            lines[-1].append(c)
        else:
            lines.append([c])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def units(chars) -> float:
    return sum(gb.char_units(c["text"]) for c in chars)


def is_page_number(ch) -> bool:
    return ch["top"] > TA_BOTTOM


def body16(ch) -> bool:
    return abs(ch["size"] - 16) < 0.05 and is_black(ch["non_stroking_color"]) and not is_page_number(ch)


def page_has_text(page) -> bool:
    return any(not is_page_number(c) for c in page["chars"])



ALL = list(CASES)


def colophon_rules(page):
    """The 版记 lines: type-area wide, at least 0.6 pt (table rules are thinner)."""
    return sorted((ln for ln in page["lines"] if ln["x1"] - ln["x0"] > 400 and ln["linewidth"] >= 0.6
                   and ln["top"] > TA_TOP + 100), key=lambda ln: ln["top"])


@pytest.mark.parametrize("name", ALL)
def test_a4_and_grid(name, tmpl):
    _, _, _, pages, _ = rendered(name, tmpl)
    for i, p in enumerate(pages, start=1):
        assert abs(p["w"] - 595.276) < 0.5 and abs(p["h"] - 841.89) < 0.5
        for c in p["chars"]:
            if is_page_number(c):
                continue
            assert c["x0"] >= TA_LEFT - 0.01, (name, i, c["text"], c["x0"])
            assert c["x1"] <= TA_RIGHT + 0.3, (name, i, c["text"], c["x1"])
            assert c["top"] >= TA_TOP - 0.5 and c["bottom"] <= TA_BOTTOM + 0.5, (name, i, c["text"])
        lines = text_lines(p, body16)
        assert len(lines) <= gb.LINES_PER_PAGE, (name, i, len(lines))
        for line in lines:
            # 28 cells of 16 pt tracked by -0.25 pt: 28 Chinese characters, or 57 half-width ones
            assert units(line) * 16 - 0.25 * len(line) <= 442.2 + 0.3, (name, i, "".join(c["text"] for c in line))
            if all(gb.char_units(c["text"]) == 1 for c in line):
                assert len(line) <= gb.CHARS_PER_LINE, (name, i, "".join(c["text"] for c in line))


@pytest.mark.parametrize("name", ALL)
def test_full_lines_are_justified_on_the_grid(name, tmpl):
    _, _, _, pages, _ = rendered(name, tmpl)
    full = 0
    for p in pages:
        for line in text_lines(p, body16):
            if units(line) == gb.CHARS_PER_LINE and all(gb.char_units(c["text"]) == 1 for c in line):
                full += 1
                assert abs(line[0]["x0"] - TA_LEFT) < 0.05
                assert TA_RIGHT - 0.05 <= line[-1]["x1"] <= TA_RIGHT + 0.3
                steps = [b["x0"] - a["x0"] for a, b in zip(line, line[1:])]
                assert all(abs(s - C) <= 0.05 for s in steps), steps
    assert full > 0


def first_line_problems(pages) -> list[tuple[int, str]]:
    """(page, what is wrong) for every page after the first that does not start
    on the type area's first grid line. Body text (3号 and the 2号 titles) is
    centred in the first grid line as Word and LibreOffice centre it: the em
    box starts (L - size) / 2 below the type area (6.475 pt for 3号, 3.475 pt
    for 2号; PG-02 strict allows 36.5 mm up to that plus 0.5 mm). A page that
    a table continues onto starts with the table's top rule on the type area's
    top edge; only the blank page and the 版记-only page may start elsewhere."""
    problems = []
    for i, p in enumerate(pages[1:], start=2):
        chars = [c for c in p["chars"] if not is_page_number(c) and c["size"] >= 16 - 0.05]
        table = [ln for ln in p["lines"] if ln["x1"] - ln["x0"] > 400 and abs(ln["top"] - TA_TOP) < 1]
        if table:
            if chars and min(c["top"] for c in chars) < TA_TOP:
                problems.append((i, "text above the table's top rule"))
            continue
        if not chars:
            if i < len(pages) - 1:
                problems.append((i, "neither text nor a table at the top"))
            continue
        lines = text_lines(p, lambda c: c in chars)  # noqa: B023 - text_lines calls it before returning
        top = min(c["top"] for c in lines[0])
        expected = {16: 6.475, 22: 3.475}.get(round(lines[0][0]["size"]))
        if expected is None or abs(top - TA_TOP - expected) > 0.1:
            problems.append((i, f"first line's top {top - TA_TOP:.2f} pt below the type area"))
    return problems


@pytest.mark.parametrize("name", ALL)
def test_first_line_at_top_of_type_area(name, tmpl):
    _, _, _, pages, _ = rendered(name, tmpl)
    assert first_line_problems(pages) == [], name


def test_first_line_check_sees_a_page_pushed_down(tmpl):
    """The check above once passed when every later page's first line was
    pushed two lines down: here each page after the first has its first line
    moved down two grid lines, and every such page must be named."""
    from desktop.export import laid_out
    from desktop.export.pdf import render_pages

    draft = load_draft(example_paths()[0])
    doc, layout_pages, fonts, _ = laid_out(draft, tmpl, ExportOptions(), "PDF")
    shifted = []
    for page in layout_pages[1:]:
        body = [r for r in page.runs if r.kind not in ("page-number", "colophon")]
        if body:
            first = min(r.baseline for r in body)
            for r in body:
                if abs(r.baseline - first) < 0.5:
                    r.baseline += 2 * L
            shifted.append(page.index)
    data = render_pages(layout_pages, fonts, doc.title)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [{"w": p.width, "h": p.height, "chars": list(p.chars), "lines": list(p.lines)} for p in pdf.pages]
    assert len(shifted) >= 5
    assert [i for i, _ in first_line_problems(pages)] == shifted


@pytest.mark.parametrize("name", ALL)
def test_no_forbidden_marks_at_line_ends(name, tmpl):
    _, _, _, pages, _ = rendered(name, tmpl)
    checked = 0
    for i, p in enumerate(pages, start=1):
        for line in text_lines(p, body16):
            text = "".join(c["text"] for c in line).strip()
            if not text:
                continue
            checked += 1
            assert text[0] not in NO_START, (name, i, text)
            assert text[-1] not in NO_END, (name, i, text)
    assert checked > 10


@pytest.mark.parametrize("name", ALL)
def test_page_numbers(name, tmpl):
    _, _, _, pages, _ = rendered(name, tmpl)
    numbered = []
    blank = [i for i, p in enumerate(pages, start=1) if not p["chars"]]
    # 7.5: only a blank page, and the 版记 page right after it, go without a number
    unnumbered = set(blank) | ({len(pages)} if len(pages) - 1 in blank else set())
    for i, p in enumerate(pages, start=1):
        pn = [c for c in p["chars"] if is_page_number(c)]
        if i in unnumbered:
            assert not pn, (name, i)
            continue
        text = "".join(c["text"] for c in sorted(pn, key=lambda c: c["x0"]))
        assert re.fullmatch(r"— ?\d+ ?—", text), (name, i, text)
        assert int(re.sub(r"\D", "", text)) == i
        assert all(abs(c["size"] - gb.PAGE_NUMBER_SIZE) < 0.05 for c in pn)
        dashes = [c for c in sorted(pn, key=lambda c: c["x0"]) if c["text"] == "—"]
        centre = (dashes[0]["top"] + dashes[0]["bottom"]) / 2
        assert abs(centre - TA_BOTTOM - 7 * MM) <= 1.4, (name, i, centre)
        if i % 2:
            assert abs(dashes[-1]["x1"] - (TA_RIGHT - C4)) <= 1, (name, i)
        else:
            assert abs(dashes[0]["x0"] - (TA_LEFT + C4)) <= 1, (name, i)
        numbered.append(i)
    assert numbered == list(range(1, len(numbered) + 1))


@pytest.mark.parametrize("name", ALL)
def test_colophon_on_even_last_page(name, tmpl):
    draft, _, _, pages, _ = rendered(name, tmpl)
    assert len(pages) % 2 == 0
    last = pages[-1]
    rules = colophon_rules(last)
    assert len(rules) >= 2
    assert all(is_black(ln["stroking_color"]) for ln in rules)
    assert all(abs(ln["x0"] - TA_LEFT) <= 1.4 and abs(ln["x1"] - TA_RIGHT) <= 1.4 for ln in rules)
    assert abs(rules[-1]["top"] - TA_BOTTOM) <= 1.4
    assert 0.85 <= rules[0]["linewidth"] <= 1.15 and 0.85 <= rules[-1]["linewidth"] <= 1.15
    assert all(0.6 <= ln["linewidth"] <= 0.8 for ln in rules[1:-1])
    lines = text_lines(last, lambda c: not is_page_number(c) and c["top"] > rules[0]["top"])
    texts = ["".join(c["text"] for c in ln) for ln in lines]
    assert texts[0].startswith("抄送：") and texts[-1].endswith("印发")
    cc = lines[0]
    assert abs(cc[0]["x0"] - (TA_LEFT + C4)) <= 1 and all(abs(c["size"] - 14) < 0.05 for c in cc)
    printed = lines[-1]
    assert abs(printed[0]["x0"] - (TA_LEFT + C4)) <= 1 and abs(printed[-1]["x1"] - (TA_RIGHT - C4)) <= 1
    assert 0.1 * L <= rules[-1]["top"] - baseline(printed[0], last["h"]) <= 0.6 * L
    # nothing of the body below the first 版记 line, and the 版记 only on the last page
    assert not [c for c in last["chars"] if body16(c) and c["top"] > rules[0]["top"]]
    for p in pages[:-1]:
        assert "抄送：" not in "".join(c["text"] for c in p["chars"])
    # a blank page is really blank
    for p in pages[:-1]:
        if not p["chars"]:
            assert p is pages[-2]


@pytest.mark.parametrize("name", ALL)
def test_fonts_embedded_as_subsets(name, tmpl):
    _, _, _, pages, fonts = rendered(name, tmpl)
    assert fonts
    for f in fonts:
        assert SUBSET.match(f["name"]), f["name"]
        assert "FontFile2" in f["desc"], f["name"]
    for p in pages:
        for c in p["chars"]:
            assert SUBSET.match(c["fontname"])


@pytest.mark.parametrize("name", ALL)
def test_every_character_of_the_draft_is_in_the_pdf(name, tmpl):
    draft, _, _, pages, _ = rendered(name, tmpl)
    have = Counter(c["text"] for p in pages for c in p["chars"])
    doc = build_document(draft, tmpl)
    for text in doc.texts:
        need = Counter(ch for ch in text if not ch.isspace())
        for ch, n in need.items():
            assert have[ch] >= n, (name, ch, text[:40])
    # running text survives in order (across line and page breaks)
    flat = "".join(c["text"] for p in pages
                   for c in sorted(p["chars"], key=lambda c: (round(baseline(c, p["h"]), 1), c["x0"]))
                   if not is_page_number(c))
    flat = re.sub(r"\s", "", flat)
    for text in (draft.notice.body, draft.plan.preamble, draft.plan.goals):
        for para in text.split("\n"):
            assert re.sub(r"\s", "", para) in flat


def test_identical_bytes(tmpl):
    draft = load_draft(example_paths()[0])
    a, _ = render_pdf_bytes(draft, tmpl, ExportOptions())
    b, _ = render_pdf_bytes(load_draft(example_paths()[0]), tmpl, ExportOptions())
    assert a == b
    _, data, _, _, _ = rendered("example", tmpl)
    assert a == data


def test_header_positions_and_colours(tmpl):
    draft, _, _, pages, _ = rendered("example", tmpl)
    p1 = pages[0]
    red = [c for c in p1["chars"] if is_red(c["non_stroking_color"])]
    assert red
    assert abs(min(c["top"] for c in red) - 72 * MM) <= 1.4
    assert TA_LEFT - 0.01 <= min(c["x0"] for c in red) and max(c["x1"] for c in red) <= TA_RIGHT + 0.3
    # joint issue: 文件 right of the stacked names and vertically centred on them
    wen = [c for c in red if c["text"] in "文件"]
    wen = [c for c in wen if c["x0"] > max(x["x1"] for x in red if x not in wen) - 0.1]
    names = [c for c in red if c not in wen]
    assert len(wen) == 2
    mid = lambda cs: (min(c["top"] for c in cs) + max(c["bottom"] for c in cs)) / 2  # noqa: E731
    assert abs(mid(wen) - mid(names)) <= 1 * MM
    first_name = "".join(c["text"] for c in text_lines(p1, lambda c: c in names)[0])
    assert first_name == draft.notice.issuers[0]
    # every other char of every page is black
    for p in pages:
        for c in p["chars"]:
            if p is not p1 or c not in red:
                assert is_black(c["non_stroking_color"]), c["text"]
    # 发文字号 two lines below the mark, red line 4 mm below it, title two lines below
    num = [ln for ln in text_lines(p1) if "".join(c["text"] for c in ln) == draft.notice.doc_number][0]
    gap = num[0]["top"] - max(c["bottom"] for c in red)
    assert 2 * L - 2 <= gap <= 3 * L - 14
    assert abs((num[0]["x0"] + num[-1]["x1"]) / 2 - (TA_LEFT + TA_RIGHT) / 2) <= 1.4
    reds = [ln for ln in p1["lines"] if is_red(ln["stroking_color"])]
    assert len(reds) == 1
    rl = reds[0]
    assert abs(rl["x0"] - TA_LEFT) <= 1.4 and abs(rl["x1"] - TA_RIGHT) <= 1.4 and 0.8 <= rl["linewidth"] <= 3
    assert abs(rl["top"] - num[0]["bottom"] - 4 * MM) <= 1.4
    title = [c for c in p1["chars"] if abs(c["size"] - 22) < 0.05 and is_black(c["non_stroking_color"])]
    assert 2 * L - 2 <= min(c["top"] for c in title) - rl["top"] <= 3 * L - 14
    for ln in text_lines(p1, lambda c: c in title):
        assert abs((ln[0]["x0"] + ln[-1]["x1"]) / 2 - (TA_LEFT + TA_RIGHT) / 2) <= 0.5 * C
    assert "".join(c["text"] for c in title) == build_document(draft, tmpl).blocks[0].text
    for p in pages[1:]:
        assert not [ln for ln in p["lines"] if is_red(ln["stroking_color"])]


def test_heading_and_body_roles(tmpl):
    _, _, _, pages, _ = rendered("example", tmpl)
    fonts = font_set(())
    ps = {role: fonts.face(role).ps_name for role in gb.ROLES}

    def font_of(prefix: str) -> str:
        for p in pages:
            for ln in text_lines(p, body16):
                if "".join(c["text"] for c in ln).startswith(prefix):
                    return SUBSET.sub("", ln[0]["fontname"])
        raise AssertionError(prefix)

    h1, h2, body = font_of("一、"), font_of("（一）"), font_of("为深入贯彻")
    assert h1.startswith(ps[gb.HEITI]) and h2.startswith(ps[gb.KAITI]) and body.startswith(ps[gb.FANGSONG])
    if ps[gb.HEITI] != ps[gb.FANGSONG]:
        assert h1 != body
    if ps[gb.KAITI] != ps[gb.FANGSONG]:
        assert h2 != body
    title = [c for c in pages[0]["chars"] if abs(c["size"] - 22) < 0.05]
    assert SUBSET.sub("", title[0]["fontname"]).startswith(ps[gb.XIAOBIAOSONG])
    pn = [c for c in pages[0]["chars"] if is_page_number(c) and c["text"].isdigit()]
    assert SUBSET.sub("", pn[0]["fontname"]).startswith(ps[gb.SONGTI])


def test_annex_table_pages(tmpl):
    draft, _, _, pages, _ = rendered("long-joint", tmpl)
    label_pages = [i for i, p in enumerate(pages)
                   if (ln := text_lines(p, body16)) and "".join(c["text"] for c in ln[0]) == "附件"]
    assert len(label_pages) == 1
    start = label_pages[0]
    p = pages[start]
    label = text_lines(p, body16)[0]
    assert abs(label[0]["x0"] - TA_LEFT) <= 1.4 and label[0]["top"] - TA_TOP <= L - 16 + 1.4
    title = text_lines(p, lambda c: abs(c["size"] - 22) < 0.05)
    assert abs(baseline(title[0][0], p["h"]) - baseline(label[0], p["h"]) - 2 * L) <= 0.5 * L
    table_pages = [q for q in pages[start:] if any(abs(c["size"] - gb.TABLE_SIZE) < 0.05 and not is_page_number(c)
                                                   and c["top"] < TA_BOTTOM - 4 * L for c in q["chars"])]
    assert len(table_pages) >= 2
    for q in table_pages:
        cells = text_lines(q, lambda c: abs(c["size"] - gb.TABLE_SIZE) < 0.05 and not is_page_number(c))
        assert "".join(c["text"] for c in cells[0 if q is not p else 0]).startswith("序号")
        head_font = SUBSET.sub("", cells[0][0]["fontname"])
        assert head_font.startswith(font_set(()).face(gb.HEITI).ps_name)
        for ln in q["lines"]:
            assert TA_LEFT - 1 * MM <= ln["x0"] and ln["x1"] <= TA_RIGHT + 1 * MM
            assert is_black(ln["stroking_color"]) and 0.25 <= ln["linewidth"] <= 1.15


def test_signature_never_alone(tmpl):
    for name in ALL:
        draft, _, _, pages, _ = rendered(name, tmpl)
        date = gb.official_date(draft.notice.date)
        for i, p in enumerate(pages):
            lines = text_lines(p, body16)
            texts = ["".join(c["text"] for c in ln) for ln in lines]
            if date in texts:
                first_sig = min(k for k, t in enumerate(texts) if t == date or any(
                    t.startswith(s[:6]) for s in draft.notice.effective_signatures))
                assert first_sig > 0, (name, i)
                assert any(abs(lines[k][0]["x0"] - TA_LEFT) < 1 or abs(lines[k][0]["x0"] - TA_LEFT - 2 * C) < 1
                           for k in range(first_sig)), (name, i)
                break
        else:
            raise AssertionError(f"{name}: no date line")


def test_hostile_notes_report_missing_characters(tmpl):
    _, _, notes, pages, _ = rendered("hostile", tmpl)
    text = "".join(c["text"] for p in pages for c in p["chars"])
    for ch in "𠀀𪚥😀":
        assert ch in text
    assert any("U+20000" in n and "方框" in n for n in notes)
    assert all(isinstance(n, str) and re.search(r"[\u4e00-\u9fff]", n) for n in notes)


def test_export_writes_named_pdf(tmp_path: Path, tmpl):
    draft = load_draft(example_paths()[0])
    res = export_one(draft, tmpl, "pdf", tmp_path / "方案.pdf")
    data = (tmp_path / "方案.pdf").read_bytes()
    assert data.startswith(b"%PDF") and res.path.name == "方案.pdf"
    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta.title == draft.plan.title and meta.author == draft.notice.issuers[0]
    assert "通知" in meta.subject


_EXPORT_IN_CHILD = r"""
import sys
from desktop.export import ExportOptions
from desktop.export.pdf import render_pdf_bytes
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template
from desktop.fonts import faces, rl_adapter
tmpl = load_template("gd-2020-haowangmin")
odd = make_draft(tasks=6, activities=2)
odd.plan.task_groups[0].tasks[0].text += "𠀀𪚥😀☃㐀"  # fallback fonts and the missing-glyph twin
out = b""
for draft in (load_draft(sys.argv[1]), make_draft(tasks=40, activities=8, issuers=3), odd):
    data, _ = render_pdf_bytes(draft, tmpl, ExportOptions())
    out += len(data).to_bytes(8, "big") + data
sys.stdout.buffer.write(out)
print(sum(isinstance(f.ttfont.face, rl_adapter.face_class()) for f in faces._FACES.values() if f._tt is not None),
      file=sys.stderr)
"""


def test_identical_bytes_with_cold_and_warm_font_cache(tmp_path):
    """Separate processes: the first parses every font and fills the cache,
    the second restores them from it; the PDFs are the same bytes."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PLAN_DRAFTER_HOME=str(tmp_path / "home"))

    def run() -> tuple[bytes, int]:
        res = subprocess.run([sys.executable, "-c", _EXPORT_IN_CHILD, str(example_paths()[0])], cwd=root, env=env,
                             capture_output=True, check=True, timeout=300)
        return res.stdout, int(res.stderr.decode().strip().splitlines()[-1])

    cold, from_cache_cold = run()
    assert list((tmp_path / "home" / "cache" / "fonts").glob("*.rlm")), "the first export fills the cache"
    warm, from_cache_warm = run()
    assert from_cache_cold == 0 and from_cache_warm > 0
    assert cold == warm


_FIRST_RENDER_IN_CHILD = r"""
import sys
from desktop.export import ExportOptions
from desktop.export.pdf import render_pdf_bytes
from desktop.storage import load_draft
from desktop.templates import load_template
data, _ = render_pdf_bytes(load_draft(sys.argv[1]), load_template("gd-2020-haowangmin"), ExportOptions())
sys.stdout.buffer.write(data)
"""


def test_render_after_edits_gives_the_bytes_of_a_first_render(tmp_path, tmpl):
    """The preview renders again after every edit in one process (fonts,
    subsets and reportlab's registry carried over). Each edit here changes
    what later pages reuse: a character no page had before on page 1 (every
    later page's subset numbers move), a removed paragraph (pages shift), a
    new organ name (the 版头 and the pages after). Each result must be the
    bytes a fresh process writes for that draft on its first render."""
    import os
    import subprocess
    import sys

    from desktop.storage import save_draft

    root = Path(__file__).resolve().parent.parent
    draft = make_draft(tasks=60, activities=12, issuers=3, seed=3)
    render_pdf_bytes(draft, tmpl, ExportOptions())
    tasks = [t for g in draft.plan.task_groups for t in g.tasks]

    def rare_char_first(d):
        d.notice.body = "龘" + d.notice.body

    def drop_paragraph(d):
        group = d.plan.task_groups[0]
        group.tasks.pop(len(group.tasks) // 2)

    def new_organ(d):
        d.notice.issuers[1] = "某某市互联网信息办公室鼹鼠测试"

    def same_again(d):
        pass

    edits = [rare_char_first, drop_paragraph, new_organ, same_again]
    children = []
    for n, edit in enumerate(edits):
        edit(draft)
        data, _ = render_pdf_bytes(draft, tmpl, ExportOptions())
        path = tmp_path / f"{n}.plan.json"
        save_draft(draft, path, backup=False)
        env = dict(os.environ, PLAN_DRAFTER_HOME=str(tmp_path / "home"))
        children.append((edit.__name__, data, subprocess.Popen(
            [sys.executable, "-c", _FIRST_RENDER_IN_CHILD, str(path)], cwd=root, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    assert len(tasks) > 40
    for name, data, child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err.decode()
        assert out == data, f"after {name}: the preview's PDF differs from a first render"


def test_reuse_with_two_fonts_of_one_postscript_name(tmp_path, tmpl):
    """An office folder's copy of an installed font, renamed 仿宋, keeps the
    original's PostScript name: reportlab then draws the body (the copy) and
    the 楷体 lines (the original) with one font object, which numbers their
    characters together. A page reused by the next render must replay them
    in the order they were drawn: a second render is the same bytes and
    reads the same text (it once read "推 1 组重志任愿")."""
    from fontTools.ttLib import TTFont
    from reportlab.pdfbase import pdfmetrics

    kaiti = font_set().face("kaiti").file
    copy = TTFont(str(kaiti.path), fontNumber=kaiti.index or 0)
    for rec in copy["name"].names:
        if rec.nameID in (1, 4, 16):
            rec.string = "FangSong"
        elif rec.nameID == 3:
            rec.string = "office copy"
    office = tmp_path / "office-fonts"
    office.mkdir()
    copy.save(str(office / "fangsong-copy.ttf"))
    options = ExportOptions(font_dirs=(office,))
    fonts = font_set((office,))
    body, kai = fonts.face("fangsong"), fonts.face("kaiti")
    assert body.file.path.parent == office and kai.file.path == kaiti.path
    draft = make_draft(tasks=30, activities=6, issuers=1, seed=1)
    first, _ = render_pdf_bytes(draft, tmpl, options)
    assert pdfmetrics.getFont(body.key) is pdfmetrics.getFont(kai.key)  # the case under test
    second, _ = render_pdf_bytes(draft, tmpl, options)
    assert second == first

    def texts(data):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [p.extract_text() for p in pdf.pages]

    assert texts(second) == texts(first)
    assert any("第 1 组重点任务" in t or "第1组重点任务" in t for t in texts(second))
