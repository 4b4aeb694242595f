"""Office presets: the file, the settings, the command line, and what they change
in both outputs (a 29.2 pt spacing gives 21 lines; an impossible preset writes nothing)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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


# --- every preset the product accepts exports every draft the checks accept (issue 24.1) -----------

# Real organ names of every length, as joint notices of one to six organs carry them.
ORGANS = ["中共清远市委网络安全和信息化委员会办公室", "清远市教育局", "清远市总工会", "共青团清远市委员会",
          "清远市妇女联合会", "中国人民银行清远市中心支行", "清远市文化广电旅游体育局", "清远市公安局",
          "国家税务总局清远市税务局", "清远市人民政府新闻办公室", "中共清远市委宣传部", "清远市司法局"]
PROPERTY_EXAMPLES = int(os.environ.get("PLAN_DRAFTER_PRESETS", "12"))


def _preset_strategy():
    pitch = st.one_of(st.just("grid"), st.integers(400, 800).map(lambda tw: tw / 20))  # every pitch a file can hold
    return st.fixed_dictionaries({
        "line_spacing": pitch, "fonts": st.sampled_from(["windows", "gb2312"]),
        "seal_diameter_mm": st.integers(380, 500).map(lambda v: v / 10),
        "signature_layout": st.sampled_from(["seal", "no_seal"]),
    })


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None, derandomize=PROPERTY_EXAMPLES <= 50, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(preset=_preset_strategy(), organs=st.lists(st.sampled_from(ORGANS), min_size=1, max_size=6, unique=True),
       own_layout=st.sampled_from(["", "seal", "no_seal"]), tasks=st.integers(1, 14), seed=st.integers(0, 99),
       header=st.booleans())
def test_every_accepted_preset_exports_every_accepted_draft(preset, organs, own_layout, tasks, seed, header):
    """Joint notices of one to six organs, at every line pitch, font set, seal size and 落款 the
    settings dialog and --preset accept: check reports the combinations that cannot be set (naming
    the preset key), and every draft exports to Word, PDF and OFD, the 版记 on the last, even page."""
    from desktop.checks import ERROR, run_checks
    from desktop.export import lay_out
    from desktop.export import docx as docx_writer
    from desktop.export import ofd as ofd_writer
    from desktop.export import pdf as pdf_writer

    std = standard_from_preset(preset, "单位.json")
    draft = make_draft(tasks=tasks, activities=max(1, tasks // 3), issuers=len(organs), seed=seed)
    n = draft.notice
    n.issuers, n.signatures, n.signature_layout = list(organs), list(organs), own_layout
    if header:  # 份号, 密级 and 紧急程度 above the mark take lines from page 1
        n.copy_no, n.secrecy, n.urgency = "000001", "机密★1年", "特急"
    template = load_template(draft.template)
    errors = [p for p in run_checks(draft, template, None, std) if p.severity == ERROR]
    # A short generated plan leaves provincial tasks unmatched; nothing else in it is wrong, but the
    # combinations no page can hold, which check names by their preset keys.
    assert {p.rule for p in errors} <= {"task-coverage", "activity-coverage", "literacy-missing", "seal-room"}
    for p in errors:
        assert p.rule != "seal-room" or ("seal_diameter_mm" in p.message and "line_spacing" in p.message)
    laid = lay_out(draft, template, ExportOptions(standard=std))
    with tempfile.TemporaryDirectory() as tmp:
        for writer in (docx_writer, pdf_writer, ofd_writer):
            writer.write_laid(laid, Path(tmp) / f"out.{writer.__name__.rsplit('.', 1)[1]}")
    pages = laid.pages
    assert len(pages) % 2 == 0 and pages[-1].kind in ("body", "colophon")
    assert all(p.body_lines <= std.lines_per_page for p in pages)
    assert any("印发" in r.text for r in pages[-1].runs)


@pytest.mark.parametrize("issuers,pitch", [(2, 20), (5, 21), (6, 20), (1, 22.5), (3, 20.35), (4, 23.9)])
@pytest.mark.parametrize("layout", ["seal", "no_seal"])
def test_small_pitches_lay_out_joint_notices(issuers, pitch, layout, tmp_path):
    """The review's crashes: at pitches under about 24 pt no grid line lies within the 版头's tolerance
    for some 版头 heights; the title then starts within the tolerance, as near a grid line as it can."""
    draft = make_draft(tasks=4, activities=2, issuers=issuers, seed=issuers)
    draft.notice.signature_layout = layout
    std = standard_from_preset({"line_spacing": pitch})
    options = ExportOptions(standard=std)
    for fmt in ("docx", "pdf"):
        export_one(draft, load_template(draft.template), fmt, tmp_path / f"n.{fmt}", options)
    from desktop.export import lay_out

    header = lay_out(draft, load_template(draft.template), options).info.header
    # "two blank lines" under the mark and above the title: each at most 2 pt shorter, at most a
    # line's leading plus 2 pt longer (official.HEADER_GAP_SHORTER_PT)
    gap = header.number_top - header.mark_bottom - gb.DOC_NUMBER_GAP_LINES * std.line_pitch_pt
    assert -gb.HEADER_GAP_SHORTER_PT - 1e-6 <= gap <= std.line_pitch_pt - gb.BODY_SIZE + gb.HEADER_GAP_SHORTER_PT + 1e-6


@pytest.mark.parametrize("text,words", [
    ('{"line_spacing": 1e308}', "数值过大"),
    ('{"line_spacing": 1' + "0" * 400 + "}", "数值过大"),
    ('{"seal_diameter_mm": 1' + "0" * 400 + "}", "数值过大"),
    ('{"line_spacing": 1' + "0" * 5000 + "}", "位数过多"),
    ('{"line_spacing": NaN}', "磅数"),
    ('{"line_spacing": -1e308}', "数值过大"),
    ('{"line_spacing": 29.2,}', "第 1 行第 23 列"),
    ("{\n  \"line_spacing\": \n}", "第 3 行第 1 列"),
])
def test_broken_preset_files_get_chinese_messages(text, words, tmp_path):
    path = tmp_path / "单位.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PresetError) as err:
        load_preset(path)
    message = str(err.value)
    assert words in message and "单位.json" in message
    words_left = message.replace(str(path), "").replace(path.name, "")
    for allowed in ("line_spacing", "seal_diameter_mm", "JSON", "grid"):
        words_left = words_left.replace(allowed, "")
    assert not re.search(r"[A-Za-z]{4,}", words_left), message  # no English from Python


def test_huge_numbers_stop_check_and_export_with_a_message(tmp_path):
    src = example_paths()[0]
    bad = tmp_path / "huge.json"
    bad.write_text('{"line_spacing": 1e308}', encoding="utf-8")
    for cmd in (["check", str(src)], ["export", str(src), "--out", str(tmp_path / "out")]):
        proc = subprocess.run([sys.executable, "-m", "desktop", *cmd, "--preset", str(bad)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr and "Overflow" not in proc.stderr
        assert "huge.json" in proc.stderr and "line_spacing" in proc.stderr
    s = Settings({})
    s.backend["office/line_spacing"] = "1e308"  # an edited settings file
    assert s.standard().line_pitch_twips == gb.STANDARD.line_pitch_twips
