"""desktop.document: the blocks both exporters draw, checked with literal values."""

from __future__ import annotations

import pytest

from desktop import official as gb
from desktop.document import AnnexTable, Blank, PageBreak, Para, Signature, Title, build_document
from desktop.model import Task
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template
from tests.conftest import example_paths


@pytest.fixture(scope="module")
def doc():
    d = load_draft(example_paths()[0])
    return build_document(d, load_template(d.template))


def test_order_of_blocks(doc):
    kinds = [type(b).__name__ for b in doc.blocks]
    # notice: title, blank, recipients, body…, signature, note; then a new page for the plan
    assert kinds[:3] == ["Title", "Blank", "Para"]
    sig = kinds.index("Signature")
    assert kinds[sig + 1] == "Para" and doc.blocks[sig + 1].kind == "note"
    assert kinds[sig + 2] == "PageBreak" and kinds[sig + 3] == "Title"
    # the annex: 附件说明, a new page, 附件 label, blank, title, blank, table
    assert kinds[-7:] == ["Para", "PageBreak", "Para", "Blank", "Title", "Blank", "AnnexTable"]
    assert doc.blocks[-7].spans[0].text == "附件：佛山市2020年争做中国好网民工程重点活动安排表"
    assert doc.blocks[-5].spans[0].text == "附件" and doc.blocks[-5].spans[0].role == "heiti"


def test_titles(doc):
    titles = [b for b in doc.blocks if isinstance(b, Title)]
    assert [t.kind for t in titles] == ["notice", "plan", "annex"]
    assert titles[0].text == "关于印发《佛山市2020年争做中国好网民工程实施方案》的通知"
    assert titles[1].text == "佛山市2020年争做中国好网民工程实施方案"
    # at most 20 二号 cells a line (digits take half a cell)
    assert all(sum(0.5 if ch.isascii() else 1 for ch in line) <= 20 for t in titles for line in t.lines)
    assert titles[0].lines == ("关于印发《佛山市2020年争做中国好网民", "工程实施方案》的通知")


def test_heading_fonts_by_level(doc):
    heads = [b for b in doc.blocks if isinstance(b, Para) and b.kind in ("heading1", "heading2")]
    assert [h.spans[0].text for h in heads if h.kind == "heading1"] == ["一、工作目标", "二、重点任务", "三、工作要求"]
    assert {h.spans[0].role for h in heads if h.kind == "heading1"} == {"heiti"}
    assert {h.spans[0].role for h in heads if h.kind == "heading2"} == {"kaiti"}
    assert all(h.keep_with_next for h in heads)
    # 工作要求: a 楷体 lead-in inside a body paragraph
    reqs = [b for b in doc.blocks if isinstance(b, Para) and b.kind == "body" and b.spans[0].text.startswith("（一）")]
    assert reqs and reqs[0].spans[0].role == "kaiti" and reqs[0].spans[1].role == "fangsong"


def test_tasks_with_units_line():
    d = make_draft(tasks=1, activities=0, groups=1)
    d.plan.task_groups[0].tasks = [Task(id="a", title="开展活动", text="第一段。\n第二段。", lead="市教育局",
                                        partners=["市妇联"], deadline="2020-12-31")]
    doc = build_document(d, load_template(d.template))
    body = [b for b in doc.blocks if isinstance(b, Para) and b.kind == "body" and "开展活动" in b.text]
    assert body[0].text == "1.开展活动。第一段。"
    after = doc.blocks[doc.blocks.index(body[0]) + 1]
    assert after.text == "第二段。（牵头单位：市教育局；配合单位：市妇联；完成时限：2020年12月31日前）"


def test_annex_table(doc):
    table = next(b for b in doc.blocks if isinstance(b, AnnexTable))
    assert [c[0] for c in table.columns] == ["序号", "活动名称", "时间", "牵头单位", "配合单位"]
    assert [c[2] for c in table.columns] == ["center", "left", "center", "left", "left"]  # one rule for both outputs
    assert table.rows[0][0] == "1" and len(table.rows) == 5


def test_colophon(doc):
    c = doc.colophon
    assert c.cc == "抄送：省委网信办，省教育厅，省总工会，团省委，省妇联。"
    assert c.printer == "中共佛山市委网络安全和信息化委员会办公室秘书科" and c.print_date == "2020年5月13日印发"


def test_signature_by_the_standard_and_the_draft():
    d = make_draft(tasks=2, activities=0, issuers=3)
    t = load_template(d.template)
    d.notice.signature_layout = ""
    sealed = next(b for b in build_document(d, t).blocks if isinstance(b, Signature))
    assert sealed.seal and sealed.room_below == 1
    assert [ln.kind for ln in sealed.lines[:2]] == ["blank", "blank"]
    office = gb.Standard(signature_layout="no_seal")
    plain = next(b for b in build_document(d, t, office).blocks if isinstance(b, Signature))
    assert not plain.seal and plain.room_below == 0 and plain.lines[0].kind == "blank"
    assert [ln.kind for ln in plain.lines[1:]] == ["name", "name", "name", "date"]
    d.notice.signature_layout = "seal"  # the draft's own choice wins over the office's
    assert next(b for b in build_document(d, t, office).blocks if isinstance(b, Signature)).seal
    big = next(b for b in build_document(d, t, gb.Standard(seal_diameter_mm=50)).blocks if isinstance(b, Signature))
    assert big.room_below == 2


def test_document_carries_its_standard():
    d = make_draft(tasks=2, activities=0)
    std = gb.Standard(line_pitch_twips=584, exact_lines=True)
    doc = build_document(d, load_template(d.template), std)
    assert doc.standard is std and doc.standard.lines_per_page == 21
    assert build_document(d, load_template(d.template)).standard == gb.STANDARD


def test_no_annex_without_activities():
    d = make_draft(tasks=2, activities=0)
    doc = build_document(d, load_template(d.template))
    assert not any(isinstance(b, AnnexTable) for b in doc.blocks)
    assert not any(isinstance(b, Para) and b.text.startswith("附件") for b in doc.blocks)
    assert sum(isinstance(b, PageBreak) for b in doc.blocks) == 1
    assert isinstance(doc.blocks[1], Blank)
