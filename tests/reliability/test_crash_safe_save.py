"""SIGKILL during saving never leaves a draft that does not load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.sample import make_draft
from desktop.storage import BACKUP_SUFFIX, load_draft, save_draft
from tests.reliability.killer import kill_loop

KILLS = int(os.environ.get("PLAN_DRAFTER_KILLS", "30"))

SAVER = """
import sys
from desktop.sample import make_draft
from desktop.storage import save_draft
path = sys.argv[1]
drafts = []
for title in ("甲版本", "乙版本"):
    d = make_draft(400, 60, issuers=3)
    d.plan.title = title
    drafts.append(d)
print("ready", flush=True)
i = 0
while True:
    save_draft(drafts[i % 2], path)
    i += 1
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_saves_leave_old_or_new_version(tmp_path: Path):
    path = tmp_path / "大草稿.plan.json"
    first = make_draft(400, 60, issuers=3)
    first.plan.title = "甲版本"
    save_draft(first, path)
    save_draft(first, path)  # a backup exists from the start
    size = path.stat().st_size
    assert size > 200_000  # large enough that a write takes real time

    def verify(_i: int) -> None:
        assert load_draft(path).plan.title in ("甲版本", "乙版本")
        backup = path.with_name(path.name + BACKUP_SUFFIX)
        assert load_draft(backup).plan.title in ("甲版本", "乙版本")

    stats = kill_loop(SAVER, [str(path)], KILLS, verify)
    assert stats["killed_while_running"] == KILLS
    print(f"crash-safe save: {stats}")
