"""「自评信息」「自评指标」「自评说明」 read into the model, with located errors."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from xlreports.problems import InputError, Problems
from xlreports.validate import read_input

SAMPLE = "2023年江门市工业发展管理经费绩效自评"
HEADER = ["一级指标", "一级权重", "二级指标", "二级权重", "三级指标", "权重", "预期值", "实现值", "评分方式", "完成比例"]
ONE = [HEADER, ["产出", 100, "数量指标", 100, "培训场次", 100, "≥5", "7", "定量"]]


def read(workbook, sheets, merges=None):
    problems = Problems()
    try:
        data = read_input(workbook(sheets, merges=merges), problems)
    except InputError:
        data = None
    return data, problems


def test_seed_004_sample(root):
    data = read_input(root / "input" / f"{SAMPLE}.xlsx")
    evaluation = data.evaluation
    assert evaluation.info["填报单位名称"] == "江门市工业和信息化局"
    assert evaluation.info["项目名称"] == "工业发展管理经费"
    assert evaluation.year == "2023"
    assert (evaluation.budget, evaluation.cut, evaluation.spent_local, evaluation.pending) == (1435, 300, 1033.48, 100.63)
    assert evaluation.info["联系电话"] == "3279820"
    assert len(evaluation.indicators) == 32
    assert [(g.name, g.declared_weight, [(c.name, c.declared_weight, c.count) for c in g.children])
            for g in evaluation.groups] == [
        ("决策", 20, [("资金管理", 12, 1), ("事项管理", 8, 1)]),
        ("产出", 40, [("数量指标", 33.3, 15), ("质量指标", 4.48, 2), ("时效指标", 2.22, 1)]),
        ("效益", 40, [("经济效益指标", 9.99, 3), ("社会效益指标", 13.32, 4), ("生态效益指标", 6.66, 2),
                      ("可持续影响指标", 3.33, 1), ("满意度指标", 6.7, 2)]),
    ]
    # the input merges 一级/二级 names and weights over their rows, and one 评分标准 over 30 rows
    merged = {str(m) for m in load_workbook(root / "input" / f"{SAMPLE}.xlsx")["自评指标"].merged_cells.ranges}
    assert {"A4:A21", "B4:B21", "D4:D18", "N4:N33"} <= merged
    assert len({i.standard for i in evaluation.indicators[2:]}) == 1
    service = evaluation.indicators[2]
    assert (service.name, service.target, service.actual, service.method) == ("服务的工业企业家次", "300", "305", "定量")
    assert [s for s in evaluation.notes] == ["资金支出情况", "资金分用途使用成效", "资金项目管理情况", "存在问题",
                                             "改进意见", "到期资金"]
    assert evaluation.notes["存在问题"].splitlines()[1].startswith("二是财政资金困难，预算执行率较低。")


def test_info_keys_amounts_rule_and_unit(workbook):
    data, problems = read(workbook, {
        "自评信息": [["字段", "值"], ["项目名称", "测试项目"], ["实际支出金额（市本级）", "1,033.48"],
                     ["实际分配下达-转移支付至下级", "0"], ["预算计划安排", "很多"], ["评分规则", "一体化规则"],
                     ["评价年度", 2023]],
        "自评指标": ONE,
    })
    assert [str(p) for p in problems.errors] == [
        "自评信息!B5：「预算计划安排」不是数字（值为「很多」；应为金额（万元），例如 1033.48）"]
    data, problems = read(workbook, {
        "自评信息": [["字段", "值"], ["项目名称", "测试项目"], ["实际支出金额（市本级）", "1,033.48"],
                     ["实际分配下达-转移支付至下级", "0"], ["评分规则", "一体化规则"], ["评价年度", 2023]],
        "自评指标": ONE,
    })
    evaluation = data.evaluation
    assert evaluation.info["实际支出_本级"] == 1033.48 and evaluation.info["实际分配下达_转移支付"] == 0
    assert evaluation.rule == "一体化" and evaluation.year == "2023" and evaluation.unit == "万元"


def test_info_errors(workbook):
    _, problems = read(workbook, {"自评信息": [["字段", "值"], ["评分规则", "平均"]], "自评指标": ONE})
    assert [str(p) for p in problems.errors] == [
        "自评信息：缺少字段「项目名称」（应为填写项目名称）",
        "自评信息!B2：评分规则无法识别（值为「平均」；应为比例 或 一体化）",
    ]


def test_spending_rate_needs_the_funds(workbook):
    _, problems = read(workbook, {
        "自评信息": [["字段", "值"], ["项目名称", "测试项目"]],
        "自评指标": [HEADER, ["决策", 100, "资金管理", 100, "资金支出率", 100, None, None, "支出率"]],
    })
    assert [str(p) for p in problems.errors] == [
        "自评信息：评分方式为“支出率”的指标（自评指标!I2）需要「预算计划安排」（应为预算计划安排（万元））",
        "自评信息：评分方式为“支出率”的指标（自评指标!I2）需要「实际支出_本级」或「实际支出_转移支付」（应为实际支出金额（万元））",
    ]


def test_group_names_on_the_first_row_only(workbook):
    data, problems = read(workbook, {
        "自评信息": [["字段", "值"], ["项目名称", "测试项目"]],
        "自评指标": [HEADER, ["产出", 60, "数量指标", 60, "甲", 30, "1", "1", "定量"],
                     [None, None, None, None, "乙", 30, "1", "1", "定量"],
                     ["效益", 40, "社会效益指标", None, "丙", 40, "有所提高", "有提高", "定性", "85%"]],
    })
    assert not problems.errors
    assert [(i.level1, i.level2) for i in data.evaluation.indicators] == [
        ("产出", "数量指标"), ("产出", "数量指标"), ("效益", "社会效益指标")]
    assert data.evaluation.indicators[2].ratio == 85
    assert data.evaluation.groups[1].children[0].declared_weight is None


def test_ratio_typed_as_a_percentage_cell(workbook, tmp_path):
    path = workbook({"自评信息": [["字段", "值"], ["项目名称", "测试项目"]],
                     "自评指标": [HEADER, ["效益", 100, "社会效益指标", 100, "丙", 100, "有所提高", "有提高", "定性", 0.85]]})
    book = load_workbook(path)
    book["自评指标"]["J2"].number_format = "0%"
    book.save(path)
    assert read_input(path).evaluation.indicators[0].ratio == 85


def test_notes_sections(workbook):
    data, problems = read(workbook, {
        "自评信息": [["字段", "值"], ["项目名称", "测试项目"]],
        "自评指标": ONE,
        "自评说明": [["部分", "内容"], ["一、资金使用绩效：", "总述"], ["（一）资金支出情况", "已支出"],
                     ["存在的问题", "一是"], ["二、资金使用绩效存在的问题", "二是"], ["附件", "略"]],
    })
    assert dict(data.evaluation.notes) == {"资金使用绩效": "总述", "资金支出情况": "已支出", "存在问题": "一是\n二是"}
    assert [str(p) for p in problems.warnings] == [
        "自评说明!A6：自评说明的部分「附件」不是表格中的部分，不会显示（应为资金使用绩效、资金支出情况、资金完成绩效目标情况、"
        "资金分用途使用成效、资金项目管理情况、存在问题、改进意见、到期资金）"]


def test_no_indicators_means_no_evaluation(workbook):
    data, problems = read(workbook, {"自评信息": [["字段", "值"], ["项目名称", "测试项目"]], "自评指标": [HEADER]})
    assert data.evaluation is None
    assert [str(p) for p in problems.warnings] == [
        "自评指标：「自评指标」中没有指标：不生成项目绩效自评指标评分表（应为每行一个三级指标）"]


@pytest.mark.parametrize(("row", "message"), [
    (["产出", 100, "数量指标", 100, "甲", "两", "1", "1", "定量"], "自评指标!F2：「权重」不是数字（值为「两」；应为数字，例如 2.22）"),
    (["产出", 100, "数量指标", 100, "甲", -1, "1", "1", "定量"], "自评指标!F2：「权重」不能是负数（值为「-1」）"),
    (["产出", 100, "数量指标", 100, None, 100, "1", "1", "定量"], "自评指标!E2：「三级指标」为空（应为填写三级指标）"),
    (["产出", 100, "数量指标", 100, "甲", 100, "合规", "合规", "定性", 120],
     "自评指标!J2：完成比例应在 0–100 之间（值为「120」；应为百分数，例如 85 或 85%）"),
    (["产出", 100, "数量指标", 100, "甲", 100, "合规", "合规", None],
     "自评指标!I2：请填写评分方式：预期值不是数值，也没有填写完成比例（值为「合规」；应为定量、定量反向、定性、支出率 或 手工）"),
])
def test_row_errors(workbook, row, message):
    _, problems = read(workbook, {"自评信息": [["字段", "值"], ["项目名称", "测试项目"]], "自评指标": [HEADER, row]})
    assert str(problems.errors[0]) == message
