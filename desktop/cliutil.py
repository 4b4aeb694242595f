"""What every command of ``python -m desktop`` shares: exit statuses, the options
they all read (--today, --preset), new files' names, and reading a draft of any
kind. The commands (desktop/cli.py, desktop/export/cli.py, desktop/ledger/cli.py,
desktop/kinds/report/cli.py) import this, never each other.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.errors import DesktopError

if TYPE_CHECKING:  # imported lazily at run time, to keep start-up quick
    from desktop.kinds import Kind
    from desktop.official import Standard
    from desktop.templates import Template

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


def parse_today(value: str | None, option: str = "--today") -> _dt.date | None:
    """A date option (``--today`` of every command, ``--as-of``): None when not given."""
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise DesktopError(f"{option} 的值“{value}”不是有效日期，应为 YYYY-MM-DD，例如 2020-10-01。") from None


def standard_for(args: argparse.Namespace) -> Standard:
    """GB/T 9704 with the office preset named by ``--preset`` (official.Standard)."""
    from desktop.official import STANDARD
    from desktop.presets import load_preset

    return load_preset(args.preset) if getattr(args, "preset", None) else STANDARD


def refuse_bad_name(path: Path) -> None:
    """A new file's name must work on every office PC (see desktop.filenames)."""
    from desktop.filenames import name_problem, safe_base

    problem = name_problem(path.name)
    if problem:
        raise DesktopError(f"不能使用文件名“{path.name}”：{problem}。可以改用“{safe_base(path.name)}”这样的名称。")


def refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise DesktopError(f"文件“{path}”已存在。为避免覆盖，请换一个文件名，或加 --force 覆盖。")


def load_any(path: str | Path) -> tuple[Kind, Any, Template]:
    """A draft of any kind, its kind and its template (DraftError and TemplateError say what is wrong)."""
    from desktop.kinds import kind_of
    from desktop.storage import load_record
    from desktop.templates import load_template

    record = load_record(path)
    return kind_of(record), record, load_template(record.template)


@contextlib.contextmanager
def rewriting(path: Path, force: bool, window_hint: str) -> Iterator[tuple[Any, str]]:
    """(the draft at ``path``, the SHA-256 it was read from) for a command that rewrites it
    in place: refused while a window has it open (that window's next save would lose the
    command's work) unless ``force``; save with ``save_draft(…, expect=digest)``."""
    from desktop.recovery import DraftLock
    from desktop.storage import load_record_with_digest

    lock = DraftLock(path)
    holder = lock.acquire_exclusive()
    try:
        if holder is not None and not force:
            raise DesktopError(f"草稿“{path}”正被 {holder.describe()} 打开。现在写入，窗口中再保存时会覆盖写入的内容。"
                               f"请先在窗口中关闭该草稿再运行（或在窗口中{window_hint}），确需强制写入时加 --force。")
        yield load_record_with_digest(path)
    finally:
        lock.release()
