"""Merging many offices' ledgers into one workbook.

Public API (command line and UI):

``plan_merge(paths, *, template=None, today=None, progress=None, cancel=None)
-> MergePlan`` reads every ledger and works out the summary without writing
anything; ``MergePlan.resolve(prefer)`` and ``Conflict.choose`` settle
conflicts; ``MergePlan.compare(previous)`` says what the summary changes
against an earlier one; ``write_merge(plan, out)`` writes it (atomically,
keeping the earlier summary as ``out.bak``). ``merge_ledgers(paths, out, …,
prefer=())`` does all of it in one call.

- ``paths``: files and folders; folders are searched recursively for
  workbooks (*.xlsx, *.xlsm, and *.xls / *.et so that those are reported
  rather than silently missed). Pipes, devices and the like are listed as
  not merged and never opened.
- ``progress(done, total, path)`` is called before each file and once at the
  end with ``done == total``; ``cancel()`` returning True stops the merge
  (nothing is written, ``report.cancelled`` is True).
- ``today`` (a date) fixes "today" for the overdue counts.

What is counted, and how often:

- Rows, not files. Copies of one office's ledger of one plan (the same
  draft id and 填报单位) are combined row by row (desktop.ledger.combine): a
  value changed in one copy is taken from it, values changed differently are
  conflicts, listed with every value and file and never decided silently.
- One office, one plan. A plan is a year's: with a ``template`` (the command
  line's --template, the window's open plan) ledgers of another year are
  listed as other plans and not counted; without one, each year's ledgers
  make their own block (a 所属方案 column tells them apart).
- Two offices with the same name but different drafts (two districts that
  kept the generic issuer 区委网信办) stay apart, named with their plans, and
  are flagged.
- A merge result in the folder adds only the offices no ledger gives.

The result holds three sheets: 合并台账 (every row with 单位 and source
file), 各单位汇总 (per office, with a chart) and 未合并文件 (every file or row
not merged, every conflict, every remark), written by desktop.ledger.summary.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop.errors import LedgerError
from desktop.ledger.combine import Combined, Conflict, Copy, combine
from desktop.ledger.common import (
    ValueProblem, canon, cell_text, deadline_of, norm_name, parse_date, parse_ledger_value, plan_year, value_at,
)
from desktop.ledger.reader import Identity, open_ledger
from desktop.model import DEFAULT_TEMPLATE, is_overdue
from desktop.outputs import input_among, same_file
from desktop.storage import regular_file_problem
from desktop.templates import Template
from desktop.textclean import clean_text

COMBINED_SHEET = "合并台账"
OFFICES_SHEET = "各单位汇总"
SKIPPED_SHEET = "未合并文件"
READ_SUFFIXES = (".xlsx", ".xlsm")
REPORT_SUFFIXES = (".xls", ".et", ".xlsb")
UNKNOWN_YEAR = "年度不明"


@dataclass
class FileIssue:
    path: Path
    reason: str
    merged: bool = False  # True: merged, with a remark
    row_refused: bool = False  # the file was merged, but not this row of it
    result: str = ""  # what was done, when neither of the above says it (conflicts)

    @property
    def message(self) -> str:
        return f"“{self.path}”：{self.reason}"

    @property
    def outcome(self) -> str:
        if self.result:
            return self.result
        if self.row_refused:
            return "该行未合并"
        return "已合并" if self.merged else "未合并"


@dataclass
class OfficeStats:
    office: str
    files: list[str] = field(default_factory=list)
    items: int = 0
    done: int = 0
    overdue: int = 0
    pct_sum: float = 0.0
    pct_n: int = 0
    plan: str = ""  # the block (year) it belongs to, when there are several

    @property
    def average(self) -> float:
        return round(self.pct_sum / self.pct_n, 1) if self.pct_n else 0.0


@dataclass
class MergeReport:
    out: Path
    found: int = 0  # workbook files considered
    merged_files: int = 0
    rows: int = 0
    offices: list[OfficeStats] = field(default_factory=list)
    skipped: list[FileIssue] = field(default_factory=list)
    remarks: list[FileIssue] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)  # the blocks' names, when there are several
    changes: list[str] = field(default_factory=list)  # against the summary it replaced
    backup: Path | None = None  # where the replaced summary was kept
    cancelled: bool = False
    written: bool = False

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.resolved]

    def lines(self) -> list[str]:
        out = []
        if self.written:
            out.append(f"已合并 {self.merged_files} 个台账（{len(self.offices)} 个单位，共 {self.rows} 行），"
                       f"结果保存在“{self.out}”。")
            if len(self.plans) > 1:
                out.append(f"台账属于 {len(self.plans)} 个年度的方案（{'、'.join(self.plans)}），已分开统计，"
                           "“所属方案”列标明每行属于哪一个。")
        if self.changes:
            out.append("与上次的汇总相比：")
            out += [f"  {line}" for line in self.changes]
        if self.backup is not None:
            out.append(f"上次的汇总已保留为“{self.backup}”。")
        if self.skipped:
            out.append(f"以下 {len(self.skipped)} 个文件未合并：")
            out += [f"  {i.message}" for i in self.skipped]
        if self.remarks:
            out.append("以下文件已合并，但请留意：")
            out += [f"  {i.message}" for i in self.remarks]
        resolved = [c for c in self.conflicts if c.resolved]
        if resolved:
            out.append(f"以下 {len(resolved)} 处冲突已按指定方式处理：")
            out += [f"  {conflict_line(c)}：{c.how}" for c in resolved]
        if self.unresolved:
            out.append(f"以下 {len(self.unresolved)} 处冲突没有处理，暂按导出时的值写入，并列在“{SKIPPED_SHEET}”"
                       "工作表中（可在窗口中逐项选择，或在命令行用 --prefer newest-edit 或 --prefer file 文件名 "
                       "指定取哪一份）：")
            out += [f"  {conflict_line(c)}" for c in self.unresolved]
        return out


def conflict_line(c: Conflict) -> str:
    return f"{c.office}“{_cut(c.name)}”的“{c.label}”：{c.values_text()}（{c.reason}）"


class _Stop(Exception):
    """Abort (cancelled)."""


def collect_files(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[FileIssue]]:
    """Workbook files from files and folders (recursive), sorted, without duplicates;
    anything that is not a regular file is listed, never opened."""
    files: list[Path] = []
    issues: list[FileIssue] = []
    seen: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.normcase(os.path.abspath(p))
        if key in seen:
            return
        seen.add(key)
        problem = regular_file_problem(p)
        if problem:
            issues.append(FileIssue(p, problem))
        else:
            files.append(p)

    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = []
            for root, dirs, names in os.walk(p):
                dirs.sort()
                for name in names:
                    if name.lower().endswith(READ_SUFFIXES + REPORT_SUFFIXES):
                        found.append(Path(root) / name)
            for f in sorted(found):
                add(f)
        elif p.exists() or p.is_symlink():
            add(p)
        else:
            issues.append(FileIssue(p, "找不到该文件或文件夹"))
    return files, issues


def office_from_name(path: Path) -> str:
    stem = path.name
    for suffix in (".xlsx", ".xlsm", ".xls"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    for tail in ("-台账", "_台账", "进度台账", "台账"):
        if stem.endswith(tail) and len(stem) > len(tail):
            stem = stem[: -len(tail)]
            break
    return stem.strip(" -_") or path.name


@dataclass(slots=True)
class Row:
    """One row of a ledger as the merge keeps it."""

    key: str
    name: str
    values: list[Any]  # parsed cell values in the template's column order
    line: int  # row number in its file
    unit: str  # the office it belongs to (a merge result's 单位 column, else the file's)
    source: str  # the file it came from (a merge result's 来源文件 column, else the file's name)
    year: int = 0  # a merge result's 所属方案 column, when it has one


@dataclass
class _Read:
    """One input ledger, read into memory before anything is written."""

    path: Path
    identity: Identity
    office: str  # as the file gives it (else from its name)
    rows: list[Row]
    notes: list[str]
    rejected: list[str]
    name: str = ""  # how reasons name the file

    @property
    def order(self) -> str:
        return self.identity.exported_at or self.identity.exported


@dataclass
class OfficeResult:
    """One office of one plan in the summary: its rows and where they came from."""

    label: str
    plan: str  # its block's name ("" when there is one block)
    files: list[str]
    rows: list[tuple[list[Any], str, str]]  # (values, item id, source files)
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass
class MergePlan:
    """Everything a merge would write, before it is written."""

    template: Template
    today: _dt.date
    report: MergeReport
    offices: list[OfficeResult] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    single_year: int = 0  # the one plan year, recorded in the result (0: several or unknown)
    previous: dict[str, Any] | None = None  # an earlier summary as read_previous gives it (see compare)

    @property
    def conflicts(self) -> list[Conflict]:
        return self.report.conflicts

    def resolve(self, prefer: Sequence[str | tuple[str, str]]) -> int:
        """Settle open conflicts by the clerk's rules, in order: "newest-edit" (the
        copy whose row has the later 更新日期, then the one its program saved
        later) or ("file", NAME) (that file's value). Returns how many were settled."""
        settled = 0
        for c in self.report.unresolved:
            for rule in prefer:
                choice = _apply_rule(c, rule)
                if choice is not None:
                    c.choose(*choice)
                    settled += 1
                    break
        return settled

    def stats(self) -> list[OfficeStats]:
        """Items, completed, overdue and average per office, from the rows as they now stand."""
        spec = self.template.ledger
        keys = [c.key for c in spec.columns]
        at = {k: keys.index(k) for k in ("status", "percent", "deadline") if k in keys}
        out = []
        for o in self.offices:
            s = OfficeStats(o.label, list(o.files), plan=o.plan)
            for values, _, _ in o.rows:
                status = values[at["status"]] if "status" in at else ""
                status = status if isinstance(status, str) else ""
                pct = values[at["percent"]] if "percent" in at else None
                pct = pct if isinstance(pct, (int, float)) and not isinstance(pct, bool) else None
                deadline = deadline_of(values[at["deadline"]]) if "deadline" in at else None
                s.items += 1
                s.done += bool(spec.done) and status == spec.done
                s.overdue += is_overdue(deadline, status, self.today, spec.finished)
                if spec.counts_in_average(status):
                    s.pct_sum += spec.effective_percent(status, pct)
                    s.pct_n += 1
            out.append(s)
        return out

    def compare(self, previous: Path | None = None) -> list[str]:
        """What this summary changes against ``previous`` (an earlier merge result), in lines.
        The earlier summary is read once and kept, so the lines can be worked out again
        (cheaply, in the window's thread) after the clerk has settled conflicts."""
        from desktop.ledger.summary import differences, read_previous

        if previous is not None:
            self.previous = read_previous(previous, self.template)
        return differences(self.previous, self) if self.previous is not None else []


def preferred_option(c: Conflict, rule: str | tuple[str, str]) -> int | None:
    """The option ``rule`` picks (see MergePlan.resolve), or None when it cannot tell."""
    choice = _apply_rule(c, rule)
    return None if choice is None else choice[0]


def _apply_rule(c: Conflict, rule: str | tuple[str, str]) -> tuple[int, str] | None:
    if rule == "newest-edit":
        ranked = sorted(range(len(c.options)), key=lambda i: (c.options[i].stamp, c.options[i].copy.saved_at))
        best = c.options[ranked[-1]]
        if len(ranked) > 1 and (best.stamp, best.copy.saved_at) == (c.options[ranked[-2]].stamp,
                                                                     c.options[ranked[-2]].copy.saved_at):
            return None  # no way to tell which edit is newer
        why = f"该行更新日期 {best.stamp} 最晚" if best.stamp and best.stamp != c.options[ranked[-2]].stamp else \
            "更新日期相同，该文件最后保存的时间（文件内记录）最晚"
        return ranked[-1], f"按 --prefer newest-edit 取“{best.copy.name}”的值（{why}）"
    if isinstance(rule, tuple) and rule[0] == "file":
        wanted = rule[1]
        hits = [i for i, o in enumerate(c.options) if o.copy.name == wanted or Path(o.copy.name).name == wanted]
        if len({canon(c.options[i].value) for i in hits}) == 1:
            return hits[0], f"按 --prefer file 取“{c.options[hits[0]].copy.name}”的值"
    return None


def plan_merge(paths: Iterable[str | os.PathLike[str]], *, template: Template | None = None,
               today: _dt.date | None = None, progress: Callable[[int, int, Path], None] | None = None,
               cancel: Callable[[], bool] | None = None, out: str | os.PathLike[str] | None = None) -> MergePlan:
    """Read and combine; nothing is written. ``out`` (the result's path) is left out of the inputs."""
    from desktop.templates import load_template

    this_plan = template
    template = template or load_template(DEFAULT_TEMPLATE)
    report = MergeReport(Path(out) if out is not None else Path())
    plan = MergePlan(template, today or _dt.date.today(), report)
    files, issues = collect_files(paths)
    report.skipped += issues
    if out is not None:
        for f in [f for f in files if same_file(f, out)]:
            report.skipped.append(FileIssue(f, "这是本次合并的结果文件（上次合并生成），将被新的结果替换，不参与合并"))
        files = [f for f in files if not same_file(f, out)]
    report.found = len(files)
    try:
        read = _read_all(files, template, plan.today, report, progress, cancel)
    except _Stop:
        report.cancelled = True
        return plan
    _count(plan, read, this_plan)
    return plan


def write_merge(plan: MergePlan, out: str | os.PathLike[str], *, backup: bool = True) -> MergeReport:
    """Write ``plan`` to ``out`` atomically; an earlier summary there is kept as ``out.bak``."""
    from desktop.ledger.summary import write_summary
    from desktop.storage import atomic_target

    out = Path(out)
    report = plan.report
    report.out = out
    if not out.parent.is_dir():
        raise LedgerError(f"保存合并结果的文件夹“{out.parent}”不存在，请先创建它。")
    if not plan.offices or report.cancelled:
        return report
    had = out.exists()
    if had and plan.previous is None:  # not compared yet (the command line and the window have)
        report.changes = plan.compare(out)
    report.offices = plan.stats()  # after the conflicts are settled
    with atomic_target(out, error_cls=LedgerError, action="保存合并结果", backup=backup and had) as tmp:
        write_summary(plan, tmp, report.offices)
    report.written = True
    if backup and had:
        report.backup = out.with_name(out.name + ".bak")
    return report


def merge_ledgers(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
                  template: Template | None = None, today: _dt.date | None = None,
                  progress: Callable[[int, int, Path], None] | None = None,
                  cancel: Callable[[], bool] | None = None,
                  prefer: Sequence[str | tuple[str, str]] = ()) -> MergeReport:
    """Merge the ledgers in ``paths`` into ``out`` in one call; see the module docstring.

    Raises LedgerError when ``out`` is one of the files named in ``paths``
    (a folder's files are searched: the result found there is skipped).
    """
    out = Path(out)
    paths = list(paths)
    hit = input_among(out, [p for p in paths if not Path(p).is_dir()])
    if hit is not None:
        raise LedgerError(f"合并结果“{out}”就是要合并的台账“{hit}”，写入会覆盖它，已停止。请另选合并结果的文件名。")
    if not out.parent.is_dir():
        raise LedgerError(f"保存合并结果的文件夹“{out.parent}”不存在，请先创建它。")
    plan = plan_merge(paths, template=template, today=today, progress=progress, cancel=cancel, out=out)
    plan.resolve(prefer)
    report = write_merge(plan, out)
    report.skipped.sort(key=lambda i: str(i.path))
    return report


# --- reading ------------------------------------------------------------------------------------


def _read_all(files: list[Path], template: Template, today: _dt.date, report: MergeReport,
              progress: Callable[[int, int, Path], None] | None, cancel: Callable[[], bool] | None) -> list[_Read]:
    digests: dict[str, Path] = {}
    out: list[_Read] = []
    total = len(files)
    keys = [c.key for c in template.ledger.columns]
    for done, path in enumerate(files):
        if cancel and cancel():
            raise _Stop()
        if progress:
            progress(done, total, path)
        if path.name.startswith("~$"):
            report.skipped.append(FileIssue(path, "这是 Excel 打开文件时生成的临时锁定文件，不是台账"))
            continue
        problem = regular_file_problem(path)
        if problem:
            report.skipped.append(FileIssue(path, problem))
            continue
        digest = _digest(path)
        if digest and digest in digests:
            report.skipped.append(FileIssue(path, f"与“{digests[digest].name}”内容完全相同，未重复合并"))
            continue
        try:
            one = _read_file(path, template, keys)
        except LedgerError as err:
            report.skipped.append(FileIssue(path, str(err)))
            continue
        if digest:
            digests[digest] = path
        out.append(one)
    if progress:
        progress(total, total, Path(""))
    return out


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:  # a regular file: checked by the caller
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()


_TEXT, _STATUS, _PERCENT, _DEADLINE, _UPDATED, _SEQ = range(6)
_KINDS = {"status": _STATUS, "percent": _PERCENT, "deadline": _DEADLINE, "updated": _UPDATED, "seq": _SEQ}


def _text_of(raw: Any) -> str:
    """cell_text(raw), with the common cases first: most cells are text or empty."""
    if raw is None:
        return ""
    if type(raw) is str:
        return clean_text(raw)[0].strip()
    return cell_text(raw)


def _read_file(path: Path, template: Template, keys: list[str]) -> _Read:
    """One ledger's rows, checked by the same rules as an import (parse_ledger_value)."""
    statuses = tuple(template.ledger.statuses)
    labels = {c.key: c.title for c in template.ledger.columns}
    rows: list[Row] = []
    rejected: list[str] = []
    with open_ledger(path, template, fast=True) as ledger:
        identity = ledger.identity
        office = identity.office or office_from_name(path)
        index = ledger.columns.index
        # Where each merged column comes from, worked out once per file rather than per cell.
        plan = [(key, index.get(key), _KINDS.get(key, _TEXT), labels.get(key, key)) for key in keys]
        unit_at, name_at, key_at = index.get("unit"), index.get("name"), index.get("key")
        source_at, plan_at = index.get("source"), index.get("plan")
        for n, cells in ledger.rows():
            width = len(cells)
            values: list[Any] = []
            reasons: list[str] = []
            for key, i, kind, label in plan:
                cell = cells[i] if i is not None and i < width else None  # Columns.cell
                raw = getattr(cell, "value", None)
                if kind == _TEXT:
                    values.append(_text_of(raw))
                elif kind == _STATUS or kind == _PERCENT:
                    try:
                        value = parse_ledger_value(key, raw, getattr(cell, "number_format", "") or "", statuses,
                                                   label)
                    except ValueProblem as problem:
                        reasons.append(str(problem))
                        value = cell_text(raw)
                    values.append(value)
                elif kind == _DEADLINE or kind == _UPDATED:
                    day = _as_date(raw)
                    values.append(day if day else _text_of(raw))
                elif isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw == raw \
                        and abs(raw) < 1e9:  # seq
                    values.append(raw)
                else:
                    values.append(_text_of(raw))
            name = _text_of(value_at(cells, name_at))
            if reasons:
                rejected.append(f"第 {n} 行“{name[:24]}”未合并：{'；'.join(reasons)}")
                continue
            unit = (_text_of(value_at(cells, unit_at)) or office) if unit_at is not None else office
            year = plan_year(_text_of(value_at(cells, plan_at))) if plan_at is not None else 0
            rows.append(Row(_text_of(value_at(cells, key_at)), name, values, n, unit,
                            _text_of(value_at(cells, source_at)) or path.name, year))
        notes = list(ledger.notes)
    if not rows:
        raise LedgerError("台账中没有任何数据行" if not rejected else
                          f"台账中没有一行可以合并（{len(rejected)} 行有错误，如{rejected[0]}）")
    return _Read(path, identity, office, rows, notes, rejected, path.name)


def _as_date(raw: Any) -> _dt.date | None:
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return parse_date(raw, "")
    return None


def _baseline_of(path: Path, template: Template) -> dict[str, dict[str, str]] | None:
    """A copy's exported values, read again only when there is something to combine."""
    try:
        with open_ledger(path, template, fast=True) as ledger:
            return ledger.baseline(template)
    except LedgerError:
        return None


# --- counting each office once per plan ------------------------------------------------------------


def _count(plan: MergePlan, read: list[_Read], this_plan: Template | None) -> None:
    report = plan.report
    entries: list[tuple[int, _Read]] = []
    for r in read:  # a merge result of several years' plans says which row is whose
        in_rows = {row.year for row in r.rows} if r.identity.merged else set()
        if in_rows - {0}:
            for year in sorted(in_rows):
                entries.append((year or r.identity.year, replace(r, rows=[row for row in r.rows if row.year == year])))
        else:
            entries.append((r.identity.year, r))
    blocks: dict[int, list[_Read]] = {}
    if this_plan is not None:
        for year, r in entries:
            if year and year != this_plan.year:
                title = f"《{r.identity.plan_title}》" if r.identity.plan_title else ""
                report.skipped.append(FileIssue(r.path, f"这是另一份方案（{year}年{title}）的台账，"
                                                        f"不计入本次{this_plan.year}年方案的汇总"))
                continue
            blocks.setdefault(this_plan.year, []).append(r)
    else:
        known = {year for year, _ in entries if year}
        for year, r in entries:
            blocks.setdefault(year or (next(iter(known)) if len(known) == 1 else 0), []).append(r)
    years = sorted(blocks, key=lambda y: (y == 0, -y))
    plan.plans = [f"{y}年方案" if y else UNKNOWN_YEAR for y in years] if len(years) > 1 else []
    report.plans = list(plan.plans)
    plan.single_year = years[0] if len(years) == 1 else 0
    for year in years:
        label = (f"{year}年方案" if year else UNKNOWN_YEAR) if len(years) > 1 else ""
        members = blocks[year]
        _count_block(plan, [r for r in members if not r.identity.merged], [r for r in members if r.identity.merged],
                     label)
    report.merged_files = len({name for office in plan.offices for name in office.files})
    report.rows = sum(len(o.rows) for o in plan.offices)


def _group_key(r: _Read) -> tuple[str, str, str]:
    office = norm_name(r.office)
    if r.identity.draft_id:
        return "id", r.identity.draft_id, office
    if r.identity.plan_title:
        return "title", norm_name(r.identity.plan_title), office
    return "file", str(r.path), office


def _count_block(plan: MergePlan, singles: list[_Read], results: list[_Read], label: str) -> None:
    report = plan.report
    groups: dict[tuple[str, str, str], list[_Read]] = {}
    for r in singles:
        groups.setdefault(_group_key(r), []).append(r)
    # A ledger exported before drafts had ids belongs with the draft of the same title and office.
    for key in [k for k in groups if k[0] == "title"]:
        owners = [k for k in groups if k[0] == "id" and k[2] == key[2]
                  and any(norm_name(r.identity.plan_title) == key[1] for r in groups[k])]
        if len(owners) == 1:
            groups[owners[0]] += groups.pop(key)
    names = _labels(groups)
    claimed: set[str] = set()
    for key, members in groups.items():
        office = names[key]
        claimed.add(norm_name(members[0].office))
        if len(members) == 1:
            r = members[0]
            result = OfficeResult(office, label, [r.name], [(row.values, row.key, row.source) for row in r.rows])
            _remarks(report, r)
        else:
            result = _combine_copies(plan, office, label, members)
        plan.offices.append(result)
    for r in sorted(results, key=lambda r: r.order, reverse=True):
        taken = [row for row in r.rows if norm_name(row.unit) not in claimed]
        dropped = sorted({row.unit for row in r.rows if norm_name(row.unit) in claimed})
        if not taken:
            report.skipped.append(FileIssue(r.path, "这是之前合并生成的汇总台账，其中各单位（" + "、".join(dropped[:6])
                                            + ("等" if len(dropped) > 6 else "") + "）的台账本次已在合并之中，"
                                            "为避免重复计算，未合并"))
            continue
        if dropped:
            r.notes.append(f"汇总台账中 {'、'.join(dropped[:6])}{'等' if len(dropped) > 6 else ''} 的行已由本次合并的"
                           "单位台账提供，未重复计入")
        by_unit: dict[str, OfficeResult] = {}
        for row in taken:
            o = by_unit.get(row.unit)
            if o is None:
                o = by_unit[row.unit] = OfficeResult(row.unit, label, [r.name], [])
                plan.offices.append(o)
            o.rows.append((row.values, row.key, row.source))
        claimed |= {norm_name(u) for u in by_unit}
        _remarks(report, r)


def _labels(groups: dict[tuple[str, str, str], list[_Read]]) -> dict[tuple[str, str, str], str]:
    """Each group's office name; offices of one name but different drafts get their plan's name too."""
    by_name: dict[str, list[tuple[str, str, str]]] = {}
    for key in groups:
        by_name.setdefault(key[2], []).append(key)
    out = {}
    for keys in by_name.values():
        for key in keys:
            first = groups[key][0]
            if len(keys) == 1:
                out[key] = first.office
                continue
            titles = {norm_name(groups[k][0].identity.plan_title) for k in keys}
            places = {_place(groups[k][0].identity.plan_title) for k in keys}
            if len(places) == len(keys) and _place(first.identity.plan_title):
                tag = _place(first.identity.plan_title)  # 南海区2020年…方案: 南海区
            elif len(titles) == len(keys) and first.identity.plan_title:
                tag = first.identity.plan_title
            elif first.identity.draft_id:
                tag = f"方案编号 {first.identity.draft_id[:8]}"
            else:
                tag = first.name
            out[key] = f"{first.office}（{tag}）"
            others = "、".join(f"“{groups[k][0].name}”" for k in keys if k != key)
            for r in groups[key]:
                r.notes.append(f"另有同名单位“{first.office}”的台账（{others}）来自另一份方案，两者分开统计，"
                               f"本文件记为“{out[key]}”：请核对是否确为两个单位，或请该单位改用自己的发文机关名称")
    return out


def _place(plan_title: str) -> str:
    """The place a plan's title starts with (南海区 of 南海区2020年…实施方案), or ""."""
    m = re.match(r"\s*(\D{2,12}?)\s*(?:19|20)\d{2}\s*年", plan_title or "")
    return m.group(1).strip() if m else ""


def _remarks(report: MergeReport, r: _Read) -> None:
    for note in r.notes:
        report.remarks.append(FileIssue(r.path, note, merged=True))
    for reason in r.rejected:
        report.remarks.append(FileIssue(r.path, reason, merged=True, row_refused=True))


def _combine_copies(plan: MergePlan, office: str, label: str, members: list[_Read]) -> OfficeResult:
    report = plan.report
    spec = plan.template.ledger
    keys = [c.key for c in spec.columns]
    labels = {c.key: c.title for c in spec.columns}
    names = [m.name for m in members]
    for m in members:  # two copies of one name in different folders: name them by path
        if names.count(m.name) > 1:
            m.name = str(m.path)
    copies = [Copy(m.name, m.order, m.identity.saved_at, m.rows, _baseline_of(m.path, plan.template))
              for m in sorted(members, key=lambda m: (m.order, str(m.path)))]
    done: Combined = combine(office, copies, keys, labels)
    result = OfficeResult(office, label, [c.name for c in copies], done.rows, done.conflicts)
    report.conflicts += done.conflicts
    by_name = {m.name: m for m in members}
    old = [c.name for c in copies if c.baseline is None]
    for c in copies:
        m = by_name[c.name]
        others = "、".join(f"“{o.name}”" for o in copies if o is not c)
        taken, edited = done.taken.get(c.name, 0), len(done.edited.get(c.name, ()))
        if c.name in old:
            what = (f"采用了其中 {taken} 行的内容" if taken else "其中没有被采用的内容（与其他副本相同，或有冲突）") + \
                "（本文件由旧版本导出，没有记下导出时的内容，按各副本之间的差异判断）"
        elif not edited:
            what = "本文件与导出时相同，没有修改"
        elif taken:
            what = f"本文件有 {edited} 行在导出后修改过，采用了其中 {taken} 行的修改"
            clashes = sum(1 for x in done.conflicts if any(o.copy is c for o in x.options))
            if clashes:
                what += f"（另有 {clashes} 处与其他副本冲突，见冲突清单）"
        else:
            what = f"本文件有 {edited} 行在导出后修改过，都有冲突或未能合并（见下）"
        m.notes.insert(0, f"与{others}是同一单位（{office}）同一方案的台账，已逐行合并：{what}")
        _remarks(report, m)
    for copy, line, reason in done.refused:
        report.remarks.append(FileIssue(by_name[copy.name].path, f"第 {line} 行{reason}", merged=True,
                                        row_refused=True))
    for note in done.notes:
        report.remarks.append(FileIssue(members[0].path, f"{office}：{note}", merged=True))
    return result


def _cut(text: str, n: int = 24) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"
