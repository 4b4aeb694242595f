"""Kinds of document as a registry: the plan and the work report share storage,
recovery and the window's machinery, each with its own record, builder and checks."""

from __future__ import annotations

import json

import pytest

from desktop.errors import DraftError
from desktop.kinds import KINDS, PLAN, REPORT, kind_of, kind_of_json, kind_of_name
from desktop.kinds.report.model import Report, ReportHeader, Row, Section
from desktop.storage import load_draft, load_record, save_draft


def _report() -> Report:
    return Report(header=ReportHeader(issuers=["佛山市委网信办"], doc_number="佛委网办〔2020〕30号", signer="张三"),
                  title="关于佛山市2020年争做中国好网民工程工作情况的报告", recipients="广东省委网信办",
                  sections=[Section("总体情况", "共部署重点任务2项。"), Section("下一步工作打算", "继续推进。")],
                  annex_title="任务完成情况表",
                  rows=[Row("t1", "第一组", "开展进校园活动", "市教育局", "2020-11-30", "进行中", 40, "已开展。")],
                  signatures=["佛山市委网信办"], date="2020-12-25")


def test_the_registry_knows_each_kind_once():
    assert [k.key for k in KINDS] == ["plan", "report"]
    assert len({k.file_format for k in KINDS}) == len({k.suffix for k in KINDS}) == 2
    assert kind_of_name("甲.report.json") is REPORT and kind_of_name("甲.plan.json") is PLAN
    assert kind_of_json({"format": "work-report-draft"}) is REPORT
    assert kind_of_json({"notice": {}, "plan": {}}) is PLAN  # a hand-written plan without its marker
    assert kind_of_json({"format": "something-else"}) is None
    for kind in KINDS:  # every section's paths lead back to it
        for section in kind.sections:
            for prefix in section.paths:
                assert kind.section_of(prefix) == section.key, (kind.key, prefix)


def test_a_report_saves_with_its_own_marker_and_reads_back_whole(tmp_path):
    report = _report()
    report.extra["x_other_tool"] = {"kept": [1, 2]}
    path = tmp_path / "报告.report.json"
    save_draft(report, path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["format"] == "work-report-draft" and raw["version"] == 1 and raw["id"]
    again = load_record(path)
    assert isinstance(again, Report) and kind_of(again) is REPORT
    assert again.to_dict() == {**report.to_dict(), "generator": raw["generator"]} | {"id": raw["id"]}
    assert again.extra["x_other_tool"] == {"kept": [1, 2]}


def test_a_report_where_a_plan_is_needed_says_what_it_is(tmp_path):
    path = tmp_path / "报告.report.json"
    save_draft(_report(), path)
    with pytest.raises(DraftError, match="是工作情况报告草稿，不是实施方案草稿"):
        load_draft(path)


def test_a_plan_file_is_still_the_plan(example_path):
    assert kind_of(load_record(example_path)) is PLAN


def test_the_report_document_is_an_upward_one():
    from desktop.document import AnnexTable, Para, Signature, Title
    from desktop.kinds.report.document import build_document

    doc = build_document(_report())
    assert doc.header.signer == "张三" and doc.header.doc_number == "佛委网办〔2020〕30号"
    assert doc.header.organs == ("佛山市委网信办",)
    titles = [b.text for b in doc.blocks if isinstance(b, Title)]
    assert titles == ["关于佛山市2020年争做中国好网民工程工作情况的报告", "任务完成情况表"]
    paras = [b for b in doc.blocks if isinstance(b, Para)]
    assert paras[0].kind == "recipients" and paras[0].text == "广东省委网信办："
    assert [p.text for p in paras if p.kind == "heading1"] == ["一、总体情况", "二、下一步工作打算"]
    assert [p.text for p in paras if p.kind == "attachment-note"] == ["附件：任务完成情况表"]
    table = next(b for b in doc.blocks if isinstance(b, AnnexTable))
    assert [c[0] for c in table.columns] == ["序号", "任务名称", "牵头单位", "完成时限", "状态", "完成率", "进展情况"]
    assert table.rows == (("1", "开展进校园活动", "市教育局", "2020年11月30日", "进行中", "40%", "已开展。"),)
    assert any(isinstance(b, Signature) for b in doc.blocks)
