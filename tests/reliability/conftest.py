"""Small real filesystems for full-disk and read-only tests (root only)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _can_mount() -> bool:
    return os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0


def _mount(path: Path, size: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True,
                   capture_output=True)


@contextlib.contextmanager
def _tmpfs(tmp_path: Path, name: str, size: str) -> Iterator[Path]:
    if not _can_mount():
        pytest.skip("needs root to mount a small tmpfs (run the suite as root, as CI does)")
    mnt = tmp_path / name
    mnt.mkdir()
    try:
        _mount(mnt, size)
    except (subprocess.CalledProcessError, FileNotFoundError) as err:
        pytest.skip(f"cannot mount tmpfs here: {err}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB tmpfs; the test fills it to make the disk full."""
    with _tmpfs(tmp_path, "tiny", "256k") as mnt:
        yield mnt


@pytest.fixture
def read_only_fs(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs the test fills and then remounts read-only."""
    with _tmpfs(tmp_path, "ro", "4m") as mnt:
        yield mnt


def remount_read_only(mnt: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True, capture_output=True)


def fill(mnt: Path) -> None:
    """Fill the filesystem completely with one filler file."""
    fd = os.open(mnt / "filler.bin", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
