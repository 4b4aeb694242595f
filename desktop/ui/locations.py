"""Which editor holds a problem path (the clerk-facing wording of a path is
``desktop.locations.describe_path``). Pure functions, testable without widgets.
"""

from __future__ import annotations

# Navigator entries, in order: (key, label).
SECTIONS = (
    ("notice", "通知要素"),
    ("goals", "工作目标"),
    ("tasks", "重点任务"),
    ("requirements", "工作要求"),
    ("activities", "重点活动"),
    ("ledger", "进度台账"),
)
SECTION_LABELS = dict(SECTIONS)


def section_of(path: str) -> str:
    """The navigator key of the editor that holds ``path``."""
    if path.startswith("notice"):
        return "notice"
    if path.startswith(("plan.task_groups", "plan.upstream_exemptions")):
        return "tasks"
    if path.startswith("plan.requirements"):
        return "requirements"
    if path.startswith("plan"):
        return "goals"
    if path.startswith("activities"):
        return "activities"
    if path.startswith(("progress", "as_of")):
        return "ledger"
    return "notice"
