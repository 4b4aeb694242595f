"""The body of a superior document, part by part (一、…), and what each part
is: tasks, goals, requirements, activities, or ignored (a preamble, a part
that sets up bodies or lists members, a timetable).

What a task is, decided here once:
- tasks come from every part that holds measures (重点任务, 主要任务, 具体措施,
  重点工作, 主要举措… or any part of numbered measures that is not goals,
  requirements or bodies), never from one part only;
- organisation, safeguards and requirements become 工作要求;
- a part that sets up bodies (领导小组, 专家组…) or lists members is neither;
- the clerk may change any part's role (``roles``) and how its tasks are
  numbered (``levels``) in the review dialog, and the document is read again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .header import _organ
from .reading import Para, Source, Table
from .text import L1, L2, L3, L4, PRINTED, is_date_line, squeeze
from .units import split_units

ROLE_NAMES = {"tasks": "重点任务", "goals": "工作目标", "requirements": "工作要求", "activities": "重点活动",
              "ignored": "不读取"}
LEVEL_NAMES = {"auto": "自动判断", "numbered": "编号项（1.）是任务", "groups": "（一）各项是任务",
               "paragraphs": "每段是一项任务"}

_GOALS = re.compile(r"(目标|总体要求|指导思想|基本原则|总体思路|工作原则|主要原则|基本要求)")
_ACTIVITIES = re.compile(r"活动")
_BODIES = re.compile(r"(机构|小组|专班|成员|组成|人员(组成|构成|安排|分工)|职责|领导体制)")
# "构建…就业保障体系" is a measure; "保障措施", "强化工作保障" are the plan's safeguards.
_REQUIREMENTS = re.compile(r"(保障措施|工作保障|组织保障|实施保障|强化保障|加强保障|保障机制|要求|组织实施|组织领导"
                           r"|工作机制|附则|纪律)")
# Words that name the document's own follow-up only where the part names no one responsible:
# "加强对权力运行的监督制约" with a 牵头单位 under each item is a part of measures.
_FOLLOW_UP = re.compile(r"(监督|考核|督查|督导|宣传引导|总结)")
_STEPS = re.compile(r"(步骤|阶段|进度安排|时间安排|时间节点)")
_MEASURES = re.compile(r"(任务|具体措施|工作措施|主要措施|政策措施|重点措施|重点工作|主要工作|举措|工作内容"
                       r"|主要内容|行动|工程|项目)")
_MEMBER_ITEM = re.compile(r"^(组\s*长|副组长|成\s*员|主\s*任|副主任|召集人|联络员)[：:]"
                          r"|(小组|专家组|工作组|监督组|指挥部)[。：:，]?$")


@dataclass
class Part:
    number: int  # 0 is the text before the first 一、
    heading: str
    items: list[Para | Table] = field(default_factory=list)
    role: str = "ignored"
    reason: str = ""
    level: str = "auto"
    found: str = ""  # how it was read, for the review dialog


@dataclass
class Body:
    parts: list[Part]
    annexes: list[tuple[str, list[Para | Table]]]
    printer: str = ""
    print_date: str = ""


def _strip_signature(items: list[Para | Table]) -> list[Para | Table]:
    """Drop the signature (organs above a date), the date and （此件公开发布） from the body."""
    drop: set[int] = set()
    for i, item in enumerate(items):
        if not isinstance(item, Para):
            continue
        flat = squeeze(item.text)
        if is_date_line(flat):
            drop.add(i)
            k = i - 1
            while k >= 0 and k not in drop:
                prev = items[k]
                if not (isinstance(prev, Para) and _organ(squeeze(prev.text))):
                    break
                drop.add(k)
                k -= 1
        elif re.fullmatch(r"[（(]此件[^）)]{0,12}[）)]", flat):
            drop.add(i)
    return [it for i, it in enumerate(items) if i not in drop]


def split_body(src: Source, start: int) -> Body:
    """Parts (一、…), annexes (附件…) and the 版记's 印发 line, after the plan title."""
    parts = [Part(0, "")]
    annexes: list[tuple[str, list[Para | Table]]] = []
    annex: list[Para | Table] | None = None
    body = Body(parts, annexes)
    items = src.items[start:]
    for k, item in enumerate(items):
        if isinstance(item, Para):
            nxt = items[k + 1] if k + 1 < len(items) else None
            if isinstance(nxt, Para) and (nm := PRINTED.match(nxt.text)) and not nm.group(1):
                body.printer = squeeze(item.text)  # the 印制机关 on its own line above the date
                continue
            t = item.text
            pm = PRINTED.match(t)
            if pm:
                from .text import iso
                body.printer = squeeze(pm.group(1)) or body.printer
                body.print_date = iso(pm.group(2))
                break
            flat = squeeze(t)
            if flat.startswith("抄送"):
                continue
            am = re.fullmatch(r"附件\s*(\d*)\s*[：:]?\s*(\D.{0,40})?", flat)
            if am and (not am.group(2) or not L3.match(am.group(2))):
                annex = []
                annexes.append((am.group(2) or "", annex))
                continue
            if annex is not None:
                if not annexes[-1][0] and not L3.match(t) and len(flat) <= 60:
                    annexes[-1] = (flat, annex)
                    continue
                annex.append(item)
                continue
            m1 = L1.match(t)
            if m1 and len(squeeze(m1.group(2))) <= 30:
                parts.append(Part(len(parts), squeeze(m1.group(2))))
                continue
        elif annex is not None:
            annex.append(item)
            continue
        parts[-1].items.append(item)
    for part in parts:
        part.items = _strip_signature(part.items)
    body.annexes = [a for a in annexes if a[1]]  # "附件：…" listing the annexes is not one
    _measures_numbered_l1(parts)
    return body


def _long_l1(item: Para | Table) -> bool:
    """一、 before a whole sentence: a measure, not a part heading."""
    m = L1.match(item.text) if isinstance(item, Para) else None
    return m is not None and len(squeeze(m.group(2))) > 30


def _measures_numbered_l1(parts: list[Part]) -> None:
    """A notice without part headings whose measures are 一、二、三 paragraphs: those
    paragraphs are a part of their own, after the preamble."""
    if len(parts) != 1:
        return
    items = parts[0].items
    first = next((i for i, it in enumerate(items) if _long_l1(it)), None)
    if first is None or sum(1 for it in items if _long_l1(it)) < 2:
        return
    parts[0].items = items[:first]
    parts.append(Part(1, "", items[first:]))


def settle_roles(parts: list[Part]) -> None:
    """Each part's role by its own heading and content, then by the document: where
    other parts number their measures, a part of unnumbered prose under a heading that
    names no measures is an account of the situation, not tasks."""
    for part in parts:
        part.role, part.reason = classify(part)
    numbered = [p for p in parts if p.role == "tasks" and _numbered_items(p)]
    if not numbered:
        return
    for part in parts:
        if part.role == "tasks" and not _numbered_items(part) and not _MEASURES.search(part.heading) \
                and not any(isinstance(i, Table) for i in part.items) \
                and not any(split_units(p.text)[1] for p in part.items if isinstance(p, Para)):
            part.role, part.reason = "ignored", "其他部分逐项列出措施，本部分是不编号的情况说明，不是任务"


def _numbered_items(part: Part) -> int:
    return sum(1 for p in part.items if isinstance(p, Para) and (L3.match(p.text) or L2.match(p.text) or _long_l1(p)))


_START_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:起|开始|度|至|到|—|－|-|~|～)"
                         r"|((?:19|20)\d{2})\s*[—－\-~～]\s*(?:19|20)\d{2}\s*年")
_ANY_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def body_year(parts: list[Part], texts: list[str]) -> tuple[int, str]:
    """The year of a document whose title, 文号 and date state none: the start year its
    preamble or goals give ("2012年起5年内"); else a year to check, said so in the note."""
    for part in parts:
        if part.number == 0 or part.role == "goals":
            for p in part.items:
                m = _START_YEAR.search(p.text) if isinstance(p, Para) else None
                if m:
                    return int(m.group(1) or m.group(2)), ""
    years = sorted({int(m.group(1)) for t in texts for m in _ANY_YEAR.finditer(t)})
    if years:
        return years[0], (f"原文的标题、发文字号和成文日期都没有载明年度，暂按正文中最早出现的年份（{years[0]}年），"
                          "请核对后改正。")
    import datetime

    this = datetime.date.today().year
    return this, f"原文中没有任何年份，暂按今年（{this}年）生成，请核对后改正。"


def classify(part: Part) -> tuple[str, str]:
    """(role, reason) by the part's heading, then by its content."""
    h = part.heading
    paras = [p for p in part.items if isinstance(p, Para)]
    if part.number == 0:
        return "ignored", "正文开头（制定依据、目的），不是任务"
    if _GOALS.search(h) and not re.search(r"(任务|措施)", h.replace("目标任务", "目标")):
        return "goals", f"标题“{h}”是目标或总体要求"
    if _ACTIVITIES.search(h) and not re.search(r"(任务|措施)", h):
        return "activities", f"标题“{h}”是活动"
    if _BODIES.search(h) and not re.search(r"(任务|措施)", h) and not _with_units(paras):
        return "ignored", f"标题“{h}”是机构或人员，不是任务"
    if not re.search(r"(任务|具体措施|工作措施|主要措施|重点工作)", h) and (
            _REQUIREMENTS.search(h)
            or (_FOLLOW_UP.search(h) and not _with_units(paras))):
        return "requirements", f"标题“{h}”是组织、保障或要求"
    if _STEPS.search(h) and not _MEASURES.search(h):
        return "ignored", f"标题“{h}”是实施步骤或时间安排"
    members = sum(1 for p in paras if _MEMBER_ITEM.search(squeeze(p.text)[:40]))
    if paras and members * 2 >= len(paras):
        return "ignored", "内容是机构或人员名单，不是任务"
    if _MEASURES.search(h):
        return "tasks", f"标题“{h}”是任务或措施"
    numbered = sum(1 for p in paras if L3.match(p.text) or L2.match(p.text))
    if numbered or len(paras) >= 2 or any(isinstance(i, Table) for i in part.items):
        return "tasks", "部分中是逐项的措施"
    return "ignored", "内容太少，不像任务"


def _with_units(paras: list[Para]) -> bool:
    """Items that name who is responsible (牵头单位…): measures, whatever the heading says."""
    return any(split_units(p.text)[1].get("lead") for p in paras)


def _task_level(part: Part) -> str:
    paras = [p for p in part.items if isinstance(p, Para)]
    if any(L3.match(p.text) and not L3.match(p.text).group(2)[:1].isdigit() for p in paras):  # type: ignore[union-attr]
        return "numbered"
    if any(_long_l1(p) for p in paras):
        return "numbered"  # 一、二、三 measures of a notice without part headings
    if any(L2.match(p.text) for p in paras):
        return "groups"
    return "paragraphs"


def level_of(part: Part) -> str:
    return part.level if part.level != "auto" else _task_level(part)


def is_sub_item(text: str) -> bool:
    return bool(L4.match(text)) or text[:1] in "①②③④⑤⑥⑦⑧⑨⑩"
