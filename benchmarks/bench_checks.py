"""Time of a full check: the example draft and a generated 1,000-task draft.

Prints a table; the baseline in the same run is parsing the same draft, so the
figures can be compared across machines. Target: under 50 ms for the large one.
"""

from __future__ import annotations

import datetime as dt
import sys

from common import EXAMPLE, best_of

from desktop.checks import run_checks
from desktop.sample import make_draft
from desktop.storage import draft_to_bytes, load_draft, parse_draft_bytes
from desktop.templates import load_template

TARGET_MS = 50.0


def main() -> int:
    template = load_template("gd-2020-haowangmin")
    today = dt.date(2020, 10, 1)
    cases = [("示例草稿 foshan-2020", load_draft(EXAMPLE)),
             ("生成草稿 1000 任务 + 300 活动", make_draft(1000, 300, issuers=3))]
    print(f"{'草稿':<32}{'检查 最快/中位 ms':>22}{'基线：解析 ms':>16}{'问题数':>8}")
    worst = 0.0
    for name, draft in cases:
        data = draft_to_bytes(draft)
        fast, med = best_of(lambda d=draft: run_checks(d, template, today), repeat=15)
        base, _ = best_of(lambda b=data, n=name: parse_draft_bytes(b, n), repeat=15)
        worst = max(worst, med)
        print(f"{name:<32}{fast:>10.1f} / {med:<9.1f}{base:>14.1f}{len(run_checks(draft, template, today)):>8}")
    verdict = "达标" if worst < TARGET_MS else "未达标"
    print(f"目标：大草稿检查 < {TARGET_MS:.0f} ms —— {verdict}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
