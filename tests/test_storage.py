"""Loading and saving drafts: hostile files give a Chinese message and stay untouched."""

import hashlib
import json
import os
import subprocess
import sys

import pytest

from desktop.errors import DraftError
from desktop.storage import BACKUP_SUFFIX, load_draft, save_draft

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _hostile_files(example_raw):
    text = json.dumps(example_raw, ensure_ascii=False)
    newer = dict(example_raw, version=7, generator="plan-drafter 9.0")
    wrong_type = json.loads(text)
    wrong_type["notice"]["cc"] = "省委网信办"
    return {
        "truncated": (text[: len(text) // 2].encode(), "损坏"),
        "png": (PNG, "二进制"),
        "list": (b"[1, 2, 3]", "列表"),
        "string-for-list": (json.dumps(wrong_type, ensure_ascii=False).encode(), "notice.cc"),
        "newer": (json.dumps(newer).encode(), "第 7 版"),
        "empty": (b"", "空的"),
        "whitespace": (b"  \n ", "空的"),
        "not-utf8": ('{"format": "plan-draft", "plan": {"title": "方案"}}'.encode("gbk"), "UTF-8"),
        "other-json": (b'{"name": "something else"}', "不是本软件的草稿"),
        "nan": (b'{"format": "plan-draft", "progress": {"t1": {"percent": NaN}}}', "无效的数值"),
        "deep": (b'{"format": "plan-draft", "x": ' + b"[" * 100000 + b"]" * 100000 + b"}", "嵌套过深"),
        "bad-version": (b'{"format": "plan-draft", "version": "1"}', "版本号"),
    }


@pytest.mark.parametrize("kind", ["truncated", "png", "list", "string-for-list", "newer", "empty", "whitespace",
                                  "not-utf8", "other-json", "nan", "deep", "bad-version"])
def test_hostile_draft_gives_message_and_stays_untouched(tmp_path, example_raw, kind):
    data, expected = _hostile_files(example_raw)[kind]
    path = tmp_path / f"{kind}.plan.json"
    path.write_bytes(data)
    before = hashlib.sha256(data).hexdigest()
    with pytest.raises(DraftError) as info:
        load_draft(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_huge_file_refused_without_reading(tmp_path):
    path = tmp_path / "huge.plan.json"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(DraftError, match="过大"):
        load_draft(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DraftError, match="找不到"):
        load_draft(tmp_path / "nope.plan.json")
    with pytest.raises(DraftError, match="文件夹"):
        load_draft(tmp_path)


def test_save_is_atomic_and_keeps_backup(tmp_path, example_draft):
    path = tmp_path / "方案 草稿.plan.json"
    save_draft(example_draft, path)
    first = path.read_bytes()
    example_draft.plan.title = "改过的标题"
    save_draft(example_draft, path)
    assert load_draft(path).plan.title == "改过的标题"
    assert (tmp_path / (path.name + BACKUP_SUFFIX)).read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, path.name + BACKUP_SUFFIX])
    if os.name == "posix":
        assert oct(path.stat().st_mode & 0o777) != oct(0o600)


@pytest.mark.parametrize("links", [True, False], ids=["hard-link", "no-links-copy"])
def test_backup_is_always_the_version_before(tmp_path, example_draft, monkeypatch, links):
    """The .bak is a second name for the previous file where the disk has hard links
    (no copy of a large draft at every save), a copy where it has not (a FAT stick)."""
    if not links:
        def no_links(*_a, **_k):
            raise OSError(1, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "方案.plan.json"
    backup = tmp_path / (path.name + BACKUP_SUFFIX)
    versions = []
    for title in ("一稿", "二稿", "三稿"):
        example_draft.plan.title = title
        save_draft(example_draft, path)
        versions.append(path.read_bytes())
        assert load_draft(path).plan.title == title
    assert backup.read_bytes() == versions[1] and path.read_bytes() == versions[2]
    assert not os.path.samefile(path, backup)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, backup.name])


def test_failed_save_leaves_previous_file(tmp_path, example_draft, monkeypatch):
    path = tmp_path / "a.plan.json"
    save_draft(example_draft, path)
    before = path.read_bytes()

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(DraftError, match="磁盘空间不足"):
        save_draft(example_draft, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder(tmp_path, example_draft):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(DraftError, match="权限"):
            save_draft(example_draft, folder / "x.plan.json")
    finally:
        folder.chmod(0o755)


def test_cli_exit_status_2_without_traceback(tmp_path):
    path = tmp_path / "bad.plan.json"
    path.write_bytes(PNG)
    proc = subprocess.run([sys.executable, "-m", "desktop", "check", str(path)], capture_output=True, text=True,
                          encoding="utf-8")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "二进制" in proc.stderr
    assert proc.stderr.strip().count("\n") == 0  # one paragraph


def test_draft_without_format_marker_but_with_sections_loads(tmp_path, example_raw):
    raw = dict(example_raw)
    raw.pop("format")
    path = tmp_path / "手写.plan.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert load_draft(path).plan.title == example_raw["plan"]["title"]
    path.write_text(json.dumps({"format": "something-else", **{k: v for k, v in raw.items()}}), encoding="utf-8")
    with pytest.raises(DraftError, match="不是本软件的草稿"):
        load_draft(path)


def test_unknown_lists_are_shared_not_copied_and_written_in_one_line(example_raw, tmp_path):
    """A colleague's tool may keep millions of elements under its own key: copies of
    the draft share them (undo snapshots, the preview) and saving writes them with
    json's compact encoder, once, instead of its pure-Python indenting one."""
    from desktop.storage import draft_to_bytes

    raw = dict(example_raw, x_tool=[0] * 50_000, x_map={"a": [1, {"b": 2}]}, x_note="附言")
    raw["plan"] = dict(raw["plan"], x_inner=[["甲", 1.5], None])
    path = tmp_path / "外来.plan.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    draft = load_draft(path)
    assert draft.to_dict()["x_tool"] is draft.extra["x_tool"]
    assert draft.copy().extra["x_tool"] is draft.extra["x_tool"]
    data = draft_to_bytes(draft)
    assert b'"x_tool": [0,0,0,0' in data and b'"x_inner": [["\xe7\x94\xb2",1.5],null]' in data
    save_draft(draft, path)
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["x_tool"] == [0] * 50_000 and again["x_map"] == {"a": [1, {"b": 2}]}
    assert again["plan"]["x_inner"] == [["甲", 1.5], None] and again["x_note"] == "附言"
    assert load_draft(path).plan.to_dict() == draft.plan.to_dict()


def test_a_draft_near_the_size_limit_saved_still_opens(example_raw, tmp_path, monkeypatch):
    """A colleague's tool wrote 15 MB of list compactly; our save wrote it with json's
    ", " separators (22 MB) and the next open refused the file as over 16 MB."""
    from desktop import storage

    monkeypatch.setattr(storage, "MAX_DRAFT_BYTES", 2 * 1024 * 1024)
    raw = dict(example_raw, x_tool=[0] * 1_000_000)  # 2,000,001 bytes compact: under the 2 MB limit
    path = tmp_path / "外来.plan.json"
    path.write_text(json.dumps(raw, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    assert path.stat().st_size < 2 * 1024 * 1024
    draft = load_draft(path)
    draft.plan.title += "（修订）"
    save_draft(draft, path)
    again = load_draft(path)
    assert again.plan.title.endswith("（修订）") and again.extra["x_tool"] == [0] * 1_000_000


def test_a_draft_too_big_to_open_again_is_not_saved(example_raw, tmp_path, monkeypatch):
    from desktop import storage

    path = tmp_path / "方案.plan.json"
    path.write_text(json.dumps(example_raw, ensure_ascii=False), encoding="utf-8")
    before = path.read_bytes()
    draft = load_draft(path)
    draft.plan.goals = "目标" * 700_000  # 4.2 MB of UTF-8
    monkeypatch.setattr(storage, "MAX_DRAFT_BYTES", 4 * 1024 * 1024)
    with pytest.raises(DraftError, match="4.0 MB.*无法再打开"):
        save_draft(draft, path)
    assert path.read_bytes() == before and not list(tmp_path.glob("*.bak"))


def test_an_unknown_value_looking_like_the_writers_mark_stays_itself(example_raw, tmp_path):
    from desktop.storage import draft_to_bytes

    raw = dict(example_raw, x_list=["@verbatim-0-0@"], x_text='"@verbatim-0-0@"')
    path = tmp_path / "标记.plan.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    draft = load_draft(path)
    back = json.loads(draft_to_bytes(draft))
    assert back["x_list"] == ["@verbatim-0-0@"] and back["x_text"] == '"@verbatim-0-0@"'
