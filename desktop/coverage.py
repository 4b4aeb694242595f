"""Which superior tasks, activities and named items a draft answers: the one
place these rules live (the checks, the reference pane and the task editor
all call them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop import official
from desktop.model import Draft
from desktop.templates import Template

EXEMPTION_MIN_CHARS = 4  # a reason a reader can accept, not "N/A" or "无"


@dataclass(frozen=True)
class Answer:
    path: str  # of the local task or activity
    label: str  # how the clerk finds it: （一）2. 标题 / 3. 活动名称


def task_answers(draft: Draft) -> dict[int, list[Answer]]:
    """Superior task number -> the local tasks that tick it, in plan order."""
    out: dict[int, list[Answer]] = {}
    for g, group in enumerate(draft.plan.task_groups):
        for t, task in enumerate(group.tasks):
            label = f"{official.heading_label(2, g + 1)}{t + 1}. {task.title.strip() or '（未填写标题）'}"
            for u in task.upstream:
                out.setdefault(u, []).append(Answer(f"plan.task_groups[{g}].tasks[{t}]", label))
    return out


def activity_answers(draft: Draft) -> dict[int, list[Answer]]:
    out: dict[int, list[Answer]] = {}
    for i, act in enumerate(draft.activities):
        for u in act.upstream:
            out.setdefault(u, []).append(Answer(f"activities[{i}]", f"{i + 1}. {act.name.strip() or '（未填写名称）'}"))
    return out


def real_reason(text: str) -> bool:
    """An exemption reason of at least a few Chinese characters."""
    return len(re.findall(r"[\u4e00-\u9fff]", text)) >= EXEMPTION_MIN_CHARS


def exemption(draft: Draft, number: int) -> str:
    """The clerk's reason why superior task ``number`` does not apply here ("" when none)."""
    return draft.plan.upstream_exemptions.get(str(number), "").strip()


def is_covered(draft: Draft, number: int, answers: dict[int, list[Answer]] | None = None) -> bool:
    """Answered by a local task, or exempted with a real reason."""
    answers = task_answers(draft) if answers is None else answers
    return bool(answers.get(number)) or real_reason(exemption(draft, number))


def literacy_text(draft: Draft) -> str:
    """Where the named items must be mentioned: the goals and every task."""
    return draft.plan.goals + "".join(t.title + t.text for _, t in draft.plan.tasks())


def literacies_mentioned(draft: Draft, template: Template) -> list[bool]:
    text = literacy_text(draft)
    return [lit in text for lit in template.literacies]
