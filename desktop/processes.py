"""Which computer this is and whether a process still runs: what lock files and
temporary files record so that a later run can tell a live writer from a dead one."""

from __future__ import annotations

import os
import sys

MAX_PID = 2**31 - 1  # what any operating system hands out; larger values come from damaged files


def hostname() -> str:
    # Not socket.gethostname(): importing socket costs ~15 ms of window start-up.
    if sys.platform == "win32":
        return os.environ.get("COMPUTERNAME", "") or "本机"
    return os.uname().nodename


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer."""
    if not 0 < pid <= MAX_PID:
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
