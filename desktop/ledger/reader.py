"""Opening a ledger workbook for reading, safely.

``open_ledger(path, template)`` pre-checks the file (desktop.ledger.safety),
loads it with openpyxl's public read-only API (rows are parsed as they are
iterated, so memory stays flat), finds the ledger sheet and its header row by
the column titles, and finds whose ledger it is (``Identity``). Every problem
becomes a LedgerError whose message is the Chinese reason (without the file
name, so callers can put it where they like).

``fast=True`` (the merge) first tries desktop.ledger.fastread, which reads
the same cells through python-calamine several times faster; it declines
files it cannot read exactly as openpyxl does, and those are read here.
"""

from __future__ import annotations

import contextlib
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from desktop.errors import LedgerError
from desktop.ledger.common import (
    BASELINE_SHEET, DRAFT_ID_LABEL, DRAFT_ID_PROPERTY, EXPORT_DATE_LABEL, EXPORT_DATE_PROPERTY, EXPORT_ID_LABEL,
    EXPORT_ID_PROPERTY, HEADER_SCAN_ROWS, LISTS_SHEET, MARK, MAX_COLUMNS, MERGED_MARK, OFFICE_LABEL,
    OFFICE_PREFIX, OFFICE_PROPERTY, PLAN_TITLE_LABEL, PLAN_TITLE_PROPERTY, SUMMARY_SHEET, TEMPLATE_LABEL,
    TEMPLATE_PROPERTY, YEAR_LABEL, YEAR_PROPERTY, Columns, canon, match_header, norm_title, plan_year, title_map,
)
from desktop.ledger.safety import inspect_workbook
from desktop.storage import regular_file_problem
from desktop.templates import Template

MAX_ROWS = 100_000
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


@dataclass
class Identity:
    """Whose ledger a workbook is, as far as it says (every field may be empty)."""

    office: str = ""
    draft_id: str = ""  # the draft it was exported from ("" = older or foreign ledger)
    plan_title: str = ""
    template_id: str = ""
    year: int = 0  # the plan's year (0 = not known): a ledger of another year is another plan
    exported: str = ""  # ISO date of the export
    exported_at: str = ""  # ISO date and time of the export (newer versions)
    saved_at: str = ""  # when a program last saved it (the file's own record, core.xml)
    ours: bool = False  # carries our format mark
    merged: bool = False  # a merge result (several offices), not one office's ledger


class Book(Protocol):
    """What finding a ledger needs of a workbook, whichever library opened it."""

    sheetnames: list[str]

    def head(self, name: str, rows: int, columns: int) -> list[tuple[Any, ...]] | None:
        """The first ``rows`` rows of a worksheet as values (None: not a worksheet)."""

    def properties(self) -> dict[str, str]:
        """Core properties by local name (keywords, description, title, modified)."""

    def custom(self) -> dict[str, str]:
        """Custom text properties by name."""


@dataclass
class LedgerSheet:
    """An opened ledger: where its columns are and whose it is.

    ``rows()`` yields (row number, cells) below the header; a cell has
    ``value`` and ``number_format`` (openpyxl's ReadOnlyCell or fastread's).
    """

    path: Path
    title: str  # the ledger sheet's name
    columns: Columns
    identity: Identity
    notes: list[str] = field(default_factory=list)
    _cells: Callable[[int, int], Iterable[Sequence[Any]]] | None = None  # (first row, width) -> rows
    sheet_values: Callable[[str, int], list[tuple[Any, ...]] | None] | None = None
    has_baseline: bool = False

    @property
    def office(self) -> str:
        return self.identity.office

    @property
    def draft_id(self) -> str:
        return self.identity.draft_id

    @property
    def plan_title(self) -> str:
        return self.identity.plan_title

    @property
    def merged(self) -> bool:
        return self.identity.merged

    def rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(row number, cells) of every non-empty row below the header."""
        assert self._cells is not None
        width = min(MAX_COLUMNS, max(self.columns.index.values()) + 1)
        first = self.columns.header_row + 1
        n = first - 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for n, cells in enumerate(self._cells(first, width), first):
                    if n - self.columns.header_row > MAX_ROWS:
                        raise LedgerError(f"行数超过 {MAX_ROWS} 行，不像是进度台账，已停止读取")
                    cells = tuple(cells)
                    if _any_filled(cells):
                        yield n, cells
        except LedgerError:
            raise
        except Exception as err:  # noqa: BLE001 - a value the parser refuses (a number of 5,000 digits…)
            raise LedgerError(f"第 {n + 1} 行附近：{damaged(err)}") from err

    def baseline(self, template: Template) -> dict[str, dict[str, str]] | None:
        """Each row's values as exported (item id -> column key -> canon text), from the
        hidden sheet newer versions write; None when the ledger has none."""
        if not self.has_baseline or self.sheet_values is None:
            return None
        try:
            values = self.sheet_values(BASELINE_SHEET, MAX_ROWS)
        except Exception:  # noqa: BLE001 - a damaged copy is no copy: the caller says so
            return None
        return parse_baseline(values or [], template)


def parse_baseline(values: list[tuple[Any, ...]], template: Template) -> dict[str, dict[str, str]] | None:
    """The hidden sheet's rows as item id -> column key -> canon text."""
    if not values:
        return None
    titles = title_map(template.ledger.columns)
    head = [titles.get(norm_title(v)) for v in values[0]]
    if not head or head[0] != "key":
        return None
    out: dict[str, dict[str, str]] = {}
    for row in values[1:]:
        key = canon(row[0]) if row else ""
        if not key or key in out:
            continue
        out[key] = {k: canon(row[i]) if i < len(row) else "" for i, k in enumerate(head) if k and i}
    return out


def damaged(err: BaseException) -> str:
    """The clerk's words for a parser's failure."""
    if isinstance(err, (ValueError, OverflowError)):
        return ("文件中有无法读取的内容（例如位数过多或超出范围的数字），可能已损坏或被其他程序改动过"
                f"（{type(err).__name__}）")
    return f"文件已损坏或格式异常，无法读取（{type(err).__name__}）"


def _any_filled(cells: tuple[Any, ...]) -> bool:
    """Whether a cell holds something other than blanks (checked for every row of every ledger)."""
    for cell in cells:
        value = getattr(cell, "value", None)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return True
    return False


@contextlib.contextmanager
def open_ledger(path: Path, template: Template, *, fast: bool = False) -> Iterator[LedgerSheet]:
    """Open ``path`` for reading; raise LedgerError(reason) when it cannot be used.

    With ``fast`` (the merge) python-calamine reads the file when it can read
    it exactly (desktop.ledger.fastread); otherwise, and always without
    ``fast``, openpyxl's read-only mode does, which gives every refusal its
    message. Both yield the same cells: value and number_format.
    """
    path = Path(path)
    problem = regular_file_problem(path)
    if problem:  # a pipe or a device: never opened
        raise LedgerError(problem)
    check = inspect_workbook(path)
    if check.reason:
        raise LedgerError(check.reason)
    if fast:
        from desktop.ledger import fastread

        opened = fastread.open_fast(path, template, check.notes)
        if opened is not None:
            try:
                yield opened[1]
            finally:
                opened[0]()
            return
    wb = _load(path)
    try:
        yield find_ledger(_OpenpyxlBook(wb), path, template, check.notes, _openpyxl_rows(wb),
                          _openpyxl_values(wb))
    finally:
        with contextlib.suppress(Exception):
            wb.close()


def _load(path: Path) -> Any:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, KeyError, EOFError) as err:
        raise LedgerError("文件已损坏，缺少工作簿的必要部分，无法读取") from err
    except MemoryError as err:
        raise LedgerError("文件内容过大，内存不足，无法读取") from err
    except Exception as err:  # noqa: BLE001 - any parser failure means a damaged file for the clerk
        raise LedgerError(damaged(err)) from err


class _OpenpyxlBook:
    """A read-only openpyxl Workbook as a Book."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.sheetnames = list(wb.sheetnames)

    def head(self, name: str, rows: int, columns: int) -> list[tuple[Any, ...]] | None:
        ws = self.wb[name]
        if not hasattr(ws, "iter_rows"):
            return None  # a chart sheet
        return list(ws.iter_rows(max_row=rows, max_col=columns, values_only=True))

    def properties(self) -> dict[str, str]:
        props = getattr(self.wb, "properties", None)
        out = {}
        for key in ("keywords", "description", "title", "modified"):
            value = getattr(props, key, None)
            if value is not None:
                out[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return out

    def custom(self) -> dict[str, str]:
        out: dict[str, str] = {}
        with contextlib.suppress(Exception):  # a damaged property list is simply not there
            for prop in getattr(self.wb, "custom_doc_props", None) or []:
                if isinstance(getattr(prop, "name", None), str) and isinstance(prop.value, str):
                    out.setdefault(prop.name, prop.value)
        return out


def _openpyxl_rows(wb: Any) -> Callable[[str], Callable[[int, int], Iterable[Sequence[Any]]]]:
    def for_sheet(name: str) -> Callable[[int, int], Iterable[Sequence[Any]]]:
        ws = wb[name]
        # A read-only sheet stops at the size its <dimension> claims, and some programs
        # leave a stale one: rows below it would be lost. Read to the last row there is.
        ws.reset_dimensions()
        return lambda first, width: ws.iter_rows(min_row=first, max_col=width)
    return for_sheet


def _openpyxl_values(wb: Any) -> Callable[[str, int], list[tuple[Any, ...]] | None]:
    def values(name: str, max_rows: int) -> list[tuple[Any, ...]] | None:
        if name not in wb.sheetnames:
            return None
        ws = wb[name]
        ws.reset_dimensions()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return list(ws.iter_rows(max_row=max_rows, max_col=MAX_COLUMNS, values_only=True))
    return values


def find_ledger(book: Book, path: Path, template: Template, notes: list[str],
                rows_of: Callable[[str], Callable[[int, int], Iterable[Sequence[Any]]]],
                values_of: Callable[[str, int], list[tuple[Any, ...]] | None]) -> LedgerSheet:
    """The ledger sheet of ``book``: the first sheet (the template's own name first)
    whose first rows hold a header with our column titles."""
    titles = title_map(template.ledger.columns)
    preferred = template.ledger.sheet
    names = list(book.sheetnames)
    order = [n for n in names if n == preferred] + [
        n for n in names if n not in (preferred, SUMMARY_SHEET, LISTS_SHEET, BASELINE_SHEET)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name in order:
                head = book.head(name, HEADER_SCAN_ROWS, MAX_COLUMNS)
                if head is None:
                    continue
                office = ""
                for n, values in enumerate(head, 1):
                    for v in values:
                        if isinstance(v, str) and v.strip().startswith(OFFICE_PREFIX) and not office:
                            office = v.strip()[len(OFFICE_PREFIX):].strip()
                    index = match_header(values, titles)
                    if index:
                        first = next((v for v in head[0] if isinstance(v, str) and v.strip()), "") if head else ""
                        identity = read_identity(book, values_of, office, first, "unit" in index)
                        return LedgerSheet(path, name, Columns(n, index), identity, list(notes),
                                           rows_of(name), values_of, BASELINE_SHEET in names)
    except LedgerError:
        raise
    except Exception as err:  # noqa: BLE001
        raise LedgerError(damaged(err)) from err
    wanted = "、".join(c.title for c in template.ledger.columns if c.key in ("name", "status", "percent"))
    raise LedgerError(f"不是进度台账：没有找到含“{wanted}”等列标题的表格")


_INFO_LABELS = (OFFICE_LABEL, DRAFT_ID_LABEL, PLAN_TITLE_LABEL, EXPORT_DATE_LABEL, TEMPLATE_LABEL, YEAR_LABEL,
                EXPORT_ID_LABEL)


def read_identity(book: Book, values_of: Callable[[str, int], list[tuple[Any, ...]] | None], office: str,
                  sheet_title: str, has_unit_column: bool) -> Identity:
    """Whose ledger it is: the hidden 选项 sheet first, then the document's
    properties (a program that drops one keeps the other), then the titles."""
    ours, info = lists_info(values_of(LISTS_SHEET, 20) if LISTS_SHEET in book.sheetnames else None)
    core, custom = book.properties(), book.custom()

    def pick(label: str, prop: str) -> str:
        return (info.get(label) or custom.get(prop, "")).strip()[:200]

    keywords = core.get("keywords", "")
    desc = core.get("description", "")
    office = office or pick(OFFICE_LABEL, OFFICE_PROPERTY)
    if not office and desc.startswith(f"{OFFICE_LABEL}："):
        office = desc[len(OFFICE_LABEL) + 1:].strip()
    plan_title = pick(PLAN_TITLE_LABEL, PLAN_TITLE_PROPERTY)
    year_text = pick(YEAR_LABEL, YEAR_PROPERTY)
    year = int(year_text) if re.fullmatch(r"(19|20)\d{2}", year_text) else plan_year(
        plan_title, sheet_title, core.get("title", ""))
    exported = pick(EXPORT_DATE_LABEL, EXPORT_DATE_PROPERTY)
    exported_at = pick(EXPORT_ID_LABEL, EXPORT_ID_PROPERTY)
    saved = core.get("modified", "")
    return Identity(
        office=office, draft_id=pick(DRAFT_ID_LABEL, DRAFT_ID_PROPERTY), plan_title=plan_title,
        template_id=pick(TEMPLATE_LABEL, TEMPLATE_PROPERTY), year=year,
        exported=exported if _ISO_DAY.fullmatch(exported) else "",
        exported_at=exported_at if _ISO_TIME.fullmatch(exported_at) else "",
        saved_at=saved[:19] if _ISO_TIME.match(saved[:19]) else "",
        ours=ours or MARK in keywords, merged=MERGED_MARK in keywords or has_unit_column)


def lists_info(values: list[tuple[Any, ...]] | None) -> tuple[bool, dict[str, str]]:
    """(carries our mark, label -> value) from the hidden 选项 sheet's rows."""
    ours = False
    info: dict[str, str] = {}
    for row in values or ():
        for i, v in enumerate(row[:6]):
            if v == MARK:
                ours = True
            label = norm_title(v) if isinstance(v, str) else ""
            if label in _INFO_LABELS and i + 1 < len(row) and label not in info:
                nxt = row[i + 1]
                info[label] = nxt.strip()[:200] if isinstance(nxt, str) else ""
    return ours, info


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


def is_merge_result(path: Path) -> bool:
    """Whether ``path`` is a workbook that a merge wrote (safe to replace with a new merge)."""
    if regular_file_problem(Path(path)) is not None:
        return False  # a pipe would block the zip reader
    try:
        with zipfile.ZipFile(path) as zf:
            return MERGED_MARK.encode("ascii") in zf.read("docProps/core.xml")
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, RuntimeError):
        return False

