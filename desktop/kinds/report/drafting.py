"""Drafting a work report from a plan and its progress: every word editable.

二、主要做法和成效 has a paragraph per task group made of its tasks' 进展情况;
三、存在的问题 names what is overdue or not started; 四、下一步工作打算 is the
clerk's, with a prompt the placeholder check keeps asking about until it is
replaced, and so is a task's with no progress in the ledger. The 发文字号's
number and the 签发人 are placeholders too (×× / ×××): the document prints
and lays out as it will, and the checks say what to fill.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path

from desktop import official as gb
from desktop.model import Draft, new_draft_id
from desktop.templates import Template

from . import figures as fig
from .model import PERIODS, Report, ReportHeader, Row, Section, Source

NEXT_STEPS_PROMPT = "（此处填写下一步工作打算：针对存在的问题，写明措施、责任和时间安排）"
PROBLEMS_PROMPT = "（此处填写工作中存在的问题和不足）"
PROGRESS_PROMPT = "（此处填写该项任务的进展情况）"  # a task with no progress in the ledger
SIGNER_PLACEHOLDER = "×××"
SECTION_HEADINGS = ("总体情况", "主要做法和成效", "存在的问题", "下一步工作打算")


def subject_of(plan_title: str) -> str:
    """佛山市2020年争做中国好网民工程实施方案 -> 佛山市2020年争做中国好网民工程"""
    base = plan_title.strip()
    for tail in ("实施方案", "工作方案", "行动方案", "方案", "工作要点", "计划"):
        if base.endswith(tail) and len(base) > len(tail):
            return base[: -len(tail)]
    return base


def report_title(plan_title: str, year: int, period: str) -> str:
    subject = subject_of(plan_title) or f"{year}年"
    if period == "半年":
        mark = f"{year}年"
        subject = subject.replace(mark, mark + "上半年", 1) if mark in subject else f"{year}年上半年{subject}"
    return f"关于{subject}工作情况的报告"


def doc_number_for(plan_number: str, year: int) -> str:
    """The plan's 机关代字 and the report's year, the number left for the clerk: 佛委网办〔2020〕××号."""
    m = re.match(r"^\s*(.+?)\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]", plan_number)
    code = m.group(1) if m else ""
    return f"{code}〔{year}〕××号" if code else ""


def rows_of(draft: Draft) -> list[Row]:
    rows = []
    for group in draft.plan.task_groups:
        for task in group.tasks:
            entry = draft.progress.get(task.id)
            rows.append(Row(task_id=task.id, group=group.title.strip(), title=task.title.strip(),
                            lead=task.lead.strip(), deadline=task.deadline.strip(),
                            status=entry.status.strip() if entry else "",
                            percent=entry.percent if entry else None,
                            summary=entry.summary.strip() if entry else ""))
    return rows


def activities_done(draft: Draft, template: Template) -> int:
    done = template.ledger.done
    return sum(1 for a in draft.activities if done and (e := draft.progress.get(a.id)) and e.status.strip() == done)


def quoted(title: str) -> str:
    """“title”, its own double quotes turned single as Chinese nesting wants (‘…’)."""
    return "“" + title.strip().replace("“", "‘").replace("”", "’") + "”"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in "。！？；…" else text + "。"


def _ordinal(n: int) -> str:
    return f"{gb.chinese_number(n)}是"


def practices(rows: list[Row]) -> str:
    """二、主要做法和成效: a paragraph per task group, 一是…二是… from each task's 进展情况."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    paras = []
    for g, (group, members) in enumerate(groups.items(), 1):
        parts = []
        for i, row in enumerate(members, 1):
            said = _sentence(row.summary) if row.summary.strip() else _status_sentence(row)
            parts.append(f"{_ordinal(i)}{row.title.rstrip('。；;')}。{said}")
        head = f"{gb.heading_label(2, g)}{_sentence(group)}" if group else ""
        paras.append(head + "".join(parts))
    return "\n".join(paras)


def _status_sentence(row: Row) -> str:
    if not row.status.strip():
        return PROGRESS_PROMPT
    pct = f"，完成率{row.percent:g}%" if row.percent is not None else ""
    return f"目前{row.status.strip()}{pct}。"


def problems(rows: list[Row], template: Template, as_of: _dt.date) -> str:
    """三、存在的问题: what is overdue, what has not started; a prompt when nothing is."""
    spec = template.ledger
    late = [r.title for r in rows if fig.overdue(r, spec, as_of)]
    waiting = [r.title for r in rows if fig.not_started(spec, r.status) and r.title not in late]
    points = []
    if late:
        points.append(f"部分任务进度滞后。{'、'.join(map(quoted, late))}已超过完成时限，尚未完成。")
    if waiting:
        points.append(f"个别任务尚未启动。{'、'.join(map(quoted, waiting))}尚未启动。")
    if not points:
        return PROBLEMS_PROMPT
    return "\n".join(f"{_ordinal(i)}{p}" for i, p in enumerate(points, 1)) + "\n" + PROBLEMS_PROMPT


def new_report(draft: Draft, template: Template, *, period: str = "年度", as_of: _dt.date | None = None,
               plan_path: Path | None = None, report_path: Path | None = None, signer: str = "") -> Report:
    """A report on ``draft``'s progress as of ``as_of`` (the plan's 截至日期, else today)."""
    if period not in PERIODS:
        raise ValueError(period)
    day = as_of or draft.as_of_date()
    n = draft.notice
    host = next((i.strip() for i in n.issuers if i.strip()), "")
    rows = rows_of(draft)
    f = fig.figures(rows, template.ledger, day, len(draft.activities), activities_done(draft, template))
    subject = subject_of(draft.plan.title) or draft.plan.title.strip()
    superior = template.upstream.issuers[0] if template.upstream.issuers else ""
    return Report(
        id=new_draft_id(),
        template=template.id,
        period=period,
        as_of=day.isoformat(),
        source=Source(plan_id=draft.id, plan_title=draft.plan.title.strip(),
                      plan_path=_where(plan_path, report_path), activities=f.activities,
                      activities_done=f.activities_done, task_ids=[r.task_id for r in rows],
                      task_titles=[r.title for r in rows]),
        header=ReportHeader(issuers=[host] if host else [], header_suffix=n.header_suffix or "文件",
                            doc_number=doc_number_for(n.doc_number, day.year), signer=signer or SIGNER_PLACEHOLDER),
        title=report_title(draft.plan.title, template.year, period),
        recipients=superior,
        sections=[
            Section(SECTION_HEADINGS[0], fig.sentence(draft.plan.title, f, day)),
            Section(SECTION_HEADINGS[1], practices(rows)),
            Section(SECTION_HEADINGS[2], problems(rows, template, day)),
            Section(SECTION_HEADINGS[3], NEXT_STEPS_PROMPT),
        ],
        annex_title=f"{subject}任务完成情况表" if subject else "任务完成情况表",
        rows=rows,
        signatures=[host] if host else [],
        date=day.isoformat(),
        note=n.note,
        printer=n.printer,
        print_date=day.isoformat(),
        signature_layout=n.signature_layout,
    )


def _where(plan_path: Path | None, report_path: Path | None) -> str:
    """The plan's path as the report will find it again: relative when both share a folder tree."""
    if plan_path is None:
        return ""
    if report_path is not None:
        try:
            return Path(os.path.relpath(plan_path.resolve(), report_path.resolve().parent)).as_posix()
        except ValueError:  # another drive on Windows
            pass
    return str(plan_path.resolve())


def refreshed(report: Report, draft: Draft, template: Template, as_of: _dt.date | None = None) -> Report:
    """``report`` with the rows and every stated figure taken from ``draft`` now;
    the clerk's own words stay, and so does the report's 截至日期 unless ``as_of``
    asks for another (the plan's date only when the report has none)."""
    out = report.copy()
    day = as_of or gb.parse_iso_date(report.as_of.strip()) or draft.as_of_date()
    out.rows = rows_of(draft)
    f = fig.figures(out.rows, template.ledger, day, len(draft.activities), activities_done(draft, template))
    out.as_of = day.isoformat()
    out.source.activities, out.source.activities_done = f.activities, f.activities_done
    out.source.plan_id = out.source.plan_id or draft.id  # a plan given its id since: known by it from now on
    out.source.task_ids, out.source.task_titles = [r.task_id for r in out.rows], [r.title for r in out.rows]
    for section in out.sections:
        section.text = fig.restated(section.text, f)
    return out
