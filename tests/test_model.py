import copy
import json

import pytest

from desktop.model import Draft, SchemaError, get_path, new_id, parse_path, set_path
from desktop.storage import draft_to_bytes, parse_draft_bytes


def test_round_trip_keeps_every_key_including_unknown(example_raw):
    raw = copy.deepcopy(example_raw)
    raw["x_top"] = {"nested": [1, 2]}
    raw["notice"]["x_notice"] = "保留"
    raw["plan"]["task_groups"][0]["x_group"] = True
    raw["plan"]["task_groups"][0]["tasks"][0]["x_task"] = {"a": 1}
    raw["plan"]["requirements"][0]["x_req"] = 3
    raw["activities"][0]["x_act"] = None
    raw["progress"]["t1"]["x_prog"] = "备注"
    out = json.loads(draft_to_bytes(parse_draft_bytes(json.dumps(raw).encode(), "x")))

    def keys(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield f"{path}.{k}"
                yield from keys(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from keys(v, f"{path}[{i}]")

    assert set(keys(raw)) <= set(keys(out))
    assert out["x_top"] == {"nested": [1, 2]}
    assert out["plan"]["task_groups"][0]["tasks"][0]["x_task"] == {"a": 1}
    assert out["progress"]["t1"]["x_prog"] == "备注"
    # Values survive too, not just keys.
    for k in ("notice", "activities", "progress"):
        for key, value in (raw[k].items() if isinstance(raw[k], dict) else enumerate(raw[k])):
            assert out[k][key] == value


def test_wrong_type_names_the_key():
    with pytest.raises(SchemaError) as info:
        Draft.from_dict({"format": "plan-draft", "notice": {"issuers": "佛山市教育局"}})
    assert info.value.path == "notice.issuers"
    with pytest.raises(SchemaError) as info:
        Draft.from_dict({"plan": {"task_groups": [{"tasks": [{"upstream": ["3"]}]}]}})
    assert info.value.path == "plan.task_groups[0].tasks[0].upstream[0]"


def test_control_characters_are_cleaned_and_reported():
    d = Draft.from_dict({"plan": {"title": "方案\x07标题\ufffe", "goals": "a\r\nb"}})
    assert d.plan.title == "方案标题"
    assert d.plan.goals == "a\nb"
    assert [(n.path, n.removed) for n in d.clean_notes] == [("plan.title", ["\x07", "\ufffe"])]


def test_paths(example_draft):
    assert parse_path("plan.task_groups[0].tasks[1].lead") == ["plan", "task_groups", 0, "tasks", 1, "lead"]
    assert get_path(example_draft, "plan.task_groups[0].tasks[1].lead") == "市教育局"
    set_path(example_draft, "notice.doc_number", "X〔2020〕1号")
    assert example_draft.notice.doc_number == "X〔2020〕1号"
    assert get_path(example_draft, "progress.t1").percent == 40
    with pytest.raises(KeyError):
        set_path(example_draft, "notice.no_such_field", "x")


def test_new_id_is_unused(example_draft):
    ident = new_id(example_draft, "t")
    assert example_draft.find_item(ident) is None and ident.startswith("t")
