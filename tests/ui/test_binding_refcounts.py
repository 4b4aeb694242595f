"""The Qt binding must not leak references to None, True or False.

shiboken6 6.12.0 drops one reference to None on every call of a method that
returns nothing. On Python 3.11, where None/True/False are ordinary objects,
the count reaches zero after a while and the process aborts ("none_dealloc"):
typing about 1,000 characters was enough. The pinned combination (Python 3.12
with PySide6 6.12.0) must keep all three counts exactly where they were
across 100,000 void calls. The calls run in a child process, because on a
bad combination they kill the process that makes them.
"""

from __future__ import annotations

import subprocess
import sys

CALLS = 100_000

_CHILD = f"""
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
app = QApplication([])
label, edit = QLabel(), QLineEdit()
before = [sys.getrefcount(x) for x in (None, True, False)]
for i in range({CALLS}):
    label.setText("x")          # returns None
    label.setEnabled(i % 2 == 0)  # returns None, takes a bool
    edit.setReadOnly(False)
after = [sys.getrefcount(x) for x in (None, True, False)]
print(" ".join(str(a - b) for a, b in zip(after, before)))
"""


def test_void_calls_leave_none_true_false_refcounts_unchanged():
    proc = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (
        f"the Qt binding aborted the process after void calls (exit {proc.returncode}); "
        f"Python {sys.version.split()[0]} with this PySide6 leaks references to None:\n{proc.stderr[-800:]}")
    deltas = [int(x) for x in proc.stdout.split()]
    assert deltas == [0, 0, 0], f"refcount change of None, True, False after {CALLS} calls: {deltas}"
