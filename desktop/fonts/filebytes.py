"""A font file's bytes read where they are sliced, for embedding subsets:
a fallback font's characters cost no read of a 10-20 MB file, and a subset
reads its tables and glyphs only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, BinaryIO

from desktop.fonts.sfnt import file_stamp


class FontBytes:
    """The bytes of a font file (or a window of them), read from the file on
    demand. Slices return bytes; an index returns an int. The file
    is opened on first use and closed (``close_all``) when a PDF is done
    (never held open between exports: an office may replace its fonts)."""

    _open: set[FontBytes] = set()

    def __init__(self, filename: str, size: int, mtime_ns: int | None = None, base: int = 0,
                 length: int | None = None, owner: FontBytes | None = None):
        self._filename, self._size, self._mtime = filename, size, mtime_ns
        self._base, self._len = base, size if length is None else length
        self._owner = owner or self
        self._fh: BinaryIO | None = None

    def window(self, start: int, length: int) -> FontBytes:
        return FontBytes(self._filename, self._size, self._mtime, self._base + start, length, self._owner)

    def _read_from(self, stamp: tuple[int, int] | None) -> bool:
        """Whether a file of this (size, mtime) is the one the face was read from."""
        owner = self._owner
        return stamp is not None and stamp[0] == owner._size and (owner._mtime is None or stamp[1] == owner._mtime)

    def changed(self) -> bool:
        """The file is no longer the one the face was read from (size or mtime)."""
        return not self._read_from(file_stamp(Path(self._owner._filename)))

    def _file(self) -> BinaryIO:
        owner = self._owner
        if owner._fh is None:
            fh = open(owner._filename, "rb")  # noqa: SIM115 - closed by close(), after the PDF
            st = os.fstat(fh.fileno())
            if not self._read_from((st.st_size, st.st_mtime_ns)):
                fh.close()
                raise font_changed_error(owner._filename)
            owner._fh = fh
            FontBytes._open.add(owner)
        return owner._fh

    def close(self) -> None:
        owner = self._owner
        if owner._fh is not None:
            owner._fh.close()
            owner._fh = None
        FontBytes._open.discard(owner)

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
