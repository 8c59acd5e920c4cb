"""``&=`` formulas: Jinja rendered with a *formula autoescape*, so data never becomes formula code.

Every ``{{ }}`` of an ``&=`` cell is written through
:func:`~xlreports.formula_literals.formula_operand` (Jinja's ``finalize``): text becomes a quoted
string literal, a number a numeric literal, and only :class:`~xlreports.formula_literals.FormulaCode`
made by the program (``i.target_value.excel_number('G14')``) is written as code.

A ``{{ }}`` the template writes between its own quotes (``"{{ g.name }}"``) is found when the
template is read and goes through :func:`~xlreports.formula_literals.string_content` instead (its
quotes doubled).  For that to be decidable, the template's quotes must be paired between any two
``{% %}`` tags; a template where they are not is refused.  ``{% include %}`` (an included text
would escape this reading) and ``{% filter %}`` (its output is not finalized) are not available in
formulas.
"""

from __future__ import annotations

from functools import cache

from jinja2 import TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

from ..formula_literals import formula_operand, string_content
from .expressions import Evaluator, ExpressionError, Scope, environment

_IN_STRING = "xlreports_string_content"


@cache
def formula_environment(env: SandboxedEnvironment) -> SandboxedEnvironment:
    """``env`` (the template's sandbox) with the formula autoescape and without a loader."""
    formula_env = env.overlay(finalize=formula_operand, loader=None)
    formula_env.filters = {**env.filters, _IN_STRING: string_content}
    return formula_env


def compile_formula(source: str, env: SandboxedEnvironment | None = None) -> Evaluator:
    """An evaluator rendering the ``&=`` formula ``source`` to formula text (see the module)."""
    env = formula_environment(env or environment())
    try:
        tree = env.parse(source)
    except TemplateError as exc:
        raise ExpressionError(f"公式「{source}」有语法错误：{exc}") from exc
    _escape_in_strings(tree, source)
    template = env.from_string(tree)

    def evaluate(scope: Scope) -> str:
        try:
            return template.render(scope)
        except Exception as exc:
            raise ExpressionError(f"公式「{source}」出错：{exc}") from exc

    return evaluate


def _escape_in_strings(tree: nodes.Template, source: str) -> None:
    """Route each ``{{ }}`` inside the template's own string literal through string_content."""
    if next(tree.find_all(nodes.FilterBlock), None) is not None:  # its output would skip the escape
        raise ExpressionError(f"公式「{source}」中不能使用 {{% filter %}}")
    for output in tree.find_all(nodes.Output):
        inside = False
        for k, child in enumerate(output.nodes):
            if isinstance(child, nodes.TemplateData):
                inside ^= child.data.count('"') % 2 == 1
            elif inside:
                output.nodes[k] = nodes.Filter(child, _IN_STRING, [], [], None, None, lineno=child.lineno)
        if inside:
            raise ExpressionError(f"公式「{source}」中的英文双引号没有在同一段中成对（两个 {{% %}} 之间），"
                                  "无法判断 {{ }} 是否在引号内")
