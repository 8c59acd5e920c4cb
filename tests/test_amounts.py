"""Numbers as finance staff type them."""

import pytest

from xlreports.amounts import NotANumber, parse_amount, parse_number
from xlreports.numbers import show_amount


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("190,857.18", "万元", 190857.18),
        ("500万元", "万元", 500),
        ("1.2亿元", "万元", 12000),
        ("１２３．５", "万元", 123.5),
        ("５００万元", "万元", 500),
        ("50000元", "万元", 5),
        ("500万元", "元", 5_000_000),
        ("-3.5", "万元", -3.5),
        ("", "万元", None),
        (None, "万元", None),
        (21947.14, "万元", 21947.14),
    ],
)
def test_parse_amount(text, unit, expected):
    assert parse_amount(text, unit) == pytest.approx(expected) if expected is not None else parse_amount(text, unit) is None


@pytest.mark.parametrize("text", ["一百万", "12个", "1,23", "1.2.3", "约500", "500美元", "--5", True])
def test_not_amounts(text):
    with pytest.raises(NotANumber):
        parse_amount(text)


def test_parse_number_allows_percent():
    assert parse_number("33.3%") == 33.3
    assert parse_number("2.22") == 2.22
    with pytest.raises(NotANumber):
        parse_number("2万元")


def test_show_amount():
    assert show_amount(21947.14) == "21,947.14"
    assert show_amount(102.34) == "102.34"
    assert show_amount(None) == ""
