"""The exported document as plain data: what goes where, not how it is drawn.

``build_document`` turns a draft into blocks (版头, titles, paragraphs with
font roles, the signature block, page breaks, the annex table, 版记). The Word
writer and the PDF layout both render exactly this, so the two outputs cannot
drift apart, and neither needs to know the draft format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from desktop import official as gb
from desktop.model import Draft, Task
from desktop.templates import Template


@dataclass(frozen=True)
class Span:
    text: str
    role: str = gb.FANGSONG


@dataclass(frozen=True)
class Header:
    """版头: optional 份号/密级/紧急程度, the organ mark, 发文字号, 签发人."""

    copy_no: str
    secrecy: str
    urgency: str
    organs: tuple[str, ...]
    suffix: str
    doc_number: str
    signer: str = ""


@dataclass(frozen=True)
class Title:
    """A 2号小标宋 title already broken into its balanced lines."""

    lines: tuple[str, ...]
    kind: str  # "notice" | "plan" | "annex"

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(frozen=True)
class Para:
    """A paragraph of 3号 text.

    kind: "recipients" (flush left), "body" (indented two characters),
    "heading1" / "heading2" (standalone headings), "attachment-note",
    "note" (附注), "attachment-label" (附件, flush left, 黑体).
    """

    kind: str
    spans: tuple[Span, ...]
    first_line_chars: float = 2.0
    keep_with_next: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Blank:
    lines: int = 1


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Signature:
    """署名 and 成文日期, placed by ``official.signature_lines``. With seals,
    ``room_below`` lines under the last 署名 must be on its page (official.seal_room)."""

    lines: tuple[gb.SigLine, ...]
    seal: bool
    room_below: int = 0


@dataclass(frozen=True)
class AnnexTable:
    columns: tuple[tuple[str, float, str], ...]  # (title, share of the type width, cell alignment)
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Colophon:
    """版记: 抄送 line (may be empty), 印发机关 and 印发日期."""

    cc: str
    printer: str
    print_date: str


Block = Union[Title, Para, Blank, PageBreak, Signature, AnnexTable]


@dataclass
class Document:
    header: Header
    blocks: list[Block]
    colophon: Colophon
    title: str  # PDF/Word metadata
    author: str
    subject: str
    annex_title: str = ""
    texts: list[str] = field(default_factory=list)  # every piece of user text, for tests
    standard: gb.Standard = gb.STANDARD  # the rules (and the office's preset) it is laid out by
    date: str = ""  # 成文日期 (ISO): the files' own dates (never the clock, so exports repeat byte for byte)
    print_date: str = ""  # 印发日期 (ISO), when there is no 成文日期

    def printed_texts(self) -> list[str]:
        """Every string the exporters must print, as this structure states it."""
        h = self.header
        out = [h.copy_no, h.secrecy, h.urgency, *h.organs, h.suffix if h.organs else "", h.doc_number, h.signer]
        for b in self.blocks:
            if isinstance(b, Title):
                out += list(b.lines)
            elif isinstance(b, Para):
                out += [sp.text for sp in b.spans]
            elif isinstance(b, Signature):
                out += [text for line in b.lines for _, text in line.items]
            elif isinstance(b, AnnexTable):
                out += [c[0] for c in b.columns] + [cell for row in b.rows for cell in row]
        c = self.colophon
        out += [c.cc, c.printer, c.print_date]
        return [t for t in out if t]


def paragraphs(text: str) -> list[str]:
    """A field's paragraphs: its non-blank lines, trimmed."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def body_blocks(text: str, kind: str = "body") -> list[Block]:
    """A paragraph block of ``kind`` per paragraph of ``text``."""
    return [Para(kind, (Span(p),)) for p in paragraphs(text)]


def closing_blocks(signatures: list[str], date: str, layout: str, note: str, std: gb.Standard) -> list[Block]:
    """The 署名 with 成文日期 (and room for seals when the layout seals), then the 附注."""
    date_text = gb.official_date(date.strip()) if date.strip() else ""
    seal = gb.sealed(layout, std)
    out: list[Block] = [Signature(tuple(gb.signature_lines(signatures, date_text, seal, std)), seal,
                                  gb.seal_room(std).lines_below if seal else 0)]
    line = gb.note_line(note)
    if line:
        out.append(Para("note", (Span(line),)))
    return out


def city_of(draft: Draft, template: Template) -> str:
    """The place a plan is for: the plan title up to its year (佛山市)."""
    title = draft.plan.title.strip()
    year = str(template.year)
    if year in title and title.index(year) > 0:
        return title[: title.index(year)]
    return str(template.skeleton.get("default_city", ""))


def annex_title(draft: Draft, template: Template) -> str:
    if draft.plan.annex_title.strip():
        return draft.plan.annex_title.strip()
    pattern = str(template.skeleton.get("annex_title", "{city}重点活动安排表"))
    return pattern.replace("{city}", city_of(draft, template))


def notice_title(draft: Draft) -> str:
    return draft.notice.title.strip() or gb.notice_title(draft.plan.title.strip())


def _with_end_mark(title: str) -> str:
    title = title.strip()
    if not title:
        return ""
    return title if title[-1] in "。！？；：，" else title + "。"


def _task_blocks(number: int, task: Task) -> list[Block]:
    paras = paragraphs(task.text)
    head = gb.heading_label(3, number) + _with_end_mark(task.title)
    units = gb.units_line(task.lead, task.partners, task.deadline)
    first = paras[0] if paras else ""
    blocks: list[Block] = []
    rest = paras[1:]
    spans = [Span(head), Span(first)] if first else [Span(head)]
    if not rest and units:
        spans.append(Span(units))
    blocks.append(Para("body", tuple(s for s in spans if s.text)))
    for i, p in enumerate(rest):
        extra = (Span(units),) if i == len(rest) - 1 and units else ()
        blocks.append(Para("body", (Span(p),) + extra))
    return blocks


def build_document(draft: Draft, template: Template, std: gb.Standard = gb.STANDARD) -> Document:
    """The notice, the plan it issues, the annex and the 版记, as blocks, by ``std``."""
    # Read back through the loader's cleaning: drafts made in code (samples,
    # tests) may hold what no document can (control characters, lone surrogates),
    # and every exporter must print exactly the same text.
    draft = draft.copy()
    n, plan = draft.notice, draft.plan
    organs = tuple(i.strip() for i in n.issuers if i.strip())
    header = Header(n.copy_no.strip(), n.secrecy.strip(), n.urgency.strip(), organs,
                    n.header_suffix.strip(), n.doc_number.strip(), n.signer.strip())
    blocks: list[Block] = []
    ntitle = notice_title(draft)
    if ntitle:
        blocks.append(Title(tuple(gb.title_lines(ntitle)), "notice"))
    blocks.append(Blank())
    rec = gb.recipients_line(n.recipients)
    if rec:
        blocks.append(Para("recipients", (Span(rec),), first_line_chars=0))
    blocks += body_blocks(n.body)
    blocks += closing_blocks(n.effective_signatures, n.date, n.signature_layout, n.note, std)

    # The issued plan: same document, new page, no 附件 label (印发类通知).
    blocks.append(PageBreak())
    if plan.title.strip():
        blocks.append(Title(tuple(gb.title_lines(plan.title.strip())), "plan"))
        blocks.append(Blank())
    blocks += body_blocks(plan.preamble)
    section = 0

    def heading1(text: str) -> None:
        nonlocal section
        section += 1
        blocks.append(Para("heading1", (Span(gb.heading_label(1, section) + text, gb.HEADING_ROLES[1]),),
                           keep_with_next=True))

    goals_h, tasks_h, reqs_h = template.sections
    heading1(goals_h)
    blocks += body_blocks(plan.goals)
    heading1(tasks_h)
    task_no = 0
    for g, group in enumerate(plan.task_groups, start=1):
        if group.title.strip() or len(plan.task_groups) > 1:
            blocks.append(Para("heading2", (Span(gb.heading_label(2, g) + group.title.strip(), gb.HEADING_ROLES[2]),),
                               keep_with_next=True))
            task_no = 0
        for task in group.tasks:
            task_no += 1
            blocks += _task_blocks(task_no, task)
    heading1(reqs_h)
    for r, req in enumerate(plan.requirements, start=1):
        paras = paragraphs(req.text)
        head = Span(gb.heading_label(2, r) + _with_end_mark(req.title), gb.HEADING_ROLES[2])
        blocks.append(Para("body", (head, Span(paras[0])) if paras else (head,)))
        blocks += [Para("body", (Span(p),)) for p in paras[1:]]

    atitle = annex_title(draft, template) if draft.activities else ""
    if atitle:
        blocks.append(Blank())
        blocks.append(Para("attachment-note", (Span("附件：" + atitle),)))
        blocks.append(PageBreak())
        blocks.append(Para("attachment-label", (Span("附件", gb.HEITI),), first_line_chars=0))
        blocks.append(Blank())
        blocks.append(Title(tuple(gb.title_lines(atitle)), "annex"))
        blocks.append(Blank())
        rows = []
        for i, act in enumerate(draft.activities, start=1):
            partners = "、".join(p.strip() for p in act.partners if p.strip())
            rows.append((str(i), act.name.strip(), act.time.strip(), act.lead.strip(), partners))
        blocks.append(AnnexTable(gb.ANNEX_COLUMNS, tuple(rows)))

    colophon = Colophon(gb.join_cc(n.cc), n.printer.strip(), gb.print_date_line(n.print_date.strip()))
    doc = Document(header, blocks, colophon, title=plan.title.strip() or ntitle,
                   author=organs[0] if organs else "", subject=ntitle, annex_title=atitle, standard=std,
                   date=n.date.strip(), print_date=n.print_date.strip())
    doc.texts = _user_texts(draft)
    return doc


def _user_texts(draft: Draft) -> list[str]:
    n, plan = draft.notice, draft.plan
    texts = [*n.issuers, n.doc_number, n.recipients, n.body, *n.effective_signatures, n.note, *n.cc,
             n.printer, plan.title, plan.preamble, plan.goals]
    for group in plan.task_groups:
        texts.append(group.title)
        for t in group.tasks:
            texts += [t.title, t.text, t.lead, *t.partners]
    for r in plan.requirements:
        texts += [r.title, r.text]
    for a in draft.activities:
        texts += [a.name, a.time, a.lead, *a.partners]
    return [t for t in texts if t and t.strip()]
