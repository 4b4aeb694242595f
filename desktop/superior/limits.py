"""Budgets for reading a superior document: every reader stops early, with a
message naming the limit, before a hostile or absurd file costs time or memory.

A real plan is small: a 100-page PDF is a few MB, its Word file's XML under
3 MB, its text under 1 MB and some 2,000 paragraphs. The limits leave ample
room above that and keep ``template import`` under 300 MB and 10 s on any input.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

from desktop.errors import TemplateError

MAX_TEXT_BYTES = 5 * 1024 * 1024  # .txt or pasted text
MAX_DOCX_BYTES = 40 * 1024 * 1024  # the .docx file itself (pictures included)
MAX_DOCX_XML_BYTES = 12 * 1024 * 1024  # word/document.xml unpacked: parsed whole into memory
MAX_DOCX_PARTS_BYTES = 24 * 1024 * 1024  # every XML part python-docx parses, together
MAX_PDF_BYTES = 40 * 1024 * 1024
MAX_PDF_PAGES = 300
MAX_PARAGRAPHS = 20_000
MAX_TASKS = 1_000  # a plan lists tens, a city's annex a few hundred
MAX_SECONDS = 8.0  # the bar is a refusal within 10 s


def mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


class Deadline:
    """The time budget of one import, checked in every loop that grows with the input."""

    def __init__(self, name: str, seconds: float | None = None) -> None:
        self.name = name
        self.seconds = MAX_SECONDS if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise TemplateError(f"读取上级文件“{self.name}”超过 {self.seconds:.0f} 秒仍未完成，已停止。"
                                "文件可能过大或结构异常；请只保留方案正文后再导入。")


def regular_file(path: Path) -> int:
    """The size of ``path``, refusing without opening it anything that is not a
    plain file (a pipe, a device, a link to /dev/zero)."""
    try:
        info = path.stat()
    except FileNotFoundError as err:
        raise TemplateError(f"找不到上级文件“{path}”。") from err
    except OSError as err:
        from desktop.storage import os_reason
        raise TemplateError(f"无法读取上级文件“{path}”：{os_reason(err)}。") from err
    if stat.S_ISDIR(info.st_mode):
        raise TemplateError(f"“{path}”是文件夹，不是上级文件；请选择其中的 .docx、.pdf 或 .txt 文件。")
    if not stat.S_ISREG(info.st_mode):
        raise TemplateError(f"“{path.name}”不是普通文件（可能是管道或设备），已拒绝读取。")
    return info.st_size


def too_large(name: str, what: str, limit: str) -> TemplateError:
    return TemplateError(f"上级文件“{name}”{what}，超过 {limit} 的上限，不像是一份工作方案；"
                         "请只保留方案正文（或分成几份）后再导入。")
