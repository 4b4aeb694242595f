"""Who is responsible and by when: 牵头单位, 配合单位 and 完成时限 in every
common wording — labelled (（牵头单位：…；配合单位：…）, 〔责任单位：…〕, a line
of its own) or verbal (（生态环境部牵头，…参与）, （X、Y指导）, （…按职责分工负责））.
Values are kept whole: "市委组织部、市人社局，各区、县级市" stays one partner list."""

from __future__ import annotations

import re

_LEAD_LABELS = ("牵头单位", "牵头部门", "主责单位", "主办单位", "责任单位", "责任部门", "负责单位")
_PARTNER_LABELS = ("配合单位", "配合部门", "参与单位", "协办单位", "协同单位", "协助单位")
_DEADLINE_LABELS = ("完成时限", "完成时间", "时间安排", "时间节点", "完成期限", "时限")
_LABEL = "|".join(_LEAD_LABELS + _PARTNER_LABELS + _DEADLINE_LABELS)
_LABEL_AT = re.compile(rf"({_LABEL})\s*[：:]")
# A bracket at the end of a paragraph that names units: round, 〔〕, 【】 or [].
_TRAILING = re.compile(r"[（(〔【\[]([^（(〔【\[]*?)[）)〕】\]]\s*[。；;]?\s*$")
_LABEL_LINE = re.compile(rf"^\s*[（(〔【]?\s*({_LABEL})\s*[：:]")
_VERBS_LEAD = ("牵头负责", "牵头", "负责", "主责", "指导", "主抓")
_VERBS_PARTNER = ("配合", "参与", "协同", "协助", "协办", "共同推进", "按职责分工负责", "分工负责", "按职责负责")
_TIME_WORDS = re.compile(r"(\d{4}\s*年|\d{1,2}\s*月|年底|年内|年前|季度|长期|持续|常态|每年|上半年|下半年|月底|之前)")
_UNITY = re.compile(r"(部|委|局|厅|办|署|院|会|中心|政府|公司|集团|银行|区|县|市|省|街道|镇|乡|团|联|协|所|站|处|室|队"
                    r"|单位|部门)")


def _clean(value: str) -> str:
    return value.strip().strip("，,；;。 ").strip()


def labelled(text: str) -> dict[str, str]:
    """'牵头单位：A，配合单位：B、C，各区' -> lead A, partners 'B、C，各区'; each value runs to the next label."""
    found: dict[str, str] = {}
    marks = list(_LABEL_AT.finditer(text))
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        value = _clean(text[m.end():end])
        if not value:
            continue
        label = m.group(1)
        if label in _DEADLINE_LABELS:
            found.setdefault("deadline", value)
        elif label in _PARTNER_LABELS:
            found.setdefault("partners", value)
        elif label in ("责任单位", "责任部门") and ("lead" in found or any(
                n.group(1) in ("牵头单位", "牵头部门", "主责单位", "主办单位") for n in marks)):
            found.setdefault("partners", value)  # 牵头单位 + 责任单位: the latter take part
        else:
            found.setdefault("lead", value)
    return found


def verbal(text: str) -> dict[str, str]:
    """'生态环境部牵头，发展改革委参与，2019年底前完成' -> lead, partners, deadline.

    A verb ends the list before it, however many commas that list has: in
    '督查室牵头，各乡镇，县直部门配合' both 各乡镇 and 县直部门 take part. Names after the
    last verb ('…牵头，市级各有关部门') continue the list before them."""
    found: dict[str, str] = {}
    pending: list[str] = []  # names since the last verb, waiting for theirs

    def add(key: str, units: str) -> None:
        units = "，".join(pending + [units]) if units else "，".join(pending)
        pending.clear()
        found[key] = found[key] + "，" + units if key in found else units

    def flush() -> None:
        if pending and found:
            add("partners" if "partners" in found else "lead", "")

    for clause in re.split(r"[，,；;]", text):
        clause = clause.strip().rstrip("。")
        if not clause:
            continue
        partner = next((v for v in _VERBS_PARTNER if clause.endswith(v)), None)
        lead = next((v for v in _VERBS_LEAD if clause.endswith(v)), None)
        if partner and clause[: -len(partner)].strip():
            units = _clean(clause[: -len(partner)].removesuffix("等"))
            if "lead" not in found and partner in ("按职责分工负责", "分工负责", "按职责负责"):
                add("lead", units)
            else:
                add("partners", units)
        elif lead and clause[: -len(lead)].strip():
            add("partners" if "lead" in found else "lead", _clean(clause[: -len(lead)]))
        elif _TIME_WORDS.search(clause) and ("前" in clause or "完成" in clause or "长期" in clause
                                             or "持续" in clause or "每年" in clause or "常态" in clause):
            flush()
            found.setdefault("deadline", clause.removesuffix("完成").strip() or clause)
        elif _UNITY.search(clause) and len(clause) <= 30:
            pending.append(clause)  # '县委宣传部，县文明办牵头': the verb comes later
    flush()
    return found


def _names_units(inner: str) -> dict[str, str]:
    if _LABEL_AT.search(inner):
        return labelled(inner)
    found = verbal(inner)
    return found if ("lead" in found or "partners" in found) else {}


def split_units(text: str) -> tuple[str, dict[str, str]]:
    """Text without its responsibility bracket or label lines, and the values found."""
    found: dict[str, str] = {}
    kept: list[str] = []
    for line in text.split("\n"):
        if _LABEL_LINE.match(line):
            for key, value in labelled(line.strip().strip("（）()〔〕【】")).items():
                found.setdefault(key, value)
        else:
            kept.append(line)
    body = "\n".join(kept).rstrip()
    while True:  # a paragraph may end in two brackets: units, then time
        m = _TRAILING.search(body)
        if not m:
            break
        units = _names_units(m.group(1))
        if not units:
            if _TIME_WORDS.search(m.group(1)) and "前" in m.group(1) and len(m.group(1)) <= 20:
                found.setdefault("deadline", _clean(m.group(1)))
                body = body[: m.start()].rstrip()
                continue
            break
        for key, value in units.items():
            found.setdefault(key, value)
        body = body[: m.start()].rstrip()
    return body.strip(), found
