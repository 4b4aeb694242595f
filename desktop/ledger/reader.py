"""Opening a ledger workbook for reading, safely and in streaming mode.

``open_ledger(path, template)`` pre-checks the file (desktop.ledger.safety),
loads it with ``read_only=True, data_only=True`` (rows are parsed as they are
iterated, so memory stays flat), finds the ledger sheet and its header row by
the column titles, and finds the issuing office. Every problem becomes a
LedgerError whose message is the Chinese reason (without the file name, so
callers can put it where they like).
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
import re
import threading
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.errors import LedgerError
from desktop.ledger.common import (
    DRAFT_ID_LABEL, DRAFT_ID_PROPERTY, EXPORT_DATE_LABEL, HEADER_SCAN_ROWS, LISTS_SHEET, MARK, MAX_COLUMNS,
    MERGED_MARK, OFFICE_LABEL, OFFICE_PREFIX, PLAN_TITLE_LABEL, SUMMARY_SHEET, Columns, match_header, norm_title,
    title_map,
)
from desktop.ledger.safety import inspect_workbook

MAX_ROWS = 100_000


@dataclass
class LedgerSheet:
    """An opened ledger: where its columns are and whose it is."""

    path: Path
    sheet: Any
    columns: Columns
    office: str
    ours: bool  # carries our format mark
    notes: list[str] = field(default_factory=list)
    draft_id: str = ""  # the draft it was exported from ("" = older or foreign ledger)
    plan_title: str = ""
    exported: str = ""  # ISO date of the export, when recorded
    merged: bool = False  # a merge result (several offices), not one office's ledger

    def rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(row number, cells) of every non-empty row below the header."""
        width = min(MAX_COLUMNS, max(self.columns.index.values()) + 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            n = self.columns.header_row
            for n, cells in enumerate(self.sheet.iter_rows(min_row=self.columns.header_row + 1, max_col=width),
                                      self.columns.header_row + 1):
                if n - self.columns.header_row > MAX_ROWS:
                    raise LedgerError(f"行数超过 {MAX_ROWS} 行，不像是进度台账，已停止读取")
                if _any_filled(cells):
                    yield n, cells


def _any_filled(cells: tuple[Any, ...]) -> bool:
    """Whether a cell holds something other than blanks (checked for every row of every ledger)."""
    for cell in cells:
        value = getattr(cell, "value", None)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return True
    return False


@contextlib.contextmanager
def open_ledger(path: Path, template: Any, *, fast: bool = False) -> Iterator[LedgerSheet]:
    """Open ``path`` for reading; raise LedgerError(reason) when it cannot be used.

    ``fast=True`` (the merge) first tries the direct reader, then the lean
    reader (both below) and, when neither can read the file, falls back to
    openpyxl's load_workbook, which gives every refusal its message. All yield
    the same cells: value, data_type and number_format.
    """
    import openpyxl

    path = Path(path)
    check = inspect_workbook(path)
    if check.reason:
        raise LedgerError(check.reason)
    if fast:
        # Direct reader first, then the lean one; openpyxl when neither can read the file.
        lean = _open_direct(path, template, check.notes) if DIRECT_READER else None
        if lean is None:
            lean = _open_lean(path, template, check.notes)
        if lean is not None:
            try:
                yield lean[1]
            finally:
                with contextlib.suppress(Exception):
                    lean[0].close()
            return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, KeyError, EOFError) as err:
        raise LedgerError("文件已损坏，缺少工作簿的必要部分，无法读取") from err
    except MemoryError as err:
        raise LedgerError("文件内容过大，内存不足，无法读取") from err
    except Exception as err:  # noqa: BLE001 - any parser failure means a damaged file for the clerk
        raise LedgerError(f"文件已损坏或格式异常，无法读取（{type(err).__name__}）") from err
    try:
        yield _find_ledger(wb, path, template, check.notes)
    finally:
        with contextlib.suppress(Exception):
            wb.close()


def _coordinate(ref: str) -> tuple[int, int]:
    """"B7" -> (7, 2), remembered: every ledger has the same few hundred references."""
    pos = _COORDS.get(ref)
    if pos is None:
        from openpyxl.utils.cell import coordinate_to_tuple

        pos = coordinate_to_tuple(ref)
        if len(_COORDS) < _COORDS_MAX:
            _COORDS[ref] = pos
    return pos


def _typed_value(value: Any, data_type: str, strings: Any) -> tuple[Any, str]:
    """A non-numeric cell's <v> as openpyxl converts it (shared string, bool, formula string, ISO date)."""
    from openpyxl.utils.datetime import from_ISO8601

    if data_type == "s":
        return strings[int(value)], "s"
    if data_type == "b":
        return bool(int(value)), "b"
    if data_type == "str":
        return value, "s"
    if data_type == "d":
        return from_ISO8601(value), "d"
    return value, data_type


def _pad_rows(parsed: Iterable[tuple[int, Any]], min_row: int, max_row: int | None, empty_row: Any,
              make: Callable[[Any], Any]) -> Iterator[Any]:
    """Rows as openpyxl's read-only sheet yields them: missing rows as ``empty_row``,
    and padded up to ``max_row`` (the sheet's dimension)."""
    counter = min_row
    idx = 1
    for idx, row in parsed:
        if max_row is not None and idx > max_row:
            break
        for _ in range(counter, idx):
            counter += 1
            yield empty_row
        if counter <= idx:
            counter += 1
            yield make(row)
    if max_row is not None and max_row < idx:
        for _ in range(counter, max_row + 1):
            yield empty_row


class _SheetsByName:
    """What openpyxl's Workbook offers to find a sheet, for the fast readers' books."""

    _sheets: list[Any]

    @property
    def sheetnames(self) -> list[str]:
        return [s.title for s in self._sheets]

    def __getitem__(self, name: str) -> Any:
        for s in self._sheets:
            if s.title == name:
                return s
        raise KeyError(f"Worksheet {name} does not exist.")


def _open_with(make: Callable[[Path], Any], path: Path, template: Any,
               notes: list[str]) -> tuple[Any, LedgerSheet] | None:
    """(workbook, ledger) through one of the fast readers, or None: then the next
    reader (at last plain openpyxl) decides, and says what is wrong."""
    wb = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = make(path)
            return wb, _find_ledger(wb, path, template, notes)
    except Exception:  # noqa: BLE001 - whatever it is, the next reader says what is wrong
        if wb is not None:
            with contextlib.suppress(Exception):
                wb.close()
        return None


def _open_lean(path: Path, template: Any, notes: list[str]) -> tuple[Any, LedgerSheet] | None:
    return _open_with(_lean_workbook, path, template, notes)


def _find_ledger(wb: Any, path: Path, template: Any, notes: list[str]) -> LedgerSheet:
    titles = title_map(template.ledger.columns)
    preferred = template.ledger.sheet
    names = list(wb.sheetnames)
    order = [n for n in names if n == preferred] + [
        n for n in names if n not in (preferred, SUMMARY_SHEET, LISTS_SHEET)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name in order:
                ws = wb[name]
                if not hasattr(ws, "iter_rows"):
                    continue  # a chart sheet
                office = ""
                for n, values in enumerate(ws.iter_rows(max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS,
                                                        values_only=True), 1):
                    for v in values:
                        if isinstance(v, str) and v.strip().startswith(OFFICE_PREFIX) and not office:
                            office = v.strip()[len(OFFICE_PREFIX):].strip()
                    index = match_header(values, titles)
                    if index:
                        ours, info = _lists_info(wb)
                        office = office or info.get(OFFICE_LABEL, "") or _property_office(wb)
                        keywords = str(getattr(getattr(wb, "properties", None), "keywords", "") or "")
                        return LedgerSheet(
                            path, ws, Columns(n, index), office, ours, list(notes),
                            draft_id=info.get(DRAFT_ID_LABEL, "") or _custom_property(wb, DRAFT_ID_PROPERTY),
                            plan_title=info.get(PLAN_TITLE_LABEL, ""), exported=info.get(EXPORT_DATE_LABEL, ""),
                            merged=MERGED_MARK in keywords or "unit" in index)
    except LedgerError:
        raise
    except Exception as err:  # noqa: BLE001
        raise LedgerError(f"文件已损坏或格式异常，无法读取（{type(err).__name__}）") from err
    wanted = "、".join(c.title for c in template.ledger.columns if c.key in ("name", "status", "percent"))
    raise LedgerError(f"不是进度台账：没有找到含“{wanted}”等列标题的表格")


_INFO_LABELS = (OFFICE_LABEL, DRAFT_ID_LABEL, PLAN_TITLE_LABEL, EXPORT_DATE_LABEL)


def _lists_info(wb: Any) -> tuple[bool, dict[str, str]]:
    """(carries our mark, label -> value) from the hidden 选项 sheet."""
    if LISTS_SHEET not in wb.sheetnames:
        return False, {}
    ours = False
    info: dict[str, str] = {}
    ws = wb[LISTS_SHEET]
    for values in ws.iter_rows(max_row=20, max_col=6, values_only=True):
        for i, v in enumerate(values):
            if v == MARK:
                ours = True
            label = norm_title(v) if isinstance(v, str) else ""
            if label in _INFO_LABELS and i + 1 < len(values) and label not in info:
                nxt = values[i + 1]
                info[label] = nxt.strip()[:200] if isinstance(nxt, str) else ""
    return ours, info


def _custom_property(wb: Any, name: str) -> str:
    try:
        for prop in getattr(wb, "custom_doc_props", None) or []:
            if getattr(prop, "name", None) == name and isinstance(prop.value, str):
                return prop.value.strip()[:200]
    except Exception:  # noqa: BLE001 - a damaged property list is simply not there
        pass
    return ""


def formulas_without_values(path: Path, sheet_title: str, header_row: int, max_col: int) -> set[tuple[int, int]]:
    """(row, column) of formula cells that no spreadsheet program has calculated.

    Read with ``data_only=True`` they look empty; importing them as empty would
    wipe what the draft holds, so the caller keeps the old value instead.
    """
    import openpyxl

    out: set[tuple[int, int]] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            formulas = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
            values = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception:  # noqa: BLE001 - the first reading succeeded; this one is only a refinement
            return out
        try:
            fs, vs = formulas[sheet_title], values[sheet_title]
            rows = zip(fs.iter_rows(min_row=header_row + 1, max_col=max_col),
                       vs.iter_rows(min_row=header_row + 1, max_col=max_col, values_only=True))
            for r, (fcells, vcells) in enumerate(rows, header_row + 1):
                if r - header_row > MAX_ROWS:
                    break
                for c, (fcell, value) in enumerate(zip(fcells, vcells)):
                    if getattr(fcell, "data_type", None) == "f" and value is None:
                        out.add((r, c))
        except Exception:  # noqa: BLE001
            return out
        finally:
            with contextlib.suppress(Exception):
                formulas.close()
            with contextlib.suppress(Exception):
                values.close()
    return out


def _property_office(wb: Any) -> str:
    props = getattr(wb, "properties", None)
    desc = getattr(props, "description", None) or ""
    prefix = f"{OFFICE_LABEL}："
    if isinstance(desc, str) and desc.startswith(prefix):
        return desc[len(prefix):].strip()
    return ""


def is_merge_result(path: Path) -> bool:
    """Whether ``path`` is a workbook that a merge wrote (safe to replace with a new merge)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return MERGED_MARK.encode("ascii") in zf.read("docProps/core.xml")
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, RuntimeError):
        return False


# --- the fast way in: openpyxl's own parsers, minus what a ledger never uses ----------
#
# A read-only load_workbook spends ~18 ms per ledger before the first row: a full
# Workbook() with default styles, every style object of styles.xml, and a
# dimension scan of every sheet. Merging 500 ledgers needs none of that. The lean
# reader below runs the same openpyxl steps (manifest, shared strings, workbook
# package, properties, defined names, worksheet parser) but keeps only the number
# formats of the styles (cached per styles.xml, parsed by openpyxl itself the first
# time) and builds each sheet when it is asked for. Cell values come from the same
# conversions openpyxl applies. Anything it does not expect raises, and the caller
# then opens the file the ordinary way, so messages for damaged files are unchanged.

_STYLE_CACHE: dict[bytes, tuple[list[int], list[str], frozenset[int], frozenset[int]]] = {}
_STYLE_CACHE_MAX = 64
_COORDS: dict[str, tuple[int, int]] = {}
_COORDS_MAX = 50_000
_DATES: dict[tuple[Any, ...], tuple[str, Any]] = {}  # (serial, its type, epoch, timedelta) -> (data_type, value)
_DATES_MAX = 50_000
_HEAD_BYTES = 8192
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="'
                        rb'([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"\s*/>')
_DIMENSION_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension[\s/>]")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s/>]")


class _LeanCell:
    """What the ledger code reads of a ReadOnlyCell: value, data_type, number_format."""

    __slots__ = ("value", "data_type", "_style_id", "_book")

    def __init__(self, book: Any, value: Any, data_type: str, style_id: Any) -> None:
        self.value, self.data_type, self._style_id, self._book = value, data_type, style_id, book

    @property
    def number_format(self) -> str:
        # Same lookup as ReadOnlyCell.number_format (and the same IndexError for a bad s=).
        from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

        _id = self._book._cell_styles[self._style_id]
        if _id < BUILTIN_FORMATS_MAX_SIZE:
            return str(BUILTIN_FORMATS.get(_id, "General"))
        return str(self._book._number_formats[_id - BUILTIN_FORMATS_MAX_SIZE])


def _lean_classes() -> tuple[type, type, type]:
    """(book reader, sheet, sheet parser) subclasses, built on first use so
    openpyxl is imported only when a ledger is read."""
    global _LEAN
    if _LEAN is not None:
        return _LEAN
    from openpyxl.cell.read_only import EMPTY_CELL
    from openpyxl.cell.text import Text
    from openpyxl.reader.excel import ExcelReader, _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import INLINE_STRING, VALUE_TAG, WorkSheetParser, _cast_number
    from openpyxl.xml.constants import SHEET_MAIN_NS

    t_tag = f"{{{SHEET_MAIN_NS}}}t"

    class Book(_SheetsByName):
        """The parts of a read-only Workbook that reading a ledger touches."""

        def __init__(self) -> None:
            self._sheets: list[Any] = []
            self.epoch = WINDOWS_EPOCH
            self.data_only = True
            self.properties = None
            self.custom_doc_props = None
            self._archive: Any = None
            # What openpyxl's cell reader reads off its workbook (set from styles.xml).
            self._cell_styles: list[Any] = []
            self._number_formats: list[Any] = []
            self._date_formats: frozenset[int] = frozenset()
            self._timedelta_formats: frozenset[int] = frozenset()

        def close(self) -> None:
            if self._archive is not None:
                self._archive.close()

    class Parser(WorkSheetParser):  # type: ignore[misc]  # openpyxl ships no types
        """WorkSheetParser (data_only) with a leaner parse_row; all other elements
        still go through openpyxl's own handlers."""

        def parse_row(self, row: Any) -> tuple[int, list[dict[str, Any]]]:
            r = row.get("r")
            if r is not None:
                try:
                    self.row_counter = int(r)
                except ValueError:
                    val = float(r)
                    if not val.is_integer():
                        raise ValueError(f"{r} is not a valid row number") from None
                    self.row_counter = int(val)
            else:
                self.row_counter += 1
            self.col_counter = 0
            return self.row_counter, [self.parse_cell(el) for el in row]

        def parse_cell(self, element: Any) -> dict[str, Any]:
            # openpyxl's parse_cell for data_only=True; inline strings of one <t>
            # (what we and most programs write) without building a Text object.
            data_type = element.get("t", "n")
            coordinate = element.get("r")
            style_id = element.get("s", 0)
            if style_id:
                style_id = int(style_id)
            value = None if data_type == "inlineStr" else (element.findtext(VALUE_TAG, None) or None)
            if coordinate:
                row, column = _coordinate(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            if value is not None:
                if data_type == "n":
                    value = _cast_number(value)
                    if style_id in self.date_formats:
                        data_type = "d"
                        try:
                            value = from_excel(value, self.epoch, timedelta=style_id in self.timedelta_formats)
                        except (OverflowError, ValueError):
                            data_type = "e"
                            value = "#VALUE!"
                else:
                    value, data_type = _typed_value(value, data_type, self.shared_strings)
            elif data_type == "inlineStr":
                child = element.find(INLINE_STRING)
                if child is not None:
                    data_type = "s"
                    if len(child) == 1 and child[0].tag == t_tag and not len(child[0]) and child[0].text:
                        value = child[0].text
                    else:
                        value = Text.from_tree(child).content
            return {"row": row, "column": column, "value": value, "data_type": data_type, "style_id": style_id}

    class Sheet(ReadOnlyWorksheet):  # type: ignore[misc]  # openpyxl ships no types
        """ReadOnlyWorksheet whose rows hold _LeanCell and come from Parser."""

        def _get_size(self) -> None:
            # openpyxl iterparses up to <dimension> or <sheetData>; a look at the first
            # bytes finds the same ref, and openpyxl's own scan decides when unsure.
            with self._get_source() as src:
                head = src.read(_HEAD_BYTES)
            tag, data = _DIMENSION_TAG.search(head), _SHEET_DATA.search(head)
            if tag is not None and (data is None or tag.start() < data.start()):
                ref = _DIMENSION.match(head, tag.start())
                if ref is None:
                    super()._get_size()
                    return
                self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(
                    ref.group(1).decode("ascii"))
            elif data is None:
                super()._get_size()
                return

        def _cells_by_row(self, min_col: int, min_row: int, max_col: int | None, max_row: int | None,
                          values_only: bool = False) -> Iterator[tuple[Any, ...]]:
            # Line for line ReadOnlyWorksheet._cells_by_row, with Parser.
            filler = None if values_only else EMPTY_CELL
            max_col = max_col or self.max_column
            max_row = max_row or self.max_row
            empty_row: tuple[Any, ...] = ()
            if max_col is not None:
                empty_row = (filler,) * (max_col + 1 - min_col)
            book = self.parent
            with self._get_source() as src:
                parser = Parser(src, self._shared_strings, data_only=True, epoch=book.epoch,
                                date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
                yield from _pad_rows(parser.parse(), min_row, max_row, empty_row,
                                     lambda row: self._get_row(row, min_col, max_col, values_only))

        def _get_row(self, row: list[dict[str, Any]], min_col: int = 1, max_col: int | None = None,
                     values_only: bool = False) -> tuple[Any, ...]:
            if not row and not max_col:
                return ()
            max_col = max_col or row[-1]["column"]
            new_row: list[Any] = [None if values_only else EMPTY_CELL] * (max_col + 1 - min_col)
            book = self.parent
            for cell in row:
                counter = cell["column"]
                if min_col <= counter <= max_col:
                    new_row[counter - min_col] = cell["value"] if values_only else _LeanCell(
                        book, cell["value"], cell["data_type"], cell["style_id"])
            return tuple(new_row)

    class LeanParser(WorkbookParser):  # type: ignore[misc]  # openpyxl ships no types
        def __init__(self, archive: Any, part: str, book: Any) -> None:
            from openpyxl.workbook.defined_name import DefinedNameList

            self.archive = archive
            self.workbook_part_name = part
            self.defined_names = DefinedNameList()
            self.wb = book
            self.keep_links = False
            self.sheets: list[Any] = []

    class Reader(ExcelReader):  # type: ignore[misc]  # openpyxl ships no types
        def read_workbook(self) -> None:
            wb_part = _find_workbook_part(self.package)
            book = Book()
            self.parser = LeanParser(self.archive, wb_part.PartName[1:], book)
            self.parser.parse()  # sets book.epoch (1904 dates) like a Workbook
            book._archive = self.archive
            self.wb = book

        def read_styles(self) -> None:
            # Only number formats matter; parsed by openpyxl's Stylesheet once per distinct styles.xml.
            src = self.archive.read("xl/styles.xml")
            hit = _STYLE_CACHE.get(src)
            if hit is None:
                from openpyxl.styles.stylesheet import Stylesheet
                from openpyxl.xml.functions import fromstring

                sheet = Stylesheet.from_tree(fromstring(src))
                if not sheet.cell_styles:
                    raise ValueError("no cell styles")  # openpyxl would use its defaults: leave it to openpyxl
                hit = ([s.numFmtId for s in sheet.cell_styles], list(sheet.number_formats),
                       frozenset(sheet.date_formats), frozenset(sheet.timedelta_formats))
                if len(_STYLE_CACHE) >= _STYLE_CACHE_MAX:
                    _STYLE_CACHE.clear()
                _STYLE_CACHE[src] = hit
            wb = self.wb
            wb._cell_styles, wb._number_formats, wb._date_formats, wb._timedelta_formats = hit

        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    raise ValueError("chart sheet")  # rare in a ledger: openpyxl reads it
                ws = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

        def read(self) -> None:
            self.read_manifest()
            self.read_strings()
            self.read_workbook()
            self.read_properties()
            self.read_custom()
            self.read_styles()
            self.read_worksheets()
            self.parser.assign_names()

    _LEAN = (Reader, Sheet, Parser)
    return _LEAN


_LEAN: tuple[type, type, type] | None = None


def _lean_workbook(path: Path) -> Any:
    """The workbook through the lean reader; raises on anything unexpected."""
    reader_cls = _lean_classes()[0]
    reader = reader_cls(path, read_only=True, data_only=True, keep_links=False)
    try:
        reader.read()
    except BaseException:
        reader.archive.close()
        raise
    return reader.wb


# --- the direct way in: zipfile + lxml, no openpyxl parser at all ---------------------
#
# Even the lean reader spends most of its time in openpyxl's ElementTree iterparse and
# Serialisable.from_tree. For the merge, the direct reader below reads the few parts a
# ledger needs itself: the manifest, workbook.xml and its rels, sharedStrings.xml, the
# number formats of styles.xml, core.xml/custom.xml, and each sheet when it is first
# asked for. Each sheet is parsed and converted whole at that moment, with openpyxl's
# own pure helpers (from_excel, from_ISO8601, is_date_format, coordinate_to_tuple), so
# any conversion error surfaces there and the caller falls back to the lean reader and
# then openpyxl, which give the usual messages. It refuses (raises _Refuse or anything
# else) on whatever it does not mirror exactly: a DOCTYPE, another namespace, chart
# sheets, unknown cell types, a big sheet (streamed by the other readers instead).
# The parts that ledgers from one exporter share byte for byte (manifest, workbook.xml and
# its rels, styles.xml) are parsed once per distinct content; sheets always on their own.

DIRECT_READER = True  # False: the merge goes straight to the lean reader
_DIRECT_MAX_SHEET_BYTES = 8 * 1024 * 1024  # parsed whole: bigger sheets are streamed by the lean reader
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_WORKBOOK_TYPES = (  # openpyxl's _find_workbook_part order: XLTM, XLTX, XLSM, XLSX
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_CELL_TYPES = frozenset(("n", "s", "str", "b", "e", "inlineStr", "d"))
_DIM_REF = re.compile(r"[A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?\Z")
_XML_PARSERS = threading.local()  # an lxml parser must not be shared between threads
_CELL_COUNT: Any = None


def _only_cells(sheet_data: Any) -> bool:
    """Whether every child of every row of ``sheet_data`` is a <c> element (one C-level
    count, instead of a tag test per cell; len() counts comments and the like too)."""
    global _CELL_COUNT
    if _CELL_COUNT is None:
        from lxml import etree

        _CELL_COUNT = etree.XPath("count(m:row/m:c)", namespaces={"m": _NS_MAIN})
    return sum(map(len, sheet_data)) == int(_CELL_COUNT(sheet_data))


class _Refuse(Exception):
    """Something the direct reader does not mirror: the lean reader / openpyxl decide."""


def _xml(data: bytes) -> Any:
    """Root element of one part; no entities, no DTD (openpyxl would treat those differently)."""
    from lxml import etree

    parser = getattr(_XML_PARSERS, "parser", None)
    if parser is None:
        parser = _XML_PARSERS.parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                       remove_comments=True, remove_pis=True, huge_tree=False)
    root = etree.fromstring(data, parser)
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise _Refuse("DOCTYPE")
    return root


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text_content(node: Any) -> str:
    """openpyxl's Text.from_tree(node).content: the last <t>, then each run's last <t>;
    phonetic runs (<rPh>), properties and unknown children are ignored. Children are
    matched by local name, as Serialisable.from_tree does."""
    plain = None
    runs: list[str] = []
    for child in node:
        name = _local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            t = None
            for part in child:
                if _local(part.tag) == "t":
                    t = part.text
            if t is not None:
                runs.append(t)
    if plain is not None:
        runs.insert(0, plain)
    return "".join(runs)


class _DirectCell:
    """value, data_type and number_format, as a ReadOnlyCell gives them."""

    __slots__ = ("value", "data_type", "number_format")

    def __init__(self, value: Any, data_type: str, number_format: str) -> None:
        self.value, self.data_type, self.number_format = value, data_type, number_format


class _DirectSheet:
    """The ReadOnlyWorksheet calls the ledger code makes: title, iter_rows, dimensions."""

    def __init__(self, book: _DirectBook, title: str, part: str) -> None:
        self.parent, self.title, self._part = book, title, part
        self._rows: list[tuple[int, list[tuple[int, _DirectCell]]]] | None = None
        self._min_column = self._min_row = 1
        self._max_column: int | None = None
        self._max_row: int | None = None

    @property
    def max_row(self) -> int | None:
        self._load()
        return self._max_row

    @property
    def max_column(self) -> int | None:
        self._load()
        return self._max_column

    def iter_rows(self, min_row: int | None = None, max_row: int | None = None, min_col: int | None = None,
                  max_col: int | None = None, values_only: bool = False) -> Iterator[tuple[Any, ...]]:
        self._load()
        return self._cells_by_row(min_col or 1, min_row or 1, max_col or self._max_column,
                                  max_row or self._max_row, values_only)

    def _cells_by_row(self, min_col: int, min_row: int, max_col: int | None, max_row: int | None,
                      values_only: bool) -> Iterator[tuple[Any, ...]]:
        # Line for line ReadOnlyWorksheet._cells_by_row (missing rows padded, rows out of
        # order skipped, padding to max_row only after an early stop).
        from openpyxl.cell.read_only import EMPTY_CELL

        filler = None if values_only else EMPTY_CELL
        empty_row: Any = []
        if max_col is not None:
            empty_row = (filler,) * (max_col + 1 - min_col)
        yield from _pad_rows(self._rows or (), min_row, max_row, empty_row,
                             lambda row: self._get_row(row, min_col, max_col, values_only, filler))

    @staticmethod
    def _get_row(row: list[tuple[int, _DirectCell]], min_col: int, max_col: int | None, values_only: bool,
                 filler: Any) -> tuple[Any, ...]:
        if not row and not max_col:
            return ()
        max_col = max_col or row[-1][0]
        new_row: list[Any] = [filler] * (max_col + 1 - min_col)
        for column, cell in row:
            if min_col <= column <= max_col:
                new_row[column - min_col] = cell.value if values_only else cell
        return tuple(new_row)

    def _load(self) -> None:
        if self._rows is None:
            self._rows = self._parse(self.parent._read(self._part))

    def _parse(self, data: bytes) -> list[tuple[int, list[tuple[int, _DirectCell]]]]:
        from openpyxl.utils.cell import range_boundaries
        from openpyxl.utils.datetime import from_excel

        if len(data) > _DIRECT_MAX_SHEET_BYTES:
            raise _Refuse("big sheet")
        root = _xml(data)
        main = f"{{{_NS_MAIN}}}"
        if root.tag != main + "worksheet":
            raise _Refuse("worksheet namespace")
        dim_tag, data_tag, row_tag = main + "dimension", main + "sheetData", main + "row"
        v_tag, is_tag, t_tag = main + "v", main + "is", main + "t"
        # openpyxl takes the first <dimension> that ends before <sheetData> does; with
        # both as children of <worksheet> (anything else is refused) that is document order.
        sheet_data = None
        size_known = False
        for child in root:
            if child.tag == dim_tag and sheet_data is None and not size_known:
                ref = child.get("ref")
                if ref is None or not _DIM_REF.match(ref):
                    raise _Refuse("dimension ref")
                self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(ref)
                size_known = True
            elif child.tag == data_tag:
                if sheet_data is not None:
                    raise _Refuse("two sheetData")
                sheet_data = child
        n_dims = sum(1 for _ in root.iter(dim_tag))
        n_rows = sum(1 for _ in root.iter(row_tag))
        if n_dims > 1 or (n_dims and not any(c.tag == dim_tag for c in root)):
            raise _Refuse("dimension elsewhere")
        if sheet_data is None:
            if n_rows:
                raise _Refuse("rows outside sheetData")
            return []
        if n_rows != len(sheet_data) or any(r.tag != row_tag for r in sheet_data):
            raise _Refuse("sheetData shape")
        if not _only_cells(sheet_data):
            raise _Refuse("not a cell")
        book = self.parent
        formats, date_ids, delta_ids = book._formats, book._date_ids, book._delta_ids
        strings, epoch = book._shared_strings, book.epoch
        coords, cell_types, dates = _COORDS, _CELL_TYPES, _DATES
        style_ids: dict[str, int] = {}  # s="…" -> int, as parse_cell converts it
        rows: list[tuple[int, list[tuple[int, _DirectCell]]]] = []
        row_counter = 0
        for row in sheet_data:
            r = row.get("r")
            if r is not None:  # WorkSheetParser.parse_row
                try:
                    row_counter = int(r)
                except ValueError:
                    val = float(r)
                    if not val.is_integer():
                        raise
                    row_counter = int(val)
            else:
                row_counter += 1
            col_counter = 0
            cells: list[tuple[int, _DirectCell]] = []
            append = cells.append
            for el in row:  # WorkSheetParser.parse_cell with data_only=True
                get = el.get
                data_type = get("t", "n")
                if data_type not in cell_types:
                    raise _Refuse("cell type")
                coordinate = get("r")
                s = get("s")
                style_id = 0
                if s is not None:
                    known = style_ids.get(s)
                    if known is None:
                        if s == "":
                            raise _Refuse("empty style")
                        known = style_ids[s] = int(s)
                    style_id = known
                number_format = formats[style_id]
                if coordinate:
                    pos = coords.get(coordinate) or _coordinate(coordinate)
                    column = col_counter = pos[1]
                    if pos[0] != row_counter:
                        # openpyxl keeps such a cell in this row, under its own row number: refuse
                        raise _Refuse("cell of another row")
                else:
                    col_counter += 1
                    column = col_counter
                # The first <v> (or <is> for an inline string), as element.find gives it (lxml's
                # find is slow Python); a cell has one child or none nearly always, and lxml
                # builds a proxy object for every child visited.
                n_sub = len(el)
                value: Any = None
                if data_type == "inlineStr":
                    is_el = None
                    if n_sub == 1:
                        sub = el[0]
                        if sub.tag == is_tag:
                            is_el = sub
                    elif n_sub:
                        for sub in el:
                            if sub.tag == is_tag:
                                is_el = sub
                                break
                    if is_el is not None:
                        data_type = "s"
                        if len(is_el) == 1:
                            t_el = is_el[0]
                            # one plain <t>: what we write
                            value = (t_el.text or "") if t_el.tag == t_tag else _text_content(is_el)
                        else:
                            value = _text_content(is_el)
                elif n_sub:
                    v_el = None
                    if n_sub == 1:
                        sub = el[0]
                        if sub.tag == v_tag:
                            v_el = sub
                    else:
                        for sub in el:
                            if sub.tag == v_tag:
                                v_el = sub
                                break
                    if v_el is not None:
                        value = v_el.text or None
                    if value is not None:
                        if data_type == "n":
                            value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                            if style_id in date_ids:
                                # Every row repeats a few dates: from_excel once per distinct serial.
                                key = (value, type(value), epoch, style_id in delta_ids)
                                hit = dates.get(key)
                                if hit is None:
                                    try:
                                        hit = ("d", from_excel(value, epoch, timedelta=key[3]))
                                    except (OverflowError, ValueError):
                                        hit = ("e", "#VALUE!")
                                    if len(dates) < _DATES_MAX:
                                        dates[key] = hit
                                data_type, value = hit
                        else:
                            value, data_type = _typed_value(value, data_type, strings)
                append((column, _DirectCell(value, data_type, number_format)))
            rows.append((row_counter, cells))
        return rows


class _DirectBook(_SheetsByName):
    """The Workbook calls the ledger code makes: sheetnames, [name], epoch, properties."""

    def __init__(self, path: Path) -> None:
        self._archive = zipfile.ZipFile(path)
        try:
            self._load()
        except BaseException:
            self._archive.close()
            raise

    def _read(self, name: str) -> bytes:
        return self._archive.read(name)

    def close(self) -> None:
        self._archive.close()

    def _load(self) -> None:
        names = set(self._archive.namelist())
        # Ledgers from one exporter share these parts byte for byte: each distinct one is parsed once.
        wb_part, strings_part = _parse_manifest(self._read("[Content_Types].xml"))
        self._shared_strings: list[str] = []
        if strings_part is not None:
            sst = _xml(self._read(strings_part[1:]))
            if sst.tag != f"{{{_NS_MAIN}}}sst":
                raise _Refuse("shared strings")
            si_tag = f"{{{_NS_MAIN}}}si"
            if sum(1 for _ in sst.iter(si_tag)) != len(sst) or any(el.tag != si_tag for el in sst):
                raise _Refuse("shared strings shape")
            # read_string_table: Text content, then 'x005F_' removed.
            self._shared_strings = [_text_content(si).replace("x005F_", "") for si in sst]
        rels_path = posixpath.join(posixpath.dirname(wb_part), "_rels", posixpath.basename(wb_part) + ".rels")
        self.epoch, sheets = _parse_workbook(self._read(wb_part), self._read(rels_path), rels_path)
        self._sheets: list[_DirectSheet] = []
        for name, target, rtype in sheets:
            if target not in names:
                continue
            if "chartsheet" in rtype:
                raise _Refuse("chart sheet")
            self._sheets.append(_DirectSheet(self, name, target))

        self._load_styles()
        self._load_properties(names)

    def _load_styles(self) -> None:
        self._formats, self._date_ids, self._delta_ids = _parse_styles(self._read("xl/styles.xml"))

    def _load_properties(self, names: set[str]) -> None:
        from types import SimpleNamespace

        from openpyxl.utils.datetime import from_ISO8601

        # core.xml: children by local name, the last one wins (Serialisable.from_tree).
        found: dict[str, str | None] = {}
        if "docProps/core.xml" in names:
            for el in _xml(self._read("docProps/core.xml")):
                found[_local(el.tag)] = el.text
            for key in ("created", "modified", "lastPrinted"):  # openpyxl refuses bad dates
                if found.get(key):
                    from_ISO8601(found[key])
        self.properties = SimpleNamespace(keywords=found.get("keywords"), description=found.get("description"),
                                          title=found.get("title"))
        # custom.xml: string properties by name; other types checked as openpyxl converts them.
        props: list[Any] = []
        if "docProps/custom.xml" in names:
            for el in _xml(self._read("docProps/custom.xml")):
                if _local(el.tag) != "property":
                    continue
                kids = [k for k in el if isinstance(k.tag, str)]
                if len(kids) != 1 or not kids[0].tag.startswith(f"{{{_NS_VT}}}") or el.get("linkTarget") is not None:
                    raise _Refuse("custom property shape")
                kind, text = _local(kids[0].tag), kids[0].text
                if kind == "lpwstr":
                    value: Any = text
                elif kind == "i4":
                    value = int(text or "")
                elif kind == "r8":
                    value = float(text or "")
                else:
                    raise _Refuse("custom property type")
                props.append(SimpleNamespace(name=el.get("name"), value=value))
        self.custom_doc_props = props


# The parts every ledger of one plan shares (manifest, workbook, styles) are
# parsed once per distinct content: the results are only read, never changed,
# and a refusal raises every time (lru_cache keeps no exceptions).
_PARTS_KEPT = 64


@functools.lru_cache(maxsize=_PARTS_KEPT)
def _parse_styles(src: bytes) -> tuple[tuple[str, ...], frozenset[int], frozenset[int]]:
    """Stylesheet._normalise_numbers + ReadOnlyCell.number_format, per cellXfs index."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE, is_date_format, \
        is_timedelta_format

    root = _xml(src)
    main = f"{{{_NS_MAIN}}}"
    if root.tag != main + "styleSheet":
        raise _Refuse("styles namespace")
    custom: dict[int, str] = {}
    num_fmts = root.find(main + "numFmts")
    for el in num_fmts if num_fmts is not None else ():
        if el.tag == main + "numFmt":
            code = el.get("formatCode")
            if code is None:
                raise _Refuse("numFmt")
            custom[int(el.get("numFmtId"))] = code
    xfs = root.find(main + "cellXfs")
    if xfs is None or not len(xfs):
        raise _Refuse("no cell styles")  # openpyxl would use its defaults
    formats: list[str] = []
    date_ids: set[int] = set()
    delta_ids: set[int] = set()
    for idx, xf in enumerate(el for el in xfs if el.tag == main + "xf"):
        fmt_id = int(xf.get("numFmtId", 0))
        if fmt_id in custom:
            fmt: str | None = custom[fmt_id]
            shown = custom[fmt_id]
        elif fmt_id < BUILTIN_FORMATS_MAX_SIZE:
            fmt = BUILTIN_FORMATS.get(fmt_id)
            shown = str(BUILTIN_FORMATS.get(fmt_id, "General"))
        else:
            raise _Refuse("unknown custom number format")  # openpyxl indexes into its list
        if is_date_format(fmt):
            date_ids.add(idx)
        if is_timedelta_format(fmt):
            delta_ids.add(idx)
        formats.append(shown)
    if not formats:
        raise _Refuse("no cell styles")
    return tuple(formats), frozenset(date_ids), frozenset(delta_ids)


@functools.lru_cache(maxsize=_PARTS_KEPT)
def _parse_manifest(data: bytes) -> tuple[str, str | None]:
    """The workbook and shared-strings parts by content type, as openpyxl finds them."""
    root = _xml(data)
    if root.tag != f"{{{_NS_CT}}}Types":
        raise _Refuse("manifest")
    overrides = [(el.get("PartName") or "", el.get("ContentType")) for el in root
                 if el.tag == f"{{{_NS_CT}}}Override"]
    part = next((p for ct in _WORKBOOK_TYPES for p, t in overrides if t == ct), None)
    if not part:
        raise _Refuse("no workbook override")  # openpyxl also looks at the defaults
    return part[1:], next((p for p, t in overrides if t == _SHARED_STRINGS_TYPE), None)


@functools.lru_cache(maxsize=_PARTS_KEPT)
def _parse_workbook(data: bytes, rels_data: bytes, rels_path: str) -> tuple[Any, tuple[tuple[str, str, str], ...]]:
    """(epoch, ((sheet name, part, relationship type), …)) from workbook.xml and its rels."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH

    wb = _xml(data)
    main = f"{{{_NS_MAIN}}}"
    if wb.tag != main + "workbook":
        raise _Refuse("workbook namespace")
    epoch = WINDOWS_EPOCH
    prs = wb.findall(main + "workbookPr")
    if len(prs) > 1:
        raise _Refuse("two workbookPr")  # openpyxl takes the last
    for pr in prs:
        flag = pr.get("date1904")
        if flag is not None and flag not in ("false", "f", "0", "true", "1"):
            raise _Refuse("date1904")
        if flag in ("true", "1"):
            epoch = CALENDAR_MAC_1904
    rels_root = _xml(rels_data)
    if rels_root.tag != f"{{{_NS_PKG_REL}}}Relationships":
        raise _Refuse("rels")
    parent = posixpath.split(posixpath.dirname(rels_path))[0]
    rels: dict[str | None, tuple[str, str]] = {}
    for el in rels_root:
        if el.tag != f"{{{_NS_PKG_REL}}}Relationship":
            continue
        target, rtype = el.get("Target"), el.get("Type")
        if target is None or rtype is None:
            raise _Refuse("relationship")
        if el.get("TargetMode") != "External":  # get_dependents' normalisation
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(parent, target))
        rels[el.get("Id")] = (target, rtype)
    sheets: list[tuple[str, str, str]] = []
    found = wb.find(main + "sheets")
    for el in found if found is not None else ():
        if el.tag != main + "sheet":
            continue
        rid, name = el.get(f"{{{_NS_REL}}}id"), el.get("name")
        if not rid:
            continue  # openpyxl warns and drops such a sheet
        if name is None:
            raise _Refuse("sheet name")
        target, rtype = rels[rid]
        sheets.append((name, target, rtype))
    return epoch, tuple(sheets)


def _direct_workbook(path: Path) -> _DirectBook:
    """The workbook through the direct reader; raises on anything it does not mirror."""
    return _DirectBook(Path(path))


def _open_direct(path: Path, template: Any, notes: list[str]) -> tuple[Any, LedgerSheet] | None:
    return _open_with(_direct_workbook, path, template, notes)
