"""The command line: ``python -m desktop``.

Exit statuses follow the template spec: 0 no error, 1 errors found, 2 the
input could not be read (with a Chinese message on standard error).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from desktop import APP_NAME, __version__
from desktop.cliutil import (
    EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE, load_any, parse_today, refuse_bad_name, refuse_existing, standard_for,
)
from desktop.errors import DesktopError
from desktop.model import DEFAULT_TEMPLATE


# argparse's own sentences (it translates through gettext), said in Chinese.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有“%(value)s”这一项（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "expected one argument": "后面需要一个值",
    "expected at most one argument": "后面最多只能有一个值",
    "expected at least one argument": "后面至少需要一个值",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "one of the arguments %s is required": "必须提供以下参数之一：%s",
    "ignored explicit argument %r": "选项不接受值：%r",
    "unexpected option string: %s": "无法识别的选项：%s",
}


def _zh(message: str) -> str:
    return _ARGPARSE_ZH.get(message, message)


def _zh_plural(singular: str, plural: str, n: int) -> str:
    return f"后面需要 {n} 个值" if singular == "expected %s argument" else (singular if n == 1 else plural)


argparse._ = _zh  # type: ignore[attr-defined]  # argparse looks _ up at call time
argparse.ngettext = _zh_plural  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in Chinese with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise SystemExit(_fail(f"命令参数有误：{message}。用 -h 查看说明。"))


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_UNREADABLE


def cmd_new(args: argparse.Namespace) -> int:
    from desktop.drafting import OfficeDefaults, new_draft
    from desktop.storage import save_draft
    from desktop.templates import resolve_template

    out = Path(args.output)
    refuse_bad_name(out)
    refuse_existing(out, args.force)
    if args.example:  # the bundled 佛山市 draft, to try every command on
        from importlib import resources

        from desktop.model import new_draft_id
        from desktop.storage import parse_draft_bytes

        data = resources.files("desktop_resources").joinpath("examples", "foshan-2020.plan.json").read_bytes()
        draft = parse_draft_bytes(data, "示例草稿")
        draft.id = new_draft_id()
        save_draft(draft, out, backup=False)
        print(f"已复制示例草稿：{out}（{draft.plan.title}）")
        return EXIT_OK
    template = resolve_template(args.template)
    draft = new_draft(template, OfficeDefaults(city=args.city or ""))
    save_draft(draft, out, backup=False)
    print(f"已新建草稿：{out}（模板：{template.name}）")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from desktop.checks import ERROR, has_errors

    today = parse_today(args.today)  # None: the draft's 截至日期, else today
    std = standard_for(args)
    kind, record, template = load_any(args.file)
    problems = kind.run_checks(record, template, today, std) + kind.context_checks(record, Path(args.file))
    for note in record.clean_notes:
        print(f"提示：“{note.path}”中含有无法保存到文档的控制字符"
              f"（{'、'.join(sorted({f'U+{ord(c):04X}' for c in note.removed}))}），已自动删除。",
              file=sys.stderr)
    if args.json:
        json.dump([p.to_json() for p in problems], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        errors = sum(p.severity == ERROR for p in problems)
        warnings = len(problems) - errors
        where = kind.describe(record)
        lines = []
        for p in problems:
            label = "错误" if p.severity == ERROR else "提醒"
            lines.append(f"[{label}] {where(p.path)}（{p.path}）：{p.message}")
            if p.fix is not None:
                shown = p.fix if isinstance(p.fix, str) else json.dumps(p.fix, ensure_ascii=False, default=str)
                lines.append(f"        可自动修正为：{shown}")
        if problems:
            lines.append("")
        verdict = "可以印发" if not errors else "尚不能印发"
        lines.append(f"检查完成：{errors} 个错误，{warnings} 个提醒。{verdict}。")
        sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_PROBLEMS if has_errors(problems) else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m desktop", description=f"{APP_NAME}（命令行）")
    parser.add_argument("--version", action="version", version=f"plan-drafter {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = sub.add_parser("new", help="按模板新建草稿")
    p.add_argument("--template", default=DEFAULT_TEMPLATE,
                   help="模板名称，或模板文件（*.json，如 template import 生成的）")
    p.add_argument("--city", help="本地名称，例如 佛山市（用于方案标题）")
    p.add_argument("-o", "--output", required=True, help="新草稿的文件名（*.plan.json）")
    p.add_argument("--example", action="store_true", help="复制自带的示例草稿（佛山市），用来试用各个命令")
    p.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("check", help="检查草稿（实施方案或工作情况报告）是否完整、格式是否规范")
    p.add_argument("file", help="草稿文件（*.plan.json 或 *.report.json）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--today", help="以该日期（YYYY-MM-DD）判断是否逾期，优先于草稿中的截至日期")
    p.add_argument("--preset", metavar="FILE.json", help="单位预设（行距、字体、印章直径、默认落款），见 README")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("template", help="模板：从上级文件生成本单位模板")
    tsub = p.add_subparsers(dest="template_command", metavar="操作", parser_class=_Parser)
    t = tsub.add_parser("import", help="从上级文件（.docx、.pdf、.txt 或 .plan.json 草稿）生成模板")
    t.add_argument("superior", help="上级文件；用 - 从标准输入读取粘贴的文字")
    t.add_argument("-o", "--output", required=True, help="生成的模板文件（*.json）")
    t.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    t.set_defaults(func=cmd_template_import)
    tl = tsub.add_parser("list", help="列出可用的模板")
    tl.set_defaults(func=cmd_template_list)
    p.set_defaults(func=lambda _args, _p=p: (_p.print_help(), 2)[1])

    for register in _EXTENSIONS:
        register(sub)
    return parser


def cmd_template_import(args: argparse.Namespace) -> int:
    from desktop.storage import atomic_write_bytes, os_reason
    from desktop.superior import import_bytes, import_superior, summary, template_json
    from desktop.superior.limits import MAX_TEXT_BYTES
    from desktop.templates import parse_template_bytes

    out = Path(args.output)
    refuse_bad_name(out)
    if args.superior != "-" and out.resolve() == Path(args.superior).resolve():
        raise DesktopError(f"输出文件“{out}”就是上级文件本身；请换一个文件名，以免覆盖上级文件。")
    if out.exists() and not args.force:
        raise DesktopError(f"文件“{out}”已存在。为避免覆盖，请换一个文件名，或加 --force 覆盖。")
    if args.superior == "-":
        # bytes, not the console's decoding: a GBK console's text is an encoding problem said as such
        derived = import_bytes(sys.stdin.buffer.read(MAX_TEXT_BYTES + 1))
    else:
        derived = import_superior(args.superior)
    data = template_json(derived).encode("utf-8")
    parse_template_bytes(data, str(out))  # what we write must load
    try:
        out.parent.mkdir(parents=True, exist_ok=True)  # as export --out does
        atomic_write_bytes(out, data)
    except OSError as err:
        raise DesktopError(f"无法写入“{out}”：{os_reason(err)}。") from err
    sys.stdout.write(summary(derived) + f"\n已生成模板：{out}\n")
    return EXIT_OK


def cmd_template_list(args: argparse.Namespace) -> int:
    from desktop.templates import load_template, template_ids

    for tid in template_ids():
        try:
            t = load_template(tid)
        except DesktopError as err:
            sys.stdout.write(f"{tid}\t（无法读取：{err}）\n")
            continue
        sys.stdout.write(f"{tid}\t{t.name}\t{len(t.key_tasks)} 项重点任务，{len(t.key_activities)} 项重点活动\n")
    return EXIT_OK


# The sub-commands of the other subsystems, each a module with register(subparsers).
COMMAND_MODULES = ("desktop.export.cli", "desktop.ledger.cli", "desktop.kinds.report.cli")
_EXTENSIONS: list[Callable[[argparse._SubParsersAction[Any]], None]] = []


def register_commands() -> None:
    import importlib

    for module in COMMAND_MODULES:
        register = importlib.import_module(module).register
        if register not in _EXTENSIONS:  # main() may run more than once in a process (tests, UI)
            _EXTENSIONS.append(register)


_register_optional = register_commands  # the name tests and older callers used


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def main(argv: list[str] | None = None) -> int:
    _utf8_stdio()
    register_commands()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_OK
    try:
        return int(args.func(args))
    except BrokenPipeError:
        return _closed_pipe()
    except DesktopError as err:
        return _fail(str(err))
    except OSError as err:  # the system refused a path (too long, no such drive…): not our bug
        from desktop.storage import os_reason

        where = f"“{_short(str(err.filename))}”" if err.filename else ""
        return _fail(f"无法访问{where}：{os_reason(err)}。操作未完成，文件未作任何改动。")
    except KeyboardInterrupt:
        return _fail("已取消。")
    except MemoryError:
        return _fail("内存不足，无法完成操作。文件未作任何改动。")
    except Exception as err:  # noqa: BLE001 - last line of defence: no traceback for clerks
        import traceback

        log = _crash_log()
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(traceback.format_exc(), encoding="utf-8")
            where = f"详细信息已记录在“{log}”。"
        except OSError:
            where = ""
        return _fail(f"发生了意外错误（{type(err).__name__}），操作未完成，文件未作任何改动。"
                     f"{where}请将此信息告知技术支持。")


def _short(text: str, keep: int = 60) -> str:
    return text if len(text) <= keep else f"{text[:keep // 2]}…{text[-keep // 2:]}"


def _closed_pipe() -> int:
    """The reader of our output went away (``check … | head``): stop quietly, as
    command-line tools do, and keep Python from complaining while it exits."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 141 if os.name == "posix" else 1  # 128 + SIGPIPE, what the shell reports for such a stop


def _crash_log() -> Path:
    from desktop.paths import log_dir

    return log_dir() / "crash.log"
