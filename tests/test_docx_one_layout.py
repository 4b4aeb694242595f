"""One export, one layout: every format is written from it, and its notes come once.

The Word writer takes its pagination from the same layout the PDF and the OFD
draw (issue 29.1), so one export lays the document out once; the files are
the same bytes as when each format is exported on its own. The notes about
fonts are given once for the whole export, after the files' own notes
(issue 27.6), in the command line's output too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import desktop.layout
from desktop.export import ExportOptions, export_all, export_notes, export_one
from desktop.sample import make_draft
from desktop.storage import save_draft
from desktop.templates import load_template

ROOT = Path(__file__).resolve().parent.parent
# No font on any machine has a glyph for a private-use code point: a note about it is certain.
NO_GLYPH = "\U0010fffd"


@pytest.fixture(scope="module")
def draft():
    d = make_draft(tasks=12, activities=4, issuers=2, seed=3)
    d.plan.goals += NO_GLYPH
    return d


def test_one_layout_for_every_format(draft, tmp_path, monkeypatch):
    template = load_template(draft.template)
    calls = []
    real = desktop.layout.layout

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(desktop.layout, "layout", counted)
    results = export_all(draft, template, tmp_path, "方案", ("docx", "pdf", "xlsx", "ofd"), ExportOptions())
    assert [r.fmt for r in results] == ["docx", "pdf", "xlsx", "ofd"]
    assert len(calls) == 1
    # Each format on its own lays the document out again: the same bytes all the same.
    for r in results:
        if r.fmt == "xlsx":  # the ledger is not typeset
            continue
        alone = export_one(draft, template, r.fmt, tmp_path / f"alone-{r.path.name}", ExportOptions())
        assert alone.path.read_bytes() == r.path.read_bytes(), r.fmt
    assert len(calls) == 4


def test_font_notes_once_for_the_export(draft, tmp_path):
    template = load_template(draft.template)
    results = export_all(draft, template, tmp_path, "方案", ("docx", "pdf", "ofd"), ExportOptions())
    notes = export_notes(results)
    missing = [n for n in notes if "U+10FFFD" in n]
    assert len(missing) == 1 and "PDF 和 OFD" in missing[0]
    assert len(notes) == len(set(notes))
    # The font notes are on one result only (the window lists every result's notes), after the Word note.
    assert sum("U+10FFFD" in n for r in results for n in r.notes) == 1
    word = [k for k, n in enumerate(notes) if "Word" in n]
    assert word and max(word) < notes.index(missing[0])
    # A PDF on its own names only the PDF.
    alone = export_one(draft, template, "pdf", tmp_path / "alone.pdf", ExportOptions())
    assert [n for n in alone.notes if "U+10FFFD" in n][0].count("PDF") == 1 and "OFD" not in "".join(alone.notes)


def test_command_line_lists_the_notes_once_at_the_end(draft, tmp_path):
    src = tmp_path / "方案.plan.json"
    save_draft(draft, src, backup=False)
    proc = subprocess.run([sys.executable, "-m", "desktop", "export", str(src), "--docx", "--pdf", "--ofd",
                           "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    done = [k for k, line in enumerate(lines) if line.startswith("已导出")]
    hints = [k for k, line in enumerate(lines) if line.startswith("提示：")]
    assert len(done) == 3 and hints and min(hints) > max(done)
    assert len([line for line in lines if "U+10FFFD" in line]) == 1
    assert len(lines) == len(set(lines))
