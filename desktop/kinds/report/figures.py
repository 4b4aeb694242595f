"""The figures of a work report, and where its text states them.

One place decides what "done", "in progress" and "overdue" mean for a report
(by the template's statuses, as the ledger and the checks do), how the figures
are written in the text, and how they are found in it again: the draft is
written with these phrases, the check compares them with the rows, and a
refresh puts new numbers in place without touching the clerk's other words.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from desktop import official as gb
from desktop.model import is_overdue
from desktop.templates import LedgerSpec

from .model import Row


@dataclass(frozen=True)
class Figures:
    tasks: int
    done: int
    in_progress: int
    not_started: int
    not_applicable: int
    overdue: int
    average: int | None  # whole per cent, of the rows that count in averages
    activities: int
    activities_done: int
    as_of: _dt.date | None = None  # the day they stand on (截至日期)


def not_started(spec: LedgerSpec, status: str) -> bool:
    """No status yet, or the template's first one (未开始) when it is neither done nor not applicable."""
    first = spec.statuses[0] if spec.statuses else ""
    return not status.strip() or (status == first and first not in spec.finished)


def overdue(row: Row, spec: LedgerSpec, as_of: _dt.date) -> bool:
    return is_overdue(gb.parse_iso_date(row.deadline.strip()), row.status.strip(), as_of, spec.finished)


def figures(rows: Iterable[Row], spec: LedgerSpec, as_of: _dt.date, activities: int = 0,
            activities_done: int = 0) -> Figures:
    rows = list(rows)
    statuses = [r.status.strip() for r in rows]
    done = sum(1 for s in statuses if spec.done and s == spec.done)
    na = sum(1 for s in statuses if spec.not_applicable and s == spec.not_applicable)
    waiting = sum(1 for s in statuses if not_started(spec, s))
    counted = [spec.effective_percent(r.status.strip(), r.percent) for r in rows if spec.counts_in_average(r.status)]
    average = int(sum(counted) / len(counted) + 0.5) if counted else None
    return Figures(tasks=len(rows), done=done, in_progress=len(rows) - done - na - waiting, not_started=waiting,
                   not_applicable=na, overdue=sum(1 for r in rows if overdue(r, spec, as_of)), average=average,
                   activities=activities, activities_done=activities_done, as_of=as_of)


# (what the figure is called in messages, the phrase that states it, the figure)
PHRASES: tuple[tuple[str, str, Callable[[Figures], int | None]], ...] = (
    ("重点任务数", r"部署重点任务(\d+)项", lambda f: f.tasks),
    ("已完成", r"重点任务已完成(\d+)项", lambda f: f.done),
    ("正在推进", r"正在推进(\d+)项", lambda f: f.in_progress),
    ("尚未启动", r"尚未启动(\d+)项", lambda f: f.not_started),
    ("不适用", r"不适用(\d+)项", lambda f: f.not_applicable),
    ("逾期未完成", r"逾期未完成(\d+)项", lambda f: f.overdue),
    ("平均完成率", r"平均完成率(\d+)%", lambda f: f.average),
    ("重点活动数", r"重点活动(\d+)项", lambda f: f.activities),
    ("已举办的活动", r"已举办(\d+)项", lambda f: f.activities_done),
)


def sentence(plan_title: str, f: Figures, as_of: _dt.date) -> str:
    """The 总体情况 paragraph, each figure in the phrase PHRASES finds it by."""
    cited = f"《{plan_title.strip()}》" if plan_title.strip() else "本方案"
    acts = f"、重点活动{f.activities}项" if f.activities else ""
    text = f"{cited}共部署重点任务{f.tasks}项{acts}。截至{gb.official_date(as_of)}，重点任务已完成{f.done}项，" \
           f"正在推进{f.in_progress}项，尚未启动{f.not_started}项"
    if f.not_applicable:
        text += f"，不适用{f.not_applicable}项"
    if f.average is not None:
        text += f"，平均完成率{f.average}%"
    # of all the tasks, not of those not started (其中 after 尚未启动 read so)
    text += f"；全部任务中逾期未完成{f.overdue}项"
    text += f"；重点活动已举办{f.activities_done}项。" if f.activities else "。"
    return text


# The day the figures stand on, as ``sentence`` states it: the first 截至…日 of a paragraph
# that states a figure. Other 截至 dates (a task's progress) are the clerk's own.
AS_OF_PHRASE = re.compile(r"截至(\d{4}年\d{1,2}月\d{1,2}日)")


@dataclass(frozen=True)
class Mismatch:
    label: str
    stated: int | str
    actual: int | str

    def said(self) -> str:
        if self.label == "截至日期":
            return f"截至日期写的是 {self.stated}，报告的截至日期是 {self.actual}"
        return f"{self.label}写的是 {self.stated}，附件数据是 {self.actual}"


def _states_figures(line: str) -> bool:
    return any(re.search(phrase, line) for _, phrase, _ in PHRASES)


def mismatches(text: str, f: Figures) -> list[Mismatch]:
    """Each figure (and the 截至 date beside them) the text states that differs from ``f``."""
    out = []
    if f.as_of is not None:
        day = gb.official_date(f.as_of)
        for line in text.split("\n"):
            m = AS_OF_PHRASE.search(line) if _states_figures(line) else None
            if m and m.group(1) != day:
                out.append(Mismatch("截至日期", m.group(1), day))
    for label, phrase, value in PHRASES:
        actual = value(f)
        if actual is None:
            continue
        for m in re.finditer(phrase, text):
            if int(m.group(1)) != actual:
                out.append(Mismatch(label, int(m.group(1)), actual))
    return out


def restated(text: str, f: Figures) -> str:
    """``text`` with every figure it states (and their 截至 date) set to ``f``'s, nothing else changed."""
    if f.as_of is not None:
        day = f"截至{gb.official_date(f.as_of)}"
        text = "\n".join(AS_OF_PHRASE.sub(day, line, count=1) if _states_figures(line) else line
                         for line in text.split("\n"))
    for _, phrase, value in PHRASES:
        actual = value(f)
        if actual is not None:
            text = re.sub(phrase, _put(actual), text)
    return text


def _put(value: int) -> Callable[[re.Match[str]], str]:
    """The phrase matched, its number replaced by ``value``."""
    return lambda m: m.group(0).replace(m.group(1), str(value), 1)
