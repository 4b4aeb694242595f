"""The work report's checks: the shared format rules on its fields, and its own.

Its own (each with its rule id in desktop.checks.RULES):
- report-signer: an upward document names its 签发人 (GB/T 9704 7.2.4);
- report-recipient: it is sent to exactly one superior organ (主送);
- report-request: no request rides in a report (《党政机关公文处理工作条例》:
  报告不得夹带请示事项), so 请批示, 妥否，请批复… are errors;
- report-title: the title ends in 的报告;
- report-tasks: every task of the plan is named in the body or the annex;
- report-figures: each figure the text states agrees with the annex rows;
- report-as-of: the 截至日期 lies within the report's time (not after 成文日期, not before its year).
Pure functions: whatever needs the plan file (report-stale) is handed the plan.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re

from desktop import official
from desktop.checks import ERROR, WARNING, FormatChecks, Problem
from desktop.model import Draft
from desktop.templates import Template

from . import figures as fig
from .locations import LABELS
from .model import Report

# What a request sounds like at the end of a report; a report may not carry one.
REQUEST_PHRASES = re.compile(
    r"妥否[，,]?\s*请[^。！？\n]{0,6}|当否[，,]?\s*请[^。！？\n]{0,6}|请予?(?:以)?(?:批示|批复|审批|批准|核准|审示|审定|核示)"
    r"|恳请[^。！？\n]{0,12}(?:批准|支持|解决|拨付|审批)|特此请示")
RECIPIENT_SPLIT = re.compile(r"[、，,；;\n]+")


def recipients_of(text: str) -> list[str]:
    return [r.strip() for r in RECIPIENT_SPLIT.split(text.strip().rstrip("：:。.")) if r.strip()]


class ReportChecks(FormatChecks):
    labels = LABELS

    def __init__(self, report: Report, template: Template, today: _dt.date, std: official.Standard) -> None:
        super().__init__(today, std)
        self.r = report
        self.t = template

    def texts(self) -> list[tuple[str, str]]:
        r = self.r
        out = [("header.doc_number", r.header.doc_number), ("header.signer", r.header.signer), ("title", r.title),
               ("recipients", r.recipients), ("note", r.note), ("printer", r.printer),
               ("annex_title", r.annex_title)]
        for i, section in enumerate(r.sections):
            out += [(f"sections[{i}].heading", section.heading), (f"sections[{i}].text", section.text)]
        for i, row in enumerate(r.rows):
            out += [(f"rows[{i}].title", row.title), (f"rows[{i}].lead", row.lead),
                    (f"rows[{i}].summary", row.summary)]
        return [(p, v) for p, v in out if v]

    def lists(self) -> list[tuple[str, list[str]]]:
        return [("header.issuers", self.r.header.issuers), ("signatures", self.r.signatures), ("cc", self.r.cc)]

    def required(self) -> None:
        r = self.r
        for path, value, label in (("header.issuers", "".join(r.header.issuers), "发文机关"),
                                   ("header.doc_number", r.header.doc_number, "发文字号"),
                                   ("title", r.title, "报告标题"), ("date", r.date, "成文日期")):
            if not value.strip():
                self.add("required", ERROR, path, f"请填写{label}。")
        if not r.header.signer.strip():
            self.add("report-signer", ERROR, "header.signer",
                     "报告是上行文，版头应标注签发人（发文字号左、签发人姓名右，同在一行），请填写签发人。")
        if not any(s.text.strip() for s in r.sections):
            self.add("required", ERROR, "sections", "报告正文还没有内容。")

    def recipient(self) -> None:
        names = recipients_of(self.r.recipients)
        if not names:
            self.add("report-recipient", ERROR, "recipients", "请填写主送机关（报告主送一个上级机关）。")
        elif len(names) > 1:
            self.add("report-recipient", ERROR, "recipients",
                     f"报告只主送一个上级机关，这里写了 {len(names)} 个（{'、'.join(names[:4])}）；"
                     "其他需要了解的机关可列入抄送。", fix=names[0])

    def requests(self) -> None:
        for path, value in self.texts():
            m = REQUEST_PHRASES.search(value)
            if m:
                self.add("report-request", ERROR, path,
                         f"报告中不得夹带请示事项（“{m.group(0)}”）。需要上级批准的事项请另行请示。")

    def title(self) -> None:
        title = self.r.title.strip()
        self.title_punctuation("title", title, "报告标题")
        bare = title.rstrip("。，、；：？！,.;:?! ")
        if bare and not bare.endswith("的报告"):
            fix = bare if bare.endswith("报告") else bare + "的报告"
            self.add("report-title", ERROR, "title", "报告的标题应以“的报告”结尾，如“关于……工作情况的报告”。",
                     **({"fix": fix} if fix.endswith("的报告") else {}))

    def tasks_named(self) -> None:
        """Each task drafted from the plan appears in the annex rows or in the body."""
        body = "\n".join(s.text for s in self.r.sections)
        in_rows = {row.task_id for row in self.r.rows if row.task_id}
        for task_id, title in zip(self.r.source.task_ids, self.r.source.task_titles, strict=False):
            if task_id not in in_rows and title.strip() and title.strip() not in body:
                self.add("report-tasks", WARNING, "rows",
                         f"方案中的任务“{title.strip()[:24]}”在报告正文和附件中都没有提到。")

    def figures(self) -> None:
        stated = official.parse_iso_date(self.r.as_of.strip())
        f = fig.figures(self.r.rows, self.t.ledger, stated or self.today, int(self.r.source.activities),
                        int(self.r.source.activities_done))
        if stated is None:  # no day to hold the text's 截至 date to (date-invalid says so)
            f = dataclasses.replace(f, as_of=None)
        for i, section in enumerate(self.r.sections):
            wrong = fig.mismatches(section.text, f)
            if wrong:
                said = "；".join(w.said() for w in wrong)
                self.add("report-figures", WARNING, f"sections[{i}].text",
                         f"正文中的数字与附件中的任务完成情况不一致（{said}）。", fix=fig.restated(section.text, f))

    def cut_off(self) -> None:
        """The 截至日期 within the report's time: not after it is signed, not before its year."""
        from desktop.ledger.common import plan_year

        r = self.r
        day = official.parse_iso_date(r.as_of.strip())
        if day is None:  # not given, or date-invalid says so
            return
        issued = official.parse_iso_date(r.date.strip())
        if issued is not None and day > issued:
            self.add("report-as-of", WARNING, "as_of",
                     f"数据截至日期（{official.official_date(day)}）晚于成文日期（{official.official_date(issued)}），"
                     "报告只能写到成文之日为止，请核对这两个日期。")
        year = plan_year(r.title, r.source.plan_title)
        if year and day.year < year:
            self.add("report-as-of", WARNING, "as_of",
                     f"数据截至日期（{official.official_date(day)}）早于报告所说的 {year} 年，请核对。")

    def rows(self) -> None:
        statuses = self.t.ledger.statuses
        for i, row in enumerate(self.r.rows):
            if row.status and row.status not in statuses:
                self.add("progress-status", ERROR, f"rows[{i}].status",
                         f"状态“{row.status}”无效，应为{'、'.join(statuses)}之一。")
            if row.percent is not None and not 0 <= row.percent <= 100:
                self.add("progress-percent", ERROR, f"rows[{i}].percent", f"完成率 {row.percent:g} 不在 0–100 之间。",
                         fix=max(0, min(100, row.percent)))


def run_checks(report: Report, template: Template, today: _dt.date | None = None,
               std: official.Standard = official.STANDARD) -> list[Problem]:
    """Every problem of ``report`` under ``template`` and the office's ``std``."""
    run = ReportChecks(report, template, today or _dt.date.today(), std)
    run.required()
    r = report
    run.doc_number_at("header.doc_number", r.header.doc_number, r.date)
    run.issue_dates("date", r.date, "print_date", r.print_date)
    run.date_at("as_of", r.as_of, "截至日期")
    run.placeholders_in(run.texts())
    run.multiline_lists(run.lists())
    run.recipient()
    run.requests()
    run.title()
    run.seal_room_for("signatures", r.effective_signatures, r.signature_layout)
    run.tasks_named()
    run.figures()
    run.cut_off()
    run.rows()
    run.recipients_colon("recipients", r.recipients)
    run.halfwidth_in(run.texts())
    run.note_phones("note", r.note)
    return run.out


def stale(report: Report, draft: Draft, template: Template) -> Problem | None:
    """When the plan's progress has moved on since the report was drafted (a newer
    ledger was imported): a warning, so the clerk refreshes the figures."""
    from .drafting import rows_of

    now = [(r.task_id, r.status, r.percent, r.summary) for r in rows_of(draft)]
    then = [(r.task_id, r.status, r.percent, r.summary) for r in report.rows]
    if now == then:
        return None
    return Problem("report-stale", WARNING, "rows",
                   f"方案《{draft.plan.title.strip()}》的进度已有更新（如导入了新的台账），报告中的附件和数字可能已过时，"
                   "请用“任务完成情况”页的“刷新数据”（命令行：report refresh）更新。")
