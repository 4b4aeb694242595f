"""The catalogue of damaged and hostile files, for every reader.

Each file must give a clear Chinese message naming it, within bounded time
and memory, and write nothing: the draft, the file itself and the folder stay
as they were. The table printed at the end (pytest -s) is the one quoted in
the README's "可靠性" section.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.errors import DesktopError
from desktop.export import ExportOptions, export_one
from desktop.ledger.importing import plan_import
from desktop.ledger.merge import merge_ledgers
from desktop.sample import make_draft
from desktop.storage import draft_to_bytes, load_draft
from desktop.templates import load_template

TEMPLATE = load_template("gd-2020-haowangmin")
MAX_SECONDS = 10.0
MAX_PEAK_MB = 150.0
RESULTS: list[tuple[str, str, float, float, str]] = []
CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _rezip(src: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, (replace or {}).get(info.filename, zin.read(info.filename)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def ledger_cases(good_ledger) -> dict[str, bytes]:
    return _ledger_cases(good_ledger[0])


@pytest.fixture(scope="module")
def good_ledger(tmp_path_factory) -> tuple[bytes, object]:
    draft = make_draft(12, 4)
    path = tmp_path_factory.mktemp("good") / "good.xlsx"
    export_one(draft, TEMPLATE, "xlsx", path, ExportOptions())
    return path.read_bytes(), draft


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"<row>" + b"0" * (1 << 20)
            for _ in range(1024):  # 1 GB unpacked, about 1 MB packed
                member.write(block)
    return out.getvalue()


def _ledger_cases(good: bytes) -> dict[str, bytes]:
    workbook_xml = zipfile.ZipFile(io.BytesIO(good)).read("xl/workbook.xml")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                         for i in range(1, 10))
              + b']>' + workbook_xml.split(b"?>", 1)[-1].replace(b"<workbook", b"<workbook a=\"&lol9;\"", 1))
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    strings = b"<sst>" + b"<si><t>" + b"x" * 60 + b"</t></si>" * 1_000_000 + b"</sst>"
    return {
        "zip bomb (1 GB unpacked)": _bomb(),
        "huge shared strings": _rezip(good, add={"xl/sharedStrings.xml": strings}),
        "XML entity expansion": _rezip(good, replace={"xl/workbook.xml": laughs}),
        "password-protected": CFB + b"\0" * 1000 + "EncryptedPackage".encode("utf-16-le"),
        "legacy .xls": CFB + b"\0" * 1000 + "Workbook".encode("utf-16-le"),
        ".docx renamed .xlsx": docx.getvalue(),
        "truncated": good[: len(good) // 2],
        "empty": b"",
        "PNG renamed .xlsx": b"\x89PNG\r\n\x1a\n" + b"\0" * 512,
    }


def _measure(kind: str, name: str, action: Callable[[], str]) -> str:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        message = action()
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1048576
        tracemalloc.stop()
    RESULTS.append((kind, name, elapsed, peak, message))
    assert elapsed < MAX_SECONDS, (name, elapsed)
    assert peak < MAX_PEAK_MB, (name, peak)
    return message


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _chinese(message: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in message) and "Traceback" not in message


@pytest.mark.parametrize("case", ["zip bomb (1 GB unpacked)", "huge shared strings", "XML entity expansion",
                                  "password-protected", "legacy .xls", ".docx renamed .xlsx", "truncated", "empty",
                                  "PNG renamed .xlsx"])
def test_ledger_import_refuses_hostile_file(case, good_ledger, ledger_cases, tmp_path):
    good, draft = good_ledger
    path = tmp_path / "台账 文件.xlsx"
    path.write_bytes(ledger_cases[case])
    before_files = _snapshot(tmp_path)
    before_draft = draft_to_bytes(draft)

    def action() -> str:
        with pytest.raises(DesktopError) as info:
            plan_import(draft, TEMPLATE, path)
        return str(info.value)

    message = _measure("台账导回", case, action)
    assert _chinese(message) and str(path) in message, message
    RESULTS[-1] = RESULTS[-1][:4] + (message.replace(f"“{path}”", "“…”"),)
    assert _snapshot(tmp_path) == before_files
    assert draft_to_bytes(draft) == before_draft


def test_ledger_merge_lists_every_hostile_file(good_ledger, ledger_cases, tmp_path):
    good, draft = good_ledger
    folder = tmp_path / "报送 台账"
    folder.mkdir()
    (folder / "好的.xlsx").write_bytes(good)
    for i, data in enumerate(ledger_cases.values()):
        (folder / f"坏{i}.xlsx").write_bytes(data)
    # Another office's ledger with an external link: merged, with a remark.
    other = make_draft(8, 2, seed=7)
    other.notice.issuers = ["另一区委网信办"]
    other_path = tmp_path / "other.xlsx"
    export_one(other, TEMPLATE, "xlsx", other_path, ExportOptions())
    (folder / "链接.xlsx").write_bytes(_rezip(other_path.read_bytes(), add={"xl/externalLinks/externalLink1.xml": (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')}))
    before = _snapshot(folder)
    out = tmp_path / "合并.xlsx"

    def action() -> str:
        report = merge_ledgers([folder], out, template=TEMPLATE)
        return f"合并 {report.merged_files} 个，跳过 {len(report.skipped)} 个"

    message = _measure("台账合并", "all of the above in one folder", action)
    assert message == f"合并 2 个，跳过 {len(ledger_cases)} 个"
    assert _snapshot(folder) == before
    assert out.is_file()


DRAFT_CASES = {
    "truncated JSON": lambda raw: raw[: len(raw) // 2],
    "PNG renamed": lambda raw: b"\x89PNG\r\n\x1a\n" + b"\0" * 300,
    ".docx renamed": lambda raw: b"PK\x03\x04" + b"\0" * 300,
    "list instead of object": lambda raw: b"[]",
    "string where a list belongs": lambda raw: raw.replace(b'"cc": [', b'"cc": "x", "x": [', 1),
    "newer version": lambda raw: raw.replace(b'"version": 1', b'"version": 9', 1),
    "empty": lambda raw: b"",
    "50 MB": lambda raw: raw + b" " * (50 * 1024 * 1024),
    "nesting 100,000 deep": lambda raw: b'{"format": "plan-draft", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "GBK text": lambda raw: '{"format": "plan-draft", "plan": {"title": "方案"}}'.encode("gbk"),
}


@pytest.mark.parametrize("case", list(DRAFT_CASES))
def test_draft_reader_refuses_hostile_file(case, tmp_path):
    raw = draft_to_bytes(make_draft(3, 1))
    path = tmp_path / "方案 草稿.plan.json"
    path.write_bytes(DRAFT_CASES[case](raw))
    before = _snapshot(tmp_path)

    def action() -> str:
        with pytest.raises(DesktopError) as info:
            load_draft(path)
        return str(info.value)

    message = _measure("草稿", case, action)
    assert _chinese(message) and str(path) in message
    RESULTS[-1] = RESULTS[-1][:4] + (message.replace(f"“{path}”", "“…”"),)
    assert _snapshot(tmp_path) == before


TEMPLATE_CASES = {
    "broken JSON": b"{ not json",
    "id with ../": json.dumps({"id": "../../etc/passwd"}).encode(),
    "statuses smuggling a formula": None,
    "3 MB file": b" " * (3 * 1024 * 1024),
}


@pytest.mark.parametrize("case", list(TEMPLATE_CASES))
def test_template_reader_refuses_hostile_file(case, tmp_path):
    base = json.loads((Path(__file__).resolve().parents[2] / "desktop" / "templates"
                       / "gd-2020-haowangmin.json").read_text(encoding="utf-8"))
    base["id"] = "office-test"
    data = TEMPLATE_CASES[case]
    if data is None:
        base["ledger"]["statuses"] = ["进行中", '=HYPERLINK("http://x")']
        data = json.dumps(base, ensure_ascii=False).encode()
    (tmp_path / "office-test.json").write_bytes(data)
    before = _snapshot(tmp_path)

    def action() -> str:
        with pytest.raises(DesktopError) as info:
            load_template("office-test", [tmp_path])
        return str(info.value)

    message = _measure("模板", case, action)
    assert _chinese(message)
    RESULTS[-1] = RESULTS[-1][:4] + (message.replace(f"“{tmp_path / 'office-test.json'}”", "“…”"),)
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("tid", ["../gd-2020-haowangmin", "..\\x", "/etc/passwd", "C:/Windows/win"])
def test_template_ids_cannot_leave_the_template_folders(tid):
    with pytest.raises(DesktopError, match="无效"):
        load_template(tid)


def test_template_text_is_never_executed(tmp_path):
    """Skeleton text with format-string tricks comes out literally."""
    from desktop.drafting import new_draft

    base = json.loads((Path(__file__).resolve().parents[2] / "desktop" / "templates"
                       / "gd-2020-haowangmin.json").read_text(encoding="utf-8"))
    base["id"] = "office-test"
    base["skeleton"]["plan"]["preamble"] = "{0.__class__.__mro__}{plan_title!r}{__import__('os')}%(x)s"
    (tmp_path / "office-test.json").write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
    draft = new_draft(load_template("office-test", [tmp_path]))
    assert draft.plan.preamble == "{0.__class__.__mro__}{plan_title!r}{__import__('os')}%(x)s"


def teardown_module() -> None:
    if RESULTS:
        print("\n读取器     | 恶意或损坏的文件 | 用时 s | 内存峰值 MB | 结果")
        for kind, name, elapsed, peak, message in RESULTS:
            print(f"{kind} | {name} | {elapsed:.2f} | {peak:.1f} | {message[:90]}")
