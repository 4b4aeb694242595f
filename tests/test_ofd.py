"""The OFD export (GB/T 33190-2016): the package structure, determinism, every
glyph where our layout and the PDF put it, the text read back with pdfplumber
(from the PDF), ofdkit (from the OFD) and the embedded font subsets."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter

import ofdkit
import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from desktop import official as gb
from desktop.document import build_document
from desktop.export import ExportOptions, ofd
from desktop.export.pdf import render_pdf_bytes
from desktop.fonts import face_by_key, font_set, subset
from desktop.layout import PAGE_H, layout_document
from desktop.layout.model import RED
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template
from tests.conftest import BUNDLED_EXAMPLE, example_paths
from tests.test_pdf import hostile_draft

NS = "http://www.ofdspec.org/2016"
Q = "{" + NS + "}"
MM = 25.4 / 72
TOL = 0.1  # mm


@pytest.fixture(scope="module")
def tmpl():
    return load_template("gd-2020-haowangmin")


CASES = {
    "example": lambda: load_draft(BUNDLED_EXAMPLE),
    "shared": lambda: load_draft(example_paths()[0]),
    "long-joint": lambda: make_draft(tasks=200, issuers=5),
    "hostile": hostile_draft,
}
_CACHE: dict[str, dict] = {}


def rendered(name: str, tmpl) -> dict:
    """The OFD (three times: the font subsets made, made again in an empty
    cache, read from the user's cache), the PDF and the layout pages of one case."""
    if name not in _CACHE:
        draft = CASES[name]()
        options = ExportOptions()
        data, notes = ofd.render_ofd_bytes(draft, tmpl, options)
        subset.forget_made()
        home = os.environ["PLAN_DRAFTER_HOME"]
        try:
            os.environ["PLAN_DRAFTER_HOME"] = tempfile.mkdtemp(prefix="ofd-fresh-home-")
            again, _ = ofd.render_ofd_bytes(draft, tmpl, options)
        finally:
            os.environ["PLAN_DRAFTER_HOME"] = home
        subset.forget_made()
        stored, _ = ofd.render_ofd_bytes(draft, tmpl, options)
        pdf, _ = render_pdf_bytes(draft, tmpl, options)
        fonts = font_set(tuple(options.font_dirs))
        pages = layout_document(build_document(draft, tmpl, options.standard), fonts)
        _CACHE[name] = {"draft": draft, "data": data, "again": again, "stored": stored, "notes": notes, "pdf": pdf,
                        "pages": pages, "fonts": fonts, "zip": zipfile.ZipFile(io.BytesIO(data))}
    return _CACHE[name]


def xml(z: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(z.read(name))


def numbers(text: str) -> list[float]:
    return [float(v) for v in text.split()]


def deltas(text: str | None) -> list[float]:
    """DeltaX with the 'g count value' shorthand expanded."""
    tokens = (text or "").split()
    out, i = [], 0
    while i < len(tokens):
        if tokens[i] == "g":
            out += [float(tokens[i + 2])] * int(tokens[i + 1])
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def page_names(z: zipfile.ZipFile) -> list[str]:
    doc = xml(z, "Doc_0/Document.xml")
    return ["Doc_0/" + p.get("BaseLoc") for p in doc.find(Q + "Pages").findall(Q + "Page")]


def text_objects(z: zipfile.ZipFile, name: str) -> list[dict]:
    """Every TextObject of a page with its glyphs' page positions (mm)."""
    out = []
    for obj in xml(z, name).iter(Q + "TextObject"):
        bx, by, bw, bh = numbers(obj.get("Boundary"))
        a, b, c, d, e, f = numbers(obj.get("CTM") or "1 0 0 1 0 0")
        codes = obj.findall(Q + "TextCode")
        assert len(codes) == 1
        code = codes[0]
        text = code.text or ""
        dx = deltas(code.get("DeltaX"))
        assert len(dx) == max(0, len(text) - 1)
        x, y = float(code.get("X")), float(code.get("Y"))
        glyphs = []
        for i, ch in enumerate(text):
            glyphs.append((ch, bx + e + a * x + c * y, by + f + b * x + d * y))
            if i < len(dx):
                x += dx[i]
        fill = obj.find(Q + "FillColor")
        out.append({"id": obj.get("ID"), "font": obj.get("Font"), "size": float(obj.get("Size")), "text": text,
                    "x": glyphs[0][1] if glyphs else bx, "y": glyphs[0][2] if glyphs else by, "glyphs": glyphs,
                    "box": (bx, by, bw, bh), "fill": fill.get("Value") if fill is not None else None,
                    "cg": obj.find(Q + "CGTransform") is not None})
    return out


def lines_of(glyphs: list[tuple[str, float, float]], tol: float = 1.0) -> list[str]:
    """Glyphs grouped into lines by baseline (mm), each sorted left to right."""
    rows: list[list[tuple[str, float, float]]] = []
    for g in sorted(glyphs, key=lambda g: (g[2], g[1])):
        if rows and abs(rows[-1][0][2] - g[2]) <= tol:
            rows[-1].append(g)
        else:
            rows.append([g])
    return ["".join(ch for ch, _, _ in sorted(row, key=lambda g: g[1])) for row in rows]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the package ------------------------------------------------------------------


def test_container_structure(tmpl):
    r = rendered("example", tmpl)
    z = r["zip"]
    names = z.namelist()
    n = len(r["pages"])
    assert names[0] == "OFD.xml"
    assert names[1:] == sorted(names[1:])
    for name in ("Doc_0/Document.xml", "Doc_0/PublicRes.xml", "Doc_0/DocumentRes.xml"):
        assert name in names
    assert page_names(z) == [f"Doc_0/Pages/Page_{i}/Content.xml" for i in range(n)]
    assert all(p in names for p in page_names(z))
    assert all(zi.date_time == (1980, 1, 1, 0, 0, 0) for zi in z.infolist())
    assert z.testzip() is None

    raw = z.read("OFD.xml").decode("utf-8")
    assert f'xmlns:ofd="{NS}"' in raw and "<ofd:OFD " in raw
    root = ET.fromstring(raw)
    assert root.tag == Q + "OFD" and root.get("Version") == "1.0" and root.get("DocType") == "OFD"
    body = root.find(Q + "DocBody")
    info = body.find(Q + "DocInfo")
    assert re.fullmatch(r"[0-9a-f]{32}", info.findtext(Q + "DocID"))
    doc = build_document(r["draft"], tmpl)
    assert info.findtext(Q + "Title") == doc.title
    assert info.findtext(Q + "Author") == doc.author
    assert info.findtext(Q + "CreationDate") == dt.date.fromisoformat(r["draft"].notice.date).isoformat()
    assert [c.tag for c in info][:4] == [Q + "DocID", Q + "Title", Q + "Author", Q + "Subject"]
    assert body.findtext(Q + "DocRoot") == "Doc_0/Document.xml"

    document = xml(z, "Doc_0/Document.xml")
    common = document.find(Q + "CommonData")
    assert [c.tag[len(Q):] for c in common] == ["MaxUnitID", "PageArea", "PublicRes", "DocumentRes"]
    assert common.find(Q + "PageArea").findtext(Q + "PhysicalBox") == "0 0 210 297"
    assert common.findtext(Q + "PublicRes") == "PublicRes.xml"
    assert common.findtext(Q + "DocumentRes") == "DocumentRes.xml"

    # Every ID is unique; MaxUnitID is the largest.
    ids = [int(e.get("ID")) for name in names if name.endswith(".xml") for e in xml(z, name).iter() if e.get("ID")]
    assert len(ids) == len(set(ids))
    assert int(common.findtext(Q + "MaxUnitID")) == max(ids)
    # Every element is in the OFD namespace and written with the ofd: prefix.
    for name in names:
        if name.endswith(".xml"):
            assert all(e.tag.startswith(Q) for e in xml(z, name).iter())
            assert re.search(rb"<(?!ofd:|\?xml|/ofd:)", z.read(name)) is None


def test_fonts_resources_name_windows_families(tmpl):
    r = rendered("example", tmpl)
    z = r["zip"]
    res = xml(z, "Doc_0/PublicRes.xml")
    assert res.get("BaseLoc") == "Res"
    fonts = res.find(Q + "Fonts").findall(Q + "Font")
    families = {f.get("ID"): f.get("FamilyName") for f in fonts}
    assert set(families.values()) <= {"仿宋", "黑体", "楷体", "宋体", "方正小标宋简体"}
    assert all(f.get("FontName") == f.get("FamilyName") for f in fonts)
    # Each run's resource names its role's family (the 版头 in 小标宋, the body in 仿宋…).
    windows = gb.FONT_PRESETS["windows"].names
    for page, pname in zip(r["pages"], page_names(z)):
        for run, obj in zip(page.runs, text_objects(z, pname)):
            if face_by_key(run.font).file == r["fonts"].face(run.role).file:
                assert families[obj["font"]] == windows[run.role], run
    used = {families[obj["font"]] for name in page_names(z) for obj in text_objects(z, name)}
    assert {"方正小标宋简体", "仿宋", "黑体"} <= used
    for f in fonts:
        assert f"Doc_0/Res/{f.findtext(Q + 'FontFile')}" in z.namelist()


def test_identical_input_gives_identical_bytes(tmpl):
    for name in ("example", "long-joint"):
        r = rendered(name, tmpl)
        assert r["data"] == r["again"] == r["stored"]
    ids = {name: xml(rendered(name, tmpl)["zip"], "OFD.xml").find(f"{Q}DocBody/{Q}DocInfo").findtext(Q + "DocID")
           for name in ("example", "long-joint")}
    assert ids["example"] != ids["long-joint"]


def test_write_writes_the_file_and_returns_notes(tmpl, tmp_path):
    r = rendered("example", tmpl)
    dest = tmp_path / "方案.ofd"
    notes = ofd.write(r["draft"], tmpl, dest, ExportOptions())
    assert dest.read_bytes() == r["data"]
    assert all(isinstance(n, str) and "PDF" not in n for n in notes)


# --- positions ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["example", "long-joint", "hostile"])
def test_every_glyph_where_the_layout_puts_it(tmpl, name):
    r = rendered(name, tmpl)
    z = r["zip"]
    assert len(page_names(z)) == len(r["pages"])
    for page, pname in zip(r["pages"], page_names(z)):
        objs = text_objects(z, pname)
        assert len(objs) == len(page.runs)
        for run, obj in zip(page.runs, objs):
            assert obj["text"] == run.text
            assert obj["size"] == pytest.approx(run.size * MM, abs=1e-3)
            assert obj["x"] == pytest.approx(run.x * MM, abs=TOL)
            assert obj["y"] == pytest.approx(run.baseline * MM, abs=TOL)
            face = face_by_key(run.font)
            x = run.x
            for ch, gx, gy in obj["glyphs"]:
                assert gx == pytest.approx(x * MM, abs=TOL), (run.text, ch)
                assert gy == pytest.approx(run.baseline * MM, abs=1e-3)
                x += (face.advance(ch) * run.size + run.char_space) * run.hscale
            bx, by, bw, bh = obj["box"]
            assert bx <= obj["x"] and by < obj["y"] < by + bh
            assert bx + bw >= (x - run.char_space * run.hscale) * MM - TOL


@pytest.mark.parametrize("name", ["example", "long-joint", "hostile"])
def test_pages_text_and_glyphs_equal_the_pdf(tmpl, name):
    r = rendered(name, tmpl)
    z = r["zip"]
    assert len(PdfReader(io.BytesIO(r["pdf"])).pages) == len(page_names(z)) == len(r["pages"])
    with pdfplumber.open(io.BytesIO(r["pdf"])) as pdf:
        for number, (ppage, pname) in enumerate(zip(pdf.pages, page_names(z)), 1):
            glyphs = [g for obj in text_objects(z, pname) for g in obj["glyphs"]]
            ours = lines_of(glyphs)
            assert squeeze("".join(ours)) == squeeze(ppage.extract_text() or ""), f"page {number}"
            # Glyph by glyph: the same character at the same origin.
            pdf_glyphs = [(c["text"], c["matrix"][4] * MM, (PAGE_H - c["matrix"][5]) * MM) for c in ppage.chars
                          if c["text"].strip()]
            ofd_glyphs = [g for g in glyphs if g[0].strip()]
            key = lambda g: (round(g[2], 1), round(g[1], 1))  # noqa: E731
            assert len(pdf_glyphs) == len(ofd_glyphs), f"page {number}"
            for p, o in zip(sorted(pdf_glyphs, key=key), sorted(ofd_glyphs, key=key)):
                assert p[0] == o[0], f"page {number}"
                assert o[1] == pytest.approx(p[1], abs=TOL) and o[2] == pytest.approx(p[2], abs=TOL), (number, p, o)


@pytest.mark.parametrize("name", ["example", "shared", "long-joint"])
def test_ofdkit_reads_every_line_in_order(tmpl, name):
    r = rendered(name, tmpl)
    with ofdkit.open(r["data"]) as doc:
        assert len(doc.pages) == len(r["pages"])
        assert doc.info.doc_id == xml(r["zip"], "OFD.xml").find(f"{Q}DocBody/{Q}DocInfo").findtext(Q + "DocID")
        assert doc.info.title == build_document(r["draft"], tmpl).title
        for page, opage in zip(r["pages"], doc.pages):
            assert opage.box == (0.0, 0.0, 210.0, 297.0)
            expected = [squeeze(t) for t in lines_of([(run.text, run.x * MM, run.baseline * MM)
                                                      for run in page.runs])]
            got = [squeeze(t) for t in opage.text().splitlines()]
            assert [t for t in got if t] == [t for t in expected if t], f"page {page.index}"
        assert not doc.warnings


# --- fonts and colours --------------------------------------------------------------


@pytest.mark.parametrize("name", ["example", "hostile"])
def test_embedded_fonts_are_subsets_of_the_right_face(tmpl, name):
    r = rendered(name, tmpl)
    z = r["zip"]
    fonts = {f.get("ID"): f.findtext(Q + "FontFile")
             for f in xml(z, "Doc_0/PublicRes.xml").find(Q + "Fonts").findall(Q + "Font")}
    used: dict[str, set[str]] = {}
    faces: dict[str, set] = {}
    for page, pname in zip(r["pages"], page_names(z)):
        for run, obj in zip(page.runs, text_objects(z, pname)):
            face = face_by_key(run.font)
            faces.setdefault(fonts[obj["font"]], set()).add(face.file)
            assert obj["cg"] == face.missing
            if not face.missing:
                used.setdefault(fonts[obj["font"]], set()).update(run.text)
    for file_name, chars in used.items():
        data = z.read(f"Doc_0/Res/{file_name}")
        assert data[:4] == b"\x00\x01\x00\x00"  # a TrueType font, not a collection
        tt = TTFont(io.BytesIO(data))
        assert "glyf" in tt and "CFF " not in tt
        cmap = tt.getBestCmap()
        (src,) = faces[file_name]
        face = face_by_key(src.key)
        drawable = {c for c in chars if face.has(c)}
        assert drawable and all(ord(c) in cmap for c in drawable)
        assert tt["maxp"].numGlyphs <= len(drawable) + 40  # a subset, not the whole font
        # The right face of a .ttc: same family names and the advances the layout used.
        families = {rec.toUnicode() for rec in tt["name"].names if rec.nameID in (1, 16)}
        assert families & set(src.families)
        upem = tt["head"].unitsPerEm
        for c in sorted(drawable)[:200]:
            assert tt["hmtx"][cmap[ord(c)]][0] / upem == pytest.approx(face.advance(c), abs=2e-3)


def test_missing_characters_are_boxes_that_keep_their_text(tmpl):
    r = rendered("hostile", tmpl)
    z = r["zip"]
    boxed = "".join(obj["text"] for pname in page_names(z) for obj in text_objects(z, pname) if obj["cg"])
    assert "𠀀" in boxed and "𪚥" in boxed
    raw = "".join(z.read(p).decode("utf-8") for p in page_names(z))
    assert '<ofd:CGTransform CodePosition="0" CodeCount="2" GlyphCount="2"><ofd:Glyphs>0 0</ofd:Glyphs>' in raw
    assert any("方框" in n for n in r["notes"])


def test_red_mark_and_red_line(tmpl):
    r = rendered("example", tmpl)
    z = r["zip"]
    first = r["pages"][0]
    objs = text_objects(z, page_names(z)[0])
    for run, obj in zip(first.runs, objs):
        if run.kind == "mark":
            assert obj["fill"] == "255 0 0"
        else:
            assert obj["fill"] is None and run.color != RED
    assert any(run.kind == "mark" for run in first.runs)
    paths = list(xml(z, page_names(z)[0]).iter(Q + "PathObject"))
    assert len(paths) == len(first.rules)
    for rule, path in zip(first.rules, paths):
        assert path.find(Q + "StrokeColor").get("Value") == ("255 0 0" if rule.color == RED else "0 0 0")
        assert float(path.get("LineWidth")) == pytest.approx(rule.width * MM, abs=1e-3)
        bx, by, _, _ = numbers(path.get("Boundary"))
        m = re.fullmatch(r"M (\S+) (\S+) L (\S+) (\S+)", path.findtext(Q + "AbbreviatedData"))
        x0, y0, x1, y1 = (float(v) for v in m.groups())
        assert (bx + x0, by + y0) == pytest.approx((rule.x0 * MM, rule.y0 * MM), abs=1e-3)
        assert (bx + x1, by + y1) == pytest.approx((rule.x1 * MM, rule.y1 * MM), abs=1e-3)
    red = [(rule, p) for rule, p in zip(first.rules, paths) if rule.kind == "red-line"]
    assert len(red) == 1 and float(red[0][1].get("LineWidth")) == pytest.approx(gb.RED_LINE_WIDTH_MM, abs=1e-3)
    # Every rule of every page (版记 lines, table lines) is a path.
    for page, pname in zip(r["pages"], page_names(z)):
        assert len(list(xml(z, pname).iter(Q + "PathObject"))) == len(page.rules)
    kinds = Counter(rule.kind for page in r["pages"] for rule in page.rules)
    assert kinds["colophon"] >= 2
