"""Where fonts are: the office's folders and the Windows font folders (each
scanned once, names kept per file in the user's cache), and fontconfig on Linux."""

from __future__ import annotations

import marshal
import os
import stat
import sys
import threading
from pathlib import Path
from typing import Any

from desktop.fonts.sfnt import MAX_FONT_BYTES, FontFile, read_faces
from desktop.fonts.store import cache_name, font_cache_dir, load_records, write_record

FONT_SUFFIXES = (".ttf", ".ttc")
SCAN_MAGIC = b"PDFONTS1"


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


def scan_dir(folder: Path) -> list[FontFile]:
    """Every face in a folder (recursively). Names read earlier are kept in
    the user's cache per file, keyed by size and modification time: a Windows
    font folder holds hundreds of files, and opening each one at every start
    costs more than the export."""
    out: list[FontFile] = []
    try:
        files = sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in FONT_SUFFIXES)
    except OSError:
        return out
    target = font_cache_dir() / f"scan-{cache_name(str(folder))}.m"
    known = scan_cache_load(target)
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
        write_record(target, SCAN_MAGIC, marshal.dumps(seen))
    return out


def scan_cache_load(target: Path) -> dict[str, Any]:
    return load_records(target, SCAN_MAGIC, _scan_record_ok)


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
