"""Exporters: one draft -> .docx, .pdf, .ofd, ledger .xlsx.

Each format lives in its own module exposing
``write(draft, template, dest: Path, options: ExportOptions) -> list[str]``
which writes the whole file to ``dest`` and returns plain-Chinese notes (font
substitutions, characters no font could draw…). A format that is written from
the typeset document (``Format.laid``) also exposes
``write_laid(laid: Laid, dest: Path) -> list[str]``: one export lays the
document out once (``lay_out``) and every such format is written from that
one layout; the notes about fonts come once, at the end (``export_notes``).
This facade gives every output its final name atomically, so a failed or
killed export never leaves a half-written file under the final name, and
turns OS errors into messages.
"""

from __future__ import annotations

import errno
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.errors import ExportError
from desktop.filenames import safe_base
from desktop.model import Draft
from desktop.official import STANDARD, Standard
from desktop.storage import atomic_target, os_error_message
from desktop.templates import Template

if TYPE_CHECKING:  # the writers' types; importing them here would slow every CLI start
    from desktop.document import Document
    from desktop.fonts import FontSet
    from desktop.layout import LayoutInfo, Page


@dataclass(frozen=True)
class Format:
    """Everything about one output format: adding a format is one module
    exposing ``write`` plus one record here (CLI flag, dialog, bundle follow)."""

    key: str  # also the CLI flag (--docx) and the settings value
    module: str  # exposes write(draft, template, dest, options) -> notes
    label: str  # in the dialog and in "已导出…"
    help: str  # the CLI flag's help
    step: str  # the dialog's progress line
    opened_by: str  # who may hold the file open (for the "file in use" message)
    ending: str  # what follows the base name
    default: bool = True  # chosen when the clerk names no format
    bundle: tuple[str, ...] = ()  # modules the frozen build must include beyond ``module``
    fonts: bool = True  # written from the layout (``module.write_laid``), with the system's fonts
    drawn: str = ""  # the glyphs are drawn from our font files: the name the font notes give the file


REGISTRY: tuple[Format, ...] = (
    Format("docx", "desktop.export.docx", "Word 公文（.docx）", "导出 Word 公文", "正在生成 Word 公文…",
           "Word 或 WPS", ".docx"),
    Format("pdf", "desktop.export.pdf", "PDF 公文（.pdf）", "导出 PDF 公文", "正在排版 PDF…", "PDF 阅读器", ".pdf",
           drawn="PDF"),
    Format("xlsx", "desktop.ledger.export", "进度台账（.xlsx）", "导出进度台账", "正在生成进度台账…",
           "Excel 或 WPS", "-台账.xlsx", fonts=False),
    Format("ofd", "desktop.export.ofd", "OFD 版式公文（.ofd）", "导出 OFD 版式公文（GB/T 33190，电子公文系统用）",
           "正在生成 OFD…", "OFD 阅读器", ".ofd", default=False, drawn="OFD"),
)
BY_KEY = {f.key: f for f in REGISTRY}
FORMATS = tuple(f.key for f in REGISTRY)
DEFAULT_FORMATS = tuple(f.key for f in REGISTRY if f.default)
FORMAT_LABELS = {f.key: f.label for f in REGISTRY}


@dataclass(frozen=True)
class ExportOptions:
    """Choices of the office that shape every output.

    ``standard`` is GB/T 9704 with the office's preset (official.Standard);
    ``font_preset``, when given, replaces the standard's font names."""

    standard: Standard = STANDARD
    font_preset: str | None = None  # which font names the .docx carries (after __post_init__: the standard's)
    font_dirs: tuple[Path, ...] = ()  # the office's own font folders, searched first
    today: object = None  # datetime.date for overdue marks in the ledger; None = today

    def __post_init__(self) -> None:
        if self.font_preset and self.font_preset != self.standard.font_preset:
            object.__setattr__(self, "standard", replace(self.standard, font_preset=self.font_preset))
        object.__setattr__(self, "font_preset", self.standard.font_preset)


@dataclass
class ExportResult:
    fmt: str
    path: Path
    notes: list[str] = field(default_factory=list)  # this file's own, then (on one result) the font notes
    font_notes: list[str] = field(default_factory=list)  # the font notes of the whole export, if on this result


def export_notes(results: Iterable[ExportResult]) -> list[str]:
    """Every note of one export once: each file's own, then the notes about fonts."""
    own: list[str] = []
    fonts: list[str] = []
    for r in results:
        fonts += [n for n in r.font_notes if n not in fonts]
        own += [n for n in r.notes if n not in own and n not in r.font_notes]
    return own + [n for n in fonts if n not in own]


def base_name(draft_path: Path | str) -> str:
    """佛山方案.plan.json, 佛山报告.report.json -> 佛山方案, 佛山报告 (佛山.report.json -> 佛山-工作情况报告:
    Kind.output_base): made safe for any PC (desktop.filenames)."""
    from desktop.kinds import KINDS

    name = Path(draft_path).name
    for kind in KINDS:
        if name.lower().endswith(kind.suffix):
            return safe_base(kind.output_base(name[: -len(kind.suffix)]))
    if name.lower().endswith(".json"):
        return safe_base(name[: -len(".json")])
    return safe_base(Path(name).stem)


def output_path(out_dir: Path, base: str, fmt: str) -> Path:
    return Path(out_dir) / f"{base}{BY_KEY[fmt].ending}"


@dataclass(frozen=True)
class Laid:
    """One layout of a draft: every format of one export is written from it."""

    draft: Any  # a draft of any kind
    doc: Document
    pages: list[Page]
    info: LayoutInfo  # the decisions the Word writer follows
    fonts: FontSet

    def font_notes(self, output: str) -> list[str]:
        """Notes about stand-in fonts and characters no font has; ``output`` names the files (PDF, OFD)."""
        chars = set("".join([r.text for p in self.pages for r in p.runs]))
        return self.fonts.notes(chars, output)


def lay_out(draft: Any, template: Template, options: ExportOptions) -> Laid:
    """The document of ``draft`` (of any kind: desktop.kinds) typeset with the office's fonts and preset."""
    from desktop.fonts import font_set
    from desktop.kinds import kind_of
    from desktop.layout import layout

    fonts = font_set(tuple(options.font_dirs))
    doc = kind_of(draft).build_document(draft, template, options.standard)
    pages, info = layout(doc, fonts)
    return Laid(draft, doc, pages, info, fonts)


def laid_out(draft: Draft, template: Template, options: ExportOptions,
             output: str) -> tuple[Document, list[Page], FontSet, list[str]]:
    """(document, pages, fonts, notes) of ``lay_out``; ``output`` names the file in the notes about fonts."""
    laid = lay_out(draft, template, options)
    return laid.doc, laid.pages, laid.fonts, laid.font_notes(output)


def writer(fmt: str) -> Callable[[Draft, Template, Path, ExportOptions], list[str]]:
    if fmt not in BY_KEY:
        raise ExportError(f"不支持的导出格式“{fmt}”。")
    module = importlib.import_module(BY_KEY[fmt].module)
    write: Callable[[Draft, Template, Path, ExportOptions], list[str]] = module.write
    return write


def _from_layout(fmt: str, laid: Laid) -> Callable[[Draft, Template, Path, ExportOptions], list[str]]:
    """The format's writer, given the layout already made (the draft and options are the layout's)."""
    write_laid: Callable[[Laid, Path], list[str]] = importlib.import_module(BY_KEY[fmt].module).write_laid

    def write(_draft: Draft, _template: Template, dest: Path, _options: ExportOptions) -> list[str]:
        return write_laid(laid, dest)

    return write


def export_one(draft: Draft, template: Template, fmt: str, dest: Path,
               options: ExportOptions | None = None, laid: Laid | None = None) -> ExportResult:
    """Write one format to ``dest`` atomically; raise ExportError on failure.

    With ``laid`` (the layout of this draft under these options), a format
    written from the layout uses it and leaves the notes about fonts to the
    caller (Laid.font_notes)."""
    options = options or ExportOptions()
    write = writer(fmt) if laid is None or not BY_KEY[fmt].fonts else _from_layout(fmt, laid)
    dest = Path(dest)
    if not dest.parent.is_dir():
        raise ExportError(f"导出失败：文件夹“{dest.parent}”不存在。")
    notes: list[str] = []
    try:
        with atomic_target(dest, error_cls=ExportError, action="导出") as tmp:
            notes = write(draft, template, tmp, options) or []
    except ExportError as err:
        cause = err.__cause__
        if isinstance(cause, PermissionError) or (isinstance(cause, OSError)
                                                  and cause.errno in (errno.EACCES, errno.EPERM)):
            if dest.exists():
                raise ExportError(
                    f"无法写入“{dest}”：文件正在被其他程序使用或没有写入权限。"
                    f"请先关闭已在 {BY_KEY[fmt].opened_by} 中打开的文件，再重新导出；原文件未受影响。") from cause
        raise
    except OSError as err:  # raised by a writer before the final replace
        raise ExportError(os_error_message(err, dest, "导出")) from err
    return ExportResult(fmt, dest, list(notes))


def export_all(draft: Draft, template: Template, out_dir: Path, base: str,
               formats: Iterable[str] = DEFAULT_FORMATS, options: ExportOptions | None = None,
               progress: Callable[[str, int, int], None] | None = None, *,
               inputs: Iterable[Path] = (), force: bool = True) -> list[ExportResult]:
    """Every requested format into ``out_dir``; stops at the first failure.

    Nothing is written when an output would replace one of ``inputs`` (the
    draft file), or, without ``force``, an existing file this program did
    not write (see desktop.outputs).
    """
    from desktop.outputs import check_outputs

    formats = list(formats)
    options = options or ExportOptions()
    check_outputs([output_path(out_dir, base, fmt) for fmt in formats], inputs, force=force)
    results = []
    laid: Laid | None = None
    for i, fmt in enumerate(formats):
        if progress:
            progress(fmt, i, len(formats))
        if BY_KEY[fmt].fonts and laid is None:
            laid = lay_out(draft, template, options)
        results.append(export_one(draft, template, fmt, output_path(out_dir, base, fmt), options, laid))
    drawn = [r for r in results if BY_KEY[r.fmt].drawn]
    if laid is not None and drawn:  # once for every file drawn with our fonts, after that file's own notes
        drawn[-1].font_notes = laid.font_notes(" 和 ".join(BY_KEY[r.fmt].drawn for r in drawn))
        drawn[-1].notes += [n for n in drawn[-1].font_notes if n not in drawn[-1].notes]
    if progress:
        progress("", len(formats), len(formats))
    return results
