"""一级/二级指标 names: one edit from a standard name is a typo (an error that suggests it); far is kept."""

from __future__ import annotations

import pytest

from xlreports import codes
from xlreports.problems import InputError, Problems
from xlreports.validate import read_input

INDICATOR_HEADER = ["项目名称", "一级指标", "二级指标", "三级指标", "指标值"]
EVAL_HEADER = ["一级指标", "一级权重", "二级指标", "二级权重", "三级指标", "权重", "预期值", "实现值", "评分方式"]


@pytest.mark.parametrize(("written", "standard"), [
    ("产出指际", "产出指标"), ("效益指表", "效益指标"), ("产出指", "产出指标"), ("满意渡指标", "满意度指标"),
    ("成本 指表", "成本指标"), ("满意度 ", None), ("产出", None), ("1-产出指标", None),
])
def test_first_level_one_edit_away(written, standard):
    assert codes.near_level1(written) == standard


@pytest.mark.parametrize(("written", "standard"), [
    ("数量指际", "数量指标"), ("质量指示", "质量指标"), ("经济效溢指标", "经济效益指标"), ("社会效溢", "社会效益指标"),
    ("可持续影响指", "可持续影响指标"), ("满意度指际", "服务对象满意度指标"), ("时效指标", None), ("经济效益", None),
])
def test_second_level_one_edit_away(written, standard):
    assert codes.near_level2(written) == standard


# Names that published forms use outside the standard table (spec/forms.md, scoring.md, the 江门 form):
# far from every standard name, or another frame's name, they are not typos.
@pytest.mark.parametrize("written", ["效果指标", "效果", "预期产出指标", "实施效果指标", "过程管理指标", "决策",
                                     "过程", "投入", "服务满意度", "产初", "时限"])
def test_names_of_other_frames_and_short_names_are_not_typos(written):
    assert codes.near_level1(written) is None
    assert codes.near_level2(written) is None


def read(workbook, sheets) -> tuple[Problems, bool]:
    problems = Problems()
    try:
        read_input(workbook(sheets), problems)
    except InputError:
        return problems, False
    return problems, True


def test_a_typo_in_the_indicator_sheet_is_an_error_suggesting_the_standard_name(workbook):
    problems, ok = read(workbook, {
        "项目": [["项目名称", "资金需求", "总体绩效目标"], ["甲", 1, "目标"]],
        "指标": [INDICATOR_HEADER, ["甲", "产出指标", "数量指标", "a", "1"], ["甲", "产出指标", "质量指标", "b", "2"],
                 ["甲", "产出指标", "时效指标", "c", "3"], ["甲", "产出指标", "数量指际", "d", "4"],
                 ["甲", "效益指标", "社会效益指标", "e", "5"], ["甲", "产出指际", "数量指标", "f", "6"],
                 ["甲", "效益指表", "过程管理指标", "g", "7"]],
    })
    assert not ok
    assert [str(p) for p in problems.errors] == [
        "指标!C5：「数量指际」不是标准的二级指标，是否应为「数量指标」？",
        "指标!B7：「产出指际」不是标准的一级指标，是否应为「产出指标」？",
        "指标!B8：「效益指表」不是标准的一级指标，是否应为「效益指标」？",
    ]
    # a name far from every standard one is kept, with the warning it always had
    assert [str(p) for p in problems.warnings] == [
        "指标!C8：二级指标「过程管理指标」不是标准名称，按原样保留（应为数量指标、质量指标、时效指标、经济效益指标 等）"]


def test_a_typo_in_the_evaluation_sheet_is_an_error_once_per_name(workbook):
    problems, ok = read(workbook, {
        "自评信息": [["字段", "值"], ["项目名称", "测试"]],
        "自评指标": [EVAL_HEADER,
                     ["决策", 20, "资金管理", 20, "制度健全", 20, "是", "是", "定性"],
                     ["产出指际", 50, "数量指标", 50, "培训场次", 25, "≥5", "7", "定量"],
                     ["产出指际", None, "数量指标", None, "培训人数", 25, "≥5", "7", "定量"],
                     ["效益", 30, "社会效溢", 30, "服务企业", 30, "≥5", "7", "定量"]],
    })
    assert not ok
    assert [str(p) for p in problems.errors if "标准" in p.message] == [
        "自评指标!A3：「产出指际」不是标准的一级指标，是否应为「产出指标」？",
        "自评指标!C5：「社会效溢」不是标准的二级指标，是否应为「社会效益指标」？",
    ]


def test_the_samples_have_no_indicator_name_errors(root):
    for sample in sorted((root / "input").glob("*.xlsx")):
        problems = Problems()
        read_input(sample, problems)
        assert not [p for p in problems if "标准的" in p.message], sample.name
