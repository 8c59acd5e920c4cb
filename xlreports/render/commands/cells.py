"""Commands about one cell: ``xl:value`` (a formula's cached value) and ``xl:ref`` (a name that
``&=`` formulas use instead of an address)."""

from __future__ import annotations

import re

from ...formula_literals import FormulaCode, cell_reference
from ...load.xlsx_parts import cell_name
from ...problems import TemplateError
from .base import _NAME, XlCommand


class ValueCommand(XlCommand):
    name = "value"
    required = frozenset({"expr"})
    summary = "公式单元格的计算值（写入文件，供不重新计算的程序显示）"

    def apply(self, command, reader, cell):
        cell.cached = reader.compile_value(command.attrs["expr"], cell)

    def variables(self, command):
        return [command.attrs["expr"]]


class RefCommand(XlCommand):
    name = "ref"
    required = frozenset({"name"})
    summary = "给单元格起名，&= 公式中用 {{ ref.名称 }} 引用它（插入行列后仍指向它）"

    def apply(self, command, reader, cell):
        name = command.attrs["name"].strip()
        if not _NAME.fullmatch(name):
            raise TemplateError(f"xl:ref 的 name 不是有效的名称：{name}", cell=cell.where)
        if name in reader.refs:
            raise TemplateError(f'xl:ref(name="{name}") 重复（另一个在 {reader.refs[name][2]}）', cell=cell.where)
        reader.refs[name] = (cell.row, cell.col, cell.where)


_REF_USE = re.compile(r"\bref\s*(?:\.\s*(?P<attr>[^\W\d]\w*)|\[\s*['\"](?P<key>[^'\"]+)['\"]\s*\])")
_ADDRESS = re.compile(r"(?<![\w$.'\"])\$?[A-Z]{1,3}\$?[1-9]\d*(?![\w(])")
_MARKUP_PART = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\"[^\"]*\"", re.S)


def formula_refs(source: str) -> list[str]:
    """The names an ``&=`` formula reads through ``ref``."""
    return [m["attr"] or m["key"] for m in _REF_USE.finditer(source)]


_QUOTED_ADDRESS = re.compile(r"['\"](\$?[A-Z]{1,3}\$?[1-9]\d*)['\"]")


def text_addresses(source: str) -> list[str]:
    """Cell addresses written as text in an ``&=`` formula: in its formula text, or quoted in its markup."""
    quoted = [a for part in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", source, re.S) for a in _QUOTED_ADDRESS.findall(part)]
    return _ADDRESS.findall(_MARKUP_PART.sub(" ", source)) + quoted


def ref_table(refs: dict[str, tuple[int, int, str]]) -> dict[str, FormulaCode]:
    """``ref.名称`` → the template address of the cell marked ``xl:ref(name="名称")``: formula code, not text."""
    return {name: cell_reference(cell_name(row - 1, col - 1)) for name, (row, col, _) in refs.items()}
