"""Printed pages read back line by line: our PDF, and LibreOffice's print of our .docx.

``libreoffice_print(docx, work)`` converts with LibreOffice, which uses the
same open stand-in fonts as our PDF (``fonts.conf`` beside this file, passed
as FONTCONFIG_FILE). ``read_lines(pdf)`` groups the characters of every page
into lines by baseline; ``Printed`` answers the questions a clerk holding the
two printouts side by side would ask: how many pages, how many lines a page,
how many characters a full line, which pages carry numbers, the annex and the
版记, and which body lines read the same.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from desktop import official as gb

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FONTS_CONF = Path(__file__).with_name("fonts.conf")
# Keep the blank page LibreOffice inserts before an even-page section, as a printer would.
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'

TA_LEFT = gb.mm_to_pt(gb.MARGIN_LEFT_MM)
TA_TOP = gb.mm_to_pt(gb.MARGIN_TOP_MM)
TA_RIGHT = TA_LEFT + gb.mm_to_pt(gb.TYPE_W_MM)
TA_BOTTOM = TA_TOP + gb.mm_to_pt(gb.TYPE_H_MM)
CELL = gb.mm_to_pt(gb.TYPE_W_MM) / 28
_PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")


def libreoffice_print(docx: Path, work: Path, timeout: int = 240) -> Path:
    """LibreOffice's PDF of ``docx`` (its own profile in ``work``: parallel-safe)."""
    assert SOFFICE, "LibreOffice (soffice) is not installed"
    profile = work / "lo-profile"
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           "--convert-to", PDF_FILTER, "--outdir", str(work), str(docx)],
                          capture_output=True, text=True, timeout=timeout, env=env)
    pdf = work / (docx.stem + ".pdf")
    assert proc.returncode == 0 and pdf.is_file(), f"LibreOffice wrote no PDF: {proc.stdout} {proc.stderr}"
    return pdf


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    fonts: frozenset[str]

    @property
    def cells(self) -> float:
        """Width in characters: CJK and full-width 1, half-width 0.5."""
        return gb.text_units(self.text.replace(" ", ""))

    @property
    def squashed(self) -> str:
        return re.sub(r"\s+", "", self.text)


@dataclass
class Printed:
    """One printout: its pages' lines and what they show."""

    path: Path
    pages: int
    lines: list[Line]
    red_rule_y: float | None = None  # page 1's red separator (the 版头 ends there)
    page_text: list[str] = field(default_factory=list)

    def page_numbers(self) -> dict[int, int]:
        """Physical page -> the number printed on it (pages without one are absent)."""
        out = {}
        for line in self.lines:
            m = _PAGE_NUMBER.match(line.text.strip())
            if m and line.baseline > TA_BOTTOM:
                out[line.page] = int(m.group(1))
        return out

    def body_lines(self) -> list[Line]:
        """The 3号 text inside the type area below the 版头: body, headings, signatures, notes."""
        out = []
        for line in self.lines:
            if not 15.5 <= line.size <= 16.5:
                continue
            if line.baseline < TA_TOP or line.baseline > TA_BOTTOM + 2:
                continue
            if line.page == 1 and self.red_rule_y is not None and line.baseline < self.red_rule_y:
                continue
            out.append(line)
        return out

    def lines_per_page(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for line in self.body_lines():
            counts[line.page] = counts.get(line.page, 0) + 1
        return counts

    def full_lines(self) -> list[Line]:
        """Body lines that reach the right edge of the type area (justified, not a paragraph's end)."""
        return [ln for ln in self.body_lines() if ln.x1 >= TA_RIGHT - 2.5]

    def pages_with(self, pattern: str) -> list[int]:
        return [i + 1 for i, text in enumerate(self.page_text) if re.search(pattern, text)]

    def annex_pages(self) -> list[int]:
        return sorted({ln.page for ln in self.lines if ln.squashed == "附件" and ln.baseline < TA_TOP + 30})

    def colophon_pages(self) -> list[int]:
        return sorted({ln.page for ln in self.lines if ln.squashed.endswith("印发") and 13 <= ln.size <= 15})


def read_lines(pdf: Path) -> Printed:
    lines: list[Line] = []
    red_y = None
    texts = []
    with pdfplumber.open(pdf) as doc:
        count = len(doc.pages)
        for number, page in enumerate(doc.pages, 1):
            texts.append(page.extract_text() or "")
            if number == 1:
                reds = [o for o in page.lines + page.rects if _is_red(o.get("stroking_color"))
                        or _is_red(o.get("non_stroking_color"))]
                reds = [o for o in reds if o["x1"] - o["x0"] > 200]
                if reds:
                    red_y = max(o["bottom"] for o in reds)
            rows: list[list[dict]] = []
            for ch in sorted(page.chars, key=lambda c: (-round(c["matrix"][5], 1), c["x0"])):
                if not ch["text"].strip() and ch["text"] != " ":
                    continue
                base = page.height - ch["matrix"][5]
                if rows and abs(rows[-1][0]["_base"] - base) <= 0.6:
                    rows[-1].append(dict(ch, _base=base))
                else:
                    rows.append([dict(ch, _base=base)])
            for row in rows:
                row.sort(key=lambda c: c["x0"])
                text = "".join(c["text"] for c in row)
                if not text.strip():
                    continue
                visible = [c for c in row if c["text"].strip()]
                sizes = sorted(round(c["size"], 1) for c in visible)
                lines.append(Line(number, text.strip(), visible[0]["x0"], visible[-1]["x1"], row[0]["_base"],
                                  sizes[len(sizes) // 2], frozenset(re.sub(r"^[A-Z]{6}\+", "", c["fontname"])
                                                                    for c in visible)))
    return Printed(pdf, count, lines, red_y, texts)


def _is_red(col) -> bool:
    if not col or not isinstance(col, (tuple, list)):
        return False
    if len(col) == 3:
        return col[0] >= 0.8 and col[1] <= 0.3 and col[2] <= 0.3
    if len(col) == 4:
        return col[1] >= 0.6 and col[2] >= 0.6 and col[0] <= 0.15 and col[3] <= 0.15
    return False


def same_lines(ours: Printed, theirs: Printed) -> tuple[int, int, list[tuple[str, str]]]:
    """(body lines that read the same in both, our body lines, a sample of differing pairs)."""
    a = [ln.squashed for ln in ours.body_lines()]
    b = [ln.squashed for ln in theirs.body_lines()]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    diffs = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            diffs += list(zip(a[i1:i2], b[j1:j2]))[:3]
    return same, len(a), diffs[:12]
