"""Nothing typed is lost: recovery files and lock files (no Qt here).

Recovery: while a draft has unsaved changes the window writes it, atomically,
to ``recovery_dir()/<session>.plan.json`` with a small ``.meta.json`` beside
it (original path, time, process). A clean close or a save removes both. At
the next start, files whose process is gone are offered for recovery.

Lock files: like Word's ``~$name`` files, ``~$<draft name>`` beside an open
draft records who holds it (user, computer, process, time), so a colleague
opening the same draft on a shared drive is warned. A lock whose process has
ended on this computer is stale and silently replaced.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop.paths import recovery_dir
from desktop.storage import atomic_write_bytes

LOCK_PREFIX = "~$"
RECOVERY_SUFFIX = ".plan.json"
META_SUFFIX = ".meta.json"

# Sessions of this process that will still clean up after themselves.
_live_sessions: set[str] = set()


def _now() -> str:
    return _dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


def _hostname() -> str:
    # Not socket.gethostname(): importing socket costs ~15 ms of window start-up.
    if sys.platform == "win32":
        return os.environ.get("COMPUTERNAME", "") or "本机"
    return os.uname().nodename


def _token() -> str:
    return os.urandom(16).hex()


def _user() -> str:
    for key in ("USERNAME", "USER", "LOGNAME"):
        if os.environ.get(key):
            return os.environ[key]
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some service accounts
        return "未知用户"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


# --- lock files ----------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Who has a draft open."""

    user: str
    host: str
    pid: int
    time: str
    token: str = ""

    def describe(self) -> str:
        return f"{self.user}（计算机 {self.host}）于 {self.time}"


def lock_path(draft_path: str | os.PathLike[str]) -> Path:
    path = Path(draft_path)
    return path.with_name(LOCK_PREFIX + path.name)


def read_lock(draft_path: str | os.PathLike[str]) -> Holder | None:
    try:
        raw = json.loads(lock_path(draft_path).read_text(encoding="utf-8"))
        return Holder(user=str(raw["user"]), host=str(raw["host"]), pid=int(raw["pid"]),
                      time=str(raw.get("time", "")), token=str(raw.get("token", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def holder_alive(holder: Holder) -> bool:
    """A holder on another computer is assumed alive: we cannot see its processes."""
    if holder.host != _hostname():
        return True
    return pid_alive(holder.pid)


class DraftLock:
    """Our lock on one draft; ``release()`` removes it only if it is still ours."""

    def __init__(self, draft_path: str | os.PathLike[str]) -> None:
        self.draft_path = Path(draft_path)
        self.holder = Holder(_user(), _hostname(), os.getpid(), _now(), _token())
        self.held = False

    def other_holder(self) -> Holder | None:
        """Someone else who has the draft open right now, if anyone."""
        other = read_lock(self.draft_path)
        if other is None or other.token == self.holder.token or not holder_alive(other):
            return None
        return other

    def acquire(self) -> bool:
        """Write the lock file; False when the folder does not allow it (read-only share)."""
        data = json.dumps(asdict(self.holder), ensure_ascii=False).encode("utf-8")
        try:
            atomic_write_bytes(lock_path(self.draft_path), data)
        except Exception:  # noqa: BLE001 - a lock is a courtesy; never block opening
            return False
        _hide_on_windows(lock_path(self.draft_path))
        self.held = True
        return True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        current = read_lock(self.draft_path)
        if current is not None and current.token == self.holder.token:
            with contextlib.suppress(OSError):
                lock_path(self.draft_path).unlink()


def _hide_on_windows(path: Path) -> None:
    if sys.platform == "win32":
        import ctypes

        with contextlib.suppress(Exception):
            ctypes.windll.kernel32.SetFileAttributesW(str(path), 0x02)  # FILE_ATTRIBUTE_HIDDEN


# --- recovery files -------------------------------------------------------------


@dataclass(frozen=True)
class RecoveryEntry:
    """A recovery file left behind by a session that did not close cleanly."""

    path: Path
    meta_path: Path
    source: str  # the draft's own path, "" for a draft never saved
    title: str
    saved: str
    pid: int
    session: str

    def describe(self) -> str:
        name = Path(self.source).name if self.source else "未保存的新方案"
        title = f"《{self.title}》" if self.title else ""
        return f"{name}{title}（{self.saved} 自动保存）"


class RecoveryFile:
    """The recovery file of one open document."""

    def __init__(self) -> None:
        self.session = _token()
        self.path = recovery_dir() / f"{self.session}{RECOVERY_SUFFIX}"
        self.meta_path = recovery_dir() / f"{self.session}{META_SUFFIX}"
        _live_sessions.add(self.session)

    def write(self, data: bytes, source: str | os.PathLike[str] | None, title: str = "") -> None:
        """Atomically store ``data`` (a whole draft file); raises DesktopError."""
        recovery_dir().mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, data)
        meta = {"source": str(source or ""), "title": title, "saved": _now(), "pid": os.getpid(),
                "session": self.session}
        atomic_write_bytes(self.meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    def discard(self) -> None:
        for path in (self.meta_path, self.path):
            with contextlib.suppress(OSError):
                path.unlink()

    def abandon(self) -> None:
        """After a crash: leave the file for the next start to offer."""
        _live_sessions.discard(self.session)

    def close(self) -> None:
        self.discard()
        _live_sessions.discard(self.session)


def orphaned_entries() -> list[RecoveryEntry]:
    """Recovery files whose session ended without cleaning up, newest first."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    out = []
    for meta_path in folder.glob(f"*{META_SUFFIX}"):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            session = str(meta["session"])
            pid = int(meta["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        data_path = folder / f"{session}{RECOVERY_SUFFIX}"
        if not data_path.is_file():
            continue
        alive = session in _live_sessions if pid == os.getpid() else pid_alive(pid)
        if alive:
            continue
        out.append(RecoveryEntry(data_path, meta_path, str(meta.get("source", "")), str(meta.get("title", "")),
                                 str(meta.get("saved", "")), pid, session))
    out.sort(key=lambda e: e.saved, reverse=True)
    return out


def discard_entry(entry: RecoveryEntry) -> None:
    for path in (entry.meta_path, entry.path):
        with contextlib.suppress(OSError):
            path.unlink()
