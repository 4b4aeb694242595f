"""The frozen one-folder bundle: built with build.spec, it passes its self-test
and exports a draft stored under a path with spaces and Chinese characters."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.frozen


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("pyinstaller") is None and subprocess.run(
            [sys.executable, "-c", "import PyInstaller"], capture_output=True).returncode != 0:
        pytest.skip("PyInstaller is not installed (pip install -e .[build])")
    dist = tmp_path_factory.mktemp("dist")
    work = tmp_path_factory.mktemp("build")
    proc = subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work)],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dist / "plan-drafter"


def _run(bundle: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([str(bundle / "plan-drafter"), *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=300, env=env, cwd=cwd)


def test_bundle_size_and_contents(bundle: Path):
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    print(f"bundle size: {size / 1048576:.1f} MB; largest parts:")
    for p in sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:12]:
        print(f"  {p.stat().st_size / 1048576:6.1f} MB  {p.relative_to(bundle)}")
    assert size < 155 * 1048576  # target 150 MB (Linux one-folder build); the margin absorbs system libraries
    translations = {p.name for p in bundle.rglob("*.qm")}
    assert "qtbase_zh_CN.qm" in translations
    assert not [t for t in translations if "zh_CN" not in t]
    assert not list(bundle.rglob("*WebEngine*")) and not list(bundle.rglob("*Qt6Quick*"))
    assert (bundle / "_internal" / "desktop" / "templates" / "gd-2020-haowangmin.json").is_file()


def test_frozen_selftest(bundle: Path):
    proc = _run(bundle, "--selftest")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("自检通过"), proc.stdout
    assert proc.stdout.count("\n") == 1


def test_frozen_export_in_chinese_path_with_spaces(bundle: Path, tmp_path: Path, example_path: Path):
    folder = tmp_path / "工作 文件"
    folder.mkdir()
    draft = folder / "方案.plan.json"
    shutil.copy(example_path, draft)
    proc = _run(bundle, "check", str(draft), "--today", "2020-06-01")
    assert proc.returncode == 0, proc.stderr
    proc = _run(bundle, "export", str(draft), "--out", str(folder))
    assert proc.returncode == 0, proc.stderr
    for name in ("方案.docx", "方案.pdf", "方案-台账.xlsx"):
        assert (folder / name).stat().st_size > 1000, name
    bad = folder / "坏 文件.plan.json"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    proc = _run(bundle, "check", str(bad))
    assert proc.returncode == 2 and "二进制" in proc.stderr and "Traceback" not in proc.stderr


def test_frozen_window_starts_with_the_example(bundle: Path, tmp_path: Path, example_path: Path):
    draft = tmp_path / "示例 方案.plan.json"
    shutil.copy(example_path, draft)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLAN_DRAFTER_HOME=str(tmp_path / "home"))
    proc = subprocess.run([str(bundle / "plan-drafter"), "--no-err-windows", "--quit-after-show", str(draft)],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "ModuleNotFoundError" not in proc.stderr
    internal = bundle / "_internal"
    for lib in ("QtPdf", "QtPdfWidgets", "QtPrintSupport"):
        assert list(internal.rglob(f"{lib}*")), lib


def test_frozen_template_import_and_ofd(bundle: Path, tmp_path: Path, example_path: Path):
    """What the bundle leaves out (pdfminer's non-GB maps, the real cryptography)
    does not stop reading a superior document or writing OFD."""
    folder = tmp_path / "上级 文件"
    folder.mkdir()
    draft = folder / "市方案.plan.json"
    shutil.copy(example_path, draft)
    proc = _run(bundle, "export", str(draft), "--docx", "--pdf", "--ofd", "--out", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert (folder / "市方案.ofd").stat().st_size > 1000
    reference = ROOT / "resources" / "sources" / "gd-2020-haowangmin-work-plan.txt"
    sources = [folder / "市方案.docx", folder / "市方案.pdf", reference]
    for i, src in enumerate(sources):
        proc = _run(bundle, "template", "import", str(src), "-o", str(folder / f"模板{i}.json"))
        assert proc.returncode == 0, (src.name, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert "重点任务" in proc.stdout and "已生成模板" in proc.stdout
