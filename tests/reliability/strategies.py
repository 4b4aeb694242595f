"""Hypothesis strategies for whole drafts: any Unicode (control characters,
lone surrogates, emoji, rare CJK), very long strings, empty lists, many tasks."""

from __future__ import annotations

from hypothesis import strategies as st

# Text a clerk (or a broken clipboard) can produce: everything from the
# astral planes to C0 controls and lone surrogates, biased towards CJK.
_ANY = st.characters(codec=None, exclude_categories=())
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_RARE = st.sampled_from(list("𠀀𪚥𡃁𤋮𧸘㐀䶵") + ["\U0001F600", "\U0001F1E8\U0001F1F3", "\u200d", "\ufeff"])
_HOSTILE = st.sampled_from(["=1+1", "+SUM(A1:A9)", "-2", "@cmd", "#N/A", "=HYPERLINK(\"http://x\")",
                            "<b>粗体</b>", "&amp;", "{PAGE}", "\\", "'", "\"", "\t", "\x00", "\ud800", "\uffff",
                            "http://example.com", "DDE(\"cmd\")", "%s%n", "{plan_title}", "{0.__class__}"])
_CHUNK = st.one_of(st.text(_CJK, max_size=40), st.text(_ANY, max_size=12), _RARE, _HOSTILE,
                   st.text(st.sampled_from("，。、；：“”《》（）—…0123456789ABCxyz "), max_size=20))
text = st.lists(_CHUNK, max_size=6).map("".join)
long_text = st.one_of(text, st.integers(200, 6000).map(lambda n: ("网络素养教育" * (n // 6 + 1))[:n]))
date = st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(["", "2020-02-30", "明天", "2020年5月8日"]))
names = st.lists(text, max_size=4)


@st.composite
def task(draw, i: int = 0):
    return {"id": draw(st.one_of(st.just(f"t{i}"), text)), "title": draw(text), "text": draw(long_text),
            "lead": draw(text), "partners": draw(names), "deadline": draw(date),
            "upstream": draw(st.lists(st.integers(-3, 20), max_size=3))}


@st.composite
def draft_dict(draw, max_tasks: int = 12):
    n_tasks = draw(st.integers(0, max_tasks))
    groups = []
    for g in range(draw(st.integers(0, 3))):
        groups.append({"title": draw(text), "tasks": [draw(task(i=g * 100 + t)) for t in range(n_tasks // 3 + 1)]})
    activities = [{"id": f"a{i}", "name": draw(text), "time": draw(text), "lead": draw(text),
                   "partners": draw(names), "upstream": draw(st.lists(st.integers(0, 15), max_size=2))}
                  for i in range(draw(st.integers(0, 6)))]
    progress = {f"t{i}": {"status": draw(st.sampled_from(["", "进行中", "已完成", "坏状态", "=1+1"])),
                          "percent": draw(st.one_of(st.none(), st.integers(-50, 150), st.floats(0, 100))),
                          "summary": draw(text), "evidence": draw(text), "updated": draw(date)}
                for i in range(draw(st.integers(0, 4)))}
    return {
        "format": "plan-draft", "version": 1, "template": "gd-2020-haowangmin",
        "notice": {"issuers": draw(st.lists(text, max_size=7)), "header_suffix": draw(st.sampled_from(["文件", ""])),
                   "doc_number": draw(text), "copy_no": draw(st.sampled_from(["", "000123"])),
                   "secrecy": draw(st.sampled_from(["", "机密★1年"])), "urgency": draw(st.sampled_from(["", "特急"])),
                   "title": draw(st.one_of(st.just(""), text)), "recipients": draw(text), "body": draw(long_text),
                   "signatures": draw(names), "date": draw(date), "note": draw(text), "cc": draw(names),
                   "printer": draw(text), "print_date": draw(date),
                   "signature_layout": draw(st.sampled_from(["", "no_seal"]))},
        "plan": {"title": draw(text), "preamble": draw(long_text), "goals": draw(long_text), "task_groups": groups,
                 "upstream_exemptions": draw(st.dictionaries(st.integers(1, 18).map(str), text, max_size=2)),
                 "requirements": [{"title": draw(text), "text": draw(long_text)}
                                  for _ in range(draw(st.integers(0, 3)))]},
        "activities": activities,
        "progress": progress,
    }
