"""Scoring ``template import`` against the corpus of real superior documents.

Each document is kept verbatim as ``<name>.txt`` with its source in
``<name>.key.json``, beside an answer key written by reading the document
(never by running the importer). The .docx form is made from the text (one
paragraph a line, the title centred, body lines indented two characters as
GB/T 9704 prints them, tab-separated lines as a real Word table); the .pdf form
is LibreOffice's conversion of that .docx.

Score (of 100): 30 × task recall + 20 × precision + 15 × exact titles
+ 15 × lead units (full marks where the document names none) + 20 × header
fields (title, year, 发文机关, 成文日期: 5 each).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DOCUMENTS = sorted(HERE.glob("*.key.json"))


def key(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def text_of(k: dict[str, Any]) -> Path:
    return HERE / k["document"]


def make_docx(txt: Path, out: Path) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.size = Pt(16)
    style.font.name = "SimSun"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    lines = txt.read_text(encoding="utf-8").split("\n")
    body_started = False
    table_rows: list[list[str]] = []

    def flush() -> None:
        if table_rows:
            width = max(len(r) for r in table_rows)
            table = d.add_table(rows=len(table_rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(table_rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            table_rows.clear()

    for line in lines:
        if "\t" in line:
            table_rows.append(line.split("\t"))
            continue
        flush()
        if not line.strip():
            continue
        p = d.add_paragraph(line.strip())
        short = len(line.strip()) <= 40 and not line.strip().endswith(("。", "：", "；"))
        if not body_started and short and "：" not in line:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            body_started = True
            p.paragraph_format.first_line_indent = Pt(32)
    flush()
    d.save(str(out))
    return out


def make_pdf(docx_path: Path, soffice: str, profile: Path) -> Path:
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(docx_path.parent), str(docx_path)], check=True, capture_output=True, timeout=240)
    return docx_path.with_suffix(".pdf")


@dataclass
class Score:
    document: str
    form: str
    expected: int
    found: int
    matched: int
    false_tasks: int
    exact: int
    leads_right: int
    leads_expected: int
    header: dict[str, bool]
    refused: str = ""

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return (self.found - self.false_tasks) / self.found if self.found else 0.0

    @property
    def leads(self) -> float:
        return self.leads_right / self.leads_expected if self.leads_expected else 1.0

    @property
    def score(self) -> float:
        if self.refused:
            return 0.0
        exact = self.exact / self.expected if self.expected else 1.0
        head = sum(self.header.values()) / len(self.header)
        return 30 * self.recall + 20 * self.precision + 15 * exact + 15 * self.leads + 20 * head

    def row(self) -> str:
        head = "".join("✓" if v else "✗" for v in self.header.values())
        if self.refused:
            return f"{self.document.removesuffix('.txt'):<38}{self.form:<6}拒绝：{self.refused[:60]}"
        name = self.document.removesuffix(".txt")
        return (f"{name:<38}{self.form:<6}{self.found:>4}/{self.expected:<4}{self.false_tasks:>5}"
                f"{self.exact:>6}{self.leads_right:>5}/{self.leads_expected:<4}{head:>6}{self.score:>8.1f}")


HEADER_ROW = f"{'文件':<36}{'形式':<5}{'任务 找到/应有':>10}{'误报':>4}{'标题一致':>5}{'牵头':>6}{'版头':>6}{'得分':>6}"


def _norm(text: str | None) -> str:
    return "".join((text or "").split()).strip("。；;，,")


def score(k: dict[str, Any], data: dict[str, Any] | None, form: str, refused: str = "") -> Score:
    expected = k["tasks"]
    header = {"标题": False, "年度": False, "发文机关": False, "成文日期": False}
    if data is None:
        return Score(k["document"], form, len(expected), 0, 0, 0, 0, 0,
                     sum(1 for t in expected if t.get("lead")), header, refused or "拒绝")
    found = [t for t in data["key_tasks"] if t.get("title") or t.get("text")]
    used: set[int] = set()
    matched = exact = leads_right = 0
    for want in expected:
        w = _norm(want["title"])
        best = None
        for i, got in enumerate(found):
            if i in used:
                continue
            g = _norm(got.get("title")) or _norm(got.get("text"))[:len(w)]
            if g == w:
                best = (i, True)
                break
            if best is None and w and g and (w in g or g in w) and min(len(w), len(g)) >= 4:
                best = (i, False)
        if best is None:
            continue
        used.add(best[0])
        matched += 1
        exact += best[1]
        if want.get("lead") and _norm(found[best[0]].get("lead")) == _norm(want["lead"]):
            leads_right += 1
    up = data["upstream"]
    # A document that states no year of its own: right when the reader says so and asks (year_note).
    year_right = bool(up.get("year_note")) if k["year"] is None else data["year"] == k["year"]
    header = {"标题": _norm(up["title"]) == _norm(k["title"]), "年度": year_right,
              "发文机关": [_norm(i) for i in up["issuers"]] == [_norm(i) for i in k["issuers"]],
              "成文日期": (up["date"] if not up.get("date_note") else "") == k["date"]}
    return Score(k["document"], form, len(expected), len(found), matched, len(found) - len(used), exact,
                 leads_right, sum(1 for t in expected if t.get("lead")), header)
