"""The font finder: TrueType only, .ttc face indexes, office and Windows
folders first, open stand-ins reported, per-character fallback."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from desktop import fonts as fontmod
from desktop.fonts import choice, faces, filebytes, folders, rl_adapter, sfnt
from desktop import official as gb
from desktop.fonts import font_set, read_faces, windows_font_dirs

UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
needs_apt_fonts = pytest.mark.skipif(not (UMING.exists() and WENKAI.exists() and ZENHEI.exists()),
                                     reason="apt fonts fonts-arphic-uming, fonts-lxgw-wenkai, fonts-wqy-zenhei")


def _sfnt(tags: list[bytes]) -> bytes:
    head = struct.pack(">IHHHH", 0x00010000, len(tags), 0, 0, 0)
    body = b""
    offset = 12 + 16 * len(tags)
    for tag in tags:
        head += struct.pack(">4sIII", tag, 0, offset, 4)
        body += b"\0\0\0\0"
        offset += 4
    return head + body


def test_cff_outlines_are_refused(tmp_path: Path):
    cff = tmp_path / "cff.ttf"
    cff.write_bytes(_sfnt([b"CFF ", b"cmap"]))
    glyf = tmp_path / "glyf.ttf"
    glyf.write_bytes(_sfnt([b"glyf", b"cmap"]))
    assert [f.truetype for f in read_faces(cff)] == [False]
    assert [f.truetype for f in read_faces(glyf)] == [True]
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    assert read_faces(broken) == []


@needs_apt_fonts
def test_ttc_faces_and_names():
    faces = read_faces(UMING)
    assert len(faces) >= 2 and [f.index for f in faces] == list(range(len(faces)))
    assert any("AR PL UMing CN" in f.families for f in faces)
    assert "WenQuanYi Zen Hei" in read_faces(ZENHEI)[0].families


@needs_apt_fonts
def test_open_stand_ins_are_reported_in_chinese():
    fs = font_set(())
    roles = {r: fs.face(r) for r in gb.ROLES}
    assert len({roles[gb.FANGSONG].key, roles[gb.HEITI].key, roles[gb.KAITI].key}) == 3  # roles stay distinct
    if not fs.choices[gb.FANGSONG].standard:
        notes = fs.notes(set())
        assert any("仿宋" in n and "代替" in n for n in notes)
    ch = fs.face_for(gb.FANGSONG, "中")
    assert ch.has("中") and ch.advance("中") == pytest.approx(1.0)


@needs_apt_fonts
def test_office_folder_wins_and_is_standard(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "simkai.ttf").symlink_to(WENKAI)  # a stock Windows file name
    fs = font_set((tmp_path,))
    choice = fs.choices[gb.KAITI]
    assert choice.standard and choice.face.file.path.parent == tmp_path / "sub"
    assert not any("楷体" in n for n in fs.notes(set()))


def test_per_user_windows_folder(tmp_path: Path, monkeypatch):
    user = tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts"
    user.mkdir(parents=True)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert user in windows_font_dirs()


@needs_apt_fonts
def test_per_character_fallback_and_missing_characters():
    fs = font_set(())
    rare = "\U00020000"
    face = fs.face_for(gb.FANGSONG, rare)
    if face.missing:
        assert face.advance(rare) == 1.0
        assert any("U+20000" in n for n in fs.notes({rare}))
        assert not any("U+20000" in n for n in fs.notes({"中"}))  # notes are per document
    else:
        assert face.has(rare)
    emoji = "😀"
    f = fs.face_for(gb.FANGSONG, emoji)
    assert f.missing or f.has(emoji)


@needs_apt_fonts
def test_fonts_load_once():
    faces = read_faces(WENKAI)
    a = fontmod.load_face(faces[0])
    b = fontmod.load_face(read_faces(WENKAI)[0])
    assert a is b and a.ttfont is b.ttfont
    assert font_set(()) is font_set(())


# --- font metrics cache and the reportlab adapter (issue 16) ----------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _same_face(restored, parsed) -> None:
    """Every attribute reportlab's parser sets is back, equal and of the same
    type, read the way reportlab reads it: the file's bytes and the glyph
    tables by slicing and indexing, charToGlyph/charWidths once their
    characters were asked for (CachedFace.ensure)."""
    codes = set(parsed.charToGlyph) | set(parsed.charWidths)
    absent = [c for c in (0x10FFFD, 0xE0001, 0x3FFFE) if c not in codes]
    fontmod.ensure_codes(restored, sorted(codes) + absent)
    for name in sorted(set(vars(parsed))):
        if name in ("_pdfScale", "_pos"):
            continue
        got, want = getattr(restored, name), getattr(parsed, name)
        if name == "_ttf_data":  # read on demand from the file
            assert len(got) == len(want)
            for a, b in ((0, 12), (100, 4000), (len(want) - 50, len(want)), (len(want) - 1, len(want) + 9)):
                assert got[a:b] == want[a:b]
            assert got[17] == want[17] and got[-1] == want[-1]
            continue
        if name in ("glyphPos", "hmetrics"):  # indexed glyph by glyph in makeSubset
            assert len(got) == len(want), name
            assert [got[i] for i in range(len(want))] == want, name
            assert [type(x) for x in map(got.__getitem__, range(len(want)))] == [type(x) for x in want], name
            continue
        if name in ("charToGlyph", "charWidths"):
            assert type(got) is dict and got == want, name  # insertion order is never read
            assert all(type(got[k]) is type(v) for k, v in want.items()), name
            assert not any(c in got for c in absent), name
            continue
        assert type(got) is type(want) and got == want, name
        if isinstance(want, dict) and want:
            assert list(got) == list(want), f"{name}: key order"
            sample = next(iter(want.values()))
            assert all(type(a) is type(b) for a, b in zip(got.values(), want.values())), name
            assert type(sample) is type(next(iter(got.values())))
        if isinstance(want, list):
            assert [type(x) for x in got] == [type(x) for x in want], name
    for name in ("familyName", "fullName", "name", "styleName", "uniqueFontID"):
        assert getattr(restored, name).ustr == getattr(parsed, name).ustr
    for v in (0, 1, 1000, -517, 2048):
        assert restored._pdfScale(v) == parsed._pdfScale(v)
    filebytes.FontBytes.close_all()


def _faces_for_cache_tests() -> list[fontmod.FontFile]:
    paths = [p for p in (DEJAVU, WENKAI, UMING, ZENHEI) if p.exists()]
    if not paths:
        pytest.skip("no TrueType font installed")
    return [read_faces(p)[0] for p in paths]


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_DRAFTER_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_metrics_cache_restores_exactly_what_reportlab_parses(cache_home):
    from reportlab.pdfbase.ttfonts import TTFont

    for f in _faces_for_cache_tests():
        cold = fontmod.load_ttfont("T", f)  # parses and writes the record
        record = rl_adapter.cache_file(f)
        assert record.is_file() and record.parent.is_relative_to(cache_home)
        warm = fontmod.load_ttfont("T", f)
        assert type(warm.face) is not type(cold.face), "the second load must come from the cache"
        parsed = TTFont("T", str(f.path), subfontIndex=f.index)
        _same_face(warm.face, parsed.face)
        assert set(vars(warm)) == set(vars(parsed)) == rl_adapter.RL_TTFONT_ATTRS
        for name in ("fontName", "_asciiReadable", "_shapable"):
            assert getattr(warm, name) == getattr(parsed, name)
        assert list(record.parent.glob(".tmp-*")) == [], "writes go through a temp file and a rename"


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "old-magic"])
def test_damaged_cache_is_ignored_and_rebuilt(cache_home, damage):
    from reportlab.pdfbase.ttfonts import TTFont

    f = _faces_for_cache_tests()[0]
    fontmod.load_ttfont("T", f)
    record = rl_adapter.cache_file(f)
    good = record.read_bytes()
    bad = {"truncate": good[: len(good) // 2], "flip": good[:-100] + bytes([good[-100] ^ 0x40]) + good[-99:],
           "garbage": b"\x00\xff" * 5000, "empty": b"", "old-magic": b"PDFONTM0" + good[8:]}[damage]
    record.write_bytes(bad)
    assert rl_adapter.cache_load(f, __import__("os").stat(f.path)) is None
    tt = fontmod.load_ttfont("T", f)  # parses again, never fails
    _same_face(tt.face, TTFont("T", str(f.path), subfontIndex=f.index).face)
    assert record.read_bytes() == good, "the damaged record is replaced by a good one"


def test_cache_is_keyed_by_size_and_mtime(cache_home, tmp_path):
    import os
    import shutil

    if not DEJAVU.exists():
        pytest.skip("DejaVu not installed")
    copy = tmp_path / "font.ttf"
    shutil.copyfile(DEJAVU, copy)
    f = read_faces(copy)[0]
    fontmod.load_ttfont("T", f)
    st = os.stat(copy)
    assert rl_adapter.cache_load(f, st) is not None
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert rl_adapter.cache_load(f, os.stat(copy)) is None, "a changed file must not use the old record"


def test_unwritable_cache_folder_costs_only_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "home"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PLAN_DRAFTER_HOME", str(blocker))
    f = _faces_for_cache_tests()[0]
    assert fontmod.load_ttfont("T", f).face.charWidths


def test_reportlab_adapter_matches_this_reportlab():
    """Fails when a reportlab release changes what desktop/fonts/rl_adapter.py
    relies on. Then update that module (RL_FACE_ATTRS,
    _ttfont_with_face, embedding) and bump CACHE_MAGIC."""
    import inspect

    import reportlab
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfgen.canvas import Canvas

    for f in _faces_for_cache_tests():
        tt = ttfonts.TTFont("T", str(f.path), subfontIndex=f.index)
        attrs = set(vars(tt.face))
        expected = rl_adapter.RL_FACE_ATTRS | (rl_adapter.RL_TTC_ATTRS if f.path.suffix == ".ttc" else set())
        assert attrs == expected, (f"reportlab {reportlab.Version} changed TTFontFace: new {sorted(attrs - expected)}, "
                                   f"gone {sorted(expected - attrs)}; update desktop/fonts/rl_adapter.py")
        assert set(vars(tt)) == rl_adapter.RL_TTFONT_ATTRS, f"reportlab {reportlab.Version} changed TTFont.__init__"
    assert "makeToUnicodeCMap(" in inspect.getsource(ttfonts.TTFont.addObjects), \
        "TTFont.addObjects no longer calls ttfonts.makeToUnicodeCMap: our UTF-16 ToUnicode CMaps would be lost"
    assert list(inspect.signature(ttfonts.makeToUnicodeCMap).parameters) == ["fontname", "subset"]
    bmp = [0, 32, 0x4E2D, 0x3002, 0xFF0C]
    assert rl_adapter._to_unicode_cmap("F", bmp) == ttfonts.makeToUnicodeCMap("F", bmp), \
        "ours must differ from reportlab's only beyond the BMP"
    stock = ttfonts.makeToUnicodeCMap
    with fontmod.embedding():
        assert ttfonts.makeToUnicodeCMap is rl_adapter._to_unicode_cmap
    assert ttfonts.makeToUnicodeCMap is stock, "the override must not outlive one PDF"
    import io

    c = Canvas(io.BytesIO())
    assert fontmod.canvas_document(c) is not None and hasattr(c, "addLiteral")


def test_subsets_from_the_cache_are_the_parsers_subsets(cache_home):
    """makeSubset on a restored face (file read on demand, glyph tables as
    arrays, characters looked up lazily) writes the same font program."""
    from reportlab.pdfbase.ttfonts import TTFont

    sample = [0, 32] + [ord(c) for c in "中国好网民工程实施方案，。（）《》2020年éàüÅ—“”H5"] + [0x10FFFD]
    for f in _faces_for_cache_tests():
        fontmod.load_ttfont("T", f)
        warm = fontmod.load_ttfont("T", f).face
        assert hasattr(warm, "ensure"), "restored from the cache"
        parsed = TTFont("T", str(f.path), subfontIndex=f.index).face
        codes = [c for c in sample if c in parsed.charToGlyph or c == 0]
        fontmod.ensure_codes(warm, codes)
        assert warm.makeSubset(codes) == parsed.makeSubset(codes), f.path.name
        assert [warm.getCharWidth(c) for c in sample] == [parsed.getCharWidth(c) for c in sample]
        filebytes.FontBytes.close_all()


def _open_font_files() -> list[str]:
    import os

    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.endswith((".ttf", ".ttc", ".otf")):
            out.append(target)
    return out


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_pdf_leaves_no_font_file_open(cache_home):
    """Subsets read the font files while the PDF is written and close them
    after: an office can replace its fonts while the window stays open."""
    from desktop.export import ExportOptions
    from desktop.export.pdf import render_pdf_bytes
    from desktop.sample import make_draft
    from desktop.templates import load_template

    template = load_template("gd-2020-haowangmin")
    for _ in range(2):  # the first fills the cache, the second reads from it
        data, _ = render_pdf_bytes(make_draft(tasks=4, activities=2), template, ExportOptions())
        assert data.startswith(b"%PDF") and b"/FontFile2" in data
        assert _open_font_files() == [] and not filebytes.FontBytes._open


def test_a_font_file_changed_during_an_export_is_named(tmp_path):
    from desktop.errors import ExportError

    font = tmp_path / "changed.ttf"
    font.write_bytes(b"\0" * 1000)
    data = filebytes.FontBytes(str(font), 2000)  # the size the record was made from
    with pytest.raises(ExportError, match="changed.ttf.*导出过程中被改动"):
        data[0:4]
    font.write_bytes(b"\1" * 2000)
    assert data[0:4] == b"\1\1\1\1" and data[1999] == 1 and data[5:5] == b""
    assert data.window(10, 5)[0:100] == b"\1" * 5, "a window ends at its length"
    with pytest.raises(IndexError):
        data[2000]
    data.close()
    assert not filebytes.FontBytes._open


def test_pil_is_loaded_only_when_an_image_needs_it():
    """reportlab imports PIL.Image at start-up; our PDF never draws an image,
    so its import is deferred (importlib's LazyLoader) until something uses it."""
    import subprocess
    import sys

    code = """
import sys
from desktop.export import ExportOptions
from desktop.export.pdf import render_pdf_bytes
from desktop.sample import make_draft
from desktop.templates import load_template
data, _ = render_pdf_bytes(make_draft(tasks=3, activities=1), load_template("gd-2020-haowangmin"), ExportOptions())
assert data.startswith(b"%PDF")
print("exif" if "PIL.ExifTags" in sys.modules else "lazy")
from PIL import Image
print(Image.new("RGB", (3, 2)).size, "PIL.ExifTags" in sys.modules)
from reportlab.lib.utils import ImageReader
print(ImageReader(Image.new("RGB", (4, 5))).getSize())
"""
    root = Path(__file__).resolve().parent.parent
    res = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split("\n")[:3] == ["lazy", "(3, 2) True", "(4, 5)"]


@needs_apt_fonts
def test_a_font_folder_is_read_once_and_again_only_where_it_changed(cache_home, tmp_path, monkeypatch):
    """A Windows font folder holds hundreds of files: their names are kept per
    file (size + mtime) in the user's cache, and only new or changed files are opened."""
    import os
    import shutil

    folder = tmp_path / "Fonts"
    (folder / "sub").mkdir(parents=True)
    shutil.copyfile(WENKAI, folder / "simkai.ttf")
    shutil.copyfile(UMING, folder / "sub" / "simsun.ttc")
    (folder / "readme.txt").write_text("not a font")
    opened: list[str] = []
    real = folders.read_faces
    monkeypatch.setattr(folders, "read_faces", lambda p: opened.append(Path(p).name) or real(p))

    first = folders.scan_dir(folder)
    assert sorted(opened) == ["simkai.ttf", "simsun.ttc"]
    assert [(f.path.name, f.index) for f in first][:2] == [("simkai.ttf", 0), ("simsun.ttc", 0)]
    opened.clear()
    assert folders.scan_dir(folder) == first and opened == [], "the second scan opens no font file"

    st = os.stat(folder / "simkai.ttf")
    os.utime(folder / "simkai.ttf", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    shutil.copyfile(ZENHEI, folder / "simhei.ttc")
    (folder / "sub" / "simsun.ttc").unlink()
    third = folders.scan_dir(folder)
    assert sorted(opened) == ["simhei.ttc", "simkai.ttf"], "only the changed and the new file"
    assert {f.path.name for f in third} == {"simkai.ttf", "simhei.ttc"}

    for record in (cache_home / "cache" / "fonts").glob("scan-*.m"):
        record.write_bytes(b"PDFONTS1" + b"\0" * 40)  # damaged: read the folder again, never fail
    opened.clear()
    assert folders.scan_dir(folder) == third and sorted(opened) == ["simhei.ttc", "simkai.ttf"]


def _system_faces_for_coverage() -> list[fontmod.FontFile]:
    files = [f for f in fontmod.fontconfig_faces() if f.truetype]
    picked = [f for f in files if f.path in (UMING, WENKAI, ZENHEI, DEJAVU)]
    return picked or pytest.skip("no TrueType font installed")


def test_cmap_ranges_hold_every_character_reportlab_maps():
    """The fallback skips a face whose cmap ranges lack the character: they
    must hold everything reportlab's parser puts in charToGlyph."""
    from reportlab.pdfbase.ttfonts import TTFont

    for f in _system_faces_for_coverage():
        coverage = fontmod.face_coverage(f)
        assert coverage is not None, f"{f.path.name}: a cmap format we read"
        parsed = TTFont("T", str(f.path), subfontIndex=f.index).face
        assert all(sfnt.covers(coverage, c) for c in parsed.charToGlyph), f.path.name
        assert not sfnt.covers(coverage, 0x2A6A5) or f.path == ZENHEI, "𪚥 is in none of these"


def test_a_cmap_of_an_unread_format_means_ask_reportlab(tmp_path):
    cmap = struct.pack(">HHHHI", 0, 1, 3, 1, 12) + struct.pack(">HHI", 8, 0, 0)  # format 8: not read here
    font = tmp_path / "odd.ttf"
    head = struct.pack(">IHHHH", 0x00010000, 1, 0, 0, 0) + struct.pack(">4sIII", b"cmap", 0, 28, len(cmap))
    font.write_bytes(head + cmap)
    assert fontmod.face_coverage(fontmod.FontFile(font, 0, ("Odd",))) is None
    assert fontmod.face_coverage(fontmod.FontFile(tmp_path / "gone.ttf", 0, ("Gone",))) is None


@needs_apt_fonts
def test_fallback_picks_what_asking_every_font_picks_and_parses_none_it_can_rule_out(cache_home, monkeypatch):
    """A character no role font has: the fallback still chooses the first font
    of the pool that has it, and a character no font has parses no font of
    the pool once their cmap ranges are known (kept in the user's cache)."""
    shared = font_set(())
    fs = fontmod.FontSet(shared.choices, shared.pool)  # nothing remembered in this process
    roles = {fs.face(r) for r in gb.ROLES}
    rare = next(ch for ch in "♔♞⚖Ꙁ₿ⱥ" if not any(f.has(ch) for f in roles)
                and any(fontmod.load_face(f).has(ch) for f in fs.pool))  # DejaVu has these, the CJK stand-ins not
    expected = next(f for f in fs.pool if fontmod.load_face(f).has(rare))
    assert fs.face_for(gb.FANGSONG, rare).file == expected
    assert (cache_home / "cache" / "fonts" / "coverage.m").is_file()

    fresh = fontmod.FontSet(fs.choices, fs.pool)  # as a new process: coverage from the cache
    parsed: list[str] = []
    real = choice.load_face
    monkeypatch.setattr(choice, "load_face", lambda f: parsed.append(f.path.name) or real(f))
    assert fresh.face_for(gb.FANGSONG, "\U0002A6A5").missing
    assert all(name == ZENHEI.name for name in parsed), f"ruled out by their cmaps: {parsed}"
    assert "\U0002A6A5" in fresh.missing_chars


def test_layouts_in_several_threads_see_every_character_of_a_restored_face(cache_home, monkeypatch):
    """The preview and an export lay out at once; a face from the cache fills
    its character tables on demand, and no thread may see a character as missing."""
    import threading

    from desktop.export import ExportOptions, laid_out
    from desktop.sample import make_draft
    from desktop.templates import load_template

    template = load_template("gd-2020-haowangmin")
    drafts = []
    for seed in range(4):
        d = make_draft(tasks=8, activities=2, seed=seed)
        d.plan.task_groups[0].tasks[0].text += "".join(chr(0x4E00 + 997 * seed + 13 * k) for k in range(300))
        drafts.append(d)

    def pages_of(d):
        _, pages, _, _ = laid_out(d, template, ExportOptions(), "PDF")
        return [(r.font, r.text, round(r.x, 3)) for p in pages for r in p.runs]

    laid_out(drafts[0], template, ExportOptions(), "PDF")  # fills the metrics cache
    for fresh in (True, False):
        monkeypatch.setattr(faces, "_FACES", {})
        monkeypatch.setattr(choice, "_SETS", {})
        if fresh:
            expected = [pages_of(d) for d in drafts]  # one after another, from the cache
            continue
        results: dict[int, object] = {}

        def work(i: int, out: dict[int, object] = results) -> None:
            out[i] = pages_of(drafts[i])

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(drafts))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [results[i] for i in range(len(drafts))] == expected


_EXPORT_TWICE = r"""
import json, shutil, sys
from pathlib import Path
from desktop.export import ExportOptions, laid_out
from desktop.export.pdf import render_pdf_bytes
from desktop.storage import load_draft
from desktop.templates import load_template
office, out, replacement = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
draft = load_draft(sys.argv[4])
options = ExportOptions(font_dirs=(office,))
template = load_template(draft.template)

def export(name):
    data, _ = render_pdf_bytes(draft, template, options)
    (out / f"{name}.pdf").write_bytes(data)
    _, pages, _, _ = laid_out(draft, template, options, "PDF")
    runs = [(r.font, r.text, round(r.x, 3), round(r.baseline, 3)) for p in pages for r in p.runs]
    (out / f"{name}.json").write_text(json.dumps(runs, ensure_ascii=False), encoding="utf-8")

export("first")
if replacement:
    shutil.copyfile(replacement, office / "simfang.ttf")  # the office updates its font, the window stays open
export("second")
"""


def _run_export_twice(tmp_path, office, replacement=""):
    import os
    import subprocess
    import sys

    from tests.test_pdf import example_paths

    out = tmp_path / "out"
    out.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PLAN_DRAFTER_HOME=str(tmp_path / "home"))
    res = subprocess.run([sys.executable, "-c", _EXPORT_TWICE, str(office), str(out), replacement,
                          str(example_paths()[0])], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return (out / "first.pdf").read_bytes(), (out / "second.pdf").read_bytes()


def _runs_of(tmp_path, name: str) -> list:
    import json

    return json.loads((tmp_path / "out" / f"{name}.json").read_text(encoding="utf-8"))


@needs_apt_fonts
def test_two_copies_of_one_font_draw_the_same_with_a_warm_cache(tmp_path):
    """reportlab draws a face registered earlier under the same PostScript
    name; with a warm cache that face must know every character too."""
    import shutil

    office = tmp_path / "office"
    office.mkdir()
    shutil.copyfile(UMING, office / "simsun.ttc")  # 宋体 from the office folder, 小标宋 from the system's copy
    cold, _ = _run_export_twice(tmp_path, office)
    warm, _ = _run_export_twice(tmp_path, office)
    assert warm == cold
    assert b"/FontFile2" in warm


@needs_apt_fonts
def test_a_font_replaced_while_the_program_runs_is_read_again(tmp_path):
    """An office replaces 仿宋 while the window stays open: the next export
    uses the new file (as a fresh start would), never old metrics on new bytes."""
    import shutil

    office = tmp_path / "office"
    office.mkdir()
    shutil.copyfile(WENKAI, office / "simfang.ttf")
    _run_export_twice(tmp_path, office)  # fills the cache
    before, after = _run_export_twice(tmp_path, office, str(UMING))
    fresh, _ = _run_export_twice(tmp_path / "fresh", office)  # a new start with the new file
    # The layout is a fresh start's. (Which of two registered copies of UMing draws is
    # reportlab's choice by PostScript name and registration order, so bytes may differ.)
    assert _runs_of(tmp_path, "second") == _runs_of(tmp_path / "fresh", "first") != _runs_of(tmp_path, "first")
    assert after.startswith(b"%PDF") and after.count(b"/Type /Page\n") == fresh.count(b"/Type /Page\n") > 1


def test_a_font_rewritten_during_embedding_is_named(cache_home, monkeypatch):
    """Another program rewrites a font file in place while the subsets are
    read: a plain message naming the file, not an unexpected error."""
    import shutil

    from desktop.errors import ExportError
    from desktop.export import ExportOptions
    from desktop.export.pdf import render_pdf_bytes
    from desktop.sample import make_draft
    from desktop.templates import load_template

    mono = WENKAI.with_name("LXGWWenKaiMono-Regular.ttf")  # a face no other role draws (reportlab shares by name)
    if not mono.exists():
        pytest.skip("needs fonts-lxgw-wenkai")
    office = cache_home.parent / "office"
    office.mkdir()
    shutil.copyfile(mono, office / "simfang.ttf")
    options = ExportOptions(font_dirs=(office,))
    template = load_template("gd-2020-haowangmin")
    draft = make_draft(tasks=4, activities=1)
    monkeypatch.setattr(faces, "_FACES", {})  # this test's faces only; the others' are back afterwards
    monkeypatch.setattr(choice, "_SETS", {})
    render_pdf_bytes(draft, template, options)  # fills the cache
    # as a new process would: the office face restored from the cache, not the parsed one
    faces.forget_faces([f for f in faces._FACES.values() if f.file.path.parent == office])
    choice._SETS.clear()
    reads = {"n": 0}
    real = filebytes.FontBytes.__getitem__

    def read(self, key):
        if self._owner._filename.endswith("simfang.ttf"):
            reads["n"] += 1
        if reads["n"] == 5 and self._owner._filename.endswith("simfang.ttf"):
            with open(self._owner._filename, "r+b") as fh:  # truncated in place, mtime and all
                fh.truncate(5000)
        return real(self, key)

    monkeypatch.setattr(filebytes.FontBytes, "__getitem__", read)
    with pytest.raises(ExportError, match="simfang.ttf.*导出过程中被改动"):
        render_pdf_bytes(draft, template, options)


def test_cache_records_of_the_wrong_shape_are_read_again(cache_home):
    """A record with a right checksum over wrong shapes is ignored, not a crash."""
    import marshal
    import zlib

    def forge(target: Path, magic: bytes, value) -> None:
        body = marshal.dumps(value)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(magic + zlib.crc32(body).to_bytes(4, "big") + body)

    folder = fontmod.font_cache_dir()
    assert folders.scan_cache_load(folder / "s.m") == {}
    forge(folder / "s.m", folders.SCAN_MAGIC, {"/x/a.ttf": (1, 2, 5)})
    assert folders.scan_cache_load(folder / "s.m") == {}
    forge(folder / "c.m", choice.COVERAGE_MAGIC, {"/x/a.ttf\0" + "0": (1, 2, b"abc", b"abc")})
    assert choice.coverage_cache_load(folder / "c.m") == {}
    f = _faces_for_cache_tests()[0]
    fontmod.load_ttfont("T", f)
    record = rl_adapter.cache_file(f)
    import os

    header, state, packed, names = marshal.loads(memoryview(record.read_bytes())[12:])
    packed["glyphPos"] = ("li", b"\0" * 7)
    forge(record, rl_adapter.CACHE_MAGIC, (header, state, packed, names))
    assert rl_adapter.cache_load(f, os.stat(f.path)) is None
    assert fontmod.load_ttfont("T", f).face.charWidths, "parsed again"


def test_a_swapped_cmap_header_is_read_as_reportlab_reads_it(tmp_path):
    if not DEJAVU.exists():
        pytest.skip("DejaVu not installed")
    data = bytearray(DEJAVU.read_bytes())
    f = read_faces(DEJAVU)[0]
    with open(DEJAVU, "rb") as fh:
        off, _ = sfnt.table_dir(fh, 0)[b"cmap"]
    version, count = struct.unpack_from(">HH", data, off)
    struct.pack_into(">HH", data, off, count, version)
    swapped = tmp_path / "swapped.ttf"
    swapped.write_bytes(bytes(data))
    got = fontmod.face_coverage(fontmod.FontFile(swapped, 0, ("S",)))
    assert got is not None and got == fontmod.face_coverage(f)


# --- OFD subsets, made once and kept in the user's cache (issue 29) -----------------

_OFD_IN_CHILD = r"""
import sys
from desktop.export import ExportOptions
from desktop.export.ofd import render_ofd_bytes
from desktop.storage import load_draft
from desktop.templates import load_template
data, _ = render_ofd_bytes(load_draft(sys.argv[1]), load_template("gd-2020-haowangmin"), ExportOptions())
sys.stdout.buffer.write(data)
print("fontTools.subset" in sys.modules, file=sys.stderr)
"""


def test_ofd_subsets_are_made_once_across_processes(tmp_path):
    """The second process reads the subsets the first one made: same bytes,
    and fontTools' subsetter is never imported."""
    import os
    import subprocess
    import sys

    from tests.test_pdf import example_paths

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PLAN_DRAFTER_HOME=str(tmp_path / "home"))

    def run() -> tuple[bytes, str]:
        res = subprocess.run([sys.executable, "-c", _OFD_IN_CHILD, str(example_paths()[0])], cwd=root, env=env,
                             capture_output=True, check=True, timeout=300)
        return res.stdout, res.stderr.decode().strip().splitlines()[-1]

    cold, subsetter_cold = run()
    assert list((tmp_path / "home" / "cache" / "fonts" / "subsets").glob("*.ofs")), "the first export keeps them"
    warm, subsetter_warm = run()
    assert (subsetter_cold, subsetter_warm) == ("True", "False")
    assert warm == cold and cold.startswith(b"PK")


def _subset_face(tmp_path: Path) -> fontmod.FontFile:
    import shutil

    if not DEJAVU.exists():
        pytest.skip("DejaVu not installed")
    copy = tmp_path / "face.ttf"
    shutil.copyfile(DEJAVU, copy)
    return read_faces(copy)[0]


def _counting_make(monkeypatch) -> list[str]:
    from desktop.fonts import subset

    made: list[str] = []
    real = subset._make
    monkeypatch.setattr(subset, "_make", lambda file, text: made.append(text) or real(file, text))
    return made


def test_a_subset_record_is_keyed_by_file_version_and_characters(cache_home, tmp_path, monkeypatch):
    import os

    import fontTools

    from desktop.fonts import subset

    face = _subset_face(tmp_path)
    made = _counting_make(monkeypatch)
    first = subset.subset_font(face, set("Hello 2020"))
    subset.forget_made()
    assert subset.subset_font(face, set("Hello 2020")) == first and len(made) == 1, "read from the record"
    subset.forget_made()
    subset.subset_font(face, set("Hello 2021"))
    assert len(made) == 2, "other characters: another subset"
    subset.forget_made()
    st = os.stat(face.path)
    os.utime(face.path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert subset.subset_font(face, set("Hello 2020")) == first and len(made) == 3, "a changed file: made again"
    subset.forget_made()
    monkeypatch.setattr(fontTools, "version", "0.0-other")
    assert subset.subset_font(face, set("Hello 2020")) == first and len(made) == 4, "another fontTools: made again"


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "other-magic", "wrong-shape"])
def test_a_damaged_subset_record_is_made_again(cache_home, tmp_path, monkeypatch, damage):
    import marshal
    import zlib

    from desktop.fonts import subset

    face = _subset_face(tmp_path)
    good = subset.subset_font(face, set("公文 OFD"))
    (record,) = (cache_home / "cache" / "fonts" / "subsets").glob("*.ofs")
    raw = record.read_bytes()
    body = marshal.dumps(("header", "text", 5))
    bad = {"truncate": raw[: len(raw) // 2], "flip": raw[:-100] + bytes([raw[-100] ^ 0x40]) + raw[-99:],
           "garbage": b"\x00\xff" * 5000, "empty": b"", "other-magic": b"PDFONTO0" + raw[8:],
           "wrong-shape": subset.SUBSET_MAGIC + zlib.crc32(body).to_bytes(4, "big") + body}[damage]
    record.write_bytes(bad)
    subset.forget_made()
    made = _counting_make(monkeypatch)
    assert subset.subset_font(face, set("公文 OFD")) == good and len(made) == 1
    assert record.read_bytes() == raw, "the damaged record is replaced by a good one"


def test_subset_records_of_a_face_are_bounded(cache_home, tmp_path):
    import os

    from desktop.fonts import subset

    face = _subset_face(tmp_path)
    folder = cache_home / "cache" / "fonts" / "subsets"
    for k in range(subset.KEEP_PER_FACE + 3):
        subset.subset_font(face, set(f"abc{k:02d}"))
        newest = max(folder.glob("*.ofs"), key=lambda p: p.stat().st_mtime_ns)
        os.utime(newest, ns=(10**18 + k * 10**9,) * 2)  # a clear order, whatever the file system's clock
    records = list(folder.glob("*.ofs"))
    assert len(records) == subset.KEEP_PER_FACE
    assert max(records, key=lambda p: p.stat().st_mtime_ns) == subset._record_path(
        face, "".join(sorted(set(f"abc{subset.KEEP_PER_FACE + 2:02d}"))))


def _fonttools_subset(path: Path, index: int, chars: str) -> bytes:
    """fontTools' subset with the options OFD fonts had before issue 29
    (glyph names made from the cmap): what subset_font must still give."""
    import io

    from fontTools import subset as ft

    opts = ft.Options()
    opts.font_number = index
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.glyph_names = False
    opts.layout_features = []
    opts.drop_tables = [*opts.drop_tables, "BDF", "FFTM", "PfEd", "TeX"]
    font = ft.load_font(str(path), opts, dontLoadGlyphNames=True)
    try:
        sub = ft.Subsetter(opts)
        sub.populate(unicodes=sorted(map(ord, chars)))
        sub.subset(font)
        buf = io.BytesIO()
        ft.save_font(font, buf, opts)
    finally:
        font.close()
    return buf.getvalue()


def test_subsets_are_the_bytes_fonttools_gives(cache_home, tmp_path):
    """Glyph names come from the 'post' table now (faster for most CJK faces):
    the subsets are still byte for byte what fontTools made before, and a face
    whose 'post' table fontTools cannot read is still subset."""
    import random
    import struct

    from desktop.fonts import subset

    rnd = random.Random(29)
    common = "".join(chr(c) for c in range(0x4E00, 0x9FA5, 7))
    short_post = bytearray(DEJAVU.read_bytes()) if DEJAVU.exists() else None
    faces = _faces_for_cache_tests()
    if short_post is not None:  # the 'post' table cut short: fontTools fails to read its names
        count = struct.unpack_from(">H", short_post, 4)[0]
        entry = next(12 + 16 * i for i in range(count) if short_post[12 + 16 * i:16 + 16 * i] == b"post")
        struct.pack_into(">I", short_post, entry + 12, 33)
        (tmp_path / "short-post.ttf").write_bytes(bytes(short_post))
        faces.append(read_faces(tmp_path / "short-post.ttf")[0])
    for face in faces:
        for chars in ("中国好网民工程实施方案，。（）《》2020年éàüÅ—“”H5\U00020000😀",
                      "".join(rnd.sample(common, 300)) + "ABCxyz 0123"):
            subset.forget_made()
            assert subset.subset_font(face, set(chars)) == _fonttools_subset(face.path, face.index, chars), \
                face.path.name


def test_packed_arrays_round_trip_every_kind_and_reject_wrong_shapes():
    """The metrics records pack numbers in 4 bytes where they fit, 8 where not."""
    from desktop.fonts import packed

    values = [
        {1: 2, 0x10FFFF: -5, 3: 2**40}, {7: 0.5, 8: 1e300}, {1: [1, 2, 3], 2: [], 3: [2**35]},
        [0, -1, 2**31 - 1, -(2**31)], [2**31], [(1, 2), (3, -4)], [(1, 2), (2.5, 3), (-7, 2**33)],
    ]
    for v in values:
        p = packed.pack(v)
        assert p is not None and packed.packed_ok(p), v
        back = packed.unpack(p)
        assert back == v and [type(x) for x in (back.values() if isinstance(v, dict) else back)] == \
            [type(x) for x in (v.values() if isinstance(v, dict) else v)], v
    assert packed.pack([0, 1, 2])[1][:1] == b"i" and packed.pack([2**31])[1][:1] == b"q"
    assert packed.pack(["a"]) is None and packed.pack({}) is None and packed.pack([2**70]) is None
    good = packed.pack({1: 2, 3: 4})
    for bad in [("di", good[1]), ("di", good[1], good[2][:-1]), ("di", b"x" + good[1][1:], good[2]),
                ("df", good[1], good[2]), ("li", b""), ("lm", good[1], b"\0", good[2]), ("zz", good[1]), ()]:
        assert not packed.packed_ok(bad), bad
