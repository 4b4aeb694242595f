"""Finding the fonts on a PC with a full Windows font folder, and a character
no role font has.

    python benchmarks/bench_fonts.py [--files 400]

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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=400)
    args = ap.parse_args()
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
