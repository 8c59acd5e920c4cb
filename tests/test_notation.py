"""Indicator value notation: comparator, number and unit as officers write them (scoring.md)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xlreports.notation import Value, comparable, parse_value
from xlreports.numbers import exact_number

# 预期值 and 实现值 of seed 004's 指标评分表, with what they mean.
SEED_004 = [
    ("300", "=", 300, ""),
    ("305", "=", 305, ""),
    ("≥5", "≥", 5, ""),
    ("≥50", "≥", 50, ""),
    ("2次", "=", 2, "次"),
    ("100次", "=", 100, "次"),
    (">100次", ">", 100, "次"),
    ("2000件以上", "≥", 2000, "件"),
    ("2368件", "=", 2368, "件"),
    ("不少于5场(次)", "≥", 5, "场(次)"),
    ("5批次", "=", 5, "批次"),
    ("不少于5件", "≥", 5, "件"),
    ("90%", "=", 90, "%"),
    ("≥90%", "≥", 90, "%"),
    ("100%", "=", 100, "%"),
    ("≥20项", "≥", 20, "项"),
    ("≥95%", "≥", 95, "%"),
    ("15家", "=", 15, "家"),
    ("≥85%", "≥", 85, "%"),
    ("7.7", "=", 7.7, ""),
    ("-0.5", "=", -0.5, ""),
]
QUALITATIVE_004 = ["合规", "有所增强", "有增强", "有所提高", "有提高", "安全", "高于当年全市规上工业增加值增速"]


@pytest.mark.parametrize(("text", "comparator", "number", "unit"), SEED_004)
def test_seed_004_values(text, comparator, number, unit):
    value = parse_value(text)
    assert (value.comparator, value.number, value.unit) == (comparator, number, unit)
    assert value.text == text


@pytest.mark.parametrize("text", QUALITATIVE_004)
def test_seed_004_qualitative_values(text):
    value = parse_value(text)
    assert value.qualitative and value.comparator is None and value.number is None
    assert value.format() == text


@pytest.mark.parametrize(("text", "comparator", "number", "unit"), [
    ("至少2次", "≥", 2, "次"),
    ("8.5万家次", "=", 8.5, "万家次"),
    ("90%以上", "≥", 90, "%"),
    ("≥９０％", "≥", 90, "%"),
    ("＞3", ">", 3, ""),
    ("≧90%", "≥", 90, "%"),
    ("不超过5天", "≤", 5, "天"),
    ("<=3", "≤", 3, ""),
    ("低于10%", "<", 10, "%"),
    ("50万元以内", "≤", 50, "万元"),
    ("1,000 件", "=", 1000, "件"),
])
def test_other_written_forms(text, comparator, number, unit):
    assert (parse_value(text).comparator, parse_value(text).number, parse_value(text).unit) == (comparator, number, unit)


@pytest.mark.parametrize("text", ["是", "12个月（2020年11月至2021年10月）", "5次以上以内", "≤5以上", "以上", "/", "",
                                  "支持制造强省建设专家咨询委员会日常运营工作"])
def test_anything_else_is_qualitative(text):
    assert parse_value(text).qualitative


def test_directions():
    assert parse_value("≥90%").direction == "positive"
    assert parse_value(">100次").direction == "positive"
    assert parse_value("300").direction == "exact"
    assert parse_value("≤5天").direction == "reverse"
    assert parse_value("合规").direction is None


def test_wan_scales_only_against_a_value_written_without_it():
    assert comparable(parse_value("8.5万家次"), parse_value("86000家次")) == (85000, 86000)
    assert comparable(parse_value("8.5万家次"), parse_value("8.6万家次")) == (8.5, 8.6)


def test_equal_values_compare_equal_whatever_the_writing():
    assert parse_value("不少于5场(次)") == parse_value("≥5场(次)")
    assert parse_value("≥９０％") == parse_value("≥90%")
    assert parse_value("2000件以上").format() == "≥2000件"
    assert parse_value("有所提高") != parse_value("有提高")


def test_excel_number_removes_what_was_written_around_the_number():
    assert parse_value("305").excel_number("H14") == "VALUE(H14)"
    assert parse_value("≥90%").excel_number("H14") == 'VALUE(SUBSTITUTE(SUBSTITUTE(H14,"≥",""),"%",""))'
    assert parse_value("2000件以上").excel_number("G5") == 'VALUE(SUBSTITUTE(G5,"件以上",""))'
    assert parse_value("8.5万家次").excel_number("G5", 10000) == 'VALUE(SUBSTITUTE(G5,"万家次",""))*10000'
    # a number Excel's VALUE may not read is returned as parsed while the cell is unchanged
    assert parse_value("≥９０％").excel_number("H3") == (
        'IF(H3="≥９０％",90,VALUE(SUBSTITUTE(SUBSTITUTE(H3,"≥",""),"％","")))')


# --- properties ------------------------------------------------------------------------------

_written = st.one_of(
    st.text(),
    st.builds(lambda c, n, u, s: f"{c}{n}{u}{s}",
              st.sampled_from(["", "≥", ">=", "≧", "＞", ">", "<", "≤", "至少", "不少于", "超过", "不超过", "=", "＝"]),
              st.one_of(st.integers(-10**6, 10**20).map(str),
                        st.floats(allow_nan=False, allow_infinity=False).map(repr),
                        st.from_regex(r"[0-9０-９]{1,4}([.．][0-9]{1,3})?", fullmatch=True)),
              st.sampled_from(["", "%", "％", "次", "万家次", "场(次)", "件", "个月", "以上"]),
              st.sampled_from(["", "以上", "以内", "及以上", "以下"])),
)


@settings(max_examples=400, deadline=None)
@given(_written)
@example("1e400")
@example("9" * 400)
@example("-0")
@example("5次以上以内")
@pytest.mark.slow
def test_parse_never_raises_and_prints_back_to_an_equal_value(text):
    value = parse_value(text)
    assert isinstance(value, Value)
    assert value.text == text
    again = parse_value(value.format())
    assert again == value
    assert parse_value(again.format()) == again


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_exact_number_reads_back_as_the_same_float(number):
    text = exact_number(number)
    assert "e" not in text.lower()
    assert float(text) == number
