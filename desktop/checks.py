"""Completeness and format checks: a pure function of (draft, template, 截至日期, standard).

Each rule has a stable id, a severity, the path of the field it concerns, a
message a clerk understands and, where the correction is certain, ``fix``: the
corrected value for that path. No I/O and no Qt here, so the window can run
the checks on every keystroke and the command line can print them.
"""

from __future__ import annotations

import datetime as _dt
import bisect
import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from desktop import coverage, official
from desktop.coverage import EXEMPTION_MIN_CHARS
from desktop.locations import FIELD_LABELS
from desktop.model import Draft, get_path, is_overdue, path_of, set_path, text_places
from desktop.templates import Template

from desktop.severity import ERROR as ERROR, WARNING as WARNING  # re-exported: callers say checks.ERROR


@dataclass(frozen=True)
class Problem:
    rule: str
    severity: str
    path: str
    message: str
    fix: Any = None
    upstream_task: int | None = None
    upstream_activity: int | None = None

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if v is not None}
        return out


# Rule ids, with what they mean; the UI and the docs list them from here.
RULES = {
    "required": "必填项未填写",
    "doc-number-format": "发文字号格式不规范",
    "date-invalid": "日期不存在或格式不对",
    "print-date-order": "印发日期早于成文日期",
    "deadline-range": "完成时限早于成文日期或不在方案年度内",
    "title-mismatch": "通知标题与方案标题不一致",
    "title-punctuation": "标题末尾有标点",
    "task-coverage": "上级重点任务没有对应的本地任务",
    "duplicate-id": "任务或活动编号重复",
    "upstream-unknown": "对应的上级任务或活动编号不存在",
    "progress-percent": "完成率不在 0–100 之间",
    "progress-done-percent": "已完成但完成率不足 100%",
    "progress-status": "进度状态无效",
    "literacy-missing": "上级方案点名的素养未全部提及",
    "punctuation-halfwidth": "中文中使用了半角标点",
    "measures-short": "具体措施过于简略",
    "phone-invalid": "附注中的电话号码无效",
    "activity-coverage": "上级重点活动没有对应的本地活动",
    "overdue": "已超过完成时限但未完成",
    "recipients-colon": "主送机关末尾的标点",
    "progress-unknown": "进度记录对应的任务或活动不存在",
    "seal-room": "加盖印章的落款一页排不下",
    "placeholder": "还留着模板的占位文字",
    "list-multiline": "一项中粘贴了多行",
    "body-title-mismatch": "通知正文引用的方案标题与方案标题不一致",
    "exemption-short": "不适用理由过于简单",
    "joint-signatures": "联合行文的发文机关与署名不一一对应",
    "organ-duplicate": "同一机关重复列出",
    "signer-downward": "下行文标注了签发人",
    "report-signer": "报告未标注签发人",
    "report-recipient": "报告应主送一个上级机关",
    "report-request": "报告中夹带请示事项",
    "report-title": "报告标题不以“的报告”结尾",
    "report-tasks": "方案任务在报告中没有交代",
    "report-figures": "报告正文的数字与附件数据不一致",
    "report-stale": "方案进度已更新，报告数据可能过时",
    "report-as-of": "数据截至日期与成文日期或年度不符",
}


def _blank(value: Any) -> bool:
    if isinstance(value, list):
        return not any(isinstance(v, str) and v.strip() for v in value)
    return not (isinstance(value, str) and value.strip())


class FormatChecks:
    """The rules of GB/T 9704 and of clean text that every kind of document shares,
    each applied to the fields a kind names by their paths (see _Run for the plan,
    desktop.kinds.report.checks for the work report)."""

    labels: dict[str, str] = FIELD_LABELS  # field names as the clerk knows them, in this kind of document

    def __init__(self, today: _dt.date, std: official.Standard) -> None:
        self.today = today
        self.std = std
        self.out: list[Problem] = []

    def add(self, rule: str, severity: str, path: str, message: str, **kw: Any) -> None:
        self.out.append(Problem(rule, severity, path, message, **kw))

    def doc_number_at(self, path: str, text: str, date_value: str) -> None:
        """发文字号: 机关代字〔年份〕序号号, its year the 成文日期's (7.2.4)."""
        text = text.strip()
        if not text or _PLACEHOLDER.search(text):  # a number still to be given: the placeholder check says so
            return
        fixed = _fix_doc_number(text)
        m = official.DOC_NUMBER_RE.match(text)
        if not m:
            if re.search(r"第\s*\d+\s*号", text):
                why = "序号前不加“第”字"
            elif re.search(r"[\[\]【】（）()［］{}<>〈〉]", text) or "〔" not in text:
                why = "年份应使用六角括号〔〕，如“佛委网办〔2020〕9号”"
            elif re.search(r"〔\d{2}〕", text) or re.search(r"〔\d{1,3}〕", text):
                why = "年份应写全四位数字，如〔2020〕"
            elif re.search(r"〕0\d*号", text):
                why = "序号不编虚位，不要在前面加 0（如“9号”，不写“09号”）"
            elif not text.endswith("号"):
                why = "应以“号”结尾，如“佛委网办〔2020〕9号”"
            else:
                why = "应为“机关代字〔年份〕序号号”的形式，如“佛委网办〔2020〕9号”"
            kw = {"fix": fixed} if fixed and fixed != text and official.DOC_NUMBER_RE.match(fixed) else {}
            self.add("doc-number-format", ERROR, path, f"发文字号“{text}”不规范：{why}。", **kw)
            return
        date = official.parse_iso_date(date_value)
        if date and int(m.group(1)) != date.year:
            self.add("doc-number-format", ERROR, path,
                     f"发文字号的年份（{m.group(1)}）与成文日期的年份（{date.year}）不一致。",
                     fix=text.replace(f"〔{m.group(1)}〕", f"〔{date.year}〕"))

    def date_at(self, path: str, value: str, label: str) -> _dt.date | None:
        """An ISO date that exists, or a problem (with the date as typed, when it is one)."""
        value = value.strip()
        if not value:
            return None
        d = official.parse_iso_date(value)
        if d is None:
            fix = _iso_from_text(value)
            kw = {"fix": fix} if fix else {}
            self.add("date-invalid", ERROR, path,
                     f"{label}“{value}”不是有效的日期，请用日期选择或按“2020-05-12”的格式填写。", **kw)
        return d

    def issue_dates(self, date_path: str, date: str, print_path: str, print_date: str) -> _dt.date | None:
        """成文日期 and 印发日期: both real dates, printing not before signing."""
        signed = self.date_at(date_path, date, "成文日期")
        printed = self.date_at(print_path, print_date, "印发日期")
        if signed and printed and printed < signed:
            self.add("print-date-order", ERROR, print_path,
                     f"印发日期（{official.official_date(printed)}）早于成文日期（{official.official_date(signed)}），请核对。")
        return signed

    def seal_room_for(self, path: str, signatures: list[str], layout: str) -> None:
        """7.3.5.1: seals never overlap, and the signature block stays with the body
        on one page; too many organs for the office's seal size cannot do both."""
        std = self.std
        if not official.sealed(layout, std):
            return
        lines = official.signature_lines(signatures, "2020年12月31日", True, std)
        need = len(lines) + 1 + official.seal_room(std).lines_below - 1  # with the last body line above it
        if need > std.lines_per_page:
            names = len([s for s in signatures if s.strip()])
            pitch = f"{std.line_pitch_pt:g} 磅" if std.exact_lines else "grid"
            self.add("seal-room", ERROR, path,
                     f"{names} 个机关加盖印章（直径 {std.seal_diameter_mm:g} 毫米）的落款需要 {need} 行，"
                     f"超过一页的 {std.lines_per_page} 行，印章会跨页；请减少署名机关，或改用不加盖印章的落款"
                     f"（单位预设中的 seal_diameter_mm 为 {std.seal_diameter_mm:g}，line_spacing 为 {pitch}，"
                     "可改小印章直径或行距）。")

    def placeholders_in(self, texts: list[tuple[str, str]]) -> None:
        """Template placeholders (××市, （此处填写…）) still in a field."""
        for path, value in texts:
            m = _PLACEHOLDER.search(value)
            if m:
                label = self.labels.get(path.rsplit(".", 1)[-1].split("[")[0], "")
                where = f"{label}中" if label else ""
                self.add("placeholder", ERROR, path,
                         f"{where}还留着模板的占位文字“{m.group(0)}”，请改为本地的实际内容。")

    def multiline_lists(self, lists: list[tuple[str, list[str]]]) -> None:
        """A list entry holding several lines: names pasted from Word into one entry."""
        for path, values in lists:
            if any("\n" in v or "\r" in v for v in values):
                split = [p.strip() for v in values for p in re.split(r"[\r\n]+", v) if p.strip()]
                label = self.labels.get(path.rsplit(".", 1)[-1], "该列表")
                self.add("list-multiline", ERROR, path,
                         f"{label}的一项中有多行文字（可能是从 Word 粘贴的多个名称），"
                         f"应每项一个，共 {len(split)} 项。", fix=split)

    def recipients_colon(self, path: str, text: str) -> None:
        rec = text.strip()
        if rec and rec[-1] in "：:，,。.；;、":
            self.add("recipients-colon", WARNING, path, "主送机关末尾不用填写标点，导出时会自动加上全角冒号“：”。",
                     fix=rec.rstrip("：:，,。.；;、 "))

    def halfwidth_in(self, texts: list[tuple[str, str]]) -> None:
        for path, value in texts:
            fixed = fix_halfwidth(value)
            if fixed != value:
                self.add("punctuation-halfwidth", WARNING, path,
                         "中文中使用了半角标点（, ; : ( ) .），应改为全角（，；：（）。）。", fix=fixed)

    def organs_once(self, path: str, names: list[str], label: str) -> None:
        """An organ listed twice (pasted again): printed twice in the 版头 or the 版记."""
        seen: list[str] = []
        twice: list[str] = []
        for name in _names(names):
            (twice if name in seen else seen).append(name)
        if twice:
            self.add("organ-duplicate", ERROR, path, f"{label}中“{twice[0]}”重复列出，导出后会出现两次。", fix=seen)

    def note_phones(self, path: str, note: str) -> None:
        if note.strip():
            for number in _bad_phones(note):
                self.add("phone-invalid", WARNING, path,
                         f"附注中的电话号码“{number}”不是有效的固定电话（区号-号码）或手机号码。")

    def title_punctuation(self, path: str, value: str, label: str) -> None:
        text = value.strip()
        if text and text[-1] in "。，、；：？！,.;:?!":
            self.add("title-punctuation", ERROR, path, f"{label}末尾不应有标点“{text[-1]}”。",
                     fix=text.rstrip("。，、；：？！,.;:?! "))


class _Run(FormatChecks):
    """The plan's checks: the shared rules on its fields, and its own."""

    def __init__(self, draft: Draft, template: Template, today: _dt.date, std: official.Standard) -> None:
        super().__init__(today, std)
        self.d = draft
        self.t = template

    # --- required fields ---------------------------------------------------
    def required(self) -> None:
        req = self.t.checks.required
        n = self.d.notice
        for key in req.get("notice", ()):
            if _blank(getattr(n, key, "")):
                self.add("required", ERROR, f"notice.{key}", f"请填写{FIELD_LABELS.get(key, key)}。")
        for key in req.get("plan", ()):
            if _blank(getattr(self.d.plan, key, "")):
                label = "方案标题" if key == "title" else FIELD_LABELS.get(key, key)
                self.add("required", ERROR, f"plan.{key}", f"请填写{label}。")
        tasks = self.d.plan.tasks()
        if self.t.checks.require_task and not tasks:
            self.add("required", ERROR, "plan.task_groups", "方案中还没有任何重点任务，请至少添加一项。")
        if self.t.checks.require_requirement and not self.d.plan.requirements:
            self.add("required", ERROR, "plan.requirements", "方案中还没有工作要求，请至少添加一项。")
        groups = self.d.plan.task_groups
        for g, group in enumerate(groups):
            if len(groups) > 1 and not group.title.strip():  # its （一） heading would print alone
                self.add("required", ERROR, f"plan.task_groups[{g}].title",
                         f"请填写第 {g + 1} 组重点任务的小标题（{official.heading_label(2, g + 1)}后面的文字）。")
        for path, task in tasks:
            name = f"任务“{task.title.strip()[:20]}”" if task.title.strip() else "该任务"
            for key in req.get("task", ()):
                if _blank(getattr(task, key, "")):
                    self.add("required", ERROR, f"{path}.{key}", f"请填写{name}的{FIELD_LABELS.get(key, key)}。")
        for i, act in enumerate(self.d.activities):
            name = f"活动“{act.name.strip()[:20]}”" if act.name.strip() else f"第 {i + 1} 项活动"
            for key in req.get("activity", ()):
                if _blank(getattr(act, key, "")):
                    self.add("required", ERROR, f"activities[{i}].{key}",
                             f"请填写{name}的{FIELD_LABELS.get(key, key)}。")

    def doc_number(self) -> None:
        self.doc_number_at("notice.doc_number", self.d.notice.doc_number, self.d.notice.date)

    def _date(self, path: str, value: str, label: str) -> _dt.date | None:
        return self.date_at(path, value, label)

    def dates(self) -> None:
        n = self.d.notice
        date = self.issue_dates("notice.date", n.date, "notice.print_date", n.print_date)
        year = self.t.checks.deadline_year
        for path, task in self.d.plan.tasks():
            dl = self._date(f"{path}.deadline", task.deadline, "完成时限")
            if dl is None:
                continue
            if date and dl < date:
                self.add("deadline-range", ERROR, f"{path}.deadline",
                         f"完成时限（{official.official_date(dl)}）早于成文日期（{official.official_date(date)}），请核对。")
            elif dl.year != year:
                self.add("deadline-range", ERROR, f"{path}.deadline",
                         f"完成时限（{official.official_date(dl)}）不在方案年度（{year}年）内。")
        for key, entry in self.d.progress.items():
            self._date(f"progress.{key}", entry.updated, "更新日期")
        self._date("as_of", self.d.as_of, "截至日期")

    def joint_issuance(self) -> None:
        """联合行文: each 发文机关 signs, in the same order (7.3.5); no organ twice;
        签发人 only on an upward document (7.2.4), never on this notice."""
        n = self.d.notice
        for path, names, label in (("notice.issuers", n.issuers, "发文机关"),
                                   ("notice.signatures", n.signatures, "署名"), ("notice.cc", n.cc, "抄送机关")):
            self.organs_once(path, names, label)
        issuers = _names(n.issuers)
        signed = _names(n.signatures)
        if signed and issuers and signed != issuers:
            if not official.sealed(n.signature_layout, self.std) and signed == issuers[:1]:
                pass  # without seals the host may sign alone
            elif sorted(signed) == sorted(issuers):
                self.add("joint-signatures", ERROR, "notice.signatures",
                         f"署名的顺序应与发文机关一致（主办机关在前）：{'、'.join(issuers)}。", fix=issuers)
            else:
                missing = [i for i in issuers if i not in signed]
                extra = [s for s in signed if s not in issuers]
                said = "；".join(part for part in (
                    f"没有署名的发文机关：{'、'.join(missing)}" if missing else "",
                    f"不是发文机关的署名：{'、'.join(extra)}" if extra else "") if part)
                self.add("joint-signatures", ERROR, "notice.signatures",
                         f"联合行文时每个发文机关都要署名并加盖印章，署名与发文机关应一一对应（{said}）。"
                         "不加盖印章的通知也可以只署主办机关。", fix=issuers)
        if n.signer.strip():
            self.add("signer-downward", WARNING, "notice.signer",
                     f"印发通知是下行文，版头不标注签发人（“{n.signer.strip()}”）；签发人只用于报告、请示等上行文。",
                     fix="")

    def seal_room(self) -> None:
        n = self.d.notice
        self.seal_room_for("notice.signatures", n.effective_signatures, n.signature_layout)

    # --- what was pasted or left over -------------------------------------------------
    def leftovers(self) -> None:
        """Template placeholders still in a field, and list entries holding several lines."""
        self.placeholders_in([(path, value) for path, value, _ in _all_texts(self.d)])
        self.multiline_lists(_all_lists(self.d))

    # --- titles ---------------------------------------------------------------
    def titles(self) -> None:
        n, plan = self.d.notice, self.d.plan
        if n.title.strip() and plan.title.strip():
            names = re.findall(r"《([^》]*)》", n.title)
            if not names or names[0].strip() != plan.title.strip():
                cited = f"《{names[0]}》" if names else "没有用书名号引用方案标题"
                self.add("title-mismatch", ERROR, "notice.title",
                         f"通知标题中{cited}与方案标题《{plan.title.strip()}》不一致。",
                         fix=official.notice_title(plan.title.strip()))
        title = plan.title.strip()
        if title and n.body.strip():
            for cited in re.findall(r"《([^》]*)》", n.body):
                if cited.strip() != title and re.search(r"方案$", cited.strip()) and "方案" in title:
                    self.add("body-title-mismatch", ERROR, "notice.body",
                             f"通知正文引用的《{cited.strip()}》与方案标题《{title}》不一致。",
                             fix=n.body.replace(f"《{cited}》", f"《{title}》"))
                    break
        for path, value, label in (("notice.title", n.title, "通知标题"), ("plan.title", plan.title, "方案标题")):
            self.title_punctuation(path, value, label)

    # --- coverage and ids ------------------------------------------------------
    def ids_and_upstream(self) -> None:
        seen: Counter[str] = Counter()
        max_task = max((t.number for t in self.t.key_tasks), default=0)
        numbers_task = {t.number for t in self.t.key_tasks}
        numbers_act = {a.number for a in self.t.key_activities}
        for kind, path, item in self.d.items():
            ident = item.id.strip()
            if ident:
                seen[ident] += 1
                if seen[ident] == 2 or seen[ident] > 2:
                    self.add("duplicate-id", ERROR, f"{path}.id",
                             f"编号“{ident}”与前面的任务或活动重复，进度台账将无法区分它们。")
            valid = numbers_task if kind == "task" else numbers_act
            bad = [u for u in item.upstream if u not in valid]
            if bad:
                what = (f"{self.t.superior}重点任务只有 1–{max_task} 项" if kind == "task"
                        else f"{self.t.superior}重点活动只有 1–{max(numbers_act, default=0)} 项")
                self.add("upstream-unknown", ERROR, f"{path}.upstream",
                         f"对应编号 {'、'.join(map(str, bad))} 不存在（{what}）。",
                         fix=[u for u in item.upstream if u in valid])
        for key in self.d.plan.upstream_exemptions:
            if not (key.isdigit() and int(key) in numbers_task):
                self.add("upstream-unknown", ERROR, "plan.upstream_exemptions",
                         f"不适用说明中的{self.t.superior}任务编号“{key}”不存在。")

    def coverage(self) -> None:
        sev = self.t.checks.task_coverage
        if sev != "off":
            answers = coverage.task_answers(self.d)
            for kt in self.t.key_tasks:
                reason = coverage.exemption(self.d, kt.number)
                if not answers.get(kt.number) and reason and not coverage.real_reason(reason):
                    self.add("exemption-short", sev, "plan.upstream_exemptions",
                             f"{self.t.superior}第 {kt.number} 项重点任务的不适用理由“{reason[:20]}”过于简单，"
                             f"请用中文写明本地为什么不适用（至少 {EXEMPTION_MIN_CHARS} 个汉字）。",
                             upstream_task=kt.number)
                    continue
                if coverage.is_covered(self.d, kt.number, answers):
                    continue
                if kt.title is None:  # lost in the source: nobody can tell for sure what it asked
                    self.add("task-coverage", WARNING if sev == ERROR else sev, "plan.task_groups",
                             f"{self.t.superior}第 {kt.number} 项重点任务的标题在原文中缺失（{kt.label}）；"
                             "如果本地有对应的工作，可在任务中勾选它，或填写不适用的理由。",
                             upstream_task=kt.number)
                else:
                    self.add("task-coverage", sev, "plan.task_groups",
                             f"{self.t.superior}第 {kt.number} 项重点任务（{kt.label}）还没有对应的本地任务；"
                             "请在任务中勾选对应关系，或填写不适用的理由。",
                             upstream_task=kt.number)
        sev = self.t.checks.activity_coverage
        if sev != "off":
            answered = coverage.activity_answers(self.d)
            for ka in self.t.key_activities:
                if not answered.get(ka.number):
                    self.add("activity-coverage", sev, "activities",
                             f"{self.t.superior}第 {ka.number} 项重点活动（{ka.name}）"
                             "没有对应的本地活动，请确认是否需要安排。",
                             upstream_activity=ka.number)

    def literacies(self) -> None:
        sev = self.t.checks.literacies
        if sev == "off":
            return
        for lit, mentioned in zip(self.t.literacies, coverage.literacies_mentioned(self.d, self.t), strict=True):
            if not mentioned:
                self.add("literacy-missing", sev, "plan.goals",
                         f"工作目标和各项任务都没有提到“{lit}”，{self.t.literacies_label}应全部体现。")

    # --- progress ---------------------------------------------------------------
    def progress(self) -> None:
        ids = {item.id for _, _, item in self.d.items()}
        for key, entry in self.d.progress.items():
            path = f"progress.{key}"
            if entry.status and entry.status not in self.t.ledger.statuses:
                self.add("progress-status", ERROR, path,
                         f"进度状态“{entry.status}”无效，应为{'、'.join(self.t.ledger.statuses)}之一。")
            if entry.percent is not None and not 0 <= entry.percent <= 100:
                self.add("progress-percent", ERROR, path, f"完成率 {entry.percent:g} 不在 0–100 之间。",
                         fix=max(0, min(100, entry.percent)))
            done = self.t.ledger.done
            if done and entry.status == done and (entry.percent is None or entry.percent < 100):
                shown = "未填写" if entry.percent is None else f"为 {entry.percent:g}%"
                self.add("progress-done-percent", ERROR, path, f"状态为“{done}”，但完成率{shown}，应为 100%。",
                         fix=100)
            if key not in ids:
                self.add("progress-unknown", WARNING, path, f"进度记录“{key}”找不到对应的任务或活动（可能已被删除）。")

    def overdue(self) -> None:
        for _path, task in self.d.plan.tasks():
            dl = official.parse_iso_date(task.deadline)
            entry = self.d.progress.get(task.id)
            if not task.id or not is_overdue(dl, entry.status if entry else "", self.today, self.t.ledger.finished):
                continue
            assert dl is not None  # is_overdue() is False without a deadline
            self.add("overdue", WARNING, f"progress.{task.id}",
                     f"任务“{task.title.strip()[:24]}”已超过完成时限（{official.official_date(dl)}），尚未完成。")

    # --- wording -------------------------------------------------------------------
    def wording(self) -> None:
        n = self.d.notice
        self.recipients_colon("notice.recipients", n.recipients)
        self.halfwidth_in(self._texts())
        minimum = self.t.checks.measures_min_chars
        for path, task in self.d.plan.tasks():
            length = len(re.sub(r"\s", "", task.text))
            if minimum and length < minimum:
                self.add("measures-short", WARNING, f"{path}.text",
                         f"任务“{task.title.strip()[:20]}”的具体措施只有 {length} 个字，"
                         f"建议写明做什么、怎么做（至少 {minimum} 字）。")
        self.note_phones("notice.note", n.note)

    def _texts(self) -> list[tuple[str, str]]:
        n, plan = self.d.notice, self.d.plan
        out = [("notice.title", n.title), ("notice.recipients", n.recipients), ("notice.body", n.body),
               ("notice.note", n.note), ("plan.title", plan.title), ("plan.preamble", plan.preamble),
               ("plan.goals", plan.goals)]
        for g, group in enumerate(plan.task_groups):
            out.append((f"plan.task_groups[{g}].title", group.title))
        for path, task in plan.tasks():
            out += [(f"{path}.title", task.title), (f"{path}.text", task.text)]
        for i, req in enumerate(plan.requirements):
            out += [(f"plan.requirements[{i}].title", req.title), (f"plan.requirements[{i}].text", req.text)]
        for i, act in enumerate(self.d.activities):
            out.append((f"activities[{i}].name", act.name))
        return [(p, v) for p, v in out if v]


def run_checks(draft: Draft, template: Template, today: _dt.date | None = None,
               std: official.Standard = official.STANDARD) -> list[Problem]:
    """Every problem of ``draft`` under ``template`` and the office's ``std``, errors and warnings."""
    run = _Run(draft, template, draft.as_of_date(today), std)
    run.required()
    run.doc_number()
    run.dates()
    run.leftovers()
    run.titles()
    run.seal_room()
    run.joint_issuance()
    run.ids_and_upstream()
    run.coverage()
    run.progress()
    run.literacies()
    run.wording()
    run.overdue()
    return run.out


def _names(values: list[str]) -> list[str]:
    """The names of a list of organs, as printed (blank entries dropped, spaces trimmed)."""
    return [re.sub(r"\s+", "", v) for v in values if v and v.strip()]


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


# Fixes that only tidy what the clerk typed (punctuation, a date or 发文字号 as people
# write them, names pasted into one entry or twice, a figure restated from the data):
# 全部修正 applies them together. The others change what the document says and are
# left to the clerk one by one.
SAFE_FIX_RULES = frozenset({
    "punctuation-halfwidth", "recipients-colon", "title-punctuation", "doc-number-format", "date-invalid",
    "list-multiline", "organ-duplicate", "signer-downward", "title-mismatch", "body-title-mismatch",
    "report-figures",
})


def safe_fixes(problems: list[Problem]) -> list[Problem]:
    """The problems 全部修正 takes: safe rules with a fix, the first for each field."""
    seen: set[str] = set()
    out = []
    for p in problems:
        if p.rule in SAFE_FIX_RULES and p.fix is not None and p.path not in seen:
            seen.add(p.path)
            out.append(p)
    return out


def apply_fix(draft: Any, problem: Problem) -> bool:
    """Apply a problem's automatic fix to a draft of any kind; False when it has none."""
    if problem.fix is None:
        return False
    if problem.path.startswith("progress."):
        entry = draft.progress.get(problem.path[len("progress."):])
        if entry is None:
            return False
        entry.percent = problem.fix
        return True
    current = get_path(draft, problem.path)
    if isinstance(current, str) and not isinstance(problem.fix, str):
        return False
    set_path(draft, problem.path, problem.fix)
    return True


# --- helpers used by the rules ------------------------------------------------------

# What a template leaves for the clerk to replace: ××市, XX区, （此处填写…）.
_PLACEHOLDER = re.compile(r"[×Ｘ]{2,}|(?<![A-Za-z])(?:XX|xx)(?![A-Za-z])|[（(【\[]\s*此处[^）)】\]]*[）)】\]]|此处填写")
_LIST_KEYS = frozenset({"issuers", "signatures", "cc", "partners"})



def _all_lists(draft: Draft) -> list[tuple[str, list[str]]]:
    """Every list of names in the draft, with its path."""
    n = draft.notice
    out = [("notice.issuers", n.issuers), ("notice.signatures", n.signatures), ("notice.cc", n.cc)]
    out += [(f"{path}.partners", task.partners) for path, task in draft.plan.tasks()]
    out += [(f"activities[{i}].partners", act.partners) for i, act in enumerate(draft.activities)]
    return out


def _all_texts(draft: Draft) -> list[tuple[str, str, bool]]:
    """(path to show, text, from a list) for every text the clerk typed (model.text_places):
    a list entry is shown at its list, an exemption reason at the exemptions."""
    out = []
    for address, value in text_places(draft):
        if not value:
            continue
        if len(address) > 1 and isinstance(address[-1], int) and address[-2] in _LIST_KEYS:
            out.append((path_of(address[:-1]), value, True))
        elif address[:2] == ("plan", "upstream_exemptions"):
            out.append(("plan.upstream_exemptions", value, False))
        else:
            out.append((path_of(address), value, False))
    return out


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u2e80-\u2fdf\U00020000-\U0003134f“”‘’—…]")
_HALF = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", ".": "。"}
_HALF_MARK = re.compile(r"[,;:().]")


def fix_halfwidth(text: str) -> str:
    """Replace , ; : ( ) by full-width forms where they sit in Chinese text.

    Left alone: digits on both sides (10:30, 1,000), URLs (http://), and
    parentheses around text without any Chinese (e.g. (AR)). Only the marks
    are visited, not every character: a field may hold megabytes.
    """
    if not _HALF_MARK.search(text) or not _CJK.search(text):
        return text
    out: list[str] = []
    last = 0
    parens: tuple[list[int], list[int]] | None = None  # positions of ( and ), found when first needed
    for m in _HALF_MARK.finditer(text):
        i = m.start()
        ch = text[i]
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if ch == ".":
            # a full stop after Chinese text ("组织实施."); not 1.5, 2.0, H5.0, www.gov.cn or "1.开展"
            full = bool(_CJK.match(before)) and before not in "“‘（《" and not (after.isascii() and after.isalnum())
        elif ch in ",:;":
            full = not (before.isdigit() and after.isdigit()) and not (ch == ":" and text[i + 1 : i + 3] == "//") \
                and bool(_CJK.match(before) or _CJK.match(after) or (before and not after))
        else:
            if parens is None:
                parens = ([m.start() for m in re.finditer(r"\(", text)], [m.start() for m in re.finditer(r"\)", text)])
            span = _paren_span(parens, i, ch)
            full = bool(span is not None and _CJK.search(text, span[0], span[1] + 1) or _CJK.match(before or " ")
                        or _CJK.match(after or " "))
        if full:
            out += (text[last:i], _HALF[ch])
            last = i + 1
    return "".join(out) + text[last:] if out else text


_PAREN_SPAN_MAX = 1000  # wider than this, two half-width brackets are no aside: judge by the neighbours


def _paren_span(parens: tuple[list[int], list[int]], i: int, ch: str) -> tuple[int, int] | None:
    """The (, ) pair around the bracket at ``i``: the next ) after a (, the last ( before a )."""
    opens, closes = parens
    if ch == "(":
        k = bisect.bisect_right(closes, i)
        span = (i, closes[k]) if k < len(closes) else None
    else:
        k = bisect.bisect_left(opens, i)
        span = (opens[k - 1], i) if k > 0 else None
    return span if span is not None and span[1] - span[0] <= _PAREN_SPAN_MAX else None


_PHONE_CANDIDATE = re.compile(r"(?<![\d])(?:\+?86[\s-]?)?\d[\d\s\-－—]{4,}\d(?![\d])")


def valid_phone(number: str) -> bool:
    digits = re.sub(r"[\s\-－—]", "", number)
    digits = re.sub(r"^\+?86", "", digits) if len(digits) > 11 else digits
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return True
    parts = re.split(r"[\s\-－—]+", number.strip())
    parts = [p for p in parts if p and p not in ("+86", "86")]
    if len(parts) == 2:
        area, local = parts
        return bool(re.fullmatch(r"0[1-9]\d{1,2}", area) and re.fullmatch(r"[2-9]\d{6,7}", local)
                    and len(area) + len(local) in (10, 11, 12))
    if len(parts) == 1:
        # Area code written without a hyphen: 01012345678, 075783031234.
        return bool(re.fullmatch(r"0(?:10|2\d)[2-9]\d{7}", digits) or re.fullmatch(r"0[3-9]\d{2}[2-9]\d{6,7}", digits))
    return False


_LABELLED_PHONE = re.compile(r"(?:电话|手机|联系电话|联系方式|传真|Tel|TEL|tel)\s*[：:]?\s*"
                             r"((?:\+?86[\s-]?)?\d[\d\s\-－—]*\d|\d)")


def _bad_phones(note: str) -> list[str]:
    out = []
    for m in _LABELLED_PHONE.finditer(note):  # after 电话：, every number must be one
        number = m.group(1).strip()
        if not valid_phone(number) and number not in out:
            out.append(number)
    for m in _PHONE_CANDIDATE.finditer(note):
        number = m.group(0).strip()
        if sum(c.isdigit() for c in number) < 7:
            continue
        if re.fullmatch(r"\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2}", number):
            continue  # a date
        if not valid_phone(number) and number not in out:
            out.append(number)
    return out


def _fix_doc_number(text: str) -> str:
    """The certain corrections: brackets, 第, leading zeros, a two-digit year."""
    s = re.sub(r"\s+", "", text)
    s = re.sub(r"[\[【［(（〈<{]\s*(\d{2,4})\s*[\]】］)）〉>}]", r"〔\1〕", s)
    s = re.sub(r"〔(\d{2})〕", lambda m: f"〔20{m.group(1)}〕", s)
    s = re.sub(r"〕第(\d+)号", r"〕\1号", s)
    s = re.sub(r"〕0+([1-9]\d*)号", r"〕\1号", s)
    return s


def _iso_from_text(value: str) -> str | None:
    return official.iso_date_from_text(value)
