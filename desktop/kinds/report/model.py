"""The work report's draft (``*.report.json``, format ``work-report-draft``).

A report is drafted from a plan and its progress (see drafting.py) and then
edited like a plan: every word of it is the clerk's. It keeps a copy of the
plan's tasks and their progress as they were drafted from (``rows``): the
annex table is printed from them, and the checks compare the figures in the
text with them. ``source`` says which plan it came from, so the window can
offer to refresh the rows when that plan's ledger moves on. Unknown keys are
kept, as in a plan (desktop.model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from desktop.model import DEFAULT_TEMPLATE, CleanNote, _Reader, _Record

FORMAT = "work-report-draft"
FORMAT_VERSION = 1
SUFFIX = ".report.json"
PERIODS = ("年度", "半年")


@dataclass
class ReportHeader(_Record):
    """版头 of an upward document: organ mark, 发文字号 and 签发人 on one line."""

    issuers: list[str] = field(default_factory=list)
    header_suffix: str = "文件"
    doc_number: str = ""
    signer: str = ""
    copy_no: str = ""
    secrecy: str = ""
    urgency: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (("issuers", "text_list"), ("header_suffix", "text"), ("doc_number", "text"), ("signer", "text"),
            ("copy_no", "text"), ("secrecy", "text"), ("urgency", "text"))


@dataclass
class Section(_Record):
    """One 一、 part of the body: its heading and its text (a line per paragraph;
    a line starting with （一）… is a level-2 heading run into its paragraph)."""

    heading: str = ""
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (("heading", "text"), ("text", "text"))


@dataclass
class Row(_Record):
    """One task of the plan with its progress, as the annex prints it."""

    task_id: str = ""
    group: str = ""
    title: str = ""
    lead: str = ""
    deadline: str = ""
    status: str = ""
    percent: float | int | None = None
    summary: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (("task_id", "text"), ("group", "text"), ("title", "text"), ("lead", "text"), ("deadline", "text"),
            ("status", "text"), ("percent", "number"), ("summary", "text"))


@dataclass
class UnitRow(_Record):
    """One office of a merged ledger (the cascade upward): its completion."""

    unit: str = ""
    items: float | int = 0
    done: float | int = 0
    overdue: float | int = 0
    average: float | int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (("unit", "text"), ("items", "number"), ("done", "number"), ("overdue", "number"),
            ("average", "number"))


@dataclass
class Source(_Record):
    """The plan the report was drafted from."""

    plan_id: str = ""
    plan_title: str = ""
    plan_path: str = ""  # where it was, for 刷新 (relative to the report when it was beside it)
    activities: float | int = 0  # the plan's key activities, and how many were held
    activities_done: float | int = 0
    task_ids: list[str] = field(default_factory=list)  # every task of the plan when drafted (report-tasks)
    task_titles: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (("plan_id", "text"), ("plan_title", "text"), ("plan_path", "text"), ("activities", "number"),
            ("activities_done", "number"), ("task_ids", "text_list"), ("task_titles", "text_list"))


@dataclass
class Report(_Record):
    """工作情况报告: an upward document reporting on a plan's progress."""

    format: str = FORMAT
    version: int = FORMAT_VERSION
    id: str = ""
    template: str = DEFAULT_TEMPLATE
    period: str = "年度"
    as_of: str = ""  # 截至日期 of the figures
    source: Source = field(default_factory=Source)
    header: ReportHeader = field(default_factory=ReportHeader)
    title: str = ""
    recipients: str = ""  # 主送: the one superior organ
    sections: list[Section] = field(default_factory=list)
    annex_title: str = ""
    rows: list[Row] = field(default_factory=list)
    units_title: str = ""
    units: list[UnitRow] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    date: str = ""
    note: str = ""  # 附注: 联系人及电话
    cc: list[str] = field(default_factory=list)
    printer: str = ""
    print_date: str = ""
    signature_layout: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    clean_notes: list[CleanNote] = field(default_factory=list, repr=False, compare=False)

    SPEC: ClassVar[tuple[tuple[str, Any], ...]] = (
        ("format", "text"), ("version", "number"), ("id", "text"), ("template", "text"), ("period", "text"),
        ("as_of", "text"), ("source", ("obj", Source)), ("header", ("obj", ReportHeader)), ("title", "text"),
        ("recipients", "text"), ("sections", ("list", Section)), ("annex_title", "text"), ("rows", ("list", Row)),
        ("units_title", "text"), ("units", ("list", UnitRow)), ("signatures", "text_list"), ("date", "text"),
        ("note", "text"), ("cc", "text_list"), ("printer", "text"), ("print_date", "text"),
        ("signature_layout", "text"),
    )
    OMIT_EMPTY = frozenset({"id", "units_title", "units", "signature_layout"})

    @classmethod
    def from_dict(cls, data: Any) -> Report:
        """Build a report from parsed JSON; raises SchemaError naming the key."""
        r = _Reader()
        report: Report = cls.read(data, "", r)
        report.clean_notes = r.notes
        if not report.template:
            report.template = DEFAULT_TEMPLATE
        return report

    def copy(self) -> Report:
        clone = Report.from_dict(self.to_dict())
        clone.clean_notes = list(self.clean_notes)
        return clone

    @property
    def effective_signatures(self) -> list[str]:
        names = [s for s in self.signatures if s.strip()]
        return names or [s for s in self.header.issuers if s.strip()]
