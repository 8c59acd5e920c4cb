"""xlreports import on the published forms: seeds 003 (荔湾区) and 002 (广州开发区), and the round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from seed_tables import GUANGZHOU_DEVELOPMENT_ZONE, LIWAN, amount, seed_projects

from xlreports.build import build
from xlreports.importer import import_form, write_input_workbook
from xlreports.problems import Problems
from xlreports.validate import read_input

ROOT = Path(__file__).resolve().parent.parent

# Every indicator of seed 002, (一级, 二级, 三级) in the seed's order, codes stripped as written.
DEVELOPMENT_ZONE = {
    "综合业务经费": [
        ("产出指标", "数量指标", "培训覆盖率"),  # written 11-数量指标：培训覆盖率
        ("产出指标", "质量指标", "档案达标率"),
        ("效益指标", "可持续影响", "保障机构正常运作"),
        ("满意度指标", "服务对象满意度", "单位满意度"),
    ],
    "促进企业发展扶持专项资金": [
        ("产出指标", "数量指标", "保障数量"),
        ("产出指标", "数量指标", "扶持企业数量"),
        ("产出指标", "数量指标", "服务企业数量"),
        ("产出指标", "质量指标", "补助资金发放准确率"),
        ("效益指标", "社会效益", "营造良好营商环境"),
        ("效益指标", "可持续影响", "促进我区经济的发展"),
        ("效益指标", "可持续影响", "促进我区集成电路产业发展"),
    ],
    "国家集成电路产业投资二期基金": [
        ("产出指标", "数量指标", "按照国家二期基金公司认缴通知要求的出资额"),
        ("产出指标", "质量指标", "区级资金出资准确率"),
        ("效益指标", "经济效益", "利润增长率"),
        ("效益指标", "社会效益", "营造良好营商环境"),
        ("效益指标", "可持续影响", "促进我区集成电路产业发展"),
        ("满意度指标", "服务对象满意度", "代管对象有效投诉控制"),
    ],
    "课题研究费": [
        ("产出指标", "数量指标", "平台建设任务完成率"),
        ("产出指标", "数量指标", "政策宣贯场次"),
        ("产出指标", "数量指标", "服务企业数量"),
        ("产出指标", "数量指标", "调研报告完成份数"),
        ("效益指标", "社会效益", "研究成果的应用价值情况"),
        ("效益指标", "可持续影响", "促进我区经济的发展"),
    ],
    "中国集成电路制造年会": [
        ("产出指标", "数量指标", "企业参与数量"),
        ("产出指标", "质量指标", "人员业务水平"),
        ("产出指标", "时效指标", "项目完成及时率"),
        ("效益指标", "可持续影响", "促进我区经济的发展"),
    ],
    "区东西部协作和对口支援帮扶合作工作经费": [
        ("产出指标", "数量指标", "发放人数（人）"),
        ("产出指标", "质量指标", "补助资金发放准确率"),
        ("产出指标", "时效指标", "补助资金发放及时率"),
        ("满意度指标", "服务对象满意度", "扶贫干部满意度"),
    ],
    "国际数字枢纽体验中心": [
        ("产出指标", "数量指标", "保障数量"),
        ("产出指标", "质量指标", "工程竣工验收合格率"),
        ("效益指标", "社会效益", "营造良好营商环境"),
        ("效益指标", "可持续影响", "1.提升区内数字枢纽的聚集效应\n2.保障国际数字枢纽体验中心正常运营"),
        ("效益指标", "可持续影响", "促进我区经济的发展"),
    ],
    "应急通信保障服务经费": [
        ("产出指标", "数量指标", "保障数量"),
        ("产出指标", "质量指标", "通讯网络保障率"),
        ("效益指标", "社会效益", "服务社会发展能力"),
        ("效益指标", "社会效益", "营造良好营商环境"),
        ("效益指标", "可持续影响", "促进我区经济的发展"),
    ],
    "鱼珠片区数字技术应用产业平台展示中心项目": [
        ("产出指标", "数量指标", "保障数量"),
        ("产出指标", "质量指标", "验收成果达标率"),
        ("效益指标", "社会效益", "宣传效果"),
        ("效益指标", "社会效益", "营造良好营商环境"),
        ("效益指标", "可持续影响", "促进我区经济的发展"),
        ("效益指标", "可持续影响", "激励中小企业落地开发区"),
    ],
    "重点产业链供需对接系列活动": [
        ("产出指标", "数量指标", "会议保障次数"),
        ("产出指标", "质量指标", "项目验收合格率"),
        ("产出指标", "时效指标", "项目完成及时率"),
        ("效益指标", "经济效益", "生产效率提升率"),
    ],
    "大湾区元宇宙创新示范中心展示厅建设专项补贴": [
        ("产出指标", "数量指标", "企业参与数量"),
        ("产出指标", "数量指标", "服务覆盖率"),
        ("产出指标", "质量指标", "验收成果达标率"),
        ("效益指标", "社会效益", "成果应用率"),
        ("效益指标", "社会效益", "营造良好营商环境"),
        ("效益指标", "可持续影响", "促进我区经济的发展"),
    ],
}


def imported(path: Path):
    problems = Problems()
    form = import_form(path, problems)
    assert form is not None and not problems.has_errors(), [str(p) for p in problems]
    return form, problems


@pytest.fixture(scope="module")
def development_zone():
    return imported(GUANGZHOU_DEVELOPMENT_ZONE)


def test_development_zone_every_project(development_zone):
    form, _ = development_zone
    assert form.department == "广州开发区经济和信息化局、广州市黄埔区工业和信息化局（部门）"
    assert form.amount_unit == "万元"
    assert [p.name for p in form.projects] == list(DEVELOPMENT_ZONE)
    assert [p.name for p in form.projects] == [p.name for p in seed_projects(GUANGZHOU_DEVELOPMENT_ZONE)]
    assert len(form.projects) == 11
    assert [(u.name, u.stated_total, len(u.projects)) for u in form.units] == [
        ("广州开发区经济和信息化局、广州市黄埔区工业和信息化局", 190857.18, 11)]
    assert form.stated_total == 190857.18
    amounts = {p.name: (p.appropriation, p.stated_total) for p in form.projects}
    assert amounts["促进企业发展扶持专项资金"] == (154777.00, 154777.00)
    assert amounts["鱼珠片区数字技术应用产业平台展示中心项目"] == (2585.00, 2585.00)  # <p>2,585.00</p>
    assert amounts["区东西部协作和对口支援帮扶合作工作经费"] == (2.47, 2.47)
    assert sum(p.appropriation for p in form.projects) == pytest.approx(190133.18)
    assert all(p.special_account is None and p.other_funds is None for p in form.projects)


def test_development_zone_every_indicator(development_zone):
    form, _ = development_zone
    for project in form.projects:
        shown = [(i.level1, i.level2, i.name) for i in project.indicators]
        assert shown == DEVELOPMENT_ZONE[project.name], project.name
    assert form.indicator_count == 57
    # in seed 002 the two values agree, the whole-cycle one keeping the 。 that the text closes with
    assert all(i.cycle_value.removesuffix("。") == i.value for p in form.projects for i in p.indicators)


def test_development_zone_values_with_separators_inside(development_zone):
    form, _ = development_zone
    support = next(p for p in form.projects if p.name == "促进企业发展扶持专项资金")
    service = support.indicators[2]
    assert service.cycle_value == "标识解析新增20亿注册量；二级节点企业接入量达到20000家以上。"
    assert service.value == "标识解析新增20亿注册量；二级节点企业接入量达到20000家以上"
    accuracy = support.indicators[3]
    assert accuracy.value.startswith("兑现资金发放准确率，当年度兑现资金发放准确率=100%（计算公式：")
    general = form.projects[0].indicators[0]
    assert (general.name, general.value) == ("培训覆盖率", "法律顾问开至少2场法治宣传讲座")


def test_development_zone_overview_paragraphs(development_zone):
    form, _ = development_zone
    support = next(p for p in form.projects if p.name == "促进企业发展扶持专项资金")
    lines = support.overview.split("\n")
    assert len(lines) == 16
    assert lines[0].startswith("1、通过开展《广州市黄埔区人民政府")
    assert lines[-1].startswith("16、用于兑现“智车8条”")
    assert "<p>" not in support.overview


def test_development_zone_warns_about_the_lost_724(development_zone):
    _, problems = development_zone
    warnings = [str(p) for p in problems.warnings]
    assert warnings == [
        "第10行：合计与各项目之和不一致：原表写明 190,857.18 万元，各项目之和为 190,133.18 万元，"
        "相差 724.00 万元（原表多）；生成的表格使用各项目之和",
        "第11行：资金使用单位「广州开发区经济和信息化局、广州市黄埔区工业和信息化局」的金额与其各项目之和不一致："
        "原表写明 190,857.18 万元，其各项目之和为 190,133.18 万元，相差 724.00 万元（原表多）；生成的表格使用其各项目之和",
    ]


def test_liwan_units_projects_and_amounts():
    form, problems = imported(LIWAN)
    assert not problems.warnings, [str(p) for p in problems]
    assert form.department == "广州市荔湾区科技工业和信息化局"
    assert form.stated_total == 21947.14
    assert [(u.name, u.stated_total, len(u.projects)) for u in form.units] == [
        ("广州市荔湾区科技工业和信息化局", 21844.80, 22), ("广州市荔湾区民营经济和中小企业服务中心", 102.34, 2)]
    seed = seed_projects(LIWAN)
    assert [(p.name, p.appropriation) for p in form.projects] == [(s.name, amount(s.total)) for s in seed]
    assert form.indicator_count == 99
    science = next(p for p in form.projects if p.name == "科学技术支出项目")
    last = science.indicators[-1]
    assert (last.level1, last.level2, last.name, last.cycle_value, last.value) == (
        "效益指标", "社会效益", "项目对荔湾区科技创新创业氛围具有提升作用（是/否）", "是", "是")
    cost = next(p for p in form.projects if p.name == "海龙围科创区工作经费").indicators[-1]
    assert (cost.level1, cost.level2, cost.value) == ("成本指标", "经济成本指标", "实际支出≤预算值（100%）")
    weekly = next(p for p in form.projects if p.name == "中小企业服务工作经费").indicators[2]
    assert weekly.name.startswith("举办民营活动周、“一月一链 一起益企”“小企业大未来”")
    different = next(p for p in form.projects if p.name == "北交所华南服务基地运营服务项目").indicators[0]
    assert (different.cycle_value, different.value) == ("15场", "15家")  # as published


def fields(form):
    return [(p.name, p.unit, p.appropriation, p.special_account, p.other_funds, p.overview,
             [(i.level1, i.level2, i.name, i.cycle_value, i.value) for i in p.indicators]) for p in form.projects]


@pytest.mark.parametrize("seed", [LIWAN, GUANGZHOU_DEVELOPMENT_ZONE], ids=["003", "002"])
def test_round_trip_import_build_import(seed, tmp_path):
    first, _ = imported(seed)
    workbook = tmp_path / "input.xlsx"
    write_input_workbook(first, workbook)
    report = build(workbook, tmp_path / "out", ROOT / "templates")
    assert not report.failed
    second, problems = imported(tmp_path / "out" / "input" / "项目支出绩效目标表.xlsx")
    assert not problems.warnings, [str(p) for p in problems]  # the built form adds up
    assert fields(second) == fields(first)
    assert [(u.name, [p.name for p in u.projects]) for u in second.units] == \
        [(u.name, [p.name for p in u.projects]) for u in first.units]
    assert second.department == first.department and second.amount_unit == first.amount_unit
    computed = round(sum(p.appropriation for p in first.projects), 2)
    assert second.stated_total == pytest.approx(computed)
    if seed == LIWAN:  # consistent: the stated totals come back as they were
        assert second.stated_total == first.stated_total == 21947.14
        assert [u.stated_total for u in second.units] == [u.stated_total for u in first.units] == [21844.80, 102.34]


def test_written_workbook_follows_the_contract(tmp_path):
    form, _ = imported(GUANGZHOU_DEVELOPMENT_ZONE)
    workbook = tmp_path / "002.xlsx"
    write_input_workbook(form, workbook)
    data = read_input(workbook)
    assert data.info["部门名称"] == "广州开发区经济和信息化局、广州市黄埔区工业和信息化局（部门）"
    assert data.info["金额单位"] == "万元" and data.info["合计(原表)"] == 190857.18
    assert [p.unit_stated_total for p in data.projects] == [190857.18] * 11
    assert [p.stated_total for p in data.projects][:2] == [56.00, 154777.00]
    assert len(data.indicators) == 57
    digital = next(p for p in data.projects if p.name == "国际数字枢纽体验中心")
    assert digital.indicators[3].name == "1.提升区内数字枢纽的聚集效应\n2.保障国际数字枢纽体验中心正常运营"
    assert not list(tmp_path.glob(".*.tmp"))


def test_bundled_liwan_workbook_is_the_import_of_seed_003(root, tmp_path):
    form, _ = imported(LIWAN)
    fresh = tmp_path / "fresh.xlsx"
    write_input_workbook(form, fresh)
    bundled = read_input(root / "input" / "广州市荔湾区科技工业和信息化局.xlsx")
    again = read_input(fresh)
    assert dict(bundled.info) == dict(again.info)
    assert [(p.name, p.unit, p.appropriation, p.overview, p.stated_total, p.unit_stated_total) for p in bundled.projects] \
        == [(p.name, p.unit, p.appropriation, p.overview, p.stated_total, p.unit_stated_total) for p in again.projects]
    assert [(i.project, i.level1, i.level2, i.name, i.cycle_value, i.value) for i in bundled.indicators] \
        == [(i.project, i.level1, i.level2, i.name, i.cycle_value, i.value) for i in again.indicators]
