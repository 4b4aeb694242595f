"""TrueType subsets for the OFD, made with fontTools and kept across processes.

``subset_font(file, chars)`` is a standalone TrueType font holding ``chars``
from one face (cmap kept, Chinese names kept, no layout features): what an
OFD embeds. fontTools reads most of a large CJK face to make one (0.1-0.4 s
each, more than the rest of an OFD export), and the result depends only on
the face's file, the characters and fontTools: so it is made once and kept
in the user's cache, keyed by path, face, size, modification time, fontTools'
version, the options below and the characters. A record that is damaged or
made for another file, version or set of characters is ignored and made
again; the most recently used ``KEEP_PER_FACE`` records of a face are kept.

The PDF does not use these: reportlab writes its own subsets (256 glyphs
each, no Unicode cmap), and the PDF's bytes are reportlab's.
"""

from __future__ import annotations

import io
import logging
import marshal
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from desktop.fonts.sfnt import FontFile
from desktop.fonts.store import cache_name, font_cache_dir, read_record, write_record

SUBSET_MAGIC = b"PDFONTO1"
# Bump when the options below change: records made with other options are then ignored.
OPTIONS_VERSION = 1
KEEP_PER_FACE = 16  # a clerk's few drafts, a few versions each; 50-150 KB a record

_MADE: OrderedDict[tuple[str, int, int, int, str], bytes] = OrderedDict()  # this process's, most recent last
_MADE_LOCK = threading.Lock()
_MADE_MAX = 16


def subset_font(file: FontFile, chars: set[str]) -> bytes:
    """A standalone TrueType font holding ``chars`` from one face of ``file``
    (a .ttc face by its index), cmap kept. Deterministic; made once."""
    st = os.stat(file.path)
    text = "".join(sorted(chars))
    key = (str(file.path), file.index, st.st_size, st.st_mtime_ns, text)
    with _MADE_LOCK:
        data = _MADE.get(key)
        if data is not None:
            _MADE.move_to_end(key)
            return data
    record = _record_path(file, text)
    header = _header(file, st)
    data = _stored(record, header, text)
    if data is None:
        data = _make(file, text)
        write_record(record, SUBSET_MAGIC, marshal.dumps((header, text, data)))
        _prune(record)
    with _MADE_LOCK:
        _MADE[key] = data
        while len(_MADE) > _MADE_MAX:
            _MADE.popitem(last=False)
    return data


def forget_made() -> None:
    """Drop this process's subsets (the user's cache stays)."""
    with _MADE_LOCK:
        _MADE.clear()


def _record_path(file: FontFile, text: str) -> Path:
    face = cache_name(f"{file.path}\0{file.index}")
    return font_cache_dir() / "subsets" / f"{face}-{cache_name(text)}.ofs"


def _header(file: FontFile, st: os.stat_result) -> tuple[Any, ...]:
    """What a record must match besides the characters."""
    import fontTools  # the package alone (a few ms): its version

    return (fontTools.version, OPTIONS_VERSION, str(file.path), file.index, st.st_size, st.st_mtime_ns)


def _stored(record: Path, header: tuple[Any, ...], text: str) -> bytes | None:
    body = read_record(record, SUBSET_MAGIC)
    if body is None:
        return None
    try:
        stored_header, stored_text, data = marshal.loads(body)
    except Exception:  # noqa: BLE001 - a damaged record is made again
        return None
    if stored_header != header or stored_text != text or type(data) is not bytes:
        return None
    try:
        os.utime(record)  # recently used: kept by _prune
    except OSError:
        pass
    return data


def _prune(record: Path) -> None:
    """Keep the face's KEEP_PER_FACE most recently used records."""
    face = record.name.split("-")[0]
    try:
        mine = sorted(record.parent.glob(f"{face}-*.ofs"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in mine[KEEP_PER_FACE:]:
            old.unlink()
    except OSError:
        pass


_QUIET = False


def _quiet_fonttools() -> None:
    """fontTools logs remarks in English; without a logging set-up Python would
    print them on stderr. A NullHandler keeps them away from the clerk."""
    global _QUIET
    if not _QUIET:
        logging.getLogger("fontTools").addHandler(logging.NullHandler())
        _QUIET = True


def _make(file: FontFile, text: str) -> bytes:
    """The subset, by fontTools' public API. Glyph names are read from the
    'post' table (faster than making them from the cmap for most CJK faces;
    with ``glyph_names`` off they never reach the output): a font whose
    'post' table fontTools cannot read is subset without them."""
    from fontTools import subset

    _quiet_fonttools()
    opts = subset.Options()
    opts.font_number = file.index
    opts.notdef_outline = True  # characters no font has are drawn as this box
    opts.recalc_timestamp = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]  # keep the Chinese family names
    opts.glyph_names = False
    opts.layout_features = []  # TextCode is placed glyph by glyph: no shaping needed
    opts.drop_tables = [*opts.drop_tables, "BDF", "FFTM", "PfEd", "TeX"]  # bitmaps, editor data
    unicodes = [ord(c) for c in text]
    try:
        return _subset(subset, opts, file, unicodes, names=True)
    except Exception:  # noqa: BLE001 - try once more the slower way; its error is the one reported
        return _subset(subset, opts, file, unicodes, names=False)


def _subset(subset: Any, opts: Any, file: FontFile, unicodes: list[int], names: bool) -> bytes:
    font = subset.load_font(str(file.path), opts, dontLoadGlyphNames=not names)
    try:
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=unicodes)
        sub.subset(font)
        buf = io.BytesIO()
        subset.save_font(font, buf, opts)
    finally:
        font.close()
    return buf.getvalue()
