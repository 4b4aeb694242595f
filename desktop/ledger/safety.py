"""Looking at a workbook file before any spreadsheet library parses it.

Ledgers arrive by email and USB stick: renamed Word files, old .xls, files
with an opening password, half-copied zips, and now and then something
hostile (a zip bomb, a billion-laughs XML, a shared-strings table of
gigabytes). ``inspect_workbook(path)`` reads only the zip directory and the
first bytes of each XML part, and returns a Chinese reason to refuse the file
or None. Declared sizes are trustworthy enough here because Python's zipfile
stops every member at its declared size (and fails the CRC beyond it), which
is what openpyxl reads through.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from desktop.storage import os_reason

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MAX_FILE_BYTES = 50 * 1024 * 1024  # a ledger of thousands of rows is well under 5 MB
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed for big members; XML of real sheets stays far below
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_MEMBERS = 2000
PROLOGUE_BYTES = 4096
MAX_PROLOGUE_BYTES = 1024 * 1024


@dataclass
class Inspection:
    """What the pre-check found: a refusal reason, or notes for a usable file."""

    reason: str | None = None
    notes: list[str] = field(default_factory=list)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def _cfb_reason(head: bytes) -> str:
    # The directory of a compound file names its streams in UTF-16LE.
    if "EncryptedPackage".encode("utf-16-le") in head or "EncryptionInfo".encode("utf-16-le") in head:
        return "文件设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码、另存为 .xlsx 后再试"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "这是旧版 Excel 97-2003 工作簿（.xls），请在 Excel 或 WPS 中“另存为” .xlsx 格式后再试"
    if "WordDocument".encode("utf-16-le") in head:
        return "这是旧版 Word 文档（.doc），不是 Excel 工作簿"
    return "这是旧版 Office 文件（97-2003 格式），不是 .xlsx 工作簿，请另存为 .xlsx 后再试"


def inspect_workbook(path: Path) -> Inspection:
    """Refuse files that are not safe, readable .xlsx workbooks."""
    from desktop.storage import regular_file_problem

    path = Path(path)
    try:
        size = path.stat().st_size
        problem = regular_file_problem(path)
        if problem:
            return Inspection(problem)
        with open(path, "rb") as fh:
            head = fh.read(64 * 1024)
    except PermissionError:
        return Inspection("没有读取权限，或文件正被其他程序锁定")
    except OSError as err:
        return Inspection(f"无法读取文件：{os_reason(err)}")
    if size == 0:
        return Inspection("文件是空的（0 字节），可能没有复制或保存完整")
    if size > MAX_FILE_BYTES:
        return Inspection(f"文件过大（{_mb(size)}），超过 {_mb(MAX_FILE_BYTES)} 的上限，不像是进度台账")
    if head.startswith(CFB_MAGIC):
        return Inspection(_cfb_reason(head))
    if not head.startswith(ZIP_MAGIC):
        if head.lstrip()[:1] in (b"<",):
            return Inspection("这是网页或 XML 文本，不是 Excel 工作簿（.xlsx）")
        if head.startswith(b"%PDF"):
            return Inspection("这是 PDF 文件，不是 Excel 工作簿")
        return Inspection("不是 Excel 工作簿（.xlsx），文件内容无法识别")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            return _inspect_zip(zf, infos)
    except zipfile.BadZipFile:
        return Inspection("文件已损坏（压缩结构不完整），可能没有复制或下载完整，请向报送单位重新索取")
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
        return Inspection("文件已损坏，无法解压读取，请向报送单位重新索取")


_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _prologue(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """Upper-cased bytes before the root element (where a DOCTYPE must sit).

    Reads on past comment padding, up to MAX_PROLOGUE_BYTES; None when no root
    element starts within that (real parts start it in the first line).
    """
    seen = b""
    with zf.open(info) as fh:
        while len(seen) < MAX_PROLOGUE_BYTES:
            chunk = fh.read(PROLOGUE_BYTES)
            if not chunk:
                return seen.replace(b"\x00", b"").upper()
            seen += chunk
            probe = seen.replace(b"\x00", b"")  # UTF-16 parts too
            m = _ROOT_START.search(probe)
            if m:
                return probe[: m.start()].upper()
    return None


def _inspect_zip(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> Inspection:
    names = {i.filename for i in infos}
    if len(infos) > MAX_MEMBERS:
        return Inspection(f"工作簿内部文件数量异常（{len(infos)} 个），可能是恶意构造的文件，已拒绝读取")
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            return Inspection("这是 Word 文档（只是扩展名改成了 .xlsx），不是 Excel 工作簿")
        if "ppt/presentation.xml" in names:
            return Inspection("这是 PowerPoint 演示文稿，不是 Excel 工作簿")
        if "xl/workbook.bin" in names:
            return Inspection("这是 Excel 二进制工作簿（.xlsb），请另存为 .xlsx 后再试")
        return Inspection("不是 Excel 工作簿：压缩包中没有工作簿内容")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            return Inspection("工作簿内部文件已加密，无法读取。请取消密码、另存为 .xlsx 后再试")
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_UNPACKED_BYTES:
            return Inspection(f"解压后体积过大（超过 {_mb(min(total, MAX_UNPACKED_BYTES))}），"
                              "可能是恶意构造的“压缩炸弹”，已拒绝读取")
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(1, info.compress_size):
            return Inspection(f"压缩比异常（{info.filename} 解压后放大 "
                              f"{info.file_size // max(1, info.compress_size)} 倍），"
                              "可能是恶意构造的“压缩炸弹”，已拒绝读取")
        if info.filename == "xl/sharedStrings.xml" and info.file_size > MAX_SHARED_STRINGS_BYTES:
            return Inspection(f"共享字符串表过大（{_mb(info.file_size)}），不像是进度台账，已拒绝读取")
    notes = []
    for info in infos:
        lower = info.filename.lower()
        if not (lower.endswith(".xml") or lower.endswith(".rels")) or info.file_size == 0:
            continue
        try:
            prologue = _prologue(zf, info)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
            return Inspection("文件已损坏（内部数据校验失败），可能没有复制完整，请向报送单位重新索取")
        if prologue is None:
            return Inspection(f"文件内部结构异常（{info.filename} 开头没有正常的内容），"
                              "可能是恶意构造的文件，已拒绝读取")
        if b"<!DOCTYPE" in prologue or b"<!ENTITY" in prologue:
            return Inspection("文件中含有 XML 实体声明（正常的 Excel 文件没有），可能是恶意构造的文件，已拒绝读取")
    if any(n.startswith("xl/externalLinks/") for n in names):
        notes.append("含有指向其他工作簿的外部链接：已忽略链接，只读取单元格中保存的值")
    return Inspection(None, notes)
