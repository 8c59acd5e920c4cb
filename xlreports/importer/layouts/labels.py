"""The words the layouts look for, defined once: head labels, indicator columns, trailer labels."""

from __future__ import annotations

import re

from ...names import compact

# Head labels of a one-project form → the field they fill.
HEAD = {
    "项目名称": "name", "项目支出名称": "name", "项目(政策)名称": "name",
    "主管部门及编码": "department", "主管部门": "department", "预算部门": "department", "部门名称": "department",
    "实施单位": "unit", "项目单位": "unit", "资金使用单位": "unit", "承担单位": "unit",
    "资金需求": "amount", "当年资金总额": "amount", "预算金额": "amount", "项目资金总额": "amount_all",
    "资金总额": "amount_all", "年度本级预算金额": "appropriation", "本级预算金额": "appropriation",
    "其中:当年财政拨款": "appropriation", "当年财政拨款": "appropriation", "其中:财政拨款": "appropriation_all",
    "财政拨款": "appropriation_all", "当年其他资金": "other_funds", "其他资金": "other_all",
    "该项目支出上级资金": "other_funds", "上级资金": "other_funds",
    "支出内容": "content", "政策依据": "basis",
    "总体绩效目标": "overview", "年度目标": "overview_year", "本年度绩效目标": "overview_year",
    "年度绩效目标": "overview_year", "当年绩效目标": "overview_year",
    "总体目标": "overview_all", "实施期绩效目标": "overview_all", "中期目标": "overview_mid",
    "长期目标": "overview_mid",
    "项目属性": "extra", "项目起止时间": "extra", "项目支出实施期": "extra", "项目周期": "extra",
    "实施期": "extra", "项目类型": "extra", "项目负责人": "extra", "联系电话": "extra",
}
# Labels that name a group of rows (a merged cell on the left), not a value.
SECTIONS = {"项目资金", "资金情况", "绩效目标", "年度绩效指标", "绩效指标", "本年度绩效指标", "项目基本情况"}
# Rows after the forms that hold signatures and approvals.
TRAILERS = ("审核意见", "填表人", "填报人", "联系电话", "填报日期", "单位负责人", "财务负责人", "审核人")

# Indicator table columns.
INDICATOR_COLUMNS = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "name",
    "二级指标(年度)": "level2", "三级指标(年度)": "name", "指标值(年度)": "value",
    "二级指标(长期)": "level2_long", "三级指标(长期)": "name_long", "指标值(长期)": "cycle_value",
    "二级指标(中期)": "level2_long", "三级指标(中期)": "name_long", "指标值(中期)": "cycle_value",
    "指标值": "value", "三级指标目标值": "value", "指标值及单位": "value", "年度指标值": "value",
    "当年度指标值": "value", "年度目标值": "value", "目标值": "value",
    "项目周期指标值": "cycle_value", "实施周期指标值": "cycle_value", "中期指标值": "cycle_value",
    "绩效标准": "standard", "指标值确定依据": "standard",
}
INDICATOR_LABELS = {"绩效指标", "本年度绩效指标", "年度绩效指标", "绩效指标表", "绩效目标"}

_TRAILING_NOTE = re.compile(r"\((?:万元|元|亿元|概述|选填|必填)\)$")


def key(text: str) -> str:
    """A label as compared: NFKC, no spaces, no trailing colon or (万元)/(概述)."""
    name = compact(text).rstrip(":")
    return _TRAILING_NOTE.sub("", name).rstrip(":")


def head_field(text: str) -> str | None:
    return HEAD.get(key(text))


def is_section(text: str) -> bool:
    return key(text) in SECTIONS


def indicator_column(text: str) -> str | None:
    name = key(text)
    return INDICATOR_COLUMNS.get(name) or ("label" if name in INDICATOR_LABELS else None)


def is_trailer(text: str) -> bool:
    name = key(text)
    return any(word in name for word in TRAILERS)


def header_unit(text: str) -> str | None:
    """The unit written in a label: 资金需求（万元） → 万元."""
    match = re.search(r"\((万元|元|亿元|千元)\)", compact(text))
    return match.group(1) if match else None
