"""The rule every command and dialog follows: no output ever overwrites an input.

An export, an import or a merge names its inputs and its outputs; before
anything is written these functions refuse an output that is one of the
inputs (through any spelling of the path, a link or a hard link), and an
output that already exists but is not a file this program wrote, unless the
clerk said so (``--force`` or a confirmation in the window).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from desktop.errors import DesktopError


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file (existing or not)."""
    a, b = Path(a), Path(b)
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def input_among(output: Path, inputs: Iterable[str | os.PathLike[str]]) -> Path | None:
    """The input that ``output`` would overwrite, if any."""
    for item in inputs:
        if same_file(output, item):
            return Path(item)
    return None


def refuse_overwrite(target: Path, force: bool, what: str = "文件") -> None:
    """An existing ``target`` is replaced only when the clerk asked for it."""
    if Path(target).exists() and not force:
        raise DesktopError(f"{what}“{target}”已存在。为避免覆盖它，请换一个文件名；确需覆盖时加 --force。")


# What each kind of output we write carries, to tell it from a colleague's file.
PDF_KEYWORD = "plan-drafter"  # the PDF's Keywords entry (its Producer is UTF-16 there)
_PRODUCER = "好网民工程实施方案".encode("utf-8")
_XLSX_MARKS = (b"plan-drafter-ledger", b"plan-drafter-merged-ledger")


def written_by_us(path: Path) -> bool:
    """Whether an existing file is an earlier output of this program (safe to replace)."""
    import zipfile  # here only: most exports write where no file is in the way

    path = Path(path)
    try:
        if path.suffix.lower() == ".pdf":
            return _pdf_has_our_keywords(path)
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "docProps/app.xml" in names and _PRODUCER in zf.read("docProps/app.xml"):
                return True
            if "docProps/core.xml" in names:
                core = zf.read("docProps/core.xml")
                if any(mark in core for mark in _XLSX_MARKS):
                    return True
            if "OFD.xml" in names and _PRODUCER in zf.read("OFD.xml"):
                return True
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, RuntimeError):
        return False
    return False


_PDF_MARK = f"/Keywords ({PDF_KEYWORD})".encode("ascii")
_PDF_SCAN_MAX = 512 * 1024 * 1024


def _pdf_has_our_keywords(path: Path) -> bool:
    """Whether the PDF's document information names us. reportlab writes it after
    the fonts, so it may sit anywhere: the whole file is read, a megabyte at a time."""
    if path.stat().st_size > _PDF_SCAN_MAX:  # none of ours comes near this
        return False
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            if _PDF_MARK in tail + chunk:
                return True
            tail = chunk[-len(_PDF_MARK):]
    return False


def check_outputs(outputs: Iterable[Path], inputs: Iterable[str | os.PathLike[str]], *, force: bool) -> None:
    """Refuse outputs that are inputs, and foreign existing files unless ``force``."""
    inputs = list(inputs)
    for out in outputs:
        hit = input_among(out, inputs)
        if hit is not None:
            raise DesktopError(f"输出文件“{out}”与输入文件“{hit}”是同一个文件，写入会覆盖输入，已停止。"
                               "请换一个输出文件名或文件夹。")
        if out.exists() and not force and not written_by_us(out):
            raise DesktopError(f"“{out}”已存在，而且不是本软件导出的文件。为避免覆盖它，请换一个文件夹或文件名；"
                               "确需覆盖时加 --force。")
