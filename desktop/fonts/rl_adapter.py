"""The reportlab adapter: the one module that relies on reportlab's internals.

reportlab parses a TrueType file in pure Python (0.1-0.25 s per CJK face, most
of a whole-process export) and has no API to load metrics from elsewhere. We
keep what its parser sets on a TTFontFace in the user's cache and put it back
into a face built without parsing (``load_ttfont``). While one PDF is drawn,
``embedding()`` makes reportlab write UTF-16 ToUnicode CMaps;
``canvas_document`` and ``unregister_ttfont`` reach what the canvas and the
font registry do not offer; ``missing_ttfont`` draws the missing-glyph box.

Measured against the public route (``TTFont(name, path)`` in every process):
benchmarks/bench_fonts.py and the README's architecture section.
tests/test_fonts.py (test_reportlab_adapter_*) fails loudly when a reportlab
release changes any of this; at run time an unknown face layout only turns
the cache off.
"""

from __future__ import annotations

import contextlib
import fnmatch
import marshal
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from desktop.fonts.filebytes import FontBytes, font_changed_error
from desktop.fonts.packed import SortedMap, indexable, pack, packed_ok, unpack
from desktop.fonts.sfnt import FontFile
from desktop.fonts.store import cache_name, font_cache_dir, read_record, write_record

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

CACHE_MAGIC = b"PDFONTM6"  # bump the digit when the record layout changes; then a CRC-32 of the rest
_CACHE_LOCK = threading.Lock()


def cache_file(file: FontFile) -> Path:
    key = f"{file.path}\0{file.index}"
    return font_cache_dir() / f"{cache_name(key)}.rlm"


def _cache_header(file: FontFile, st: os.stat_result) -> tuple[str, str, str, int, int, int]:
    """What a record must match: reportlab's version, path, face, size, mtime."""
    from reportlab import Version

    return (Version, sys.byteorder, str(file.path), file.index, st.st_size, st.st_mtime_ns)


def _known_layout(attrs: set[str]) -> bool:
    return attrs == RL_FACE_ATTRS or attrs == RL_FACE_ATTRS | RL_TTC_ATTRS



# Decoded on first use only (see CachedFace): layout needs none of them.
_RL_LAZY = ("glyphToChar", "hmetrics", "glyphPos")
# Stored sorted by code and looked up per character (see CachedFace.ensure):
# a document uses 2,000-3,000 of a CJK face's 25,000-45,000 characters.
_RL_CMAP = ("charToGlyph", "charWidths")


def _lazy_attr(name: str) -> property:
    slot = "_rl_" + name

    def get(self: Any) -> Any:
        d = self.__dict__
        if slot not in d:
            d[slot] = (unpack if name == "glyphToChar" else indexable)(d["_rl_lazy"][name])
        return d[slot]

    def set_(self: Any, value: Any) -> None:
        self.__dict__[slot] = value

    return property(get, set_)


def cache_load(file: FontFile, st: os.stat_result) -> dict[str, Any] | None:
    """The stored face attributes, or None when absent, stale or damaged (then rebuilt)."""
    body = read_record(cache_file(file), CACHE_MAGIC)
    if body is None:
        return None
    try:
        header, state, packed, names = marshal.loads(body)
        if header != _cache_header(file, st):
            return None
        if not _known_layout(set(state) | set(packed) | set(names) | _RL_REBUILT):
            return None
        if not all(packed_ok(v) for v in packed.values()):
            return None  # the right checksum over the wrong shapes: parse again rather than fail later
        state = dict(state)
        cmap = {k: packed[k] for k in _RL_CMAP if k in packed and packed[k][0] in ("di", "df")}
        for k, v in packed.items():
            if k not in _RL_LAZY and k not in cmap:
                state[k] = unpack(v)
        return {"state": state, "lazy": {k: packed[k] for k in _RL_LAZY if k in packed}, "names": names,
                "cmap": cmap}
    except Exception:  # noqa: BLE001 - any damage means "parse again", never a failed export
        return None


def cache_store(file: FontFile, st: os.stat_result, face: Any) -> None:
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
        if (p := pack(v)) is not None:
            packed[k] = p
        else:
            state[k] = v
    try:
        body = marshal.dumps((_cache_header(file, st), state, packed, names))
    except ValueError:
        return
    write_record(cache_file(file), CACHE_MAGIC, body)



def _cmap_attr(name: str) -> property:
    slot = "_rl_" + name

    def get(self: Any) -> Any:
        return self.__dict__[slot]

    def set_(self: Any, value: Any) -> None:
        self.__dict__[slot] = value

    return property(get, set_)


def face_class() -> Any:  # the CachedFace class; its base, reportlab's TTFontFace, is untyped
    from reportlab.pdfbase.ttfonts import TTFontFace

    global _CachedFace
    if _CachedFace is None:
        class CachedFace(TTFontFace):  # type: ignore[misc]  # reportlab ships no type hints: TTFontFace is Any
            """A TTFontFace restored from the cache. The file's bytes, which only
            embedding needs, are read where reportlab slices them (FontBytes):
            a fallback font's characters cost no read of a 10-20 MB file, and a
            subset reads its tables and glyphs only."""

            @property
            def _ttf_data(self) -> FontBytes:
                data = self.__dict__.get("_rl_bytes")
                if data is None:
                    data = self.__dict__["_rl_bytes"] = FontBytes(self.filename, self.__dict__["_rl_size"],
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

        _CachedFace = CachedFace
    return _CachedFace


_CachedFace: type[Any] | None = None
_ENSURE_LOCK = threading.Lock()


def _restore_face(record: dict[str, Any], size: int, mtime_ns: int | None = None) -> Any:
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    face = face_class().__new__(face_class())
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
    d["_rl_cmaps"] = {k: SortedMap(v) for k, v in record["cmap"].items()}
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
            record = cache_load(file, st)
        if record is not None:
            return _ttfont_with_face(name, _restore_face(record, st.st_size, st.st_mtime_ns))
    tt = TTFont(name, str(file.path), subfontIndex=file.index)
    if use_cache:
        with _CACHE_LOCK:
            cache_store(file, st, tt.face)
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
    option for it). Restored afterwards, so other reportlab users are
    untouched, and the font files opened for the subsets are closed.
    Callers hold a lock: reportlab's registry is process-wide anyway."""
    from reportlab.pdfbase import ttfonts

    stock = ttfonts.makeToUnicodeCMap
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    try:
        yield
    except Exception as err:
        changed = FontBytes.changed_files()
        if changed:  # rewritten in place while its glyphs were read: what failed is the file, not us
            raise font_changed_error(changed[0]) from err
        raise
    finally:
        ttfonts.makeToUnicodeCMap = stock
        FontBytes.close_all()


def unregister_ttfont(tt: Any) -> None:
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


def missing_ttfont(base: Any, key: str) -> Any:
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


