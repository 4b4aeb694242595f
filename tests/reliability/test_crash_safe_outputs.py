"""SIGKILL during autosave and during exports: the recovery file always loads,
and no half-written .docx, .pdf or .xlsx ever carries its final name."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from desktop.recovery import orphaned_entries
from desktop.storage import parse_draft_bytes
from tests.reliability.killer import kill_loop

KILLS = int(os.environ.get("PLAN_DRAFTER_KILLS", "30"))
pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")

AUTOSAVER = """
from desktop.recovery import RecoveryFile
from desktop.sample import make_draft
from desktop.storage import draft_to_bytes
blobs = []
for title in ("甲版本", "乙版本"):
    d = make_draft(400, 60, issuers=3)
    d.plan.title = title
    blobs.append((draft_to_bytes(d), title))
rec = RecoveryFile()
print("ready", flush=True)
i = 0
while True:
    data, title = blobs[i % 2]
    rec.write(data, "/某处/方案.plan.json", title)
    i += 1
"""


def test_killed_autosave_leaves_a_loadable_recovery_file(tmp_path: Path):
    seen = set()

    def verify(_i: int) -> None:
        for entry in orphaned_entries():
            draft = parse_draft_bytes(entry.path.read_bytes(), str(entry.path))
            assert draft.plan.title in ("甲版本", "乙版本")
            assert entry.title in ("甲版本", "乙版本")
            seen.add(entry.session)

    stats = kill_loop(AUTOSAVER, [], KILLS, verify, max_delay=0.3)
    assert len(seen) >= KILLS // 2  # most children lived long enough to autosave at least once
    print(f"crash-safe autosave: {stats}, recovery files offered: {len(seen)}")


EXPORTER = """
import sys
from pathlib import Path
from desktop.export import export_one
from desktop.sample import make_draft
from desktop.templates import load_template
out = Path(sys.argv[1])
draft = make_draft(120, 40, issuers=3)
template = load_template(draft.template)
export_one(draft, template, "pdf", out / "warm.pdf")  # fonts loaded before the kills begin
print("ready", flush=True)
while True:
    for fmt, name in (("docx", "方案.docx"), ("pdf", "方案.pdf"), ("xlsx", "方案-台账.xlsx")):
        export_one(draft, template, fmt, out / name)
"""


def _complete(path: Path) -> None:
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
        assert WordDocument(str(path)).paragraphs
    elif path.suffix == ".pdf":
        data = path.read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
        assert len(PdfReader(str(path)).pages) >= 2
    else:
        wb = load_workbook(path, read_only=True)
        try:
            assert "进度台账" in wb.sheetnames
        finally:
            wb.close()


def test_killed_exports_never_leave_a_partial_file(tmp_path: Path):
    finals = ["方案.docx", "方案.pdf", "方案-台账.xlsx"]
    present = {name: 0 for name in finals}

    def verify(_i: int) -> None:
        for name in finals:
            path = tmp_path / name
            if path.exists():
                present[name] += 1
                _complete(path)

    # Each child loads fonts and exports before the first kill: fewer rounds.
    stats = kill_loop(EXPORTER, [str(tmp_path)], max(8, KILLS // 3), verify, max_delay=1.2)
    assert all(present.values()), present  # every format was killed mid-loop at least once after existing
    print(f"crash-safe export: {stats}, files checked: {present}")
    # A killed export leaves its hidden temporary file; the next export of that name removes it.
    from desktop.export import export_one
    from desktop.sample import make_draft
    from desktop.templates import load_template

    draft = make_draft(6, 2)
    for fmt, name in (("docx", "方案.docx"), ("pdf", "方案.pdf"), ("xlsx", "方案-台账.xlsx")):
        export_one(draft, load_template(draft.template), fmt, tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_a_temporary_file_of_a_live_writer_or_another_computer_is_kept(tmp_path: Path):
    from desktop.storage import LEFTOVER_AGE_S, atomic_write_bytes

    target = tmp_path / "方案.pdf"
    mine_live = tmp_path / f".方案.pdf.{_host_tag()}-{os.getpid()}.abcdefgh.tmp"
    other_host = tmp_path / ".方案.pdf.000000-1.abcdefgh.tmp"
    other_old = tmp_path / ".方案.pdf.000000-2.abcdefgh.tmp"
    dead = tmp_path / f".方案.pdf.{_host_tag()}-{2**31 - 2}.abcdefgh.tmp"
    unrelated = tmp_path / ".别的.pdf.000000-2.abcdefgh.tmp"
    for p in (mine_live, other_host, other_old, dead, unrelated):
        p.write_bytes(b"x")
    old = time.time() - LEFTOVER_AGE_S - 5
    os.utime(other_old, (old, old))
    os.utime(unrelated, (old, old))
    atomic_write_bytes(target, b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, mine_live.name, other_host.name, unrelated.name])


def _host_tag() -> str:
    from desktop import storage

    return storage._HOST_TAG
