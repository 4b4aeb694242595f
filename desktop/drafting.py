"""Creating new drafts from a template and an office's defaults."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.model import Draft, Notice, Plan, Requirement, new_draft_id
from desktop.templates import Template


@dataclass
class OfficeDefaults:
    """What an office sets once and every new draft starts with."""

    issuers: list[str] = field(default_factory=list)
    city: str = ""  # 佛山市: used in the plan and annex titles
    printer: str = ""
    note: str = ""  # 联系人：…，电话：…
    cc: list[str] = field(default_factory=list)
    seal: bool = True


def _fill(pattern: str, values: dict[str, str]) -> str:
    # Plain replacement: template text is data, never a format string.
    for key, value in values.items():
        pattern = pattern.replace("{" + key + "}", value)
    return pattern


def new_draft(template: Template, office: OfficeDefaults | None = None) -> Draft:
    """A draft with the template's skeleton text and the office's defaults."""
    office = office or OfficeDefaults()
    sk = template.skeleton
    city = office.city.strip() or str(sk.get("default_city", ""))
    place = "我市" if city.endswith("市") else ("我区" if city.endswith("区") else str(sk.get("default_place", "本地")))
    values = {"city": city, "place": place}
    sk_plan = dict(sk.get("plan", {}))
    sk_notice = dict(sk.get("notice", {}))
    plan_title = _fill(str(sk_plan.get("title", "")), values)
    values["plan_title"] = plan_title
    wanted = sk_plan.get("requirements_from_upstream", [])
    requirements = [Requirement(title=r.title, text=r.text) for r in template.requirements if r.number in wanted]
    notice = Notice(
        issuers=list(office.issuers),
        header_suffix=str(sk_notice.get("header_suffix", "文件")),
        recipients=_fill(str(sk_notice.get("recipients", "")), values),
        body=_fill(str(sk_notice.get("body", "")), values),
        signatures=list(office.issuers),
        note=office.note,
        cc=list(office.cc or sk_notice.get("cc", [])),
        printer=office.printer,
        signature_layout="seal" if office.seal else "no_seal",  # the draft keeps its layout wherever it goes
    )
    plan = Plan(
        title=plan_title,
        preamble=_fill(str(sk_plan.get("preamble", "")), values),
        goals=_fill(str(sk_plan.get("goals", "")), values),
        requirements=requirements,
    )
    return Draft(id=new_draft_id(), template=template.id, notice=notice, plan=plan)
