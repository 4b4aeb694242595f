"""``python -m desktop export FILE [--docx] [--pdf] [--xlsx] … --out DIR`` (one flag per registered format)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.errors import DesktopError


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.cliutil import load_any, parse_today, standard_for
    from desktop.export import (BY_KEY, DEFAULT_FORMATS, FORMAT_LABELS, FORMATS, ExportOptions, base_name, export_all,
                                export_notes)
    from desktop.official import FONT_PRESETS
    from desktop.storage import os_reason

    kind, draft, template = load_any(args.file)
    asked = [f for f in FORMATS if getattr(args, f)]
    wrong = [f for f in asked if f not in kind.formats]
    if wrong:
        raise DesktopError(f"{kind.label}不能导出为{'、'.join(FORMAT_LABELS[f] for f in wrong)}；"
                           f"可导出：{'、'.join(FORMAT_LABELS[f] for f in kind.formats)}。")
    formats = asked or [f for f in DEFAULT_FORMATS if f in kind.formats]
    if any(BY_KEY[f].fonts for f in formats):
        from desktop.fonts import prefetch_font_list

        prefetch_font_list()
    out_dir = Path(args.out) if args.out else Path(args.file).resolve().parent
    if args.font_preset is not None and args.font_preset not in FONT_PRESETS:
        raise DesktopError(f"字体方案“{args.font_preset}”无效，可选：{'、'.join(FONT_PRESETS)}。")
    std = standard_for(args)  # a preset that cannot be used stops here: nothing is written
    options = ExportOptions(standard=std, font_preset=args.font_preset,
                            font_dirs=tuple(Path(d) for d in (args.font_dir or [])), today=parse_today(args.today))
    if out_dir.exists() and not out_dir.is_dir():
        raise DesktopError(f"导出位置“{out_dir}”是一个文件，不是文件夹。")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DesktopError(f"无法创建导出文件夹“{out_dir}”：{os_reason(err)}。") from err
    base = base_name(args.file)
    if not Path(args.file).name.startswith(base + "."):
        cut = Path(args.file).name.startswith(base)
        why = "太长，导出的文件名已缩短为" if cut else "含有 Windows 不允许的字符或设备名，导出的文件名已改为"
        print(f"提示：草稿文件名{why}“{base}”。")
    results = export_all(draft, template, out_dir, base, formats, options,
                         inputs=[Path(args.file)], force=args.force)
    for r in results:
        print(f"已导出{FORMAT_LABELS[r.fmt]}：{r.path}")
    for note in export_notes(results):  # one list for the whole export, the notes about fonts last
        print(f"提示：{note}")
    return 0


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("export", help="导出 Word、PDF 公文和进度台账（工作情况报告：Word、PDF 和 OFD）")
    p.add_argument("file", help="草稿文件（*.plan.json 或 *.report.json）")
    from desktop.export import REGISTRY

    for fmt in REGISTRY:
        p.add_argument(f"--{fmt.key}", action="store_true",
                       help=fmt.help + ("" if fmt.default else "（不指定格式时不导出）"))
    p.add_argument("--out", help="导出到的文件夹（默认为草稿所在文件夹）")
    p.add_argument("--preset", metavar="FILE.json", help="单位预设（行距、字体、印章直径、默认落款），见 README")
    p.add_argument("--font-preset", help="Word 中写入的字体名称方案：windows（默认）或 gb2312；优先于单位预设")
    p.add_argument("--font-dir", action="append", help="本单位字体文件夹（可多次指定）")
    p.add_argument("--today", help="台账的截至日期（YYYY-MM-DD），优先于草稿中的截至日期")
    p.add_argument("--force", action="store_true", help="导出位置已有同名的其他文件时仍然覆盖")
    p.set_defaults(func=cmd_export)
