"""A superior document -> a template: next year's plan, the city's plan for
its districts, or any 工作方案, 实施方案, 实施意见, 工作要点 or 通知 an office
receives, without a developer.

- ``reading``: the file formats (.docx, .pdf, .txt, pasted text) into
  paragraphs and tables, within the budgets of ``limits``;
- ``header``, ``parts``, ``tasks``, ``units``: the document's own structure —
  header fields, the parts and their roles, tasks with their numbering, who is
  responsible and by when;
- ``building``: the template data, and ``drafts`` for our own ``.plan.json``.

Gaps stay gaps and nothing is guessed: whatever could not be classified is
listed in ``notes``; numbers out of order are reported, never silently fixed.
"""

from __future__ import annotations

from pathlib import Path

from desktop.errors import TemplateError

from .building import Derived, default_checks, default_ledger, derive, summary, template_json
from .drafts import derive_from_draft
from .limits import Deadline, regular_file
from .reading import Para, Source, Table, read_source, read_text, stdin_text
from .text import chinese_to_int, squeeze

__all__ = ["Derived", "Para", "Source", "Table", "chinese_to_int", "default_checks", "default_ledger", "derive",
           "derive_from_draft", "import_bytes", "import_superior", "import_text", "read_source", "read_text",
           "squeeze", "summary", "template_json"]


def import_superior(path: Path | str) -> Derived:
    """A template from a superior document (``.docx``/``.pdf``/``.txt``/``.plan.json``)."""
    path = Path(path)
    deadline = Deadline(path.name)
    regular_file(path)  # a pipe or a device is refused before anything opens it
    if path.name.lower().endswith(".json"):
        return derive_from_draft(path)
    src = read_source(path, deadline)
    if not any(isinstance(p, Para) for p in src.items):
        raise TemplateError(f"上级文件“{path.name}”中没有可读取的文字"
                            f"{'（可能是扫描件，没有文字层）' if path.suffix.lower() == '.pdf' else ''}。")
    return derive(src, deadline=deadline)


def import_text(text: str, name: str = "粘贴的文本") -> Derived:
    """Pasted text (a str: already decoded)."""
    from .limits import MAX_TEXT_BYTES, mb

    if not text.strip():
        raise TemplateError("没有读到任何文字：请把上级方案的正文粘贴进来（或给出文件名）。")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        raise TemplateError(f"粘贴的文字过多（超过 {mb(MAX_TEXT_BYTES)}），不像是一份工作方案。")
    if any("\udc80" <= c <= "\udcff" for c in text[:100000]):
        # bytes that were not UTF-8, smuggled in as surrogates by the console's decoder
        return import_bytes(text.encode("utf-8", "surrogateescape"))
    deadline = Deadline(name)
    return derive(read_text(text, name, deadline), deadline=deadline)


def import_bytes(data: bytes, name: str = "粘贴的文本") -> Derived:
    """Text from standard input as bytes: UTF-8, or an encoding problem said as such."""
    return import_text(stdin_text(data), name)
