"""The command line: ``python -m desktop``.

Exit statuses follow the template spec: 0 no error, 1 errors found, 2 the
input could not be read (with a Chinese message on standard error).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from pathlib import Path
from typing import Callable

from desktop import __version__
from desktop.errors import DesktopError

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in Chinese with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise SystemExit(_fail(f"命令参数有误：{message}"))


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_UNREADABLE


def parse_today(value: str | None) -> _dt.date | None:
    """The ``--today`` option of every command: None when not given."""
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise DesktopError(f"--today 的值“{value}”不是有效日期，应为 YYYY-MM-DD，例如 2020-10-01。") from None


def cmd_new(args: argparse.Namespace) -> int:
    from desktop.drafting import OfficeDefaults, new_draft
    from desktop.storage import save_draft
    from desktop.templates import load_template

    template = load_template(args.template)
    out = Path(args.output)
    if out.exists() and not args.force:
        raise DesktopError(f"文件“{out}”已存在。为避免覆盖，请换一个文件名，或加 --force 覆盖。")
    draft = new_draft(template, OfficeDefaults(city=args.city or ""))
    save_draft(draft, out, backup=False)
    print(f"已新建草稿：{out}（模板：{template.name}）")
    return EXIT_OK


def _load(path: str):
    from desktop.storage import load_draft
    from desktop.templates import load_template

    draft = load_draft(path)
    return draft, load_template(draft.template)


def standard_for(args: argparse.Namespace):
    """GB/T 9704 with the office preset named by ``--preset`` (official.Standard)."""
    from desktop.official import STANDARD
    from desktop.presets import load_preset

    return load_preset(args.preset) if getattr(args, "preset", None) else STANDARD


def cmd_check(args: argparse.Namespace) -> int:
    from desktop.checks import ERROR, has_errors, run_checks
    from desktop.locations import describer

    today = parse_today(args.today) or _dt.date.today()
    std = standard_for(args)
    draft, template = _load(args.file)
    problems = run_checks(draft, template, today, std)
    for note in draft.clean_notes:
        print(f"提示：“{note.path}”中含有无法保存到文档的控制字符（{'、'.join(sorted({f'U+{ord(c):04X}' for c in note.removed}))}），已自动删除。",
              file=sys.stderr)
    if args.json:
        json.dump([p.to_json() for p in problems], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        errors = sum(p.severity == ERROR for p in problems)
        warnings = len(problems) - errors
        where = describer(draft)
        lines = []
        for p in problems:
            label = "错误" if p.severity == ERROR else "提醒"
            lines.append(f"[{label}] {where(p.path)}（{p.path}）：{p.message}")
            if p.fix is not None:
                shown = p.fix if isinstance(p.fix, str) else json.dumps(p.fix, ensure_ascii=False)
                lines.append(f"        可自动修正为：{shown}")
        if problems:
            lines.append("")
        verdict = "可以印发" if not errors else "尚不能印发"
        lines.append(f"检查完成：{errors} 个错误，{warnings} 个提醒。{verdict}。")
        sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_PROBLEMS if has_errors(problems) else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m desktop", description="好网民工程实施方案起草助手（命令行）")
    parser.add_argument("--version", action="version", version=f"plan-drafter {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = sub.add_parser("new", help="按模板新建草稿")
    p.add_argument("--template", default="gd-2020-haowangmin", help="模板名称")
    p.add_argument("--city", help="本地名称，例如 佛山市（用于方案标题）")
    p.add_argument("-o", "--output", required=True, help="新草稿的文件名（*.plan.json）")
    p.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("check", help="检查草稿是否完整、格式是否规范")
    p.add_argument("file", help="草稿文件（*.plan.json）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--today", help="以该日期（YYYY-MM-DD）判断是否逾期")
    p.add_argument("--preset", metavar="FILE.json", help="单位预设（行距、字体、印章直径、默认落款），见 README")
    p.set_defaults(func=cmd_check)

    for register in _EXTENSIONS:
        register(sub)
    return parser


# Later subsystems (export, ledger) add their sub-commands here.
_EXTENSIONS: list[Callable[[argparse._SubParsersAction], None]] = []


def _register_optional() -> None:
    import importlib

    for module in ("desktop.export.cli", "desktop.ledger.cli"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name and module.startswith(err.name):
                continue
            raise
        if mod.register not in _EXTENSIONS:  # main() may run more than once in a process (tests, UI)
            _EXTENSIONS.append(mod.register)


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def main(argv: list[str] | None = None) -> int:
    _utf8_stdio()
    _register_optional()
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
    except DesktopError as err:
        return _fail(str(err))
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
        return _fail(f"发生了意外错误（{type(err).__name__}），操作未完成，文件未作任何改动。{where}请将此信息告知技术支持。")


def _crash_log() -> Path:
    from desktop.paths import log_dir

    return log_dir() / "crash.log"
