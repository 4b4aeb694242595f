"""Office presets: the file, the settings, the command line, and what they change
in both outputs (a 29.2 pt spacing gives 21 lines; an impossible preset writes nothing)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pdfplumber
import pytest
from lxml import etree

from desktop import official as gb
from desktop.export import ExportOptions, export_one
from desktop.export.pdf import render_pdf_bytes
from desktop.presets import PresetError, load_preset, preset_of, standard_from_preset
from desktop.sample import make_draft
from desktop.settings_model import Settings
from desktop.templates import load_template
from tests.conftest import ROOT, example_paths

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TA_TOP = 37 * 72 / 25.4


def test_a_preset_changes_what_it_names():
    std = standard_from_preset({"name": "某某市委办公室", "line_spacing": 29.2, "fonts": "gb2312",
                                "seal_diameter_mm": 45, "signature_layout": "no_seal"})
    assert (std.line_pitch_twips, std.exact_lines, std.lines_per_page) == (584, True, 21)
    assert std.fonts.names["fangsong"] == "仿宋_GB2312"
    assert (std.seal_diameter_mm, std.signature_layout, std.name) == (45.0, "no_seal", "某某市委办公室")
    assert std.chars_per_line == 28  # the measure is the standard's, whatever the spacing
    assert standard_from_preset({}) == gb.STANDARD
    assert standard_from_preset({"line_spacing": "grid"}).line_pitch_twips == 579


@pytest.mark.parametrize("data,key,words", [
    ({"line_spacing": 70}, "line_spacing", "70 磅"),
    ({"line_spacing": "29.2"}, "line_spacing", "磅数"),
    ({"line_spacing": True}, "line_spacing", "磅数"),
    ({"seal_diameter_mm": 100}, "seal_diameter_mm", "38–50"),
    ({"fonts": "mac"}, "fonts", "windows、gb2312"),
    ({"signature_layout": 1}, "signature_layout", "seal"),
    ({"linespacing": 29}, "linespacing", "无法识别"),
])
def test_an_impossible_preset_is_refused_naming_the_key(data, key, words):
    with pytest.raises(PresetError) as err:
        standard_from_preset(data, "本单位.json")
    assert err.value.key == key
    assert "本单位.json" in str(err.value) and key in str(err.value) and words in str(err.value)


def test_preset_files(tmp_path):
    good = tmp_path / "单位.json"
    good.write_text(json.dumps({"line_spacing": 29.2}), encoding="utf-8")
    assert load_preset(good).lines_per_page == 21
    for name, content in (("bad.json", b"{not json"), ("list.json", b"[1, 2]"), ("big.json", b" " * 70000)):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(PresetError) as err:
            load_preset(tmp_path / name)
        assert name in str(err.value)
    with pytest.raises(PresetError):
        load_preset(tmp_path / "missing.json")
    # what the settings dialog writes reads back the same
    std = gb.Standard(line_pitch_twips=584, exact_lines=True, seal_diameter_mm=40.0, name="甲")
    (tmp_path / "out.json").write_text(json.dumps(preset_of(std), ensure_ascii=False), encoding="utf-8")
    assert load_preset(tmp_path / "out.json") == std


def test_settings_hold_a_preset_and_survive_bad_values():
    s = Settings({})
    assert s.standard() == gb.STANDARD
    s.set_preset(gb.Standard(line_pitch_twips=584, exact_lines=True, font_preset="gb2312", seal_diameter_mm=45,
                             signature_layout="no_seal"))
    std = s.standard()
    assert (std.lines_per_page, std.font_preset, std.seal_diameter_mm, std.signature_layout) == \
        (21, "gb2312", 45, "no_seal")
    assert s.export_options().standard == std
    s.backend["office/seal_diameter_mm"] = "999"  # an edited settings file
    assert s.standard().seal_diameter_mm == 42.0 and s.standard().lines_per_page == 21


def _pdf_lines_per_page(data: bytes) -> list[int]:
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            base = {round(page.height - c["matrix"][5], 1) for c in page.chars
                    if abs(c["size"] - 16) < 0.1 and c["top"] < 262 * 72 / 25.4}
            out.append(len(base))
    return out


def test_29_2_pt_gives_21_lines_in_both_outputs(tmp_path):
    draft = make_draft(tasks=60, activities=4, issuers=2)
    t = load_template(draft.template)
    std = standard_from_preset({"line_spacing": 29.2})
    data, _ = render_pdf_bytes(draft, t, ExportOptions(standard=std))
    lines = _pdf_lines_per_page(data)
    assert max(lines) == 21 and lines.count(21) >= 3
    with pdfplumber.open(io.BytesIO(data)) as pdf:  # consecutive body lines 29.2 pt apart
        page = pdf.pages[3]
        base = sorted({round(page.height - c["matrix"][5], 2) for c in page.chars if abs(c["size"] - 16) < 0.1
                       and c["top"] < 262 * 72 / 25.4})
        steps = {round(b - a, 1) for a, b in zip(base, base[1:])}
        assert 29.2 in steps and not steps - {29.2, 58.4, 87.6}
    data22, _ = render_pdf_bytes(draft, t, ExportOptions())
    assert max(_pdf_lines_per_page(data22)) == 22
    dest = tmp_path / "p.docx"
    export_one(draft, t, "docx", dest, ExportOptions(standard=std))
    z = zipfile.ZipFile(dest)
    doc = etree.fromstring(z.read("word/document.xml"))
    styles = etree.fromstring(z.read("word/styles.xml"))
    for grid in doc.iter(f"{W}docGrid"):
        assert grid.get(f"{W}linePitch") == "584" and grid.get(f"{W}type") is None  # no grid: exact lines
    normal = styles.find(f"{W}style[@{W}styleId='Normal']/{W}pPr/{W}spacing")
    assert normal.get(f"{W}line") == "584" and normal.get(f"{W}lineRule") == "exact"
    assert 12756 // 584 == 21


def test_cli_preset_and_an_impossible_one(tmp_path):
    src = example_paths()[0]
    good = tmp_path / "good.json"
    good.write_text('{"line_spacing": 29.2, "fonts": "gb2312"}', encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "desktop", "export", str(src), "--docx", "--pdf", "--preset",
                           str(good), "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    docx = (out / "foshan-2020.docx").read_bytes()
    assert "仿宋_GB2312".encode() in zipfile.ZipFile(io.BytesIO(docx)).read("word/styles.xml")
    bad = tmp_path / "bad.json"
    bad.write_text('{"line_spacing": 70}', encoding="utf-8")
    nothing = tmp_path / "nothing"
    proc = subprocess.run([sys.executable, "-m", "desktop", "export", str(src), "--preset", str(bad), "--out",
                           str(nothing)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "bad.json" in proc.stderr and "line_spacing" in proc.stderr and "70 磅" in proc.stderr
    assert not nothing.exists()  # nothing written, not even the folder
    proc = subprocess.run([sys.executable, "-m", "desktop", "check", str(src), "--preset", str(bad)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "line_spacing" in proc.stderr
