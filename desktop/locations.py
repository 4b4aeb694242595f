"""Where a problem sits, said the way a clerk would find it.

``describe_path(draft, "plan.task_groups[0].tasks[1].lead")`` ->
"重点任务（一）第 2 项“提升教师信息技术应用能力” · 牵头单位".
"""

from __future__ import annotations

from collections.abc import Callable

from desktop.model import Activity, Draft, Task, parse_path
from desktop.official import chinese_number

# Field names as a clerk knows them; the checks' messages use them too.
FIELD_LABELS = {
    "issuers": "发文机关", "header_suffix": "发文机关标志后缀", "doc_number": "发文字号", "copy_no": "份号",
    "secrecy": "密级", "urgency": "紧急程度", "signer": "签发人", "title": "标题", "recipients": "主送机关",
    "body": "通知正文", "signatures": "发文机关署名", "date": "成文日期", "note": "附注", "cc": "抄送机关",
    "printer": "印发机关", "print_date": "印发日期", "preamble": "开头段", "goals": "工作目标",
    "task_groups": "重点任务", "requirements": "工作要求", "upstream_exemptions": "不适用的上级任务",
    "text": "具体措施", "lead": "牵头单位", "partners": "配合单位", "deadline": "完成时限",
    "upstream": "对应上级任务", "id": "编号", "name": "活动名称", "time": "活动时间",
    "annex_title": "附件标题", "signature_layout": "落款格式", "as_of": "截至日期",
}


def _quote(text: str) -> str:
    text = text.strip()
    return f"“{text[:18]}{'…' if len(text) > 18 else ''}”" if text else ""


def describe_path(draft: Draft, path: str) -> str:
    """One path said in plain Chinese (for many, use ``describer``: it indexes once)."""
    return describer(draft)(path)


def describer(draft: Draft) -> Callable[[str], str]:
    """``describe_path`` for many paths of one draft: ledger entries are found
    through one index, so describing n problems takes time linear in n."""
    items = {item.id: item for _, _, item in draft.items()}
    return lambda path: _describe(draft, path, items)


def _describe(draft: Draft, path: str, items: dict[str, Task | Activity]) -> str:
    tokens = parse_path(path)
    if not tokens:
        return path
    head = tokens[0]
    try:
        if head == "notice":
            parts = ["印发通知"]
            if len(tokens) > 1:
                parts.append(FIELD_LABELS.get(str(tokens[1]), str(tokens[1])))
            if len(tokens) > 2 and isinstance(tokens[2], int):
                parts[-1] += f"第 {tokens[2] + 1} 项"
            return " · ".join(parts)
        if head == "as_of":
            return "进度台账 · 截至日期"
        if head == "progress":
            key = str(tokens[1]) if len(tokens) > 1 else ""
            item = items.get(key)
            name = getattr(item, "title", "") or getattr(item, "name", "") if item else ""
            return f"进度台账 · {_quote(name) or key}"
        if head == "activities":
            if len(tokens) == 1:
                return "重点活动"
            i = tokens[1]
            act = draft.activities[i]  # type: ignore[index]
            where = f"重点活动第 {i + 1} 项{_quote(act.name)}"  # type: ignore[operator]
            return " · ".join([where] + [FIELD_LABELS.get(str(t), str(t)) for t in tokens[2:3]])
        if head == "plan":
            if len(tokens) == 1:
                return "实施方案"
            field = str(tokens[1])
            if field == "task_groups" and len(tokens) >= 3:
                g = int(tokens[2])
                where = f"重点任务（{chinese_number(g + 1)}）"
                if len(tokens) >= 5 and tokens[3] == "tasks":
                    t = int(tokens[4])
                    task = draft.plan.task_groups[g].tasks[t]
                    where += f"第 {t + 1} 项{_quote(task.title)}"
                    rest = tokens[5:6]
                else:
                    rest = tokens[3:4]
                return " · ".join([where] + [FIELD_LABELS.get(str(x), str(x)) for x in rest])
            if field == "requirements" and len(tokens) >= 3:
                r = int(tokens[2])
                where = f"工作要求（{chinese_number(r + 1)}）"
                labels = ["内容" if x == "text" else FIELD_LABELS.get(str(x), str(x)) for x in tokens[3:4]]
                return " · ".join([where] + labels)
            label = "方案标题" if field == "title" else FIELD_LABELS.get(field, field)
            return f"实施方案 · {label}"
    except (IndexError, KeyError, TypeError, ValueError):
        pass
    return path
