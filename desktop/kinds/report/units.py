"""The cascade upward: a city adds its districts' merged ledger (``ledger merge``'s
result) to its report, as a table of completion by unit (附件2) and a sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.errors import DesktopError
from desktop.templates import Template

from .model import Report, UnitRow

UNITS_SENTENCE = "各单位报送的进度台账已汇总"


def _number(value: Any) -> float | int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else round(float(value), 1)
    try:
        return _number(float(str(value).strip().rstrip("%")))
    except ValueError:
        return 0


def units_of(path: Path, template: Template) -> list[UnitRow]:
    """Each office of a merged ledger with its figures; DesktopError when it is none."""
    from desktop.ledger.summary import office_figures
    from desktop.storage import regular_file_problem

    problem = "文件不存在" if not path.exists() else regular_file_problem(path)
    if problem:
        raise DesktopError(f"“{path}”不是台账的合并结果：{problem}。")
    figures = office_figures(path, template)
    if figures is None:
        raise DesktopError(f"“{path.name}”不是台账的合并结果。请先用“台账 → 合并多个台账”（或 ledger merge）"
                           "把各单位报送的台账合并，再加入报告。")
    if not figures:
        raise DesktopError(f"合并结果“{path.name}”中没有任何单位的数据。")
    return [UnitRow(unit=f"{office}（{plan}）" if plan else office, items=_number(items), done=_number(done),
                    overdue=_number(overdue), average=None if average in (None, "") else _number(average))
            for office, plan, items, done, overdue, average in figures]


def with_units(report: Report, units: list[UnitRow], title: str) -> Report:
    """``report`` with the units table as its next annex and a sentence on it in 总体情况."""
    out = report.copy()
    out.units = units
    out.units_title = title
    items = sum(u.items for u in units)
    done = sum(u.done for u in units)
    overdue = sum(u.overdue for u in units)
    annex = "附件2" if out.rows and out.annex_title.strip() else "附件"
    # Not the phrases of figures.PHRASES: these are the districts' figures, not the plan's.
    sentence = (f"{UNITS_SENTENCE}（见{annex}）：共{len(units)}个单位、{items:g}项任务和活动，其中已完成{done:g}项，"
                f"超过完成时限尚未完成{overdue:g}项。")
    if out.sections:
        lines = [line for line in out.sections[0].text.split("\n") if not line.startswith(UNITS_SENTENCE)]
        out.sections[0].text = "\n".join(lines + [sentence])
    return out
