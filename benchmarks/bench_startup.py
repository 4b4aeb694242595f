"""Start-up benchmark (issue 16): window shown and first preview page visible.

Each measurement is a fresh process; times are from just before the process is
spawned (the parent's clock, CLOCK_MONOTONIC, which the child reads too):

- window shown: the end of the first complete paint pass of the main window
  (a zero timer posted from the window's first Paint event fires once the
  window and all its children have painted);
- preview page visible: the preview's QPdfView has received a rendered page
  image from its page renderer and its viewport has painted after that; once
  with the example's last preview kept in the user's cache (reopening a draft
  as it was last shown) and once with that cache emptied before each run (a
  draft changed since, or never previewed on this PC).

Baseline, in the same run: a bare PySide6 QMainWindow (1200 × 800) shown the
same way. Bytecode is compiled first into a temporary PYTHONPYCACHEPREFIX (an
installed program has its .pyc; this machine sets PYTHONDONTWRITEBYTECODE),
the settings folder is a fresh temporary one shared by the runs, and one
unmeasured run of each warms the file cache and fills the font metrics cache,
as on a clerk's PC after the first start. Median of ``--runs``.

Targets: window shown <= 1.5 × the bare window; first preview page <= 0.35 s
(issue 29), both with and without the kept preview.

Usage: python benchmarks/bench_startup.py [--runs N] [--platform offscreen|xcb]
(xcb runs under xvfb-run when there is no DISPLAY and xvfb-run is installed.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "foshan-2020.plan.json"

START_RATIO = 1.5
PREVIEW_TARGET_S = 0.35

# Prints "shown <t> <cpu>" once the first paint pass of the main window ends, and
# "preview <t> <cpu>" once the preview has painted a rendered page. Filters sit
# on those widgets only: an application-wide Python filter would slow every event.
_PROBE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class Probe(QObject):
    def __init__(self, want_preview):
        super().__init__()
        self.want_preview = want_preview
        self.shown = False
        self.page_ready = False
        self.preview_done = not want_preview
        self.viewport = None

    def report(self, what):
        print(what, repr(time.monotonic()), repr(time.process_time()), flush=True)
        if self.shown and self.preview_done:
            QTimer.singleShot(0, QApplication.instance().quit)

    def watch_window(self, window):
        window.installEventFilter(self)

    def watch_preview(self, preview):
        from PySide6.QtPdf import QPdfPageRenderer
        renderer = preview.view.findChild(QPdfPageRenderer)
        renderer.pageRendered.connect(lambda *a: setattr(self, "page_ready", True))
        self.viewport = preview.view.viewport()
        self.viewport.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            if obj is self.viewport:
                if self.page_ready and not self.preview_done:
                    self.preview_done = True
                    QTimer.singleShot(0, lambda: self.report("preview"))
            elif not self.shown:
                self.shown = True
                QTimer.singleShot(0, lambda: self.report("shown"))
        return False
"""

_BARE = _PROBE + r"""
from PySide6.QtWidgets import QMainWindow
app = QApplication(sys.argv)
probe = Probe(False)
w = QMainWindow()
w.setWindowTitle("bare")
w.resize(1200, 800)
probe.watch_window(w)
w.show()
sys.exit(app.exec())
"""

_APP = _PROBE + rf"""
from desktop.ui import mainwindow
probe = Probe(WANT_PREVIEW)
_init, _ensure = mainwindow.MainWindow.__init__, mainwindow.MainWindow.ensure_preview

def init(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    probe.watch_window(self)

def ensure_preview(self):
    fresh = self.preview is None
    preview = _ensure(self)
    if fresh:
        probe.watch_preview(preview)
    return preview

mainwindow.MainWindow.__init__, mainwindow.MainWindow.ensure_preview = init, ensure_preview
from desktop.ui.app import main
sys.exit(main(["plan-drafter", {str(EXAMPLE)!r}, "--no-err-windows"]))
"""


def _env(home: str, platform: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM=platform, PLAN_DRAFTER_HOME=home, PYTHONPATH=str(ROOT),
               PYTHONPYCACHEPREFIX=str(Path(home) / "pycache"), XDG_CACHE_HOME=str(Path(home) / "cache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(code: str, env: dict[str, str], wrapper: list[str]) -> dict[str, float]:
    start = time.monotonic()
    proc = subprocess.run([*wrapper, sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr}")
    out = {}
    for line in proc.stdout.splitlines():
        what, *values = line.split()
        if what in ("shown", "preview"):
            out[what] = float(values[0]) - start
            out[what + "_cpu"] = float(values[1])
    return out


def _compile(env: dict[str, str]) -> None:
    """Bytecode for the program and its libraries, as an installed program has it."""
    targets = [str(ROOT / "desktop"), str(ROOT / "benchmarks")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", *targets], env=env,
                   capture_output=True, check=False)


def measure(runs: int, platform: str, wrapper: list[str]) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as home:
        env = _env(home, platform)
        _compile(env)
        app_window = _APP.replace("WANT_PREVIEW", "False")
        app_preview = _APP.replace("WANT_PREVIEW", "True")
        for code in (_BARE, app_window, app_preview):  # warm caches (files, pyc, font metrics)
            _run(code, env, wrapper)
        res: dict[str, list[float]] = {k: [] for k in ("bare", "app", "preview", "cold", "bare_cpu", "app_cpu",
                                                                 "preview_cpu", "cold_cpu")}
        kept = Path(home) / "cache" / "preview"
        for _ in range(runs):  # interleaved, so a busy moment on the machine hits all alike
            bare, app, both = (_run(code, env, wrapper) for code in (_BARE, app_window, app_preview))
            shutil.rmtree(kept, ignore_errors=True)
            cold = _run(app_preview, env, wrapper)  # and keeps it again for the next round
            for key, got in (("bare", bare), ("app", app), ("preview", both), ("cold", cold)):
                shown = "preview" if key in ("preview", "cold") else "shown"
                res[key].append(got[shown])
                res[key + "_cpu"].append(got[shown + "_cpu"])
    return res


def report(res: dict[str, list[float]], label: str) -> bool:
    med = {k: statistics.median(v) for k, v in res.items()}
    print(f"启动时间（新进程，{label}，{len(res['bare'])} 次中位；从启动进程起计时）")
    print(f"{'':<40}{'中位 s':>9}{'最快 s':>9}{'最慢 s':>9}{'CPU 中位 s':>12}")
    rows = (("空白 PySide6 主窗口显示（基线）", "bare"), ("本程序显示主窗口和示例草稿", "app"),
            ("第一页预览可见（上次的预览在缓存中）", "preview"), ("第一页预览可见（缓存中没有）", "cold"))
    for name, key in rows:
        v = res[key]
        pad = 40 - sum(2 if ord(c) > 127 else 1 for c in name)  # CJK is two columns wide
        print(f"{name}{'':<{pad}}{med[key]:>9.3f}{min(v):>9.3f}{max(v):>9.3f}{med[key + '_cpu']:>12.3f}")
    ratio = med["app"] / med["bare"]
    ok_window = ratio <= START_RATIO
    ok_preview = max(med["preview"], med["cold"]) <= PREVIEW_TARGET_S
    print("（CPU：子进程到该时刻用掉的 CPU 时间，机器繁忙时比墙钟时间稳定；仅供参考）")
    print(f"窗口：{ratio:.2f} 倍于空白窗口，目标 ≤ {START_RATIO} 倍 —— {'达标' if ok_window else '未达标'}")
    print(f"预览：{med['preview']:.3f} s（缓存中没有：{med['cold']:.3f} s），目标 ≤ {PREVIEW_TARGET_S} s —— "
          f"{'达标' if ok_preview else '未达标'}")
    return ok_window and ok_preview


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--platform", choices=("offscreen", "xcb"), default="offscreen")
    args = parser.parse_args()
    wrapper: list[str] = []
    if args.platform == "xcb" and not os.environ.get("DISPLAY"):
        xvfb = shutil.which("xvfb-run")
        if not xvfb:
            print("没有 DISPLAY，也没有 xvfb-run：跳过 xcb。")
            return 0
        # xvfb-run's own start-up is inside the measured time of both rows alike.
        wrapper = [xvfb, "-a", "-s", "-screen 0 1600x1000x24"]
    return 0 if report(measure(args.runs, args.platform, wrapper), args.platform) else 1


if __name__ == "__main__":
    sys.exit(main())
