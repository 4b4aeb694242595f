"""The kinds of document the program drafts, as a registry: the window, the
command line, export, recovery, recent files and the start page ask it, never
a kind directly. The plan is kind one; the work report is kind two.

To add a kind (a 请示, a 函): write a package beside report/ with its draft
record, its document builder, its checks and its ``KIND`` (a ``base.Kind``
naming them and its sections' editors), write those editors in desktop/ui/,
and add the ``KIND`` to ``KINDS`` below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.kinds.base import Kind, Section
from desktop.kinds.plan import KIND as PLAN
from desktop.kinds.report import KIND as REPORT

KINDS: tuple[Kind, ...] = (PLAN, REPORT)
BY_KEY = {k.key: k for k in KINDS}
BY_FORMAT = {k.file_format: k for k in KINDS}

__all__ = ["BY_FORMAT", "BY_KEY", "KINDS", "PLAN", "REPORT", "Kind", "Section", "creating_kind", "kind_of",
           "kind_of_json", "kind_of_name"]


def kind_of(record: Any) -> Kind:
    """The kind of a draft record."""
    for kind in KINDS:
        if isinstance(record, kind.record):
            return kind
    raise TypeError(type(record).__name__)


def kind_of_json(raw: Mapping[str, Any]) -> Kind | None:
    """The kind a parsed draft file says it is (its "format"), or that it looks like."""
    fmt = raw.get("format")
    if isinstance(fmt, str) and fmt in BY_FORMAT:
        return BY_FORMAT[fmt]
    if "format" not in raw:
        return next((k for k in KINDS if k.looks_like(raw)), None)
    return None


def creating_kind() -> Kind:
    """The kind 文件 → 新建 makes from a template (the plan)."""
    return next(k for k in KINDS if k.creator)


def kind_of_name(name: str) -> Kind:
    """The kind a file name suggests (recent files, icons): by its ending, else the plan."""
    lower = name.lower()
    return next((k for k in KINDS if lower.endswith(k.suffix)), PLAN)
