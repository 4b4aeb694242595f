"""Declared user settings: each one has a key, a type, a default and a title.

Kept free of Qt: the window stores the values in a QSettings INI file, the
tests in a plain dict. Values are stored as JSON text so that lists and
booleans survive any backend unchanged (QSettings INI turns a one-element
list into a string and booleans into "true").
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.drafting import OfficeDefaults
from desktop.official import DEFAULT_FONT_PRESET, FONT_PRESETS

SETTINGS_VERSION = 1
VERSION_KEY = "meta/version"


@dataclass(frozen=True)
class Setting:
    """One user setting; ``kind`` is str, bool, int, float or list (of str)."""

    key: str
    kind: type
    default: Any
    title: str

    def decode(self, raw: Any) -> Any:
        """The stored text as a value of ``kind``; the default when unreadable."""
        if raw is None:
            return self._default()
        try:
            value = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return self._default()
        if self.kind is list:
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return list(value)
            return self._default()
        if self.kind is bool:
            return value if isinstance(value, bool) else self._default()
        if self.kind is int:
            return value if isinstance(value, int) and not isinstance(value, bool) else self._default()
        if self.kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            return float(value) if ok else self._default()
        return value if isinstance(value, str) else self._default()

    def encode(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def _default(self) -> Any:
        return list(self.default) if isinstance(self.default, list) else self.default


REGISTRY: dict[str, Setting] = {}


def declare(key: str, kind: type, default: Any, title: str) -> Setting:
    if key in REGISTRY:
        raise ValueError(f"setting declared twice: {key}")
    setting = Setting(key, kind, default, title)
    REGISTRY[key] = setting
    return setting


OFFICE_ISSUERS = declare("office/issuers", list, [], "发文机关（联合发文时按顺序排列，第一个为主办机关）")
OFFICE_CITY = declare("office/city", str, "", "所在地（如“佛山市”，用于方案标题）")
OFFICE_PRINTER = declare("office/printer", str, "", "印发机关")
OFFICE_NOTE = declare("office/note", str, "", "附注（联系人和电话）")
OFFICE_CC = declare("office/cc", list, [], "抄送机关")
OFFICE_SEAL = declare("office/seal", bool, True, "加盖印章")
OFFICE_FONT_PRESET = declare("office/font_preset", str, DEFAULT_FONT_PRESET, "Word 文件使用的字体")
OFFICE_FONT_DIR = declare("office/font_dir", str, "", "单位字体文件夹")
# The office preset (desktop.presets): line spacing ("grid" or points), seal diameter, its name.
OFFICE_LINE_SPACING = declare("office/line_spacing", str, "grid", "行距：grid（每页 22 行的文档网格）或固定值磅数")
OFFICE_SEAL_DIAMETER = declare("office/seal_diameter_mm", float, 42.0, "印章直径（毫米）")
OFFICE_PRESET_NAME = declare("office/preset_name", str, "", "单位预设名称")
UNDO_LIMIT = declare("editor/undo_limit", int, 500, "可撤销的步数")
AUTOSAVE_MS = declare("editor/autosave_ms", int, 1500, "修改后多久写入恢复文件（毫秒）")
AUTOSAVE_MAX_MS = declare("editor/autosave_max_ms", int, 20000, "连续输入不停顿时，最长多久写一次恢复文件（毫秒）")
PREVIEW_DELAY_MS = declare("editor/preview_delay_ms", int, 700, "停止输入后多久刷新预览（毫秒）")


class Settings:
    """Typed access to the declared settings over any string mapping."""

    def __init__(self, backend: MutableMapping[str, str]) -> None:
        self.backend = backend
        self._upgrade()

    def get(self, setting: Setting) -> Any:
        return setting.decode(self.backend.get(setting.key))

    def set(self, setting: Setting, value: Any) -> None:
        self.backend[setting.key] = setting.encode(value)

    def _upgrade(self) -> None:
        # Version 1 is the first; later versions migrate keys here.
        if self.backend.get(VERSION_KEY) is None:
            self.backend[VERSION_KEY] = str(SETTINGS_VERSION)

    # --- what the rest of the program needs -----------------------------------
    def office_defaults(self) -> OfficeDefaults:
        return OfficeDefaults(
            issuers=[s for s in self.get(OFFICE_ISSUERS) if s.strip()],
            city=self.get(OFFICE_CITY),
            printer=self.get(OFFICE_PRINTER),
            note=self.get(OFFICE_NOTE),
            cc=[s for s in self.get(OFFICE_CC) if s.strip()],
            seal=self.get(OFFICE_SEAL),
        )

    def font_preset(self) -> str:
        preset = self.get(OFFICE_FONT_PRESET)
        return preset if preset in FONT_PRESETS else DEFAULT_FONT_PRESET

    def font_dirs(self) -> tuple[Path, ...]:
        folder = self.get(OFFICE_FONT_DIR).strip()
        return (Path(folder),) if folder else ()

    def preset(self) -> dict[str, Any]:
        """The office preset these settings hold (desktop.presets keys)."""
        spacing = self.get(OFFICE_LINE_SPACING).strip()
        try:
            line: Any = "grid" if spacing in ("", "grid") else float(spacing)
        except ValueError:
            line = "grid"
        return {"name": self.get(OFFICE_PRESET_NAME), "line_spacing": line, "fonts": self.font_preset(),
                "seal_diameter_mm": self.get(OFFICE_SEAL_DIAMETER),
                "signature_layout": "seal" if self.get(OFFICE_SEAL) else "no_seal"}

    def set_preset(self, std: Any) -> None:
        """Store an official.Standard's choices (a preset the clerk imported)."""
        self.set(OFFICE_PRESET_NAME, std.name)
        self.set(OFFICE_LINE_SPACING, f"{std.line_pitch_pt:g}" if std.exact_lines else "grid")
        self.set(OFFICE_FONT_PRESET, std.font_preset)
        self.set(OFFICE_SEAL_DIAMETER, std.seal_diameter_mm)
        self.set(OFFICE_SEAL, std.signature_layout == "seal")

    def standard(self) -> Any:
        """GB/T 9704 with this office's preset; a value that cannot be used (an
        edited settings file) falls back to the standard's own."""
        from desktop.presets import PresetError, standard_from_preset

        data = self.preset()
        while True:
            try:
                return standard_from_preset(data, "单位默认设置")
            except PresetError as err:
                if err.key not in data:
                    from desktop.official import STANDARD
                    return STANDARD
                data.pop(err.key)

    def export_options(self) -> Any:
        from desktop.export import ExportOptions  # lazy: keeps window start-up light

        return ExportOptions(standard=self.standard(), font_dirs=self.font_dirs())
