"""One registry of export formats: the CLI, the dialog and the bundle follow it."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import zipfile

from desktop.export import BY_KEY, DEFAULT_FORMATS, FORMATS, REGISTRY, output_path
from tests.conftest import BUNDLED_EXAMPLE, ROOT


def test_every_format_has_a_writer_with_the_contract():
    assert FORMATS == ("docx", "pdf", "xlsx", "ofd")
    assert DEFAULT_FORMATS == ("docx", "pdf", "xlsx")
    for fmt in REGISTRY:
        write = importlib.import_module(fmt.module).write
        assert list(inspect.signature(write).parameters) == ["draft", "template", "dest", "options"], fmt.key


def test_output_names():
    assert output_path(ROOT, "佛山", "xlsx").name == "佛山-台账.xlsx"
    assert output_path(ROOT, "佛山", "ofd").name == "佛山.ofd"
    assert BY_KEY["ofd"].opened_by == "OFD 阅读器"


def test_build_spec_bundles_every_format():
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert "for fmt in REGISTRY" in spec and '"desktop.export.docx"' not in spec


def test_cli_offers_a_flag_per_format_and_writes_ofd(tmp_path):
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    help_text = subprocess.run([sys.executable, "-m", "desktop", "export", "-h"], capture_output=True, text=True,
                               encoding="utf-8", env=env, timeout=60).stdout
    for flag in ("--docx", "--pdf", "--xlsx", "--ofd"):
        assert flag in help_text
    r = subprocess.run([sys.executable, "-m", "desktop", "export", str(BUNDLED_EXAMPLE), "--ofd", "--out",
                        str(tmp_path / "导出")], capture_output=True, text=True, encoding="utf-8", env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "导出" / "foshan-2020.ofd"
    assert "已导出OFD 版式公文（.ofd）" in r.stdout
    assert sorted(p.name for p in (tmp_path / "导出").iterdir()) == ["foshan-2020.ofd"]  # no temp file left
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist()[0] == "OFD.xml"
    # an OFD we wrote is ours to replace; the second export needs no --force
    r = subprocess.run([sys.executable, "-m", "desktop", "export", str(BUNDLED_EXAMPLE), "--ofd", "--out",
                        str(tmp_path / "导出")], capture_output=True, text=True, encoding="utf-8", env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr
