"""Full disks, read-only folders and locked files: a clear Chinese message,
the previous file intact, no partial file left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.errors import DraftError
from desktop.sample import make_draft
from desktop.storage import load_draft, save_draft
from tests.reliability.conftest import fill, remount_read_only


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def simulate_windows_lock(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Windows refuses to replace a file another program holds open; raise its error for ``target``."""
    real_replace = os.replace

    def locked(src, dst, *a, **k):
        if Path(dst) == target:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", locked)


def test_save_on_full_disk(tiny_fs: Path):
    path = tiny_fs / "方案.plan.json"
    small = make_draft(2, 1)
    save_draft(small, path, backup=False)
    before = path.read_bytes()
    fill(tiny_fs)
    with pytest.raises(DraftError) as info:
        save_draft(make_draft(300, 40), path)
    assert "磁盘空间不足" in str(info.value) and str(path) in str(info.value)
    assert path.read_bytes() == before
    assert load_draft(path).plan.title == small.plan.title
    assert _names(tiny_fs) == {"方案.plan.json", "filler.bin"}


def test_save_into_read_only_folder(read_only_fs: Path):
    path = read_only_fs / "existing.plan.json"
    save_draft(make_draft(2, 1), path, backup=False)
    before = path.read_bytes()
    remount_read_only(read_only_fs)
    with pytest.raises(DraftError) as info:
        save_draft(make_draft(3, 1), path)
    assert "只读" in str(info.value)
    assert path.read_bytes() == before
    assert _names(read_only_fs) == {"existing.plan.json"}


def test_save_over_locked_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Windows refuses to replace a file another program holds open; simulate its error."""
    path = tmp_path / "方案.plan.json"
    save_draft(make_draft(2, 1), path, backup=False)
    before = path.read_bytes()
    simulate_windows_lock(monkeypatch, path)
    with pytest.raises(DraftError) as info:
        save_draft(make_draft(3, 1), path, backup=False)
    assert "权限" in str(info.value) or "占用" in str(info.value)
    assert path.read_bytes() == before
    assert _names(tmp_path) == {"方案.plan.json"}


@pytest.mark.parametrize("fmt, name", [("docx", "方案.docx"), ("pdf", "方案.pdf"), ("xlsx", "方案-台账.xlsx")])
def test_export_on_full_disk(tiny_fs: Path, fmt: str, name: str):
    from desktop.errors import ExportError
    from desktop.export import export_one
    from desktop.templates import load_template

    draft = make_draft(200, 40, issuers=3)
    template = load_template(draft.template)
    target = tiny_fs / name
    target.write_bytes(b"previous export")
    fill(tiny_fs)
    with pytest.raises(ExportError) as info:
        export_one(draft, template, fmt, target)
    assert "磁盘空间不足" in str(info.value) and str(target) in str(info.value)
    assert target.read_bytes() == b"previous export"
    assert _names(tiny_fs) == {name, "filler.bin"}


@pytest.mark.parametrize("fmt, name, app", [("docx", "方案.docx", "Word"), ("pdf", "方案.pdf", "PDF"),
                                            ("xlsx", "方案-台账.xlsx", "Excel")])
def test_export_over_locked_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, name: str, app: str):
    """The file is open in Word/WPS/Excel (Windows refuses to replace it): say so, keep it, leave nothing."""
    from desktop.errors import ExportError
    from desktop.export import export_one
    from desktop.templates import load_template

    draft = make_draft(5, 2)
    target = tmp_path / name
    target.write_bytes(b"open in another program")
    simulate_windows_lock(monkeypatch, target)
    with pytest.raises(ExportError) as info:
        export_one(draft, load_template(draft.template), fmt, target)
    assert "请先关闭" in str(info.value) and app in str(info.value)
    assert target.read_bytes() == b"open in another program"
    assert _names(tmp_path) == {name}


def test_export_into_read_only_folder(read_only_fs: Path):
    from desktop.errors import ExportError
    from desktop.export import export_one
    from desktop.templates import load_template

    draft = make_draft(5, 2)
    remount_read_only(read_only_fs)
    with pytest.raises(ExportError) as info:
        export_one(draft, load_template(draft.template), "docx", read_only_fs / "方案.docx")
    assert "只读" in str(info.value)
    assert _names(read_only_fs) == set()
