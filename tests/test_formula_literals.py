"""Data reaches a formula only as a literal: quoted text, a numeric literal, or program-made code."""

from __future__ import annotations

import math

import pytest
from formula_scan import PAYLOAD, violations
from openpyxl.formula.tokenizer import Token, Tokenizer

from xlreports.formula_literals import (
    FormulaCode,
    cell_reference,
    excel_number,
    excel_string,
    formula_operand,
    string_content,
)
from xlreports.notation import parse_value
from xlreports.render.expressions import ExpressionError
from xlreports.render.formula_escape import compile_formula


def operands(formula: str) -> list[tuple[str, str, str]]:
    return [(t.type, t.subtype, t.value) for t in Tokenizer(formula).items]


def test_text_is_one_string_literal_with_its_quotes_doubled():
    assert excel_string('优"秀') == '"优""秀"'
    assert operands("=" + excel_string(PAYLOAD)) == [(Token.OPERAND, Token.TEXT, '"' + PAYLOAD.replace('"', '""') + '"')]
    assert excel_string("") == '""'


def test_long_text_is_joined_literals_of_at_most_255_characters():
    text = "甲" * 300 + '"'
    formula = "=" + excel_string(text)
    tokens = operands(formula)
    texts = [v for kind, sub, v in tokens if sub == Token.TEXT]
    assert [len(v) - 2 for v in texts] == [255, 47]  # the quote is doubled in the second
    assert "".join(v[1:-1] for v in texts).replace('""', '"') == text
    assert {v for kind, sub, v in tokens if kind == Token.OP_IN} == {"&"}


def test_control_characters_become_char_calls_and_nul_is_refused():
    assert excel_string("a\x1bb") == '("a"&CHAR(27)&"b")'
    assert excel_string("\x07") == '(""&CHAR(7)&"")'
    assert excel_string("line\nnext") == '"line\nnext"'  # a line break is kept in the literal
    with pytest.raises(ValueError, match="空字符"):
        excel_string("a\x00b")


def test_numbers_are_numeric_literals_only():
    assert excel_number(90) == "90"
    assert excel_number(0.1) == "0.1"
    assert excel_number(-3.5) == "(-3.5)"
    assert excel_number(1e20) == "100000000000000000000"
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError):
            excel_number(bad)
    for bad in ("90", True, None):
        with pytest.raises(TypeError):
            excel_number(bad)


def test_a_template_cannot_make_program_code_from_data():
    code = FormulaCode("G14")
    for derived in (code + PAYLOAD, code[:1], code.replace("G", "H"), f"{code}", code * 2, code.upper()):
        assert type(derived) is str
        assert not isinstance(formula_operand(derived), type(None))
    assert formula_operand(code + "*2") == '"G14*2"'


def test_what_a_formula_placeholder_writes():
    assert formula_operand(FormulaCode("VALUE(G14)")) == "VALUE(G14)"
    assert formula_operand(2.5) == "2.5"
    assert formula_operand(True) == "TRUE"
    assert formula_operand("90") == "90"  # "%g" % 90.0: text that is exactly a number
    assert formula_operand("-1e3") == "(-1000)"
    assert formula_operand("90分") == '"90分"'
    assert formula_operand(PAYLOAD) == excel_string(PAYLOAD)
    with pytest.raises(ValueError):
        formula_operand(None)
    with pytest.raises(ValueError):
        formula_operand([1])


def test_text_inside_a_template_literal_keeps_the_literal_closed():
    assert string_content('a"b') == 'a""b'
    assert string_content(PAYLOAD).count('"') % 2 == 0
    assert string_content("a\x1bb") == 'a"&CHAR(27)&"b'
    assert string_content(2.0) == "2"


def test_cell_references_only():
    assert cell_reference("G14") == "G14"
    assert cell_reference("$H$8") == "$H$8"
    for bad in ("G14)&WEBSERVICE(1", "A1:B2", "Sheet!A1", ""):
        with pytest.raises(ValueError):
            cell_reference(bad)


def test_a_formula_template_writes_data_as_literals_wherever_the_placeholder_stands():
    render = compile_formula('=IF(A1>={{ m }},"{{ name }}",{{ other }})')
    scope = {"m": format(90.0, "g"), "name": PAYLOAD, "other": PAYLOAD}
    formula = render(scope)
    assert violations(formula, {"IF"}) == []
    texts = [v for _, sub, v in operands(formula) if sub == Token.TEXT]
    assert texts == ['"' + PAYLOAD.replace('"', '""') + '"'] * 2
    assert formula.startswith("=IF(A1>=90,")


def test_loops_and_branches_keep_the_quote_state():
    render = compile_formula('={% for g in gs %}IF(S>={{ g.m }},"{{ g.n }}",{% endfor %}"{{ last }}"'
                             '{% for g in gs %}){% endfor %}')
    formula = render({"gs": [{"m": 90, "n": '优"'}, {"m": 60, "n": "中"}], "last": '"&PI()&"'})
    assert formula == '=IF(S>=90,"优""",IF(S>=60,"中","""&PI()&"""))'
    assert violations(formula, {"IF"}) == []


def test_quotes_unpaired_between_tags_are_refused():
    with pytest.raises(ExpressionError, match="双引号"):
        compile_formula('="{% if x %}{{ y }}{% endif %}"')


def test_no_filter_blocks_in_formulas():
    with pytest.raises(ExpressionError, match="filter"):
        compile_formula("""={% filter replace('"', '') %}{{ x }}{% endfilter %}""")


def test_no_include_in_formulas():
    render = compile_formula('={% include "自评完成情况.j2" %}')
    with pytest.raises(ExpressionError):
        render({})


def test_an_indicator_value_read_back_by_a_formula_quotes_what_was_written():
    value = parse_value('≥90"&PI()&"')
    assert value.number == 90 and value.unit == '"&PI()&"'
    formula = "=" + value.excel_number("G14")
    assert violations(formula, {"VALUE", "SUBSTITUTE"}, mark="PI") == []
    with pytest.raises(ValueError):
        value.excel_number('G14,PI()')
