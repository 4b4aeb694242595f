"""Headless self-test of an installed or frozen program.

Loads the bundled example, runs the checks, exports .docx, .pdf and .xlsx
into a temporary folder, reads each back, and prints one line. Exit status 0
means every step worked; this is what CI runs against the frozen bundle and
what an office IT person can run after installing.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
import time
import zipfile
from importlib import resources
from pathlib import Path

EXAMPLE = "foshan-2020.plan.json"


def example_bytes() -> bytes:
    return resources.files("desktop_resources").joinpath("examples").joinpath(EXAMPLE).read_bytes()


def _verify_docx(path: Path, title: str) -> str:
    from docx import Document

    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    if title not in text.replace("\n", "") and title not in re.sub(r"<[^>]+>", "", xml):
        raise AssertionError("docx 中没有方案标题")
    return f"docx {path.stat().st_size // 1024} KB"


def _verify_pdf(path: Path) -> str:
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise AssertionError("pdf 文件不完整")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    if pages < 2:
        raise AssertionError(f"pdf 只有 {pages} 页")
    return f"pdf {len(data) // 1024} KB {pages} 页"


def _verify_xlsx(path: Path, sheet: str) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        if sheet not in wb.sheetnames:
            raise AssertionError(f"xlsx 中没有工作表“{sheet}”")
        rows = sum(1 for _ in wb[sheet].iter_rows())
    finally:
        wb.close()
    return f"xlsx {path.stat().st_size // 1024} KB {rows} 行"


def run() -> str:
    from desktop.checks import ERROR, run_checks
    from desktop.export import ExportOptions, export_all
    from desktop.storage import parse_draft_bytes
    from desktop.templates import load_template

    start = time.perf_counter()
    draft = parse_draft_bytes(example_bytes(), EXAMPLE)
    template = load_template(draft.template)
    problems = run_checks(draft, template, dt.date(2020, 6, 1))
    errors = sum(p.severity == ERROR for p in problems)
    if errors:
        raise AssertionError(f"示例草稿有 {errors} 个错误")
    with tempfile.TemporaryDirectory(prefix="plan-drafter-selftest-") as tmp:
        results = export_all(draft, template, Path(tmp), "自检 示例", options=ExportOptions())
        paths = {r.fmt: r.path for r in results}
        parts = [_verify_docx(paths["docx"], draft.plan.title), _verify_pdf(paths["pdf"]),
                 _verify_xlsx(paths["xlsx"], template.ledger.sheet)]
        notes = sorted({n for r in results for n in r.notes})
    elapsed = time.perf_counter() - start
    tail = f"；提示 {len(notes)} 条" if notes else ""
    return f"自检通过：检查 {len(problems)} 条提醒、0 个错误；{'，'.join(parts)}；用时 {elapsed:.1f} 秒{tail}"


def main(argv: list[str] | None = None) -> int:
    try:
        line, code = run(), 0
    except Exception as err:  # noqa: BLE001 - the self-test reports every failure as one line
        line, code = f"自检失败：{type(err).__name__}: {err}", 1
    stream = sys.stdout
    if stream is None:  # a windowed Windows program has no console
        from desktop.paths import log_dir

        log_dir().mkdir(parents=True, exist_ok=True)
        (log_dir() / "selftest.txt").write_text(line + "\n", encoding="utf-8")
    else:
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
        print(line, file=stream, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
