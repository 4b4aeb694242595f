"""Office presets: an office's local choices within GB/T 9704, as a small JSON file.

    {
      "name": "某某市委办公室",
      "line_spacing": 29.2,          (points, an exact spacing; or "grid": 22 lines of 28.95 pt)
      "fonts": "gb2312",             ("windows" or "gb2312")
      "seal_diameter_mm": 42,        (38–50)
      "signature_layout": "no_seal"  ("seal" or "no_seal": for drafts that do not choose)
    }

Every key may be left out (the standard's value applies). The same values are
kept in the settings (``Settings.standard``), so the window, the command line
(``--preset FILE.json``) and every export use one ``official.Standard``.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from desktop.errors import DesktopError
from desktop.official import GRID_PITCH_TWIPS, STANDARD, Standard
from desktop.storage import os_reason, regular_file_problem

KEYS = ("name", "line_spacing", "fonts", "seal_diameter_mm", "signature_layout")
MAX_PRESET_BYTES = 64 * 1024
GRID = "grid"


class PresetError(DesktopError):
    """A preset that cannot be used; the message names the file and ``key``."""

    def __init__(self, message: str, *, key: str = "") -> None:
        super().__init__(message)
        self.key = key


# Numbers are bounded where they are read: 1e308 points times 20 twips, or
# float() of a 400-digit integer, would overflow before the range is checked
# (official.Standard.problems says what the usable range is).
NUMBER_BOUND = 1e6


def _number(data: dict[str, Any], key: str, where: str, what: str) -> float:
    """The preset's ``key`` as a float no larger than NUMBER_BOUND, or PresetError (``what`` it should be)."""
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            (isinstance(value, float) and not math.isfinite(value)):
        raise PresetError(f"{where}中的 {key} 应为{what}。", key=key)
    if not -NUMBER_BOUND <= value <= NUMBER_BOUND:
        raise PresetError(f"{where}中的 {key} 数值过大，应为{what}。", key=key)
    return float(value)


def standard_from_preset(data: object, source: str = "单位预设", base: Standard = STANDARD) -> Standard:
    """The standard with the preset's choices; PresetError names what is wrong."""
    where = f"单位预设“{source}”"
    if not isinstance(data, dict):
        raise PresetError(f"{where}不是有效的预设：应为一个 JSON 对象，例如 {{\"line_spacing\": 29.2}}。")
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise PresetError(f"{where}中有无法识别的设置“{str(unknown[0])[:40]}”。可用的设置：{'、'.join(KEYS)}。",
                          key=str(unknown[0]))
    changes: dict[str, Any] = {}  # Standard field -> value, each checked above its use
    if "name" in data:
        if not isinstance(data["name"], str):
            raise PresetError(f"{where}中的 name 应为文字。", key="name")
        changes["name"] = data["name"].strip()[:60]
    if "line_spacing" in data:
        if data["line_spacing"] == GRID:
            changes.update(line_pitch_twips=GRID_PITCH_TWIPS, exact_lines=False)
        else:
            points = _number(data, "line_spacing", where, "行距的磅数（如 29.2）或 \"grid\"（每页 22 行的网格）")
            changes.update(line_pitch_twips=round(points * 20), exact_lines=True)
    if "fonts" in data:
        if not isinstance(data["fonts"], str):
            raise PresetError(f"{where}中的 fonts 应为 \"windows\" 或 \"gb2312\"。", key="fonts")
        changes["font_preset"] = data["fonts"]
    if "seal_diameter_mm" in data:
        changes["seal_diameter_mm"] = _number(data, "seal_diameter_mm", where, "印章直径的毫米数（如 42）")
    if "signature_layout" in data:
        changes["signature_layout"] = data["signature_layout"] if isinstance(data["signature_layout"], str) else "?"
    std = replace(base, **changes)
    problems = std.problems()
    if problems:
        key, message = problems[0]
        raise PresetError(f"{where}中的 {key}：{message}", key=key)
    return std


def load_preset(path: str | Path, base: Standard = STANDARD) -> Standard:
    """Read a preset file (raises PresetError with a message for the clerk)."""
    path = Path(path)
    problem = regular_file_problem(path)
    if problem:
        raise PresetError(f"无法读取单位预设“{path}”：{problem}")
    try:
        if path.stat().st_size > MAX_PRESET_BYTES:
            raise PresetError(f"单位预设“{path}”过大（超过 64 KB），不是预设文件。")
        data = path.read_bytes()
    except OSError as err:
        raise PresetError(f"无法读取单位预设“{path}”：{os_reason(err)}。") from err
    raw = _parse(data, f"单位预设“{path}”")
    return standard_from_preset(raw, path.name, base)


def _parse(data: bytes, what: str) -> object:
    """The JSON of a preset file; PresetError says in Chinese what is wrong with it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise PresetError(f"{what}不是 UTF-8 编码的文本（第 {err.start + 1} 个字节无法识别），不是预设文件。") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise PresetError(f"{what}不是有效的 JSON 文件：第 {err.lineno} 行第 {err.colno} 列有误"
                          "（请检查引号、逗号和括号，或在“单位默认设置”中重新导出预设）。") from err
    except RecursionError as err:
        raise PresetError(f"{what}的括号嵌套层数过多，不是预设文件。") from err
    except ValueError as err:  # an integer of thousands of digits
        raise PresetError(f"{what}中有位数过多的数字，不是预设文件。") from err


def preset_of(std: Standard) -> dict[str, object]:
    """The preset that gives ``std`` (what the settings dialog saves)."""
    out: dict[str, object] = {}
    if std.name:
        out["name"] = std.name
    out["line_spacing"] = std.line_pitch_pt if std.exact_lines else GRID
    out["fonts"] = std.font_preset
    out["seal_diameter_mm"] = std.seal_diameter_mm
    out["signature_layout"] = std.signature_layout
    return out


def describe(std: Standard) -> str:
    """One line for the clerk: what this standard does differently."""
    lines = f"每页 {std.lines_per_page} 行"
    spacing = f"固定行距 {std.line_pitch_pt:g} 磅（{lines}）" if std.exact_lines else f"文档网格（{lines}）"
    seal = "加盖印章" if std.signature_layout == "seal" else "不加盖印章"
    return f"{spacing}，{std.fonts.label}，印章直径 {std.seal_diameter_mm:g} 毫米，默认{seal}"
