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
when the key was lost. Values are accepted as people type them: 40, "40%",
0.4, 40.0; dates as date cells or text (2020-07-01, 2020/7/1, 2020年7月1日,
2020.7.1). A value that is not valid but equals what the draft already holds
(e.g. an old free-text date) is left alone instead of refusing the row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.errors import LedgerError, LedgerIdentityError
from desktop.ledger.common import (
    ValueProblem, cell_text, norm_name, office_of, parse_ledger_value, safe_text,
)
from desktop.ledger.reader import LedgerSheet, formulas_without_values, open_ledger
from desktop.model import DONE, Activity, Draft, Progress, Task

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
        which = "这份台账没有记载它来自哪份方案（由旧版本导出，或不是本软件导出）" if not ledger.draft_id else \
            "当前草稿还没有保存过方案编号，无法核对这份台账是否从它导出"
        plan.identity_warning = f"{which}，无法确认属于当前方案{ours}。请逐项核对下面的变化后再导入。"


def plan_import(draft: Draft, template: Any, path: Path, *, force: bool = False) -> ImportPlan:
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
            uncalculated = formulas_without_values(path, ledger.sheet.title, cols.header_row,
                                                   max(cols.index.values()) + 1)
            for n, cells in ledger.rows():
                rows += 1
                _plan_row(plan, draft, template, cols, n, cells, present, labels, kinds_by_label,
                          by_id, by_name, seen, uncalculated)
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


def _plan_row(plan: ImportPlan, draft: Draft, template: Any, cols: Any, n: int, cells: tuple[Any, ...],
              present: list[str], labels: dict[str, str], kinds_by_label: dict[str, str],
              by_id: dict[str, tuple[str, Task | Activity]],
              by_name: dict[str, list[tuple[str, Task | Activity]]], seen: dict[str, int],
              uncalculated: set[tuple[int, int]]) -> None:
    key = cell_text(cols.get(cells, "key"))
    name = cell_text(cols.get(cells, "name"))
    kind = kinds_by_label.get(norm_name(cols.get(cells, "kind")))
    has_data = any(cell_text(cols.get(cells, f)) for f in present)

    item: Task | Activity | None = None
    matched_by = "key"
    if key and key in by_id:
        item = by_id[key][1]
    else:
        candidates = by_name.get(norm_name(name), []) if name else []
        if kind:
            candidates = [c for c in candidates if c[0] == kind] or candidates
        if len(candidates) == 1:
            item = candidates[0][1]
            matched_by = "name"
            why = f"编号“{key}”在草稿中不存在" if key else "编号已被删除"
            plan.notes.append(f"第 {n} 行“{_cut(name)}”{why}，已按名称对应到“{item.id}”。")
        else:
            if not has_data and not name and not key:
                return
            if len(candidates) > 1:
                reason = f"编号缺失，且草稿中有 {len(candidates)} 项同名（“{_cut(name)}”），无法确定是哪一项"
            elif key:
                reason = f"编号“{_cut(key, 16)}”和名称在草稿中都找不到"
            elif name:
                reason = "编号已被删除，且草稿中找不到同名的任务或活动"
            else:
                reason = "没有编号和名称，无法对应到草稿中的任务或活动"
            plan.rejections.append(Rejection(n, name, [reason]))
            return
    if item.id in seen:
        plan.rejections.append(Rejection(n, name or _item_name(item),
                                         [f"与第 {seen[item.id]} 行对应同一项目（{item.id}），重复的行未导入"]))
        return
    seen[item.id] = n

    old = draft.progress.get(item.id)
    base = Progress.read(old.to_dict(), "", _reader()) if old else Progress()
    new = Progress.read(base.to_dict(), "", _reader())
    reasons: list[str] = []
    for f in present:
        cell = cols.cell(cells, f)
        raw = getattr(cell, "value", None)
        old_value = getattr(base, f)
        if (n, cols.index[f]) in uncalculated:
            plan.notes.append(f"第 {n} 行“{_cut(name or _item_name(item))}”的“{labels.get(f, f)}”是公式，"
                              "但文件中没有它的计算结果（保存前未在 Excel 或 WPS 中计算），已保留草稿中的原值。")
            continue
        if f in TEXT_FIELDS and isinstance(old_value, str) and cell_text(raw, strip=False) == safe_text(old_value)[0]:
            continue  # as exported; a text longer than a cell holds was cut only in the workbook
        try:
            value = _parse_field(f, raw, getattr(cell, "number_format", "") or "", template, labels)
        except ValueProblem as problem:
            if cell_text(raw) == cell_text(old_value) and old_value not in (None, ""):
                continue  # what the draft already holds, even if not valid: leave it
            reasons.append(str(problem))
            continue
        setattr(new, f, value)
    if reasons:
        plan.rejections.append(Rejection(n, name or _item_name(item), reasons, matched=True))
        return
    changes = [FieldChange(f, labels.get(f, f), getattr(base, f), getattr(new, f))
               for f in present if not _same(getattr(base, f), getattr(new, f))]
    if not changes or (old is None and not any(getattr(new, f) not in (None, "") for f in FIELDS)):
        plan.unchanged += 1
        return
    if new.status == DONE and new.percent is not None and new.percent < 100:
        plan.notes.append(f"第 {n} 行“{_cut(name or _item_name(item))}”状态为“已完成”，但完成率为 {new.percent:g}%，"
                          "请核实（检查时会提示）。")
    plan.changes.append(RowChange(n, item.id, name or _item_name(item), new, changes, matched_by))


def _reader() -> Any:
    from desktop.model import _Reader

    return _Reader()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return (a if a is not None else "") == (b if b is not None else "")


def _parse_field(f: str, raw: Any, number_format: str, template: Any, labels: dict[str, str]) -> Any:
    return parse_ledger_value(f, raw, number_format, tuple(template.ledger.statuses), labels.get(f, f))


def apply_import(draft: Draft, plan: ImportPlan) -> int:
    """Apply the accepted rows of ``plan`` to ``draft.progress``; returns how many changed."""
    for change in plan.changes:
        draft.progress[change.item_id] = Progress.read(change.progress.to_dict(), "", _reader())
    return len(plan.changes)
