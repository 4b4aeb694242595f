"""What a kind of document provides, as one record (the export formats' ``Format``
is the model): adding a kind is one module with a ``KIND`` plus its editors.

Everything heavy is named, not imported (``"module:name"``), so that the
command line and the window load a kind's builder, checks or editors only
when a document of that kind is open.
"""

from __future__ import annotations

import datetime as _dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.checks import Problem
    from desktop.document import Document
    from desktop.official import Standard
    from desktop.templates import Template


def resolve(name: str) -> Any:
    """``"package.module:attribute"`` -> the attribute."""
    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class Section:
    """One entry of the window's navigator: a part of the document and its editor."""

    key: str
    label: str
    editor: str  # "desktop.ui.editors:NoticeEditor": a QWidget class the window makes on first use
    paths: tuple[str, ...]  # the draft paths it edits (a problem at such a path opens this editor)


@dataclass(frozen=True)
class Kind:
    key: str  # "plan", "report": in settings and on the command line
    label: str  # 实施方案, 工作情况报告: what the clerk reads
    file_format: str  # the draft file's "format" value (the kind is recorded in the file)
    file_version: int  # the newest version of that format this program reads and writes
    suffix: str  # ".plan.json"
    record: type[Any]  # the draft record: from_dict(raw) / to_dict() / copy(); SPEC
    builder: str  # "module:function" (record, template, std) -> desktop.document.Document
    checker: str  # "module:function" (record, template, today, std) -> list[Problem]
    describer: str  # "module:function" (record) -> (path -> where the clerk finds it)
    sections: tuple[Section, ...]
    formats: tuple[str, ...]  # the export formats (desktop.export.REGISTRY keys) it can be written to
    icon: str  # a file in resources/
    new_label: str  # 文件 → 新建 entry
    title_path: str  # the field holding the document's title (recent files, recovery, 另存为)
    untitled: str  # the window's title before the first save: 未命名方案
    looks_like: Callable[[Mapping[str, Any]], bool] = lambda raw: False  # a hand-written file without a marker
    reference_pane: bool = False  # the window shows the superior plan beside it (上级方案对照)
    creator: str = ""  # "module:function" (template, office defaults) -> a new record: 文件 → 新建 from a template
    example: str = ""  # a draft in resources/examples, opened as an unsaved copy (the start page's example)
    derived_from: str = ""  # the key of the kind it is drafted from (a report from a plan)
    # "module:function" (parent widget, source record, template, source path) -> a new record or None (cancelled)
    deriver: str = ""
    # "module:function" (record, its file or None) -> problems that need other files (the report's plan)
    context_checker: str = ""
    # A word its exported files' names must hold ("报告"): a draft named without it gets "-" and
    # the label added, so that 示例.report.json and 示例.plan.json in one folder do not both
    # export 示例.docx, the later one replacing the other's. Empty: the draft's own name.
    output_word: str = ""

    def output_base(self, stem: str) -> str:
        """The name (without ending) of the files a draft named ``stem`` exports to."""
        if self.output_word and self.output_word not in stem:
            return f"{stem}-{self.label}"
        return stem

    def build_document(self, record: Any, template: Template, std: Standard) -> Document:
        document: Document = resolve(self.builder)(record, template, std)
        return document

    def run_checks(self, record: Any, template: Template, today: _dt.date | None = None,
                   std: Standard | None = None) -> list[Problem]:
        from desktop.official import STANDARD

        problems: list[Problem] = resolve(self.checker)(record, template, today, std or STANDARD)
        return problems

    def describe(self, record: Any) -> Callable[[str], str]:
        where: Callable[[str], str] = resolve(self.describer)(record)
        return where

    @property
    def keeps_ledger(self) -> bool:
        """Whether it has a progress ledger of its own (exported as .xlsx, filled in by
        colleagues and imported back): the plan does; a report takes its plan's."""
        return "xlsx" in self.formats

    def title_of(self, record: Any) -> str:
        from desktop.model import get_path

        value = get_path(record, self.title_path)
        return value.strip() if isinstance(value, str) else ""

    def context_checks(self, record: Any, path: Any) -> list[Problem]:
        """Problems found against other files (none for most kinds); never raises for a missing file."""
        if not self.context_checker:
            return []
        problems: list[Problem] = resolve(self.context_checker)(record, path)
        return problems

    def section_of(self, path: str) -> str:
        """The navigator key of the editor holding ``path`` (the longest matching prefix wins)."""
        best, size = self.sections[0].key, -1
        for section in self.sections:
            for prefix in section.paths:
                if (path == prefix or path.startswith((prefix + ".", prefix + "["))) and len(prefix) > size:
                    best, size = section.key, len(prefix)
        return best

    def file_name(self, base: str) -> str:
        return base + self.suffix
