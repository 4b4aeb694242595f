"""Building the template from what was read: the header fields, the parts and
their roles, the tasks, requirements, activities and named lists, into plain
data for ``desktop.templates.parse_template``.

``derive`` keeps the source and the parts in ``Derived`` so that the review
dialog can change a part's role or task level and read the document again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from desktop import official as gb
from desktop.errors import TemplateError
from desktop.templates import DEFAULT_DONE, DEFAULT_NOT_APPLICABLE, DEFAULT_STATUSES

from .header import read_header
from .limits import Deadline
from .parts import Part, body_year, level_of, settle_roles, split_body
from .reading import Para, Source
from .tasks import activities, build_tasks, collect, is_task_table, requirements, table_tasks
from .text import CJK, chinese_to_int

_LIST_ANNOUNCE = re.compile(rf"([一二三四五六七八九十两]|\d{{1,2}})个([{CJK}]{{2,6}}?)(?=[，,：:、（(]|$)")
_LIST_PREFIXES = ("具备", "具有", "包括", "涵盖", "覆盖", "面向", "围绕", "突出", "聚焦", "即", "树立", "培养", "做到")


@dataclass
class Derived:
    data: dict[str, Any]  # the template, as JSON data
    notes: list[str]  # what could not be classified or is missing, in plain Chinese
    source: Source | None = None  # what was read, to read it again with the clerk's choices
    parts: list[Part] = field(default_factory=list)

    def reread(self, roles: dict[int, str] | None = None, levels: dict[int, str] | None = None) -> Derived:
        """The same document read again with parts' roles or task levels set by the clerk."""
        if self.source is None:
            return self
        base_roles = {p.number: p.role for p in self.parts}
        base_levels = {p.number: p.level for p in self.parts if p.level != "auto"}
        return derive(self.source, roles={**base_roles, **(roles or {})}, levels={**base_levels, **(levels or {})})


def _place(title: str) -> tuple[str, str]:
    """'广东省2020年…' -> ('广东省', '…'); the region that issued the plan."""
    m = re.match(rf"^([{CJK}]{{2,16}})(?=\d{{4}}年)", title)
    if m and m.group(1).endswith(("自治区", "自治州", "特别行政区", "省", "市", "区", "县", "州", "盟", "旗")):
        return m.group(1), title[m.end():]
    return "", title


def _level_word(place: str) -> str:
    for end, word in (("省", "省级"), ("自治区", "省级"), ("市", "市级"), ("州", "州级"), ("区", "区级"),
                      ("县", "县级")):
        if place.endswith(end):
            return word
    return "上级"


def _level_from(place: str, issuers: list[str], title: str) -> str:
    if place:
        return _level_word(place)
    text = "".join(issuers) or title
    if text.startswith(("国务院", "中共中央", "国家", "中央")) or re.match(r"^[^省市县区]*部", text):
        return "国家级" if text else "上级"
    m = re.search(rf"[{CJK}]{{1,8}}?(自治区|省|市|州|县|区)", text)
    return _level_word(m.group(0)) if m else "上级"


def _sub_placeholder(level: str) -> str:
    return {"省级": "××市", "市级": "××区", "州级": "××县", "国家级": "××省"}.get(level, "××")


def named_lists(texts: list[str]) -> list[dict[str, Any]]:
    """'聚焦五个基本素养，大力培育具备A、B、C、D、E等素养' -> 五个基本素养: [A…E]."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for text in texts:
        for m in _LIST_ANNOUNCE.finditer(text):
            count = chinese_to_int(m.group(1))
            name = m.group(0)
            if not count or count < 2 or name in seen:
                continue
            sentence = re.split(r"[。；]", text[m.end(): m.end() + 300])[0]
            for clause in re.split(r"[，,：:]", sentence):
                items = [p.strip() for p in clause.split("、")]
                if len(items) != count:
                    continue
                items[-1] = re.split(r"等", items[-1])[0].strip()
                first = items[0]
                for prefix in _LIST_PREFIXES:
                    if prefix in first:
                        first = first[first.rindex(prefix) + len(prefix):]
                items[0] = first.strip()
                if all(1 < len(i) <= 16 for i in items):
                    out.append({"name": name, "items": items})
                    seen.add(name)
                    break
    return out


def default_ledger(level: str = "上级") -> dict[str, Any]:
    cols = [("seq", "序号", 6), ("kind", "类别", 10), ("name", "名称", 30), ("upstream", f"对应{level}任务或活动", 16),
            ("lead", "牵头单位", 16), ("partners", "配合单位", 20), ("deadline", "完成时限", 14),
            ("summary", "进展情况", 36), ("status", "状态", 10), ("percent", "完成率（%）", 10),
            ("evidence", "佐证材料", 24), ("updated", "更新日期", 13), ("remark", "备注", 16)]
    return {"sheet": "进度台账", "columns": [{"key": k, "title": t, "width": w} for k, t, w in cols],
            "statuses": list(DEFAULT_STATUSES), "done": DEFAULT_DONE, "not_applicable": DEFAULT_NOT_APPLICABLE,
            "kinds": {"task": "重点任务", "activity": "重点活动"}}


def default_checks(year: int) -> dict[str, Any]:
    return {"required": {"notice": ["issuers", "doc_number", "recipients", "body", "date", "signatures", "printer",
                                    "print_date"],
                         "plan": ["title", "goals"], "task": ["title", "lead", "deadline"],
                         "activity": ["name", "time", "lead"]},
            "require_task": True, "require_requirement": True, "measures_min_chars": 20,
            "task_coverage": "error", "activity_coverage": "warning", "literacies": "warning",
            "deadline_year": year}


def digest(content: Any) -> str:
    """The template id's hash: the same superior gives the same id, and a document
    read differently (its PDF, a corrected copy) another one, never overwriting it."""
    return hashlib.sha1(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:8]


def _section_label(role: str, parts: list[Part]) -> str:
    """The heading a district's plan uses for a role: the superior's own when there is one part of it."""
    names = [p.heading for p in parts if p.role == role and p.heading]
    defaults = {"goals": "工作目标", "tasks": "重点任务", "requirements": "工作要求"}
    return names[0] if len(names) == 1 else (names[0] if names and role == "goals" else defaults[role])


def derive(src: Source, roles: dict[int, str] | None = None, levels: dict[int, str] | None = None,
           deadline: Deadline | None = None) -> Derived:
    """A template from the paragraphs of a superior document."""
    deadline = deadline or Deadline(src.name)
    notes: list[str] = []
    texts = [p.text for p in src.items if isinstance(p, Para)]
    head = read_header(src)
    body = split_body(src, head.body_start)
    settle_roles(body.parts)
    for part in body.parts:
        if roles and part.number in roles:
            part.role, part.reason = roles[part.number], "由您指定"
        if levels and part.number in levels:
            part.level = levels[part.number]
    deadline.check()
    year_note = ""
    if not head.year:
        head.year, year_note = body_year(body.parts, texts)
        if year_note:
            notes.append(year_note)

    found, group_list, task_notes, other_numbers = collect(body.parts, deadline)
    notes += task_notes
    tasks, more = build_tasks(found, other_numbers)
    notes += more
    groups, remap = group_list.final()
    for t in tasks:
        if t["group"] is not None:
            t["group"] = remap.get(t["group"], t["group"])
    for part in body.parts:
        if part.role == "tasks":
            part.found = f"按“{_level_name(level_of(part))}”读取"
    # A responsibility table in an annex: the tasks when the body has none.
    task_annexes = [(i, a) for i, a in enumerate(body.annexes, start=1)
                    if any(not isinstance(x, Para) and is_task_table(x.rows) for x in a[1])]
    if task_annexes and not tasks:
        i, (title, items) = task_annexes[0]
        groups, tasks = table_tasks(items, deadline)
        notes.append(f"重点任务取自附件{i}（{title or '任务表'}）的表格。")
    elif task_annexes:
        _fill_from_table(tasks, table_tasks(task_annexes[0][1][1], deadline)[1])
    if not tasks:
        notes.append("没有找到重点任务：正文各部分和附件表格中都没有逐项的措施。")

    reqs = requirements(body.parts)
    chosen = next((a for a in body.annexes if "活动" in a[0]),
                  next((a for k, a in enumerate(body.annexes, start=1)
                        if k not in [i for i, _ in task_annexes]), ("", [])))
    annex_title = chosen[0]
    for i, (title, _items) in enumerate(body.annexes, start=1):
        if title != annex_title and i not in [k for k, _ in task_annexes]:
            notes.append(f"附件{i}（{title or '无标题'}）不是重点活动，未读取。")
    acts = activities(chosen[1], notes) if chosen[1] else []
    if not acts:
        for part in body.parts:
            if part.role == "activities":
                acts += activities(part.items, notes)
    if not acts:
        notes.append("没有找到重点活动（附件中的编号清单或带表头的表格）。")
    for part in body.parts:
        if part.role == "ignored" and part.number:
            notes.append(f"第“{part.heading}”部分未读取：{part.reason}。")

    goals_texts = [p.text for part in body.parts if part.role == "goals" for p in part.items if isinstance(p, Para)]
    lists = named_lists(goals_texts + texts)
    if not lists:
        notes.append("没有找到正文点名的清单（如“五个基本素养”及其各项）。")
    place, rest = _place(head.plan_title)
    level = _level_from(place, head.issuers, head.plan_title)
    body_rest = rest.replace("工作方案", "实施方案") if "工作方案" in rest else rest
    sub_annex = "{city}" + _place(annex_title)[1] if annex_title else "{city}" + f"{head.year}年重点活动安排表"
    if annex_title and not sub_annex.endswith("表"):
        sub_annex += "安排表"
    # The notice's sentence that issues the plan (现将《…》印发给你们，请…。), not the rest:
    # what follows is the superior's own (向市委网信办反映) and may be cut by a page.
    from .text import squeeze
    notice_body = next((t for t in texts if "印发给你们" in t or "现将" in t), "")
    issuing = re.search(r"[^。]*《[^》]+》[^。]*。", squeeze(notice_body))
    body_pattern = (re.sub(r"《[^》]+》", "《{plan_title}》", issuing.group(0)) if issuing
                    else "现将《{plan_title}》印发给你们，请结合实际认真组织实施。")
    roles_present = [r for r in ("goals", "tasks", "requirements") if any(p.role == r for p in body.parts)]
    heading_names = [_section_label(r, body.parts) for r in roles_present]
    plan_title = head.plan_title
    data: dict[str, Any] = {
        "schema": 1,
        "id": f"sup-{head.year}-{digest([plan_title, head.doc_number, groups, tasks, acts, reqs, lists])}",
        "name": plan_title,
        "version": 1,
        "year": head.year,
        "description": f"依据{head.doc_number or '上级文件'}《{plan_title}》编制本地实施方案、印发通知和进度台账。",
        "upstream": {
            "doc_number": head.doc_number, "title": plan_title, "notice_title": head.notice_title,
            "date": head.date or body.print_date, "issuers": head.issuers, "printer": body.printer, "level": level,
            "source_note": f"据上级文件“{src.name}”生成；原文缺失的内容按缺失标注，未作补写。",
        },
        "literacies": lists[0]["items"] if lists else [],
        "literacies_name": re.sub(r"^([一二三四五六七八九十两]|\d{1,2})个", "", lists[0]["name"]) if lists else "",
        "named_lists": lists,
        "task_groups": groups,
        "key_tasks": tasks,
        "key_activities": acts,
        "requirements": reqs,
        "skeleton": {
            "notice": {"header_suffix": "文件", "body": body_pattern, "recipients": "", "cc": []},
            "plan": {"title": "{city}" + body_rest,
                     "preamble": f"根据《{plan_title}》要求，结合{{place}}实际，制定本方案。",
                     "goals": "",
                     "requirements_from_upstream": [r["number"] for r in reqs if not r.get("source_gap")]},
            "sections": [f"{gb.heading_label(1, i)}{n}" for i, n in enumerate(heading_names, start=1)],
            "annex_title": sub_annex, "default_city": _sub_placeholder(level), "default_place": "本地",
        },
        "ledger": default_ledger(level),
        "checks": default_checks(head.year),
        "import": {"source": src.name, "notes": notes},
    }
    if not head.date and body.print_date:
        data["upstream"]["date_note"] = "来源文本只载明印发日期，未载明成文日期。"
    if year_note:
        data["upstream"]["year_note"] = year_note
    _fits(data, src.name)
    return Derived(data, notes, src, body.parts)


def _level_name(level: str) -> str:
    from .parts import LEVEL_NAMES
    return LEVEL_NAMES[level]


def _fill_from_table(tasks: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    """A body's tasks restated in an annex table: units the body leaves out come from the table."""
    for t in tasks:
        if not t.get("title"):
            continue
        row = next((r for r in rows if r["title"] and (t["title"] in r["title"] or r["title"] in t["title"])), None)
        for key in ("lead", "partners", "deadline"):
            if row and row.get(key) and not t.get(key):
                t[key] = row[key]


def _fits(data: dict[str, Any], name: str) -> None:
    """A template the loader will take: the size is said of the superior document, not of the output file."""
    from desktop.templates import MAX_TEMPLATE_BYTES
    size = len(template_json_data(data).encode("utf-8"))
    if size > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"上级文件“{name}”读出的内容过多（{len(data['key_tasks'])} 项任务、"
                            f"{len(data['key_activities'])} 项活动，模板约 {size // 1048576 + 1} MB），"
                            f"超过模板 {MAX_TEMPLATE_BYTES // 1048576} MB 的上限；请只保留方案正文后再导入。")


def template_json_data(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def template_json(derived: Derived) -> str:
    return template_json_data(derived.data)


def summary(derived: Derived, notes: bool = True) -> str:
    """What was found, in the words a clerk checks it by."""
    d = derived.data
    tasks = d["key_tasks"]
    gaps = [t for t in tasks if t.get("source_gap")]
    titled = sum(1 for t in tasks if t.get("title"))
    guessed = d["upstream"].get("year_note", "")  # the document states no year: ours is a guess
    year = f"{d['year']}年" + ("，原文未载明年度，请核对" if guessed else "")
    lines = [f"上级文件：{d['upstream']['title']}"
             f"（{year}{('，' + d['upstream']['doc_number']) if d['upstream']['doc_number'] else ''}）",
             f"重点任务 {len(tasks)} 项（{titled} 项有标题，{len(gaps)} 项原文有缺失），"
             f"分组 {len(d['task_groups'])} 个；重点活动 {len(d['key_activities'])} 项。"]
    for lst in d.get("named_lists", []):
        lines.append(f"{lst['name']}：{'、'.join(lst['items'])}")
    if notes:
        lines += [f"提示：{n}" for n in derived.notes]
    else:  # the year's note where it is read first; the others behind their tab
        if guessed:
            lines.append(f"提示：{guessed}")
        rest = [n for n in derived.notes if n != guessed]
        if rest:
            lines.append(f"另有 {len(rest)} 条提示，见“未能归类”。")
    return "\n".join(lines)
