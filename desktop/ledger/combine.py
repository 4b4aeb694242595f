"""Combining copies of one office's ledger row by row (a three-way merge).

Colleagues fill in copies of the same ledger, each their own rows, and send
them all. Each copy carries the values it was exported with (the hidden
导出时的内容 sheet), so for every row and column the merge knows who changed
what, by content:

- a value changed in one copy (or changed the same way in several) is taken;
- a value changed differently in two copies is a Conflict, listed with every
  value and file, and never decided here (``Conflict.choose``);
- a value no copy changed is kept; copies of different exports that all left
  it alone give the value of the newest export, and so does the plan's own
  text (name, lead units, deadline…) wherever no copy changed it;
- a changed value that a newer export of the same draft already shows
  differently is a conflict too: the newer export may hold a later edit.

Copies exported by older versions have no exported values. For them the
rule is weaker and says so: a value filled in one copy and empty in the
others is taken (filling in is what colleagues do), any other difference is a
conflict. A row whose id and name disagree with the exported ones (key cells
swapped between rows) is not combined; it is listed with both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.ledger.common import canon, norm_name

UNRESOLVED = -1
# What colleagues fill in. The other columns (name, lead, deadline…) are the
# plan's own text: a copy that did not change one gives way to the newest export.
PROGRESS_COLUMNS = frozenset({"status", "percent", "summary", "evidence", "updated", "remark"})


@dataclass
class Copy:
    """One copy of an office's ledger, as the combination sees it."""

    name: str  # file name, as reasons name it
    order: str  # export time (or date): newer exports sort later
    saved_at: str  # when a program last saved it (the file's own record)
    rows: list[Any]  # objects with .key, .name, .values (column order), .line
    baseline: dict[str, dict[str, str]] | None  # item id -> column key -> canon text


@dataclass
class Option:
    copy: Copy
    value: Any
    line: int  # its row in that file
    stamp: str = ""  # the row's 更新日期 in that file (ISO), for --prefer newest-edit


@dataclass
class Conflict:
    """One cell two copies changed differently; ``chosen`` is an index into
    ``options`` or UNRESOLVED (then the row keeps ``fallback``)."""

    office: str
    key: str
    name: str
    column: str  # column key
    label: str  # its title
    options: list[Option]
    fallback: Any  # the exported value where known, else None
    reason: str
    target: list[Any] = field(default_factory=list, repr=False)  # the combined row's values
    index: int = 0  # the column's position in them
    chosen: int = UNRESOLVED
    how: str = ""  # why the chosen option was chosen

    def choose(self, option: int, how: str = "") -> None:
        self.chosen = option
        self.how = how
        self.target[self.index] = self.options[option].value if option != UNRESOLVED else self.fallback

    @property
    def resolved(self) -> bool:
        return self.chosen != UNRESOLVED

    def values_text(self) -> str:
        return "，".join(f"“{o.copy.name}”第 {o.line} 行为{_shown(o.value)}" for o in self.options)


@dataclass
class Combined:
    """The rows of one office combined from its copies."""

    rows: list[tuple[list[Any], str, str]] = field(default_factory=list)  # (values, key, source files)
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[tuple[Copy, int, str]] = field(default_factory=list)  # (copy, line, reason)
    notes: list[str] = field(default_factory=list)
    taken: dict[str, int] = field(default_factory=dict)  # file -> rows whose edits were taken from it
    edited: dict[str, set[str]] = field(default_factory=dict)  # file -> item ids it changed since export


def _shown(value: Any) -> str:
    text = canon(value)
    if not text:
        return "空白"
    return f"“{text if len(text) <= 30 else text[:30] + '…'}”"


def combine(office: str, copies: Sequence[Copy], keys: list[str], labels: dict[str, str],
            skip: frozenset[str] = frozenset({"seq"})) -> Combined:
    """Combine ``copies`` whose rows hold values in ``keys`` order (see the module doc)."""
    stamp_at = keys.index("updated") if "updated" in keys else None
    return _combine(office, copies, keys, labels, skip, stamp_at)


def _combine(office: str, copies: Sequence[Copy], keys: list[str], labels: dict[str, str],
             skip: frozenset[str], stamp_at: int | None) -> Combined:
    out = Combined()
    by_key: dict[str, list[tuple[Copy, Any]]] = {}
    order: list[str] = []
    for c in sorted(copies, key=lambda c: c.order, reverse=True):  # the newest export's row order
        names = _names_by_key(c, copies)
        mine: set[str] = set()
        for row in c.rows:
            key = row.key or _key_by_name(row.name, names)
            if not key:
                out.refused.append((c, row.line, f"“{_cut(row.name)}”的编号已被删除，且无法按名称确定是哪一行，"
                                                 "不能与其他副本逐行合并，未合并"))
                continue
            if key in mine:
                out.refused.append((c, row.line, f"“{_cut(row.name)}”与本文件中另一行的编号相同（{_cut(key, 16)}），"
                                                 "重复的行未合并"))
                continue
            mine.add(key)
            if key not in by_key:
                by_key[key] = []
                order.append(key)
            by_key[key].append((c, row))
    name_at = keys.index("name") if "name" in keys else None
    for key in order:
        entries = _check_names(key, by_key[key], name_at, out)
        if not entries:
            continue
        values = list(entries[0][1].values)
        contributors: list[str] = []
        for i, column in enumerate(keys):
            if column in skip:
                continue
            _decide(office, key, column, labels.get(column, column), i, entries, values, out, contributors,
                    stamp_at)
        for name in dict.fromkeys(contributors):
            out.taken[name] = out.taken.get(name, 0) + 1
        sources = "、".join(dict.fromkeys(contributors)) or entries[0][0].name
        out.rows.append((values, key, sources))
    return out


def _names_by_key(c: Copy, copies: Sequence[Copy]) -> dict[str, str]:
    """norm name -> item id, from this copy's exported values (else any copy's)."""
    for base in [c.baseline] + [o.baseline for o in copies if o is not c]:
        if base:
            return {norm_name(v.get("name", "")): k for k, v in base.items()}
    return {norm_name(r.name): r.key for o in copies for r in o.rows if r.key}


def _key_by_name(name: str, names: dict[str, str]) -> str:
    return names.get(norm_name(name), "") if name else ""


def _check_names(key: str, entries: list[tuple[Copy, Any]], name_at: int | None,
                 out: Combined) -> list[tuple[Copy, Any]]:
    """The entries whose name is the item's: the exported name, else the one most copies show."""
    if name_at is None:
        return entries
    exported = next((c.baseline[key].get("name", "") for c, _ in entries if c.baseline and key in c.baseline), None)
    if exported is None:
        counts: dict[str, int] = {}
        for _, row in entries:
            counts[norm_name(row.name)] = counts.get(norm_name(row.name), 0) + 1
        best = max(counts.values())
        if list(counts.values()).count(best) > 1:
            return entries  # no way to tell: the values decide
        want = next(n for n, k in counts.items() if k == best)
    else:
        want = norm_name(exported)
    kept = []
    for c, row in entries:
        if norm_name(row.name) == want or not row.name:
            kept.append((c, row))
        else:
            what = f"导出时是“{_cut(exported)}”" if exported is not None else "其他副本中是另一个名称"
            out.refused.append((c, row.line, f"编号“{_cut(key, 16)}”{what}，本行名称却是“{_cut(row.name)}”"
                                             "（编号与名称不一致，可能是编号格被移动或复制），本行未合并"))
    return kept


def _decide(office: str, key: str, column: str, label: str, i: int, entries: list[tuple[Copy, Any]],
            values: list[Any], out: Combined, contributors: list[str], stamp_at: int | None) -> None:
    """Set values[i] for one cell from every copy's row (see the module doc)."""
    seen = [(c, row, row.values[i] if i < len(row.values) else None) for c, row in entries]
    texts = [canon(v) for _, _, v in seen]
    if len(set(texts)) == 1:
        values[i] = seen[0][2]
        return
    edited: list[tuple[Copy, Any, Any]] = []
    same: list[tuple[Copy, Any, Any]] = []
    unknown: list[tuple[Copy, Any, Any]] = []
    exported, exported_order = None, ""
    for (c, row, v), text in zip(seen, texts, strict=True):
        base = c.baseline.get(key) if c.baseline else None
        if base is None:
            unknown.append((c, row, v))
            continue
        (edited if text != base.get(column, "") else same).append((c, row, v))
        if exported is None or c.order >= exported_order:  # the newest export's value
            exported, exported_order = base.get(column, ""), c.order
    name = next((row.name for _, row, _ in seen if row.name), "")
    for c, _, _ in edited:
        out.edited.setdefault(c.name, set()).add(key)

    def conflict(options: list[tuple[Copy, Any, Any]], reason: str) -> None:
        unique: dict[str, Option] = {}
        for c, row, v in options:
            stamp = canon(row.values[stamp_at]) if stamp_at is not None and stamp_at < len(row.values) else ""
            unique.setdefault(f"{canon(v)}\0{c.name}", Option(c, v, row.line, stamp))
        fallback = _value_of(exported, seen) if exported is not None else None
        values[i] = fallback
        out.conflicts.append(Conflict(office, key, name, column, label, list(unique.values()), fallback, reason,
                                      values, i))

    if column not in PROGRESS_COLUMNS and not edited:
        values[i] = max(seen, key=lambda e: e[0].order)[2]
        return
    if edited:
        changed = {canon(v) for _, _, v in edited}
        others = [(c, r, v) for c, r, v in unknown if canon(v) and canon(v) not in changed and canon(v) != exported]
        if len(changed) > 1 or others:
            conflict(edited + others, "几份都在导出后修改了此项，改得不一样" if len(changed) > 1 else
                     "一份在导出后修改了此项，另一份（旧版本导出，没有导出时的值）中是另一个值")
            return
        last_edit = max(c.order for c, _, _ in edited)
        newer = [(c, r, v) for c, r, v in same if c.order > last_edit and canon(v) != canon(edited[0][2])]
        if newer:
            conflict(edited + newer[-1:], "一份在导出后修改了此项，而较晚导出的一份中此项已是另一个值"
                                          "（可能是导出后草稿中的修改）")
            return
        values[i] = edited[0][2]
        contributors.extend(c.name for c, _, _ in edited)
        return
    if same:
        newest = max(same, key=lambda e: e[0].order)
        rest = {canon(v) for _, _, v in unknown if canon(v)} - {canon(newest[2])}
        if rest:
            conflict([newest] + [e for e in unknown if canon(e[2]) in rest],
                     "旧版本导出的副本中是另一个值，它没有记下导出时的值，无法判断哪一份是修改过的")
            return
        values[i] = newest[2]
        return
    filled = {canon(v) for _, _, v in unknown if canon(v)}
    if len(filled) == 1:
        taken = next(e for e in unknown if canon(e[2]))
        values[i] = taken[2]
        contributors.append(taken[0].name)
        out.notes.append(f"“{_cut(name)}”的“{label}”只在“{taken[0].name}”中填写，已采用（这些副本由旧版本导出，"
                         "没有记下导出时的值，按“填写了内容的一份”合并）")
        return
    conflict(unknown, "这些副本由旧版本导出，没有记下导出时的值，无法判断哪一份是修改过的")


def _value_of(text: str, seen: list[tuple[Copy, Any, Any]]) -> Any:
    """The value (with its type: a date stays a date) whose canon text is ``text``."""
    for _, _, v in seen:
        if canon(v) == text:
            return v
    return text or None


def _cut(text: str, n: int = 24) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"
