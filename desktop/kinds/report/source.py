"""Finding the plan a report was drafted from, to compare or refresh its figures.

The report records where the plan was (relative to the report when they share
a folder tree) and the plan's identity; a file found there that carries
another identity is another plan (or another year's), and is not used.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop.checks import Problem
from desktop.errors import DesktopError
from desktop.model import Draft

from .model import Report

_LOADED: dict[tuple[str, int, int], Draft] = {}  # (path, mtime, size) -> the plan read from it


def plan_candidate(report: Report, report_path: Path | None) -> Path | None:
    where = report.source.plan_path.strip()
    if not where:
        return None
    path = Path(where)
    folder = report_path.parent if report_path is not None else Path.cwd()
    if not path.is_absolute():
        path = folder / path
    if not path.exists() and (folder / path.name).exists():  # both moved together to another folder
        path = folder / path.name
    return path


def _load(path: Path) -> Draft:
    from desktop.storage import load_draft

    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    plan = _LOADED.get(key)
    if plan is None:
        if len(_LOADED) > 8:
            _LOADED.clear()
        plan = _LOADED[key] = load_draft(path)
    return plan


def find_plan(report: Report, report_path: Path | None, chosen: str | os.PathLike[str] | None = None
              ) -> tuple[Draft, Path] | None:
    """(the plan, its path): the one the clerk ``chosen``, else where the report says;
    None when it is not there. DesktopError when it cannot be read or is another plan."""
    path = Path(chosen) if chosen else plan_candidate(report, report_path)
    if chosen and path is not None:
        from desktop.storage import regular_file_problem

        problem = regular_file_problem(path)
        if problem:  # the clerk named it: say what it is, not "not found"
            raise DesktopError(f"“{path}”不是方案文件：{problem}。")
    if path is None or not path.is_file():
        return None
    plan = _load(path)
    want, title = report.source.plan_id.strip(), report.source.plan_title.strip()
    if want and plan.id and plan.id != want:
        raise DesktopError(f"“{path.name}”不是起草本报告所依据的方案《{report.source.plan_title}》"
                           f"（方案编号不同，可能是另一份或另一年的方案），没有使用它。")
    if not (want and plan.id) and not chosen and title and plan.plan.title.strip() != title:
        # No ids to compare (drafted from a plan never saved): the title is the plan's identity.
        raise DesktopError(f"“{path.name}”不是起草本报告所依据的方案《{title}》（它是《{plan.plan.title.strip()}》，"
                           "可能是另一份或另一年的方案），没有使用它。确是这份方案时请明确选择它。")
    return plan, path


def stale_against_plan(report: Report, report_path: Path | None) -> Problem | None:
    """A warning when the plan's progress moved on since the rows were taken; None when
    it did not, or when the plan is not where the report says (nothing to compare)."""
    from desktop.templates import load_template

    from .checks import stale

    try:
        found = find_plan(report, report_path)
        if found is None:
            return None
        return stale(report, found[0], load_template(found[0].template))
    except (DesktopError, OSError):
        return None


def against_plan(report: Report, report_path: Path | None) -> list[Problem]:
    """The report's context check (desktop.kinds.base.Kind.context_checker)."""
    problem = stale_against_plan(report, report_path)
    return [problem] if problem else []
