"""Loaded faces: one per font face and process, what the layout measures
with and the PDF embeds (reportlab's TTFont, created on first use)."""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

from desktop import official as gb
from desktop.fonts.rl_adapter import ensure_codes, load_ttfont, missing_ttfont, unregister_ttfont
from desktop.fonts.sfnt import FontFile, file_stamp


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
                    self._tt = missing_ttfont(self._base.ttfont, self.key)
                    self.stamp = self._base.stamp
                else:
                    self.stamp = file_stamp(self.file.path)  # before reading: a later change shows as one
                    self._tt = load_ttfont(self.key, self.file)
            return self._tt

    def changed(self) -> bool:
        """Its file was replaced or removed since the face was read."""
        return self.stamp is not None and file_stamp(self.file.path) != self.stamp

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


def forget_faces(faces: list[Face]) -> None:
    """Drop faces (and their missing-glyph twins) read from files that changed."""
    with _FACES_LOCK:
        for face in faces:
            for key in (face.key, "X" + face.file.key):
                old = _FACES.pop(key, None)
                if old is not None and old._tt is not None:
                    unregister_ttfont(old._tt)


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

