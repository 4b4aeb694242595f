"""Merge N generated ledgers of R rows each; print time and peak memory against baselines.

    python3 benchmarks/bench_merge.py [--files 500] [--rows 30] [--repeat 3] [--before REV]

Each measurement runs in a fresh child process so ``ru_maxrss`` is that
step's own peak (RSS of the whole interpreter, libraries included).
Measured in the same run, on the same files:

- baseline: openpyxl merely opening every file read-only and iterating its
  rows (the public route the merge would otherwise take);
- before: the merge of revision REV (default: the commit before issue 28),
  extracted with ``git archive`` into a temporary folder;
- merge: ``merge_ledgers`` as it is (calamine reads, XlsxWriter writes);
- merge, openpyxl reader: the same with every ledger read by openpyxl;
- writing alone, once the rows are read: the summary by XlsxWriter (all three
  sheets and the chart) against openpyxl's write-only mode writing only its
  biggest sheet, 合并台账, cell by cell with the same styles. XlsxWriter is
  used because it takes at most half that time (issue 29).

The baseline and the merge run ``--repeat`` times, alternating, because other
work on this 2-core machine slows single runs down by a third and more: the
table shows medians (and the fastest run); the ratio is the median of the
rounds' ratios. Targets: 500 × 30 in under 3 s and 100 MB; 2,000 in under 60 s.
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
BEFORE = "e001f83"  # main before issue 28: the direct reader and openpyxl's writer
TARGETS = {500: 3.0, 2000: 60.0}
TARGET_MB = 100.0

CHILD = r"""
import json, resource, sys, time, warnings, datetime as dt
sys.path.insert(0, {root!r})
mode, folder, out = sys.argv[1], sys.argv[2], sys.argv[3]
from pathlib import Path
import openpyxl
files = sorted(Path(folder).glob("*.xlsx"))
today = dt.date(2020, 10, 1)
t0 = time.perf_counter()
extra = {{}}
if mode == "baseline":
    rows = 0
    for f in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
            for r in wb.worksheets[0].iter_rows(values_only=True):
                rows += 1
            wb.close()
elif mode in ("merge", "before", "merge-openpyxl"):
    import desktop.ledger.merge as merge_module
    if mode == "merge-openpyxl":
        _open = merge_module.open_ledger
        merge_module.open_ledger = lambda path, template, fast=False: _open(path, template, fast=False)
    report = merge_module.merge_ledgers([folder], out, today=today)
    rows = report.rows
    assert report.merged_files == len(files), report.lines()
elif mode == "write":  # writing alone: XlsxWriter (what the merge uses) and openpyxl, on one plan
    from desktop.ledger.merge import plan_merge, write_merge
    plan = plan_merge([folder], today=today)
    rows = plan.report.rows
    t1 = time.perf_counter()
    write_merge(plan, out, backup=False)
    extra["xlsxwriter"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    sys.path.insert(0, {bench!r})
    from bench_merge import openpyxl_sheet
    openpyxl_sheet(plan, out + ".openpyxl.xlsx")
    extra["openpyxl"] = time.perf_counter() - t1
elapsed = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "rss_mb": rss, "rows": rows, **extra}}))
"""


def openpyxl_sheet(plan, path: str) -> None:
    """合并台账 written by openpyxl's write-only mode, cell by cell, with the styles the
    XlsxWriter summary gives it (header font and fill, top-aligned text, quote prefix,
    dates): the reference for the writing time."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    from desktop.ledger.common import DATE_FORMAT, KEY_TITLE, SOURCE_TITLE, UNIT_TITLE, text_form

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("合并台账")
    columns = list(plan.template.ledger.columns)
    head = []
    for title in [UNIT_TITLE] + [c.title for c in columns] + [KEY_TITLE, SOURCE_TITLE]:
        cell = WriteOnlyCell(ws, title)
        cell.font = Font(name="黑体", size=10, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        head.append(cell)
    ws.append(head)
    top = Alignment(vertical="top")

    def cell_of(value):
        if isinstance(value, str):
            if not value:
                return None
            text, quote = text_form(value)
            cell = WriteOnlyCell(ws, text)
            cell.data_type = "s"
            cell.alignment = top
            if quote:
                cell.quotePrefix = True
            return cell
        if isinstance(value, dt.date):
            cell = WriteOnlyCell(ws, value)
            cell.number_format = DATE_FORMAT
            return cell
        return value

    for office in plan.offices:
        for values, key, source in office.rows:
            ws.append([cell_of(v) for v in [office.label, *values, key, source]])
    wb.save(path)


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
        draft.id = f"{i:016x}"
        draft.notice.issuers = [f"第{i + 1:04d}区委网信办"]
        write(draft, template, folder / f"ledger-{i:04d}.xlsx", options)
    return time.perf_counter() - t0


def run(mode: str, folder: Path, out: Path, root: Path) -> dict:
    code = CHILD.format(root=str(root), bench=str(ROOT / "benchmarks"))
    res = subprocess.run([sys.executable, "-c", code, mode, str(folder), str(out)],
                         capture_output=True, text=True, check=True, cwd=root)
    return json.loads(res.stdout.strip().splitlines()[-1])


def same_sheets(a: Path, b: Path) -> bool:
    """Every part but docProps/core.xml (it holds the time of writing) byte for byte."""
    import zipfile

    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names = za.namelist()
        return names == zb.namelist() and all(
            za.read(n) == zb.read(n) for n in names if n != "docProps/core.xml")


def extract(rev: str, where: Path) -> Path | None:
    """The tree of ``rev`` in ``where`` (None outside a git checkout)."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "desktop", "resources"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3, help="alternating runs of the baseline and the merge")
    ap.add_argument("--before", default=BEFORE, help="the revision to compare with (git archive); '' for none")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-merge-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        gen = generate(folder, args.files, args.rows)
        before_root = extract(args.before, Path(tmp) / "before") if args.before else None
        out = Path(tmp) / "merged.xlsx"
        first = Path(tmp) / "merged-first.xlsx"
        print(f"generated {args.files} ledgers x {args.rows} rows in {gen:.1f} s")
        modes = ["baseline", "merge"] + (["before"] if before_root else [])
        rounds: dict[str, list[dict]] = {m: [] for m in modes}
        for i in range(max(1, args.repeat)):
            for mode in modes:
                target = Path(tmp) / f"{mode}.xlsx" if mode != "merge" else out
                target.unlink(missing_ok=True)
                rounds[mode].append(run(mode, folder, target, before_root if mode == "before" else ROOT))
            if i == 0:
                shutil.copyfile(out, first)
        results = {mode: {**runs[0], "seconds": statistics.median(r["seconds"] for r in runs),
                          "fastest": min(r["seconds"] for r in runs), "rss_mb": max(r["rss_mb"] for r in runs)}
                   for mode, runs in rounds.items()}
        results["merge-openpyxl"] = run("merge-openpyxl", folder, Path(tmp) / "merged-openpyxl.xlsx", ROOT)
        write = run("write", folder, Path(tmp) / "write.xlsx", ROOT)
        size = out.stat().st_size / 1e6
        n = len(rounds["merge"])
        print()
        print(f"{'step':<40}{'seconds':>9}{'fastest':>9}{'rss MB':>9}{'rows':>8}")
        labels = (("baseline", "openpyxl: open read-only (baseline)"),
                  ("before", f"merge before ({args.before}: direct reader)"),
                  ("merge", "merge now (calamine + XlsxWriter)"),
                  ("merge-openpyxl", "merge now, openpyxl reader"))
        for mode, label in labels:
            if mode not in results:
                continue
            r = results[mode]
            fastest = f"{r['fastest']:>9.2f}" if "fastest" in r else f"{'':>9}"
            print(f"{label:<40}{r['seconds']:>9.2f}{fastest}{r['rss_mb']:>9.0f}{r['rows']:>8}")
        print(f"{'writing: openpyxl, 合并台账 only':<40}{write['openpyxl']:>9.2f}")
        print(f"{'writing: XlsxWriter, all three sheets':<40}{write['xlsxwriter']:>9.2f}")
        m = results["merge"]
        ratio = statistics.median(mr["seconds"] / br["seconds"] for mr, br in zip(rounds["merge"], rounds["baseline"]))
        print(f"\nseconds: median of {n} alternating runs for the baseline, before and now; one run for the others")
        print(f"merge / baseline time: {ratio:.2f}x (median of the rounds); output {size:.1f} MB")
        if "before" in rounds:
            speed = statistics.median(br["seconds"] / mr["seconds"] for mr, br in zip(rounds["merge"],
                                                                                     rounds["before"]))
            print(f"before / now: {speed:.2f}x (median of the rounds)")
        halves = write["xlsxwriter"] <= write["openpyxl"] / 2
        print(f"XlsxWriter / openpyxl writing: {write['xlsxwriter'] / write['openpyxl']:.2f}x "
              f"({'at most half: kept' if halves else 'NOT half: openpyxl would do'})")
        same = same_sheets(first, out)
        print(f"the first and the last merge wrote the same sheets: {'yes' if same else 'NO'}")
        target = TARGETS.get(args.files)
        met = target is None or m["seconds"] < target
        print(f"time < {target} s: {'met' if met else 'NOT met'}; " if target else "", end="")
        mem = args.files > 500 or m["rss_mb"] < TARGET_MB  # the memory target is for 500 ledgers
        if args.files > 500:
            print(f"memory (RSS, no target at {args.files} ledgers): {m['rss_mb']:.0f} MB")
        else:
            print(f"memory < {TARGET_MB:.0f} MB (RSS): {'met' if m['rss_mb'] < TARGET_MB else 'NOT met'}")
        return 0 if same and met and mem and halves else 1


if __name__ == "__main__":
    raise SystemExit(main())
