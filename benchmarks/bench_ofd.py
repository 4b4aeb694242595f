"""OFD export time and memory, against the PDF export of the same drafts in the same run.

    python benchmarks/bench_ofd.py [--before DIR] [--repeat N]

Drafts: the example (8 pages), a six-organ joint notice (26 pages) and a
three-organ plan (66 pages). Each figure is a fresh process, best of
``--repeat`` (bytecode compiled beforehand into a temporary folder, as an
installed program has it):

- OFD, empty cache: ``export --ofd`` with an empty per-user folder, so fontTools
  subsets every face (what every process did before the subsets were kept);
- OFD: the same with the user's cache filled by an earlier export;
- OFD, new character: one character no page had is added first (that face's
  subset is made again, the others are read back);
- all four: ``export --docx --pdf --xlsx --ofd``, cache filled;
- PDF: ``export --pdf``, cache filled (the baseline);
- window: in one process that has drawn the preview's PDF (fonts loaded), the
  first OFD export (``export_one``), with the cache filled and empty.

``--before DIR`` measures another checkout of the program (for example
``git worktree add /tmp/before <commit>``) the same way in the same run, in
rows marked "before". Targets (issue 29, the 26-page joint notice): all four
<= 0.5 s, OFD <= 0.35 s, the first OFD export in the window <= 0.2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from common import EXAMPLE, ROOT, run_measured, whole_process

from desktop.sample import make_draft
from desktop.storage import load_draft, save_draft

TARGET_ALL, TARGET_OFD, TARGET_WINDOW = 0.5, 0.35, 0.2

_WINDOW = r"""
import sys, time
from pathlib import Path
from desktop.export import ExportOptions, export_one
from desktop.export.pdf import render_pdf_bytes
from desktop.storage import load_draft
from desktop.templates import load_template
draft = load_draft(sys.argv[1])
template = load_template(draft.template)
render_pdf_bytes(draft, template, ExportOptions())  # the preview: fonts loaded and laid out once
start = time.perf_counter()
export_one(draft, template, "ofd", Path(sys.argv[2]), ExportOptions())
print(time.perf_counter() - start)
"""


def cases(work: Path) -> list[tuple[str, Path, Path]]:
    """(name, draft file, the same draft with one new character)."""
    drafts = [("示例草稿 8 页", load_draft(EXAMPLE)),
              ("六机关联合通知 26 页", make_draft(tasks=70, activities=16, issuers=6, groups=3, seed=7)),
              ("三机关联合通知 66 页", make_draft(tasks=200, activities=40, issuers=3))]
    out = []
    for n, (name, draft) in enumerate(drafts):
        path, edited = work / f"{n}.plan.json", work / f"{n}-edited.plan.json"
        save_draft(draft, path, backup=False)
        draft.notice.body += "鼹"  # in none of these drafts
        save_draft(draft, edited, backup=False)
        out.append((name, path, edited))
    return out


class Runner:
    """Runs one checkout of the program."""

    def __init__(self, root: Path, work: Path, repeat: int):
        self.root, self.work, self.repeat = root, work, repeat
        self.env = dict(os.environ, PYTHONPYCACHEPREFIX=str(work / "pycache"), PYTHONPATH=str(root))
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)

    def _env(self, home: Path) -> dict[str, str]:
        return dict(self.env, PLAN_DRAFTER_HOME=str(home))

    def export(self, draft: Path, formats: tuple[str, ...], home: Path | None) -> tuple[float, float]:
        """Best (seconds, MB); ``home`` None: a new empty one each run."""
        return whole_process(draft, self.work, formats, home, self.repeat, self.root)

    def window(self, draft: Path, home: Path | None) -> float:
        import subprocess

        best = float("inf")
        for _ in range(self.repeat):
            run_home = home or Path(tempfile.mkdtemp(prefix="home-", dir=self.work))
            res = subprocess.run([sys.executable, "-c", _WINDOW, str(draft), str(self.work / "window.ofd")],
                                 cwd=self.root, env=self._env(run_home), capture_output=True, text=True,
                                 check=True)
            best = min(best, float(res.stdout.split()[-1]))
        return best

    def row(self, draft: Path, edited: Path, n: int) -> dict[str, tuple[float, float]]:
        home = Path(tempfile.mkdtemp(prefix=f"home-warm-{n}-", dir=self.work))
        out = {"ofd_cold": self.export(draft, ("ofd",), None), "ofd": self.export(draft, ("ofd",), home)}
        edited_times = []
        for _ in range(self.repeat):  # each time from the cache of the unedited draft
            fresh = Path(tempfile.mkdtemp(prefix=f"home-edit-{n}-", dir=self.work))
            shutil.copytree(home, fresh, dirs_exist_ok=True)
            cmd = [sys.executable, "-m", "desktop", "export", str(edited), "--ofd", "--out",
                   str(self.work / "out"), "--force"]
            edited_times.append(run_measured(cmd, self._env(fresh), cwd=self.root))
        out["ofd_new_char"] = min(edited_times)
        out["all"] = self.export(draft, ("docx", "pdf", "xlsx", "ofd"), home)
        out["pdf"] = self.export(draft, ("pdf",), home)
        out["window"] = (self.window(draft, home), 0.0)
        out["window_cold"] = (self.window(draft, None), 0.0)
        return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=Path, help="another checkout of the program, measured in the same run")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ofd-") as tmp:
        work = Path(tmp)
        runners = [("", Runner(ROOT, work, args.repeat))]
        if args.before:
            runners.insert(0, ("before", Runner(args.before.resolve(), work, args.repeat)))
        rows = []
        for n, (name, draft, edited) in enumerate(cases(work)):
            for label, runner in runners:
                rows.append((name, label, runner.row(draft, edited, n)))
    cols = [("ofd_cold", "OFD 空缓存"), ("ofd", "OFD"), ("ofd_new_char", "OFD 新字"), ("all", "四种格式"),
            ("pdf", "PDF（基线）"), ("window", "窗口首次 OFD"), ("window_cold", "窗口首次 OFD 空缓存")]
    print("整个进程的秒数（括号内为内存峰值 MB）；窗口：已显示预览的进程中第一次导出 OFD 的秒数")
    print(f"{'草稿':<20}{'':<8}" + "".join(f"{title:>18}" for _, title in cols))
    ok = True
    for name, label, row in rows:
        cells = []
        for key, _ in cols:
            secs, mb = row[key]
            cells.append(f"{secs:.3f}" + (f" ({mb:.0f})" if mb else ""))
        print(f"{name:<20}{label:<8}" + "".join(f"{c:>18}" for c in cells))
        if "26" in name and not label:
            ok = row["all"][0] <= TARGET_ALL and row["ofd"][0] <= TARGET_OFD and row["window"][0] <= TARGET_WINDOW
    print(f"目标（26 页联合通知）：四种格式 ≤ {TARGET_ALL} s，OFD ≤ {TARGET_OFD} s，窗口中首次 OFD ≤ {TARGET_WINDOW} s"
          f" —— {'达标' if ok else '未达标'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
