"""Kind one: the implementation plan (实施方案) with its cover notice, annex and
ledger. Its record, builder and checks are the modules the program grew with
(desktop.model, desktop.document, desktop.checks); this is where they are named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.kinds.base import Kind, Section
from desktop.model import FORMAT, FORMAT_VERSION, Draft

_E = "desktop.ui.editors"


def _looks_like_plan(raw: Mapping[str, Any]) -> bool:
    # A hand-written draft may omit the marker; its sections still identify it.
    return isinstance(raw.get("notice"), dict) and isinstance(raw.get("plan"), dict)


KIND = Kind(
    key="plan",
    label="实施方案",
    file_format=FORMAT,
    file_version=FORMAT_VERSION,
    suffix=".plan.json",
    record=Draft,
    builder="desktop.document:build_document",
    checker="desktop.checks:run_checks",
    describer="desktop.locations:describer",
    sections=(
        Section("notice", "通知要素", f"{_E}:NoticeEditor", ("notice",)),
        Section("goals", "工作目标", f"{_E}:GoalsEditor", ("plan",)),
        Section("tasks", "重点任务", f"{_E}:TasksEditor", ("plan.task_groups", "plan.upstream_exemptions")),
        Section("requirements", "工作要求", f"{_E}:RequirementsEditor", ("plan.requirements",)),
        Section("activities", "重点活动", f"{_E}:ActivitiesEditor", ("activities",)),
        Section("ledger", "进度台账", f"{_E}:LedgerEditor", ("progress", "as_of")),
    ),
    formats=("docx", "pdf", "xlsx", "ofd"),
    icon="icon.png",
    new_label="实施方案",
    untitled="未命名方案",
    title_path="plan.title",
    looks_like=_looks_like_plan,
    reference_pane=True,
    creator="desktop.drafting:new_draft",
    example="foshan-2020.plan.json",
)
