"""PDF export time: our own layout + reportlab against LibreOffice converting
our .docx of the same draft, in the same run.

Cases: the example draft and a generated plan of about 60 pages. Our time is
the best and median of several warm runs (fonts are loaded once per process;
the first, cold run is shown too). LibreOffice runs once per case in a fresh
profile; the column is skipped when soffice or the docx writer is missing.
Target: ours at least 10 times faster.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.export import ExportOptions  # noqa: E402
from desktop.export.pdf import render_pdf_bytes  # noqa: E402
from desktop.sample import make_draft  # noqa: E402
from desktop.storage import load_draft  # noqa: E402
from desktop.templates import load_template  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "foshan-2020.plan.json"
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
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    try:
        from desktop.export import docx
    except ImportError:
        return None
    if not soffice:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "plan.docx"
        docx.write(draft, template, src, ExportOptions())
        profile = Path(tmp) / "profile"
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", tmp, str(src)]
        start = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, timeout=600, check=False)
        took = time.perf_counter() - start
        if res.returncode != 0 or not (Path(tmp) / "plan.pdf").exists():
            print(f"  LibreOffice 转换失败：{res.stderr.decode('utf-8', 'replace')[:200]}")
            return None
        return took


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
