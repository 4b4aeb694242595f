"""Where the window keeps the office's settings and its own layout.

Both are INI files under ``desktop.paths.data_dir()`` (never the registry,
never the program folder): ``settings.ini`` for what the clerk chose (declared
in desktop.settings_model), ``state.ini`` for window geometry, dock layout and
recent files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from desktop.paths import data_dir
from desktop.settings_model import Settings

MAX_RECENT = 8


class _IniMap(MutableMapping[str, str]):
    """A QSettings INI file seen as a mapping of strings."""

    def __init__(self, settings: QSettings) -> None:
        self.q = settings

    def __getitem__(self, key: str) -> str:
        if not self.q.contains(key):
            raise KeyError(key)
        value = self.q.value(key)
        return value if isinstance(value, str) else json.dumps(value)

    def __setitem__(self, key: str, value: str) -> None:
        self.q.setValue(key, value)

    def __delitem__(self, key: str) -> None:
        self.q.remove(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.q.allKeys())

    def __len__(self) -> int:
        return len(self.q.allKeys())


def _ini(name: str) -> QSettings:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / name), QSettings.Format.IniFormat)


class AppSettings(Settings):
    """The declared settings plus the window's own state."""

    def __init__(self) -> None:
        self.q = _ini("settings.ini")
        super().__init__(_IniMap(self.q))
        self.state = _ini("state.ini")

    def sync(self) -> None:
        self.q.sync()
        self.state.sync()

    # --- window state ----------------------------------------------------------------
    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self.state.value("window/geometry")
        layout = self.state.value("window/state")
        return (geometry if isinstance(geometry, QByteArray) else None,
                layout if isinstance(layout, QByteArray) else None)

    def set_window_state(self, geometry: QByteArray, layout: QByteArray) -> None:
        self.state.setValue("window/geometry", geometry)
        self.state.setValue("window/state", layout)

    def value(self, key: str, default: str = "") -> str:
        value = self.state.value(key, default)
        return value if isinstance(value, str) else default

    def set_value(self, key: str, value: str) -> None:
        self.state.setValue(key, value)

    # --- recent files ------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        try:
            value = json.loads(self.value("files/recent", "[]"))
        except ValueError:
            return []
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        files = [text] + [f for f in self.recent_files() if f != text]
        self.set_value("files/recent", json.dumps(files[:MAX_RECENT], ensure_ascii=False))

    def remove_recent(self, path: str) -> None:
        files = [f for f in self.recent_files() if f != path]
        self.set_value("files/recent", json.dumps(files, ensure_ascii=False))
