"""The Word export read back as XML, clause by clause (conformance docx column).

Every draft here (the examples, generated joint-issue plans of many tasks, and
a draft of hostile text) is exported once per module and its parts parsed with
lxml. Where a number is fixed by GB/T 9704 it is written out here; how the
file prints is checked by test_docx_libreoffice.py.
"""

from __future__ import annotations

import ast
import copy
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
    d.activities.append(Activity(id="a99", name="很长的活动名称" * 60, time="全年", lead=LONG_ORGAN,
                                 partners=["甲", "乙"]))
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
        self.template = template
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

    def all_paragraphs(self) -> list:
        return list(self.body.iter(q("p")))


def text_of(p, breaks: bool = False) -> str:
    """The paragraph's text; line breaks (a title's chosen lines) as "\\n" only when asked."""
    out = []
    for el in p.iter(q("t"), q("tab"), q("br")):
        if el.tag == q("t"):
            out.append(el.text or "")
        elif el.tag == q("tab"):
            if el.getparent().tag == q("r"):
                out.append("\t")
        elif breaks:
            out.append("\n")
    return "".join(out)


def style_has(x: "Docx", p, path: str):
    """The paragraph's own ``w:pPr/path`` element, else its style's."""
    own = p.find(f"w:pPr/{path}", NS)
    if own is not None:
        return own
    style = x.style(pstyle(p) or "Normal")
    return None if style is None else style.find(f"w:pPr/{path}", NS)


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
BASE_STYLES = {"Normal", "GwBody", "Heading1", "Heading2", "GwTitle", "GwMark", "GwHeaderLine", "GwDocNumber",
               "GwTableText", "GwColophon", "GwSpacer", "Footer"}


def test_package_holds_only_what_an_official_document_needs(exported: Docx):
    names = set(exported.names)
    assert {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "word/document.xml",
            "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml", "word/fontTable.xml"} <= names
    assert {n for n in names if n.startswith("word/footer")}
    for n in names:  # no theme (theme fonts would override ours), numbering, web or custom parts, media
        assert not re.search(r"theme|numbering|webSettings|stylesWithEffects|customXml|glossary|media|comments", n), n
    ct = exported.raw["[Content_Types].xml"].decode()
    assert "theme" not in ct and "numbering" not in ct
    langs = exported.styles.findall(".//w:lang", NS)
    assert langs and all(attr(lang, "eastAsia") == "zh-CN" for lang in langs)
    assert b"ja-JP" not in b"".join(exported.raw.values())


def test_core_properties_dated_on_the_signing_date(exported: Docx):
    core = exported.xml["docProps/core.xml"]
    stamps = {etree.QName(el).localname: el.text for el in core if etree.QName(el).localname in ("created", "modified")}
    d = gb.parse_iso_date(exported.draft.notice.date)
    expected = f"{d.year:04d}-{d.month:02d}-{d.day:02d}T00:00:00Z" if d else "2020-01-01T00:00:00Z"
    assert stamps == {"created": expected, "modified": expected}


def test_same_draft_same_bytes(tmp_path, example_draft, template):
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    export_one(example_draft, template, "docx", a)
    export_one(example_draft, template, "docx", b)
    assert a.read_bytes() == b.read_bytes()


def test_base_document_rebuilds_byte_identical(tmp_path):
    out = tmp_path / "base.docx"
    proc = subprocess.run([sys.executable, "scripts/make_base_docx.py", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == (ROOT / "resources" / "base.docx").read_bytes()


def test_built_on_our_base_document_with_python_docx(exported: Docx):
    import docx  # the writer's own library, as a reader

    d = docx.Document(str(exported.path))
    assert len(d.paragraphs) > 10
    assert d.sections[0].page_width == 11906 * 635 and d.sections[0].page_height == 16838 * 635  # EMU
    ids = {attr(s, "styleId") for s in exported.styles.findall("w:style", NS)}
    assert BASE_STYLES <= ids
    assert {pstyle(p) for p in exported.all_paragraphs()} <= BASE_STYLES | {""}


def test_writer_goes_through_python_docx():
    """The Word writer builds with python-docx's objects: no XML text, no lxml,
    and the oxml layer only through docx_oxml."""
    for name in ("docx.py", "docx_oxml.py"):
        tree = ast.parse((ROOT / "desktop" / "export" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert "<w:" not in node.value and "xmlns" not in node.value, (name, node.value[:40])
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(m.startswith(("lxml", "xml.")) for m in mods), (name, mods)
    src = (ROOT / "desktop" / "export" / "docx.py").read_text(encoding="utf-8")
    assert "from docx import Document" in src and "add_paragraph" in src and "add_table" in src


# --- PG: page, margins, grid, defaults ------------------------------------------------
def test_page_a4_and_margins(exported: Docx):
    sections = exported.sections()
    assert sections
    for s in sections:
        sz, mar = s.find("w:pgSz", NS), s.find("w:pgMar", NS)
        assert (int(attr(sz, "w")), int(attr(sz, "h"))) == (11906, 16838)
        assert attr(sz, "orient") in (None, "portrait")
        top, left = int(attr(mar, "top")), int(attr(mar, "left"))
        right, bottom = int(attr(mar, "right")), int(attr(mar, "bottom"))
        assert top == 2098  # 37 mm
        assert left in (1587, 1588)  # 28 mm
        assert 11906 - left - right == 8844  # 156 mm
        assert 16838 - top - bottom == 12756  # 225 mm
        assert attr(mar, "gutter") == "0" and int(attr(mar, "header")) < top
        assert s.find("w:titlePg", NS) is None and s.find("w:pgNumType", NS) is None
    assert exported.settings.find("w:mirrorMargins", NS) is None


def test_line_grid_22_lines_and_tracking_for_28_characters(exported: Docx):
    for s in exported.sections():
        grid = s.find("w:docGrid", NS)
        # A line grid only: a character grid is drawn differently by Word,
        # WPS and LibreOffice; 28 to a line comes from the tracking below.
        assert attr(grid, "type") == "lines" and attr(grid, "charSpace") is None
        assert int(attr(grid, "linePitch")) == 579
        assert 12756 // 579 == 22
    spacing = exported.style("Normal").find("w:rPr/w:spacing", NS)
    assert attr(spacing, "val") == "-5"
    # 16 pt less 0.25 pt is 315 twips a character; the last one keeps its 320.
    assert 27 * 315 + 320 <= 8844 < 28 * 315 + 320
    for sid in ("GwBody", "Heading1", "Heading2"):
        sp = exported.style(sid).find("w:rPr/w:spacing", NS)
        assert sp is None or attr(sp, "val") == "-5"


def test_line_breaking_rules_are_ours(exported: Docx):
    after = exported.settings.find("w:noLineBreaksAfter", NS)
    before = exported.settings.find("w:noLineBreaksBefore", NS)
    assert attr(after, "lang") == attr(before, "lang") == "zh-CN"
    for ch in "，。、；：？！）》」』】〕…—”’":
        assert ch in attr(before, "val"), ch
    for ch in "（《「『【〔“‘":
        assert ch in attr(after, "val"), ch
    assert set(attr(before, "val")) == set(gb.LINE_START_FORBIDDEN)  # one rule, one place
    assert set(attr(after, "val")) == set(gb.LINE_END_FORBIDDEN)
    # Stated once, for every paragraph: LibreOffice then breaks where our PDF does (official.WORD_OVERFLOW_PUNCT).
    stated = [attr(el, "val") for el in exported.styles.iter(q("overflowPunct"))]
    assert stated == [str(int(gb.WORD_OVERFLOW_PUNCT))] * 2  # the defaults and Normal
    assert not exported.document.findall(".//w:overflowPunct", NS)


def test_defaults_are_16pt_fangsong(exported: Docx):
    fs = fonts_for()[gb.FANGSONG]
    default = exported.styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    normal = exported.style("Normal")
    for rpr in (default, normal.find("w:rPr", NS)):
        assert attr(rpr.find("w:sz", NS), "val") == "32"
        assert attr(rpr.find("w:rFonts", NS), "eastAsia") == fs
    assert attr(normal, "default") == "1"
    # Body paragraphs follow the grid: no exact spacing in Normal, the body style or headings.
    for sid in ("Normal", "GwBody", "Heading1", "Heading2"):
        sp = exported.style(sid).find("w:pPr/w:spacing", NS)
        assert sp is None or attr(sp, "lineRule") != "exact"
        snap = exported.style(sid).find("w:pPr/w:snapToGrid", NS)
        assert snap is None or attr(snap, "val") not in ("0", "false")


def test_no_theme_fonts_anywhere(exported: Docx):
    for name, root in exported.xml.items():
        for el in root.iter():
            for key in el.attrib:
                local = etree.QName(key).localname
                assert not local.lower().endswith("theme"), (name, el.tag, key)


def test_every_run_has_its_east_asian_font(exported: Docx):
    parts = [n for n in exported.names if n == "word/document.xml" or n.startswith("word/footer")]
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
    for rf in exported.styles.iter(q("rFonts")):
        assert attr(rf, "eastAsia")


# --- fonts per role, colours -----------------------------------------------------------
def _roles_seen(x: Docx, fonts: dict[str, str]):
    by_name = {v: k for k, v in fonts.items()}
    fs, ht, kt, xbs = (fonts[r] for r in (gb.FANGSONG, gb.HEITI, gb.KAITI, gb.XIAOBIAOSONG))
    seen = set()
    for p in x.all_paragraphs():
        style = pstyle(p)
        rs = text_runs(p)
        if not rs:
            continue
        seen.add(style)
        if style == "GwTitle":
            assert {run_font(r) for r in rs} == {xbs} and {run_size(r) for r in rs} == {22.0}
            assert p.find(".//w:b", NS) is None
        elif style == "Heading1":
            assert {run_font(r) for r in rs} == {ht} and {run_size(r) for r in rs} == {16.0}
        elif style == "Heading2":
            assert {run_font(r) for r in rs} == {kt} and {run_size(r) for r in rs} == {16.0}
        elif style == "GwMark":
            assert {run_font(r) for r in rs} == {xbs} and {run_color(r) for r in rs} == {gb.RED_HEX}
        elif style == "GwColophon":
            assert {run_font(r) for r in rs} == {fs} and {run_size(r) for r in rs} == {14.0}
        elif style == "GwTableText":
            assert {run_size(r) for r in rs} == {14.0}
            assert {run_font(r) for r in rs} <= {fs, ht}
        elif style in ("GwBody", "GwDocNumber"):
            assert {run_size(r) for r in rs} == {16.0}
            assert all(by_name.get(run_font(r)) in (gb.FANGSONG, gb.HEITI, gb.KAITI) for r in rs)
    assert {"GwTitle", "GwBody", "Heading1", "GwTableText", "GwColophon"} <= seen


@pytest.mark.parametrize("preset", sorted(gb.FONT_PRESETS))
def test_fonts_per_role_for_each_preset(preset, tmp_path, example_draft, template):
    dest = tmp_path / "x.docx"
    export_one(example_draft, template, "docx", dest, ExportOptions(font_preset=preset))
    x = Docx(dest, example_draft, template)
    fonts = fonts_for(preset)
    _roles_seen(x, fonts)
    styled = [(text_of(p), pstyle(p)) for p in x.top_paragraphs()]
    assert ("一、工作目标", "Heading1") in styled
    assert any(t.startswith("（一）") and s == "Heading2" for t, s in styled)
    tasks = [p for p in x.top_paragraphs() if re.match(r"^\d+\.", text_of(p))]
    assert tasks and all(run_font(text_runs(p)[0]) == fonts[gb.FANGSONG] for p in tasks)
    reqs = [p for p in x.top_paragraphs() if pstyle(p) == "GwBody" and text_of(p).startswith("（一）")]
    assert reqs and run_font(text_runs(reqs[0])[0]) == fonts[gb.KAITI]
    # Each style names this preset's font, so text typed later in Word gets it too.
    assert attr(x.style("GwBody").find("w:rPr/w:rFonts", NS), "eastAsia") == fonts[gb.FANGSONG]
    assert attr(x.style("Heading1").find("w:rPr/w:rFonts", NS), "eastAsia") == fonts[gb.HEITI]
    table = {attr(f, "name"): attr(f.find("w:altName", NS), "val") for f in x.fonts.findall("w:font", NS)}
    used = {run_font(r) for part in x.names if part == "word/document.xml" or part.startswith("word/footer")
            for r in x.xml[part].iter(q("r"))}
    assert used <= set(table)
    preset_obj = gb.FONT_PRESETS[preset]
    for role, alt in preset_obj.fallbacks.items():
        assert table[preset_obj.names[role]] == alt
        assert alt in table
    for f in x.fonts.findall("w:font", NS):
        assert attr(f.find("w:charset", NS), "val") == "86"


def test_fonts_per_role(exported: Docx):
    _roles_seen(exported, fonts_for())


def test_only_the_mark_and_the_line_under_the_number_are_red(exported: Docx):
    for p in exported.all_paragraphs():
        for r in runs(p):
            c = run_color(r)
            if pstyle(p) == "GwMark":
                assert c == gb.RED_HEX
            else:
                assert c in (None, "auto", "000000")
            assert r.find("w:rPr/w:highlight", NS) is None
    red = [b for b in exported.body.iter() if attr(b, "color") == gb.RED_HEX and etree.QName(b).localname != "color"]
    assert len(red) == (1 if exported.doc.header.doc_number else 0)


# --- HD: 版头 --------------------------------------------------------------------------------
def _header_table(x: Docx):
    for el in x.top_level():
        if el.tag == q("tbl"):
            return el
        assert pstyle(el) == "GwHeaderLine"  # only 份号/密级/紧急程度 lines come before it
    raise AssertionError("no 版头 table")


def _row_heights(tbl) -> list[int]:
    out = []
    for tr in tbl.findall("w:tr", NS):
        h = tr.find("w:trPr/w:trHeight", NS)
        assert attr(h, "hRule") == "exact"
        out.append(int(attr(h, "val")))
    return out


def test_header_is_one_table_of_exact_rows_ending_on_a_grid_line(exported: Docx):
    tbl = _header_table(exported)
    heights = _row_heights(tbl)
    assert len(heights) == 5 and all(h >= 1 for h in heights)
    lines_before = sum(1 for el in exported.top_level()[: exported.top_level().index(tbl)])
    # the title starts on a grid line of page 1, as in the PDF
    total = lines_before * 579 + sum(heights)
    assert total % 579 == 0 or total % 579 >= 579 - 2 or total % 579 <= 2, total
    assert total <= 12756 - 3 * 579  # the title, a blank and the recipients still fit
    assert tbl.find("w:tblPr/w:tblpPr", NS) is None  # in the flow: nothing can overlap it
    assert int(attr(tbl.find("w:tblPr/w:tblW", NS), "w")) == 8844
    for b in tbl.find("w:tblPr/w:tblBorders", NS):
        assert attr(b, "val") == "nil"
    after = exported.top_level()[exported.top_level().index(tbl) + 1]
    assert pstyle(after) == "GwTitle"


def test_organ_mark_35mm_below_type_area(exported: Docx):
    h = exported.doc.header
    if not h.organs:
        pytest.skip("no issuer")
    tbl = _header_table(exported)
    heights = _row_heights(tbl)
    lines_before = exported.top_level().index(tbl)
    marks = [p for p in tbl.iter(q("p")) if pstyle(p) == "GwMark"]
    sp = marks[0].find("w:pPr/w:spacing", NS)
    assert attr(sp, "lineRule") == "exact"
    line = int(attr(sp, "line"))
    size = run_size(text_runs(marks[0])[0])
    # Word and LibreOffice centre the em box in an exact line: its top is
    # 35 mm (1984 twips) below the type area's top.
    em_top = lines_before * 579 + heights[0] + (line - size * 20) / 2
    assert abs(em_top - 1984) <= 2, em_top
    rows = tbl.findall("w:tr", NS)
    names_cell = rows[1].findall("w:tc", NS)[1 if len(h.organs) > 1 else 0]
    names = [text_of(p) for p in names_cell.findall("w:p", NS)]
    assert len(names) * line <= heights[1]  # no line of the mark is clipped
    if len(h.organs) > 1:
        assert "".join(names) == "".join(h.organs)  # a name too long for one line takes two
        assert len(names) >= len(h.organs)
        assert all(attr(p.find("w:pPr/w:jc", NS), "val") == "distribute"
                   for p in names_cell.findall("w:p", NS) if len(text_of(p)) > 1)
        if h.suffix:
            suffix = rows[1].findall("w:tc", NS)[3]
            assert text_of(suffix.find("w:p", NS)) == h.suffix
            assert attr(suffix.find("w:tcPr/w:vAlign", NS), "val") == "center"
    else:
        assert names == [h.organs[0] + h.suffix]
    for r in text_runs(tbl):
        if run_color(r) == gb.RED_HEX:
            assert run_size(r) >= 14 and (run_size(r) * 2) == int(run_size(r) * 2)  # half points
            w = attr(r.find("w:rPr/w:w", NS), "val")
            assert w is None or 50 <= int(w) <= 100


def test_doc_number_centred_with_the_red_line_below(exported: Docx):
    h = exported.doc.header
    tbl = _header_table(exported)
    rows = tbl.findall("w:tr", NS)
    cell = rows[3].find("w:tc", NS)
    num = cell.find("w:p", NS)
    assert text_of(num) == h.doc_number
    assert re.fullmatch(r"[^〔〕\[\]【】（）()]+〔\d{4}〕[1-9]\d*号", text_of(num))
    assert attr(style_has(exported, num, "w:jc"), "val") == "center"
    assert {run_font(r) for r in text_runs(num)} == {fonts_for()[gb.FANGSONG]}
    assert {run_size(r) for r in text_runs(num)} == {16.0}
    bottom = cell.find("w:tcPr/w:tcBorders/w:bottom", NS)
    assert attr(bottom, "color") == gb.RED_HEX and attr(bottom, "val") == "single"
    assert 0.8 <= int(attr(bottom, "sz")) / 8 <= 3.0
    # the cell spans the whole 156 mm
    assert sum(int(attr(g, "w")) for g in tbl.findall("w:tblGrid/w:gridCol", NS)) == 8844


def test_copy_number_secrecy_urgency_lines(tmp_path, example_draft, template):
    d = copy.deepcopy(example_draft)
    d.notice.copy_no, d.notice.secrecy, d.notice.urgency = "000123", "机密★1年", "特急"
    dest = tmp_path / "h.docx"
    export_one(d, template, "docx", dest)
    x = Docx(dest, d, template)
    first = x.top_level()[:3]
    assert [text_of(p) for p in first] == ["000123", "机密★1年", "特急"]
    f = fonts_for()
    assert [run_font(text_runs(p)[0]) for p in first] == [f[gb.FANGSONG], f[gb.HEITI], f[gb.HEITI]]
    for p in first:
        assert attr(style_has(x, p, "w:jc"), "val") == "left"
        sp = style_has(x, p, "w:spacing")
        assert attr(sp, "lineRule") == "exact" and attr(sp, "line") == "579"
    tbl = x.top_level()[3]
    assert tbl.tag == q("tbl")
    # the mark stays 35 mm down: three lines, then the first row
    heights = _row_heights(tbl)
    mark = next(p for p in tbl.iter(q("p")) if pstyle(p) == "GwMark")
    line = int(attr(mark.find("w:pPr/w:spacing", NS), "line"))
    size = run_size(text_runs(mark)[0])
    assert abs(3 * 579 + heights[0] + (line - size * 20) / 2 - 1984) <= 2


def test_upward_document_signer(tmp_path, example_draft, template):
    d = copy.deepcopy(example_draft)
    d.notice.signer = "张三"
    dest = tmp_path / "s.docx"
    export_one(d, template, "docx", dest)
    x = Docx(dest, d, template)
    p = next(p for p in x.all_paragraphs() if "签发人：" in text_of(p))
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
        assert text_of(p, breaks=True) == "\n".join(t.lines)
        assert tuple(t.lines) == tuple(gb.title_lines(t.text))
        assert attr(style_has(exported, p, "w:jc"), "val") == "center"
        assert style_has(exported, p, "w:keepNext") is not None
        assert not t.text.endswith(("。", "，", "；", "："))


def test_recipients_flush_left_with_colon(exported: Docx):
    rec = gb.recipients_line(exported.draft.notice.recipients)
    p = next(p for p in exported.top_paragraphs() if text_of(p) == rec)
    assert rec.endswith("：") and not rec.endswith("：：")
    ind = p.find("w:pPr/w:ind", NS)
    assert attr(ind, "firstLineChars") == "0" and attr(ind, "firstLine") == "0"
    assert attr(ind, "left") in (None, "0") and attr(ind, "hanging") is None
    els = exported.top_paragraphs()
    i = els.index(p)
    assert text_of(els[i - 1]) == "" and pstyle(els[i - 2]) == "GwTitle"  # BD-04
    assert text_of(els[i + 1]).strip()  # BD-05


def test_body_paragraphs_indented_two_characters(exported: Docx):
    body = exported.style("GwBody").find("w:pPr/w:ind", NS)
    assert attr(body, "firstLineChars") == "200" and attr(body, "firstLine") == "632"
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


def test_no_break_placed_for_the_layout(exported: Docx):
    """Lines break where the word processor breaks them, by the rules the file states:
    no w:br in any text (a title's chosen lines aside), no paragraph set apart or
    spread (distributed) to end where our page ends (issue 27.3)."""
    for p in exported.all_paragraphs():
        if pstyle(p) == "GwTitle":
            continue
        assert p.find(".//w:br", NS) is None, text_of(p)[:40]
        jc = attr(p.find("w:pPr/w:jc", NS), "val")
        assert jc != "distribute" or p.getparent().tag == q("tc"), text_of(p)[:40]  # only the joint mark's names
    texts = [squash(text_of(p)) for p in exported.all_paragraphs()]
    for para in exported.doc.blocks:
        if isinstance(para, Para) and para.kind in ("body", "note", "recipients"):
            whole = squash("".join(sp.text for sp in para.spans))
            if whole:
                assert whole in texts, whole[:30]  # each paragraph of the document is one paragraph


def test_paragraph_before_the_signature_keeps_with_it(exported: Docx):
    """The 署名 block never starts a page: the paragraph before it is kept with it and,
    unless it is page 1's only body text, kept whole (keep with next, keep lines together);
    every line of the block is kept with the next."""
    ps = exported.top_paragraphs()
    names = [n.strip() for n in exported.draft.notice.effective_signatures]
    first = next(k for k, p in enumerate(ps) if any(n in text_of(p) for n in names) and pstyle(p) == "GwBody")
    k = first - 1
    while not text_of(ps[k]).strip():
        assert ps[k].find("w:pPr/w:keepNext", NS) is not None
        k -= 1
    body = ps[k]
    assert body.find("w:pPr/w:keepNext", NS) is not None
    date = next(p for p in ps[first:] if text_of(p).strip().endswith("日") and "年" in text_of(p))
    for p in ps[first:ps.index(date)]:
        assert p.find("w:pPr/w:keepNext", NS) is not None


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
    for p in exported.top_paragraphs():
        if pstyle(p) in ("Heading1", "Heading2"):  # the whole heading moves with what follows
            assert style_has(exported, p, "w:keepNext") is not None and p.find("w:pPr/w:keepLines", NS) is not None


# --- SG: signatures, date, note -----------------------------------------------------------------
def _signature_paragraphs(x: Docx):
    sig = next(b for b in x.doc.blocks if isinstance(b, Signature))
    date_text = gb.official_date(x.draft.notice.date)
    paras = x.top_paragraphs()
    end = next(i for i, p in enumerate(paras) if text_of(p) == date_text)
    return sig, paras[end - len(sig.lines) + 1: end + 1]


def _check_signature_lines(sig, ps):
    assert [text_of(p) for p in ps] == ["\t".join(t for _, t in line.items) for line in sig.lines]
    for p, line in zip(ps, sig.lines):
        if not line.items:
            continue
        # positions in 3号 cells of 8844 / 28 twips, written as twips
        ind = p.find("w:pPr/w:ind", NS)
        assert int(attr(ind, "left")) == round(line.items[0][0] * 8844 / 28)
        assert attr(ind, "firstLine") == "0" and attr(p.find("w:pPr/w:jc", NS), "val") == "left"
        tabs = [int(attr(t, "pos")) for t in p.findall("w:pPr/w:tabs/w:tab", NS)]
        assert tabs == [round(x * 8844 / 28) for x, _ in line.items[1:]]
    assert all(p.find("w:pPr/w:keepNext", NS) is not None for p in ps[:-1])


def test_signature_block_with_seal(exported: Docx):
    sig, ps = _signature_paragraphs(exported)
    assert sig.seal
    _check_signature_lines(sig, ps)
    assert all(text_of(p) == "" for p in ps[:2])  # room for the seal
    assert re.fullmatch(r"\d{4}年([1-9]|1[0-2])月([1-9]|[12]\d|3[01])日", text_of(ps[-1]))


def test_signature_block_without_seal(tmp_path, example_draft, template):
    d = copy.deepcopy(example_draft)
    d.notice.signature_layout = "no_seal"
    dest = tmp_path / "n.docx"
    export_one(d, template, "docx", dest)
    x = Docx(dest, d, template)
    sig, ps = _signature_paragraphs(x)
    assert not sig.seal
    _check_signature_lines(sig, ps)
    assert text_of(ps[0]) == "" and text_of(ps[1]) != ""  # one blank line, no room for a seal


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
    assert not any(text_of(b).startswith("附件") for b in paras[: paras.index(p)])


def _annex_table(x: Docx):
    return next(t for t in x.tables() if t.find("w:tblPr/w:tblpPr", NS) is None
                and t.find("w:tblPr/w:tblBorders/w:insideV", NS) is not None
                and attr(t.find("w:tblPr/w:tblBorders/w:insideV", NS), "val") == "single")


def _check_section_end(brk) -> None:
    """A section ends in its last paragraph, as Word's own breaks do, so that a page filled to
    its last line cannot spill the break onto a page of its own (LibreOffice then adds two
    blank pages before an even-page section); only after a table, which cannot carry it, does
    an empty paragraph 1 twip high end it."""
    if brk.getprevious() is not None and brk.getprevious().tag == q("tbl"):
        assert pstyle(brk) == "GwSpacer" and attr(brk.find("w:pPr/w:spacing", NS), "line") == "1"
    else:
        assert pstyle(brk) != "GwSpacer"


def _section_opened_by(x: Docx, p, paras) -> str | None:
    """The start type of the section ``p`` opens (None: it opens none): the element
    before it ends the section before; the next break says the type."""
    before = p.getprevious()
    ends = before.find("w:pPr/w:sectPr", NS)
    if ends is None:
        return None
    _check_section_end(before)
    sects = x.sections()
    return attr(sects[sects.index(ends) + 1].find("w:type", NS), "val") or "nextPage"


def test_annex_on_new_page_with_label_and_title(exported: Docx):
    paras = exported.top_paragraphs()
    label = next(p for p in paras if text_of(p) == "附件")
    # a new page, of the parity it has in the PDF, so that text added before it
    # cannot move the 版记 onto an odd page (issue 27.3)
    from desktop.export import lay_out

    laid = lay_out(exported.draft, exported.template, ExportOptions())
    page = next(pg for pg in laid.pages if any(r.text == "附件" and r.kind == "attachment-label" for r in pg.runs))
    assert _section_opened_by(exported, label, paras) == ("evenPage" if page.index % 2 == 0 else "oddPage")
    assert {run_font(r) for r in text_runs(label)} == {fonts_for()[gb.HEITI]}
    ind = label.find("w:pPr/w:ind", NS)
    assert attr(ind, "firstLineChars") == "0" and attr(ind, "left") in (None, "0")
    assert attr(label.find("w:pPr/w:jc", NS), "val") == "left"
    i = paras.index(label)
    assert text_of(paras[i + 1]) == "" and pstyle(paras[i + 2]) == "GwTitle"  # title on line 3
    annex_title = exported.doc.annex_title
    assert squash(text_of(paras[i + 2])) == squash(annex_title)
    note = next(p for p in paras if text_of(p).startswith("附件："))
    assert text_of(note) == "附件：" + annex_title  # AT-04
    nind = note.find("w:pPr/w:ind", NS)
    assert int(attr(nind, "leftChars")) - int(attr(nind, "hangingChars")) == 200
    assert attr(nind, "hangingChars") == "300"


def test_annex_table_rows_of_whole_grid_lines(exported: Docx):
    acts = exported.draft.activities
    tbl = _annex_table(exported)
    pr = tbl.find("w:tblPr", NS)
    assert attr(pr.find("w:tblLayout", NS), "type") == "fixed"
    grid = [int(attr(g, "w")) for g in tbl.findall("w:tblGrid/w:gridCol", NS)]
    assert len(grid) == 5 and sum(grid) == 8844
    assert int(attr(pr.find("w:tblW", NS), "w")) == 8844 and attr(pr.find("w:tblW", NS), "type") == "dxa"
    for b in pr.find("w:tblBorders", NS):
        assert attr(b, "val") == "single" and attr(b, "color") in ("000000", "auto") and 4 <= int(attr(b, "sz")) <= 8
    rows = tbl.findall("w:tr", NS)
    assert len(rows) == len(acts) + 1
    head = rows[0].find("w:trPr", NS)
    assert head.find("w:tblHeader", NS) is not None and head.find("w:cantSplit", NS) is not None
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
    assert [text_of(c) for c in rows[0].findall("w:tc", NS)] == ["序号", "活动名称", "时间", "牵头单位", "配合单位"]
    for tr in rows:
        assert [int(attr(c.find("w:tcPr/w:tcW", NS), "w")) for c in tr.findall("w:tc", NS)] == grid
        h = tr.find("w:trPr/w:trHeight", NS)
        assert int(attr(h, "val")) == 579 and attr(h, "hRule") == "atLeast"
    for row, act in zip(rows[1:], acts):
        cells = [text_of(c) for c in row.findall("w:tc", NS)]
        assert cells[1] == act.name.strip() and cells[2] == act.time.strip() and cells[3] == act.lead.strip()
        kept = row.find("w:trPr/w:cantSplit", NS) is not None
        for c in row.findall("w:tc", NS):
            valign = attr(c.find("w:tcPr/w:vAlign", NS), "val")
            assert valign == ("center" if kept else "top")  # a row that may split starts at the top
    for p in tbl.iter(q("p")):
        sp = p.find("w:pPr/w:spacing", NS)
        line = int(attr(sp, "line"))
        # exact lines a little under the grid pitch, never so tight that 4号 glyphs clip
        assert attr(sp, "lineRule") == "exact" and round(1.2 * 14 * 20) <= line <= 579
        for r in text_runs(p):
            assert run_size(r) == 14.0
    first = [attr(p.find("w:pPr/w:jc", NS), "val") for p in (c.find("w:p", NS) for c in rows[1].findall("w:tc", NS))]
    assert first[0] == "center" and first[2] == "center"  # 序号 and 时间 centred


# --- BJ: 版记 -----------------------------------------------------------------------------------
def test_colophon_floats_on_the_bottom_of_the_type_area(exported: Docx):
    c = exported.doc.colophon
    tbl = exported.tables()[-1]
    top = exported.top_level()
    assert top.index(tbl) == len(top) - 2  # then the closing paragraph
    anchor = top[top.index(tbl) - 1]  # LibreOffice anchors the frame it makes of the table here
    assert pstyle(anchor) == "GwSpacer" and text_of(anchor) == ""
    pos = tbl.find("w:tblPr/w:tblpPr", NS)
    # At the type area's bottom, whatever comes before it: it grows upwards when a clerk
    # adds to it. Placed from the page's left edge at the left margin, so that LibreOffice
    # makes it a frame there too (from the margin and as wide as the text it keeps it in the flow).
    assert attr(pos, "vertAnchor") == "margin" and attr(pos, "tblpYSpec") == "bottom"
    assert attr(pos, "horzAnchor") == "page" and int(attr(pos, "tblpX")) == 1588
    assert int(attr(exported.body.find("w:sectPr/w:pgMar", NS), "left")) == 1588
    assert int(attr(tbl.find("w:tblPr/w:tblW", NS), "w")) == 8844
    b = tbl.find("w:tblPr/w:tblBorders", NS)
    for side in ("top", "bottom"):  # 0.35 mm is 1 pt: 8 eighths
        el = b.find(f"w:{side}", NS)
        assert attr(el, "color") == "000000" and attr(el, "sz") == "8"
    inside = b.find("w:insideH", NS)
    assert attr(inside, "color") == "000000" and attr(inside, "sz") == "6"  # 0.25 mm is 0.71 pt
    assert attr(b.find("w:insideV", NS), "val") == "nil"
    rows = tbl.findall("w:tr", NS)
    total = 0
    for tr in rows:
        h = tr.find("w:trPr/w:trHeight", NS)
        # whole lines, and room to grow when an organ is added to 抄送; never split
        assert attr(h, "hRule") == "atLeast" and tr.find("w:trPr/w:cantSplit", NS) is not None
        line = int(attr(tr.find(".//w:p/w:pPr/w:spacing", NS), "line"))
        assert int(attr(h, "val")) % line == 0 and 579 - 30 <= line < 579
        total += int(attr(h, "val"))
    # with its three rules (1 + 0.75 + 1 pt, which LibreOffice adds to the rows) the 版记 takes
    # its whole lines and no more: it never pushes the text above it onto the next page
    lines = round(total / 579)
    assert lines * 579 - 60 < total + 55 <= lines * 579
    cc_row, printed = rows if len(rows) == 2 else (None, rows[0])
    cc = cc_row.find("w:tc/w:p", NS)
    assert attr(cc_row.find("w:tc/w:tcPr/w:gridSpan", NS), "val") == "2"
    assert text_of(cc) == c.cc == gb.join_cc(exported.draft.notice.cc)
    assert c.cc.startswith("抄送：") and c.cc.endswith("。")
    ind = cc.find("w:pPr/w:ind", NS)
    # 1 character (4号, 280 twips) in on both sides; wrapped lines align after "抄送："
    assert (attr(ind, "left"), attr(ind, "right"), attr(ind, "hanging")) == ("1120", "280", "840")
    # 印发机关 one character in, 印发日期 one character from the right on the row's last line
    organ, date = printed.findall("w:tc", NS)
    assert text_of(organ.find("w:p", NS)) == c.printer and text_of(date.find("w:p", NS)) == c.print_date
    assert re.fullmatch(r"\d{4}年([1-9]|1[0-2])月([1-9]|[12]\d|3[01])日印发", c.print_date)
    assert attr(organ.find("w:p/w:pPr/w:ind", NS), "left") == "280"
    assert attr(date.find("w:p/w:pPr/w:ind", NS), "right") == "280"
    assert attr(date.find("w:p/w:pPr/w:jc", NS), "val") == "right"
    assert attr(date.find("w:tcPr/w:vAlign", NS), "val") == "bottom"
    widths = [int(attr(g, "w")) for g in tbl.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) == 8844 and widths[1] > 280 + gb.text_units(c.print_date) * 280
    for r in text_runs(tbl):
        assert run_size(r) == 14.0 and run_font(r) == fonts_for()[gb.FANGSONG]


def test_colophon_section_starts_on_an_even_page(tmp_path, template):
    """A 版记 with a page of its own is a last section that starts on an even page:
    Word, WPS and LibreOffice put it on the back of the last sheet after any edit,
    adding the blank page themselves. Its footers carry the number when the text
    ends on the page before it, none when a blank page comes first (7.5)."""
    from desktop.export import lay_out

    seen = set()
    for tasks in range(1, 60):
        d = make_draft(tasks=tasks, activities=0, issuers=1, seed=3)
        dest = tmp_path / f"b{tasks}.docx"
        res = export_one(d, template, "docx", dest)
        blank = any("空白页" in n for n in res.notes)
        x = Docx(dest, d, template)
        sects = x.sections()
        placement = lay_out(d, template, ExportOptions()).info.colophon_placement
        assert blank == (placement == "blank")
        if placement == "same":  # at the foot of the text's last page: no section of its own
            seen.add("same")
            assert len(sects) == 2 and x.tables()[-1].find("w:tblPr/w:tblpPr", NS) is not None
            continue
        seen.add("blank" if blank else "next")
        assert len(sects) == 3  # the plan's section (its parity kept: no annex here), and the 版记's
        last = x.body.find("w:sectPr", NS)
        assert attr(last.find("w:type", NS), "val") == "evenPage"
        refs = {attr(r, "type"): r.get(f"{{{R}}}id") for r in last.findall("w:footerReference", NS)}
        assert set(refs) == {"default", "even"}  # its own: LibreOffice sizes an inherited one by its text
        for rid in refs.values():
            numbered = x.footer(rid).find(".//w:instrText", NS) is not None
            assert numbered != blank
        _check_section_end(sects[-2].getparent().getparent())
        if len(seen) == 3:
            break
    assert seen == {"same", "next", "blank"}


# --- PN: page numbers ---------------------------------------------------------------------------
def test_page_numbers_odd_right_even_left(exported: Docx):
    assert exported.settings.find("w:evenAndOddHeaders", NS) is not None
    first = exported.sections()[0]
    refs = {attr(r, "type"): r.get(f"{{{R}}}id") for r in first.findall("w:footerReference", NS)}
    assert set(refs) == {"default", "even"}
    for kind, jc in (("default", "right"), ("even", "left")):
        ftr = exported.footer(refs[kind])
        # one row, from the type area's bottom to 14 mm below it, the number centred in it:
        # its dash 7 mm below the type area (PN-02); then the closing 1-twip paragraph
        rows = ftr.findall("w:tbl/w:tr", NS)
        assert len(rows) == 1 and [el.tag for el in ftr] == [q("tbl"), q("p")]
        height = rows[0].find("w:trPr/w:trHeight", NS)
        assert attr(height, "hRule") == "exact"
        assert attr(rows[0].find("w:tc/w:tcPr/w:vAlign", NS), "val") == "center"
        ps = rows[0].findall("w:tc/w:p", NS)
        assert len(ps) == 1
        p = ps[0]
        assert attr(p.find("w:pPr/w:jc", NS), "val") == jc
        ind = p.find("w:pPr/w:ind", NS)
        assert int(attr(ind, jc)) == 280  # 空一字 in 4号
        assert "".join(i.text for i in p.iter(q("instrText"))).strip() == "PAGE"
        assert [attr(f, "fldCharType") for f in p.iter(q("fldChar"))] == ["begin", "separate", "end"]
        assert re.fullmatch(r"— ?\d+ ?—", text_of(p))
        for r in runs(p):
            assert run_font(r) == fonts_for()[gb.SONGTI] and run_size(r) == 14.0
        assert attr(style_has(exported, p, "w:snapToGrid"), "val") == "0"
        footer = int(attr(first.find("w:pgMar", NS), "footer"))
        bottom = int(attr(first.find("w:pgMar", NS), "bottom"))
        # the row fills the bottom margin above the footer distance (with the 1-twip paragraph)
        assert int(attr(height, "val")) + 1 == bottom - footer
        centre_mm = (footer + (bottom - footer) / 2) / 20 / (72 / 25.4)
        assert abs(centre_mm - (35 - 7)) < 0.1  # 28 mm above the page's bottom: 7 mm below the type area


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
    assert b"<w:instrText" not in hostile.raw["word/document.xml"]


def test_hostile_many_long_issuers_keep_mark_small_enough(hostile: Docx):
    tbl = _header_table(hostile)
    sizes = {run_size(r) for r in text_runs(tbl) if run_color(r) == gb.RED_HEX}
    assert len(hostile.doc.header.organs) == 9
    heights = _row_heights(tbl)
    # the whole 版头 leaves page 1 room for the title, a blank line and the recipients
    assert sum(heights) + 3 * 579 <= 12756
    assert max(sizes) >= 14


def test_long_printer_name_narrowed_or_wrapped_in_its_cell(hostile: Docx, tmp_path, template):
    # 印发机关 and 印发日期 share a line: a long name is narrowed (not below 60 %)...
    d = make_draft(tasks=3, activities=1)
    d.notice.printer = "中共某某市委网络安全和信息化委员会办公室秘书科"
    export_one(d, template, "docx", tmp_path / "p.docx")
    x = Docx(tmp_path / "p.docx", d, template)
    row = x.tables()[-1].findall("w:tr", NS)[-1]
    organ = text_runs(row)[0]
    assert text_of(organ) == d.notice.printer
    assert 60 <= int(attr(organ.find("w:rPr/w:w", NS), "val")) < 100
    # ...and one too long even at 60 % wraps in its own cell, as wide as the layout's room
    # for it, with no break placed in it; the date at the foot of the cell beside it
    organ_cell, date_cell = hostile.tables()[-1].findall("w:tr", NS)[-1].findall("w:tc", NS)
    p = organ_cell.find("w:p", NS)
    assert text_of(p, breaks=True) == LONG_ORGAN and p.find(".//w:w", NS) is None
    assert text_of(date_cell.find("w:p", NS)) == hostile.doc.colophon.print_date
    room = hostile_layout_room(hostile)
    assert int(attr(organ_cell.find("w:tcPr/w:tcW", NS), "w")) == round(room * 20) + 280


def hostile_layout_room(x: Docx) -> float:
    from desktop.export import lay_out

    return lay_out(x.draft, x.template, ExportOptions()).info.colophon.printer_room


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


def test_pasted_text_as_title_exports(tmp_path, template):
    d = make_draft(tasks=2, activities=1)
    d.plan.title = HOSTILE_PARAGRAPH  # 20,000 characters where a title belongs
    export_one(d, template, "docx", tmp_path / "t.docx")
    x = Docx(tmp_path / "t.docx", d, template)
    titles = [text_of(p) for p in x.top_paragraphs() if pstyle(p) == "GwTitle"]
    assert HOSTILE_PARAGRAPH in titles  # the plan's title, whole and literal
