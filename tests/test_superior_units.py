"""Responsibility in the wordings superior documents use besides （牵头单位：…）: verbal
（××部牵头，××参与）, （×、×指导）, （…按职责分工负责）, 〔责任单位：…〕, label lines of
their own, and the time words that go with them (年底前, 长期坚持, 持续推进, 6月底前).
The real corpus (tests/corpus/superior) has none of these yet, so a Word document
carries each wording once; the values expected are written out by hand."""

from __future__ import annotations

from pathlib import Path

import docx

from desktop.superior import import_superior


def _plan(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("某某县人民政府办公室关于印发")
    d.add_paragraph("某某县固体废物减量工作方案的通知")
    d.add_paragraph("各乡镇人民政府，县政府各部门：")
    d.add_paragraph("《某某县固体废物减量工作方案》已经县人民政府同意，现印发给你们，请认真贯彻执行。")
    d.add_paragraph("某某县人民政府办公室")
    d.add_paragraph("2021年3月5日")
    d.add_paragraph("某某县固体废物减量工作方案")
    d.add_paragraph("一、工作目标")
    d.add_paragraph("到2021年底，全县工业固体废物综合利用率达到80%以上。")
    d.add_paragraph("二、主要任务")
    d.add_paragraph("（一）推进源头减量。开展绿色设计和绿色供应链建设，减少固体废物产生量。"
                    "（县工业和信息化局牵头，县发展改革局、县生态环境分局参与，2021年底前完成）")
    d.add_paragraph("（二）开展宣传教育。把固体废物减量知识纳入中小学教育内容。（县教育局、团县委指导；长期坚持）")
    d.add_paragraph("（三）建立协调机制。建立部门联席会议制度，定期会商重点问题。〔责任单位：县委宣传部、县文广旅体局〕")
    d.add_paragraph("（四）完善监测体系。建设覆盖全县的固体废物监测网络。")
    d.add_paragraph("责任单位：县发展改革局")
    d.add_paragraph("完成时限：2021年6月底前")
    d.add_paragraph("（五）强化督促检查。对各乡镇落实情况开展专项督查。"
                    "（县政府督查室牵头，各乡镇人民政府，县直有关部门配合，持续推进）")
    d.add_paragraph("（六）落实属地责任。各乡镇制定本辖区实施计划。（各乡镇人民政府、县直有关部门按职责分工负责）")
    d.add_paragraph("（七）保障资金投入。统筹安排固体废物处置设施建设资金。（县财政局牵头）（2021年9月底前）")
    d.add_paragraph("三、保障措施")
    d.add_paragraph("（一）加强组织领导。各乡镇、各部门要把固体废物减量纳入重要议事日程。")
    d.save(str(path))
    return path


def test_every_wording_fills_lead_partners_and_deadline(tmp_path):
    tasks = import_superior(_plan(tmp_path / "县方案.docx")).data["key_tasks"]
    got = [(t["title"], t.get("lead", ""), t.get("partners", ""), t.get("deadline", "")) for t in tasks]
    assert got == [
        ("推进源头减量", "县工业和信息化局", "县发展改革局、县生态环境分局", "2021年底前"),
        ("开展宣传教育", "县教育局、团县委", "", "长期坚持"),
        ("建立协调机制", "县委宣传部、县文广旅体局", "", ""),
        ("完善监测体系", "县发展改革局", "", "2021年6月底前"),
        ("强化督促检查", "县政府督查室", "各乡镇人民政府，县直有关部门", "持续推进"),
        ("落实属地责任", "各乡镇人民政府、县直有关部门", "", ""),
        ("保障资金投入", "县财政局", "", "2021年9月底前"),
    ]


def test_the_bracket_leaves_the_task_text(tmp_path):
    tasks = import_superior(_plan(tmp_path / "县方案.docx")).data["key_tasks"]
    texts = [t.get("text", "") for t in tasks]
    assert texts[0] == "开展绿色设计和绿色供应链建设，减少固体废物产生量。"
    assert texts[2] == "建立部门联席会议制度，定期会商重点问题。"
    assert texts[6] == "统筹安排固体废物处置设施建设资金。"
    assert not any("牵头" in x or "责任单位" in x or "指导" in x or "完成时限" in x for x in texts), texts
