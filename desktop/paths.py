"""Per-user folders for settings, recovery files and logs.

Never the program folder: on an office PC it is read-only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "PlanDrafter"


def data_dir() -> Path:
    override = os.environ.get("PLAN_DRAFTER_HOME")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA") or str(Path.home())
        return Path(base) / APP_DIR_NAME
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_DIR_NAME


def cache_dir() -> Path:
    """What the program can make again (font metrics, OFD font subsets, the last
    previews): %LOCALAPPDATA%\\PlanDrafter\\cache on Windows, $XDG_CACHE_HOME/PlanDrafter
    elsewhere, PLAN_DRAFTER_HOME's cache/ when that is set (tests, portable use)."""
    if os.environ.get("PLAN_DRAFTER_HOME") or sys.platform == "win32":
        return data_dir() / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP_DIR_NAME


def log_dir() -> Path:
    return data_dir() / "logs"


def recovery_dir() -> Path:
    return data_dir() / "recovery"


def user_templates_dir() -> Path:
    return data_dir() / "templates"
