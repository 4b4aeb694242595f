"""``python -m desktop ledger import DRAFT LEDGER.xlsx [-o OUT]`` and
``python -m desktop ledger merge FILES_OR_FOLDERS... -o OUT.xlsx``.

Exit statuses: 0 done; 1 done, but some rows (import) were refused; 2 nothing
could be done (unreadable input, nothing to merge) with the reason on stderr.
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
            expect = digest if same_file(target, draft_path) else None
            save_draft(draft, target, expect=expect)
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


def cmd_merge(args: argparse.Namespace) -> int:
    from desktop.ledger.merge import merge_ledgers
    from desktop.outputs import input_among, refuse_overwrite

    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise LedgerError(f"合并结果“{out}”的扩展名应为 .xlsx。")
    hit = input_among(out, [p for p in args.inputs if not Path(p).is_dir()])
    if hit is not None:
        raise LedgerError(f"合并结果“{out}”就是要合并的台账“{hit}”，写入会覆盖它，已停止。请另选合并结果的文件名。")
    refuse_bad_name(out)
    refuse_overwrite(out, args.force, "合并结果")
    template = None
    if args.template:
        from desktop.templates import resolve_template

        template = resolve_template(args.template)
    report = merge_ledgers(args.inputs, out, template=template, today=parse_today(args.today),
                           progress=_ProgressLine())
    for line in report.lines():
        print(line)
    if not report.written:
        raise LedgerError("没有可以合并的台账，未生成文件。" + (f"（共检查 {report.found} 个文件）" if report.found else
                                                                "请指定台账文件或所在文件夹。"))
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
    m.add_argument("--template", help="台账所属方案的模板（名称或模板文件），决定状态和列；默认为自带的2020年模板")
    m.add_argument("--force", action="store_true", help="合并结果文件已存在时覆盖它")
    m.set_defaults(func=cmd_merge)
