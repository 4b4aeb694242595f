"""What every benchmark shares: timing a call and timing LibreOffice."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXAMPLE = ROOT / "resources" / "examples" / "foshan-2020.plan.json"


def best_of(fn: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    """(fastest, median) run time of ``fn`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def libreoffice_pdf(docx: Path, work: Path) -> tuple[float, int] | None:
    """Seconds LibreOffice takes to turn ``docx`` into PDF (profile already
    created, so start-up is warm as on a clerk's PC) and the page count; None
    when LibreOffice is not installed or fails."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    profile = (work / "lo-profile").as_uri()
    cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
           "--outdir", str(work), str(docx)]
    subprocess.run(cmd, capture_output=True, timeout=300)  # first run creates the profile
    start = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, timeout=600)
    took = time.perf_counter() - start
    pdf = work / (docx.stem + ".pdf")
    if res.returncode != 0 or not pdf.exists():
        print(f"  LibreOffice 转换失败：{res.stderr.decode('utf-8', 'replace')[:200]}")
        return None
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    pages = next((int(line.split()[-1]) for line in out.stdout.splitlines() if line.startswith("Pages:")), 0)
    return took, pages
