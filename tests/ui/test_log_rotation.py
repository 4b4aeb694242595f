"""The log file is bounded: it rotates at 1 MB and keeps three old files."""

from __future__ import annotations

import logging

from desktop.ui.app import log_file_handler


def test_log_rotates(tmp_path):
    log = logging.getLogger("plan_drafter.test_rotation")
    handler = log_file_handler(tmp_path / "plan-drafter.log")
    log.addHandler(handler)
    log.propagate = False
    try:
        line = "检查" * 400  # ~2.4 kB a record in UTF-8
        for _ in range(2000):  # ~5 MB written in all
            log.warning(line)
    finally:
        log.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["plan-drafter.log", "plan-drafter.log.1", "plan-drafter.log.2", "plan-drafter.log.3"]
    assert all((tmp_path / f).stat().st_size <= 1024 * 1024 + 4096 for f in files)
