"""Real keystrokes from the X server into the real window (Xvfb + xdotool).

The window runs as its own process on a virtual 1024 x 768 screen, as a
clerk's program would; xdotool types through the XTEST extension, so each
character travels the whole way: X server, Qt's xcb plugin, the event loop,
the field, the undo stack, the draft, the checks and the autosave.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

pytestmark = pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")),
                                reason="needs Xvfb and xdotool (scripts/setup.sh installs them)")


@pytest.fixture
def display():
    for number in range(91, 120):
        if not Path(f"/tmp/.X{number}-lock").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


def _state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def test_5000_real_keystrokes_into_the_goals(display, tmp_path):
    typed = 5000
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PLAN_DRAFTER_HOME=str(tmp_path / "home"),
               PYTHONPATH=str(ROOT))
    state_path = tmp_path / "state.json"
    log = tmp_path / "window.log"
    with open(log, "wb") as out:
        app = subprocess.Popen([sys.executable, str(HERE / "real_window_driver.py"), str(state_path), "goals",
                                "plan.goals"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "length" not in _state(state_path) and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.1)
        start = _state(state_path)
        assert start, f"the window did not start: {app.poll()}"
        xdo = dict(env)
        wid = subprocess.run(["xdotool", "search", "--sync", "--name", "未命名方案"], env=xdo, capture_output=True,
                             text=True, timeout=20).stdout.split()[0]
        subprocess.run(["xdotool", "windowfocus", "--sync", wid], env=xdo, timeout=20, check=False)
        text = "".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(typed))
        for i in range(0, typed, 500):  # xdotool types a chunk per call
            subprocess.run(["xdotool", "type", "--delay", "1", text[i:i + 500]], env=xdo, timeout=120, check=True)
            assert app.poll() is None, f"the window died after about {i + 500} keystrokes:\n{log.read_text()[-2000:]}"
        deadline = time.monotonic() + 30
        while _state(state_path).get("length", 0) < start["length"] + typed and time.monotonic() < deadline:
            time.sleep(0.2)
        end = _state(state_path)
        assert app.poll() is None, f"the window died:\n{log.read_text()[-2000:]}"
        assert end["length"] == start["length"] + typed
        # Typing without a pause still wrote the recovery file, with the work typed so far.
        assert end["autosaves"] and max(end["autosaves"]) > start["length"]
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()


@pytest.mark.parametrize("section, field", [("notice", "notice.doc_number"), ("goals", "plan.goals")])
def test_ctrl_e_exports_from_inside_any_field(display, tmp_path, section, field):
    """On X11 a one-line field keeps Emacs keys for itself (Ctrl+E: end of line), so
    Ctrl+E did nothing there; every window shortcut now reaches the window."""
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PLAN_DRAFTER_HOME=str(tmp_path / "home"),
               PYTHONPATH=str(ROOT))
    state_path = tmp_path / "state.json"
    log = tmp_path / "window.log"
    with open(log, "wb") as out:
        app = subprocess.Popen([sys.executable, str(HERE / "real_window_driver.py"), str(state_path), section, field],
                               env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "length" not in _state(state_path) and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.1)
        assert _state(state_path), f"the window did not start: {app.poll()}"
        wid = subprocess.run(["xdotool", "search", "--sync", "--name", "未命名方案"], env=env, capture_output=True,
                             text=True, timeout=20).stdout.split()[0]
        subprocess.run(["xdotool", "windowfocus", "--sync", wid], env=env, timeout=20, check=False)
        subprocess.run(["xdotool", "type", "--delay", "20", "abc"], env=env, timeout=20, check=True)
        subprocess.run(["xdotool", "key", "ctrl+e"], env=env, timeout=20, check=True)
        deadline = time.monotonic() + 10
        while not _state(state_path).get("export_dialog") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _state(state_path)["length"] >= 3, "the keys went into the field"
        assert _state(state_path).get("export_dialog"), f"Ctrl+E did not open 导出:\n{log.read_text()[-2000:]}"
    finally:
        app.kill()
        app.wait(timeout=20)
