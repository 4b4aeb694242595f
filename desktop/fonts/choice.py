"""Choosing the fonts of each role (仿宋, 黑体, 楷体, 小标宋, 宋体) and, per
character, a font that has it; the Chinese notes about what was improvised."""

from __future__ import annotations

import functools
import marshal
import operator
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from desktop import official as gb
from desktop.fonts.faces import Face, forget_faces, load_face, missing_face
from desktop.fonts.folders import fontconfig_faces, scan_dir, windows_font_dirs
from desktop.fonts.packed import int_array
from desktop.fonts.sfnt import (MAX_FONT_BYTES, Coverage, FontFile, covers, face_coverage, file_stamp,
                                skip_if_too_large, skipped_font_files)
from desktop.fonts.store import font_cache_dir, load_records, write_record

# Wanted family names per role, best first. "standard" names are the faces
# GB/T 9704 documents are normally set in; "close" ones are accepted stand-ins
# that are still reported (宋体 for 小标宋).
WANTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    gb.FANGSONG: (("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "FangSong_GB18030", "方正仿宋简体",
                   "方正仿宋_GBK", "FZFangSong-Z02S", "FZFangSong-Z02", "华文仿宋", "STFangsong"), ()),
    gb.HEITI: (("黑体", "SimHei", "方正黑体简体", "方正黑体_GBK", "FZHei-B01S", "FZHei-B01",
                "华文黑体", "STHeiti"), ()),
    gb.KAITI: (("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "方正楷体简体", "方正楷体_GBK", "FZKai-Z03S",
                "FZKai-Z03", "华文楷体", "STKaiti"), ()),
    gb.XIAOBIAOSONG: (("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05", "小标宋"),
                      ("华文中宋", "STZhongsong", "宋体", "SimSun", "NSimSun", "华文宋体", "STSong")),
    gb.SONGTI: (("宋体", "SimSun", "NSimSun", "华文宋体", "STSong"), ()),
}

# Stock Windows file names, for folders whose fonts we cannot ask fontconfig about.
WINDOWS_FILES = {
    gb.FANGSONG: ("simfang.ttf",), gb.HEITI: ("simhei.ttf",), gb.KAITI: ("simkai.ttf",),
    gb.XIAOBIAOSONG: (), gb.SONGTI: ("simsun.ttc",),
}

# Open stand-ins by role (family names as fontconfig reports them), best first.
OPEN_FALLBACKS = {
    gb.FANGSONG: ("AR PL UMing CN", "AR PL UMing", "LXGW WenKai", "WenQuanYi Zen Hei"),
    gb.HEITI: ("WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN", "LXGW WenKai"),
    gb.KAITI: ("LXGW WenKai", "AR PL UKai CN", "AR PL UMing CN", "WenQuanYi Zen Hei"),
    gb.XIAOBIAOSONG: ("AR PL UMing CN", "AR PL UMing", "WenQuanYi Zen Hei", "LXGW WenKai"),
    gb.SONGTI: ("AR PL UMing CN", "AR PL UMing", "WenQuanYi Zen Hei", "LXGW WenKai"),
}
_STYLE_PENALTY = re.compile(r"bold|light|mono|sharp|italic|oblique|condensed|extralight|heavy|black", re.I)


_NAME_NOISE = re.compile(r"[\s_\-]")


@functools.lru_cache(maxsize=8192)
def _norm(name: str) -> str:
    return _NAME_NOISE.sub("", name).lower()


@functools.lru_cache(maxsize=8192)
def _norm_families(families: tuple[str, ...]) -> frozenset[str]:
    """A face's family names as matched: a Windows font folder gives hundreds of
    faces, and every role asks for several names."""
    return frozenset(map(_norm, families))

COVERAGE_MAGIC = b"PDFONTC1"


def _coverage_record_ok(key: object, rec: object) -> bool:
    """(size, mtime, firsts, lasts): the ranges as two equal runs of 8-byte integers, or both None."""
    if type(key) is not str or type(rec) is not tuple or len(rec) != 4:
        return False
    size, mtime, firsts, lasts = rec
    if type(size) is not int or type(mtime) is not int:
        return False
    if firsts is None and lasts is None:
        return True
    return type(firsts) is bytes and type(lasts) is bytes and len(firsts) == len(lasts) and len(firsts) % 8 == 0



def coverage_cache_load(target: Path) -> dict[str, Any]:
    return load_records(target, COVERAGE_MAGIC, _coverage_record_ok)


@dataclass
class Choice:
    role: str
    face: Face
    wanted: str  # what the role asks for, e.g. 仿宋
    standard: bool  # a standard face for the role (no note needed)


@dataclass(eq=False)  # one set is one configuration's fonts: compared and hashed by identity
class FontSet:
    """The fonts of one configuration (one list of office folders).

    ``face_for`` is the only thing the layout needs; ``missing_chars`` and
    ``fallback_chars`` collect what had to be improvised, for ``notes``.
    """

    choices: dict[str, Choice]
    pool: list[FontFile]  # every usable face, for per-character fallback
    missing_chars: dict[str, None] = field(default_factory=dict)
    fallback_chars: dict[str, str] = field(default_factory=dict)  # char -> face label
    _char_cache: dict[tuple[str, str], Face] = field(default_factory=dict)
    _pool_coverage: dict[int, Coverage | None] = field(default_factory=dict)
    _coverage_cache: dict[str, Any] | None = None
    _coverage_dirty: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def face(self, role: str) -> Face:
        return self.choices.get(role, self.choices[gb.FANGSONG]).face

    def changed_faces(self) -> list[Face]:
        """Faces in use whose files were replaced since they were read (an office
        updating its fonts while the window stays open)."""
        used = {c.face for c in self.choices.values()} | set(self._char_cache.values())
        return [f for f in used if f.changed()]

    def face_for(self, role: str, ch: str) -> Face:
        hit = self._char_cache.get((role, ch))
        if hit is not None:
            return hit
        with self._lock:
            face = self._resolve(role, ch)
            self._char_cache[(role, ch)] = face
            return face

    def _resolve(self, role: str, ch: str) -> Face:
        primary = self.face(role)
        if ch in " \u3000" or primary.has(ch) or unicodedata.category(ch) in ("Zs", "Cc", "Cf", "Mn"):
            return primary
        for r in (gb.FANGSONG, gb.SONGTI, gb.KAITI, gb.HEITI, gb.XIAOBIAOSONG):
            f = self.face(r)
            if f.has(ch):
                self.fallback_chars.setdefault(ch, f.label)
                return f
        try:
            found = self._search_pool(ch)
        finally:
            if self._coverage_dirty and self._coverage_cache is not None:  # once per search: 14 MB for 700 faces
                self._coverage_dirty = False
                write_record(font_cache_dir() / "coverage.m", COVERAGE_MAGIC, marshal.dumps(self._coverage_cache))
        if found is not None:
            self.fallback_chars.setdefault(ch, found.label)
            return found
        self.missing_chars.setdefault(ch, None)
        face = missing_face(primary)
        face.add_missing(ch)
        return face

    def _search_pool(self, ch: str) -> Face | None:
        cp = ord(ch)
        for i, file in enumerate(self.pool):
            coverage = self._coverage(i)
            if coverage is not None and not covers(coverage, cp):
                continue  # its cmap maps no such code: reportlab would say no as well
            try:
                f = load_face(file)
                if f.has(ch):
                    return f
            except Exception:  # a broken file in the pool: skip it, never fail an export
                continue
        return None

    def _coverage(self, i: int) -> Coverage | None:
        """Pool face ``i``'s cmap ranges, from the user's cache when the file
        is unchanged (size and mtime), else read and kept there."""
        if i in self._pool_coverage:
            return self._pool_coverage[i]
        file = self.pool[i]
        if self._coverage_cache is None:
            self._coverage_cache = coverage_cache_load(font_cache_dir() / "coverage.m")
        key = f"{file.path}\0{file.index}"
        stamp = file_stamp(file.path)
        if stamp is None:
            self._pool_coverage[i] = None
            return None
        rec = self._coverage_cache.get(key)
        if rec is not None and rec[:2] == stamp:
            coverage = None if rec[2] is None else (int_array(rec[2]), int_array(rec[3]))
            if coverage is not None and (not coverage[0] or any(map(operator.gt, *coverage))):
                coverage = None  # not ranges we wrote: ask reportlab
        else:
            coverage = face_coverage(file)
            self._coverage_cache[key] = (*stamp,
                                         *((None, None) if coverage is None else (coverage[0].tobytes(),
                                                                                  coverage[1].tobytes())))
            self._coverage_dirty = True
        self._pool_coverage[i] = coverage
        return coverage

    def notes(self, chars: Iterable[str] | None = None, output: str = "PDF") -> list[str]:
        """Plain-Chinese notes about stand-in fonts, and about those of ``chars``
        (the characters of one document; all seen so far when None) that needed
        another font or that no font has; ``output`` names the file drawn (PDF, OFD)."""
        wanted = None if chars is None else set(chars)
        fallback = {c: v for c, v in self.fallback_chars.items() if wanted is None or c in wanted}
        missing = [c for c in self.missing_chars if wanted is None or c in wanted]
        out = []
        for role in gb.ROLES:
            c = self.choices.get(role)
            if c and not c.standard:
                out.append(f"未找到“{c.wanted}”字体，{output} 中用“{c.face.label}”代替"
                           f"（字体文件 {c.face.file.path.name}）。"
                           "安装该字体或在设置中指定本单位字体文件夹后重新导出即可。")
        if fallback:
            by_font: dict[str, list[str]] = {}
            for ch, label in fallback.items():
                by_font.setdefault(label, []).append(ch)
            for label, chars in by_font.items():
                out.append(f"字符“{''.join(chars[:20])}”{'等' if len(chars) > 20 else ''}"
                           f"在所选字体中缺字，已改用“{label}”显示。")
        for path, size in sorted(skipped_font_files().items())[:5]:
            out.append(f"字体文件“{Path(path).name}”过大（{size / 1024 / 1024:.0f} MB，超过 "
                       f"{MAX_FONT_BYTES // 1024 // 1024} MB），不像是可用的字体，已跳过（{path}）。")
        if missing:
            chars = missing
            shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in chars[:20])
            out.append(f"以下字符在本机所有字体中都没有字形，{output} 中显示为方框"
                       f"（文字内容仍保留，可复制搜索）：{shown}"
                       f"{'等' if len(chars) > 20 else ''}。请安装包含这些字的字体（如超大字符集宋体）后重新导出。")
        return out


def _match(files: list[FontFile], names: tuple[str, ...]) -> FontFile | None:
    wanted = [_norm(n) for n in names]
    best: tuple[int, int, FontFile] | None = None
    for f in files:
        if not f.truetype:
            continue
        fams = _norm_families(f.families)
        for rank, w in enumerate(wanted):
            if w in fams:
                penalty = 1 if (_STYLE_PENALTY.search(f.style or "")
                                and not re.search("regular|book|normal", f.style or "", re.I)) else 0
                cand = (rank, penalty, f)
                if best is None or cand[:2] < best[:2]:
                    best = cand
                break
    return best[2] if best else None


def _match_windows_file(files: list[FontFile], names: tuple[str, ...]) -> FontFile | None:
    for n in names:
        for f in files:
            if f.truetype and f.path.name.lower() == n and f.index == 0:
                return f
    return None


def _usable(f: FontFile) -> bool:
    try:
        if skip_if_too_large(f.path, os.stat(f.path).st_size):
            return False
        load_face(f).ttfont  # noqa: B018 - parsing proves reportlab can embed it
        return True
    except Exception:
        return False


_SETS: dict[tuple[str, ...], FontSet] = {}
_SETS_LOCK = threading.Lock()


def font_set(font_dirs: tuple[Path, ...] | list[Path] = ()) -> FontSet:
    """The fonts for this list of office folders (cached per process)."""
    key = tuple(str(Path(d)) for d in font_dirs)
    with _SETS_LOCK:
        if key in _SETS:
            changed = _SETS[key].changed_faces()
            if not changed:
                return _SETS[key]
            del _SETS[key]  # read the fonts again: new metrics and new bytes together
            forget_faces(changed)
    office: list[FontFile] = []
    for d in font_dirs:
        if Path(d).is_dir():
            office.extend(scan_dir(Path(d)))
    windows: list[FontFile] = []
    for d in windows_font_dirs():
        windows.extend(scan_dir(d))
    system = fontconfig_faces()
    tiers = [office, windows, system]
    choices: dict[str, Choice] = {}
    for role in gb.ROLES:
        standard, close = WANTED[role]
        chosen: tuple[FontFile, bool] | None = None
        for names, is_std in ((standard, True), (close, False)):
            for tier in tiers:
                f = _match(tier, names) or (_match_windows_file(tier, WINDOWS_FILES[role]) if is_std else None)
                if f is not None and _usable(f):
                    chosen = (f, is_std)
                    break
            if chosen:
                break
        if chosen is None:
            for name in OPEN_FALLBACKS[role]:
                f = _match(system + office + windows, (name,))
                if f is not None and _usable(f):
                    chosen = (f, False)
                    break
        if chosen is None:  # any CJK TrueType face at all
            for f in office + windows + system:
                if f.truetype and _usable(f) and load_face(f).has("中"):
                    chosen = (f, False)
                    break
        if chosen is not None:
            choices[role] = Choice(role, load_face(chosen[0]), gb.ROLE_NAMES[role], chosen[1])
    if gb.FANGSONG not in choices:
        from desktop.errors import ExportError

        raise ExportError("本机没有找到可嵌入 PDF 的中文 TrueType 字体（如仿宋、宋体）。请安装字体，"
                          "或在设置中指定本单位字体文件夹后重新导出。")
    for role in gb.ROLES:
        choices.setdefault(role, Choice(role, choices[gb.FANGSONG].face, gb.ROLE_NAMES[role], False))
    pool = [f for f in office + windows + system if f.truetype]
    pool.sort(key=lambda f: (0 if f in office else 1, _STYLE_PENALTY.search(f.style or "") is not None,
                             str(f.path), f.index))
    fs = FontSet(choices, pool)
    with _SETS_LOCK:
        return _SETS.setdefault(key, fs)
