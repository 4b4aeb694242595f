"""A real client opens the exported ledger: LibreOffice converts it to CSV and PDF.

Two conversions in all (they cost ~2 s each), each with a private profile.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from desktop import official
from desktop.export import ExportOptions, export_one
from tests.test_ledger_export import LONG, TODAY, hostile_draft

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装")]


def convert(src: Path, fmt: str, tmp: Path) -> Path:
    profile = tmp / f"profile-{fmt.split(':')[0]}"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(tmp / "out"), str(src)],
                   check=True, timeout=90, capture_output=True)
    ext = fmt.split(":")[0]
    out = tmp / "out" / f"{src.stem}.{ext}"
    assert out.exists(), f"LibreOffice did not write {out.name}"
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from desktop.templates import load_template

    tmp = tmp_path_factory.mktemp("lo")
    path = export_one(hostile_draft(), load_template("gd-2020-haowangmin"), "xlsx", tmp / "ledger.xlsx",
                      ExportOptions(today=TODAY)).path
    return tmp, path


def shown(value) -> str:
    """What a spreadsheet displays for a value we wrote."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return official.official_date(value.date())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_csv_cells_equal_what_we_wrote(exported):
    tmp, path = exported
    out = convert(path, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp)
    with open(out, encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))
    ws = openpyxl.load_workbook(path).worksheets[0]
    want = [[shown(c.value) for c in row] for row in ws.iter_rows(max_col=ws.max_column)]
    assert len(got) == len(want)
    for n, (g, w) in enumerate(zip(got, want), 1):
        assert g == w, f"row {n}"
    texts = {cell for row in got for cell in row}
    for hostile in ("=1+1", "#N/A", "@SUM(A1:A2)", "-5", "😀 表情", "𠀀𪚥 生僻字"):
        assert hostile in texts
    assert LONG in texts  # the 20,000-character paragraph, whole


def test_pdf_pages_are_landscape_with_page_numbers(exported):
    from pypdf import PdfReader

    tmp, path = exported
    pdf = PdfReader(str(convert(path, "pdf", tmp)))
    pages = len(pdf.pages)
    assert pages >= 2  # the ledger (the 20,000-character cell runs long) and 汇总
    first = pdf.pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)  # A4 landscape
    assert abs(float(first.mediabox.width) - 842) < 3
    text = first.extract_text()
    assert "进度台账" in text and "序号" in text
    footers = [p.extract_text() for p in pdf.pages]
    assert all("第 " in t and " 页 共 " in t for t in footers)


# --- ledgers saved again by LibreOffice Calc (issue 28.4) ---------------------------------------


def resave(src: Path, tmp: Path) -> Path:
    """``src`` opened and saved again as .xlsx by LibreOffice Calc, as a colleague would."""
    out = convert(src, "xlsx:Calc Office Open XML", tmp / f"re-{src.stem}")
    assert out != src
    return out


def test_ledgers_saved_again_by_calc_import_and_merge_without_force(template, tmp_path, capsys):
    """Calc keeps the hidden identity and exported values: a re-saved ledger imports without
    --force, and its copies combine row by row by content."""
    from desktop.cli import main
    from desktop.ledger.merge import merge_ledgers
    from desktop.model import Progress
    from desktop.sample import make_draft
    from desktop.storage import load_draft, save_draft

    d = make_draft(tasks=5, activities=1, seed=8)
    d.notice.issuers, d.plan.title = ["南海区委网信办"], "南海区2020年争做中国好网民工程实施方案"
    d.progress["t2"] = Progress(status="进行中", percent=50)
    draft_path = tmp_path / "南海.plan.json"
    save_draft(d, draft_path, backup=False)
    original = export_one(load_draft(draft_path), template, "xlsx", tmp_path / "南海-台账.xlsx",
                          ExportOptions(today=TODAY)).path
    colleague = tmp_path / "同事.xlsx"
    wb = openpyxl.load_workbook(original)
    ws = wb.worksheets[0]
    head = {c.value: c.column for c in ws[3]}
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, head["编号（请勿修改）"]).value == "t1")
    ws.cell(row, head["状态"]).value, ws.cell(row, head["完成率（%）"]).value = "进行中", 30
    wb.save(colleague)
    calc = resave(colleague, tmp_path)  # the colleague saved it again in Calc
    calc_untouched = resave(original, tmp_path)

    assert main(["ledger", "import", str(draft_path), str(calc)]) == 0
    out = capsys.readouterr()
    assert "无法确认" not in out.err + out.out and "第 " in out.out
    assert load_draft(draft_path).progress["t1"].percent == 30

    folder = tmp_path / "报送"
    folder.mkdir()
    for src, name in ((calc, "同事-Calc.xlsx"), (calc_untouched, "原样-Calc.xlsx"), (original, "原件.xlsx")):
        (folder / name).write_bytes(src.read_bytes())
    report = merge_ledgers([folder], tmp_path / "汇总.xlsx", template=template, today=TODAY)
    assert [(o.office, o.items) for o in report.offices] == [("南海区委网信办", 6)] and not report.conflicts
    remarks = {i.path.name: i.reason for i in report.remarks}
    assert "采用了其中 1 行的修改" in remarks["同事-Calc.xlsx"]
    assert "本文件与导出时相同，没有修改" in remarks["原样-Calc.xlsx"]
    merged = openpyxl.load_workbook(tmp_path / "汇总.xlsx")["合并台账"]
    mhead = [c.value for c in merged[1]]
    values = {r[mhead.index("编号（请勿修改）")]: r for r in merged.iter_rows(min_row=2, values_only=True)}
    assert values["t1"][mhead.index("完成率（%）")] == 30 and values["t2"][mhead.index("完成率（%）")] == 50


def test_calc_computes_the_summarys_current_column_as_we_did(tmp_path):
    """汇总's 当前 column (issue 27.8): Calc's results for every row equal our figures."""
    from desktop.model import Progress
    from desktop.sample import make_draft
    from desktop.templates import load_template

    d = make_draft(tasks=8, activities=3, seed=4)
    ids = [i.id for _, _, i in d.items()]
    d.progress[ids[0]] = Progress(status="已完成")
    d.progress[ids[1]] = Progress(status="不适用", percent=10)
    d.progress[ids[2]] = Progress(status="已完成", percent=80)
    d.progress[ids[3]] = Progress(status="进行中", percent=33.5)
    path = export_one(d, load_template("gd-2020-haowangmin"), "xlsx", tmp_path / "l.xlsx",
                      ExportOptions(today=TODAY)).path
    # The twelfth token asks for the second sheet only; Calc names that file <name>-<sheet>.csv.
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
                    "--outdir", str(tmp_path / "out"), str(path)], check=True, timeout=90, capture_output=True)
    sheet = tmp_path / "out" / f"{path.stem}-汇总.csv"
    with open(sheet, encoding="utf-8", newline="") as fh:
        rows = {r[0]: r[1:3] for r in csv.reader(fh) if r and r[0]}
    for label in ("总项数（重点任务和重点活动）", "已完成", "逾期未完成", "总体完成率（%）"):
        exported, current = rows[label]
        assert current != "" and float(current) == float(exported), (label, exported, current)
