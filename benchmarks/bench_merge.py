"""Merge 500 generated ledgers of 30 rows each; print time and peak memory.

    python3 benchmarks/bench_merge.py [--files 500] [--rows 30] [--repeat 3]

Each measurement runs in a fresh child process so ``ru_maxrss`` is that
step's own peak (RSS of the whole interpreter, openpyxl included). Baselines
in the same run: openpyxl merely opening every file read-only and iterating
its rows, the merge reading every file with openpyxl's load_workbook (as
before issue 16) and with the lean reader (openpyxl's parsers, trimmed); the
merge itself uses the direct reader (zipfile + lxml). All merges must write
the same sheets. The baseline and the merge run ``--repeat`` times,
alternating, because other work on the machine slows single runs down by a
third and more: the table shows their medians (and the fastest run), the
ratio is the median of the rounds' ratios. Targets (issue 16): merge under
5 s and 100 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S, TARGET_MB = 5.0, 100.0

CHILD = r"""
import json, resource, sys, time, tracemalloc, warnings, datetime as dt
sys.path.insert(0, {root!r})
mode, folder, out = sys.argv[1], sys.argv[2], sys.argv[3]
from pathlib import Path
import openpyxl
import desktop.ledger.merge as merge_module
from desktop.ledger.merge import merge_ledgers
if mode == "merge-openpyxl":  # the reader as it was: load_workbook for every file
    _open = merge_module.open_ledger
    merge_module.open_ledger = lambda path, template, fast=False: _open(path, template, fast=False)
if mode == "merge-lean":  # the lean reader only (before the direct reader)
    import desktop.ledger.reader as reader_module
    reader_module.DIRECT_READER = False
files = sorted(Path(folder).glob("*.xlsx"))
tracemalloc.start()
t0 = time.perf_counter()
if mode == "baseline":
    rows = 0
    for f in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
            for r in wb.worksheets[0].iter_rows(values_only=True):
                rows += 1
            wb.close()
else:
    report = merge_ledgers([folder], out, today=dt.date(2020, 10, 1))
    rows = report.rows
    assert report.merged_files == len(files), report.lines()
elapsed = time.perf_counter() - t0
_, peak = tracemalloc.get_traced_memory()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "traced_mb": peak / 1e6, "rss_mb": rss, "rows": rows}}))
"""


def generate(folder: Path, files: int, rows: int) -> float:
    sys.path.insert(0, str(ROOT))
    from desktop.export import ExportOptions
    from desktop.ledger.export import write
    from desktop.sample import make_draft
    from desktop.templates import load_template

    template = load_template("gd-2020-haowangmin")
    options = ExportOptions(today=dt.date(2020, 10, 1))
    t0 = time.perf_counter()
    tasks = rows * 2 // 3
    for i in range(files):
        draft = make_draft(tasks=tasks, activities=rows - tasks, seed=i)
        draft.notice.issuers = [f"第{i + 1:03d}区委网信办"]
        write(draft, template, folder / f"ledger-{i:03d}.xlsx", options)
    return time.perf_counter() - t0


def run(mode: str, folder: Path, out: Path, trace: bool) -> dict:
    code = CHILD.format(root=str(ROOT))
    if not trace:
        code = code.replace("tracemalloc.start()", "").replace(
            "_, peak = tracemalloc.get_traced_memory()", "peak = float('nan') * 1e6")
    res = subprocess.run([sys.executable, "-c", code, mode, str(folder), str(out)],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def same_sheets(a: Path, b: Path) -> bool:
    """Every part but docProps/core.xml (it holds the time of writing) byte for byte."""
    import zipfile

    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names = za.namelist()
        return names == zb.namelist() and all(
            za.read(n) == zb.read(n) for n in names if n != "docProps/core.xml")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3, help="alternating runs of the baseline and the merge")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-merge-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        gen = generate(folder, args.files, args.rows)
        outs = {"merge-openpyxl": Path(tmp) / "merged-openpyxl.xlsx", "merge-lean": Path(tmp) / "merged-lean.xlsx",
                "merge": Path(tmp) / "merged.xlsx"}
        out = outs["merge"]
        first = Path(tmp) / "merged-first.xlsx"
        print(f"generated {args.files} ledgers x {args.rows} rows in {gen:.1f} s")
        rounds: dict[str, list[dict]] = {"baseline": [], "merge": []}
        for i in range(max(1, args.repeat)):
            for mode in rounds:
                rounds[mode].append(run(mode, folder, outs.get(mode, out), trace=False))
            if i == 0:
                shutil.copyfile(out, first)
        results = {mode: {**runs[0], "seconds": statistics.median(r["seconds"] for r in runs),
                          "fastest": min(r["seconds"] for r in runs), "rss_mb": max(r["rss_mb"] for r in runs)}
                   for mode, runs in rounds.items()}
        for mode in ("merge-openpyxl", "merge-lean"):
            results[mode] = run(mode, folder, outs[mode], trace=False)
        # Time and RSS without tracemalloc (it slows Python down); traced peak in one more run each.
        for mode in ("baseline", "merge-openpyxl", "merge-lean", "merge"):
            results[mode]["traced_mb"] = run(mode, folder, outs.get(mode, out), trace=True)["traced_mb"]
        size = out.stat().st_size / 1e6
        n = len(rounds["merge"])
        print()
        print(f"{'step':<28}{'seconds':>9}{'fastest':>9}{'rss MB':>9}{'traced MB':>11}{'rows':>8}")
        for mode, label in (("baseline", "openpyxl: open read-only"), ("merge-openpyxl", "merge, openpyxl reader"),
                            ("merge-lean", "merge, lean reader"), ("merge", "merge_ledgers (direct)")):
            r = results[mode]
            fastest = f"{r['fastest']:>9.2f}" if "fastest" in r else f"{'':>9}"
            print(f"{label:<28}{r['seconds']:>9.2f}{fastest}{r['rss_mb']:>9.0f}{r['traced_mb']:>11.1f}{r['rows']:>8}")
        m = results["merge"]
        ratio = statistics.median(mr["seconds"] / br["seconds"] for mr, br in zip(rounds["merge"], rounds["baseline"]))
        print(f"\nseconds: median of {n} alternating runs for the baseline and the merge, one run for the others")
        print(f"merge / baseline time: {ratio:.2f}x (median of the rounds); output {size:.1f} MB")
        same = True
        for mode in ("merge-lean", "merge"):
            ok = same_sheets(outs["merge-openpyxl"], outs[mode])
            same = same and ok
            print(f"{mode} and the openpyxl-reader merge wrote the same sheets: {'yes' if ok else 'NO'}")
        ok = same_sheets(first, out)
        same = same and ok
        print(f"the first and the last merge wrote the same sheets: {'yes' if ok else 'NO'}")
        print(f"time < {TARGET_S:.0f} s: {'met' if m['seconds'] < TARGET_S else 'NOT met'}; "
              f"memory < {TARGET_MB:.0f} MB (RSS): {'met' if m['rss_mb'] < TARGET_MB else 'NOT met'}")
        ok = same and m["seconds"] < TARGET_S and m["rss_mb"] < TARGET_MB
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
