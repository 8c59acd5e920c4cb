"""The packed 绩效指标 text, as offices write it, and what cannot be read is said, not dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlreports.importer.indicator_text import parse_indicator_text


def rows(text):
    parsed = parse_indicator_text(text)
    assert not parsed.issues, [(i.message, i.value) for i in parsed.issues]
    return [(i.level1, i.level2, i.name, i.cycle_value, i.value) for i in parsed.indicators]


SEED_003 = "1、1-产出指标；11-数量指标；房屋物业管理面积；实施周期指标值:2408平方米；年度指标值:2408平方米。"


@pytest.mark.parametrize("text", [
    SEED_003,
    "1、1-产出指标; 11-数量指标; 房屋物业管理面积; 实施周期指标值:2408平方米; 年度指标值:2408平方米。",
    "1、1-产出指标：11-数量指标：房屋物业管理面积；实施周期指标值：2408平方米；年度指标值：2408平方米。",
    "1、1-产出指标；11-数量指标：房屋物业管理面积；实施周期指标值：2408平方米；年度指标值：2408平方米",
    "  1、 1-产出指标 ； 11-数量指标 ；房屋物业管理面积；实施周期指标值: 2408平方米 ；年度指标值: 2408平方米 。\n",
])
def test_separators_as_offices_write_them(text):
    assert rows(text) == [("产出指标", "数量指标", "房屋物业管理面积", "2408平方米", "2408平方米")]


def test_second_level_kept_as_written_and_codes_stripped():
    text = ("1、2-效益指标；22-社会效益；项目对提高科学普及程度有积极作用(是/否)；实施周期指标值:是；年度指标值:是。"
            "2、3-满意度指标；31-服务对象满意度；满意度（%）；实施周期指标值:100%；年度指标值:100%。"
            "3、4-成本指标；41-经济成本指标；预算（成本）的控制率；实施周期指标值:实际支出≤预算值（100%）；"
            "年度指标值:实际支出≤预算值（100%）。")
    assert [r[:2] for r in rows(text)] == [("效益指标", "社会效益"), ("满意度指标", "服务对象满意度"),
                                          ("成本指标", "经济成本指标")]


def test_names_and_values_with_numbers_and_punctuation():
    text = ("1、1-产出指标；11-数量指标；R&D统计填报数；实施周期指标值:≥22亿元；年度指标值:≥22亿元。"
            "2、1-产出指标；11-数量指标；出具2、3份报告的次数；实施周期指标值:1次；年度指标值:1次。"
            "3、2-效益指标：24-可持续影响：1.提升区内数字枢纽的聚集效应\n2.保障国际数字枢纽体验中心正常运营；"
            "实施周期指标值：形成展示。；年度指标值：形成展示。"
            "4、1-产出指标；11-数量指标；服务企业数量；实施周期指标值：新增20亿注册量；接入量达到20000家以上。；"
            "年度指标值：新增20亿注册量；接入量达到20000家以上。")
    assert rows(text) == [
        ("产出指标", "数量指标", "R&D统计填报数", "≥22亿元", "≥22亿元"),
        ("产出指标", "数量指标", "出具2、3份报告的次数", "1次", "1次"),
        ("效益指标", "可持续影响", "1.提升区内数字枢纽的聚集效应\n2.保障国际数字枢纽体验中心正常运营", "形成展示。", "形成展示"),
        ("产出指标", "数量指标", "服务企业数量", "新增20亿注册量；接入量达到20000家以上。", "新增20亿注册量；接入量达到20000家以上"),
    ]


def test_without_whole_cycle_value_and_without_codes():
    text = "1、产出指标；数量指标；培训人数；年度指标值：350人次。2、效益指标；过程管理指标；合规性；指标值：合规。"
    assert rows(text) == [("产出指标", "数量指标", "培训人数", None, "350人次"),
                          ("效益指标", "过程管理指标", "合规性", None, "合规")]


def test_unknown_coded_name_is_kept_with_its_code_and_a_warning():
    parsed = parse_indicator_text("1、1-产出指标；15-过程管理指标；合规性；实施周期指标值:是；年度指标值:是。")
    assert parsed.indicators[0].level2 == "15-过程管理指标"
    (issue,) = parsed.issues
    assert not issue.error and "15-过程管理指标" in issue.message


def test_code_that_contradicts_its_name_is_reported():
    parsed = parse_indicator_text("1、1-产出指标；12-数量指标；人数；实施周期指标值:1；年度指标值:1。")
    assert parsed.indicators[0].level2 == "数量指标"
    (issue,) = parsed.issues
    assert not issue.error and "12" in issue.message and "11" in issue.message


@pytest.mark.parametrize("text, message", [
    ("房屋物业管理面积2408平方米", "找不到「1、」开头的第一个指标"),
    ("说明：1、1-产出指标；11-数量指标；面积；实施周期指标值:1；年度指标值:1。", "开头有无法识别的文字"),
    ("1、1-产出指标；11-数量指标；面积；实施周期指标值:1；年度值:1。", "第1个指标缺少「年度指标值:」"),
    ("1、1-产出指标；11-数量指标；；实施周期指标值:1；年度指标值:1。", "第1个指标的三级指标为空"),
    ("1、1-产出指标；11-数量指标；面积；实施周期指标值:1；年度指标值:。", "第1个指标的年度指标值为空"),
    ("1、1-产出指标；11-数量指标；面积；实施周期指标值:1；年度指标值:1。3、1-产出指标；11-数量指标；次数；"
     "实施周期指标值:1；年度指标值:1。", "第1个指标中又出现了序号"),
])
def test_what_cannot_be_read_is_an_error(text, message):
    parsed = parse_indicator_text(text)
    assert any(issue.error and message in issue.message for issue in parsed.issues), \
        [issue.message for issue in parsed.issues]
    assert all(issue.expected for issue in parsed.issues if issue.error)


def test_one_bad_indicator_does_not_hide_the_others():
    text = ("1、1-产出指标；11-数量指标；面积；实施周期指标值:1；年度指标值:1。"
            "2、1-产出指标；11-数量指标；次数；实施周期指标值:2。"
            "3、1-产出指标；13-时效指标；期限；实施周期指标值:月结；年度指标值:月结。")
    parsed = parse_indicator_text(text)
    assert [i.name for i in parsed.indicators] == ["面积", "期限"]
    assert [issue.message for issue in parsed.issues] == ["第2个指标缺少「年度指标值:」"]


def test_blank_text_has_no_indicators():
    assert parse_indicator_text(None).indicators == []
    assert parse_indicator_text("  \n").issues == []


# --- the text template and the parser agree: what xlreports writes, it reads back -----------------

LEVEL1_WRITTEN = ["产出指标", "效益指标", "满意度指标", "成本指标", "产出", "效益"]
LEVEL2_WRITTEN = ["数量指标", "质量指标", "时效指标", "社会效益", "经济效益指标", "可持续影响", "服务对象满意度",
                  "经济成本指标", "过程管理指标"]
# names and values with the punctuation and numbers offices use, but none of the notation's markers
TEXT = st.text(alphabet="项目数量质达标率次人平方米是否年月日0123456789、.%≥≤（）()/ ；;：:，。×=", min_size=1, max_size=30)


def _clean(text: str) -> str:
    return text.strip(" ；;：:，。")


@st.composite
def indicators(draw):
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        name = _clean(draw(TEXT))
        value = _clean(draw(TEXT))
        cycle = draw(st.one_of(st.none(), TEXT.map(lambda t: t.strip() or "是")))
        if not name or not value:
            continue
        rows.append((draw(st.sampled_from(LEVEL1_WRITTEN)), draw(st.sampled_from(LEVEL2_WRITTEN)), name, cycle, value))
    return rows


def render(rows) -> str:
    from xlreports import codes
    from xlreports.model import Indicator, Project
    from xlreports.render.expressions import compile_text, environment

    project = Project("甲")
    for level1, level2, name, cycle, value in rows:
        indicator = Indicator("甲", level1, level2, name, value, cycle)
        if found := codes.level1(level1):
            indicator.level1_code, indicator.level1_std = found
        if found := codes.level2(level2):
            indicator.level2_code, indicator.level2_std = found
        project.indicators.append(indicator)
    templates = Path(__file__).resolve().parent.parent / "templates"
    return compile_text('{% include "项目支出绩效指标.j2" %}', environment(templates))({"p": project})


@settings(max_examples=150, deadline=None)
@given(indicators())
@pytest.mark.slow
def test_what_the_template_writes_the_importer_reads_back(rows):
    from xlreports import codes

    parsed = parse_indicator_text(render(rows))
    assert [i for i in parsed.issues if i.error] == []
    expected = [((codes.level1(l1).name), l2, name, cycle.strip() if cycle else None, value)
                for l1, l2, name, cycle, value in rows]
    assert [(i.level1, i.level2, i.name, i.cycle_value, i.value) for i in parsed.indicators] == expected
