"""Reading TrueType files without any font library: the faces of a .ttf/.ttc,
their family names, and which characters their cmap may map.

A Windows font folder holds hundreds of files; these readers take a few KB
of each (table directory, 'name', 'cmap') where a full parse takes 0.02-0.25 s.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import struct
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


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


def table_dir(fh: BinaryIO, offset: int) -> dict[bytes, tuple[int, int]]:
    """tag -> (offset, length) of the face whose table directory starts at ``offset``."""
    fh.seek(offset)
    head = fh.read(12)
    num = struct.unpack_from(">H", head, 4)[0]
    data = fh.read(16 * num)
    out = {}
    for i in range(num):
        tag, _, off, length = struct.unpack_from(">4sIII", data, 16 * i)
        out[tag] = (off, length)
    return out


def face_offset(fh: BinaryIO, index: int) -> int:
    """Where face ``index`` starts: 0 in a .ttf, from the header in a .ttc."""
    fh.seek(0)
    head = fh.read(12)
    if head[:4] != b"ttcf":
        return 0
    fh.seek(12 + 4 * index)
    offset: int = struct.unpack(">I", fh.read(4))[0]
    return offset


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


def covers(coverage: Coverage, cp: int) -> bool:
    """Whether ``cp`` lies in one of the ranges."""
    firsts, lasts = coverage
    i = bisect_right(firsts, cp) - 1
    return i >= 0 and cp <= lasts[i]


def face_coverage(file: FontFile) -> Coverage | None:
    """The face's cmap ranges (see above); None when unknown (then ask reportlab)."""
    try:
        with open(file.path, "rb") as fh:
            return _cmap_coverage(fh, table_dir(fh, face_offset(fh, file.index)))
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
        if skip_if_too_large(Path(path), st.st_size):
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
                tables = table_dir(fh, off)
                truetype = b"glyf" in tables and b"CFF " not in tables and b"CFF2" not in tables
                families, style = _names(fh, tables[b"name"]) if b"name" in tables else ([], "")
                faces.append(FontFile(Path(path), i, tuple(families), style, truetype))
        return faces
    except (OSError, struct.error, KeyError, IndexError, ValueError):
        return []


def skipped_font_files() -> dict[str, int]:
    """Font files left out because they are larger than MAX_FONT_BYTES (path -> bytes)."""
    return dict(_skipped_files)


def skip_if_too_large(path: Path, size: int) -> bool:
    """Whether a file of ``size`` bytes is too large to be a font (then it is noted)."""
    if size > MAX_FONT_BYTES:
        _skipped_files[str(path)] = size
        return True
    return False


def file_stamp(path: Path) -> tuple[int, int] | None:
    """(size, mtime) of a file, None when it is gone: what tells a changed font file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns
