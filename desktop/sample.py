"""Generated drafts of any size, for benchmarks, tests and demonstrations.

Deterministic for a given seed, so a benchmark measures the same work twice.
"""

from __future__ import annotations

import random

from desktop.model import Activity, Draft, Notice, Plan, Progress, Requirement, Task, TaskGroup

_ORGANS = [
    "中共清远市委网络安全和信息化委员会办公室", "清远市教育局", "清远市总工会",
    "共青团清远市委员会", "清远市妇女联合会", "中国人民银行清远市中心支行",
]
_UNITS = ["市委网信办", "市教育局", "市总工会", "团市委", "市妇联", "市文化广电旅游体育局", "市司法局",
          "各县（市、区）党委网信办"]
_PHRASES = [
    "组织开展网络素养教育进校园、进家庭活动", "推动网络文明志愿服务常态化", "加强网络安全知识普及",
    "培育具有地方特色的好网民活动品牌", "引导网民树立网络法治观念", "提升青少年文明用网习惯",
    "建设互动传播矩阵，充分利用短视频、直播等形式", "增强网民责任担当意识和爱国主义精神",
    "定期报送工作进展情况", "挖掘并宣传一批网络正能量典型",
]
LITERACIES = "爱国主义精神、网络法治观念、文明用网习惯、网络安全技能、责任担当意识"


def make_draft(tasks: int = 30, activities: int = 10, issuers: int = 1, groups: int = 4,
               paragraph_chars: int = 90, seed: int = 2020) -> Draft:
    """A complete, valid draft with ``tasks`` tasks in ``groups`` groups."""
    rnd = random.Random(seed)
    organs = _ORGANS[: max(1, min(issuers, len(_ORGANS)))]
    plan_title = "清远市2020年争做中国好网民工程实施方案"
    notice = Notice(
        issuers=list(organs), doc_number="清委网办〔2020〕8号",
        recipients="各县（市、区）党委网信办、教育局，市直有关单位",
        body=f"现将《{plan_title}》印发给你们，请结合实际认真组织实施。",
        signatures=list(organs), date="2020-05-18", note="联系人：李华，电话：0763-3362000",
        cc=["省委网信办", "省教育厅"], printer="中共清远市委网络安全和信息化委员会办公室秘书科",
        print_date="2020-05-19",
    )

    def text(n: int) -> str:
        out = ""
        while len(out) < n:
            out += rnd.choice(_PHRASES) + "，"
        return out[: n - 1].rstrip("，") + "。"

    task_groups = [TaskGroup(title=f"第{g + 1}组重点任务：{rnd.choice(_PHRASES)}") for g in range(max(1, groups))]
    for i in range(tasks):
        task = Task(
            id=f"t{i + 1}", title=f"{rnd.choice(_PHRASES)}（第{i + 1}项）", text=text(paragraph_chars),
            lead=rnd.choice(_UNITS), partners=rnd.sample(_UNITS, k=rnd.randint(0, 2)),
            deadline=f"2020-{rnd.randint(6, 12):02d}-{rnd.randint(1, 28):02d}",
            upstream=[(i % 16) + 1],
        )
        task_groups[i % len(task_groups)].tasks.append(task)
    acts = [
        Activity(id=f"a{i + 1}", name=f"{rnd.choice(_PHRASES)}主题活动（第{i + 1}场）",
                 time=f"2020年{rnd.randint(6, 12)}月",
                 lead=rnd.choice(_UNITS), partners=rnd.sample(_UNITS, k=rnd.randint(0, 2)), upstream=[(i % 13) + 1])
        for i in range(activities)
    ]
    progress = {
        f"t{i + 1}": Progress(status=rnd.choice(["未开始", "进行中", "延期"]), percent=rnd.randint(0, 90),
                              summary=text(30), evidence="照片、新闻稿", updated="2020-07-01")
        for i in range(0, tasks, 3)
    }
    plan = Plan(
        title=plan_title,
        preamble="为深入贯彻落实习近平总书记关于“培育中国好网民”的重要指示精神，根据《广东省2020年争做中国好网民工程工作方案》要求，结合我市实际，制定本方案。",
        goals=f"聚焦五个基本素养，大力培育具备{LITERACIES}等素养的新时代中国好网民。" + text(paragraph_chars),
        task_groups=task_groups,
        requirements=[Requirement(title="加强组织领导", text=text(paragraph_chars)),
                      Requirement(title="及时报送进展", text=text(paragraph_chars))],
    )
    # A fixed identity per seed: identical input, identical outputs.
    return Draft(id=f"{seed:016x}", notice=notice, plan=plan, activities=acts, progress=progress)
