"""Finding the fonts every output draws with, by role (仿宋, 黑体, 楷体, 小标宋, 宋体).

Usage::

    fonts = font_set(options.font_dirs)     # cached per folder list
    face = fonts.face_for("fangsong", "中")  # a Face, per-character fallback
    fonts.notes()                            # Chinese notes: substitutions, missing characters

Where fonts come from, first match wins for each role:

1. the office's own folders (``ExportOptions.font_dirs``), searched recursively;
2. the Windows font folders, including the per-user
   ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts``;
3. fontconfig (``fc-list``) on Linux;
4. open fonts packaged by Debian (AR PL UMing, LXGW WenKai, WenQuanYi Zen Hei),
   which stand in for the commercial faces; every stand-in is reported.

Only TrueType outlines are accepted (a 'glyf' table, no 'CFF '), because
reportlab embeds nothing else; a ``.ttc`` is searched face by face and the
right face index is kept. A character the role's font lacks is drawn with the
first other font that has it; a character no font has is drawn as the font's
"missing glyph" box but keeps its text, and is reported.

Fonts are parsed lazily, once per process, and what reportlab's parser found
is kept in the user's cache folder (``font_cache_dir()``), keyed by path, size
and modification time: the next process restores it in milliseconds instead of
parsing again (large CJK files take 0.1-0.25 s each). A stale or damaged record
is ignored and rewritten. This module parses only table directories and names
itself; glyph metrics come from reportlab's TrueType reader, which is also what
embeds the fonts. Everything that relies on reportlab's internals is in the
"reportlab adapter" section below.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import hashlib
import marshal
import operator
import os
import re
import stat
import struct
import sys
import threading
import unicodedata
import zlib
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from desktop import official as gb

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

FONT_SUFFIXES = (".ttf", ".ttc")


_NAME_NOISE = re.compile(r"[\s_\-]")


@functools.lru_cache(maxsize=8192)
def _norm(name: str) -> str:
    return _NAME_NOISE.sub("", name).lower()


@functools.lru_cache(maxsize=8192)
def _norm_families(families: tuple[str, ...]) -> frozenset[str]:
    """A face's family names as matched: a Windows font folder gives hundreds of
    faces, and every role asks for several names."""
    return frozenset(map(_norm, families))


# --- reading the sfnt directory and names (no dependency) -----------------------


@dataclass(frozen=True)
class FontFile:
    """One face in a font file: ``index`` is the face number inside a .ttc."""

    path: Path
    index: int
    families: tuple[str, ...]
    style: str = ""
    truetype: bool = True  # has 'glyf' outlines and no CFF

    @property
    def key(self) -> str:
        """A short ASCII name, unique per face, used as the PDF font name."""
        digest = hashlib.sha1(str(self.path).encode("utf-8", "surrogatepass")).hexdigest()[:6]
        stem = re.sub(r"[^A-Za-z0-9]", "", self.path.stem)[:24] or "font"
        return f"{stem}-{digest}-{self.index}"

    @property
    def label(self) -> str:
        # Prefer a Chinese family name for clerks (fontconfig lists the
        # simplified one last), else the first one.
        cjk = [f for f in self.families if any("\u4e00" <= c <= "\u9fff" for c in f)]
        if cjk:
            return cjk[-1]
        return self.families[0] if self.families else self.path.stem


# The largest CJK TrueType files in use are about 40 MB (超大字符集 宋体); a
# bigger "font" is not one we can embed, and reading it whole would cost memory.
MAX_FONT_BYTES = 80 * 1024 * 1024
MAX_NAME_TABLE = 1024 * 1024
_skipped_files: dict[str, int] = {}  # path -> size, for notes


def _table_dir(fh: BinaryIO, offset: int) -> dict[bytes, tuple[int, int]]:
    fh.seek(offset)
    head = fh.read(12)
    num = struct.unpack_from(">H", head, 4)[0]
    data = fh.read(16 * num)
    out = {}
    for i in range(num):
        tag, _, off, length = struct.unpack_from(">4sIII", data, 16 * i)
        out[tag] = (off, length)
    return out


def _names(fh: BinaryIO, table: tuple[int, int]) -> tuple[list[str], str]:
    off, length = table
    fh.seek(off)
    data = fh.read(min(length, MAX_NAME_TABLE))
    _, count, string_off = struct.unpack_from(">HHH", data, 0)
    families: list[str] = []
    style = ""
    for i in range(count):
        pid, eid, lang, nid, length, noff = struct.unpack_from(">HHHHHH", data, 6 + 12 * i)
        if nid not in (1, 2, 4, 16):
            continue
        raw = data[string_off + noff: string_off + noff + length]
        if pid == 3 or pid == 0:
            text = raw.decode("utf-16-be", "replace")
        elif pid == 1 and eid == 0:
            text = raw.decode("latin-1")
        else:
            continue
        text = text.strip("\x00 ")
        if not text:
            continue
        if nid == 2:
            style = style or text
        elif text not in families:
            families.append(text)
    return families, style


# --- which characters a face may have, without reportlab ----------------------
#
# A character none of the role fonts has sends the fallback through every font
# on the machine; asking reportlab means parsing each one (0.02-0.25 s, hundreds
# of files on an office PC). The cmap's ranges answer "certainly not" from a
# few KB instead. They cover every code any Unicode subtable maps, so they hold
# at least what reportlab's charToGlyph holds: a face they exclude is one
# reportlab would have said no to, and the fallback's choice is unchanged.

Coverage = tuple["array[int]", "array[int]"]  # sorted, disjoint (first, last) code point ranges


def _cmap_coverage(fh: BinaryIO, tables: dict[bytes, tuple[int, int]]) -> Coverage | None:
    """Ranges of the face's cmap; None when a subtable is of a format not read here."""
    if b"cmap" not in tables:
        return None
    off, length = tables[b"cmap"]
    fh.seek(off)
    data = fh.read(min(length, 32 * 1024 * 1024))
    version, count = struct.unpack_from(">HH", data, 0)
    if count == 0 and version != 0:  # swapped in some fonts; reportlab reads them so
        count = version
    if count == 0:
        return None
    ranges: list[tuple[int, int]] = []
    for k in range(count):
        platform, encoding, sub = struct.unpack_from(">HHI", data, 4 + 8 * k)
        if platform == 0 and encoding == 5:
            continue  # variation sequences map no code of their own
        fmt = struct.unpack_from(">H", data, sub)[0]
        if fmt == 0:
            ranges.append((0, 255))
        elif fmt == 4:
            seg = struct.unpack_from(">H", data, sub + 6)[0] // 2
            ends = struct.unpack_from(f">{seg}H", data, sub + 14)
            starts = struct.unpack_from(f">{seg}H", data, sub + 16 + 2 * seg)
            ranges.extend((a, b) for a, b in zip(starts, ends) if a <= b)
        elif fmt in (12, 13):
            groups = struct.unpack_from(">I", data, sub + 12)[0]
            flat = struct.unpack_from(f">{3 * groups}I", data, sub + 16)
            ranges.extend((flat[i], flat[i + 1]) for i in range(0, len(flat), 3) if flat[i] <= flat[i + 1])
        elif fmt in (6, 10):  # a run of codes; reportlab reads the glyph array as codes: both count
            first, n = struct.unpack_from(">HH" if fmt == 6 else ">II", data, sub + (6 if fmt == 6 else 12))
            if n:
                ranges.append((first, first + n - 1))
                ranges.extend((v, v) for v in struct.unpack_from(f">{n}H", data, sub + (10 if fmt == 6 else 20)))
        elif fmt == 2:  # legacy double-byte encodings: any 16-bit code
            ranges.append((0, 0xFFFF))
        else:
            return None
    ranges.append((0x20, 0x20))  # reportlab gives no-break space and space each other's glyph
    ranges.append((0xA0, 0xA0))
    ranges.sort()
    firsts, lasts = array("q"), array("q")
    for a, b in ranges:
        if lasts and a <= lasts[-1] + 1:
            lasts[-1] = max(lasts[-1], b)
        else:
            firsts.append(a)
            lasts.append(b)
    return firsts, lasts


def _covers(coverage: Coverage, cp: int) -> bool:
    firsts, lasts = coverage
    i = bisect_right(firsts, cp) - 1
    return i >= 0 and cp <= lasts[i]


def face_coverage(file: FontFile) -> Coverage | None:
    """The face's cmap ranges (see above); None when unknown (then ask reportlab)."""
    try:
        with open(file.path, "rb") as fh:
            head = fh.read(12)
            offset = 0
            if head[:4] == b"ttcf":
                fh.seek(12 + 4 * file.index)
                offset = struct.unpack(">I", fh.read(4))[0]
            return _cmap_coverage(fh, _table_dir(fh, offset))
    except (OSError, struct.error, KeyError, IndexError, ValueError):
        return None


def read_faces(path: Path) -> list[FontFile]:
    """Every face in a .ttf/.ttc with its family names; [] when unreadable.

    Reads only the table directories and the name tables (a few KB), and
    skips files too large to be a font we could embed.
    """
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return []
        if st.st_size > MAX_FONT_BYTES:
            _skipped_files[str(path)] = st.st_size
            return []
        with open(path, "rb") as fh:
            head = fh.read(12)
            if head[:4] == b"ttcf":
                count = min(struct.unpack_from(">I", head, 8)[0], 64)
                offsets = list(struct.unpack(f">{count}I", fh.read(4 * count)))
            else:
                offsets = [0]
            faces = []
            for i, off in enumerate(offsets):
                tables = _table_dir(fh, off)
                truetype = b"glyf" in tables and b"CFF " not in tables and b"CFF2" not in tables
                families, style = _names(fh, tables[b"name"]) if b"name" in tables else ([], "")
                faces.append(FontFile(Path(path), i, tuple(families), style, truetype))
        return faces
    except (OSError, struct.error, KeyError, IndexError, ValueError):
        return []


def skipped_font_files() -> dict[str, int]:
    """Font files left out because they are larger than MAX_FONT_BYTES (path -> bytes)."""
    return dict(_skipped_files)


# --- where fonts are ----------------------------------------------------------


def windows_font_dirs() -> list[Path]:
    dirs = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    if sys.platform == "win32" and not windir:
        dirs.append(Path("C:/Windows/Fonts"))
    return [d for d in dirs if d.is_dir()]


def _scan_dir(folder: Path) -> list[FontFile]:
    """Every face in a folder (recursively). Names read earlier are kept in
    the user's cache per file, keyed by size and modification time: a Windows
    font folder holds hundreds of files, and opening each one at every start
    costs more than the export."""
    out: list[FontFile] = []
    try:
        files = sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in FONT_SUFFIXES)
    except OSError:
        return out
    target = font_cache_dir() / f"scan-{_cache_name(str(folder))}.m"
    known = _scan_cache_load(target)
    seen: dict[str, tuple[int, int, tuple[tuple[int, tuple[str, ...], str, bool], ...]]] = {}
    for p in files:
        try:
            st = os.stat(p)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        rec = known.get(str(p))
        if rec is not None and rec[:2] == (st.st_size, st.st_mtime_ns) and st.st_size <= MAX_FONT_BYTES:
            faces = [FontFile(p, index, families, style, truetype) for index, families, style, truetype in rec[2]]
        else:
            faces = read_faces(p)
        if faces:  # an unreadable file is tried again next time
            seen[str(p)] = (st.st_size, st.st_mtime_ns,
                            tuple((f.index, f.families, f.style, f.truetype) for f in faces))
        out.extend(faces)
    if seen != known:
        _cache_write(target, _SCAN_MAGIC, marshal.dumps(seen))
    return out


_SCAN_MAGIC = b"PDFONTS1"
_COVERAGE_MAGIC = b"PDFONTC1"


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


def _records_load(target: Path, magic: bytes, record_ok: Callable[[object, object], bool]) -> dict[str, Any]:
    """A cache of per-file records; {} when absent or damaged in any way (then read the fonts again)."""
    body = _cache_read(target, magic)
    if body is None:
        return {}
    try:
        known = marshal.loads(body)
        if type(known) is dict and all(record_ok(k, v) for k, v in known.items()):
            return known
    except Exception:  # noqa: BLE001 - damage only costs the time to read the fonts again
        pass
    return {}


def _coverage_cache_load(target: Path) -> dict[str, Any]:
    return _records_load(target, _COVERAGE_MAGIC, _coverage_record_ok)


def _scan_cache_load(target: Path) -> dict[str, Any]:
    return _records_load(target, _SCAN_MAGIC, _scan_record_ok)


def _scan_record_ok(path: object, rec: object) -> bool:
    """(size, mtime, ((index, families, style, truetype), ...)) exactly."""
    if type(path) is not str or type(rec) is not tuple or len(rec) != 3:
        return False
    size, mtime, faces = rec
    return (type(size) is int and type(mtime) is int and type(faces) is tuple
            and all(type(f) is tuple and len(f) == 4 and type(f[0]) is int and type(f[1]) is tuple
                    and all(type(n) is str for n in f[1]) and type(f[2]) is str and type(f[3]) is bool
                    for f in faces))


_FC_LOCK = threading.Lock()
_FC_CACHE: list[FontFile] | None = None


def fontconfig_faces() -> list[FontFile]:
    """Faces fontconfig knows (Linux); [] without fc-list. Cached per process."""
    global _FC_CACHE
    with _FC_LOCK:
        if _FC_CACHE is not None:
            return _FC_CACHE
        import shutil
        import subprocess  # both only here: an export without fontconfig need not import them

        out: list[FontFile] = []
        exe = shutil.which("fc-list")
        if exe:
            try:
                res = subprocess.run([exe, "--format", "%{file}\t%{index}\t%{family}\t%{style}\t%{fontformat}\n"],
                                     capture_output=True, text=True, timeout=20, check=False)
                lines = res.stdout.splitlines()
            except (OSError, subprocess.SubprocessError):
                lines = []
            for line in sorted(set(lines)):
                parts = line.split("\t")
                if len(parts) < 5 or Path(parts[0]).suffix.lower() not in FONT_SUFFIXES:
                    continue
                try:
                    index = int(parts[1] or 0)
                except ValueError:
                    continue
                families = tuple(f.strip() for f in parts[2].split(",") if f.strip())
                style = parts[3].split(",")[0]
                # fontformat is "TrueType" for glyf fonts, "CFF" for PostScript outlines
                out.append(FontFile(Path(parts[0]), index, families, style, parts[4].strip() == "TrueType"))
        _FC_CACHE = out
        return out


def prefetch_font_list() -> None:
    """Ask fontconfig for its fonts in the background (a child process, 10-20 ms
    of waiting) while the caller reads the draft and lays it out."""
    if _FC_CACHE is None and sys.platform != "win32":
        threading.Thread(target=fontconfig_faces, name="fc-list", daemon=True).start()


# --- reportlab adapter: the one place that relies on reportlab internals --------
#
# reportlab parses a TrueType file in pure Python (0.1-0.25 s per CJK face, most
# of a whole-process export) and has no API to load metrics from elsewhere. We
# keep what its parser sets on a TTFontFace in a per-user cache and put it back
# into a face built without parsing. The same section holds the ToUnicode CMap
# and the canvas internals desktop/export/pdf.py needs. tests/test_fonts.py
# (test_reportlab_adapter_*) fails loudly when a reportlab release changes any
# of it; at run time an unknown layout only turns the cache off.

# Every attribute a parsed reportlab 5.1 TTFontFace holds; a face from a .ttc
# also holds RL_TTC_ATTRS.
RL_FACE_ATTRS = frozenset({
    "_full_font", "_pdfScale", "_pos", "_ttf_data", "ascent", "bbox", "bold", "builtIn", "capHeight",
    "charToGlyph", "charWidths", "defaultWidth", "descent", "entrySelector", "familyName",
    "filename", "flags", "fontRevision", "fullName", "glyphNames", "glyphPos", "glyphToChar", "glyphWidths",
    "hmetrics", "italic", "italicAngle", "name", "numGlyphs", "numTables", "rangeShift",
    "requiredEncoding", "searchRange", "stemV", "styleName", "subfontNameX", "table",
    "tables", "underlinePosition", "underlineThickness", "uniqueFontID",
    "unitsPerEm", "validate", "version",
})
RL_TTC_ATTRS = frozenset({"fileKind", "numSubfonts", "subfontOffsets", "ttcVersion", "ttfVersions"})
# Rebuilt rather than stored: the file bytes, the scale function, the read position.
_RL_REBUILT = frozenset({"_ttf_data", "_pdfScale", "_pos"})
# Every attribute TTFont.__init__ sets.
RL_TTFONT_ATTRS = frozenset({"fontName", "face", "encoding", "state", "_asciiReadable", "_shapable"})

_CACHE_MAGIC = b"PDFONTM5"  # bump the digit when the record layout changes; then a CRC-32 of the rest
_CACHE_LOCK = threading.Lock()


def font_cache_dir() -> Path:
    """Where parsed font metrics are kept: the user's cache folder, never the program's.

    Windows: %LOCALAPPDATA%\\PlanDrafter\\cache\\fonts (next to settings and logs);
    elsewhere $XDG_CACHE_HOME/PlanDrafter/fonts; under PLAN_DRAFTER_HOME (tests,
    portable use) its cache/fonts.
    """
    from desktop.paths import APP_DIR_NAME, data_dir

    if os.environ.get("PLAN_DRAFTER_HOME") or sys.platform == "win32":
        return data_dir() / "cache" / "fonts"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP_DIR_NAME / "fonts"


def _cache_name(key: str) -> str:
    """A cache file's name for ``key`` (a path, or a path and face number): short, ASCII, stable."""
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _cache_file(file: FontFile) -> Path:
    key = f"{file.path}\0{file.index}"
    return font_cache_dir() / f"{_cache_name(key)}.rlm"


def _cache_header(file: FontFile, st: os.stat_result) -> tuple[str, str, str, int, int, int]:
    """What a record must match: reportlab's version, path, face, size, mtime."""
    from reportlab import Version

    return (Version, sys.byteorder, str(file.path), file.index, st.st_size, st.st_mtime_ns)


def _known_layout(attrs: set[str]) -> bool:
    return attrs == RL_FACE_ATTRS or attrs == RL_FACE_ATTRS | RL_TTC_ATTRS


def _ints(values: Iterable[int]) -> bytes:
    return array("q", values).tobytes()


def _int_array(raw: bytes) -> array[int]:
    a = array("q")
    a.frombytes(raw)
    return a


def _unints(raw: bytes) -> list[int]:
    return _int_array(raw).tolist()


def _pack(v: Any) -> tuple[Any, ...] | None:
    """Big int/float containers as packed arrays (marshal builds 25,000-entry
    dicts of a CJK font several times slower); None when not one of those."""
    try:
        if type(v) is dict and v:
            ks, vs = list(v), list(v.values())
            if all(type(k) is int for k in ks):
                if all(type(x) is int for x in vs):
                    return ("di", _ints(ks), _ints(vs))
                if all(type(x) is float for x in vs):
                    return ("df", _ints(ks), array("d", vs).tobytes())
                if all(type(x) is list and all(type(y) is int for y in x) for x in vs):
                    return ("dl", _ints(ks), _ints([len(x) for x in vs]), _ints([y for x in vs for y in x]))
        elif type(v) is list and v:
            if all(type(x) is int for x in v):
                return ("li", _ints(v))
            if all(type(x) is tuple and len(x) == 2 and type(x[0]) is int and type(x[1]) is int for x in v):
                return ("lt", _ints([x[0] for x in v]), _ints([x[1] for x in v]))
            # hmtx pairs: reportlab 5.1 stores the advances after numberOfHMetrics
            # already scaled, as floats; keep each one's type.
            if all(type(x) is tuple and len(x) == 2 and type(x[0]) in (int, float) and type(x[1]) is int for x in v):
                return ("lm", array("d", [x[0] for x in v]).tobytes(),
                        bytes(type(x[0]) is float for x in v), _ints([x[1] for x in v]))
    except OverflowError:
        pass
    return None


def _packed_ok(packed: object) -> bool:
    """A record _pack wrote: a known kind with arrays of matching lengths."""
    if type(packed) is not tuple or not packed or not all(type(x) is bytes for x in packed[1:]):
        return False
    kind, sizes = packed[0], [len(x) for x in packed[1:]]
    if any(n % 8 for n in sizes) and kind != "lm":
        return False
    if kind == "li":
        return len(sizes) == 1
    if kind in ("di", "df", "lt"):
        return len(sizes) == 2 and sizes[0] == sizes[1]
    if kind == "dl":
        return len(sizes) == 3 and sizes[0] == sizes[1] and sizes[2] % 8 == 0
    if kind == "lm":
        return len(sizes) == 3 and sizes[0] % 8 == 0 and sizes[0] == sizes[2] == 8 * sizes[1]
    return False


def _unpack(packed: tuple[Any, ...]) -> dict[int, Any] | list[Any]:
    kind = packed[0]
    if kind == "di":
        return dict(zip(_unints(packed[1]), _unints(packed[2])))
    if kind == "df":
        floats = array("d")
        floats.frombytes(packed[2])
        return dict(zip(_unints(packed[1]), floats.tolist()))
    if kind == "dl":
        flat, out, i = _unints(packed[3]), {}, 0
        for k, n in zip(_unints(packed[1]), _unints(packed[2])):
            out[k] = flat[i:i + n]
            i += n
        return out
    if kind == "li":
        return _unints(packed[1])
    if kind == "lt":
        return list(zip(_unints(packed[1]), _unints(packed[2])))
    if kind == "lm":
        firsts = array("d")
        firsts.frombytes(packed[1])
        return [(a if is_float else int(a), b)
                for a, is_float, b in zip(firsts.tolist(), packed[2], _unints(packed[3]))]
    raise ValueError(kind)


# Decoded on first use only (see CachedFace): layout needs none of them.
_RL_LAZY = ("glyphToChar", "hmetrics", "glyphPos")
# Stored sorted by code and looked up per character (see CachedFace.ensure):
# a document uses 2,000-3,000 of a CJK face's 25,000-45,000 characters.
_RL_CMAP = ("charToGlyph", "charWidths")


class _SortedMap:
    """A stored code -> value dict, sorted by code, searched by bisection."""

    __slots__ = ("_codes", "_values")

    def __init__(self, packed: tuple[Any, ...]):
        self._codes = _int_array(packed[1])
        self._values = array("d" if packed[0] == "df" else "q")
        self._values.frombytes(packed[2])

    def get(self, code: int) -> Any:
        i = bisect_left(self._codes, code)
        if i < len(self._codes) and self._codes[i] == code:
            return self._values[i]
        return None


class _HMetrics:
    """hmtx pairs read where makeSubset indexes them: building 30,000 tuples
    per face costs more than embedding the few thousand a document uses."""

    __slots__ = ("_advances", "_is_float", "_lsbs")

    def __init__(self, packed: tuple[Any, ...]):
        self._advances = array("d")
        self._advances.frombytes(packed[1])
        self._is_float = packed[2]
        self._lsbs = _int_array(packed[3])

    def __len__(self) -> int:
        return len(self._lsbs)

    def __getitem__(self, i: int) -> tuple[float | int, int]:
        aw = self._advances[i]
        return (aw if self._is_float[i] else int(aw)), self._lsbs[i]


def _lazy_value(packed: tuple[Any, ...]) -> Any:
    """Indexable stand-ins with the stored values: glyph offsets as an array,
    hmtx pairs built on access; anything else decoded as stored."""
    if packed[0] == "li":
        return _int_array(packed[1])
    if packed[0] == "lm":
        return _HMetrics(packed)
    return _unpack(packed)


def _lazy_attr(name: str) -> property:
    slot = "_rl_" + name

    def get(self: Any) -> Any:
        d = self.__dict__
        if slot not in d:
            d[slot] = (_unpack if name == "glyphToChar" else _lazy_value)(d["_rl_lazy"][name])
        return d[slot]

    def set_(self: Any, value: Any) -> None:
        self.__dict__[slot] = value

    return property(get, set_)


def _cache_load(file: FontFile, st: os.stat_result) -> dict[str, Any] | None:
    """The stored face attributes, or None when absent, stale or damaged (then rebuilt)."""
    body = _cache_read(_cache_file(file), _CACHE_MAGIC)
    if body is None:
        return None
    try:
        header, state, packed, names = marshal.loads(body)
        if header != _cache_header(file, st):
            return None
        if not _known_layout(set(state) | set(packed) | set(names) | _RL_REBUILT):
            return None
        if not all(_packed_ok(v) for v in packed.values()):
            return None  # the right checksum over the wrong shapes: parse again rather than fail later
        state = dict(state)
        cmap = {k: packed[k] for k in _RL_CMAP if k in packed and packed[k][0] in ("di", "df")}
        for k, v in packed.items():
            if k not in _RL_LAZY and k not in cmap:
                state[k] = _unpack(v)
        return {"state": state, "lazy": {k: packed[k] for k in _RL_LAZY if k in packed}, "names": names,
                "cmap": cmap}
    except Exception:  # noqa: BLE001 - any damage means "parse again", never a failed export
        return None


def _cache_store(file: FontFile, st: os.stat_result, face: Any) -> None:
    """Write the record atomically (temp file + replace); a failure only costs speed."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    if not _known_layout(set(vars(face))):
        return  # a reportlab we do not know: never cache what we might restore wrongly
    state, packed, names = {}, {}, {}
    for k, v in vars(face).items():
        if k in _RL_REBUILT:
            continue
        if isinstance(v, TTFNameBytes):
            names[k] = v.ustr
            continue
        if k in _RL_CMAP and type(v) is dict:  # bisected when restored
            v = dict(sorted(v.items()))
        if (p := _pack(v)) is not None:
            packed[k] = p
        else:
            state[k] = v
    try:
        body = marshal.dumps((_cache_header(file, st), state, packed, names))
    except ValueError:
        return
    _cache_write(_cache_file(file), _CACHE_MAGIC, body)


def _cache_read(target: Path, magic: bytes) -> memoryview | None:
    """A record's body when its magic and CRC-32 are right, else None."""
    try:
        raw = target.read_bytes()
    except OSError:
        return None
    body = memoryview(raw)[12:]
    if raw[:8] != magic or zlib.crc32(body).to_bytes(4, "big") != raw[8:12]:
        return None
    return body


def _cache_write(target: Path, magic: bytes, body: bytes) -> None:
    """Write a record atomically (temp file + replace); a failure only costs speed."""
    import tempfile

    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        with os.fdopen(fd, "wb") as fh:
            fh.write(magic + zlib.crc32(body).to_bytes(4, "big") + body)
        os.replace(tmp, target)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


class _FontBytes:
    """The bytes of a font file as reportlab's parser slices them, read from
    the file on demand. Slices return bytes; an index returns an int. The file
    is opened on first use and closed by ``embedding()`` when a PDF is done
    (never held open between exports: an office may replace its fonts)."""

    _open: set[_FontBytes] = set()

    def __init__(self, filename: str, size: int, mtime_ns: int | None = None, base: int = 0,
                 length: int | None = None, owner: _FontBytes | None = None):
        self._filename, self._size, self._mtime = filename, size, mtime_ns
        self._base, self._len = base, size if length is None else length
        self._owner = owner or self
        self._fh: BinaryIO | None = None

    def window(self, start: int, length: int) -> _FontBytes:
        return _FontBytes(self._filename, self._size, self._mtime, self._base + start, length, self._owner)

    def _read_from(self, stamp: tuple[int, int] | None) -> bool:
        """Whether a file of this (size, mtime) is the one the face was read from."""
        owner = self._owner
        return stamp is not None and stamp[0] == owner._size and (owner._mtime is None or stamp[1] == owner._mtime)

    def changed(self) -> bool:
        """The file is no longer the one the face was read from (size or mtime)."""
        return not self._read_from(_stamp(Path(self._owner._filename)))

    def _file(self) -> BinaryIO:
        owner = self._owner
        if owner._fh is None:
            fh = open(owner._filename, "rb")  # noqa: SIM115 - closed by close(), after the PDF
            st = os.fstat(fh.fileno())
            if not self._read_from((st.st_size, st.st_mtime_ns)):
                fh.close()
                raise font_changed_error(owner._filename)
            owner._fh = fh
            _FontBytes._open.add(owner)
        return owner._fh

    def close(self) -> None:
        owner = self._owner
        if owner._fh is not None:
            owner._fh.close()
            owner._fh = None
        _FontBytes._open.discard(owner)

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            start, stop, step = key.indices(self._len)
            if step != 1:
                raise ValueError("font bytes are read in runs")
            if stop <= start:
                return b""
            fh = self._file()
            fh.seek(self._base + start)
            return fh.read(stop - start)
        i = key + self._len if key < 0 else key
        if not 0 <= i < self._len:
            raise IndexError(key)
        return self[i:i + 1][0]

    @classmethod
    def close_all(cls) -> None:
        for f in list(cls._open):
            f.close()

    @classmethod
    def changed_files(cls) -> list[str]:
        return sorted({f._filename for f in cls._open if f.changed()})


def font_changed_error(filename: str) -> Exception:
    from desktop.errors import ExportError

    return ExportError(f"字体文件“{filename}”在导出过程中被改动（可能正在安装或替换字体），请重新导出。")


def _cmap_attr(name: str) -> property:
    slot = "_rl_" + name

    def get(self: Any) -> Any:
        return self.__dict__[slot]

    def set_(self: Any, value: Any) -> None:
        self.__dict__[slot] = value

    return property(get, set_)


def _face_class() -> Any:  # the CachedFace class; its base, reportlab's TTFontFace, is untyped
    from reportlab.pdfbase.ttfonts import TTFontFace

    global _CachedFace
    if _CachedFace is None:
        class CachedFace(TTFontFace):  # type: ignore[misc]  # reportlab ships no type hints: TTFontFace is Any
            """A TTFontFace restored from the cache. The file's bytes, which only
            embedding needs, are read where reportlab slices them (_FontBytes):
            a fallback font's characters cost no read of a 10-20 MB file, and a
            subset reads its tables and glyphs only."""

            @property
            def _ttf_data(self) -> _FontBytes:
                data = self.__dict__.get("_rl_bytes")
                if data is None:
                    data = self.__dict__["_rl_bytes"] = _FontBytes(self.filename, self.__dict__["_rl_size"],
                                                                   self.__dict__.get("_rl_mtime"))
                return data

            def get_table(self, tag: str) -> Any:
                # makeSubset only slices 'glyf' glyph by glyph: a window, not a 10-20 MB copy per subset
                if tag == "glyf":
                    pos, length = self.get_table_pos(tag)
                    return self._ttf_data.window(pos, length)
                return super().get_table(tag)

            # Decoded on first use: glyphToChar only for shaping, the others only for embedding.
            glyphToChar = _lazy_attr("glyphToChar")  # noqa: N815 - reportlab's names
            hmetrics = _lazy_attr("hmetrics")
            glyphPos = _lazy_attr("glyphPos")  # noqa: N815
            # reportlab's dicts hold the characters looked up so far (ensure):
            # every character drawn, ASCII, and whatever layout measured.
            charToGlyph = _cmap_attr("charToGlyph")  # noqa: N815
            charWidths = _cmap_attr("charWidths")  # noqa: N815

            def ensure(self, codes: Iterable[int]) -> None:
                """Put these characters into charToGlyph and charWidths as the
                parser would have: before reportlab reads them for a PDF.
                Under a lock: the preview and an export lay out at once, and
                a copy of the dicts (_missing_ttfont) must not see them grow."""
                d = self.__dict__
                seen = d["_rl_seen"]
                new = [c for c in codes if c not in seen]
                if not new:
                    return
                with _ENSURE_LOCK:
                    for name, sorted_map in d["_rl_cmaps"].items():
                        target = d["_rl_" + name]
                        for c in new:
                            if c not in target:
                                v = sorted_map.get(c)
                                if v is not None:
                                    target[c] = v
                    seen.update(new)  # last: a code in ``seen`` is always in the dicts already

            def makeSubset(self, subset: list[int]) -> bytes:  # noqa: N802 - reportlab's name
                # The preview embeds the same subsets render after render: each is made once.
                made: dict[tuple[int, ...], bytes] = self.__dict__.setdefault("_rl_subsets", {})
                key = tuple(subset)
                data = made.get(key)
                if data is None:
                    data = bytes(super().makeSubset(subset))
                    if sum(map(len, made.values())) + len(data) > _SUBSETS_KEPT_BYTES:
                        made.clear()
                    made[key] = data
                return data

        _CachedFace = CachedFace
    return _CachedFace


_CachedFace: type[Any] | None = None
_ENSURE_LOCK = threading.Lock()
_SUBSETS_KEPT_BYTES = 8_000_000  # per face: a long document's subsets, several times over


class _Compressed:
    """reportlab's FlateDecode filter with the output of the last two PDFs kept:
    the preview writes the same page and font streams render after render."""

    _KEEP_BYTES = 32_000_000  # input kept per PDF; a stream past a tenth of it is not kept

    def __init__(self) -> None:
        self._old: dict[bytes, bytes] = {}
        self._new: dict[bytes, bytes] = {}
        self._kept = 0

    def encode(self, text: str | bytes) -> bytes:  # PDFStreamFilterZCompress.encode
        data = text.encode("utf8") if isinstance(text, str) else text
        if type(data) is not bytes:  # not a stream we write (those are str or bytes): as the stock filter
            return zlib.compress(data)
        out = self._new.get(data)
        if out is None:
            out = self._old.get(data)
            if out is None:
                out = zlib.compress(data)
            if len(data) <= self._KEEP_BYTES // 10 and self._kept + len(data) <= self._KEEP_BYTES:
                self._new[data] = out
                self._kept += len(data)
        return out

    def next_document(self) -> None:
        self._old, self._new, self._kept = self._new, {}, 0


_COMPRESSED = _Compressed()


def _restore_face(record: dict[str, Any], size: int, mtime_ns: int | None = None) -> Any:
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    face = _face_class().__new__(_face_class())
    d = face.__dict__
    d.update(record["state"])
    for k, text in record["names"].items():
        d[k] = TTFNameBytes(text.encode("utf8"), "utf8")
    d["_pos"] = 0
    d["_rl_size"] = size
    d["_rl_mtime"] = mtime_ns
    d["_rl_lazy"] = record["lazy"]
    for name in _RL_LAZY + _RL_CMAP:  # stored unpacked: already decoded, behind the same property
        if name in d:
            d["_rl_" + name] = d.pop(name)
    d["_rl_cmaps"] = {k: _SortedMap(v) for k, v in record["cmap"].items()}
    for name in record["cmap"]:
        d["_rl_" + name] = {}
    d["_rl_seen"] = set()
    face.ensure(range(256))  # what reportlab's subset 0 and State look up
    upem = d["unitsPerEm"]
    if upem == 1000:  # the same function reportlab's parser builds
        d["_pdfScale"] = lambda x: x
    else:
        mult = 1000 / upem
        d["_pdfScale"] = lambda x: x * mult
    return face


def _ttfont_with_face(name: str, face: Any) -> Any:
    """A TTFont around an existing face, set up as TTFont.__init__ does."""
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase import ttfonts

    tt = ttfonts.TTFont.__new__(ttfonts.TTFont)
    tt.fontName = name
    tt.face = face
    tt.encoding = ttfonts.TTEncoding()
    tt.state = WeakKeyDictionary()
    tt._asciiReadable = rl_config.ttfAsciiReadable
    tt.shapable = not any(fnmatch.fnmatch(name, g) for g in rl_config.unShapedFontGlob)
    return tt


def _defer_pil_image() -> None:
    """reportlab.lib.utils imports PIL.Image (13 ms, mostly its EXIF tables)
    although drawing text never touches it: let importlib's LazyLoader run
    that module on first use instead. Anything unexpected: a normal import."""
    if "PIL.Image" in sys.modules:
        return
    try:
        import importlib.util

        spec = importlib.util.find_spec("PIL.Image")
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules["PIL.Image"] = module
        spec.loader.exec_module(module)
        vars(sys.modules["PIL"])["Image"] = module  # what a completed import leaves on the package
    except Exception:  # noqa: BLE001 - speed only; reportlab then imports PIL itself
        sys.modules.pop("PIL.Image", None)


_defer_pil_image()


def load_ttfont(name: str, file: FontFile, use_cache: bool = True) -> Any:
    """reportlab's TTFont for one face, from the metrics cache when it is current."""
    from reportlab.pdfbase.ttfonts import TTFont

    st = os.stat(file.path)
    if use_cache:
        with _CACHE_LOCK:
            record = _cache_load(file, st)
        if record is not None:
            return _ttfont_with_face(name, _restore_face(record, st.st_size, st.st_mtime_ns))
    tt = TTFont(name, str(file.path), subfontIndex=file.index)
    if use_cache:
        with _CACHE_LOCK:
            _cache_store(file, st, tt.face)
    return tt


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ToUnicode CMap writing UTF-16 (surrogate pairs beyond the BMP): the
    stock one writes U+20000 as five hex digits, which readers misread."""
    def utf16(cp: int) -> str:
        return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()

    entries = [f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(entries)} beginbfchar", *entries, "endbfchar",
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


@contextlib.contextmanager
def embedding() -> Iterator[None]:
    """While drawing one PDF, make reportlab write our ToUnicode CMaps
    (TTFont.addObjects calls the module-level makeToUnicodeCMap; there is no
    option for it) and compress its streams through _COMPRESSED (the preview
    writes mostly the same streams again). Restored afterwards, so other
    reportlab users are untouched, and the font files opened for the subsets
    are closed.
    Callers hold a lock: reportlab's registry is process-wide anyway."""
    from reportlab.pdfbase import pdfdoc, ttfonts

    stock = ttfonts.makeToUnicodeCMap
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    # Page and font streams name this one filter object (pdfdoc's "need only one of these").
    pdfdoc.PDFZCompress.encode = _COMPRESSED.encode
    try:
        yield
    except Exception as err:
        changed = _FontBytes.changed_files()
        if changed:  # rewritten in place while its glyphs were read: what failed is the file, not us
            raise font_changed_error(changed[0]) from err
        raise
    finally:
        ttfonts.makeToUnicodeCMap = stock
        vars(pdfdoc.PDFZCompress).pop("encode", None)
        _COMPRESSED.next_document()
        _FontBytes.close_all()


def _unregister_ttfont(tt: Any) -> None:
    """Take a TTFont out of reportlab's registry (pdfmetrics keeps fonts by
    name and by face name, and registerFont never replaces one): a face read
    again after its file changed must not draw with the old one."""
    from reportlab.pdfbase import pdfmetrics

    for registry in (pdfmetrics._fonts, pdfmetrics._dynFaceNames):
        for name in [k for k, v in registry.items() if v is tt]:
            del registry[name]


def ensure_codes(face: Any, codes: Iterable[int]) -> None:
    """Before reportlab reads a face's charToGlyph/charWidths for these
    characters: a face from the cache fills them on demand; a parsed one has all."""
    ensure = getattr(face, "ensure", None)
    if ensure is not None:
        ensure(codes)


def canvas_document(c: Any) -> Any:
    """The PDFDocument behind a canvas: TTFont.splitString and
    getSubsetInternalName (reportlab's documented API for dynamic fonts)
    need it, and the canvas offers no public accessor."""
    return c._doc


def _missing_ttfont(base: Any, key: str) -> Any:
    """A twin of ``base`` under its own PDF name whose extra characters all use
    glyph 0: reportlab would otherwise write code 0 and lose the text."""
    import copy
    from weakref import WeakKeyDictionary

    tt = copy.copy(base)
    tt.fontName = key
    tt.state = WeakKeyDictionary()
    with _ENSURE_LOCK:  # the base face's dicts may be growing in another thread's layout
        tt.face = copy.copy(base.face)
        tt.face.name = base.face.name + b"-Missing"
        if hasattr(tt.face, "ensure"):  # its own record of what it looked up
            tt.face.__dict__["_rl_seen"] = set(base.face.__dict__["_rl_seen"])
        tt.face.charToGlyph = dict(base.face.charToGlyph)
        tt.face.charWidths = dict(base.face.charWidths)
    return tt


# --- loaded faces (reportlab parses; we keep them) ------------------------------


class Face:
    """A loaded TrueType face: which characters it has, their widths, descent.

    ``key`` names it in the layout and in the PDF; ``ttfont`` is the reportlab
    font (created on first use). A face with ``missing=True`` draws characters
    its base face lacks as the base face's missing-glyph box, keeping the text.
    """

    def __init__(self, file: FontFile, missing: bool = False, base: Face | None = None):
        self.file = file
        self.missing = missing
        self._base = base
        self._tt: Any = None  # reportlab's TTFont (untyped)
        self._lock = threading.Lock()
        self.key = ("X" if missing else "") + file.key
        self.stamp: tuple[int, int] | None = None  # size and mtime of the file when it was read

    @property
    def label(self) -> str:
        return self.file.label

    @property
    def ttfont(self) -> Any:
        with self._lock:
            if self._tt is None:
                if self._base is not None:
                    self._tt = _missing_ttfont(self._base.ttfont, self.key)
                    self.stamp = self._base.stamp
                else:
                    self.stamp = _stamp(self.file.path)  # before reading: a later change shows as one
                    self._tt = load_ttfont(self.key, self.file)
            return self._tt

    def changed(self) -> bool:
        """Its file was replaced or removed since the face was read."""
        return self.stamp is not None and _stamp(self.file.path) != self.stamp

    def add_missing(self, ch: str) -> None:
        """Map ``ch`` to the missing-glyph box so its text survives in the PDF."""
        face = self.ttfont.face
        ensure_codes(face, (ord(ch),))
        with self._lock:
            if ord(ch) not in face.charToGlyph:
                face.charToGlyph[ord(ch)] = 0
                face.charWidths[ord(ch)] = _missing_advance(ch) * 1000

    def has(self, ch: str) -> bool:
        face = self.ttfont.face
        ensure_codes(face, (ord(ch),))
        return ord(ch) in face.charToGlyph

    def advance(self, ch: str) -> float:
        """Advance width in ems."""
        if self.missing:
            return _missing_advance(ch)
        face = self.ttfont.face
        ensure_codes(face, (ord(ch),))
        width: float = face.getCharWidth(ord(ch)) / 1000.0
        return width

    @property
    def descent(self) -> float:
        """The PDF Descent, negative, in ems (what a PDF reader uses for the em box)."""
        descent: float = self.ttfont.face.descent / 1000.0
        return descent

    @property
    def ps_name(self) -> str:
        name = self.ttfont.face.name
        return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _missing_advance(ch: str) -> float:
    """Width of the box drawn for a character no font has: one cell for CJK
    and symbols, half for Latin, nothing for joiners and combining marks."""
    if unicodedata.combining(ch) or ch in "\u200d\ufe0f\ufe0e":
        return 0.0
    return 1.0 if ord(ch) > 0x2e7f else gb.char_units(ch)


_FACES: dict[str, Face] = {}
_FACES_LOCK = threading.Lock()


def load_face(file: FontFile) -> Face:
    with _FACES_LOCK:
        face = _FACES.get(file.key)
        if face is None:
            face = _FACES[file.key] = Face(file)
        return face


def _forget_faces(faces: list[Face]) -> None:
    """Drop faces (and their missing-glyph twins) read from files that changed."""
    with _FACES_LOCK:
        for face in faces:
            for key in (face.key, "X" + face.file.key):
                old = _FACES.pop(key, None)
                if old is not None and old._tt is not None:
                    _unregister_ttfont(old._tt)


def face_by_key(key: str) -> Face | None:
    """A face loaded earlier in this process, by its ``key``."""
    with _FACES_LOCK:
        return _FACES.get(key)


def missing_face(base: Face) -> Face:
    key = "X" + base.file.key
    with _FACES_LOCK:
        face = _FACES.get(key)
        if face is None:
            face = _FACES[key] = Face(base.file, missing=True, base=base)
        return face


# --- choosing fonts per role ------------------------------------------------------


@dataclass
class Choice:
    role: str
    face: Face
    wanted: str  # what the role asks for, e.g. 仿宋
    standard: bool  # a standard face for the role (no note needed)


@dataclass
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
                _cache_write(font_cache_dir() / "coverage.m", _COVERAGE_MAGIC, marshal.dumps(self._coverage_cache))
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
            if coverage is not None and not _covers(coverage, cp):
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
            self._coverage_cache = _coverage_cache_load(font_cache_dir() / "coverage.m")
        key = f"{file.path}\0{file.index}"
        stamp = _stamp(file.path)
        if stamp is None:
            self._pool_coverage[i] = None
            return None
        rec = self._coverage_cache.get(key)
        if rec is not None and rec[:2] == stamp:
            coverage = None if rec[2] is None else (_int_array(rec[2]), _int_array(rec[3]))
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
        size = os.stat(f.path).st_size
        if size > MAX_FONT_BYTES:
            _skipped_files[str(f.path)] = size
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
            _forget_faces(changed)
    office: list[FontFile] = []
    for d in font_dirs:
        if Path(d).is_dir():
            office.extend(_scan_dir(Path(d)))
    windows: list[FontFile] = []
    for d in windows_font_dirs():
        windows.extend(_scan_dir(d))
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
