"""Small real filesystems for full-disk and read-only tests (root only)."""

from __future__ import annotations

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


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB tmpfs; the test fills it to make the disk full."""
    if not _can_mount():
        pytest.skip("needs root to mount a small tmpfs (run the suite as root, as CI does)")
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    try:
        _mount(mnt, "256k")
    except (subprocess.CalledProcessError, FileNotFoundError) as err:
        pytest.skip(f"cannot mount tmpfs here: {err}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.fixture
def read_only_fs(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs holding ``existing.plan.json`` and remounted read-only."""
    if not _can_mount():
        pytest.skip("needs root to mount a read-only tmpfs (run the suite as root, as CI does)")
    mnt = tmp_path / "ro"
    mnt.mkdir()
    try:
        _mount(mnt, "4m")
    except (subprocess.CalledProcessError, FileNotFoundError) as err:
        pytest.skip(f"cannot mount tmpfs here: {err}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


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
