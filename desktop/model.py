"""The draft: dataclasses mirroring ``*.plan.json`` (format version 1).

Every object keeps the keys it does not know in ``extra`` so that a file
written by a newer version loses nothing when an older one saves it. Reading
validates types and names the offending key; it never trusts the file.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from desktop.textclean import clean_text

FORMAT = "plan-draft"
FORMAT_VERSION = 1
DEFAULT_TEMPLATE = "gd-2020-haowangmin"


# Numbers in a draft are percentages and versions: anything beyond this is a
# typing accident or an attack, and would overflow float formatting later.
MAX_NUMBER = 10**12


def new_draft_id() -> str:
    """A random identity for a new draft: ledgers exported from it carry it,
    so a ledger is never imported into another office's draft by mistake."""
    return os.urandom(8).hex()


def ensure_id(draft: Draft) -> str:
    """Give ``draft`` an identity if it has none (drafts written before ids
    existed); returns the new id, or "" when it already had one, so the caller
    can say so once."""
    if draft.id:
        return ""
    draft.id = new_draft_id()
    return draft.id


def is_overdue(deadline: _dt.date | None, status: str, today: _dt.date, finished: Collection[str]) -> bool:
    """Deadline passed and not finished: the rule of the checks, the ledger and
    the merge. ``finished`` are the template's statuses that stop the clock
    (its done and not-applicable statuses, ``LedgerSpec.finished``)."""
    return deadline is not None and deadline < today and status not in finished


class SchemaError(ValueError):
    """A value in the file has the wrong type; ``path`` names the key."""

    def __init__(self, path: str, expected: str, got: Any, *, described: str = "") -> None:
        super().__init__(path)
        self.path = path
        self.expected = expected
        self.got = described or _type_name(got)


def _type_name(value: Any) -> str:
    if value is None:
        return "空值（null）"
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, (int, float)):
        return "数字"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "对象"
    return type(value).__name__


@dataclass
class CleanNote:
    """Characters removed from one field because XML cannot hold them."""

    path: str
    removed: list[str]


class _Reader:
    """Converts JSON values to typed fields, collecting cleaning notes."""

    def __init__(self) -> None:
        self.notes: list[CleanNote] = []

    def text(self, value: Any, path: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise SchemaError(path, "文本", value)
        cleaned, removed = clean_text(value)
        if removed:
            self.notes.append(CleanNote(path, removed))
        return cleaned

    def text_list(self, value: Any, path: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise SchemaError(path, "文本列表", value)
        return [self.text(v, f"{path}[{i}]") for i, v in enumerate(value)]

    def int_list(self, value: Any, path: str) -> list[int]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise SchemaError(path, "数字列表", value)
        out = []
        for i, v in enumerate(value):
            if isinstance(v, bool) or not isinstance(v, int):
                raise SchemaError(f"{path}[{i}]", "整数", v)
            if not -MAX_NUMBER <= v <= MAX_NUMBER:
                raise SchemaError(f"{path}[{i}]", "编号", v, described="一个过大的数字")
            out.append(v)
        return out

    def number(self, value: Any, path: str) -> float | int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SchemaError(path, "数字", value)
        if value != value or value in (float("inf"), float("-inf")):
            raise SchemaError(path, "数字", value, described="非数字")
        if not -MAX_NUMBER <= value <= MAX_NUMBER:
            raise SchemaError(path, "合理范围内的数字", value, described="一个过大的数字")
        return value

    def text_map(self, value: Any, path: str) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise SchemaError(path, "对象", value)
        out = {}
        for k, v in value.items():
            key, _ = clean_text(k)
            out[key] = self.text(v, f"{path}.{key}")
        return out

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise SchemaError(path, "对象", value)
        return value

    def obj_list(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise SchemaError(path, "列表", value)
        return value


class _Record:
    """Shared (de)serialisation for the draft's dataclasses.

    ``SPEC`` lists (key, kind) in file order; kinds are the _Reader methods or
    ``("list", Cls)`` / ``("map", Cls)`` / ``("obj", Cls)`` for nested records.
    """

    SPEC: ClassVar[tuple[tuple[str, Any], ...]] = ()
    # Optional keys written only when they hold something.
    OMIT_EMPTY: ClassVar[frozenset[str]] = frozenset()
    extra: dict[str, Any]

    @classmethod
    def read(cls, data: Any, path: str, r: _Reader) -> Any:
        raw = r.obj(data, path)
        kwargs: dict[str, Any] = {}
        for key, kind in cls.SPEC:
            sub = f"{path}.{key}" if path else key
            if key not in raw:
                continue
            value = raw[key]
            if isinstance(kind, tuple):
                how, sub_cls = kind
                if how == "list":
                    kwargs[key] = [sub_cls.read(v, f"{sub}[{i}]", r) for i, v in enumerate(r.obj_list(value, sub))]
                elif how == "map":
                    kwargs[key] = {k: sub_cls.read(v, f"{sub}.{k}", r) for k, v in r.obj(value, sub).items()}
                else:
                    kwargs[key] = sub_cls.read(value, sub, r)
            else:
                kwargs[key] = getattr(r, kind)(value, sub)
        known = {k for k, _ in cls.SPEC}
        kwargs["extra"] = {k: v for k, v in raw.items() if k not in known}
        return cls(**kwargs)

    def to_dict(self, *, extras: bool = True) -> dict[str, Any]:
        """The record as its file holds it; without ``extras``, only the keys this
        program knows (what it prints: a preview's key need not encode a colleague's
        tool's megabytes)."""
        out: dict[str, Any] = {}
        for key, kind in self.SPEC:
            value = getattr(self, key)
            if isinstance(kind, tuple):
                how, _ = kind
                if how == "list":
                    value = [v.to_dict(extras=extras) for v in value]
                elif how == "map":
                    value = {k: v.to_dict(extras=extras) for k, v in value.items()}
                else:
                    value = value.to_dict(extras=extras)
            elif isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            if key in self.OMIT_EMPTY and value in ("", None, [], {}):
                continue
            out[key] = value
        # Unknown values are never changed by the program, so copies share them:
        # a colleague's tool may keep megabytes there, and every undo snapshot,
        # preview and save makes a dict of the draft.
        if extras:
            for k, v in self.extra.items():
                out.setdefault(k, v)
        return out

    def extra_values(self) -> list[Any]:
        """The unknown values of this record and of every record inside it."""
        found = list(self.extra.values())
        for key, kind in self.SPEC:
            if isinstance(kind, tuple):
                value = getattr(self, key)
                subs = value if kind[0] == "list" else value.values() if kind[0] == "map" else [value]
                for sub in subs:
                    found += sub.extra_values()
        return found


@dataclass
class Notice(_Record):
    """印发通知: the cover document in 文件格式."""

    issuers: list[str] = field(default_factory=list)
    header_suffix: str = "文件"
    doc_number: str = ""
    copy_no: str = ""
    secrecy: str = ""
    urgency: str = ""
    signer: str = ""
    title: str = ""
    recipients: str = ""
    body: str = ""
    signatures: list[str] = field(default_factory=list)
    date: str = ""
    note: str = ""
    cc: list[str] = field(default_factory=list)
    printer: str = ""
    print_date: str = ""
    # Extension: "seal" = 加盖印章, "no_seal" = 不加盖印章, "" = the office's default
    # (official.sealed; GB/T 9704 itself: sealed).
    signature_layout: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (
        ("issuers", "text_list"), ("header_suffix", "text"), ("doc_number", "text"),
        ("copy_no", "text"), ("secrecy", "text"), ("urgency", "text"), ("signer", "text"),
        ("title", "text"), ("recipients", "text"), ("body", "text"),
        ("signatures", "text_list"), ("date", "text"), ("note", "text"), ("cc", "text_list"),
        ("printer", "text"), ("print_date", "text"), ("signature_layout", "text"),
    )
    OMIT_EMPTY = frozenset({"signature_layout"})

    @property
    def effective_signatures(self) -> list[str]:
        names = [s for s in self.signatures if s.strip()]
        return names or [s for s in self.issuers if s.strip()]


@dataclass
class Task(_Record):
    id: str = ""
    title: str = ""
    text: str = ""
    lead: str = ""
    partners: list[str] = field(default_factory=list)
    deadline: str = ""
    upstream: list[int] = field(default_factory=list)
    not_applicable: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (
        ("id", "text"), ("title", "text"), ("text", "text"), ("lead", "text"),
        ("partners", "text_list"), ("deadline", "text"), ("upstream", "int_list"),
        ("not_applicable", "text"),
    )
    OMIT_EMPTY = frozenset({"not_applicable"})


@dataclass
class TaskGroup(_Record):
    title: str = ""
    tasks: list[Task] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (("title", "text"), ("tasks", ("list", Task)))


@dataclass
class Requirement(_Record):
    title: str = ""
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (("title", "text"), ("text", "text"))


@dataclass
class Plan(_Record):
    title: str = ""
    preamble: str = ""
    goals: str = ""
    task_groups: list[TaskGroup] = field(default_factory=list)
    upstream_exemptions: dict[str, str] = field(default_factory=dict)
    requirements: list[Requirement] = field(default_factory=list)
    # Extension: overrides the annex title derived from the template pattern.
    annex_title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (
        ("title", "text"), ("preamble", "text"), ("goals", "text"),
        ("task_groups", ("list", TaskGroup)), ("upstream_exemptions", "text_map"),
        ("requirements", ("list", Requirement)), ("annex_title", "text"),
    )
    OMIT_EMPTY = frozenset({"annex_title"})

    def tasks(self) -> list[tuple[str, Task]]:
        """Every task with its path, in document order."""
        return [
            (f"plan.task_groups[{g}].tasks[{t}]", task)
            for g, group in enumerate(self.task_groups)
            for t, task in enumerate(group.tasks)
        ]


@dataclass
class Activity(_Record):
    id: str = ""
    name: str = ""
    time: str = ""
    lead: str = ""
    partners: list[str] = field(default_factory=list)
    upstream: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (
        ("id", "text"), ("name", "text"), ("time", "text"), ("lead", "text"),
        ("partners", "text_list"), ("upstream", "int_list"),
    )


@dataclass
class Progress(_Record):
    status: str = ""
    percent: float | int | None = None
    summary: str = ""
    evidence: str = ""
    updated: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    SPEC = (
        ("status", "text"), ("percent", "number"), ("summary", "text"),
        ("evidence", "text"), ("updated", "text"),
    )


@dataclass
class Draft(_Record):
    """One implementation plan with its notice, annex and ledger data."""

    format: str = FORMAT
    version: int = FORMAT_VERSION
    # Extension: the draft's identity (see new_draft_id); "" in drafts written
    # before it existed, which get one when first saved.
    id: str = ""
    template: str = DEFAULT_TEMPLATE
    notice: Notice = field(default_factory=Notice)
    plan: Plan = field(default_factory=Plan)
    activities: list[Activity] = field(default_factory=list)
    progress: dict[str, Progress] = field(default_factory=dict)
    # Extension: 截至日期, the day the ledger's progress is reported as of
    # (overdue checks and the ledger); "" = today.
    as_of: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Not saved: what cleaning removed while reading.
    clean_notes: list[CleanNote] = field(default_factory=list, repr=False, compare=False)

    SPEC = (
        ("format", "text"), ("version", "number"), ("id", "text"), ("template", "text"),
        ("notice", ("obj", Notice)), ("plan", ("obj", Plan)),
        ("activities", ("list", Activity)), ("progress", ("map", Progress)), ("as_of", "text"),
    )
    OMIT_EMPTY = frozenset({"id", "as_of"})

    def as_of_date(self, override: _dt.date | None = None) -> _dt.date:
        """The day overdue is judged by: ``override`` (the command line's --today),
        else the draft's 截至日期, else today."""
        if override is not None:
            return override
        given = _parse_iso(self.as_of.strip()) if self.as_of.strip() else None
        return given or _dt.date.today()

    @classmethod
    def from_dict(cls, data: Any) -> Draft:
        """Build a draft from parsed JSON; raises SchemaError naming the key."""
        r = _Reader()
        draft: Draft = cls.read(data, "", r)
        draft.clean_notes = r.notes
        if not draft.template:
            draft.template = DEFAULT_TEMPLATE
        return draft

    def copy(self) -> Draft:
        clone = Draft.from_dict(self.to_dict())
        clone.clean_notes = list(self.clean_notes)
        return clone

    def items(self) -> list[tuple[str, str, Task | Activity]]:
        """(kind, path, item) for every task then every activity."""
        out: list[tuple[str, str, Task | Activity]] = [("task", p, t) for p, t in self.plan.tasks()]
        out += [("activity", f"activities[{i}]", a) for i, a in enumerate(self.activities)]
        return out

    def find_item(self, item_id: str) -> Task | Activity | None:
        for _, _, item in self.items():
            if item.id == item_id:
                return item
        return None


# Not typed text: ids, dates, choices, the file's own marks and (in a plan) the
# ledger, (in a report) where it was drafted from and its status column.
_NOT_TYPED = frozenset({"id", "task_id", "deadline", "date", "print_date", "signature_layout", "format", "template",
                        "as_of", "progress", "source", "status", "period"})


Address = tuple[str | int, ...]
"""Where a value sits in a draft, by structure: ("plan", "task_groups", 0, "tasks", 1, "lead").
Unlike a path string it holds any map key (an exemption keyed "" or "1.x") exactly."""


def text_places(draft: _Record) -> list[tuple[Address, str]]:
    """(address, text) of every text the clerk typed in a draft of any kind, in
    document order (a plan: the notice, the plan, the activities), list entries and
    map values included. Ids, dates, choices and the ledger are not included."""
    out: list[tuple[Address, str]] = []

    def walk(record: _Record, prefix: Address) -> None:
        for key, kind in record.SPEC:
            if key in _NOT_TYPED:
                continue
            value = getattr(record, key)
            here = (*prefix, key)
            if kind == "text" and isinstance(value, str):
                out.append((here, value))
            elif kind == "text_list":
                out.extend(((*here, i), v) for i, v in enumerate(value) if isinstance(v, str))
            elif kind == "text_map":
                out.extend(((*here, k), v) for k, v in value.items() if isinstance(v, str))
            elif isinstance(kind, tuple) and kind[0] == "obj":
                walk(value, here)
            elif isinstance(kind, tuple) and kind[0] == "list":
                for i, item in enumerate(value):
                    walk(item, (*here, i))

    walk(draft, ())
    return out


def get_at(draft: _Record, address: Address) -> Any:
    node: Any = draft
    for tok in address:
        node = node[tok] if isinstance(tok, int) or isinstance(node, dict) else getattr(node, tok)
    return node


def set_at(draft: _Record, address: Address, value: Any) -> None:
    """Set the value at ``address``; KeyError when it names no field."""
    parent = get_at(draft, address[:-1])
    last = address[-1]
    if isinstance(last, int) or isinstance(parent, dict):
        parent[last] = value
    elif last in {f.name for f in fields(parent)}:
        setattr(parent, last, value)
    else:
        raise KeyError(path_of(address))


def _parse_iso(value: str) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


# --- paths such as plan.task_groups[0].tasks[1].lead ---------------------------

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path: str) -> list[str | int]:
    """``a.b[2].c`` -> ["a", "b", 2, "c"]; progress keys may hold any text."""
    if path.startswith("progress."):
        return ["progress", path[len("progress."):]]
    tokens: list[str | int] = []
    for name, index in _TOKEN.findall(path):
        tokens.append(int(index) if index else name)
    return tokens


def get_path(draft: _Record, path: str) -> Any:
    return get_at(draft, tuple(parse_path(path)))


def set_path(draft: _Record, path: str, value: Any) -> None:
    set_at(draft, tuple(parse_path(path)), value)


def path_of(address: Address) -> str:
    """The path string of an address (``a.b[2].c``), for showing and for problems."""
    return _join(list(address))


def _join(tokens: list[str | int]) -> str:
    out = ""
    for tok in tokens:
        if isinstance(tok, int):
            out += f"[{tok}]"
        else:
            out += f".{tok}" if out else tok
    return out


def new_id(draft: Draft, prefix: str) -> str:
    """A fresh item id (t12, a5) not used by any task or activity."""
    used = {item.id for _, _, item in draft.items()}
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"
