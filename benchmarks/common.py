"""What every benchmark shares: timing a call and timing LibreOffice."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
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


def run_measured(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, peak memory MB, 0 when unknown) of one child process.

    The memory comes from GNU time when installed: a child started straight
    from this process would report this process's own peak (Linux starts
    children with vfork and counts the memory they borrow)."""
    gnu_time = shutil.which("time") if sys.platform.startswith("linux") else None
    with tempfile.NamedTemporaryFile(prefix="rss-", suffix=".txt") as rss:
        prefix = [gnu_time, "-f", "%M", "-o", rss.name] if gnu_time else []
        start = time.perf_counter()
        res = subprocess.run([*prefix, *cmd], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        took = time.perf_counter() - start
        if res.returncode:
            raise SystemExit(f"failed ({res.returncode}): {' '.join(cmd)}")
        text = Path(rss.name).read_text().strip() if gnu_time else ""
    return took, (int(text.split()[-1]) / 1024 if text else 0.0)


def whole_process(draft_file: Path, work: Path, formats: tuple[str, ...], home: Path | None,
                  repeat: int = 3, root: Path = ROOT) -> tuple[float, float]:
    """(best wall seconds, peak memory MB of that run) of ``python -m desktop export``
    for ``formats`` as a clerk runs it, with the program in ``root``. ``home`` None
    means a fresh, empty per-user folder (so empty font caches) for every run; the
    first run is not counted (it compiles bytecode into a temporary folder, as an
    installed program has it, and fills a given ``home``)."""
    import os

    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(work / "pycache"), PYTHONPATH=str(root))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "desktop", "export", str(draft_file), *(f"--{f}" for f in formats),
           "--out", str(work / "out"), "--force"]
    best = (float("inf"), 0.0)
    for i in range(repeat + 1):
        env["PLAN_DRAFTER_HOME"] = str(home or Path(tempfile.mkdtemp(prefix="home-", dir=work)))
        got = run_measured(cmd, env, cwd=root)
        if i and got[0] < best[0]:
            best = got
    return best
