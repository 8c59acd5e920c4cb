"""A synthetic but realistic input workbook for the benchmark, deterministic from a seed.

    python bench/make_input.py S out.xlsx        # S, M, L: 1,000 / 10,000 / 100,000 indicator rows

Projects spread over 30 units with ~10 indicators each (the shape of seeds 000-003), 21 cities with
allocations in three directions, their tasks and targets (seed 001), and a self-evaluation of 30
indicators whose weights add up (seed 004).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

SIZES = {"S": 1_000, "M": 10_000, "L": 100_000}
CITIES = ["广州", "深圳", "珠海", "汕头", "佛山", "韶关", "河源", "梅州", "惠州", "汕尾", "东莞", "中山", "江门", "阳江", "湛江",
          "茂名", "肇庆", "清远", "潮州", "揭阳", "云浮"]
DIRECTIONS = ["企业情况综合", "支持先进制造业集群培育", "中小企业服务"]
LEVELS = [("产出指标", "数量指标"), ("产出指标", "数量指标"), ("产出指标", "数量指标"), ("产出指标", "质量指标"),
          ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("效益指标", "经济效益指标"), ("效益指标", "社会效益指标"),
          ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标")]
SUBJECTS = ["企业数据采集", "政策宣讲", "专项审计", "工业设计大赛", "清洁生产审核", "中小企业培训", "数字化转型诊断",
            "产业链招商", "园区智能电表改造", "技术改造项目", "专精特新企业培育", "公共服务平台建设"]
VALUES = ["≥{n}次", "至少{n}场", "{n}家", "≥{n}%", "不少于{n}人次", "{n}个", "是", "合规", "有所提高", "≥90%",
          "{n}万家次", "100%"]
PHRASES = ["完成年度目标任务", "提升服务质量和水平", "推动制造业高质量发展", "加强专项资金管理", "强化经济运行监测分析",
           "促进企业转型升级", "提高财政资金使用效益", "营造良好营商环境"]


def make(size: str, path: Path, seed: int = 2024) -> None:
    import xlsxwriter

    rows = SIZES[size]
    rnd = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "constant_memory": True})

    info = book.add_worksheet("文件信息")
    for r, pair in enumerate([("字段", "值"), ("资金名称", "2025年度工业和信息化专项资金"), ("年度", "2025"),
                              ("部门名称", "某省工业和信息化厅"), ("金额单位", "万元")]):
        info.write_row(r, 0, pair)

    projects = book.add_worksheet("项目")
    projects.write_row(0, 0, ["项目名称", "资金使用单位", "财政拨款", "其他资金", "总体绩效目标"])
    names = []
    for p in range(rows // 10):
        name = f"{rnd.choice(SUBJECTS)}项目{p + 1:06d}"
        names.append(name)
        overview = "；".join(rnd.sample(PHRASES, rnd.randint(2, 5))) + "。"
        other = round(rnd.uniform(0, 50), 2) if rnd.random() < 0.2 else None
        projects.write_row(p + 1, 0, [name, f"单位{p % 30 + 1:02d}", round(rnd.uniform(5, 5000), 2), other, overview])

    indicators = book.add_worksheet("指标")
    indicators.write_row(0, 0, ["项目名称", "地市", "一级指标", "二级指标", "三级指标", "指标值"])
    r = 1
    for name in names:
        for level1, level2 in LEVELS:
            value = rnd.choice(VALUES).format(n=rnd.randint(1, 500))
            indicators.write_row(r, 0, [name, None, level1, level2, f"{rnd.choice(SUBJECTS)}{rnd.choice(['数量', '完成率', '满意度', '及时性'])}", value])
            r += 1
    for direction in DIRECTIONS:
        for city in CITIES:
            for level1, level2 in LEVELS[:5]:
                indicators.write_row(r, 0, [direction, city, level1, level2, f"{direction}{level2}", str(rnd.randint(1, 9000))])
                r += 1

    allocations = book.add_worksheet("资金分配")
    allocations.write_row(0, 0, ["地区", "资金方向", "金额", "总体绩效目标"])
    tasks = book.add_worksheet("地市任务")
    tasks.write_row(0, 0, ["地市", "资金投入方向", "工作任务名称", "任务要求/目标", "任务性质", "实施方式", "实施标准",
                           "工作量（家次）", "完成时限"])
    a = t = 1
    for direction in DIRECTIONS:
        for city in CITIES:
            allocations.write_row(a, 0, [f"{city}市工业和信息化主管部门", direction, round(rnd.uniform(20, 700), 1),
                                         f"完成省下达的{direction}任务"])
            tasks.write_row(t, 0, [city, direction, f"{direction}工作", "按时按质完成当年度任务", "约束性任务", "工作经费",
                                   "详见当年工作通知", rnd.randint(100, 9000), "2025年1月至2025年11月"])
            a += 1
            t += 1
    _evaluation(book, rnd)
    book.close()


def _evaluation(book, rnd: random.Random) -> None:
    """A self-evaluation of 30 indicators: 产出 50 (数量 30, 质量 20), 效益 30, 满意度 10, 决策 10."""
    info = book.add_worksheet("自评信息")
    pairs = [("字段", "值"), ("填报单位名称", "某市工业和信息化局"), ("项目名称", "工业发展管理经费"), ("评价年度", "2025年"),
             ("评价金额", 1000), ("预算计划安排", 1000), ("实际分配下达_本级", 1000), ("实际支出_本级", 920),
             ("待支付金额", 30), ("预算调减", 0), ("评分规则", "比例")]
    for r, pair in enumerate(pairs):
        info.write_row(r, 0, pair)
    sheet = book.add_worksheet("自评指标")
    sheet.write_row(0, 0, ["一级指标", "一级权重", "二级指标", "二级权重", "三级指标", "权重", "预期值", "实现值", "评分方式",
                           "完成比例"])
    groups = [("决策", 10, [("资金管理", 10, 1, "支出率")]), ("产出", 50, [("数量指标", 30, 12, "定量"), ("质量指标", 20, 8, "定量")]),
              ("效益", 30, [("社会效益指标", 30, 6, "定性")]), ("满意度", 10, [("满意度指标", 10, 3, "定量")])]
    r = 1
    for level1, weight1, seconds in groups:
        for level2, weight2, count, method in seconds:
            for k in range(count):
                weight = round(weight2 / count, 4)
                target = rnd.randint(5, 100)
                actual = target + rnd.randint(-3, 10)
                row = [level1, weight1, level2, weight2, f"{level2}{k + 1}", weight,
                       f"≥{target}" if method == "定量" else "有所提高", str(actual) if method == "定量" else "有提高",
                       method, 90 if method == "定性" else None]
                sheet.write_row(r, 0, row)
                r += 1


if __name__ == "__main__":
    make(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 2024)
