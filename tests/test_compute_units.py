"""Units with subtotals by source of funds, and stated totals checked against their parts."""

from __future__ import annotations

import pytest

from xlreports.compute import build_context
from xlreports.problems import InputError, Problems
from xlreports.validate import read_input

HEADER = ["项目名称", "资金使用单位", "财政拨款", "财政专户拨款", "其他资金", "合计(原表)", "单位合计（原表）"]


def context(path):
    problems = Problems()
    data = read_input(path, problems)
    return build_context(data, problems), problems


def test_units_keep_the_input_order_and_add_up_by_source(workbook):
    path = workbook({"项目": [HEADER,
                              ["物业管理专项经费", "区科工信局", 83.53, None, None],
                              ["编外人员聘用经费", "区服务中心", 49.78, None, None],
                              ["科工信局工作专项经费", "区科工信局", 96.47, 10, None],
                              ["区服务中心工作专项经费", "区服务中心", 52.56, None, 0.5],
                              ["无单位的项目", None, 1, None, None]]})
    ctx, problems = context(path)
    assert not problems.warnings
    units = ctx["units"]
    assert [(u.name, [p.name for p in u.projects]) for u in units] == [
        ("区科工信局", ["物业管理专项经费", "科工信局工作专项经费"]),
        ("区服务中心", ["编外人员聘用经费", "区服务中心工作专项经费"]),
        (None, ["无单位的项目"])]
    assert [(u.total, u.appropriation, u.special_account, u.other_funds) for u in units] == [
        (190.0, 180.0, 10.0, 0.0), (102.84, 102.34, 0.0, 0.5), (1.0, 1.0, 0.0, 0.0)]
    total = ctx["units_total"]
    assert (total.total, total.appropriation, total.special_account, total.other_funds) == (293.84, 283.34, 10.0, 0.5)
    assert len(ctx["source_projects"]) == 5


def test_stated_totals_that_differ_are_reported_with_both_figures(workbook):
    path = workbook({
        "文件信息": [["字段", "值"], ["合计（原表）", "190,857.18"]],
        "项目": [HEADER,
                 ["综合业务经费", "区经信局", 56, None, None, 56, 190857.18],
                 ["促进企业发展扶持专项资金", "区经信局", 154777, None, None, 154777, 190857.18],
                 ["国家集成电路产业投资二期基金", "区经信局", 30000, None, None, 30000, 190857.18],
                 ["课题研究费", "区经信局", 5300.18, None, None, 5300.81, 190857.18]]})
    _, problems = context(path)
    assert [str(p) for p in problems.warnings] == [
        "文件信息：合计与各项目之和不一致：原表写明 190,857.18 万元，各项目之和为 190,133.18 万元，"
        "相差 724.00 万元（原表多）；生成的表格使用各项目之和",
        "项目!第2行：资金使用单位「区经信局」的单位合计(原表)与其各项目之和不一致：原表写明 190,857.18 万元，"
        "其各项目之和为 190,133.18 万元，相差 724.00 万元（原表多）；生成的表格使用其各项目之和",
        "项目!第5行：项目「课题研究费」的合计(原表)与财政拨款、财政专户拨款、其他资金之和不一致：原表写明 5,300.81 万元，"
        "财政拨款、财政专户拨款、其他资金之和为 5,300.18 万元，相差 0.63 万元（原表多）；生成的表格使用财政拨款、财政专户拨款、其他资金之和",    ]


def test_stated_totals_that_agree_are_silent(workbook):
    path = workbook({"文件信息": [["字段", "值"], ["合计(原表)", 21947.14]],
                     "项目": [HEADER, ["甲", "局", 21844.80, None, None, 21844.80, 21844.80],
                              ["乙", "中心", 49.78, None, None, 49.78, 102.34],
                              ["丙", "中心", 52.56, None, None, 52.56, 102.34]]})
    ctx, problems = context(path)
    assert not problems
    assert [u.stated_total for u in ctx["units"]] == [21844.80, 102.34]
    assert ctx["units_total"].stated_total == 21947.14


def test_unit_stated_total_written_differently_on_its_rows(workbook):
    path = workbook({"项目": [HEADER, ["甲", "局", 1, None, None, None, 3], ["乙", "局", 2, None, None, None, 4]]})
    _, problems = context(path)
    assert [str(p) for p in problems.warnings] == [
        "项目!第3行：资金使用单位「局」的「单位合计(原表)」前后不一致（第2行为 3.00），使用第一个值（值为「4.00」）"]


def test_projects_without_sources_next_to_projects_with_them(workbook):
    path = workbook({"项目": [["项目名称", "资金需求", "财政拨款"], ["甲", 5, None], ["乙", None, 3]]})
    ctx, problems = context(path)
    assert [p.name for p in ctx["source_projects"]] == ["乙"]
    assert [str(p) for p in problems.warnings] == [
        "项目!第2行：项目「甲」没有填写财政拨款、财政专户拨款或其他资金：项目支出绩效目标表中它的金额为空"]
    assert ctx["units_total"].total == 3.0


def test_stated_total_of_the_info_sheet_must_be_a_number(workbook):
    path = workbook({"文件信息": [["字段", "值"], ["合计(原表)", "约十九万"]], "项目": [HEADER, ["甲", "局", 1]]})
    problems = Problems()
    with pytest.raises(InputError):
        read_input(path, problems)
    assert [str(p) for p in problems.errors] == [
        "文件信息!B2：「合计(原表)」不是数字（值为「约十九万」；应为金额（万元），例如 190,857.18）"]


def test_no_projects_no_units(workbook):
    ctx, _ = context(workbook({"文件信息": [["字段", "值"], ["部门名称", "某局"]]}))
    assert ctx["units"] == [] and ctx["units_total"].total == 0.0 and ctx["source_projects"] == []
