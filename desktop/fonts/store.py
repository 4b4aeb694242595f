"""The user's font cache folder and its record files.

Every record is ``magic (8 bytes) + CRC-32 of the body + body``, written
through a temporary file and a rename. A record that is absent, of another
magic or damaged reads as None: the caller reads the fonts again and writes
a good record; a cache that cannot be written only costs speed.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any


def font_cache_dir() -> Path:
    """Where what was read from fonts is kept: the user's cache folder, never the
    program's (desktop.paths.cache_dir: on Windows %LOCALAPPDATA%\\PlanDrafter\\cache\\fonts)."""
    from desktop.paths import cache_dir

    return cache_dir() / "fonts"


def cache_name(key: str) -> str:
    """A cache file's name for ``key`` (a path, or a path and face number): short, ASCII, stable."""
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def read_record(target: Path, magic: bytes) -> memoryview | None:
    """A record's body when its magic and CRC-32 are right, else None."""
    try:
        raw = target.read_bytes()
    except OSError:
        return None
    body = memoryview(raw)[12:]
    if raw[:8] != magic or zlib.crc32(body).to_bytes(4, "big") != raw[8:12]:
        return None
    return body


def write_record(target: Path, magic: bytes, body: bytes) -> None:
    """Write a record atomically (temp file + replace); a failure only costs speed."""
    import tempfile

    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        with os.fdopen(fd, "wb") as fh:
            fh.write(magic + zlib.crc32(body).to_bytes(4, "big") + body)
        os.replace(tmp, target)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def load_records(target: Path, magic: bytes, record_ok: Callable[[object, object], bool]) -> dict[str, Any]:
    """A cache of per-file records (a marshalled dict); {} when absent or damaged
    in any way, or when one record fails ``record_ok`` (then read the fonts again)."""
    body = read_record(target, magic)
    if body is None:
        return {}
    try:
        known = marshal.loads(body)
        if type(known) is dict and all(record_ok(k, v) for k, v in known.items()):
            return known
    except Exception:  # noqa: BLE001 - damage only costs the time to read the fonts again
        pass
    return {}
