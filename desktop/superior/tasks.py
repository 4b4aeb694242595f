"""Tasks, requirements and activities out of the parts that hold them.

Numbering is kept as the document has it: straight through the document
(1.–45. across all parts) without invented gaps; numbers that restart in each
group, run out of order, repeat or are absurd are put in reading order and
the note says so. A number starts a task only when the title's first
character follows it ("11.121人才梯队项目" is task 11 where 11 is due).
Gaps stay gaps: a number never seen is a numbered gap, text after an OCR gap
is the tail of the task before the next number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from desktop.errors import TemplateError

from . import limits
from .limits import Deadline
from .parts import Part, is_sub_item, level_of
from .reading import Para, Table, header_index
from .text import L1, L2, L3, chinese_to_int, complete, first_sentence, split_title, squeeze
from .units import split_units

ABSURD = 999  # no plan numbers a task beyond this


@dataclass
class _Item:
    number: int | None  # as printed; None for an unnumbered measure; -1 for a fragment after a gap
    text: str
    after_gap: bool
    group: int | None = None
    tail: list[str] = field(default_factory=list)
    starts_mid: bool = False
    unnumbered: bool = False  # titled by its first sentence


def _digit(text: str, expected: int | None) -> tuple[int, str] | None:
    """A numbered item's number and rest, if the number really starts a task
    (1. items, or the long 一、 paragraphs of a notice without part headings)."""
    m = L3.match(text)
    if not m:
        m1 = L1.match(text)
        if m1 and len(squeeze(m1.group(2))) > 30:
            n1 = chinese_to_int(m1.group(1))
            return (n1, m1.group(2).strip()) if n1 else None
        return None
    n, rest = int(m.group(1)), m.group(2).strip()
    if not rest:
        return None
    if rest[:1].isdigit() and n != expected:
        return None  # "2.5万名…": a figure, not a heading
    return n, rest


class _Groups:
    """Group titles across task parts; numbers as printed when unique, else in order."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.printed: list[int | None] = []

    def add(self, title: str, printed: int | None) -> int:
        self.entries.append({"number": len(self.entries) + 1, "title": title})
        self.printed.append(printed)
        return len(self.entries)

    def final(self) -> tuple[list[dict[str, Any]], dict[int, int]]:
        nums = self.printed
        if all(n is not None for n in nums) and len(set(nums)) == len(nums):
            remap = {k + 1: int(n) for k, n in enumerate(nums) if n is not None}
        else:
            remap = {k + 1: k + 1 for k in range(len(nums))}
        return [{"number": remap[g["number"]], "title": g["title"]} for g in self.entries], remap


def _group_title(rest: str) -> str:
    head, _ = split_units(rest)
    title, _text = split_title(head)
    return (title or head).strip()


def _paragraph_measures(heading: str, paras: list[Para], k: int) -> bool:
    """Under a bare （一） heading, are the paragraphs up to the next （一） measures of their
    own (each led by a short sentence, "建立台账。……") rather than the body of one task
    whose title is the heading ("（一）建立…制度。" then its text)?"""
    if heading.rstrip().endswith(("。", "．", ".", "；", ";")):
        return False
    run: list[str] = []
    while k < len(paras) and not L2.match(paras[k].text):
        if not is_sub_item(paras[k].text):
            run.append(paras[k].text)
        k += 1
    if len(run) < 2:
        return False
    for text in run:
        title, rest = first_sentence(text, 30)
        if title is None or not rest:
            return False
    return True


def collect(parts: list[Part], deadline: Deadline) -> tuple[list[_Item], _Groups, list[str], list[int]]:
    """The items of every task part, in reading order, with their groups."""
    found: list[_Item] = []
    groups = _Groups()
    notes: list[str] = []
    other_numbers: list[int] = []  # digit numbers in the other parts: straight-through numbering
    last_digit: int | None = None
    task_parts = [p for p in parts if p.role == "tasks"]
    several = len(task_parts) > 1
    for part in parts:
        deadline.check()
        paras = [p for p in part.items if isinstance(p, Para)]
        if part.role != "tasks":
            for p in paras:
                d = _digit(p.text, (last_digit or 0) + 1)
                if d:
                    other_numbers.append(d[0])
                    last_digit = d[0]
            continue
        level = level_of(part)
        part_group: int | None = None

        def own_group(part: Part = part) -> int | None:
            nonlocal part_group
            if several and part.heading and part_group is None:
                part_group = groups.add(part.heading, None)
            return part_group

        group: int | None = None
        pending: list[Para] = []
        before = len(found)
        k = 0
        while k < len(paras):
            p = paras[k]
            k += 1
            if p.after_gap:
                group = None
            if level == "numbered":
                m2 = L2.match(p.text)
                d = _digit(p.text, (last_digit or 0) + 1)
                if m2 and not d:
                    group = groups.add(_group_title(m2.group(2)), chinese_to_int(m2.group(1)))
                    continue
                if d:
                    last_digit = d[0]
                    if pending:
                        found.append(_Item(-1, "", True, None, [q.text for q in pending], starts_mid=True))
                        pending = []
                    found.append(_Item(d[0], d[1], p.after_gap, group if group is not None else own_group()))
                    continue
            elif level == "groups":
                m2 = L2.match(p.text)
                if m2:
                    head, units = split_units(m2.group(2))
                    title, text = split_title(head)
                    # a bare heading followed by unnumbered paragraphs: the paragraphs are the measures
                    follows = k < len(paras) and not L2.match(paras[k].text) and not is_sub_item(paras[k].text)
                    if title and not text and not units and follows and _paragraph_measures(m2.group(2), paras, k):
                        group = groups.add(title, chinese_to_int(m2.group(1)))
                        while k < len(paras) and not L2.match(paras[k].text):
                            q = paras[k]
                            k += 1
                            if is_sub_item(q.text) and found and len(found) > before:
                                found[-1].tail.append(q.text)
                            else:
                                found.append(_Item(None, q.text, q.after_gap, group, unnumbered=True))
                        group = None
                        continue
                    found.append(_Item(chinese_to_int(m2.group(1)) or 0, m2.group(2).strip(), p.after_gap,
                                       own_group()))
                    continue
            else:  # paragraphs
                if is_sub_item(p.text) and len(found) > before:
                    found[-1].tail.append(p.text)
                else:
                    found.append(_Item(None, p.text, p.after_gap, own_group(), unnumbered=True))
                continue
            if len(found) == before and not p.after_gap and not pending:
                if p.text.strip():
                    notes.append(f"“{part.heading or '正文'}”中任务前的段落“{p.text[:20]}…”未归入任何任务。")
                continue
            if p.after_gap or pending:
                pending.append(p)
            else:
                found[-1].tail.append(p.text)
        if pending:  # the part ends with a fragment: the tail of one more task
            found.append(_Item(-1, "", True, None, [q.text for q in pending], starts_mid=True))
        if len(found) > limits.MAX_TASKS:
            raise TemplateError(f"上级文件“{deadline.name}”中的重点任务超过 {limits.MAX_TASKS} 项，超过本程序的上限，"
                                "不像是一份工作方案；请只保留方案正文后再导入。")
    return found, groups, notes, other_numbers


def _numbering(found: list[_Item], other_numbers: list[int]) -> tuple[str, list[str]]:
    """How the document numbers its tasks: 'keep', 'through' (straight through the
    document), or 'order' (put in reading order, with a note saying why)."""
    numbered = [f.number for f in found if f.number is not None and f.number >= 0 and not f.unnumbered]
    if any(f.unnumbered for f in found):
        return "order", []
    if not numbered:
        return "keep", []
    rising = all(b > a for a, b in zip(numbered, numbered[1:]))
    absurd = [n for n in numbered if n > ABSURD or n == 0]
    if rising and not absurd:
        if other_numbers and min(numbered) > 1 and max(other_numbers) < min(numbered):
            return "through", []
        return "keep", []
    shown = "、".join(str(n) for n in numbered[:30]) + ("…" if len(numbered) > 30 else "")
    # numbering that starts again at 1 in each group is a known shape, still said
    runs = [0] + [i for i in range(1, len(numbered)) if numbered[i] <= numbered[i - 1]]
    restart = not absurd and all(numbered[r] == 1 for r in runs) and all(
        all(b == a + 1 for a, b in zip(numbered[s:e], numbered[s + 1:e]))
        for s, e in zip(runs, runs[1:] + [len(numbered)]))
    if restart:
        return "order", [f"重点任务在各组（或各部分）中分别从 1 编号，已按出现顺序统一编为第 1–{len(numbered)} 项。"]
    what = ("编号异常（" + "、".join(str(n) for n in absurd[:5]) + "）") if absurd else "编号不连续、顺序颠倒或重复"
    return "order", [f"重点任务{what}：原文依次为 {shown}；已按出现顺序编为第 1–{len(numbered)} 项，请对照原文核对。"]


def build_tasks(found: list[_Item], other_numbers: list[int]) -> tuple[list[dict[str, Any]], list[str]]:
    notes: list[str] = []
    mode, why = _numbering(found, other_numbers)
    notes += why
    if mode == "order":
        for k, it in enumerate([f for f in found if f.number != -1], start=1):
            it.number = k
    # A fragment belongs to the number just before the next numbered task.
    for k, it in enumerate(found):
        if it.number == -1:
            nxt = next((f.number for f in found[k + 1:] if f.number not in (-1, None)), None)
            prev = next((f.number for f in reversed(found[:k]) if f.number not in (-1, None)), 0) or 0
            it.number = (nxt - 1) if nxt is not None else prev + 1
            if it.number <= prev:
                notes.append(f"重点任务中的残段“{it.tail[0][:20]}…”无法确定属于哪一项，已并入第 {prev} 项。")
                target = next(f for f in found if f.number == prev)
                target.tail += it.tail
                it.number = -2
    found = [f for f in found if f.number is not None and f.number > 0]
    by_number: dict[int, _Item] = {f.number: f for f in found if f.number is not None}
    top = max(by_number, default=0)
    low = min(by_number, default=1) if mode == "through" else 1
    tasks: list[dict[str, Any]] = []
    for n in range(low, top + 1):
        item = by_number.get(n)
        if item is None:
            if n in other_numbers:
                continue
            tasks.append({"number": n, "group": None, "title": None, "text": None, "source_gap": True})
            continue
        tasks.append(_entry(item, n, top, by_number))
    numbered = [f for f in found if not f.unnumbered]
    if numbered and top - low + 1 != len(numbered):
        missing = [str(t["number"]) for t in tasks if t["title"] is None and t["text"] is None]
        if missing:
            notes.append(f"原文缺少第 {'、'.join(missing)} 项重点任务（编号跳过），已按缺失标注。")
    return tasks, notes


def _entry(it: _Item, n: int, top: int, by_number: dict[int, _Item]) -> dict[str, Any]:
    if it.starts_mid:
        title, text = None, "".join(it.tail)
        units: dict[str, str] = {}
    else:
        # （牵头单位：…） after the title itself: taken off before the title is split at "。"
        head, units = split_units(it.text)
        title, text = first_sentence(head, 150) if it.unnumbered else split_title(head)
        if title is None and not it.unnumbered:
            title, text = first_sentence(head, 150)  # a measure led by a long sentence: that sentence
        if it.unnumbered and title is None:
            title, text = head, ""
        text = "".join([text] + it.tail) if it.tail and not text else \
            (text + ("\n" + "\n".join(it.tail) if it.tail else ""))
    text, more = split_units(text.strip())
    units = {**more, **units}
    nxt = by_number.get(n + 1)
    lost_after = (n < top and nxt is None) or bool(nxt and nxt.after_gap)
    cut = bool(text) and not complete(text) and (lost_after or n == top) and not it.unnumbered
    # A title alone is a whole task (牵头单位 in brackets, no body) unless a page is lost after it.
    gap = title is None or cut or it.starts_mid or (not text and lost_after)
    entry: dict[str, Any] = {"number": n, "group": it.group, "title": title, "text": text or None,
                             "source_gap": gap}
    if it.starts_mid:
        entry["text_starts_mid_sentence"] = True
    if cut:
        entry["text_cut_off"] = True
    for key in ("lead", "partners", "deadline"):
        if units.get(key):
            entry[key] = units[key]
    return entry


def requirements(parts: list[Part]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for part in parts:
        if part.role != "requirements":
            continue
        paras = [p for p in part.items if isinstance(p, Para)]
        numbered = any(L2.match(p.text) or L3.match(p.text) for p in paras)
        first = len(out)
        for p in paras:
            m = L2.match(p.text) or L3.match(p.text)
            if m:
                title, text = split_title(m.group(2))
                out.append({"number": len(out) + 1, "title": title or "", "text": text})
            elif not numbered:
                title, text = first_sentence(p.text)
                out.append({"number": len(out) + 1, "title": title or "", "text": text})
            elif len(out) > first:
                out[-1]["text"] += "\n" + p.text
        part.found = f"{len(out) - first} 项要求"
    for r in out:
        if r["text"] and not complete(r["text"]):
            r["text_cut_off"] = True
            r["source_gap"] = True
    return out


_ROW = re.compile(r"^\d{1,3}\s+(.+)$")
_WHEN = re.compile(r"^(\d{4}年|\d{1,2}月|全年|上半年|下半年|第[一二三四]季度)")
_TASK_HEAD = re.compile(r"(任务|措施|工作内容|事项|重点工作|具体工作)")


def is_task_table(rows: list[list[str]]) -> bool:
    h = header_index(rows)
    if h is None:
        return False
    head = [squeeze(c) for c in rows[h]]
    return any(_TASK_HEAD.search(c) for c in head) and not any("活动" in c for c in head)


def _col(head: list[str], pattern: str, skip: tuple[int | None, ...] = ()) -> int | None:
    return next((i for i, c in enumerate(head) if re.search(pattern, c) and i not in skip), None)


def table_tasks(items: list[Para | Table], deadline: Deadline) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Tasks of a responsibility table (序号 / 任务 / 牵头单位 / 配合单位 / 完成时限), its
    merged section rows as groups and rows broken by a page joined to the row above."""
    groups: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    raw: list[str] = []  # each task's whole cell, to split again when a page broke it
    head: list[str] = []
    for item in items:
        deadline.check()
        if not isinstance(item, Table):
            continue
        rows = item.rows
        h = header_index(rows)
        if h is None:
            if not (head and rows and len(rows[0]) == len(head)):
                continue
            rows, h = [head] + rows, 0  # the table runs on from the last page
        elif not is_task_table(rows):
            continue
        head = [squeeze(c) for c in rows[h]]
        task_col = _col(head, _TASK_HEAD.pattern)
        if task_col is None:
            continue
        seq = _col(head, r"^(序号|编号)$")
        lead = _col(head, r"(牵头|主责|责任单位|责任部门|负责)")
        partners = _col(head, r"(配合|协办|参与|协同|责任单位|责任部门)", (lead,))
        when = _col(head, r"(时限|时间|完成)", (task_col,))
        for row in rows[h + 1:]:
            cells = [c.strip() for c in row]
            filled = [c for c in cells if c]
            if not filled or squeeze(cells[task_col] if task_col < len(cells) else "") == head[task_col]:
                continue
            only = next((i for i, c in enumerate(cells) if c), 0)
            # a merged section row has its words in the first cell ("一、产业发展"); a row whose only
            # words are in the task column is the rest of a row the page broke
            if len(set(filled)) == 1 and (len(cells) < len(head) or len(filled) == 1) and \
                    not (seq is not None and seq < len(cells) and cells[seq].isdigit()) and \
                    (only != task_col or task_col == 0 or re.match(r"^[一二三四五六七八九十]+[、.．]", filled[0])):
                groups.append({"number": len(groups) + 1, "title": re.sub(r"^[一二三四五六七八九十]+[、.．]", "",
                                                                          filled[0]).strip()})
                continue
            if task_col >= len(cells) or not cells[task_col]:
                continue

            def cell(c: int | None, cells: list[str] = cells) -> str:
                return cells[c].replace("\n", "").strip() if c is not None and c < len(cells) else ""

            if seq is not None and not cell(seq) and tasks:
                # the rest of a row the page broke: every cell goes on where it stopped
                # ("第8项重点" + "工作。…", "县住房城乡建设" + "局")
                raw[-1] += cell(task_col)
                tasks[-1].update(_task_cell(raw[-1]))
                for key, c in (("lead", lead), ("partners", partners), ("deadline", when)):
                    if cell(c):
                        tasks[-1][key] = tasks[-1].get(key, "") + cell(c)
                continue
            raw.append(cell(task_col))
            entry: dict[str, Any] = {"number": len(tasks) + 1, "group": groups[-1]["number"] if groups else None,
                                     **_task_cell(raw[-1]), "source_gap": False}
            for key, c in (("lead", lead), ("partners", partners), ("deadline", when)):
                if cell(c):
                    entry[key] = cell(c)
            tasks.append(entry)
            if len(tasks) > limits.MAX_TASKS:
                raise TemplateError(f"上级文件“{deadline.name}”中的任务表超过 {limits.MAX_TASKS} 行，"
                                    "超过本程序的上限。")
    return groups, tasks


def _task_cell(cell: str) -> dict[str, Any]:
    """A task cell's title (its lead-in or first sentence) and text."""
    title, text = split_title(cell)
    if title is None:
        title, text = first_sentence(cell, 150)
    if title is None:
        title, text = cell, ""
    return {"title": title, "text": text or None}


def _row_activity(number: int, rest: str) -> dict[str, Any]:
    """'名称 2022年4月 省委网信办' (a table row read as a line): the name runs to the time."""
    parts = rest.split(" ")
    k = next((i for i, p in enumerate(parts) if i and _WHEN.match(p)), len(parts))
    entry: dict[str, Any] = {"number": number, "name": " ".join(parts[:k]).strip()}
    if k < len(parts):
        entry["time"] = parts[k]
        if parts[k + 1:]:
            entry["lead"] = " ".join(parts[k + 1:]).strip()
    return entry


def activities(items: list[Para | Table], notes: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    header = False
    last_head: list[str] = []
    for item in items:
        if isinstance(item, Table):
            rows = item.rows
            h = header_index(rows)
            if h is None:
                if not (last_head and rows and len(rows[0]) == len(last_head)):
                    continue
                rows, h = [last_head] + rows, 0  # the table runs on from the last page
            head = last_head = [squeeze(c) for c in rows[h]]
            col = next((i for i, c in enumerate(head) if "名称" in c or c in ("活动", "项目", "任务")), None)
            if col is None:
                continue
            time_col = next((i for i, c in enumerate(head) if "时间" in c or "时限" in c), None)
            lead_col = next((i for i, c in enumerate(head) if "牵头" in c or "责任" in c), None)
            seq_col = next((i for i, c in enumerate(head) if c in ("序号", "编号")), None)
            for row in rows[h + 1:]:
                if col >= len(row) or not row[col].strip():
                    continue
                if squeeze(row[col]) == head[col]:
                    continue  # the header row repeated on the next page
                cells = {key: row[c].replace("\n", "").strip()
                         for key, c in (("name", col), ("time", time_col), ("lead", lead_col))
                         if c is not None and c < len(row) and row[c].strip()}
                if seq_col is not None and seq_col < len(row) and not row[seq_col].strip() and out:
                    for key, value in cells.items():  # a row the page broke: the rest of the one above
                        out[-1][key] = out[-1].get(key, "") + value
                    continue
                out.append({"number": len(out) + 1, **cells})
            continue
        m = L3.match(item.text) or L2.match(item.text)
        row_match = _ROW.match(item.text) if header else None
        if m:
            out.append({"number": len(out) + 1, "name": m.group(2).strip()})
        elif row_match:
            out.append(_row_activity(len(out) + 1, row_match.group(1)))
        elif header_index([item.text.split()]) is not None:
            header = True  # a table without rules: its header line, then one line a row
        elif item.text.strip():
            notes.append(f"附件中的“{item.text[:20]}”不是编号的活动，已略过。")
    return out
