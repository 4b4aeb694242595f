"""Reading an edited ledger back into the draft's ``progress``.

Public API (used by the command line and the UI):

- ``plan_import(draft, template, path) -> ImportPlan`` reads the workbook
  (never writing to it) and works out, without touching the draft, which rows
  change what (``plan.changes``: RowChange with FieldChange items), which rows
  are refused and why (``plan.rejections``: Rejection, each with a Chinese
  ``message``), plus notes (``plan.notes``: e.g. a row matched by name because
  its key was deleted, 已完成 with a percent below 100). Raises LedgerError
  when the file cannot be read at all or no row belongs to this draft.
- ``apply_import(draft, plan) -> int`` applies every accepted row to
  ``draft.progress`` and returns how many items changed. A rejected row
  applies nothing, not even its valid cells.

Columns read: 状态, 完成率, 进展情况, 佐证材料, 更新日期 (titles from the
template); rows are matched by the hidden key column, or by 名称 (and 类别)
when the key was lost. A row whose key and name disagree (key cells moved or
swapped between rows) is refused and listed with both: its progress would
land on another task. Values are accepted as people type them: 40, "40%",
0.4, 40.0; dates as date cells or text (2020-07-01, 2020/7/1, 2020年7月1日,
2020.7.1). A value that is not valid but equals what the draft already holds
(e.g. an old free-text date) is left alone instead of refusing the row.

A ledger exported by this version carries its exported values (the hidden
导出时的内容 sheet): a value the colleague did not change is then left as the
draft now holds it, so an import never undoes what the clerk changed in the
window after the export. Older ledgers have no such copy: every value in them
is taken, as before, and the plan says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.errors import LedgerError, LedgerIdentityError
from desktop.ledger.common import (
    Columns, ValueProblem, canon, cell_text, norm_name, office_of, parse_ledger_value, safe_text,
)
from desktop.ledger.reader import LedgerSheet, formulas_without_values, open_ledger
from desktop.model import Activity, Draft, Progress, Task, _Reader
from desktop.templates import Template

FIELDS = ("status", "percent", "summary", "evidence", "updated")
TEXT_FIELDS = ("summary", "evidence")  # kept exactly as written (parse_ledger_value)


@dataclass
class FieldChange:
    field: str  # Progress attribute
    label: str  # column title shown to the clerk
    old: Any
    new: Any

    def describe(self) -> str:
        return f"{self.label}：{_shown(self.old)} → {_shown(self.new)}"


@dataclass
class RowChange:
    row: int  # row number in the workbook
    item_id: str
    name: str
    progress: Progress  # the complete new entry
    changes: list[FieldChange]
    matched_by: str = "key"  # "key" or "name"


@dataclass
class Rejection:
    row: int
    name: str
    reasons: list[str]
    matched: bool = False  # the row found its item; only its values were wrong

    @property
    def message(self) -> str:
        who = f"“{_cut(self.name)}”" if self.name else ""
        return f"第 {self.row} 行{who}未导入：{'；'.join(self.reasons)}。"


@dataclass
class ImportPlan:
    source: Path
    changes: list[RowChange] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_in_ledger: list[str] = field(default_factory=list)  # item ids the ledger has no row for
    # Set when the ledger cannot prove it belongs to this draft (an older
    # ledger without the draft's identity): show the changes and ask first.
    identity_warning: str = ""

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.identity_warning)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def lines(self) -> list[str]:
        """The whole plan as lines a clerk reads (changes, refusals, notes)."""
        out = [f"注意：{self.identity_warning}"] if self.identity_warning else []
        for ch in self.changes:
            out.append(f"第 {ch.row} 行“{_cut(ch.name)}”（{ch.item_id}）："
                       + "；".join(c.describe() for c in ch.changes))
        out += [r.message for r in self.rejections]
        out += [f"提示：{n}" for n in self.notes]
        return out


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"“{_cut(str(value), 30)}”"


def _cut(text: str, n: int = 24) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"


def _item_name(item: Task | Activity) -> str:
    return item.title if isinstance(item, Task) else item.name


def _quoted_plan(title: str, office: str) -> str:
    what = f"《{title}》" if title else "一份未记载名称的方案"
    return f"{what}（填报单位：{office or '未填写'}）"


def check_identity(draft: Draft, ledger: LedgerSheet, plan: ImportPlan, force: bool) -> None:
    """Refuse a ledger of another draft or office; note when it cannot be told.

    Every draft numbers its items t1, t2, …, so without this a city's ledger
    imported into a district's draft would overwrite the district's progress.
    A ledger without the draft's id (exported before drafts had one, or from a
    draft never saved since) is taken as this draft's when its plan title and
    office are the draft's; every row's name is checked against its id anyway.
    """
    if ledger.merged:
        raise LedgerIdentityError("这是多个单位合并后的汇总台账，不能导回单个方案。请导入本单位从本方案导出的台账。")
    ours = _quoted_plan(draft.plan.title.strip(), office_of(draft))
    theirs = _quoted_plan(ledger.plan_title, ledger.office)
    if ledger.draft_id and draft.id and ledger.draft_id != draft.id:
        raise LedgerIdentityError(
            f"这不是这份方案的台账，它是从另一份方案导出的：台账属于{theirs}，当前草稿是{ours}。"
            "各方案的任务编号都从 t1 排起，导入会覆盖不相干的进度，因此未导入。请从当前方案导出台账后再填写。")
    unit, mine = norm_name(ledger.office), norm_name(office_of(draft))
    if unit and mine and unit != mine and not force:
        raise LedgerIdentityError(
            f"台账的填报单位“{ledger.office}”与当前草稿的发文机关“{office_of(draft)}”不一致"
            f"（台账属于{theirs}，当前草稿是{ours}），未导入。确属本单位的台账时，可确认后仍然导入。",
            overridable=True)
    if not ledger.draft_id or not draft.id:
        which = "这份台账没有记载方案编号（由旧版本导出，或从尚未保存过的草稿导出）" if not ledger.draft_id else \
            "当前草稿还没有方案编号（保存时生成），无法按编号核对这份台账"
        same_title = norm_name(ledger.plan_title) == norm_name(draft.plan.title) and bool(ledger.plan_title.strip())
        if same_title and unit and unit == mine:
            plan.notes.append(f"{which}；台账的方案名称和填报单位与当前草稿一致，已按名称核对各行后导入。")
            return
        plan.identity_warning = f"{which}，无法确认属于当前方案{ours}。请逐项核对下面的变化后再导入。"


def plan_import(draft: Draft, template: Template, path: Path, *, force: bool = False) -> ImportPlan:
    """Work out what importing ``path`` would change; the draft is not touched.

    Raises LedgerIdentityError for a ledger of another draft or office
    (``force`` accepts one of another 填报单位 of the same draft).
    """
    path = Path(path)
    if not path.exists():
        raise LedgerError(f"找不到台账文件“{path}”。")
    plan = ImportPlan(path)
    labels = {c.key: c.title for c in template.ledger.columns}
    kinds_by_label = {norm_name(v): k for k, v in template.ledger.kinds.items()}
    by_id = {item.id: (kind, item) for kind, _, item in draft.items() if item.id}
    by_name: dict[str, list[tuple[str, Task | Activity]]] = {}
    for kind, _, item in draft.items():
        by_name.setdefault(norm_name(_item_name(item)), []).append((kind, item))
    seen: dict[str, int] = {}
    rows = 0
    try:
        with open_ledger(path, template) as ledger:
            check_identity(draft, ledger, plan, force)
            cols = ledger.columns
            present = [f for f in FIELDS if f in cols.index]
            if not present:
                raise LedgerError("台账中没有“状态”“完成率”“进展情况”“佐证材料”“更新日期”中的任何一列，无法导入")
            missing = [labels.get(f, f) for f in FIELDS if f not in cols.index]
            if missing:
                plan.notes.append(f"台账中没有“{'”“'.join(missing)}”列，这些内容保持草稿原样。")
            uncalculated = formulas_without_values(path, ledger.title, cols.header_row,
                                                   max(cols.index.values()) + 1)
            baseline = ledger.baseline(template)
            context = _Context(draft, template, cols, present, labels, kinds_by_label, by_id, by_name, seen,
                               uncalculated, baseline)
            for n, cells in ledger.rows():
                rows += 1
                _plan_row(plan, context, n, cells)
            if baseline is None and plan.changes:
                plan.notes.append("这份台账没有记下导出时的内容（由旧版本导出）：其中的每一项都按台账导入，"
                                  "包括导出后草稿中又改过、而台账中没有改动的项，请核对上面的变化。")
    except LedgerIdentityError as err:
        raise LedgerIdentityError(f"台账“{path}”：{err}", overridable=err.overridable) from err
    except LedgerError as err:
        raise LedgerError(f"无法导入台账“{path}”：{err}") from err
    matched = len(plan.changes) + plan.unchanged
    if rows and not matched and not any(r.matched for r in plan.rejections):
        raise LedgerError(f"台账“{path}”中没有一行能与草稿中的任务或活动对应，"
                          "它可能不是这份方案的台账。草稿未作任何改动。")
    plan.not_in_ledger = [i for i in by_id if i not in seen]
    if plan.not_in_ledger:
        names = "、".join(f"“{_cut(_item_name(by_id[i][1]), 16)}”" for i in plan.not_in_ledger[:5])
        more = f"等 {len(plan.not_in_ledger)} 项" if len(plan.not_in_ledger) > 5 else ""
        plan.notes.append(f"台账中没有{names}{more}的行，这些项目的进度保持不变。")
    return plan


@dataclass
class _Context:
    """What every row of one import is checked against."""

    draft: Draft
    template: Template
    cols: Columns
    present: list[str]
    labels: dict[str, str]
    kinds_by_label: dict[str, str]
    by_id: dict[str, tuple[str, Task | Activity]]
    by_name: dict[str, list[tuple[str, Task | Activity]]]
    seen: dict[str, int]
    uncalculated: set[tuple[int, int]]
    baseline: dict[str, dict[str, str]] | None


def _find_item(plan: ImportPlan, ctx: _Context, n: int, key: str, name: str, kind: str | None,
               has_data: bool) -> tuple[Task | Activity | None, str]:
    """The draft's item a row is for, and how it was found; None (and a rejection) when none is."""
    if key and key in ctx.by_id:
        item = ctx.by_id[key][1]
        # The key must still be this row's: the exported name, or the draft's.
        names = {norm_name(_item_name(item))}
        if ctx.baseline is not None and key in ctx.baseline:
            names.add(norm_name(ctx.baseline[key].get("name", "")))
        if name and norm_name(name) not in names:
            other = ctx.by_name.get(norm_name(name), [])
            where = f"；草稿中叫这个名称的是编号“{other[0][1].id}”" if len(other) == 1 else ""
            plan.rejections.append(Rejection(n, name, [
                f"编号“{_cut(key, 16)}”对应的是“{_cut(_item_name(item))}”，本行名称却是“{_cut(name)}”{where}"
                "（编号与名称不一致，可能是编号格被移动、复制或互换），为免把进度记到别的任务上，本行未导入"], True))
            return None, ""
        if not name:
            plan.notes.append(f"第 {n} 行名称是空的，已按编号对应到“{_cut(_item_name(item))}”（{item.id}）。")
        return item, "key"
    candidates = ctx.by_name.get(norm_name(name), []) if name else []
    if kind:
        candidates = [c for c in candidates if c[0] == kind] or candidates
    if len(candidates) == 1:
        item = candidates[0][1]
        why = f"编号“{key}”在草稿中不存在" if key else "编号已被删除"
        plan.notes.append(f"第 {n} 行“{_cut(name)}”{why}，已按名称对应到“{item.id}”。")
        return item, "name"
    if not has_data and not name and not key:
        return None, ""
    if len(candidates) > 1:
        reason = f"编号缺失，且草稿中有 {len(candidates)} 项同名（“{_cut(name)}”），无法确定是哪一项"
    elif key:
        reason = f"编号“{_cut(key, 16)}”和名称在草稿中都找不到"
    elif name:
        reason = "编号已被删除，且草稿中找不到同名的任务或活动"
    else:
        reason = "没有编号和名称，无法对应到草稿中的任务或活动"
    plan.rejections.append(Rejection(n, name, [reason]))
    return None, ""


def _plan_row(plan: ImportPlan, ctx: _Context, n: int, cells: tuple[Any, ...]) -> None:
    cols = ctx.cols
    key = cell_text(cols.get(cells, "key"))
    name = cell_text(cols.get(cells, "name"))
    kind = ctx.kinds_by_label.get(norm_name(cols.get(cells, "kind")))
    has_data = any(cell_text(cols.get(cells, f)) for f in ctx.present)
    item, matched_by = _find_item(plan, ctx, n, key, name, kind, has_data)
    if item is None:
        return
    if item.id in ctx.seen:
        plan.rejections.append(Rejection(n, name or _item_name(item),
                                         [f"与第 {ctx.seen[item.id]} 行对应同一项目（{item.id}），重复的行未导入"]))
        return
    ctx.seen[item.id] = n

    old = ctx.draft.progress.get(item.id)
    base = Progress.read(old.to_dict(), "", _Reader()) if old else Progress()
    new = Progress.read(base.to_dict(), "", _Reader())
    exported = ctx.baseline.get(item.id) if ctx.baseline is not None and matched_by == "key" else None
    reasons: list[str] = []
    kept: list[str] = []
    for f in ctx.present:
        cell = cols.cell(cells, f)
        raw = getattr(cell, "value", None)
        old_value = getattr(base, f)
        if (n, cols.index[f]) in ctx.uncalculated:
            plan.notes.append(f"第 {n} 行“{_cut(name or _item_name(item))}”的“{ctx.labels.get(f, f)}”是公式，"
                              "但文件中没有它的计算结果（保存前未在 Excel 或 WPS 中计算），已保留草稿中的原值。")
            continue
        if f in TEXT_FIELDS and isinstance(old_value, str) and cell_text(raw, strip=False) == safe_text(old_value)[0]:
            continue  # as exported; a text longer than a cell holds was cut only in the workbook
        try:
            value = parse_ledger_value(f, raw, getattr(cell, "number_format", "") or "",
                                       tuple(ctx.template.ledger.statuses), ctx.labels.get(f, f))
        except ValueProblem as problem:
            if cell_text(raw) == cell_text(old_value) and old_value not in (None, ""):
                continue  # what the draft already holds, even if not valid: leave it
            reasons.append(str(problem))
            continue
        if exported is not None and canon(value) == exported.get(f, "") and not _same(old_value, value):
            kept.append(ctx.labels.get(f, f))  # not changed in the ledger; the draft changed since
            continue
        setattr(new, f, value)
    if reasons:
        plan.rejections.append(Rejection(n, name or _item_name(item), reasons, matched=True))
        return
    if kept:
        plan.notes.append(f"第 {n} 行“{_cut(name or _item_name(item))}”的“{'”“'.join(kept)}”在台账中没有改动，"
                          "而草稿在导出台账后已经改过：保留草稿中现在的内容。")
    changes = [FieldChange(f, ctx.labels.get(f, f), getattr(base, f), getattr(new, f))
               for f in ctx.present if not _same(getattr(base, f), getattr(new, f))]
    if not changes or (old is None and not any(getattr(new, f) not in (None, "") for f in FIELDS)):
        plan.unchanged += 1
        return
    done = ctx.template.ledger.done
    if done and new.status == done and new.percent is not None and new.percent < 100:
        plan.notes.append(f"第 {n} 行“{_cut(name or _item_name(item))}”状态为“{done}”，但完成率为 {new.percent:g}%，"
                          "请核实（检查时会提示）。")
    plan.changes.append(RowChange(n, item.id, name or _item_name(item), new, changes, matched_by))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return (a if a is not None else "") == (b if b is not None else "")


def apply_import(draft: Draft, plan: ImportPlan) -> int:
    """Apply the accepted rows of ``plan`` to ``draft.progress``; returns how many changed."""
    for change in plan.changes:
        draft.progress[change.item_id] = Progress.read(change.progress.to_dict(), "", _Reader())
    return len(plan.changes)
