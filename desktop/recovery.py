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
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop.paths import recovery_dir
from desktop.processes import MAX_PID, hostname, pid_alive
from desktop.storage import atomic_write_bytes, file_digest, real_target

LOCK_PREFIX = "~$"
RECOVERY_SUFFIX = ".plan.json"
META_SUFFIX = ".meta.json"
MAX_SMALL_FILE = 64 * 1024  # locks and recovery notes are a few hundred bytes

# Sessions of this process that will still clean up after themselves.
_live_sessions: set[str] = set()


def _now() -> str:
    return _dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


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


def _read_small_json(path: Path) -> object:
    """A lock or recovery note; ValueError for anything that is not one (too large, a pipe…)."""
    import stat

    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SMALL_FILE:
        raise ValueError(path)
    with open(path, "rb") as fh:
        return json.loads(fh.read(MAX_SMALL_FILE).decode("utf-8"))


def _pid(value: object) -> int:
    pid: int = int(value)  # type: ignore[call-overload]
    if not 0 < pid <= MAX_PID:
        raise ValueError(value)
    return pid


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
    # Beside the real file: a draft opened through a shortcut or a link is the same draft.
    path = real_target(Path(draft_path))
    return path.with_name(LOCK_PREFIX + path.name)


def read_lock(draft_path: str | os.PathLike[str]) -> Holder | None:
    try:
        raw = _read_small_json(lock_path(draft_path))
        assert isinstance(raw, dict)
        return Holder(user=str(raw["user"]), host=str(raw["host"]), pid=_pid(raw["pid"]),
                      time=str(raw.get("time", "")), token=str(raw.get("token", "")))
    except (OSError, ValueError, KeyError, TypeError, AssertionError, OverflowError):
        return None


def holder_alive(holder: Holder) -> bool:
    """A holder on another computer is assumed alive: we cannot see its processes."""
    if holder.host != hostname():
        return True
    return pid_alive(holder.pid)


class DraftLock:
    """Our lock on one draft; ``release()`` removes it only if it is still ours."""

    def __init__(self, draft_path: str | os.PathLike[str]) -> None:
        self.draft_path = Path(draft_path)
        self.holder = Holder(_user(), hostname(), os.getpid(), _now(), _token())
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

    def acquire_exclusive(self) -> Holder | None:
        """Take the lock only if nobody else holds it: for a command that
        rewrites the draft. Returns the other holder when refused, else None
        (also when the folder does not allow a lock file: the save then fails
        on its own with a clear message).

        The lock file appears with its content (written aside, then linked
        into place): another process must never find it empty and take it
        for a stale one. A lock left by an ended process is removed only if
        it is still that one when we remove it."""
        path = lock_path(self.draft_path)
        data = json.dumps(asdict(self.holder), ensure_ascii=False).encode("utf-8")
        for attempt in range(12):  # waits at most about 0.8 s for a lock being written
            current = read_lock(self.draft_path)  # judged once: the file may appear between two reads
            if current is not None:
                if current.token != self.holder.token and holder_alive(current):
                    return current
                if read_lock(self.draft_path) == current:  # stale (its process has ended) and still that one
                    with contextlib.suppress(OSError):
                        path.unlink()
            elif path.exists():
                if _written_just_now(path):
                    time.sleep(0.01 * (attempt + 1))  # another process is writing it (no link on this disk)
                    continue
                with contextlib.suppress(OSError):  # unreadable and old: what a crash left
                    path.unlink()
            made = _create_lock_file(path, data)
            if made is None:
                return None
            if made:
                _hide_on_windows(path)
                self.held = True
                return None
        return self.other_holder() or Holder("另一个程序", hostname(), 0, _now())

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        current = read_lock(self.draft_path)
        if current is not None and current.token == self.holder.token:
            with contextlib.suppress(OSError):
                lock_path(self.draft_path).unlink()


def _written_just_now(path: Path, seconds: float = 10.0) -> bool:
    try:
        return abs(time.time() - path.stat().st_mtime) < seconds
    except OSError:
        return False


def _create_lock_file(path: Path, data: bytes) -> bool | None:
    """Create ``path`` holding ``data`` unless it exists: True made, False
    someone else's is there, None the folder allows no lock file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        try:
            os.link(tmp, path)  # atomic, and the file is whole when it appears
            return True
        except FileExistsError:
            return False
        except OSError:
            pass  # no hard links here (FAT, some network shares): create in place below
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    except OSError:
        return None
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return True


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
    base: str = ""  # SHA-256 of the draft file the unsaved work started from ("" = unknown)

    def describe(self) -> str:
        name = Path(self.source).name if self.source else "未保存的新方案"
        title = f"《{self.title}》" if self.title else ""
        return f"{name}{title}（{self.saved} 自动保存）"

    def source_state(self) -> str:
        """How the draft file on disk relates to this recovery file.

        "new": never saved; "same": unchanged since the work began, so the
        recovery file is the newer version; "missing": the file is gone;
        "changed": saved (or replaced) after the work began, so the recovery
        file may be older than what is on disk.
        """
        if not self.source:
            return "new"
        current = file_digest(Path(self.source))
        if current is None:
            return "missing"
        if self.base and current == self.base:
            return "same"
        return "changed"

    def source_modified(self) -> str:
        try:
            stamp = os.stat(self.source).st_mtime
        except OSError:
            return ""
        return _dt.datetime.fromtimestamp(stamp).replace(microsecond=0).isoformat(sep=" ")


class RecoveryFile:
    """The recovery file of one open document."""

    def __init__(self) -> None:
        self.session = _token()
        self.path = recovery_dir() / f"{self.session}{RECOVERY_SUFFIX}"
        self.meta_path = recovery_dir() / f"{self.session}{META_SUFFIX}"
        _live_sessions.add(self.session)

    def write(self, data: bytes, source: str | os.PathLike[str] | None, title: str = "", base: str = "") -> None:
        """Atomically store ``data`` (a whole draft file); raises DesktopError.

        ``base`` is the SHA-256 of the saved draft the unsaved work started
        from, so the next start can tell whether the file was saved since.
        """
        recovery_dir().mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, data)
        meta = {"source": str(source or ""), "title": title, "saved": _now(), "pid": os.getpid(),
                "session": self.session, "base": base}
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
            meta = _read_small_json(meta_path)
            assert isinstance(meta, dict)
            session = str(meta["session"])
        except (OSError, ValueError, KeyError, TypeError, AssertionError):
            continue
        try:
            pid = _pid(meta.get("pid"))
        except (ValueError, TypeError, OverflowError):
            pid = 0  # a damaged note: its session cannot be running, so its work is offered
        if not all(c in "0123456789abcdef" for c in session) or not session:
            continue  # a note that names a path instead of a session
        data_path = folder / f"{session}{RECOVERY_SUFFIX}"
        if not data_path.is_file():
            continue
        alive = session in _live_sessions if pid == os.getpid() else pid_alive(pid)
        if alive:
            continue
        out.append(RecoveryEntry(data_path, meta_path, str(meta.get("source", "")), str(meta.get("title", "")),
                                 str(meta.get("saved", "")), pid, session, str(meta.get("base", ""))))
    out.sort(key=lambda e: e.saved, reverse=True)
    return out


def discard_entry(entry: RecoveryEntry) -> None:
    for path in (entry.meta_path, entry.path):
        with contextlib.suppress(OSError):
            path.unlink()
