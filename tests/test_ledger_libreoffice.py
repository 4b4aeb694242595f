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
