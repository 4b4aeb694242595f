"""PDF export time: our own layout + reportlab against LibreOffice converting
our .docx of the same draft, in the same run.

Cases: the example draft and a generated plan of about 60 pages. Our time is
the best and median of several warm runs (fonts are loaded once per process;
the first, cold run is shown too). LibreOffice converts our .docx once per
case with its profile already created; the column is skipped without soffice.
Target: ours at least 10 times faster.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import EXAMPLE, libreoffice_pdf

from desktop.export import ExportOptions
from desktop.export.docx import write as write_docx
from desktop.export.pdf import render_pdf_bytes
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template

TARGET = 10.0


def ours(draft, template, repeat: int = 5) -> tuple[float, float, float, int]:
    start = time.perf_counter()
    data, _ = render_pdf_bytes(draft, template, ExportOptions())
    cold = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        data, _ = render_pdf_bytes(draft, template, ExportOptions())
        times.append(time.perf_counter() - start)
    return cold, min(times), statistics.median(times), data.count(b"/Type /Page\n") or data.count(b"/Type /Page")


def libreoffice(draft, template) -> float | None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "plan.docx"
        write_docx(draft, template, src, ExportOptions())
        result = libreoffice_pdf(src, Path(tmp))
        return result[0] if result else None


def main() -> int:
    template = load_template("gd-2020-haowangmin")
    cases = [("示例草稿 foshan-2020", load_draft(EXAMPLE)),
             ("生成草稿 200 任务（约 60 页）", make_draft(tasks=200, activities=40, issuers=5))]
    print(f"{'草稿':<26}{'页数':>5}{'本程序 首次 s':>13}{'本程序 最快/中位 s':>20}{'LibreOffice s':>15}{'倍数':>8}")
    ok = True
    for name, draft in cases:
        cold, fast, med, pages = ours(draft, template)
        lo = libreoffice(draft, template)
        ratio = f"{lo / med:.0f}×" if lo else "—"
        if lo and lo / med < TARGET:
            ok = False
        lo_text = f"{lo:.2f}" if lo else "跳过"
        print(f"{name:<26}{pages:>5}{cold:>13.3f}{fast:>11.3f} / {med:<7.3f}{lo_text:>15}{ratio:>8}")
    print(f"目标：至少比 LibreOffice 转换快 {TARGET:.0f} 倍 —— {'达标' if ok else '未达标'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
