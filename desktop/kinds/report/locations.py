"""Where a report problem sits, said the way a clerk would find it."""

from __future__ import annotations

from collections.abc import Callable

from desktop.model import parse_path
from desktop.official import chinese_number

from .model import Report

LABELS = {
    "header": "版头", "issuers": "发文机关", "doc_number": "发文字号", "signer": "签发人", "copy_no": "份号",
    "secrecy": "密级", "urgency": "紧急程度", "title": "报告标题", "recipients": "主送机关", "sections": "报告正文",
    "annex_title": "附件标题", "rows": "任务完成情况表", "units_title": "各单位完成情况表标题",
    "units": "各单位完成情况表", "signatures": "发文机关署名", "date": "成文日期", "note": "附注",
    "cc": "抄送机关", "printer": "印发机关", "print_date": "印发日期", "as_of": "截至日期",
    "signature_layout": "落款格式", "status": "状态", "percent": "完成率", "summary": "进展情况", "lead": "牵头单位",
    "deadline": "完成时限", "heading": "标题", "text": "内容",
}


def describer(report: Report) -> Callable[[str], str]:
    return lambda path: _describe(report, path)


def _describe(report: Report, path: str) -> str:
    tokens = parse_path(path)
    if not tokens:
        return path
    head = str(tokens[0])
    if head == "sections" and len(tokens) > 1 and isinstance(tokens[1], int) and tokens[1] < len(report.sections):
        section = report.sections[tokens[1]]
        where = f"正文 · {chinese_number(tokens[1] + 1)}、{section.heading.strip()}"
        return where + (" · 标题" if tokens[2:3] == ["heading"] else "")
    if head == "rows" and len(tokens) > 1 and isinstance(tokens[1], int) and tokens[1] < len(report.rows):
        row = report.rows[tokens[1]]
        where = f"任务完成情况表第 {tokens[1] + 1} 项“{row.title.strip()[:18]}”"
        return " · ".join([where] + [LABELS.get(str(t), str(t)) for t in tokens[2:3]])
    if head == "header" and len(tokens) > 1:
        return f"版头 · {LABELS.get(str(tokens[1]), str(tokens[1]))}"
    return LABELS.get(head, head)
