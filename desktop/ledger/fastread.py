"""The merge's fast way into a ledger: python-calamine, through its public API.

Reading the 500 ledgers of benchmarks/bench_merge.py takes openpyxl's
read-only mode about five times as long as calamine (Rust), so the merge
reads with calamine and keeps openpyxl (desktop.ledger.reader) for the import
and for every file calamine would read differently. calamine returns values
only, so a file goes to openpyxl when:

- a cell style has a percent format: Excel stores 80% typed into a cell as
  0.8 with the format 0% and 100% as 1, and only the format tells 1 % from
  100 % (parse_percent reads it);
- a worksheet holds an error cell (#N/A): calamine gives an empty string, and
  an error in the 状态 column must be refused, not taken for a blank;
- a worksheet has two cells at one reference (openpyxl keeps the last one,
  calamine the first);
- a worksheet part is over 8 MB, has a cell beyond Z9999 or cells without a
  reference: calamine builds a dense grid of the whole used range in memory,
  which a hostile cell at XFD1048576 would make huge (openpyxl streams).

Everything that depends on how calamine behaves is in this module, and
tests/test_ledger_fastread.py fails as soon as calamine gives other values.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from desktop.ledger.common import bounded
from desktop.ledger.reader import LedgerSheet, find_ledger
from desktop.templates import Template

MAX_SHEET_BYTES = 8 * 1024 * 1024
MAX_PROPERTIES_BYTES = 1024 * 1024
_PERCENT_BUILTIN = {9, 10}  # 0% and 0.00%
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
_NUM_FMT_ID = re.compile(rb'\bnumFmtId="(\d{1,6})"')
_NUM_FMT = re.compile(rb'<(?:\w+:)?numFmt\b[^>]*>')
_FORMAT_CODE = re.compile(rb'formatCode="([^"]*)"')
_CELL_REF = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"')
_CELL_REF_FIRST = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"')
_FAR_REF = re.compile(rb' r="(?:[A-Z]{2,3}[0-9]|[A-Z][0-9]{5})')  # rows have r="7", not letters


class FastCell:
    """What the merge reads of a cell: value and number_format (always General here:
    files whose formats matter are read by openpyxl)."""

    __slots__ = ("value",)
    number_format = "General"

    def __init__(self, value: Any) -> None:
        self.value = value


def value(raw: Any) -> Any:
    """A calamine value as openpyxl gives it: blanks None, whole numbers int, numbers bounded."""
    if raw == "" or raw is None:
        return None
    if type(raw) is float:
        raw = bounded(raw)
        if raw.is_integer() and -(2**53) <= raw <= 2**53:
            return int(raw)
    return raw


def reads_exactly(zf: zipfile.ZipFile) -> bool:
    """Whether calamine reads every value of this workbook as openpyxl would (see the module doc)."""
    names = zf.namelist()
    if "xl/styles.xml" in names and _percent_style(zf.read("xl/styles.xml")):
        return False
    for info in zf.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        if info.file_size > MAX_SHEET_BYTES:
            return False
        data = zf.read(info)
        if b't="e"' in data or b"t='e'" in data or b":c " in data or b":row" in data:
            return False  # an error cell, or prefixed tags that the counts below would miss
        # Every cell has a reference, within Z9999 (a ledger's few hundred rows and
        # columns A–N plus what colleagues add): calamine's dense grid stays small.
        cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
        refs = _CELL_REF_FIRST.findall(data)  # every writer puts r= first; the general pattern is slow
        if len(refs) != cells:
            refs = _CELL_REF.findall(data)
        if len(refs) != cells or len(set(refs)) != len(refs):
            return False  # cells without a reference, or two at one (openpyxl keeps the last)
        if _FAR_REF.search(data):
            return False
    return True


def _percent_style(styles: bytes) -> bool:
    """Whether a cell style (cellXfs, not the named styles) uses a percent format."""
    percent = set(_PERCENT_BUILTIN)
    for tag in _NUM_FMT.findall(styles):
        code, fmt_id = _FORMAT_CODE.search(tag), _NUM_FMT_ID.search(tag)
        if code and fmt_id and b"%" in code.group(1):
            percent.add(int(fmt_id.group(1)))
    xfs = _CELL_XFS.search(styles)
    used = {int(i) for i in _NUM_FMT_ID.findall(xfs.group(0))} if xfs else set()
    return bool(used & percent)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _properties(zf: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """(core properties by local name, custom text properties by name); the parts
    passed safety.inspect_workbook, which refuses DOCTYPEs and entities."""
    names = {i.filename for i in zf.infolist() if i.file_size <= MAX_PROPERTIES_BYTES}  # real ones: a few KB
    core: dict[str, str] = {}
    custom: dict[str, str] = {}
    if "docProps/core.xml" in names:
        for el in ElementTree.fromstring(zf.read("docProps/core.xml")):
            core.setdefault(_local(el.tag), (el.text or "").strip())
    if "docProps/custom.xml" in names:
        for el in ElementTree.fromstring(zf.read("docProps/custom.xml")):
            name = el.get("name")
            kids = list(el)
            if name and len(kids) == 1 and _local(kids[0].tag) == "lpwstr":
                custom.setdefault(name, kids[0].text or "")
    return core, custom


class _CalamineBook:
    """A CalamineWorkbook as a reader.Book, and the rows of its sheets."""

    def __init__(self, wb: Any, core: dict[str, str], custom: dict[str, str]) -> None:
        from python_calamine import SheetTypeEnum

        self.wb = wb
        self._core, self._custom = core, custom
        self.sheetnames = [m.name for m in wb.sheets_metadata]
        self._worksheets = {m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet}
        self._grids: dict[str, list[list[Any]]] = {}

    def _grid(self, name: str) -> list[list[Any]]:
        grid = self._grids.get(name)
        if grid is None:
            # skip_empty_area=False: row 1 of the list is the sheet's row 1, column A its column A.
            grid = self._grids[name] = self.wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return grid

    def head(self, name: str, rows: int, columns: int) -> list[tuple[Any, ...]] | None:
        if name not in self._worksheets:
            return None
        return [tuple(value(v) for v in row[:columns]) for row in self._grid(name)[:rows]]

    def properties(self) -> dict[str, str]:
        return self._core

    def custom(self) -> dict[str, str]:
        return self._custom

    def rows(self, name: str) -> Callable[[int, int], Iterable[Sequence[Any]]]:
        def cells(first: int, width: int) -> Iterable[Sequence[Any]]:
            for row in self._grid(name)[first - 1:]:
                yield [FastCell(value(v)) for v in row[:width]]
        return cells

    def values(self, name: str, max_rows: int) -> list[tuple[Any, ...]] | None:
        if name not in self._worksheets:
            return None
        return [tuple(value(v) for v in row) for row in self._grid(name)[:max_rows]]


def open_fast(path: Path, template: Template, notes: list[str]) -> tuple[Callable[[], None], LedgerSheet] | None:
    """(close, ledger) read through calamine, or None: then openpyxl reads the file
    (and says what is wrong with it, if anything is)."""
    from python_calamine import CalamineWorkbook

    try:
        with zipfile.ZipFile(path) as zf:
            if not reads_exactly(zf):
                return None
            core, custom = _properties(zf)
        wb = CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 - whatever it is, openpyxl reads the file and says what is wrong
        return None
    try:
        book = _CalamineBook(wb, core, custom)
        sheet = find_ledger(book, path, template, notes, book.rows, book.values)
    except Exception:  # noqa: BLE001
        with contextlib.suppress(Exception):
            wb.close()
        return None

    def close() -> None:
        with contextlib.suppress(Exception):
            wb.close()
        book._grids.clear()

    return close, sheet

