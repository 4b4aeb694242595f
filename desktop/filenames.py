"""File names the program proposes or accepts: names every Windows PC can hold.

A plan's title becomes a file name in the export dialog and in 另存为, and a
colleague's draft may be called anything; what comes out of here has no
control characters, no path separators or characters Windows refuses, is
not a reserved device name (CON, NUL, COM1…), and is short enough that every
file made from it fits, the draft's own backup (``….plan.json.bak``)
included: whatever name export accepts, saving accepts too.
"""

from __future__ import annotations

import re

MAX_NAME_BYTES = 255  # what NTFS, ext4 and most network shares allow a name (UTF-8 for Linux)
# The longest ending any file made from a base gets (tests check every export ending is shorter).
LONGEST_ENDING = ".plan.json.bak"
MAX_BASE_BYTES = MAX_NAME_BYTES - len(LONGEST_ENDING.encode("utf-8")) - 12  # 12: room for a later ending
_REFUSED = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]+')
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                       *(f"COM{n}" for n in "123456789¹²³"), *(f"LPT{n}" for n in "123456789¹²³")})


def safe_base(text: str, fallback: str = "方案") -> str:
    """``text`` made into a file name base (no ending); ``fallback`` when nothing is left."""
    name = _REFUSED.sub(" ", text)
    name = re.sub(r"\s+", " ", name).strip(" .")  # leading dots hide a file, trailing ones Windows drops
    if name.split(".")[0].strip().upper() in _RESERVED:
        name = f"_{name}"
    return cut_to_bytes(name, MAX_BASE_BYTES).rstrip(" .") or fallback


def cut_to_bytes(text: str, limit: int) -> str:
    """``text`` cut at a character so that its UTF-8 takes at most ``limit`` bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def name_problem(name: str) -> str | None:
    """Why a file name the clerk typed cannot be used as it is, in plain Chinese."""
    if _REFUSED.search(name):
        return "文件名中有换行、制表符或 Windows 不允许的字符（\\ / : * ? \" < > |）"
    if name != name.strip() or name.endswith("."):
        return "文件名首尾有空格或末尾有句点"
    if name.split(".")[0].strip().upper() in _RESERVED:
        return f"“{name.split('.')[0]}”是 Windows 保留的设备名，不能作文件名"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return "文件名太长"
    return None
