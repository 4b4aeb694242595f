"""What a ledger shows: one row per task and activity, and their totals.

The exported workbook (desktop.ledger.export) and the window's ledger page
both show these rows, so the page and the file never disagree. No openpyxl
here: the page imports it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from desktop import official
from desktop.model import Activity, Draft, Task, is_overdue
from desktop.templates import LedgerSpec, Template

UNFILLED = "未填报"


@dataclass
class LedgerRow:
    """One task or activity as the ledger shows it (values before styling)."""

    key: str
    kind: str  # "task" / "activity"
    values: dict[str, Any]
    status: str
    percent: float | int | None
    deadline: _dt.date | None
    overdue: bool


@dataclass
class Summary:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_lead: dict[str, dict[str, float]] = field(default_factory=dict)
    done: int = 0
    overdue: int = 0
    average: float = 0.0


def build_rows(draft: Draft, template: Template, today: _dt.date, mark: bool = True) -> list[LedgerRow]:
    """The ledger's rows; overdue is judged on ``today``, and with ``mark`` the
    备注 says so ("截至…已逾期": only for a stated 截至日期, never the PC's clock).
    The window's ledger page shows the same values."""
    kinds = template.ledger.kinds
    finished = template.ledger.finished
    rows = []
    for seq, (kind, _path, item) in enumerate(draft.items(), 1):
        entry = draft.progress.get(item.id) if item.id else None
        status = entry.status if entry else ""
        percent = entry.percent if entry else None
        if isinstance(item, Task):
            name, deadline_text = item.title, item.deadline
            deadline = official.parse_iso_date(item.deadline)
            upstream = upstream_text(item.upstream, template, "task")
        else:
            assert isinstance(item, Activity)
            name, deadline_text, deadline = item.name, item.time, None
            upstream = upstream_text(item.upstream, template, "activity")
        overdue = is_overdue(deadline, status, today, finished)
        remark = str(entry.extra.get("remark", "")) if entry and isinstance(entry.extra.get("remark"), str) else ""
        if overdue and mark:
            note = f"截至{official.official_date(today)}已逾期"
            remark = f"{remark}\n{note}" if remark else note
        updated = official.parse_iso_date(entry.updated) if entry else None
        values = {
            "seq": seq, "kind": kinds.get(kind, kind), "name": name, "upstream": upstream,
            "lead": item.lead, "partners": "、".join(p.strip() for p in item.partners if p.strip()),
            "deadline": deadline if deadline else deadline_text,
            "summary": entry.summary if entry else "", "status": status, "percent": percent,
            "evidence": entry.evidence if entry else "",
            "updated": updated if updated else (entry.updated if entry else ""),
            "remark": remark,
        }
        rows.append(LedgerRow(item.id, kind, values, status, percent, deadline, overdue))
    return rows


def upstream_text(numbers: list[int], template: Template, kind: str) -> str:
    """第1项：团结培育青年好网民, one line per superior item the row implements."""
    lines = []
    for n in numbers:
        if kind == "task":
            task = template.key_task(n)
            name = ""
            if task:  # a title lost in the superior's source: what survives of its text
                name = task.title or (f"（标题缺失）{task.text[:16]}…" if task.text else "（原文缺失）")
        else:
            activity = template.key_activity(n)
            name = activity.name if activity else ""
        lines.append(f"第{n}项：{name}" if name else f"第{n}项")
    return "\n".join(lines)


def summarize(rows: list[LedgerRow], spec: LedgerSpec) -> Summary:
    s = Summary(total=len(rows))
    s.by_status = {st: 0 for st in spec.statuses}
    done = spec.done
    sums: dict[str, list[float]] = {}
    total_sum, total_n = 0.0, 0
    for r in rows:
        key = r.status if r.status in s.by_status else UNFILLED
        s.by_status[key] = s.by_status.get(key, 0) + 1
        lead = str(r.values["lead"]).strip() or "（未填写牵头单位）"
        unit = s.by_lead.setdefault(lead, {"items": 0, "done": 0, "overdue": 0, "average": 0.0})
        unit["items"] += 1
        unit["done"] += bool(done) and r.status == done
        unit["overdue"] += r.overdue
        s.done += bool(done) and r.status == done
        s.overdue += r.overdue
        if spec.counts_in_average(r.status):
            pct = spec.effective_percent(r.status, r.percent)
            acc = sums.setdefault(lead, [0.0, 0])
            acc[0] += pct
            acc[1] += 1
            total_sum += pct
            total_n += 1
    for lead, (total, n) in sums.items():
        s.by_lead[lead]["average"] = round(total / n, 1) if n else 0.0
    s.average = round(total_sum / total_n, 1) if total_n else 0.0
    return s


