"""One of our own drafts as the superior document: a city's ``.plan.json``
becomes the district's template field by field (its tasks with 牵头单位 and
时限, its activities, the parent template's ledger so ledgers merge upwards)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from desktop import official as gb
from desktop.errors import TemplateError

from .building import Derived, _level_word, _place, _sub_placeholder, default_checks, default_ledger, digest


def derive_from_draft(path: Path) -> Derived:
    """A city's draft -> the district's template: its tasks with 牵头单位 and 时限."""
    from desktop.document import annex_title as draft_annex_title
    from desktop.storage import load_draft
    from desktop.templates import load_template

    draft = load_draft(path)
    try:
        parent = load_template(draft.template)
    except TemplateError:
        parent = None
    title = draft.plan.title.strip()
    if not title:
        raise TemplateError(f"草稿“{path.name}”没有方案标题，不能作为上级文件。")
    year_m = re.search(r"(\d{4})年", title)
    year = int(year_m.group(1)) if year_m else (parent.year if parent else 0)
    if not year:
        raise TemplateError(f"草稿“{path.name}”的方案标题“{title}”中找不到年度。")
    groups, tasks = [], []
    n = 0
    for g, group in enumerate(draft.plan.task_groups, start=1):
        if group.title.strip():
            groups.append({"number": g, "title": group.title.strip()})
        for task in group.tasks:
            n += 1
            entry: dict[str, Any] = {"number": n, "group": g if group.title.strip() else None,
                                     "title": task.title.strip() or None, "text": task.text.strip() or None,
                                     "source_gap": not task.title.strip()}
            if task.lead.strip():
                entry["lead"] = task.lead.strip()
            if any(p.strip() for p in task.partners):
                entry["partners"] = "、".join(p.strip() for p in task.partners if p.strip())
            if task.deadline.strip():
                d = gb.parse_iso_date(task.deadline.strip())
                entry["deadline"] = gb.official_date(d) + "前" if d else task.deadline.strip()
            tasks.append(entry)
    activities = []
    for i, act in enumerate(draft.activities, start=1):
        entry = {"number": i, "name": act.name.strip()}
        if act.time.strip():
            entry["time"] = act.time.strip()
        if act.lead.strip():
            entry["lead"] = act.lead.strip()
        activities.append(entry)
    requirements = [{"number": i, "title": r.title.strip(), "text": r.text.strip()}
                    for i, r in enumerate(draft.plan.requirements, start=1)]
    place, rest = _place(title)
    level = _level_word(place)
    organs = [o.strip() for o in draft.notice.issuers if o.strip()]
    lists = [{"name": f"{gb.chinese_number(len(parent.literacies))}个{parent.literacies_name}",
              "items": list(parent.literacies)}] if parent and parent.literacies else []
    key = digest([title, draft.notice.doc_number, groups, tasks, activities, requirements, lists])
    atitle = draft_annex_title(draft, parent) if parent and draft.activities else ""
    data: dict[str, Any] = {
        "schema": 1, "id": f"sup-{year}-{key}", "name": title,
        "version": 1, "year": year,
        "description": f"依据{draft.notice.doc_number.strip() or '上级方案'}《{title}》编制本地实施方案。",
        "upstream": {"doc_number": draft.notice.doc_number.strip(), "title": title,
                     "notice_title": draft.notice.title.strip() or gb.notice_title(title),
                     "date": draft.notice.date.strip(), "issuers": organs, "printer": draft.notice.printer.strip(),
                     "level": level, "source_note": f"据上级方案草稿“{path.name}”生成。"},
        "literacies": lists[0]["items"] if lists else [],
        "literacies_name": parent.literacies_name if parent and lists else "",
        "named_lists": lists,
        "task_groups": groups, "key_tasks": tasks, "key_activities": activities, "requirements": requirements,
        "skeleton": {
            "notice": {"header_suffix": "文件", "body": "现将《{plan_title}》印发给你们，请结合实际认真组织实施。",
                       "recipients": "", "cc": []},
            "plan": {"title": "{city}" + rest, "preamble": f"根据《{title}》要求，结合{{place}}实际，制定本方案。",
                     "goals": "", "requirements_from_upstream": [r["number"] for r in requirements]},
            "sections": list(parent.sections) if parent else ["一、工作目标", "二、重点任务", "三、工作要求"],
            "annex_title": "{city}" + _place(atitle)[1] if atitle else "{city}" + f"{year}年重点活动安排表",
            "default_city": _sub_placeholder(level), "default_place": "本地"},
        "ledger": default_ledger(level) if not parent else _ledger_for(parent, level),
        "checks": default_checks(year),
        "import": {"source": path.name, "notes": []},
    }
    return Derived(data, [])


def _ledger_for(parent: Any, level: str) -> dict[str, Any]:
    """The parent's ledger, so the district's ledger merges upwards into the city's."""
    cols = [{"key": c.key, "title": (f"对应{level}任务或活动" if c.key == "upstream" else c.title), "width": c.width}
            for c in parent.ledger.columns]
    return {"sheet": parent.ledger.sheet, "columns": cols, "statuses": list(parent.ledger.statuses),
            "kinds": dict(parent.ledger.kinds)}
