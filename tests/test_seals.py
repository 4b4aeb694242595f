"""Joint notices with seals (7.3.5.1), measured as a clerk holding a ruler would.

For two to six organs, short and long names, the default 42 mm seal and a
50 mm office preset: in the PDF and in the Word file, the centres of any two
署名 are at least 40 mm apart, every 署名 is inside the type area and in the
organs' order, the date is 右空四字 with the last 署名 centred on it, and a
seal pressed on each 署名 (the standard's window: the 署名 and date a little
below its centre) fits inside the type area, its top within one line of the
body, without touching another.
"""

from __future__ import annotations

import io
import zipfile

import pdfplumber
import pytest
from lxml import etree

from desktop import official as gb
from desktop.export import ExportOptions, export_one
from desktop.export.pdf import render_pdf_bytes
from desktop.sample import make_draft
from desktop.templates import load_template

MM = 72 / 25.4
TA_LEFT, TA_RIGHT = 28 * MM, 184 * MM
TA_TOP, TA_BOTTOM = 37 * MM, 262 * MM
CELL = 156 * MM / 28  # 15.79 pt
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

ORGANS = ["中共清远市委网络安全和信息化委员会办公室", "清远市教育局", "清远市总工会", "共青团清远市委员会",
          "清远市妇女联合会", "中国人民银行清远市中心支行"]
SHORT = ["清远市教育局", "清远市总工会", "清远市文明办", "清远市司法局", "清远市公安局", "清远市民政局"]
CASES = [(names, d) for d in (42.0, 50.0) for names in (
    ORGANS[:2], ORGANS[:3], ORGANS[:4], ORGANS[:5], ORGANS[:6], SHORT[:3], SHORT[:6], SHORT[:4])]


def _draft(names):
    d = make_draft(tasks=6, activities=2, issuers=1, seed=3)
    d.notice.issuers = list(names)
    d.notice.signatures = list(names)
    d.notice.signature_layout = "seal"
    return d


def _units(text: str) -> float:
    """Printed width in cells, written out here: CJK 1, ASCII 0.5, and the 0.2 em
    Word and LibreOffice put between a Chinese character and a digit or letter."""
    width = sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)
    return width + 0.2 * sum(1 for a, b in zip(text, text[1:]) if a.isascii() != b.isascii()
                             and (a.isalnum() and b.isalnum()))


def _too_tall(names, diameter) -> bool:
    from desktop.checks import run_checks

    d = _draft(names)
    return any(p.rule == "seal-room" for p in run_checks(d, load_template(d.template),
                                                         std=gb.Standard(seal_diameter_mm=diameter)))


def test_only_six_long_names_with_50mm_seals_overflow_a_page():
    tall = [(len(n), d) for n, d in CASES if _too_tall(n, d)]
    assert tall == [(6, 50.0)]


def _segments(chars):
    """A line's characters split where the gap is wider than a cell: one 署名 each."""
    out = [[chars[0]]]
    for a, b in zip(chars, chars[1:]):
        if b["x0"] - a["x1"] > CELL / 2:
            out.append([b])
        else:
            out[-1].append(b)
    return out


def _pdf_signature(names, diameter):
    draft = _draft(names)
    std = gb.Standard(seal_diameter_mm=diameter)
    data, _ = render_pdf_bytes(draft, load_template(draft.template), ExportOptions(standard=std))
    date = gb.official_date(draft.notice.date)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            body = [c for c in page.chars if abs(c["size"] - 16) < 0.1 and c["top"] < TA_BOTTOM]
            rows: dict[float, list] = {}
            for c in body:
                rows.setdefault(round(page.height - c["matrix"][5], 1), []).append(c)
            lines = [(y, sorted(cs, key=lambda c: c["x0"])) for y, cs in sorted(rows.items())]
            texts = ["".join(c["text"] for c in cs) for _, cs in lines]
            if date not in texts:
                continue
            k = texts.index(date)
            found, first = [], None
            for i in range(k - 1, -1, -1):
                y, cs = lines[i]
                segs = ["".join(c["text"] for c in s) for s in _segments(cs)]
                if not all(s in names for s in segs):
                    first = i
                    break
                found[:0] = [(s, seg[0]["x0"], seg[-1]["x1"], y) for s, seg in zip(segs, _segments(cs))]
            body_bottom = lines[first][0] + 16 * 0.12 if first is not None else TA_TOP
            date_chars = lines[k][1]
            return found, (date_chars[0]["x0"], date_chars[-1]["x1"], lines[k][0]), body_bottom
    raise AssertionError("no date line in the PDF")


@pytest.mark.parametrize("names,diameter", CASES, ids=lambda v: str(len(v)) if isinstance(v, list) else f"{v:g}mm")
def test_pdf_seals_have_room(names, diameter):
    if _too_tall(names, diameter):  # the check tells the clerk; the block cannot stay on one page
        pytest.skip("more sealed organs than one page holds at this diameter (the seal-room check refuses it)")
    spans, (dx0, dx1, dy), body_bottom = _pdf_signature(names, diameter)
    assert [n for n, _, _, _ in spans] == names  # all of them, in order (left to right, top to bottom)
    assert all(TA_LEFT - 0.5 <= x0 and x1 <= TA_RIGHT + 0.5 for _, x0, x1, _ in spans)
    found = [(n, (x0 + x1) / 2, y) for n, x0, x1, y in spans]
    d = diameter * MM
    for i, (a, ax, ay) in enumerate(found):
        for b, bx, by in found[i + 1:]:
            assert ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 >= 40 * MM, (a, b)
            if abs(ay - by) < 1:  # side by side: the seals do not touch
                assert abs(ax - bx) >= d, (a, b)
            elif abs(ax - bx) < d:  # one above the other
                assert abs(ay - by) >= d, (a, b)
        assert ax - d / 2 >= TA_LEFT - 0.5 and ax + d / 2 <= TA_RIGHT + 0.5  # the seal inside the 版心
    # 成文日期 右空四字, the last 署名 centred on it
    assert abs(dx1 - (TA_RIGHT - 4 * CELL)) <= 1.0
    assert abs(found[-1][1] - (dx0 + dx1) / 2) <= 1.4
    # A seal pressed on each 署名 (SG-03): its centre a little above the 署名 (for the last,
    # above the middle of 署名 and date) by at most 0.35 d, inside the type area; the
    # first row's seal top within one line below the body text.
    for k, (_, _, y) in enumerate(found):
        mid = y - 16 * 0.38 + ((dy - y) / 2 if k == len(found) - 1 else 0.0)
        low, high = max(mid - 0.35 * d, TA_TOP + d / 2), min(mid, TA_BOTTOM - d / 2)
        if found[k][2] == found[0][2]:
            low, high = max(low, body_bottom + d / 2), min(high, body_bottom + d / 2 + gb.LINE_PITCH_PT)
        assert low < high, (found[k][0], low, high)


def _docx_signature(names, diameter, tmp_path):
    draft = _draft(names)
    dest = tmp_path / "s.docx"
    export_one(draft, load_template(draft.template), "docx", dest,
               ExportOptions(standard=gb.Standard(seal_diameter_mm=diameter)))
    root = etree.fromstring(zipfile.ZipFile(dest).read("word/document.xml"))
    paras = [p for p in root.iter(f"{W}p") if p.getparent().tag == f"{W}body"]

    def text(p):
        return "".join(t.text or "" if t.tag == f"{W}t" else "\t" for t in p.iter(f"{W}t", f"{W}tab")
                       if t.tag == f"{W}t" or t.getparent().tag == f"{W}r")

    date = gb.official_date(draft.notice.date)
    end = next(i for i, p in enumerate(paras) if text(p) == date)
    items, line = [], 0
    start = end
    while start > 0 and (text(paras[start - 1]) == "" or all(s in names for s in text(paras[start - 1]).split("\t"))):
        start -= 1
    for i in range(start, end):
        p = paras[i]
        if text(p):
            left = int(p.find(f"{W}pPr/{W}ind").get(f"{W}left"))
            tabs = [int(t.get(f"{W}pos")) for t in p.findall(f"{W}pPr/{W}tabs/{W}tab")]
            for x, name in zip([left] + tabs, text(p).split("\t")):
                items.append((name, x + _units(name) * 8844 / 28 / 2, line))
        line += 1
    dp = paras[end]
    dx0 = int(dp.find(f"{W}pPr/{W}ind").get(f"{W}left"))
    blank_lines = next(k for k, p in enumerate(paras[start:end]) if text(p))
    return items, (dx0, dx0 + _units(date) * 8844 / 28), blank_lines


@pytest.mark.parametrize("names,diameter", CASES, ids=lambda v: str(len(v)) if isinstance(v, list) else f"{v:g}mm")
def test_word_seals_have_room(names, diameter, tmp_path):
    if _too_tall(names, diameter):
        pytest.skip("more sealed organs than one page holds at this diameter (the seal-room check refuses it)")
    items, (dx0, dx1), blank_lines = _docx_signature(names, diameter, tmp_path)
    assert [n for n, _, _ in items] == names
    mm = 72 / 25.4 * 20  # twips
    for i, (a, ax, al) in enumerate(items):
        for b, bx, bl in items[i + 1:]:
            dy = (bl - al) * 579
            assert ((ax - bx) ** 2 + dy ** 2) ** 0.5 >= 40 * mm, (a, b)
            if bl == al:
                assert abs(ax - bx) >= diameter * mm, (a, b)
        assert ax - diameter * mm / 2 >= -10 and ax + diameter * mm / 2 <= 8844 + 10
    assert abs(dx1 - (8844 - 4 * 8844 / 28)) <= 20  # 右空四字
    assert abs(items[-1][1] - (dx0 + dx1) / 2) <= 30  # the last 署名 centred on the date
    assert blank_lines == 2  # room for the first row's seals under the body


def test_three_short_names_share_a_row_long_ones_do_not():
    rows = [ln for ln in gb.signature_lines(SHORT[:6], "2020年5月18日", True) if ln.kind == "name"]
    assert [len(r.items) for r in rows] == [3, 3]
    rows = [ln for ln in gb.signature_lines(ORGANS[:3], "2020年5月18日", True) if ln.kind == "name"]
    assert len(rows[0].items) == 1  # a 20-character name has a row of its own


def test_too_many_sealed_organs_are_flagged_by_the_check():
    from desktop.checks import run_checks

    d = _draft(ORGANS + ["清远市文化广电旅游体育局", "清远市司法局", "清远市民政局", "清远市公安局"])
    problems = run_checks(d, load_template(d.template), std=gb.Standard(seal_diameter_mm=50))
    seal = [p for p in problems if p.rule == "seal-room"]
    assert seal and seal[0].path == "notice.signatures" and "超过一页" in seal[0].message
    assert seal[0].severity == "error"  # a seal across two pages cannot be issued
    assert not [p for p in run_checks(_draft(ORGANS[:3]), load_template(d.template)) if p.rule == "seal-room"]
