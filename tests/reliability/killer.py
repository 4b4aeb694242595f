"""Kill a child process at random moments while it writes, then inspect.

Used by the crash-safety tests and by scripts/reliability.py (many more
kills). The child writes in an endless loop; the parent SIGKILLs it after a
random delay and calls ``verify`` on what is left on disk.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def kill_loop(child_code: str, args: list[str], kills: int, verify: Callable[[int], None],
              max_delay: float = 0.25, seed: int = 9704) -> dict[str, int]:
    """Run ``child_code`` (python -c) ``kills`` times, SIGKILL it, verify each time."""
    rnd = random.Random(seed)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    stats = {"kills": 0, "killed_while_running": 0}
    for i in range(kills):
        proc = subprocess.Popen([sys.executable, "-c", child_code, *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, cwd=ROOT)
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "ready" once imports are done: kills land inside writes
        assert line.strip() == b"ready", proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
        time.sleep(rnd.uniform(0, max_delay))
        if proc.poll() is None:
            stats["killed_while_running"] += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
        stats["kills"] += 1
        verify(i)
    return stats
