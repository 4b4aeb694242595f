"""The work report as blocks (desktop.document): an upward document.

版头 with 发文机关标志, 发文字号 one character in from the left and 签发人 one
character in from the right on the same line (GB/T 9704 7.2.4–7.2.5, laid out
by desktop.layout); 主送 the superior organ; the title; 一、… parts; the
附件说明; 署名 and 成文日期; 附注; then each annex on a new page (任务完成情况表,
and 各单位完成情况表 when the districts' merged ledger was added); the 版记.
"""

from __future__ import annotations

import re

from desktop import official as gb
from desktop.document import (
    AnnexTable, Blank, Block, Colophon, Document, Header, PageBreak, Para, Span, Title, closing_blocks, paragraphs,
)
from desktop.templates import Template

from .model import Report, Row, UnitRow

# In 四号 (14 pt, 3 pt padding each side, digits set 2.8 pt apart from Chinese) of the 442 pt
# type width: 序号 and 完成率 take their header on one line, 状态 a three-character status,
# 完成时限 "12月28日" (the year is in the table's title: deadlines_year), each with a few
# points to spare, as LibreOffice wraps a cell's text that only just fits.
ROWS_COLUMNS = (("序号", 0.08, "center"), ("任务名称", 0.19, "left"), ("牵头单位", 0.13, "left"),
                ("完成时限", 0.17, "center"), ("状态", 0.115, "center"), ("完成率", 0.115, "center"),
                ("进展情况", 0.20, "left"))
# Five-character headers (70 pt) on one line, with the same few points to spare.
UNITS_COLUMNS = (("序号", 0.08, "center"), ("单位", 0.27, "left"), ("任务和活动", 0.18, "center"),
                 ("已完成", 0.11, "center"), ("逾期未完成", 0.18, "center"), ("平均完成率", 0.18, "center"))
# （一）标题。 at the start of a line: a level-2 heading run into its paragraph (楷体).
_RUN_IN = re.compile(r"^(（[一二三四五六七八九十]+）[^。！？]{1,40}?[。！？])")
_HEADING_ONLY = re.compile(r"^（[一二三四五六七八九十]+）[^。！？]{1,40}$")


def percent_text(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}%"


def row_cells(number: int, row: Row, year: int | None = None) -> tuple[str, ...]:
    """A row of the 任务完成情况表; a deadline in ``year`` (the one the table's title names)
    is printed without it (11月30日), so that it takes one line of its column."""
    day = gb.parse_iso_date(row.deadline.strip())
    if day is not None and day.year == year:
        deadline = f"{day.month}月{day.day}日"
    else:
        deadline = gb.official_date(row.deadline.strip()) if row.deadline.strip() else ""
    return (str(number), row.title.strip(), row.lead.strip(), deadline, row.status.strip(),
            percent_text(row.percent), row.summary.strip())


def deadlines_year(rows: list[Row], title: str) -> int | None:
    """The one year of every deadline, when the table's title names it (2020年): the
    reader has it there and the cells can leave it out; None otherwise."""
    years = {day.year if day else None for day in (gb.parse_iso_date(r.deadline.strip()) for r in rows)}
    year = next(iter(years)) if len(years) == 1 else None
    return year if year is not None and f"{year}年" in title else None


def unit_cells(number: int, unit: UnitRow) -> tuple[str, ...]:
    return (str(number), unit.unit.strip(), f"{unit.items:g}", f"{unit.done:g}", f"{unit.overdue:g}",
            percent_text(unit.average))


def _section_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for line in paragraphs(text):
        if _HEADING_ONLY.match(line):
            blocks.append(Para("heading2", (Span(line, gb.HEADING_ROLES[2]),), keep_with_next=True))
            continue
        m = _RUN_IN.match(line)
        if m:
            rest = line[m.end():]
            spans = (Span(m.group(1), gb.HEADING_ROLES[2]),) + ((Span(rest),) if rest else ())
            blocks.append(Para("body", spans))
        else:
            blocks.append(Para("body", (Span(line),)))
    return blocks


def annexes(report: Report) -> list[tuple[str, AnnexTable]]:
    """(title, table) of each annex the report carries, in order."""
    out = []
    title = report.annex_title.strip()
    if report.rows and title:
        year = deadlines_year(report.rows, title)
        cells = tuple(row_cells(i, r, year) for i, r in enumerate(report.rows, 1))
        out.append((title, AnnexTable(ROWS_COLUMNS, cells)))
    if report.units and report.units_title.strip():
        out.append((report.units_title.strip(),
                    AnnexTable(UNITS_COLUMNS, tuple(unit_cells(i, u) for i, u in enumerate(report.units, 1)))))
    return out


def build_document(report: Report, template: Template | None = None, std: gb.Standard = gb.STANDARD) -> Document:
    """The report as blocks, laid out by ``std`` (the template is not needed: the
    report carries what it prints; the parameter keeps every kind's builder alike)."""
    report = report.copy()  # read back through the loader's cleaning, as the plan's builder does
    h = report.header
    organs = tuple(i.strip() for i in h.issuers if i.strip())
    header = Header(h.copy_no.strip(), h.secrecy.strip(), h.urgency.strip(), organs, h.header_suffix.strip(),
                    h.doc_number.strip(), h.signer.strip())
    blocks: list[Block] = []
    title = report.title.strip()
    if title:
        blocks.append(Title(tuple(gb.title_lines(title)), "notice"))
    blocks.append(Blank())
    rec = gb.recipients_line(report.recipients)
    if rec:
        blocks.append(Para("recipients", (Span(rec),), first_line_chars=0))
    number = 0
    for section in report.sections:
        if section.heading.strip():
            number += 1
            blocks.append(Para("heading1", (Span(gb.heading_label(1, number) + section.heading.strip(),
                                                 gb.HEADING_ROLES[1]),), keep_with_next=True))
        blocks += _section_blocks(section.text)
    carried = annexes(report)
    if carried:
        blocks.append(Blank())
        if len(carried) == 1:
            blocks.append(Para("attachment-note", (Span("附件：" + carried[0][0]),)))
        else:
            for i, (name, _) in enumerate(carried, 1):
                # 附件：1.×× and below it 2.×× aligned with the first name (7.3.4)
                blocks.append(Para("attachment-note", (Span(("附件：" if i == 1 else "") + f"{i}.{name}"),),
                                   first_line_chars=2.0 if i == 1 else 5.0))
    blocks += closing_blocks(report.effective_signatures, report.date, report.signature_layout, report.note, std)
    for i, (name, table) in enumerate(carried, 1):
        blocks.append(PageBreak())
        label = "附件" if len(carried) == 1 else f"附件{i}"
        blocks.append(Para("attachment-label", (Span(label, gb.HEITI),), first_line_chars=0))
        blocks.append(Blank())
        blocks.append(Title(tuple(gb.title_lines(name)), "annex"))
        blocks.append(Blank())
        blocks.append(table)
    colophon = Colophon(gb.join_cc(report.cc), report.printer.strip(), gb.print_date_line(report.print_date.strip()))
    doc = Document(header, blocks, colophon, title=title, author=organs[0] if organs else "", subject=title,
                   annex_title=carried[0][0] if carried else "", standard=std, date=report.date.strip(),
                   print_date=report.print_date.strip())
    doc.texts = _user_texts(report)
    return doc


def _user_texts(report: Report) -> list[str]:
    h = report.header
    texts = [*h.issuers, h.doc_number, h.signer, report.title, report.recipients, *report.effective_signatures,
             report.note, *report.cc, report.printer, report.annex_title, report.units_title]
    for section in report.sections:
        texts += [section.heading, section.text]
    for row in report.rows:
        texts += [row.title, row.lead, row.status, row.summary]
    for unit in report.units:
        texts.append(unit.unit)
    return [t for t in texts if t and t.strip()]
