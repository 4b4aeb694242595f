"""The coverage rules in one place (desktop.coverage), with literal expectations."""

from __future__ import annotations

from desktop import coverage
from desktop.model import Activity, Draft, Plan, Task, TaskGroup
from desktop.templates import load_template


def _draft() -> Draft:
    d = Draft(plan=Plan(goals="大力培育具备爱国主义精神、网络安全技能的好网民。"))
    d.plan.task_groups = [TaskGroup(title="一组",
                                    tasks=[Task(title="甲", upstream=[1, 3]), Task(title="", upstream=[3])]),
                          TaskGroup(title="二组", tasks=[Task(title="乙", text="养成文明用网习惯", upstream=[16])])]
    d.activities = [Activity(name="活动一", upstream=[2])]
    d.plan.upstream_exemptions = {"2": "N/A", "4": "本地没有此项工作"}
    return d


def test_task_answers_name_the_local_tasks():
    answers = coverage.task_answers(_draft())
    assert {u: [(a.path, a.label) for a in v] for u, v in answers.items()} == {
        1: [("plan.task_groups[0].tasks[0]", "（一）1. 甲")],
        3: [("plan.task_groups[0].tasks[0]", "（一）1. 甲"),
            ("plan.task_groups[0].tasks[1]", "（一）2. （未填写标题）")],
        16: [("plan.task_groups[1].tasks[0]", "（二）1. 乙")],
    }
    assert {u: [a.label for a in v] for u, v in coverage.activity_answers(_draft()).items()} == {2: ["1. 活动一"]}


def test_covered_means_answered_or_a_real_reason():
    d = _draft()
    assert [n for n in range(1, 17) if coverage.is_covered(d, n)] == [1, 3, 4, 16]
    assert coverage.real_reason("本地没有") and not coverage.real_reason("N/A 无")


def test_literacies_mentioned_in_goals_and_tasks():
    assert coverage.literacies_mentioned(_draft(), load_template("gd-2020-haowangmin")) == [
        True, False, True, True, False]


def test_overdue_formula_is_the_overdue_rule_in_excel():
    import datetime as dt

    from desktop.ledger.common import overdue_formula

    assert overdue_formula("$G2", "$I2", dt.date(2020, 10, 1), ("已完成", "不适用")) == \
        'AND(ISNUMBER($G2),$G2<DATE(2020,10,1),$I2<>"已完成",$I2<>"不适用")'
    assert overdue_formula("$G4", "$I4", None, ("已完成", "不适用")) == \
        'AND(ISNUMBER($G4),$G4<TODAY(),$I4<>"已完成",$I4<>"不适用")'
