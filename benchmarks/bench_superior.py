"""Time of ``template import`` on a long superior document (issue 15: under a
second for 30 pages).

The superior documents are our own exports of a generated city plan (about
40 pages) as .docx and .pdf; the baseline in the same run is only reading
their text with the same library (python-docx, pdfplumber), the floor any
import pays.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import best_of

from desktop.export import export_one
from desktop.sample import make_draft
from desktop.superior import import_superior
from desktop.templates import load_template

TARGET_MS = 1000.0


def _read_docx(path: Path) -> None:
    import docx

    d = docx.Document(str(path))
    "".join(p.text for p in d.paragraphs)


def _read_pdf(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_text()


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-superior-"))
    draft = make_draft(tasks=120, activities=30, issuers=3)
    template = load_template(draft.template)
    for fmt in ("docx", "pdf"):
        export_one(draft, template, fmt, work / f"city.{fmt}")
    from pypdf import PdfReader

    pages = len(PdfReader(str(work / "city.pdf")).pages)
    print(f"上级文件：生成的市级方案，{pages} 页，120 项任务，30 项活动")
    print(f"{'文件':<12}{'生成模板 最快/中位 ms':>24}{'基线：仅读取文字 ms':>22}{'任务数':>8}")
    worst = 0.0
    for fmt, read in (("docx", _read_docx), ("pdf", _read_pdf)):
        path = work / f"city.{fmt}"
        fast, med = best_of(lambda p=path: import_superior(p), repeat=3)
        base, _ = best_of(lambda r=read, p=path: r(p), repeat=3)
        worst = max(worst, med)
        n = len(import_superior(path).data["key_tasks"])
        print(f"{fmt:<12}{fast:>12.0f} / {med:<10.0f}{base:>18.0f}{n:>10}")
    verdict = "达标" if worst < TARGET_MS * pages / 30 else "未达标"
    print(f"目标：每 30 页 < {TARGET_MS:.0f} ms —— {verdict}")
    return 0 if verdict == "达标" else 1


if __name__ == "__main__":
    sys.exit(main())
