import json
from pathlib import Path

import pytest

from desktop.errors import TemplateError
from desktop.templates import load_template, parse_template_bytes, template_ids

SOURCE = Path(__file__).resolve().parent.parent / "resources" / "sources" / "gd-2020-haowangmin-work-plan.txt"


def test_builtin_template_matches_spec(template):
    assert template.id == "gd-2020-haowangmin"
    assert template.year == 2020
    assert template.upstream.doc_number == "粤委网办通〔2020〕16号"
    assert len(template.upstream.issuers) == 6
    assert template.literacies == ("爱国主义精神", "网络法治观念", "文明用网习惯", "网络安全技能", "责任担当意识")
    assert [t.number for t in template.key_tasks] == list(range(1, 17))
    assert [a.number for a in template.key_activities] == list(range(1, 14))
    gaps = {t.number for t in template.key_tasks if t.title is None}
    assert gaps == {1, 2, 3, 4, 5, 7, 8, 10, 11}
    assert all(t.source_gap for t in template.key_tasks if t.title is None)
    assert template.key_task(14).title == "强化整体矩阵宣传"
    assert template.key_task(16).title == "加强普法宣传"
    assert [c.title for c in template.ledger.columns][:3] == ["序号", "类别", "名称"]
    assert len(template.ledger.columns) == 13


def test_template_text_is_verbatim_from_source(template):
    source = SOURCE.read_text(encoding="utf-8").replace("\n\n管理", "管理")
    for task in template.key_tasks:
        for text in (task.title, task.text):
            if text:
                assert text in source, text
    for act in template.key_activities:
        assert act.name in source


def _minimal(tid="office-test"):
    return {
        "id": tid, "name": "测试模板", "version": 1, "year": 2021,
        "upstream": {"doc_number": "测〔2021〕1号", "title": "测试方案", "date": "2021-01-01", "issuers": ["测试厅"]},
        "literacies": ["爱国主义精神"],
        "key_tasks": [{"number": 1, "group": None, "title": "任务一", "text": "内容"}],
        "key_activities": [{"number": 1, "name": "活动一"}],
        "ledger": {"columns": [{"key": "name", "title": "名称", "width": 20}]},
    }


def test_second_template_by_dropping_a_file(tmp_path):
    (tmp_path / "office-test.json").write_text(json.dumps(_minimal(), ensure_ascii=False), encoding="utf-8")
    assert template_ids([tmp_path]) == ["office-test", "gd-2020-haowangmin"]
    t = load_template("office-test", [tmp_path])
    assert t.name == "测试模板" and t.year == 2021 and t.checks.deadline_year == 2021


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.pop("key_tasks"), "key_tasks"),
    (lambda d: d.update(year="2020"), "year"),
    (lambda d: d["key_tasks"].append({"number": 1, "title": "重复", "text": ""}), "重复"),
    (lambda d: d["key_tasks"][0].update(title=None), "source_gap"),
    (lambda d: d.update(id="../etc"), "id"),
    (lambda d: d["ledger"]["columns"][0].update(width=10**9), "width"),
    (lambda d: d.update(checks={"task_coverage": "fatal"}), "task_coverage"),
    (lambda d: d.update(schema=99), "较新版本"),
    (lambda d: d["ledger"].update(statuses=["进行中", '完成",HYPERLINK("x']), "statuses[1]"),
    (lambda d: d["ledger"].update(statuses=["=1+1"]), "statuses[0]"),
    (lambda d: d["ledger"].update(sheet="台账'!A1"), "ledger.sheet"),
])
def test_broken_template_is_reported_clearly(mutate, fragment):
    data = _minimal()
    mutate(data)
    with pytest.raises(TemplateError) as info:
        parse_template_bytes(json.dumps(data).encode(), "坏模板.json", "office-test")
    assert fragment in str(info.value) and "坏模板.json" in str(info.value)


@pytest.mark.parametrize("tid", ["../gd-2020-haowangmin", "/etc/passwd", "GD", "", "a" * 100, "x/y"])
def test_unsafe_template_ids_are_refused(tid):
    with pytest.raises(TemplateError, match="无效"):
        load_template(tid)


def test_damaged_template_file(tmp_path):
    (tmp_path / "office-test.json").write_bytes(b"{ not json")
    with pytest.raises(TemplateError, match="已损坏"):
        load_template("office-test", [tmp_path])
