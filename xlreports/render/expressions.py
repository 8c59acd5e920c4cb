"""Jinja2 expressions in template cells, evaluated in a sandbox.

A template may come from anyone who emails one, so every expression runs in a
:class:`~jinja2.sandbox.SandboxedEnvironment` with strict undefined names (a typo is an error,
not a blank cell).  A cell that is just a dotted name (``{{ p.name }}``, the common case) skips
Jinja's per-call set-up but still reads each attribute through the sandbox's ``getattr``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment

from ..numbers import show_amount
from .sandbox import Sandbox, SecurityError, budget, explain

Scope = dict[str, Any]
Evaluator = Callable[[Scope], Any]

_WHOLE = re.compile(r"^\s*\{\{(?P<expr>.*?)\}\}\s*$", re.S)
_DOTTED = re.compile(r"^\s*(?P<root>[^\W\d]\w*)(?P<rest>(?:\s*\.\s*[^\W\d]\w*)*)\s*$")
_MARKUP = ("{{", "{%", "{#")
_LITERALS = frozenset({"true", "false", "none", "True", "False", "None"})


class ExpressionError(Exception):
    """An expression that failed; the engine adds the template cell."""


def _money(value: object) -> str:
    return show_amount(value) if isinstance(value, int | float) else ("" if value is None else str(value))


@cache
def environment(folder: Path | None = None) -> SandboxedEnvironment:
    """The sandbox; with ``folder``, ``{% include "x.j2" %}`` reads text templates from it (only)."""
    loader = FileSystemLoader(str(folder)) if folder is not None else None
    env = Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False,
                  trim_blocks=True, lstrip_blocks=True, loader=loader)
    env.filters["money"] = _money
    return env


def has_markup(text: str) -> bool:
    return any(token in text for token in _MARKUP)


def whole_expression(text: str) -> str | None:
    """The expression of a cell that is exactly ``{{ expr }}``, else ``None``."""
    match = _WHOLE.match(text)
    if match and not has_markup(match["expr"]):
        return match["expr"].strip()
    return None


def compile_value(source: str, env: SandboxedEnvironment | None = None) -> Evaluator:
    """An evaluator returning the value of expression ``source`` with its type."""
    env = env or environment()
    dotted = _DOTTED.match(source)
    if dotted and dotted["root"] not in _LITERALS:
        root = dotted["root"]
        names = [n.strip() for n in dotted["rest"].split(".") if n.strip()]
        return _dotted(env, source, root, names)
    try:
        expression = env.compile_expression(source, undefined_to_none=False)
    except TemplateError as exc:
        raise ExpressionError(f"表达式「{source}」有语法错误：{exc}") from exc

    def evaluate(scope: Scope) -> Any:
        try:
            with budget():
                value = expression(**scope)
        except Exception as exc:
            raise ExpressionError(f"表达式「{source}」出错：{explain(exc)}") from exc
        if isinstance(value, Undefined):
            raise ExpressionError(f"表达式「{source}」没有值")
        return value

    return evaluate


def _dotted(env: SandboxedEnvironment, source: str, root: str, names: list[str]) -> Evaluator:
    getattr_ = env.getattr

    def evaluate(scope: Scope) -> Any:
        try:
            value = scope[root]
        except KeyError:
            raise ExpressionError(f"表达式「{source}」中的名称 {root} 未定义") from None
        for name in names:
            parent, value = value, getattr_(value, name)
            if isinstance(value, Undefined):
                if not env.is_safe_attribute(parent, name, None):
                    raise ExpressionError(f"表达式「{source}」出错：{explain(SecurityError(name, parent))}")
                raise ExpressionError(f"表达式「{source}」中没有属性 {name}")
        return value

    return evaluate


def compile_text(source: str, env: SandboxedEnvironment | None = None) -> Evaluator:
    """An evaluator rendering ``source`` (text with ``{{ }}`` / ``{% %}``) to a string."""
    try:
        template = (env or environment()).from_string(source)
    except TemplateError as exc:
        raise ExpressionError(f"「{source}」有语法错误：{exc}") from exc

    def evaluate(scope: Scope) -> str:
        try:
            with budget():
                return template.render(scope)
        except Exception as exc:
            raise ExpressionError(f"「{source}」出错：{explain(exc)}") from exc

    return evaluate
