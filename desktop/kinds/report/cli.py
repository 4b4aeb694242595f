"""``python -m desktop report …``: draft a work report from a plan and its ledger,
refresh its figures, and add the districts' merged ledger."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop.cliutil import EXIT_OK, parse_today, refuse_bad_name, refuse_existing, rewriting
from desktop.errors import DesktopError

from .model import PERIODS, SUFFIX, Report


def cmd_new(args: argparse.Namespace) -> int:
    from desktop.storage import load_draft, save_draft
    from desktop.templates import load_template

    from .drafting import new_report

    plan_path, out = Path(args.plan), Path(args.output)
    if not out.name.lower().endswith(".json"):
        out = out.with_name(out.name + SUFFIX)
    refuse_bad_name(out)
    refuse_existing(out, args.force)
    if out.exists() and out.resolve() == plan_path.resolve():
        raise DesktopError(f"报告文件“{out}”就是方案本身，写入会覆盖方案，已停止。请换一个文件名。")
    as_of = parse_today(args.as_of, "--as-of")
    plan = load_draft(plan_path)
    template = load_template(plan.template)
    report = new_report(plan, template, period=args.period, as_of=as_of, plan_path=plan_path, report_path=out,
                        signer=(args.signer or "").strip())
    save_draft(report, out, backup=False)
    rows = report.rows
    print(f"已起草工作情况报告：{out}（{report.title}，{len(rows)} 项任务，截至 {report.as_of}）")
    print("请补写“下一步工作打算”，并核对发文字号、签发人后再导出：python -m desktop check 和 export。")
    return EXIT_OK


def _report_at(path: Path, record: Any) -> Report:
    if not isinstance(record, Report):
        raise DesktopError(f"“{path.name}”不是工作情况报告草稿。")
    return record


def cmd_refresh(args: argparse.Namespace) -> int:
    from desktop.storage import save_draft
    from desktop.templates import load_template

    from .drafting import refreshed
    from .source import find_plan

    path = Path(args.report)
    as_of = parse_today(args.as_of, "--as-of")
    with rewriting(path, args.force, "用“任务完成情况 → 刷新数据”") as (record, digest):
        report = _report_at(path, record)
        found = find_plan(report, path, args.plan)
        if found is None:
            raise DesktopError(f"找不到起草本报告所依据的方案（{report.source.plan_path or '未记录位置'}），"
                               "请用 --plan 指定方案文件。")
        plan, _ = found
        new = refreshed(report, plan, load_template(plan.template), as_of)
        save_draft(new, path, expect=digest)
    print(f"已按方案的最新进度更新“{path.name}”：{len(new.rows)} 项任务，正文中的数字随之更新（截至 {new.as_of}）。")
    return EXIT_OK


def cmd_units(args: argparse.Namespace) -> int:
    from desktop.storage import save_draft
    from desktop.templates import load_template

    from .units import units_of, with_units

    path = Path(args.report)
    with rewriting(path, args.force, "用“任务完成情况 → 加入下级汇总台账”") as (record, digest):
        report = _report_at(path, record)
        units = units_of(Path(args.merged), load_template(report.template))
        new = with_units(report, units, args.title)
        save_draft(new, path, expect=digest)
    print(f"已把 {len(units)} 个单位的完成情况加入“{path.name}”（附件“{args.title}”），总体情况中增加了一句汇总。")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("report", help="工作情况报告：由方案和进度台账起草、刷新数据")
    rsub = p.add_subparsers(dest="report_command", metavar="操作", parser_class=type(p))
    n = rsub.add_parser("new", help="由方案及其进度起草工作情况报告（上行文）")
    n.add_argument("plan", help="实施方案草稿（*.plan.json），先导入最新的台账")
    n.add_argument("-o", "--output", required=True, help=f"报告草稿的文件名（*{SUFFIX}）")
    n.add_argument("--period", choices=PERIODS, default="年度", help="年度报告或半年报告（默认：年度）")
    n.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                   help="数字截至的日期（默认：方案的截至日期，没有则为今天）")
    n.add_argument("--signer", help="签发人姓名（也可以之后在窗口中填写）")
    n.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    n.set_defaults(func=cmd_new)
    r = rsub.add_parser("refresh", help="按方案当前的进度更新报告的附件和正文中的数字")
    r.add_argument("report", help=f"报告草稿（*{SUFFIX}）")
    r.add_argument("--plan", help="方案草稿（默认：报告记录的方案位置）")
    r.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                   help="数字截至的日期（默认：报告中的截至日期，没有则为方案的截至日期）")
    r.add_argument("--force", action="store_true", help="报告正在窗口中打开时仍然写入")
    r.set_defaults(func=cmd_refresh)
    u = rsub.add_parser("units", help="把下级单位台账的合并结果加入报告（附件：各单位完成情况表）")
    u.add_argument("report", help=f"报告草稿（*{SUFFIX}）")
    u.add_argument("merged", help="ledger merge 生成的合并结果（*.xlsx）")
    u.add_argument("--title", default="各单位任务完成情况表", help="附件标题（默认：各单位任务完成情况表）")
    u.add_argument("--force", action="store_true", help="报告正在窗口中打开时仍然写入")
    u.set_defaults(func=cmd_units)
    p.set_defaults(func=lambda _args, _p=p: (_p.print_help(sys.stdout), 2)[1])
