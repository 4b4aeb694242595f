"""``check`` printing many problems: the readable list against ``--json`` of
the same draft, in the same run (issue 16: 20,000 problems took 5 minutes
as text, under a second as JSON).

    python benchmarks/bench_check_print.py [--tasks 10000]

The draft has every task without 牵头单位 and with an impossible 完成时限: two
problems per task. Each command runs as a separate process, output to a pipe,
best of three. Target: text within 1.5 times the JSON time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

from desktop.sample import make_draft
from desktop.storage import save_draft

TARGET_RATIO = 1.5


def timed(cmd: list[str], repeat: int = 3) -> tuple[float, bytes]:
    env = dict(os.environ)
    best, out = float("inf"), b""
    for _ in range(repeat):
        start = time.perf_counter()
        res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True)
        best = min(best, time.perf_counter() - start)
        out = res.stdout
    return best, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tasks", type=int, default=10000)
    args = ap.parse_args()
    draft = make_draft(tasks=args.tasks, activities=300)
    for g in draft.plan.task_groups:
        for t in g.tasks:
            t.lead, t.deadline = "", "2020-13-45"
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        path = Path(tmp) / "many.plan.json"
        save_draft(draft, path, backup=False)
        base = [sys.executable, "-m", "desktop", "check", str(path), "--today", "2020-10-01"]
        json_s, json_out = timed(base + ["--json"])
        text_s, text_out = timed(base)
    problems = json_out.count(b'"rule"')
    print(f"{'输出':<12}{'问题数':>8}{'秒':>8}{'输出 MB':>9}")
    print(f"{'--json':<12}{problems:>8}{json_s:>8.2f}{len(json_out) / 1e6:>9.1f}")
    print(f"{'文字列表':<10}{problems:>8}{text_s:>8.2f}{len(text_out) / 1e6:>9.1f}")
    ok = text_s <= json_s * TARGET_RATIO
    print(f"文字 / JSON：{text_s / json_s:.2f} 倍；目标 ≤ {TARGET_RATIO} 倍 —— {'达标' if ok else '未达标'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
