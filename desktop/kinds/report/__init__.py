"""Kind two: the work report (工作情况报告) drafted from a plan and its ledger.

model.py is its draft record (format documented in docs/report-format.md),
drafting.py writes a first draft from a plan, figures.py states the figures
and finds them again, document.py builds the document, checks.py checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.kinds.base import Kind, Section

from .model import FORMAT, FORMAT_VERSION, SUFFIX, Report

_E = "desktop.ui.report_editors"


def _looks_like_report(raw: Mapping[str, Any]) -> bool:
    return isinstance(raw.get("header"), dict) and isinstance(raw.get("sections"), list)


KIND = Kind(
    key="report",
    label="工作情况报告",
    file_format=FORMAT,
    file_version=FORMAT_VERSION,
    suffix=SUFFIX,
    record=Report,
    builder="desktop.kinds.report.document:build_document",
    checker="desktop.kinds.report.checks:run_checks",
    describer="desktop.kinds.report.locations:describer",
    sections=(
        Section("header", "版头与主送", f"{_E}:HeaderEditor", ("header", "title", "recipients")),
        Section("body", "报告正文", f"{_E}:BodyEditor", ("sections",)),
        Section("annex", "任务完成情况", f"{_E}:AnnexEditor", ("rows", "annex_title", "units", "units_title",
                                                               "as_of", "period", "source")),
        Section("closing", "落款与版记", f"{_E}:ClosingEditor", ("signatures", "date", "note", "cc", "printer",
                                                                "print_date", "signature_layout")),
    ),
    formats=("docx", "pdf", "ofd"),
    icon="report.png",
    new_label="工作情况报告",
    untitled="未命名报告",
    output_word="报告",
    title_path="title",
    looks_like=_looks_like_report,
    context_checker="desktop.kinds.report.source:against_plan",
    derived_from="plan",
    deriver="desktop.ui.report_editors:draft_from",
)
