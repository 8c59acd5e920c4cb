"""Self-evaluation scoring: both rule sets of scoring.md, weights and bands checked with located errors."""

from __future__ import annotations

import contextlib

import pytest

from xlreports.compute import build_context
from xlreports.compute.scoring import grade_of, in_band, qualitative, quantitative, round2, spending
from xlreports.model import GradeBand
from xlreports.problems import InputError, Problems
from xlreports.validate import read_input

DEFAULT_GRADES = [GradeBand("优", 90), GradeBand("良", 80), GradeBand("中", 60), GradeBand("差", 0)]


# --- the rules, case by case ----------------------------------------------------------------

@pytest.mark.parametrize("rule", ["比例", "一体化"])
def test_positive(rule):
    assert quantitative(rule, "positive", 2.22, 300, 305) == 2.22   # B ≥ A: the weight, never more
    assert quantitative(rule, "positive", 2.22, 300, 150) == 1.11   # B / A × w
    assert quantitative(rule, "positive", 10, 5, -3) == 0           # a negative B counts as 0
    assert quantitative(rule, "positive", 10, 0, 0) == 10           # ≥ 0 is always reached


@pytest.mark.parametrize("rule", ["比例", "一体化"])
def test_exact_with_a_zero_target(rule):
    assert quantitative(rule, "exact", 5, 0, 0) == 5
    assert quantitative(rule, "exact", 5, 0, -1) == 5
    assert quantitative(rule, "exact", 5, 0, 3) == 0
    assert quantitative(rule, "exact", 5, 4, 3) == 3.75             # otherwise as positive


def test_reverse_integrated():
    assert quantitative("一体化", "reverse", 10, 10, 8) == 10       # B ≤ A
    assert quantitative("一体化", "reverse", 10, 10, 15) == 5       # (1 − (B − A) / A) × w
    assert quantitative("一体化", "reverse", 10, 10, 19) == 1
    assert quantitative("一体化", "reverse", 10, 10, 20) == 0       # B ≥ 2A
    assert quantitative("一体化", "reverse", 10, 10, 35) == 0
    assert quantitative("一体化", "reverse", 10, 0, 0) == 10        # A = 0: w if B ≤ 0
    assert quantitative("一体化", "reverse", 10, 0, 2) == 0


def test_reverse_proportional():
    assert quantitative("比例", "reverse", 10, 10, 8) == 10         # capped at the weight
    assert quantitative("比例", "reverse", 10, 10, 20) == 5         # A / B × w
    assert quantitative("比例", "reverse", 10, 10, 40) == 2.5       # no floor at 2A
    assert quantitative("比例", "reverse", 10, 10, 0) == 10


def test_qualitative_ratio_and_bands():
    assert qualitative(3.33, 100) == 3.33
    assert qualitative(3.33, 0) == 0
    assert qualitative(10, 85) == 8.5
    assert in_band("达成", 80) and in_band("达成", 100) and not in_band("达成", 79.9)
    assert in_band("部分达成", 60) and in_band("部分达成", 79.9) and not in_band("部分达成", 80)
    assert in_band("未达成", 0) and in_band("未达成", 59.9) and not in_band("未达成", 60)


def test_spending_rate_is_capped_at_one():
    assert spending(12, 1033.48 + 100.63, 1435 - 300) == 11.99    # seed 004's 资金支出率
    assert spending(10, 1200, 1000) == 10
    assert spending(10, 950, 1000) == 9.5
    assert spending(10, 5, 0) == 0


def test_rounding_is_half_up_like_excel():
    assert round2(2.675) == 2.68
    assert round2(1.005) == 1.01
    assert round2(-1.005) == -1.01
    assert round2(11.990660792951542) == 11.99


def test_grades():
    assert grade_of(96.66, DEFAULT_GRADES) == "优"
    assert grade_of(90, DEFAULT_GRADES) == "优"
    assert grade_of(89.99, DEFAULT_GRADES) == "良"
    assert grade_of(80, DEFAULT_GRADES) == "良"
    assert grade_of(79.99, DEFAULT_GRADES) == "中"
    assert grade_of(59.99, DEFAULT_GRADES) == "差"


# --- whole workbooks: weights, bands, rule choice ---------------------------------------------

HEADER = ["一级指标", "一级权重", "二级指标", "二级权重", "三级指标", "权重", "预期值", "实现值", "评分方式", "完成比例",
          "完成档次", "自评分数"]


def rows(*indicators):
    return [HEADER, *[list(r) + [None] * (len(HEADER) - len(r)) for r in indicators]]


def info(**extra):
    return [["字段", "值"], ["项目名称", "测试项目"], ["预算计划安排", 1000], ["实际支出_本级", 900],
            *[[k, v] for k, v in extra.items()]]


GOOD = [
    ("产出", 60, "数量指标", 40, "培训场次", 20, "≥5", "4", "定量"),
    (None, None, None, None, "培训人数", 20, "100人", "100人", "定量"),
    (None, None, "时效指标", 20, "按时完成率", 20, "100%", "100%", "定量"),
    ("效益", 30, "社会效益指标", 30, "政策知晓度", 30, "有所提高", "有提高", "定性", 70, "部分达成"),
    ("满意度", 10, "服务对象满意度指标", 10, "企业满意度", 10, "≥90%", "95%", "定量"),
]


def evaluate(workbook, indicators, **extra):
    problems = Problems()
    path = workbook({"自评信息": info(**extra), "自评指标": rows(*indicators)})
    data = read_input(path, problems)
    context = build_context(data, problems)
    return context["evaluation"], problems


def errors(workbook, indicators, **extra) -> list[str]:
    problems = Problems()
    path = workbook({"自评信息": info(**extra), "自评指标": rows(*indicators)})
    with contextlib.suppress(InputError):
        build_context(read_input(path, problems), problems)
    return [str(p) for p in problems.errors]


def test_scores_groups_total_and_grade(workbook):
    evaluation, problems = evaluate(workbook, GOOD)
    assert not problems.errors
    assert [i.score for i in evaluation.indicators] == [16, 20, 20, 21, 10]
    assert [(g.name, g.weight, g.score) for g in evaluation.groups] == [("产出", 60, 56), ("效益", 30, 21),
                                                                       ("满意度", 10, 10)]
    assert (evaluation.total, evaluation.grade) == (87, "良")
    assert [(s.name, s.count, s.complete) for s in evaluation.summary] == [
        ("产出指标", 3, 2), ("效益指标", 1, 0), ("满意度指标", 1, 1)]


def test_weights_on_every_row_equal_weights_on_the_first_row(workbook):
    every = [GOOD[0], ("产出", 60, "数量指标", 40, "培训人数", 20, "100人", "100人", "定量"), *GOOD[2:]]
    evaluation, problems = evaluate(workbook, every)
    assert not problems.errors
    assert [g.weight for g in evaluation.groups] == [60, 30, 10]


def test_a_level_that_is_not_the_sum_of_its_children(workbook):
    wrong = [("产出", 60, "数量指标", 35, *GOOD[0][4:]), *GOOD[1:]]
    (error,) = errors(workbook, wrong)
    assert error.startswith("自评指标!D2：二级指标「数量指标」的权重 35 与其三级指标权重之和 40 不一致（第 2–3 行）")

    wrong = [("产出", 65, *GOOD[0][2:]), *GOOD[1:4], ("满意度", 5, *GOOD[4][2:])]
    found = errors(workbook, wrong)
    assert found[0].startswith("自评指标!B2：一级指标「产出」的权重 65 与其二级指标权重之和 60 不一致（第 2–4 行）")
    assert found[1].startswith("自评指标!B6：一级指标「满意度」的权重 5 与其二级指标权重之和 10 不一致（第 6 行）")


def test_a_total_of_99(workbook):
    short = [*GOOD[:4], ("满意度", 9, "服务对象满意度指标", 9, "企业满意度", 9, "≥90%", "95%", "定量")]
    (error,) = errors(workbook, short)
    assert error.startswith("自评指标!B2:B6：全部一级指标的权重合计为 99，应为 100："
                            "产出 60（第 2–4 行）、效益 30（第 5 行）、满意度 9（第 6 行）")


def test_weights_within_a_hundredth_are_accepted(workbook):
    thirds = [("产出", 100, "数量指标", 100, "甲", 33.33, "1", "1", "定量"),
              (None, None, None, None, "乙", 33.33, "1", "1", "定量"),
              (None, None, None, None, "丙", 33.33, "1", "1", "定量")]
    evaluation, problems = evaluate(workbook, thirds)
    assert not problems.errors and evaluation.total == 99.99


def test_a_qualitative_ratio_outside_its_band(workbook):
    wrong = [*GOOD[:3], ("效益", 30, "社会效益指标", 30, "政策知晓度", 30, "有所提高", "有提高", "定性", 85, "部分达成"),
             GOOD[4]]
    (error,) = errors(workbook, wrong)
    assert error.startswith("自评指标!J5：「政策知晓度」（第 5 行）的完成比例 85 不在「部分达成」档次的范围内"
                            "（按完成比例应为「达成」）")
    assert "60（含）–80" in error


def test_weight_typed_twice_differently(workbook):
    twice = [GOOD[0], ("产出", 50, "数量指标", 40, "培训人数", 20, "100人", "100人", "定量"), *GOOD[2:]]
    assert errors(workbook, twice)[0].startswith("自评指标!B3：一级指标「产出」的权重前后不一致：B2 为 60，本格为 50")


def test_rows_of_a_group_must_be_adjacent(workbook):
    split = [GOOD[0], GOOD[3], ("产出", None, "时效指标", 20, "按时完成率", 20, "100%", "100%", "定量"), GOOD[4]]
    assert any(e.startswith("自评指标!A4：一级指标「产出」的行不相邻（第 2 行已出现") for e in errors(workbook, split))


def test_what_each_method_needs(workbook):
    found = errors(workbook, [
        ("产出", 100, "数量指标", 100, "甲", 25, "有所提高", "有提高", "定量"),
        (None, None, None, None, "乙", 25, "≥5", "很多", "定量"),
        (None, None, None, None, "丙", 25, "合规", "合规", "定性"),
        (None, None, None, None, "丁", 25, "合规", "合规", "估算"),
    ])
    assert found == [
        "自评指标!G2：预期值不是数值，不能按定量计分（值为「有所提高」；应为例如 ≥5、100次、90%以上；文字目标请把评分方式改为“定性”并填写完成比例）",
        "自评指标!H2：实现值不是数值，不能按定量计分（值为「有提高」；应为例如 305、2368件；文字实现值请把评分方式改为“定性”并填写完成比例）",
        "自评指标!H3：实现值不是数值，不能按定量计分（值为「很多」；应为例如 305、2368件；文字实现值请把评分方式改为“定性”并填写完成比例）",
        "自评指标!J4：定性指标需要填写「完成比例」（0–100）（应为达成 80–100，部分达成 60–80，未达成 0–60）",
        "自评指标!I5：评分方式「估算」无法识别（值为「估算」；应为定量、定量反向、定性、支出率 或 手工）",
    ]


def test_rule_set_is_chosen_in_the_info_sheet(workbook):
    cost = [("产出", 100, "成本指标", 100, "单位成本", 100, "≤10万元", "15万元", "定量")]
    proportional, _ = evaluate(workbook, cost)
    integrated, _ = evaluate(workbook, cost, 评分规则="一体化")
    assert (proportional.rule, proportional.total) == ("比例", 66.67)   # 10 / 15 × 100
    assert (integrated.rule, integrated.total) == ("一体化", 50)        # (1 − 5 / 10) × 100


def test_manual_scores_and_spending_rate(workbook):
    evaluation, problems = evaluate(workbook, [
        ("决策", 20, "资金管理", 20, "预算执行率", 20, None, None, "支出率"),
        ("产出", 80, "数量指标", 80, "专家评审", 80, "良好", "良好", "手工", None, None, 72.5),
    ], 待支付金额=50, 预算调减=100)
    assert not problems.errors
    assert [i.score for i in evaluation.indicators] == [20, 72.5]   # (900 + 50) / (1000 − 100) ≥ 1
    assert errors(workbook, [("产出", 100, "数量指标", 100, "专家评审", 100, None, None, "手工", None, None, 101)]) == [
        "自评指标!L2：自评分数 101 应在 0 与权重 100 之间（应为0–100）"]


def test_grade_bands_can_be_configured(workbook):
    evaluation, problems = evaluate(workbook, GOOD, 等级划分="优秀≥95；合格≥85；不合格")
    assert not problems.errors
    assert [(g.name, g.minimum) for g in evaluation.grades] == [("优秀", 95), ("合格", 85), ("不合格", 0)]
    assert evaluation.grade == "合格"
    assert errors(workbook, GOOD, 等级划分="优≥80；良≥90；差") == [
        "自评信息!B5：等级划分无法识别（值为「优≥80；良≥90；差」；应为从高到低写出等级和分数线，最后一档不写分数，例如 优≥90；良≥80；中≥60；差）"]
