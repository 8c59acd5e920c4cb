"""The sandbox of template cells: bounded in size and time, every refusal in Chinese."""

from __future__ import annotations

import time

import pytest

from xlreports.render import sandbox
from xlreports.render.expressions import ExpressionError, compile_text, compile_value


def refusal(source: str, scope=None, text: bool = False) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(ExpressionError) as raised:
        (compile_text if text else compile_value)(source)(scope or {})
    return str(raised.value), time.monotonic() - started


@pytest.mark.parametrize("source, message", [
    ("10**(10**9)", "结果将是约 1,000,000,000 位的整数，超过上限 100,000 位"),
    ("(10**50000)*(10**50000)", "结果将是约 100,001 位的整数"),
    ("'a'*3*10**9", "结果将有 3,000,000,000 个字符（或项），超过上限 1,000,000"),
    ("[0]*10**7", "结果将有 10,000,000 个字符（或项）"),
    ("('a'*600000) + ('b'*600000)", "结果将有 1,200,000 个字符"),
    ("'a'|center(10**9)", "结果将有 1,000,000,000 个字符"),
    ("'a'.ljust(10**9)", "结果将有 1,000,000,000 个字符"),
    ("'7'.zfill(10**9)", "结果将有 1,000,000,000 个字符"),
    ("('a'*1000).replace('a', 'b'*10000)", "结果将有 10,001,000 个字符"),
    ("('a'*1000)|replace('a', 'b'*10000)", "结果将有 10,001,000 个字符"),
    ("'%0999999999d' % 1", "结果将有 999,999,999 个字符"),
    ("'{:>999999999}'.format(1)", "结果将有 999,999,999 个字符"),
    ("'x'|indent(10**9)", "结果将有 1,000,000,001 个字符"),
    ("[1]|batch(10**9, 0)|list", "结果将有 1,000,000,000 个字符"),
    ("lipsum(10**9)", "个字符"),
    ("range(10**9)|list", "range() 的项数超过上限 100,000"),
    ("''.__class__.__mro__[1].__subclasses__()", "模板不允许访问「str」的属性「__class__」（安全限制：模板只能读取数据）"),
    ("x.__init__.__globals__", "模板不允许访问"),
    ("1/0", "除数为零"),
    ("missing + 1", "名称「missing」未定义"),
])
def test_refused_at_once_in_chinese(source, message):
    text, seconds = refusal(source, {"x": {}})
    assert text.startswith(f"表达式「{source}」出错：") and message in text
    assert seconds < 1
    assert "Error" not in text and "Traceback" not in text


def test_legitimate_expressions_still_work():
    assert compile_value("2**10 * 3")({}) == 3072
    assert compile_value("'{:,.2f}'.format(x)")({"x": 1234.5}) == "1,234.50"
    assert compile_value("'%s/%s' % (a, b)")({"a": 1, "b": 2}) == "1/2"
    assert compile_value("items|join('、')")({"items": ["甲", "乙"]}) == "甲、乙"
    assert compile_value("'-' * 20")({}) == "-" * 20
    assert compile_text("{{ t|replace('；', ';') }}")({"t": "a；b"}) == "a;b"
    assert compile_text("{{ t|indent(2) }}")({"t": "a\nb"}) == "a\n  b"


@pytest.mark.slow
def test_a_loop_without_any_operation_is_stopped_by_the_clock():
    source = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    text, seconds = refusal(source, text=True)
    assert f"计算超过 {sandbox.MAX_SECONDS:g} 秒仍未完成" in text
    assert seconds < sandbox.MAX_SECONDS + 2
    assert compile_value("1 + 1")({}) == 2  # the next evaluation has its own time


def test_the_total_budget_of_a_build(monkeypatch):
    monkeypatch.setattr(sandbox._budget, "spent", sandbox.MAX_TOTAL_SECONDS + 1)
    monkeypatch.setattr(sandbox._budget, "left", time.monotonic())  # the build is evaluating
    text, _ = refusal("'a' * 2")
    assert f"超过上限 {sandbox.MAX_TOTAL_SECONDS:g} 秒" in text
    sandbox.reset_budget()
    assert compile_value("'a' * 2")({}) == "aa"


def test_a_later_build_gets_a_budget_of_its_own(monkeypatch):
    """A long-running process (serve, watch) builds again after a pause: the total starts again."""
    monkeypatch.setattr(sandbox._budget, "spent", sandbox.MAX_TOTAL_SECONDS + 1)
    monkeypatch.setattr(sandbox._budget, "left", time.monotonic() - sandbox._IDLE_RESET - 1)
    assert compile_value("'a' * 2")({}) == "aa"


@pytest.mark.parametrize("exc, message", [
    (MemoryError(), "内存不足：表达式产生的数据过大"),
    (OverflowError("int too large to convert to float"), "数值过大（溢出）"),
    (ValueError("Exceeds the limit (4300 digits) for integer string conversion"), "整数位数过多"),
    (TypeError("unsupported operand type(s) for +: 'int' and 'str'"), "数据类型不能这样运算"),
])
def test_python_errors_are_explained(exc, message):
    assert sandbox.explain(exc).startswith(message)
