"""``python -m desktop ledger import DRAFT LEDGER.xlsx [-o OUT]`` and
``python -m desktop ledger merge FILES_OR_FOLDERS... -o OUT.xlsx``.

Exit statuses: 0 done; 1 done, but some rows (import) were refused or some
conflicts between copies of one ledger (merge) were left open (they are in
the result's 未合并文件 sheet; --prefer settles them); 2 nothing could be done
(unreadable input, nothing to merge) with the reason on stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from desktop.cliutil import parse_today, refuse_bad_name
from desktop.errors import DesktopError, LedgerError


def cmd_import(args: argparse.Namespace) -> int:
    from desktop.ledger.importing import apply_import, plan_import
    from desktop.outputs import refuse_overwrite, same_file
    from desktop.recovery import DraftLock
    from desktop.storage import load_draft_with_digest, save_draft
    from desktop.templates import load_template

    draft_path, ledger_path = Path(args.draft), Path(args.ledger)
    target = Path(args.output) if args.output else draft_path
    if same_file(target, ledger_path):
        raise LedgerError(f"保存位置“{target}”就是台账文件本身；台账不会被修改，请用 -o 指定另一个草稿文件名。")
    if not same_file(target, draft_path) and not args.dry_run:
        refuse_bad_name(target)
        refuse_overwrite(target, args.force, "草稿")
    lock = DraftLock(target)
    holder = None if args.dry_run else lock.acquire_exclusive()
    if holder is not None and not args.force:
        raise DesktopError(f"草稿“{target}”正被 {holder.describe()} 打开。导入后窗口中再保存会覆盖导入的进度。"
                           "请先在窗口中关闭该草稿再导入（或在窗口中用“台账 → 导入填好的台账”），"
                           "确需强制导入时加 --force。")
    try:
        draft, digest = load_draft_with_digest(draft_path)
        template = load_template(draft.template)
        plan = plan_import(draft, template, ledger_path, force=args.force)
        if plan.identity_warning:
            print(f"注意：{plan.identity_warning}", file=sys.stderr)
        for ch in plan.changes:
            how = "（按名称对应）" if ch.matched_by == "name" else ""
            print(f"第 {ch.row} 行“{ch.name}”（{ch.item_id}）{how}：")
            for c in ch.changes:
                print(f"    {c.describe()}")
        if plan.rejections:
            print(f"以下 {len(plan.rejections)} 行有错误，未导入（其他行不受影响）：", file=sys.stderr)
            for r in plan.rejections:
                print(f"    {r.message}", file=sys.stderr)
        for note in plan.notes:
            print(f"提示：{note}")
        changed = apply_import(draft, plan)
        if args.dry_run:
            print(f"试运行：将更新 {changed} 项，未保存任何文件。")
            return 1 if plan.rejections else 0
        if plan.needs_confirmation and changed and not args.force:
            raise LedgerError(f"未保存：无法确认台账属于这份方案。"
                              f"请核对上面列出的 {changed} 项变化，确认无误后加 --force 再导入。")
        if changed or args.output:
            from desktop.model import ensure_id

            expect = digest if same_file(target, draft_path) else None
            new_id = ensure_id(draft)
            save_draft(draft, target, expect=expect)
            if new_id:
                print(f"提示：草稿原来没有方案编号，已生成“{new_id}”并随草稿保存；以后从它导出的台账都带有这个编号，"
                      "导回和合并时据此核对。")
            print(f"已更新 {changed} 项进度，{plan.unchanged} 项没有变化，已保存到“{target}”。")
        else:
            print(f"台账与草稿一致，没有需要更新的内容（{plan.unchanged} 项没有变化），草稿未改动。")
        return 1 if plan.rejections else 0
    finally:
        lock.release()


class _ProgressLine:
    """One updating line on stderr (a line per tenth when not a terminal)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last_step = -1
        self.start = time.monotonic()

    def __call__(self, done: int, total: int, path: Path) -> None:
        if total <= 0:
            return
        if self.tty:
            name = path.name[-40:]
            end = "\n" if done >= total else ""
            print(f"\r正在合并 {done}/{total}  {name:<40}", end=end, file=sys.stderr, flush=True)
            return
        step = done * 10 // total
        if step != self.last_step:
            self.last_step = step
            print(f"正在合并：{done}/{total}（{done * 100 // total}%）", file=sys.stderr, flush=True)


def _template_arg(value: str) -> Any:
    from desktop.storage import regular_file_problem
    from desktop.templates import resolve_template

    path = Path(value)
    problem = regular_file_problem(path) if path.exists() or path.is_symlink() else None
    if problem:  # a pipe or a device named like a template: never opened
        raise LedgerError(f"模板“{value}”：{problem}")
    return resolve_template(value)


def _prefer(values: list[list[str]] | None) -> list[str | tuple[str, str]]:
    rules: list[str | tuple[str, str]] = []
    for words in values or []:
        if words == ["newest-edit"]:
            rules.append("newest-edit")
        elif len(words) == 2 and words[0] == "file":
            rules.append(("file", words[1]))
        else:
            raise LedgerError(f"--prefer {' '.join(words)} 无法理解：应为 --prefer newest-edit"
                              "（取更新日期较晚的一份）或 --prefer file 文件名（取该文件中的值）。")
    return rules


def cmd_merge(args: argparse.Namespace) -> int:
    from desktop.ledger.merge import conflict_line, plan_merge, write_merge
    from desktop.ledger.reader import is_merge_result
    from desktop.outputs import input_among

    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise LedgerError(f"合并结果“{out}”的扩展名应为 .xlsx。")
    hit = input_among(out, [p for p in args.inputs if not Path(p).is_dir()])
    if hit is not None:
        raise LedgerError(f"合并结果“{out}”就是要合并的台账“{hit}”，写入会覆盖它，已停止。请另选合并结果的文件名。")
    refuse_bad_name(out)
    if out.exists() and not args.force and not is_merge_result(out):
        raise LedgerError(f"合并结果“{out}”已存在，而且不是合并结果。为避免覆盖它，请换一个文件名；"
                          "确需覆盖时加 --force。")
    if not out.parent.is_dir():
        raise LedgerError(f"保存合并结果的文件夹“{out.parent}”不存在，请先创建它。")
    prefer = _prefer(args.prefer)
    template = _template_arg(args.template) if args.template else None
    plan = plan_merge(args.inputs, template=template, today=parse_today(args.today), progress=_ProgressLine(),
                      out=out)
    plan.resolve(prefer)
    report = plan.report
    if not plan.offices:
        for line in report.lines():
            print(line)
        raise LedgerError("没有可以合并的台账，未生成文件。" + (f"（共检查 {report.found} 个文件）" if report.found else
                                                                "请指定台账文件或所在文件夹。"))
    if out.exists():
        report.changes = plan.compare(out)
    if args.dry_run:
        report.offices = plan.stats()
        report.skipped.sort(key=lambda i: str(i.path))
        for line in report.lines():
            print(line)
        print(f"试运行：将合并 {report.merged_files} 个台账（{len(report.offices)} 个单位，共 {report.rows} 行），"
              "未写入任何文件。")
        return 1 if report.unresolved else 0
    if report.changes:  # said before the earlier summary is replaced (it is kept as .bak)
        print(f"“{out}”已有上次的合并结果，本次合并与它相比：")
        for line in report.changes:
            print(f"  {line}")
        report.changes = []
    write_merge(plan, out)
    report.skipped.sort(key=lambda i: str(i.path))
    for line in report.lines():
        print(line)
    if report.unresolved:
        print(f"有 {len(report.unresolved)} 处冲突没有处理（见上，也写在合并结果的“未合并文件”工作表中）。"
              "请核对后用 --prefer newest-edit 或 --prefer file 文件名 重新合并，或在窗口中逐项选择。",
              file=sys.stderr)
        for c in report.unresolved[:3]:
            print(f"  {conflict_line(c)}", file=sys.stderr)
        return 1
    return 0


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("ledger", help="进度台账：导回草稿、合并多个单位的台账")
    lsub = p.add_subparsers(dest="ledger_command", metavar="操作", parser_class=type(p))
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])

    q = lsub.add_parser("import", help="把填好的台账导回草稿的进度")
    q.add_argument("draft", help="草稿文件（*.plan.json）")
    q.add_argument("ledger", help="填好的进度台账（.xlsx），不会被修改")
    q.add_argument("-o", "--output", help="另存为新的草稿文件（默认写回原草稿，并保留 .bak 备份）")
    q.add_argument("--dry-run", action="store_true", help="只显示将要更新的内容，不保存")
    q.add_argument("--force", action="store_true",
                   help="草稿正被打开、台账无法确认属于本方案或填报单位不一致、-o 指向已有文件时仍然导入")
    q.set_defaults(func=cmd_import)

    m = lsub.add_parser("merge", help="合并多个单位的台账")
    m.add_argument("inputs", nargs="+", help="台账文件或文件夹（文件夹中的 .xlsx 会被逐个读取）")
    m.add_argument("-o", "--output", required=True, help="合并结果（.xlsx）")
    m.add_argument("--today", help="以该日期（YYYY-MM-DD）统计逾期")
    m.add_argument("--template", help="本次汇总的方案的模板（名称或模板文件），决定状态和列；其他年度方案的台账"
                                      "列为未合并。不指定时用自带的2020年模板的列，各年度的台账分开统计")
    m.add_argument("--prefer", nargs="+", action="append", metavar="规则",
                   help="同一台账的几份副本把同一格改得不一样（冲突）时取哪一份：newest-edit（该行更新日期较晚的一份）"
                        "或 file 文件名（该文件中的值）；可写多次，按顺序使用。不指定时冲突列在结果中，退出码为 1")
    m.add_argument("--dry-run", action="store_true", help="只显示合并结果和与上次汇总的差别，不写入文件")
    m.add_argument("--force", action="store_true", help="合并结果位置已有不是合并结果的文件时仍然覆盖它")
    m.set_defaults(func=cmd_merge)
