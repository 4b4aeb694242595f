"""The font finder: TrueType only, .ttc face indexes, office and Windows
folders first, open stand-ins reported, per-character fallback."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from desktop import fonts as fontmod
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
