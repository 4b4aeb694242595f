"""A template drawn from the superior document (desktop.superior).

Superior documents are written here as a clerk would meet them: the OCR copy
of the 2020 provincial plan, a provincial plan of another year with another
structure (tasks as （一）, an annex table) as Word and as PDF, a city plan
written in Word (groups, numbering restarting in each group, 牵头单位 in
brackets), and our own export of a city draft. Expected values are written
out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from desktop.checks import run_checks
from desktop.drafting import OfficeDefaults, new_draft
from desktop.superior import import_superior, import_text, template_json
from desktop.templates import load_template, parse_template, save_office_template
from tests.conftest import BUNDLED_EXAMPLE, ROOT
from tests.support.printed import SOFFICE

PROVINCIAL_2020 = ROOT / "resources" / "sources" / "gd-2020-haowangmin-work-plan.txt"
SHIPPED = ROOT / "desktop" / "templates" / "gd-2020-haowangmin.json"


def _tasks(data: dict) -> list[tuple]:
    return [(t["number"], t["group"], t["title"], t["text"], t["source_gap"],
             bool(t.get("text_cut_off")), bool(t.get("text_starts_mid_sentence"))) for t in data["key_tasks"]]


# --- the 2020 provincial text gives the shipped template --------------------------------

def test_provincial_2020_text_gives_the_shipped_template():
    derived = import_superior(PROVINCIAL_2020).data
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert _tasks(derived) == _tasks(shipped)
    assert derived["task_groups"] == shipped["task_groups"]
    assert derived["key_activities"] == shipped["key_activities"]
    assert derived["literacies"] == shipped["literacies"]
    assert derived["literacies_name"] == "基本素养"
    for key in ("doc_number", "title", "notice_title", "date", "issuers", "printer", "level"):
        assert derived["upstream"][key] == shipped["upstream"][key], key
    assert [(r["title"], r["text"], bool(r.get("text_cut_off"))) for r in derived["requirements"]] == \
        [(r["title"], r["text"], bool(r.get("text_cut_off"))) for r in shipped["requirements"]]
    assert derived["year"] == 2020
    assert derived["skeleton"]["sections"] == ["一、工作目标", "二、重点任务", "三、工作要求"]


def test_provincial_2020_counts_and_gaps_as_written():
    d = import_superior(PROVINCIAL_2020).data
    assert len(d["key_tasks"]) == 16 and len(d["key_activities"]) == 13 and len(d["literacies"]) == 5
    missing = [t["number"] for t in d["key_tasks"] if t["title"] is None and t["text"] is None]
    assert missing == [1, 2, 3, 4, 7, 10]
    assert [t["number"] for t in d["key_tasks"] if t["title"]] == [6, 9, 12, 13, 14, 15, 16]
    # the words a lost page cut are not completed
    assert d["key_tasks"][8]["text"].endswith("“纷享佛")
    assert d["key_activities"][12]["name"] == "清远小康“网”事系列短视频宣传活动"


def test_import_is_deterministic_and_loads():
    a = template_json(import_superior(PROVINCIAL_2020))
    b = template_json(import_superior(PROVINCIAL_2020))
    assert a == b
    t = parse_template(json.loads(a), "生成的模板")
    assert t.superior == "省级" and t.literacies_label == "五个基本素养"


def test_pasted_text_works_like_the_file():
    text = PROVINCIAL_2020.read_text(encoding="utf-8")
    assert _tasks(import_text(text).data) == _tasks(import_superior(PROVINCIAL_2020).data)


# --- a provincial plan of another year, another structure ------------------------------

OTHER_YEAR_TASKS = ["推进网络素养教育常态化", "壮大青年网络文明志愿者队伍", "建设网络文明示范基地",
                    "开展“清朗校园”专项行动", "打造网络正能量精品"]
OTHER_YEAR_ACTIVITIES = ["2022“网信普法进万家”活动", "青少年网络文明大会", "网络正能量短视频大赛",
                         "“e路护航”网络安全宣传月"]


def _other_year_docx(path: Path) -> Path:
    d = docx.Document()
    for organ in ("中共某某省委网络安全和信息化委员会办公室", "某某省教育厅"):
        d.add_paragraph(organ)
    d.add_paragraph("文件")
    d.add_paragraph("某委网办发〔2022〕3号")
    d.add_paragraph("关于印发《某某省2022年网络文明建设行动方案》的通知")
    d.add_paragraph("各市党委网信办、教育局：")
    d.add_paragraph("现将《某某省2022年网络文明建设行动方案》印发给你们，请认真贯彻落实。")
    d.add_paragraph("某某省2022年网络文明建设行动方案")
    d.add_paragraph("为推进网络文明建设，制定本方案。")
    d.add_paragraph("一、总体要求")
    d.add_paragraph("坚持以社会主义核心价值观为引领，聚焦三个重点群体，着力覆盖青少年、职工群众、妇女儿童等群体，营造清朗网络空间。")
    d.add_paragraph("二、主要任务")
    for i, title in enumerate(OTHER_YEAR_TASKS, start=1):
        d.add_paragraph(f"（{'一二三四五'[i - 1]}）{title}。围绕第{i}项工作，"
                        "组织各地各部门扎实推进相关工作，按期报送进展情况。")
    d.add_paragraph("三、保障措施")
    d.add_paragraph("（一）加强统筹协调。各地要明确责任分工。")
    d.add_paragraph("附件")
    d.add_paragraph("某某省2022年网络文明建设重点活动一览表")
    table = d.add_table(rows=1 + len(OTHER_YEAR_ACTIVITIES), cols=4)
    table.style = "Table Grid"  # ruled, as a clerk's table is
    for c, head in enumerate(("序号", "活动名称", "时间", "责任单位")):
        table.cell(0, c).text = head
    for r, name in enumerate(OTHER_YEAR_ACTIVITIES, start=1):
        for c, value in enumerate((str(r), name, f"2022年{r + 3}月", "省委网信办")):
            table.cell(r, c).text = value
    d.add_paragraph("某某省委网信办秘书处 2022年3月1日印发")
    d.save(str(path))
    return path


def _check_other_year(data: dict) -> None:
    assert data["year"] == 2022
    assert data["upstream"]["doc_number"] == "某委网办发〔2022〕3号"
    assert data["upstream"]["title"] == "某某省2022年网络文明建设行动方案"
    assert data["upstream"]["issuers"] == ["中共某某省委网络安全和信息化委员会办公室", "某某省教育厅"]
    assert [t["title"] for t in data["key_tasks"]] == OTHER_YEAR_TASKS
    assert [t["number"] for t in data["key_tasks"]] == [1, 2, 3, 4, 5]
    assert not any(t["source_gap"] for t in data["key_tasks"])
    assert [a["name"] for a in data["key_activities"]] == OTHER_YEAR_ACTIVITIES
    assert data["key_activities"][1]["time"] == "2022年5月" and data["key_activities"][1]["lead"] == "省委网信办"
    assert data["skeleton"]["sections"] == ["一、总体要求", "二、主要任务", "三、保障措施"]
    assert data["skeleton"]["plan"]["title"] == "{city}2022年网络文明建设行动方案"
    assert data["skeleton"]["default_city"] == "××市"
    # "三个重点群体" is announced with three items
    assert data["named_lists"] == [{"name": "三个重点群体", "items": ["青少年", "职工群众", "妇女儿童"]}]


def test_other_year_as_word(tmp_path):
    _check_other_year(import_superior(_other_year_docx(tmp_path / "2022方案.docx")).data)


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")
def test_other_year_as_pdf_from_word(tmp_path):
    src = _other_year_docx(tmp_path / "plan2022.docx")
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=240)
    _check_other_year(import_superior(tmp_path / "plan2022.pdf").data)


# --- a city's plan written in Word -----------------------------------------------------------

def _city_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("中共某某市委网络安全和信息化委员会办公室文件")
    d.add_paragraph("某网办〔2021〕7号")
    d.add_paragraph("关于印发《某某市2021年争做中国好网民工程实施方案》的通知")
    d.add_paragraph("各区党委网信办：")
    d.add_paragraph("现将《某某市2021年争做中国好网民工程实施方案》印发给你们，请结合实际认真组织实施。")
    d.add_paragraph("某某市2021年争做中国好网民工程实施方案")
    d.add_paragraph("一、工作目标")
    d.add_paragraph("聚焦五个基本素养，大力培育具备爱国主义精神、网络法治观念、文明用网习惯、网络安全技能、责任担当意识等素养的新时代中国好网民。")
    d.add_paragraph("二、重点任务")
    d.add_paragraph("（一）强化网络素养教育")
    d.add_paragraph("1. 开展网络素养进校园。组织网络安全主题班会。（牵头单位：市教育局；完成时限：2021年10月31日前）")
    d.add_paragraph("2. 开展教师轮训。依托信息技术应用能力提升工程开展教师轮训。")
    d.add_paragraph("牵头单位：市教育局")
    d.add_paragraph("（二）壮大好网民队伍")
    d.add_paragraph("1. 寻找职工好网民。面向全市职工征集好网民典型。"
                    "（牵头单位：市总工会；配合单位：团市委；完成时限：2021年11月30日前）")
    d.add_paragraph("三、工作要求")
    d.add_paragraph("（一）加强组织领导。各区要把好网民工程纳入重点工作。")
    d.add_paragraph("附件")
    d.add_paragraph("某某市2021年争做中国好网民工程重点活动安排表")
    d.add_paragraph("1. 寻找某某职工好网民活动")
    d.add_paragraph("2. 网络文明进社区活动")
    d.save(str(path))
    return path


def test_city_plan_in_word(tmp_path):
    data = import_superior(_city_docx(tmp_path / "市方案.docx")).data
    assert data["upstream"]["issuers"] == ["中共某某市委网络安全和信息化委员会办公室"]
    assert data["upstream"]["level"] == "市级"
    assert data["task_groups"] == [{"number": 1, "title": "强化网络素养教育"}, {"number": 2, "title": "壮大好网民队伍"}]
    assert [(t["number"], t["group"], t["title"]) for t in data["key_tasks"]] == [
        (1, 1, "开展网络素养进校园"), (2, 1, "开展教师轮训"), (3, 2, "寻找职工好网民")]
    first, second, third = data["key_tasks"]
    assert (first["lead"], first["deadline"]) == ("市教育局", "2021年10月31日前")
    assert first["text"] == "组织网络安全主题班会。"
    assert second["lead"] == "市教育局" and "deadline" not in second
    assert (third["lead"], third["partners"]) == ("市总工会", "团市委")
    assert [a["name"] for a in data["key_activities"]] == ["寻找某某职工好网民活动", "网络文明进社区活动"]
    assert data["skeleton"]["default_city"] == "××区"
    assert data["literacies"] == ["爱国主义精神", "网络法治观念", "文明用网习惯", "网络安全技能", "责任担当意识"]


# --- the cascade: our own export of a city draft ---------------------------------------------

FOSHAN_TASKS = ["开展青少年网络素养教育“双进”活动", "提升教师信息技术应用能力", "开展金融知识普及进校园",
                "开展“网聚职工正能量 争做中国好网民”系列活动", "团结培育青年好网民",
                "开展“小康路上她力量”短视频征集展播",
                "实施“纷享佛山”网络传播品牌行动", "开展网络公益和网络诚信宣传", "征集推广网络文化精品",
                "强化整体矩阵宣传", "加强网络普法宣传"]


@pytest.fixture(scope="module")
def foshan_exports(tmp_path_factory):
    from desktop.export import export_one
    from desktop.storage import load_draft

    out = tmp_path_factory.mktemp("foshan")
    draft = load_draft(BUNDLED_EXAMPLE)
    template = load_template(draft.template)
    for fmt in ("docx", "pdf"):
        export_one(draft, template, fmt, out / f"佛山.{fmt}")
    return out


@pytest.mark.parametrize("name", ["佛山.docx", "佛山.pdf", "draft"])
def test_our_city_export_is_a_superior_document(foshan_exports, name):
    path = BUNDLED_EXAMPLE if name == "draft" else foshan_exports / name
    data = import_superior(path).data
    assert [t["title"] for t in data["key_tasks"]] == FOSHAN_TASKS
    assert data["key_tasks"][0]["lead"] == "市教育局"
    assert data["key_tasks"][0]["partners"] == "团市委、市妇联"
    assert data["key_tasks"][0]["deadline"] == "2020年11月30日前"
    assert [a["name"] for a in data["key_activities"]][:2] == [
        "“纷享佛山”网络传播品牌行动", "佛山市青少年网络素养教育“双进”活动"]
    assert data["upstream"]["doc_number"] == "佛委网办〔2020〕9号"
    assert data["upstream"]["level"] == "市级"
    assert len(data["task_groups"]) == 4


def test_district_draft_from_city_template_reports_each_task_by_title(foshan_exports):
    template = save_office_template(import_superior(foshan_exports / "佛山.docx").data)
    draft = new_draft(template, OfficeDefaults(city="禅城区"))
    assert draft.plan.title == "禅城区2020年争做中国好网民工程实施方案"
    problems = [p for p in run_checks(draft, template) if p.rule == "task-coverage"]
    assert len(problems) == 11
    for p, title in zip(problems, FOSHAN_TASKS):
        assert f"（{title}）" in p.message and p.message.startswith("市级第")
    # the template is found again by id (the draft names it)
    assert load_template(template.id).key_tasks[0].units == (
        "（牵头单位：市教育局；配合单位：团市委、市妇联；完成时限：2020年11月30日前）")


def test_template_statuses_reach_checks_ledger_and_merge(tmp_path):
    import openpyxl

    from desktop.export import export_one
    from desktop.ledger.merge import merge_ledgers
    from desktop.model import Progress

    data = import_superior(_city_docx(tmp_path / "市方案.docx")).data
    data["ledger"]["statuses"] = ["未启动", "推进中", "已完成", "不适用"]
    template = save_office_template(data)
    draft = new_draft(template, OfficeDefaults(city="某某区"))
    draft.progress["x"] = Progress(status="推进中")
    assert not [p for p in run_checks(draft, template) if p.rule == "progress-status"]
    draft.progress["x"] = Progress(status="进行中")
    assert [p for p in run_checks(draft, template) if p.rule == "progress-status"]
    del draft.progress["x"]
    from desktop.model import Task, TaskGroup
    draft.plan.task_groups = [TaskGroup(title="分组", tasks=[Task(id="t1", title="网络素养进社区", lead="区教育局",
                                                                deadline="2021-10-31", upstream=[1])])]
    ledger = tmp_path / "区-台账.xlsx"
    export_one(draft, template, "xlsx", ledger)
    wb = openpyxl.load_workbook(ledger)
    ws = wb[template.ledger.sheet]
    options = [c.value for row in wb["选项"].iter_rows() for c in row]
    assert "推进中" in options and "未启动" in options and "进行中" not in options
    assert ws.data_validations.dataValidation  # the status column offers them
    header = [c.value for row in ws.iter_rows(max_row=6) for c in row]
    assert "对应市级任务或活动" in header
    out = tmp_path / "汇总.xlsx"
    report = merge_ledgers([ledger], out, template=template)
    assert out.exists() and not report.skipped


# --- the command line -----------------------------------------------------------------------

def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})


def test_cli_template_import_then_new(tmp_path):
    r = _cli("template", "import", str(PROVINCIAL_2020), "-o", "省2020.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "重点任务 16 项" in r.stdout and "重点活动 13 项" in r.stdout and "五个基本素养" in r.stdout
    r = _cli("new", "--template", "省2020.json", "--city", "韶关市", "-o", "a.plan.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = _cli("check", "a.plan.json", cwd=tmp_path)
    assert "省级第 6 项重点任务（团结培育青年好网民）还没有对应的本地任务" in r.stdout
    # never over the superior document itself, never over an existing file without --force
    r = _cli("template", "import", "省2020.json", "-o", "省2020.json", cwd=tmp_path)
    assert r.returncode != 0 and "上级文件本身" in r.stderr
    r = _cli("template", "import", str(PROVINCIAL_2020), "-o", "a.plan.json", cwd=tmp_path)
    assert r.returncode != 0 and "已存在" in r.stderr


def test_cli_bad_superior_files_give_plain_messages(tmp_path):
    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04 not a zip")
    r = _cli("template", "import", "坏.docx", "-o", "t.json", cwd=tmp_path)
    assert r.returncode != 0 and "坏.docx" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "通知.txt").write_text("关于开会的通知\n请各单位准时参加。\n", encoding="utf-8")
    r = _cli("template", "import", "通知.txt", "-o", "t.json", cwd=tmp_path)
    assert r.returncode != 0 and "找不到方案标题" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "t.json").exists()


def test_encrypted_pdf_gives_a_plain_message(foshan_exports, tmp_path):
    from pypdf import PdfReader, PdfWriter

    from desktop.errors import TemplateError

    writer = PdfWriter()
    for page in PdfReader(str(foshan_exports / "佛山.pdf")).pages:
        writer.add_page(page)
    writer.encrypt("口令123", algorithm="AES-256")
    locked = tmp_path / "加密.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    with pytest.raises(TemplateError) as err:
        import_superior(locked)
    assert "加密.pdf" in str(err.value) and "加密的 PDF" in str(err.value)


def test_cli_merge_uses_the_plans_template(tmp_path):
    import openpyxl

    from desktop.export import export_one
    from desktop.model import Progress, Task, TaskGroup

    data = import_superior(_city_docx(tmp_path / "市方案.docx")).data
    data["ledger"]["statuses"] = ["未启动", "推进中", "已完成", "不适用"]
    template = save_office_template(data)
    draft = new_draft(template, OfficeDefaults(city="某某区"))
    draft.notice.issuers = ["某某区委网信办"]
    draft.plan.task_groups = [TaskGroup(title="分组", tasks=[Task(id="t1", title="网络素养进社区", lead="区教育局",
                                                                deadline="2021-10-31", upstream=[1])])]
    draft.progress["t1"] = Progress(status="推进中", percent=40)
    export_one(draft, template, "xlsx", tmp_path / "区-台账.xlsx")
    r = _cli("ledger", "merge", "区-台账.xlsx", "-o", "汇总.xlsx", "--template", template.id, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(tmp_path / "汇总.xlsx").worksheets[0]
    assert "推进中" in [c.value for row in ws.iter_rows() for c in row]
    # with the 2020 plan's statuses the row is refused, and says why
    r = _cli("ledger", "merge", "区-台账.xlsx", "-o", "汇总2.xlsx", cwd=tmp_path)
    assert "推进中" in r.stdout + r.stderr


def _guangzhou_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("广州市2023年争做中国好网民工程工作方案")
    d.add_paragraph("二、重点任务")
    d.add_paragraph("1. 开展网络文明进校园活动（牵头单位：市教育局；完成时限：2023年6月）")
    d.add_paragraph("2. 开展网络安全宣传周活动。组织网络安全宣传。（牵头单位：市委网信办；完成时限：2023年9月）")
    d.add_paragraph("附件1")
    d.add_paragraph("广州市2023年重点活动表")
    table = d.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for r, row in enumerate([("序号", "活动名称", "时间"), ("1", "网络文明周", "2023年5月"),
                             ("", "系列活动", ""), ("2", "普法短视频大赛", "2023年8月")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("附件2")
    d.add_paragraph("各区联络员名单")
    contacts = d.add_table(rows=2, cols=3)
    for c, value in enumerate(("单位名称", "联系人", "电话")):
        contacts.cell(0, c).text = value
    for c, value in enumerate(("越秀区委网信办", "张三", "12345678")):
        contacts.cell(1, c).text = value
    d.save(str(path))
    return path


def test_what_a_clerks_review_found(tmp_path):
    data = import_superior(_guangzhou_docx(tmp_path / "广州.docx")).data
    # 州 inside a place name: 广州市 is the city, and a district's title drops it
    assert data["upstream"]["level"] == "市级"
    assert data["skeleton"]["plan"]["title"] == "{city}2023年争做中国好网民工程实施方案"
    # units in brackets right after a title
    first, second = data["key_tasks"]
    assert (first["title"], first["lead"], first["deadline"], first["source_gap"]) == \
        ("开展网络文明进校园活动", "市教育局", "2023年6月", False)
    assert (second["title"], second["text"], second["lead"]) == \
        ("开展网络安全宣传周活动", "组织网络安全宣传。", "市委网信办")
    # a row the page (or the clerk) broke continues the one above; 附件2 is not activities
    assert [(a["name"], a.get("time")) for a in data["key_activities"]] == [
        ("网络文明周系列活动", "2023年5月"), ("普法短视频大赛", "2023年8月")]
    assert any("附件2（各区联络员名单）不是重点活动" in n for n in data["import"]["notes"])


def test_a_document_read_differently_gets_its_own_template_id(tmp_path):
    a = import_superior(_guangzhou_docx(tmp_path / "广州.docx")).data
    again = import_superior(_guangzhou_docx(tmp_path / "广州2.docx")).data
    assert a["id"] == again["id"]  # the same content, the same id
    d = docx.Document(str(tmp_path / "广州.docx"))
    d.paragraphs[2].text = "1. 开展网络文明进社区活动（牵头单位：市教育局；完成时限：2023年6月）"
    d.save(str(tmp_path / "广州3.docx"))
    assert import_superior(tmp_path / "广州3.docx").data["id"] != a["id"]


def test_review_dialog_keeps_the_gaps(qtbot):
    from desktop.ui.superior_dialog import SuperiorDialog

    derived = import_superior(PROVINCIAL_2020)
    dialog = SuperiorDialog(derived)
    qtbot.addWidget(dialog)
    data = dialog.result_data()
    assert _tasks(data) == _tasks(derived.data)  # accepting unchanged changes nothing
    assert dialog.tasks.item(5, 3).text().endswith("…（后文缺失）")  # task 6 is cut off
    assert dialog.tasks.item(4, 3).text().startswith("（前文缺失）…")  # task 5 is a surviving tail


def test_cli_old_word_files_and_new_folders(tmp_path):
    (tmp_path / "上级.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    r = _cli("template", "import", "上级.doc", "-o", "t.json", cwd=tmp_path)
    assert r.returncode != 0 and "上级.doc" in r.stderr and "另存为" in r.stderr
    r = _cli("template", "import", str(PROVINCIAL_2020), "-o", "模板/省2020.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "模板" / "省2020.json").is_file()
    (tmp_path / "坏.pdf").write_bytes(b"%PDF-1.4 not really")
    r = _cli("template", "import", "坏.pdf", "-o", "t2.json", cwd=tmp_path)
    assert r.returncode != 0 and "坏.pdf" in r.stderr
    assert "EOF marker" not in r.stderr and "Traceback" not in r.stderr  # no English from the PDF library


def test_the_district_notice_takes_only_the_issuing_sentence(foshan_exports):
    for name in ("佛山.docx", "佛山.pdf"):
        body = import_superior(foshan_exports / name).data["skeleton"]["notice"]["body"]
        assert body == "现将《{plan_title}》印发给你们，请结合实际认真组织实施。", name
