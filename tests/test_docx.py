"""The Word export read back as XML, clause by clause (conformance docx column).

Every draft here (the examples, generated joint-issue plans of many tasks, and
a draft of hostile text) is exported once per module and its parts parsed with
lxml; the assertions recompute the expected numbers from desktop.official.
"""

from __future__ import annotations

import copy
import math
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from desktop import official as gb
from desktop.document import Para, Signature, Title, build_document
from desktop.export import ExportOptions, export_one
from desktop.model import Activity, Task
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template
from desktop.textclean import clean_text
from tests.conftest import ROOT, example_paths

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def attr(el, name: str) -> str | None:
    return None if el is None else el.get(q(name))


# --- drafts -----------------------------------------------------------------------
LONG_ORGAN = "中国共产党广东省某某市委员会网络安全和信息化委员会办公室宣传教育与网络社会工作科室联络组"
HOSTILE_PARAGRAPH = ("这是一段很长的正文，用来检验两万字的段落能否原样导出。" * 800)[:20000]
HOSTILE_BITS = ["=1+1", "#N/A", "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "{ PAGE }", "HYPERLINK(\"http://x.cn\")",
                "<w:t>&amp;</w:t>", "👍🏽🇨🇳", "𠀀𪚥", "“引号”——破折号……省略号", "Tab\tInside"]


def hostile_draft():
    d = make_draft(tasks=40, activities=12, issuers=6, groups=3, seed=7)
    n = d.notice
    n.issuers = [LONG_ORGAN] + n.issuers + ["某某市某某局", "某某市某某办公室"]
    n.signatures = list(n.issuers)
    n.recipients = "各县（市、区）党委网信办，=1+1，#N/A，👍"
    n.body = "现将方案印发给你们。\n" + "公式样文本 =SUM(A1) 与 #REF! 不应被解释。"
    n.note = "联系人：测试𠀀，电话：0763-3362000\x07"
    n.cc = [f"抄送单位{i}" for i in range(30)] + ["=1+1"]
    n.printer = LONG_ORGAN
    tasks = d.plan.task_groups[0].tasks
    for i, bit in enumerate(HOSTILE_BITS):
        tasks[i].title = f"任务{bit}标题"
        tasks[i].text = f"正文含有{bit}。\n第二段{bit}。"
    tasks[-1].text = HOSTILE_PARAGRAPH
    d.activities[0].name = "=HYPERLINK(\"http://evil\")活动👍𠀀"
    d.activities.append(Activity(id="a99", name="很长的活动名称" * 60, time="全年", lead=LONG_ORGAN, partners=["甲", "乙"]))
    return d


@dataclass
class Case:
    name: str
    draft: object


def cases() -> list[Case]:
    out = [Case(p.name.replace(".plan.json", ""), p) for p in example_paths()]
    out.append(Case("generated-3-issuers-150-tasks", ("gen", dict(tasks=150, activities=40, issuers=3))))
    out.append(Case("generated-6-issuers-320-tasks", ("gen", dict(tasks=320, activities=90, issuers=6, groups=6))))
    out.append(Case("generated-single-issuer", ("gen", dict(tasks=8, activities=3, issuers=1))))
    out.append(Case("hostile", ("hostile", None)))
    return out


def materialise(case: Case):
    if isinstance(case.draft, Path):
        return load_draft(case.draft)
    kind, kw = case.draft
    return make_draft(**kw) if kind == "gen" else hostile_draft()


class Docx:
    """The parts of an exported .docx, parsed."""

    def __init__(self, path: Path, draft, template) -> None:
        self.path = path
        self.draft = draft
        self.doc = build_document(draft, template)
        with zipfile.ZipFile(path) as z:
            self.names = z.namelist()
            self.raw = {n: z.read(n) for n in self.names}
        self.xml = {n: etree.fromstring(b) for n, b in self.raw.items() if n.endswith((".xml", ".rels"))}
        self.document = self.xml["word/document.xml"]
        self.body = self.document.find("w:body", NS)
        self.styles = self.xml["word/styles.xml"]
        self.settings = self.xml["word/settings.xml"]
        self.fonts = self.xml["word/fontTable.xml"]
        rels = self.xml["word/_rels/document.xml.rels"]
        self.targets = {r.get("Id"): "word/" + r.get("Target") for r in rels}

    # body order helpers
    def top_level(self) -> list:
        return [el for el in self.body if el.tag in (q("p"), q("tbl"))]

    def top_paragraphs(self) -> list:
        return [el for el in self.body if el.tag == q("p")]

    def tables(self) -> list:
        return [el for el in self.body if el.tag == q("tbl")]

    def sections(self) -> list:
        return self.body.findall(".//w:sectPr", NS)

    def footer(self, ref_id: str):
        return self.xml[self.targets[ref_id]]

    def style(self, sid: str):
        return self.styles.find(f"w:style[@w:styleId='{sid}']", NS)

    def all_text(self) -> str:
        return "".join(text_of(p) for p in self.body.iter(q("p")))


def text_of(p) -> str:
    out = []
    for el in p.iter(q("t"), q("tab"), q("br")):
        if el.tag == q("t"):
            out.append(el.text or "")
        elif el.tag == q("tab"):
            if el.getparent().tag == q("r"):
                out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def pstyle(p) -> str:
    return attr(p.find("w:pPr/w:pStyle", NS), "val") or ""


def runs(p) -> list:
    return p.findall(".//w:r", NS)


def run_font(r) -> str | None:
    return attr(r.find("w:rPr/w:rFonts", NS), "eastAsia")


def run_size(r) -> float | None:
    sz = attr(r.find("w:rPr/w:sz", NS), "val")
    return int(sz) / 2 if sz else None


def run_color(r) -> str | None:
    return attr(r.find("w:rPr/w:color", NS), "val")


def text_runs(p) -> list:
    return [r for r in runs(p) if r.find("w:t", NS) is not None]


def fonts_for(preset: str = gb.DEFAULT_FONT_PRESET) -> dict[str, str]:
    return dict(gb.FONT_PRESETS[preset].names)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def tmpl():
    return load_template("gd-2020-haowangmin")


@pytest.fixture(scope="module", params=cases(), ids=lambda c: c.name)
def exported(request, tmp_path_factory, tmpl) -> Docx:
    draft = materialise(request.param)
    dest = tmp_path_factory.mktemp("docx") / f"{request.param.name}.docx"
    result = export_one(draft, tmpl, "docx", dest, ExportOptions())
    assert result.path == dest and dest.stat().st_size > 0
    return Docx(dest, draft, tmpl)


@pytest.fixture(scope="module")
def example_docx(tmp_path_factory, tmpl) -> Docx:
    draft = load_draft(example_paths()[0])
    dest = tmp_path_factory.mktemp("example") / "example.docx"
    export_one(draft, tmpl, "docx", dest, ExportOptions())
    return Docx(dest, draft, tmpl)


# --- package ------------------------------------------------------------------------
def test_package_is_our_own_base_document(exported: Docx):
    assert sorted(exported.names) == sorted([
        "[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "word/document.xml",
        "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml", "word/fontTable.xml",
        "word/footer1.xml", "word/footer2.xml", "word/footer3.xml"])
    ct = exported.raw["[Content_Types].xml"].decode()
    assert "theme" not in ct and "numbering" not in ct and "stylesWithEffects" not in ct
    # zh-CN everywhere a language is named, and no Japanese leftovers.
    langs = exported.styles.findall(".//w:lang", NS)
    assert langs and all(attr(lang, "eastAsia") == "zh-CN" for lang in langs)
    assert b"ja-JP" not in b"".join(exported.raw.values())


def test_python_docx_reads_it(exported: Docx):
    import docx  # a second, independent reader

    d = docx.Document(str(exported.path))
    assert len(d.paragraphs) > 10
    assert d.sections[0].page_width == gb.mm_to_twips(gb.PAGE_W_MM) * 635  # EMU


# --- PG: page, margins, grid, defaults ------------------------------------------------
def test_page_a4_and_margins(exported: Docx):
    page_w, page_h = gb.mm_to_twips(gb.PAGE_W_MM), gb.mm_to_twips(gb.PAGE_H_MM)
    assert (page_w, page_h) == (11906, 16838)
    sections = exported.sections()
    assert sections
    for s in sections:
        sz, mar = s.find("w:pgSz", NS), s.find("w:pgMar", NS)
        assert (int(attr(sz, "w")), int(attr(sz, "h"))) == (page_w, page_h)
        assert attr(sz, "orient") in (None, "portrait")
        top, left = int(attr(mar, "top")), int(attr(mar, "left"))
        right, bottom = int(attr(mar, "right")), int(attr(mar, "bottom"))
        assert top == gb.mm_to_twips(gb.MARGIN_TOP_MM) == 2098
        assert abs(left - gb.mm_to_twips(gb.MARGIN_LEFT_MM)) <= 1  # 1587/1588
        assert page_w - left - right == gb.mm_to_twips(gb.TYPE_W_MM) == 8844
        assert page_h - top - bottom == gb.mm_to_twips(gb.TYPE_H_MM) == 12756
        assert attr(mar, "gutter") == "0" and int(attr(mar, "header")) < top
        assert s.find("w:titlePg", NS) is None and s.find("w:pgNumType", NS) is None
    assert exported.settings.find("w:mirrorMargins", NS) is None


def test_document_grid_22_lines_28_chars(exported: Docx):
    for s in exported.sections():
        grid = s.find("w:docGrid", NS)
        assert attr(grid, "type") == "linesAndChars"
        pitch = int(attr(grid, "linePitch"))
        assert pitch == gb.LINE_PITCH_TWIPS == 579
        assert 12756 // pitch == gb.LINES_PER_PAGE
        cs = int(attr(grid, "charSpace"))
        normal_pt = 16.0
        assert math.floor(442.2 / (normal_pt + cs / 4096)) == gb.CHARS_PER_LINE
        assert math.floor(8844 / 20 / (normal_pt + cs / 4096)) == gb.CHARS_PER_LINE
        assert cs == -849


def test_defaults_are_16pt_fangsong(exported: Docx):
    fs = fonts_for()[gb.FANGSONG]
    default = exported.styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    normal = exported.style("Normal")
    for rpr in (default, normal.find("w:rPr", NS)):
        assert attr(rpr.find("w:sz", NS), "val") == "32"
        assert attr(rpr.find("w:rFonts", NS), "eastAsia") == fs
    assert attr(normal, "default") == "1"
    # Body paragraphs follow the grid: no exact spacing in Normal or the body style.
    for sid in ("Normal", "GwBody", "Heading1", "Heading2"):
        sp = exported.style(sid).find("w:pPr/w:spacing", NS)
        assert sp is None or attr(sp, "lineRule") != "exact"


def test_no_theme_fonts_anywhere(exported: Docx):
    for name, root in exported.xml.items():
        for el in root.iter():
            for key in el.attrib:
                local = etree.QName(key).localname
                assert not local.lower().endswith("theme"), (name, el.tag, key)
    assert not any("theme" in n.lower() for n in exported.names)


def test_every_run_has_its_east_asian_font(exported: Docx):
    parts = ["word/document.xml", "word/footer1.xml", "word/footer2.xml", "word/footer3.xml"]
    count = 0
    for part in parts:
        for r in exported.xml[part].iter(q("r")):
            rf = r.find("w:rPr/w:rFonts", NS)
            assert rf is not None, part
            ea = attr(rf, "eastAsia")
            assert ea and attr(rf, "ascii") == ea == attr(rf, "hAnsi")
            assert attr(rf, "hint") == "eastAsia"  # “”—… stay in the Chinese font
            assert run_size(r) is not None
            count += 1
    assert count > 50
    # Styles name their fonts explicitly too.
    for rf in exported.styles.iter(q("rFonts")):
        assert attr(rf, "eastAsia")


# --- fonts per role, colours -----------------------------------------------------------
def _roles_seen(x: Docx, fonts: dict[str, str]):
    by_name = {v: k for k, v in fonts.items()}
    fs, ht, kt, xbs = (fonts[r] for r in (gb.FANGSONG, gb.HEITI, gb.KAITI, gb.XIAOBIAOSONG))
    for p in x.body.iter(q("p")):
        style = pstyle(p)
        rs = text_runs(p)
        if style == "GwTitle":
            assert {run_font(r) for r in rs} == {xbs} and {run_size(r) for r in rs} == {gb.TITLE_SIZE}
            assert p.find(".//w:b", NS) is None
        elif style == "Heading1":
            assert {run_font(r) for r in rs} == {ht} and {run_size(r) for r in rs} == {gb.BODY_SIZE}
        elif style == "Heading2":
            assert {run_font(r) for r in rs} == {kt} and {run_size(r) for r in rs} == {gb.BODY_SIZE}
        elif style == "GwMark":
            assert {run_font(r) for r in rs} == {xbs} and {run_color(r) for r in rs} == {gb.RED_HEX}
        elif style == "GwColophon":
            assert {run_font(r) for r in rs} == {fs} and {run_size(r) for r in rs} == {gb.COLOPHON_SIZE}
        elif style == "GwTableText":
            assert {run_size(r) for r in rs} <= {gb.TABLE_SIZE}
            assert {run_font(r) for r in rs} <= {fs, ht}
        elif style in ("GwBody", "GwDocNumber"):
            assert {run_size(r) for r in rs} <= {gb.BODY_SIZE}
            assert all(by_name.get(run_font(r)) in (gb.FANGSONG, gb.HEITI, gb.KAITI) for r in rs)


@pytest.mark.parametrize("preset", sorted(gb.FONT_PRESETS))
def test_fonts_per_role_for_each_preset(preset, tmp_path, example_draft, template):
    dest = tmp_path / "x.docx"
    export_one(example_draft, template, "docx", dest, ExportOptions(font_preset=preset))
    x = Docx(dest, example_draft, template)
    fonts = fonts_for(preset)
    _roles_seen(x, fonts)
    # The heading levels: 一、 黑体, （一） 楷体, 1. 仿宋.
    styled = [(text_of(p), pstyle(p)) for p in x.top_paragraphs()]
    assert ("一、工作目标", "Heading1") in styled
    assert any(t.startswith("（一）") and s == "Heading2" for t, s in styled)
    tasks = [p for p in x.top_paragraphs() if re.match(r"^\d+\.", text_of(p))]
    assert tasks and all(run_font(text_runs(p)[0]) == fonts[gb.FANGSONG] for p in tasks)
    # 工作要求 （一） headings run in 楷体 within body paragraphs.
    reqs = [p for p in x.top_paragraphs() if pstyle(p) == "GwBody" and text_of(p).startswith("（一）")]
    assert reqs and run_font(text_runs(reqs[0])[0]) == fonts[gb.KAITI]
    # The font table names every font the runs use, with fallbacks for the missing ones.
    table = {attr(f, "name"): attr(f.find("w:altName", NS), "val") for f in x.fonts.findall("w:font", NS)}
    used = {run_font(r) for part in ("word/document.xml", "word/footer1.xml") for r in x.xml[part].iter(q("r"))}
    assert used <= set(table)
    preset_obj = gb.FONT_PRESETS[preset]
    for role, alt in preset_obj.fallbacks.items():
        assert table[preset_obj.names[role]] == alt
        assert alt in table
    for f in x.fonts.findall("w:font", NS):
        assert attr(f.find("w:charset", NS), "val") == "86"


def test_fonts_per_role(exported: Docx):
    _roles_seen(exported, fonts_for())


def test_only_the_mark_and_separator_are_red(exported: Docx):
    mark_tbl = exported.tables()[0] if exported.doc.header.organs else None
    for r in exported.body.iter(q("r")):
        c = run_color(r)
        in_mark = mark_tbl is not None and any(a is mark_tbl for a in r.iterancestors())
        if in_mark:
            assert c == gb.RED_HEX
        else:
            assert c in (None, "auto", "000000")
        assert r.find("w:rPr/w:highlight", NS) is None
    red_borders = [b for b in exported.body.iter() if etree.QName(b).localname in ("top", "bottom")
                   and attr(b, "color") == gb.RED_HEX]
    assert len(red_borders) == 1


# --- HD: 版头 --------------------------------------------------------------------------------
def test_organ_mark_anchored_35mm_below_type_area(exported: Docx):
    h = exported.doc.header
    if not h.organs:
        pytest.skip("no issuer")
    tbl = exported.tables()[0]
    pos = tbl.find("w:tblPr/w:tblpPr", NS)
    assert attr(pos, "vertAnchor") == "margin" and attr(pos, "horzAnchor") == "margin"
    assert int(attr(pos, "tblpY")) == gb.mm_to_twips(gb.ORGAN_MARK_TOP_MM) == 1984
    assert attr(pos, "tblpXSpec") == "center"
    assert int(attr(tbl.find("w:tblPr/w:tblW", NS), "w")) <= 8844
    # The flow above the mark is exactly 35 mm, so following lines wrap below it.
    before = []
    for el in exported.top_level():
        if el is tbl:
            break
        before.append(el)
    height = sum(int(attr(p.find("w:pPr/w:spacing", NS), "line")) for p in before)
    assert height == 1984
    for p in before:
        assert attr(p.find("w:pPr/w:spacing", NS), "lineRule") == "exact"
    # Names stacked, host first; joint issue: "文件" in its own cell, vertically centred.
    cells = tbl.findall("w:tr/w:tc", NS)
    names = [text_of(p) for p in cells[0].findall("w:p", NS)]
    if len(h.organs) > 1:
        assert names == list(h.organs)
        if h.suffix:
            assert len(cells) == 2 and text_of(cells[1].find("w:p", NS)) == h.suffix
            assert attr(cells[1].find("w:tcPr/w:vAlign", NS), "val") == "center"
        assert all(attr(p.find("w:pPr/w:jc", NS), "val") == "distribute" for p in cells[0].findall("w:p", NS))
    else:
        assert names == [h.organs[0] + h.suffix]
    for r in text_runs(tbl):
        assert run_size(r) >= 14 and run_color(r) == gb.RED_HEX
        w = attr(r.find("w:rPr/w:w", NS), "val")
        assert w is None or 50 <= int(w) <= 100
    borders = tbl.find("w:tblPr/w:tblBorders", NS)
    assert all(attr(b, "val") == "nil" for b in borders)


def test_doc_number_two_lines_below_then_red_line(exported: Docx):
    h = exported.doc.header
    els = exported.top_level()
    idx = els.index(exported.tables()[0]) if h.organs else 0
    blanks = els[idx + 1: idx + 1 + gb.DOC_NUMBER_GAP_LINES]
    assert all(e.tag == q("p") and text_of(e) == "" for e in blanks)
    num = els[idx + 1 + gb.DOC_NUMBER_GAP_LINES]
    assert text_of(num) == h.doc_number
    assert re.fullmatch(r"[^〔〕\[\]【】（）()]+〔\d{4}〕[1-9]\d*号", text_of(num))
    assert attr(num.find("w:pPr/w:jc", NS), "val") == "center"
    assert {run_font(r) for r in text_runs(num)} == {fonts_for()[gb.FANGSONG]}
    assert {run_size(r) for r in text_runs(num)} == {gb.BODY_SIZE}
    bottom = num.find("w:pPr/w:pBdr/w:bottom", NS)
    assert attr(bottom, "color") == gb.RED_HEX and attr(bottom, "val") == "single"
    width_pt = int(attr(bottom, "sz")) / 8
    assert 0.8 <= width_pt <= 3.0
    # The rule's centre sits 4 mm below the line box: space + half its width.
    gap_pt = int(attr(bottom, "space")) + width_pt / 2
    assert abs(gap_pt - gb.mm_to_pt(gb.RED_LINE_GAP_MM)) <= 1.0
    ind = num.find("w:pPr/w:ind", NS)
    assert ind is None or (attr(ind, "left") in (None, "0") and attr(ind, "right") in (None, "0"))
    # Two blank lines, then the title (BD-02).
    after = els[idx + 2 + gb.DOC_NUMBER_GAP_LINES: idx + 2 + gb.DOC_NUMBER_GAP_LINES + gb.TITLE_GAP_LINES]
    assert all(text_of(e) == "" for e in after)
    assert pstyle(els[idx + 2 + gb.DOC_NUMBER_GAP_LINES + gb.TITLE_GAP_LINES]) == "GwTitle"


def test_copy_number_secrecy_urgency_lines(tmp_path, example_draft, template):
    d = copy.deepcopy(example_draft)
    d.notice.copy_no, d.notice.secrecy, d.notice.urgency = "000123", "机密★1年", "特急"
    dest = tmp_path / "h.docx"
    export_one(d, template, "docx", dest)
    x = Docx(dest, d, template)
    first = x.top_level()[:4]
    assert [text_of(p) for p in first[:3]] == ["000123", "机密★1年", "特急"]
    f = fonts_for()
    assert [run_font(text_runs(p)[0]) for p in first[:3]] == [f[gb.FANGSONG], f[gb.HEITI], f[gb.HEITI]]
    for p in first[:3]:
        assert attr(p.find("w:pPr/w:jc", NS), "val") == "left"
    # The mark stays 35 mm down: three lines plus the spacer.
    total = sum(int(attr(p.find("w:pPr/w:spacing", NS), "line")) for p in first)
    assert total == 1984 and x.top_level()[4].tag == q("tbl")


def test_upward_document_signer(tmp_path, example_draft, template):
    d = copy.deepcopy(example_draft)
    d.notice.signer = "张三"
    dest = tmp_path / "s.docx"
    export_one(d, template, "docx", dest)
    x = Docx(dest, d, template)
    p = next(p for p in x.top_paragraphs() if "签发人：" in text_of(p))
    assert text_of(p) == f"{d.notice.doc_number}\t签发人：张三"
    ind = p.find("w:pPr/w:ind", NS)
    assert 280 <= int(attr(ind, "left")) <= 320 and 280 <= int(attr(ind, "right")) <= 320
    tab = p.find("w:pPr/w:tabs/w:tab", NS)
    assert attr(tab, "val") == "right" and int(attr(tab, "pos")) == 8844 - int(attr(ind, "right"))
    assert run_font(text_runs(p)[-1]) == fonts_for()[gb.KAITI]


# --- BD: title, recipients, body ---------------------------------------------------------------
def test_titles_broken_as_official_says(exported: Docx):
    titles = [p for p in exported.top_paragraphs() if pstyle(p) == "GwTitle"]
    expected = [b for b in exported.doc.blocks if isinstance(b, Title)]
    assert len(titles) == len(expected)
    for p, t in zip(titles, expected):
        assert text_of(p) == "\n".join(t.lines)
        assert tuple(t.lines) == tuple(gb.title_lines(t.text))
        assert attr(p.find("w:pPr/w:jc", NS), "val") == "center"
        assert p.find("w:pPr/w:keepNext", NS) is not None
        assert not t.text.endswith(("。", "，", "；", "："))


def test_recipients_flush_left_with_colon(exported: Docx):
    rec = gb.recipients_line(exported.draft.notice.recipients)
    p = next(p for p in exported.top_paragraphs() if text_of(p) == rec)
    assert rec.endswith("：") and not rec.endswith("：：")
    ind = p.find("w:pPr/w:ind", NS)
    assert attr(ind, "firstLineChars") == "0" and attr(ind, "firstLine") == "0"
    assert attr(ind, "left") in (None, "0") and attr(ind, "hanging") is None
    # one blank line after the title, and the body right after it (BD-04/05)
    els = exported.top_paragraphs()
    i = els.index(p)
    assert text_of(els[i - 1]) == "" and pstyle(els[i - 2]) == "GwTitle"
    assert text_of(els[i + 1]).strip()


def test_body_paragraphs_indented_two_characters(exported: Docx):
    body = exported.style("GwBody").find("w:pPr/w:ind", NS)
    assert attr(body, "firstLineChars") == "200" and 620 <= int(attr(body, "firstLine")) <= 660
    for sid in ("Heading1", "Heading2"):
        assert attr(exported.style(sid).find("w:pPr/w:ind", NS), "firstLineChars") == "200"
    paras = {squash(b.text) for b in exported.doc.blocks if isinstance(b, Para) and b.kind in ("body", "note")}
    checked = 0
    for p in exported.top_paragraphs():
        if pstyle(p) == "GwBody" and squash(text_of(p)) in paras:
            ind = p.find("w:pPr/w:ind", NS)
            assert ind is None or attr(ind, "firstLineChars") == "200"
            assert ind is None or attr(ind, "hanging") is None
            checked += 1
    assert checked >= len(exported.draft.plan.requirements)


def test_every_task_in_order_with_units_and_deadline(exported: Docx):
    text = exported.all_text()
    pos = 0
    n = 0
    for group in exported.draft.plan.task_groups:
        if group.title.strip():
            pos = text.index(group.title.strip(), pos)
        for task in group.tasks:
            n += 1
            for piece in [task.title.strip(), *[line.strip() for line in task.text.split("\n") if line.strip()]]:
                if piece:
                    pos = text.index(piece, pos) + len(piece)
            units = gb.units_line(task.lead, task.partners, task.deadline)
            if units:
                pos = text.index(units, pos) + len(units)
    assert n == sum(len(g.tasks) for g in exported.draft.plan.task_groups)


def test_every_user_text_is_present(exported: Docx):
    text = squash(exported.all_text())
    for t in exported.doc.texts:
        t, _ = clean_text(t)  # what XML cannot hold is dropped (the loader does this for files)
        for line in t.split("\n"):
            assert squash(line).strip("，,、。.；;：:") in text, line[:40]


def test_headings_numbered_from_structure(exported: Docx):
    h1 = [text_of(p) for p in exported.top_paragraphs() if pstyle(p) == "Heading1"]
    assert h1 == ["一、工作目标", "二、重点任务", "三、工作要求"]
    h2 = [text_of(p) for p in exported.top_paragraphs() if pstyle(p) == "Heading2"]
    groups = exported.draft.plan.task_groups
    if len(groups) > 1:
        assert [t[: t.index("）") + 1] for t in h2] == [gb.heading_label(2, i) for i in range(1, len(groups) + 1)]


# --- SG: signatures, date, note -----------------------------------------------------------------
def _signature_paragraphs(x: Docx):
    sig = next(b for b in x.doc.blocks if isinstance(b, Signature))
    date_text = gb.official_date(x.draft.notice.date)
    paras = x.top_paragraphs()
    end = next(i for i, p in enumerate(paras) if text_of(p) == date_text)
    return sig, paras[end - len(sig.lines) + 1: end + 1]


def test_signature_block_with_seal(exported: Docx):
    sig, ps = _signature_paragraphs(exported)
    assert sig.seal
    assert [squash(text_of(p)) for p in ps] == ["".join(squash(t) for _, t in line.items) for line in sig.lines]
    assert all(text_of(p) == "" for p in ps[:gb.SEAL_ROOM_LINES])
    date = ps[-1]
    assert re.fullmatch(r"\d{4}年([1-9]|1[0-2])月([1-9]|[12]\d|3[01])日", text_of(date))
    assert attr(date.find("w:pPr/w:jc", NS), "val") == "right"
    assert attr(date.find("w:pPr/w:ind", NS), "rightChars") == str(gb.DATE_RIGHT_GAP_SEAL * 100)
    # Names centred over the date: their cell positions are official.signature_lines'.
    for p, line in zip(ps, sig.lines):
        if line.kind == "name":
            ind = p.find("w:pPr/w:ind", NS)
            assert attr(ind, "leftChars") == str(round(line.items[0][0] * 100))
    # keep the block with the last body paragraph
    assert all(p.find("w:pPr/w:keepNext", NS) is not None for p in ps[:-1])


def test_signature_block_without_seal(tmp_path, example_draft, template):
    d = copy.deepcopy(example_draft)
    d.notice.signature_layout = "no_seal"
    dest = tmp_path / "n.docx"
    export_one(d, template, "docx", dest)
    x = Docx(dest, d, template)
    sig, ps = _signature_paragraphs(x)
    assert not sig.seal
    assert text_of(ps[0]) == "" and text_of(ps[1]) != ""  # one blank line, no room for a seal
    date_x = sig.lines[-1].items[0][0]
    gap = gb.CHARS_PER_LINE - date_x - gb.text_units(text_of(ps[-1]))
    assert attr(ps[-1].find("w:pPr/w:ind", NS), "rightChars") == str(round(gap * 100))
    assert gap >= gb.SIG_RIGHT_GAP_NO_SEAL - 1e-9


def test_note_follows_date(exported: Docx):
    note = clean_text(gb.note_line(exported.draft.notice.note))[0]
    paras = exported.top_paragraphs()
    date_i = next(i for i, p in enumerate(paras) if text_of(p) == gb.official_date(exported.draft.notice.date))
    assert text_of(paras[date_i + 1]) == note
    assert note.startswith("（") and note.endswith("）") and "\x07" not in note
    assert pstyle(paras[date_i + 1]) == "GwBody" and paras[date_i + 1].find("w:pPr/w:ind", NS) is None


# --- AT: the plan and the annex ---------------------------------------------------------------
def test_plan_on_new_page_without_attachment_label(exported: Docx):
    plan_title = exported.draft.plan.title.strip()
    paras = exported.top_paragraphs()
    p = next(p for p in paras if pstyle(p) == "GwTitle" and squash(text_of(p)) == squash(plan_title))
    assert p.find("w:pPr/w:pageBreakBefore", NS) is not None
    before = paras[: paras.index(p)]
    assert not any(text_of(b).startswith("附件") for b in before)


def test_annex_on_new_page_with_label_title_and_fixed_table(exported: Docx):
    acts = exported.draft.activities
    paras = exported.top_paragraphs()
    label = next(p for p in paras if text_of(p) == "附件")
    assert label.find("w:pPr/w:pageBreakBefore", NS) is not None
    assert {run_font(r) for r in text_runs(label)} == {fonts_for()[gb.HEITI]}
    ind = label.find("w:pPr/w:ind", NS)
    assert attr(ind, "firstLineChars") == "0" and attr(ind, "left") in (None, "0")
    i = paras.index(label)
    assert text_of(paras[i + 1]) == "" and pstyle(paras[i + 2]) == "GwTitle"  # title on line 3
    annex_title = exported.doc.annex_title
    assert squash(text_of(paras[i + 2])) == squash(annex_title)
    # 附件说明 matches the annex title (AT-04), indented two characters, hanging after "附件："
    note = next(p for p in paras if text_of(p).startswith("附件："))
    assert text_of(note) == "附件：" + annex_title
    nind = note.find("w:pPr/w:ind", NS)
    assert int(attr(nind, "leftChars")) - int(attr(nind, "hangingChars")) == 200
    assert attr(nind, "hangingChars") == "300"
    # The table
    tbl = next(t for t in exported.tables() if t.find("w:tblPr/w:tblpPr", NS) is None)
    pr = tbl.find("w:tblPr", NS)
    assert attr(pr.find("w:tblLayout", NS), "type") == "fixed"
    grid = [int(attr(g, "w")) for g in tbl.findall("w:tblGrid/w:gridCol", NS)]
    assert len(grid) == len(gb.ANNEX_COLUMNS) and sum(grid) <= 8844
    assert int(attr(pr.find("w:tblW", NS), "w")) == sum(grid) and attr(pr.find("w:tblW", NS), "type") == "dxa"
    assert int(attr(pr.find("w:tblInd", NS), "w")) >= 0
    for b in pr.find("w:tblBorders", NS):
        assert attr(b, "val") == "single" and attr(b, "color") in ("000000", "auto") and 4 <= int(attr(b, "sz")) <= 8
    rows = tbl.findall("w:tr", NS)
    assert len(rows) == len(acts) + 1
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
    assert [text_of(c) for c in rows[0].findall("w:tc", NS)] == [c for c, _ in gb.ANNEX_COLUMNS]
    for tr in rows:
        assert [int(attr(c.find("w:tcPr/w:tcW", NS), "w")) for c in tr.findall("w:tc", NS)] == grid
    for row, act in zip(rows[1:], acts):
        cells = [text_of(c) for c in row.findall("w:tc", NS)]
        assert cells[1] == act.name.strip() and cells[2] == act.time.strip() and cells[3] == act.lead.strip()
    for p in tbl.iter(q("p")):  # no exact 28–29 pt lines inside cells (overflow trap)
        sp = p.find("w:pPr/w:spacing", NS)
        assert sp is None or attr(sp, "lineRule") != "exact"


# --- BJ: 版记 -----------------------------------------------------------------------------------
def test_colophon_at_bottom_of_last_even_page(exported: Docx):
    c = exported.doc.colophon
    tbl = exported.tables()[-1]
    assert exported.top_level().index(tbl) >= len(exported.top_level()) - 2  # last content
    pos = tbl.find("w:tblPr/w:tblpPr", NS)
    assert attr(pos, "vertAnchor") == "margin" and attr(pos, "tblpYSpec") == "bottom"
    assert int(attr(tbl.find("w:tblPr/w:tblW", NS), "w")) == 8844
    assert sum(int(attr(g, "w")) for g in tbl.findall("w:tblGrid/w:gridCol", NS)) == 8844
    b = tbl.find("w:tblPr/w:tblBorders", NS)
    thick = gb.mm_to_pt(gb.COLOPHON_THICK_MM) * 8
    thin = gb.mm_to_pt(gb.COLOPHON_THIN_MM) * 8
    for side in ("top", "bottom"):
        el = b.find(f"w:{side}", NS)
        assert attr(el, "color") == "000000" and abs(int(attr(el, "sz")) - thick) < 1.5
    inside = b.find("w:insideH", NS)
    assert attr(inside, "color") == "000000" and abs(int(attr(inside, "sz")) - thin) < 1.5
    assert int(attr(b.find("w:top", NS), "sz")) > int(attr(inside, "sz"))
    rows = [tr.find("w:tc/w:p", NS) for tr in tbl.findall("w:tr", NS)]
    cc, printed = rows if len(rows) == 2 else (None, rows[0])
    assert text_of(cc) == c.cc == gb.join_cc(exported.draft.notice.cc)
    assert c.cc.startswith("抄送：") and c.cc.endswith("。")
    ind = cc.find("w:pPr/w:ind", NS)
    one, label = int(attr(ind, "right")), int(attr(ind, "hanging"))
    assert 280 <= one <= 320 and int(attr(ind, "left")) - label == one and label == 3 * 280
    assert text_of(printed) == f"{c.printer}\t{c.print_date}"
    assert re.fullmatch(r"\d{4}年([1-9]|1[0-2])月([1-9]|[12]\d|3[01])日印发", c.print_date)
    pind = printed.find("w:pPr/w:ind", NS)
    assert attr(pind, "left") == attr(pind, "right") and 280 <= int(attr(pind, "left")) <= 320
    tab = printed.find("w:pPr/w:tabs/w:tab", NS)
    assert attr(tab, "val") == "right" and int(attr(tab, "pos")) == 8844 - int(attr(pind, "right"))
    for r in text_runs(tbl):
        assert run_size(r) == gb.COLOPHON_SIZE and run_font(r) == fonts_for()[gb.FANGSONG]
    # Its own section starts on an even page, with footers that carry no number.
    last = exported.body.find("w:sectPr", NS)
    assert attr(last.find("w:type", NS), "val") == "evenPage"
    for ref in last.findall("w:footerReference", NS):
        assert exported.footer(ref.get(f"{{{R}}}id")).find(".//w:instrText", NS) is None


# --- PN: page numbers ---------------------------------------------------------------------------
def test_page_numbers_odd_right_even_left(exported: Docx):
    assert exported.settings.find("w:evenAndOddHeaders", NS) is not None
    first = exported.sections()[0]
    refs = {attr(r, "type"): r.get(f"{{{R}}}id") for r in first.findall("w:footerReference", NS)}
    assert set(refs) == {"default", "even"}
    one = round(gb.PAGE_NUMBER_SIZE * 20)
    for kind, jc, side in (("default", "right", "right"), ("even", "left", "left")):
        ftr = exported.footer(refs[kind])
        ps = ftr.findall("w:p", NS)
        assert len(ps) == 1
        p = ps[0]
        assert attr(p.find("w:pPr/w:jc", NS), "val") == jc
        ind = p.find("w:pPr/w:ind", NS)
        assert 280 <= int(attr(ind, side)) <= 320 and int(attr(ind, side)) == one
        assert "".join(i.text for i in p.iter(q("instrText"))).strip() == "PAGE"
        assert [attr(f, "fldCharType") for f in p.iter(q("fldChar"))] == ["begin", "separate", "end"]
        assert re.fullmatch(r"— ?\d+ ?—", text_of(p))
        assert "-" not in text_of(p) and "－" not in text_of(p)
        for r in runs(p):
            assert run_font(r) == fonts_for()[gb.SONGTI] and run_size(r) == gb.PAGE_NUMBER_SIZE
        assert attr(p.find("w:pPr/w:snapToGrid", NS), "val") == "0"
        sp = p.find("w:pPr/w:spacing", NS)
        assert attr(sp, "lineRule") == "auto" and attr(sp, "line") == "240"
    # The dash 7 mm below the type area: footer distance from the paper edge (PN-02).
    footer = int(attr(first.find("w:pgMar", NS), "footer"))
    assert 1300 <= footer <= 1600
    dash_from_bottom_mm = (footer + gb.PAGE_NUMBER_SIZE / 2 * 20) / 20 / gb.PT_PER_MM
    assert abs(dash_from_bottom_mm - (gb.MARGIN_BOTTOM_MM - gb.PAGE_NUMBER_GAP_MM)) < 0.1


def test_no_fields_or_links_in_the_body(exported: Docx):
    raw = exported.raw["word/document.xml"]
    for tag in (b"w:fldSimple", b"w:instrText", b"w:fldChar", b"w:hyperlink", b"w:object", b"w:drawing"):
        assert tag not in raw


def test_dates_in_official_form(exported: Docx):
    text = exported.all_text()
    assert not re.search(r"\d{4}年0\d月|月0\d日|\d{4}-\d{2}-\d{2}", text)
    n = exported.draft.notice
    assert gb.official_date(n.date) in text and gb.print_date_line(n.print_date) in text
    for g in exported.draft.plan.task_groups:
        for t in g.tasks:
            if gb.parse_iso_date(t.deadline):
                assert f"完成时限：{gb.official_date(t.deadline)}前" in text


# --- hostile text ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile(tmp_path_factory, tmpl) -> Docx:
    dest = tmp_path_factory.mktemp("hostile") / "h.docx"
    draft = hostile_draft()
    export_one(draft, tmpl, "docx", dest)
    return Docx(dest, draft, tmpl)


def test_hostile_text_stays_literal(hostile: Docx):
    text = hostile.all_text()
    for bit in HOSTILE_BITS:
        assert bit in text, bit
    assert HOSTILE_PARAGRAPH in text
    assert "\x07" not in text and "𠀀" in text and "👍🏽🇨🇳" in text
    assert LONG_ORGAN in text
    assert "=HYPERLINK(\"http://evil\")活动👍𠀀" in text
    # "Tab\tInside" became a real tab run, not a literal backslash or a field
    assert hostile.raw["word/document.xml"].count(b"<w:tab/>") >= 2


def test_hostile_many_long_issuers_keep_mark_small_enough(hostile: Docx):
    tbl = hostile.tables()[0]
    sizes = {run_size(r) for r in text_runs(tbl)}
    names = len(hostile.doc.header.organs)
    assert names == 9
    # stacked names plus gaps leave room on page 1 for the rest of the 版头 and body text
    assert max(sizes) * 1.2 * names <= 637.8 - gb.mm_to_pt(gb.ORGAN_MARK_TOP_MM) - 11 * gb.LINE_PITCH_PT + 1


def test_long_printer_name_is_narrowed_not_wrapped(hostile: Docx):
    printed = hostile.tables()[-1].findall("w:tr", NS)[-1]
    organ_run = text_runs(printed)[0]
    assert int(attr(organ_run.find("w:rPr/w:w", NS), "val")) < 100


# --- entry points -----------------------------------------------------------------------------------
def test_cli_writes_docx(tmp_path):
    src = example_paths()[0]
    proc = subprocess.run([sys.executable, "-m", "desktop", "export", str(src), "--docx", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / (src.name.replace(".plan.json", "") + ".docx")
    assert out.is_file() and zipfile.is_zipfile(out)
    assert "已导出" in proc.stdout and "Traceback" not in proc.stderr


def test_export_notes_in_chinese(tmp_path, example_draft, template):
    res = export_one(example_draft, template, "docx", tmp_path / "n.docx", ExportOptions(font_preset="gb2312"))
    assert res.notes and all(re.search(r"[\u4e00-\u9fff]", n) for n in res.notes)


def test_minimal_draft_exports(tmp_path, template):
    from desktop.model import Draft

    d = Draft()
    d.plan.task_groups = []
    dest = tmp_path / "empty.docx"
    export_one(d, template, "docx", dest)
    x = Docx(dest, d, template)
    assert x.sections() and x.body.find("w:sectPr", NS) is not None


def test_task_text_with_many_paragraphs(tmp_path, template):
    d = make_draft(tasks=3, activities=1)
    d.plan.task_groups[0].tasks.append(Task(id="tx", title="多段任务", text="第一段。\n\n第二段。\n第三段。",
                                            lead="市教育局", deadline="2020-12-31"))
    dest = tmp_path / "m.docx"
    export_one(d, template, "docx", dest)
    x = Docx(dest, d, template)
    texts = [text_of(p) for p in x.top_paragraphs()]
    i = next(i for i, t in enumerate(texts) if "多段任务" in t)
    assert texts[i].endswith("第一段。") and texts[i + 1] == "第二段。"
    assert texts[i + 2] == "第三段。（牵头单位：市教育局；完成时限：2020年12月31日前）"


def test_pasted_text_as_title_exports_quickly(tmp_path, template):
    import time

    d = make_draft(tasks=2, activities=1)
    d.plan.title = HOSTILE_PARAGRAPH  # 20,000 characters where a title belongs
    start = time.perf_counter()
    export_one(d, template, "docx", tmp_path / "t.docx")
    assert time.perf_counter() - start < 10  # balancing would take minutes
    x = Docx(tmp_path / "t.docx", d, template)
    titles = [text_of(p).replace("\n", "") for p in x.top_paragraphs() if pstyle(p) == "GwTitle"]
    assert HOSTILE_PARAGRAPH in titles  # the plan's title, whole and literal
