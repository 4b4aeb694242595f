"""Templates: plain data files describing one kind of plan.

A template is a JSON file in this folder (or in an office's own template
folder) whose name is ``<id>.json``. The loader validates it against the
schema below and turns it into frozen dataclasses; a broken file gives a
Chinese message naming the file and the key. Templates are data only: their
text is substituted with ``str.replace`` and never executed or formatted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.errors import TemplateError

TEMPLATE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_PLAIN_WORD = re.compile(r"^[^=+\-@#\"',!:;\[\]*?/\\\s][^\"',!:;\[\]*?/\\]{0,19}$")
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Upstream:
    doc_number: str
    title: str
    date: str
    issuers: tuple[str, ...]
    notice_title: str = ""
    printer: str = ""
    level: str = "上级"  # 省级 / 市级 / 区级…: how the UI names the superior plan


@dataclass(frozen=True)
class KeyTask:
    """A provincial key task; ``title``/``text`` are None where the source has a gap."""

    number: int
    group: int | None
    title: str | None
    text: str | None
    source_gap: bool
    lead: str = ""  # where the superior names them (a city's plan does)
    partners: str = ""
    deadline: str = ""

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        if self.text:
            return f"标题缺失，残存原文：“…{self.text[:24]}…”"
        return "原文此处缺失"

    @property
    def units(self) -> str:
        """（牵头单位：…；完成时限：…） as the superior gives them, or ""."""
        parts = [f"{k}：{v}" for k, v in (("牵头单位", self.lead), ("配合单位", self.partners),
                                          ("完成时限", self.deadline)) if v]
        return "（" + "；".join(parts) + "）" if parts else ""


@dataclass(frozen=True)
class KeyActivity:
    number: int
    name: str
    time: str = ""
    lead: str = ""


@dataclass(frozen=True)
class RequirementText:
    number: int
    title: str
    text: str


@dataclass(frozen=True)
class LedgerColumn:
    key: str
    title: str
    width: float


# A template without its own ledger statuses gets these; which of them counts
# as done and which as not applicable is the template's too (ledger.done,
# ledger.not_applicable), so no other module names a status.
DEFAULT_STATUSES = ("未开始", "进行中", "已完成", "延期", "不适用")
DEFAULT_DONE, DEFAULT_NOT_APPLICABLE = "已完成", "不适用"


@dataclass(frozen=True)
class LedgerSpec:
    sheet: str
    columns: tuple[LedgerColumn, ...]
    statuses: tuple[str, ...]
    kinds: Mapping[str, str]
    done: str = DEFAULT_DONE  # the status that means finished ("" = none does)
    not_applicable: str = DEFAULT_NOT_APPLICABLE  # left out of averages and overdue ("" = none)

    @property
    def finished(self) -> tuple[str, ...]:
        """Statuses that stop the clock: an item in one of them is never overdue."""
        return tuple(s for s in (self.done, self.not_applicable) if s)

    def effective_percent(self, status: str, percent: float | int | None) -> float:
        """A row's completion for averages: blank counts 0, or 100 when done."""
        if percent is None:
            return 100.0 if status == self.done and self.done else 0.0
        return float(percent)

    def counts_in_average(self, status: str) -> bool:
        return not (self.not_applicable and status == self.not_applicable)


@dataclass(frozen=True)
class CheckParams:
    required: Mapping[str, tuple[str, ...]]
    require_task: bool
    require_requirement: bool
    measures_min_chars: int
    task_coverage: str
    activity_coverage: str
    literacies: str
    deadline_year: int


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    version: int
    year: int
    description: str
    upstream: Upstream
    literacies: tuple[str, ...]
    key_tasks: tuple[KeyTask, ...]
    key_activities: tuple[KeyActivity, ...]
    requirements: tuple[RequirementText, ...]
    skeleton: Mapping[str, Any]
    ledger: LedgerSpec
    checks: CheckParams
    group_titles: Mapping[int, str]
    source: str
    literacies_name: str = "基本素养"

    @property
    def literacies_label(self) -> str:
        """五个基本素养: the named list with its count, as the superior announces it."""
        from desktop.official import chinese_number
        n = len(self.literacies)
        return f"{chinese_number(n)}个{self.literacies_name}" if n else self.literacies_name

    @property
    def superior(self) -> str:
        """省级 / 市级…, for UI texts (省级重点任务)."""
        return self.upstream.level

    def reword(self, text: str) -> str:
        """UI text written for the 2020 provincial plan, said of this template:
        省级 -> its superior's level, the counts and the named list."""
        return (text.replace("省级", self.superior)
                .replace("五个基本素养", self.literacies_label)
                .replace("16 项", f"{len(self.key_tasks)} 项")
                .replace("13 项", f"{len(self.key_activities)} 项"))

    @property
    def sections(self) -> tuple[str, str, str]:
        """The plan's three level-1 headings without numbers (工作目标, 重点任务, 工作要求)."""
        raw = self.skeleton.get("sections") or []
        names = [re.sub(r"^[一二三四五六七八九十]+、", "", s) for s in raw if isinstance(s, str)]
        defaults = ("工作目标", "重点任务", "工作要求")
        return tuple((names + list(defaults))[i] if i < len(names) and names[i] else defaults[i]
                     for i in range(3))  # type: ignore[return-value]

    def key_task(self, number: int) -> KeyTask | None:
        return next((t for t in self.key_tasks if t.number == number), None)

    def key_activity(self, number: int) -> KeyActivity | None:
        return next((a for a in self.key_activities if a.number == number), None)


# --- validation ----------------------------------------------------------------


class _Check:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, what: str) -> TemplateError:
        return TemplateError(f"模板文件“{self.source}”有误：“{path}”{what}。请联系单位信息化人员修正或换回原模板。")

    def obj(self, data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(path, "应为对象")
        return data

    def key(self, data: dict[str, Any], key: str, path: str) -> Any:
        if key not in data:
            raise self.fail(f"{path}.{key}" if path else key, "缺失")
        return data[key]

    def text(self, data: dict[str, Any], key: str, path: str, *, optional: bool = False,
             nullable: bool = False) -> str | None:
        full = f"{path}.{key}" if path else key
        if key not in data:
            if optional:
                return "" if not nullable else None
            raise self.fail(full, "缺失")
        value = data[key]
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise self.fail(full, "应为文本")
        return value

    def integer(self, data: dict[str, Any], key: str, path: str, *, nullable: bool = False,
                minimum: int | None = None) -> int | None:
        full = f"{path}.{key}" if path else key
        value = data.get(key) if nullable else self.key(data, key, path)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(full, "应为整数")
        if minimum is not None and value < minimum:
            raise self.fail(full, f"不应小于 {minimum}")
        return value

    def boolean(self, data: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{path}.{key}", "应为 true 或 false")
        return value

    def text_list(self, value: Any, path: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(path, "应为文本列表")
        return tuple(value)

    def obj_list(self, value: Any, path: str) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise self.fail(path, "应为列表")
        return [self.obj(v, f"{path}[{i}]") for i, v in enumerate(value)]


def parse_template(raw: Any, source: str, expected_id: str | None = None) -> Template:
    """Validate parsed JSON against the template schema."""
    c = _Check(source)
    data = c.obj(raw, "（整个文件）")
    schema = c.integer(data, "schema", "", nullable=True)
    if schema is not None and schema > SCHEMA_VERSION:
        raise TemplateError(f"模板文件“{source}”由较新版本的软件制作（模板格式第 {schema} 版），请升级本软件。")
    tid = c.text(data, "id", "")
    assert tid is not None
    if not TEMPLATE_ID_RE.match(tid):
        raise c.fail("id", "只能由小写字母、数字和连字符组成")
    if expected_id is not None and tid != expected_id:
        raise c.fail("id", f"为“{tid}”，与文件名“{expected_id}”不一致")

    up = c.obj(c.key(data, "upstream", ""), "upstream")
    upstream = Upstream(
        doc_number=c.text(up, "doc_number", "upstream") or "",
        title=c.text(up, "title", "upstream") or "",
        date=c.text(up, "date", "upstream") or "",
        issuers=c.text_list(c.key(up, "issuers", "upstream"), "upstream.issuers"),
        notice_title=c.text(up, "notice_title", "upstream", optional=True) or "",
        printer=c.text(up, "printer", "upstream", optional=True) or "",
        level=c.text(up, "level", "upstream", optional=True) or "上级",
    )
    literacies = c.text_list(c.key(data, "literacies", ""), "literacies")

    key_tasks = []
    for i, kt in enumerate(c.obj_list(c.key(data, "key_tasks", ""), "key_tasks")):
        p = f"key_tasks[{i}]"
        number = c.integer(kt, "number", p, minimum=1)
        assert number is not None
        title = c.text(kt, "title", p, nullable=True)
        text = c.text(kt, "text", p, nullable=True, optional=True)
        gap = c.boolean(kt, "source_gap", p, False)
        if title is None and not gap:
            raise c.fail(f"{p}.title", "为空，但没有标注 source_gap（来源缺失）")
        key_tasks.append(KeyTask(number, c.integer(kt, "group", p, nullable=True), title, text, gap,
                                 lead=c.text(kt, "lead", p, optional=True) or "",
                                 partners=c.text(kt, "partners", p, optional=True) or "",
                                 deadline=c.text(kt, "deadline", p, optional=True) or ""))
    _unique_numbers(c, key_tasks, "key_tasks")

    key_activities = []
    for i, ka in enumerate(c.obj_list(c.key(data, "key_activities", ""), "key_activities")):
        p = f"key_activities[{i}]"
        number = c.integer(ka, "number", p, minimum=1)
        assert number is not None
        key_activities.append(KeyActivity(number, c.text(ka, "name", p) or "",
                                          time=c.text(ka, "time", p, optional=True) or "",
                                          lead=c.text(ka, "lead", p, optional=True) or ""))
    _unique_numbers(c, key_activities, "key_activities")

    requirements = []
    for i, rq in enumerate(c.obj_list(data.get("requirements", []), "requirements")):
        p = f"requirements[{i}]"
        requirements.append(RequirementText(c.integer(rq, "number", p, minimum=1) or 0,
                                            c.text(rq, "title", p) or "", c.text(rq, "text", p) or ""))

    group_titles: dict[int, str] = {}
    for i, g in enumerate(c.obj_list(data.get("task_groups", []), "task_groups")):
        title = c.text(g, "title", f"task_groups[{i}]") or ""  # read first, as the assignment did
        number = c.integer(g, "number", f"task_groups[{i}]", minimum=1)
        assert number is not None  # not nullable: integer() raises rather than return None
        group_titles[number] = title

    skeleton = c.obj(data.get("skeleton", {}), "skeleton")
    for section in ("notice", "plan"):
        c.obj(skeleton.get(section, {}), f"skeleton.{section}")
    if "sections" in skeleton:
        c.text_list(skeleton["sections"], "skeleton.sections")
    for key in ("annex_title", "default_city", "default_place"):
        if key in skeleton and not isinstance(skeleton[key], str):
            raise c.fail(f"skeleton.{key}", "应为文本")
    for key, value in {**skeleton.get("notice", {}), **skeleton.get("plan", {})}.items():
        if key == "cc":
            c.text_list(value, "skeleton.notice.cc")
        elif key == "requirements_from_upstream":
            if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                raise c.fail("skeleton.plan.requirements_from_upstream", "应为整数列表")
        elif not isinstance(value, str):
            raise c.fail(f"skeleton.*.{key}", "应为文本")

    lg = c.obj(c.key(data, "ledger", ""), "ledger")
    columns = []
    for i, col in enumerate(c.obj_list(c.key(lg, "columns", "ledger"), "ledger.columns")):
        p = f"ledger.columns[{i}]"
        width = col.get("width", 12)
        if isinstance(width, bool) or not isinstance(width, (int, float)) or not 1 <= width <= 200:
            raise c.fail(f"{p}.width", "应为 1–200 之间的数字")
        columns.append(LedgerColumn(c.text(col, "key", p) or "", c.text(col, "title", p) or "", float(width)))
    if not columns:
        raise c.fail("ledger.columns", "不能为空")
    kinds = c.obj(lg.get("kinds", {"task": "重点任务", "activity": "重点活动"}), "ledger.kinds")
    for k, v in kinds.items():
        if not isinstance(v, str):
            raise c.fail(f"ledger.kinds.{k}", "应为文本")
    statuses = c.text_list(lg.get("statuses", list(DEFAULT_STATUSES)), "ledger.statuses")
    # Statuses become drop-down entries and formula criteria in the workbook:
    # plain words only, so a template can never smuggle a formula in.
    for i, status in enumerate(statuses):
        if not _PLAIN_WORD.match(status):
            raise c.fail(f"ledger.statuses[{i}]", "只能是不含引号、逗号和公式符号的简短文字")
    sheet = c.text(lg, "sheet", "ledger", optional=True) or "进度台账"
    if not _PLAIN_WORD.match(sheet):
        raise c.fail("ledger.sheet", "只能是不含引号、逗号和公式符号的简短文字")
    roles = {}
    for key, default in (("done", DEFAULT_DONE), ("not_applicable", DEFAULT_NOT_APPLICABLE)):
        if key in lg:
            value = c.text(lg, key, "ledger") or ""
            if value and value not in statuses:
                raise c.fail(f"ledger.{key}", "应为 ledger.statuses 中的一项（或留空）")
        else:
            value = default if default in statuses else ""
        roles[key] = value
    ledger = LedgerSpec(
        sheet=sheet,
        columns=tuple(columns),
        statuses=statuses,
        kinds=dict(kinds),
        done=roles["done"],
        not_applicable=roles["not_applicable"],
    )

    ck = c.obj(data.get("checks", {}), "checks")
    req_raw = c.obj(ck.get("required", {}), "checks.required")
    required = {k: c.text_list(v, f"checks.required.{k}") for k, v in req_raw.items()}
    severities = {}
    for key, default in (("task_coverage", "error"), ("activity_coverage", "warning"), ("literacies", "warning")):
        value = ck.get(key, default)
        if value not in ("error", "warning", "off"):
            raise c.fail(f"checks.{key}", "只能是 error、warning 或 off")
        severities[key] = value
    year = c.integer(data, "year", "", minimum=1900)
    assert year is not None
    checks = CheckParams(
        required=required,
        require_task=c.boolean(ck, "require_task", "checks", True),
        require_requirement=c.boolean(ck, "require_requirement", "checks", True),
        measures_min_chars=c.integer(ck, "measures_min_chars", "checks", nullable=True, minimum=0) or 0,
        deadline_year=c.integer(ck, "deadline_year", "checks", nullable=True, minimum=1900) or year,
        **severities,
    )
    return Template(
        id=tid,
        name=c.text(data, "name", "") or tid,
        version=c.integer(data, "version", "", minimum=1) or 1,
        year=year,
        description=c.text(data, "description", "", optional=True) or "",
        upstream=upstream,
        literacies=literacies,
        key_tasks=tuple(sorted(key_tasks, key=lambda t: t.number)),
        key_activities=tuple(sorted(key_activities, key=lambda a: a.number)),
        requirements=tuple(requirements),
        skeleton=skeleton,
        ledger=ledger,
        checks=checks,
        group_titles=group_titles,
        source=source,
        literacies_name=c.text(data, "literacies_name", "", optional=True) or "基本素养",
    )


def _unique_numbers(c: _Check, items: Iterable[Any], path: str) -> None:
    seen = set()
    for item in items:
        if item.number in seen:
            raise c.fail(path, f"中的编号 {item.number} 重复")
        seen.add(item.number)


# --- discovery -----------------------------------------------------------------


def builtin_dir() -> Any:
    """The package's own template folder (works frozen and from a wheel).

    A folder on disk (a checkout, an installed wheel, PyInstaller's bundle)
    is used as it is; importlib.resources (5 ms of imports) only otherwise."""
    here = Path(__file__).parent
    if next(here.glob("*.json"), None) is not None:
        return here
    from importlib import resources

    return resources.files("desktop.templates")


def office_dir() -> Path:
    """Where an office's own templates live (imported from superior documents)."""
    from desktop.paths import user_templates_dir

    return user_templates_dir()


def _candidates(search_dirs: Iterable[Path] | None) -> list[Any]:
    dirs: list[Any] = [Path(d) for d in (search_dirs or [])]
    dirs.append(office_dir())
    dirs.append(builtin_dir())
    return dirs


def install_template(path: Path | str) -> Template:
    """Validate a template file and copy it into the office folder, so drafts
    made from it find it by id; returns the template."""
    from desktop.storage import atomic_write_bytes, os_reason

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise TemplateError(f"无法读取模板文件“{path}”：{os_reason(err)}。") from err
    template = parse_template_bytes(data, str(path))
    if template.id in _builtin_ids():
        return template
    dest = office_dir() / f"{template.id}.json"
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists() or dest.read_bytes() != data:
            atomic_write_bytes(dest, data)
    except OSError as err:
        raise TemplateError(f"无法把模板保存到“{dest.parent}”：{os_reason(err)}。") from err
    _cache.clear()
    return load_template(template.id)


def save_office_template(data: dict[str, Any]) -> Template:
    """Validate template data and keep it in the office folder; returns it loaded."""
    from desktop.storage import atomic_write_bytes, os_reason

    raw = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    parse_template_bytes(raw, "生成的模板")
    if data.get("id") in _builtin_ids():
        raise TemplateError(f"模板编号“{data.get('id')}”与程序自带的模板相同，不能覆盖自带模板。")
    dest = office_dir() / f"{data['id']}.json"
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(dest, raw)
    except OSError as err:
        raise TemplateError(f"无法把模板保存到“{dest.parent}”：{os_reason(err)}。") from err
    _cache.clear()
    return load_template(str(data["id"]))


def _builtin_ids() -> set[str]:
    return {e.name[:-5] for e in builtin_dir().iterdir() if e.name.endswith(".json")}


def resolve_template(name: str) -> Template:
    """A template by id, or by the path of a template file (installed first)."""
    if name.lower().endswith(".json") or "/" in name or "\\" in name:
        return install_template(name)
    return load_template(name)


def template_ids(search_dirs: Iterable[Path] | None = None) -> list[str]:
    """Every template id found, office folders first, without duplicates."""
    ids: list[str] = []
    for folder in _candidates(search_dirs):
        try:
            entries = sorted(folder.iterdir(), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.endswith(".json") and TEMPLATE_ID_RE.match(name[:-5]) and name[:-5] not in ids:
                ids.append(name[:-5])
    return ids


_cache: dict[tuple[str, tuple[str, ...]], Template] = {}


def load_template(template_id: str, search_dirs: Iterable[Path] | None = None) -> Template:
    """Load and validate a template by id; raise TemplateError when impossible."""
    if not isinstance(template_id, str) or not TEMPLATE_ID_RE.match(template_id):
        raise TemplateError(f"模板名称“{str(template_id)[:60]}”无效：只能由小写字母、数字和连字符组成。")
    dirs = tuple(str(d) for d in (search_dirs or []))
    cached = _cache.get((template_id, dirs))
    if cached is not None:
        return cached
    for folder in _candidates(search_dirs):
        entry = folder / f"{template_id}.json"
        try:
            if not entry.is_file():
                continue
            data = entry.read_bytes()
        except OSError as err:
            raise TemplateError(f"无法读取模板文件“{entry}”：{err}") from err
        template = parse_template_bytes(data, str(entry), template_id)
        _cache[(template_id, dirs)] = template
        return template
    known = "、".join(template_ids(search_dirs)) or "（无）"
    hint = ""
    if template_id.startswith("sup-"):
        hint = (f"这份草稿用的是从上级文件生成的模板，它只保存在生成它的电脑上（{office_dir()}）。"
                "请把那份模板文件（.json）复制过来，用“python -m desktop new --template 模板文件”或窗口的"
                "“从上级文件生成”导入一次，或者用同一份上级文件重新生成。")
    raise TemplateError(f"找不到模板“{template_id}”。{hint}可用的模板：{known}。")


def parse_template_bytes(data: bytes, source: str, expected_id: str | None = None) -> Template:
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"模板文件“{source}”过大（超过 2 MB），不是有效的模板。")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise TemplateError(f"模板文件“{source}”已损坏，不是有效的 JSON：{err}") from err
    return parse_template(raw, source, expected_id)
