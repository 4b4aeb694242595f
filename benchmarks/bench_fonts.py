"""Fonts: finding them in a full Windows font folder, a character no role font
has, and the reportlab adapter against reportlab's public route.

    python benchmarks/bench_fonts.py [--files 400] [--tables folders,adapter]

An office PC's C:\\Windows\\Fonts holds several hundred files. Here a folder of
``--files`` font files (links to this machine's fonts, under fresh names)
stands in for it, found through WINDIR as on Windows. Each measurement is a
fresh process (``font_set`` and one export-sized lookup), best of three:

- first start: an empty per-user cache, every file is opened and its names read;
- later starts: the cache from the first start (only new or changed files are opened).

Baseline in the same run: the same process with no such folder (fontconfig only).
A second table: laying out a paragraph with a character that none of the
role fonts has (the fallback then asks every font on the machine), first
start and later starts.

The "adapter" tables (issue 29: keep a copy of library internals only where
it is at least twice as fast as the public route), each a fresh process, best
of five: a whole-process PDF export of the 26-page six-organ joint notice with
the faces restored from the metrics cache (desktop/fonts/rl_adapter.py) and
with reportlab parsing them (``TTFont(name, path)``, the public route); the
characters of the 26-page notice subset by reportlab (the PDF's subsets) and
by fontTools (the OFD's), to see whether one subsetter could serve both.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys
sys.path.insert(0, {root!r})
from desktop import fonts
from desktop import official as gb
fs = fonts.font_set(())
face = fs.face(gb.FANGSONG)
assert face.has("中")
if sys.argv[1] == "rare":
    fs.face_for(gb.FANGSONG, "\U0002A6A5")  # 𪚥: in none of the role fonts here
"""


def run(env: dict[str, str], what: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), what], env=env, check=True,
                       capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


_ADAPTER = r"""
import sys, time, resource
variant, mode, draft_file = sys.argv[1:4]
start = time.perf_counter()
from desktop.fonts import faces, rl_adapter
if variant == "public":  # reportlab parses every face, as TTFont(name, path) does
    from reportlab.pdfbase.ttfonts import TTFont
    faces.load_ttfont = lambda name, file: TTFont(name, str(file.path), subfontIndex=file.index)
from desktop.export import ExportOptions, laid_out
from desktop.export.pdf import render_pdf_bytes
from desktop.storage import load_draft
from desktop.templates import load_template
draft = load_draft(draft_file)
template = load_template(draft.template)
if mode == "process":
    render_pdf_bytes(draft, template, ExportOptions())
    print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
else:  # subsetters: the characters each face draws
    from fontTools import subset as ft
    from desktop.fonts import subset, face_by_key
    from desktop.export.pdf import render_pages
    doc, pages, fonts, _ = laid_out(draft, template, ExportOptions(), "PDF")
    chars = {}
    for p in pages:
        for r in p.runs:
            face = face_by_key(r.font)
            if not face.missing:
                chars.setdefault(face.file, set()).update(r.text)
    made = []
    real = rl_adapter.face_class().makeSubset
    def timed(self, codes):
        t0 = time.perf_counter()
        out = real(self, codes)
        made.append(time.perf_counter() - t0)
        return out
    rl_adapter.face_class().makeSubset = timed
    render_pages(pages, fonts)
    t0 = time.perf_counter()
    for file, text in chars.items():
        subset._make(file, "".join(sorted(text)))
    print(sum(made), time.perf_counter() - t0)
"""


def _adapter_run(env: dict[str, str], variant: str, mode: str, draft: Path, repeat: int = 5) -> tuple[float, float]:
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        res = subprocess.run([sys.executable, "-c", _ADAPTER, variant, mode, str(draft)], cwd=ROOT, env=env,
                             check=True, capture_output=True, text=True)
        got = tuple(float(v) for v in res.stdout.split()[-2:])
        best = min(best, (got[0], got[1]))
    return best


def adapter_tables() -> None:
    sys.path.insert(0, str(ROOT))
    from desktop.sample import make_draft
    from desktop.storage import save_draft

    with tempfile.TemporaryDirectory(prefix="bench-adapter-") as tmp:
        work = Path(tmp)
        notice, plan = work / "notice.plan.json", work / "plan.plan.json"
        save_draft(make_draft(tasks=70, activities=16, issuers=6, groups=3, seed=7), notice, backup=False)
        save_draft(make_draft(tasks=200, activities=40, issuers=3), plan, backup=False)
        env = dict(os.environ, PYTHONPYCACHEPREFIX=str(work / "pycache"), PLAN_DRAFTER_HOME=str(work / "home"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        _adapter_run(env, "adapter", "process", notice, 1)  # bytecode, metrics cache
        adapter, public = (_adapter_run(env, v, "process", notice) for v in ("adapter", "public"))
        print("PDF 整个进程（26 页六机关联合通知，字体缓存已有）：秒、内存峰值 MB")
        print(f"  reportlab 适配（从缓存恢复字体）{adapter[0]:.3f} s {adapter[1]:.0f} MB；"
              f"公开接口 TTFont 每次解析 {public[0]:.3f} s {public[1]:.0f} MB（{public[0] / adapter[0]:.1f} 倍）")
        rl, ft = _adapter_run(env, "adapter", "subsets", notice, 3)
        print(f"26 页联合通知所用的字做成子集：reportlab（PDF）{rl * 1000:.0f} ms，fontTools（OFD）{ft * 1000:.0f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=400)
    ap.add_argument("--tables", default="folders,adapter")
    args = ap.parse_args()
    tables = args.tables.split(",")
    if "adapter" in tables:
        adapter_tables()
    if "folders" not in tables:
        return 0
    sources = [p for p in Path("/usr/share/fonts").rglob("*") if p.suffix.lower() in (".ttf", ".ttc", ".otf")]
    if not sources:
        print("没有可用的字体文件，跳过。")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-fonts-") as tmp:
        work = Path(tmp)
        fonts_dir = work / "Windows" / "Fonts"
        fonts_dir.mkdir(parents=True)
        for i in range(args.files):
            src = sources[i % len(sources)]
            (fonts_dir / f"font{i:04d}{src.suffix.lower()}").symlink_to(src)
        env = dict(os.environ, PYTHONPYCACHEPREFIX=str(work / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        rows = []
        for what in ("plain", "rare"):
            base_env = dict(env, PLAN_DRAFTER_HOME=str(work / f"home-base-{what}"))
            run(base_env, what, 1)  # compiles bytecode, fills the metrics cache
            baseline = run(base_env, what)
            win = dict(env, WINDIR=str(work / "Windows"))
            cold = float("inf")
            for k in range(3):
                home = work / f"home-cold-{what}-{k}"
                cold = min(cold, run(dict(win, PLAN_DRAFTER_HOME=str(home)), what, 1))
            warm_env = dict(win, PLAN_DRAFTER_HOME=str(work / f"home-warm-{what}"))
            run(warm_env, what, 1)
            warm = run(warm_env, what)
            rows.append((what, baseline, cold, warm))
    print(f"{'情形':<24}{'无 Windows 字体文件夹 s':>22}{'首次启动 s':>12}{'以后启动 s':>12}")
    names = {"plain": f"字体文件夹 {args.files} 个文件", "rare": "另加一个各字体都缺的字"}
    for what, baseline, cold, warm in rows:
        print(f"{names[what]:<24}{baseline:>22.3f}{cold:>12.3f}{warm:>12.3f}")
    print("首次启动读取每个字体文件的名称；以后启动只打开新增或改动过的文件。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
