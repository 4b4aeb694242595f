"""File names every office PC can hold: what the program proposes, and what saving accepts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.export import REGISTRY, base_name
from desktop.filenames import LONGEST_ENDING, MAX_BASE_BYTES, name_problem, safe_base
from desktop.storage import load_draft, save_draft
from tests.conftest import ROOT


@pytest.mark.parametrize("text, expected", [
    ("佛山市2020年\n实施方案", "佛山市2020年 实施方案"),
    ("CON", "_CON"), ("con.plan", "_con.plan"), ("LPT1", "_LPT1"), ("COM¹", "_COM¹"), ("CONSOLE", "CONSOLE"),
    ("../../etc/passwd", "etc passwd"), ("a/b\\c:d*e?f\"g<h>i|j", "a b c d e f g h i j"),
    ("  ..隐藏的方案. ", "隐藏的方案"), ("\t\r\n", "方案"), ("", "方案"), ("...", "方案"),
])
def test_safe_base(text, expected):
    assert safe_base(text) == expected


def test_every_ending_fits_after_the_longest_base():
    endings = [f.ending for f in REGISTRY] + [".plan.json", ".plan.json.bak"]
    assert max(len(e.encode("utf-8")) for e in endings) == len(LONGEST_ENDING.encode("utf-8")) == 14
    base = safe_base("长" * 300)
    assert base == "长" * 76 and len(base.encode("utf-8")) <= MAX_BASE_BYTES == 229


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_whatever_a_title_holds_the_proposed_names_are_usable(title):
    base = safe_base(title)
    assert base and name_problem(base + ".plan.json") is None
    assert all(len((base + e).encode("utf-8")) <= 255 for e in [f.ending for f in REGISTRY] + [LONGEST_ENDING])


def test_a_draft_named_by_another_tool_exports_under_a_usable_name(tmp_path):
    assert base_name(tmp_path / "NUL.plan.json") == "_NUL"
    assert base_name("方案\n（送审稿）.plan.json") == "方案 （送审稿）"


def test_a_draft_with_the_longest_name_a_disk_allows_saves_with_its_backup(example_draft, tmp_path):
    """81 Chinese characters + .plan.json is 253 bytes: it saved once, then failed, as
    the backup's name (…plan.json.bak) was longer than a name may be."""
    path = tmp_path / ("长" * 81 + ".plan.json")
    save_draft(example_draft, path)
    example_draft.plan.goals += "再改一次。"
    save_draft(example_draft, path)
    backups = [p for p in tmp_path.iterdir() if p.name.endswith(".bak")]
    assert len(backups) == 1 and len(backups[0].name.encode("utf-8")) <= 255
    assert load_draft(path).plan.goals.endswith("再改一次。")
    assert not load_draft(backups[0]).plan.goals.endswith("再改一次。")


@pytest.mark.parametrize("name", ["CON.plan.json", "方案\n.plan.json", "a:b.plan.json", "方案. "])
def test_the_command_line_refuses_a_new_name_no_office_pc_can_hold(tmp_path, name):
    proc = subprocess.run([sys.executable, "-m", "desktop", "new", "--example", "-o", str(tmp_path / name)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "不能使用文件名" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
