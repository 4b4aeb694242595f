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
import warnings
import zipfile
from collections.abc import Iterator
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

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number, cells) of every non-empty row below the header."""
        width = min(MAX_COLUMNS, max(self.columns.index.values()) + 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            n = self.columns.header_row
            for n, cells in enumerate(self.sheet.iter_rows(min_row=self.columns.header_row + 1, max_col=width),
                                      self.columns.header_row + 1):
                if n - self.columns.header_row > MAX_ROWS:
                    raise LedgerError(f"行数超过 {MAX_ROWS} 行，不像是进度台账，已停止读取")
                if any(_filled(getattr(c, "value", None)) for c in cells):
                    yield n, cells


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@contextlib.contextmanager
def open_ledger(path: Path, template: Any) -> Iterator[LedgerSheet]:
    """Open ``path`` for reading; raise LedgerError(reason) when it cannot be used."""
    import openpyxl

    path = Path(path)
    check = inspect_workbook(path)
    if check.reason:
        raise LedgerError(check.reason)
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


def _find_ledger(wb: Any, path: Path, template: Any, notes: list[str]) -> LedgerSheet:
    titles = title_map(template.ledger.columns)
    preferred = template.ledger.sheet
    names = list(wb.sheetnames)
    order = [n for n in names if n == preferred] + [n for n in names if n not in (preferred, SUMMARY_SHEET, LISTS_SHEET)]
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
